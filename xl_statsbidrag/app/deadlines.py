"""The use case "deadlines": the deadlines of several workbooks' agreements (``check.deadlines``), soonest
first, and the calendar of them (``files.ics``) written by the output rule."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..check.deadlines import Deadline, deadlines_of_books
from ..core.errors import UserError
from ..files.ics import calendar
from . import outputs
from .files import read_file


def deadlines_of(paths: list[Path | str]) -> tuple[list[Deadline], list[tuple[str, str]], list[str]]:
    """The deadlines of the workbooks (one entry per agreement and year), (file, reason) for those that
    cannot be read, and a warning for each agreement given in more than one workbook."""
    books, failed = [], []
    for path in paths:
        try:
            books.append((str(path), read_file(path).agreement))
        except UserError as exc:
            failed.append((str(path), exc.message if not exc.location else f"{exc.location}: {exc.message}"))
    found, warnings = deadlines_of_books(books)
    return found, failed, warnings


def write_calendar(claimed: outputs.Claim, items: list[Deadline], today: dt.date,
                   reminders: dict[str, tuple[int, ...]]) -> list[str]:
    """The calendar of ``items`` written to the claimed output (``--ics``); returns what the summary says."""
    outputs.write_bytes(claimed, calendar(items, today, reminders))
    return claimed.notes()
