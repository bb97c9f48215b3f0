"""Checks of utfall and the year-end: what was paid out, utfall against budget, the earmarked money at
year end, and the reconciliation against the ledger that ``utfall`` wrote into the workbook."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..core.model import DecisionBook, Finding
from ..core.money import format_kr
from ..core.yearend import OTHER, deviation_threshold, unmatched_decision, year_end
from ..read.workbook_format import AGREEMENT_LABELS, RECONCILIATION_COLUMNS
from .context import ERROR, INFO, WARNING, ZERO, Context


def check_earmarked_outcome(book: DecisionBook, ctx: Context) -> list[Finding]:
    """With utfall: costs outside the earmarked parts above the money outside them, while an earmarked part
    has money left.  That money may not cover them: it is repaid, and the region finances the rest itself."""
    if not book.has_outcome:
        return []
    ye = year_end(book)
    other = ye.part(OTHER)
    left = [p for p in ye.parts if p.earmarked and p.repay > 0]
    if other is None or not left or other.own <= 0:
        return []
    names = ", ".join(f"”{p.name}”" for p in left)
    repaid = sum((p.repay for p in left), ZERO)
    return [Finding(INFO, "oronmarkt-utfall",
                    f"Kostnaderna utanför de öronmärkta medlen ({format_kr(other.costs)}) överstiger övriga medel "
                    f"({format_kr(other.grant)}) med {format_kr(other.own)}, medan {format_kr(repaid)} av de öronmärkta "
                    f"medlen ({names}) inte har förbrukats. De öronmärkta medlen får inte täcka andra kostnader: de "
                    f"återbetalas, och regionen finansierar {format_kr(other.own)} själv (tabellen per del i Bilaga 2).",
                    book.table_location, other.own)]


def check_paid_out(book: DecisionBook, ctx: Context) -> list[Finding]:
    """What was paid out (and when) against the agreement's amount: Bilaga 2 asks for it."""
    ag = book.agreement
    if ag.paid_out is None:
        return [Finding(WARNING, "utbetalt-saknas",
                        f"{AGREEMENT_LABELS['paid_out']} saknas: Bilaga 2 visar en tom rad, och under punkt 3 räknas "
                        "summan enligt överenskommelsen som erhållen. Fyll i belopp, datum och utbetalare.",
                        ag.loc("paid_out"))]
    out = []
    if ag.paid_out_date is None:
        out.append(Finding(WARNING, "utbetalt-saknas", f"{AGREEMENT_LABELS['paid_out_date']} saknas (visas i Bilaga 2).",
                           ag.loc("paid_out_date")))
    if ag.paid_out != ag.total:
        out.append(Finding(WARNING, "utbetalt-avviker",
                           f"Utbetalt bidrag ({format_kr(ag.paid_out)}) skiljer sig från summan enligt överenskommelsen "
                           f"({format_kr(ag.total)}).", ag.loc("paid_out"), ag.paid_out - ag.total))
    if ag.requisition_reduces.strip() and ag.pot(ag.requisition_reduces) is None:
        out.append(Finding(ERROR, "pott-okand", f"{AGREEMENT_LABELS['requisition_reduces']}: potten "
                           f"'{ag.requisition_reduces}' finns inte i tabellen Potter.", ag.loc("requisition_reduces")))
    reduced = year_end(book).reduction
    if reduced:
        parts = ", ".join(f"{p.name} {format_kr(amount)}" for p, amount in reduced)
        out.append(Finding(INFO, "delutbetalning",
                           f"Utbetalt bidrag är {format_kr(ag.total - ag.paid_out)} lägre än bidraget enligt "
                           f"överenskommelsen; skillnaden räknas av från {parts} (Bilaga 2 visar bidraget per del "
                           "som det har betalats ut).", ag.loc("requisition_reduces") if ag.requisition_reduces
                           else ag.loc("paid_out"), ag.total - ag.paid_out))
    return out


def check_outcome(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Actual costs (utfall): complete, against budget (above it by more than the workbook's threshold needs a
    comment), never below zero unnoticed; what must be repaid and what the region finances itself."""
    out = []
    if not book.has_outcome:
        return [Finding(WARNING, "utfall-saknas",
                        "Utfall saknas: kostnaderna i Bilaga 2 är beslutad budget, inte utfall. "
                        "Alt 1 kan inte intygas förrän utfallet är ifyllt.", book.table_location)]
    threshold = deviation_threshold(book.agreement)
    for a in book.activities:
        if a.actual is None:
            out.append(Finding(ERROR, "utfall-saknas-rad", f"Utfall saknas för '{a.name}'.", a.loc("actual")))
            continue
        if a.actual < 0:
            out.append(Finding(WARNING, "utfall-negativt",
                               f"Utfallet för '{a.name}' är negativt ({format_kr(a.actual)}): krediteringar överstiger "
                               "kostnaderna. Kontrollera rättelser och kreditfakturor och förklara i kolumnen "
                               "Kommentar; för återbetalningen räknas en dels kostnader aldrig under noll.",
                               a.loc("actual"), a.actual))
        if a.amount is not None and a.actual > a.amount:
            over = a.actual - a.amount
            explained = bool(a.comment.strip() or a.internal_comment.strip())
            if over > threshold and not explained:
                out.append(Finding(WARNING, "utfall-over-budget",
                                   f"Utfallet för '{a.name}' ({format_kr(a.actual)}) överstiger budget "
                                   f"({format_kr(a.amount)}) med {format_kr(over)}: skriv en kommentar (avvikelser över "
                                   f"{format_kr(threshold)} ska förklaras).", a.loc("actual"), over))
            else:
                why = "kommenterad" if explained else f"inom {format_kr(threshold)}"
                out.append(Finding(INFO, "utfall-over-budget",
                                   f"Utfallet för '{a.name}' överstiger budget med {format_kr(over)} ({why}).",
                                   a.loc("actual"), over))
    per_objekt: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for a in book.activities:
        per_objekt[a.objekt.casefold()][0] += a.amount or ZERO
        per_objekt[a.objekt.casefold()][1] += a.actual or ZERO
    for code, (budget, actual) in sorted(per_objekt.items()):
        if actual > budget:
            out.append(Finding(INFO, "objekt-over-budget",
                               f"Utfall på objekt {code} ({format_kr(actual)}) överstiger budget ({format_kr(budget)}).",
                               book.table_location, actual - budget))
    ye = year_end(book)
    when = book.agreement.repayment_deadline or book.agreement.report_deadline
    parts = "; ".join(f"{p.name} {format_kr(p.repay)}" for p in ye.parts if p.repay > 0)
    if ye.to_repay > 0:
        out.append(Finding(INFO, "aterbetalas",
                           f"{format_kr(ye.to_repay)} ska återbetalas till Kammarkollegiet"
                           + (f" senast {when.isoformat()}" if when else "") + f" ({parts}).",
                           book.table_location, ye.to_repay))
    if ye.carried > 0:
        out.append(Finding(INFO, "overfors",
                           f"{format_kr(ye.carried)} har inte förbrukats och förs över till nästa år, som "
                           f"överenskommelsen tillåter ({parts}).", book.agreement.loc("carry_over"), ye.carried))
    if ye.balance < 0:
        out.append(Finding(INFO, "kostnader-over-bidrag",
                           f"Kostnaderna överstiger bidraget med {format_kr(-ye.balance)}; det bekostas av regionen.",
                           book.table_location, -ye.balance))
    if ye.own > 0:
        out.append(Finding(INFO, "egen-finansiering",
                           f"Regionen finansierar {format_kr(ye.own)} av kostnaderna själv (egen finansiering, "
                           "redovisad per del i Bilaga 2).", book.table_location, ye.own))
    return out


def check_ledger(book: DecisionBook, ctx: Context) -> list[Finding]:
    """With the reconciliation of ``utfall`` in the workbook: every krona on the agreement's objekt accounted
    for.  Costs on the objekt that match no activity need the region's decision (count them on the form, or
    leave them out with a reason); the grant booked as income on the objekt is checked against what was
    received; utfall changed by hand since is named."""
    if not book.ledger:
        return []
    ag = book.agreement
    out = []
    unmatched = {o.objekt: o.unmatched for o in book.ledger if o.unmatched}
    if unmatched:
        total = sum(unmatched.values(), ZERO)
        listed = ", ".join(f"{k} ({format_kr(v)})" for k, v in unmatched.items())
        where = ag.cells.get("unmatched_decision") or book.ledger[0].location
        decision = unmatched_decision(ag)
        label = AGREEMENT_LABELS["unmatched_decision"]
        if decision is True:
            out.append(Finding(INFO, "ej-hanforda-medraknade",
                               f"Kostnader på objekten som inte hör till någon aktivitet, {format_kr(total)} ({listed}), "
                               "räknas med i Bilaga 2 som ”Övriga kostnader på objektet, ej hänförda till aktivitet” "
                               "enligt regionens beslut.", where, total))
        elif decision is False and ag.unmatched_reason.strip():
            out.append(Finding(INFO, "ej-hanforda-undantagna",
                               f"Kostnader på objekten som inte hör till någon aktivitet, {format_kr(total)} ({listed}), "
                               f"räknas inte med i Bilaga 2 enligt regionens beslut. Skäl: {ag.unmatched_reason.strip()}",
                               where, total))
        else:
            why = ("skälet saknas" if decision is False else
                   f"'{ag.unmatched_decision}' kan inte läsas som ”räknas med” eller ”räknas inte”"
                   if ag.unmatched_decision.strip() else "beslut saknas")
            out.append(Finding(WARNING, "ej-hanforda-kostnader",
                               f"{format_kr(total)} kostnader på objekten ({listed}) hör inte till någon aktivitet och "
                               f"{why}. Ange under ”{label}” om de räknas med i Bilaga 2 (som övriga kostnader på "
                               "objektet) eller inte (med skäl, i raden under); se bladet Utfall.", where, total))
    booked = -sum((o.income for o in book.ledger), ZERO)
    if booked == 0:
        out.append(Finding(INFO, "intakt-saknas",
                           "Huvudboken har ingen intäkt (klass 3) på överenskommelsens objekt under perioden, så "
                           "erhållet bidrag kan inte stämmas av mot den.", book.ledger[0].location))
    elif booked != ag.received:
        out.append(Finding(WARNING, "intakt-avviker",
                           f"Intäkterna på objekten ({format_kr(booked)}) stämmer inte med erhållet bidrag "
                           f"({format_kr(ag.received)}); skillnad {format_kr(booked - ag.received)}. Kontrollera "
                           "utbetalt belopp, periodiseringar och intäkter bokförda på andra objekt.",
                           ag.loc("paid_out") if ag.paid_out is not None else book.ledger[0].location,
                           booked - ag.received))
    by_objekt: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for a in book.activities:
        if a.actual is not None:
            by_objekt[a.objekt.strip()] += a.actual
    for o in book.ledger:
        if by_objekt.get(o.objekt, ZERO) != o.matched:
            diff = by_objekt.get(o.objekt, ZERO) - o.matched
            out.append(Finding(WARNING, "utfall-avviker-huvudbok",
                               f"Utfallet för aktiviteterna på objekt {o.objekt} ({format_kr(by_objekt.get(o.objekt, ZERO))}) "
                               f"skiljer sig från det huvudboken kopplade till dem ({format_kr(o.matched)}) med "
                               f"{format_kr(diff)}: ändrat för hand efter Hämta utfall? Förklara ändringen eller hämta "
                               "utfallet igen.", o.location, diff))
        parts = o.matched + o.objekt_level + o.unmatched + o.income + o.other + o.outside
        if parts != o.total:
            out.append(Finding(WARNING, "avstamning-avviker",
                               f"Avstämningen för objekt {o.objekt} går inte ihop: delarna summerar till "
                               f"{format_kr(parts)}, men {RECONCILIATION_COLUMNS['total'].lower()} är "
                               f"{format_kr(o.total)}.", o.location, parts - o.total))
    return out
