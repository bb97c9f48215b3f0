"""The year's deadlines across agreements (``files.ics`` writes them as an iCalendar file that Outlook
imports; ``forms.overview`` lists them for the head of finance).

Each duty of an agreement - requisition, economic report, repayment of unused money, the follow-up report to
Socialstyrelsen, and any other reporting duty the agreement names (the table Redovisningar) - has the
agreement's deadline (*externt*) and may have the region's own earlier one (*internt*), both kept.  Dates come
from the workbook's sheet Överenskommelse, else from the agreement catalogue.  A date taken from an earlier
agreement's terms is marked as assumed, with what to verify it against.  A duty recorded as done (its date
filled in; a requisition also when the grant is paid out) is not coming.

Working days: a deadline on a Saturday, Sunday or other non-working day is shown as such, with the last
working day before it as the date to plan for.  The non-working days are computed (``non_working``): Swedish
public holidays (lag (1989:253) om allmänna helgdagar, Easter from ``dateutil``), första maj, and
midsommarafton, julafton and nyårsafton, which lag (1930:173) om beräkning av lagstadgad tid treats like
holidays (a statutory deadline on any of these days moves to the next working day) and which public
administration keeps closed.  That law would allow the next working day for a statutory deadline; the
agreements' deadlines are terms of a contract and the tool plans for the working day before, which is safe.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

from dateutil.easter import easter  # the Gregorian Easter (a well-kept library; no table to maintain)

from ..core.model import DUTIES, Agreement
from ..core.text import normalise_header
from ..read.reference_data import catalogue_duties, catalogue_for

KINDS = {d.key: d.kind for d in DUTIES}
OTHER = "ovriga"  # the key of the agreement's other reporting duties
EXTERNAL, INTERNAL = "externt", "internt"
DAY = dt.timedelta(days=1)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


# --- working days ------------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def holidays(year: int) -> dict[dt.date, str]:
    """The days of a year, other than Saturdays and Sundays, on which Swedish public administration does
    not work, with their names (rules in force since 2005; before, annandag pingst instead of the national
    day)."""
    e = easter(year)
    midsummer = next(dt.date(year, 6, d) for d in range(20, 27) if dt.date(year, 6, d).weekday() == 5)
    all_saints = next(d for d in (dt.date(year, 10, 31) + i * DAY for i in range(7)) if d.weekday() == 5)
    days = [(dt.date(year, 1, 1), "nyårsdagen"), (dt.date(year, 1, 6), "trettondedag jul"),
            (e - 2 * DAY, "långfredagen"), (e, "påskdagen"), (e + DAY, "annandag påsk"),
            (dt.date(year, 5, 1), "första maj"), (e + 39 * DAY, "Kristi himmelsfärdsdag"),
            (e + 49 * DAY, "pingstdagen"),
            (dt.date(year, 6, 6), "Sveriges nationaldag") if year >= 2005 else (e + 50 * DAY, "annandag pingst"),
            (midsummer - DAY, "midsommarafton"), (midsummer, "midsommardagen"), (all_saints, "alla helgons dag"),
            (dt.date(year, 12, 24), "julafton"), (dt.date(year, 12, 25), "juldagen"),
            (dt.date(year, 12, 26), "annandag jul"), (dt.date(year, 12, 31), "nyårsafton")]
    out: dict[dt.date, str] = {}
    for day, name in days:
        out.setdefault(day, name)
    return out


def non_working(day: dt.date) -> str:
    """Why a day is not a working day ("lördag", "långfredagen", ...), or "" for a working day."""
    return holidays(day.year).get(day) or (WEEKDAYS[day.weekday()] if day.weekday() >= 5 else "")


def last_working_day(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the last working day before it."""
    while non_working(day):
        day -= DAY
    return day


def weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


# --- deadlines ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    day: dt.date  # as the agreement (externt) or the region (internt) states it
    kind: str  # what the duty is: "Rekvisition", ..., or the name of another reporting duty
    key: str  # rekvisition, redovisning, aterbetalning, socialstyrelsen, ovriga
    scope: str  # EXTERNAL or INTERNAL
    agreement: str
    year: int
    dnr: str  # the Government Offices' diary number of the agreement, else the region's
    file: str
    source: str  # "arbetsboken" or "katalogen"
    recipient: str = ""  # for another reporting duty, where it goes
    done: bool = False
    done_on: dt.date | None = None
    reference: str = ""
    assumed: str = ""  # what an assumed date is taken from ("" when it is the agreement's own)
    verify: str = ""  # what to verify an assumed date against
    also: tuple[str, ...] = ()  # other workbooks of the same agreement and year

    @property
    def plan_day(self) -> dt.date:
        """The date to plan for: the last working day on or before the deadline."""
        return last_working_day(self.day)

    @property
    def non_working(self) -> str:
        """Why the deadline itself is not a working day, or ""."""
        return non_working(self.day)

    @property
    def what(self) -> str:
        return f"{self.kind} ({self.scope})"

    def is_open(self, today: dt.date) -> bool:
        """Coming: not done, and its working day not passed."""
        return not self.done and self.plan_day >= today

    def status(self, today: dt.date) -> str:
        """done [date], passed, today, in N days (counted to the date to plan for)."""
        if self.done:
            return "done" + (f" {self.done_on.isoformat()}" if self.done_on else "")
        days = (self.plan_day - today).days
        return "passed" if days < 0 else "today" if days == 0 else f"in {days} days"


def _catalogue(ag: Agreement) -> tuple[dict[str, tuple[dt.date, str]], list]:
    """The catalogue's deadlines for an agreement of the same name and year: {key: (date, source)} for the
    duties of every agreement, and its other reporting duties (``reference_data.CatalogueDuty``)."""
    entry = catalogue_for(ag.name, ag.year)
    if entry is None:
        return {}, []
    out = {}
    for key, text in (("rekvisition", entry.requisition_deadline), ("redovisning", entry.report_deadline)):
        if text:
            out[key] = (dt.date.fromisoformat(text), entry.source)
    if "redovisning" in out:  # the catalogue's agreements repay with the report (2017: both 31 March)
        out["aterbetalning"] = out["redovisning"]
    others = []
    for duty in catalogue_duties(entry.id):
        if duty.kind in KINDS:
            out[duty.kind] = (dt.date.fromisoformat(duty.deadline), duty.source)
        else:
            others.append(duty)
    return out, others


def deadlines(ag: Agreement, file: str) -> list[Deadline]:
    """An agreement's deadlines: per duty the agreement's (the sheet's, else the catalogue's) and the
    region's own; repayment is due with the economic report where neither names a date of its own (as
    in the 2017 agreement; marked as assumed).  A deadline cell saying "Ingen" means no such duty."""
    defaults, other_defaults = _catalogue(ag)
    dnr = ag.rk_dnr_agreement or ag.region_dnr
    file = file.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # a name that is not UTF-8
    verify = f"överenskommelsen för {ag.year}" + (f" ({ag.rk_dnr_agreement})" if ag.rk_dnr_agreement else "")
    base = dict(agreement=ag.name, year=ag.year, dnr=dnr, file=file)
    out = []
    report_day = None
    for duty in DUTIES:
        done, done_on, ref = ag.done(duty)
        common = dict(kind=duty.kind, key=duty.key, done=done, done_on=done_on, reference=ref, **base)
        day, source, assumed = getattr(ag, duty.deadline), "arbetsboken", ag.deadlines_assumed
        if duty.deadline in ag.no_deadline:
            day = None
        elif day is None and duty.key in defaults:
            (day, _), source, assumed = defaults[duty.key], "katalogen", ""
        elif day is None and duty.key == "aterbetalning" and report_day is not None:
            day = report_day
            assumed = "samma dag som den ekonomiska redovisningen" + (f" ({ag.deadlines_assumed})"
                                                                       if ag.deadlines_assumed else "")
        if duty.key == "redovisning":
            report_day = day
        if day is not None:
            out.append(Deadline(day, scope=EXTERNAL, source=source, assumed=assumed,
                                verify=verify if assumed else "", **common))
        internal = getattr(ag, duty.internal)
        if internal is not None and duty.internal not in ag.no_deadline:
            out.append(Deadline(internal, scope=INTERNAL, source="arbetsboken", **common))
    named = {normalise_header(d.name) for d in ag.duties}
    for d in ag.duties:
        common = dict(kind=d.name, key=OTHER, recipient=d.recipient, done=d.done is not None, done_on=d.done,
                      reference=d.reference, **base)
        if d.deadline is not None:
            out.append(Deadline(d.deadline, scope=EXTERNAL, source="arbetsboken", **common))
        if d.internal is not None:
            out.append(Deadline(d.internal, scope=INTERNAL, source="arbetsboken", **common))
    for d in other_defaults:
        if normalise_header(d.name) not in named:
            out.append(Deadline(dt.date.fromisoformat(d.deadline), d.name, OTHER, EXTERNAL, source="katalogen",
                                recipient=d.recipient, **base))
    return out


def in_order(items: list[Deadline], today: dt.date) -> list[Deadline]:
    """The coming deadlines soonest first; then those passed without being done, latest first; then the
    done ones, latest first."""
    def key(d: Deadline):
        return d.plan_day, d.agreement, d.year, d.kind, d.scope

    coming = sorted((d for d in items if d.is_open(today)), key=key)
    passed = sorted((d for d in items if not d.done and not d.is_open(today)), key=key, reverse=True)
    done = sorted((d for d in items if d.done), key=key, reverse=True)
    return coming + passed + done


# --- one entry per agreement and year --------------------------------------------------------------------

def agreement_key(ag: Agreement) -> tuple[str, int, str]:
    """Which agreement a workbook is about: its name, year and recipient (compared as headers are)."""
    return normalise_header(ag.name), ag.year, normalise_header(ag.recipient)


def _facts(items: list[Deadline]) -> dict[tuple[str, str], tuple]:
    return {(d.kind, d.scope): (d.day, d.done, d.done_on) for d in items}


def combine(books: list[tuple[str, Agreement]]) -> tuple[list[tuple[str, Agreement, tuple[str, ...]]], list[str]]:
    """The same agreement and year given in several workbooks is one entry: the first one given, with the
    others named; and a warning for each such agreement naming the files (and what they disagree on)."""
    groups: dict[tuple, list[tuple[str, Agreement]]] = {}
    for file, ag in books:
        groups.setdefault(agreement_key(ag), []).append((file, ag))
    entries, warnings = [], []
    for group in groups.values():
        (file, ag), rest = group[0], group[1:]
        entries.append((file, ag, tuple(f for f, _ in rest)))
        if not rest:
            continue
        message = (f"the same agreement ({ag.name} {ag.year}) is in {', '.join(f for f, _ in group)}; it is "
                   f"listed once, from {file}")
        mine = _facts(deadlines(ag, file))
        for other_file, other in rest:
            theirs = _facts(deadlines(other, other_file))
            differ = sorted(f"{kind} ({scope})" for kind, scope in set(mine) | set(theirs)
                            if mine.get((kind, scope)) != theirs.get((kind, scope)))
            if differ:
                message += f"; {other_file} differs in: {', '.join(differ)}"
        warnings.append(message)
    return entries, warnings


def deadlines_of_books(books: list[tuple[str, Agreement]]) -> tuple[list[Deadline], list[str]]:
    """The deadlines of several workbooks, one entry per agreement and year, and the warnings."""
    entries, warnings = combine(books)
    found = []
    for file, ag, also in entries:
        found += [replace(d, also=also) for d in deadlines(ag, file)]
    return found, warnings


def notes(d: Deadline) -> list[str]:
    """What to know about a deadline beyond its date (Swedish, for the calendar and the overview)."""
    out = []
    if d.non_working:
        out.append(f"{weekday(d.day).capitalize()} {d.day.isoformat()} är ingen arbetsdag ({d.non_working}): "
                   f"planera för {weekday(d.plan_day)} {d.plan_day.isoformat()}.")
    if d.assumed:
        out.append(f"Antaget enligt {d.assumed}; kontrollera mot {d.verify}.")
    if d.also:
        out.append(f"Samma överenskommelse även i {', '.join(d.also)} (räknas en gång).")
    return out
