"""Validation of a decision-support workbook: a list of small checks.

As in beancount, what the reader could not read (``book.problems``) is kept apart from what the
checks find: ``validate()`` returns the reader's problems first, then every check's findings,
sorted by severity (stable, so each check keeps its order).  Each check is a plain function
``check(book, context) -> list[Finding]``; ``CHECKS`` lists them; the ``Context`` holds the day
and what several checks share (the sums per pot, computed once).  ``validate_amounts()`` checks
a bare range of amounts (the worksheet function).  Messages are Swedish (they are shown to the
finance user in Excel and in the Bilaga 2 report); every finding carries the cell it is about.

To add a check: write ``check_x(book, ctx)`` returning Findings and add it to ``CHECKS``.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .amounts import AmountError, format_kr, parse_amount
from .errors import Location
from .model import Activity, Agreement, DecisionBook, Finding, Pot, Severity
from .workbook_format import (AGREEMENT_LABELS, AGREEMENT_SHEET, DUTIES, GRANT_LEDGER_COLUMNS, OTHER_POTS,
                              RECONCILIATION_COLUMNS, is_yes)
from .grantledger import by_pot, key, problems
from .yearend import OTHER, deviation_threshold, ledger_part, period_rows, unmatched_decision, year_end

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITY_ORDER = {s: s.rank for s in Severity}
ZERO = Decimal(0)

# Fields of Bilaga 2 that the report cannot do without (fax and the signature block are left
# to be filled in by hand).
REQUIRED_REPORT_FIELDS = ("recipient", "org_number", "contact_person", "postal_address", "phone",
                          "email", "rk_dnr_agreement", "rk_dnr_payment", "finance_head", "finance_head_phone",
                          "finance_head_email", "signatory")

# Fields the requisition form prints (the head of finance does not sign it).
REQUISITION_FIELDS = tuple(f for f in REQUIRED_REPORT_FIELDS if not f.startswith("finance_head"))

# What the findings mean for the head of finance's attestation (Kontroll's suggestion for point 4).
# ALT2: figures under point 3 that cannot be vouched: a cell of them that cannot be read, utfall missing for
# some activities, costs on the objekt that no activity has and the region has not decided on, income on the
# objekt that does not match what was received.  Such a finding (error or warning) makes the suggestion Alt 2.
# EXPLAIN: right figures that need the region's word first (an activity over budget without a comment):
# no suggestion until it is given.  Every other finding (a repaid remainder, own financing, unallocated
# budget) leaves correct figures correct: Alt 1, the deviation explained on the form.
READ_ERRORS = frozenset({"oläsbart-belopp", "fel-i-cell", "formel-utan-varde", "sammanfogad-cell"})
ALT2_CODES = READ_ERRORS | {"utfall-saknas-rad", "ej-hanforda-kostnader", "intakt-avviker"}
EXPLAIN_CODES = frozenset({"utfall-over-budget", "utfall-negativt"})


@dataclass
class PotSums:
    """Decided amounts per known pot (by pot name as in Potter), for activities without a pot, and
    what the pots that are not earmarked have left after the activities assigned to them (an
    over-allocated pot counts as empty: it is reported on its own)."""

    per_pot: dict[str, Decimal]
    unassigned: Decimal
    free_left: Decimal


@dataclass
class Context:
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
        if a.loc("objekt") in unreadable:
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
    def key(a):
        return a.name.strip().casefold(), a.verksamhet.strip().casefold()
    seen = Counter(key(a) for a in book.activities if a.name)
    return [Finding(WARNING, "dubblett", f"Aktiviteten '{a.name}' ({a.verksamhet}) förekommer flera gånger.",
                    a.loc("name"), a.amount)
            for a in book.activities if a.name and seen[key(a)] > 1]


_YEAR = re.compile(r"\b(19|20)\d\d\b")
_NEED = re.compile(r"(\d[\d  ]*(?:,\d+)?\s*(?:mkr|tkr|kr))", re.IGNORECASE)


def earlier_year(a: Activity, year: int) -> int | None:
    """The earlier year an activity's 'Tidigare beslut' names (e.g. 'personalmiljard 2018'), if any."""
    years = [int(m.group(0)) for m in _YEAR.finditer(a.earlier_decision)]
    earlier = [y for y in years if y < year]
    return max(earlier) if earlier else None


def check_earlier_decisions(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Amounts that earlier years' decisions (multi-year activities) already bind reduce what is
    available for new activities."""
    ag = book.agreement
    bound = [a for a in book.activities if earlier_year(a, ag.year) is not None]
    if not bound:
        return []
    committed = sum((a.amount or ZERO for a in bound), ZERO)
    left = ag.received - committed
    if left < 0:
        return [Finding(ERROR, "tidigare-beslut-overstiger",
                        f"Tidigare års beslut binder {format_kr(committed)}, mer än bidraget ({format_kr(ag.received)}).",
                        book.table_location, -left)]
    new = sum((a.amount or ZERO for a in book.activities if earlier_year(a, ag.year) is None), ZERO)
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
    named = sum((next_year_amount(a) for a in needing), ZERO)
    text = f" (belopp angivet för {format_kr(named)})" if named else ""
    return [Finding(INFO, "behov-nasta-ar", f"{len(needing)} aktiviteter behöver medel även nästa år{text}.",
                    book.table_location, named or None)]


def _pot_sums(book: DecisionBook) -> PotSums:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unassigned = ZERO
    for a in book.activities:
        pot = book.agreement.pot(a.pot) if a.pot else None
        if pot is not None:
            sums[pot.name] += a.amount or ZERO
        elif not a.pot:
            unassigned += a.amount or ZERO
    free_left = sum((max(ZERO, p.amount - sums.get(p.name, ZERO)) for p in book.agreement.pots if not p.earmarked),
                    ZERO)
    return PotSums(dict(sums), unassigned, free_left)


def check_allocation(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Decided amounts against what is available, per pot and overall."""
    out = []
    ag = book.agreement
    sums = ctx.pot_sums(book)
    table = book.table_location
    for pot in ag.pots:
        used = sums.per_pot.get(pot.name, ZERO)
        if used > pot.amount:
            out.append(Finding(ERROR, "pott-overfordelad",
                               f"Aktiviteterna i potten '{pot.name}' ({format_kr(used)}) överstiger potten "
                               f"({format_kr(pot.amount)}) med {format_kr(used - pot.amount)}.",
                               pot.cells.get("amount", table), used - pot.amount))
    available = ag.received
    if book.decided > available:
        out.append(Finding(ERROR, "overfordelat",
                           f"Beslutade belopp ({format_kr(book.decided)}) överstiger bidraget "
                           f"({format_kr(available)}) med {format_kr(book.decided - available)}.",
                           table, book.decided - available))
    free_rest = sums.free_left - sums.unassigned
    if free_rest > 0:
        free = [p for p in ag.pots if not p.earmarked]
        where = free[0].cells.get("amount", table) if len(free) == 1 else table
        out.append(Finding(WARNING, "ej-fordelat",
                           f"{format_kr(free_rest)} av bidraget ({format_kr(ag.total)}) är inte fördelat på "
                           f"aktiviteter (beslutat {format_kr(book.decided)}).", where, free_rest))
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
    if book.decided > ag.decided_total:
        over = book.decided - ag.decided_total
        out.append(Finding(WARNING, "beslut-overskrids",
                           f"Aktiviteterna ({format_kr(book.decided)}) överstiger regionens eget beslut "
                           f"({format_kr(ag.decided_total)}) med {format_kr(over)}.", ag.loc("decided_total"), over))
    return out


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


def check_dates(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The report period lies inside the agreement's year; deadlines that have passed."""
    out = []
    ag = book.agreement
    start, end = ag.period
    if start > end:
        out.append(Finding(ERROR, "period-ogiltig", f"Redovisningsperioden börjar ({start}) efter att den slutar ({end}).",
                           ag.loc("period_start")))
    if end < dt.date(ag.year, 1, 1) or start > dt.date(ag.year, 12, 31):  # a period of several years is fine
        out.append(Finding(ERROR, "period-utanfor-ar",
                           f"Redovisningsperioden ({start} – {end}) omfattar inte överenskommelsens år {ag.year}.",
                           ag.loc("period_start")))
    if ag.report_deadline is not None and start <= end and ag.report_deadline < end:
        out.append(Finding(WARNING, "period-efter-redovisning",
                           f"{AGREEMENT_LABELS['report_deadline']} ({ag.report_deadline}) kommer före periodens slut "
                           f"({end}): redovisningen kan inte omfatta hela perioden. Dela perioden per år eller "
                           "kontrollera datumen.", ag.loc("report_deadline")))
    for duty in DUTIES:  # a duty that is done has no deadline left to pass
        day = getattr(ag, duty.deadline)
        if day is not None and day < ctx.today and not ag.done(duty)[0]:
            out.append(Finding(INFO, "tidsgrans-passerad", f"{AGREEMENT_LABELS[duty.deadline]} ({day}) har passerat.",
                               ag.loc(duty.deadline)))
    return out


_GRANT_PROBLEMS = {
    "reskontra-dubblett": (ERROR, "År {year} och potten '{pot}' står två gånger (också på rad {other_row}); "
                                  "varje år och pott ska redovisas en gång."),
    "reskontra-negativt": (ERROR, "{column} för {year}, '{pot}', är negativt ({amount})."),
    "reskontra-summerar-inte": (ERROR, "Utgående saldo för {year}, '{pot}', är {amount} men ingående saldo + "
                                       "erhållet − kostnader − återbetalt är {expected}."),
    "reskontra-overfort": (ERROR, "Överfört för {year}, '{pot}' ({amount}), är mer än utgående saldo ({expected})."),
    "reskontra-lucka": (WARNING, "'{pot}' saknar rader mellan {other_year} och {year}: saldot kan inte följas "
                                 "år för år."),
    "reskontra-rullar-inte": (ERROR, "Ingående saldo för {year}, '{pot}' ({amount}), är inte föregående års "
                                     "utgående saldo ({expected})."),
    "reskontra-ej-aterbetalt": (WARNING, "Av utgående saldo {other_year} för '{pot}' skulle {expected} återbetalas "
                                         "(det som inte förts över), men {year} är återbetalt {amount}."),
    "reskontra-skuld-anvand": (WARNING, "Kostnaderna {year} för '{pot}' ({amount}) är mer än det som fick användas "
                                        "({expected}: överfört från {other_year} och erhållet {year}); medel som ska "
                                        "återbetalas har använts."),
}


def check_grant_ledger(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The grant ledger (table Bidragsreskontra, ``grantledger``): each row adds up and the balances roll
    forward year by year exactly; what is owed is repaid the year after and not spent; nothing is there
    twice; the pots are the agreement's; the rows of the report's years agree with Bilaga 2 (what was paid
    out, the costs per part); money is carried over only where the agreement allows it."""
    rows = book.grant_ledger
    if not rows:
        return []
    ag = book.agreement
    start, end = ag.period
    out = []
    labels = dict(GRANT_LEDGER_COLUMNS)
    for p in problems(rows):
        severity, text = _GRANT_PROBLEMS[p.code]
        shown = {"year": p.row.year, "pot": p.row.pot, "column": labels[p.column],
                 "amount": format_kr(p.amount) if p.amount is not None else "",
                 "expected": format_kr(p.expected) if p.expected is not None else "",
                 "other_year": p.other.year if p.other else "", "other_row": str(p.other.loc()) if p.other else ""}
        out.append(Finding(severity, p.code, f"Bidragsreskontra: {text.format(**shown)}", p.row.loc(p.column),
                           p.amount))
    for r in rows:
        if r.pot.strip() and ag.pot(r.pot) is None and key(r.pot) != key(OTHER_POTS):
            out.append(Finding(ERROR, "pott-okand", f"Bidragsreskontra: potten '{r.pot}' ({r.year}) finns inte i "
                               f"tabellen Potter (pottar som inte är öronmärkta kan stå tillsammans som "
                               f"'{OTHER_POTS}').", r.loc("pot")))
        if r.carried > 0 and not is_yes(ag.carry_over) and start.year <= r.year <= end.year:  # this book's years
            out.append(Finding(WARNING, "reskontra-overfort-ej-tillatet",
                               f"Bidragsreskontra: {format_kr(r.carried)} av '{r.pot}' förs över från {r.year}, men "
                               f"överenskommelsen tillåter inte det enligt bladet {AGREEMENT_SHEET} "
                               f"(”{AGREEMENT_LABELS['carry_over']}”). Det som inte förbrukats ska återbetalas.",
                               r.loc("carried"), r.carried))
    for pot_rows in by_pot(rows).values():  # the last year's debt, when its repayment deadline has passed
        last = pot_rows[-1]
        due = ag.repayment_deadline if last.year == ag.year and ag.repayment_deadline else dt.date(last.year + 1, 3, 31)
        if last.owed > 0 and ctx.today > due:
            out.append(Finding(WARNING, "reskontra-ej-aterbetalt",
                               f"Bidragsreskontra: {format_kr(last.owed)} av '{last.pot}' ({last.year}) skulle "
                               f"återbetalas senast {due}, men det finns ingen rad för {last.year + 1} som visar "
                               "återbetalningen.", last.loc("closing"), last.owed))
    mine = period_rows(book)
    if mine and ag.paid_out is not None:
        received = sum((r.received for r in mine if r.year == ag.year), ZERO)
        if received != ag.paid_out:
            out.append(Finding(WARNING, "reskontra-avviker",
                               f"Bidragsreskontra: erhållet {ag.year} ({format_kr(received)}) stämmer inte med "
                               f"{AGREEMENT_LABELS['paid_out']} ({format_kr(ag.paid_out)}).", ag.loc("paid_out"),
                               received - ag.paid_out))
    if mine and book.outcome_complete:
        ye = year_end(book)
        for part in ye.parts:  # the grant's part of the costs: what the part used of its money
            booked = sum((r.costs for r in mine if ledger_part(ag, r.pot) == part.key), ZERO)
            used = part.grant - part.repay
            if booked != used:
                out.append(Finding(WARNING, "reskontra-avviker",
                                   f"Bidragsreskontra: kostnaderna för {part.name} {start.year}–{end.year} "
                                   f"({format_kr(booked)}) stämmer inte med det bidraget bekostar enligt Bilaga 2 "
                                   f"({format_kr(used)}: utfallet upp till bidraget): samma kostnad får inte "
                                   "redovisas två gånger, och ingen får fattas.", mine[0].loc("costs"), booked - used))
    if start.year < end.year and is_yes(ag.per_year):
        years = {r.year for r in mine}
        missing = [y for y in range(start.year, end.year + 1) if y not in years]
        if missing:
            out.append(Finding(WARNING, "reskontra-ar-saknas",
                               f"Redovisningen ska delas per år, men Bidragsreskontra saknar rader för "
                               f"{', '.join(map(str, missing))}.", ag.loc("per_year")))
    return out


def check_socialstyrelsen(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The follow-up report to Socialstyrelsen has a deadline recorded (the agreement's or the region's
    own), or the cell says "Ingen": the follow-up is often a condition for keeping the money."""
    ag = book.agreement
    if ag.socialstyrelsen_deadline or ag.socialstyrelsen_internal or "socialstyrelsen_deadline" in ag.no_deadline:
        return []
    return [Finding(WARNING, "socialstyrelsen-saknas",
                    f"{AGREEMENT_LABELS['socialstyrelsen_deadline']} är inte ifylld. Fyll i den dag överenskommelsen "
                    "anger för uppföljningen (2017 års: avsnitt 6.1), eller skriv Ingen om den inte kräver någon "
                    "rapport.", ag.loc("socialstyrelsen_deadline"))]


def missing_fields(ag: Agreement, names: tuple[str, ...], form: str = "Bilaga 2") -> list[Finding]:
    return [Finding(WARNING, "uppgift-saknas", f"{AGREEMENT_LABELS[name]} saknas (krävs i {form}).", ag.loc(name))
            for name in names if not getattr(ag, name)]


def check_report_fields(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The contact details and diary numbers that Bilaga 2 asks for."""
    return missing_fields(book.agreement, REQUIRED_REPORT_FIELDS)


_GIRO = re.compile(r"^(?:(?P<kind>bankgiro|bg|plusgiro|pg)[\s.:]*(?:nr\.?|nummer)?[\s.:]*)?(?P<number>[\d\s-]+)$",
                   re.IGNORECASE)


def luhn_ok(digits: str) -> bool:
    """The mod 10 (Luhn) check digit that bankgiro and plusgiro numbers end with."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def giro_problem(text: str) -> str | None:
    """Why ``text`` is not a bankgiro number (7-8 digits, written 123-4567 or 1234-5678) or a plusgiro
    number (2-8 digits, written 12 34 56-7), with a valid check digit; None when it is one."""
    match = _GIRO.match(" ".join(text.split()))
    if not match:
        return f"'{text}' är inte ett bankgiro- eller plusgironummer"
    number = match["number"].strip()
    digits = re.sub(r"\D", "", number)
    kind = (match["kind"] or "").casefold()
    if kind in ("plusgiro", "pg") or (not kind and re.fullmatch(r"[\d\s]*\d-\d", number)):
        if not 2 <= len(digits) <= 8:
            return f"plusgironumret '{text}' ska ha 2-8 siffror"
    elif not (7 <= len(digits) <= 8 and re.fullmatch(r"\d{3,4}-?\d{4}", number.replace(" ", ""))):
        return f"bankgironumret '{text}' ska skrivas 123-4567 eller 1234-5678"
    if not luhn_ok(digits):
        return f"kontrollsiffran i '{text}' stämmer inte"
    return None


def check_requisition(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The requisition: the amount against the grant, the bankgiro/plusgiro number, and its deadline
    (the right to the grant lapses if the requisition is late)."""
    ag = book.agreement
    out = []
    if ag.requisition_amount is not None:
        if ag.requisition_amount > ag.total:
            out.append(Finding(ERROR, "rekvisition-overstiger",
                               f"Belopp som rekvireras ({format_kr(ag.requisition_amount)}) överstiger bidraget enligt "
                               f"överenskommelsen ({format_kr(ag.total)}).", ag.loc("requisition_amount"),
                               ag.requisition_amount - ag.total))
        elif ag.requisition_amount <= 0:
            out.append(Finding(ERROR, "rekvisition-overstiger", "Belopp som rekvireras måste vara större än noll.",
                               ag.loc("requisition_amount"), ag.requisition_amount))
    if ag.giro:
        problem = giro_problem(ag.giro)
        if problem:
            out.append(Finding(ERROR, "giro-ogiltigt", f"{AGREEMENT_LABELS['giro']}: {problem}.", ag.loc("giro")))
    else:
        out.append(Finding(WARNING, "giro-saknas", f"{AGREEMENT_LABELS['giro']} saknas (krävs i rekvisitionen).",
                           ag.loc("giro")))
    day = ag.requisition_deadline
    if day is not None and ag.paid_out is None:
        left = (day - ctx.today).days
        report_due = ag.report_deadline or dt.date(ag.period[1].year + 1, 3, 31)
        if 0 <= left <= 30:
            out.append(Finding(WARNING, "rekvisition-snart",
                               f"Sista dag för rekvisition är {day} (om {left} dagar). Rätten till bidraget förfaller "
                               "om rekvisitionen inte har kommit in.", ag.loc("requisition_deadline")))
        elif left < 0 and ctx.today <= report_due:
            out.append(Finding(WARNING, "rekvisition-passerad",
                               f"Sista dag för rekvisition ({day}) har passerat och inget utbetalt belopp är ifyllt. "
                               "Rätten till bidraget förfaller om rekvisitionen inte har kommit in.",
                               ag.loc("requisition_deadline")))
    return out


Check = Callable[[DecisionBook, Context], list[Finding]]
CHECKS: list[Check] = [
    check_names,
    check_amounts,
    check_objekt,
    check_pot_names,
    check_duplicates,
    check_allocation,
    check_earmarked,
    check_earmarked_outcome,
    check_earlier_decisions,
    check_decision_total,
    check_paid_out,
    check_outcome,
    check_ledger,
    check_grant_ledger,
    check_dates,
    check_socialstyrelsen,
    check_report_fields,
    check_requisition,
    check_next_year,
]


def validate(book: DecisionBook, today: dt.date | None = None, checks: list[Check] | None = None) -> list[Finding]:
    """The reader's problems, then every check's findings (or the given checks'); sorted by severity,
    keeping each one's order."""
    ctx = Context(today or dt.date.today())
    findings = list(book.problems) + [f for check in (CHECKS if checks is None else checks) for f in check(book, ctx)]
    return sorted(findings, key=lambda f: f.severity.rank)


def requisition_findings(book: DecisionBook, today: dt.date | None = None) -> list[Finding]:
    """What the requisition form needs, for the ``rekvisition`` command and the button alike: the
    requisition's checks (a missing bankgiro/plusgiro is an error here: the form cannot be sent without
    it) and the contact details and diary numbers the form prints."""
    ctx = Context(today or dt.date.today())
    found = [Finding(ERROR, f.code, f.message, f.location, f.amount) if f.code == "giro-saknas" else f
             for f in check_requisition(book, ctx)]
    fields = missing_fields(book.agreement, REQUISITION_FIELDS, "rekvisitionen")
    return sorted(found + fields, key=lambda f: f.severity.rank)


# The checks that need nothing but amounts, their names and pots (no agreement, no workbook).
AMOUNT_CHECKS: list[Check] = [check_amounts, check_pot_names, check_duplicates, check_allocation, check_earmarked]


def validate_amounts(activities: list[Activity], pots: list[Pot], problems: list[Finding] | None = None,
                     today: dt.date | None = None) -> list[Finding]:
    """Validate a bare range of amounts (activities with a name, an amount and perhaps a pot) against
    pots: the reader's ``problems`` first, then the findings of ``AMOUNT_CHECKS``, as ``validate``."""
    book = DecisionBook("", Agreement("", 0, pots), activities, Location(), list(problems or []))
    return validate(book, today, AMOUNT_CHECKS)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
