"""The year's close (bokslut) of one agreement, as data: the proposed entries of the closing voucher and what
``ledger.bokslut.close`` found (the figures per part, the grant ledger with the closed year's rows, what needs
the controller's eye).  The sheet Bokslut (``forms.bokslut``) and the CSV (``app.bokslut``) render it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .errors import UserError
from .grantledger import GrantYear
from .model import DecisionBook
from .yearend import YearEnd


@dataclass(frozen=True)
class Entry:
    """One line of a proposed closing voucher."""

    date: dt.date
    konto: str
    ansvar: str
    verksamhet: str
    aktivitet: str
    objekt: str
    debet: Decimal
    kredit: Decimal
    text: str
    why: str  # what the line is for, in Swedish (not part of the CSV for the accounts)


@dataclass
class Closing:
    """What ``bokslut.close`` found for one agreement's year."""

    book: DecisionBook
    year_end: YearEnd
    year: int
    entries: list[Entry] = field(default_factory=list)
    rows: list[GrantYear] = field(default_factory=list)  # the grant ledger with the closed year's rows
    accruals: list[tuple[str, ...]] = field(default_factory=list)  # the transactions behind the accruals
    assets: list[tuple[str, ...]] = field(default_factory=list)  # class 1 on the objekt: investments
    claims: list[tuple[str, ...]] = field(default_factory=list)  # transactions two agreements claim
    unclaimed: list[tuple[str, ...]] = field(default_factory=list)  # transactions no agreement claims
    notes: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)  # utfall's findings on the ledger (model.Finding)


def year_of(book: DecisionBook, year: int | None = None) -> tuple[DecisionBook, bool]:
    """The book as ``bokslut`` closes one calendar year of its report period (None: the period's last), and
    whether that year is a middle one (the period goes on after it).

    A period of one year is the book itself.  Over several years, the close is of that year alone: the
    period cut to it (so that utfall counts the year's costs), nothing received unless the grant was paid
    out that year (paid out in the period's first year when no date is given), and in a middle year what
    is not used stays for the period's next years (carried over as prepaid income, whatever the agreement
    says of the time after the period).  The last year is closed alone only when Bidragsreskontra has the
    earlier years' rows (what they carried comes in from there); without them the whole period is closed
    at once, as the ledgers given allow.  A later year without the row of the year before is refused:
    the years are closed in order."""
    ag = book.agreement
    start, end = ag.period
    year = end.year if year is None else year
    if not start.year <= year <= end.year:
        raise UserError(f"--year {year} is not a year of the report period {start.isoformat()} – {end.isoformat()}",
                        file=book.path or None)
    if start.year == end.year:
        return book, False
    middle = year < end.year
    before = any(r.year == year - 1 for r in book.grant_ledger)
    if year > start.year and not before:
        if not middle:
            return book, False
        raise UserError(f"Bidragsreskontra has no row for {year - 1}: close the period's years in order "
                        f"(bokslut --year {start.year} first, then type or keep its rows)", file=book.path or None)
    paid = ag.paid_out_date.year if ag.paid_out_date else start.year
    changes: dict[str, object] = dict(period_start=max(start, dt.date(year, 1, 1)),
                                      period_end=min(end, dt.date(year, 12, 31)))
    if year != paid:
        changes["paid_out"] = Decimal(0)
    if middle:
        changes["carry_over"] = "ja"
    return replace(book, agreement=replace(ag, **changes)), middle
