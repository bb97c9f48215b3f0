"""Weights for ``allocate`` from a file: a CSV with columns ``region,weight`` or a workbook range."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import UserError

def load_weights(path: Path | str, cell_range: str | None = None) -> tuple[list[str], list[object], str]:
    """(labels, weights, description) from a CSV with columns ``region,weight`` (comma or semicolon
    separated) or from a workbook range whose first row is a header (``Blad1!A1:B22``; default the
    first two columns of the first sheet)."""
    from .files import WORKBOOK_SUFFIXES

    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        rows = _workbook_rows(path, cell_range)
    else:
        import csv

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
    header = [str(c or "").strip().casefold() for c in rows[0][1]]
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


def _workbook_rows(path: Path, cell_range: str | None) -> list[tuple[str, list[object]]]:
    from ..xlsx.cells import CellReader
    from ..xlsx.package import Package
    from ..read.format_reader import bounds

    with Package(path) as pkg:
        sheet_name, _, ref = (cell_range or "").rpartition("!")
        sheet = pkg.sheet(sheet_name.strip("'")) if sheet_name else (pkg.sheets[0] if pkg.sheets else None)
        if sheet is None:
            raise UserError(f"no sheet '{sheet_name}'", file=path)
        min_col, min_row, max_col, max_row = bounds(ref) if ref else (1, 1, 2, 1048576)
        return [(f"{sheet.name}!row {r}", values)
                for r, values in CellReader(pkg).rows(sheet, min_row, max_row, min_col, max_col)]
