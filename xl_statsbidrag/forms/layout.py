"""A sheet layout as data: rows of cells with values, formulas and named styles, and the page
setup for printing; and what every form of ``forms`` shares: the styles of amounts, the page header
and footer of a form, a string in a formula.

Every sheet the tool writes is built once as a ``SheetLayout`` (the modules of ``forms``) and
rendered by two writers: ``xlsx.worksheet`` for a package on disk and ``excel.writer`` through
xlwings.  Neither writer decides anything about content; they only map styles and cells to their medium.
A long listing (the Utfall sheet's transactions) is a ``RowBlock``: columns of plain values with a style
each, the same as the rows of cells it expands to (``SheetLayout.expanded``), which the package writer
renders a column at a time and xlwings takes as those rows.

Row heights and page breaks are decided here, not left to the spreadsheet: ``text_lines`` wraps
text with Calibri's character widths (``data/text_widths.csv``, from the metric-compatible
Carlito) as Excel and LibreOffice wrap it, so that a row is tall enough in both, and
``Pages`` puts manual page breaks where a block of rows would otherwise be split.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import NamedTuple, Sequence  # records: created ~10x faster than frozen dataclasses (issue 28)

from ..core.a1 import ref
from ..core.records import FrozenRecord, Record

# [$-41D] makes the format Swedish (sv-SE) where the reader honours it (LibreOffice: "41 197 280 kr");
# Excel shows its own locale's separators, which for the users is Swedish anyway.
MONEY_FORMAT = '[$-41D]#,##0\\ "kr";\\-#,##0\\ "kr"'
MONEY_FORMAT_ORE = '[$-41D]#,##0.00\\ "kr";\\-#,##0.00\\ "kr"'
# In a table whose header says the unit ("kr"), amounts go without it: five amount columns fit A4 portrait.
NUMBER_FORMAT = '[$-41D]#,##0;\\-#,##0'
NUMBER_FORMAT_ORE = '[$-41D]#,##0.00;\\-#,##0.00'


class Style(NamedTuple):  # (see the import of NamedTuple)
    """A cell style: font, fill, number format, alignment, borders (a name in STYLES refers to one)."""

    bold: bool = False
    italic: bool = False
    size: float | None = None  # points; None keeps the workbook's default size
    color: str | None = None  # "RRGGBB"
    fill: str | None = None  # "RRGGBB"
    num_format: str | None = None
    wrap: bool = False
    halign: str | None = None  # "left", "center", "right"
    valign: str = "top"  # "top", "center", "bottom"
    border_top: bool = False
    border_bottom: bool = False


STYLES: dict[str, Style] = {
    "title": Style(bold=True, size=16),
    "subtitle": Style(size=12, wrap=True),
    "warning": Style(bold=True, color="9C0006", fill="FFC7CE", wrap=True),
    "section": Style(bold=True, size=12, fill="DDEBF7", border_bottom=True),
    "label": Style(wrap=True),
    "text": Style(wrap=True),
    "strong": Style(bold=True, wrap=True),
    "note": Style(italic=True, color="595959", wrap=True),
    "money": Style(num_format=MONEY_FORMAT),
    "money_ore": Style(num_format=MONEY_FORMAT_ORE),
    "money_total": Style(bold=True, num_format=MONEY_FORMAT, border_top=True),
    "money_total_ore": Style(bold=True, num_format=MONEY_FORMAT_ORE, border_top=True),
    "number": Style(num_format=NUMBER_FORMAT),
    "number_ore": Style(num_format=NUMBER_FORMAT_ORE),
    "number_total": Style(bold=True, num_format=NUMBER_FORMAT, border_top=True),
    "number_total_ore": Style(bold=True, num_format=NUMBER_FORMAT_ORE, border_top=True),
    "header": Style(bold=True, wrap=True, border_bottom=True),
    "header_right": Style(bold=True, wrap=True, border_bottom=True, halign="right"),
    "total_label": Style(bold=True, border_top=True, wrap=True),
    "signature": Style(border_bottom=True, valign="bottom"),
    "signature_label": Style(wrap=True, valign="bottom"),
    "fill_in": Style(wrap=True, border_bottom=True, valign="bottom"),
    "checkbox": Style(halign="center", bold=True, size=14),
    "centered": Style(halign="center"),  # a year or a date in a table of amounts: clear of its neighbours
    "money_header": Style(bold=True, wrap=True, border_bottom=True, halign="right", valign="bottom"),
    "table_header": Style(bold=True, wrap=True, border_bottom=True, valign="bottom"),
}

Value = str | int | Decimal | None


# (slots: a sheet of 200 000 rows holds 2.4 million of them; repr, == and hash from FrozenRecord; issue 28)
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Cell(FrozenRecord):
    """A cell of a row: its column, value or formula, and the name of its style."""

    column: int  # 1-based
    value: Value = None
    formula: str | None = None  # without the leading "=", in Excel's English syntax
    style: str = "text"

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style}")


@dataclass(slots=True, repr=False, eq=False)  # repr and == from Record (issue 28)
class Row(Record):
    """A row of a sheet: its cells and height."""

    cells: list[Cell] = field(default_factory=list)
    height: float | None = None  # points; None lets the spreadsheet decide


@dataclass(frozen=True, repr=False, eq=False)  # repr, == and hash from FrozenRecord (issue 28)
class Column(FrozenRecord):
    """A column of a ``RowBlock``: its values row by row, and its style, one for the column or one per row.
    ``scale`` None: the values are texts, "" or None an empty cell.  ``scale`` n: the values are integers
    (None an empty cell), each the number ``value / 10**n`` (öre as kronor: 2), exact."""

    values: Sequence[str | int | None]
    style: str | Sequence[str] = "text"
    scale: int | None = None

    def __post_init__(self) -> None:
        for name in {self.style} if isinstance(self.style, str) else set(self.style):
            if name not in STYLES:
                raise ValueError(f"unknown style {name}")

    def cell_value(self, i: int) -> Value:
        """The value of row ``i`` as a ``Cell`` holds it."""
        value = self.values[i]
        if self.scale is None or value is None:
            return value or None
        unit = 10 ** self.scale  # as money.ore_to_kr: Decimal("12.34"), and a whole number as one ("12")
        return Decimal(value).scaleb(-self.scale) if value % unit else Decimal(value // unit)

    def cell_style(self, i: int) -> str:
        return self.style if isinstance(self.style, str) else self.style[i]


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class RowBlock(Record):
    """Many rows of one shape, the last rows of a sheet: row ``i`` has a cell in each column (the first at
    ``first_column``), with the column's value and style for that row (no formulas), and ``heights[i]``
    (None: the spreadsheet's).  A block is the same as the ordinary rows ``rows()`` makes of it; the
    package writer (``xlsx.worksheet``) renders it a column at a time, without a ``Cell`` per value, which is
    what lets the sheet Utfall list 200 000 transactions (2.4 million cells) in seconds (issue 22 item 10).

    The values are plain Python lists (texts and integers), not arrays: ``forms`` does not import pandas
    or numpy (the layers: forms lays out from plain values, ``ledger`` fills them), and the speed comes from
    working per column and per distinct value, which lists give as well as arrays would."""

    columns: list[Column]
    heights: Sequence[float | None]
    first_column: int = 1

    def __post_init__(self) -> None:
        if any(len(c.values) != len(self.heights) or (not isinstance(c.style, str) and len(c.style) != len(self.heights))
               for c in self.columns):
            raise ValueError("the columns and heights of a row block differ in length")

    def __len__(self) -> int:
        return len(self.heights)

    def rows(self):
        """The block as ordinary rows (for a writer that writes values, not text: xlwings)."""
        for i, height in enumerate(self.heights):
            yield Row([Cell(c, column.cell_value(i), style=column.cell_style(i))
                       for c, column in enumerate(self.columns, start=self.first_column)], height)


class Table(NamedTuple):  # (see the import of NamedTuple)
    """An Excel Table over cells of the layout: header row first, names as in the header cells."""

    name: str
    first_row: int
    first_column: int
    columns: tuple[str, ...]
    last_row: int  # the last data row (equal to first_row for a table with no rows)

    @property
    def ref(self) -> str:
        return f"{ref(self.first_column, self.first_row)}:{ref(self.first_column + len(self.columns) - 1, max(self.last_row, self.first_row + 1))}"


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class SheetLayout(Record):
    """A sheet as data, which both writers render: its rows, column widths, merges, tables and page setup."""

    name: str
    column_widths: list[float]  # in characters, column A first
    rows: list[Row] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    footer: str = ""
    header: str = ""  # page header, in Excel's header codes (&L, &C, &R, &P, ...)
    landscape: bool = False
    tables: list[Table] = field(default_factory=list)
    gridlines: bool = False
    freeze_row: int = 0  # rows above this stay in view (0: none)
    page_breaks: list[int] = field(default_factory=list)  # a new page starts at each of these rows
    fit_width: bool = True  # scale to the page's width; False prints at 100 % (heights then are exact)
    print_titles: tuple[int, int] | None = None  # rows printed at the top of every page (first, last)
    margins: tuple[float, float, float, float] = (0.6, 0.6, 0.75, 0.75)  # left, right, top, bottom (inches)
    block: RowBlock | None = None  # the last rows, after ``rows`` (a long listing: see RowBlock)

    def add(self, *cells: Cell, height: float | None = None) -> int:
        """Append a row; returns its 1-based row number."""
        if self.block is not None:
            raise ValueError("rows go before the sheet's row block")
        self.rows.append(Row(list(cells), height))
        return len(self.rows)

    def blank(self) -> int:
        return self.add()

    @property
    def row_count(self) -> int:
        """The number of rows, the block's included."""
        return len(self.rows) + (len(self.block) if self.block is not None else 0)

    @property
    def last_column(self) -> int:
        last = max((c.column for r in self.rows for c in r.cells), default=1)
        if self.block is not None and len(self.block) and self.block.columns:
            last = max(last, self.block.first_column + len(self.block.columns) - 1)
        return last

    def all_rows(self):
        """Every row, the block's as ordinary rows."""
        yield from self.rows
        if self.block is not None:
            yield from self.block.rows()

    def cells(self):
        """(row number, cell) for every cell, row by row, left to right."""
        for number, row in enumerate(self.all_rows(), start=1):
            for cell in sorted(row.cells, key=lambda c: c.column):
                yield number, cell

    def expanded(self) -> SheetLayout:
        """This layout with its block as ordinary rows (what a writer of values takes: ``excel.writer``)."""
        if self.block is None:
            return self
        return replace(self, rows=list(self.all_rows()), block=None)


# --- text measure and pages --------------------------------------------------------------------------

DIGIT_PX = 7  # Calibri 11's widest digit at 96 dpi: Excel's unit of column width
CELL_PADDING_PX = 6  # what a cell keeps free of text (both sides and the grid line), with a margin
FALLBACK_EM = 1.0  # a character the table lacks counts as wide as the font size


@lru_cache(maxsize=1)
def _widths() -> dict[str, tuple[int, int, int]]:
    text = resources.files("xl_statsbidrag").joinpath("data", "text_widths.csv").read_text(encoding="utf-8")
    rows = csv.reader(text.splitlines())  # (not DictReader: a dict a row cost report's start ~0.5 ms)
    at = {name: i for i, name in enumerate(next(rows))}
    char, regular, bold, italic = at["char"], at["regular"], at["bold"], at["italic"]
    table = {chr(int(r[char])): (int(r[regular]), int(r[bold]), int(r[italic])) for r in rows}
    table["\u00a0"] = table[" "]
    return table


def column_px(width: float) -> int:
    """A column's width in pixels, from its width in characters (as Excel converts it)."""
    return int(width * DIGIT_PX + 5)


class _Units(dict):
    """A character's width in font units; one the table lacks is ``FALLBACK_EM`` wide."""

    def __missing__(self, ch: str) -> float:
        return FALLBACK_EM * 2048


@lru_cache(maxsize=3)
def _unit_table(which: int) -> _Units:
    return _Units({ch: w[which] for ch, w in _widths().items()})


@lru_cache(maxsize=8192)
def _units(text: str, which: int) -> float:
    """The width of ``text`` in font units (2048 to the em); ``which``: 0 regular, 1 bold, 2 italic.
    Cached: a form measures the same words many times over."""
    return sum(map(_unit_table(which).__getitem__, text))


def text_px(text: str, style: Style) -> float:
    which = 1 if style.bold else 2 if style.italic else 0
    return _units(text, which) / 2048 * (style.size or 11.0) * 96 / 72


@lru_cache(maxsize=1)
def _digits_as_zero() -> re.Pattern | None:
    """A pattern of the digits other than "0", if the widths table gives all digits one width (Calibri's
    figures are tabular): a text and the text with its digits made "0" are as wide, and wrap alike (the
    spaces and line breaks are where they were).  (``re.sub``: 3x faster than ``str.translate`` on text
    that is not ASCII.)"""
    widths = _widths()
    return re.compile("[1-9]") if all(widths.get(d) == widths.get("0") for d in "123456789") else None


_ZERO = str.maketrans("123456789", "0" * 9)


def by_shape(texts, measure) -> dict:
    """``{text: measure(text)}`` for the distinct ``texts``, each measure taken once per shape (the text
    with its digits made "0"): "Faktura 10234" and "Faktura 99871" are measured once.  For a measure of
    width or wrapping (``text_px``, ``text_lines``), where a long listing's texts are mostly distinct."""
    digits = _digits_as_zero()
    if digits is None:
        return {t: measure(t) for t in set(texts)}
    distinct = list(set(texts))
    joined = "\0".join(distinct)  # one call for them all: a digit for a digit keeps the lengths and the rest
    shaped = joined.translate(_ZERO) if joined.isascii() else digits.sub("0", joined)  # (the faster of each)
    if joined.count("\0") == len(distinct) - 1:  # no text has a NUL of its own
        shapes = shaped.split("\0")
    else:
        ends = list(accumulate(len(text) + 1 for text in distinct))
        shapes = [shaped[end - 1 - len(text):end - 1] for text, end in zip(distinct, ends)]
    measured = {shape: measure(shape) for shape in set(shapes)}
    return dict(zip(distinct, map(measured.__getitem__, shapes)))


def text_lines(text: str, width_px: float, style: Style) -> int:
    """How many lines ``text`` takes wrapped in a cell ``width_px`` wide: greedy word wrap, as Excel
    and LibreOffice do, a word longer than the line broken where it must be."""
    text = str(text)
    room = max(1.0, width_px - CELL_PADDING_PX)
    if "\n" not in text and text_px(text, style) <= room - 1e-6:  # fits: one line (the words, spaces and
        return 1  # all, are no wider than the whole; the margin covers the rounding of their sum)
    space = text_px(" ", style)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            w = text_px(word, style)
            if used and used + space + w <= room:
                used += space + w
                continue
            if used:
                lines += 1
            if w > room:  # broken over several lines
                lines += math.ceil(w / room) - 1
                w = w - (math.ceil(w / room) - 1) * room
            used = w
    return lines


def line_height(style: Style) -> float:
    """The height of one line of text in points (Calibri 11: 15 pt, as Excel's default row)."""
    return math.ceil((style.size or 11.0) * 15 / 11 * 4) / 4


class Pages:
    """Manual page breaks for a sheet printed at 100 %: blocks of rows that must stay together go
    to the next page when they do not fit on this one."""

    def __init__(self, layout: SheetLayout, page_height: float):
        self.layout = layout
        self.page_height = page_height
        self.used = 0.0
        self.count = 1

    def fits(self, height: float) -> bool:
        return self.used + height <= self.page_height

    def new_page(self) -> None:
        """A page break before the next row."""
        self.layout.page_breaks.append(len(self.layout.rows) + 1)
        self.used = 0.0
        self.count += 1

    def block(self, height: float) -> None:
        """Make room for a block of ``height`` points that starts at the next row."""
        if self.used > 0 and not self.fits(height):
            self.new_page()
        self.used += height


class Form:
    """A printed form built row by row: each row gets the height its wrapped text needs, and blocks of
    rows that must stay together (``keep``) get a page break before them when they would not fit.
    A label spans the first ``label_columns`` columns; its value spans the rest."""

    ROW_MARGIN = 3.0  # points added to a wrapped row, so that no line touches the next row
    WRITE_HEIGHT = 30.0  # a row with a line to sign or write on: room above the line
    MAX_ROW_HEIGHT = 409.0  # Excel's limit
    # A4 is 842 pt high; the margins take 0.75 in at the top and bottom.  What is left is kept a little
    # short, so that a spreadsheet that draws a row a point taller still fits the page.
    PAGE_HEIGHT = 842 - 2 * 0.75 * 72 - 24

    def __init__(self, sheet: SheetLayout, label_columns: int = 1):
        self.sheet = sheet
        self.pages = Pages(sheet, self.PAGE_HEIGHT)
        self.px = [column_px(w) for w in sheet.column_widths]
        self.columns = len(sheet.column_widths)
        self.label_columns = label_columns

    @property
    def next_row(self) -> int:
        return len(self.sheet.rows) + 1

    def height(self, cells: list[Cell], spans: dict[int, int], minimum: float | None = None) -> float:
        lines, tallest = 1, 0.0
        for c in cells:
            style = STYLES[c.style]
            tallest = max(tallest, line_height(style))
            if isinstance(c.value, str) and c.value:
                width = sum(self.px[c.column - 1:c.column - 1 + spans.get(c.column, 1)])
                lines = max(lines, text_lines(c.value, width, style) if style.wrap else 1)
        h = max(tallest, 15.0) * lines + (self.ROW_MARGIN if lines > 1 else 0.0)
        return min(max(h, minimum or 0.0), self.MAX_ROW_HEIGHT)

    def row(self, *cells: Cell, spans: dict[int, int] | None = None, minimum: float | None = None) -> int:
        """A row; ``spans`` merges a cell over columns to its right ({column: count})."""
        spans = spans or {}
        cells_ = list(cells)
        for column, count in spans.items():  # the covered cells carry the style too (borders, fills)
            style = next(c.style for c in cells_ if c.column == column)
            cells_ += [Cell(col, None, style=style) for col in range(column + 1, column + count)]
        number = self.sheet.add(*cells_, height=self.height(cells_, spans, minimum))
        for column, count in spans.items():
            self.sheet.merges.append(f"{ref(column, number)}:{ref(column + count - 1, number)}")
        return number

    def wide(self, style: str, text: str, minimum: float | None = None) -> int:
        """A text over the whole width."""
        return self.row(Cell(1, text, style=style), spans={1: self.columns}, minimum=minimum)

    def field(self, label: str, value: object, required: bool = True) -> int:
        """A label and its value; an empty required value prints as a line to fill in."""
        text = "" if value is None else str(value)
        style = "fill_in" if required and not text else "text"
        return self.row(Cell(1, label, style="signature_label" if style == "fill_in" else "label"),
                        Cell(self.label_columns + 1, text, style=style), spans=self._spans(),
                        minimum=self.WRITE_HEIGHT if style == "fill_in" else None)

    def _spans(self) -> dict[int, int]:
        """The label's and the value's columns."""
        value = {self.label_columns + 1: self.columns - self.label_columns}
        return ({1: self.label_columns} if self.label_columns > 1 else {}) | value

    def section(self, title: str) -> None:
        self.sheet.add(height=12.0)
        self.row(Cell(1, title, style="section"), spans={1: self.columns})

    def signatures(self, rows: list[tuple[str, str]]) -> None:
        """A signature block: each label on the row of its line, with room to write above the line."""
        for label, value in rows:
            self.row(Cell(1, label, style="signature_label"), Cell(self.label_columns + 1, value, style="signature"),
                     spans=self._spans(), minimum=self.WRITE_HEIGHT)

    def keep(self, build) -> None:
        """Add the rows ``build()`` adds as one block, on a new page if they do not fit on this one."""
        start = len(self.sheet.rows)
        build()
        added = self.sheet.rows[start:]
        del self.sheet.rows[start:]
        self.pages.block(sum(r.height or 15.0 for r in added))  # a break goes before the block
        self.sheet.rows.extend(added)


# --- what the forms share -------------------------------------------------------------------------------

FORM_MARGINS = (0.45, 0.45, 0.75, 0.75)  # a form on A4 portrait at 100 % (Bilaga 2, Rekvisition): inches


def money_style(value: Decimal | None, total: bool = False) -> str:
    """The style of an amount in a cell of its own ("41 197 280 kr"; with öre where it has them)."""
    ore = value is not None and value != value.to_integral_value()
    return ("money_total" if total else "money") + ("_ore" if ore else "")


def number_style(value: Decimal | None, total: bool = False) -> str:
    """The style of an amount in a table whose header names the unit (no "kr")."""
    ore = value is not None and value != value.to_integral_value()
    return ("number_total" if total else "number") + ("_ore" if ore else "")


def quote(text: str) -> str:
    """A string literal in a formula."""
    return '"' + text.replace('"', '""') + '"'


def page_texts(ag, title: str, pages: int | None) -> tuple[str, str]:
    """A form's page header (its title and the agreement's name on the left; on the right the Government
    Offices' diary numbers, both when both are filled, and the region's, a line each) and footer (the
    recipient; "Sida N av M" counting this sheet's pages alone, given as ``pages``; None: the printout's).
    "&" starts a code in a header, so a literal one is doubled; Excel allows 255 characters in each."""
    def code(text: str, limit: int) -> str:
        return text[:limit].replace("&", "&&")

    rk = ", ".join(d for d in (ag.rk_dnr_agreement, ag.rk_dnr_payment) if d)
    right = "\n".join(x for x in (f"Regeringskansliets dnr {code(rk, 70)}" if rk else "",
                                   f"Regionens dnr {code(ag.region_dnr, 40)}" if ag.region_dnr else "") if x)
    header = f"&L&8{title} – {code(ag.name, 100)}" + (f"&R&8{right}" if right else "")
    footer = f"&L&8{code(ag.recipient, 80)}&R&8Sida &P av {pages or '&N'}"
    return header, footer
