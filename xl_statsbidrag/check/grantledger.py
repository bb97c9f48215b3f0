"""The grant ledger's checks (table Bidragsreskontra, ``core.grantledger``): each row adds up and the
balances roll forward year by year exactly; what is owed is repaid the year after and not spent; nothing
is there twice; the pots are the agreement's; the rows of the report's years agree with Bilaga 2 (what was
paid out, the costs per part); money is carried over only where the agreement allows it."""
from __future__ import annotations

import datetime as dt

from ..core.grantledger import by_pot, key, problems
from ..core.model import OTHER_POTS, DecisionBook, Finding
from ..core.money import format_kr
from ..core.text import is_yes
from ..core.yearend import ledger_part, period_rows, year_end
from ..read.workbook_format import AGREEMENT_LABELS, AGREEMENT_SHEET, GRANT_LEDGER_COLUMNS
from .context import ERROR, WARNING, ZERO, Context

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
    """See the module."""
    rows = book.grant_ledger
    ag = book.agreement
    start, end = ag.period
    out = _years_missing(book)
    if not rows:
        return out
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
        # money left at the end of a year inside the period stays for the period's next years; only what is
        # carried past the period's last year needs the agreement's leave
        if r.carried > 0 and not is_yes(ag.carry_over) and r.year == end.year:
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
        years = str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
        for part in ye.parts:  # the grant's part of the costs: what the part used of its money
            booked = sum((r.costs for r in mine if ledger_part(ag, r.pot) == part.key), ZERO)
            used = part.grant - part.repay
            if booked != used:
                out.append(Finding(WARNING, "reskontra-avviker",
                                   f"Bidragsreskontra: kostnaderna för {part.name} {years} "
                                   f"({format_kr(booked)}) stämmer inte med det bidraget bekostar enligt Bilaga 2 "
                                   f"({format_kr(used)}: utfallet upp till bidraget): samma kostnad får inte "
                                   "redovisas två gånger, och ingen får fattas.", mine[0].loc("costs"), booked - used))
    return out


def _years_missing(book: DecisionBook) -> list[Finding]:
    """A report per year over several years needs the ledger's rows of each year (no table at all too: Bilaga 2
    then has no table per year)."""
    ag = book.agreement
    start, end = ag.period
    if not (start.year < end.year and is_yes(ag.per_year)):
        return []
    years = {r.year for r in period_rows(book)}
    missing = [y for y in range(start.year, end.year + 1) if y not in years]
    if not missing:
        return []
    return [Finding(WARNING, "reskontra-ar-saknas", f"Redovisningen ska delas per år, men Bidragsreskontra saknar "
                    f"rader för {', '.join(map(str, missing))}.", ag.loc("per_year"))]
