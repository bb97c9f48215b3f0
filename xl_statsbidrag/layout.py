"""A sheet layout as data: rows of cells with values, formulas and named styles.

The Bilaga 2 report is built once as a ``SheetLayout`` (see ``report.py``) and rendered by
two writers: ``xlsx.sheetxml`` for a package on disk and ``excel`` through xlwings.  Neither
writer decides anything about content; they only map styles and cells to their medium.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# [$-41D] makes the format Swedish (sv-SE) where the reader honours it (LibreOffice: "41 197 280 kr");
# Excel shows its own locale's separators, which for the users is Swedish anyway.
MONEY_FORMAT = '[$-41D]#,##0\\ "kr";\\-#,##0\\ "kr"'
MONEY_FORMAT_ORE = '[$-41D]#,##0.00\\ "kr";\\-#,##0.00\\ "kr"'


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points; None keeps the workbook's default size
    color: str | None = None  # "RRGGBB"
    fill: str | None = None  # "RRGGBB"
    num_format: str | None = None
    wrap: bool = False
    halign: str | None = None  # "left", "center", "right"
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
    "header": Style(bold=True, wrap=True, border_bottom=True),
    "header_right": Style(bold=True, wrap=True, border_bottom=True, halign="right"),
    "total_label": Style(bold=True, border_top=True, wrap=True),
    "signature": Style(border_bottom=True),
    "checkbox": Style(halign="center", bold=True),
}

Value = str | int | Decimal | None


@dataclass(frozen=True)
class Cell:
    column: int  # 1-based
    value: Value = None
    formula: str | None = None  # without the leading "=", in Excel's English syntax
    style: str = "text"

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style}")


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    height: float | None = None  # points; None lets the spreadsheet decide


@dataclass(frozen=True)
class Table:
    """An Excel Table over cells of the layout: header row first, names as in the header cells."""

    name: str
    first_row: int
    first_column: int
    columns: tuple[str, ...]
    last_row: int  # the last data row (equal to first_row for a table with no rows)

    @property
    def ref(self) -> str:
        return f"{ref(self.first_column, self.first_row)}:{ref(self.first_column + len(self.columns) - 1, max(self.last_row, self.first_row + 1))}"


@dataclass
class SheetLayout:
    name: str
    column_widths: list[float]  # in characters, column A first
    rows: list[Row] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    footer: str = ""
    landscape: bool = False
    tables: list[Table] = field(default_factory=list)
    gridlines: bool = False
    freeze_row: int = 0  # rows above this stay in view (0: none)

    def add(self, *cells: Cell, height: float | None = None) -> int:
        """Append a row; returns its 1-based row number."""
        self.rows.append(Row(list(cells), height))
        return len(self.rows)

    def blank(self) -> int:
        return self.add()

    @property
    def last_column(self) -> int:
        return max((c.column for r in self.rows for c in r.cells), default=1)

    def cells(self):
        """(row number, cell) for every cell, row by row, left to right."""
        for number, row in enumerate(self.rows, start=1):
            for cell in sorted(row.cells, key=lambda c: c.column):
                yield number, cell


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ref(column: int, row: int) -> str:
    return f"{column_letter(column)}{row}"
