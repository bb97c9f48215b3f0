"""Set the values of given cells in an existing worksheet part, keeping everything else of it.

The part is parsed with lxml (``package.parse_xml``: no entities, no DTD, no network), edited as a tree
and written back.  In a row that holds given cells, each given cell's ``<c>`` is replaced by one with the
same style (``s``) and the new number (or no value; formula, type and inline string are dropped), and a
cell that is missing is inserted in column order, styled as its column (``<col style>``); a missing row
likewise, in row order.  Rows and cells without ``r`` take the position the schema implies.  A row's
``spans`` hint is dropped when a new cell falls outside it.  A cell that is the anchor of a shared or
array formula reaching other cells is refused: its dependants would lose their formula.  The writer
(``writer._Edit.cells``) then marks the workbook for a full recalculation on load, so that formulas over
the cells (a table's totals row) show the new sums.

Two ways, one result.  A part in the plain form every spreadsheet program writes (UTF-8 with its XML
declaration, rows and cells with their ``r`` first, no comments, CDATA or processing instructions) is
checked to be well-formed XML by libxml2 without building anything, and then the given cells are found
by their references in the bytes and replaced or inserted, everything between them copied as it is:
the time of the part's zlib round trip, memory about the part's size (issue 28: the tree took some 25
times the part's size, 700 MB for 60 000 rows of 10 cells).  Any other part (another encoding, comments,
CDATA, single-quoted or escaped references, rows without ``r``, a row to add) is parsed with lxml
(``package.parse_xml``: no entities, no DTD, no network), edited as a tree and written back, so that a
comment, a processing instruction, a CDATA section or single-quoted attributes can never fool it.  Both
keep every other element, attribute and namespace declaration (prefixes, ``mc:Ignorable``, ``extLst``),
and the part's XML declaration if it had one; the tree writes what a parser does not keep (quote marks,
CR LF inside the root, CDATA as such) in lxml's equivalent form, the scan writes the new cells as lxml
writes them (tests/xlsx/test_cellpatch.py holds both to the tree's output).  A part whose rows or cells
declare namespaces, or whose root binds the sheet's namespace to a second prefix, is the tree's: a row
or cell may then be in another namespace (no row or cell of the sheet), or one under another prefix.

The scan sets one cell a row (a column, as utfall sets its Utfall column) the quick way (``_Rows.quick``:
the row and the cell found by their references, each form of start tag judged once, the references and
the new values made all at once; issue 28: the time of the part's zlib round trip and a half, also where
the column's cells are not in the part and each is added); a row it does not vouch for (a spans hint to
drop, a formula, ``r`` not first, cells out of order), and any other set of cells, the careful way
(``_Rows.careful``), which makes the same changes.  Both set only a row that is sheetData's child and a
cell that is its row's, as the tree does: the depth of a position is counted from the tags before it
(``_depth``), and a row or cell nested in another element (an extLst, a value, a foreign element), an
end tag with a space in it (``</row >``), or a ">" outside a tag (the count unsure) sends the part to the
tree.  They set or add a cell only where no cell of its row before it is of its column or a later one
(``_Rows.order``) and no row before it of its number or a later one (``_Rows.rows_below``), with no
namespace declared there: else the tree, which sets the first cell and row of the number it meets and adds
one before a later one.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import groupby, islice
from operator import eq, itemgetter, lt
from typing import Iterator

from lxml import etree

from ..core.a1 import bounds, column_letter, column_number, ref as cell_ref
from ..core.errors import UserError
from .cells import MAX_NODE, shallow
from .package import parse_xml, q, whole
from .worksheet import value_text

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_ROW_OF = itemgetter(0)
_PLACE = itemgetter(0, 1)  # a change's begin and finish
_SPACE = re.compile(rb"[ \t\r\n]*")


@lru_cache(maxsize=64)
def _column(letters: str) -> int:
    return column_number(letters)


def _split(ref: str) -> tuple[int, int]:
    """(column, row) of "J5" ([A-Z]{1,3} and digits, as _CELL_REF says, without a regular expression: it
    is done for every cell to set)."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    if 0 < len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper() \
            and digits.isdecimal():
        return _column(letters), int(digits)
    m = _CELL_REF.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref}")
    return _column(m.group(1)), int(m.group(2))


def _column_styles(root: etree._Element, tag) -> dict[int, str]:
    """The default style of each column (``<col min max style>``), for cells that must be created."""
    styles: dict[int, str] = {}
    for col in root.iterfind(f"{tag('cols')}/{tag('col')}"):
        style, lo, hi = col.get("style"), whole(col.get("min")), whole(col.get("max"))
        if style and lo is not None and hi is not None and hi - lo < 20000:
            for c in range(lo, hi + 1):
                styles[c] = style
    return styles


def patch_cells(data: bytes, values: dict[str, Decimal | None], where: str = "") -> bytes:
    """The worksheet part ``data`` with the cells of ``values`` ({"J5": Decimal or None}) set."""
    return b"".join(patch_chunks(data, values, where))


def patch_chunks(data: bytes, values: dict[str, Decimal | None], where: str = "",
                 well_formed: bool = False) -> Iterator[bytes]:
    """``patch_cells`` in pieces, for ``zipio.Deflated``: the part is never in memory twice uncompressed.
    ``well_formed``: the part has been read to its end in this process already (``cells.well_formed``), so
    that libxml2 need not check it again (a fifth of the time)."""
    edits = _scan(data, values, where, well_formed)
    if edits is None:
        yield _patch_tree(data, values, where)
        return
    end, changes = edits
    at = 0
    for block in range(0, len(changes), 1024):  # some 400 kB at a time
        pieces = []
        for begin, finish, new in changes[block:block + 1024]:
            pieces += (data[at:begin], new)
            at = finish
        yield b"".join(pieces)
    yield data[at:end]


class _NoTree:
    """A parser target that builds nothing: libxml2 still checks that the part is well-formed XML."""

    def close(self) -> None:
        return None


_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n][^>]*?\?>[ \t\r\n]*")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[ \t\r\n>]")
_START_TAG_REST = rb"""((?:[ \t\r\n]+[^\s=/>]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*)[ \t\r\n]*(/?)>"""
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_WHITESPACE = re.compile(rb"[ \t\r\n]*\Z")


_SPANS = re.compile(rb'[ \t\r\n]spans="([^"]*)"')
_STYLE = re.compile(rb'[ \t\r\n]s="([^"]*)"')


def _nowhere(data: bytes, pair: bytes, start: int) -> bool:
    """Whether the two bytes ``pair`` ("<?", "<!") are nowhere in ``data[start:]``: looked for by the second,
    rare in a sheet, which memchr finds some 40 times faster than the pair (every tag starts with "<")."""
    first, second = pair[0], pair[1:]
    at = data.find(second, start + 1)
    for _ in range(100):
        if at < 0:
            return True
        if data[at - 1] == first:
            return False
        at = data.find(second, at + 1)
    return at < 0 or data.find(pair, at - 1) < 0


def _depth(data: bytes, begin: int, end: int) -> int:
    """How much deeper ``data[end]`` is than ``data[begin]`` (both at a tag's "<" or just after its ">"),
    counted from the tags between, in rows where every ">" ends a tag (``_Rows.sure``).  In a part without
    comments, CDATA and processing instructions every "<" starts a tag; when there are as many ">", every
    ">" ends one, so that "</" is an end tag and "/>" a tag that closes itself.  A row or a cell nested in
    another element (an extLst, a value) is not the sheet's, and a cell's first "</c>" is its own only when
    nothing is nested in it (issue 28's review: the scan set such a cell, or cut a cell in two)."""
    return data.count(b"<", begin, end) - 2 * data.count(b"</", begin, end) - data.count(b"/>", begin, end)


def _plain(tag: bytes) -> bool:
    """A start tag whose attributes can be found by searching its text: double quotes only (so that no
    attribute hides in another's value) and no references to resolve."""
    return b"'" not in tag and b"&" not in tag


def _attributes(text: bytes) -> dict[bytes, bytes] | None:
    """The attributes of a start tag's text; None when one holds a reference (``&...;``), which this plain
    reading does not resolve."""
    if b"&" in text:
        return None
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(text)}


def _scan(data: bytes, values: dict[str, Decimal | None], where: str, well_formed: bool = False):
    """(end, [(begin, finish, new bytes)]) for a part in the plain form: the output is ``data[:end]`` with
    the changes made, in order; None for a part to edit as a tree."""
    declaration = _DECLARATION.match(data)
    if declaration is None:
        return None
    encoding = _ENCODING.search(declaration.group())
    if encoding is None or encoding.group(1).replace(b"-", b"").upper() != b"UTF8":
        return None
    if not _nowhere(data, b"<?", declaration.end()) or not _nowhere(data, b"<!", 0):
        return None
    root = _ROOT.match(data, declaration.end())
    if root is None:
        return None
    p = root.group(1) + b":" if root.group(1) else b""
    tag = re.compile(b"<" + re.escape(p) + b"worksheet" + _START_TAG_REST).match(data, root.start())
    attrs = _attributes(tag.group(1)) if tag else None
    namespace = attrs.get(b"xmlns:" + p[:-1] if p else b"xmlns") if attrs is not None else None
    if attrs is None or namespace is not None and sum(
            value == namespace for name, value in attrs.items() if name.startswith(b"xmlns")) > 1:
        return None  # a second prefix for the sheet's namespace (<y:c> a cell too), or escaped: the tree
    end = data.rfind(b"</" + p + b"worksheet>")
    if end < 0 or not _WHITESPACE.match(data, end + len(p) + 12):
        return None
    end += len(p) + 12
    sheet_data = data.find(b"<" + p + b"sheetData>", root.end())
    sheet_data_end = data.find(b"</" + p + b"sheetData>", sheet_data)
    if sheet_data < 0 or sheet_data_end < 0:
        return None
    # libxml2 checks the part without building it, and then does not apply its own limits (depth, the size
    # of a text): the elements before and after the rows are checked here to be few and shallow.  Among
    # the rows, what is not edited is copied as it is (the reader, which utfall runs first on the same
    # part, refuses a part beyond the limits; a search for other elements there cost a third of the time)
    head, tail = data[root.end():sheet_data], data[sheet_data_end:end]
    if len(head) + len(tail) > MAX_NODE or not shallow(head, 1) or not shallow(tail, 1):
        return None
    inner = data[tag.end():sheet_data]  # (head starts inside the root's start tag)
    if inner.count(b"<") != inner.count(b">") or tail.count(b"<") != tail.count(b">") \
            or _depth(inner, 0, len(inner)) != 0 or _depth(tail, 0, len(tail)) != -2:
        return None  # the sheetData found is inside another element, or ends in "</sheetData >": the tree
    try:  # well-formed, with its namespaces declared: libxml2 reads it all, keeping nothing
        if not well_formed:
            etree.fromstring(data, etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True,
                                                   load_dtd=False, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the part {where} is not well-formed XML ({exc})") from None
    rows = _Rows(data, p, sheet_data, sheet_data_end, values, where)
    one_a_row = _one_a_row(values)
    if one_a_row is not None:  # a column set, as utfall does: the quick way
        changes = rows.quick(*one_a_row)
    else:
        wanted = sorted((*_split(ref)[::-1], ref, value) for ref, value in values.items())  # (row, col, ref, value)
        if len({cell[:2] for cell in wanted}) != len(wanted):
            return None  # one cell named twice ("J5", "J05"): the tree sets it once
        changes = rows.careful_all(wanted)
    return None if changes is None else (end, changes)


_PLAIN_REF = re.compile(rb"[A-Z]{1,3}[0-9]+")
_REFS = re.compile(r"[A-Z]{1,3}[1-9][0-9]*(?:\n[A-Z]{1,3}[1-9][0-9]*)*\Z")
_NO_DIGITS = str.maketrans("", "", "0123456789")
_NO_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _one_a_row(values: dict[str, Decimal | None]) -> tuple[list, list, list, list, list[str]] | None:
    """The cells to set as lists of their rows, columns, references, values and rows' digits, in row
    order, when every reference is plain ("J5": ASCII capitals, digits without a leading zero) and each is
    in a row of its own; else None.  The references are split all at once, not one by one (issue 28)."""
    refs, vals = list(values), list(values.values())
    joined = "\n".join(refs)
    if not refs or not joined.isascii() or _REFS.match(joined) is None:
        return None
    digits = joined.translate(_NO_LETTERS).split("\n")
    if len(digits) != len(refs):
        return None  # (a reference with a line break in it)
    letters = joined.translate(_NO_DIGITS).split("\n")
    rows = list(map(int, digits))
    numbers = {name: _column(name) for name in set(letters)}
    cols = list(map(numbers.__getitem__, letters))
    if not all(map(lt, rows, islice(rows, 1, None))):  # not in row order (or a row twice)
        rows, cols, refs, vals, digits = map(list, zip(*sorted(zip(rows, cols, refs, vals, digits))))
        if any(map(eq, rows, islice(rows, 1, None))):
            return None  # a row twice (digits without a leading zero: the same number, the same text)
    return rows, cols, refs, vals, digits


def _each(head: bytes, items: list[str], tail: bytes) -> list[bytes]:
    """``head + item + tail`` for each (ASCII, one-line) item, made by one join."""
    text = "\n".join(items).encode("ascii")
    return (head + text.replace(b"\n", tail + b"\n" + head) + tail).split(b"\n")


_TRAILING_ZEROS = re.compile(r"(\.[0-9]*?)0+(?=\n|\Z)")
_BARE_POINT = re.compile(r"\.(?=\n|\Z)")


def _tails(vals: list, p: bytes) -> list[bytes]:
    """The end of each new cell after its style: ``/>`` for no value, else ``><v>1.5</v></c>`` with
    ``value_text``'s text, made for all the values at once (issue 28): a Decimal's ``str`` is that text
    but for its trailing zeros where it has no exponent ("E"), is no NaN ("a") and no Infinity ("I")."""
    v_open, v_close = b"><" + p + b"v>", b"</" + p + b"v></" + p + b"c>"
    text = "\n".join(map(str, vals))
    if not set(map(type, vals)) <= {Decimal, type(None)} or "E" in text or "a" in text or "I" in text:
        return [b"/>" if v is None else v_open + value_text(v).encode("ascii") + v_close for v in vals]
    body = _BARE_POINT.sub("", _TRAILING_ZEROS.sub(r"\1", text)).encode("ascii")
    tails = v_open + body.replace(b"\n", v_close + b"\n" + v_open) + v_close
    return tails.replace(v_open + b"None" + v_close, b"/>").split(b"\n")


def _letters(col: int, below: bool) -> bytes:
    """A pattern for the column letters ([A-Z]{1,3}) of the columns below ``col`` (or above it): shorter
    letters, or as many and less at the first that differs (more, or as many and greater)."""
    letters = column_letter(col).encode("ascii")
    n = len(letters)
    ways = [b"[A-Z]{1,%d}" % (n - 1)] if below and n > 1 else [b"[A-Z]{%d,3}" % (n + 1)] if not below and n < 3 \
        else []
    for i, ch in enumerate(letters):
        if below and ch > 65:
            ways.append(re.escape(letters[:i]) + b"[A-%c]" % (ch - 1) + b"[A-Z]" * (n - i - 1))
        if not below and ch < 90:
            ways.append(re.escape(letters[:i]) + b"[%c-Z]" % (ch + 1) + b"[A-Z]" * (n - i - 1))
    return b"(?:" + b"|".join(ways) + b")" if ways else b"(?!)"


class _Rows:
    """The changes that set cells in the rows of a plain part's sheetData (``_scan``), found by their
    references: ``quick`` for one cell a row whose row and cell (or cells, for one to add) are in the usual
    form, ``careful`` for any row (a spans hint to drop, formulas, attributes in another order)."""

    def __init__(self, data: bytes, p: bytes, start: int, end: int, values: dict, where: str):
        self.data, self.p, self.start, self.end, self.where = data, p, start, end, where
        self.covered = set(values)
        self.changes: list[tuple[int, int, bytes]] = []
        # start tags are read by finding their ends: sound where no attribute value is single-quoted (a '>'
        # in it) or holds a reference; else each tag is checked (a "plain" one) before it is read
        self.checked = data.find(b"'", start, end) >= 0 or data.find(b"&", start, end) >= 0
        self.row_tag = re.compile(b"<" + re.escape(p) + b"row" + _START_TAG_REST)
        self.cell_tag = re.compile(b"<" + re.escape(p) + b"c" + _START_TAG_REST)
        self.formula_tag = re.compile(b"<" + re.escape(p) + b"f" + _START_TAG_REST)
        self.column_styles: dict[int, str] | None = None  # read when a cell is added
        self.row_any = re.compile(b"<" + re.escape(p) + b"row(?=[ \t\r\n/>])")
        self.orders: dict[int, re.Pattern] = {}  # a column -> its cell's place (``order``)
        self.within: dict[tuple[bytes, tuple[int, ...]], bool] = {}
        self.content = start + len(p) + len(b"<sheetData>")
        self.cursor = (self.content, 0)  # a position among the rows and its depth below sheetData
        # depths are counted only where no ">" is in a text or an attribute value (Excel writes "&gt;")
        self.sure = data.count(b"<", self.content, end) == data.count(b">", self.content, end)
        self.constants = (data, data.find, data.rfind, end, self.checked, self.changes, b"<" + p + b'row r="%d"',
                            b"</" + p + b"row>", b"</" + p + b"c>", b"<" + p + b"c", b"<" + p + b"f")

    def careful_all(self, wanted: list) -> list[tuple[int, int, bytes]] | None:
        """The changes for ``wanted`` ((row, column, reference, value) in order), row by row the careful way."""
        at = self.start
        for number, group in groupby(wanted, _ROW_OF):
            at = self.careful(number, list(group), at)
            if at is None:
                return None
        self.changes.sort(key=_PLACE)
        return self.changes

    def quick(self, rows: list[int], cols: list[int], refs: list[str], vals: list, digits: list[str]
              ) -> list[tuple[int, int, bytes]] | None:
        """The changes for one cell in each row: a row found by ``<row r="N"``, the cell in it by
        ``<c r="J5"``, each start tag's rest (after the reference) judged once for all the rows or cells that
        share it; a new cell is the old one's ``<c r="J5"`` with the rest made new, a cell to add goes before
        the row's first cell of a later column (or at its end).  Either is where the tree puts it when no
        cell before it is of that column or later (``order``: one search of the row), no row between the
        rows set is of that number or later (``rows_below``, most often no row between), and nothing there
        declares a namespace.  Any row not in that form (a spans hint to drop, a formula, ``r`` not first,
        cells out of order, an extLst where a cell goes at the end) goes ``careful``."""
        data, p, end, checked = self.data, self.p, self.end, self.checked
        find, startswith, changes = data.find, data.startswith, self.changes
        append = changes.append
        cell_start, row_end, cell_end = b"<" + p + b"c", b"</" + p + b"row>", b"</" + p + b"c>"
        f_start, lc, lce = b"<" + p + b"f", len(cell_start), len(cell_end)
        row_forms: dict[tuple[bytes, int], bool] = {}  # (a row tag's rest, the column) -> the quick way holds
        cell_forms: dict[bytes, tuple[bytes, bool] | None] = {}  # a cell tag's rest -> (style, self-closing)
        at, in_order = self.start, True
        count, sure, (pos, depth) = data.count, self.sure, self.cursor  # row_depth's, inline (60 000 rows)
        row_end_open, row_open, ext_open = row_end[:-1], b"<" + p + b"row", b"<" + p + b"extLst"
        lro, lre = len(row_end_open), len(row_end)
        xmlns = find(b"xmlns", at, end) if find(b"x", at, end) >= 0 else -1  # the next namespace declaration
        if xmlns < 0:  # among the rows (most often none; an "x" is rare in a sheet, and memchr finds it at once)
            xmlns = end
        last_col, row_rest, row_form, cell_rest, cell_form = None, b"", False, b"", None  # (the last row's)
        for number, col, ref, value, tail, row_needle, needle in zip(
                rows, cols, refs, vals, _tails(vals, p), _each(b"<" + p + b'row r="', digits, b'"'),
                _each(b' r="', refs, b'"')):
            found = find(row_needle, at, end)
            if col != last_col:  # (utfall: one column)
                last_col, row_rest, order, new_cell = col, b"", self.order(col).search, None
            if found >= 0:
                after = found + len(row_needle)
                if row_rest and startswith(row_rest, after):  # the start tag as the last row's: judged so
                    gt = after + len(row_rest) - 1
                else:
                    gt = find(b">", found, end)
                    row_rest = data[after:gt + 1]
                    key = (row_rest, col)
                    row_form = row_forms.get(key)
                    if row_form is None:
                        row_form = row_forms[key] = sure and _quick_row(*key, checked)
                closing = find(row_end_open, gt, end) if row_form else -1
                if xmlns < at:
                    xmlns = find(b"xmlns", at, end)
                    if xmlns < 0:
                        xmlns = end
                if closing >= 0 and data[closing + lro] == 62 and xmlns > closing \
                        and (found == at + lre or find(row_open, at, found) < 0 or self.rows_below(at, found, number)):
                    # (else "</row >", a namespace declared, a row between of this number or later: careful's)
                    first = order(data, gt + 1, closing)  # the row's first cell of this column or later
                    if first is None:  # none: a cell to add at the row's end (not where the tree puts it
                        lt, add = closing, find(ext_open, gt, closing) < 0  # before an extLst)
                    else:  # a cell to add before one of a later column, or perhaps the cell
                        lt, add = first.start() - 1, first.lastindex == 1  # (the match is after its "<")
                    if not add and first is not None and startswith(needle, lt + lc):  # the cell, in its place
                        after = lt + lc + len(needle)
                        if cell_rest and startswith(cell_rest, after):
                            gt = after + len(cell_rest) - 1
                        else:
                            gt = find(b">", after, closing)
                            cell_rest = data[after:gt + 1]
                            cell_form = cell_forms.get(cell_rest, False)
                            if cell_form is False:
                                cell_form = cell_forms[cell_rest] = _quick_cell(cell_rest, checked)
                        if cell_form is not None:  # the cell one below the rows is the row's (no </row before)
                            depth += count(b"<", pos, lt) - 2 * count(b"</", pos, lt) - count(b"/>", pos, lt)
                            pos = lt
                        if cell_form is not None and depth == 1:  # (else one nested deeper: careful's)
                            style, closed = cell_form
                            finish = gt + 1 if closed else find(cell_end, gt, closing)
                            # (no formula; and no <c in it: the first </c> is the cell's own)
                            if finish >= 0 and (closed or find(f_start, gt, finish) < 0
                                                and find(cell_start, gt, finish) < 0):
                                append((after, finish if closed else finish + lce, style + tail))
                                at = closing
                                continue
                    elif add:  # (if the place is one below the row)
                        depth += count(b"<", pos, lt) - 2 * count(b"</", pos, lt) - count(b"/>", pos, lt)
                        pos = lt
                        if depth == 1:
                            if new_cell is None:  # (the column's style: read from the part when first needed)
                                style = self.column_style(col)
                                new_cell = cell_start + b"%s" + (b' s="%s"' % style if style else b"")
                            append((lt, lt, new_cell % needle + tail))
                            at = closing
                            continue
            if found >= 0 and pos > found:  # (the cursor back to the row, not counted again from the start)
                depth -= count(b"<", found, pos) - 2 * count(b"</", found, pos) - count(b"/>", found, pos)
                pos = found
            self.cursor = (pos, depth)
            at = self.careful(number, [(number, col, ref, value)], at)
            pos, depth = self.cursor
            if at is None:
                return None
            in_order = False
        if not in_order:
            changes.sort(key=_PLACE)
        return changes

    def row_depth(self, at: int) -> int | None:
        """The depth of position ``at`` below sheetData (0: a row there is the sheet's), counted on from the
        last position asked for (the rows are asked for in order)."""
        if not self.sure:
            return None
        pos, depth = self.cursor
        if at < pos:
            pos, depth = self.content, 0
        depth += _depth(self.data, pos, at)
        self.cursor = (at, depth)
        return depth

    def order(self, col: int) -> re.Pattern:
        """A search for the first cell (``<c``, at any depth) that is not of a column below ``col`` with ``r``
        first (a later column, the same, a cell without ``r`` or in another form); its group 1 is set when
        the cell is of a later column with ``r`` first.  Where a row's first such cell is the one to set, or
        one of a later column before which a cell is added, no cell of the row before it is of ``col`` or
        later, nor without ``r``: the tree sets or adds the cell there too (it goes by the columns of the
        row's cells, in their order, whatever their rows; issue 28: a cell out of order was taken for the
        one to set)."""
        pattern = self.orders.get(col)
        if pattern is None:
            c = re.escape(self.p) + b"c"  # (looked for from its "c", and "<" before it: some 10 % faster)
            pattern = self.orders[col] = re.compile(
                c + b"(?<=<" + c + b')(?=[ \t\r\n/>])(?! r="' + _letters(col, True) + b'[0-9]+")'
                b'( r="' + _letters(col, False) + b'[0-9]+")?')
        return pattern

    def rows_below(self, at: int, found: int, number: int) -> bool:
        """Whether every row that starts in ``data[at:found]`` (those between the row set before and the
        row ``number`` found) has a number below ``number`` in its ``r``, with no namespace declared there:
        the tree sets the first row of the number it meets, and adds the row before one of a later number
        (rows out of order, a row given twice, a row without ``r``: the tree's; issue 28)."""
        data = self.data
        if data.find(b"xmlns", at, found) >= 0:
            return False
        for row in self.row_any.finditer(data, at, found):
            gt = data.find(b">", row.end(), found)
            attrs = _attributes(data[row.end():gt]) if gt >= 0 else None
            r = whole(attrs[b"r"].decode("utf-8", "replace")) if attrs and b"r" in attrs else None
            if r is None or r >= number:
                return False
        return True

    def column_style(self, col: int) -> bytes | None:
        """The style of a cell added in column ``col`` (``<col style>``: the part up to its sheetData, closed,
        holds the <cols>)."""
        if self.column_styles is None:
            head = etree.fromstring(self.data[:self.start] + b"</" + self.p + b"worksheet>",
                                    etree.XMLParser(resolve_entities=False, no_network=True))
            ns = etree.QName(head).namespace
            self.column_styles = _column_styles(head, lambda name: q(name, ns) if ns else name)
        style = self.column_styles.get(col)
        return style.encode("ascii") if style else None

    def careful(self, number: int, todo: list, at: int) -> int | None:
        """Add the changes for the cells ``todo`` of row ``number``, the first such row after ``at``: where
        its ``</row>`` is, or None for a part to edit as a tree."""
        data, find, rfind, end, checked, changes, row_needle, row_end, cell_end, cell_start, f_start = \
            self.constants
        found = find(row_needle % number, at, end)
        if found < 0 or self.row_depth(found) != 0 or not self.rows_below(at, found, number):
            return None  # no such row (to add), another form, a row inside another element, rows out of order
        gt = find(b">", found, end)
        text = data[found:gt + 1]
        if gt < 0 or text[-2:] == b"/>" or text.count(b'"') % 2 or (checked and not _plain(text)) \
                or b"xmlns" in text:
            return None  # a row without cells, not plain, or declaring namespaces (its cells may be others')
        tag_end = gt + 1
        closing = find(row_end, tag_end, end)
        if closing < 0 or find(row_end[:-1], tag_end, closing) >= 0 or _depth(data, tag_end, closing) != 0 \
                or find(b"xmlns", tag_end, closing) >= 0:
            return None  # (the row ends before, in "</row >"; or the first </row> is another's, nested in it;
            # or a cell in it may be another namespace's, or the sheet's under a prefix declared there)
        if b"spans" in text:
            spans = _SPANS.search(text)
            if spans is not None:
                key = (spans.group(1), *(cell[1] for cell in todo))
                if key not in self.within:
                    self.within[key] = _within(spans.group(1).decode("ascii", "replace"), key[1:])
                if not self.within[key]:
                    tag = self.row_tag.match(data, found)
                    if tag is None:
                        return None
                    changes.append((found, tag_end, _without(tag, b"spans")))
        p = self.p
        inserts: list[tuple[int, int, str, Decimal | None]] = []  # before position, column, ref, value
        for _, col, ref, value in todo:
            needle = b' r="%s"' % ref.encode("ascii")
            hit = find(needle, tag_end, closing)
            lt = rfind(b"<", tag_end, hit) if hit >= 0 else -1
            if lt >= 0 and data.startswith(cell_start, lt) and data[lt + len(cell_start)] in b" \t\r\n" \
                    and _depth(data, tag_end, lt) == 0:
                if self.order(col).search(data, tag_end, lt) is not None:
                    return None  # a cell of this column or later, or one without r, before it: the tree's
                gt = find(b">", hit, closing)
                text = data[lt:gt + 1]
                if gt < 0 or text.count(b'"') % 2 or text.find(b"<", 1) >= 0 or (checked and not _plain(text)) \
                        or b"xmlns" in text:
                    return None
                if text[-2:] == b"/>":
                    finish = gt + 1
                else:
                    finish = find(cell_end, gt, closing)
                    if finish < 0 or find(cell_start, gt, finish) >= 0:
                        return None  # (no <c in it: the first </c> is the cell's own, not a "</c >" before)
                    f = find(f_start, gt, finish)
                    if f >= 0:
                        formula = self.formula_tag.match(data, f)
                        if formula is not None:
                            _check_formula((_attributes(formula.group(1)) or {}).get(b"ref", b"")
                                           .decode("ascii", "replace"), ref, self.covered, self.where)
                    finish += len(cell_end)
                style = _STYLE.search(text)
                changes.append((lt, finish, _new_cell(p, needle, style.group(1) if style else b"", value)))
                continue
            # a cell to add: before the first cell of a later column, or after the row's last cell
            before, after_cells = closing, tag_end
            for other in self.cell_tag.finditer(data, tag_end, closing):
                if other.start() < after_cells:
                    continue  # (not a cell: inside the one before)
                attributes = other.group(1)
                if attributes.startswith(b' r="') and not checked:  # (r's value ends at the next '"')
                    other_ref = attributes[4:attributes.find(b'"', 4)]
                else:
                    attrs = _attributes(attributes)
                    other_ref = attrs.get(b"r") if attrs else None
                if other_ref is None or b"xmlns" in attributes or _depth(data, tag_end, other.start()) != 0 \
                        or _PLAIN_REF.fullmatch(other_ref) is None:
                    return None  # a cell without (or with an escaped, or no) reference, or perhaps not a cell: the
                    # tree's (which refuses "j5")
                other_col = _column(other_ref.rstrip(b"0123456789").decode("ascii", "replace"))
                if other_col == col:
                    return None  # the cell is there after all, in a form the search did not see
                if other_col > col:
                    before = other.start()
                    break
                after_cells = other.end() if other.group(2) else data.find(cell_end, other.end(), closing)
                if after_cells < 0 or not other.group(2) and find(cell_start, other.end(), after_cells) >= 0:
                    return None  # (a <c in it: its first </c> is another's, after a "</c >" perhaps)
            if before == closing:  # the schema puts a row's extLst after its cells
                ext = data.find(b"<" + p + b"extLst", after_cells, closing)
                if ext >= 0:
                    before = ext
            inserts.append((before, col, ref, value))
        for before, col, ref, value in inserts:
            changes.append((before, before, _new_cell(p, b' r="%s"' % ref.encode("ascii"),
                                                      self.column_style(col) or b"", value)))
        return closing


def _quick_row(rest: bytes, col: int, checked: bool) -> bool:
    """Whether a row whose start tag ends in ``rest`` (after ``<row r="N"``) may have its cell of column
    ``col`` set the quick way: a row with cells, its tag plain, any spans hint holding the column."""
    if rest[-1:] != b">" or rest[-2:] == b"/>" or rest.count(b'"') % 2 or (checked and not _plain(rest)) \
            or b"xmlns" in rest:
        return False
    spans = _SPANS.search(rest) if b"spans" in rest else None
    return spans is None or _within(spans.group(1).decode("ascii", "replace"), (col,))


def _quick_cell(rest: bytes, checked: bool) -> tuple[bytes, bool] | None:
    """(the new cell's style attribute, whether the tag closes itself) for a cell whose start tag ends in
    ``rest`` (after ``<c r="J5"``), or None for one not plain."""
    if rest[-1:] != b">" or rest.count(b'"') % 2 or b"<" in rest or (checked and not _plain(rest)) \
            or b"xmlns" in rest:
        return None
    style = _STYLE.search(rest)
    return (b' s="%s"' % style.group(1) if style and style.group(1) else b""), rest[-2:] == b"/>"


def _without(tag, name: bytes) -> bytes:
    """A start tag without one of its attributes."""
    text = tag.group()
    attribute = next(m for m in _ATTRIBUTE.finditer(text) if m.group(1) == name)
    begin = attribute.start()
    while text[begin - 1:begin] in (b" ", b"\t", b"\r", b"\n"):
        begin -= 1
    return text[:begin] + text[attribute.end():]


def _new_cell(p: bytes, reference: bytes, style: bytes, value: Decimal | None) -> bytes:
    """A cell as lxml writes the tree's new ``<c>``: ``reference`` is the attribute (' r="J5"'), ``style``
    the style's number (or empty)."""
    c = b"<%sc%s" % (p, reference) + (b' s="%s"' % style if style else b"")
    if value is None:
        return c + b"/>"
    return b"%s><%sv>%s</%sv></%sc>" % (c, p, value_text(value).encode("ascii"), p, p)


def _patch_tree(data: bytes, values: dict[str, Decimal | None], where: str = "") -> bytes:
    """``patch_cells`` through an lxml tree of the whole part, for any part."""
    root = parse_xml(data, where)
    if etree.QName(root).localname != "worksheet":
        raise UserError(f"the part {where} is not a worksheet")
    ns = etree.QName(root).namespace

    def tag(name: str) -> str:  # in the worksheet's namespace: lxml then writes the part's own prefix
        return q(name, ns) if ns else name

    sheet_data = root.find(tag("sheetData"))
    if sheet_data is None:
        raise UserError(f"the worksheet part {where} has no sheetData")
    wanted: dict[int, dict[int, tuple[str, Decimal | None]]] = {}
    for ref, value in values.items():
        col, row = _split(ref)
        wanted.setdefault(row, {})[col] = (ref, value)
    column_styles = _column_styles(root, tag)
    covered = set(values)

    def new_cell(ref: str, style: str | None, value: Decimal | None) -> etree._Element:
        cell = etree.Element(tag("c"), r=ref)
        if style:
            cell.set("s", style)
        if value is not None:
            etree.SubElement(cell, tag("v")).text = value_text(value)
        return cell

    def new_row(number: int) -> etree._Element:
        row = etree.Element(tag("row"), r=str(number))
        for col, (ref, value) in sorted(wanted[number].items()):
            row.append(new_cell(ref, column_styles.get(col), value))
        return row

    def patch_row(row: etree._Element, number: int) -> None:
        todo = dict(wanted[number])
        spans = row.get("spans")
        if spans is not None and not _within(spans, todo):  # a hint that would no longer hold
            del row.attrib["spans"]
        last_col = 0
        for cell in list(row.iterchildren(tag("c"))):
            ref = cell.get("r")
            try:
                col = _split(ref)[0] if ref else last_col + 1
            except ValueError:  # "j5", " J5": a user's (crafted) file, not a traceback
                raise UserError(f"the part {where} has a cell in row {number} whose reference r=\"{ref}\" is not "
                                "a cell reference") from None
            last_col = col
            for before in sorted(c for c in todo if c < col):
                cell.addprevious(new_cell(todo[before][0], column_styles.get(before), todo[before][1]))
                del todo[before]
            if col in todo:
                f = cell.find(tag("f"))
                _check_formula(f.get("ref") if f is not None else None, todo[col][0], covered, where)
                new = new_cell(todo[col][0], cell.get("s"), todo[col][1])
                new.tail = cell.tail
                row.replace(cell, new)
                del todo[col]
            if not todo:
                return
        ext = row.find(tag("extLst"))  # the schema puts a row's extLst after its cells
        for col in sorted(todo):
            cell = new_cell(todo[col][0], column_styles.get(col), todo[col][1])
            if ext is None:
                row.append(cell)
            else:
                ext.addprevious(cell)

    pending = sorted(wanted)
    last_row = 0
    for row in sheet_data.iterchildren(tag("row")):
        if not pending:
            break
        r = whole(row.get("r"))
        number = r if r is not None else last_row + 1
        last_row = number
        while pending and pending[0] < number:
            row.addprevious(new_row(pending.pop(0)))
        if pending and pending[0] == number:
            patch_row(row, pending.pop(0))
    for number in pending:
        sheet_data.append(new_row(number))
    return _serialize(root.getroottree(), data)


def _serialize(tree: etree._ElementTree, data: bytes) -> bytes:
    """The tree in UTF-8, with the part's own XML declaration (and the line break after it) if it had
    one: lxml does not keep those bytes, and a part that is otherwise unchanged should stay so."""
    info = tree.docinfo
    if info.standalone is None:  # libxml2's "no XML declaration"
        return etree.tostring(tree, encoding="UTF-8")
    if info.encoding.replace("-", "").upper() != "UTF8":
        return etree.tostring(tree, encoding="UTF-8", xml_declaration=True, standalone=info.standalone or None)
    end = data.index(b"?>") + 2  # the declaration is the first thing in the part (after a BOM)
    return data[:_SPACE.match(data, end).end()] + etree.tostring(tree, encoding="UTF-8")


def _within(spans: str, columns) -> bool:
    for part in spans.split():
        lo, _, hi = (whole(n) for n in part.partition(":"))
        if lo is not None and hi is not None and all(lo <= c <= hi for c in columns):
            return True
    return False


def _check_formula(span: str | None, ref: str, covered: set[str], where: str) -> None:
    """A cell to set whose formula (``<f ref>``) reaches other cells that are not set too is refused."""
    if not span or ":" not in span:
        return
    c1, r1, c2, r2 = bounds(span)
    if (c2 - c1 + 1) * (r2 - r1 + 1) > 100_000:
        others = True
    else:
        others = any(cell_ref(c, r) not in covered for c in range(c1, c2 + 1) for r in range(r1, r2 + 1))
    if others:
        raise UserError(f"the cell {ref} holds a formula shared with other cells ({span}); replace it with a "
                        "value or its own formula in Excel, and run again", file=where or None)
