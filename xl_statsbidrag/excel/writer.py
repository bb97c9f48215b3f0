"""Writing into the workbook open in Excel: a ``SheetLayout`` as a sheet (``write_layout``: the same layout
as the file writer renders, through xlwings), and ``OpenWorkbook``, the ``app.target.Target`` the buttons
hand to the use cases.  What this Excel cannot set (Mac's and Lite's engines lack the page setup) is
named, not raised: it goes to the dialog (``source.Live.notes``)."""
from __future__ import annotations

from decimal import Decimal

import xlwings as xw

from ..app.target import Output
from ..core.a1 import column_letter
from ..forms.layout import STYLES, SheetLayout
from .source import Live, _engine


def _cell_value(cell) -> object:
    if cell.formula is not None:
        return "=" + cell.formula
    value = cell.value
    if isinstance(value, str):
        return "'" + value if value else None  # always text, never a formula or a number
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _runs(layout: SheetLayout):
    """(style name, row, first column, last column) for each run of same-styled adjacent cells."""
    for number, row in enumerate(layout.rows, start=1):
        cells = sorted(row.cells, key=lambda c: c.column)
        start = 0
        for i in range(1, len(cells) + 1):
            if i == len(cells) or cells[i].style != cells[start].style or cells[i].column != cells[i - 1].column + 1:
                yield cells[start].style, number, cells[start].column, cells[i - 1].column
                start = i


PAGE_SETUP = "utskriftsformat (A4, marginaler, sidhuvud och sidfot, sidbrytningar)"
OLD_SIZES = "standardhöjd och standardbredd på det gamla bladets rader och kolumner"
BORDERS, ALIGNMENT = "kantlinjer (underskriftslinjerna)", "justering"
GRIDLINES, FREEZE, FONT = "rutnätet", "låsta rubrikrader", "teckensnittet Calibri"


def column_width(book: "xw.Book", characters: float) -> float:
    """A column width of the layout (characters, as the file format has them) in the unit the engine sets:
    characters with classic xlwings, points under xlwings Lite (Office.js), as xlwings documents for
    ``Range.column_width``.  A character is Calibri 11's digit, 7 pixels, plus 5 pixels of padding for
    the column, at 96 pixels to 72 points: 32 characters are 229 pixels, 171.75 points."""
    if _engine(book) == "remote":
        return (characters * 7 + 5) * 72 / 96
    return characters


def write_layout(book: "xw.Book", layout: SheetLayout) -> list[str]:
    """Write ``layout`` as a sheet of ``book``; returns what this Excel could not set (Swedish, for the
    dialog).  A sheet of that name (compared without case, as Excel does) is cleared and rewritten, not
    deleted, so that references to it from other sheets survive."""
    layout = layout.expanded()  # a row block as ordinary rows: xlwings takes values, not text
    skipped: list[str] = []

    def attempt(what: str, action) -> None:
        try:
            action()
        except Exception:  # noqa: BLE001 - an engine without it (Lite, Mac): named in the dialog
            skipped.append(what)

    existing = next((s for s in book.sheets if s.name.casefold() == layout.name.casefold()), None)
    if existing is not None:
        sheet = existing
        sheet.clear()  # contents, formats and merges; Excel keeps row heights, widths and page breaks
        attempt(PAGE_SETUP, lambda: sheet.api.ResetAllPageBreaks())
        attempt(OLD_SIZES, lambda: setattr(sheet.api.Cells, "UseStandardHeight", True))
        attempt(OLD_SIZES, lambda: setattr(sheet.api.Cells, "UseStandardWidth", True))
    else:
        sheet = book.sheets.add(layout.name, after=book.sheets[len(book.sheets) - 1])
    attempt(GRIDLINES, lambda: setattr(sheet, "show_gridlines", layout.gridlines))
    if layout.freeze_row > 1:
        attempt(FREEZE, lambda: sheet.freeze_panes.freeze_at(f"A{layout.freeze_row}"))
    width = max(layout.last_column, len(layout.column_widths))
    grid = [[None] * width for _ in layout.rows]
    for number, cell in layout.cells():
        grid[number - 1][cell.column - 1] = _cell_value(cell)
    if grid:
        sheet.range("A1").value = grid
    for i, w in enumerate(layout.column_widths, start=1):
        letter = column_letter(i)
        sheet.range(f"{letter}:{letter}").column_width = column_width(book, w)
    for number, row in enumerate(layout.rows, start=1):
        if row.height:
            sheet.range((number, 1)).row_height = row.height
    for style_name, number, first, last in _runs(layout):
        style = STYLES[style_name]
        rng = sheet.range((number, first), (number, last))
        if style.num_format:
            rng.number_format = style.num_format
        if style.bold:
            rng.font.bold = True
        if style.italic:
            rng.font.italic = True
        rng.font.size = style.size or 11
        attempt(FONT, lambda: setattr(rng.font, "name", "Calibri"))
        if style.color:
            rng.font.color = "#" + style.color
        if style.fill:
            rng.color = "#" + style.fill
        if style.wrap:
            rng.wrap_text = True
        if style.halign:
            attempt(ALIGNMENT, lambda: setattr(rng, "horizontal_alignment", style.halign))
        attempt(ALIGNMENT, lambda: setattr(rng, "vertical_alignment", style.valign))
        for side, wanted in (("edge_top", style.border_top), ("edge_bottom", style.border_bottom)):
            if wanted:  # xlwings' borders (>= 0.37.1): Windows, Mac and Lite
                attempt(BORDERS, lambda: _thin(rng.borders[side]))
    for merge in layout.merges:
        sheet.range(merge).merge()
    attempt(PAGE_SETUP, lambda: _page_setup(sheet, layout))
    return list(dict.fromkeys(skipped))


def _thin(border) -> None:
    border.line_style = "continuous"
    border.weight = "thin"


def _page_setup(sheet: "xw.Sheet", layout: SheetLayout) -> None:
    """Paper, orientation, scale, margins, header and footer, and the page breaks, through Excel's object
    model on Windows (xlwings has no page setup beyond the print area; Mac's and Lite's engines lack it)."""
    setup = sheet.api.PageSetup
    setup.PrintArea = ""  # as the file path: no print area, Excel prints what is used
    setup.PrintTitleRows = f"${layout.print_titles[0]}:${layout.print_titles[1]}" if layout.print_titles else ""
    setup.PaperSize = 9  # xlPaperA4
    setup.Orientation = 2 if layout.landscape else 1
    if layout.fit_width:
        setup.Zoom = False
        setup.FitToPagesWide, setup.FitToPagesTall = 1, False
    else:
        setup.Zoom = 100
    left, right, top, bottom = layout.margins
    setup.LeftMargin, setup.RightMargin = left * 72, right * 72
    setup.TopMargin, setup.BottomMargin = top * 72, bottom * 72
    for part, where in (("Left", "&L"), ("Center", "&C"), ("Right", "&R")):
        setattr(setup, f"{part}Header", _section(layout.header, where))
        setattr(setup, f"{part}Footer", _section(layout.footer, where))
    for row in layout.page_breaks:
        sheet.api.HPageBreaks.Add(sheet.range((row, 1)).api)


def _section(text: str, code: str) -> str:
    """One of the three parts (&L, &C, &R) of a header or footer written as one string."""
    if code not in text:
        return ""
    rest = text.split(code, 1)[1]
    for other in ("&L", "&C", "&R"):
        rest = rest.split(other, 1)[0]
    return rest


class OpenWorkbook:
    """A ``Target``: the workbook open in Excel.  Cells are set first (Excel's cells are doubles), then each
    sheet is written (a sheet of that name is cleared and rewritten, so references to it survive); what
    this Excel could not set goes to ``live.skipped``.  Document properties are the file's: not set here."""

    def __init__(self, book: "xw.Book", live: Live):
        self.book, self.live = book, live

    def write(self, output: Output) -> None:
        for sheet, cells in (output.cell_values or {}).items():
            target = self.book.sheets[sheet]
            for ref, value in cells.items():
                target.range(ref).value = None if value is None else (
                    int(value) if value == value.to_integral_value() else float(value))
        for layout in output.sheets:
            self.live.skipped += write_layout(self.book, layout)
