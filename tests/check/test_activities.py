"""Tests of xl_statsbidrag.check.activities."""
import datetime as dt

from tests.conftest import small_book
from tests.support.checks import book, codes, run

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.model import Finding
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


def test_duplicate_pot_names_are_an_error(tmp_path):
    book = read_book(small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                                pots=[("Stimulansmedel", 500, "Nej", ""), ("stimulansmedel", 500, "Nej", "")]))
    found = [f for f in validate(book, TODAY) if f.code == "pott-dubblett"]
    assert len(found) == 2 and found[1].location == Location("Överenskommelse", "A7")


def test_check_names():
    assert run(v.check_names, book({"name": "A"})) == []
    found = run(v.check_names, book({"name": ""}, {"verksamhet": ""}))
    assert codes(found) == ["aktivitet-saknas", "verksamhet-saknas"]
    assert found[1].location == Location("Aktiviteter", "B6")


def test_check_amounts():
    assert run(v.check_amounts, book({"amount": 1})) == []
    found = run(v.check_amounts, book({"amount": None}, {"amount": 0}, {"amount": -5}))
    assert codes(found) == ["belopp-saknas", "belopp-ej-positivt", "belopp-ej-positivt"]
    assert found[0].location == Location("Aktiviteter", "C5") and found[2].amount == -5
    unreadable = book({"amount": None})
    unreadable.problems.append(Finding("error", "oläsbart-belopp", "x", Location("Aktiviteter", "C5")))
    assert run(v.check_amounts, unreadable) == []  # reported once, by check_readable


def test_check_objekt():
    assert run(v.check_objekt, book({"objekt": "9902"})) == []
    found = run(v.check_objekt, book({"objekt": ""}, {"objekt": "1234"}))
    assert codes(found) == ["objekt-saknas", "objekt-ogiltigt"] and "9902, 9917" in found[1].message
    assert run(v.check_objekt, book({"objekt": "1234"}, objekt=())) == []  # no list: anything goes


def test_check_pot_names():
    assert run(v.check_pot_names, book({"pot": "ssk"})) == []
    assert codes(run(v.check_pot_names, book({"pot": "Okänd"}))) == ["pott-okand"]


def test_check_duplicates():
    assert run(v.check_duplicates, book({"name": "A"}, {"name": "A", "verksamhet": "W"})) == []
    assert codes(run(v.check_duplicates, book({"name": "A"}, {"name": " a "}))) == ["dubblett", "dubblett"]


def test_check_earlier_decisions():
    assert run(v.check_earlier_decisions, book({"earlier_decision": "ny"}, {"earlier_decision": "öronmärkt i ÖK 2019"})) == []
    found = run(v.check_earlier_decisions, book({"amount": 600, "earlier_decision": "personalmiljard 2018"},
                                                {"amount": 300, "earlier_decision": "ny"}))
    assert codes(found) == ["tidigare-beslut"] and found[0].amount == 600
    assert "900 kr återstod för nya beslut, varav 300 kr" in found[0].message
    found = run(v.check_earlier_decisions, book({"amount": 1600, "earlier_decision": "beslut 2017"}))
    assert codes(found) == ["tidigare-beslut-overstiger"]


def test_check_next_year():
    assert run(v.check_next_year, book({"next_year": "nej"})) == []
    found = run(v.check_next_year, book({"next_year": "ja"}, {"next_year": "2020 för byggnation 13,5 mkr"}))
    assert codes(found) == ["behov-nasta-ar"] and found[0].amount == 13500000
