"""The grant ledger (bidragsreskontra): an agreement's money year by year and pot by pot, as the region keeps
it in its decision-support workbook (sheet and Excel Table "Bidragsreskontra").

One row per year and pot:

    Utgående saldo = Ingående saldo + Erhållet - Kostnader - Återbetalt

- **Ingående saldo**: the grant money not used at the start of the year: last year's Utgående saldo.
- **Erhållet**: paid out by Kammarkollegiet during the year (with its date and reference).
- **Kostnader**: the costs charged to the pot in the year (the year's utfall, as in that year's Bilaga 2).
- **Återbetalt**: paid back to Kammarkollegiet during the year (with its date and reference).
- **Överfört**: of the Utgående saldo, what the agreement lets the region use next year.  The rest is owed to
  Kammarkollegiet and must be repaid next year (by the repayment deadline).

So a repayment made in March for last year is that year's Återbetalt, and the report of the year nets it:
the money to account for in a year is Ingående saldo + Erhållet - Återbetalt.  Nothing is claimed twice when
each year's Kostnader are that year's utfall alone.  The rules here are plain functions on rows; the checks
that report them are in ``validation`` (``check_grant_ledger``) and the rows for a closed year come from
``yearend`` (``closing_rows``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)

from .errors import Location
from .records import FrozenRecord

ZERO = Decimal(0)


@dataclass(frozen=True, init=False, repr=False, eq=False)  # __init__, repr, == and hash from FrozenRecord (issue 28)
class GrantYear(FrozenRecord):
    """One row of the table Bidragsreskontra."""

    year: int
    pot: str
    opening: Decimal = ZERO  # Ingående saldo
    received: Decimal = ZERO  # Erhållet
    costs: Decimal = ZERO  # Kostnader
    repaid: Decimal = ZERO  # Återbetalt
    carried: Decimal = ZERO  # Överfört (to next year)
    closing: Decimal = ZERO  # Utgående saldo
    received_date: dt.date | None = None
    received_ref: str = ""
    repaid_date: dt.date | None = None
    repaid_ref: str = ""
    cells: dict[str, Location] = field(default_factory=dict, repr=False, compare=False)

    @property
    def computed_closing(self) -> Decimal:
        return self.opening + self.received - self.costs - self.repaid

    @property
    def owed(self) -> Decimal:
        """What of the closing balance may not be used next year: to be repaid."""
        return max(ZERO, self.closing - self.carried)

    @property
    def available(self) -> Decimal:
        """The money to account for in the year: what was there, and came, less what went back."""
        return self.opening + self.received - self.repaid

    def loc(self, name: str = "year") -> Location:
        return self.cells.get(name) or self.cells.get("year") or Location()


def key(pot: str) -> str:
    return " ".join(pot.split()).casefold()


def by_pot(rows: list[GrantYear]) -> dict[str, list[GrantYear]]:
    """The rows per pot (compared as names are), each pot's in year order."""
    out: dict[str, list[GrantYear]] = {}
    for r in rows:
        out.setdefault(key(r.pot), []).append(r)
    return {k: sorted(v, key=lambda r: r.year) for k, v in out.items()}


def in_years(rows: list[GrantYear], first: int, last: int) -> list[GrantYear]:
    return [r for r in rows if first <= r.year <= last]


class Problem(NamedTuple):  # (see the import of NamedTuple)
    """A rule of the ledger that a row breaks (``validation`` turns it into a finding)."""

    code: str
    row: GrantYear
    column: str
    amount: Decimal | None
    expected: Decimal | None = None
    other: GrantYear | None = None


def problems(rows: list[GrantYear]) -> list[Problem]:
    """Every row adds up, each pot's rows roll forward (next year's Ingående saldo is this year's Utgående
    saldo, years without a gap), Överfört is part of the Utgående saldo, what is owed is repaid the year
    after, no year and pot is there twice, and no amount that only goes one way is below zero."""
    out: list[Problem] = []
    seen: dict[tuple[int, str], GrantYear] = {}
    for r in rows:
        if (r.year, key(r.pot)) in seen:
            out.append(Problem("reskontra-dubblett", r, "year", None, other=seen[(r.year, key(r.pot))]))
            continue
        seen[(r.year, key(r.pot))] = r
        for name in ("opening", "received", "repaid", "carried", "closing"):  # costs: a credit may turn them
            if getattr(r, name) < 0:
                out.append(Problem("reskontra-negativt", r, name, getattr(r, name)))
        if r.closing != r.computed_closing:
            out.append(Problem("reskontra-summerar-inte", r, "closing", r.closing, r.computed_closing))
        if r.carried > max(ZERO, r.closing):
            out.append(Problem("reskontra-overfort", r, "carried", r.carried, max(ZERO, r.closing)))
    for pot_rows in by_pot(list(seen.values())).values():
        for before, after in zip(pot_rows, pot_rows[1:]):
            if after.year != before.year + 1:
                out.append(Problem("reskontra-lucka", after, "year", None, other=before))
            elif after.opening != before.closing:
                out.append(Problem("reskontra-rullar-inte", after, "opening", after.opening, before.closing, before))
            if before.owed > 0 and after.repaid < before.owed:
                out.append(Problem("reskontra-ej-aterbetalt", after, "repaid", after.repaid, before.owed, before))
            if before.owed > 0 and after.costs > before.carried + after.received:
                out.append(Problem("reskontra-skuld-anvand", after, "costs", after.costs,
                                   before.carried + after.received, before))
    return out
