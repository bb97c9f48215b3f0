"""Tests of xl_statsbidrag.check.dates."""
import datetime as dt

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019
from tests.support.checks import book, codes, run
from tests.support.deadlines import book_2021

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.check.context import Context
from xl_statsbidrag.check.dates import check_socialstyrelsen
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book


def test_validate_says_when_no_socialstyrelsen_deadline_is_recorded(book_2021):
    book = read_book(EXAMPLE_2019)
    [finding] = check_socialstyrelsen(book, Context(dt.date(2019, 1, 1)))
    assert finding.code == "socialstyrelsen-saknas" and finding.severity == "warning"
    assert str(finding.location).startswith("Överenskommelse!B")
    assert check_socialstyrelsen(read_book(EXAMPLE_2018), Context()) == []
    assert check_socialstyrelsen(read_book(book_2021), Context()) == []  # "Ingen"
    assert "socialstyrelsen-saknas" in [f.code for f in validate(book)]


def test_check_dates():
    assert run(v.check_dates, book()) == []
    found = run(v.check_dates, book(period_start=dt.date(2018, 12, 1), report_deadline=dt.date(2020, 3, 31)))
    assert codes(found) == ["tidsgrans-passerad"] and found[0].severity == "info"
    # a period of several years (the 2017 agreement covers 2017-2018) is valid; one beside the year is not
    assert run(v.check_dates, book(period_start=dt.date(2019, 1, 1), period_end=dt.date(2020, 12, 31))) == []
    assert codes(run(v.check_dates, book(period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 12, 31)))) == \
        ["period-utanfor-ar"]
    assert codes(run(v.check_dates, book(period_start=dt.date(2019, 6, 1), period_end=dt.date(2019, 5, 1)))) == \
        ["period-ogiltig"]
    assert run(v.check_dates, book(report_deadline=dt.date(2030, 3, 31))) == []
    # a duty that is done has no deadline left to pass (issue 24)
    assert run(v.check_dates, book(report_deadline=dt.date(2020, 3, 31), report_done=dt.date(2020, 3, 20))) == []


def test_check_socialstyrelsen():
    found = run(v.check_socialstyrelsen, book())
    assert codes(found) == ["socialstyrelsen-saknas"] and found[0].severity == "warning"
    assert run(v.check_socialstyrelsen, book(socialstyrelsen_deadline=dt.date(2020, 3, 31))) == []
    assert run(v.check_socialstyrelsen, book(socialstyrelsen_internal=dt.date(2020, 2, 15))) == []
    assert run(v.check_socialstyrelsen, book(no_deadline=frozenset({"socialstyrelsen_deadline"}))) == []


def test_check_duty_dates():
    """An own deadline after the agreement's, and a done day still to come (issue 24's leftover)."""
    _duty_dates()


def _duty_dates():
    from xl_statsbidrag.core.errors import Location
    from xl_statsbidrag.core.model import Duty

    today = dt.date(2020, 2, 1)
    assert v.check_duty_dates(book(report_deadline=dt.date(2020, 3, 31), report_internal=dt.date(2020, 3, 15),
                                        requisition_done=dt.date(2019, 5, 2)), Context(today)) == []
    # the same day is no finding; a day after is, at the internal date's cell
    assert v.check_duty_dates(book(report_deadline=dt.date(2020, 3, 31),
                                        report_internal=dt.date(2020, 3, 31)), Context(today)) == []
    found = v.check_duty_dates(book(report_deadline=dt.date(2020, 3, 31), report_internal=dt.date(2020, 4, 15),
                                         repayment_done=dt.date(2020, 2, 2)), Context(today))
    assert codes(found) == ["internt-efter-externt", "klar-i-framtiden"]
    assert all(f.severity == "warning" for f in found)
    assert "Intern sista dag för ekonomisk redovisning (2020-04-15)" in found[0].message and "2020-03-31" in found[0].message
    assert "2020-02-02" in found[1].message and "2020-02-01" in found[1].message
    # an internal date alone (no external one) and a done day of today are fine
    assert v.check_duty_dates(book(report_internal=dt.date(2021, 1, 1), report_done=today), Context(today)) == []
    # a row of the table Redovisningar, at its own cells
    cells = {"internal": Location("Överenskommelse", "D30"), "done": Location("Överenskommelse", "E30")}
    duty = Duty("Slutrapport", "Socialstyrelsen", dt.date(2020, 3, 1), dt.date(2020, 3, 5), dt.date(2020, 6, 1),
                cells=cells)
    found = v.check_duty_dates(book(duties=[duty]), Context(today))
    assert codes(found) == ["internt-efter-externt", "klar-i-framtiden"]
    assert [str(f.location) for f in found] == ["Överenskommelse!D30", "Överenskommelse!E30"]
    assert found[0].message.startswith("Slutrapport: Redovisningar, Intern sista dag (2020-03-05)")
    # a duty whose cells are not known (made in code) is still reported, on the sheet Överenskommelse
    found = v.check_duty_dates(book(duties=[Duty("Rapport", "", dt.date(2020, 3, 1), dt.date(2020, 3, 5))]),
                               Context(today))
    assert codes(found) == ["internt-efter-externt"] and found[0].location.sheet == "Överenskommelse"


def test_the_examples_have_no_duty_dates_out_of_order():
    for path in (EXAMPLE_2018, EXAMPLE_2019):
        assert check_duty_dates_codes(path) == []


def check_duty_dates_codes(path):
    return codes(v.check_duty_dates(read_book(path), Context(dt.date(2019, 1, 1))))
