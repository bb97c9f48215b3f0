"""The worksheet part (``xl/worksheets/sheetN.xml``) of a ``SheetLayout``; its cell formats are in
``styles``, its Excel Tables in ``table``, and the package around them in ``writer``.

Text is written as inline strings (so the shared-strings part is untouched) and is always text:
a value that starts with "=" stays text.  Formulas carry their computed values.
"""
from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from ..layout import SheetLayout, column_letter
from .ooxml import ILLEGAL_XML as _ILLEGAL_XML, NS_MAIN

MAX_TEXT = 32767


def _text(value: str) -> str:
    return escape(_ILLEGAL_XML.sub("", value)[:MAX_TEXT])


def value_text(value: int | Decimal) -> str:
    """A number as the text of a cell's ``<v>``: plain digits, no exponent, no trailing zeros."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sheet_pr(fit_width: bool, code_name: str | None) -> str:
    code = f" codeName={quoteattr(code_name)}" if code_name else ""
    if fit_width:
        return f'<sheetPr{code}><pageSetUpPr fitToPage="1"/></sheetPr>'
    return f"<sheetPr{code}/>" if code else ""


def render_sheet(layout: SheetLayout, style_ids: dict[str, int], code_name: str | None = None) -> bytes:
    """The worksheet part; text goes inline (the shared-string table stays as it is).  ``code_name``: the
    sheet's VBA code name (<sheetPr codeName>), for a workbook with a VBA project."""
    last_col = layout.last_column
    rows_xml = []
    for number, row in enumerate(layout.rows, start=1):
        cells = []
        for cell in sorted(row.cells, key=lambda c: c.column):
            r = f"{column_letter(cell.column)}{number}"
            s = style_ids[cell.style]
            value = cell.value
            if cell.formula is not None:
                if isinstance(value, str):
                    t, cached = ' t="str"', f"<v>{_text(value)}</v>"
                else:
                    t, cached = "", "" if value is None else f"<v>{value_text(value)}</v>"
                cells.append(f'<c r="{r}" s="{s}"{t}><f>{_text(cell.formula)}</f>{cached}</c>')
            elif value is None or value == "":
                cells.append(f'<c r="{r}" s="{s}"/>')
            elif isinstance(value, str):
                cells.append(f'<c r="{r}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>')
            else:
                cells.append(f'<c r="{r}" s="{s}"><v>{value_text(value)}</v></c>')
        height = f' ht="{row.height:g}" customHeight="1"' if row.height else ""
        rows_xml.append(f'<row r="{number}" spans="1:{last_col}"{height}>{"".join(cells)}</row>')
    cols = "".join(f'<col min="{i}" max="{i}" width="{w + 0.7109375:g}" customWidth="1"/>'
                   for i, w in enumerate(layout.column_widths, start=1))
    merges = ""
    if layout.merges:
        merges = (f'<mergeCells count="{len(layout.merges)}">'
                  + "".join(f'<mergeCell ref="{m}"/>' for m in layout.merges) + "</mergeCells>")
    header_footer = ""
    if layout.header or layout.footer:
        header_footer = ("<headerFooter>" + (f"<oddHeader>{_text(layout.header)}</oddHeader>" if layout.header else "")
                         + (f"<oddFooter>{_text(layout.footer)}</oddFooter>" if layout.footer else "")
                         + "</headerFooter>")
    breaks = ""
    if layout.page_breaks:  # <brk id="N"/>: a new page after the first N rows
        breaks = (f'<rowBreaks count="{len(layout.page_breaks)}" manualBreakCount="{len(layout.page_breaks)}">'
                  + "".join(f'<brk id="{row - 1}" max="16383" man="1"/>' for row in layout.page_breaks)
                  + "</rowBreaks>")
    left, right, top, bottom = layout.margins
    fit = ' fitToWidth="1" fitToHeight="0"' if layout.fit_width else ' scale="100"'
    
    dimension = f"A1:{column_letter(last_col)}{max(1, len(layout.rows))}"
    orientation = "landscape" if layout.landscape else "portrait"
    table_parts = ""
    if layout.tables:
        table_parts = (f'<tableParts count="{len(layout.tables)}">'
                       + "".join(f'<tablePart r:id="rId{i}"/>' for i in range(1, len(layout.tables) + 1))
                       + "</tableParts>")
    view = '<sheetView workbookViewId="0"' + ("" if layout.gridlines else ' showGridLines="0"')
    if layout.freeze_row:
        cell = f"A{layout.freeze_row + 1}"
        view += (f'><pane ySplit="{layout.freeze_row}" topLeftCell="{cell}" activePane="bottomLeft" state="frozen"/>'
                 f'<selection pane="bottomLeft" activeCell="{cell}" sqref="{cell}"/></sheetView>')
    else:
        view += "/>"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS_MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        + _sheet_pr(layout.fit_width, code_name) +
        f'<dimension ref="{dimension}"/>'
        f"<sheetViews>{view}</sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols>"
        f'<sheetData>{"".join(rows_xml)}</sheetData>'
        f"{merges}"
        '<printOptions horizontalCentered="1"/>'
        f'<pageMargins left="{left:g}" right="{right:g}" top="{top:g}" bottom="{bottom:g}" header="0.3" footer="0.3"/>'
        f'<pageSetup paperSize="9"{fit} firstPageNumber="1" orientation="{orientation}" useFirstPageNumber="1"/>'
        f"{header_footer}"
        f"{breaks}"
        f"{table_parts}"
        "</worksheet>"
    ).encode("utf-8")
