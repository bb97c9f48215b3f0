"""Amounts of money: parsing the forms found in decision-support workbooks, and their text.

Money is ``decimal.Decimal`` everywhere (a ledger's amounts are integer öre until ``ore_to_kr``).  Its
text, one function each: ``format_kr`` ("41 197 280 kr"), ``kr_text`` (the same with non-breaking
spaces, for running text on a form) and ``plain`` ("41197280.5", for CSV, JSON and scripts).  A cell may hold a number, or text such as
"1 875 144", "41 197 280kr", "kr41 197 280", "4,5 mkr", "750 tkr", "250+500" or
"750 000 (250+500)".  Anything else is refused with a message that says why.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ORE = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 15  # a thousand billion kronor: anything larger is a mistake
NOISE = Decimal("0.000001")

_UNITS = {
    "": 1,
    "kr": 1,
    "kr.": 1,
    "kronor": 1,
    "sek": 1,
    ":-": 1,
    "tkr": 1000,
    "tsek": 1000,
    "tusen kronor": 1000,
    "mkr": 1_000_000,
    "mnkr": 1_000_000,
    "msek": 1_000_000,
    "miljoner kronor": 1_000_000,
    "miljoner": 1_000_000,
    "öre": Decimal("0.01"),
}
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS if u), key=len, reverse=True))
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_TEXT = re.compile(
    rf"^(?P<sign>[-+])?\s*(?:kr\s*)?(?P<body>[0-9 .,+]*?)\s*(?P<unit>{_UNIT_RE})?\s*"
    rf"(?:\((?P<paren>[^()]*)\))?$"
)
_NUMBER_FORMS = (
    # (pattern, thousands separator, decimal separator)
    (re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?"), " ", ","),
    (re.compile(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?"), ".", ","),
    (re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?"), ",", "."),
    (re.compile(r"\d+(?:,\d+)?"), "", ","),
    (re.compile(r"\d+(?:\.\d+)?"), "", "."),
)


_AMBIGUOUS = re.compile(r"\d{1,3}[.,]\d{3}")  # "100,000": a hundred thousand, or a hundred kronor?


class AmountError(ValueError):
    """A value that is not a readable amount of money; the message says why (``sv``: in Swedish,
    for the finance user)."""

    def __init__(self, message: str, sv: str):
        super().__init__(message)
        self.sv = sv


def _parse_term(term: str, original: str) -> Decimal:
    term = term.strip()
    for pattern, thousands, decimal in _NUMBER_FORMS:
        if pattern.fullmatch(term):
            if thousands:
                term = term.replace(thousands, "")
            return Decimal(term.replace(decimal, "."))
    raise AmountError(f"'{original}' is not an amount (could not read '{term}')",
                      f"'{original}' är inte ett belopp (kan inte läsa '{term}')")


def _expression(body: str, original: str, guard: bool = False) -> Decimal:
    """A sum of terms ("250+500"); with ``guard``, each term is checked for an ambiguous separator."""
    terms = [t.strip() for t in body.split("+")]
    if any(not t for t in terms):
        raise AmountError(f"'{original}' is not an amount", f"'{original}' är inte ett belopp")
    for term in terms:
        if guard and _AMBIGUOUS.fullmatch(term):
            raise AmountError(
                f"'{original}' is ambiguous: write {term[:-4]} {term[-3:]} for thousands, or use two decimals for öre",
                f"'{original}' är tvetydigt: skriv {term[:-4]} {term[-3:]} för tusental, eller två decimaler för öre")
    return sum((_parse_term(t, original) for t in terms), Decimal(0))


def _whole_or_ore(value: Decimal, original: object) -> Decimal:
    if not value.is_finite():
        raise AmountError(f"'{original}' is not a finite amount", f"'{original}' är inte ett ändligt belopp")
    if value.adjusted() >= 15:  # checked on the exponent before any arithmetic (1e999999999)
        raise AmountError(f"'{original}' is too large to be an amount", f"'{original}' är orimligt stort för ett belopp")
    if value and value.adjusted() < -6:  # far below an öre: refused without arithmetic on the value
        raise AmountError(f"'{original}' has more than two decimals (öre)",
                          f"'{original}' har fler än två decimaler (öre)")
    if abs(value) >= MAX_AMOUNT:
        raise AmountError(f"'{original}' is too large to be an amount", f"'{original}' är orimligt stort för ett belopp")
    if value == value.to_integral_value():
        return Decimal(int(value))
    if value != value.quantize(ORE):
        raise AmountError(f"'{original}' has more than two decimals (öre)",
                          f"'{original}' har fler än två decimaler (öre)")
    return value.quantize(ORE)


def parse_amount(value: object) -> Decimal | None:
    """Read an amount of money; ``None`` for an empty cell.

    Numbers from a spreadsheet are doubles: they are taken at their shortest exact
    decimal representation and must be whole öre (float noise below 1e-6 kr is dropped).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(f"'{value}' is a truth value, not an amount", f"'{value}' är ett sanningsvärde, inte ett belopp")
    if isinstance(value, int):
        return _whole_or_ore(Decimal(value), value)
    if isinstance(value, Decimal):
        # A number stored by a spreadsheet is a double written out in full ("599.30000000000007"):
        # noise far below an öre is the double, not the amount.  The exponent is bounded first, so
        # that no arithmetic is done on 1e999999999 or 1e-999999.
        if value.is_finite() and value.adjusted() < 15 and abs(value - value.quantize(ORE)) <= NOISE:
            value = value.quantize(ORE)
        return _whole_or_ore(value, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AmountError(f"'{value}' is not a finite amount", f"'{value}' är inte ett ändligt belopp")
        exact = Decimal(repr(value))
        if abs(exact) >= MAX_AMOUNT:
            raise AmountError(f"'{value}' is too large to be an amount", f"'{value}' är orimligt stort för ett belopp")
        rounded = exact.quantize(ORE)
        if abs(exact - rounded) > NOISE:
            raise AmountError(f"'{value}' has more than two decimals (öre)",
                              f"'{value}' har fler än två decimaler (öre)")
        return _whole_or_ore(rounded, value)
    if not isinstance(value, str):
        raise AmountError(f"'{value}' is not an amount", f"'{value}' är inte ett belopp")
    text = _SPACES.sub(" ", value).strip().lower().replace("\u2212", "-").replace("\u2013", "-")
    if not text:
        return None
    match = _TEXT.match(text)
    if not match or not (match["body"].strip() or match["paren"]):
        raise AmountError(f"'{value}' is not an amount", f"'{value}' är inte ett belopp")
    multiplier = _UNITS[match["unit"] or ""]
    body = match["body"].strip()
    paren = match["paren"]
    if not body:
        # "(1 000)": an accountant's negative, or a breakdown without its total?  Refused, not guessed.
        raise AmountError(f"'{value}' is ambiguous: a bracket alone may mean a negative amount; write "
                          f"-{paren.strip()} for a negative amount, or the total before the bracket",
                          f"'{value}' är tvetydigt: en parentes ensam kan betyda ett negativt belopp; skriv "
                          f"-{paren.strip()} för ett negativt belopp, eller summan före parentesen")
    try:
        amount = _expression(body, value, guard=multiplier == 1) * multiplier
        if paren is not None:
            detail = _expression(paren, value, guard=True)
            if not any(detail * scale == amount for scale in (1, 1000, 1_000_000)):
                raise AmountError(
                    f"'{value}': the sum in brackets ({paren.strip()}) does not match {format_kr(amount)}",
                    f"'{value}': summan inom parentes ({paren.strip()}) stämmer inte med {format_kr(amount)}")
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only digits
        raise AmountError(f"'{value}' is not an amount", f"'{value}' är inte ett belopp") from exc
    if match["sign"] == "-":
        amount = -amount
    return _whole_or_ore(amount, value)


def stated_unit(value: str) -> str | None:
    """The unit a text amount names ("4,5 mkr" -> "mkr", "kr41 197 280" -> "kr"), None when it names none
    (then its figure is in whatever unit the column is)."""
    text = _SPACES.sub(" ", value).strip().lower().replace("\u2212", "-").replace("\u2013", "-")
    match = _TEXT.match(text)
    if not match:
        return None
    if match["unit"]:
        return match["unit"]
    return "kr" if text.lstrip("+-").lstrip().startswith("kr") else None


def format_kr(value: Decimal | int, unit: str = "kr") -> str:
    """Swedish format: '41 197 280 kr', '1 234,50 kr', '-280 kr'."""
    value = Decimal(value)
    if not value.is_finite() or value.adjusted() >= 28:
        return f"{value} {unit}".rstrip()  # not money; shown as it is rather than computed on
    exact = value == value.to_integral_value()
    rounded = abs(value).quantize(ORE, rounding=ROUND_HALF_UP)  # rounded once, then split
    sign = "-" if value < 0 and rounded else ""
    whole, _, ore = f"{rounded:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    if not exact:
        grouped += "," + ore
    return f"{sign}{grouped} {unit}".rstrip()


def kr_text(value: Decimal | int) -> str:
    """An amount in running text on a form: ``format_kr`` with non-breaking spaces, so that a line never
    breaks inside it."""
    return format_kr(value).replace(" ", "\u00a0")


def plain(value: Decimal | int) -> str:
    """An amount (or a weight) as scripts want it: no grouping, a point for decimals ("41197280.50")."""
    return format(value, "f")


def ore_to_kr(ore: int) -> Decimal:
    """Integer öre as kronor, exact: 443173045 -> Decimal("4431730.45"), and a whole number of kronor as
    one (509394500 -> Decimal("5093945"), not "5093945.00")."""
    ore = int(ore)
    return Decimal(ore).scaleb(-2) if ore % 100 else Decimal(ore // 100)
