# The oracle of tests/xlsx/test_cells.py: xl_statsbidrag/xlsx/cells.py as it was before issue 28 added the
# scan of plain sheet parts (commit 3140f14): every sheet read with lxml iterparse.
"""Stream cell values out of worksheet parts, for the few ranges the tool reads.

Numbers come out as ``Decimal`` straight from the stored text (never through float), dates as
``datetime``, text as ``str``, errors as ``CellError``.  Rows past the wanted range are not
parsed, and the shared-string table is read only as far as the wanted cells need.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from typing import Iterator

from lxml import etree

from xl_statsbidrag.core import a1
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.read.source import CellError, MAX_COLUMN, MAX_ROW, MergedCopy, UNCALCULATED
from xl_statsbidrag.xlsx.package import Package, SheetRef, integer, q

_DIGITS = "0123456789"
MAX_SHARED_STRINGS = 500_000  # texts in the shared-string table that a cell may refer to
MAX_MERGES = 1_000_000  # merged ranges in one sheet
MAX_SHARED_TEXT = 100_000_000  # characters of shared strings kept in memory
MAX_DOUBLE_EXPONENT = 308  # a number Excel stores is a double: beyond this it is no number
_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
TAG_ROW, TAG_C, TAG_V, TAG_F, TAG_IS, TAG_SI, TAG_T, TAG_RPH, TAG_MERGE = (
    q(t) for t in ("row", "c", "v", "f", "is", "si", "t", "rPh", "mergeCell"))


class _Shared(int):
    """A not yet resolved index into the shared-string table."""


column_number = lru_cache(maxsize=4096)(a1.column_number)


def _is_date_format(code: str) -> bool:
    stripped = _QUOTED.sub("", code).lower()
    return any(ch in stripped for ch in "ymdhs") and "general" not in stripped


_DROPPED = itertools.count()


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _drop(element: etree._Element) -> None:
    """Forget an element read from a stream, and (every 1 024 elements) the siblings before it:
    without this the tree keeps every item read (30 million shared strings, 60 million cells)."""
    element.clear()
    if next(_DROPPED) & 1023 == 0:
        parent = element.getparent()
        if parent is not None:
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
                self._strings_iter = self.pkg.iterparse(part, TAG_SI)
            try:
                _, si = next(self._strings_iter)
            except StopIteration:
                self._strings_done = True
                break
            text = _text(si)
            self._strings_chars += len(text)
            if self._strings_chars > MAX_SHARED_TEXT:
                raise UserError(f"the shared strings hold more than {MAX_SHARED_TEXT // 1_000_000} million "
                                "characters before the texts the tool needs (refused)", file=self.pkg.path)
            self._strings.append(text)
            _drop(si)
        if index >= len(self._strings):
            raise UserError(f"a cell refers to shared string {index}, which does not exist", file=self.pkg.path)
        return self._strings[index]

    # --- cells ---------------------------------------------------------------------------------

    def _value(self, c: etree._Element) -> object:
        kind = c.get("t", "n")
        v = c.find(TAG_V)
        raw = v.text if v is not None else None
        if raw is None and kind != "inlineStr" and c.find(TAG_F) is not None:
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
            return _text(c.find(TAG_IS))
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
        style = c.get("s")
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
        """One pass over the sheet as a stream of cells (never whole rows: a row of 60 million
        empty cells is refused at its 16 385th), then merged ranges applied as ranges."""
        if sheet.part not in self.pkg.names:
            raise UserError(f"the sheet '{sheet.name}' has no part", file=self.pkg.path)
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
        for values in found.values():
            for i, v in enumerate(values):
                if isinstance(v, _Shared):
                    values[i] = self.shared_string(v)
        try:
            _apply_merges(found, merges, min_col, max_col, min_row)
        except UserError as exc:
            raise UserError(f"the sheet '{sheet.name}': {exc.message}", file=self.pkg.path) from None
        return sorted(found.items())


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
    from xl_statsbidrag.core.a1 import column_letter

    return f"{column_letter(m[4] + min_col)}{m[0]}"
