"""Stream cell values out of worksheet parts, for the few ranges the tool reads.

Numbers come out as ``Decimal`` straight from the stored text (never through float), dates as
``datetime``, text as ``str``, errors as ``CellError``.  Rows past the wanted range are not
parsed, and the shared-string table is read only as far as the wanted cells need.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from typing import Iterator

from lxml import etree

from ..core import a1
from ..core.a1 import column_letter
from ..core.errors import UserError
from ..read.source import MAX_COLUMN, MAX_ROW, UNCALCULATED, CellError, MergedCopy
from .ooxml import NS_MAIN
from .package import Package, SheetRef, integer, q

_DIGITS = "0123456789"
MAX_SHARED_STRINGS = 500_000  # texts in the shared-string table that a cell may refer to
MAX_MERGES = 1_000_000  # merged ranges in one sheet
MAX_SHARED_TEXT = 100_000_000  # characters of shared strings kept in memory
MAX_DOUBLE_EXPONENT = 308  # a number Excel stores is a double: beyond this it is no number
_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
TAG_ROW, TAG_C, TAG_V, TAG_F, TAG_IS, TAG_SI, TAG_T, TAG_RPH, TAG_MERGE = (
    q(t) for t in ("row", "c", "v", "f", "is", "si", "t", "rPh", "mergeCell"))


_READ: set[tuple[str, str, int, int]] = set()  # parts read to their end in this process (see well_formed)


def _key(pkg: Package, part: str) -> tuple[str, str, int, int] | None:
    try:
        info = pkg.zip.getinfo(part)
    except KeyError:
        return None
    return os.path.abspath(pkg.path), part, info.CRC, info.file_size


def _remember(pkg: Package, part: str) -> None:
    if len(_READ) > 10_000:  # (a batch worker reads book after book)
        _READ.clear()
    key = _key(pkg, part)
    if key is not None:
        _READ.add(key)


def well_formed(pkg: Package, part: str) -> bool:
    """Whether this process has read ``part`` of this file (the same bytes: its CRC-32 and size) to its end
    with the reader, which refuses XML that is not well-formed or is beyond libxml2's limits: utfall reads
    the activity sheet, then sets cells in it (``cellpatch``), which then need not check it again."""
    key = _key(pkg, part)
    return key is not None and key in _READ


class _Shared(int):
    """A not yet resolved index into the shared-string table."""


column_number = lru_cache(maxsize=4096)(a1.column_number)


def _is_date_format(code: str) -> bool:
    stripped = _QUOTED.sub("", code).lower()
    return any(ch in stripped for ch in "ymdhs") and "general" not in stripped


_DROPPED = itertools.count()
_READ_AT_END = {TAG_C, TAG_SI, TAG_IS}  # elements whose children are read at their end


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _drop(element: etree._Element) -> None:
    """Forget an element read from a stream, and (every 1 024 elements) the siblings before it:
    without this the tree keeps every item read (30 million shared strings, 60 million cells).  Not the
    siblings inside a cell or a string item (a cell nested in a cell, which no program writes): their
    parent, not read yet, would lose its value."""
    element.clear()
    if next(_DROPPED) & 1023 == 0:
        parent = element.getparent()
        if parent is not None and parent.tag not in _READ_AT_END:
            del parent[:-1]


def _text(element: etree._Element) -> str:
    """The text of a string item (<si> or <is>), without phonetic runs."""
    if element is None:
        return ""
    t = element.find(TAG_T)
    if t is not None and len(element) == 1:
        return t.text or ""
    return "".join(r.text or "" for r in element.iter(TAG_T) if r.getparent().tag != TAG_RPH)


class CellReader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self._date_styles: set[int] | None = None
        self._strings: list[str] = []
        self._strings_iter: Iterator | None = None
        self._strings_done = False
        self._strings_chars = 0
        self._whole: dict[str, tuple[int, list[tuple[int, list[object]]]]] = {}
        self.hidden: dict[str, set[int]] = {}  # sheet name -> hidden row numbers seen
        workbook = pkg.xml(pkg.workbook_part)
        pr = workbook.find(q("workbookPr"))
        self.epoch = dt.datetime(1904, 1, 1) if pr is not None and pr.get("date1904") in ("1", "true") \
            else dt.datetime(1899, 12, 30)

    # --- styles and shared strings -------------------------------------------------------------

    def date_styles(self) -> set[int]:
        if self._date_styles is None:
            self._date_styles = set()
            part = next((t for _, kind, t, _ in self.pkg.rels(self.pkg.workbook_part) if kind.endswith("/styles")), None)
            if part and part in self.pkg.names:
                root = self.pkg.xml(part)
                try:
                    custom = {integer(f.get("numFmtId"), 0, "a numFmtId", part): f.get("formatCode", "")
                              for f in root.iter(q("numFmt"))}
                    xfs = root.find(q("cellXfs"))
                    fmts = [integer(xf.get("numFmtId"), 0, "a numFmtId", part) for xf in xfs if xf.tag == q("xf")] \
                        if xfs is not None else []
                except UserError as exc:
                    raise exc.with_file(self.pkg.path)
                for index, fmt in enumerate(fmts):
                    if fmt in _DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                        self._date_styles.add(index)
        return self._date_styles

    def shared_string(self, index: int) -> str:
        if not 0 <= index < MAX_SHARED_STRINGS:
            raise UserError(f"a cell refers to shared string {index}, which the tool does not read (it reads "
                            f"the first {_n(MAX_SHARED_STRINGS)} texts of a workbook)",
                            file=self.pkg.path)
        while index >= len(self._strings) and not self._strings_done:
            if self._strings_iter is None:
                part = next((t for _, kind, t, _ in self.pkg.rels(self.pkg.workbook_part)
                             if kind.endswith("/sharedStrings")), None)
                if not part or part not in self.pkg.names:
                    self._strings_done = True
                    break
                self._strings_iter = _shared_strings(self.pkg, part)
            try:
                text = next(self._strings_iter)
            except StopIteration:
                self._strings_done = True
                break
            self._strings_chars += len(text)
            if self._strings_chars > MAX_SHARED_TEXT:
                raise UserError(f"the shared strings hold more than {MAX_SHARED_TEXT // 1_000_000} million "
                                "characters before the texts the tool needs (refused)", file=self.pkg.path)
            self._strings.append(text)
        if index >= len(self._strings):
            raise UserError(f"a cell refers to shared string {index}, which does not exist", file=self.pkg.path)
        return self._strings[index]

    # --- cells ---------------------------------------------------------------------------------

    def _value(self, c: etree._Element) -> object:
        v = c.find(TAG_V)
        kind = c.get("t", "n")
        return self._convert(kind, v.text if v is not None else None, c.find(TAG_F) is not None, c.get("s"),
                             _text(c.find(TAG_IS)) if kind == "inlineStr" else "")

    def _convert(self, kind: str, raw: str | None, formula: bool, style: str | None, inline: str) -> object:
        """A cell's value from its type (``t``), the text of its ``<v>`` (None when it has none or an empty
        one), whether it has a formula, its style (``s``) and its inline string's text."""
        if raw is None and kind != "inlineStr" and formula:
            return UNCALCULATED
        if kind == "n" and raw is not None:
            pass
        elif kind == "s" and raw is not None:
            try:
                index = int(raw)
            except ValueError:
                return CellError("#VALUE!")
            return _Shared(index) if index >= 0 else CellError("#VALUE!")
        elif kind == "inlineStr":
            return inline
        elif raw is None:
            return None
        elif kind == "str":
            return raw
        elif kind == "b":
            return raw.strip() in ("1", "true")
        elif kind == "e":
            return CellError(raw)
        elif kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return CellError("#VALUE!")
        # NaN, Infinity and exponents beyond a double's are not numbers Excel stores: an error value,
        # decided on the exponent before any arithmetic on the number
        if not number.is_finite() or number.adjusted() > MAX_DOUBLE_EXPONENT:
            return CellError("#NUM!")
        if number and number.adjusted() < -MAX_DOUBLE_EXPONENT - 16:
            return Decimal(0)  # below the smallest double: Excel shows 0
        if style is not None and int(style) in self.date_styles() and number.is_finite():
            try:
                return self.epoch + dt.timedelta(days=float(number))
            except OverflowError:
                return number
        return number

    def rows(self, sheet: SheetRef, min_row: int = 1, max_row: int = MAX_ROW, min_col: int = 1,
             max_col: int = MAX_COLUMN) -> list[tuple[int, list[object]]]:
        """The non-empty rows between ``min_row`` and ``max_row`` as (row number, values of
        columns ``min_col`` to ``max_col``).  A sheet read whole is kept, and later ranges of it
        are cut from that instead of parsed again (the agreement sheet holds labels and tables)."""
        whole = self._whole.get(sheet.part)
        if whole is not None and max_col <= whole[0]:
            return [(r, values[min_col - 1:max_col]) for r, values in whole[1]
                    if min_row <= r <= max_row and any(v is not None for v in values[min_col - 1:max_col])]
        out = self._parse(sheet, min_row, max_row, min_col, max_col)
        if min_row == 1 and max_row == MAX_ROW and min_col == 1:
            self._whole[sheet.part] = (max_col, out)
        return out

    def _parse(self, sheet: SheetRef, min_row: int, max_row: int, min_col: int,
               max_col: int) -> list[tuple[int, list[object]]]:
        """One pass over the sheet, then merged ranges applied as ranges: the plain scan (``_scan``), or,
        for a part it does not take, lxml's stream of cells."""
        if sheet.part not in self.pkg.names:
            raise UserError(f"the sheet '{sheet.name}' has no part", file=self.pkg.path)
        scanned = _scan(self, sheet, min_row, max_row, min_col, max_col)
        found, merges = scanned if scanned is not None else self._parse_tree(sheet, min_row, max_row, min_col,
                                                                              max_col)
        _remember(self.pkg, sheet.part)
        strings = self._strings
        for values in found.values():
            for i, v in enumerate(values):
                kind = type(v)
                if kind is bytes or kind is _Shared:  # (the scan keeps an index as its digits)
                    v = int(v)
                    values[i] = strings[v] if v < len(strings) else self.shared_string(v)
        try:
            _apply_merges(found, merges, min_col, max_col, min_row)
        except UserError as exc:
            raise UserError(f"the sheet '{sheet.name}': {exc.message}", file=self.pkg.path) from None
        return sorted(found.items())

    def _parse_tree(self, sheet: SheetRef, min_row: int, max_row: int, min_col: int,
                    max_col: int) -> tuple[dict[int, list[object]], set[tuple[int, int, int, int]]]:
        """The sheet as lxml's stream of cells (never whole rows: a row of 60 million empty cells is refused
        at its 16 385th)."""
        width = max_col - min_col + 1
        found: dict[int, list[object]] = {}
        merges: set[tuple[int, int, int, int]] = set()
        hidden = self.hidden.setdefault(sheet.name, set())
        row_number = 0
        column = 0
        in_range = False
        cells_in_row = 0
        row_element = None  # the row whose cells are being read

        def begin_row(row: etree._Element) -> None:
            nonlocal row_number, column, cells_in_row, in_range, row_element
            row_number = int(row.get("r") or row_number + 1)
            if not 1 <= row_number <= MAX_ROW:
                raise UserError(f"the sheet '{sheet.name}' has a row {row_number}, outside Excel's "
                                f"rows 1 to {_n(MAX_ROW)}", file=self.pkg.path)
            column = cells_in_row = 0
            in_range = min_row <= row_number <= max_row
            if in_range and row.get("hidden") in ("1", "true"):
                hidden.add(row_number)
            row_element = row

        try:
            # end events only: a row's attributes are read at its first cell (its parent), or at its
            # end when it has none
            for event, element in self.pkg.iterparse(sheet.part, (TAG_ROW, TAG_C, TAG_MERGE)):
                tag = element.tag
                if tag == TAG_C:
                    parent = element.getparent()
                    if parent is not row_element and parent is not None and parent.tag == TAG_ROW:
                        begin_row(parent)
                    cells_in_row += 1
                    if cells_in_row > MAX_COLUMN:
                        raise UserError(f"the sheet '{sheet.name}' has a row {row_number} with more than "
                                        f"{MAX_COLUMN} cells, more than Excel's columns", file=self.pkg.path)
                    ref = element.get("r")
                    column = column_number(ref.rstrip(_DIGITS)) if ref else column + 1
                    if column > MAX_COLUMN or column < 1:
                        raise UserError(f"the sheet '{sheet.name}' has a cell {ref!r} outside Excel's columns "
                                        "(A to XFD)", file=self.pkg.path)
                    if in_range and min_col <= column <= max_col:
                        value = self._value(element)
                        if value is not None:
                            values = found.get(row_number)
                            if values is None:
                                values = found[row_number] = [None] * width
                            values[column - min_col] = value
                    _drop(element)
                elif tag == TAG_ROW:
                    if element is not row_element:
                        begin_row(element)  # a row without cells still counts for the numbering
                    row_element = None
                    _drop(element)
                else:
                    merges.add(a1.bounds(element.get("ref", "A1")))
                    if len(merges) > MAX_MERGES:
                        raise UserError(f"the sheet '{sheet.name}' has more than {_n(MAX_MERGES)} merged "
                                        "ranges (refused)", file=self.pkg.path)
                    _drop(element)
        except ValueError as exc:
            raise UserError(f"the sheet '{sheet.name}' has a row or cell that cannot be read ({exc})",
                            file=self.pkg.path) from None
        return found, merges


def _apply_merges(found: dict[int, list[object]], merges: set[tuple[int, int, int, int]], min_col: int,
                  max_col: int, min_row: int) -> None:
    """What a merged range shows is its top-left cell's value: given, as a ``MergedCopy``, to the
    empty cells it covers in the rows that have values.  The ranges are taken as ranges: the cost is
    the rows read times the columns read, never the cells a range covers (A1:Z1048576).  Ranges that
    overlap (which Excel never saves) are refused: which value would the cell show?"""
    ranges = []
    for c1, r1, c2, r2 in merges:
        if c2 < min_col or c1 > max_col or r1 > r2 or c1 > c2:
            continue
        top_left = found[r1][c1 - min_col] if min_col <= c1 <= max_col and r1 in found else None
        if top_left is not None:
            ranges.append((r1, r2, max(c1, min_col) - min_col, min(c2, max_col) - min_col, c1 - min_col, top_left))
    if not ranges:
        return
    ranges.sort(key=lambda m: m[:5])
    owner: list[tuple | None] = [None] * (max_col - min_col + 1)  # the open range covering each column
    open_ranges: list[tuple] = []
    next_range = 0
    for r in sorted(found):
        if any(m[1] < r for m in open_ranges):
            for m in open_ranges:
                if m[1] < r:
                    owner[m[2]:m[3] + 1] = [None] * (m[3] - m[2] + 1)
            open_ranges = [m for m in open_ranges if m[1] >= r]
        while next_range < len(ranges) and ranges[next_range][0] <= r:
            m = ranges[next_range]
            next_range += 1
            if m[1] < r:
                continue  # closed before any row with values
            clash = next((o for o in owner[m[2]:m[3] + 1] if o is not None), None)
            if clash is not None:
                raise UserError(f"merged ranges overlap ({_ref(clash, min_col)} and {_ref(m, min_col)}), which "
                                "Excel never saves; repair the file in Excel")
            owner[m[2]:m[3] + 1] = [m] * (m[3] - m[2] + 1)
            open_ranges.append(m)
        values = found[r]
        for r1, _, first, last, corner, top_left in open_ranges:
            for i in range(first, last + 1):
                if values[i] is None and (r, i) != (r1, corner):
                    values[i] = MergedCopy(top_left)


def _ref(m: tuple, min_col: int) -> str:
    return f"{column_letter(m[4] + min_col)}{m[0]}"


# --- the plain scan (issue 28) ---------------------------------------------------------------------------
#
# A sheet part in the form spreadsheet programs write (UTF-8, the main namespace as the default one, no
# comments, CDATA, processing instructions or DTD, cells with their r, s and t first and double quotes) is
# read with regular expressions over its bytes, a megabyte at a time, while libxml2 checks (building
# nothing) that the part is well-formed: 3 to 4 times faster than lxml's stream of cells, which is what any
# other part is read with.  The scan gives up (and the stream reads the part) at anything it does not take
# for certain, so both give the same values, hidden rows and merged ranges (tests/xlsx/test_cells.py holds
# the scan to the stream's results).

_CHUNK = 1 << 20
_MAX_PENDING = 16 << 20  # bytes of a row not yet closed: past this the stream reads the part
_HEAD = re.compile(rb"(?:\xef\xbb\xbf)?(<\?xml[ \t\r\n][^>]*?\?>)?[ \t\r\n]*<worksheet([ \t\r\n][^>]*)?>")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DEFAULT_NS = re.compile(rb"""[ \t\r\n]xmlns[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']""")
_SHEET_DATA = re.compile(rb"<sheetData(/?)>")
# (the row's content as "[^<]*(?:<(?!/row>)[^<]*)*": what "(.*?)</row>" takes, twice as fast)
_ROW = re.compile(rb"<row(?=[ \t\r\n/>])([^>]*?)(?:/>|>([^<]*(?:<(?!/row>)[^<]*)*)</row>)")
_ROW_R = re.compile(rb'[ \t\r\n]r="([^"]*)"')
_ROW_HIDDEN = re.compile(rb'[ \t\r\n]hidden="(1|true)"')
_CELL = re.compile(  # r, s and t first (in that order, as every writer puts them), then others; groups:
    # the column's letters, s, t, "<f" when there is a formula, the <v>'s text, the inline string's text
    rb'<c(?: r="([A-Z]{1,3})\d+")?(?: s="(\d+)")?(?: t="(\w+)")?(?: (?![rst]=)[\w:.-]+="[^"]*")*'
    rb'(?:/>|>(?:(<f)(?:[ \t\r\n][^>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v/>)?'
    rb'(?:<is>(?:<t(?: xml:space="preserve")?>([^<]*)</t>|<t(?: xml:space="preserve")?/>)?</is>|<is/>)?</c>)'
    rb'()()()')  # (and the three of a row's token, empty: the cells are tokens as they are found)
# the cells of a row where every cell is an empty one or one with a value alone (no formula, no inline
# string, no other attributes): _CELL's groups (formula and inline string always empty), found twice as fast
_CELL_SHORT = re.compile(rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?()(?:/>|><v>([^<]*)</v></c>)()()()()')
_MERGE = re.compile(rb'<mergeCell ref="([^"]*)"/>')
_REFERENCE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


_TAG = re.compile(rb"<(/?)[^>]*?(/?)>")
_UNEXPECTED = re.compile(rb"<(?!/?(?:row|c|f|v|is|t)[ \t\r\n/>])")
# libxml2's own limits (without XML_PARSE_HUGE), which its checking parser (no tree) does not apply: the
# scan leaves a part beyond them to the stream, which refuses it
MAX_DEPTH = 256  # elements in elements
MAX_NODE = 10_000_000  # bytes of one text or attribute


def shallow(data: bytes, depth: int = 0) -> bool:
    """Whether the elements in ``data`` (the head or tail of a part, a few kilobytes) stay within
    ``MAX_DEPTH`` from ``depth``: a part nested deeper is the stream's to refuse."""
    for tag in _TAG.finditer(data):
        if tag.group(1):
            depth -= 1
        elif not tag.group(2):
            depth += 1
            if depth > MAX_DEPTH:
                return False
    return True


class _NotPlain(Exception):
    """The part is not in the form the scan reads."""


class _NoTree:
    def close(self) -> None:
        return None


def _character(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _ENTITIES[name]
    try:
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    except (ValueError, OverflowError):  # no character: the stream says where
        raise _NotPlain from None


def _chars(raw: bytes) -> str:
    """Character data as a parser gives it: line ends as LF, then references resolved."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _REFERENCE.sub(_character, text)
    return text


def _plain_head(head: re.Match) -> None:
    """The declaration (if there is one) names UTF-8 or no encoding, and the root element has the main
    namespace as its default one (the only namespace the scan's names are in); else _NotPlain."""
    if head.group(1):
        encoding = _ENCODING.search(head.group(1))
        if encoding and encoding.group(1).replace(b"-", b"").upper() != b"UTF8":
            raise _NotPlain
    if _DEFAULT_NS.findall(head.group(2) or b"") != [NS_MAIN.encode()]:
        raise _NotPlain


def _chunks(pkg: Package, part: str, checker) -> Iterator[bytes]:
    """The part's bytes a megabyte at a time, each also given to libxml2 to check."""
    with pkg.stream(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                return
            checker.feed(chunk)
            yield chunk


def _scan(reader: "CellReader", sheet: SheetRef, min_row: int, max_row: int, min_col: int, max_col: int):
    """(found, merges) as ``CellReader._parse_tree`` gives them, or None for a part not in the plain form."""
    checker = etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False)
    pkg = reader.pkg
    found: dict[int, list[object]] = {}
    hidden: set[int] = set()
    width = max_col - min_col + 1
    places: dict[bytes, int] = {}  # a column's letters -> its place in the values (-1: not read)
    plain: dict[bytes, bool] = {}  # a cell style -> whether it is one whose numbers are no dates
    convert = reader._convert
    number = 0
    buffer = b""
    stage = "head"
    tail = []
    try:
        for chunk in _chunks(pkg, sheet.part, checker):
            buffer += chunk
            if b"<!" in buffer or b"<?" in (buffer if stage != "head" else buffer[5:]):
                raise _NotPlain  # (in the head, the declaration's "<?" is no processing instruction)
            if stage == "head":
                head = _HEAD.match(buffer)
                if head is None:
                    if len(buffer) > _MAX_PENDING or (b">" in buffer and b"<worksheet" not in buffer):
                        raise _NotPlain
                    continue
                _plain_head(head)
                start = _SHEET_DATA.search(buffer, head.end())
                if start is None:
                    if len(buffer) > _MAX_PENDING:
                        raise _NotPlain
                    continue
                if start.start() - head.end() > MAX_NODE or not shallow(buffer[head.end():start.start()], 1):
                    raise _NotPlain
                buffer = buffer[start.end():]
                stage = "tail" if start.group(1) else "rows"
                if stage == "tail":
                    tail.append(buffer)
                    buffer = b""
                    continue
            if stage == "tail":
                tail.append(buffer)
                buffer = b""
                continue
            end = buffer.find(b"</sheetData>")
            cut = end if end >= 0 else buffer.rfind(b"</row>") + 6
            if cut < 6 and end < 0:
                if len(buffer) > _MAX_PENDING:
                    raise _NotPlain
                continue
            number = _scan_rows(buffer[:cut], number, found, hidden, convert, width, min_row, max_row, min_col,
                                max_col, sheet, pkg, places, plain, reader)
            if end >= 0:
                stage = "tail"
                tail.append(buffer[end:])
                buffer = b""
            else:
                buffer = buffer[cut:]
        checker.close()
    except (_NotPlain, UnicodeDecodeError):  # (bytes that are not UTF-8: the stream says where)
        return None
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the part {sheet.part} is not well-formed XML ({exc})", file=pkg.path) from None
    if stage != "tail":
        return None  # (the check above would have refused a part that ends inside its sheetData)
    rest = b"".join(tail)
    if len(rest) > MAX_NODE or not shallow(rest, 2):
        return None
    merges: set[tuple[int, int, int, int]] = set()
    refs = _MERGE.findall(rest)
    if len(refs) != rest.count(b"<mergeCell ") + rest.count(b"<mergeCell>") + rest.count(b"<mergeCell/>") or \
            any(b"&" in ref for ref in refs) or b"<!" in rest or b"<?" in rest:
        return None
    for ref in refs:
        merges.add(a1.bounds(ref.decode("utf-8")))
        if len(merges) > MAX_MERGES:
            raise UserError(f"the sheet '{sheet.name}' has more than {_n(MAX_MERGES)} merged "
                            "ranges (refused)", file=pkg.path)
    reader.hidden.setdefault(sheet.name, set()).update(hidden)
    return found, merges


_BEYOND_XFD = re.compile(rb'<c r="(?:X[G-Z][A-Z]|XF[E-Z]|[YZ][A-Z][A-Z]|[A-Z]{4})')


def _scan_rows(block: bytes, number: int, found, hidden, convert, width, min_row, max_row, min_col, max_col, sheet,
               pkg, places, plain, reader) -> int:
    """The rows of ``block`` (whole rows) into ``found``; returns the number of the last row.  The block is made
    tokens (``_flat_tokens``, or ``_row_tokens`` for a block the flat scan does not take), and the loop over
    them is the scan's time: an empty cell is no token, a shared string costs no call (its index is kept as its
    digits until ``CellReader._parse`` resolves it), a number in a style that is no date's one call."""
    tokens = _flat_tokens(block)
    if tokens is None:
        tokens = _row_tokens(block, number, sheet, pkg)
    in_row = in_range = False
    values = None
    for letters, style, kind, formula, raw, inline, row, attrs, closed in tokens:
        if letters:
            if not in_row:
                raise _NotPlain  # a cell outside a row
            if not in_range or not (raw or kind or formula):
                continue  # (an empty cell: styled, or there for its formatting)
            index = places.get(letters)
            if index is None:
                index = _place(letters, places, min_col, max_col)
            if index < 0:
                continue
            if kind == b"s" and raw.isdigit() and len(raw) < 16:
                value = raw  # a shared string's index as its digits (int() of them: what _convert does)
            elif not kind and raw and not formula and b"&" not in raw and b"\r" not in raw and (
                    not style or (plain[style] if style in plain else _plain_style(reader, style, plain))):
                value = convert("n", raw.decode("utf-8"), False, None, "")  # (no date: the style need not go)
            else:
                value = _odd_value(convert, style, kind, formula, raw, inline)
            if value is not None:
                if values is None:
                    values = found.get(number)
                    if values is None:
                        values = found[number] = [None] * width
                values[index] = value
        elif row:
            if in_row:
                raise _NotPlain  # a row inside a row
            number = _row_number(attrs, number, sheet, pkg)
            in_range = min_row <= number <= max_row
            if in_range and b"hidden" in attrs and _ROW_HIDDEN.search(attrs):
                hidden.add(number)
            in_row = not closed
            values = None
        else:
            if not in_row:
                raise _NotPlain  # an end without its row
            in_row = False
    if in_row:
        raise _NotPlain
    return number


# A block's tokens: (letters, s, t, "<f" when the cell has a formula, the <v>'s text, the inline string's text)
# for a cell, ("row" and its attributes, "/" when it closes itself) for a row's start, nothing for a row's end.
#
# The flat scan makes them with one regular expression over the whole block, where every cell is either empty
# (``<c r=".." .../>``: no token, nothing to read) or one with r, s and t alone, a formula or none, and a value
# or none (what most writers write): the findall is ~1.5 times as fast as a list of cells per row, since the
# empty cells (about half of a sheet's) make no tuple.  It takes a block when every tag in it is a row's, a
# value's, a formula's, or a cell's starting with its r (within Excel's columns), and every cell that closes
# with ``</c>`` is a token: so the cells without a token close themselves (empty ones), and nothing the
# stream would read is skipped.  (The part is checked to be well-formed XML as it is read, so a "<" is always
# a tag's.)
_FLAT = re.compile(rb'<(?:c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?>'
                   rb'(?:(<f)(?:[ \t\r\n][^>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>)?</c>()'
                   rb'|(row)(?=[ \t\r\n/>])([^>]*?)(/?)>|/row>)')
_NOT_FLAT = re.compile(rb'<(?!row[ \t\r\n/>]|/row>|c r="(?!X[G-Z][A-Z]|XF[E-Z]|[YZ][A-Z][A-Z])[A-Z]{1,3}\d+"'
                       rb'|v>|/v>|/c>|f[ \t\r\n/>]|/f>)')
_QUOTED_ROW = re.compile(rb"<row[^>]*'")
_SHORTEST_CELL = len(b'<c r="A1"/>')
_END = (b"",) * 9


def _flat_tokens(block: bytes) -> list[tuple] | None:
    """The block's tokens, or None where the flat scan does not take the block.  An empty cell of an inline
    string is "", not empty; a namespace declared on a row or cell may make its names other than the main
    ones; a row that may have more cells than Excel's columns has them counted row by row."""
    if len(block) > MAX_NODE or b"inlineStr" in block or b"xmlns" in block or _NOT_FLAT.search(block):
        return None
    if len(block) > MAX_COLUMN * _SHORTEST_CELL and \
            max(map(len, block.split(b"<row"))) > MAX_COLUMN * _SHORTEST_CELL:
        return None
    tokens = _FLAT.findall(block)
    # (every "<row" and "</row>" is a token; so are the cells closing with "</c>" if their count is right)
    if len(tokens) != block.count(b"<row") + block.count(b"</row>") + block.count(b"</c"):
        return None
    return tokens


def _row_tokens(block: bytes, number: int, sheet: SheetRef, pkg: Package) -> list[tuple]:
    """The block's tokens, row by row: any cell in the form the scan takes (a formula, an inline string, other
    attributes, a cell without r, whose column is the one after the cell before); else _NotPlain."""
    if _UNEXPECTED.search(block):
        raise _NotPlain  # an element that is not a row, a cell or a cell's part (an extLst, rich text)
    if b"'" in block and _QUOTED_ROW.search(block) or b"xmlns" in block:
        raise _NotPlain  # (a namespace declared on a row or a cell: its names may not be the main ones)
    cell_count = block.count(b"<c")
    every_cell_has_r = block.count(b'<c r="') == cell_count
    if every_cell_has_r and _BEYOND_XFD.search(block):
        raise _NotPlain  # the stream says which cell is outside Excel's columns
    rows = _ROW.findall(block)
    if len(rows) != block.count(b"<row"):
        raise _NotPlain
    # the cells of each row; as many as the block has "<c" (each match starts at one: so in every row),
    # found with the short pattern where no cell has anything else (what most writers write)
    short = every_cell_has_r and b"<f" not in block and b"<is" not in block and b"<v/>" not in block and \
        b'"></c>' not in block
    cells_of = [(_CELL_SHORT if short else _CELL).findall(content) if content else () for _, content in rows]
    if short and sum(map(len, cells_of)) != cell_count:
        cells_of = [_CELL.findall(content) if content else () for _, content in rows]
    if sum(map(len, cells_of)) != cell_count:
        raise _NotPlain
    tokens = []
    for i, ((attrs, content), cells) in enumerate(zip(rows, cells_of)):
        if not content:
            tokens.append((b"",) * 6 + (b"row", attrs, b"/"))
            continue
        if len(content) > MAX_NODE:
            raise _NotPlain
        if len(cells) > MAX_COLUMN:
            for earlier, _ in rows[:i + 1]:  # (the row's number, for the message; the loop over the tokens
                number = _row_number(earlier, number, sheet, pkg)  # numbers the rows otherwise)
            raise UserError(f"the sheet '{sheet.name}' has a row {number} with more than "
                            f"{MAX_COLUMN} cells, more than Excel's columns", file=pkg.path)
        tokens.append((b"",) * 6 + (b"row", attrs, b""))
        if every_cell_has_r:
            tokens.extend(cells)
        else:
            tokens.extend(_numbered(cells))
        tokens.append(_END)
    return tokens


def _numbered(cells: list[tuple]) -> Iterator[tuple]:
    """The tokens of a row in which some cells have no ``r``: their column is the one after the cell before."""
    column = 0
    for letters, *rest in cells:
        column = column_number(letters.decode("ascii")) if letters else column + 1
        if column > MAX_COLUMN:
            raise _NotPlain  # the stream says which cell is outside Excel's columns
        yield (column_letter(column).encode("ascii"), *rest)


def _row_number(attrs: bytes, number: int, sheet: SheetRef, pkg: Package) -> int:
    """The number of the row with the attributes ``attrs`` that follows row ``number``."""
    if b"&" in attrs or b"'" in attrs or attrs.count(b'"') % 2:
        raise _NotPlain
    if attrs[:4] == b' r="' and (end := attrs.find(b'"', 4)) > 4:  # (what _ROW_R finds first, found faster)
        r = attrs[4:end]
    else:
        r = _ROW_R.search(attrs) if attrs else None
        r = r.group(1) if r else None
    try:
        number = int(r or number + 1) if r is not None else number + 1
    except ValueError as exc:
        raise UserError(f"the sheet '{sheet.name}' has a row or cell that cannot be read ({exc})",
                        file=pkg.path) from None
    if not 1 <= number <= MAX_ROW:
        raise UserError(f"the sheet '{sheet.name}' has a row {number}, outside Excel's "
                        f"rows 1 to {_n(MAX_ROW)}", file=pkg.path)
    return number


def _place(letters: bytes, places: dict[bytes, int], min_col: int, max_col: int) -> int:
    """A column's place in the values read (-1: not read), from its letters."""
    column = column_number(letters.decode("ascii"))
    places[letters] = index = column - min_col if min_col <= column <= max_col else -1
    return index


def _odd_value(convert, style: bytes, kind: bytes, formula: bytes, raw: bytes, inline: bytes) -> object:
    """A cell's value the careful way (a formula, an entity, a date's style, an error, a boolean ...)."""
    if len(style) > 9:
        raise _NotPlain  # (a style of so many digits: the stream says what is wrong with it)
    return convert(kind.decode("ascii") if kind else "n", _chars(raw) if raw else None, bool(formula),
                   style.decode("ascii") if style else None, _chars(inline) if inline else "")


def _plain_style(reader: "CellReader", style: bytes, plain: dict[bytes, bool]) -> bool:
    """Whether the cell style ``style`` (its digits) is one whose numbers ``_convert`` takes as numbers, not
    dates (a style of ten digits or more is left to ``_convert``)."""
    plain[style] = len(style) < 10 and int(style) not in reader.date_styles()
    return plain[style]


_SST_HEAD = re.compile(rb"(?:\xef\xbb\xbf)?(<\?xml[ \t\r\n][^>]*?\?>)?[ \t\r\n]*<sst([ \t\r\n][^>]*)?>")
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_SI_PLAIN = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t>\Z')


def _shared_strings(pkg: Package, part: str) -> Iterator[str]:
    """The texts of the shared-string table in order: scanned as ``_scan`` scans a sheet (an item with
    runs or phonetic text parsed on its own), or read with lxml's stream from where the scan gave up."""
    given = 0
    try:
        for text in _scan_strings(pkg, part):
            given += 1
            yield text
        return
    except (_NotPlain, UnicodeDecodeError):
        pass
    for index, (_, si) in enumerate(pkg.iterparse(part, TAG_SI)):
        if index >= given:
            yield _text(si)
        _drop(si)


def _scan_strings(pkg: Package, part: str) -> Iterator[str]:
    checker = etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False)
    buffer = b""
    head = None
    try:
        for chunk in _chunks(pkg, part, checker):
            buffer += chunk
            if b"<!" in buffer or b"<?" in (buffer if head is not None else buffer[5:]):
                raise _NotPlain
            if head is None:
                head = _SST_HEAD.match(buffer)
                if head is None:
                    if len(buffer) > _MAX_PENDING or b">" in buffer[buffer.find(b"<sst"):]:
                        raise _NotPlain
                    continue
                _plain_head(head)
                buffer = buffer[head.end():]
            cut = buffer.rfind(b"</si>") + 5
            if cut < 5:
                if len(buffer) > _MAX_PENDING:
                    raise _NotPlain
                continue
            block, buffer = buffer[:cut], buffer[cut:]
            items = _SI.findall(block)
            if len(items) != block.count(b"<si"):
                raise _NotPlain
            for item in items:
                if len(item) > MAX_NODE:
                    raise _NotPlain
                plain = _SI_PLAIN.match(item)
                if plain is not None:
                    yield _chars(plain.group(1))
                    continue
                try:
                    yield _text(etree.fromstring(b'<si xmlns="' + NS_MAIN.encode() + b'">' + item + b"</si>",
                                                 _FRAGMENT))
                except etree.XMLSyntaxError:
                    raise _NotPlain from None
        checker.close()
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the part {part} is not well-formed XML ({exc})", file=pkg.path) from None
    if head is None or b"<si" in buffer:
        raise _NotPlain


_FRAGMENT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
