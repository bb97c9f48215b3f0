"""Stream cell values out of worksheet parts, for the few ranges the tool reads.

Numbers come out as ``Decimal`` straight from the stored text (never through float), dates as
``datetime``, text as ``str``, errors as ``CellError``.  Rows past the wanted range are not
parsed, and the shared-string table is read only as far as the wanted cells need.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from typing import Iterator

from lxml import etree

from .. import reading
from ..errors import UserError
from ..reading import MAX_COLUMN, MAX_ROW, UNCALCULATED, CellError, MergedCopy
from .package import Package, SheetRef, q

_DIGITS = "0123456789"
_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
TAG_ROW, TAG_C, TAG_V, TAG_F, TAG_IS, TAG_SI, TAG_T, TAG_RPH, TAG_MERGE = (
    q(t) for t in ("row", "c", "v", "f", "is", "si", "t", "rPh", "mergeCell"))


class _Shared(int):
    """A not yet resolved index into the shared-string table."""


column_number = lru_cache(maxsize=4096)(reading.column_number)


def _is_date_format(code: str) -> bool:
    stripped = _QUOTED.sub("", code).lower()
    return any(ch in stripped for ch in "ymdhs") and "general" not in stripped


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
                custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(q("numFmt"))}
                xfs = root.find(q("cellXfs"))
                for index, xf in enumerate(xfs if xfs is not None else []):
                    fmt = int(xf.get("numFmtId", "0"))
                    if fmt in _DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                        self._date_styles.add(index)
        return self._date_styles

    def shared_string(self, index: int) -> str:
        while index >= len(self._strings) and not self._strings_done:
            if self._strings_iter is None:
                part = next((t for _, kind, t, _ in self.pkg.rels(self.pkg.workbook_part)
                             if kind.endswith("/sharedStrings")), None)
                if not part or part not in self.pkg.names:
                    self._strings_done = True
                    break
                stream = self.pkg.stream(part)
                self._strings_iter = etree.iterparse(stream, events=("end",), tag=TAG_SI,
                                                     resolve_entities=False, no_network=True, huge_tree=False)
            try:
                _, si = next(self._strings_iter)
            except StopIteration:
                self._strings_done = True
                break
            except etree.XMLSyntaxError as exc:
                raise UserError(f"the shared strings are not well-formed XML ({exc})", file=self.pkg.path) from None
            self._strings.append(_text(si))
            si.clear()
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
                return _Shared(int(raw))
            except ValueError:
                return CellError("#VALUE!")
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
        if sheet.part not in self.pkg.names:
            raise UserError(f"the sheet '{sheet.name}' has no part", file=self.pkg.path)
        width = max_col - min_col + 1
        found: dict[int, list[object]] = {}
        merges: list[tuple[int, int, int, int]] = []
        hidden = self.hidden.setdefault(sheet.name, set())
        row_number = 0
        with self.pkg.stream(sheet.part) as stream:
            try:
                for _, element in etree.iterparse(stream, events=("end",), tag=(TAG_ROW, TAG_MERGE),
                                                  resolve_entities=False, no_network=True, huge_tree=False):
                    if element.tag == TAG_MERGE:
                        merges.append(reading.bounds(element.get("ref", "A1")))
                        continue
                    row = element
                    row_number = int(row.get("r") or row_number + 1)
                    if min_row <= row_number <= max_row:
                        if row.get("hidden") in ("1", "true"):
                            hidden.add(row_number)
                        values = None
                        column = 0
                        for c in row.iterchildren(TAG_C):
                            ref = c.get("r")
                            column = column_number(ref.rstrip(_DIGITS)) if ref else column + 1
                            if min_col <= column <= max_col:
                                value = self._value(c)
                                if value is not None:
                                    if values is None:
                                        values = found[row_number] = [None] * width
                                    values[column - min_col] = value
                    row.clear()
                    while row.getprevious() is not None:
                        del row.getparent()[0]
            except etree.XMLSyntaxError as exc:
                raise UserError(f"the sheet '{sheet.name}' is not well-formed XML ({exc})", file=self.pkg.path) from None
            except ValueError as exc:
                raise UserError(f"the sheet '{sheet.name}' has a row or cell that cannot be read ({exc})",
                                file=self.pkg.path) from None
        for values in found.values():
            for i, v in enumerate(values):
                if isinstance(v, _Shared):
                    values[i] = self.shared_string(v)
        for c1, r1, c2, r2 in merges:  # what a merged range shows is its top-left cell's value
            top_left = found.get(r1, [None] * width)[c1 - min_col] if min_col <= c1 <= max_col else None
            if top_left is None:
                continue
            for r in range(max(r1, min_row), min(r2, max_row) + 1):
                for c in range(max(c1, min_col), min(c2, max_col) + 1):
                    values = found.setdefault(r, [None] * width)
                    if values[c - min_col] is None and (r, c) != (r1, c1):
                        values[c - min_col] = MergedCopy(top_left)
        return sorted(found.items())
