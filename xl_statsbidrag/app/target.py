"""The ``Target`` seam: where a use case's sheets go.

A use case lays out its sheets (``forms``) and hands them to its target as one ``Output``; the target
writes them where it writes: ``app.files.FileCopy`` into a copy of a workbook file (or the file itself
after a backup, ``--in-place``), ``app.files.NewWorkbook`` into a new workbook, and
``excel.writer.OpenWorkbook`` into the workbook open in Excel (xlwings).  What each could not do is the
target's to say (``FileCopy.notes``: a backup kept, a signature removed; ``OpenWorkbook``: what this
Excel could not set).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ..core.errors import UserError
from ..core.model import Finding
from ..core.records import Record
from ..forms.layout import SheetLayout


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Output(Record):
    """What a use case writes: sheets added or replaced (a sheet of that name is replaced, keeping its
    place), custom document properties, and cells set in existing sheets ({sheet: {"J5": Decimal or None}})."""

    sheets: list[SheetLayout]
    properties: dict[str, str] | None = None
    cell_values: dict[str, dict[str, Decimal | None]] | None = None


class Target(Protocol):
    """Where a use case's ``Output`` goes."""

    def write(self, output: Output) -> None: ...


class Unreadable(UserError):
    """A use case refused a workbook because cells it needs cannot be read (each named with its cell)."""


def refuse_unreadable(problems: list[Finding], path: str, what: str) -> None:
    """Refuse the work (``what``: "report", "requisition", "utfall") when any of ``problems`` is left."""
    if problems:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in problems)
        raise Unreadable(f"{len(problems)} cell(s) cannot be read, so no {what} was written:\n{lines}",
                         file=path or None)
