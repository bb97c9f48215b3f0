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
from .workbook_format import AGREEMENT_LABELS, DUTIES

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
SEVERITY_ORDER = {s: s.rank for s in Severity}
ZERO = Decimal(0)

# Fields of Bilaga 2 that the report cannot do without (fax and the signature block are left
# to be filled in by hand).
REQUIRED_REPORT_FIELDS = ("recipient", "org_number", "contact_person", "postal_address", "phone",
                          "email", "rk_dnr_agreement", "rk_dnr_payment", "finance_head", "signatory")


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
    """Earmarked pots are used for their purpose only, and their full amount is accounted for."""
    out = []
    ag = book.agreement
    sums = ctx.pot_sums(book)
    unassigned = sums.unassigned
    eaten = max(ZERO, unassigned - sums.free_left)
    for pot in ag.pots:
        if not pot.earmarked:
            continue
        # an over-allocated earmarked pot has nothing left to be eaten (it is reported on its own)
        rest = max(ZERO, pot.amount - sums.per_pot.get(pot.name, ZERO))
        purpose = pot.purpose or pot.name
        share = min(eaten, rest)
        if share > 0:
            out.append(Finding(WARNING, "oronmarkt-anvant",
                               f"Aktiviteter utan pott ({format_kr(unassigned)}) överstiger de fria potterna; "
                               f"{format_kr(share)} av de öronmärkta medlen i '{pot.name}' ({format_kr(pot.amount)}) "
                               f"går då till annat än ändamålet ({purpose}). Ange pott per aktivitet.",
                               pot.cells.get("amount", book.table_location), share))
            rest -= share
            eaten -= share
        if rest > 0:
            out.append(Finding(INFO, "oronmarkt-kvar",
                               f"{format_kr(rest)} av '{pot.name}' återstår och är reserverat för ändamålet: "
                               f"{purpose}.", pot.cells.get("amount", book.table_location), rest))
    return out


def check_earmarked_outcome(book: DecisionBook, ctx: Context) -> list[Finding]:
    """With utfall: costs outside the earmarked pots above the money outside them, while an earmarked pot
    has money left: the accounts then use earmarked money for other purposes (Alt 2 in the report)."""
    ag = book.agreement
    earmarked = [p for p in ag.pots if p.earmarked]
    if not book.has_outcome or not earmarked:
        return []
    spent = book.earmarked_costs()
    left = sum((max(ZERO, p.amount - spent[p.name]) for p in earmarked), ZERO)
    rest_money = ag.received - sum((p.amount for p in earmarked), ZERO)
    rest_costs = book.costs - sum(spent.values(), ZERO)
    used = min(left, rest_costs - rest_money)
    if used <= 0:
        return []
    names = ", ".join(f"”{p.name}”" for p in earmarked)
    return [Finding(WARNING, "oronmarkt-utfall",
                    f"Kostnaderna utanför de öronmärkta medlen ({format_kr(rest_costs)}) överstiger övriga medel "
                    f"({format_kr(rest_money)}); {format_kr(used)} av de öronmärkta medlen ({names}) har då använts "
                    "till annat än ändamålet, om inte regionen bär kostnaden. Bilaga 2 räknar de öronmärkta medlen "
                    "som ej förbrukade och ska återbetalas.", book.table_location, used)]


def check_decision_total(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The total named in the region's decision against the agreement's amount."""
    ag = book.agreement
    if ag.decided_total is None or ag.decided_total == ag.total:
        return []
    diff = ag.total - ag.decided_total
    return [Finding(WARNING, "beslut-avviker",
                    f"Regionens beslut avser {format_kr(ag.decided_total)} men överenskommelsen ger "
                    f"{format_kr(ag.total)} (skillnad {format_kr(diff)}).", ag.loc("decided_total"), diff)]


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
    return out


def check_outcome(book: DecisionBook, ctx: Context) -> list[Finding]:
    """Actual costs (utfall): complete, against budget, and what must be repaid."""
    out = []
    if not book.has_outcome:
        return [Finding(WARNING, "utfall-saknas",
                        "Utfall saknas: kostnaderna i Bilaga 2 är beslutad budget, inte utfall. "
                        "Alt 1 kan inte intygas förrän utfallet är ifyllt.", book.table_location)]
    for a in book.activities:
        if a.actual is None:
            out.append(Finding(ERROR, "utfall-saknas-rad", f"Utfall saknas för '{a.name}'.", a.loc("actual")))
        elif a.amount is not None and a.actual > a.amount:
            out.append(Finding(WARNING, "utfall-over-budget",
                               f"Utfallet för '{a.name}' ({format_kr(a.actual)}) överstiger budget "
                               f"({format_kr(a.amount)}) med {format_kr(a.actual - a.amount)}.",
                               a.loc("actual"), a.actual - a.amount))
    per_objekt: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for a in book.activities:
        per_objekt[a.objekt.casefold()][0] += a.amount or ZERO
        per_objekt[a.objekt.casefold()][1] += a.actual or ZERO
    for code, (budget, actual) in sorted(per_objekt.items()):
        if actual > budget:
            out.append(Finding(INFO, "objekt-over-budget",
                               f"Utfall på objekt {code} ({format_kr(actual)}) överstiger budget ({format_kr(budget)}).",
                               book.table_location, actual - budget))
    unused = book.unused
    repay, _ = book.repayment()
    if repay > 0:
        when = book.agreement.report_deadline
        out.append(Finding(INFO, "aterbetalas",
                           f"{format_kr(repay)} har inte förbrukats och ska återbetalas till Kammarkollegiet"
                           + (f" senast {when.isoformat()}." if when else "."), book.table_location, repay))
    elif unused < 0:
        out.append(Finding(INFO, "kostnader-over-bidrag",
                           f"Kostnaderna överstiger bidraget med {format_kr(-unused)}; det bekostas av regionen.",
                           book.table_location, -unused))
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
    for duty in DUTIES:  # a duty that is done has no deadline left to pass
        day = getattr(ag, duty.deadline)
        if day is not None and day < ctx.today and not ag.done(duty)[0]:
            out.append(Finding(INFO, "tidsgrans-passerad", f"{AGREEMENT_LABELS[duty.deadline]} ({day}) har passerat.",
                               ag.loc(duty.deadline)))
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


def check_report_fields(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The contact details and diary numbers that Bilaga 2 asks for."""
    ag = book.agreement
    return [Finding(WARNING, "uppgift-saknas", f"{AGREEMENT_LABELS[name]} saknas (krävs i Bilaga 2).", ag.loc(name))
            for name in REQUIRED_REPORT_FIELDS if not getattr(ag, name)]


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
