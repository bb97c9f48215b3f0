"""The year's deadlines (issue 24): working days and Swedish holidays, the agreement's and the region's own
deadlines, the follow-up report and other reporting duties, duties done, assumed dates, one entry per
agreement, reminders, and the calendar read back by two parsers."""
import datetime as dt

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, examples, small_book
from tests.support.deadlines import book_2021

from xl_statsbidrag.check.deadlines import (deadlines, deadlines_of_books, holidays, in_order, last_working_day,
                                            non_working)
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book


# A third agreement, made for these tests: the 2021 God och nära vård agreement (seed 003: its amounts
# nationally and the AT planning report due 15 August 2021).  The region's amounts, dates done and its
# internal deadlines are EXAMPLE DATA.  Deadlines fall on långfredagen (2021-04-02), a Sunday (2021-08-15)
# and midsommarafton (2021-06-25).
NAME_2021 = "God och nära vård 2021 – Goda förutsättningar för vårdens medarbetare"


def by(items, kind, scope="externt"):
    [found] = [d for d in items if d.kind == kind and d.scope == scope]
    return found


# --- working days ---------------------------------------------------------------------------------------

def test_swedish_holidays_are_computed_easter_and_midsummer_included():
    h = holidays(2019)
    assert h[dt.date(2019, 4, 19)] == "långfredagen" and h[dt.date(2019, 4, 22)] == "annandag påsk"
    assert h[dt.date(2019, 5, 30)] == "Kristi himmelsfärdsdag" and h[dt.date(2019, 6, 6)] == "Sveriges nationaldag"
    assert h[dt.date(2019, 6, 21)] == "midsommarafton" and h[dt.date(2019, 6, 22)] == "midsommardagen"
    assert h[dt.date(2019, 11, 2)] == "alla helgons dag"
    assert {h[dt.date(2019, 12, d)] for d in (24, 25, 26, 31)} == {"julafton", "juldagen", "annandag jul", "nyårsafton"}
    h = holidays(2021)
    assert h[dt.date(2021, 4, 2)] == "långfredagen" and h[dt.date(2021, 4, 5)] == "annandag påsk"
    assert h[dt.date(2021, 5, 13)] == "Kristi himmelsfärdsdag" and h[dt.date(2021, 6, 25)] == "midsommarafton"
    assert h[dt.date(2021, 11, 6)] == "alla helgons dag"
    h = holidays(2024)  # Easter in March
    assert h[dt.date(2024, 3, 29)] == "långfredagen" and h[dt.date(2024, 4, 1)] == "annandag påsk"
    assert h[dt.date(2024, 6, 21)] == "midsommarafton" and h[dt.date(2024, 11, 2)] == "alla helgons dag"
    assert holidays(2004)[dt.date(2004, 5, 31)] == "annandag pingst" and dt.date(2004, 6, 6) not in holidays(2004)
    assert dt.date(2019, 4, 18) not in holidays(2019)  # skärtorsdagen is a working day
    # every year: 16 days (or fewer where two fall on one), each a real date of that year
    for year in range(1990, 2101):
        assert 14 <= len(holidays(year)) <= 16 and all(d.year == year for d in holidays(year))


@pytest.mark.parametrize("day, plan, why", [
    (dt.date(2019, 12, 1), dt.date(2019, 11, 29), "söndag"),
    (dt.date(2018, 12, 1), dt.date(2018, 11, 30), "lördag"),
    (dt.date(2019, 3, 31), dt.date(2019, 3, 29), "söndag"),
    (dt.date(2020, 3, 31), dt.date(2020, 3, 31), ""),  # a Tuesday
    (dt.date(2021, 4, 5), dt.date(2021, 4, 1), "annandag påsk"),  # past the whole Easter weekend
    (dt.date(2021, 6, 25), dt.date(2021, 6, 24), "midsommarafton"),
    (dt.date(2019, 12, 31), dt.date(2019, 12, 30), "nyårsafton"),
    (dt.date(2022, 1, 6), dt.date(2022, 1, 5), "trettondedag jul"),
    (dt.date(2019, 12, 26), dt.date(2019, 12, 23), "annandag jul"),
])
def test_a_deadline_on_a_non_working_day_is_planned_for_the_working_day_before(day, plan, why):
    assert last_working_day(day) == plan and non_working(day) == why


# --- the agreement's and the region's deadlines -----------------------------------------------------------

def test_the_agreements_and_the_regions_deadline_are_both_kept():
    items = deadlines(read_book(EXAMPLE_2018).agreement, "b.xlsx")
    external = by(items, "Rapport till Socialstyrelsen")
    internal = by(items, "Rapport till Socialstyrelsen", "internt")
    assert external.day == dt.date(2019, 3, 31) and external.plan_day == dt.date(2019, 3, 29) and external.non_working == "söndag"
    assert internal.day == dt.date(2019, 2, 15) and internal.plan_day == dt.date(2019, 2, 15) and not internal.non_working
    requisition = by(items, "Rekvisition")
    assert requisition.day == dt.date(2018, 12, 1) and requisition.plan_day == dt.date(2018, 11, 30)
    # the 2017 agreement's own terms for 2018: not assumed
    assert not any(d.assumed for d in items)


def test_dates_taken_from_an_earlier_agreement_are_marked_assumed():
    items = deadlines(read_book(EXAMPLE_2019).agreement, "a.xlsx")
    assert {d.kind for d in items} == {"Rekvisition", "Ekonomisk redovisning", "Återbetalning av ej förbrukade medel"}
    for d in items:
        assert d.assumed.startswith("2017 års överenskommelse") and d.verify == "överenskommelsen för 2019"
    assert by(items, "Rekvisition").plan_day == dt.date(2019, 11, 29)


def test_a_repayment_date_derived_from_the_report_is_assumed(tmp_path):
    spec = {**examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]}
    spec["agreement"] = {**spec["agreement"], "repayment_deadline": None, "deadlines_assumed": None,
                         "rk_dnr_agreement": "S2019/01234"}
    examples.build(tmp_path / "t.xlsx", spec)
    items = deadlines(read_book(tmp_path / "t.xlsx").agreement, "t")
    repayment = by(items, "Återbetalning av ej förbrukade medel")
    assert repayment.day == dt.date(2020, 3, 31) and repayment.assumed == "samma dag som den ekonomiska redovisningen"
    assert repayment.verify == "överenskommelsen för 2019 (S2019/01234)"
    assert not by(items, "Ekonomisk redovisning").assumed  # the workbook's own date, nothing said against it


def test_other_reporting_duties_and_done_ones(book_2021):
    ag = read_book(book_2021).agreement
    items = deadlines(ag, "c.xlsx")
    at = by(items, "Planering av antalet AT-tjänster 2022–2024")
    assert at.key == "ovriga" and at.day == dt.date(2021, 8, 15) and at.plan_day == dt.date(2021, 8, 13)
    at_internal = by(items, "Planering av antalet AT-tjänster 2022–2024", "internt")
    assert at_internal.plan_day == dt.date(2021, 6, 24) and at_internal.non_working == "midsommarafton"
    requisition = by(items, "Rekvisition")
    assert requisition.done and requisition.done_on == dt.date(2021, 3, 25) and requisition.reference == "RS/1234/2021-3"
    assert requisition.plan_day == dt.date(2021, 4, 1)  # långfredagen
    assert not any(d.key == "socialstyrelsen" for d in items)  # "Ingen": no such duty
    today = dt.date(2021, 3, 1)
    ordered = in_order(items, today)
    assert [d.what for d in ordered if d.is_open(today)][0] == "Planering av antalet AT-tjänster 2022–2024 (internt)"
    assert ordered[-1] is requisition and requisition.status(today) == "done 2021-03-25"


def test_a_requisition_is_done_when_the_grant_is_paid_out(tmp_path):
    spec = {**examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]}
    spec["agreement"] = {**spec["agreement"], "paid_out": 41197280, "paid_out_date": dt.date(2019, 4, 1),
                         "report_done": dt.date(2020, 3, 20), "report_ref": "KAM 2020/1234",
                         "repayment_done": dt.date(2020, 3, 25)}
    examples.build(tmp_path / "t.xlsx", spec)
    ag = read_book(tmp_path / "t.xlsx").agreement
    items = deadlines(ag, "t")
    assert all(d.done for d in items)
    assert by(items, "Rekvisition").done_on == dt.date(2019, 4, 1)
    assert by(items, "Ekonomisk redovisning").reference == "KAM 2020/1234"
    assert not [d for d in in_order(items, dt.date(2019, 1, 1)) if d.is_open(dt.date(2019, 1, 1))]
    # validation: a done duty's deadline is not reported as passed
    codes = [f.code for f in validate(read_book(tmp_path / "t.xlsx"), dt.date(2026, 1, 1))]
    assert "tidsgrans-passerad" not in codes


def test_the_catalogue_gives_the_follow_up_report_and_other_duties(tmp_path):
    from tests.conftest import small_book

    pm2018 = "Professionsmiljarden – stöd till bättre resursutnyttjande i hälso- och sjukvården"
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": pm2018, "År": 2018})
    items = deadlines(read_book(source).agreement, "t.xlsx")
    follow_up = by(items, "Rapport till Socialstyrelsen")
    assert follow_up.day == dt.date(2019, 3, 31) and follow_up.source == "katalogen"
    source = small_book(tmp_path / "u.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": NAME_2021, "År": 2021})
    at = by(deadlines(read_book(source).agreement, "u.xlsx"), "Planering av antalet AT-tjänster 2022–2024")
    assert at.day == dt.date(2021, 8, 15) and at.source == "katalogen"


# --- one entry per agreement --------------------------------------------------------------------------------

def test_the_same_agreement_twice_is_one_entry_with_a_warning(tmp_path):
    copy = tmp_path / "kopia.xlsx"
    spec = {**examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]}
    spec["agreement"] = {**spec["agreement"], "requisition_deadline": dt.date(2019, 11, 15)}
    examples.build(copy, spec)
    books = [("a.xlsx", read_book(EXAMPLE_2019).agreement), ("b.xlsx", read_book(EXAMPLE_2018).agreement),
             ("kopia.xlsx", read_book(copy).agreement)]
    items, [warning] = deadlines_of_books(books)
    assert len(items) == 3 + 5
    assert "a.xlsx" in warning and "kopia.xlsx" in warning and "Rekvisition (externt)" in warning
    assert all(d.also == ("kopia.xlsx",) for d in items if d.year == 2019)


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
