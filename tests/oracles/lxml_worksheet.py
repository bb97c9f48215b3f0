# The oracle of tests/xlsx/test_worksheet.py: xl_statsbidrag/xlsx/worksheet.py as it was before issue 28 made it stream (commit
# 3140f14), an lxml tree built whole and serialised.  The streaming code must write the same bytes.
"""The worksheet part (``xl/worksheets/sheetN.xml``) of a ``SheetLayout``; its cell formats are in
``styles``, its Excel Tables in ``table``, and the package around them in ``writer``.

Text is written as inline strings (so the shared-strings part is untouched) and is always text:
a value that starts with "=" stays text.  Formulas carry their computed values.  Children are
written in the order the schema (CT_Worksheet) requires.
"""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from xl_statsbidrag.core.a1 import column_letter
from xl_statsbidrag.forms.layout import SheetLayout
from xl_statsbidrag.xlsx.ooxml import ILLEGAL_XML, NS_MAIN, NS_R
from xl_statsbidrag.xlsx.package import q, serialize_xml

MAX_TEXT = 32767
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_sub = etree.SubElement
_C, _F, _V, _IS, _T, _ROW = (q(tag) for tag in ("c", "f", "v", "is", "t", "row"))  # tags of every cell, made once


def _text(value: str) -> str:
    """Text as a cell can hold it: without the control characters XML 1.0 cannot carry, at most 32 767, line
    breaks as Excel keeps them ("\n"; the text written before lxml had its CR read as LF by every parser)."""
    return ILLEGAL_XML.sub("", value)[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


def value_text(value: int | Decimal) -> str:
    """A number as the text of a cell's ``<v>``: plain digits, no exponent, no trailing zeros."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(row: etree._Element, ref: str, style: str, value, formula: str | None) -> None:
    c = _sub(row, _C, r=ref, s=style)
    if formula is not None:
        if isinstance(value, str):
            c.set("t", "str")
        _sub(c, _F).text = _text(formula)
        if value is not None:
            _sub(c, _V).text = _text(value) if isinstance(value, str) else value_text(value)
    elif isinstance(value, str) and value:
        c.set("t", "inlineStr")
        _sub(_sub(c, _IS), _T, {_XML_SPACE: "preserve"}).text = _text(value)
    elif value is not None and value != "":
        _sub(c, _V).text = value_text(value)


def _sheet_data(root: etree._Element, layout: SheetLayout, style_ids: dict[str, int]) -> None:
    data = _sub(root, q("sheetData"))
    spans = f"1:{layout.last_column}"
    styles = {name: str(i) for name, i in style_ids.items()}
    letters = [""] + [column_letter(i) for i in range(1, layout.last_column + 1)]
    for number, row in enumerate(layout.rows, start=1):
        element = _sub(data, _ROW, r=str(number), spans=spans)
        if row.height:
            element.set("ht", f"{row.height:g}")
            element.set("customHeight", "1")
        for cell in sorted(row.cells, key=lambda c: c.column):
            _cell(element, f"{letters[cell.column]}{number}", styles[cell.style], cell.value, cell.formula)


def _view(root: etree._Element, layout: SheetLayout) -> None:
    view = _sub(_sub(root, q("sheetViews")), q("sheetView"), workbookViewId="0")
    if not layout.gridlines:
        view.set("showGridLines", "0")
    if layout.freeze_row:
        cell = f"A{layout.freeze_row + 1}"
        _sub(view, q("pane"), ySplit=str(layout.freeze_row), topLeftCell=cell, activePane="bottomLeft", state="frozen")
        _sub(view, q("selection"), pane="bottomLeft", activeCell=cell, sqref=cell)


def _page(root: etree._Element, layout: SheetLayout) -> None:
    """Print options, margins, page setup, header and footer, and manual page breaks."""
    _sub(root, q("printOptions"), horizontalCentered="1")
    left, right, top, bottom = layout.margins
    _sub(root, q("pageMargins"), left=f"{left:g}", right=f"{right:g}", top=f"{top:g}", bottom=f"{bottom:g}",
         header="0.3", footer="0.3")
    setup = {"paperSize": "9"}
    setup.update({"fitToWidth": "1", "fitToHeight": "0"} if layout.fit_width else {"scale": "100"})
    setup.update(firstPageNumber="1", orientation="landscape" if layout.landscape else "portrait",
                 useFirstPageNumber="1")
    _sub(root, q("pageSetup"), setup)
    if layout.header or layout.footer:
        header_footer = _sub(root, q("headerFooter"))
        if layout.header:
            _sub(header_footer, q("oddHeader")).text = _text(layout.header)
        if layout.footer:
            _sub(header_footer, q("oddFooter")).text = _text(layout.footer)
    if layout.page_breaks:  # <brk id="N"/>: a new page after the first N rows
        count = str(len(layout.page_breaks))
        breaks = _sub(root, q("rowBreaks"), count=count, manualBreakCount=count)
        for row in layout.page_breaks:
            _sub(breaks, q("brk"), id=str(row - 1), max="16383", man="1")


def render_sheet(layout: SheetLayout, style_ids: dict[str, int], code_name: str | None = None) -> bytes:
    """The worksheet part.  ``style_ids``: the cellXfs index of each named style (``styles.add_styles``);
    ``code_name``: the sheet's VBA code name (<sheetPr codeName>), for a workbook with a VBA project.
    The sheet's tables are its relationships rId1, rId2, ... in the order of ``layout.tables``."""
    root = etree.Element(q("worksheet"), nsmap={None: NS_MAIN, "r": NS_R})
    if layout.fit_width or code_name:
        properties = _sub(root, q("sheetPr"), {"codeName": code_name} if code_name else {})
        if layout.fit_width:
            _sub(properties, q("pageSetUpPr"), fitToPage="1")
    _sub(root, q("dimension"), ref=f"A1:{column_letter(layout.last_column)}{max(1, len(layout.rows))}")
    _view(root, layout)
    _sub(root, q("sheetFormatPr"), defaultRowHeight="15")
    if layout.column_widths:
        cols = _sub(root, q("cols"))
        for i, width in enumerate(layout.column_widths, start=1):
            _sub(cols, q("col"), min=str(i), max=str(i), width=f"{width + 0.7109375:g}", customWidth="1")
    _sheet_data(root, layout, style_ids)
    if layout.merges:
        merges = _sub(root, q("mergeCells"), count=str(len(layout.merges)))
        for ref in layout.merges:
            _sub(merges, q("mergeCell"), ref=ref)
    _page(root, layout)
    if layout.tables:
        parts = _sub(root, q("tableParts"), count=str(len(layout.tables)))
        for i in range(1, len(layout.tables) + 1):
            _sub(parts, q("tablePart"), {q("id", NS_R): f"rId{i}"})
    return serialize_xml(root)
