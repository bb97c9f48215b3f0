"""The year's close (bokslut) of one agreement, as data: the proposed entries of the closing voucher and what
``ledger.bokslut.close`` found (the figures per part, the grant ledger with the closed year's rows, what needs
the controller's eye).  The sheet Bokslut (``forms.bokslut``) and the CSV (``app.bokslut``) render it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

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
