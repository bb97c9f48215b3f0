"""Reading the workbook open in Excel: ``LiveSource``, its sheets and tables as a ``read.source.Source``, read
by the same reader as a file (``read.format_reader``), and what this Excel could not tell or do (``Live``).
Classic xlwings (Windows, Mac) answers at once (``read_live``); under xlwings Lite the same questions are
awaited (``read_async``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import xlwings as xw  # noqa: F401  (the type of the books in the annotations)

from ..core.a1 import bounds
from ..core.errors import UserError
from ..core.model import DecisionBook
from ..read.format_reader import read
from ..read.source import MAX_COLUMN, MAX_ROW, CellError, MergedCopy, TableInfo


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
