"""Tests of xl_statsbidrag.files.ics."""
import datetime as dt

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, examples
from tests.support.deadlines import NAME_2021, book_2021

from xl_statsbidrag.check.deadlines import deadlines, deadlines_of_books, in_order
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.files.ics import calendar, parse_reminders, REMINDERS
from xl_statsbidrag.xlsx.file_source import read_book


# --- reminders and the calendar ------------------------------------------------------------------------------

def test_reminders_default_and_settable():
    assert REMINDERS["redovisning"] == (42, 14) and REMINDERS["aterbetalning"] == (42, 14)
    assert REMINDERS["rekvisition"] == (14,) and REMINDERS["socialstyrelsen"] == (14,)
    mine = parse_reminders(["redovisning=8,6,2", "rekvisition=10d", "övriga=", "Återbetalning=0"])
    assert mine["redovisning"] == (56, 42, 14) and mine["rekvisition"] == (10,)
    assert mine["ovriga"] == () and mine["aterbetalning"] == () and mine["socialstyrelsen"] == (14,)
    assert set(parse_reminders(["alla=3"]).values()) == {(21,)}
    for bad in ("redovisning", "okänt=2", "redovisning=sex"):
        with pytest.raises(UserError):
            parse_reminders([bad])


def test_the_calendar_with_its_reminders_passes_two_parsers(book_2021):
    import icalendar
    import vobject

    books = [(str(p), read_book(p).agreement) for p in (EXAMPLE_2019, EXAMPLE_2018, book_2021)]
    items, _ = deadlines_of_books(books)
    today = dt.date(2019, 1, 10)
    data = calendar(in_order(items, today), today)
    nine = dt.timedelta(hours=9)
    events = {(str(e["summary"])): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    report = events[f"Ekonomisk redovisning (externt): {examples.WORKBOOKS['beslutsunderlag_2019.xlsx']['agreement']['name']} 2019"]
    assert report.decoded("dtstart") == dt.date(2020, 3, 31)
    assert sorted(a.decoded("trigger") for a in report.walk("VALARM")) == [-dt.timedelta(days=42) + nine,
                                                                          -dt.timedelta(days=14) + nine]
    requisition = next(e for s, e in events.items() if s.startswith("Rekvisition (externt): En investering"))
    assert requisition.decoded("dtstart") == dt.date(2019, 11, 29)  # Sunday 1 December
    assert "Söndag 2019-12-01 är ingen arbetsdag" in str(requisition["description"])
    assert "Antaget enligt 2017 års överenskommelse" in str(requisition["description"])
    assert [a.decoded("trigger") for a in requisition.walk("VALARM")] == [-dt.timedelta(days=14) + nine]
    internal = events["Rapport till Socialstyrelsen (internt): " + examples.WORKBOOKS[
        "professionsmiljarden_2018.xlsx"]["agreement"]["name"] + " 2018"]
    # six weeks before 15 February is before "today": only the two weeks' reminder is left
    assert [a.decoded("trigger") for a in internal.walk("VALARM")] == [-dt.timedelta(days=14) + nine]
    done = events[f"Klar: Rekvisition (externt): {NAME_2021} 2021"]
    assert done.walk("VALARM") == []
    passed = next(e for s, e in events.items() if s.startswith("Rekvisition (externt): Professionsmiljarden"))
    assert passed.walk("VALARM") == []  # 2018-11-30 is before today

    parsed = vobject.readOne(data.decode("utf-8"))  # an independent parser
    assert len(parsed.vevent_list) == len(items) == len(events)
    assert sorted(e.dtstart.value for e in parsed.vevent_list) == sorted(d.plan_day for d in items)
    triggers = {e.summary.value: sorted(a.trigger.value for a in getattr(e, "valarm_list", []))
                for e in parsed.vevent_list}
    assert triggers[str(report["summary"])] == [-dt.timedelta(days=42) + nine, -dt.timedelta(days=14) + nine]
    assert len({e.uid.value for e in parsed.vevent_list}) == len(items)


def test_the_calendar_parses_back_with_the_library_and_another_reader(tmp_path):
    import icalendar
    import vobject

    items = deadlines(read_book(EXAMPLE_2019).agreement, "beslutsunderlag_2019.xlsx")
    data = calendar(items, dt.date(2019, 1, 1))  # reminders only where they are still to come
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(items) == 3
    for event, d in zip(events, items):
        assert event.decoded("dtstart") == d.plan_day  # the working day on or before d.day
        assert d.agreement in str(event["summary"]) and "RS/495/2019" in str(event["description"])
        assert len(event.walk("VALARM")) == (2 if d.kind != "Rekvisition" else 1)  # see test_deadlines
    parsed = vobject.readOne(data.decode("utf-8"))  # an independent parser
    assert sorted(e.dtstart.value for e in parsed.vevent_list) == sorted(d.plan_day for d in items)
    assert all(e.valarm.trigger.value == dt.timedelta(days=-14, hours=9) for e in parsed.vevent_list
               if e.summary.value.startswith("Rekvisition"))
    assert len({e.uid.value for e in parsed.vevent_list}) == 3
