"""Defects a review found in messy but plausible input, each pinned by a test."""
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from conftest import EXAMPLE_2019, parts, small_book
from test_hostile import ACTIVITY_SHEET, rezip
from xl_statsbidrag.core.money import AmountError, parse_amount
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.app.importing import import_file
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2026, 11, 22)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("year", [20190, 0, 43830, "tjugo"])
def test_a_mistyped_year_names_its_cell(tmp_path, year):
    path = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]], labels={"År": year})
    done = cli("validate", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Överenskommelse!B2" in done.stderr and "is not a year" in done.stderr


def test_year_written_as_a_decimal_number_is_read(tmp_path):
    assert read_book(small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                                labels={"År": 2019.0})).agreement.year == 2019


def test_unwritable_outputs_are_clear_errors(tmp_path):
    folder = tmp_path / "d.xlsx"
    folder.mkdir()
    done = cli("report", EXAMPLE_2019, "-o", folder)
    assert done.returncode == 2 and "is a folder" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "~$out.xlsx").write_bytes(b"")
    done = cli("report", EXAMPLE_2019, "-o", tmp_path / "out.xlsx")
    assert done.returncode == 2 and "open in Excel" in done.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_a_label_merged_over_its_neighbour_reads_the_value_beyond(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]], labels={"Kontaktperson": None})
    wb = openpyxl.load_workbook(source)
    ws = wb["Överenskommelse"]
    r = next(c.row for c in ws["A"] if c.value == "Kontaktperson")
    ws.merge_cells(f"A{r}:B{r}")
    ws[f"C{r}"] = "Eva Ek"
    wb.save(tmp_path / "merged.xlsx")
    book = read_book(tmp_path / "merged.xlsx")
    assert book.agreement.contact_person == "Eva Ek" and book.agreement.loc("contact_person").cell == f"C{r}"


def test_sums_per_objekt_and_pot_agree_with_excels_comparison(tmp_path, libreoffice):
    rows = [["A", "V", 600, "kst", "Stim*", None], ["B", "V", 400, "KST", "Stim*", None],
            ["C", "V", 300, "9902", ">65 år", None], ["D", "V", 200, "9902", ">65 år", None]]
    pots = [("Stim*", 1500, "Nej", ""), (">65 år", 600, "Ja", "Äldre")]
    source = small_book(tmp_path / "t.xlsx", rows, pots=pots)
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    written = {c.coordinate: c.value for row in openpyxl.load_workbook(out, data_only=True)["Bilaga 2"].iter_rows()
               for c in row if c.value is not None}
    recalculated = {c.coordinate: c.value for row in openpyxl.load_workbook(
        libreoffice.convert(out, tmp_path / "lo"), data_only=True)["Bilaga 2"].iter_rows() for c in row
        if c.value is not None}
    for cell, value in written.items():
        if isinstance(value, (int, float)):
            assert Decimal(str(recalculated[cell])) == Decimal(str(value)), cell
    labels = {written.get(f"A{c[1:]}"): written[c] for c in written if c.startswith("D")}  # the budget column
    assert labels["kst"] == 1000 and labels["9902"] == 500
    costs = {written.get(f"A{c[1:]}"): written[c] for c in written if c.startswith("C")}  # the table per part
    assert costs["Stim*"] == 1000 and costs[">65 år (öronmärkt)"] == 500


def test_duplicate_pot_names_are_an_error(tmp_path):
    book = read_book(small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                                pots=[("Stimulansmedel", 500, "Nej", ""), ("stimulansmedel", 500, "Nej", "")]))
    found = [f for f in validate(book, TODAY) if f.code == "pott-dubblett"]
    assert len(found) == 2 and found[1].location == Location("Överenskommelse", "A7")


def test_stored_doubles_with_noise_are_read_to_the_ore(tmp_path):
    assert parse_amount(Decimal("599.30000000000007")) == Decimal("599.30")
    assert parse_amount(Decimal("0.30000000000000004")) == Decimal("0.30")
    with pytest.raises(AmountError):
        parse_amount(Decimal("1.234"))
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    xml = parts(source)[ACTIVITY_SHEET].decode()
    start = xml.index('<c r="C4"')
    xml = xml[:start] + '<c r="C4"><v>599.30000000000007</v></c>' + xml[xml.index("</c>", start) + 4:]
    assert read_book(rezip(source, tmp_path / "n.xlsx", replace={ACTIVITY_SHEET: xml.encode()})).decided == \
        Decimal("599.30")


@pytest.mark.parametrize("text", ["100,000", "100.000", "4,500 kr"])
def test_one_separator_before_three_digits_is_ambiguous(text):
    with pytest.raises(AmountError, match="ambiguous"):
        parse_amount(text)
    assert parse_amount("1,500 mkr") == 1500000 and parse_amount("100 000") == 100000


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


def _plain_book(path, merged_amount=False, chart=False, defined=None):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A1", ["Aktivitet", "Verksamhet", "Belopp", "Objekt"])
    ws.write_row("A2", ["Första", "HoS", 1000, 9917])
    ws.write_row("A3", ["Andra", "HoS", None if merged_amount else 500, 9917])
    ws.write_row("A4", ["Tredje", "HoS", 500, 9917])
    if merged_amount:
        ws.merge_range("C2:C3", 1000)
    if chart:
        sheet = wb.add_chartsheet("Diagram")
        c = wb.add_chart({"type": "column"})
        c.add_series({"values": "=Blad1!$C$2:$C$4"})
        sheet.set_chart(c)
    if defined:
        wb.define_name(defined, "=Blad1!$A$1")
    wb.close()
    return path


def test_import_does_not_count_a_merged_amount_twice(tmp_path):
    table = import_file(_plain_book(tmp_path / "p.xlsx", merged_amount=True), tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert table.decided == 1500 and [a.name for a in table.activities] == ["Första", "Tredje"]
    assert [(str(loc), r.split(";")[0]) for loc, r in table.not_read] == [
        ("Blad1!C3", "the amount is in a merged cell that covers several rows")]


def test_merged_amount_in_a_table_is_reported(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", None, "9917", "", None]])
    xml = parts(source)[ACTIVITY_SHEET].decode().replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="C4:C5"/></mergeCells>')
    book = read_book(rezip(source, tmp_path / "m.xlsx", replace={ACTIVITY_SHEET: xml.encode()}))
    assert book.decided == 100
    assert [(f.code, str(f.location)) for f in book.problems] == [("sammanfogad-cell", "Aktiviteter!C5")]


def test_import_skips_chart_sheets_and_refuses_name_clashes(tmp_path):
    table = import_file(_plain_book(tmp_path / "c.xlsx", chart=True), tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert table.decided == 2000
    with pytest.raises(UserError, match="already has a table or name 'Objekt'"):
        import_file(_plain_book(tmp_path / "d.xlsx", defined="Objekt"), tmp_path / "o2.xlsx", "ivm-2019", "23")
    assert not (tmp_path / "o2.xlsx").exists()


def test_footer_escapes_ampersands_and_rows_stay_within_excels_height(tmp_path):
    long_name = "Mycket lång aktivitet " * 300
    source = small_book(tmp_path / "t.xlsx", [[long_name, "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": "Vård & omsorg"})
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    sheet = parts(out)["xl/worksheets/sheet3.xml"].decode()
    assert "Ekonomisk redovisning – Vård &amp;&amp; omsorg" in sheet
    heights = [float(h) for h in __import__("re").findall(r'ht="([0-9.]+)"', sheet)]
    assert max(heights) <= 409


def test_earmarked_flag_as_a_number(tmp_path):
    book = read_book(small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                                pots=[("S", 500, "Nej", ""), ("E", 500, 1, "")]))
    assert [p.earmarked for p in book.agreement.pots] == [False, True]
    from xl_statsbidrag.app import functions as sheetfuncs
    table = sheetfuncs.findings(None, [[100.0]], None, None, [["S"], ["E"]], [[500.0], [500.0]], [[0.0], [1.0]])
    assert any(r[1] == "oronmarkt-kvar" for r in table[1:])
