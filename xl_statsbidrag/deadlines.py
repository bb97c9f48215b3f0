"""The year's deadlines across agreements: requisition, economic report, repayment of unused money and
any content report to Socialstyrelsen, from each workbook's agreement sheet, with defaults from the
agreement catalogue; and an iCalendar file of them (the ``icalendar`` library) that Outlook imports.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from .model import Agreement

KINDS = {  # field -> what the deadline is, as the finance user reads it
    "requisition_deadline": "Rekvisition",
    "report_deadline": "Ekonomisk redovisning",
    "repayment_deadline": "Återbetalning av ej förbrukade medel",
    "socialstyrelsen_deadline": "Rapport till Socialstyrelsen",
}
REMINDER = dt.timedelta(days=14)


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    kind: str
    agreement: str
    year: int
    dnr: str  # the Government Offices' diary number of the agreement, else the region's
    file: str
    source: str  # "arbetsboken" or "katalogen"

    def status(self, today: dt.date) -> str:
        days = (self.day - today).days
        return "passed" if days < 0 else "today" if days == 0 else f"in {days} days"


def _catalogue_deadlines(ag: Agreement) -> dict[str, dt.date]:
    """The catalogue's deadlines for an agreement of the same name and year, where it has them."""
    from .reference_data import catalogue

    for entry in catalogue():
        first, _, last = entry.years.partition("-")
        years = range(int(first), int(last or first) + 1) if first.isdigit() and (last or first).isdigit() else ()
        if entry.name.casefold() == ag.name.casefold() and ag.year in years:
            out = {}
            for name in ("requisition_deadline", "report_deadline"):
                text = getattr(entry, name)
                try:
                    out[name] = dt.date.fromisoformat(text) if text else None
                except ValueError:
                    out[name] = None
            return {k: v for k, v in out.items() if v}
    return {}


def deadlines(ag: Agreement, file: str) -> list[Deadline]:
    """An agreement's deadlines: the agreement sheet's, else the catalogue's; repayment is due with the
    economic report where the sheet names no date of its own (as in the 2017 agreement)."""
    defaults = _catalogue_deadlines(ag)
    dnr = ag.rk_dnr_agreement or ag.region_dnr
    file = file.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # a name that is not UTF-8
    out = []
    for name, kind in KINDS.items():
        day, source = getattr(ag, name), "arbetsboken"
        if day is None and name in defaults:
            day, source = defaults[name], "katalogen"
        if day is None and name == "repayment_deadline":
            day = ag.report_deadline or defaults.get("report_deadline")
            source = "arbetsboken" if ag.report_deadline else "katalogen"
        if day is not None:
            out.append(Deadline(day, kind, ag.name, ag.year, dnr, file, source))
    return out


def in_order(items: list[Deadline], today: dt.date) -> list[Deadline]:
    """The coming deadlines soonest first, then the passed ones, latest first."""
    coming = sorted((d for d in items if d.day >= today), key=lambda d: (d.day, d.agreement, d.kind))
    passed = sorted((d for d in items if d.day < today), key=lambda d: (d.day, d.agreement, d.kind), reverse=True)
    return coming + passed


def calendar(items: list[Deadline], stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar file: one all-day event per deadline, with the agreement and its dnr, and a reminder
    two weeks before."""
    from icalendar import Alarm, Calendar, Event

    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//xl-statsbidrag//Tidsgränser för statsbidrag//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Statsbidrag: tidsgränser")
    for d in items:
        event = Event()
        key = f"{d.kind}|{d.agreement}|{d.year}|{d.day.isoformat()}|{d.file}"
        event.add("uid", hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@xl-statsbidrag")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.day)
        event.add("dtend", d.day + dt.timedelta(days=1))
        event.add("summary", f"{d.kind}: {d.agreement} {d.year}")
        lines = [f"Överenskommelse: {d.agreement} ({d.year})", f"{d.kind} senast {d.day.isoformat()}."]
        if d.dnr:
            lines.append(f"Diarienummer: {d.dnr}")
        lines.append(f"Arbetsbok: {d.file}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Om två veckor: {d.kind.lower()}, {d.agreement} {d.year}")
        alarm.add("trigger", -REMINDER)
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
