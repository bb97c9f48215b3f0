"""What the checks share: the ``Context`` they run with (the day, and what several checks need, computed
once per book), the severities, and the cells the reader could not read (so that no check repeats them).
A check is a plain function ``check(book, ctx) -> list[Finding]`` in the module of its family
(``activities``, ``allocation``, ``outcome``, ``dates``, ``fields``); ``validate.CHECKS`` lists them."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.errors import Location
from ..core.model import DecisionBook, Finding, Severity
from ..core.records import Record

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
ZERO = Decimal(0)


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class PotSums(Record):
    """Decided amounts per known pot (by pot name as in Potter), for activities without a pot, and
    what the pots that are not earmarked have left after the activities assigned to them (an
    over-allocated pot counts as empty: it is reported on its own)."""

    per_pot: dict[str, Decimal]
    unassigned: Decimal
    free_left: Decimal


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Context(Record):
    """What checks are run with: the day, and what several checks share, computed once per book."""

    today: dt.date = field(default_factory=dt.date.today)
    _pot_sums: dict[int, PotSums] = field(default_factory=dict, repr=False)

    def pot_sums(self, book: DecisionBook) -> PotSums:
        if id(book) not in self._pot_sums:
            self._pot_sums[id(book)] = _pot_sums(book)
        return self._pot_sums[id(book)]


def check_readable(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Cells the reader could not read (amounts, dates).  Not one of CHECKS: ``validate`` puts the
    reader's problems first, apart from the checks' findings."""
    return list(book.problems)


def _unreadable(book: DecisionBook) -> set[Location]:
    """The cells the reader could not read (reported as the reader's problems, so no check repeats them)."""
    return {f.location for f in book.problems if f.severity == ERROR}


def _pot_sums(book: DecisionBook) -> PotSums:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unassigned = ZERO
    pots: dict[str, object] = {}  # an activity's pot text -> its pot (found once per text)
    for a in book.activities:
        pot = (pots[a.pot] if a.pot in pots else pots.setdefault(a.pot, book.agreement.pot(a.pot))) \
            if a.pot else None
        if pot is not None:
            sums[pot.name] += a.amount or ZERO
        elif not a.pot:
            unassigned += a.amount or ZERO
    free_left = sum((max(ZERO, p.amount - sums.get(p.name, ZERO)) for p in book.agreement.pots if not p.earmarked),
                    ZERO)
    return PotSums(dict(sums), unassigned, free_left)
