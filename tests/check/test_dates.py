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
