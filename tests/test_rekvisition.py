"""The requisition form, bankgiro/plusgiro check digits, and the deadlines with their calendar file."""
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest

import remote_book
from conftest import EXAMPLE_2018, EXAMPLE_2019, examples, sha256, small_book
from xl_statsbidrag import excel
from xl_statsbidrag.check.deadlines import deadlines, in_order
from xl_statsbidrag.files.ics import calendar
from xl_statsbidrag.app.requisition import requisition_file
from xl_statsbidrag.forms.rekvisition import requisition_sheet
from xl_statsbidrag.check.context import Context
from xl_statsbidrag.check.fields import check_requisition, giro_problem, luhn_ok
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2026, 11, 22)


def _values(path, sheet="Rekvisition"):
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row if c.value is not None}
    finally:
        wb.close()


def _by_label(values):
    return {values[c]: values.get(f"B{c[1:]}") for c in values if c.startswith("A")}


# --- the form ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("example, amount", [(EXAMPLE_2019, 41197280), (EXAMPLE_2018, 12208598)])
def test_the_form_has_its_fields_and_amount_recalculated(libreoffice, tmp_path, example, amount):
    before = sha256(example)
    out, ag, _ = requisition_file(example, tmp_path / f"r{example.suffix}", TODAY)
    assert sha256(example) == before
    recalculated = _by_label(_values(libreoffice.convert(out, tmp_path / "lo")))
    assert recalculated["Belopp som rekvireras"] == amount
    assert recalculated["Bidragsmottagare"] == "Region Jämtland Härjedalen"
    assert recalculated["Önskad betalningsreferens"] == ag.region_dnr
    assert recalculated["Rekvisitionen avser perioden"] == f"{ag.year}-01-01 – {ag.year}-12-31"
    for heading in ("1. Kontaktuppgifter", "2. Bidrag som ansökan avser", "3. Uppgifter för utbetalning",
                    "4. Underskrift i original av behörig företrädare", "Bankgiro/Plusgiro", "Datum", "Underskrift",
                    "Namnförtydligande"):
        assert heading in recalculated


def test_the_amount_follows_the_workbook(tmp_path, libreoffice):
    """A lower amount set on the agreement sheet is what is requisitioned, as a formula on that cell."""
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Belopp som rekvireras": 1200, "Bankgiro/Plusgiro": "5050-1055"})
    out, ag, findings = requisition_file(source, tmp_path / "r.xlsx", TODAY)
    assert ag.requested == 1200 and {f.code for f in findings} == {"uppgift-saknas"}  # contact details
    wb = openpyxl.load_workbook(out)
    try:
        formulas = [c.value for row in wb["Rekvisition"].iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
    finally:
        wb.close()
    assert formulas == ["='Överenskommelse'!B4"]
    assert _by_label(_values(libreoffice.convert(out, tmp_path / "lo")))["Belopp som rekvireras"] == 1200


def test_more_than_the_grant_is_an_error(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Belopp som rekvireras": 2000})
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "rekvisition", str(source), "-o",
                           str(tmp_path / "r.xlsx")], capture_output=True, text=True)
    assert done.returncode == 1 and "rekvisition-overstiger" not in done.stdout
    assert "överstiger bidraget" in done.stdout and "Traceback" not in done.stderr


def test_the_form_fits_one_a4_page():
    sheet = requisition_sheet(read_book(EXAMPLE_2019))
    assert sheet.page_breaks == [] and "Sida &P av 1" in sheet.footer and "RS/495/2019" in sheet.header


def test_the_button_writes_the_same_sheet(monkeypatch, tmp_path):
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append(text))
    excel.rekvisition(book)
    live = remote_book.replay(book, initial)["Rekvisition"]
    assert "41 197 280 kr" in shown[0]
    headless = requisition_sheet(read_book(EXAMPLE_2019))
    for number, cell in headless.cells():
        if isinstance(cell.value, str) and cell.value and cell.formula is None:
            assert live[(number, cell.column)] == cell.value


# --- bankgiro and plusgiro ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["5050-1055", "297-3675", "BG 5050-1055", "Bankgiro 297-3675",
                                    "PG 90 01 9-1", "Plusgiro 4 15 16-6"])
def test_real_form_giro_numbers_are_valid(number):
    assert giro_problem(number) is None


@pytest.mark.parametrize("number", ["5050-1056", "297-3676", "5050-1065", "PG 90 01 9-2", "Plusgiro 4 15 16-7"])
def test_one_digit_off_is_caught_by_the_check_digit(number):
    assert "kontrollsiffran" in giro_problem(number)


@pytest.mark.parametrize("number", ["1234", "50501055123", "bg abc", "Swish 123 456 78 90"])
def test_what_is_not_a_giro_number_is_named(number):
    assert giro_problem(number)


def test_luhn():
    assert luhn_ok("50501055") and luhn_ok("2973675") and not luhn_ok("50501056")


def test_requisition_deadline_near_or_past(tmp_path):
    book = read_book(EXAMPLE_2019)  # deadline 2019-12-01, nothing paid out filled in, no bankgiro
    def codes(day):
        return [f.code for f in check_requisition(book, Context(day)) if f.code != "giro-saknas"]
    assert codes(dt.date(2019, 11, 20)) == ["rekvisition-snart"]
    assert codes(dt.date(2019, 12, 5)) == ["rekvisition-passerad"]
    assert codes(dt.date(2019, 6, 1)) == []
    assert codes(TODAY) == []  # a historical example: no warning


# --- deadlines ---------------------------------------------------------------------------------------------

def test_deadlines_across_workbooks_soonest_first(tmp_path):
    items = in_order(deadlines(read_book(EXAMPLE_2019).agreement, "a") +
                     deadlines(read_book(EXAMPLE_2018).agreement, "b"), dt.date(2019, 1, 1))
    assert [(d.plan_day.isoformat(), d.what) for d in items[:5]] == [
        ("2019-02-15", "Rapport till Socialstyrelsen (internt)"), ("2019-03-29", "Ekonomisk redovisning (externt)"),
        ("2019-03-29", "Rapport till Socialstyrelsen (externt)"),
        ("2019-03-29", "Återbetalning av ej förbrukade medel (externt)"), ("2019-11-29", "Rekvisition (externt)")]
    assert items[-1].day == dt.date(2018, 12, 1) and items[-1].status(dt.date(2019, 1, 1)) == "passed"


def test_catalogue_gives_the_deadlines_the_sheet_lacks(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": "Professionsmiljarden – stöd till bättre "
                                "resursutnyttjande i hälso- och sjukvården", "År": 2017})
    items = deadlines(read_book(source).agreement, "t.xlsx")
    assert {(d.kind, d.day.isoformat(), d.source) for d in items} == {
        ("Rekvisition", "2017-12-01", "katalogen"), ("Ekonomisk redovisning", "2018-03-31", "katalogen"),
        ("Återbetalning av ej förbrukade medel", "2018-03-31", "katalogen"),
        ("Rapport till Socialstyrelsen", "2018-03-31", "katalogen")}  # the 2017 agreement, 6.1


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


def test_deadlines_command_with_ics_and_a_broken_workbook(tmp_path):
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"not a zip")
    ics = tmp_path / "t.ics"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "deadlines", str(EXAMPLE_2019), str(EXAMPLE_2018),
                           str(broken), "--ics", str(ics), "--today", "2019-01-01", "--format", "csv"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "trasig.xlsx" in done.stderr and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("date,kind,agreement,year,dnr,status,file,source,plan_date,non_working,scope,done,reference,"
                        "assumed,verify,also")
    assert lines[1].startswith("2019-02-15,Rapport till Socialstyrelsen,")
    assert ics.read_bytes().count(b"BEGIN:VEVENT") == 8
