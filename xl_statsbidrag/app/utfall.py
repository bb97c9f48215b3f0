"""The use case "utfall": the ledger exports matched to the workbook's activities (``ledger.match``), the
Utfall cells of the table Aktiviteter set, and the sheet Utfall written (``forms.utfall``).
``utfall(book, target, ...)`` is what the command and the button "Hämta utfall" run, so that both give
the same findings and refuse the same workbooks; ``utfall_file`` is the command's way in."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.model import DecisionBook, Severity
from ..forms.utfall import utfall_sheet
from ..ledger.frame import parse_columns
from ..ledger.match import Utfall, agreement_objekt, compute, parse_accounts
from ..ledger.read import check_distinct, read
from .files import FileCopy, read_file
from .target import Output, Target, refuse_unreadable


def utfall(book: DecisionBook, target: Target, ledgers: list[Path | str], mapping: dict[str, str] | None = None,
           ranges=None, today: dt.date | None = None, dedupe: str | tuple[str, ...] | None = None) -> Utfall:
    """A workbook with cells that cannot be read is refused; else the ledger exports (read with the column
    ``mapping`` and the account ``ranges``, see ``ledger.frame.parse_columns`` and
    ``ledger.match.parse_accounts``; the same export twice refused; ``dedupe``: the key by which rows of a
    later file that an earlier one has are counted once, ``ledger.match.combine``) are matched to its
    activities, and the Utfall cells and the sheet Utfall written to ``target``.  Returns the match."""
    refuse_unreadable([f for f in book.problems if f.severity == Severity.ERROR], book.path, "utfall")
    check_distinct(ledgers)
    frames = [read(Path(p), mapping, agreement_objekt(book)) for p in ledgers]
    result = compute(book, frames, ranges, dedupe)
    target.write(Output([utfall_sheet(result.sheet_data(), today)], cell_values=result.cell_values()))
    return result


def options(columns: str | dict[str, str] | None, accounts: str | None) -> tuple[dict[str, str], list]:
    """The column mapping (``--columns``) and the cost accounts (``--accounts``) as ``utfall`` takes them."""
    mapping = parse_columns(columns) if isinstance(columns, str) or columns is None else columns
    return mapping, parse_accounts(accounts)


def utfall_file(source: Path | str, ledgers: list[Path | str], target: Path | str | None = None,
                columns: str | dict[str, str] | None = None, accounts: str | None = None,
                today: dt.date | None = None, *, force: bool = False, notes: list[str] | None = None,
                dedupe: str | tuple[str, ...] | None = None) -> tuple[Path, Utfall]:
    """``utfall`` on a workbook file: a copy of ``source`` with the Utfall column filled in and the sheet
    Utfall (default ``NAME_utfall.xlsx``); a ledger is never the output.  Returns (the output, the match)."""
    copy = FileCopy(source, target, tag="utfall", force=force, inputs=ledgers)
    mapping, ranges = options(columns, accounts)
    result = utfall(read_file(copy.source), copy, ledgers, mapping, ranges, today, dedupe)
    if notes is not None:
        notes += copy.notes
    return copy.path, result
