"""The jobs the command line (and batch) run on files: read, validate, write the report.

Kept apart from ``cli`` so that argument parsing and printing are all the CLI does.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import UserError
from .model import DecisionBook, Finding
from .report import ReportSummary, build_report
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


def report_file(source: Path | str, target: Path | str | None = None,
                today: dt.date | None = None) -> tuple[Path, ReportSummary, list[Finding]]:
    """Write a copy of ``source`` with the Bilaga 2 sheet; the input is never changed."""
    from .xlsx.writer import write_sheet

    source = Path(source)
    target = Path(target) if target else default_output(source)
    check_output(source, target)
    book = read(source)
    unreadable = [f for f in book.problems if f.severity == "error"]
    if unreadable:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
        raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no report was written:\n{lines}",
                        file=source)
    findings = validate(book, today)
    layout, summary = build_report(book, findings, today)
    write_sheet(source, target, layout)
    return target, summary, findings
