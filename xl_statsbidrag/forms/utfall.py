"""The sheet "Utfall" that ``utfall`` writes: the auditors' trail of the year-end.  It prints on A4 landscape
(fitted to the width, the transactions' header repeated on every page): the reconciliation per objekt
(Table ``UtfallAvstamning``, which ``report`` reads back), the sum per activity from the transactions
(Table ``UtfallPerAktivitet``: a SUMIFS over the listing, equal to the activity's Utfall and so to
Bilaga 2), then every transaction on the agreement's objekt (Table ``UtfallTransaktioner``).

The sheet is laid out from plain values (``UtfallSheet``: texts, integer öre, ``Decimal``), which the
matching (``ledger.match.Utfall.sheet_data``) gives it: no pandas in ``forms``.  The transactions are a
``layout.RowBlock`` (a column of values and a style per field, not a ``Cell`` per value): a large ledger
puts 200 000 and more of them on the sheet (issue 22 item 10).
"""
from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from ..core.a1 import column_letter
from ..core.errors import UserError
from ..core.model import Agreement
from ..core.money import format_kr, ore_to_kr
from ..read.workbook_format import (ACTIVITY_SUMS_TABLE, LEDGER_SHEET, RECONCILIATION_COLUMNS, RECONCILIATION_TABLE,
                                    TRANSACTIONS_TABLE)
from .bilaga2 import DEVIATION
from .layout import (DIGIT_PX, STYLES, Cell, by_shape, Column, Form, RowBlock, SheetLayout, Table, column_px, number_style,
                     page_texts, text_lines, text_px)

MAX_SHEET_ROWS = 1_000_000

# Its three tables share the columns, so the transactions start with the wide columns where the tables above
# have their amounts (B-H): no amount is ever narrower than it needs.
TRANSACTION_FIELDS = ("activity", "date", "verifikation", "konto", "text", "source", "ansvar", "verksamhet",
                      "aktivitet", "objekt", "rad", "ore")
TRANSACTION_COLUMNS = ("Aktivitet", "Datum", "Verifikation", "Konto", "Text", "Källa", "Ansvar", "Verksamhet",
                       "Kod", "Objekt", "Rad", "Belopp")
WIDTHS = [34.0, 11.0, 11.0, 8.0, 28.0, 18.0, 10.0, 11.0, 9.0, 8.0, 5.0, 13.0]
AMOUNT_COLUMNS = range(2, 9)  # B-H: amounts of the reconciliation and of the table per activity
RECONCILIATION_HEADERS = tuple(RECONCILIATION_COLUMNS.values())
ACTIVITY_COLUMNS_SV = ("Aktivitet", "Objekt", "Kod", "Transaktioner", "Budget", "Utfall", DEVIATION)


@dataclass
class UtfallSheet:
    """What the sheet shows, as plain values: the agreement; the ledger files and the cost accounts; per
    objekt its reconciliation (the ledger's total, then each of ``RECONCILIATION_COLUMNS`` after the objekt
    and the total, in kronor); per activity (name, objekt, code, transactions, budget, utfall), then per
    objekt what stayed at the objekt level or matched no activity; the costs of the period on the objekt;
    and the transactions: a list of text per field of ``TRANSACTION_FIELDS`` but ``ore`` (the dates as
    YYYY-MM-DD, ``source`` as file:line) and their amounts in öre."""

    agreement: Agreement
    files: list[str]
    accounts: list[tuple[str, str]]
    reconciliation: list[tuple[str, list[Decimal]]]
    per_activity: list[tuple[str, str, str, int, Decimal | None, Decimal | None]]
    costs: Decimal
    columns: dict[str, list[str]]
    ore: list[int]


def _amount_width(values: list[Decimal]) -> float:
    widest = max((text_px(format_kr(v).removesuffix(" kr"), STYLES["number_total"]) for v in values), default=0.0)
    return float(math.ceil(widest / DIGIT_PX) + 1)


def utfall_sheet(data: UtfallSheet, today: dt.date | None = None) -> SheetLayout:
    """The sheet "Utfall": the reconciliation per objekt, the sum per activity (as in Bilaga 2), then every
    transaction behind them."""
    today = today or dt.date.today()
    ore = data.ore
    if len(ore) > MAX_SHEET_ROWS:
        raise UserError(f"{len(ore)} transactions on the agreement's objekt are more than a sheet "
                        "holds; narrow the export to the agreement's objekt")
    ag = data.agreement
    start, end = ag.period
    per_activity = data.per_activity

    amounts = [v for _, values in data.reconciliation for v in values]
    amounts += [v for row in per_activity for v in row[4:] if isinstance(v, Decimal)]
    if ore:
        amounts += [ore_to_kr(max(ore)), ore_to_kr(min(ore))]
    widths = list(WIDTHS)
    need = _amount_width(amounts)
    for c in list(AMOUNT_COLUMNS) + [TRANSACTION_FIELDS.index("ore") + 1]:
        widths[c - 1] = max(widths[c - 1], need)
    sources = data.columns["source"]
    widest = max(by_shape(sources, lambda x: text_px(x, STYLES["text"])).values(), default=0.0)
    column = TRANSACTION_FIELDS.index("source")
    widths[column] = min(40.0, max(widths[column], math.ceil((widest + 6) / DIGIT_PX)))
    sheet = SheetLayout(LEDGER_SHEET, widths, landscape=True, gridlines=True)
    sheet.header, sheet.footer = page_texts(ag, "Utfall från huvudboken", None)
    form = Form(sheet)  # for the heights of rows with wrapped text
    last = len(widths)

    def section(text: str) -> None:
        form.row(Cell(1, text, style="section"), *[Cell(c, None, style="section") for c in range(2, last + 1)])

    sheet.add(Cell(1, "Utfall från huvudboken", style="title"), height=22.0)
    files = ", ".join(f.rsplit("/", 1)[-1] for f in data.files)
    ranges = ", ".join(lo if lo == hi else f"{lo}–{hi}" for lo, hi in data.accounts)
    sheet.add(Cell(1, f"{ag.name}. Hämtat {today.isoformat()} ur {files}. Period {start.isoformat()}–{end.isoformat()}; "
                      f"kostnadskonton (början av kontonumret) {ranges}. Belopp i kronor, debet positivt. Summan per "
                      "aktivitet står i kolumnen Utfall i tabellen Aktiviteter och i Bilaga 2.", style="note"),
              height=30.0)
    sheet.merges.append(f"A2:{column_letter(last)}2")
    sheet.blank()

    section("Avstämning per objekt: summa i huvudboken = kopplat + objektnivå + ej kopplat + intäkter + övriga "
            "konton + utanför perioden")
    header = form.row(*[Cell(i, c, style="header" if i == 1 else "header_right")
                        for i, c in enumerate(RECONCILIATION_HEADERS, start=1)])
    for objekt, values in data.reconciliation:
        sheet.add(Cell(1, objekt), *[Cell(i, v, style=number_style(v)) for i, v in enumerate(values, start=2)])
    sheet.tables.append(Table(RECONCILIATION_TABLE, header, 1, RECONCILIATION_HEADERS,
                              header + len(data.reconciliation)))
    sheet.blank()

    # transactions come last; their rows are known, so the sums per activity can refer to them
    first_tx = len(sheet.rows) + 3 + len(per_activity) + 1 + 2 + 1  # see the rows added below
    last_tx = first_tx + max(len(ore), 1) - 1

    def tx(column: str) -> str:
        letter = column_letter(TRANSACTION_COLUMNS.index(column) + 1)
        return f"${letter}${first_tx}:${letter}${last_tx}"

    section("Summa per aktivitet (kostnadskonton under perioden): utfallet i Bilaga 2")
    header = form.row(*[Cell(i, c, style="header" if i <= 3 else "header_right")
                        for i, c in enumerate(ACTIVITY_COLUMNS_SV, start=1)])
    unique = Counter((row[0], row[1]) for row in per_activity)
    for name, objekt, code, count, budget, utfall in per_activity:
        n = len(sheet.rows) + 1
        formula = None
        if unique[(name, objekt)] == 1 and len(name) <= 250 and utfall is not None:
            formula = f"SUMIFS({tx('Belopp')},{tx('Aktivitet')},A{n},{tx('Objekt')},B{n})"
        deviation = utfall - budget if utfall is not None and budget is not None else None
        form.row(Cell(1, name), Cell(2, objekt), Cell(3, code or None), Cell(4, count),
                 Cell(5, budget, style=number_style(budget)), Cell(6, utfall, formula, number_style(utfall)),
                 Cell(7, deviation, f"F{n}-E{n}" if deviation is not None else None, number_style(deviation)))
    sheet.tables.append(Table(ACTIVITY_SUMS_TABLE, header, 1, ACTIVITY_COLUMNS_SV, header + len(per_activity)))
    n = len(sheet.rows) + 1
    costs = data.costs
    form.row(Cell(1, "Summa kostnader på objekten under perioden", style="total_label"),
              *[Cell(c, None, style="total_label") for c in (2, 3, 4)],
              Cell(5, None, style="total_label"),
              Cell(6, costs, f"SUM(F{header + 1}:F{n - 1})" if per_activity else None, number_style(costs, True)),
              Cell(7, None, style="total_label"))
    sheet.blank()

    section("Transaktioner på överenskommelsens objekt")
    header = form.row(*[Cell(i, c, style="header_right" if c == "Belopp" else "header")
                        for i, c in enumerate(TRANSACTION_COLUMNS, start=1)])
    assert header + 1 == first_tx, "the sums per activity refer to these rows"
    sheet.page_breaks.append(header - 1)  # the listing starts on a page of its own, under its header
    sheet.print_titles = (header, header)
    columns = data.columns
    text = STYLES["text"]
    counts = [1] * len(ore)  # lines of the tallest wrapped text in the row, each distinct text measured once
    for f in ("activity", "text", "verksamhet"):
        px = column_px(widths[TRANSACTION_FIELDS.index(f)])
        lines = by_shape(columns[f], lambda t, px=px: text_lines(t, px, text))
        counts = list(map(max, counts, map(lines.__getitem__, columns[f])))
    sheet.block = RowBlock(
        [Column(ore, [("number" if v % 100 == 0 else "number_ore") for v in ore], scale=2) if f == "ore"
         else Column(columns[f]) for f in TRANSACTION_FIELDS],
        [None if count == 1 else 15.0 * count + Form.ROW_MARGIN for count in counts])
    sheet.tables.append(Table(TRANSACTIONS_TABLE, header, 1, TRANSACTION_COLUMNS, header + len(ore)))
    sheet.freeze_row = 0
    return sheet
