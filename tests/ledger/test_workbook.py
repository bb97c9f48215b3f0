"""Tests of xl_statsbidrag.ledger.workbook."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.ledgers import book

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.match import compute
from xl_statsbidrag.ledger.read import read_ledger, read as _read


def test_excel_export_with_debet_and_kredit(tmp_path):
    import xlsxwriter

    path = tmp_path / "h.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Rapport")
    ws.write("A1", "Huvudbok")
    ws.write_row("A3", ["Bokf. datum", "Verifikation", "Rad", "Konto", "Objekt", "Debet", "Kredit"])
    ws.write_datetime("A4", dt.datetime(2019, 6, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_row("B4", ["V1", 1, 4010, 9902, 0.1, None])
    ws.write_string("A5", "2019-06-02")
    ws.write_row("B5", ["V1", 2, "4010", "9902", None, 1234567.89])
    wb.close()
    frame = read_ledger(path)
    assert frame["ore"].tolist() == [10, -123456789]
    assert frame["konto"].tolist() == ["4010", "4010"] and frame["objekt"].tolist() == ["9902", "9902"]
    assert frame["line"].tolist() == [4, 5] and frame["rad"].tolist() == ["1", "2"]


# --- 4. Excel: every sheet that is a ledger ----------------------------------------------------------------

def excel_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_every_ledger_sheet_is_read_and_a_cover_sheet_does_not_block(tmp_path):
    header = ["Bokföringsdatum", "Verifikation", "Konto", "Objekt", "Projekt", "Belopp"]
    path = excel_book(tmp_path / "hb.xlsx", {
        "Försättsblad": [["Huvudbok"], ["Datum", "2020-01-15"], ["Konto", "4000-7999"], ["Objekt", "100"],
                         ["Datum", "Konto", "Objekt"]],
        "Jan-Jun": [["Huvudbok jan-jun"], header, [dt.datetime(2019, 3, 1), "V1", 4010, 100, "K1", 1234.5600000000002],
                    [dt.datetime(2019, 6, 30), "V2", 4010, 100, "K2", -3550.0]],
        "Jul-Dec": [header, [dt.datetime(2019, 7, 1), "V1", 5010, 100, "K1", 0.1],
                    [None] * 6, [dt.datetime(2019, 12, 31), "V9", 7010, 100, "", 100]],
        "Diagram": [["Summa", 123]],
    })
    frame = read_ledger(path)
    assert frame["ore"].tolist() == [123456, -355000, 10, 10000]
    assert frame["file"].tolist() == [f"{path}[Jan-Jun]"] * 2 + [f"{path}[Jul-Dec]"] * 2
    assert frame["line"].tolist() == [3, 4, 2, 4]
    notes = frame.attrs["ledger"]["notes"]
    assert notes[0] == "Excel, sheets 'Jan-Jun' (header row 2, 2 rows), 'Jul-Dec' (header row 1, 2 rows)"
    assert notes[1].startswith("not read: 'Försättsblad' (no header row") and "'Diagram'" in notes[1]
    result = compute(book(), [_read(path, None, {"100"})])
    assert result.actual == [Decimal("1234.66"), Decimal("-3550")]


def test_a_workbook_without_a_ledger_sheet_and_copied_sheets_are_refused(tmp_path):
    cover = excel_book(tmp_path / "c.xlsx", {"Försättsblad": [["Datum", "Konto", "Objekt"], ["2019-01-01", 4010, 100]],
                                             "Tomt": []})
    with pytest.raises(UserError, match="sheet 'Försättsblad': no belopp column recognised"):
        read_ledger(cover)
    rows = [["Datum", "Konto", "Objekt", "Belopp"], ["2019-01-01", 4010, 100, 5]]
    twice = excel_book(tmp_path / "t.xlsx", {"Blad1": rows, "Blad1 (2)": rows})
    with pytest.raises(UserError, match="sheets 'Blad1' and 'Blad1 \\(2\\)' hold the same rows"):
        read_ledger(twice)


def test_an_excel_fraction_of_an_ore_names_the_sheet_and_cell(tmp_path):
    path = excel_book(tmp_path / "f.xlsx", {"Ledger": [["Datum", "Konto", "Objekt", "Belopp"],
                                                       ["2019-01-01", 4010, 100, 10.5], ["2019-01-02", 4010, 100, 0.125]]})
    with pytest.raises(UserError) as exc:
        read_ledger(path)
    assert str(exc.value) == f"{path}: Ledger!D3: column Belopp: '0.125' is not an amount: a thousands separator, " \
                             "or three decimals? Write 1234,50 or 1234.5"
    path = excel_book(tmp_path / "g.xlsx", {"Ledger": [["Datum", "Konto", "Objekt", "Belopp"],
                                                       ["2019-01-02", 4010, 100, 0.1234]]})
    with pytest.raises(UserError, match=r"Ledger!D2: column Belopp: '0.1234' is not whole öre"):
        read_ledger(path)
