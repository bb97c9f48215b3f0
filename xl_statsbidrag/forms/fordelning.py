"""The sheet "Fördelning": a split of national totals between the regions (``core.allocation``), one row
per region, a column per pot, totals as formulas."""
from __future__ import annotations

from decimal import Decimal

from ..core.a1 import column_letter
from ..core.allocation import PotTable
from .layout import Cell, SheetLayout


def table_layout(table: PotTable, title: str, source: str, sheet_name: str = "Fördelning") -> SheetLayout:
    """The split as a sheet: one row per region, a column per pot, totals as formulas."""
    many = len(table.pots) > 1
    weighted = table.weights is not None  # a published table has no weights: no Vikt column
    first_amount = 3 if weighted else 2
    columns = first_amount - 1 + len(table.pots) + (1 if many else 0)
    sheet = SheetLayout(sheet_name, [28.0] + ([14.0] if weighted else []) + [18.0] * (columns - first_amount + 1))
    sheet.add(Cell(1, title, style="title"), height=22.0)
    sheet.add(Cell(1, source, style="note"))
    sheet.blank()
    headers = ["Region"] + (["Vikt"] if weighted else []) + table.pots + (["Summa"] if many else [])
    sheet.add(*[Cell(i + 1, h, style="header" if i == 0 else "header_right") for i, h in enumerate(headers)])
    first = len(sheet.rows) + 1
    last = first + len(table.labels) - 1
    for row, label in enumerate(table.labels):
        number = first + row
        cells = [Cell(1, label, style="text")] + ([Cell(2, table.weights[row], style="text")] if weighted else [])
        for p, amount in enumerate(table.amounts[row]):
            cells.append(Cell(first_amount + p, amount, style="money" if amount == int(amount) else "money_ore"))
        if many:
            total = table.row_total(row)
            cells.append(Cell(columns, total, f"SUM({column_letter(first_amount)}{number}:"
                                              f"{column_letter(columns - 1)}{number}",
                              "money" if total == int(total) else "money_ore"))
        sheet.add(*cells)
    totals = [Cell(1, "Summa", style="total_label")]
    if weighted:
        totals.append(Cell(2, sum(table.weights, Decimal(0)), f"SUM(B{first}:B{last})", "total_label"))
    for col in range(first_amount, columns + 1):
        value = (sum((table.row_total(r) for r in range(len(table.labels))), Decimal(0)) if many and col == columns
                 else sum((table.amounts[r][col - first_amount] for r in range(len(table.labels))), Decimal(0)))
        letter = column_letter(col)
        totals.append(Cell(col, value, f"SUM({letter}{first}:{letter}{last})",
                           "money_total" if value == int(value) else "money_total_ore"))
    sheet.add(*totals)
    return sheet
