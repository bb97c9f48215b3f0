"""The number format of given cells (``import`` reads the unit of an amount from it: ``#,##0 "tkr"``).

The styles part maps a cell's style index (``<c s="3">``) to a number format: a code of the workbook's
own (``<numFmt>``) or one of Excel's built-in ids (ECMA-376 part 1 §18.8.30; the currency and date ids
depend on the locale and state no unit here).  One pass over the sheet's cells as a stream, reading
attributes only and stopping after the last row asked for.
"""
from __future__ import annotations

from contextlib import closing

from ..core.a1 import column_number
from .package import Package, SheetRef, q, whole

BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
           12: "# ?/?", 13: "# ??/??", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
           40: "#,##0.00;[Red](#,##0.00)", 48: "##0.0E+0", 49: "@"}
_ROW, _C = q("row"), q("c")


def style_formats(pkg: Package) -> list[str]:
    """The number format code of each cell style (cellXfs), in order; "" where not known."""
    part = next((t for _, kind, t, _ in pkg.rels(pkg.workbook_part) if kind.endswith("/styles")), None)
    if not part or part not in pkg.names:
        return []
    root = pkg.xml(part)
    codes = {whole(f.get("numFmtId")): f.get("formatCode", "") for f in root.iter(q("numFmt"))}
    xfs = root.find(q("cellXfs"))
    out = []
    for xf in (xfs if xfs is not None else []):
        if xf.tag == q("xf"):
            number = whole(xf.get("numFmtId")) or 0
            out.append(codes.get(number, BUILTIN.get(number, "")))
    return out


def cell_formats(pkg: Package, sheet: SheetRef, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The number format code of each of ``cells`` ((row, column), 1-based) that has a style."""
    if not cells or sheet.part not in pkg.names:
        return {}
    formats = style_formats(pkg)
    last = max(r for r, _ in cells)
    found: dict[tuple[int, int], str] = {}
    row = column = 0
    with closing(pkg.iterparse(sheet.part, (_ROW, _C), events=("start", "end"))) as elements:
        for event, element in elements:
            if event == "start":
                if element.tag == _ROW:
                    row = whole(element.get("r")) or row + 1
                    column = 0
                    if row > last:
                        break
                else:
                    ref = element.get("r")
                    column = column_number(ref.rstrip("0123456789")) if ref else column + 1
                    style = whole(element.get("s"))
                    if (row, column) in cells and style is not None and style < len(formats) and formats[style]:
                        found[(row, column)] = formats[style]
                continue
            element.clear()
            if element.tag == _ROW:  # the rows read so far are forgotten
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    return found

