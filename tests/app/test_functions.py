"""Tests of xl_statsbidrag.app.functions."""
import pytest

from xl_statsbidrag.app import functions as sheetfuncs
from xl_statsbidrag.core.errors import UserError


def test_sheet_function_shape():
    column = sheetfuncs.allocate("2 835 000 000", [[2344124], [None], [130280]])
    assert column[1] == [""] and sum(c[0] for c in column if c != [""]) == 2835000000
    assert isinstance(column[0][0], int)
    assert sheetfuncs.remainder(41197280, [[41197089]]) == 191
    assert sheetfuncs.remainder("36 103 335", ["4,5 mkr", 1000]) == 31602335
    with pytest.raises(UserError):
        sheetfuncs.allocate(100, [[None], [""]])


def test_worksheet_function_rows_have_their_own_place():
    from xl_statsbidrag.app.functions import findings

    table = findings(1000, ["tusen", None, None, 100], ["A", "B", "C", "D"])
    codes = [(r[1], r[2]) for r in table[1:]]
    assert ("belopp-saknas", "Belopp saknas för 'B'.") in codes and ("belopp-saknas", "Belopp saknas för 'C'.") in codes
    assert [c for c, _ in codes].count("oläsbart-belopp") == 1


def test_the_worksheet_function_takes_yes_as_earmarked():
    rows = sheetfuncs.findings(None, [100], ["A"], None, ["Fri", "Öronmärkt"], [100, 50], ["nej", "yes"])
    assert [r[1] for r in rows[1:]] == ["oronmarkt-kvar"]
