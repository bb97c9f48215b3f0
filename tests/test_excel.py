"""The xlwings layer without Excel: the worksheet functions called as Excel would call them, the
buttons' work driven through xlwings' own API on its JSON book engine, and the .xlsm as a file."""
import csv
import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, parts, sha256
from hypothesis import given, settings, strategies as st
from xl_statsbidrag import excel, tables
from xl_statsbidrag.jobs import report_file
from xl_statsbidrag.reading import read
from xl_statsbidrag.validation import validate
from xl_statsbidrag.xlsx.reader import read_book
from xl_statsbidrag.xlsx.vbaproject import compress, decompress

TODAY = dt.date(2026, 11, 22)
XLSM = WORKBOOKS / "beslutsunderlag_2019.xlsm"


# --- worksheet functions, with the values Excel passes (floats, 2-D lists, None for blanks) -----------

def test_sb_fordela_equals_the_cli():
    _, rows = tables.population("2018-12-31")
    weights = [[float(p)] for _, p in rows]
    column = excel.SB_FORDELA(2835000000.0, weights)
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "allocate", "2835000000", "--population",
                           "2018-12-31", "--format", "csv"], capture_output=True, text=True)
    cli = [int(r[2]) for r in list(csv.reader(io.StringIO(done.stdout)))[1:]]
    assert [c[0] for c in column] == cli
    assert column[[r for r, _ in rows].index("Jämtlands län")] == [36103335]


def test_sb_kvar_and_sb_kontroll_equal_validate_on_the_example():
    book = read_book(EXAMPLE_2019)
    amounts = [[float(a.amount)] for a in book.activities]
    assert excel.SB_KVAR(41197280.0, amounts) == 191
    names = [[a.name] for a in book.activities]
    pots = [[a.pot] for a in book.activities]
    table = excel.SB_KONTROLL(None, amounts, names, pots, [["Stimulansmedel"], ["Specialistsjuksköterskor"]],
                              [[36103335.0], [5093945.0]], [["Nej"], ["Ja"]])
    assert table[0] == ["Allvarlighet", "Kod", "Meddelande", "Belopp"]
    assert [(r[1], r[3]) for r in table[1:]] == [("ej-fordelat", 191)]
    cli = [f for f in validate(book, TODAY) if f.code == "ej-fordelat"]
    assert cli[0].message == table[1][2]


def test_errors_come_back_as_readable_cell_text():
    assert excel.SB_FORDELA(100.0, [[1.0], [0.0]])[0][0].startswith("#FEL: row 2")
    assert excel.SB_KVAR("hundra", [[1.0]]) == "#FEL: 'hundra' är inte ett belopp"
    assert excel.SB_KONTROLL(None, [[1.0]])[0][0].startswith("#FEL: ")


# --- the buttons' work through xlwings' API, against the headless report ------------------------------

def _headless_cells(path):
    wb = openpyxl.load_workbook(path)
    try:
        return {(c.row, c.column): c.value for row in wb["Bilaga 2"].iter_rows() for c in row if c.value is not None}
    finally:
        wb.close()


@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_xlwings_report_agrees_with_headless_report_cell_for_cell(example, tmp_path):
    book = remote_book.book_from_file(example)
    initial = [s.name for s in book.sheets]
    summary, _ = excel.create_report(book, TODAY)
    live = remote_book.replay(book, initial)["Bilaga 2"]
    out = tmp_path / example.name
    report_file(example, out, TODAY)
    headless = _headless_cells(out)
    assert len(headless) > 100
    assert set(live) == set(headless)
    for key, value in headless.items():
        got = live[key]
        if isinstance(value, (int, float)):
            assert Decimal(str(got)) == Decimal(str(value)), key
        else:
            assert got == value, key
    assert summary.unused == (191 if example == EXAMPLE_2019 else 2228598)


def test_running_the_button_twice_replaces_the_sheet():
    book = remote_book.book_from_file(EXAMPLE_2019)
    excel.create_report(book, TODAY)
    excel.create_report(book, TODAY)
    assert [s.name for s in book.sheets].count("Bilaga 2") == 1


def test_live_reading_gives_the_same_model_as_the_file():
    live = read(excel.LiveSource(remote_book.book_from_file(EXAMPLE_2019)))
    disk = read_book(EXAMPLE_2019)
    assert [(a.name, a.amount, a.objekt, a.pot, a.loc("amount")) for a in live.activities] == \
        [(a.name, a.amount, a.objekt, a.pot, a.loc("amount")) for a in disk.activities]
    assert live.agreement.total == disk.agreement.total and live.agreement.decided_total == Decimal(41197000)
    assert live.agreement.period == disk.agreement.period


def test_kontrollera_writes_the_findings_sheet():
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    findings = excel.check(book, TODAY)
    sheet = remote_book.replay(book, initial)["Kontroll"]
    header = next(r for (r, c), v in sheet.items() if c == 1 and v == "Allvarlighet")
    codes = [sheet[(r, 2)] for r in range(header + 1, header + 1 + len(findings))]
    assert codes == [f.code for f in findings]
    assert sheet[(header + 1, 4)].startswith('=HYPERLINK("#\'Överenskommelse\'!B')


def test_button_alerts_instead_of_failing(monkeypatch):
    book = remote_book.book_from_file(EXAMPLE_2019)
    shown = []
    monkeypatch.setattr(excel, "_alert", lambda b, text, title="": shown.append((title, text)))
    excel.skapa_bilaga2(book)
    excel.kontrollera(book)
    assert shown[0][0] == "Skapa Bilaga 2" and "191 kr" in shown[0][1] and "inget förslag" in shown[0][1]
    assert shown[1][0] == "Kontrollera" and "0 fel" in shown[1][1]
    broken = remote_book.book_from_file(EXAMPLE_2019)
    broken.sheets["Aktiviteter"].tables[0].api["name"] = "Tabell1"
    excel.skapa_bilaga2(broken)
    assert "kunde inte skapas" in shown[2][1] and "Aktiviteter" in shown[2][1]


# --- the .xlsm as a file ------------------------------------------------------------------------------

def test_xlsm_has_its_macros_buttons_and_settings():
    p = parts(XLSM)
    assert "xl/vbaProject.bin" in p
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in p["[Content_Types].xml"]
    vml = p["xl/drawings/vmlDrawing1.vml"].decode()
    assert "[0]!SkapaBilaga2" in vml and "[0]!Kontrollera" in vml
    assert "Skapa Bilaga 2" in vml
    parser = VBA_Parser("beslutsunderlag_2019.xlsm", data=XLSM.read_bytes())
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    code = modules["Statsbidrag.bas"]
    assert "Public Sub SkapaBilaga2()" in code and "Public Sub Kontrollera()" in code
    assert 'x.skapa_bilaga2()' in code and 'x.kontrollera()' in code and "xlwings.xlam!RunPython" in code
    assert code.replace("\r\n", "\n").strip() == (WORKBOOKS / "vba" / "Statsbidrag.bas").read_text(
        encoding="utf-8").replace("\r\n", "\n").strip()
    workbook = p["xl/workbook.xml"].decode()
    assert 'codeName="ThisWorkbook"' in workbook and "ThisWorkbook.cls" in modules
    for i in (1, 2, 3):
        assert f'codeName="Sheet{i}"' in p[f"xl/worksheets/sheet{i}.xml"].decode()
        assert f"Sheet{i}.cls" in modules
    conf = openpyxl.load_workbook(XLSM)["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "xl_statsbidrag.excel")
    assert read_book(XLSM).decided == Decimal(41197089)


def test_report_keeps_the_macros_and_buttons_of_the_shipped_xlsm(tmp_path):
    before = sha256(XLSM)
    out = tmp_path / "out.xlsm"
    report_file(XLSM, out, TODAY)
    a, b = parts(XLSM), parts(out)
    assert sha256(XLSM) == before
    assert {n for n in a if a[n] != b[n]} == {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                              "xl/styles.xml", "docProps/app.xml", "_rels/.rels"}
    for name in ("xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/sheet2.xml"):
        assert a[name] == b[name]


# --- the VBA project format -------------------------------------------------------------------------------

def test_vba_project_streams_are_what_office_expects():
    bin_ = parts(XLSM)["xl/vbaProject.bin"]
    ole = olefile.OleFileIO(bin_)
    assert sorted("/".join(e) for e in ole.listdir()) == [
        "PROJECT", "PROJECTwm", "VBA/Sheet1", "VBA/Sheet2", "VBA/Sheet3", "VBA/Statsbidrag", "VBA/ThisWorkbook",
        "VBA/_VBA_PROJECT", "VBA/dir"]
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Module=Statsbidrag" in project and "Document=ThisWorkbook/&H00000000" in project


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=20000) | st.text(alphabet="Sub End If åäö\r\n\"()=.", max_size=20000).map(
    lambda t: t.encode("cp1252")))
def test_compression_round_trips_and_agrees_with_oletools(data):
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


# --- xlwings Lite and licences ----------------------------------------------------------------------------

def test_lite_main_runs_the_same_core(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_main", WORKBOOKS.parent / "lite" / "main.py")
    lite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lite)
    assert lite.SB_KVAR(41197280.0, [[41197089.0]]) == 191
    book = remote_book.book_from_file(EXAMPLE_2019)
    lite.skapa_bilaga2(book)
    lite.kontrollera(book)
    assert {"Bilaga 2", "Kontroll"} <= {s.name for s in book.sheets}


def test_default_paths_need_no_pro_licence():
    code = ("import sys, os; os.environ.pop('XLWINGS_LICENSE_KEY', None); import xl_statsbidrag.excel as e; "
            "e.SB_FORDELA(100.0, [[1.0], [3.0]]); e.SB_KONTROLL(100.0, [[50.0]]); "
            "import xl_statsbidrag.cli; print('xlwings.pro' in sys.modules)")
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLWINGS_LICENSE_KEY"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
