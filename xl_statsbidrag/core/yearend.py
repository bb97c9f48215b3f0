"""The figures of Bilaga 2's point 3 at year end, by one rule that the form, Kontroll and validation use.

The grant is split into *parts*.  Each earmarked pot is a part of its own: its money may only go to its
purpose.  The pots that are not earmarked make one part, *övriga medel*, which also carries the activities
without a pot (or with a pot that is not earmarked) and the costs on the objekt that match no activity
when the region decides to count them.  Per part:

- **Bidrag**: the part's money as received.  A partial payment (paid out less than the agreement's total)
  reduces the part the region names (``Agreement.requisition_reduces``; by default övriga medel), then
  the others; a payment above the total goes to övriga medel.  When the grant ledger (``grantledger``) has
  rows for the report's years, it says what there was instead: per pot the first year's Ingående saldo
  plus what was received less what was repaid in those years (a repayment made is netted).
- **Kostnader**: the activities' utfall (their budget while utfall is missing).
- **Ej förbrukat**: max(0, Bidrag − Kostnader).
- **Återbetalas**: an earmarked part repays what it has left; övriga medel repay what they have left after
  covering the earmarked parts' overspend.
- **Egen finansiering**: costs the grant does not cover: övriga medel's own overspend, and the part of an
  earmarked part's overspend that övriga medel do not cover.

So, in total, Återbetalas − Egen finansiering = Bidrag − Kostnader, which the form prints as "Medel som
inte har förbrukats" (0 when negative; the excess is then on the own-financing line).  A part whose costs
are below zero (credit notes larger than the costs) counts them as zero for the repayment: no part repays
more than it received, and nothing repays more than was received.

Example (2019, utfall equal to the budget except the earmarked activity 4 431 730,45 kr and "Sal nr 2 på
Campus" 12 000 000 kr): the earmarked part repays 5 093 945 − 4 431 730,45 = 662 214,55 kr; övriga medel
have 36 103 335 kr against 39 903 144 kr of costs, so the region finances 3 799 809 kr itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)

from .grantledger import GrantYear, by_pot, in_years
from .model import OTHER_POTS, Activity, Agreement, DecisionBook, Pot, cost
from .records import FrozenRecord
from .text import is_yes, normalise_header

ZERO = Decimal(0)
OTHER = ""  # the key of the part that is not earmarked
OTHER_NAME = "Övriga medel"

# What the region writes to count the unmatched costs on the form, or to leave them out (with a reason).
_COUNT = {"räknas med", "räkna med", "ja", "med", "medräknas", "ska räknas med"}
_EXCLUDE = {"räknas inte", "räknas ej", "räkna inte", "nej", "inte", "ej", "undantas", "räknas inte med",
            "ska inte räknas med"}


def unmatched_decision(ag: Agreement) -> bool | None:
    """The region's decision on costs on the objekt that match no activity: True (count them on the form),
    False (leave them out, with a reason), None (not decided, or not a decision this reads)."""
    text = normalise_header(ag.unmatched_decision)
    if text in _COUNT:
        return True
    if text in _EXCLUDE:
        return False
    return None


def deviation_threshold(ag: Agreement) -> Decimal:
    """How far above budget an activity may go without a comment (the workbook's setting; default 0 kr)."""
    return ag.deviation_threshold if ag.deviation_threshold is not None and ag.deviation_threshold >= 0 else ZERO


class Part(NamedTuple):  # (see the import of NamedTuple)
    """A part of the grant as Bilaga 2 reports it (an earmarked pot, or the others together): its figures."""

    key: str  # the earmarked pot's name, or OTHER
    name: str  # as printed
    earmarked: bool
    pots: tuple[Pot, ...]
    activities: tuple[Activity, ...]
    grant: Decimal  # Bidrag, as received
    costs: Decimal  # Kostnader (may be below zero: see the module's docstring)
    unused: Decimal  # Ej förbrukat
    repay: Decimal  # Återbetalas
    own: Decimal  # Egen finansiering
    covered: Decimal = ZERO  # earmarked: of its overspend, what övriga medel cover; övriga: what they cover
    other_costs: Decimal = ZERO  # övriga medel: the counted costs on the objekt without an activity

    @property
    def budget(self) -> Decimal:
        return sum((a.amount or ZERO for a in self.activities), ZERO)


@dataclass(frozen=True, init=False, repr=False, eq=False)  # __init__, repr, == and hash from FrozenRecord (issue 28)
class YearEnd(FrozenRecord):
    """The year's figures of an agreement, per part and in total (see the module)."""

    parts: list[Part]
    received: Decimal
    costs: Decimal  # Summa kostnader: activities, plus the counted unmatched costs
    repay: Decimal
    own: Decimal
    unmatched: dict[str, Decimal] = field(default_factory=dict)  # objekt -> costs matched to no activity
    unmatched_counted: bool | None = None  # the region's decision (None: none)
    reduction: list[tuple[Part, Decimal]] = field(default_factory=list)  # what a partial payment took, per part
    ledger: list[GrantYear] = field(default_factory=list)  # the grant ledger's rows of the report's years
    opening: Decimal = ZERO  # unused money from earlier years (the grant ledger's Ingående saldo, or carried)
    paid_in: Decimal = ZERO  # received from the government in the report's years
    repaid: Decimal = ZERO  # repaid in the report's years (netted)
    carry: bool = False  # what is left may be used next year (``Agreement.carry_over``)

    @property
    def balance(self) -> Decimal:
        """Bidrag − kostnader, with its sign."""
        return self.received - self.costs

    @property
    def unused(self) -> Decimal:
        """Medel som inte har förbrukats, as printed: never below zero."""
        return max(ZERO, self.balance)

    @property
    def counted_unmatched(self) -> dict[str, Decimal]:
        """The unmatched costs per objekt that the form counts (under övriga medel)."""
        return {k: v for k, v in self.unmatched.items() if v} if self.unmatched_counted else {}

    @property
    def to_repay(self) -> Decimal:
        """What is paid back to Kammarkollegiet: what is left, unless the agreement lets it be used next year."""
        return ZERO if self.carry else self.repay

    @property
    def carried(self) -> Decimal:
        """What is left and carried over to next year (where the agreement allows it)."""
        return self.repay if self.carry else ZERO

    @property
    def shortfall(self) -> Decimal:
        """How much less than the agreement's total was received (0 if not less)."""
        return sum((amount for _, amount in self.reduction), ZERO)

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)


def part_key(ag: Agreement, activity: Activity) -> str:
    """The part an activity belongs to: its pot when that is earmarked, else övriga medel."""
    pot = ag.pot(activity.pot) if activity.pot else None
    return pot.name if pot is not None and pot.earmarked else OTHER


def ledger_part(ag: Agreement, pot_name: str) -> str:
    """The part a grant-ledger row's pot belongs to (``OTHER_POTS`` names the pots that are not earmarked)."""
    pot = ag.pot(pot_name)
    return pot.name if pot is not None and pot.earmarked else OTHER


def period_rows(book: DecisionBook) -> list[GrantYear]:
    """The grant ledger's rows of the report's years."""
    start, end = book.agreement.period
    return in_years(book.grant_ledger, start.year, end.year)


def _reduced_first(ag: Agreement) -> str:
    pot = ag.pot(ag.requisition_reduces) if ag.requisition_reduces.strip() else None
    return pot.name if pot is not None and pot.earmarked else OTHER


def year_end(book: DecisionBook, budget: bool = False) -> YearEnd:
    """The year-end figures of the book (utfall where it is filled in, else budget): see the module.
    ``budget``: the decided amounts alone, as the allocation is checked before the year (no ledger)."""
    ag = book.agreement
    earmarked = [p for p in ag.pots if p.earmarked]
    free = tuple(p for p in ag.pots if not p.earmarked)
    keys = [OTHER] + [p.name for p in earmarked]
    pots = {OTHER: free, **{p.name: (p,) for p in earmarked}}
    grants = {k: sum((p.amount for p in pots[k]), ZERO) for k in keys}
    members: dict[str, list[Activity]] = {k: [] for k in keys}
    part_of: dict[str, str] = {}  # an activity's pot text -> its part (part_key depends on nothing else)
    for a in book.activities:
        key = part_of.get(a.pot)
        if key is None:
            key = part_of[a.pot] = part_key(ag, a)
        members[key].append(a)

    # the grant as received, part by part
    reduction: dict[str, Decimal] = {}
    ledger = [] if budget else period_rows(book)
    difference = ag.total - ag.received
    opening = repaid = ZERO
    if ledger:  # the grant ledger says what there was: Ingående saldo + Erhållet - Återbetalt per pot
        grants = {k: ZERO for k in keys}
        for rows in by_pot(ledger).values():
            grants[ledger_part(ag, rows[0].pot)] += rows[0].opening + sum((r.received - r.repaid for r in rows), ZERO)
            opening += rows[0].opening
            repaid += sum((r.repaid for r in rows), ZERO)
        difference = ZERO
    if difference > 0:
        first = _reduced_first(ag)
        for k in [first] + [k for k in keys if k != first]:
            take = min(difference, grants[k])
            if take > 0:
                reduction[k] = take
                grants[k] -= take
                difference -= take
        if difference > 0:  # more than the whole grant: cannot happen with a received amount >= 0
            reduction[OTHER] = reduction.get(OTHER, ZERO) + difference
            grants[OTHER] -= difference
    elif difference < 0:
        grants[OTHER] -= difference
    if not ledger and not budget:  # last year's rows only: what it carried over comes in (what it owed goes back)
        for rows in by_pot(in_years(book.grant_ledger, ag.period[0].year - 1, ag.period[0].year - 1)).values():
            grants[ledger_part(ag, rows[-1].pot)] += rows[-1].carried
            opening += rows[-1].carried

    unmatched = {} if budget else {o.objekt: o.unmatched for o in book.ledger if o.unmatched}
    counted = unmatched_decision(ag)
    other_costs = sum(unmatched.values(), ZERO) if counted else ZERO
    costs = {k: sum(((a.amount or ZERO) if budget else cost(a) for a in members[k]), ZERO) for k in keys}
    costs[OTHER] += other_costs

    # earmarked parts first: each repays its own rest; their overspend waits for övriga medel
    spendable = {k: max(ZERO, costs[k]) for k in keys}
    over = {k: max(ZERO, spendable[k] - grants[k]) for k in keys}
    free_left = max(ZERO, grants[OTHER] - spendable[OTHER])
    cover_left = free_left
    covered: dict[str, Decimal] = {}
    for k in keys[1:]:
        covered[k] = min(cover_left, over[k])
        cover_left -= covered[k]
    cover_total = free_left - cover_left

    parts: list[Part] = []
    for k in keys:
        if k == OTHER and not (pots[OTHER] or members[OTHER] or other_costs or grants[OTHER]):
            continue
        left = max(ZERO, grants[k] - spendable[k])
        if k == OTHER:
            name = free[0].name if len(free) == 1 else OTHER_NAME
            part = Part(k, name, False, pots[k], tuple(members[k]), grants[k], costs[k], left, left - cover_total,
                        over[k], cover_total, other_costs)
        else:
            part = Part(k, k, True, pots[k], tuple(members[k]), grants[k], costs[k], left, left,
                        over[k] - covered[k], covered[k])
        parts.append(part)
    by_key = {p.key: p for p in parts}
    total_costs = sum((p.costs for p in parts), ZERO)
    paid_in = sum((r.received for r in ledger), ZERO) if ledger else ag.received
    return YearEnd(parts, paid_in + opening - repaid, total_costs, sum((p.repay for p in parts), ZERO),
                   sum((p.own for p in parts), ZERO), unmatched, counted,
                   [(by_key[k], v) for k, v in reduction.items() if k in by_key], ledger, opening, paid_in, repaid,
                   not budget and is_yes(ag.carry_over))
