"""Checks of the decided amounts against the grant: per pot and in total, the earmarked pots (by
``core.yearend``'s rule on the decided amounts), and the region's own decision."""
from __future__ import annotations

from ..core.model import DecisionBook, Finding
from ..core.money import format_kr
from ..core.yearend import OTHER, year_end
from .context import ERROR, INFO, WARNING, ZERO, Context


def check_allocation(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Decided amounts against what is available, per pot and overall."""
    out = []
    ag = book.agreement
    sums = ctx.pot_sums(book)
    table = book.table_location
    decided = book.decided  # (a sum over the activities: once)
    for pot in ag.pots:
        used = sums.per_pot.get(pot.name, ZERO)
        if used > pot.amount:
            out.append(Finding(ERROR, "pott-overfordelad",
                               f"Aktiviteterna i potten '{pot.name}' ({format_kr(used)}) överstiger potten "
                               f"({format_kr(pot.amount)}) med {format_kr(used - pot.amount)}.",
                               pot.cells.get("amount", table), used - pot.amount))
    available = ag.received
    if decided > available:
        out.append(Finding(ERROR, "overfordelat",
                           f"Beslutade belopp ({format_kr(decided)}) överstiger bidraget "
                           f"({format_kr(available)}) med {format_kr(decided - available)}.",
                           table, decided - available))
    free_rest = sums.free_left - sums.unassigned
    if free_rest > 0:
        free = [p for p in ag.pots if not p.earmarked]
        where = free[0].cells.get("amount", table) if len(free) == 1 else table
        out.append(Finding(WARNING, "ej-fordelat",
                           f"{format_kr(free_rest)} av bidraget ({format_kr(ag.total)}) är inte fördelat på "
                           f"aktiviteter (beslutat {format_kr(decided)}).", where, free_rest))
    return out


def check_earmarked(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Earmarked pots are used for their purpose only (``yearend``'s rule on the decided amounts): what an
    earmarked pot has not given to activities is reserved for its purpose (and repaid if not used), and
    activities without an earmarked pot that exceed the other money are the region's own cost, never the
    earmarked money's."""
    out = []
    ag = book.agreement
    ye = year_end(book, budget=True)
    other = ye.part(OTHER)
    left = [p for p in ye.parts if p.earmarked and p.unused > 0]
    if other is not None and other.own > 0 and left:
        share = min(other.own, sum((p.unused for p in left), ZERO))
        names = ", ".join(f"'{p.name}' ({format_kr(p.unused)} kvar)" for p in left)
        purposes = "; ".join(p.pots[0].purpose or p.name for p in left)
        out.append(Finding(WARNING, "oronmarkt-anvant",
                           f"Aktiviteter utan öronmärkt pott ({format_kr(other.costs)}) överstiger övriga medel "
                           f"({format_kr(other.grant)}) med {format_kr(other.own)}. De öronmärkta medlen i {names} får "
                           f"inte användas till dem: regionen bekostar {format_kr(other.own)} själv, och det som inte "
                           f"används för ändamålet ({purposes}) återbetalas. Avser några av aktiviteterna ändamålet, "
                           "ange potten för dem.", left[0].pots[0].cells.get("amount", book.table_location), share))
    for part in ye.parts:
        if part.earmarked and part.unused > 0:
            pot = part.pots[0]
            out.append(Finding(INFO, "oronmarkt-kvar",
                               f"{format_kr(part.unused)} av '{pot.name}' är inte fördelat på aktiviteter i potten och "
                               f"är reserverat för ändamålet: {pot.purpose or pot.name}. Det som inte används för "
                               "ändamålet återbetalas.", pot.cells.get("amount", book.table_location), part.unused))
    return out


def check_decision_total(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The total named in the region's decision against the agreement's amount."""
    ag = book.agreement
    if ag.decided_total is None:
        return []
    out = []
    if ag.decided_total != ag.total:
        diff = ag.total - ag.decided_total
        out.append(Finding(WARNING, "beslut-avviker",
                           f"Regionens beslut avser {format_kr(ag.decided_total)} men överenskommelsen ger "
                           f"{format_kr(ag.total)} (skillnad {format_kr(diff)}).", ag.loc("decided_total"), diff))
    decided = book.decided
    if decided > ag.decided_total:
        over = decided - ag.decided_total
        out.append(Finding(WARNING, "beslut-overskrids",
                           f"Aktiviteterna ({format_kr(decided)}) överstiger regionens eget beslut "
                           f"({format_kr(ag.decided_total)}) med {format_kr(over)}.", ag.loc("decided_total"), over))
    return out
