"""The jobs the command line (and batch) run on files: read, validate, write the report.

Kept apart from ``cli`` so that argument parsing and printing are all the CLI does.
"""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

from .errors import UserError
from .layout import SheetLayout
from .model import DecisionBook, Finding
from .report import ReportSummary
from .validation import validate

MACRO_SUFFIXES = {".xlsm"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


def read(path: Path | str) -> DecisionBook:
    from .xlsx.reader import read_book

    return read_book(path)


def validate_file(path: Path | str, today: dt.date | None = None) -> tuple[DecisionBook, list[Finding]]:
    book = read(path)
    return book, validate(book, today)


def default_output(source: Path) -> Path:
    return source.with_name(f"{source.stem}_bilaga2{source.suffix}")


def check_output(source: Path, target: Path) -> None:
    if target.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UserError("the output must be an .xlsx or .xlsm file", file=target)
    if (source.suffix.lower() in MACRO_SUFFIXES) != (target.suffix.lower() in MACRO_SUFFIXES):
        raise UserError(f"the output must have the same kind of file name as the input ({source.suffix}): "
                        "Excel refuses a macro workbook under an .xlsx name and the other way round", file=target)
    if target.exists() and source.resolve() == target.resolve():
        raise UserError("the output would overwrite the input; give another name with -o", file=target)


def make_report(source: Path, today: dt.date | None = None) -> tuple[SheetLayout, ReportSummary, list[Finding]]:
    """Read and validate ``source`` and lay out its Bilaga 2; refuses a workbook with unreadable cells."""
    from .report import checked_report

    return checked_report(read(source), today)


def report_file(source: Path | str, target: Path | str | None = None, today: dt.date | None = None,
                in_place: bool = False) -> tuple[Path, ReportSummary, list[Finding]]:
    """Write a copy of ``source`` with the Bilaga 2 sheet; the input is never changed, unless
    ``in_place``, which replaces it (atomically) after keeping a backup copy beside it."""
    source = Path(source)
    if in_place:
        target = source
    else:
        target = Path(target) if target else default_output(source)
        check_output(source, target)
    layout, summary, findings = make_report(source, today)
    if in_place:
        backup = source.with_name(f"{source.stem}.backup-{dt.datetime.now():%Y%m%d-%H%M%S}{source.suffix}")
        shutil.copy2(source, backup)
    write_layout(source, target, layout)
    return target, summary, findings


def write_layout(source: Path, target: Path, layout: "SheetLayout") -> None:
    from .xlsx.writer import write_sheet

    write_sheet(source, target, layout)


# --- allocation -------------------------------------------------------------------------------------

def load_weights(path: Path | str, cell_range: str | None = None) -> tuple[list[str], list[object], str]:
    """(labels, weights, description) from a CSV with columns ``region,weight`` (comma or semicolon
    separated) or from a workbook range whose first row is a header (``Blad1!A1:B22``; default the
    first two columns of the first sheet)."""
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
    from .xlsx.cells import CellReader
    from .xlsx.package import Package
    from .reading import bounds

    with Package(path) as pkg:
        sheet_name, _, ref = (cell_range or "").rpartition("!")
        sheet = pkg.sheet(sheet_name.strip("'")) if sheet_name else (pkg.sheets[0] if pkg.sheets else None)
        if sheet is None:
            raise UserError(f"no sheet '{sheet_name}'", file=path)
        min_col, min_row, max_col, max_row = bounds(ref) if ref else (1, 1, 2, 1048576)
        return [(f"{sheet.name}!row {r}", values)
                for r, values in CellReader(pkg).rows(sheet, min_row, max_row, min_col, max_col)]


def allocate(totals: list[str], population: str | None = None, weights_file: Path | None = None,
             cell_range: str | None = None, rule: str = "largest-remainder", compute: bool = False):
    """Split each total over the regions; returns (PotTable, source description)."""
    from .allocation import AllocationError, split_pots
    from .amounts import AmountError, parse_amount
    from . import tables

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
        found = [tables.published_for(population, v) for v in parsed] if not compute else [None]
        if all(found):
            table = found[0][0]
            labels = [r for r, _ in table.pots[found[0][1]]]
            amounts = [[dict(found[i][0].pots[found[i][1]])[r] for i in range(len(parsed))] for r in labels]
            from .allocation import PotTable

            return (PotTable([p for _, p in found] if len(found) > 1 else ["amount"], labels,
                             [Decimal(0)] * len(labels), amounts),
                    f"published table {table.id} ({table.source}), population {table.population_date}")
        source_text, rows = tables.population(population)
        labels, weights = [r for r, _ in rows], [p for _, p in rows]
        source = f"computed by population {population} ({source_text})"
    try:
        table = split_pots(pots, weights, labels, rule)
    except AllocationError as exc:
        raise exc.with_file(weights_file) if weights_file else exc
    rule_text = {"largest-remainder": "largest remainder", "round-largest": "rounding, difference on the largest",
                 "none": "rounding, difference reported"}[rule]
    return table, f"{source}; rule: {rule_text}"


_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """A text field for a CSV that Excel may open: one that Excel would take for a formula gets a
    leading apostrophe (numbers such as "-280" stay numbers)."""
    text = "" if value is None else str(value)
    if text.startswith(_CSV_RISKY):
        try:
            Decimal(text)
        except Exception:
            return "'" + text
    return text


# --- import -----------------------------------------------------------------------------------------

EARMARK_WORDS = ("öronmärk", "specialistutbild", "specialistsjuksköt")


def import_file(source: Path | str, target: Path | str, agreement_id: str, region_name: str,
                sheet: str | None = None, objekt: str | None = None):
    """Read a region's own decision-support workbook (a plain layout), and write it in the project's
    format: the catalogue's agreement with the region's pots, and the activities as an Excel Table,
    beside the original sheets.  Returns (PlainTable, Agreement, [pot source texts])."""
    from . import tables
    from .model import ACTIVITIES_TABLE, AGREEMENT_SHEET, Agreement, Objekt, Pot
    from .plain import read_plain
    from .template import ACTIVITIES_SHEET, activities_sheet, agreement_sheet
    from .xlsx.package import Package
    from .xlsx.reader import FileSource, check_not_locked
    from .xlsx.writer import write_sheets

    source, target = Path(source), Path(target)
    check_output(source, target)
    entry = tables.catalogue_agreement(agreement_id)
    region = tables.find_region(region_name)
    check_not_locked(source)
    with Package(source) as pkg:
        taken = [s.name for s in pkg.sheets if s.name.casefold() in (AGREEMENT_SHEET.casefold(),
                                                                      ACTIVITIES_SHEET.casefold())]
        if taken or any(t.display_name.casefold() == ACTIVITIES_TABLE.casefold() for t in pkg.tables()):
            raise UserError(f"the workbook already has {', '.join(taken) or 'a table Aktiviteter'}: it looks like "
                            "it is in the project's format already (use validate and report on it)", file=source)
        table = read_plain(FileSource(pkg), sheet)
    pots, origins = [], []
    for p in entry.pots:
        amount, origin = tables.regional_amount(p, region)
        pots.append(Pot(p.name, amount, p.earmarked, p.purpose))
        origins.append(f"{p.name}: {origin}")
    earmarked = [p for p in pots if p.earmarked]
    for a in table.activities:  # only where the row itself says so: the rest count against the free pots
        if objekt and not a.objekt:
            a.objekt = objekt
        if len(earmarked) == 1 and any(w in (a.earlier_decision + " " + a.name).casefold() for w in EARMARK_WORDS):
            a.pot = earmarked[0].name
    codes = sorted({a.objekt for a in table.activities if a.objekt})

    def day(text: str):
        return dt.date.fromisoformat(text) if text else None

    ag = Agreement(entry.name, entry.year, pots, [Objekt(c) for c in codes], recipient=region.name,
                   rk_dnr_agreement=entry.rk_dnr_agreement, requisition_deadline=day(entry.requisition_deadline),
                   report_deadline=day(entry.report_deadline))
    sources = [str(a.loc("name")) for a in table.activities]
    notes = [f"Importerad {dt.date.today().isoformat()} från {source.name}, bladet {table.sheet}. Potternas belopp: "
             + "; ".join(origins) + f". Överenskommelsen enligt katalogen ({entry.id}: {entry.source})."]
    write_sheets(source, target, [agreement_sheet(ag, notes), activities_sheet(table.activities, sources)])
    return table, ag, origins


# --- utfall from the ledger ---------------------------------------------------------------------------

def utfall_file(source: Path | str, ledgers: list[Path | str], target: Path | str | None = None,
                columns: str | dict[str, str] | None = None, accounts: str | None = None,
                today: dt.date | None = None):
    """Read the workbook and the ledger exports, match them (``utfall``), and write a copy of the
    workbook with the Utfall column filled in and the sheet "Utfall".  Returns (target, Utfall)."""
    from .ledger import _read, parse_columns
    from .utfall import agreement_objekt, compute, parse_accounts, utfall_sheet
    from .xlsx.reader import check_not_locked
    from .xlsx.writer import write_sheets

    source = Path(source)
    target = Path(target) if target else source.with_name(f"{source.stem}_utfall{source.suffix}")
    check_output(source, target)
    mapping = parse_columns(columns) if isinstance(columns, str) or columns is None else columns
    ranges = parse_accounts(accounts)
    for ledger in ledgers:
        if Path(ledger).exists() and Path(ledger).resolve() == target.resolve():
            raise UserError("the output would overwrite a ledger file; give another name with -o", file=target)
    book = read(source)
    unreadable = [f for f in book.problems if f.severity == "error"]
    if unreadable:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
        raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no utfall was written:\n{lines}", file=source)
    frames = [_read(Path(p), mapping, agreement_objekt(book)) for p in ledgers]
    result = compute(book, frames, ranges)
    check_not_locked(source)
    write_sheets(source, target, [utfall_sheet(result, today)], result.cell_values())
    return target, result
