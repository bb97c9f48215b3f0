"""Allocation: split a total into whole kronor (or öre) by weights, with totals that add up.

Exact integer arithmetic throughout: weights are scaled to integers, each exact share is
``total * w / W`` as a quotient and remainder, and the rule decides where the leftover units go:

- ``largest-remainder`` (default): everyone gets the floor of the exact share; the leftover units
  go one each to the largest remainders (ties: larger weight, then earlier row);
- ``round-largest``: everyone gets the exact share rounded half up; the difference to the total
  is put on the largest share (ties: earlier row) - the way some published tables do it;
- ``none``: everyone gets the exact share rounded half up, and the difference is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Sequence

from .money import AmountError, format_kr, parse_amount
from .errors import UserError

RULES = ("largest-remainder", "round-largest", "none")
MAX_WEIGHT_EXPONENT = 15  # a weight is a population or a share: below 10^15 ...
MAX_WEIGHT_PLACES = 12  # ... with at most 12 decimals, so the integers it is scaled to stay small
KRONA = Decimal(1)


class AllocationError(UserError):
    """A split that cannot be made; the message names the offending row."""


@dataclass(frozen=True)
class Share:
    """One part of a split: its label, weight and amount."""

    label: str
    weight: Decimal
    amount: Decimal


@dataclass
class Allocation:
    """A total split into shares, by the rule named."""

    total: Decimal
    rule: str
    shares: list[Share]
    source: str = ""
    difference: Decimal = Decimal(0)  # sum of amounts - total; only "none" leaves one

    @property
    def amounts(self) -> list[Decimal]:
        return [s.amount for s in self.shares]

    def by_label(self) -> dict[str, Decimal]:
        return {s.label: s.amount for s in self.shares}


@dataclass
class PotTable:
    """Several pots split over the same weights, with a total per row."""

    pots: list[str]
    labels: list[str]
    weights: list[Decimal] | None  # None for a published table: its amounts are not computed from weights
    amounts: list[list[Decimal]]  # amounts[row][pot]
    allocations: list[Allocation] = field(default_factory=list)

    def row_total(self, row: int) -> Decimal:
        return sum(self.amounts[row], Decimal(0))


def _decimal(value: object, what: str, row: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise AllocationError(f"{row}: {what} '{value}' is not a number")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except Exception:
            raise AllocationError(f"{row}: {what} '{value}' is not a number") from None
    if not number.is_finite():
        raise AllocationError(f"{row}: {what} '{value}' is not a finite number")
    # bounded on the exponent and the digits before any arithmetic (1e999999999, 1e-999999)
    if number and (number.adjusted() >= MAX_WEIGHT_EXPONENT or number.as_tuple().exponent < -MAX_WEIGHT_PLACES):
        raise AllocationError(f"{row}: {what} '{value}' is out of range (up to 10^{MAX_WEIGHT_EXPONENT} "
                              f"with at most {MAX_WEIGHT_PLACES} decimals)")
    return number


def _scale(values: Sequence[Decimal]) -> list[int]:
    """The values as integers with a common power of ten."""
    places = max((-v.as_tuple().exponent for v in values if v.as_tuple().exponent < 0), default=0)
    factor = 10 ** places
    return [int(v * factor) for v in values]


def check_weights(labels: Sequence[str], weights: Iterable[object]) -> list[Decimal]:
    out = []
    seen: dict[str, int] = {}
    labels = list(labels)
    weights = list(weights)
    if not labels:
        raise AllocationError("the weight table is empty")
    if len(labels) != len(weights):
        raise AllocationError(f"{len(labels)} labels but {len(weights)} weights")
    for i, (label, weight) in enumerate(zip(labels, weights), start=1):
        key = label.strip().casefold()
        if key and key in seen:
            raise AllocationError(f"{_row(i, label)}: the region '{label}' is listed twice (also row {seen[key]})")
        seen[key] = i
        number = _decimal(weight, "the weight", _row(i, label))
        if number <= 0:
            raise AllocationError(f"{_row(i, label)}: the weight must be greater than zero, not {weight}")
        out.append(number)
    return out


def _row(i: int, label: str) -> str:
    return f"row {i} ({label})" if label else f"row {i}"


def split(total: object, weights: Sequence[object], labels: Sequence[str] | None = None,
          rule: str = "largest-remainder", unit: Decimal = KRONA, source: str = "") -> Allocation:
    """Split ``total`` by ``weights`` into multiples of ``unit`` (1 kr by default)."""
    if rule not in RULES:
        raise AllocationError(f"unknown rule '{rule}' (choose one of {', '.join(RULES)})")
    labels = [str(x) for x in labels] if labels is not None else [str(i) for i in range(1, len(weights) + 1)]
    ws = check_weights(labels, weights)
    try:
        amount = parse_amount(total) if not isinstance(total, Decimal) else total
    except AmountError as exc:
        raise AllocationError(f"the total: {exc}") from None
    if amount is None:
        raise AllocationError("the total is empty")
    units = amount / unit
    if units != units.to_integral_value():
        raise AllocationError(f"the total {format_kr(amount)} is not a whole number of "
                              f"{'kronor' if unit == KRONA else str(unit) + ' kr'}")
    sign = -1 if units < 0 else 1
    t = abs(int(units))
    w = _scale(ws)
    big_w = sum(w)
    quotients, remainders = zip(*(divmod(t * wi, big_w) for wi in w))
    quotients = list(quotients)
    difference = 0
    if rule == "largest-remainder":
        leftover = t - sum(quotients)
        order = sorted(range(len(w)), key=lambda i: (-remainders[i], -w[i], i))
        for i in order[:leftover]:
            quotients[i] += 1
    else:
        quotients = [q + (1 if 2 * r >= big_w else 0) for q, r in zip(quotients, remainders)]
        difference = sum(quotients) - t
        if rule == "round-largest" and difference:
            largest = max(range(len(w)), key=lambda i: (w[i], -i))
            quotients[largest] -= difference
            difference = 0
    shares = [Share(label, weight, Decimal(sign * q) * unit) for label, weight, q in zip(labels, ws, quotients)]
    return Allocation(amount, rule, shares, source, sign * difference * unit)


def split_pots(pots: Sequence[tuple[str, object]], weights: Sequence[object], labels: Sequence[str],
               rule: str = "largest-remainder", source: str = "") -> PotTable:
    """Split each pot on its own over the same weights; rows keep the order of ``labels``."""
    allocations = [split(total, weights, labels, rule, source=source) for _, total in pots]
    amounts = [[a.shares[row].amount for a in allocations] for row in range(len(labels))]
    return PotTable([name for name, _ in pots], list(labels), [s.weight for s in allocations[0].shares],
                    amounts, allocations)


def split_mixed(total: object, items: Sequence[tuple[str, object | None, object | None]],
                rule: str = "largest-remainder") -> Allocation:
    """Split a total between items that each have a fixed amount or a share (weight):
    the fixed amounts are taken first, the rest is split by the shares.  ``items`` are
    (label, fixed amount or None, share or None)."""
    amount = parse_amount(total) if not isinstance(total, Decimal) else total
    if amount is None:
        raise AllocationError("the total is empty")
    fixed: dict[int, Decimal] = {}
    shared: list[int] = []
    for i, (label, fixed_amount, share) in enumerate(items):
        row = f"row {i + 1} ({label})"
        if (fixed_amount is None) == (share is None):
            raise AllocationError(f"{row}: give either a fixed amount or a share, not {'both' if share else 'neither'}")
        if fixed_amount is not None:
            try:
                value = parse_amount(fixed_amount)
            except AmountError as exc:
                raise AllocationError(f"{row}: {exc}") from None
            if value is None or value < 0:
                raise AllocationError(f"{row}: the fixed amount must be zero or more")
            fixed[i] = value
        else:
            shared.append(i)
    rest = amount - sum(fixed.values(), Decimal(0))
    if rest < 0:
        raise AllocationError(f"the fixed amounts ({format_kr(sum(fixed.values(), Decimal(0)))}) are more than "
                              f"the total ({format_kr(amount)})")
    if not shared and rest:
        raise AllocationError(f"{format_kr(rest)} is left over and no item takes a share of it")
    parts = split(rest, [items[i][2] for i in shared], [items[i][0] for i in shared], rule).shares if shared else []
    by_index = dict(zip(shared, parts))
    shares = [Share(label, Decimal(0), fixed[i]) if i in fixed else by_index[i]
              for i, (label, _, _) in enumerate(items)]
    return Allocation(amount, rule, shares)
