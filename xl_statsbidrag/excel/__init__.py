"""Inside Excel, through xlwings: worksheet functions, the buttons of the decision-support workbook
and the ribbon tab of the add-in Statsbidrag.xlam.  Everything here is adaptation: the work is done by
the same core as the CLI (``report``, ``validation``, and the use cases of ``jobs``).

Worksheet functions (register with the xlwings add-in: "UDF Modules" = xl_statsbidrag.excel):

    =SB_FORDELA(total; vikter; [regel])      a column of kronor, spilling
    =SB_KVAR(pott; belopp)                   what is left of a pot
    =SB_KONTROLL(tillgängligt; belopp; [namn]; [pott]; [pottnamn]; [pottbelopp]; [öronmärkt])

A function that cannot give a result returns Excel's error value #VALUE! with its Swedish message in
the cell to the right (``function_error``): a formula over it sees the error (ISERROR is TRUE, SUM gives
#VALUE!).  It does not raise: classic xlwings' VBA wrapper would write the exception's text into the
cell, which formulas take for text.  Results are 2-D lists: Excel 365 spills them; in Excel 2016/2019
select the range first and enter the formula with Ctrl+Shift+Enter (a legacy array formula).

Buttons ("Skapa Bilaga 2", "Kontrollera", "Rekvisition", "Hämta utfall", and "Fördela" on the ribbon)
run ``skapa_bilaga2()`` and the others through RunPython on ``xw.Book.caller()``: the workbook the
button belongs to, or for the ribbon the workbook that was active when it was clicked (xlwings' add-in
passes it).  Each shows its outcome as a dialog, also when xlwings or Excel fails, and says what this
Excel could not do (``Notes``).  Under xlwings Lite, ``lite/main.py`` runs the same work through the
asynchronous reader ``read_async``.
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass, field
from decimal import Decimal

import xlwings as xw

from ..app import files as jobs, functions as sheetfuncs
from ..core.allocation import AllocationError
from ..core.money import AmountError, format_kr
from ..core.errors import UserError
from ..forms.layout import STYLES, SheetLayout, column_letter
from ..core.model import DecisionBook, Severity
from ..read.format_reader import MAX_COLUMN, MAX_ROW, CellError, MergedCopy, TableInfo, bounds, read
from ..forms.bilaga2 import check_sheet, make_report
from ..check.validate import validate


def _swedish(exc: Exception) -> str:
    if isinstance(exc, AmountError):
        return exc.sv
    if isinstance(exc, UserError):
        return exc.message
    return f"beräkningen kunde inte göras ({exc})"


# --- worksheet functions -----------------------------------------------------------------------------

XL_ERR_VALUE = -2146826273  # CVErr(xlErrValue) as COM carries it: VT_ERROR with SCODE 0x800A07DF


def excel_error_value(platform: str | None = None) -> object:
    """Excel's #VALUE! as a function's result must carry it to the cell.  Classic xlwings (Windows) hands
    the result to COM as it is, and pywin32 turns its ``VARIANT(VT_ERROR, scode)`` into an error value
    (VBA's CVErr); xlwings has no error type of its own there (xlwings issues 776, 1108).  Under xlwings
    Lite (Pyodide) xlwings' Office.js engine turns the text "#VALUE!" into the error itself
    (``xlwings.pro._xlofficejs.errorstr_to_errortype``)."""
    if (platform or sys.platform) == "win32":
        import pythoncom
        from win32com.client import VARIANT

        return VARIANT(pythoncom.VT_ERROR, XL_ERR_VALUE)
    return "#VALUE!"


def function_error(message: str) -> list[list[object]]:
    """The result of a function that cannot give one: #VALUE! and, to its right, the Swedish message."""
    return [[excel_error_value(), message]]


def _sheet_function(call):
    try:
        return call()
    except (UserError, AmountError, AllocationError) as exc:
        return function_error(_swedish(exc))


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

def book_name(book: "xw.Book") -> str:
    """The workbook's full name, for messages and as the model's path; only its name where xlwings cannot
    give a path (a workbook on SharePoint or in Teams without a synced copy makes ``fullname`` raise)."""
    try:
        return str(book.fullname)
    except Exception:  # noqa: BLE001 - whatever the engine raises, the name is only a label
        return str(book.name)


def _engine(book: "xw.Book") -> str:
    """"excel" (classic xlwings: Windows, Mac) or "remote" (xlwings Lite, and its JSON book)."""
    try:
        return book.app.engine.name
    except Exception:  # noqa: BLE001
        return "excel"


def _area(rng) -> tuple[int, int, int, int]:
    rows, columns = rng.shape
    return rng.row, rng.column, rng.row + rows - 1, rng.column + columns - 1


class Classic:
    """The questions the reader asks of Excel, answered at once by classic xlwings (Windows, Mac)."""

    async def merged(self, rng):
        return rng.merge_cells  # True, False, or None when partly merged

    async def merge_area(self, rng):
        return _area(rng.merge_area)

    async def hidden(self, rng):
        return rng.rows.hidden  # True, False, or None when some are hidden (xlwings >= 0.37.5)


class Lite:
    """The same questions under xlwings Lite, where Excel (Office.js) answers asynchronously."""

    async def merged(self, rng):
        return await rng.get_merge_cells()

    async def merge_area(self, rng):
        return _area(await rng.get_merge_area())

    async def hidden(self, rng):
        return await rng.rows.get_hidden()


MERGED, HIDDEN = "sammanfogade celler", "dolda rader"


class LiveSource:
    """The sheets and tables of a workbook open in Excel, as a ``format_reader.Source``.

    Values are read as xlwings gives them (error cells as their text, with err_to_str).  Which cells are
    merged and which rows are hidden is asked of Excel by ``survey`` for the blocks a first reading
    used, so that covered cells get their range's value (``MergedCopy``) and hidden rows are flagged, as
    the file reader does; an engine that cannot tell is named in ``unchecked``."""

    def __init__(self, book: "xw.Book"):
        self.book = book
        self.name = book_name(book)
        self._blocks: dict[tuple[str, int, int, int, int], list[list[object]]] = {}
        self._merged: dict[str, list[tuple[int, int, int, int]]] = {}
        self._hidden: dict[str, set[int]] = {}
        self._hidden_asked: set[str] = set()
        self._read: dict[str, set[int]] = {}
        self._tables: dict[str, tuple] | None = None
        self.unchecked: list[str] = []

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def find_table(self, name: str) -> TableInfo | None:
        if self._tables is None:  # the workbook's tables listed once: each question to Excel is a round trip
            self._tables = {table.name.casefold(): (sheet, table) for sheet in self.book.sheets
                            for table in sheet.tables}
        found = self._tables.get(name.casefold())
        if found is None:
            return None
        sheet, table = found
        header = table.header_row_range
        columns = tuple("" if v is None else str(v) for v in
                        (header.options(ndim=1).value if header is not None else []))
        return TableInfo(table.name, sheet.name, table.range.address.replace("$", ""), columns,
                         1 if header is not None else 0, 1 if table.show_totals else 0)

    def _block(self, sheet: str, min_row: int, max_row: int, min_col: int, max_col: int):
        """(bounds, values) of the cells in the bounds within the used range, read once."""
        sh = self.book.sheets[sheet]
        _, _, last_col, last_row = bounds(sh.used_range.address.replace("$", "").split(":")[-1])
        key = (sh.name, min_row, min(max_row, last_row), min_col, min(max_col, last_col))
        if key[2] < min_row or key[4] < min_col:
            return key, []
        if key not in self._blocks:
            values = sh.range((key[1], key[3]), (key[2], key[4])).options(ndim=2, err_to_str=True).value
            self._blocks[key] = [[CellError(v) if isinstance(v, str) and v in EXCEL_ERRORS else v for v in row]
                                 for row in values]
        return key, self._blocks[key]

    def _value(self, sheet: str, row: int, column: int) -> object:
        for (name, r1, r2, c1, c2), values in self._blocks.items():
            if name == sheet and r1 <= row <= r2 and c1 <= column <= c2:
                return values[row - r1][column - c1]
        value = self.book.sheets[sheet].range((row, column)).options(err_to_str=True).value
        return CellError(value) if isinstance(value, str) and value in EXCEL_ERRORS else value

    def rows(self, sheet: str, min_row: int = 1, max_row: int = MAX_ROW, min_col: int = 1,
             max_col: int = MAX_COLUMN) -> list[tuple[int, list[object]]]:
        """As the file reader gives them: an error cell as ``CellError``, a cell covered by a merged range
        as ``MergedCopy`` of the range's value (Excel gives None there)."""
        (name, r1, r2, c1, c2), block = self._block(sheet, min_row, max_row, min_col, max_col)
        values = [list(row) for row in block]
        for top, left, bottom, right in self._merged.get(name, ()):
            first = self._value(name, top, left)
            for r in range(max(top, r1), min(bottom, r2) + 1):
                for c in range(max(left, c1), min(right, c2) + 1):
                    if (r, c) != (top, left):
                        values[r - r1][c - c1] = MergedCopy(first)
        out = [(r1 + i, row) for i, row in enumerate(values)
               if any(v is not None and v != "" and not isinstance(v, MergedCopy) for v in row)]
        self._read.setdefault(name, set()).update(r for r, _ in out)
        return out

    def hidden_rows(self, sheet: str) -> set[int]:
        """The hidden rows among those read (as ``survey`` found them)."""
        name = self.book.sheets[sheet].name
        self._hidden_asked.add(name)
        return self._hidden.get(name, set()) & self._read.get(name, set())

    async def survey(self, ask) -> None:
        """Ask Excel (``ask``: ``Classic`` or ``Lite``) which cells of the blocks read so far are merged
        and which of the rows read are hidden, where the reader asked.  Few questions: a block that has
        no merged cell is one question, a row without one another; hidden rows are found by halving a
        span until it is all hidden or all shown."""
        try:
            for (name, r1, r2, c1, c2), values in list(self._blocks.items()):
                await self._merges(ask, name, r1, r2, c1, c2, values)
        except Exception:  # noqa: BLE001 - an engine that cannot tell: said, not guessed
            self.unchecked.append(MERGED)
        try:
            for name in sorted(self._hidden_asked):
                rows = self._read.get(name, set())
                if rows:
                    self._hidden[name] = await self._hidden_between(ask, self.book.sheets[name], min(rows),
                                                                    max(rows))
        except Exception:  # noqa: BLE001
            self.unchecked.append(HIDDEN)

    async def _merges(self, ask, name, r1, r2, c1, c2, values) -> None:
        sheet = self.book.sheets[name]
        known = self._merged.setdefault(name, [])
        if await ask.merged(sheet.range((r1, c1), (r2, c2))) is False:
            return
        for i, row in enumerate(values):
            r = r1 + i
            if None not in row or await ask.merged(sheet.range((r, c1), (r, c2))) is False:
                continue
            for j, value in enumerate(row):
                c = c1 + j
                if value is None and not any(t <= r <= b and le <= c <= ri for t, le, b, ri in known):
                    area = await ask.merge_area(sheet.range((r, c)))
                    if area != (r, c, r, c):
                        known.append(area)

    async def _hidden_between(self, ask, sheet, first: int, last: int) -> set[int]:
        state = await ask.hidden(sheet.range((first, 1), (last, 1)))
        if state is True:
            return set(range(first, last + 1))
        if state is False or first == last:
            return set()
        middle = (first + last) // 2
        return (await self._hidden_between(ask, sheet, first, middle)
                | await self._hidden_between(ask, sheet, middle + 1, last))


# Excel's error values, as xlwings gives them with err_to_str=True
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


@dataclass
class Live:
    """The open workbook as read: the model, and what this Excel could not tell or do (Swedish)."""

    book: DecisionBook
    unchecked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def notes(self) -> str:
        """What differs from the command's result in this Excel, for the button's dialog ("" if nothing)."""
        text = ""
        if self.unchecked:
            text += f"\n\nDen här Excel-versionen kunde inte svara på: {', '.join(self.unchecked)}; de är inte " \
                    "kontrollerade. Kommandot xl-statsbidrag validate kontrollerar dem i filen."
        if self.skipped:
            text += f"\n\nDen här Excel-versionen kunde inte sätta: {', '.join(dict.fromkeys(self.skipped))}. " \
                    "Värden och formler är desamma; kommandot xl-statsbidrag report skriver allt i filen."
        return text


async def read_async(book: "xw.Book", ask=None) -> Live:
    """Read the open workbook as the CLI reads a file: a first reading shows which blocks the reader uses,
    Excel is asked about their merged cells and hidden rows (``LiveSource.survey``), and the second
    reading is the model.  Under xlwings Lite, await it; classic xlwings answers at once (``read_live``)."""
    source = LiveSource(book)
    try:
        read(source)
    except UserError:
        pass  # said by the second reading, which merged cells cannot make readable
    await source.survey(ask or (Lite() if _engine(book) == "remote" else Classic()))
    return Live(read(source), source.unchecked)


def _now(coroutine):
    """The result of a coroutine that never waits (classic xlwings answers at once)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("the engine answered asynchronously: use read_async")


def read_live(book: "xw.Book") -> Live:
    """``read_async`` for classic xlwings (and engines that cannot tell, which answer by raising)."""
    return _now(read_async(book))


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


def _write(book: "xw.Book", live: Live, layouts: list[SheetLayout]) -> None:
    for layout in layouts:
        live.skipped += write_layout(book, layout)


# --- the work of each button (also run by lite/main.py) ---------------------------------------------------

def create_report(book: "xw.Book", today: dt.date | None = None, live: Live | None = None):
    """Read the open workbook, validate it and write the sheets Bilaga 2 and Kontroll into it; returns
    (summary, findings, Live)."""
    live = live or read_live(book)
    report = make_report(live.book, today)
    _write(book, live, report.sheets)
    return report.summary, report.findings, live


def check(book: "xw.Book", today: dt.date | None = None, live: Live | None = None):
    """Validate the open workbook (as ``xl-statsbidrag validate``) and write the findings as the sheet
    Kontroll; returns (findings, Live)."""
    live = live or read_live(book)
    findings = validate(live.book, today)
    _write(book, live, [check_sheet(live.book, findings, today)])
    return findings, live


def create_requisition(book: "xw.Book", today: dt.date | None = None, live: Live | None = None):
    """The use case of ``xl-statsbidrag rekvisition`` (``jobs.requisition``) on the open workbook: the
    sheet Rekvisition; returns (agreement, findings, Live)."""
    live = live or read_live(book)
    built = jobs.requisition(live.book, today)
    _write(book, live, built.sheets)
    agreement, findings = built.result
    return agreement, findings, live


def fetch_utfall(book: "xw.Book", paths: list[str], columns=None, accounts: str | None = None,
                 today: dt.date | None = None, live: Live | None = None):
    """The use case of ``xl-statsbidrag utfall`` (``jobs.utfall``) on the open workbook: the Utfall cells
    set and the sheet Utfall written; returns (``utfall.Utfall``, Live)."""
    from ..ledger.frame import parse_columns
    from ..ledger.match import parse_accounts

    mapping = parse_columns(columns) if isinstance(columns, str) or columns is None else columns
    ranges = parse_accounts(accounts)
    live = live or read_live(book)
    built = jobs.utfall(live.book, paths, mapping, ranges, today)
    for sheet, cells in built.cell_values.items():
        target = book.sheets[sheet]
        for ref, value in cells.items():
            target.range(ref).value = None if value is None else (
                int(value) if value == value.to_integral_value() else float(value))  # Excel's cells are doubles
    _write(book, live, built.sheets)
    return built.result, live


# --- the buttons -----------------------------------------------------------------------------------------

# What a user runs to install: the README and the macros' error dialogs (workbooks/vba) give these commands
# (tests/test_vba.py holds them to it).
INSTALL_COMMANDS = ('pip install "xl_statsbidrag-0.1.0-py3-none-any.whl[all]"', 'pip install ".[all]"',
                    "xlwings addin install")

NO_WORKBOOK = ("Python når inte arbetsboken. Är den öppnad i skyddad vy (det gula fältet \"Skyddad vy\")? "
               "Klicka Aktivera redigering och klicka på knappen igen.")


def _alert(book, text: str, title: str = "xl-statsbidrag") -> None:
    book.app.alert(text, title=title)


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def button(title: str, failed: str):
    """A button's Python: it acts on the workbook that called it (``xw.Book.caller()``) unless one is
    given, and every outcome is a dialog: what was done, the user's mistake with its cell, or what
    xlwings or Excel raised (never a traceback)."""
    def wrap(work):
        @functools.wraps(work)
        def run(book=None, *args, **kwargs):
            try:
                book = book or xw.Book.caller()
            except Exception as exc:  # noqa: BLE001 - e.g. a workbook in Protected View
                try:
                    xw.apps.active.alert(f"{NO_WORKBOOK}\n\n({_describe(exc)})", title=title)
                except Exception:  # noqa: BLE001 - no Excel to ask: xlwings shows what Python prints
                    raise SystemExit(f"{title}: {NO_WORKBOOK}") from None
                return None
            try:
                return work(book, *args, **kwargs)
            except UserError as exc:
                text = f"{failed}\n\n{_where(exc)}"
            except AmountError as exc:
                text = f"{failed}\n\n{exc.sv}"
            except Exception as exc:  # noqa: BLE001 - what xlwings or Excel raised, as a dialog
                text = (f"{failed}\n\nExcel svarade inte som väntat ({_describe(exc)}). Spara arbetsboken lokalt "
                        "och försök igen, eller kör kommandot xl-statsbidrag på filen.")
            try:
                _alert(book, text, title)
            except Exception:  # noqa: BLE001
                raise SystemExit(f"{title}: {text}") from None
            return None
        return run
    return wrap


def _where(exc: UserError) -> str:
    return f"{exc.location}: {exc.message}" if exc.location else exc.message


@button("Skapa Bilaga 2", "Bilaga 2 kunde inte skapas.")
def skapa_bilaga2(book: "xw.Book | None" = None) -> None:
    """The button "Skapa Bilaga 2"."""
    s, _, live = create_report(book)
    kind = "utfall" if s.complete else "delvis budget (utfall saknas för några aktiviteter)" if s.outcome \
        else "budget (utfall saknas)"
    _alert(book, f"Bladen Bilaga 2 och Kontroll är skapade.\n\nBidrag: {format_kr(s.received)}\nKostnader, {kind}: "
                 f"{format_kr(s.costs)}\nEj förbrukat: {format_kr(s.unused)}\nAtt återbetala: {format_kr(s.repay)}\n"
                 f"Egen finansiering: {format_kr(s.own)}\n"
                 f"Förslag till granskning: {s.suggestion.text} (se bladet Kontroll)" + live.notes(), "Skapa Bilaga 2")


def findings_text(findings) -> str:
    """The findings of a button's work as the command prints them: severity, cell and message."""
    return "".join(f"\n\n{f.severity.sv}: {f.location}: {f.message}" if str(f.location) else
                   f"\n\n{f.severity.sv}: {f.message}" for f in findings)


@button("Rekvisition", "Rekvisitionen kunde inte skapas.")
def rekvisition(book: "xw.Book | None" = None) -> None:
    """The button "Rekvisition"."""
    ag, findings, live = create_requisition(book)
    _alert(book, f"Bladet Rekvisition är skapat.\n\nBelopp som rekvireras: {format_kr(ag.requested)}"
                 + (f"\nSista dag för rekvisition: {ag.requisition_deadline}" if ag.requisition_deadline else "")
                 + findings_text(findings) + live.notes(), "Rekvisition")


@button("Kontrollera", "Kontrollen kunde inte göras.")
def kontrollera(book: "xw.Book | None" = None) -> None:
    """The button "Kontrollera"."""
    findings, live = check(book)
    counts = {s: sum(f.severity == s for f in findings) for s in Severity}
    _alert(book, f"{counts['error']} fel, {counts['warning']} varningar, {counts['info']} upplysningar.\n"
                 "Se bladet Kontroll." + live.notes(), "Kontrollera")


def allocation_sheet(total: object, population: str | None = None) -> tuple[SheetLayout, object]:
    """The sheet "Fördelning": ``total`` (kronor, e.g. "2 835 000 000" or "2835 mkr") split between the
    regions by population (the latest shipped table unless ``population`` is given), as ``allocate``
    does; and the PotTable."""
    from ..read import reference_data
    from ..app.allocate import allocate, table_layout
    from ..core.money import parse_amount

    amount = parse_amount(total) if not isinstance(total, (int, float, Decimal)) else Decimal(str(total))
    if amount is None or amount <= 0:
        raise UserError("ange det nationella beloppet som ett positivt belopp i kronor, t.ex. 2 835 000 000")
    table, source = allocate([str(amount)], population or reference_data.population_dates()[-1])
    return table_layout(table, f"Fördelning av {format_kr(amount)}", source), table


@button("Fördela", "Fördelningen kunde inte göras.")
def fordela(book: "xw.Book | None" = None, total: object = None, population: str | None = None) -> None:
    """The ribbon button "Fördela": the national ``total`` (asked for by the macro) split between the
    regions as the sheet "Fördelning"; the dialog names the share of the workbook's own region."""
    layout, table = allocation_sheet(total, population)
    skipped = write_layout(book, layout)
    text = "Fördelningen är skriven på bladet Fördelning."
    try:
        from ..read.reference_data import find_region

        region = find_region(read_live(book).book.agreement.recipient)
        row = table.labels.index(region.lan)
        text += f"\n\n{region.name}: {format_kr(table.row_total(row))}"
    except (UserError, ValueError):
        pass  # not a decision-support workbook, or no region named in it: the sheet says it all
    _alert(book, text + Live(None, skipped=skipped).notes(), "Fördela")


# --- Hämta utfall ---------------------------------------------------------------------------------------

LEDGER_FILTER = "Huvudboksexport (*.csv;*.txt;*.xlsx;*.se;*.si;*.sie),*.csv;*.txt;*.xlsx;*.se;*.si;*.sie"
NO_FILE_DIALOG = ("Filvalet finns bara i Excel för Windows: Hämta utfall väljer filerna med Excels fildialog, "
                  "som xlwings inte når i Excel för Mac. Där: spara arbetsboken och kör i Terminal\n"
                  "    xl-statsbidrag utfall ARBETSBOK.xlsx HUVUDBOK.csv\n"
                  "som skriver en kopia med utfallet (se README, Utfall from the ledger).")


def _ask_ledger_files(book) -> list[str]:
    """Excel's own file dialog (Windows); an empty list when the user cancels."""
    if sys.platform != "win32":
        raise UserError(NO_FILE_DIALOG)
    chosen = book.app.api.GetOpenFilename(LEDGER_FILTER, 1, "Hämta utfall: välj huvudboksexporten", None, True)
    if not chosen:
        return []
    return [str(p) for p in (chosen if isinstance(chosen, (list, tuple)) else [chosen])]


@button("Hämta utfall", "Utfallet kunde inte hämtas.")
def hamta_utfall(book: "xw.Book | None" = None, paths: list[str] | None = None):
    """The button "Hämta utfall": asks for the ledger export(s) unless ``paths`` are given."""
    paths = _ask_ledger_files(book) if paths is None else paths
    if not paths:
        return None
    result, live = fetch_utfall(book, paths)
    filled = sum(v is not None for v in result.actual)
    warnings = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    total = sum((v for v in result.actual if v is not None), Decimal(0))
    _alert(book, f"Utfall ifyllt för {filled} av {len(result.actual)} aktiviteter: {format_kr(total)}.\n"
                 f"{len(warnings)} varningar (se bladet Utfall och kör Kontrollera)." + findings_text(warnings)
                 + live.notes(), "Hämta utfall")
    return result
