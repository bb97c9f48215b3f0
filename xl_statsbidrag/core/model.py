"""The domain model: an agreement (överenskommelse) with its pots, and the region's activities.

Every value read from a workbook keeps the cell it came from (``cells``), so that every
finding and every error can point at it.  Amounts are ``Decimal``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from .errors import Location
from .grantledger import GrantYear
from .records import FrozenRecord, Record

# The sheet the agreement's values are on: where a finding about a value the workbook lacks points
# (``Agreement.loc``).  The workbook format (read.workbook_format) names it from here.
AGREEMENT_SHEET = "Överenskommelse"
# The grant ledger's pot name for the pots that are not earmarked, when there are several (one row).
OTHER_POTS = "Övriga medel"


class DutyFields(NamedTuple):
    """A duty every agreement has, and the fields of ``Agreement`` that hold its deadline (the
    agreement's, "externt"), the region's own earlier one ("internt"), and when it was done, with a
    reference (diary number, voucher).  A requisition also counts as done when the grant is paid out."""

    key: str  # for --remind and the overview's columns
    kind: str  # what the duty is, as the finance user reads it
    deadline: str
    internal: str
    done: str
    reference: str


DUTIES = (
    DutyFields("rekvisition", "Rekvisition", "requisition_deadline", "requisition_internal", "requisition_done",
               "requisition_ref"),
    DutyFields("redovisning", "Ekonomisk redovisning", "report_deadline", "report_internal", "report_done",
               "report_ref"),
    DutyFields("aterbetalning", "Återbetalning av ej förbrukade medel", "repayment_deadline", "repayment_internal",
               "repayment_done", "repayment_ref"),
    DutyFields("socialstyrelsen", "Rapport till Socialstyrelsen", "socialstyrelsen_deadline",
               "socialstyrelsen_internal", "socialstyrelsen_done", "socialstyrelsen_ref"),
)


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Pot(Record):
    """A part of the grant with its own amount, e.g. stimulansmedel or an earmarked pot."""

    name: str
    amount: Decimal
    earmarked: bool = False
    purpose: str = ""
    cells: dict[str, Location] = field(default_factory=dict, repr=False, compare=False)


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Objekt(Record):
    """An objekt (the accounting dimension the activities' costs are booked on) and its description."""

    code: str
    description: str = ""
    cells: dict[str, Location] = field(default_factory=dict, repr=False, compare=False)


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Duty(Record):
    """A reporting duty the agreement names beyond the four of every agreement (a row of the table
    Redovisningar): its deadline, the region's own earlier one, and when it was done."""

    name: str
    recipient: str = ""
    deadline: dt.date | None = None
    internal: dt.date | None = None
    done: dt.date | None = None
    reference: str = ""
    cells: dict[str, Location] = field(default_factory=dict, repr=False, compare=False)


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Agreement(Record):
    """The agreement (överenskommelse) as the workbook gives it: its pots, objekt, diary numbers,
    period, deadlines, the payer's and recipient's details, and the region's decisions about it."""

    name: str
    year: int
    pots: list[Pot]
    objekt: list[Objekt] = field(default_factory=list)
    region_dnr: str = ""
    rk_dnr_agreement: str = ""
    rk_dnr_payment: str = ""
    decided_total: Decimal | None = None
    decision_date: dt.date | None = None
    paid_out: Decimal | None = None
    paid_out_date: dt.date | None = None
    payer: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    requisition_deadline: dt.date | None = None
    report_deadline: dt.date | None = None
    repayment_deadline: dt.date | None = None
    socialstyrelsen_deadline: dt.date | None = None
    requisition_amount: Decimal | None = None
    giro: str = ""
    payment_reference: str = ""
    recipient: str = ""
    org_number: str = ""
    contact_person: str = ""
    postal_address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    finance_head: str = ""
    finance_head_title: str = ""
    finance_head_phone: str = ""
    finance_head_email: str = ""
    signatory: str = ""
    requisition_reduces: str = ""  # the pot a partial payment reduces (default: the part that is not earmarked)
    unmatched_decision: str = ""  # "räknas med" / "räknas inte": costs on the objekt that no activity has
    unmatched_reason: str = ""
    deviation_threshold: Decimal | None = None  # utfall above budget by more needs a comment (default 0)
    per_year: str = ""  # "ja": a report period of several years is split per year on the form
    carry_over: str = ""  # "ja": money not used may be used the next year (Överfört), else it is owed
    account_owed: str = ""  # the closing entries' accounts (bokslut); empty: BAS's (see ``bokslut``)
    account_deferred: str = ""
    account_accrued: str = ""
    # the duties' deadlines of the region's own, what is done (date, reference), other reporting duties,
    # the earlier agreement that deadlines are assumed from, and deadline cells that say "Ingen" (issue 24)
    requisition_internal: dt.date | None = None
    requisition_done: dt.date | None = None
    requisition_ref: str = ""
    report_internal: dt.date | None = None
    report_done: dt.date | None = None
    report_ref: str = ""
    repayment_internal: dt.date | None = None
    repayment_done: dt.date | None = None
    repayment_ref: str = ""
    socialstyrelsen_internal: dt.date | None = None
    socialstyrelsen_done: dt.date | None = None
    socialstyrelsen_ref: str = ""
    deadlines_assumed: str = ""
    duties: list[Duty] = field(default_factory=list)
    no_deadline: frozenset[str] = frozenset()
    cells: dict[str, Location] = field(default_factory=dict, repr=False, compare=False)

    @property
    def total(self) -> Decimal:
        """Summa bidrag enligt överenskommelsen: the sum of the pots."""
        return sum((p.amount for p in self.pots), Decimal(0))

    @property
    def received(self) -> Decimal:
        """Bidrag som erhållits: what was paid out, or the agreement's total if not stated."""
        return self.paid_out if self.paid_out is not None else self.total

    @property
    def requested(self) -> Decimal:
        """Belopp som rekvireras: as given, else the whole grant."""
        return self.requisition_amount if self.requisition_amount is not None else self.total

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        start = self.period_start or dt.date(self.year, 1, 1)
        end = self.period_end or dt.date(self.year, 12, 31)
        return start, end

    def pot(self, name: str) -> Pot | None:
        key = name.strip().casefold()
        return next((p for p in self.pots if p.name.strip().casefold() == key), None)

    def loc(self, name: str) -> Location:
        return self.cells.get(name, Location(AGREEMENT_SHEET))

    def done(self, duty: DutyFields) -> tuple[bool, dt.date | None, str]:
        """Whether a duty is done, when, and its reference: done when its date is filled in (a reference
        alone may be the case's diary number, given before anything is sent); a requisition also when the
        grant is paid out."""
        day, ref = getattr(self, duty.done), getattr(self, duty.reference)
        if day is not None:
            return True, day, ref
        if duty.key == "rekvisition" and (self.paid_out is not None or self.paid_out_date is not None):
            return True, self.paid_out_date, ref
        return False, None, ""


@dataclass(slots=True, repr=False, eq=False)  # repr and == from Record (issue 28)
class Activity(Record):
    """One row of the activity table.  ``columns`` maps a field to its column letter; it is
    shared by all rows of a table, so that a large list costs no more than its values."""

    row: int
    name: str
    verksamhet: str
    amount: Decimal | None
    objekt: str
    earlier_decision: str = ""
    decision_ref: str = ""
    next_year: str = ""
    pot: str = ""
    code: str = ""
    actual: Decimal | None = None
    comment: str = ""
    internal_comment: str = ""
    sheet: str | None = field(default=None, repr=False, compare=False)
    columns: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def loc(self, name: str = "name") -> Location:
        column = self.columns.get(name) or self.columns.get("name")
        return Location(self.sheet, f"{column}{self.row}" if column else None)


class Severity(StrEnum):
    """How serious a finding is.  A ``str`` enum: it compares equal to, and is written to JSON as,
    "error", "warning" or "info"; ``rank`` orders findings, ``sv`` is the name the finance user reads."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def sv(self) -> str:
        return _SEVERITY_SV[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SEVERITY_SV = {Severity.ERROR: "Fel", Severity.WARNING: "Varning", Severity.INFO: "Info"}


@dataclass(frozen=True, repr=False, eq=False)  # repr, == and hash from FrozenRecord (issue 28)
class Finding(FrozenRecord):
    """Something validation (or reading) found: its ``Severity``, a short code, a Swedish message
    for the finance user, where it is, and the amount it is about."""

    severity: Severity
    code: str
    message: str
    location: Location = Location()
    amount: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))  # "error" is accepted as ERROR

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"severity": self.severity.value, "code": self.code, "message": self.message,
                                  "sheet": self.location.sheet, "cell": self.location.cell}
        if self.amount is not None:
            out["amount"] = str(self.amount)
        return out


@dataclass(frozen=True, init=False, repr=False, eq=False)  # __init__, repr, == and hash from FrozenRecord (issue 28)
class LedgerObjekt(FrozenRecord):
    """One objekt's row of the reconciliation that ``utfall`` wrote into the workbook (sheet Utfall, table
    UtfallAvstamning): what the ledger has on it, in kronor, by where it went.  ``total`` is the sum of the
    others."""

    objekt: str
    total: Decimal
    matched: Decimal  # to activities
    objekt_level: Decimal  # to several activities without a code of their own: left at the objekt
    unmatched: Decimal  # cost accounts, no activity
    income: Decimal  # class 3 (the grant booked on the objekt is negative: a credit)
    other: Decimal  # other accounts
    outside: Decimal  # outside the period
    location: Location = Location()


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class DecisionBook(Record):
    """A decision-support workbook (beslutsunderlag) as read."""

    path: str
    agreement: Agreement
    activities: list[Activity]
    table_location: Location = field(default_factory=Location)
    problems: list[Finding] = field(default_factory=list)
    ledger: list[LedgerObjekt] = field(default_factory=list)  # the reconciliation of the last ``utfall``
    grant_ledger: list[GrantYear] = field(default_factory=list)  # the table Bidragsreskontra

    @property
    def decided(self) -> Decimal:
        return sum((a.amount or Decimal(0) for a in self.activities), Decimal(0))

    @property
    def has_outcome(self) -> bool:
        """True when actual costs (utfall) are filled in for at least one activity."""
        return any(a.actual is not None for a in self.activities)

    @property
    def outcome_complete(self) -> bool:
        """True when every activity has its utfall."""
        return bool(self.activities) and all(a.actual is not None for a in self.activities)


def cost(a: Activity) -> Decimal:
    """An activity's cost in the report: its utfall, or its budget while it has none."""
    return a.actual if a.actual is not None else (a.amount or Decimal(0))
