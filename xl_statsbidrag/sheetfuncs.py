"""Functions shaped for Excel formulas: plain values and lists in, plain values and 2-D lists out.

No xlwings here: the xlwings layer (``excel.py``) only registers these and turns errors into
readable cell text.  Amounts leave as ``int`` (whole kronor) or ``float`` (öre), the numbers a
cell can hold; everything before that is ``Decimal``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from .allocation import split
from .amounts import parse_amount
from .errors import UserError


def _flat(values: object) -> list[object]:
    """A range as Excel passes it (a value, a row, a column or a block) as a flat list."""
    if not isinstance(values, (list, tuple)):
        return [values]
    out: list[object] = []
    for v in values:
        out.extend(_flat(v) if isinstance(v, (list, tuple)) else [v])
    return out


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def allocate(total: object, weights: Iterable[object], rule: str = "largest-remainder") -> list[list[object]]:
    """Split ``total`` over a range of weights; a column of kronor, blank where the weight is blank."""
    cells = _flat(weights)
    used = [i for i, w in enumerate(cells) if not _blank(w)]
    if not used:
        raise UserError("inga vikter")
    result = split(parse_amount(total) if not isinstance(total, Decimal) else total,
                   [cells[i] for i in used], [f"rad {i + 1}" for i in used], rule or "largest-remainder")
    column: list[list[object]] = [[""] for _ in cells]
    for i, share in zip(used, result.shares):
        column[i] = [_number(share.amount)]
    return column


def remainder(total: object, amounts: Iterable[object]) -> int | float:
    """What is left of a pot after a range of amounts (text amounts such as '4,5 mkr' count)."""
    available = parse_amount(total)
    if available is None:
        raise UserError("potten saknar belopp")
    used = sum((parse_amount(a) or Decimal(0) for a in _flat(amounts)), Decimal(0))
    return _number(available - used)
