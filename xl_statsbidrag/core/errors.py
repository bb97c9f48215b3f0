"""Errors a user can cause, and where in a workbook they are."""
from __future__ import annotations

from typing import NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)


class Location(NamedTuple):  # (see the import of NamedTuple)
    """A place in a workbook: a sheet and, where known, a cell or range ("E7", "A3:J26")."""

    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.cell or ""


class UserError(Exception):
    """A mistake in the input or the command, reported as one line without a traceback.

    ``str()`` gives "FILE: SHEET!CELL: message" with the parts that are known.
    """

    exit_code = 2

    def __init__(self, message: str, *, file: object = None, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.location = location

    def with_file(self, file: object) -> "UserError":
        if self.file is None:
            self.file = str(file)
        return self

    def __str__(self) -> str:
        parts = [p for p in (self.file, str(self.location) if self.location else None) if p]
        return ": ".join(parts + [self.message])
