"""The use case "rekvisition": the sheet Rekvisition (``forms.rekvisition``), the region's request that
Kammarkollegiet pay out the grant, and what the requisition needs (``check.validate.requisition_findings``:
a missing bankgiro/plusgiro is an error here).  ``requisition(book, target)`` is what the command and the
button "Rekvisition" (and Lite) run, so that both give the same findings and refuse the same workbooks."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..check.validate import requisition_findings
from ..core.model import Agreement, DecisionBook, Finding, Severity
from ..forms.rekvisition import requisition_sheet
from ..read.workbook_format import AGREEMENT_SHEET
from .files import FileCopy, read_file
from .target import Output, Target, refuse_unreadable


def requisition(book: DecisionBook, target: Target, today: dt.date | None = None
                ) -> tuple[Agreement, list[Finding]]:
    """A cell of the agreement sheet that cannot be read is refused; else the sheet Rekvisition is written to
    ``target``.  Returns (the agreement, the findings about the requisition and the form's fields)."""
    refuse_unreadable([f for f in book.problems if f.severity == Severity.ERROR
                       and f.location.sheet == AGREEMENT_SHEET], book.path, "requisition")
    target.write(Output([requisition_sheet(book)]))
    return book.agreement, requisition_findings(book, today)


def requisition_file(source: Path | str, target: Path | str | None = None, today: dt.date | None = None, *,
                     force: bool = False, notes: list[str] | None = None):
    """``requisition`` on a workbook file: a copy of ``source`` with the sheet Rekvisition (default
    ``NAME_rekvisition.xlsx``).  Returns (the output, the agreement, the findings)."""
    copy = FileCopy(source, target, tag="rekvisition", force=force)
    agreement, findings = requisition(read_file(copy.source), copy, today)
    if notes is not None:
        notes += copy.notes
    return copy.path, agreement, findings
