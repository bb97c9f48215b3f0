"""The file pipeline and the jobs that run through it: ``report``, ``batch``, ``rekvisition``,
``utfall`` and ``import``.

``write_copy`` is the one pipeline: check the input and the output (``outputs``: the one rule for every
output), build (read, check, lay out: the job's ``build``), write the copy atomically (or replace the
input after a backup copy), and return what the job built (a ``Report``, or an ``Output``).  What the
command's summary should say about the files (a backup kept, a signature removed) goes to ``notes``.
Kept apart from ``cli`` so that argument parsing and printing are all the CLI does.
"""
from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from .errors import UserError
from .layout import SheetLayout
from .model import DecisionBook, Finding, Severity
from .outputs import Claim, claim, make_backup, same_file  # noqa: F401  (same_file, make_backup: used by callers)
from .report import Report, ReportSummary
from .validation import validate

MACRO_SUFFIXES = {".xlsm"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


OTHER_FORMATS = {
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".xlsb": "an Excel binary workbook (.xlsb)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".xlt": "an Excel 97-2003 template (.xlt)",
}


def display_name(path: Path | str) -> str:
    """A file name fit for a sheet, a CSV or JSON: bytes that are not UTF-8 (a name from another
    system) shown as \\xNN instead of breaking the output."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def check_input(source: Path) -> None:
    """Refuse what is not a workbook file before opening it: another spreadsheet format by name, and
    anything that is not a regular file (a FIFO or device would block or never end)."""
    kind = OTHER_FORMATS.get(source.suffix.lower())
    if kind:
        raise UserError(f"this is {kind}, which the tool does not read: open it in Excel and save it as "
                        "an Excel workbook (.xlsx) first", file=source)
    try:
        mode = os.stat(source).st_mode
    except (OSError, ValueError):
        return  # missing or unreadable: said when it is opened
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # also refused by Package, for every other way in
        raise UserError("not a regular file (a pipe, device or socket); give a workbook file", file=source)


def read(path: Path | str) -> DecisionBook:
    from .xlsx.file_source import read_book

    check_input(Path(path))
    book = read_book(path)
    book.path = display_name(path)
    return book


def validate_file(path: Path | str, today: dt.date | None = None) -> tuple[DecisionBook, list[Finding]]:
    book = read(path)
    return book, validate(book, today)


def default_output(source: Path, tag: str = "bilaga2") -> Path:
    """The output beside ``source``: NAME_tag.xlsx (an .xlsm stays .xlsm).  A folder, or a name that is
    no file name, is refused here, before any output name is made up from it."""
    if not source.name or source.is_dir():
        raise UserError("is a folder, not a workbook; give a workbook file (.xlsx or .xlsm)", file=source)
    check_input(source)
    suffix = source.suffix if source.suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
    return source.with_name(f"{source.stem}_{tag}{suffix}")


def check_output(source: Path, target: Path) -> None:
    check_input(source)
    if target.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UserError("the output must be an .xlsx or .xlsm file", file=target)
    if (source.suffix.lower() in MACRO_SUFFIXES) != (target.suffix.lower() in MACRO_SUFFIXES):
        raise UserError(f"the output must have the same kind of file name as the input ({source.suffix}): "
                        "Excel refuses a macro workbook under an .xlsx name and the other way round", file=target)
    if same_file(source, target):
        raise UserError("the output would overwrite the input (it is the same file, under this name or "
                        "another); give another name with -o", file=target)


@dataclass
class Output:
    """What a job writes into the copy: sheets added or replaced, document properties, cells set
    ({sheet: {"J5": Decimal or None}}); ``result`` is what the job returns to its caller."""

    sheets: list[SheetLayout]
    properties: dict[str, str] | None = None
    cell_values: dict | None = None
    result: object = None


Built = TypeVar("Built", Report, Output)


def write_copy(source: Path, target: Path, build: Callable[[], Built], in_place: bool = False,
               write: Callable[[], bool] | None = None, *, force: bool = False, inputs=(),
               notes: list[str] | None = None, claimed: Claim | None = None) -> Built:
    """The file pipeline: check the input and the output (``outputs.claim``: never an input - ``source``
    or one of ``inputs`` -, an existing file only when it is the tool's unchanged output or with
    ``force``), ``build`` (read, check, lay out), then write ``target`` as a copy of ``source`` with what
    was built, whole or not at all; with ``in_place``, ``source`` is replaced (atomically) after a backup
    copy is kept beside it.  A signed workbook is refused by the writer unless ``force``, which removes
    the signature.  ``write`` (optional) decides after the build whether to write at all (batch skips
    what is up to date); ``claimed``: the output already checked by the caller (batch)."""
    if in_place:
        check_input(source)
    else:
        check_output(source, target)
        claimed = claimed or claim(target, [source, *inputs], force)
    skip = write is not None and not write()
    built = build()
    if skip:
        return built
    cell_values = getattr(built, "cell_values", None)
    if in_place:
        said = replace_in_place(source, built.sheets, built.properties, cell_values, unsign=force)
    else:
        with claimed.writing():
            said = write_layouts(source, target, built.sheets, built.properties, cell_values, unsign=force)
        said = claimed.notes() + said
    if notes is not None:
        notes += said
    return built


RECALCULATE_HINT = ("formulas without stored values (a file saved by a program that does not calculate): "
                    "run again with --recalculate to have LibreOffice compute them, or open and save the "
                    "file in Excel")


def make_report(source: Path, today: dt.date | None = None, recalculate: bool = False) -> "Report":
    """Read and validate ``source`` and lay out its Bilaga 2 and Kontroll sheets; refuses a workbook with
    unreadable cells.  With ``recalculate``, the values are read from a copy that LibreOffice recalculated
    (the input is not changed; the report is still written into a copy of the original package)."""
    from .report import make_report as make

    if recalculate:
        book = read_recalculated(source)
    else:
        book = read(source)
    try:
        return make(book, today)
    except UserError as exc:
        if not recalculate and any(f.code == "formel-utan-varde" for f in book.problems):
            exc.message += f"\n  ({RECALCULATE_HINT})"
            exc.args = (exc.message,)
        raise


def read_recalculated(source: Path) -> DecisionBook:
    """The workbook's values as LibreOffice computes them, from a recalculated copy in a private
    folder; the book names the original file."""
    import tempfile

    from .libreoffice import convert

    read(source)  # the package's own checks (and what is wrong with it) before LibreOffice sees it
    with tempfile.TemporaryDirectory(prefix="xlsb-recalc-") as tmp:
        copy = convert(source, Path(tmp), "xlsx")
        book = read(copy)
    book.path = display_name(source)
    return book


def report_file(source: Path | str, target: Path | str | None = None, today: dt.date | None = None,
                in_place: bool = False, recalculate: bool = False, *, force: bool = False,
                notes: list[str] | None = None) -> tuple[Path, ReportSummary, list[Finding]]:
    """Write a copy of ``source`` with the sheets Bilaga 2 and Kontroll; the input is never changed, unless
    ``in_place``, which replaces it (atomically) after keeping a backup copy beside it.  On a symbolic
    link, in-place writes through to the file it points to, and the link stays.  An existing output that
    is not the tool's unchanged one, and a signed workbook, need ``force`` (see ``write_copy``)."""
    source = Path(source)
    if in_place:
        real = Path(os.path.realpath(source))
        report = write_copy(real, real, lambda: make_report(real, today, recalculate), in_place=True, force=force,
                            notes=notes)
        return source, report.summary, report.findings
    target = Path(target) if target else default_output(source)
    report = write_copy(source, target, lambda: make_report(source, today, recalculate), force=force, notes=notes)
    return target, report.summary, report.findings


def replace_in_place(real: Path, layouts: list["SheetLayout"], properties: dict[str, str] | None = None,
                     cell_values: dict | None = None, unsign: bool = False) -> list[str]:
    """Write the new package to a temporary file of ours beside ``real``, keep a backup copy of ``real``
    beside it and, once every file is closed (Windows will not rename over an open file), move the new
    package over ``real`` (a refused or failed write leaves neither).  The workbook stays the user's own:
    it gets no mark of the tool's outputs (``outputs``).  Returns what the summary should say."""
    import uuid

    from .atomic import temporary_prefix

    staged = real.with_name(f"{temporary_prefix(real.name)}{uuid.uuid4().hex[:8]}.tmp")
    try:
        removed = write_layouts(real, staged, layouts, properties, cell_values, unsign=unsign, mark=False)
        os.chmod(staged, real.stat().st_mode & 0o7777)
        backup = make_backup(real)
        try:
            os.replace(staged, real)
        except OSError as exc:
            raise UserError(f"cannot replace the workbook ({exc.strerror}); is it open in Excel?", file=real) from None
        return [f"the workbook was changed in place; the old one is kept as {backup.name}"] + removed
    finally:
        try:
            os.unlink(staged)
        except FileNotFoundError:
            pass


def write_layouts(source: Path, target: Path, layouts: list["SheetLayout"],
                  properties: dict[str, str] | None = None, cell_values: dict | None = None, *,
                  unsign: bool = False, mark: bool = True) -> list[str]:
    """Write ``target`` as ``source`` with each layout's sheet added or replaced, the custom document
    ``properties`` set and the cells of ``cell_values`` set; a signed workbook only with ``unsign``, which
    removes the signature.  Returns what was removed, in words."""
    from .xlsx.writer import write_sheets

    return write_sheets(source, target, layouts, properties, cell_values, unsign=unsign, mark=mark)


def requisition(book: DecisionBook, today: dt.date | None = None) -> Output:
    """The use case "rekvisition" on a read workbook (a file, or the workbook open in Excel: the command and
    the button run this): a cell of the agreement sheet that cannot be read is refused; else the sheet
    Rekvisition, and as ``result`` (agreement, findings about the requisition and the form's fields)."""
    from .workbook_format import AGREEMENT_SHEET
    from .rekvisition import requisition_sheet
    from .validation import requisition_findings

    unreadable = [f for f in book.problems if f.severity == Severity.ERROR and f.location.sheet == AGREEMENT_SHEET]
    if unreadable:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
        raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no requisition was written:\n{lines}",
                        file=book.path)
    return Output([requisition_sheet(book)], result=(book.agreement, requisition_findings(book, today)))


def requisition_file(source: Path | str, target: Path | str | None = None, today: dt.date | None = None, *,
                     force: bool = False, notes: list[str] | None = None):
    """Write a copy of ``source`` with the sheet Rekvisition; returns (target, agreement, findings about the
    requisition).  A cell of the agreement sheet that cannot be read is refused."""
    source = Path(source)
    target = Path(target) if target else default_output(source, "rekvisition")
    agreement, findings = write_copy(source, target, lambda: requisition(read(source), today), force=force,
                                     notes=notes).result
    return target, agreement, findings


def deadlines_of(paths: list[Path | str]) -> tuple[list, list[tuple[str, str]], list[str]]:
    """The deadlines of the workbooks (one entry per agreement and year), (file, reason) for those that
    cannot be read, and a warning for each agreement given in more than one workbook."""
    from .deadlines import deadlines_of_books

    books, failed = [], []
    for path in paths:
        try:
            books.append((str(path), read(path).agreement))
        except UserError as exc:
            failed.append((str(path), exc.message if not exc.location else f"{exc.location}: {exc.message}"))
    found, warnings = deadlines_of_books(books)
    return found, failed, warnings


def write_bytes(target: Path, data: bytes, inputs=(), force: bool = False) -> list[str]:
    """A file written whole or not at all, by the output rule (``outputs``); returns what the summary
    should say (a backup kept)."""
    from . import outputs

    claimed = claim(target, inputs, force)
    outputs.write_bytes(claimed, data)
    return claimed.notes()


# --- import -----------------------------------------------------------------------------------------

EARMARK_WORDS = ("öronmärk", "specialistutbild", "specialistsjuksköt")


def import_file(source: Path | str, target: Path | str, agreement_id: str, region_name: str,
                sheet: str | None = None, objekt: str | None = None, *, unit: str | None = None,
                include_hidden: bool = False, force: bool = False, notes: list[str] | None = None):
    """Read a region's own decision-support workbook (a plain layout), and write it in the project's
    format: the catalogue's agreement with the region's pots, and the activities as an Excel Table,
    beside the original sheets.  Amounts stated in tkr or mkr are scaled to kronor (``unit`` answers
    when the workbook does not say, or says two things); hidden rows are left out unless
    ``include_hidden``.  Returns (PlainTable, Agreement, [pot source texts])."""
    from . import reference_data
    from .amounts import format_kr
    from .model import Agreement, Duty, Objekt, Pot
    from .workbook_format import ACTIVITIES_TABLE, AGREEMENT_SHEET
    from .region_reader import read_plain
    from .template import ACTIVITIES_SHEET, activities_sheet, agreement_sheet
    from .xlsx.package import Package
    from .xlsx.file_source import FileSource, check_not_locked

    source, target = Path(source), Path(target)

    def build() -> Output:
        entry = reference_data.catalogue_agreement(agreement_id)
        region = reference_data.find_region(region_name)
        check_not_locked(source)
        with Package(source) as pkg:
            taken = [s.name for s in pkg.sheets if s.name.casefold() in (AGREEMENT_SHEET.casefold(),
                                                                          ACTIVITIES_SHEET.casefold())]
            if taken or any(t.display_name.casefold() == ACTIVITIES_TABLE.casefold() for t in pkg.tables()):
                raise UserError(f"the workbook already has {', '.join(taken) or 'a table Aktiviteter'}: it looks like "
                                "it is in the project's format already (use validate and report on it)", file=source)
            table = read_plain(FileSource(pkg), sheet, unit=unit, include_hidden=include_hidden)
        pots, origins = [], []
        for p in entry.pots:
            amount, origin = reference_data.regional_amount(p, region)
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
        for duty in reference_data.catalogue_duties(entry.id):  # the follow-up and other reporting duties
            if duty.kind == "socialstyrelsen":
                ag.socialstyrelsen_deadline = day(duty.deadline)
            else:
                ag.duties.append(Duty(duty.name, duty.recipient, day(duty.deadline)))
        sources = [str(a.loc("name")) for a in table.activities]
        sheet_notes = [f"Importerad {dt.date.today().isoformat()} från {source.name}, bladet {table.sheet}. Potternas "
                       "belopp: " + "; ".join(origins) + f". Överenskommelsen enligt katalogen ({entry.id}: "
                       f"{entry.source})."] + table.notes_sv()
        if not table.units and table.decided and ag.total and table.decided * 100 < ag.total:
            table.warnings.append(f"the amounts sum to {format_kr(table.decided)}, under 1% of the agreement's "
                                  f"{format_kr(ag.total)}: if they are in tkr or mkr, run again with --unit tkr "
                                  "(or mkr)")
        return Output([agreement_sheet(ag, sheet_notes), activities_sheet(table.activities, sources)],
                      result=(table, ag, origins))

    return write_copy(source, target, build, force=force, notes=notes).result


# --- utfall from the ledger ---------------------------------------------------------------------------

def utfall(book: DecisionBook, ledgers: list[Path | str], mapping: dict[str, str] | None = None,
           ranges=None, today: dt.date | None = None, dedupe: str | tuple[str, ...] | None = None) -> Output:
    """The use case "utfall" on a read workbook (a file, or the workbook open in Excel: the command and the
    button run this): a workbook with cells that cannot be read is refused; else the ledger exports
    (read with the column ``mapping`` and the account ``ranges``, see ``ledger.parse_columns`` and
    ``utfall.parse_accounts``; the same export twice refused; ``dedupe``: the key by which rows of a later
    file that an earlier one has are counted once, ``utfall.combine``) matched to its activities: the sheet
    Utfall, the Utfall cells to set, and as ``result`` the ``utfall.Utfall``."""
    from .ledger import _read, check_distinct
    from .utfall import agreement_objekt, compute, utfall_sheet

    unreadable = [f for f in book.problems if f.severity == Severity.ERROR]
    if unreadable:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
        raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no utfall was written:\n{lines}", file=book.path)
    check_distinct(ledgers)
    frames = [_read(Path(p), mapping, agreement_objekt(book)) for p in ledgers]
    result = compute(book, frames, ranges, dedupe)
    return Output([utfall_sheet(result, today)], cell_values=result.cell_values(), result=result)


def utfall_file(source: Path | str, ledgers: list[Path | str], target: Path | str | None = None,
                columns: str | dict[str, str] | None = None, accounts: str | None = None,
                today: dt.date | None = None, *, force: bool = False, notes: list[str] | None = None,
                dedupe: str | tuple[str, ...] | None = None):
    """Read the workbook and the ledger exports, match them (``utfall``), and write a copy of the
    workbook with the Utfall column filled in and the sheet "Utfall".  Returns (target, Utfall)."""
    from .ledger import parse_columns
    from .utfall import parse_accounts
    from .xlsx.file_source import check_not_locked

    source = Path(source)
    target = Path(target) if target else default_output(source, "utfall")

    def build() -> Output:
        mapping = parse_columns(columns) if isinstance(columns, str) or columns is None else columns
        ranges = parse_accounts(accounts)
        built = utfall(read(source), ledgers, mapping, ranges, today, dedupe)
        check_not_locked(source)
        return built

    return target, write_copy(source, target, build, force=force, inputs=ledgers, notes=notes).result


# --- bokslut: the year's close ------------------------------------------------------------------------------

def is_decision_book(path: Path) -> bool:
    """A decision-support workbook (a table Aktiviteter) rather than a ledger export (``bokslut`` takes both)."""
    from .workbook_format import ACTIVITIES_TABLE
    from .xlsx.package import Package

    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        return False
    with Package(path) as pkg:
        return any(t.name.casefold() == ACTIVITIES_TABLE.casefold() for t in pkg.tables())


def bokslut_files(paths: list[Path | str], target: Path | str | None = None, columns: str | None = None,
                  accounts: str | None = None, period: int | None = None, today: dt.date | None = None, *,
                  force: bool = False, notes: list[str] | None = None, dedupe=None):
    """The year's close of each decision-support workbook among ``paths`` from the ledger exports among them
    (``bokslut``): a copy of each workbook with the sheets Bokslut and Bidragsreskontra, and the entries as a
    CSV beside it.  Returns [(workbook output, CSV, Closing)]."""
    from . import bokslut
    from .closing import entries_csv, closing_sheet, grant_ledger_sheet
    from .ledger import _read, check_distinct, parse_columns
    from .outputs import claim, write_bytes
    from .utfall import CLOSING_PERIOD, agreement_objekt, compute, parse_accounts

    paths = [Path(p) for p in paths]
    books = [p for p in paths if is_decision_book(p)]
    ledgers = [p for p in paths if p not in books]
    if not books:
        raise UserError("no decision-support workbook (a workbook with the table Aktiviteter) among the files")
    if not ledgers:
        raise UserError("no ledger export among the files: give the year's ledger (CSV, .xlsx or SIE) after the "
                        "workbooks")
    if target is not None and len(books) > 1:
        raise UserError("-o names one output: give it with one workbook only (several get WORKBOOK_bokslut.xlsx)")
    mapping = parse_columns(columns) if isinstance(columns, str) or columns is None else columns
    ranges = parse_accounts(accounts)
    check_distinct(ledgers)
    cut = period or CLOSING_PERIOD
    results = []
    for source in books:
        book = read(source)
        unreadable = [f for f in book.problems if f.severity == Severity.ERROR]
        if unreadable:
            lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
            raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no bokslut was written:\n{lines}",
                            file=source)
        frames = [_read(p, mapping, agreement_objekt(book)) for p in ledgers]
        result = compute(book, frames, ranges, dedupe, cut)
        results.append((bokslut.close(book, result), result))
    bokslut.claims(results)
    out = []
    for source, (closing, result) in zip(books, results):
        workbook = Path(target) if target else default_output(source, "bokslut")
        csv_path = workbook.with_suffix(".csv")
        csv_claim = claim(csv_path, [source, *ledgers], force, "-o")
        sheets = [closing_sheet(closing), grant_ledger_sheet(closing.book, closing.rows)]
        write_copy(source, workbook, lambda: Output(sheets, result=closing), force=force, inputs=ledgers, notes=notes)
        write_bytes(csv_claim, entries_csv(closing.entries).encode("utf-8-sig"))
        if notes is not None:
            notes += csv_claim.notes()
        closing.findings = result.findings
        out.append((workbook, csv_path, closing))
    return out
