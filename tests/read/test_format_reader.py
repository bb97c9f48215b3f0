from decimal import Decimal

import pytest

from conftest import EXAMPLE_2018, EXAMPLE_2019, examples, small_book
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.xlsx.file_source import read_book


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
