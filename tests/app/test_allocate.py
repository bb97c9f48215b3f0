"""`xl-statsbidrag allocate` as scripts use it."""
import csv
from decimal import Decimal
import io
import subprocess
import sys

import openpyxl
import pytest

from tests.support.crafted import cli

from xl_statsbidrag.read import reference_data as tables

pytestmark = pytest.mark.system


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", "allocate", *map(str, args)],
                          capture_output=True, text=True, env=env)


def test_csv_format_is_region_weight_amount():
    done = run("2 835 000 000", "--population", "2018-12-31", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["region", "weight", "amount"]
    assert ["Jämtlands län", "130280", "36103335"] in rows
    assert len(rows) == 22 and sum(int(r[2]) for r in rows[1:]) == 2835000000


def test_several_pots_and_region_totals():
    done = run("2835000000", "400000000", "--population", "2018-12-31", "--format", "csv")
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["region", "weight", "amount_1", "amount_2", "total"]
    assert ["Jämtlands län", "130280", "36103335", "5093945", "41197280"] in rows


def test_readable_table_names_its_source_and_rule():
    done = run("400 000 000", "--population", "2018-12-31")
    assert done.returncode == 0
    assert "population 2018-12-31" in done.stdout and "largest remainder" in done.stdout
    assert "5 093 945 kr" in done.stdout and "400 000 000 kr" in done.stdout


def test_a_published_table_is_the_authority():
    done = run("655000000", "--population", "2016-11-01", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert ["Jämtlands län", "", "8429358"] in rows
    assert "published table 2017-bilaga1" in run("655000000", "--population", "2016-11-01").stdout


def test_weights_from_csv_and_workbook(tmp_path):
    semicolon = tmp_path / "w.csv"
    semicolon.write_text("region;weight\nNorr;1,5\nSöder;0,5\n", encoding="utf-8")
    rows = list(csv.reader(io.StringIO(run(1000, "--weights", semicolon, "--format", "csv").stdout)))
    assert rows[1:] == [["Norr", "1.5", "750"], ["Söder", "0.5", "250"]]
    book = tmp_path / "w.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Vikter"
    ws.append(["Rubrik"])
    ws.append(["region", "weight"])
    ws.append(["A", 3])
    ws.append(["B", 1])
    wb.save(book)
    done = run(1000, "--weights", book, "--range", "Vikter!A2:B4", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert list(csv.reader(io.StringIO(done.stdout)))[1:] == [["A", "3", "750"], ["B", "1", "250"]]


def test_weight_table_headers_are_compared_as_our_other_headers(tmp_path):
    """The header row is read by the one header rule (core.text.normalise_header): case, spacing and a
    trailing colon do not matter."""
    table = tmp_path / "w.csv"
    table.write_text("Region: ;  WEIGHT\nNorr;1\nSöder;3\n", encoding="utf-8")
    done = run(1000, "--weights", table, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert list(csv.reader(io.StringIO(done.stdout)))[1:] == [["Norr", "1", "250"], ["Söder", "3", "750"]]


def test_bad_input_names_the_row(tmp_path):
    bad = tmp_path / "w.csv"
    bad.write_text("region,weight\nA,1\nB,0\n")
    done = run(100, "--weights", bad)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "row 2 (B): the weight must be greater than zero" in done.stderr and str(bad) in done.stderr
    dup = tmp_path / "d.csv"
    dup.write_text("region,weight\nA,1\nA,2\n")
    assert "listed twice" in run(100, "--weights", dup).stderr
    done = run("100,5", "--population", "2018-12-31")
    assert done.returncode == 2 and "not a whole number of kronor" in done.stderr
    assert "no population table for 1999-01-01" in run(100, "--population", "1999-01-01").stderr


def test_xlsx_output_recalculates(tmp_path, libreoffice):
    out = tmp_path / "f.xlsx"
    done = run("2835000000", "400000000", "--population", "2018-12-31", "-o", out)
    assert done.returncode == 0, done.stderr
    recalculated = openpyxl.load_workbook(libreoffice.convert(out, tmp_path / "lo"), data_only=True)["Fördelning"]
    written = openpyxl.load_workbook(out, data_only=True)["Fördelning"]
    values = {c.coordinate: c.value for row in recalculated.iter_rows() for c in row if c.value is not None}
    for row in written.iter_rows():
        for c in row:
            if isinstance(c.value, (int, float)):
                assert Decimal(str(values[c.coordinate])) == Decimal(str(c.value)), c.coordinate
    last = written.max_row
    assert written.cell(last, 3).value == 2835000000 and written.cell(last, 5).value == 3235000000


def test_user_data_folder_extends_the_tables(tmp_path, monkeypatch):
    (tmp_path / "population.csv").write_text("date,region,population\n2099-01-01,A,1\n2099-01-01,B,3\n")
    monkeypatch.setenv("XL_STATSBIDRAG_DATA", str(tmp_path))
    tables.clear_cache()
    try:
        assert tables.population_dates() == ["2018-12-31", "2099-01-01"]
        done = run(100, "--population", "2099-01-01", "--format", "csv", env=dict(__import__("os").environ))
        assert list(csv.reader(io.StringIO(done.stdout)))[1:] == [["A", "1", "25"], ["B", "3", "75"]]
    finally:
        monkeypatch.delenv("XL_STATSBIDRAG_DATA")
        tables.clear_cache()


def test_allocate_with_a_published_table_writes_no_weights_and_refuses_a_rule(tmp_path):
    out = tmp_path / "a.xlsx"
    done = cli("allocate", "655000000", "--population", "2016-11-01", "-o", out)
    assert done.returncode == 0, done.stderr
    import openpyxl
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[3] == ("Region", "amount") and rows[4] == ("Stockholms län", 148780771)
    done = cli("allocate", "655000000", "--population", "2016-11-01", "--rule", "none", "-o", tmp_path / "b.xlsx")
    assert done.returncode == 2 and "--rule none does not apply" in done.stderr and "--compute" in done.stderr
    assert not (tmp_path / "b.xlsx").exists()


@pytest.mark.parametrize("weight", ["1e5000", "1e999999999", "1e-999999", "0.0000000000001"])
def test_absurd_weights_are_refused_before_any_arithmetic(tmp_path, weight):
    weights = tmp_path / "w.csv"
    weights.write_text(f"region,weight\nA,{weight}\nB,1\n", encoding="utf-8")
    done = cli("allocate", "100", "--weights", weights)
    assert done.returncode == 2 and "out of range" in done.stderr and not done.stdout, done.stderr


def test_allocate_output_never_replaces_its_weights(tmp_path):
    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\nA,1\nB,1\nC,1\n")
    before = weights.read_bytes()
    done = cli("allocate", 1000, "--weights", weights, "-o", weights)
    assert done.returncode == 2 and "overwrite the weights" in done.stderr and weights.read_bytes() == before
    done = cli("allocate", 100, "--weights", weights, "--rule", "none", "-o", tmp_path / "a.xlsx")
    assert "difference: -1 kr" in done.stderr
    title = openpyxl.load_workbook(tmp_path / "a.xlsx")["Fördelning"]["A1"].value
    assert title == "Fördelning av 100 kr"
