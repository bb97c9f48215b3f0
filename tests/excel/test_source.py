"""Tests of xl_statsbidrag.excel.source."""
import datetime as dt
from decimal import Decimal
import subprocess
import sys

import pytest
import xlwings as xw

from tests import excel_book
from tests import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, examples
from tests.support.live import _finding, _path, hostile

from xl_statsbidrag import excel
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.read.format_reader import read
from xl_statsbidrag.read.workbook_format import AGREEMENT_SHEET
from xl_statsbidrag.xlsx.file_source import read_book


def test_live_reading_gives_the_same_model_as_the_file():
    live = excel.read_live(remote_book.book_from_file(EXAMPLE_2019)).book
    disk = read_book(EXAMPLE_2019)
    assert [(a.name, a.amount, a.objekt, a.pot, a.loc("amount")) for a in live.activities] == \
        [(a.name, a.amount, a.objekt, a.pot, a.loc("amount")) for a in disk.activities]
    assert live.agreement.total == disk.agreement.total and live.agreement.decided_total == Decimal(41197000)
    assert live.agreement.period == disk.agreement.period


@pytest.mark.system
def test_default_paths_need_no_pro_licence():
    code = ("import sys, os; os.environ.pop('XLWINGS_LICENSE_KEY', None); import xl_statsbidrag.excel as e; "
            "e.SB_FORDELA(100.0, [[1.0], [3.0]]); e.SB_KONTROLL(100.0, [[50.0]]); "
            "import xl_statsbidrag.cli; print('xlwings.pro' in sys.modules)")
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLWINGS_LICENSE_KEY"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


TODAY = dt.date(2026, 11, 22)


CASES = [pytest.param(EXAMPLE_2019, id="2019"), pytest.param(EXAMPLE_2018, id="2018"),
         pytest.param("hostile", id="hostile")]


@pytest.mark.parametrize("kind", [excel_book.Book, excel_book.MacBook], ids=["windows", "mac"])
@pytest.mark.parametrize("case", CASES)
def test_live_reader_finds_what_the_file_reader_finds(case, kind, tmp_path):
    path = _path(case, tmp_path)
    live = excel.read_live(kind(path))
    assert live.unchecked == []
    disk_book = read_book(path)
    disk = validate(disk_book, TODAY)
    assert [_finding(f) for f in validate(live.book, TODAY)] == [_finding(f) for f in disk]
    assert live.book.agreement == disk_book.agreement
    if case == "hostile":
        codes = {f.code for f in disk}
        assert "dold-rad" in codes  # the hidden row, seen through xlwings' rows.hidden (Windows and Mac)
        assert any("#DIV/0!" in f.message for f in disk)
        assert live.book.agreement.contact_person == "Kontakt i sammanslagen rad"


def test_the_reader_asks_excel_few_questions(tmp_path, monkeypatch):
    """Merged cells and hidden rows are asked of Excel per block, then per row that has an empty cell, then
    per empty cell of a row with a merge; hidden rows by halving: far fewer questions than cells (each is
    a round trip to Excel, slow on the web)."""
    asked = []

    class Counting(excel.Classic):
        async def merged(self, rng):
            asked.append("merged")
            return await super().merged(rng)

        async def merge_area(self, rng):
            asked.append("area")
            return await super().merge_area(rng)

        async def hidden(self, rng):
            asked.append("hidden")
            return await super().hidden(rng)

    book = excel_book.Book(hostile(tmp_path))
    live = excel.source._now(excel.read_async(book, Counting()))
    assert {f.code for f in live.book.problems} >= {"dold-rad"}
    cells = sum(len(row) * len(row[0]) for row in [v for v in live_blocks(book)])
    assert cells > 300 and len(asked) < cells / 3, (cells, len(asked))
    assert asked.count("hidden") < 12  # 24 rows of activities, one hidden: found by halving


def live_blocks(book):
    source = excel.LiveSource(book)
    read(source)
    return [values for values in source._blocks.values() if values]


def test_the_stand_in_answers_as_excel_does(tmp_path):
    """What the stand-in returns (and so what LiveSource must cope with): None in merged and error cells
    unless asked with err_to_str, floats for numbers, datetimes for dates, hidden rows' values."""
    book = excel_book.Book(hostile(tmp_path))
    acts = book.sheets["aktiviteter"]  # by name without regard to case, as Excel
    utfall = examples.COLUMNS.index("actual") + 1
    assert acts.range((8, utfall)).value is None
    assert acts.range((8, utfall)).options(err_to_str=True).value == "#DIV/0!"
    assert acts.range((7, 5)).value == 3500000.0 and isinstance(acts.range((7, 5)).value, float)
    assert acts.range("A7").rows.hidden is True and acts.range("A6").rows.hidden is False
    assert acts.range("A5:A8").rows.hidden is None  # some hidden, some not
    agreement = book.sheets[AGREEMENT_SHEET]
    assert agreement.range("B2").value is None and agreement.range("A2").merge_area.address == "$A$2:$B$2"
    dates = [v for row in agreement.used_range.options(ndim=2).value for v in row if isinstance(v, dt.datetime)]
    assert dt.datetime(2019, 12, 1) in dates


# --- where Excel differs: SharePoint, Mac, the calling workbook, Protected View (issue 23) -------------------

def test_a_sharepoint_workbook_is_named_by_its_name(monkeypatch):
    """xlwings' fullname raises for a workbook on SharePoint or in Teams without a synced copy; the name
    is only a label, so the workbook's name stands in and every button works."""
    book = excel_book.SharePointBook(EXAMPLE_2019)
    with pytest.raises(xw.XlwingsError):
        book.fullname
    assert excel.read_live(book).book.path == "beslutsunderlag_2019.xlsx"
    for press in (excel.skapa_bilaga2, excel.kontrollera, excel.rekvisition):
        press(book)
    titles = [t for t, _ in book.app.alerts]
    assert titles == ["Skapa Bilaga 2", "Kontrollera", "Rekvisition"]
    assert not any("kunde inte" in text for _, text in book.app.alerts)
    assert "beslutsunderlag_2019.xlsx" in str(book.wb["Kontroll"]["A2"].value or "") + "".join(
        str(c.value) for row in book.wb["Kontroll"].iter_rows(max_row=6) for c in row if c.value)
