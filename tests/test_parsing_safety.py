"""Parser safety and wrong results without a word (issues 14 and 17): each case on a crafted file.
Speed and memory of the bombs are measured in benchmarks/bench_bombs.py, not here."""
import datetime as dt
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from conftest import EXAMPLE_2019, parts, small_book
from test_hostile import ACTIVITY_SHEET, refused, rezip
from xl_statsbidrag.read import reference_data as tables
from xl_statsbidrag.core.money import AmountError, format_kr, parse_amount
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.app.importing import import_file
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Pot
from xl_statsbidrag.check.allocation import check_earmarked
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.package import Package
from xl_statsbidrag.xlsx.file_source import FileSource, read_book

TODAY = dt.date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent


def cli(*args, env=None):
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          env=environment)


def with_cell(path, target, ref, cell_xml, sheet=ACTIVITY_SHEET):
    """A copy of ``path`` with the cell ``ref`` of a sheet replaced by ``cell_xml``."""
    xml = parts(path)[sheet].decode()
    start = xml.index(f'<c r="{ref}"')
    end = xml.index("</c>", start) + 4 if xml.find("/>", start) > xml.find("</c>", start) else xml.index("/>", start) + 2
    return rezip(path, target, replace={sheet: (xml[:start] + cell_xml + xml[end:]).encode()})


def plain_book(path, rows, header=("Aktivitet", "Verksamhet", "Belopp", "Objekt")):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A1", header)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value is not None:
                ws.write(i, j, value)
    wb.close()
    return path


# --- issue 14 ----------------------------------------------------------------------------------------------

def test_import_reads_past_an_amount_without_text_and_past_a_total(tmp_path):
    rows = [["A", "HoS", 100, 9917], ["B", "HoS", 200, 9917],
            [None, None, 50, None],  # an amount without a name that is not a sum: reported, not a total
            ["C", "HoS", 300, 9917],
            [None, None, 600, None],  # the sum of the rows above: a total
            ["D", "HoS", 400, 9917],  # a second block below the total: read
            ["Villkor: inga nya anställningar"]]  # prose below a total: not an activity, not an error
    table = import_file(plain_book(tmp_path / "p.xlsx", rows), tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert [a.name for a in table.activities] == ["A", "B", "C", "D"] and table.decided == 1000
    assert table.total_row == 6 and table.total == 600
    [(where, why)] = table.not_read
    assert where == Location("Blad1", "C4") and "not the sum of the rows above" in why


def test_error_values_and_uncalculated_formulas_in_text_columns_are_findings(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    step = with_cell(source, tmp_path / "s1.xlsx", "A4", '<c r="A4" t="e"><v>#REF!</v></c>')
    step = with_cell(step, tmp_path / "s2.xlsx", "B5", '<c r="B5" t="e"><v>#N/A</v></c>')
    bad = with_cell(step, tmp_path / "s3.xlsx", "D5", '<c r="D5" t="str"><f>X1</f></c>')
    book = read_book(bad)
    found = {(f.code, str(f.location)) for f in validate(book, TODAY)}
    assert {("fel-i-cell", "Aktiviteter!A4"), ("fel-i-cell", "Aktiviteter!B5"),
            ("formel-utan-varde", "Aktiviteter!D5")} <= found
    assert not [code for code, _ in found if code in ("aktivitet-saknas", "verksamhet-saknas", "objekt-saknas")]
    with pytest.raises(UserError, match="Aktiviteter!A4"):
        report_file(bad, tmp_path / "out.xlsx", TODAY)


def test_error_values_in_text_columns_of_an_import_are_reported(tmp_path):
    source = plain_book(tmp_path / "p.xlsx", [["A", "HoS", 100, 9917], ["B", "HoS", 200, 9917]])
    step = with_cell(source, tmp_path / "e1.xlsx", "A2", '<c r="A2" t="e"><v>#REF!</v></c>', "xl/worksheets/sheet1.xml")
    bad = with_cell(step, tmp_path / "e2.xlsx", "B3", '<c r="B3" t="str"><f>X1</f></c>', "xl/worksheets/sheet1.xml")
    table = import_file(bad, tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert [a.name for a in table.activities] == ["", "B"] and table.activities[1].verksamhet == ""
    reasons = {str(loc): why for loc, why in table.not_read}
    assert "#REF!" in reasons["Blad1!A2"] and "formel-utan-varde" in reasons["Blad1!B3"]


def test_check_earmarked_never_reports_a_negative_share():
    pots = [Pot("Fri", Decimal(100)), Pot("E", Decimal(50), True, "e"), Pot("F", Decimal(100), True, "f")]
    activities = [Activity(1, "Inom E", "V", Decimal(80), "9917", pot="E"),  # E over-allocated: nothing left
                  Activity(2, "Utan pott", "V", Decimal(150), "9917")]  # 50 more than the free pot
    book = DecisionBook("", Agreement("Ö", 2019, pots), activities)
    found = [(f.code, f.amount) for f in validate(book, TODAY, checks=[check_earmarked])]
    assert found == [("oronmarkt-anvant", 50), ("oronmarkt-kvar", 100)]  # F is reserved whole: one rule


@pytest.mark.parametrize("value, text", [(Decimal("2.999"), "3,00 kr"), (Decimal("0.995"), "1,00 kr"),
                                         (Decimal("-1.996"), "-2,00 kr"), (Decimal("1234.5"), "1 234,50 kr")])
def test_format_kr_rounds_once(value, text):
    assert format_kr(value) == text


@pytest.mark.parametrize("text, words", [("(1 000)", "bracket alone"), ("(250+500)", "bracket alone"),
                                         ("100,000+5", "ambiguous"), ("5+100.000", "ambiguous"),
                                         ("1 000 (100,000)", "ambiguous")])
def test_brackets_alone_and_ambiguous_terms_are_refused(text, words):
    with pytest.raises(AmountError, match=words):
        parse_amount(text)


def test_worksheet_function_rows_have_their_own_place():
    from xl_statsbidrag.app.functions import findings

    table = findings(1000, ["tusen", None, None, 100], ["A", "B", "C", "D"])
    codes = [(r[1], r[2]) for r in table[1:]]
    assert ("belopp-saknas", "Belopp saknas för 'B'.") in codes and ("belopp-saknas", "Belopp saknas för 'C'.") in codes
    assert [c for c, _ in codes].count("oläsbart-belopp") == 1


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


def test_odd_attributes_and_a_negative_shared_string_index(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    negative = with_cell(source, tmp_path / "n.xlsx", "A5", '<c r="A5" t="s"><v>-1</v></c>')
    assert ("fel-i-cell", Location("Aktiviteter", "A5")) in [(f.code, f.location) for f in read_book(negative).problems]
    nan = with_cell(source, tmp_path / "nan.xlsx", "A4", '<c r="A4"><v>NaN</v></c>')
    assert ("fel-i-cell", Location("Aktiviteter", "A4")) in [(f.code, f.location) for f in read_book(nan).problems]
    workbook = parts(source)["xl/workbook.xml"].replace(b'sheetId="1"', b'sheetId="one"')
    refused(rezip(source, tmp_path / "id.xlsx", replace={"xl/workbook.xml": workbook}), "sheetId", "one",
            "xl/workbook.xml")
    table = parts(source)["xl/tables/table2.xml"]
    for attribute in (b'headerRowCount="1.0"', b'totalsRowCount="x"'):
        crafted = table.replace(b"<table ", b"<table " + attribute + b" ", 1)
        refused(rezip(source, tmp_path / "h.xlsx", replace={"xl/tables/table2.xml": crafted}),
                attribute.split(b"=")[0].decode(), "xl/tables/table2.xml", "not a whole number")


def test_a_bad_date_in_the_users_catalogue_is_a_clear_error(tmp_path, monkeypatch):
    shipped = (ROOT / "xl_statsbidrag" / "data" / "agreements.csv").read_text(encoding="utf-8").splitlines()
    row = shipped[-1].split(",")
    row[0], row[11] = "x-2030", "31/12/2030"
    (tmp_path / "agreements.csv").write_text(shipped[0] + "\n" + ",".join(row) + "\n", encoding="utf-8")
    monkeypatch.setenv(tables.ENV, str(tmp_path))
    tables.clear_cache()
    try:
        with pytest.raises(UserError, match=r"line 2: requisition_deadline '31/12/2030' is not a date"):
            tables.catalogue()
    finally:
        monkeypatch.delenv(tables.ENV)
        tables.clear_cache()


# --- issue 17 ----------------------------------------------------------------------------------------------

def _merged(tmp_path, refs):
    xml = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    cells = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    xml = xml.replace("</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{cells}</mergeCells>', 1)
    return rezip(EXAMPLE_2019, tmp_path / "merged.xlsx", replace={ACTIVITY_SHEET: xml.encode()})


def test_merged_ranges_are_ranges_not_cells(tmp_path):
    path = _merged(tmp_path, ["A1:Z1048576"])
    with Package(path) as pkg:
        rows = FileSource(pkg).rows("Aktiviteter", max_col=26)
    assert len(rows) < 100  # the rows that are there, not a million copies of A1
    assert len(read_book(path).activities) == 23


def test_overlapping_merged_ranges_are_refused_in_bounded_work(tmp_path):
    refused(_merged(tmp_path, [f"A{i}:Z1048576" for i in range(1, 2001)]), "merged ranges overlap (A5 and A6)")


def test_a_row_with_more_cells_than_excel_has_columns_is_refused(tmp_path):
    xml = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    xml = xml.replace("</sheetData>", '<row r="40">' + "<c/>" * 20_000 + "</row></sheetData>")
    refused(rezip(EXAMPLE_2019, tmp_path / "wide.xlsx", replace={ACTIVITY_SHEET: xml.encode()}), "more than 16384 cells")


def test_a_shared_string_beyond_the_limit_is_refused_without_reading(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    bad = with_cell(source, tmp_path / "s.xlsx", "A4", '<c r="A4" t="s"><v>29999999</v></c>')
    refused(bad, "shared string 29999999, which", "reads the first 500 000")


@pytest.mark.parametrize("column, value", [("C", "1e999999999"), ("A", "1e1000000"), ("A", "1e999999999"),
                                           ("A", "Infinity"), ("A", "sNaN"), ("C", "-Infinity")])
def test_huge_and_not_a_number_values_are_error_values(tmp_path, column, value):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    bad = with_cell(source, tmp_path / "n.xlsx", f"{column}4", f'<c r="{column}4"><v>{value}</v></c>')
    assert ("fel-i-cell", Location("Aktiviteter", f"{column}4")) in [(f.code, f.location) for f in read_book(bad).problems]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "sNaN", "1e999999999"])
def test_not_a_number_in_the_year_and_in_text_is_no_traceback(tmp_path, value):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    year = with_cell(source, tmp_path / "y.xlsx", "B2", f'<c r="B2"><v>{value}</v></c>', "xl/worksheets/sheet1.xml")
    for command in (["validate", year], ["report", year, "-o", tmp_path / "o.xlsx"]):
        done = cli(*command)
        assert done.returncode == 2 and "Traceback" not in done.stderr and "is not a year" in done.stderr, done.stderr
    plain = plain_book(tmp_path / "p.xlsx", [["A", "HoS", 100, 9917], ["B", "HoS", 200, 9917]])
    bad = with_cell(plain, tmp_path / "pn.xlsx", "B2", f'<c r="B2"><v>{value}</v></c>', "xl/worksheets/sheet1.xml")
    done = cli("import", bad, "--agreement", "ivm-2019", "--region", "23", "-o", tmp_path / "i.xlsx")
    assert done.returncode == 0 and "Blad1!B2: the cell holds the error #NUM!" in done.stdout, done.stderr


@pytest.mark.parametrize("weight", ["1e5000", "1e999999999", "1e-999999", "0.0000000000001"])
def test_absurd_weights_are_refused_before_any_arithmetic(tmp_path, weight):
    weights = tmp_path / "w.csv"
    weights.write_text(f"region,weight\nA,{weight}\nB,1\n", encoding="utf-8")
    done = cli("allocate", "100", "--weights", weights)
    assert done.returncode == 2 and "out of range" in done.stderr and not done.stdout, done.stderr


def test_duplicate_member_names_are_refused_at_open(tmp_path):
    path = tmp_path / "dup.xlsx"
    with zipfile.ZipFile(EXAMPLE_2019) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with pytest.warns(UserWarning):
            zout.writestr("xl/workbook.xml", zin.read("xl/workbook.xml"))
    refused(path, "two members named 'xl/workbook.xml'")


def test_a_dtd_is_refused_in_any_encoding_and_anywhere_before_the_root(tmp_path):
    workbook = parts(EXAMPLE_2019)["xl/workbook.xml"].decode()
    body = workbook.partition("?>")[2]
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE workbook [<!ENTITY x "Blad">]>'
             + body.replace('name="Aktiviteter"', 'name="&x;"')).encode("utf-16")
    refused(rezip(EXAMPLE_2019, tmp_path / "u16.xlsx", replace={"xl/workbook.xml": utf16}), "DTD", "workbook.xml")
    sheet = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    head, _, rest = sheet.partition("?>")
    late = head + "?><!--" + "x" * 70_000 + '--><!DOCTYPE worksheet [<!ENTITY e "1">]>' + rest
    refused(rezip(EXAMPLE_2019, tmp_path / "late.xlsx", replace={ACTIVITY_SHEET: late.encode()}), "DTD", "sheet2.xml")


def test_a_row_beyond_excels_grid_is_refused(tmp_path):
    xml = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    xml = xml.replace("</sheetData>", '<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>')
    refused(rezip(EXAMPLE_2019, tmp_path / "far.xlsx", replace={ACTIVITY_SHEET: xml.encode()}),
            "row 1048577, outside Excel's rows 1 to 1 048 576")


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/tables/table3.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels", "xl/worksheets/_rels/sheet2.xml.rels"])
def test_a_malformed_part_is_named_with_the_file(tmp_path, part):
    bad = rezip(EXAMPLE_2019, tmp_path / "bad.xlsx", replace={part: parts(EXAMPLE_2019)[part][:-20]})
    message = refused(bad, "bad.xlsx", part, "not well-formed")
    assert message.startswith(str(bad))


def test_styles_with_a_non_numeric_format_id_are_named(tmp_path):
    styles = parts(EXAMPLE_2019)["xl/styles.xml"].replace(b'<cellXfs count="12"><xf numFmtId="0"',
                                                         b'<cellXfs count="12"><xf numFmtId="zero"')
    assert b"zero" in styles
    refused(rezip(EXAMPLE_2019, tmp_path / "st.xlsx", replace={"xl/styles.xml": styles}), "xl/styles.xml", "numFmtId")


def test_an_encrypted_workbook_and_an_old_xls_are_named_as_such(tmp_path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    encrypted = tmp_path / "secret.xlsx"
    with open(EXAMPLE_2019, "rb") as plain, open(encrypted, "wb") as out:
        OOXMLFile(plain).encrypt("hemligt", out)
    refused(encrypted, "encrypted", "without a password")
    old = tmp_path / "old.xlsx"  # an .xls renamed: a compound file with a Workbook stream
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 4000)
    refused(old, "Excel 97-2003", "save it as")


def test_limits_on_bytes_per_part_and_on_shared_text(tmp_path, monkeypatch):
    from xl_statsbidrag.xlsx import cells, package

    book = rezip(EXAMPLE_2019, tmp_path / "book.xlsx")
    monkeypatch.setattr(package, "MAX_STREAMED_PART", 4096)
    refused(book, "xl/worksheets/sheet", "too large to read")
    monkeypatch.undo()
    monkeypatch.setattr(cells, "MAX_SHARED_TEXT", 100)
    refused(book, "the shared strings hold more than")
