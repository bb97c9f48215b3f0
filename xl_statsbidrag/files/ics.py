"""The deadlines (``check.deadlines``) as an iCalendar file that Outlook imports (the ``icalendar`` library),
with reminders: one all-day event per deadline on the date to plan for; its UID stays the same for a duty
of an agreement, so that importing the calendar again updates the events."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from icalendar import Alarm, Calendar, Event

from ..check.deadlines import DAY, KINDS, OTHER, Deadline, notes, weekday
from ..core.errors import UserError
from ..core.text import normalise_header

# Reminders, in days before the date to plan for.  Six and two weeks before the economic report and the
# repayment: utfall -> bokslut -> the head of finance's review -> the authorised signatory takes more
# than two weeks.  Two weeks before the others.  Each reminder rings at 09:00 (an all-day event starts
# at midnight, when nobody reads a reminder).
REMINDERS: dict[str, tuple[int, ...]] = {"rekvisition": (14,), "redovisning": (42, 14), "aterbetalning": (42, 14),
                                         "socialstyrelsen": (14,), OTHER: (14,)}
REMINDER_HOUR = 9


_REMIND_KEYS = {"rekvisition": ("rekvisition",), "redovisning": ("redovisning",),
                "aterbetalning": ("aterbetalning",), "återbetalning": ("aterbetalning",),
                "socialstyrelsen": ("socialstyrelsen",), "ovriga": (OTHER,), "övriga": (OTHER,),
                "alla": tuple(REMINDERS)}


def parse_reminders(specs: list[str]) -> dict[str, tuple[int, ...]]:
    """``--remind`` values over the defaults: ``KIND=WHEN[,WHEN...]`` with KIND one of rekvisition,
    redovisning, återbetalning, socialstyrelsen, övriga or alla, and WHEN weeks (``6``) or days (``10d``)
    before the date to plan for; ``KIND=`` or ``KIND=0`` for no reminder.  Later values win."""
    out = dict(REMINDERS)
    for spec in specs:
        kind, sep, when = spec.partition("=")
        keys = _REMIND_KEYS.get(kind.strip().casefold())
        if not sep or keys is None:
            raise UserError(f"--remind '{spec}': write KIND=WEEKS, e.g. redovisning=6,2 (KIND: "
                            f"{', '.join(k for k in _REMIND_KEYS if k not in ('aterbetalning', 'ovriga'))})")
        days = set()
        for part in filter(None, (p.strip().casefold() for p in when.split(","))):
            match = re.fullmatch(r"(\d{1,3})\s*(d|dagar|v|veckor)?", part)
            if not match:
                raise UserError(f"--remind '{spec}': '{part}' is not a number of weeks (6) or days (10d)")
            n = int(match[1]) * (1 if match[2] in ("d", "dagar") else 7)
            if n:
                days.add(n)
        for key in keys:
            out[key] = tuple(sorted(days, reverse=True))
    return out


def _days_text(days: int) -> str:
    return f"{days // 7} veckor" if days % 7 == 0 and days != 7 else "en vecka" if days == 7 else f"{days} dagar"


def describe_reminders(reminders: dict[str, tuple[int, ...]]) -> str:
    """The reminders in words, per kind (English, for the command's output)."""
    names = {**KINDS, OTHER: "Övriga redovisningar"}

    def when(days: int) -> str:
        return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"

    return "; ".join(f"{names[key]} " + (" and ".join(when(d) for d in days) + " before" if days else "none")
                     for key, days in reminders.items())


def uid(d: Deadline) -> str:
    """The event's UID: the same duty of the same agreement keeps it when a date is corrected or the
    workbook is renamed, so that importing the calendar again updates the event."""
    key = f"{d.key}|{normalise_header(d.kind)}|{d.scope}|{normalise_header(d.agreement)}|{d.year}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@xl-statsbidrag"


def calendar(items: list[Deadline], today: dt.date | None = None,
             reminders: dict[str, tuple[int, ...]] | None = None, stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar file: one all-day event per deadline on the date to plan for, with the agreement, the
    deadline as stated, its dnr and workbook in the text, and reminders (``REMINDERS`` unless given) at
    09:00 the given number of days before; none for a duty that is done or a reminder already past."""
    today = today or dt.date.today()
    reminders = REMINDERS if reminders is None else reminders
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//xl-statsbidrag//Tidsgränser för statsbidrag//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Statsbidrag: tidsgränser")
    for d in items:
        event = Event()
        event.add("uid", uid(d))
        event.add("dtstamp", stamp)
        event.add("dtstart", d.plan_day)
        event.add("dtend", d.plan_day + DAY)
        event.add("summary", ("Klar: " if d.done else "") + f"{d.kind} ({d.scope}): {d.agreement} {d.year}")
        lines = [f"Överenskommelse: {d.agreement} ({d.year})",
                 f"{d.kind} ({d.scope})" + (f" till {d.recipient}" if d.recipient else "")
                 + f" senast {weekday(d.day)} {d.day.isoformat()}."]
        lines += notes(d)
        if d.done:
            lines.append("Klar" + (f" {d.done_on.isoformat()}" if d.done_on else "")
                         + (f", referens {d.reference}." if d.reference else "."))
        if d.dnr:
            lines.append(f"Diarienummer: {d.dnr}")
        lines.append(f"Arbetsbok: {d.file}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        for days in () if d.done else reminders.get(d.key, ()):
            if d.plan_day - days * DAY < today:
                continue  # a reminder in the past would ring at once on import
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            what = d.kind[:1].lower() + d.kind[1:]  # "rapport till Socialstyrelsen"
            alarm.add("description", f"Om {_days_text(days)}: {what} ({d.scope}), {d.agreement} {d.year}")
            alarm.add("trigger", -days * DAY + dt.timedelta(hours=REMINDER_HOUR))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
