"""Validation of a decision-support workbook: a list of small checks.

As in beancount, what the reader could not read (``book.problems``) is kept apart from what the
checks find: ``validate()`` returns the reader's problems first, then every check's findings,
sorted by severity (stable, so each check keeps its order).  Each check is a plain function
``check(book, context) -> list[Finding]``; ``CHECKS`` lists them; the ``Context`` holds the day
and what several checks share (the sums per pot, computed once).  ``validate_amounts()`` checks
a bare range of amounts (the worksheet function).  Messages are Swedish (they are shown to the
finance user in Excel and in the Bilaga 2 report); every finding carries the cell it is about.

To add a check: write ``check_x(book, ctx)`` returning Findings in the module of its family, add it to
``CHECKS``, and its code to ``codes.CODES``.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from ..core.errors import Location
from ..core.model import Activity, Agreement, DecisionBook, Finding, Pot
from .activities import (check_amounts, check_duplicates, check_earlier_decisions, check_names, check_next_year,
                         check_objekt, check_pot_names)
from .allocation import check_allocation, check_decision_total, check_earmarked
from .context import ERROR, Context, check_readable
from .dates import check_dates, check_duty_dates, check_socialstyrelsen
from .grantledger import check_grant_ledger
from .fields import REQUISITION_FIELDS, check_report_fields, check_requisition, check_yes_no, missing_fields
from .outcome import check_earmarked_outcome, check_ledger, check_outcome, check_paid_out

Check = Callable[[DecisionBook, Context], list[Finding]]
CHECKS: list[Check] = [
    check_names,
    check_amounts,
    check_objekt,
    check_pot_names,
    check_duplicates,
    check_allocation,
    check_earmarked,
    check_earmarked_outcome,
    check_earlier_decisions,
    check_decision_total,
    check_paid_out,
    check_outcome,
    check_ledger,
    check_grant_ledger,
    check_yes_no,
    check_dates,
    check_duty_dates,
    check_socialstyrelsen,
    check_report_fields,
    check_requisition,
    check_next_year,
]


def validate(book: DecisionBook, today: dt.date | None = None, checks: list[Check] | None = None) -> list[Finding]:
    """The reader's problems, then every check's findings (or the given checks'); sorted by severity,
    keeping each one's order."""
    ctx = Context(today or dt.date.today())
    findings = check_readable(book, ctx) + [f for check in (CHECKS if checks is None else checks)
                                            for f in check(book, ctx)]
    return sorted(findings, key=lambda f: f.severity.rank)


def requisition_findings(book: DecisionBook, today: dt.date | None = None) -> list[Finding]:
    """What the requisition form needs, for the ``rekvisition`` command and the button alike: the
    requisition's checks (a missing bankgiro/plusgiro is an error here: the form cannot be sent without
    it) and the contact details and diary numbers the form prints."""
    ctx = Context(today or dt.date.today())
    found = [Finding(ERROR, f.code, f.message, f.location, f.amount) if f.code == "giro-saknas" else f
             for f in check_requisition(book, ctx)]
    fields = missing_fields(book.agreement, REQUISITION_FIELDS, "rekvisitionen")
    return sorted(found + fields, key=lambda f: f.severity.rank)


# The checks that need nothing but amounts, their names and pots (no agreement, no workbook).
AMOUNT_CHECKS: list[Check] = [check_amounts, check_pot_names, check_duplicates, check_allocation, check_earmarked]


def validate_amounts(activities: list[Activity], pots: list[Pot], problems: list[Finding] | None = None,
                     today: dt.date | None = None) -> list[Finding]:
    """Validate a bare range of amounts (activities with a name, an amount and perhaps a pot) against
    pots: the reader's ``problems`` first, then the findings of ``AMOUNT_CHECKS``, as ``validate``."""
    book = DecisionBook("", Agreement("", 0, pots), activities, Location(), list(problems or []))
    return validate(book, today, AMOUNT_CHECKS)
