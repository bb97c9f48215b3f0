"""Inside Excel, through xlwings: worksheet functions, the buttons of the decision-support workbook
and the ribbon tab of the add-in Statsbidrag.xlam.  Everything here is adaptation: the work is done by
the same core as the CLI.

Worksheet functions (register with the xlwings add-in: "UDF Modules" = xl_statsbidrag.excel):

    =SB_FORDELA(total; vikter; [regel])      a column of kronor, spilling
    =SB_KVAR(pott; belopp)                   what is left of a pot
    =SB_KONTROLL(tillgängligt; belopp; [namn]; [pott]; [pottnamn]; [pottbelopp]; [öronmärkt])

A function that cannot give a result raises ``FunktionsFel`` with a Swedish message: Excel shows
#VALUE! in the cell (so ISERROR sees it and SUM does not skip it silently) and xlwings shows the
message.  Results are 2-D lists: Excel 365 spills them; in Excel 2016/2019 select the range first and
enter the formula with Ctrl+Shift+Enter (a legacy array formula), which xlwings fills.

Buttons ("Skapa Bilaga 2", "Kontrollera") run ``skapa_bilaga2()`` and ``kontrollera()`` through
RunPython on the workbook that called them; the ribbon of Statsbidrag.xlam runs the same functions
(and ``hamta_utfall()``, ``fordela()``) on ``active_book()``, the workbook the user is looking at.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import xlwings as xw

from . import sheetfuncs
from .allocation import AllocationError
from .amounts import AmountError, format_kr
from .errors import UserError
from .layout import STYLES, SheetLayout, column_letter
from .model import Severity
from .format_reader import MAX_COLUMN, MAX_ROW, CellError, MergedCopy, TableInfo, bounds, read
from .report import check_sheet, make_report
from .validation import validate


class FunktionsFel(ValueError):
    """The error of a worksheet function, with its message in Swedish.  xlwings turns an exception
    raised by a function into #VALUE! in the cell and shows the message."""


def _swedish(exc: Exception) -> str:
    if isinstance(exc, AmountError):
        return exc.sv
    if isinstance(exc, UserError):
        return exc.message
    return f"beräkningen kunde inte göras ({exc})"


def _sheet_function(call):
    try:
        return call()
    except (UserError, AmountError, AllocationError) as exc:
        raise FunktionsFel(_swedish(exc)) from None


# --- worksheet functions -----------------------------------------------------------------------------

@xw.func
@xw.arg("vikter", ndim=2)
def SB_FORDELA(total, vikter, regel="largest-remainder"):
    """Fördelar ett totalbelopp på vikter (t.ex. folkmängd) i hela kronor som summerar exakt."""
    return _sheet_function(lambda: sheetfuncs.allocate(total, vikter, regel or "largest-remainder"))


@xw.func
@xw.arg("belopp", ndim=2)
def SB_KVAR(pott, belopp):
    """Det som återstår av en pott efter beloppen i ett område."""
    return _sheet_function(lambda: sheetfuncs.remainder(pott, belopp))


@xw.func
@xw.arg("belopp", ndim=2)
@xw.arg("namn", ndim=2)
@xw.arg("pott", ndim=2)
@xw.arg("pottnamn", ndim=2)
@xw.arg("pottbelopp", ndim=2)
@xw.arg("oronmarkt", ndim=2)
def SB_KONTROLL(tillgangligt, belopp, namn=None, pott=None, pottnamn=None, pottbelopp=None, oronmarkt=None):
    """Kontrollerar beloppen mot det som finns att fördela; en tabell med avvikelserna."""
    return _sheet_function(lambda: sheetfuncs.findings(tillgangligt, belopp, namn, pott, pottnamn, pottbelopp,
                                                       oronmarkt))


# --- reading the open workbook -------------------------------------------------------------------------

class LiveSource:
    """The sheets and tables of a workbook open in Excel (or an xlwings book of another engine)."""

    def __init__(self, book: "xw.Book"):
        self.book = book
        self.name = book.fullname
        self._read: dict[str, set[int]] = {}

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
        """As the file reader gives them: an error cell as ``CellError`` (xlwings gives errors as text
        when asked with err_to_str), a cell covered by a merged range as ``MergedCopy`` of the range's
        value (Excel gives None there)."""
        sh = self.book.sheets[sheet]
        used = sh.used_range
        _, _, last_col, last_row = bounds(used.address.replace("$", "").split(":")[-1])
        max_row, max_col = min(max_row, last_row), min(max_col, last_col)
        if max_row < min_row or max_col < min_col:
            return []
        block = sh.range((min_row, min_col), (max_row, max_col))
        values = block.options(ndim=2, err_to_str=True).value
        values = [[CellError(v) if isinstance(v, str) and v in EXCEL_ERRORS else v for v in row] for row in values]
        if _ask(lambda: block.merge_cells, False) is not False:  # give covered cells their range's value
            for i, row in enumerate(values):
                line = sh.range((min_row + i, min_col), (min_row + i, max_col))
                if None not in row or line.merge_cells is False:  # one question a row, then cell by cell
                    continue
                for j, v in enumerate(row):
                    if v is None:
                        area = sh.range((min_row + i, min_col + j)).merge_area
                        top, left = area.row, area.column
                        if (top, left) != (min_row + i, min_col + j):
                            first = (values[top - min_row][left - min_col] if top >= min_row and left >= min_col
                                     else area[0, 0].value)
                            row[j] = MergedCopy(first.value if isinstance(first, MergedCopy) else first)
        out = [(min_row + i, list(row)) for i, row in enumerate(values)
               if any(v is not None and v != "" and not isinstance(v, MergedCopy) for v in row)]
        self._read.setdefault(sheet, set()).update(r for r, _ in out)
        return out

    def hidden_rows(self, sheet: str) -> set[int]:
        """The hidden rows among those read, asked of Excel row by row (engines without Excel's object
        model report none)."""
        hidden: set[int] = set()

        def ask():
            rows = self.book.sheets[sheet].api.Rows
            hidden.update(r for r in sorted(self._read.get(sheet, ())) if rows(r).Hidden)

        _try(ask)
        return hidden


# Excel's error values, as xlwings gives them with err_to_str=True
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


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


def _ask(question, default):
    """A property that some xlwings engines cannot read synchronously (xlwings Lite): ``default`` there."""
    try:
        return question()
    except (NotImplementedError, AttributeError, xw.XlwingsError):
        return default


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
        sheet.clear()  # contents, formats and merges; Excel keeps row heights, widths and page breaks
        _try(lambda: sheet.api.ResetAllPageBreaks())
        _try(lambda: setattr(sheet.api.Cells, "UseStandardHeight", True))
        _try(lambda: setattr(sheet.api.Cells, "UseStandardWidth", True))
    else:
        sheet = book.sheets.add(layout.name, after=book.sheets[len(book.sheets) - 1])
    _try(lambda: setattr(sheet, "show_gridlines", layout.gridlines))
    if layout.freeze_row > 1:
        _try(lambda: sheet.freeze_panes.freeze_at(f"A{layout.freeze_row}"))
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
    _try(lambda: _page_setup(sheet, layout))
    return sheet


def _page_setup(sheet: "xw.Sheet", layout: SheetLayout) -> None:
    """Paper, orientation, scale, margins, header and footer, and the page breaks (Excel's object model)."""
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


# --- the buttons -----------------------------------------------------------------------------------------

# What a user runs to install: the README and the macros' error dialogs (workbooks/vba) give these commands
# (tests/test_vba.py holds them to it).
INSTALL_COMMANDS = ('pip install "xl_statsbidrag-0.1.0-py3-none-any.whl[all]"', 'pip install ".[all]"',
                    "xlwings addin install")


def _alert(book, text: str, title: str = "xl-statsbidrag") -> None:
    _try(lambda: book.app.alert(text, title=title))


def active_book() -> "xw.Book":
    """The workbook the user is looking at: what the ribbon's buttons act on.  (Inside the add-in,
    ``xw.Book.caller()`` would be the add-in itself.)"""
    return xw.apps.active.books.active


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
                 f"Egen finansiering: {format_kr(s.own)}\n"
                 f"Förslag till granskning: {s.suggestion.text} (se bladet Kontroll)", "Skapa Bilaga 2")


def create_requisition(book: "xw.Book", today: dt.date | None = None):
    """Write the sheet Rekvisition into the open workbook; returns the agreement and the findings about it."""
    from .rekvisition import requisition_sheet
    from .validation import requisition_findings

    model = read(LiveSource(book))
    write_layout(book, requisition_sheet(model))
    return model.agreement, requisition_findings(model, today)


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
    counts = {s: sum(f.severity == s for f in findings) for s in Severity}
    _alert(book, f"{counts['error']} fel, {counts['warning']} varningar, {counts['info']} upplysningar.\n"
                 "Se bladet Kontroll.", "Kontrollera")


def allocation_sheet(total: object, population: str | None = None) -> tuple[SheetLayout, object]:
    """The sheet "Fördelning": ``total`` (kronor, e.g. "2 835 000 000" or "2835 mkr") split between the
    regions by population (the latest shipped table unless ``population`` is given), as ``allocate``
    does; and the PotTable."""
    from . import reference_data
    from .allocating import allocate, table_layout
    from .amounts import parse_amount

    amount = parse_amount(total) if not isinstance(total, (int, float, Decimal)) else Decimal(str(total))
    if amount is None or amount <= 0:
        raise UserError("ange det nationella beloppet som ett positivt belopp i kronor, t.ex. 2 835 000 000")
    table, source = allocate([str(amount)], population or reference_data.population_dates()[-1])
    return table_layout(table, f"Fördelning av {format_kr(amount)}", source), table


def fordela(book: "xw.Book | None" = None, total: object = None, population: str | None = None) -> None:
    """The ribbon button "Fördela": the national ``total`` (asked for by the macro) split between the
    regions as the sheet "Fördelning"; the dialog names the share of the workbook's own region."""
    book = book or xw.Book.caller()
    try:
        layout, table = allocation_sheet(total, population)
    except (UserError, AmountError) as exc:
        _alert(book, f"Fördelningen kunde inte göras.\n\n{_swedish(exc)}", "Fördela")
        return
    write_layout(book, layout)
    text = "Fördelningen är skriven på bladet Fördelning."
    try:
        from .reference_data import find_region

        region = find_region(read(LiveSource(book)).agreement.recipient)
        row = table.labels.index(region.lan)
        text += f"\n\n{region.name}: {format_kr(table.row_total(row))}"
    except (UserError, ValueError):
        pass  # not a decision-support workbook, or no region named in it: the sheet says it all
    _alert(book, text, "Fördela")


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
    warnings = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    total = sum((v for v in result.actual if v is not None), Decimal(0))
    _alert(book, f"Utfall ifyllt för {filled} av {len(result.actual)} aktiviteter: {format_kr(total)}.\n"
                 f"{len(warnings)} varningar (se bladet Utfall och kör Kontrollera).", "Hämta utfall")
    return result
