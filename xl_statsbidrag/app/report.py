"""The use case "report": the economic report of a workbook's agreement (the form ``forms.registry`` picks
for it: Bilaga 2 unless the catalogue names another) and the sheet Kontroll beside it, with the report's
provenance in the document properties.  ``report(book, target)`` is what ``xl-statsbidrag report``,
``batch``, the button "Skapa Bilaga 2" and xlwings Lite run; ``report_file`` is the command's way in.

A cell of the budget, the activities' names or the agreement that cannot be read is refused (a report
with a hole in its figures is worse than none); an utfall cell that cannot be read is reported on
Kontroll and makes the suggestion Alt 2, and a comment that cannot be read is reported and left out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..check.suggestion import Suggestion, suggest
from ..check.validate import validate
from ..core.model import DecisionBook, Finding, Severity
from ..core.records import Record
from ..core.yearend import year_end
from ..forms.kontroll import kontroll_sheet
from ..forms.aterbetalning import repayment_sheet
from ..forms.layout import SheetLayout
from ..forms.registry import form_for
from .files import FileCopy, read_workbook, with_recalculate_hint
from .target import Output, Target, Unreadable, refuse_unreadable


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class ReportSummary(Record):
    """What a report shows, for the command's summary: the figures of point 3 and the suggestion."""

    received: Decimal
    costs: Decimal
    unused: Decimal  # as printed: never below zero
    repay: Decimal
    own: Decimal  # Egen finansiering
    activities: int
    outcome: bool  # some utfall
    complete: bool  # utfall for every activity
    suggestion: Suggestion
    pages: int

    @property
    def alternative(self) -> int | None:
        return self.suggestion.alternative


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Report(Record):
    """What ``report`` writes: the form, the sheet Kontroll, the repayment note Återbetalning (for accounts
    payable), and the document properties."""

    form: SheetLayout
    check: SheetLayout
    summary: ReportSummary
    findings: list[Finding]
    properties: dict[str, str]
    book: DecisionBook
    repayment: SheetLayout | None = None

    @property
    def sheets(self) -> list[SheetLayout]:
        return [self.form, self.check] + ([self.repayment] if self.repayment is not None else [])


def build_report(book: DecisionBook, findings: list[Finding] | None = None,
                 today: dt.date | None = None) -> tuple[SheetLayout, ReportSummary]:
    """The agreement's form for ``book`` and what it reports (the figures of point 3, the suggestion for
    point 4 from the ``findings``, by default ``validate``'s)."""
    findings = validate(book, today or dt.date.today()) if findings is None else findings
    sheet, pages = form_for(book).build(book)
    ye = year_end(book)
    summary = ReportSummary(book.agreement.received, ye.costs, ye.unused, ye.to_repay, ye.own, len(book.activities),
                            book.has_outcome, book.outcome_complete, suggest(book, findings), pages)
    return sheet, summary


def checked_report(book: DecisionBook, today: dt.date | None = None
                   ) -> tuple[SheetLayout, ReportSummary, list[Finding]]:
    """Validate and lay out the report; a cell that cannot be read is refused (see the module)."""
    reported = {a.loc(name) for a in book.activities for name in ("actual", "comment") if name in a.columns}
    refuse_unreadable([f for f in book.problems if f.severity == Severity.ERROR and f.location not in reported],
                      book.path, "report")
    findings = validate(book, today)
    layout, summary = build_report(book, findings, today)
    return layout, summary, findings


def provenance(book: DecisionBook, created: dt.datetime | None = None) -> dict[str, str]:
    """What goes into the workbook's document properties: the tool, its version, the source, the time."""
    created = created or dt.datetime.now().replace(microsecond=0)
    return {"Bilaga 2 skapad av": f"xl-statsbidrag {__version__}",
            "Bilaga 2 underlag": Path(book.path).name if book.path else "",
            "Bilaga 2 skapad": created.isoformat(sep=" ")}


def make_report(book: DecisionBook, today: dt.date | None = None, created: dt.datetime | None = None) -> Report:
    """The form, the sheet Kontroll and the repayment note for a workbook (see ``checked_report``)."""
    created = created or dt.datetime.now().replace(microsecond=0)
    form, summary, findings = checked_report(book, today)
    return Report(form, kontroll_sheet(book, findings, today, created), summary, findings,
                  provenance(book, created), book, repayment_sheet(book, year_end(book)))


def report(book: DecisionBook, target: Target, today: dt.date | None = None,
           created: dt.datetime | None = None) -> Report:
    """The use case: the report of ``book`` written to ``target``."""
    made = make_report(book, today, created)
    target.write(Output(made.sheets, made.properties))
    return made


def report_file(source: Path | str, target: Path | str | None = None, today: dt.date | None = None,
                in_place: bool = False, recalculate: bool = False, *, force: bool = False,
                notes: list[str] | None = None) -> tuple[Path, ReportSummary, list[Finding]]:
    """``report`` on a workbook file: a copy of ``source`` with the sheets (default ``NAME_bilaga2.xlsx``
    beside it), or with ``in_place`` the file itself after a backup copy (``app.files.FileCopy``).  With
    ``recalculate`` the values are read from a copy that LibreOffice recalculated (the report is still
    written into a copy of the original package).  Returns (the output, summary, findings)."""
    copy = FileCopy(source, target, in_place=in_place, force=force)
    book = read_workbook(copy.source, recalculate)
    try:
        made = report(book, copy, today)
    except Unreadable as exc:
        raise with_recalculate_hint(exc, book, recalculate)
    if notes is not None:
        notes += copy.notes
    return copy.path, made.summary, made.findings
