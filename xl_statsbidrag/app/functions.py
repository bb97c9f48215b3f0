"""Functions shaped for Excel formulas: plain values and lists in, plain values and 2-D lists out.

No xlwings here: the xlwings layer (``excel.functions``) only registers these and turns their errors into
Excel's #VALUE! with the message beside it.  Bad input raises ``UserError`` with a Swedish message
naming the row.  Amounts leave as ``int`` (whole kronor) or ``float`` (öre), the numbers a cell can
hold; everything before that is ``Decimal``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from ..check.validate import validate_amounts
from ..core.allocation import RULES, AllocationError, _decimal, split
from ..core.errors import Location, UserError
from ..core.model import Activity, Finding, Pot, Severity
from ..core.money import AmountError, format_kr, parse_amount
from ..read.source import text
from ..read.workbook_format import is_earmarked


def _flat(values: object) -> list[object]:
    """A range as Excel passes it (a value, a row, a column or a block) as a flat list."""
    if not isinstance(values, (list, tuple)):
        return [values]
    out: list[object] = []
    for v in values:
        out.extend(_flat(v) if isinstance(v, (list, tuple)) else [v])
    return out


def _excel_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _total(value: object, what: str) -> Decimal:
    """A total that must be there and must not be negative."""
    amount = value if isinstance(value, Decimal) else parse_amount(value)
    if amount is None:
        raise UserError(f"{what} saknas")
    if amount < 0:
        raise UserError(f"{what} får inte vara negativt ({format_kr(amount)})")
    return amount


def _weight(value: object, row: int) -> Decimal:
    try:
        number = _decimal(value, "the weight", f"row {row}")
    except AllocationError:
        raise UserError(f"rad {row}: vikten '{value}' är inte ett tal") from None
    if number <= 0:
        raise UserError(f"rad {row}: vikten måste vara större än noll, inte {value}")
    return number


def allocate(total: object, weights: Iterable[object], rule: str = "largest-remainder") -> list[list[object]]:
    """Split ``total`` over a range of weights; kronor in the range's shape, a column (or a row for a row of
    weights) as long as the range, so that a legacy array formula over it fills it; blank where the
    weight is blank."""
    rule = rule or "largest-remainder"
    if rule not in RULES:
        raise UserError(f"okänd regel '{rule}' (välj {', '.join(RULES)})")
    amount = _total(total, "totalbeloppet")
    if amount != amount.to_integral_value():
        raise UserError(f"totalbeloppet {format_kr(amount)} är inte ett helt antal kronor")
    cells = _flat(weights)
    used = [i for i, w in enumerate(cells) if not _blank(w)]
    if not used:
        raise UserError("inga vikter")
    numbers = [_weight(cells[i], i + 1) for i in used]
    result = split(amount, numbers, [f"rad {i + 1}" for i in used], rule)
    column: list[list[object]] = [[""] for _ in cells]
    for i, share in zip(used, result.shares):
        column[i] = [_excel_number(share.amount)]
    across = len(weights) == 1 and isinstance(weights[0], (list, tuple)) and len(weights[0]) > 1
    return [[c[0] for c in column]] if across else column  # a row of weights gives a row


def remainder(total: object, amounts: Iterable[object]) -> int | float:
    """What is left of a pot after a range of amounts (text amounts such as '4,5 mkr' count)."""
    available = _total(total, "potten")
    used = Decimal(0)
    for i, a in enumerate(_flat(amounts), start=1):
        try:
            used += parse_amount(a) or Decimal(0)
        except AmountError as exc:
            raise UserError(f"rad {i}: {exc.sv}") from None
    return _excel_number(available - used)


FINDINGS_HEADER = ["Allvarlighet", "Kod", "Meddelande", "Belopp"]
PLACE = "SB_KONTROLL"  # the "sheet" of the rows given to findings(): the ranges of the formula


def findings(available: object, amounts: Iterable[object], names: Iterable[object] | None = None,
             pots: Iterable[object] | None = None, pot_names: Iterable[object] | None = None,
             pot_amounts: Iterable[object] | None = None, earmarked: Iterable[object] | None = None
             ) -> list[list[object]]:
    """The findings for a range of activity amounts (with their names and pots, optional) against an
    available total (or a pot table), as a table with a header row: Allvarlighet, Kod, Meddelande,
    Belopp.  Runs ``validation.validate_amounts`` (the checks of ``validate`` that need only amounts
    and pots)."""
    # every row has its own place (column letters by argument: names A, amounts B, pots C; rows by
    # position), so that a finding about one row never stands for another
    columns = {"name": "A", "amount": "B", "pot": "C"}
    amount_cells = _flat(amounts)
    name_cells = _flat(names) if names is not None else [None] * len(amount_cells)
    pot_cells = _flat(pots) if pots is not None else [None] * len(amount_cells)
    problems: list[Finding] = []
    activities = []
    for i, value in enumerate(amount_cells):
        name = "" if _blank(name_cells[i] if i < len(name_cells) else None) else str(name_cells[i]).strip()
        if _blank(value) and not name:
            continue
        name = name or f"rad {i + 1}"
        try:
            amount = parse_amount(value)
        except AmountError as exc:
            problems.append(Finding(Severity.ERROR, "oläsbart-belopp", f"Beloppet för '{name}' kan inte läsas: {exc.sv}.",
                                    Location(PLACE, f"{columns['amount']}{i + 1}")))
            amount = None
        pot = pot_cells[i] if i < len(pot_cells) else None
        activities.append(Activity(i + 1, name, "", amount, "", pot="" if _blank(pot) else str(pot).strip(),
                                   sheet=PLACE, columns=columns))
    if pot_names is not None and pot_amounts is not None:
        flags = _flat(earmarked) if earmarked is not None else []
        pot_list = [Pot(str(n).strip(), _total(a, f"pottbeloppet på rad {i + 1}"),
                        i < len(flags) and is_earmarked(text(flags[i])))
                    for i, (n, a) in enumerate(zip(_flat(pot_names), _flat(pot_amounts))) if not _blank(n)]
    else:
        total = _total(available, "tillgängligt belopp")
        pot_list = [Pot("Tillgängligt", total)]
    found = validate_amounts(activities, pot_list, problems)
    rows = [[f.severity.sv, f.code, f.message, "" if f.amount is None else _excel_number(f.amount)]
            for f in found]
    return [FINDINGS_HEADER] + (rows or [["OK", "", "Inga avvikelser.", ""]])
