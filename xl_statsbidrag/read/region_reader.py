"""Reading a decision-support workbook as the region already has it: no Excel Table, a header row
somewhere below a title and prose, spacer rows, cells with line breaks, a total row at the bottom.

The header row is found by its words, matched loosely (case, line breaks, hyphenation, synonyms);
the rows below it are read until the total row, whose figure is checked against them.  Every row
that cannot be read is reported with its cell; every activity keeps its source cells.

Amounts are read in kronor, whatever unit the workbook shows them in (``Units``): a unit stated in the
column's header ("Belopp, tkr", "Summa (mkr)"), in a line above the table ("Belopp i tkr"), in a cell's
number format (``#,##0 "tkr"``; a format's scaling commas, ``#,##0,``, show kronor as thousands and
are undone) or in the cell's text ("4,5 mkr") is applied, and said.  Where the workbook says two
different things, or names a unit that is not kronor, the tool cannot tell and asks (``--unit``).
Hidden rows are not activities unless asked for: they are listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.a1 import column_letter
from ..core.errors import Location, UserError
from ..core.model import Activity
from ..core.money import AmountError, format_kr, parse_amount, stated_unit
from ..core.text import clean_text, normalise_header
from .source import UNCALCULATED, CellError, MergedCopy, Source, text
from .workbook_format import ACTIVITY_AMOUNTS, ACTIVITY_COLUMNS, HEADER_SYNONYMS, TOTAL_NAME

REQUIRED = ("name", "amount")
MAX_COLUMNS = 60


def _shown(value: object) -> str:
    """A cell's text for the imported table (``core.text.clean_text``)."""
    return clean_text(text(value))


@dataclass
class PlainTable:
    sheet: str
    header_row: int
    columns: dict[str, tuple[str, str]]  # field -> (column letter, header text)
    activities: list[Activity] = field(default_factory=list)
    total_row: int | None = None
    total: Decimal | None = None
    not_read: list[tuple[Location, str]] = field(default_factory=list)
    hidden: list[tuple[Location, str, Decimal]] = field(default_factory=list)  # hidden rows: (name cell, name, amount)
    hidden_taken: bool = False  # whether the hidden rows are among the activities (--include-hidden)
    units: list[tuple[str, str]] = field(default_factory=list)  # amounts scaled to kronor: (English, Swedish)
    warnings: list[str] = field(default_factory=list)

    def notes_sv(self) -> list[str]:
        """What the imported sheet should say about how the amounts were read (Swedish)."""
        lines = [sv for _, sv in self.units]
        if self.hidden:
            rows = ", ".join(str(loc.cell) for loc, _, _ in self.hidden)
            lines.append(f"Dolda rader ({rows}) {'togs med' if self.hidden_taken else 'togs inte med'}.")
        return lines

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
        bare = _without_unit(header)  # "behov 2020 (tkr)" names what "behov 2020" names
        for name, pattern in HEADER_SYNONYMS.items():
            if name not in found and (re.match(pattern, header) or (bare and re.match(pattern, bare))):
                found[name] = i
                break
        else:
            if not bare and "amount" not in found and units_in(header) - {"?"}:
                found["amount"] = i  # a column headed by its unit alone ("Tkr"): the amounts
    return found


def _without_unit(header: str) -> str:
    """A header without the unit it names: "belopp 2019 (tkr)" -> "belopp 2019"; "" for a unit alone."""
    rest = header
    for _, pattern in _UNIT_RES:
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"\(\s*\)|\[\s*\]|(?<![\w])i\s*$", " ", rest.strip())
    return re.sub(r"\s+", " ", rest).strip(" ,:.;()-/")


# --- units -------------------------------------------------------------------------------------------

FACTORS = {"kr": Decimal(1), "tkr": Decimal(1000), "mkr": Decimal(1_000_000), "mdkr": Decimal(1_000_000_000)}
_UNIT_WORDS = [  # (unit, pattern on casefolded text), most specific first: "tusen kronor" is tkr, not kr
    ("mdkr", r"mdkr|md ?kr|mdr ?kr|miljarder(?: ?(?:kr|kronor|sek))?"),
    ("mkr", r"mkr|mnkr|mn ?kr|msek|mio ?kr|miljoner(?: ?(?:kr|kronor|sek))?|miljontal(?: ?(?:kr|kronor))?"),
    ("tkr", r"tkr|tsek|ksek|kkr|tusen(?:tals)? ?(?:kr|kronor|sek)|tusental(?: ?(?:kr|kronor|sek))?|"
            r"1 ?000 ?(?:kr|kronor|sek)|1 ?000-?tal(?: ?(?:kr|kronor))?"),
    ("kr", r"kr|kronor|sek|:-"),
]
_UNIT_RES = [(unit, re.compile(rf"(?<![\w])(?:{pattern})(?![\w])")) for unit, pattern in _UNIT_WORDS]
_FOREIGN_MONEY = re.compile(r"(?<![\w])(eur|euro|usd|dollar|nok|dkk|gbp)(?![\w])|[€$£]")
_STATEMENT_WORDS = re.compile(r"(?<![\w])(alla|samtliga|belopp(en)?|summa|summor(na)?|är|anges|redovisas|i|angivna)(?![\w])")


def units_in(textual: str) -> set[str]:
    """The units a text names ("Belopp, tkr" -> {"tkr"}); "?" for a currency that is not kronor."""
    rest = textual.casefold().replace("\u00a0", " ")
    found = set()
    if _FOREIGN_MONEY.search(rest):
        found.add("?")
    for unit, pattern in _UNIT_RES:
        if pattern.search(rest):
            found.add(unit)
            rest = pattern.sub(" ", rest)
    return found


def statement_unit(textual: str) -> str | None:
    """The unit of a cell that says nothing but a unit for the table: "Belopp i tkr", "(tkr)", "Alla
    belopp i tusentals kronor"; None for anything else (a figure with its unit is no statement)."""
    words = re.sub(r"[()\[\]:.,]", " ", textual.casefold())
    found = units_in(words)
    if len(found) != 1:
        return None
    rest = words
    for _, pattern in _UNIT_RES:
        rest = pattern.sub(" ", rest)
    rest = _STATEMENT_WORDS.sub(" ", _FOREIGN_MONEY.sub(" ", rest))
    return next(iter(found)) if not rest.strip() else None


def format_unit(code: str) -> tuple[str | None, int]:
    """What a number format says of the unit: (the unit its literal text names, or None; the number of
    scaling commas, each of which shows the value divided by 1 000).  Only the first section counts."""
    literal, shape, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            literal.append(code[i + 1:end])
            shape.append(" ")
            i = end + 1
        elif ch == "\\" and i + 1 < len(code):
            literal.append(code[i + 1])
            shape.append(" ")
            i += 2
        elif ch == "[":
            end = code.find("]", i)
            end = len(code) if end < 0 else end
            inside = code[i + 1:end]
            if inside.startswith("$"):  # [$kr-41D]: a currency symbol and its locale
                literal.append(" " + inside[1:].split("-", 1)[0] + " ")
            shape.append(" ")
            i = end + 1
        elif ch == ";":
            break
        else:
            literal.append(ch if ch.isalpha() and ch not in "Ee" else " ")
            shape.append(ch)
            i += 1
    shape_text = "".join(shape)
    last = max(shape_text.rfind(d) for d in "0#?")
    after = shape_text[last + 1:] if last >= 0 else ""
    commas = len(after) - len(after.lstrip(","))
    units = units_in("".join(literal))
    unit = next(iter(units)) if len(units) == 1 else ("?" if units else None)
    return unit, commas


class Units:
    """The unit of each amount column, and the figure in kronor of each of its cells.  A cell's own
    statement (its text's unit, else its number format's) is taken; else the column's (its header's,
    else a statement above the table); else kronor.  Two statements that differ (a "tkr" header over
    cells formatted "kr"), or a currency that is not kronor, cannot be told apart: collected as
    ``questions`` and asked all at once.  ``forced`` (--unit) is the answer: the unit the amount cells
    show, over every statement but a cell's own text."""

    def __init__(self, columns: dict[str, tuple[str, str]], above: list[tuple[str, str]], formats: dict,
                 forced: str | None = None):
        self.formats = formats  # (row, column number) -> format code
        self.forced = forced
        self.questions: list[str] = []
        self.scaled: dict[tuple[str, str, str, Decimal], int] = {}  # (column, unit, why, factor) -> cells
        self.column: dict[str, tuple[str | None, str]] = {}
        table_units = {statement_unit(t) for _, t in above} - {None}
        table_where = ", ".join(f"{loc} ('{t[:40]}')" for loc, t in above if statement_unit(t))
        for letter, header in columns.values():
            named = units_in(header)
            if len(named) > 1 or named == {"?"}:
                self._ask(f"the header of column {letter} ('{header}') names "
                          + ("a currency that is not kronor" if named == {"?"} else " and ".join(sorted(named))))
                self.column[letter] = (None, "")
            elif named:
                unit = next(iter(named))
                if table_units and table_units != {unit}:
                    self._ask(f"the header of column {letter} ('{header}') says {unit}, but {table_where} says "
                              f"{' and '.join(sorted(table_units))}")
                self.column[letter] = (unit, f"the header '{header}'")
            elif len(table_units) == 1:
                unit = next(iter(table_units))
                self.column[letter] = (None, "") if unit == "?" else (unit, table_where)
                if unit == "?":
                    self._ask(f"{table_where} names a currency that is not kronor")
            else:
                if len(table_units) > 1:
                    self._ask(f"{table_where} name different units ({', '.join(sorted(table_units))})")
                self.column[letter] = (None, "")

    def _ask(self, what: str) -> None:
        if self.forced is None and what not in self.questions:
            self.questions.append(what)

    def kronor(self, value: object, letter: str, row: int, column: int, count: bool = True) -> Decimal | None:
        """The cell's amount in kronor (``parse_amount`` errors pass through); ``count``: an activity's cell,
        counted in the summary (a total row's is not)."""
        if isinstance(value, str):
            amount = parse_amount(value)
            if amount is None or stated_unit(value):
                return amount  # "4,5 mkr": the cell says it
            unit = self.forced or self.column[letter][0]
            if unit not in (None, "kr"):
                self._count(letter, unit, "--unit" if self.forced else self.column[letter][1], FACTORS[unit], count)
                return parse_amount(amount * FACTORS[unit])
            return amount
        if not isinstance(value, (Decimal, int, float)) or isinstance(value, bool):
            return parse_amount(value)
        code = self.formats.get((row, column), "")
        own, commas = format_unit(code) if code else (None, 0)
        stated, where = self.column[letter]
        if self.forced is not None:
            unit, why = self.forced, "--unit"
        elif own == "?":
            self._ask(f"the number format of {letter}{row} ('{code}') names a currency that is not kronor")
            return parse_amount(value)
        elif own is not None:
            if stated is not None and stated != own:
                self._ask(f"{where} says {stated}, but the number format of {letter}{row} ('{code}') shows {own}")
            unit, why = own, f"by the number format '{code}'"
        elif stated is not None:
            unit, why = stated, where
        else:
            return parse_amount(value)  # kronor (shown as they are, or as thousands by scaling commas)
        factor = FACTORS[unit] / Decimal(1000) ** commas
        if factor != 1:
            self._count(letter, unit, why + (f", shown with {commas} scaling comma(s)" if commas else ""), factor, count)
        return parse_amount(Decimal(str(value)) * factor if isinstance(value, float) else value * factor)

    def _count(self, letter: str, unit: str, why: str, factor: Decimal, count: bool) -> None:
        key = (letter, unit, why, factor)
        self.scaled[key] = self.scaled.get(key, 0) + count

    def summary(self) -> list[tuple[str, str]]:
        """(English, Swedish) lines on the amounts scaled to kronor."""
        out = []
        for (letter, unit, why, factor), count in sorted(self.scaled.items()):
            if not count:
                continue
            times = format_kr(factor, unit="")
            out.append((f"column {letter}: {count} amount(s) in {unit} ({why}): multiplied by {times} to kronor",
                        f"Beloppen i kolumn {letter} ({count} st) var angivna i {unit} och är omräknade till kronor."))
        return out


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


def read_plain(source: Source, sheet: str | None = None, unit: str | None = None,
               include_hidden: bool = False) -> PlainTable:
    """The activities below the header row.  A total row is one whose text says so ("Summa",
    "Totalt ...") or one with an amount and no text that is the sum of the rows above it (hidden ones
    counted or not); reading goes on past it (a second block of activities is read; prose without
    amounts is not).  Amounts are in kronor (``Units``; ``unit``: the unit the amount cells show, when
    the workbook cannot tell).  Hidden rows are listed in ``hidden`` and are activities only with
    ``include_hidden``."""
    if unit is not None and unit not in FACTORS:
        raise UserError(f"--unit {unit}: give one of {', '.join(FACTORS)}")
    name, header_row, fields, rows = find_header(source, sheet)
    header_values = next(values for number, values in rows if number == header_row)
    letters = {f: column_letter(i + 1) for f, i in fields.items()}
    table = PlainTable(name, header_row, {f: (letters[f], _shown(header_values[i])) for f, i in fields.items()},
                       hidden_taken=include_hidden)
    hidden = source.hidden_rows(name)
    amount_fields = [f for f in fields if f in ACTIVITY_AMOUNTS]
    numbers = {(number, fields[f] + 1) for number, values in rows if number > header_row for f in amount_fields
               if fields[f] < len(values) and isinstance(values[fields[f]], Decimal)}
    formats = source.number_formats(name, numbers) if numbers and hasattr(source, "number_formats") else {}
    above = [(f"{name}!{column_letter(i + 1)}{number}", _shown(v)) for number, values in rows
             if number < header_row for i, v in enumerate(values) if isinstance(v, str) and statement_unit(_shown(v))]
    units = Units({f: table.columns[f] for f in amount_fields}, above, formats, unit)

    def kronor(f: str, value: object, number: int, count: bool = True) -> Decimal | None:
        return units.kronor(value, letters[f], number, fields[f] + 1, count)

    since_total = since_total_all = decided_all = Decimal(0)  # the activities since the last total row
    for number, values in rows:
        if number <= header_row:
            continue
        cells = {f: values[i] if i < len(values) else None for f, i in fields.items()}
        if _fields(values) == fields:
            continue  # the header again (a page break in a printed layout)
        raw_name = _shown(cells["name"])
        amount_cell = Location(name, f"{letters['amount']}{number}")
        others = [cells[f] for f in fields if f not in ("name", "amount")]
        textual_others = [v for v in others if v not in (None, "")]
        texts = [_shown(cells[f]) for f in fields if f != "amount" and cells[f] not in (None, "")]
        says_total = any(TOTAL_NAME.match(t) for t in texts) and not cells.get("objekt")
        has_amount = cells["amount"] not in (None, "") and cells["amount"] is not UNCALCULATED
        if has_amount and not isinstance(cells["amount"], MergedCopy) and (says_total or not texts):
            try:
                figure = (kronor("amount", cells["amount"], number, count=False)
                          if not isinstance(cells["amount"], CellError) else None)
            except AmountError as exc:
                table.not_read.append((amount_cell, f"the total cannot be read: {exc}"))
                figure = None
            if says_total or (figure is not None and figure in (since_total, since_total_all, table.decided,
                                                                 decided_all)):
                table.total_row, table.total = number, figure
                since_total = since_total_all = Decimal(0)
            elif figure is not None:
                table.not_read.append((amount_cell, f"an amount without a name ({format_kr(figure)}) that is not "
                                                    f"the sum of the rows above ({format_kr(since_total)}): "
                                                    "neither an activity nor a total; give it a name or a label"))
            continue
        if cells["amount"] is UNCALCULATED:
            table.not_read.append((amount_cell, f"the amount is {_unreadable_text(UNCALCULATED)}"))
            continue
        if not has_amount:
            if (raw_name or textual_others) and table.total_row is None and number not in hidden:  # below a total: prose
                where = Location(name, f"{letters['name']}{number}")
                table.not_read.append((where, f"no amount in column {letters['amount']} ('{raw_name[:60]}')"))
            continue
        if isinstance(cells["amount"], MergedCopy):
            table.not_read.append((amount_cell, "the amount is in a merged cell that covers several rows; "
                                                "it counts on its first row only"))
            continue
        try:
            taken = number not in hidden or include_hidden  # (counted in the summary only when taken)
            amount = (kronor("amount", cells["amount"], number, taken)
                      if not isinstance(cells["amount"], CellError) else None)
            if amount is None:
                raise AmountError(f"the cell holds the error {cells['amount']}", "")
        except AmountError as exc:
            table.not_read.append((amount_cell, f"the amount cannot be read: {exc}"))
            continue
        if number in hidden:
            table.hidden.append((Location(name, f"{letters['name']}{number}"), raw_name, amount))
            since_total_all += amount
            decided_all += amount
            if not include_hidden:
                continue
        values_by_field: dict[str, object] = {}
        for f in ACTIVITY_COLUMNS:
            if f == "amount":
                values_by_field[f] = amount
            elif f in ACTIVITY_AMOUNTS:
                try:
                    values_by_field[f] = kronor(f, cells.get(f), number) if f in fields else None
                except AmountError as exc:
                    table.not_read.append((Location(name, f"{letters[f]}{number}"), f"cannot be read: {exc}"))
                    values_by_field[f] = None
            else:
                why = _unreadable_text(cells.get(f)) if f in fields else None
                if why:  # kept empty, so that the imported table shows the gap at its cell
                    table.not_read.append((Location(name, f"{letters[f]}{number}"), why))
                values_by_field[f] = _shown(cells.get(f)) if f in fields and not why else ""
        table.activities.append(Activity(row=number, sheet=name, columns=letters, **values_by_field))
        since_total += amount
        if number not in hidden:
            since_total_all += amount
            decided_all += amount
    if units.questions:
        raise UserError("cannot tell the unit of the amounts: " + "; ".join(units.questions[:5])
                        + (f"; and {len(units.questions) - 5} more" if len(units.questions) > 5 else "")
                        + ". Say which unit the amount cells show with --unit kr, --unit tkr or --unit mkr; "
                          "nothing was written", file=source.name)
    table.units = units.summary()
    if not table.activities:
        shown = (f" ({len(table.hidden)} hidden row(s) left out: --include-hidden to take them)"
                 if table.hidden else "")
        raise UserError(f"the table at {name}!{column_letter(min(fields.values()) + 1)}{header_row} has no rows "
                        f"with an amount{shown}", file=source.name)
    return table


def describe(table: PlainTable) -> list[str]:
    """What was recognised, for the user (English, as the command line speaks)."""
    lines = [f"sheet '{table.sheet}', header row {table.header_row}"]
    lines.append("columns: " + ", ".join(f"{ACTIVITY_COLUMNS[f]} = {letter} ('{header}')"
                                          for f, (letter, header) in table.columns.items()))
    lines += [f"amounts: {english}" for english, _ in table.units]
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
    if table.hidden:
        listed = "; ".join(f"{loc.cell} '{name[:40]}' {format_kr(amount)}" for loc, name, amount in table.hidden[:10])
        more = f"; and {len(table.hidden) - 10} more" if len(table.hidden) > 10 else ""
        if table.hidden_taken:
            lines.append(f"hidden rows: {len(table.hidden)} taken as activities (--include-hidden): {listed}{more}")
        else:
            lines.append(f"warning: {len(table.hidden)} hidden row(s) left out (Excel hides them; --include-hidden "
                         f"takes them): {listed}{more}")
    lines += [f"warning: {w}" for w in table.warnings]
    return lines
