"""Inside Excel, through xlwings: worksheet functions and the buttons of the decision-support
workbook.  Everything here is adaptation: the work is done by the same core as the CLI.

Worksheet functions (register with the xlwings add-in: "UDF Modules" = xl_statsbidrag.excel):

    =SB_FORDELA(total; vikter; [regel])      a column of kronor, spilling
    =SB_KVAR(pott; belopp)                   what is left of a pot
    =SB_KONTROLL(tillgängligt; belopp; [namn]; [pott]; [pottnamn]; [pottbelopp]; [öronmärkt])

Buttons ("Skapa Bilaga 2", "Kontrollera") run ``skapa_bilaga2()`` and ``kontrollera()`` through
RunPython on the workbook that is open.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import xlwings as xw

from . import sheetfuncs
from .amounts import format_kr
from .errors import UserError
from .layout import STYLES, SheetLayout, column_letter
from .reading import MAX_COLUMN, MAX_ROW, TableInfo, bounds, read
from .report import check_sheet, make_report
from .validation import validate

ERROR_PREFIX = "#FEL: "


def _error_text(exc: Exception) -> str:
    message = getattr(exc, "sv", None) or getattr(exc, "message", None) or str(exc)
    return ERROR_PREFIX + message


# --- worksheet functions -----------------------------------------------------------------------------

@xw.func
@xw.arg("vikter", ndim=2)
def SB_FORDELA(total, vikter, regel="largest-remainder"):
    """Fördelar ett totalbelopp på vikter (t.ex. folkmängd) i hela kronor som summerar exakt."""
    try:
        return sheetfuncs.allocate(total, vikter, regel or "largest-remainder")
    except (UserError, ValueError) as exc:
        return [[_error_text(exc)]]


@xw.func
@xw.arg("belopp", ndim=2)
def SB_KVAR(pott, belopp):
    """Det som återstår av en pott efter beloppen i ett område."""
    try:
        return sheetfuncs.remainder(pott, belopp)
    except (UserError, ValueError) as exc:
        return _error_text(exc)


@xw.func
@xw.arg("belopp", ndim=2)
@xw.arg("namn", ndim=2)
@xw.arg("pott", ndim=2)
@xw.arg("pottnamn", ndim=2)
@xw.arg("pottbelopp", ndim=2)
@xw.arg("oronmarkt", ndim=2)
def SB_KONTROLL(tillgangligt, belopp, namn=None, pott=None, pottnamn=None, pottbelopp=None, oronmarkt=None):
    """Kontrollerar beloppen mot det som finns att fördela; en tabell med avvikelserna."""
    try:
        return sheetfuncs.findings(tillgangligt, belopp, namn, pott, pottnamn, pottbelopp, oronmarkt)
    except (UserError, ValueError) as exc:
        return [[_error_text(exc)]]


# --- reading the open workbook -------------------------------------------------------------------------

class LiveSource:
    """The sheets and tables of a workbook open in Excel (or an xlwings book of another engine)."""

    def __init__(self, book: "xw.Book"):
        self.book = book
        self.name = book.fullname

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def find_table(self, name: str) -> TableInfo | None:
        key = name.casefold()
        for sheet in self.book.sheets:
            for table in sheet.tables:
                if table.name.casefold() == key:
                    header = table.header_row_range
                    columns = tuple("" if v is None else str(v) for v in
                                    (header.options(ndim=1).value if header is not None else []))
                    return TableInfo(table.name, sheet.name, table.range.address.replace("$", ""), columns,
                                     1 if header is not None else 0, 1 if table.show_totals else 0)
        return None

    def rows(self, sheet: str, min_row: int = 1, max_row: int = MAX_ROW, min_col: int = 1,
             max_col: int = MAX_COLUMN) -> list[tuple[int, list[object]]]:
        sh = self.book.sheets[sheet]
        used = sh.used_range
        _, _, last_col, last_row = bounds(used.address.replace("$", "").split(":")[-1])
        max_row, max_col = min(max_row, last_row), min(max_col, last_col)
        if max_row < min_row or max_col < min_col:
            return []
        values = sh.range((min_row, min_col), (max_row, max_col)).options(ndim=2).value
        return [(min_row + i, list(row)) for i, row in enumerate(values)
                if any(v is not None and v != "" for v in row)]

    def hidden_rows(self, sheet: str) -> set[int]:
        return set()  # xlwings has no portable way to ask; the file reader reports hidden rows


# --- writing a layout into the open workbook ------------------------------------------------------------

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


def _try(action) -> None:
    """Formatting that some xlwings engines lack (alignment, borders, page setup) is skipped there."""
    try:
        action()
    except (NotImplementedError, AttributeError, xw.XlwingsError):
        pass


def write_layout(book: "xw.Book", layout: SheetLayout) -> "xw.Sheet":
    """Write ``layout`` as a sheet of ``book``.  A sheet of that name (compared without case, as Excel
    does) is cleared and rewritten, not deleted, so that references to it from other sheets survive."""
    existing = next((s for s in book.sheets if s.name.casefold() == layout.name.casefold()), None)
    if existing is not None:
        sheet = existing
        sheet.clear()
        _try(lambda: sheet.api.ResetAllPageBreaks())
    else:
        sheet = book.sheets.add(layout.name, after=book.sheets[len(book.sheets) - 1])
    width = max(layout.last_column, len(layout.column_widths))
    grid = [[None] * width for _ in layout.rows]
    for number, cell in layout.cells():
        grid[number - 1][cell.column - 1] = _cell_value(cell)
    if grid:
        sheet.range("A1").value = grid
    for i, w in enumerate(layout.column_widths, start=1):
        letter = column_letter(i)
        sheet.range(f"{letter}:{letter}").column_width = w
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
        _try(lambda: setattr(rng.font, "name", "Calibri"))
        if style.color:
            rng.font.color = "#" + style.color
        if style.fill:
            rng.color = "#" + style.fill
        if style.wrap:
            rng.wrap_text = True
        if style.halign:
            _try(lambda: setattr(rng, "horizontal_alignment", style.halign))
        _try(lambda: setattr(rng, "vertical_alignment", style.valign))
        if style.border_bottom:  # Excel's XlBordersIndex: 8 top, 9 bottom; XlLineStyle 1 continuous
            _try(lambda: setattr(rng.api.Borders(9), "LineStyle", 1))
        if style.border_top:
            _try(lambda: setattr(rng.api.Borders(8), "LineStyle", 1))
    for merge in layout.merges:
        sheet.range(merge).merge()
    _try(lambda: setattr(sheet.page_setup, "print_area", f"A1:{column_letter(width)}{len(layout.rows)}"))
    _try(lambda: _page_setup(sheet, layout))
    return sheet


def _page_setup(sheet: "xw.Sheet", layout: SheetLayout) -> None:
    """Paper, orientation, scale, margins, header and footer, and the page breaks (Excel's object model)."""
    setup = sheet.api.PageSetup
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


# --- the buttons -----------------------------------------------------------------------------------------

def _alert(book, text: str, title: str = "xl-statsbidrag") -> None:
    _try(lambda: book.app.alert(text, title=title))


def create_report(book: "xw.Book", today: dt.date | None = None):
    """Read the open workbook, validate it and write the sheets Bilaga 2 and Kontroll into it; returns
    the summary and the findings."""
    report = make_report(read(LiveSource(book)), today)
    for layout in report.sheets:
        write_layout(book, layout)
    return report.summary, report.findings


def check(book: "xw.Book", today: dt.date | None = None):
    """Validate the open workbook and write the findings as the sheet "Kontroll"."""
    model = read(LiveSource(book))
    findings = validate(model, today)
    write_layout(book, check_sheet(model, findings, today))
    return findings


def skapa_bilaga2(book: "xw.Book | None" = None) -> None:
    """The button "Skapa Bilaga 2"."""
    book = book or xw.Book.caller()
    try:
        s, _ = create_report(book)
    except UserError as exc:
        _alert(book, f"Bilaga 2 kunde inte skapas.\n\n{exc.message}", "Skapa Bilaga 2")
        return
    kind = "utfall" if s.complete else "delvis budget (utfall saknas för några aktiviteter)" if s.outcome \
        else "budget (utfall saknas)"
    _alert(book, f"Bladen Bilaga 2 och Kontroll är skapade.\n\nBidrag: {format_kr(s.received)}\nKostnader, {kind}: "
                 f"{format_kr(s.costs)}\nEj förbrukat: {format_kr(s.unused)}\nAtt återbetala: {format_kr(s.repay)}\n"
                 f"Förslag till granskning: {s.suggestion.text} (se bladet Kontroll)", "Skapa Bilaga 2")


def create_requisition(book: "xw.Book", today: dt.date | None = None):
    """Write the sheet Rekvisition into the open workbook; returns the agreement and the findings about it."""
    from .rekvisition import requisition_sheet
    from .validation import Context, check_requisition

    model = read(LiveSource(book))
    write_layout(book, requisition_sheet(model))
    return model.agreement, check_requisition(model, Context(today or dt.date.today()))


def rekvisition(book: "xw.Book | None" = None) -> None:
    """The button "Rekvisition"."""
    book = book or xw.Book.caller()
    try:
        ag, findings = create_requisition(book)
    except UserError as exc:
        _alert(book, f"Rekvisitionen kunde inte skapas.\n\n{exc.message}", "Rekvisition")
        return
    notes = "".join(f"\n\n{f.message}" for f in findings)
    _alert(book, f"Bladet Rekvisition är skapat.\n\nBelopp som rekvireras: {format_kr(ag.requested)}"
                 + (f"\nSista dag för rekvisition: {ag.requisition_deadline}" if ag.requisition_deadline else "")
                 + notes, "Rekvisition")


def kontrollera(book: "xw.Book | None" = None) -> None:
    """The button "Kontrollera"."""
    book = book or xw.Book.caller()
    try:
        findings = check(book)
    except UserError as exc:
        _alert(book, f"Kontrollen kunde inte göras.\n\n{exc.message}", "Kontrollera")
        return
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    _alert(book, f"{counts['error']} fel, {counts['warning']} varningar, {counts['info']} upplysningar.\n"
                 "Se bladet Kontroll.", "Kontrollera")
