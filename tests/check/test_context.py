"""Tests of xl_statsbidrag.check.context."""
from tests.support.checks import book, codes, run

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.model import Finding


# --- one test per check: a case that triggers it, and one that does not ---------------------------

def test_check_readable():
    b = book({"amount": None})
    assert run(v.check_readable, b) == []
    b.problems.append(Finding("error", "oläsbart-belopp", "x", Location("Aktiviteter", "C5")))
    assert codes(run(v.check_readable, b)) == ["oläsbart-belopp"]
