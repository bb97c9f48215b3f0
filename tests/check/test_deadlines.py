"""The year's deadlines (issue 24): working days and Swedish holidays, the agreement's and the region's own
deadlines, the follow-up report and other reporting duties, duties done, assumed dates, one entry per
agreement, reminders, and the calendar read back by two parsers."""
import datetime as dt
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLE_2018, EXAMPLE_2019, examples
from xl_statsbidrag.check.deadlines import (
    deadlines, deadlines_of_books, holidays, in_order, last_working_day, non_working,
)
from xl_statsbidrag.files.ics import calendar, parse_reminders, REMINDERS
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.check.context import Context
from xl_statsbidrag.check.dates import check_socialstyrelsen
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book

D = dt.date

# A third agreement, made for these tests: the 2021 God och nära vård agreement (seed 003: its amounts
# nationally and the AT planning report due 15 August 2021).  The region's amounts, dates done and its
# internal deadlines are EXAMPLE DATA.  Deadlines fall on långfredagen (2021-04-02), a Sunday (2021-08-15)
# and midsommarafton (2021-06-25).
NAME_2021 = "God och nära vård 2021 – Goda förutsättningar för vårdens medarbetare"
SPEC_2021 = {
    "agreement": {
        "name": NAME_2021, "year": 2021, "region_dnr": "RS/1234/2021", "rk_dnr_agreement": "S2021/01234",
        "rk_dnr_payment": "S2021/05678", "decided_total": 38600000, "paid_out": 38600000,
        "paid_out_date": D(2021, 4, 20), "payer": "Kammarkollegiet",
        "requisition_deadline": D(2021, 4, 2), "requisition_done": D(2021, 3, 25), "requisition_ref": "RS/1234/2021-3",
        "report_deadline": D(2022, 3, 31), "report_internal": D(2022, 3, 11),
        "repayment_deadline": D(2022, 3, 31), "socialstyrelsen_deadline": "Ingen",
        "payment_reference": "RS/1234/2021", "contact_person": "Samordnare för nationella satsningar",
        **examples.REGION,
    },
    "pots": [("Stimulansmedel", 32000000, "Nej", "Stimulansmedel till regionerna"),
             ("Specialistsjuksköterskor", 5300000, "Ja", "Vidareutbildning till specialistsjuksköterska"),
             ("Utvecklings- och karriärmöjligheter", 1300000, "Ja", "Karriärmöjligheter för specialistsjuksköterskor")],
    "objekt": [("9930", "God och nära vård 2021")],
    "activities": [
        ("Kompetensförsörjning nära vård", "HoS", "ny", "", 32000000, "ja", "9930", "Stimulansmedel", ""),
        ("Utbildningsanställningar specialistsjuksköterskor", "HoS", "ny", "", 5300000, "ja", "9930",
         "Specialistsjuksköterskor", ""),
        ("Karriärtjänster", "HR", "ny", "", 1300000, "ja", "9930", "Utvecklings- och karriärmöjligheter", ""),
    ],
    "actuals": {"Kompetensförsörjning nära vård": 33250000,  # over the pot: the region's own money
                "Utbildningsanställningar specialistsjuksköterskor": 4100000,  # 1 200 000 kr to repay
                "Karriärtjänster": 1300000},
    "duties": [{"name": "Planering av antalet AT-tjänster 2022–2024", "recipient": "", "deadline": D(2021, 8, 15),
                "internal": D(2021, 6, 25), "done": None, "reference": ""}],
    "note": "EXEMPELDATA för tester: 2021 års överenskommelse God och nära vård (SKR 22 mars 2021); regionens "
            "belopp, datum och interna tidsgränser är påhittade.",
}


def make_2021(path):
    examples.build(path, SPEC_2021)
    return path


@pytest.fixture(scope="module")
def book_2021(tmp_path_factory):
    return make_2021(tmp_path_factory.mktemp("ok2021") / "god_och_nara_vard_2021.xlsx")


def by(items, kind, scope="externt"):
    [found] = [d for d in items if d.kind == kind and d.scope == scope]
    return found


# --- working days ---------------------------------------------------------------------------------------

def test_swedish_holidays_are_computed_easter_and_midsummer_included():
    h = holidays(2019)
    assert h[D(2019, 4, 19)] == "långfredagen" and h[D(2019, 4, 22)] == "annandag påsk"
    assert h[D(2019, 5, 30)] == "Kristi himmelsfärdsdag" and h[D(2019, 6, 6)] == "Sveriges nationaldag"
    assert h[D(2019, 6, 21)] == "midsommarafton" and h[D(2019, 6, 22)] == "midsommardagen"
    assert h[D(2019, 11, 2)] == "alla helgons dag"
    assert {h[D(2019, 12, d)] for d in (24, 25, 26, 31)} == {"julafton", "juldagen", "annandag jul", "nyårsafton"}
    h = holidays(2021)
    assert h[D(2021, 4, 2)] == "långfredagen" and h[D(2021, 4, 5)] == "annandag påsk"
    assert h[D(2021, 5, 13)] == "Kristi himmelsfärdsdag" and h[D(2021, 6, 25)] == "midsommarafton"
    assert h[D(2021, 11, 6)] == "alla helgons dag"
    h = holidays(2024)  # Easter in March
    assert h[D(2024, 3, 29)] == "långfredagen" and h[D(2024, 4, 1)] == "annandag påsk"
    assert h[D(2024, 6, 21)] == "midsommarafton" and h[D(2024, 11, 2)] == "alla helgons dag"
    assert holidays(2004)[D(2004, 5, 31)] == "annandag pingst" and D(2004, 6, 6) not in holidays(2004)
    assert D(2019, 4, 18) not in holidays(2019)  # skärtorsdagen is a working day
    # every year: 16 days (or fewer where two fall on one), each a real date of that year
    for year in range(1990, 2101):
        assert 14 <= len(holidays(year)) <= 16 and all(d.year == year for d in holidays(year))


@pytest.mark.parametrize("day, plan, why", [
    (D(2019, 12, 1), D(2019, 11, 29), "söndag"),
    (D(2018, 12, 1), D(2018, 11, 30), "lördag"),
    (D(2019, 3, 31), D(2019, 3, 29), "söndag"),
    (D(2020, 3, 31), D(2020, 3, 31), ""),  # a Tuesday
    (D(2021, 4, 5), D(2021, 4, 1), "annandag påsk"),  # past the whole Easter weekend
    (D(2021, 6, 25), D(2021, 6, 24), "midsommarafton"),
    (D(2019, 12, 31), D(2019, 12, 30), "nyårsafton"),
    (D(2022, 1, 6), D(2022, 1, 5), "trettondedag jul"),
    (D(2019, 12, 26), D(2019, 12, 23), "annandag jul"),
])
def test_a_deadline_on_a_non_working_day_is_planned_for_the_working_day_before(day, plan, why):
    assert last_working_day(day) == plan and non_working(day) == why


# --- the agreement's and the region's deadlines -----------------------------------------------------------

def test_the_agreements_and_the_regions_deadline_are_both_kept():
    items = deadlines(read_book(EXAMPLE_2018).agreement, "b.xlsx")
    external = by(items, "Rapport till Socialstyrelsen")
    internal = by(items, "Rapport till Socialstyrelsen", "internt")
    assert external.day == D(2019, 3, 31) and external.plan_day == D(2019, 3, 29) and external.non_working == "söndag"
    assert internal.day == D(2019, 2, 15) and internal.plan_day == D(2019, 2, 15) and not internal.non_working
    requisition = by(items, "Rekvisition")
    assert requisition.day == D(2018, 12, 1) and requisition.plan_day == D(2018, 11, 30)
    # the 2017 agreement's own terms for 2018: not assumed
    assert not any(d.assumed for d in items)


def test_dates_taken_from_an_earlier_agreement_are_marked_assumed():
    items = deadlines(read_book(EXAMPLE_2019).agreement, "a.xlsx")
    assert {d.kind for d in items} == {"Rekvisition", "Ekonomisk redovisning", "Återbetalning av ej förbrukade medel"}
    for d in items:
        assert d.assumed.startswith("2017 års överenskommelse") and d.verify == "överenskommelsen för 2019"
    assert by(items, "Rekvisition").plan_day == D(2019, 11, 29)


def test_a_repayment_date_derived_from_the_report_is_assumed(tmp_path):
    spec = {**examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]}
    spec["agreement"] = {**spec["agreement"], "repayment_deadline": None, "deadlines_assumed": None,
                         "rk_dnr_agreement": "S2019/01234"}
    examples.build(tmp_path / "t.xlsx", spec)
    items = deadlines(read_book(tmp_path / "t.xlsx").agreement, "t")
    repayment = by(items, "Återbetalning av ej förbrukade medel")
    assert repayment.day == D(2020, 3, 31) and repayment.assumed == "samma dag som den ekonomiska redovisningen"
    assert repayment.verify == "överenskommelsen för 2019 (S2019/01234)"
    assert not by(items, "Ekonomisk redovisning").assumed  # the workbook's own date, nothing said against it


def test_other_reporting_duties_and_done_ones(book_2021):
    ag = read_book(book_2021).agreement
    items = deadlines(ag, "c.xlsx")
    at = by(items, "Planering av antalet AT-tjänster 2022–2024")
    assert at.key == "ovriga" and at.day == D(2021, 8, 15) and at.plan_day == D(2021, 8, 13)
    at_internal = by(items, "Planering av antalet AT-tjänster 2022–2024", "internt")
    assert at_internal.plan_day == D(2021, 6, 24) and at_internal.non_working == "midsommarafton"
    requisition = by(items, "Rekvisition")
    assert requisition.done and requisition.done_on == D(2021, 3, 25) and requisition.reference == "RS/1234/2021-3"
    assert requisition.plan_day == D(2021, 4, 1)  # långfredagen
    assert not any(d.key == "socialstyrelsen" for d in items)  # "Ingen": no such duty
    today = D(2021, 3, 1)
    ordered = in_order(items, today)
    assert [d.what for d in ordered if d.is_open(today)][0] == "Planering av antalet AT-tjänster 2022–2024 (internt)"
    assert ordered[-1] is requisition and requisition.status(today) == "done 2021-03-25"


def test_a_requisition_is_done_when_the_grant_is_paid_out(tmp_path):
    spec = {**examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]}
    spec["agreement"] = {**spec["agreement"], "paid_out": 41197280, "paid_out_date": D(2019, 4, 1),
                         "report_done": D(2020, 3, 20), "report_ref": "KAM 2020/1234",
                         "repayment_done": D(2020, 3, 25)}
    examples.build(tmp_path / "t.xlsx", spec)
    ag = read_book(tmp_path / "t.xlsx").agreement
    items = deadlines(ag, "t")
    assert all(d.done for d in items)
    assert by(items, "Rekvisition").done_on == D(2019, 4, 1)
    assert by(items, "Ekonomisk redovisning").reference == "KAM 2020/1234"
    assert not [d for d in in_order(items, D(2019, 1, 1)) if d.is_open(D(2019, 1, 1))]
    # validation: a done duty's deadline is not reported as passed
    codes = [f.code for f in validate(read_book(tmp_path / "t.xlsx"), D(2026, 1, 1))]
    assert "tidsgrans-passerad" not in codes


def test_the_catalogue_gives_the_follow_up_report_and_other_duties(tmp_path):
    from conftest import small_book

    pm2018 = "Professionsmiljarden – stöd till bättre resursutnyttjande i hälso- och sjukvården"
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": pm2018, "År": 2018})
    items = deadlines(read_book(source).agreement, "t.xlsx")
    follow_up = by(items, "Rapport till Socialstyrelsen")
    assert follow_up.day == D(2019, 3, 31) and follow_up.source == "katalogen"
    source = small_book(tmp_path / "u.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": NAME_2021, "År": 2021})
    at = by(deadlines(read_book(source).agreement, "u.xlsx"), "Planering av antalet AT-tjänster 2022–2024")
    assert at.day == D(2021, 8, 15) and at.source == "katalogen"


def test_validate_says_when_no_socialstyrelsen_deadline_is_recorded(book_2021):
    book = read_book(EXAMPLE_2019)
    [finding] = check_socialstyrelsen(book, Context(D(2019, 1, 1)))
    assert finding.code == "socialstyrelsen-saknas" and finding.severity == "warning"
    assert str(finding.location).startswith("Överenskommelse!B")
    assert check_socialstyrelsen(read_book(EXAMPLE_2018), Context()) == []
    assert check_socialstyrelsen(read_book(book_2021), Context()) == []  # "Ingen"
    assert "socialstyrelsen-saknas" in [f.code for f in validate(book)]


def test_an_unreadable_date_in_the_duties_table_is_named_with_its_cell(tmp_path):
    spec = {**SPEC_2021, "duties": [{"name": "AT", "deadline": "den femtonde", "internal": None}]}
    examples.build(tmp_path / "t.xlsx", spec)
    book = read_book(tmp_path / "t.xlsx")
    [problem] = [p for p in book.problems if p.code == "oläsbart-datum"]
    assert "Redovisningar, Sista dag" in problem.message and str(problem.location).startswith("Överenskommelse!C")
    # a duty without any date is named, not silently left out of the deadlines
    examples.build(tmp_path / "u.xlsx", {**SPEC_2021, "duties": [{"name": "AT-planering"}]})
    book = read_book(tmp_path / "u.xlsx")
    [warning] = [p for p in book.problems if p.code == "redovisning-utan-datum"]
    assert warning.severity == "warning" and "AT-planering" in warning.message
    assert str(warning.location).startswith("Överenskommelse!A") and book.agreement.duties[0].deadline is None


# --- one entry per agreement --------------------------------------------------------------------------------

def test_the_same_agreement_twice_is_one_entry_with_a_warning(tmp_path):
    copy = tmp_path / "kopia.xlsx"
    spec = {**examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]}
    spec["agreement"] = {**spec["agreement"], "requisition_deadline": D(2019, 11, 15)}
    examples.build(copy, spec)
    books = [("a.xlsx", read_book(EXAMPLE_2019).agreement), ("b.xlsx", read_book(EXAMPLE_2018).agreement),
             ("kopia.xlsx", read_book(copy).agreement)]
    items, [warning] = deadlines_of_books(books)
    assert len(items) == 3 + 5
    assert "a.xlsx" in warning and "kopia.xlsx" in warning and "Rekvisition (externt)" in warning
    assert all(d.also == ("kopia.xlsx",) for d in items if d.year == 2019)


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
    today = D(2019, 1, 10)
    data = calendar(in_order(items, today), today)
    nine = dt.timedelta(hours=9)
    events = {(str(e["summary"])): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    report = events[f"Ekonomisk redovisning (externt): {examples.WORKBOOKS['beslutsunderlag_2019.xlsx']['agreement']['name']} 2019"]
    assert report.decoded("dtstart") == D(2020, 3, 31)
    assert sorted(a.decoded("trigger") for a in report.walk("VALARM")) == [-dt.timedelta(days=42) + nine,
                                                                          -dt.timedelta(days=14) + nine]
    requisition = next(e for s, e in events.items() if s.startswith("Rekvisition (externt): En investering"))
    assert requisition.decoded("dtstart") == D(2019, 11, 29)  # Sunday 1 December
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


def test_deadlines_command_lists_twice_given_agreements_once_and_writes_reminders(tmp_path, book_2021):
    copy = tmp_path / "kopia av 2019.xlsx"
    shutil.copy(EXAMPLE_2019, copy)
    ics = tmp_path / "t.ics"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(EXAMPLE_2019), str(EXAMPLE_2018),
                           str(book_2021), str(copy), "--ics", str(ics), "--today", "2021-06-01",
                           "--remind", "redovisning=8,6,2"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning: the same agreement (En investering" in done.stderr and "kopia av 2019.xlsx" in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2021-06-24") and "Planering av antalet AT-tjänster 2022–2024 (internt)" in lines[0]
    assert any("deadline 2021-06-25 (midsommarafton) is not a working day" in line for line in lines)
    assert "Ekonomisk redovisning 8 weeks and 6 weeks and 2 weeks before" in done.stdout
    import vobject

    parsed = vobject.readOne(ics.read_text(encoding="utf-8"))
    report = next(e for e in parsed.vevent_list if e.summary.value.startswith(f"Ekonomisk redovisning (externt): "
                                                                               f"{NAME_2021}"))
    assert sorted(a.trigger.value for a in report.valarm_list) == [  # at 09:00 on the day
        dt.timedelta(days=-weeks * 7, hours=9) for weeks in (8, 6, 2)]


def test_deadlines_csv_has_the_new_columns(book_2021):
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(book_2021), "--format", "csv",
                           "--today", "2021-06-01"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import csv

    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert rows[0]["kind"] == "Planering av antalet AT-tjänster 2022–2024" and rows[0]["scope"] == "internt"
    assert rows[0]["date"] == "2021-06-25" and rows[0]["plan_date"] == "2021-06-24"
    assert rows[0]["non_working"] == "midsommarafton"
    requisition = next(r for r in rows if r["kind"] == "Rekvisition")
    assert requisition["done"] == "2021-03-25" and requisition["status"] == "done 2021-03-25"


def test_a_bad_reminder_is_a_clear_error():
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(EXAMPLE_2019),
                           "--remind", "sometimes=2"], capture_output=True, text=True)
    assert done.returncode == 2 and "--remind 'sometimes=2'" in done.stderr and "Traceback" not in done.stderr


# --- the format: the template (import) writes what the reader reads ----------------------------------------

def test_the_template_writes_the_duty_fields_the_reader_reads(tmp_path):
    from xl_statsbidrag.core.model import Duty
    from xl_statsbidrag.forms.template import activities_sheet, agreement_sheet
    from xl_statsbidrag.xlsx.newbook import write_workbook

    ag = read_book(EXAMPLE_2018).agreement
    ag.report_done, ag.report_ref, ag.repayment_internal = D(2019, 3, 20), "KAM 2019/77", D(2019, 3, 15)
    ag.deadlines_assumed = "2017 års överenskommelse"
    ag.no_deadline = frozenset({"requisition_internal"})
    ag.duties = [Duty("Planering av AT-tjänster", "Socialstyrelsen", D(2021, 8, 15), D(2021, 6, 25), D(2021, 6, 20),
                      "RS/9/2021")]
    book = read_book(EXAMPLE_2018)
    path = tmp_path / "t.xlsx"
    write_workbook(path, [agreement_sheet(ag), activities_sheet(book.activities)])
    back = read_book(path).agreement
    for name in ("report_done", "report_ref", "repayment_internal", "socialstyrelsen_deadline",
                 "socialstyrelsen_internal", "deadlines_assumed", "requisition_deadline", "no_deadline"):
        assert getattr(back, name) == getattr(ag, name), name
    assert [(d.name, d.recipient, d.deadline, d.internal, d.done, d.reference) for d in back.duties] == [
        ("Planering av AT-tjänster", "Socialstyrelsen", D(2021, 8, 15), D(2021, 6, 25), D(2021, 6, 20), "RS/9/2021")]
