"""Checks of the activity list: names, verksamhet, amounts, objekt, pots, duplicates, earlier years'
decisions and next year's needs."""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from ..core.model import Activity, DecisionBook, Finding
from ..core.money import AmountError, format_kr, parse_amount
from .context import ERROR, INFO, WARNING, ZERO, Context, _unreadable


def check_names(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Each activity has a name and a responsible verksamhet."""
    out = []
    unreadable = _unreadable(book)
    for a in book.activities:
        if not a.name and a.loc("name") not in unreadable:
            out.append(Finding(ERROR, "aktivitet-saknas", "Aktiviteten saknar namn.", a.loc("name")))
        if not a.verksamhet and a.loc("verksamhet") not in unreadable:
            out.append(Finding(ERROR, "verksamhet-saknas", f"Ansvarig verksamhet saknas för '{a.name}'.",
                               a.loc("verksamhet")))
    return out


def check_amounts(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Each activity has an amount greater than zero (unreadable ones are reported by check_readable)."""
    out = []
    unreadable = _unreadable(book)
    for a in book.activities:
        if a.amount is None:
            if a.loc("amount") not in unreadable:
                out.append(Finding(ERROR, "belopp-saknas", f"Belopp saknas för '{a.name}'.", a.loc("amount")))
        elif a.amount <= 0:
            out.append(Finding(ERROR, "belopp-ej-positivt",
                               f"Beloppet för '{a.name}' måste vara större än noll ({format_kr(a.amount)}).",
                               a.loc("amount"), a.amount))
    return out


def check_objekt(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Each activity has an objekt, from the agreement's list when there is one."""
    out = []
    valid = {o.code.strip() for o in book.agreement.objekt}
    unreadable = _unreadable(book)
    for a in book.activities:
        if unreadable and a.loc("objekt") in unreadable:
            continue
        if not a.objekt:
            out.append(Finding(ERROR, "objekt-saknas", f"Objekt saknas för '{a.name}'.", a.loc("objekt")))
        elif valid and a.objekt.strip() not in valid:
            out.append(Finding(ERROR, "objekt-ogiltigt",
                               f"Objekt {a.objekt} för '{a.name}' finns inte bland överenskommelsens objekt "
                               f"({', '.join(sorted(valid))}).", a.loc("objekt")))
    return out


def check_pot_names(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Pots have distinct names, and an activity's pot is one of them."""
    seen: Counter = Counter(p.name.strip().casefold() for p in book.agreement.pots)
    out = [Finding(ERROR, "pott-dubblett", f"Potten '{p.name}' finns flera gånger i tabellen Potter (stora och små "
                   "bokstäver räknas lika).", p.cells.get("name", book.agreement.loc("name")))
           for p in book.agreement.pots if seen[p.name.strip().casefold()] > 1]
    return out + [Finding(ERROR, "pott-okand", f"Potten '{a.pot}' för '{a.name}' finns inte i tabellen Potter.",
                          a.loc("pot")) for a in book.activities if a.pot and a.pot.strip().casefold() not in seen]


def check_duplicates(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The same activity (name and verksamhet) listed more than once."""
    keys = [(a.name.strip().casefold(), a.verksamhet.strip().casefold()) if a.name else None
            for a in book.activities]  # (each made once)
    seen = Counter(keys)
    return [Finding(WARNING, "dubblett", f"Aktiviteten '{a.name}' ({a.verksamhet}) förekommer flera gånger.",
                    a.loc("name"), a.amount)
            for a, key in zip(book.activities, keys) if key is not None and seen[key] > 1]


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_NEED = re.compile(r"(\d[\d  ]*(?:,\d+)?\s*(?:mkr|tkr|kr))", re.IGNORECASE)


def earlier_year(a: Activity, year: int) -> int | None:
    """The earlier year an activity's 'Tidigare beslut' names (e.g. 'personalmiljard 2018'), if any."""
    if not a.earlier_decision:
        return None
    years = [int(m.group(0)) for m in _YEAR.finditer(a.earlier_decision)]
    earlier = [y for y in years if y < year]
    return max(earlier) if earlier else None


def check_earlier_decisions(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Amounts that earlier years' decisions (multi-year activities) already bind reduce what is
    available for new activities."""
    ag = book.agreement
    earlier = [earlier_year(a, ag.year) is not None for a in book.activities]  # (each found once)
    bound = [a for a, e in zip(book.activities, earlier) if e]
    if not bound:
        return []
    committed = sum((a.amount or ZERO for a in bound), ZERO)
    left = ag.received - committed
    if left < 0:
        return [Finding(ERROR, "tidigare-beslut-overstiger",
                        f"Tidigare års beslut binder {format_kr(committed)}, mer än bidraget ({format_kr(ag.received)}).",
                        book.table_location, -left)]
    new = sum((a.amount or ZERO for a, e in zip(book.activities, earlier) if not e), ZERO)
    return [Finding(INFO, "tidigare-beslut",
                    f"{len(bound)} aktiviteter fortsätter tidigare års beslut och binder {format_kr(committed)}; "
                    f"{format_kr(left)} återstod för nya beslut, varav {format_kr(new)} är beslutat.",
                    book.table_location, committed)]


def next_year_amount(a: Activity) -> Decimal:
    """The amounts named in an activity's 'Behov nästa år' ('2020 för byggnation 13,5 mkr')."""
    total = ZERO
    for match in _NEED.finditer(a.next_year):
        try:
            total += parse_amount(match.group(1)) or ZERO
        except AmountError:
            continue
    return total


def check_next_year(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Activities that need money next year too: a commitment for the next decision."""
    needing = [a for a in book.activities if a.next_year and not a.next_year.strip().casefold().startswith("nej")]
    if not needing:
        return []
    amounts: dict[str, Decimal] = {}  # a text -> the amounts it names (the same texts recur)
    for a in needing:
        if a.next_year not in amounts:
            amounts[a.next_year] = next_year_amount(a)
    named = sum((amounts[a.next_year] for a in needing), ZERO)
    text = f" (belopp angivet för {format_kr(named)})" if named else ""
    return [Finding(INFO, "behov-nasta-ar", f"{len(needing)} aktiviteter behöver medel även nästa år{text}.",
                    book.table_location, named or None)]
