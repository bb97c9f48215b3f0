"""Reading a decision-support workbook as the region already has it: no Excel Table, a header row
somewhere below a title and prose, spacer rows, cells with line breaks, a total row at the bottom.

The header row is found by its words, matched loosely (case, line breaks, hyphenation, synonyms);
the rows below it are read until the total row, whose figure is checked against them.  Every row
that cannot be read is reported with its cell; every activity keeps its source cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .amounts import AmountError, format_kr, parse_amount
from .errors import Location, UserError
from .layout import column_letter
from .model import Activity
from .format_reader import UNCALCULATED, CellError, MergedCopy, Source, text
from .workbook_format import ACTIVITY_AMOUNTS, ACTIVITY_COLUMNS, HEADER_SYNONYMS, TOTAL_NAME, normalise_header

REQUIRED = ("name", "amount")
MAX_COLUMNS = 60


def clean_text(value: object) -> str:
    """A cell's text with hyphenated line breaks joined and other line breaks as spaces."""
    textual = text(value)
    textual = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", textual)
    return re.sub(r"\s+", " ", textual).strip()


@dataclass
class PlainTable:
    sheet: str
    header_row: int
    columns: dict[str, tuple[str, str]]  # field -> (column letter, header text)
    activities: list[Activity] = field(default_factory=list)
    total_row: int | None = None
    total: Decimal | None = None
    not_read: list[tuple[Location, str]] = field(default_factory=list)

    @property
    def decided(self) -> Decimal:
        return sum((a.amount or Decimal(0) for a in self.activities), Decimal(0))


def _fields(values: list[object]) -> dict[str, int]:
    """The fields a row names, by column index (first match wins)."""
    found: dict[str, int] = {}
    for i, value in enumerate(values):
        if isinstance(value, MergedCopy):  # a header merged over several columns names one column
            continue
        if not isinstance(value, str) or not value.strip():
            continue
        header = normalise_header(value)
        for name, pattern in HEADER_SYNONYMS.items():
            if name not in found and pattern.match(header):
                found[name] = i
                break
    return found


def find_header(source: Source, sheet: str | None = None) -> tuple[str, int, dict[str, int], list[tuple[int, list]]]:
    """The one header row among the sheets (or in ``sheet``): (sheet, row, fields, the sheet's rows)."""
    sheets = [sheet] if sheet else source.sheet_names()
    candidates = []
    for name in sheets:
        rows = source.rows(name, max_col=MAX_COLUMNS)
        for number, values in rows:
            fields = _fields(values)
            if all(f in fields for f in REQUIRED) and len(fields) >= 3:
                candidates.append((name, number, fields, rows))
    wanted = "a row with at least three of the headers Aktivitet/Pågående arbete, Verksamhet, Summa/Belopp, " \
             "Objekt, Tidigare beslut, Behov (Aktivitet and Summa/Belopp among them)"
    if not candidates:
        raise UserError(f"no activity table found: looked for {wanted} in the sheet(s) {', '.join(sheets)}",
                        file=source.name)
    first = candidates[0]
    others = [c for c in candidates[1:] if not (c[0] == first[0] and c[2] == first[2])]
    if others:
        places = ", ".join(f"{c[0]}!{column_letter(min(c[2].values()) + 1)}{c[1]}" for c in [first] + others)
        raise UserError(f"two candidate activity tables ({places}); keep one, or name the sheet with --sheet",
                        file=source.name)
    return first


def _unreadable_text(value: object) -> str | None:
    """Why a text cell cannot be taken as text: an error value, or a formula without a stored value."""
    if isinstance(value, MergedCopy):
        value = value.value
    if isinstance(value, CellError):
        return f"the cell holds the error {value} (fel-i-cell)"
    if value is UNCALCULATED:
        return "a formula without a stored value (formel-utan-varde): open the file in Excel and save it"
    return None


def read_plain(source: Source, sheet: str | None = None) -> PlainTable:
    """The activities below the header row.  A total row is one whose text says so ("Summa",
    "Totalt ...") or one with an amount and no text that is the sum of the rows above it; reading
    goes on past it (a second block of activities is read; prose without amounts is not)."""
    name, header_row, fields, rows = find_header(source, sheet)
    header_values = next(values for number, values in rows if number == header_row)
    letters = {f: column_letter(i + 1) for f, i in fields.items()}
    table = PlainTable(name, header_row, {f: (letters[f], clean_text(header_values[i])) for f, i in fields.items()})
    since_total = Decimal(0)  # the activities since the last total row
    for number, values in rows:
        if number <= header_row:
            continue
        cells = {f: values[i] if i < len(values) else None for f, i in fields.items()}
        if _fields(values) == fields:
            continue  # the header again (a page break in a printed layout)
        raw_name = clean_text(cells["name"])
        amount_cell = Location(name, f"{letters['amount']}{number}")
        others = [cells[f] for f in fields if f not in ("name", "amount")]
        textual_others = [v for v in others if v not in (None, "")]
        texts = [clean_text(cells[f]) for f in fields if f != "amount" and cells[f] not in (None, "")]
        says_total = any(TOTAL_NAME.match(t) for t in texts) and not cells.get("objekt")
        has_amount = cells["amount"] not in (None, "") and cells["amount"] is not UNCALCULATED
        if has_amount and not isinstance(cells["amount"], MergedCopy) and (says_total or not texts):
            try:
                figure = parse_amount(cells["amount"]) if not isinstance(cells["amount"], CellError) else None
            except AmountError as exc:
                table.not_read.append((amount_cell, f"the total cannot be read: {exc}"))
                figure = None
            if says_total or (figure is not None and figure in (since_total, table.decided)):
                table.total_row, table.total = number, figure
                since_total = Decimal(0)
            elif figure is not None:
                table.not_read.append((amount_cell, f"an amount without a name ({format_kr(figure)}) that is not "
                                                    f"the sum of the rows above ({format_kr(since_total)}): "
                                                    "neither an activity nor a total; give it a name or a label"))
            continue
        if cells["amount"] is UNCALCULATED:
            table.not_read.append((amount_cell, f"the amount is {_unreadable_text(UNCALCULATED)}"))
            continue
        if not has_amount:
            if (raw_name or textual_others) and table.total_row is None:  # below a total: prose
                where = Location(name, f"{letters['name']}{number}")
                table.not_read.append((where, f"no amount in column {letters['amount']} ('{raw_name[:60]}')"))
            continue
        if isinstance(cells["amount"], MergedCopy):
            table.not_read.append((amount_cell, "the amount is in a merged cell that covers several rows; "
                                                "it counts on its first row only"))
            continue
        try:
            amount = parse_amount(cells["amount"]) if not isinstance(cells["amount"], CellError) else None
            if amount is None:
                raise AmountError(f"the cell holds the error {cells['amount']}", "")
        except AmountError as exc:
            table.not_read.append((amount_cell, f"the amount cannot be read: {exc}"))
            continue
        values_by_field: dict[str, object] = {}
        for f in ACTIVITY_COLUMNS:
            if f == "amount":
                values_by_field[f] = amount
            elif f in ACTIVITY_AMOUNTS:
                try:
                    values_by_field[f] = parse_amount(cells.get(f)) if f in fields else None
                except AmountError as exc:
                    table.not_read.append((Location(name, f"{letters[f]}{number}"), f"cannot be read: {exc}"))
                    values_by_field[f] = None
            else:
                why = _unreadable_text(cells.get(f)) if f in fields else None
                if why:  # kept empty, so that the imported table shows the gap at its cell
                    table.not_read.append((Location(name, f"{letters[f]}{number}"), why))
                values_by_field[f] = clean_text(cells.get(f)) if f in fields and not why else ""
        table.activities.append(Activity(row=number, sheet=name, columns=letters, **values_by_field))
        since_total += amount
    if not table.activities:
        raise UserError(f"the table at {name}!{column_letter(min(fields.values()) + 1)}{header_row} has no rows "
                        "with an amount", file=source.name)
    return table


def describe(table: PlainTable) -> list[str]:
    """What was recognised, for the user (English, as the command line speaks)."""
    lines = [f"sheet '{table.sheet}', header row {table.header_row}"]
    lines.append("columns: " + ", ".join(f"{ACTIVITY_COLUMNS[f]} = {letter} ('{header}')"
                                          for f, (letter, header) in table.columns.items()))
    first, last = table.activities[0].row, table.activities[-1].row
    lines.append(f"rows: {len(table.activities)} activities in rows {first}-{last}, {format_kr(table.decided)}")
    if table.total_row is None:
        lines.append("total row: none found (the rows run to the end of the sheet)")
    elif table.total is None:
        lines.append(f"total row {table.total_row}: its figure cannot be read")
    elif table.total == table.decided:
        lines.append(f"total row {table.total_row}: {format_kr(table.total)}, equal to the sum of the rows")
    else:
        lines.append(f"total row {table.total_row}: {format_kr(table.total)}, but the rows sum to "
                     f"{format_kr(table.decided)} (difference {format_kr(table.total - table.decided)})")
    return lines
