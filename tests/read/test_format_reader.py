"""Tests of xl_statsbidrag.read.format_reader."""
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, examples, parts, small_book
from tests.support.crafted import ACTIVITY_SHEET, cli, plain_book, rezip, with_cell

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.errors import UserError, Location
from xl_statsbidrag.core.money import AmountError, parse_amount
from xl_statsbidrag.xlsx.file_source import read_book
from tests.support.deadlines import SPEC_2021


def test_an_unreadable_date_in_the_duties_table_is_named_with_its_cell(tmp_path):
    spec = {**SPEC_2021, "duties": [{"name": "AT", "deadline": "den femtonde", "internal": None}]}
    examples.build(tmp_path / "t.xlsx", spec)
    book = read_book(tmp_path / "t.xlsx")
    [problem] = [p for p in book.problems if p.code == "oläsbart-datum"]
    assert "Redovisningar, Sista dag" in problem.message and str(problem.location).startswith("Överenskommelse!C")
    # a duty without any date is named, not silently left out of the deadlines
    examples.build(tmp_path / "u.xlsx", {**SPEC_2021, "duties": [{"name": "AT-planering"}]})
    book = read_book(tmp_path / "u.xlsx")
    [warning] = [p for p in book.problems if p.code == "redovisning-utan-datum"]
    assert warning.severity == "warning" and "AT-planering" in warning.message
    assert str(warning.location).startswith("Överenskommelse!A") and book.agreement.duties[0].deadline is None


# --- malformed but honest workbooks ---------------------------------------------------------------------

def _sheet_xml(path):
    return parts(path)[ACTIVITY_SHEET].decode()


def test_merged_cells_in_the_table_give_their_value_to_every_row(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "HoS", 100, "9917", "", None], ["B", None, 200, "9917", "", None]])
    xml = _sheet_xml(source).replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="B4:B5"/></mergeCells>')
    merged = rezip(source, tmp_path / "merged.xlsx", replace={ACTIVITY_SHEET: xml.encode()})
    book = read_book(merged)
    assert [a.verksamhet for a in book.activities] == ["HoS", "HoS"]
    assert not [f for f in validate(book, TODAY) if f.code == "verksamhet-saknas"]


def test_hidden_rows_are_counted_and_reported(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    xml = _sheet_xml(source).replace('<row r="5"', '<row r="5" hidden="1"')
    hidden = rezip(source, tmp_path / "hidden.xlsx", replace={ACTIVITY_SHEET: xml.encode()})
    book = read_book(hidden)
    assert book.decided == 300
    [f] = [f for f in book.problems if f.code == "dold-rad"]
    assert f.location == Location("Aktiviteter", "A5") and f.severity == "warning"


def test_blank_rows_and_a_total_row_inside_the_table(tmp_path):
    rows = [["A", "V", 100, "9917", "", None], [None] * 6, ["B", "V", 200, "9917", "", None],
            ["Summa", None, 300, None, "", None]]
    book = read_book(small_book(tmp_path / "t.xlsx", rows))
    assert [a.name for a in book.activities] == ["A", "B"] and book.decided == 300
    assert [f.code for f in book.problems] == ["summarad"]
    rows[-1][2] = 350
    book = read_book(small_book(tmp_path / "u.xlsx", rows))
    [f] = book.problems
    assert f.code == "summarad-avviker" and f.amount == 50 and f.location == Location("Aktiviteter", "C7")


def test_formulas_without_cached_values_are_reported_with_their_cell(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    xml = _sheet_xml(source)
    start = xml.index('<c r="C5"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="C5"><f>C4*2</f></c>' + xml[end:]
    book = read_book(rezip(source, tmp_path / "nocache.xlsx", replace={ACTIVITY_SHEET: xml.encode()}))
    [f] = book.problems
    assert f.code == "formel-utan-varde" and f.location == Location("Aktiviteter", "C5")
    with pytest.raises(UserError, match="Aktiviteter!C5"):
        report_file(tmp_path / "nocache.xlsx", tmp_path / "out.xlsx", TODAY)


def test_error_values_ore_negative_corrections_and_text_dates(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None],
                                              ["C", "V", "1 234,50", "9917", "", None],
                                              ["Korrigering", "V", -50, "9917", "", None]],
                        labels={"Redovisningsperiod från": "1 januari 2019", "Redovisningsperiod till": "31/12/2019",
                                "Sista dag för rekvisition": "20191201", "Sista dag för ekonomisk redovisning": "snart"})
    xml = _sheet_xml(source)
    start = xml.index('<c r="C4"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="C4" t="e"><v>#REF!</v></c>' + xml[end:]
    book = read_book(rezip(source, tmp_path / "odd.xlsx", replace={ACTIVITY_SHEET: xml.encode()}))
    codes = {(f.code, str(f.location)) for f in book.problems}
    assert ("fel-i-cell", "Aktiviteter!C4") in codes
    assert ("oläsbart-datum", "Överenskommelse!B7") in codes
    assert book.activities[2].amount == Decimal("1234.50")
    assert book.agreement.period == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert book.agreement.requisition_deadline == dt.date(2019, 12, 1)
    negative = [f for f in validate(book, TODAY) if f.code == "belopp-ej-positivt"]
    assert negative[0].location == Location("Aktiviteter", "C7") and negative[0].amount == -50


TODAY = dt.date(2026, 11, 22)


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


@pytest.mark.system
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


def test_reads_the_2019_example():
    book = read_book(EXAMPLE_2019)
    ag = book.agreement
    assert ag.name == "En investering för utvecklade förutsättningar för vårdens medarbetare"
    assert ag.year == 2019
    assert ag.region_dnr == "RS/495/2019"
    assert ag.decided_total == Decimal(41197000)
    assert [(p.name, p.amount, p.earmarked) for p in ag.pots] == [
        ("Stimulansmedel", Decimal(36103335), False), ("Specialistsjuksköterskor", Decimal(5093945), True)]
    assert ag.total == ag.received == Decimal(41197280)
    assert [o.code for o in ag.objekt] == ["9902", "9917"]
    assert len(book.activities) == 23
    assert book.decided == Decimal(41197089)
    assert all(isinstance(a.amount, Decimal) for a in book.activities)
    assert not book.has_outcome and book.problems == []
    first = book.activities[0]
    assert first.name == "Vidareutbildning Specialistsjuksköterskor" and first.objekt == "9902"
    assert first.loc("amount") == Location("Aktiviteter", "E5")
    assert book.activities[-1].loc("objekt") == Location("Aktiviteter", "G27")
    assert ag.loc("decided_total").sheet == "Överenskommelse"


def test_reads_the_2018_example():
    book = read_book(EXAMPLE_2018)
    assert book.agreement.total == Decimal(12208598)
    assert len(book.activities) == 10
    assert book.decided == Decimal(9980000)
    assert book.agreement.report_deadline.isoformat() == "2019-03-31"


def test_the_examples_match_the_seed_figures():
    for name, (total, decided) in (("beslutsunderlag_2019.xlsx", (41197280, 41197089)),
                                   ("professionsmiljarden_2018.xlsx", (12208598, 9980000))):
        assert examples.expected_totals(name) == (Decimal(total), Decimal(decided))


def test_text_amounts_in_the_forms_of_the_seeds(tmp_path):
    rows = [["A", "V", "1 875 144", "9917", "", None], ["B", "V", "4,5 mkr", "9917", "", None],
            ["C", "V", "750 tkr", "9902", "", None], ["D", "V", "250+500", "9902", "", None],
            ["E", "V", "41 197 280kr", "9902", "", None]]
    book = read_book(small_book(tmp_path / "t.xlsx", rows))
    assert [a.amount for a in book.activities] == [Decimal(v) for v in (1875144, 4500000, 750000, 750, 41197280)]


def test_unreadable_amount_is_kept_as_a_problem_with_its_cell(tmp_path):
    rows = [["A", "V", 100, "9917", "", None], ["B", "V", "hundra", "9917", "", None]]
    book = read_book(small_book(tmp_path / "t.xlsx", rows))
    assert book.activities[1].amount is None
    [problem] = book.problems
    assert problem.location == Location("Aktiviteter", "C5") and problem.severity == "error"
    assert "hundra" in problem.message


def test_column_order_and_extra_columns_are_free(tmp_path):
    headers = ["Objekt", "Extra", "Belopp", "Verksamhet", "Aktivitet"]
    book = read_book(small_book(tmp_path / "t.xlsx", [["9917", "x", 100, "V", "A"]], headers=headers))
    a = book.activities[0]
    assert (a.name, a.verksamhet, a.amount, a.objekt) == ("A", "V", Decimal(100), "9917")
    assert a.loc("amount") == Location("Aktiviteter", "C4")


def test_blank_rows_are_skipped(tmp_path):
    rows = [["A", "V", 100, "9917", "", None], [None] * 6, ["B", "V", 200, "9917", "", None]]
    book = read_book(small_book(tmp_path / "t.xlsx", rows))
    assert [a.row for a in book.activities] == [4, 6]


@pytest.mark.parametrize("kwargs, words", [
    ({"headers": ["Aktivitet", "Verksamhet", "Summa", "Objekt"]}, ["no column 'Belopp'", "Aktiviteter!A3:D4"]),
    ({"table_name": "Tabell1"}, ["no Excel Table named 'Aktiviteter'"]),
    ({"sheet_name": "Blad1"}, ["no sheet 'Överenskommelse'"]),
    ({"rows": []}, ["has no activities"]),
    ({"labels": {"År": None}}, ["no value for 'År'"]),
    ({"pots": []}, ["no pots"]),
])
def test_unreadable_workbooks_name_file_sheet_and_cell(tmp_path, kwargs, words):
    rows = kwargs.pop("rows", [["A", "V", 100, "9917", "", None]])
    path = small_book(tmp_path / "t.xlsx", rows, **kwargs)
    with pytest.raises(UserError) as info:
        read_book(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_not_a_workbook(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just text")
    with pytest.raises(UserError, match="not an Excel workbook"):
        read_book(path)
    with pytest.raises(UserError, match="no such file"):
        read_book(tmp_path / "missing.xlsx")


def test_workbook_open_in_excel_is_refused(tmp_path):
    path = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    (tmp_path / "~$t.xlsx").write_bytes(b"lock")
    with pytest.raises(UserError, match="open in Excel"):
        read_book(path)


@pytest.mark.system
@pytest.mark.parametrize("year", [20190, 0, 43830, "tjugo"])
def test_a_mistyped_year_names_its_cell(tmp_path, year):
    path = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]], labels={"År": year})
    done = cli("validate", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Överenskommelse!B2" in done.stderr and "is not a year" in done.stderr


def test_year_written_as_a_decimal_number_is_read(tmp_path):
    assert read_book(small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                                labels={"År": 2019.0})).agreement.year == 2019


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


def test_merged_amount_in_a_table_is_reported(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", None, "9917", "", None]])
    xml = parts(source)[ACTIVITY_SHEET].decode().replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="C4:C5"/></mergeCells>')
    book = read_book(rezip(source, tmp_path / "m.xlsx", replace={ACTIVITY_SHEET: xml.encode()}))
    assert book.decided == 100
    assert [(f.code, str(f.location)) for f in book.problems] == [("sammanfogad-cell", "Aktiviteter!C5")]


def test_a_bidragsreskontra_row_left_empty_but_for_its_calculated_saldo_is_not_a_row(tmp_path):
    """Excel fills a table's calculated column (Utgående saldo) into a new row: a row with no year, no pot and
    no amounts is skipped, not an unreadable year that stops report and bokslut (issue 27 review)."""
    from tests.support.grantledger import SPEC_2019, spec_of
    spec = spec_of(SPEC_2019)
    blank = dict(year="", pot="", opening=0, received=0, costs=0, repaid=0)
    spec["grant_ledger"] = [dict(year=2019, pot="Stimulansmedel", opening=0, received=100, costs=0, repaid=0), blank,
                            dict(year=2019, pot="Specialistsjuksköterskor", opening=0, received=50, costs=0, repaid=0)]
    examples.build(tmp_path / "t.xlsx", spec)
    book = read_book(tmp_path / "t.xlsx")
    assert [(r.year, r.pot) for r in book.grant_ledger] == [(2019, "Stimulansmedel"), (2019, "Specialistsjuksköterskor")]
    assert not [p for p in book.problems if "Bidragsreskontra" in str(p.location)]
