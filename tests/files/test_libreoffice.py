"""What a spreadsheet engine computes: the report opened and recalculated by LibreOffice."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, small_book, parts, sha256
from tests.support.batch import cell_values, run_cli, sheet_names, summary_rows

from xl_statsbidrag.app.report import report_file

pytestmark = pytest.mark.system


TODAY = dt.date(2026, 11, 22)


def _values(path, sheet="Bilaga 2"):
    return cell_values(path, sheet)


def _formulas(path, sheet="Bilaga 2"):
    wb = openpyxl.load_workbook(path)
    try:
        return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")}
    finally:
        wb.close()


def test_the_harness_really_recalculates(libreoffice, tmp_path):
    """A formula whose cached value is wrong comes back right: recalculation on load is on."""
    import xlsxwriter

    path = tmp_path / "wrong.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Bilaga 2")
    ws.write_number("A1", 2)
    ws.write_number("A2", 3)
    ws.write_formula("A3", "=SUM(A1:A2)", None, 999)
    wb.close()
    assert _values(path)["A3"] == 999
    assert _values(libreoffice.convert(path, tmp_path / "lo"))["A3"] == 5


@pytest.mark.parametrize("example, received, costs, unused", [
    (EXAMPLE_2019, 41197280, 41197089, 191),
    (EXAMPLE_2018, 12208598, 9980000, 2228598),
])
def test_recalculated_values_equal_the_values_written(libreoffice, tmp_path, example, received, costs, unused):
    out = tmp_path / "out.xlsx"
    report_file(example, out, TODAY)
    written = _values(out)
    formulas = _formulas(out)
    assert len(formulas) >= 5
    recalculated = _values(libreoffice.convert(out, tmp_path / "lo"))
    for cell in formulas:
        assert Decimal(str(recalculated[cell])) == Decimal(str(written[cell])), (cell, formulas[cell])
    for cell, value in written.items():
        if isinstance(value, (int, float)):
            assert Decimal(str(recalculated[cell])) == Decimal(str(value)), cell
    by_label = {written[f"A{c[1:]}"]: written[c] for c in sorted(formulas, key=lambda c: c[0] != "E")
                if c[0] in "DE" and f"A{c[1:]}" in written}
    assert by_label["Summa kostnader"] == costs  # budget: no utfall in the examples
    assert by_label["Medel som inte har förbrukats (Bidrag – kostnader)"] == unused
    assert by_label["Bidrag som erhållits av regeringen/Regeringskansliet"] == received


def test_outcome_and_ore_recalculate(libreoffice, tmp_path):
    rows = [["A", "V", 600, "9917", "Stimulansmedel", "550,25"], ["B", "V", 400, "9902", "Stimulansmedel", 399.5],
            ["C", "V", 500, "9902", "Specialistsjuksköterskor", "500"]]
    out = tmp_path / "out.xlsx"
    report_file(small_book(tmp_path / "t.xlsx", rows, objekt=["9902", "9917"]), out, TODAY)
    written, formulas = _values(out), _formulas(out)
    recalculated = _values(libreoffice.convert(out, tmp_path / "lo"))
    for cell in formulas:
        assert Decimal(str(recalculated[cell])).quantize(Decimal("0.01")) == \
            Decimal(str(written[cell])).quantize(Decimal("0.01")), (cell, formulas[cell])
    sums = [written[c] for c in formulas if "SUMPRODUCT(--(C" in formulas[c] and c.startswith("E")]
    assert sums == [899.5, 550.25]


# --- issue 14.16: --recalculate ---------------------------------------------------------------------

def _uncalculated_book(tmp_path) -> Path:
    """The example, saved by openpyxl with two amounts turned into formulas: no stored values."""
    import openpyxl

    path = tmp_path / "openpyxl_saved.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_2019)
    ws = wb["Aktiviteter"]
    table = ws.tables["Aktiviteter"]
    header_row = ws[table.ref.split(":")[0][1:]]
    column = next(c.column_letter for c in header_row if c.value == "Belopp")
    first = int(table.ref.split(":")[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1
    for row in (first, first + 1):
        value = ws[f"{column}{row}"].value
        ws[f"{column}{row}"] = f"={int(value) - 1000}+1000"
    wb.save(path)  # openpyxl stores no value for a formula (the refusal below shows it)
    return path


def test_recalculate_reads_formulas_that_have_no_stored_values(tmp_path, libreoffice):
    book = _uncalculated_book(tmp_path)
    before = sha256(book)
    refused = run_cli("report", book, "-o", tmp_path / "plain.xlsx")
    assert refused.returncode == 2 and "--recalculate" in refused.stderr
    out = tmp_path / "out.xlsx"
    done = run_cli("report", book, "-o", out, "--recalculate", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "41 197 089 kr" in done.stdout  # the costs, with the two computed amounts
    assert sha256(book) == before
    source, written = parts(book), parts(out)
    kept = [n for n in source if n in written and source[n] == written[n]]
    assert "xl/worksheets/sheet2.xml" in kept  # the original package, formulas and all, not LibreOffice's copy
    assert "Bilaga 2" in sheet_names(out)
    batch_out = tmp_path / "batch"
    assert run_cli("batch", book, "-o", batch_out, "--recalculate", timeout=300).returncode == 0
    assert summary_rows(batch_out)[0]["costs"] == "41197089"
