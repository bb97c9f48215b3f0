"""Checks of the period and the deadlines."""
from __future__ import annotations

import datetime as dt

from ..core.errors import Location
from ..core.model import AGREEMENT_SHEET, DUTIES, DecisionBook, Finding
from ..read.workbook_format import AGREEMENT_LABELS, DUTIES_TABLE, DUTY_COLUMNS
from .context import ERROR, INFO, WARNING, Context


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


def check_duty_dates(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The region's own deadline (internt) of a duty comes before the agreement's (externt), and a duty's
    done date is not a day still to come: either is most often a date typed in the wrong cell or year.
    Every duty: the four of every agreement and the rows of the table Redovisningar."""
    ag = book.agreement
    duties = [(duty.kind, getattr(ag, duty.deadline), getattr(ag, duty.internal), getattr(ag, duty.done),
               ag.loc(duty.internal), ag.loc(duty.done), AGREEMENT_LABELS[duty.internal],
               AGREEMENT_LABELS[duty.deadline]) for duty in DUTIES]
    sheet = Location(AGREEMENT_SHEET)  # (a row of the table without the cell: the sheet)
    duties += [(d.name, d.deadline, d.internal, d.done, d.cells.get("internal") or sheet, d.cells.get("done") or sheet,
                f"{DUTIES_TABLE}, {DUTY_COLUMNS['internal']}", f"{DUTIES_TABLE}, {DUTY_COLUMNS['deadline']}")
               for d in ag.duties]
    out = []
    for kind, deadline, internal, done, internal_at, done_at, internal_label, deadline_label in duties:
        if internal is not None and deadline is not None and internal > deadline:
            out.append(Finding(WARNING, "internt-efter-externt",
                               f"{kind}: {internal_label} ({internal}) kommer efter överenskommelsens sista dag "
                               f"({deadline_label}: {deadline}). Den egna tidsgränsen ska ligga före; kontrollera "
                               "datumen.", internal_at))
        if done is not None and done > ctx.today:
            out.append(Finding(WARNING, "klar-i-framtiden",
                               f"{kind}: markerad som lämnad {done}, en dag som inte har kommit än (i dag "
                               f"{ctx.today}). Kontrollera datumet; fram till dess räknas uppgiften som klar.",
                               done_at))
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
