"""The use case "allocate": totals split over the regions (by population, by weights from a file, or as a
published table has them), and the result as CSV, as the sheet "Fördelning" (``forms.fordelning``) of a
new workbook, or in the open workbook (the ribbon's "Fördela", ``fordela``)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from ..core.allocation import AllocationError, PotTable, split_pots
from ..core.errors import UserError
from ..core.money import AmountError, format_kr, parse_amount, plain
from ..core.text import normalise_header
from ..files.csv_safe import CsvWriter, csv_text
from ..files.paths import WORKBOOK_SUFFIXES, same_file
from ..forms.fordelning import table_layout
from ..read import reference_data
from . import outputs
from .files import NewWorkbook, read_range
from .target import Output, Target


def allocate(totals: list[str], population: str | None = None, weights_file: Path | None = None,
             cell_range: str | None = None, rule: str | None = None, compute: bool = False,
             output: Path | None = None, force: bool = False):
    """Split each total over the regions; returns (PotTable, source description).  A published
    table is returned as published (no weights, no rule): a ``rule`` given for it is refused.  The
    ``output`` is checked by the output rule (``outputs.claim``) before anything is read: never the
    weights file, an existing file only when it is the tool's unchanged output or with ``force``."""
    if output is not None and weights_file is not None and same_file(weights_file, output):
        raise UserError("the output would overwrite the weights file; give another name with -o", file=output)
    if output is not None:
        _check_suffix(output)
        outputs.claim(output, [weights_file], force)

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


def allocation_csv(table: PotTable) -> str:
    """The split as CSV (``region,weight,amount`` or a column per pot and ``total``), safe for Excel."""
    many = len(table.pots) > 1
    published = table.weights is None
    buffer = io.StringIO()
    writer = CsvWriter(buffer)  # quotes fields with "," or ";" (csv.writer leaves ";" bare)
    writer.writerow(["region", "weight"] + (table.pots + ["total"] if many else ["amount"]))
    for row, label in enumerate(table.labels):
        weight = "" if published else plain(table.weights[row])
        writer.writerow([csv_text(label), weight] + [plain(a) for a in table.amounts[row]]
                        + ([plain(table.row_total(row))] if many else []))
    return buffer.getvalue()


def _check_suffix(output: Path) -> None:
    if output.suffix.lower() == ".xlsm":
        raise UserError("write the allocation to an .xlsx or .csv file", file=output)


def write_allocation(table: PotTable, source: str, output: Path, inputs=(), force: bool = False) -> list[str]:
    """Write the split to ``output``: the sheet "Fördelning" in a new .xlsx (``files.NewWorkbook``), or CSV;
    whole or not at all, by the output rule (``outputs``).  Returns what the summary should say (a backup
    kept)."""
    _check_suffix(output)
    if output.suffix.lower() == ".xlsx":
        totals = " + ".join(format_kr(a.total) for a in table.allocations) or " + ".join(
            format_kr(sum((r[i] for r in table.amounts), Decimal(0))) for i in range(len(table.pots)))
        target = NewWorkbook(output, inputs, force)
        target.write(Output([table_layout(table, f"Fördelning av {totals}", source)]))
        return target.notes
    claimed = outputs.claim(output, inputs, force)
    outputs.write_bytes(claimed, allocation_csv(table).encode("utf-8"))
    return claimed.notes()


def fordela(total: object, target: Target, population: str | None = None) -> PotTable:
    """The ribbon's "Fördela": ``total`` (kronor, e.g. "2 835 000 000" or "2835 mkr") split between the regions
    by population (the latest shipped table unless ``population`` is given), as ``allocate`` does, written
    to ``target`` as the sheet "Fördelning"; returns the split."""
    amount = parse_amount(total) if not isinstance(total, (int, float, Decimal)) else Decimal(str(total))
    if amount is None or amount <= 0:
        raise UserError("ange det nationella beloppet som ett positivt belopp i kronor, t.ex. 2 835 000 000")
    table, source = allocate([str(amount)], population or reference_data.population_dates()[-1])
    target.write(Output([table_layout(table, f"Fördelning av {format_kr(amount)}", source)]))
    return table


def load_weights(path: Path | str, cell_range: str | None = None) -> tuple[list[str], list[object], str]:
    """(labels, weights, description) from a CSV with columns ``region,weight`` (comma or semicolon
    separated) or from a workbook range whose first row is a header (``Blad1!A1:B22``; default the
    first two columns of the first sheet)."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        rows = read_range(path, cell_range)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise UserError("no such file", file=path) from None
        except UnicodeDecodeError:
            raise UserError("not a UTF-8 text (CSV) file", file=path) from None
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = [(f"line {i}", r) for i, r in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1)
                if any(c.strip() for c in r)]
    if not rows:
        raise UserError("the weight table is empty", file=path)
    header = [normalise_header(c) for c in rows[0][1]]  # the one rule for our headers (core.text)
    try:
        label_col, weight_col = header.index("region"), header.index("weight")
    except ValueError:
        raise UserError(f"the first row must name the columns 'region' and 'weight' (found {rows[0][1]})",
                        file=path) from None
    labels, weights = [], []
    for where, row in rows[1:]:
        label = str(row[label_col] if label_col < len(row) and row[label_col] is not None else "").strip()
        weight = row[weight_col] if weight_col < len(row) else None
        if not label and weight in (None, ""):
            continue
        if weight in (None, ""):
            raise UserError(f"{where} ({label}): the weight is empty", file=path)
        labels.append(label)
        weights.append(weight)
    return labels, weights, f"weights from {path.name}"
