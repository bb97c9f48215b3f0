"""Tests of xl_statsbidrag.check.suggestion."""
import datetime as dt

from tests.conftest import EXAMPLE_2019

from xl_statsbidrag.check.suggestion import suggest
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


def test_without_utfall_no_alt_1_is_suggested_and_kontroll_says_why():
    book = read_book(EXAMPLE_2019)
    s = suggest(book, validate(book, TODAY))
    assert s.alternative is None and any("Utfall saknas" in r for r in s.reasons)
