"""Tests of xl_statsbidrag.excel.functions."""
import csv
import datetime as dt
import io
import subprocess
import sys

import pytest

from tests import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from tests.conftest import EXAMPLE_2019, WORKBOOKS

from xl_statsbidrag import excel
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.read import reference_data as tables
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


# --- worksheet functions, with the values Excel passes (floats, 2-D lists, None for blanks) -----------
@pytest.mark.system

def test_sb_fordela_equals_the_cli():
    _, rows = tables.population("2018-12-31")
    weights = [[float(p)] for _, p in rows]
    column = excel.SB_FORDELA(2835000000.0, weights)
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "allocate", "2835000000", "--population",
                           "2018-12-31", "--format", "csv"], capture_output=True, text=True)
    cli = [int(r[2]) for r in list(csv.reader(io.StringIO(done.stdout)))[1:]]
    assert [c[0] for c in column] == cli
    assert column[[r for r, _ in rows].index("Jämtlands län")] == [36103335]


def test_sb_kvar_and_sb_kontroll_equal_validate_on_the_example():
    book = read_book(EXAMPLE_2019)
    amounts = [[float(a.amount)] for a in book.activities]
    assert excel.SB_KVAR(41197280.0, amounts) == 191
    names = [[a.name] for a in book.activities]
    pots = [[a.pot] for a in book.activities]
    table = excel.SB_KONTROLL(None, amounts, names, pots, [["Stimulansmedel"], ["Specialistsjuksköterskor"]],
                              [[36103335.0], [5093945.0]], [["Nej"], ["Ja"]])
    assert table[0] == ["Allvarlighet", "Kod", "Meddelande", "Belopp"]
    assert [(r[1], r[3]) for r in table[1:]] == [("ej-fordelat", 191)]
    cli = [f for f in validate(book, TODAY) if f.code == "ej-fordelat"]
    assert cli[0].message == table[1][2]


ERRORS = [
    (lambda: excel.SB_FORDELA(100.0, [[1.0], [0.0]]), "rad 2: vikten måste vara större än noll"),
    (lambda: excel.SB_FORDELA(100.0, [[1.0], ["många"]]), "rad 2: vikten 'många' är inte ett tal"),
    (lambda: excel.SB_FORDELA(-100.0, [[1.0]]), "totalbeloppet får inte vara negativt (-100 kr)"),
    (lambda: excel.SB_FORDELA(100.5, [[1.0]]), "totalbeloppet 100,50 kr är inte ett helt antal kronor"),
    (lambda: excel.SB_FORDELA(None, [[1.0]]), "totalbeloppet saknas"),
    (lambda: excel.SB_FORDELA(100.0, [[1.0]], "störst"), "okänd regel 'störst'"),
    (lambda: excel.SB_FORDELA(100.0, [[None]]), "inga vikter"),
    (lambda: excel.SB_KVAR("hundra", [[1.0]]), "'hundra' är inte ett belopp"),
    (lambda: excel.SB_KVAR(-1.0, [[1.0]]), "potten får inte vara negativ"),
    (lambda: excel.SB_KVAR(100.0, [[1.0], ["tio kronor"]]), "rad 2: 'tio kronor' är inte ett belopp"),
    (lambda: excel.SB_KONTROLL(None, [[1.0]]), "tillgängligt belopp saknas"),
    (lambda: excel.SB_KONTROLL(-5.0, [[1.0]]), "tillgängligt belopp får inte vara negativt"),
    (lambda: excel.SB_KONTROLL(None, [[1.0]], [["a"]], [["P"]], [["P"]], [[-3.0]]), "pottbeloppet på rad 1 får inte"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_function_errors_are_an_error_value_and_a_swedish_message(call, message):
    """A wrong input gives #VALUE! with the Swedish message in the next cell; the function does not raise
    (classic xlwings would write the exception's text into the cell, which formulas take for text)."""
    result = call()
    assert result == [[excel.excel_error_value(), result[0][1]]]
    assert result[0][1].startswith(message)
    assert not any(word in result[0][1] for word in ("row", "weight", "total ", "not a", "must"))


def _classic(function, *args):
    """The call as classic xlwings makes it on Windows (tests/classic_udf.py: xlwings' own udfs and
    com_server, pywin32 stubbed), in a process of its own."""
    import json

    code = [sys.executable, str(WORKBOOKS.parent / "tests" / "classic_udf.py"), function, json.dumps(list(args))]
    done = subprocess.run(code, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.system
def test_classic_xlwings_hands_excel_an_error_value_not_text():
    """Through xlwings' own wrapper code: the VBA that Import Functions writes assigns CallUDF's result to
    the cell and writes Err.Description there only when Python raises (xlwings issues 776, 1108); our
    function returns, and CallUDF hands COM pywin32's VARIANT(VT_ERROR, 0x800A07DF), which is VBA's
    CVErr(xlErrValue): #VALUE! (#VÄRDEFEL!) in the cell, then the message.  A valid call is unchanged."""
    bad = _classic("SB_FORDELA", -600.0, [[1.0], [2.0], [3.0]])
    vba = bad["vba"]
    wrapper = vba[vba.index("Function SB_FORDELA("):vba.index("End Function", vba.index("Function SB_FORDELA("))]
    assert 'SB_FORDELA = XLPy.CallUDF("xl_statsbidrag.excel", "SB_FORDELA", Array(total, vikter, regel)' in wrapper
    assert "failed:\n    SB_FORDELA = Err.Description" in wrapper  # what raising would have put in the cell
    assert bad["result"] == [{"VARIANT": 10, "value": -2146826273}, "totalbeloppet får inte vara negativt (-600 kr)"]
    assert 0x800A0000 | 2015 == -2146826273 & 0xFFFFFFFF  # FACILITY_CONTROL | xlErrValue (2015)
    assert _classic("SB_FORDELA", 600.0, [[1.0], [2.0], [3.0]])["result"] == [[100], [200], [300]]
    assert _classic("SB_KVAR", 1000.0, [[1.0], [2.0]])["result"] == 997
    kvar = _classic("SB_KVAR", "hundra", [[1.0]])["result"]
    assert kvar[0] == {"VARIANT": 10, "value": -2146826273} and "'hundra' är inte ett belopp" in kvar[1]


def test_results_are_two_dimensional_with_one_row_per_input_row():
    """A 2-D list spills in Excel 365; in Excel 2016/2019 a legacy array formula (Ctrl+Shift+Enter) over
    as many rows as the weights gets one value per cell: blank weights give blank rows, never a
    shorter result that would leave #N/A at the end."""
    column = excel.SB_FORDELA(100.0, [[1.0], [None], [3.0], [""]])
    assert column == [[25], [""], [75], [""]]
    assert excel.SB_FORDELA(100.0, [[1.0, None, 3.0]]) == [[25, "", 75]]  # a row of weights gives a row
    table = excel.SB_KONTROLL(100.0, [[50.0], [60.0]])
    assert all(len(row) == 4 for row in table) and table[0][0] == "Allvarlighet"
