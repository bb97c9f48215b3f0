"""The use case "bokslut": the year's close of one or more agreements from the year's ledger exports
(``ledger.bokslut``): per workbook the sheets Bokslut (the proposed closing entries and what needs the
controller's eye) and Bidragsreskontra (the grant ledger with the closed year's rows); ``bokslut_files`` is
the command's way in and also writes the entries as a CSV an accounting system can import (``entries_csv``).
"""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from ..core.closing import Closing, Entry, year_of
from ..core.errors import UserError
from ..core.grantledger import problems
from ..core.model import DecisionBook, Severity
from ..files.csv_safe import csv_line
from ..forms.bidragsreskontra import grant_ledger_sheet
from ..forms.bokslut import closing_sheet
from ..ledger import bokslut as closing
from ..ledger.match import CLOSING_PERIOD, agreement_objekt, compute
from ..ledger.read import check_distinct, read
from ..read.workbook_format import ACTIVITIES_TABLE
from ..xlsx.package import Package
from .files import FileCopy, read_file
from .outputs import Claim, claim, write_bytes
from .target import Output, Target, refuse_unreadable
from .utfall import options

# The CSV's columns, in order (scripts and accounting imports depend on them).
CSV_COLUMNS = ("datum", "konto", "ansvar", "verksamhet", "aktivitet", "objekt", "debet", "kredit", "text")


def bokslut(books: list[DecisionBook], targets: list[Target], ledgers: list[Path | str],
            mapping: dict[str, str] | None = None, ranges=None, period: int | None = None,
            dedupe: str | tuple[str, ...] | None = None, year: int | None = None) -> list[Closing]:
    """Close the year of each of ``books`` from the ``ledgers`` (the same export twice refused; ``period``:
    the ledger's last period of the year, default 13), compare what the agreements claim, and write each
    book's sheets to its target.  A workbook with cells that cannot be read is refused before anything is
    written.  ``year``: the calendar year of a report period of several years to close (default its last;
    ``core.closing.year_of``)."""
    for book in books:
        refuse_unreadable([f for f in book.problems if f.severity == Severity.ERROR], book.path, "bokslut")
    years = [year_of(book, year) for book in books]
    for book, _ in years:
        refuse_twice(book)
    check_distinct(ledgers)
    results = []
    for book, middle in years:
        frames = [read(Path(p), mapping, agreement_objekt(book)) for p in ledgers]
        result = compute(book, frames, ranges, dedupe, period or CLOSING_PERIOD)
        results.append((closing.close(book, result, accruals=not middle), result))
    closing.claims(results)
    for (c, result), target in zip(results, targets):
        c.findings = result.findings
        target.write(Output([closing_sheet(c), grant_ledger_sheet(c.book, c.rows)]))
    return [c for c, _ in results]


def refuse_twice(book: DecisionBook) -> None:
    """The closed year's rows of Bidragsreskontra are rewritten one per pot: a pot there twice (payments typed
    on rows of their own) would lose a row, so it is refused with the cells."""
    year = book.agreement.period[1].year
    twice = [p for p in problems(book.grant_ledger) if p.code == "reskontra-dubblett" and p.row.year == year]
    if twice:
        lines = "\n".join(f"  {p.other.loc() if p.other else ''} and {p.row.loc()}: {year} '{p.row.pot}'" for p in twice)
        raise UserError(f"Bidragsreskontra has a pot twice for {year}, so no bokslut was written (the year's rows "
                        f"are written one per pot): put them on one row (the sum; both references in the "
                        f"reference column)\n{lines}", file=book.path or None)


def entries_csv(entries: list[Entry]) -> str:
    """The entries for an accounting system's import: ``CSV_COLUMNS``, ``;``-separated, CRLF, decimal comma
    without thousands separator, dates as YYYY-MM-DD; text fields defused as every CSV the tool writes."""

    def number(v: Decimal) -> str:
        return "" if not v else f"{v:.2f}".replace(".", ",")

    lines = [csv_line(list(CSV_COLUMNS), ";", "\r\n")]
    for e in entries:
        lines.append(csv_line([e.date.isoformat(), e.konto, e.ansvar, e.verksamhet, e.aktivitet, e.objekt,
                               number(e.debet), number(e.kredit), e.text], ";", "\r\n"))
    return "".join(lines)


def is_decision_book(path: Path) -> bool:
    """A decision-support workbook (a table Aktiviteter) rather than a ledger export (``bokslut`` takes both)."""
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        return False
    with Package(path) as pkg:
        return any(t.name.casefold() == ACTIVITIES_TABLE.casefold() for t in pkg.tables())


def bokslut_files(paths: list[Path | str], target: Path | str | None = None, columns: str | None = None,
                  accounts: str | None = None, period: int | None = None, today: dt.date | None = None, *,
                  force: bool = False, notes: list[str] | None = None, dedupe=None, year: int | None = None
                  ) -> list[tuple[Path, Path, Closing]]:
    """``bokslut`` on files: the decision-support workbooks among ``paths`` and the ledger exports among them;
    a copy of each workbook with the sheets (default ``NAME_bokslut.xlsx``), and the entries as a CSV beside
    it (the output's name with ``.csv``).  Returns [(workbook output, CSV, Closing)]."""
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
    mapping, ranges = options(columns, accounts)
    copies = [FileCopy(source, target, tag="bokslut", force=force, inputs=[*books, *ledgers]) for source in books]
    taken: dict[str, Path] = {}
    for copy in copies:  # one workbook given twice, or A.xlsx and A.xlsm: one CSV would overwrite the other
        csv_path = copy.path.with_suffix(".csv")
        where = os.path.normcase(os.path.abspath(csv_path)).casefold()
        if where in taken:
            raise UserError(f"{taken[where]} and {copy.source} would both write {csv_path}: give each workbook "
                            "once, and rename one of two that differ only in .xlsx/.xlsm")
        taken[where] = copy.source
    csvs = [csv_claim(copy.path, [*books, *ledgers], force) for copy in copies]
    closings = bokslut([read_file(copy.source) for copy in copies], copies, ledgers, mapping, ranges, period,
                       dedupe, year)
    out = []
    for copy, csv_out, c in zip(copies, csvs, closings):
        write_csv(csv_out, c)
        if notes is not None:
            notes += copy.notes + csv_out.notes()
        out.append((copy.path, csv_out.path, c))
    return out


def csv_claim(workbook: Path, inputs=(), force: bool = False) -> Claim:
    """The entries' CSV of a workbook: beside it, its name with ``.csv``; the output rule applied before any
    work (never an input, an existing file only when it is the tool's own unchanged output, or ``force``)."""
    return claim(Path(workbook).with_suffix(".csv"), inputs, force, "-o")


def write_csv(target: Claim, c: Closing) -> None:
    """The entries as the CSV (``entries_csv``, UTF-8 with BOM), whole or not at all."""
    write_bytes(target, entries_csv(c.entries).encode("utf-8-sig"))
