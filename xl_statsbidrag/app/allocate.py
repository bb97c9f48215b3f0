"""The allocate use case: totals split over the regions (by population, by weights from a file, or
as a published table has them), and the result as CSV or as the sheet "Fördelning"."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from ..core.allocation import PotTable
from ..core.money import format_kr
from ..core.errors import UserError
from ..forms.layout import Cell, SheetLayout, column_letter


def allocate(totals: list[str], population: str | None = None, weights_file: Path | None = None,
             cell_range: str | None = None, rule: str | None = None, compute: bool = False,
             output: Path | None = None, force: bool = False):
    """Split each total over the regions; returns (PotTable, source description).  A published
    table is returned as published (no weights, no rule): a ``rule`` given for it is refused.  The
    ``output`` is checked by the output rule (``outputs.claim``) before anything is read: never the
    weights file, an existing file only when it is the tool's unchanged output or with ``force``."""
    from ..read import reference_data
    from ..core.allocation import AllocationError, split_pots
    from ..core.money import AmountError, parse_amount
    from .outputs import claim, same_file
    from .weights import load_weights

    if output is not None and weights_file is not None and same_file(weights_file, output):
        raise UserError("the output would overwrite the weights file; give another name with -o", file=output)
    if output is not None:
        _check_suffix(output)
        claim(output, [weights_file], force)

    parsed = []
    for text in totals:
        try:
            value = parse_amount(text)
        except AmountError as exc:
            raise UserError(f"the total: {exc}") from None
        if value is None:
            raise UserError("the total is empty")
        parsed.append(value)
    pots = [(f"amount_{i}" if len(parsed) > 1 else "amount", v) for i, v in enumerate(parsed, start=1)]
    if weights_file is not None:
        labels, weights, source = load_weights(weights_file, cell_range)
    else:
        found = [reference_data.published_for(population, v) for v in parsed] if not compute else [None]
        if all(found):
            if rule is not None:
                raise UserError(f"--rule {rule} does not apply: the totals are in the published table "
                                f"{found[0][0].id}, which is used as published; add --compute to split them "
                                "by population with the rule")
            table = found[0][0]
            labels = [r for r, _ in table.pots[found[0][1]]]
            amounts = [[dict(found[i][0].pots[found[i][1]])[r] for i in range(len(parsed))] for r in labels]
            return (PotTable([p for _, p in found] if len(found) > 1 else ["amount"], labels, None, amounts),
                    f"published table {table.id} ({table.source}), population {table.population_date}")
        source_text, rows = reference_data.population(population)
        labels, weights = [r for r, _ in rows], [p for _, p in rows]
        source = f"computed by population {population} ({source_text})"
    rule = rule or "largest-remainder"
    try:
        table = split_pots(pots, weights, labels, rule)
    except AllocationError as exc:
        raise exc.with_file(weights_file) if weights_file else exc
    rule_text = {"largest-remainder": "largest remainder", "round-largest": "rounding, difference on the largest",
                 "none": "rounding, difference reported"}[rule]
    return table, f"{source}; rule: {rule_text}"


def _plain(value) -> str:
    """An amount or weight as scripts want it: no grouping, a point for decimals."""
    return format(value, "f")


def allocation_csv(table: PotTable) -> str:
    """The split as CSV (``region,weight,amount`` or a column per pot and ``total``), safe for Excel."""
    from ..files.csv_safe import CsvWriter, csv_text

    many = len(table.pots) > 1
    published = table.weights is None
    buffer = io.StringIO()
    writer = CsvWriter(buffer)  # quotes fields with "," or ";" (csv.writer leaves ";" bare)
    writer.writerow(["region", "weight"] + (table.pots + ["total"] if many else ["amount"]))
    for row, label in enumerate(table.labels):
        weight = "" if published else _plain(table.weights[row])
        writer.writerow([csv_text(label), weight] + [_plain(a) for a in table.amounts[row]]
                        + ([_plain(table.row_total(row))] if many else []))
    return buffer.getvalue()


def _check_suffix(output: Path) -> None:
    if output.suffix.lower() == ".xlsm":
        raise UserError("write the allocation to an .xlsx or .csv file", file=output)


def write_allocation(table: PotTable, source: str, output: Path, inputs=(), force: bool = False) -> list[str]:
    """Write the split to ``output``: the sheet "Fördelning" in a new .xlsx, or CSV; whole or not at all,
    by the output rule (``outputs``).  Returns what the summary should say (a backup kept)."""
    from . import outputs

    _check_suffix(output)
    target = outputs.claim(output, inputs, force)
    if output.suffix.lower() == ".xlsx":
        from ..xlsx.newbook import write_workbook

        totals = " + ".join(format_kr(a.total) for a in table.allocations) or " + ".join(
            format_kr(sum((r[i] for r in table.amounts), Decimal(0))) for i in range(len(table.pots)))
        with target.writing():
            write_workbook(output, [table_layout(table, f"Fördelning av {totals}", source)])
    else:
        outputs.write_bytes(target, allocation_csv(table).encode("utf-8"))
    return target.notes()


def table_layout(table: PotTable, title: str, source: str, sheet_name: str = "Fördelning"):
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
