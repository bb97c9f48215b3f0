"""`import` and the unit of the amounts (tkr, mkr: in the header, above the table, in the cells' number
format or their text) and hidden rows (issue 25, items 4 and 5)."""
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from tests.support.crafted import _plain_book, plain_book, with_cell
from tests.support.imports import ROWS, region_book

from xl_statsbidrag.app.importing import import_file
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.read.region_reader import describe
from xl_statsbidrag.read.workbook_format import TOTAL_NAME
from xl_statsbidrag.xlsx.file_source import read_book, FileSource
from xl_statsbidrag.xlsx.package import Package


def test_loose_header_matching():
    from xl_statsbidrag.read.region_reader import _fields
    assert _fields(["Pågående arbete/\naktivitet", "Verksamhets-\nområde", "Belopp, kronor", "OBJEKT"]) == \
        {"name": 0, "verksamhet": 1, "amount": 2, "objekt": 3}
    assert _fields(["aktiviteter", "Besluts-\nunderlag datum alt dnr", "behov 2020", "summa:"]) == \
        {"name": 0, "decision_ref": 1, "next_year": 2, "amount": 3}


def run_import(tmp_path, source, **options):
    out = tmp_path / "out.xlsx"
    table = import_file(source, out, "ivm-2019", "Region Jämtland Härjedalen", **options)[0]
    return table, out


@pytest.mark.parametrize("header, factor", [("Belopp, tkr", 1000), ("Belopp (tkr)", 1000), ("Summa tkr", 1000),
                                            ("Belopp (mkr)", 1_000_000), ("Belopp, mkr", 1_000_000),
                                            ("Belopp i tusentals kronor", 1000), ("Belopp, kronor", 1),
                                            ("Belopp", 1)])
def test_a_unit_in_the_header_is_applied_and_said(tmp_path, header, factor):
    source = region_book(tmp_path / "r.xlsx", header)
    table, out = run_import(tmp_path, source)
    assert [a.amount for a in table.activities] == [Decimal(5094) * factor, Decimal("1250.5") * factor,
                                                    Decimal(800) * factor]
    assert read_book(out).decided == Decimal("7144.5") * factor  # what the next commands read, in kronor
    said = "\n".join(describe(table))
    if factor == 1:
        assert "multiplied" not in said
    else:
        assert f"multiplied by {factor:,}".replace(",", " ") in said and f"'{header}'" in said


def test_a_unit_in_the_number_format_is_applied(tmp_path):
    source = region_book(tmp_path / "r.xlsx", number_format='#,##0 "tkr"', total=7144.5)
    table, out = run_import(tmp_path, source)
    assert table.decided == 7144500 and table.total == 7144500  # the total row is scaled as its cells
    assert "by the number format '#,##0 \"tkr\"'" in "\n".join(describe(table))
    import openpyxl

    texts = [c.value for row in openpyxl.load_workbook(out)["Överenskommelse"].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any("Beloppen i kolumn C (3 st) var angivna i tkr och är omräknade till kronor." in t for t in texts)


def test_scaling_commas_show_kronor_as_thousands_and_are_not_applied_twice(tmp_path):
    rows = [(n, v, a * 1000, o) for n, v, a, o in ROWS]  # stored in kronor, shown as tkr by "#,##0,"
    source = region_book(tmp_path / "r.xlsx", "Belopp, tkr", rows, number_format="#,##0,")
    table, _ = run_import(tmp_path, source)
    assert table.decided == 7144500 and not table.units


def test_a_unit_stated_above_the_table_counts(tmp_path):
    source = region_book(tmp_path / "r.xlsx", above="Alla belopp i tkr")
    table, _ = run_import(tmp_path, source)
    assert table.decided == 7144500 and "Underlag!A2" in "\n".join(describe(table))


def test_a_cell_that_names_its_unit_is_taken_as_written(tmp_path):
    rows = ROWS + [("Larm och patientanrop", "HoS", "4,5 mkr", 9917), ("Koordinator", "HoS", "750 000 kr", 9917)]
    table, _ = run_import(tmp_path, region_book(tmp_path / "r.xlsx", "Belopp, tkr", rows))
    assert [a.amount for a in table.activities][3:] == [4500000, 750000]
    assert table.decided == 7144500 + 4500000 + 750000


@pytest.mark.parametrize("case, words", [
    ("format kr under tkr", "says tkr, but the number format of C5"),
    ("above mkr, header tkr", "says tkr, but Underlag!A2"),
    ("euro", "a currency that is not kronor"),
])
def test_a_unit_it_cannot_tell_is_a_question(tmp_path, case, words):
    options = {"format kr under tkr": dict(header="Belopp, tkr", number_format='#,##0 "kr"'),
               "above mkr, header tkr": dict(header="Belopp, tkr", above="Belopp i mkr"),
               "euro": dict(header="Belopp (EUR)")}[case]
    source = region_book(tmp_path / "r.xlsx", **options)
    out = tmp_path / "out.xlsx"
    with pytest.raises(UserError) as info:
        import_file(source, out, "ivm-2019", "Jämtland")
    assert "cannot tell the unit" in str(info.value) and words in str(info.value) and "--unit" in str(info.value)
    assert not out.exists()
    table = import_file(source, out, "ivm-2019", "Jämtland", unit="tkr")[0]  # the answer
    assert table.decided == 7144500


def test_small_amounts_without_a_unit_are_flagged(tmp_path):
    table, _ = run_import(tmp_path, region_book(tmp_path / "r.xlsx", "Belopp"))
    assert any("under 1% of the agreement" in w and "--unit tkr" in w for w in table.warnings)


# --- item 5: hidden rows ---------------------------------------------------------------------------------

def test_hidden_rows_are_listed_and_left_out(tmp_path):
    source = region_book(tmp_path / "r.xlsx", hidden=(1,), total=5894)
    table, out = run_import(tmp_path, source)
    assert [a.name for a in table.activities] == ["Specialistutbildning", "Kompetensförsörjning"]
    assert [(str(loc), name) for loc, name, _ in table.hidden] == [("Underlag!A6", "IT-stöd")]
    said = "\n".join(describe(table))
    assert "warning: 1 hidden row(s) left out" in said and "A6 'IT-stöd'" in said and "--include-hidden" in said
    assert table.total == 5894 and "equal to the sum of the rows" in said  # a SUBTOTAL-style total
    assert len(read_book(out).activities) == 2
    taken, _ = run_import(tmp_path, source, include_hidden=True, force=True)
    assert [a.name for a in taken.activities] == ["Specialistutbildning", "IT-stöd", "Kompetensförsörjning"]
    assert "taken as activities (--include-hidden)" in "\n".join(describe(taken))


def test_hidden_rows_under_a_total_that_counts_them(tmp_path):
    table, _ = run_import(tmp_path, region_book(tmp_path / "r.xlsx", hidden=(2,), total=7144.5))
    assert table.total_row == 8 and table.total == Decimal("7144.5") and table.decided == Decimal("6344.5")
    assert "difference 800 kr" in "\n".join(describe(table))


# --- the pieces ------------------------------------------------------------------------------------------

def test_headers_that_carry_a_unit_are_still_recognised():
    from xl_statsbidrag.read.region_reader import _fields

    assert _fields(["Aktivitet", "Verksamhet", "Tkr", "Behov 2020 (tkr)", "Utfall, tkr"]) == \
        {"name": 0, "verksamhet": 1, "amount": 2, "next_year": 3, "actual": 4}
    assert _fields(["Insats", "Enhet", "Belopp i mkr"]) == {"name": 0, "verksamhet": 1, "amount": 2}


def test_a_column_headed_by_its_unit_alone(tmp_path):
    table, _ = run_import(tmp_path, region_book(tmp_path / "r.xlsx", "Tkr"))
    assert table.decided == 7144500 and table.columns["amount"] == ("C", "Tkr")


def test_units_in_headers_statements_and_formats():
    from xl_statsbidrag.read.region_reader import format_unit, statement_unit, units_in

    assert units_in("Belopp,\ntkr") == {"tkr"} and units_in("Summa (Mkr)") == {"mkr"}
    assert units_in("Belopp kronor") == {"kr"} and units_in("Belopp") == set() and units_in("Belopp, €") == {"?"}
    assert statement_unit("(tkr)") == "tkr" and statement_unit("Belopp anges i miljoner kronor") == "mkr"
    assert statement_unit("Stimulansmedel 5 094 tkr") is None and statement_unit("kr41 197 280") is None
    assert format_unit('#,##0 "tkr"') == ("tkr", 0) and format_unit("#,##0,") == (None, 1)
    assert format_unit('#,##0,,"mkr";-#,##0,,"mkr"') == ("mkr", 2) and format_unit("[$kr-41D] #,##0") == ("kr", 0)
    assert format_unit("#\\ ##0\\ \\t\\k\\r") == ("tkr", 0) and format_unit("0.00E+00") == (None, 0)


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


def test_error_values_in_text_columns_of_an_import_are_reported(tmp_path):
    source = plain_book(tmp_path / "p.xlsx", [["A", "HoS", 100, 9917], ["B", "HoS", 200, 9917]])
    step = with_cell(source, tmp_path / "e1.xlsx", "A2", '<c r="A2" t="e"><v>#REF!</v></c>', "xl/worksheets/sheet1.xml")
    bad = with_cell(step, tmp_path / "e2.xlsx", "B3", '<c r="B3" t="str"><f>X1</f></c>', "xl/worksheets/sheet1.xml")
    table = import_file(bad, tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert [a.name for a in table.activities] == ["", "B"] and table.activities[1].verksamhet == ""
    reasons = {str(loc): why for loc, why in table.not_read}
    assert "#REF!" in reasons["Blad1!A2"] and "formel-utan-varde" in reasons["Blad1!B3"]


def test_import_does_not_count_a_merged_amount_twice(tmp_path):
    table = import_file(_plain_book(tmp_path / "p.xlsx", merged_amount=True), tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert table.decided == 1500 and [a.name for a in table.activities] == ["Första", "Tredje"]
    assert [(str(loc), r.split(";")[0]) for loc, r in table.not_read] == [
        ("Blad1!C3", "the amount is in a merged cell that covers several rows")]


def test_a_totalsumma_row_is_a_total_in_a_regions_own_layout_too(tmp_path):
    from xl_statsbidrag.read.region_reader import read_plain
    assert TOTAL_NAME.match("Totalsumma 2019")
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A1", ["Aktivitet", "Verksamhet", "Belopp", "Objekt"])
    ws.write_row("A2", ["Första", "HoS", 100, 9917])
    ws.write_row("A3", ["Andra", "HoS", 200, 9917])
    ws.write_row("A4", ["Totalsumma", "alla", 350])
    wb.close()
    with Package(path) as pkg:
        table = read_plain(FileSource(pkg))
    assert [a.name for a in table.activities] == ["Första", "Andra"]
    assert table.total_row == 4 and table.total == 350
