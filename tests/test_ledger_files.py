"""Issue 22: ledger exports as they come from real systems, each class built here in tmp_path, with the
sums worked out independently: several files and years, Debet/Kredit/Saldo, stray separators and CRs,
several sheets, SQL and float amounts, SIE dimensions, encodings and types, database headers, and the
CLI's messages (no traceback, not even for a MemoryError)."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import EXAMPLE_2019, ROOT
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.ledger.read import read as _read, read_ledger
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Objekt, Pot
from xl_statsbidrag.ledger.sie import read_sie
from xl_statsbidrag.ledger.match import compute
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2020, 3, 1)


def cli(*args, check_traceback=True):
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)
    if check_traceback:
        assert "Traceback" not in done.stderr, done.stderr
    return done


def book(period=(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), activities=(("A", "100", "K1"), ("B", "100", "K2"))):
    ag = Agreement("Test", period[0].year, [Pot("P", Decimal(1000000))], [Objekt("100")], period_start=period[0],
                   period_end=period[1])
    acts = [Activity(row=5 + i, name=n, verksamhet="V", amount=Decimal(1000), objekt=o, code=c, sheet="Aktiviteter",
                     columns={"name": "A", "actual": "J", "code": "H", "objekt": "G"})
            for i, (n, o, c) in enumerate(activities)]
    return DecisionBook("test.xlsx", ag, acts)


def write(path: Path, lines: list[str], encoding="cp1252", newline="\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def ore_text(ore: int, decimal=",") -> str:
    return f"{'-' if ore < 0 else ''}{abs(ore) // 100}{decimal}{abs(ore) % 100:02d}"


# --- 1. several files: nothing dropped -------------------------------------------------------------------

def year_rows(year: int, n: int = 40):
    """A year's rows: voucher numbers 1..n restart each year, as in every Swedish system."""
    return [(f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", str(1 + i), "1", "4010" if i % 3 else "5010", "100",
             ("K1", "K2", "")[i % 3], 10_000 + 137 * i + (year - 2019)) for i in range(n)]


def year_csv(path: Path, rows) -> Path:
    lines = ["Datum;Ver.nr;Rad;Konto;Objekt;Aktivitet;Belopp"]
    lines += [";".join([d, v, r, k, o, c, ore_text(ore)]) for d, v, r, k, o, c, ore in rows]
    return write(path, lines)


def test_two_years_with_restarting_voucher_numbers_count_every_row(tmp_path):
    """The reported case: two years of one ledger lost half the money as "duplicates" on verifikation
    and rad.  Every row counts; nothing is named as given twice."""
    first, second = year_rows(2019), year_rows(2020)
    frames = [_read(year_csv(tmp_path / "hb2019.csv", first), None, {"100"}),
              _read(year_csv(tmp_path / "hb2020.csv", second), None, {"100"})]
    result = compute(book((dt.date(2019, 1, 1), dt.date(2020, 12, 31))), frames)
    expected = {c: sum(r[6] for r in first + second if r[5] == c) for c in ("K1", "K2")}
    assert result.actual[0] == Decimal(expected["K1"]) / 100 and result.actual[1] == Decimal(expected["K2"]) / 100
    assert result.reconciliation[0].total == sum(r[6] for r in first + second)
    assert not [f for f in result.findings if f.code == "utfall-dubblett"]
    assert len(result.read) == 2 and result.read[0].startswith("hb2019.csv: CSV, separator ';'")


def test_two_series_exported_apart_and_mixed_formats_all_count(tmp_path):
    """Series A as CSV, series B as SIE (the same voucher numbers, the same dates): all rows count."""
    rows = year_rows(2019, 12)
    csv = year_csv(tmp_path / "serie_a.csv", rows)
    sie = tmp_path / "serie_b.se"
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#DIM 20 "Objekt"', '#DIM 6 "Projekt"']
    for d, v, _, k, o, c, ore in rows:
        lines += [f'#VER B {v} {d.replace("-", "")} "Serie B"', "{",
                  f'#TRANS {k} {{20 "{o}" 6 "{c}"}} {ore_text(ore + 1, ".")}', f"#TRANS 2440 {{}} {ore_text(-ore - 1, '.')}",
                  "}"]
    write(sie, lines, "cp437")
    result = compute(book(), [_read(csv, None, {"100"}), _read(sie, None, {"100"})])
    assert result.reconciliation[0].total == sum(2 * r[6] + 1 for r in rows)
    assert not [f for f in result.findings if f.code == "utfall-dubblett"]


def test_the_same_export_twice_is_refused_naming_both_files(tmp_path):
    rows = year_rows(2019)
    a = year_csv(tmp_path / "huvudbok.csv", rows)
    b = tmp_path / "huvudbok (1).csv"
    b.write_bytes(a.read_bytes())
    done = cli("utfall", EXAMPLE_2019, a, b, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2, done.stdout
    assert done.stderr.strip() == f"xl-statsbidrag: error: {b}: huvudbok.csv and huvudbok (1).csv have the same " \
                                  "content: the same export given twice? Give it once"
    assert not (tmp_path / "o.xlsx").exists()
    done = cli("utfall", EXAMPLE_2019, a, tmp_path / "." / "huvudbok.csv", "-o", tmp_path / "o.xlsx")
    assert done.returncode == 2 and "the same export given twice" in done.stderr


def test_overlapping_exports_are_named_or_deduped_with_the_key_printed(tmp_path):
    """Jan-Jun exported, then Jan-Dec: without --dedupe both count and an error says so (exit 1); with
    --dedupe the later file's copies count once, and the key is printed."""
    from conftest import examples

    rows = examples.example_transactions()
    half = [r for r in rows if r["date"].month <= 6]
    first = examples.example_ledger(tmp_path / "jan-jun.csv", half)
    whole = examples.example_ledger(tmp_path / "jan-dec.csv", rows)
    done = cli("utfall", EXAMPLE_2019, first, whole, "-o", tmp_path / "o.xlsx")
    assert done.returncode == 1, done.stderr
    assert "error: utfall-dubblett: jan-dec.csv:" in done.stdout and "--dedupe" in done.stdout
    done = cli("utfall", EXAMPLE_2019, first, whole, "-o", tmp_path / "d.xlsx", "--dedupe")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "--dedupe: a row of a later file equal to an earlier file's on (date, verifikation, rad, konto, text, " \
           "ansvar, verksamhet, aktivitet, objekt, belopp) is counted once" in done.stdout
    assert "warning: utfall-dubblett" in done.stdout and "(nyckel: date, verifikation" in done.stdout
    single = utfall_file(EXAMPLE_2019, [whole], tmp_path / "s.xlsx", today=TODAY)[1]
    deduped = [a.actual for a in read_book(tmp_path / "d.xlsx").activities]
    assert deduped == [a.actual for a in read_book(tmp_path / "s.xlsx").activities]
    assert single.reconciliation[0].total > 0
    done = cli("utfall", EXAMPLE_2019, first, "-o", tmp_path / "x.xlsx", "--dedupe-key", "date,färg")
    assert done.returncode == 2 and "--dedupe-key: unknown field(s) färg" in done.stderr


# --- 2. amounts: never a running balance, never a silent choice ------------------------------------------

def test_debet_kredit_and_saldo_sum_the_movements_not_the_balance(tmp_path):
    path = write(tmp_path / "visma.csv", ["Konto;Objekt;Datum;Vernr;Text;Debet;Kredit;Saldo",
                                          "4010;100;2019-01-05;1;Inköp;1000,00;;1000,00",
                                          "4010;100;2019-01-06;2;Inköp;700,00;;1700,00",
                                          "4010;100;2019-01-07;3;Kreditnota;;200,00;1500,00"])
    frame = read_ledger(path)
    assert frame["ore"].sum() == 150000
    assert any("'Saldo': a running balance, not read" in n for n in frame.attrs["ledger"]["notes"])


def test_two_amount_columns_are_an_error_naming_both(tmp_path):
    path = write(tmp_path / "h.csv", ["Datum;Konto;Objekt;Belopp;Belopp SEK", "2019-01-01;4010;100;10;10"])
    with pytest.raises(UserError, match="2 columns can be the amount: 'Belopp' and 'Belopp SEK'; say which with "
                                        "--columns belopp=<header>"):
        read_ledger(path)
    assert read_ledger(path, "belopp=Belopp SEK")["ore"].tolist() == [1000]
    only_saldo = write(tmp_path / "s.csv", ["Datum;Konto;Objekt;Saldo", "2019-01-01;4010;100;10"])
    with pytest.raises(UserError, match="'Saldo' is a running balance, never an amount"):
        read_ledger(only_saldo)


def test_belopp_with_debet_and_kredit_must_agree(tmp_path):
    good = write(tmp_path / "g.csv", ["Datum;Konto;Objekt;Debet;Kredit;Belopp", "2019-01-01;4010;100;10;;10",
                                      "2019-01-02;4010;100;;4;-4"])
    assert read_ledger(good)["ore"].tolist() == [1000, -400]
    bad = write(tmp_path / "b.csv", ["Datum;Konto;Objekt;Debet;Kredit;Belopp", "2019-01-01;4010;100;10;;10",
                                     "2019-01-02;4010;100;;4;4"])
    with pytest.raises(UserError, match="row 3, 'Belopp' says 4 but 'Debet' - 'Kredit' says otherwise"):
        read_ledger(bad)


# --- 3. separators, CRs and line breaks ----------------------------------------------------------------

@pytest.mark.parametrize("objekt", [None, {"100"}])
def test_a_stray_separator_in_a_text_is_refused_naming_the_line(tmp_path, objekt):
    path = write(tmp_path / "h.csv", ["Datum;Konto;Text;Objekt;Belopp", "2019-01-01;4010;Kaffe och bröd;100;10",
                                      "2019-01-02;4010;Kaffe; bröd;100;20"])
    with pytest.raises(UserError, match=r"h.csv: line 3: 6 fields where the header \(line 1\) has 5: a separator "
                                        r"\(';'\) inside a text that is not in quotes\?"):
        _read(path, None, objekt)


def test_a_cr_inside_a_text_is_a_space_and_a_cr_only_file_is_read(tmp_path):
    lines = ["Datum;Konto;Text;Objekt;Belopp"] + [f"2019-01-01;4010;Rad {i}\rforts;100;{i},00" for i in range(3)]
    frame = read_ledger(write(tmp_path / "crlf.csv", lines))
    assert frame["text"].tolist() == ["Rad 0 forts", "Rad 1 forts", "Rad 2 forts"] and frame["ore"].sum() == 300
    assert frame["line"].tolist() == [2, 3, 4]
    big = ["Huvudbok", "Datum;Konto;Text;Objekt;Belopp"] + \
        [f"2019-{1 + i % 12:02d}-01;4010;Faktura {i} Östersund;{100 if i % 4 == 0 else 200 + i % 7};{i},50"
         for i in range(40000)]
    path = write(tmp_path / "mac.csv", big, newline="\r")
    assert path.stat().st_size > 1 << 20 and b"\n" not in path.read_bytes()
    cut = _read(path, None, {"100"})
    assert len(cut) == 10000 and cut["ore"].sum() == sum(i * 100 + 50 for i in range(0, 40000, 4))
    assert cut["line"].iloc[1] == 7 and cut.attrs["ledger"]["notes"][2] == "CR line ends (old Mac)"
    assert len(read_ledger(path)) == 40000


def test_a_cr_only_file_with_a_cr_inside_a_text_is_refused_naming_the_line(tmp_path):
    path = write(tmp_path / "mac.csv", ["Datum;Konto;Text;Objekt;Belopp", "2019-01-01;4010;a;100;1",
                                        "2019-01-02;4010;b\rc;100;2"], newline="\r")
    with pytest.raises(UserError, match="line 3: 3 field"):
        read_ledger(path)


def test_quoted_line_breaks_in_the_title_and_in_fields(tmp_path):
    lines = ['"Huvudbok 2019', 'Region Jämtland Härjedalen";;;;', "", "Datum;Konto;Text;Objekt;Belopp",
             '2019-01-01;4010;"Faktura; två', 'rader";100;"1 234,50"', "2019-01-02;4010;Lön;100;10,00"]
    path = write(tmp_path / "q.csv", lines)
    for frame in (read_ledger(path), _read(path, None, {"100"})):
        assert frame["ore"].tolist() == [123450, 1000]
        assert frame["text"].tolist() == ["Faktura; två\r\nrader", "Lön"]
        assert frame["line"].tolist() == [5, 7]
    unended = write(tmp_path / "u.csv", lines[3:4] + ['2019-01-01;4010;"Lön;100;10,00', "2019-01-02;4010;b;100;2"])
    with pytest.raises(UserError, match=r"u.csv: line 2: 3 field\(s\) where the header \(line 1\) has 5: a quote "
                                        r'\(\"\) that does not end'):
        read_ledger(unended)


def test_trailing_separators_and_quoted_separators_are_fine_a_short_row_is_not(tmp_path):
    path = write(tmp_path / "t.csv", ["Datum,Konto,Text,Objekt,Belopp,", '2019-01-01,4010,"Hyra, maj",100,"2500,00",',
                                      "2019-01-02,4010,Lön,100,12.5,,,"], "utf-8")
    assert read_ledger(path)["ore"].tolist() == [250000, 1250]
    short = write(tmp_path / "s.csv", ["Datum;Konto;Text;Objekt;Belopp", "2019-01-01;4010;Lön;100"])
    with pytest.raises(UserError, match="line 2: 4 field"):
        read_ledger(short)


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


# --- 5. amounts with more decimals ------------------------------------------------------------------------

@pytest.mark.parametrize("text, ore", [("-3550.0000", -355000), ("1234.5600000000002", 123456),
                                       ("1234,5599999999", 123456), ("0.0100000", 1), ("-0,50", -50),
                                       ("1 234 567,8900", 123456789), ("(1 234,50)", -123450)])
def test_sql_scales_and_float_noise_are_whole_ore(tmp_path, text, ore):
    path = write(tmp_path / "h.csv", ["Datum;Konto;Objekt;Belopp", f"2019-01-01;4010;100;{text}"])
    assert read_ledger(path)["ore"].tolist() == [ore]


@pytest.mark.parametrize("text", ["12,3456", "0.005", "1234.56001", "-3550.0050"])
def test_a_real_fraction_of_an_ore_is_refused_naming_the_cell(tmp_path, text):
    path = write(tmp_path / "h.csv", ["Datum;Konto;Objekt;Belopp", f"2019-01-01;4010;100;{text}"])
    with pytest.raises(UserError, match=f"row 2, column Belopp: '{text}' is not"):
        read_ledger(path)


# --- 6.-8. SIE ----------------------------------------------------------------------------------------------

RAINDANCE_DIMS = ['#DIM 1 "Ansvar"', '#DIM 2 "Verksamhet"', '#DIM 3 "Aktivitet"', '#DIM 6 "Projekt"',
                  '#DIM 20 "Objekt"']


def sie_file(path: Path, body: list[str], head=("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"), dims=RAINDANCE_DIMS,
             encoding="cp437") -> Path:
    return write(path, list(head) + list(dims) + body, encoding)


RAINDANCE_BODY = ['#VER A 1 20190301 "Inköp"', "{",
                  '#TRANS 4010 {1 "410" 2 "HoS" 3 "K1" 6 "P77" 20 "100"} 100.00',
                  '#TRANS 5010 {1 "410" 2 "HoS" 3 "K2" 6 "P78" 20 "100"} 250.50',
                  '#TRANS 2440 {} -350.50', "}"]


def test_sie_dimensions_by_name_number_and_the_raindance_coding(tmp_path):
    path = sie_file(tmp_path / "rd.se", RAINDANCE_BODY)
    frame = read_sie(path)
    assert frame["aktivitet"].tolist() == ["K1", "K2", ""]  # Aktivitet before Projekt
    assert frame["ansvar"].tolist() == ["410", "410", ""] and frame["verksamhet"].tolist() == ["HoS", "HoS", ""]
    notes = frame.attrs["ledger"]["notes"]
    assert "aktivitet = dimension 3 'Aktivitet'" in notes[2]
    assert notes[3] == "aktivitet from dimension 3 'Aktivitet', not 6 'Projekt' (choose with --columns aktivitet=<number>)"
    for choice in ("6", "Projekt", "projekt"):
        assert read_sie(path, {"aktivitet": choice})["aktivitet"].tolist() == ["P77", "P78", ""]
    assert read_sie(path, {"objekt": "3", "aktivitet": "20"})["objekt"].tolist() == ["K1", "K2", ""]
    with pytest.raises(UserError) as exc:
        read_sie(path, {"aktivitet": "Kostnadsbärare"})
    assert "--columns aktivitet=Kostnadsbärare: no dimension 'Kostnadsbärare' in the file (dimensions: 1 'Ansvar', " \
           "2 'Verksamhet', 3 'Aktivitet', 6 'Projekt', 20 'Objekt')" in str(exc.value)
    assert compute(book(), [_read(path, {"aktivitet": "Projekt"}, {"100"})]).actual == [Decimal(0), Decimal(0)]
    assert compute(book(), [_read(path, None, {"100"})]).actual == [Decimal(100), Decimal("250.50")]


def test_an_undeclared_dimension_is_listed_with_numbers_and_names(tmp_path):
    path = sie_file(tmp_path / "u.se", ['#VER A 1 20190301 ""', "{", '#TRANS 4010 {1 "410" 30 "9902"} 1', "}"],
                    dims=['#DIM 1 "Kostnadsställe"'])
    with pytest.raises(UserError, match=r"no dimension named Objekt among the #DIM declarations \(dimensions: 1 "
                                        r"'Kostnadsställe', 30 \(used, not declared\)\)"):
        read_sie(path)
    assert read_sie(path, {"objekt": "30"})["objekt"].tolist() == ["9902"]


@pytest.mark.parametrize("encoding, head, expect", [
    ("utf-8", ("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"), "UTF-8 (the file says #FORMAT PC8, but its bytes are UTF-8)"),
    ("utf-8", ("#FLAGGA 0", "#SIETYP 4"), "UTF-8"),
    ("cp1252", ("#FLAGGA 0", "#SIETYP 4"), "Windows-1252 (Latin-1)"),
    ("cp1252", ("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"),
     "Windows-1252 (Latin-1) (the file says #FORMAT PC8, but its letters are Latin-1)"),
    ("cp437", ("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"), "CP437 (#FORMAT PC8)"),
    ("cp437", ("#FLAGGA 0", "#SIETYP 4"), "CP437 (PC8, by its letters)"),
])
def test_sie_encodings_are_detected_and_said(tmp_path, encoding, head, expect):
    body = ['#VER A 1 20190301 "Försäljning Åre"', "{", '#TRANS 3010 {20 "SÄLJ" 6 "Östra"} -100.00 "" "Sälj"',
            '#TRANS 1930 {} 100.00', "}"]
    frame = read_sie(sie_file(tmp_path / "e.se", body, head, ['#DIM 20 "Objekt"', '#DIM 6 "Projekt"'], encoding))
    assert frame["objekt"].tolist() == ["SÄLJ", ""] and frame["aktivitet"][0] == "Östra"
    assert frame["text"].tolist() == ["Sälj", "Försäljning Åre"]
    assert frame.attrs["ledger"]["notes"][1] == f"encoding {expect}"


def test_a_sie_file_saved_as_utf16_is_read(tmp_path):
    body = ['#VER A 1 20190301 "Försäljning"', "{", '#TRANS 3010 {20 "SÄLJ"} -100.00', '#TRANS 1930 {} 100.00', "}"]
    path = tmp_path / "u.se"
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(["#FLAGGA 0", "#SIETYP 4", '#DIM 20 "Objekt"'] + body) + "\r\n")
                     .encode("utf-16-le"))
    frame = read_ledger(path)
    assert frame["objekt"].tolist() == ["SÄLJ", ""] and frame["ore"].tolist() == [-10000, 10000]


@pytest.mark.parametrize("sietyp", ["1", "2", "3"])
def test_sie_1_to_3_are_refused(tmp_path, sietyp):
    path = sie_file(tmp_path / "b.se", ['#KONTO 1930 "Bank"', "#IB 0 1930 1000.00", "#UB 0 1930 1200.00",
                                         "#RES 0 3010 -500.00"], ("#FLAGGA 0", "#FORMAT PC8", f"#SIETYP {sietyp}"))
    with pytest.raises(UserError, match=rf"this file has no vouchers \(#SIETYP {sietyp}\)"):
        read_sie(path)
    done = cli("utfall", EXAMPLE_2019, path, "-o", path.with_suffix(".xlsx"))
    assert done.returncode == 2 and f"no vouchers (#SIETYP {sietyp})" in done.stderr


def test_a_broken_quote_in_a_text_is_read_with_a_warning(tmp_path):
    body = ['#VER A 1 20190301 "Inköp', "{", '#TRANS 4010 {20 "100" 6 "K1"} 100.00 20190301 "Faktura utan slut',
            '#TRANS 4010 {20 "100" 6 "K2"} 5.5 "" "Hyra" 1.0 "Anna"', '#TRANS 2440 {} -105.50', "}"]
    path = sie_file(tmp_path / "q.se", body, dims=['#DIM 20 "Objekt"', '#DIM 6 "Projekt"'])
    frame = read_sie(path)
    assert frame["ore"].tolist() == [10000, 550, -10550]
    assert frame["text"].tolist() == ["Faktura utan slut", "Hyra", "Inköp"]
    (warning,) = frame.attrs["ledger"]["warnings"]
    assert warning.startswith("2 rad(er) med en text utan avslutande citattecken lästes ändå (rad 6, 8)")
    result = compute(book(), [_read(path, None, {"100"})])
    assert [f.code for f in result.findings if f.severity == "warning"][0] == "utfall-fil-varning"
    broken_objects = sie_file(tmp_path / "o.se", ['#VER A 1 20190301 ""', "{", '#TRANS 4010 {20 "100} 1.00', "}"],
                              dims=['#DIM 20 "Objekt"'])
    with pytest.raises(UserError, match=r"o.se:7: unexpected"):
        read_sie(broken_objects)


def test_sie_irregular_lines_read_the_same_as_the_common_form(tmp_path):
    """The vectorised common form and the line-by-line reading give the same rows: tabs, quoted series
    and numbers, escapes, #RTRANS/#BTRANS, blank lines, one-decimal and -0.xx amounts, no date or text."""
    common = ['#VER A 1 20190301 "Ett"', "{", '#TRANS 4010 {20 "100" 6 "K1"} 1.5 20190302 "a"',
              '#TRANS 4010 {20 "100"} -0.50', '#TRANS 2440 {} -1.00', "}"]
    odd = ['\t#VER "A" "1" 20190301 "Ett"', "  {", '#RTRANS 4010 {20 "100"} 9.00', "",
           '\t#TRANS 4010 {20 "100" 6 "K1"} 1.5 20190302 "a"', '#TRANS 4010 {"20" "100"} -0.50 ""',
           '#BTRANS 4010 {} 1.00', '#TRANS 2440 {} -1.00 "" "" 2', "}  "]
    a = read_sie(sie_file(tmp_path / "a.se", common * 3, dims=['#DIM 20 "Objekt"', '#DIM 6 "Projekt"']))
    b = read_sie(sie_file(tmp_path / "b.se", odd + common + odd, dims=['#DIM 20 "Objekt"', '#DIM 6 "Projekt"']))
    columns = ["date", "verifikation", "rad", "konto", "text", "aktivitet", "objekt", "ore"]
    pd.testing.assert_frame_equal(a[columns], b[columns])
    assert a["ore"].tolist() == [150, -50, -100] * 3
    assert b["line"].tolist()[:3] == [10, 11, 13]


# --- 7. CSV encodings -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, bom, separator, expect", [
    ("utf-16-le", b"\xff\xfe", "\t", "UTF-16"), ("utf-16-be", b"\xfe\xff", "\t", "UTF-16"),
    ("utf-8", b"\xef\xbb\xbf", ";", "UTF-8 (BOM)"), ("utf-8", b"", ",", "UTF-8"),
    ("cp1252", b"", ";", "Windows-1252 (Latin-1)"), ("cp437", b"", "|", "CP437 (PC8, by its letters)"),
])
def test_csv_encodings_and_separators(tmp_path, encoding, bom, separator, expect):
    lines = [separator.join(["Datum", "Konto", "Text", "Objekt", "Belopp"]),
             separator.join(["2019-01-01", "4010", "Hyra Östersund", "SÄLJ", "10"])]
    path = tmp_path / "h.txt"
    path.write_bytes(bom + ("\r\n".join(lines) + "\r\n").encode(encoding))
    frame = read_ledger(path)
    assert frame["text"].tolist() == ["Hyra Östersund"] and frame["objekt"].tolist() == ["SÄLJ"]
    assert f"encoding {expect}" in frame.attrs["ledger"]["notes"]


# --- 9. database extracts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    ["VOUCHER_DATE", "VOUCHER_NO", "KONTO_ID", "ANSVAR_KOD", "VERKSAMHET_KOD", "AKTIVITET_KOD", "OBJEKT_ID", "BELOPP"],
    ["voucher_date", "voucher_no", "account", "ansvar_kod", "vht", "aktivitet_id", "objekt_nr", "amount"],
    ["VoucherDate", "VoucherNo", "KontoId", "AnsvarKod", "Verksamhet", "AktivitetKod", "ObjektId", "Amount"],
])
def test_database_extract_headers_are_recognised(tmp_path, headers):
    path = write(tmp_path / "sql.csv", [";".join(headers), "2019-02-01 00:00:00.000;123;4010;410;HoS;K1;100;-3550.0000"])
    frame = read_ledger(path)
    assert frame[["konto", "ansvar", "verksamhet", "aktivitet", "objekt"]].values.tolist() == \
        [["4010", "410", "HoS", "K1", "100"]]
    assert frame["ore"].tolist() == [-355000] and frame["date"].dt.date.tolist() == [dt.date(2019, 2, 1)]


def test_agresso_dims_by_columns_and_serie_with_number(tmp_path):
    """Unit4 Agresso: dim_1..dim_7 are the client's own; cur_amount is the currency amount, not ours."""
    path = write(tmp_path / "agr.csv", ["client;account;dim_1;dim_2;dim_3;dim_4;voucher_type;voucher_no;voucher_date;"
                                        "amount;cur_amount;description",
                                        "10;4010;410;HoS;K1;100;IP;5;20190205;1250.0000;0;Faktura"])
    frame = read_ledger(path, "ansvar=dim_1,verksamhet=dim_2,aktivitet=dim_3,objekt=dim_4")
    assert frame[["ansvar", "aktivitet", "objekt", "text"]].values.tolist() == [["410", "K1", "100", "Faktura"]]
    assert frame["ore"].tolist() == [125000]
    fortnox = write(tmp_path / "fx.csv", ["Konto;Benämning;Serie;Vernr;Datum;Text;Kst;Projekt;Debet;Kredit;Saldo",
                                          "5010;Lokalhyra;A;17;2019-03-01;Hyra;100;K2;9000,00;;9000,00"])
    frame = read_ledger(fortnox, "objekt=Kst")
    assert frame[["verifikation", "objekt", "aktivitet"]].values.tolist() == [["A 17", "100", "K2"]]


# --- 11. resources -----------------------------------------------------------------------------------------------

def test_a_memory_error_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    from xl_statsbidrag import cli as cli_module
    from xl_statsbidrag.app import utfall as jobs

    def exhausted(*args, **kwargs):
        raise MemoryError()
    monkeypatch.setattr(jobs, "utfall_file", exhausted)
    code = cli_module.main(["utfall", str(EXAMPLE_2019), str(tmp_path / "h.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("xl-statsbidrag: error: out of memory in 'utfall'") and "Traceback" not in err
    import errno

    def no_handles(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")
    monkeypatch.setattr(jobs, "utfall_file", no_handles)
    assert cli_module.main(["utfall", str(EXAMPLE_2019), str(tmp_path / "h.csv")]) == 2
    assert "ran out of a system resource: Too many open files" in capsys.readouterr().err


def test_a_memory_limit_in_a_real_process_ends_with_the_message(tmp_path):
    """The real thing: utfall under a 300 MB address-space limit on a large ledger."""
    rows = ["Datum;Konto;Text;Objekt;Belopp"] + [f"2019-01-01;4010;{'x' * 200};9902;1" for _ in range(400000)]
    ledger = write(tmp_path / "big.csv", rows)
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20)); "
            "from xl_statsbidrag.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "utfall", str(EXAMPLE_2019), str(ledger), "-o",
                           str(tmp_path / "o.xlsx")], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in done.stderr
    if done.returncode != 0:  # the limit was hit (where it is depends on the machine): said plainly
        assert done.returncode == 2 and "out of memory" in done.stderr, done.stderr
        assert not (tmp_path / "o.xlsx").exists()


# --- the README's examples, one per system ----------------------------------------------------------------------

@pytest.mark.parametrize("header, row, columns, expect", [
    ("BOKF_DATUM;VERIFIKAT;KONTO_ID;ANSVAR_KOD;VERKSAMHET_KOD;AKTIVITET_KOD;PROJEKT_KOD;OBJEKT_KOD;BELOPP",
     "2019-05-02;4711;4010;410;HoS;K1;P9;100;-3550.0000", None, ("4711", "410", "HoS", "K1", "100", -355000)),
    ("BOKF_DATUM;VERIFIKAT;KONTO_ID;ANSVAR_KOD;VERKSAMHET_KOD;AKTIVITET_KOD;PROJEKT_KOD;OBJEKT_KOD;BELOPP",
     "2019-05-02;4711;4010;410;HoS;K1;P9;100;-3550.0000", "aktivitet=PROJEKT_KOD", ("4711", "410", "HoS", "P9", "100",
                                                                                   -355000)),
    ("client;account;dim_1;dim_2;dim_3;dim_4;voucher_no;voucher_date;amount;cur_amount;description",
     "10;4010;410;HoS;K1;100;55;2019-05-02;1250.5000;0;Faktura",
     "ansvar=dim_1,verksamhet=dim_2,aktivitet=dim_3,objekt=dim_4", ("55", "410", "HoS", "K1", "100", 125050)),
    ("Konto;Kontonamn;Datum;Vernr;Text;Resultatenhet;Projekt;Debet;Kredit;Saldo",
     "4010;Material;2019-05-02;12;Inköp;100;K1;;250,00;-250,00", "objekt=Resultatenhet", ("12", "", "", "K1", "100",
                                                                                         -25000)),
    ("Konto;Benämning;Serie;Vernr;Datum;Text;Kst;Projekt;Debet;Kredit;Saldo",
     "4010;Material;A;17;2019-05-02;Inköp;100;K1;99,50;;99,50", "objekt=Kst", ("A 17", "", "", "K1", "100", 9950)),
])
def test_the_readmes_header_examples(tmp_path, header, row, columns, expect):
    frame = read_ledger(write(tmp_path / "h.csv", [header, row]), columns)
    assert tuple(frame[["verifikation", "ansvar", "verksamhet", "aktivitet", "objekt"]].iloc[0]) + \
        (int(frame["ore"].iloc[0]),) == expect
    assert frame["date"].dt.date.tolist() == [dt.date(2019, 5, 2)]


def test_utf16_without_bom_and_the_common_amounts_agree_with_the_careful_parser(tmp_path):
    import random

    from xl_statsbidrag.ledger.frame import AmountError, _common_ore, parse_ore

    path = tmp_path / "u.txt"
    path.write_bytes("Datum\tKonto\tObjekt\tBelopp\r\n2019-01-01\t4010\tÖ1\t5,5\r\n".encode("utf-16-le"))
    assert read_ledger(path)[["objekt", "ore"]].values.tolist() == [["Ö1", 550]]
    rng = random.Random(22)
    alphabet = "0123456789-,. "
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(20000)]
    texts += [f"{rng.choice(['', '-'])}{rng.randint(0, 10 ** rng.randint(0, 17))}{rng.choice(['', ',5', '.25'])}"
              for _ in range(20000)]
    import numpy as np

    ore, done = _common_ore(np.array(texts, dtype=object))
    for text, value, fast in zip(texts, ore.tolist(), done.tolist()):
        if fast:
            assert value == parse_ore(text), text
        else:
            try:
                parse_ore(text)
            except AmountError:
                pass
