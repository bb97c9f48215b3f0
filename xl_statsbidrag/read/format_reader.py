"""Reading a decision-support workbook (beslutsunderlag) into the domain model, from any ``Source``
(``read.source``) of sheets and tables: a file on disk (``xlsx.file_source``) or a workbook open in
Excel (``excel.source``).

The workbook needs a sheet "Överenskommelse" with label/value rows and an Excel Table
"Potter", and an Excel Table "Aktiviteter" anywhere.  Table columns are found by their
header names, so column order and extra columns are free.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterator

from ..core.a1 import bounds, column_letter
from ..core.errors import Location, UserError
from ..core.grantledger import GrantYear
from ..core.model import Activity, Agreement, DecisionBook, Duty, Finding, LedgerObjekt, Objekt, Pot, Severity
from ..core.money import AmountError, format_kr, parse_amount
from ..core.text import normalise_header
from .source import UNCALCULATED, CellError, MergedCopy, Source, TableInfo, text
from .workbook_format import (
    ACTIVITIES_TABLE, ACTIVITY_AMOUNTS, ACTIVITY_COLUMNS, ACTIVITY_REQUIRED, AGREEMENT_LABELS, AGREEMENT_SHEET,
    AMOUNT_FIELDS, DATE_FIELDS, DEADLINE_FIELDS, DUTIES_TABLE, DUTY_COLUMNS, DUTY_REQUIRED, NO_DEADLINE,
    OBJEKT_COLUMNS, OBJEKT_REQUIRED, OBJEKT_TABLE, POT_COLUMNS, POT_REQUIRED, POTS_TABLE, RECONCILIATION_COLUMNS,
    RECONCILIATION_TABLE, TOTAL_NAME, is_earmarked,
)
from .workbook_format import GRANT_LEDGER_AMOUNTS, GRANT_LEDGER_COLUMNS, GRANT_LEDGER_REQUIRED, GRANT_LEDGER_TABLE

_MONTHS = {m: i for i, m in enumerate(["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                                        "september", "oktober", "november", "december"], start=1)}
# (patterns as text, compiled by re's cache when a date is given as text: not at import, issue 28)
_DATE_FORMS = (
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", ("y", "m", "d")),
    (r"(\d{4})(\d{2})(\d{2})", ("y", "m", "d")),
    (r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", ("d", "m", "y")),
    (r"(\d{1,2}) ([a-zåäö]+) (\d{4})", ("d", "month", "y")),
)


def _date(value: object) -> dt.date:
    """A date cell, or text in the forms people write: 2019-12-31, 20191231, 31/12/2019,
    31.12.2019, 31 december 2019."""
    if isinstance(value, MergedCopy):
        value = value.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text_value = " ".join(str(value).strip().casefold().split())
    for pattern, order in _DATE_FORMS:
        match = re.fullmatch(pattern, text_value)
        if match:
            parts = dict(zip(order, match.groups()))
            month = _MONTHS.get(parts["month"]) if "month" in parts else int(parts["m"])
            try:
                if month:
                    return dt.date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                break
    raise ValueError(f"'{value}' is not a date (write it as 2019-12-31)")


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.path = source.name
        self.problems: list[Finding] = []

    def problem(self, location: Location, code: str, message: str) -> None:
        self.problems.append(Finding(Severity.ERROR, code, message, location))

    def amount(self, value: object, location: Location, what: str) -> Decimal | None:
        if isinstance(value, MergedCopy):
            self.problem(location, "sammanfogad-cell",
                         f"{what} står i en sammanfogad cell som täcker flera rader; det räknas bara på den "
                         "första raden. Dela upp cellen och skriv beloppet per rad.")
            return None
        if value is UNCALCULATED:
            self.problem(location, "formel-utan-varde",
                         f"{what} är en formel utan beräknat värde (filen har inte sparats av Excel). "
                         "Öppna den i Excel och spara den.")
            return None
        if isinstance(value, CellError):
            self.problem(location, "fel-i-cell", f"{what} kan inte läsas: cellen innehåller felet {value}.")
            return None
        try:
            amount = parse_amount(value)
        except AmountError as exc:
            self.problem(location, "oläsbart-belopp", f"{what} kan inte läsas: {exc.sv}.")
            return None
        if isinstance(value, str) and amount is not None:
            self.problems.append(Finding(
                Severity.WARNING, "belopp-som-text",
                f"{what} '{value.strip()}' är skrivet som text och räknas inte med i Excels summor "
                f"(läst som {format_kr(amount)}). Skriv det som ett tal.", location, amount))
        return amount

    def text(self, value: object, location: Location, what: str) -> str:
        """A text cell; an error value or a formula without a stored value is reported at its cell
        (and stands as such in the text, so that no check takes the cell for empty)."""
        shown = value.value if isinstance(value, MergedCopy) else value
        if isinstance(shown, CellError):
            self.problem(location, "fel-i-cell", f"{what} kan inte läsas: cellen innehåller felet {shown}.")
            return str(shown)
        if shown is UNCALCULATED:
            self.problem(location, "formel-utan-varde",
                         f"{what} är en formel utan beräknat värde (filen har inte sparats av Excel). "
                         "Öppna den i Excel och spara den.")
            return "(formel utan värde)"
        return text(value)

    # --- tables ---------------------------------------------------------------------------

    def table(self, name: str) -> TableInfo:
        table = self.source.find_table(name)
        if table is None:
            raise UserError(f"no Excel Table named '{name}' (Insert > Table, then name it '{name}' "
                            "under Table Design)", file=self.path)
        return table

    def table_rows(self, table: TableInfo, wanted: dict[str, str], required: tuple[str, ...]
                   ) -> Iterator[tuple[int, dict[str, object], dict[str, str]]]:
        """Rows of a table as {field: value}, with the column letter of each field."""
        positions, letters, rows = self.table_values(table, wanted, required)
        for number, values in rows:
            row = {f: values[i] if i < len(values) else None for f, i in positions.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row.values()):
                continue
            yield number, row, letters

    def table_values(self, table: TableInfo, wanted: dict[str, str], required: tuple[str, ...]
                     ) -> tuple[dict[str, int], dict[str, str], list[tuple[int, list[object]]]]:
        """What ``table_rows`` gives, before it makes a dict of each row: the place of each field in the rows'
        values, the column letter of each field, and the table's rows (empty ones too) as the source gives them."""
        min_col, min_row, max_col, max_row = bounds(table.ref)
        by_header = {normalise_header(h): i for i, h in enumerate(table.columns)}
        positions = {f: by_header[normalise_header(h)] for f, h in wanted.items() if normalise_header(h) in by_header}
        missing = [wanted[f] for f in required if f not in positions]
        location = Location(table.sheet, table.ref)
        if missing:
            raise UserError(
                f"the table '{table.name}' has no column {', '.join(repr(m) for m in missing)} "
                f"(its columns: {', '.join(table.columns)})", file=self.path, location=location)
        if table.header_rows != 1:
            raise UserError(f"the table '{table.name}' must have a header row",
                            file=self.path, location=location)
        if max_col - min_col + 1 != len(table.columns) or max_col - min_col >= 1000:
            raise UserError(f"the table '{table.name}' claims the range {table.ref} but has {len(table.columns)} "
                            "columns; repair the file in Excel", file=self.path, location=location)
        letters = {f: column_letter(min_col + i) for f, i in positions.items()}
        return positions, letters, self.source.rows(table.sheet, min_row + 1, max_row - table.totals_rows,
                                                    min_col, max_col)

    def agreement_values(self) -> dict[str, tuple[object, Location]]:
        names = self.source.sheet_names()
        sheet = next((n for n in names if n.casefold() == AGREEMENT_SHEET.casefold()), None)
        if sheet is None:
            raise UserError(f"no sheet '{AGREEMENT_SHEET}' (sheets: {', '.join(names)})", file=self.path)
        by_label = {normalise_header(label): name for name, label in AGREEMENT_LABELS.items()}
        found: dict[str, tuple[object, Location]] = {}
        for r, values in self.source.rows(sheet, max_col=26):
            for c, value in enumerate(values):
                name = by_label.get(normalise_header(value)) if isinstance(value, str) else None
                if name and name not in found:
                    # the value is right of the label, past any cells the label's merged range covers
                    v = c + 1
                    while v < len(values) and isinstance(values[v], MergedCopy) and values[v].value == value:
                        v += 1
                    cell = Location(sheet, f"{column_letter(v + 1)}{r}")
                    found[name] = (values[v] if v < len(values) else None, cell)
                    break
        return found

    def agreement(self) -> Agreement:
        values = self.agreement_values()
        locations = {name: loc for name, (_, loc) in values.items()}
        fields: dict[str, object] = {}
        no_deadline: set[str] = set()
        for name, (value, loc) in values.items():
            if value in (None, ""):
                continue
            if name in AMOUNT_FIELDS:
                fields[name] = self.amount(value, loc, AGREEMENT_LABELS[name])
            elif name in DEADLINE_FIELDS and isinstance(value, str) and normalise_header(value) in NO_DEADLINE:
                no_deadline.add(name)  # "Ingen": the agreement has no such duty
            elif name in DATE_FIELDS:
                try:
                    fields[name] = _date(value)
                except ValueError as exc:
                    self.problem(loc, "oläsbart-datum", f"{AGREEMENT_LABELS[name]}: {exc}")
            elif name == "year":
                try:
                    year = int(text(value))
                except ValueError:
                    year = 0
                if not 1900 <= year <= 9999:
                    raise UserError(f"'{text(value)}' is not a year (write it as 2019)", file=self.path,
                                    location=loc) from None
                fields[name] = year
            else:
                fields[name] = text(value)
        for name in ("name", "year"):
            if name not in fields:
                raise UserError(f"the sheet has no value for '{AGREEMENT_LABELS[name]}'", file=self.path,
                                location=locations.get(name, Location(AGREEMENT_SHEET)))
        pots = []
        table = self.table(POTS_TABLE)
        for row, values_, letters in self.table_rows(table, POT_COLUMNS, POT_REQUIRED):
            locs = {f: Location(table.sheet, f"{letter}{row}") for f, letter in letters.items()}
            amount = self.amount(values_["amount"], locs["amount"], "Pottens belopp")
            if amount is None:
                if values_["amount"] in (None, ""):
                    self.problem(locs["amount"], "belopp-saknas", "Pottens belopp saknas.")
                continue
            pots.append(Pot(text(values_["name"]), amount, is_earmarked(text(values_.get("earmarked"))),
                            text(values_.get("purpose")), locs))
        if not pots and not self.problems:
            raise UserError(f"the table '{POTS_TABLE}' has no pots", file=self.path,
                            location=Location(table.sheet, table.ref))
        objekt = []
        objekt_table = self.source.find_table(OBJEKT_TABLE)
        if objekt_table is not None:
            for row, values_, letters in self.table_rows(objekt_table, OBJEKT_COLUMNS, OBJEKT_REQUIRED):
                locs = {f: Location(objekt_table.sheet, f"{letter}{row}") for f, letter in letters.items()}
                objekt.append(Objekt(text(values_["code"]), text(values_.get("description")), locs))
        return Agreement(pots=pots, objekt=objekt, cells=locations, duties=self.duties(),
                         no_deadline=frozenset(no_deadline), **fields)  # type: ignore[arg-type]

    def located_rows(self, name: str, wanted: dict[str, str], required: tuple[str, ...]
                     ) -> Iterator[tuple[dict[str, object], dict[str, Location]]]:
        """The rows of the table ``name`` as ({field: value}, {field: its cell}); none when the book has no
        such table (the optional tables: Redovisningar, Bidragsreskontra)."""
        table = self.source.find_table(name)
        if table is None:
            return
        for row, values, letters in self.table_rows(table, wanted, required):
            yield values, {f: Location(table.sheet, f"{letter}{row}") for f, letter in letters.items()}

    def optional_date(self, value: object, location: Location, what: str) -> dt.date | None:
        """A date cell that may be empty; one that is not a date is a problem at its cell (and None)."""
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return _date(value)
        except ValueError as exc:
            self.problem(location, "oläsbart-datum", f"{what}: {exc}")
            return None

    def duties(self) -> list[Duty]:
        """The agreement's other reporting duties, from the table Redovisningar where there is one."""
        out = []
        for values, locs in self.located_rows(DUTIES_TABLE, DUTY_COLUMNS, DUTY_REQUIRED):
            days = {name: self.optional_date(values.get(name), locs.get(name), f"{DUTIES_TABLE}, {DUTY_COLUMNS[name]}")
                    for name in ("deadline", "internal", "done")}
            texts = {f: self.text(values.get(f), locs.get(f, locs["name"]), f"{DUTIES_TABLE}, {DUTY_COLUMNS[f]}")
                     for f in ("name", "recipient", "reference")}
            duty = Duty(texts["name"] or DUTY_COLUMNS["name"], texts["recipient"], days["deadline"], days["internal"],
                        days["done"], texts["reference"], locs)
            if duty.deadline is None and duty.internal is None and not any(
                    p.location in (locs.get("deadline"), locs.get("internal")) for p in self.problems):
                self.problems.append(Finding(
                    Severity.WARNING, "redovisning-utan-datum",
                    f"Redovisningen '{duty.name}' har ingen sista dag (varken {DUTY_COLUMNS['deadline']} eller "
                    f"{DUTY_COLUMNS['internal']}) och kommer inte med bland tidsgränserna.", locs["name"]))
            out.append(duty)
        return out

    def activities(self, table: TableInfo) -> list[Activity]:
        activities: list[Activity] = []
        sheet = table.sheet
        since_total = Decimal(0)
        # (table_rows' rows without a dict each: the row's values in the fields' order, issue 28)
        positions, letters, rows = self.table_values(table, ACTIVITY_COLUMNS, ACTIVITY_REQUIRED)
        places = list(positions.values())
        names = [(name, name in ACTIVITY_AMOUNTS) for name in positions]
        for row, cells in rows:
            n = len(cells)
            values = [cells[i] if i < n else None for i in places]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            fields: dict[str, object] = {}
            for (name, amount), value in zip(names, values):
                # the common cells (text, a number, empty) without a Location: one is made only for a cell
                # to report (100 000 activities made a million of them, issue 28)
                kind = type(value)
                if amount:
                    if value is None:
                        fields[name] = None  # (what parse_amount gives for an empty cell)
                        continue
                    if kind is Decimal:
                        try:
                            fields[name] = parse_amount(value)
                            continue
                        except AmountError:
                            pass
                    what = "Beloppet" if name == "amount" else "Utfallet"
                    fields[name] = self.amount(value, Location(sheet, f"{letters[name]}{row}"), what)
                elif kind is str:
                    fields[name] = value.strip()
                elif value is None:
                    fields[name] = ""
                else:
                    fields[name] = self.text(value, Location(sheet, f"{letters[name]}{row}"),
                                             ACTIVITY_COLUMNS[name])
            activity = Activity(row=row, sheet=sheet, columns=letters, **fields)  # type: ignore[arg-type]
            if TOTAL_NAME.match(activity.name) and not activity.verksamhet and not activity.objekt:
                self.total_row(activity, since_total)
                since_total = Decimal(0)
                continue
            since_total += activity.amount or Decimal(0)
            activities.append(activity)
        if not activities:
            raise UserError(f"the table '{table.name}' has no activities", file=self.path,
                            location=Location(sheet, table.ref))
        hidden = self.source.hidden_rows(sheet)
        for a in activities:
            if a.row in hidden:
                self.problems.append(Finding(
                    Severity.WARNING, "dold-rad", f"Raden för '{a.name}' är dold men räknas med (Excels summor med "
                    "SUBTOTAL räknar inte dolda rader).", a.loc("name"), a.amount))
        return activities

    def ledger(self) -> list[LedgerObjekt]:
        """The reconciliation per objekt that ``utfall`` wrote (table UtfallAvstamning), if the book has one."""
        table = self.source.find_table(RECONCILIATION_TABLE)
        if table is None:
            return []
        out = []
        required = tuple(RECONCILIATION_COLUMNS)
        for row, values, letters in self.table_rows(table, RECONCILIATION_COLUMNS, required):
            amounts = {f: self.amount(values[f], Location(table.sheet, f"{letters[f]}{row}"),
                                      f"Avstämningens belopp ({RECONCILIATION_COLUMNS[f]})")
                       for f in required if f != "objekt"}
            out.append(LedgerObjekt(text(values["objekt"]), **{f: v or Decimal(0) for f, v in amounts.items()},
                                    location=Location(table.sheet, f"{letters['objekt']}{row}")))
        return out

    def grant_ledger(self) -> list[GrantYear]:
        """The rows of the table Bidragsreskontra, if the book has one (``grantledger``)."""
        out = []
        for values, locs in self.located_rows(GRANT_LEDGER_TABLE, GRANT_LEDGER_COLUMNS, GRANT_LEDGER_REQUIRED):
            if not text(values["year"]) and not text(values["pot"]) and all(
                    values.get(name) in (None, "", 0) for name in GRANT_LEDGER_AMOUNTS):
                continue  # a row left empty but for the table's calculated Utgående saldo (0): not a row
            where = f"{GRANT_LEDGER_TABLE}, "
            fields: dict[str, object] = {}
            try:
                fields["year"] = int(text(values["year"]))
            except ValueError:
                self.problem(locs["year"], "oläsbart-belopp", f"{where}{GRANT_LEDGER_COLUMNS['year']}: "
                             f"'{text(values['year'])}' är inte ett år (skriv 2019).")
                continue
            for name in GRANT_LEDGER_AMOUNTS:
                amount = self.amount(values[name], locs[name], f"{where}{GRANT_LEDGER_COLUMNS[name]}")
                fields[name] = amount if amount is not None else Decimal(0)
            for name in ("received_date", "repaid_date"):
                fields[name] = self.optional_date(values.get(name), locs.get(name), f"{where}{GRANT_LEDGER_COLUMNS[name]}")
            for name in ("pot", "received_ref", "repaid_ref"):
                fields[name] = self.text(values.get(name), locs.get(name, locs["pot"]),
                                         f"{where}{GRANT_LEDGER_COLUMNS[name]}")
            out.append(GrantYear(cells=locs, **fields))  # type: ignore[arg-type]
        return out

    def total_row(self, row: Activity, expected: Decimal) -> None:
        """A summing row inside the table ("Summa", "Totalt"): not an activity, but checked."""
        if row.amount is None or row.amount == expected:
            self.problems.append(Finding(Severity.INFO, "summarad", f"Raden '{row.name}' är en summering och räknas "
                                         "inte som aktivitet.", row.loc("name"), row.amount))
        else:
            self.problems.append(Finding(
                Severity.WARNING, "summarad-avviker", f"Summeringsraden '{row.name}' visar {format_kr(row.amount)} men "
                f"raderna ovanför summerar till {format_kr(expected)} (skillnad "
                f"{format_kr(row.amount - expected)}).", row.loc("amount"), row.amount - expected))


def read(source: Source) -> DecisionBook:
    """Read a decision-support workbook from a source; raises UserError for what makes it
    unreadable.  Cells that cannot be read (amounts, dates) are kept as ``problems`` with their cell."""
    reader = _Reader(source)
    activities_table = reader.table(ACTIVITIES_TABLE)
    agreement = reader.agreement()
    activities = reader.activities(activities_table)
    ledger = reader.ledger()
    grant_ledger = reader.grant_ledger()
    return DecisionBook(source.name, agreement, activities,
                        Location(activities_table.sheet, activities_table.ref), reader.problems, ledger, grant_ledger)
