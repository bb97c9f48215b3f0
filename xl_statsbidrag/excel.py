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
from .report import checked_report, findings_sheet
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
    """Write ``layout`` as a sheet of ``book``, replacing a sheet of that name."""
    names = [s.name for s in book.sheets]
    if layout.name in names:
        book.sheets[layout.name].delete()
    sheet = book.sheets.add(layout.name, after=book.sheets[len(book.sheets) - 1])
    width = max(layout.last_column, len(layout.column_widths))
    grid = [[None] * width for _ in layout.rows]
    for number, cell in layout.cells():
        grid[number - 1][cell.column - 1] = _cell_value(cell)
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
        if style.size:
            rng.font.size = style.size
        if style.color:
            rng.font.color = "#" + style.color
        if style.fill:
            rng.color = "#" + style.fill
        if style.wrap:
            rng.wrap_text = True
        if style.halign:
            _try(lambda: setattr(rng, "horizontal_alignment", style.halign))
    for merge in layout.merges:
        sheet.range(merge).merge()
    _try(lambda: setattr(sheet.page_setup, "print_area", f"A1:{column_letter(width)}{len(layout.rows)}"))
    return sheet


# --- the buttons -----------------------------------------------------------------------------------------

def _alert(book, text: str, title: str = "xl-statsbidrag") -> None:
    _try(lambda: book.app.alert(text, title=title))


def create_report(book: "xw.Book", today: dt.date | None = None):
    """Read the open workbook, validate it and write the Bilaga 2 sheet into it; returns the summary."""
    layout, summary, findings = checked_report(read(LiveSource(book)), today)
    write_layout(book, layout)
    return summary, findings


def check(book: "xw.Book", today: dt.date | None = None):
    """Validate the open workbook and write the findings as the sheet "Kontroll"."""
    model = read(LiveSource(book))
    findings = validate(model, today)
    write_layout(book, findings_sheet(model, findings, today))
    return findings


def skapa_bilaga2(book: "xw.Book | None" = None) -> None:
    """The button "Skapa Bilaga 2"."""
    book = book or xw.Book.caller()
    try:
        s, _ = create_report(book)
    except UserError as exc:
        _alert(book, f"Bilaga 2 kunde inte skapas.\n\n{exc.message}", "Skapa Bilaga 2")
        return
    kind = "utfall" if s.outcome else "budget (utfall saknas)"
    _alert(book, f"Bladet Bilaga 2 är skapat.\n\nBidrag: {format_kr(s.received)}\nKostnader, {kind}: "
                 f"{format_kr(s.costs)}\nEj förbrukat: {format_kr(s.unused)}\nGranskning: Alt {s.alternative}"
                 + (f" ({len(s.deviations)} avvikelser listade)" if s.alternative == 2 else ""), "Skapa Bilaga 2")


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


# --- Hämta utfall ---------------------------------------------------------------------------------------

LEDGER_FILTER = "Huvudboksexport (*.csv;*.txt;*.xlsx;*.se;*.si;*.sie),*.csv;*.txt;*.xlsx;*.se;*.si;*.sie"


def _ask_ledger_files(book) -> list[str]:
    """Excel's own file dialog (Windows); an empty list when the user cancels."""
    import sys

    if sys.platform != "win32":
        raise UserError("Filvalet finns bara i Excel för Windows; anropa hamta_utfall(paths=[...]) med filerna.")
    chosen = book.app.api.GetOpenFilename(LEDGER_FILTER, 1, "Hämta utfall: välj huvudboksexporten", None, True)
    if not chosen:
        return []
    return [str(p) for p in (chosen if isinstance(chosen, (list, tuple)) else [chosen])]


def fetch_utfall(book: "xw.Book", paths: list[str], columns=None, accounts: str | None = None,
                 today: dt.date | None = None):
    """Read the ledger files, match them to the open workbook's activities, write the Utfall column
    and the sheet "Utfall"; returns the ``utfall.Utfall``."""
    from pathlib import Path

    from .ledger import _read, parse_columns
    from .utfall import agreement_objekt, compute, parse_accounts, utfall_sheet

    model = read(LiveSource(book))
    mapping = parse_columns(columns) if isinstance(columns, str) or columns is None else columns
    frames = [_read(Path(p), mapping, agreement_objekt(model)) for p in paths]
    result = compute(model, frames, parse_accounts(accounts))
    layout = utfall_sheet(result, today)
    for sheet, cells in result.cell_values().items():
        target = book.sheets[sheet]
        for ref, value in cells.items():
            target.range(ref).value = None if value is None else (
                int(value) if value == value.to_integral_value() else float(value))  # Excel's cells are doubles
    write_layout(book, layout)
    return result


def hamta_utfall(book: "xw.Book | None" = None, paths: list[str] | None = None):
    """The button "Hämta utfall": asks for the ledger export(s) unless ``paths`` are given."""
    book = book or xw.Book.caller()
    try:
        paths = _ask_ledger_files(book) if paths is None else paths
        if not paths:
            return None
        result = fetch_utfall(book, paths)
    except UserError as exc:
        _alert(book, f"Utfallet kunde inte hämtas.\n\n{exc}", "Hämta utfall")
        return None
    filled = sum(v is not None for v in result.actual)
    warnings = [f for f in result.findings if f.severity in ("error", "warning")]
    total = sum((v for v in result.actual if v is not None), Decimal(0))
    _alert(book, f"Utfall ifyllt för {filled} av {len(result.actual)} aktiviteter: {format_kr(total)}.\n"
                 f"{len(warnings)} varningar (se bladet Utfall och kör Kontrollera).", "Hämta utfall")
    return result
