"""Tests of xl_statsbidrag.check.allocation."""
import datetime as dt
from decimal import Decimal

from tests.support.checks import D, book, codes, run

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.check.allocation import check_earmarked
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Pot


TODAY = dt.date(2026, 11, 22)


def test_check_earmarked_never_reports_a_negative_share():
    pots = [Pot("Fri", Decimal(100)), Pot("E", Decimal(50), True, "e"), Pot("F", Decimal(100), True, "f")]
    activities = [Activity(1, "Inom E", "V", Decimal(80), "9917", pot="E"),  # E over-allocated: nothing left
                  Activity(2, "Utan pott", "V", Decimal(150), "9917")]  # 50 more than the free pot
    book = DecisionBook("", Agreement("Ö", 2019, pots), activities)
    found = [(f.code, f.amount) for f in validate(book, TODAY, checks=[check_earmarked])]
    assert found == [("oronmarkt-anvant", 50), ("oronmarkt-kvar", 100)]  # F is reserved whole: one rule


def test_check_allocation():
    assert run(v.check_allocation, book({"amount": 1000, "pot": "Stimulansmedel"}, {"amount": 500, "pot": "SSK"})) == []
    found = run(v.check_allocation, book({"amount": 1100, "pot": "Stimulansmedel"}))
    assert codes(found) == ["pott-overfordelad"] and found[0].amount == 100
    found = run(v.check_allocation, book({"amount": 1600}))
    assert "overfordelat" in codes(found) and found[codes(found).index("overfordelat")].amount == 100
    found = run(v.check_allocation, book({"amount": 809}, {"amount": 500, "pot": "SSK"}))
    assert codes(found) == ["ej-fordelat"] and found[0].amount == 191


def test_check_earmarked():
    assert codes(run(v.check_earmarked, book({"amount": 1000}, {"amount": 500, "pot": "SSK"}))) == []
    found = run(v.check_earmarked, book({"amount": 1000}, {"amount": 200, "pot": "SSK"}))
    assert codes(found) == ["oronmarkt-kvar"] and found[0].amount == 300
    # no pots given: 300 more than the money that is not earmarked; the earmarked 500 may not pay for it
    found = run(v.check_earmarked, book({"amount": 1300}))
    assert codes(found) == ["oronmarkt-anvant", "oronmarkt-kvar"]
    assert [f.amount for f in found] == [300, 500]
    assert "bekostar 300 kr själv" in found[0].message


def test_check_decision_total():
    assert run(v.check_decision_total, book(decided_total=D(1500))) == []
    assert run(v.check_decision_total, book()) == []
    found = run(v.check_decision_total, book(decided_total=D(1220)))
    assert codes(found) == ["beslut-avviker"] and found[0].amount == 280
    # the activities above the region's own decision (2019: 41 197 089 decided against 41 197 000)
    found = run(v.check_decision_total, book({"amount": 1100}, decided_total=D(1000)))
    assert codes(found) == ["beslut-avviker", "beslut-overskrids"] and found[1].amount == 100
    assert found[1].severity == "warning"
