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
from xl_statsbidrag import excel
from xl_statsbidrag.read import reference_data as tables
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book
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


ERRORS = [
    (lambda: excel.SB_FORDELA(100.0, [[1.0], [0.0]]), "rad 2: vikten måste vara större än noll"),
    (lambda: excel.SB_FORDELA(100.0, [[1.0], ["många"]]), "rad 2: vikten 'många' är inte ett tal"),
    (lambda: excel.SB_FORDELA(-100.0, [[1.0]]), "totalbeloppet får inte vara negativt (-100 kr)"),
    (lambda: excel.SB_FORDELA(100.5, [[1.0]]), "totalbeloppet 100,50 kr är inte ett helt antal kronor"),
    (lambda: excel.SB_FORDELA(None, [[1.0]]), "totalbeloppet saknas"),
    (lambda: excel.SB_FORDELA(100.0, [[1.0]], "störst"), "okänd regel 'störst'"),
    (lambda: excel.SB_FORDELA(100.0, [[None]]), "inga vikter"),
    (lambda: excel.SB_KVAR("hundra", [[1.0]]), "'hundra' är inte ett belopp"),
    (lambda: excel.SB_KVAR(-1.0, [[1.0]]), "potten får inte vara negativ"),
    (lambda: excel.SB_KVAR(100.0, [[1.0], ["tio kronor"]]), "rad 2: 'tio kronor' är inte ett belopp"),
    (lambda: excel.SB_KONTROLL(None, [[1.0]]), "tillgängligt belopp saknas"),
    (lambda: excel.SB_KONTROLL(-5.0, [[1.0]]), "tillgängligt belopp får inte vara negativt"),
    (lambda: excel.SB_KONTROLL(None, [[1.0]], [["a"]], [["P"]], [["P"]], [[-3.0]]), "pottbeloppet på rad 1 får inte"),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_function_errors_are_an_error_value_and_a_swedish_message(call, message):
    """A wrong input gives #VALUE! with the Swedish message in the next cell; the function does not raise
    (classic xlwings would write the exception's text into the cell, which formulas take for text)."""
    result = call()
    assert result == [[excel.excel_error_value(), result[0][1]]]
    assert result[0][1].startswith(message)
    assert not any(word in result[0][1] for word in ("row", "weight", "total ", "not a", "must"))


def _classic(function, *args):
    """The call as classic xlwings makes it on Windows (tests/classic_udf.py: xlwings' own udfs and
    com_server, pywin32 stubbed), in a process of its own."""
    import json

    code = [sys.executable, str(WORKBOOKS.parent / "tests" / "classic_udf.py"), function, json.dumps(list(args))]
    done = subprocess.run(code, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_classic_xlwings_hands_excel_an_error_value_not_text():
    """Through xlwings' own wrapper code: the VBA that Import Functions writes assigns CallUDF's result to
    the cell and writes Err.Description there only when Python raises (xlwings issues 776, 1108); our
    function returns, and CallUDF hands COM pywin32's VARIANT(VT_ERROR, 0x800A07DF), which is VBA's
    CVErr(xlErrValue): #VALUE! (#VÄRDEFEL!) in the cell, then the message.  A valid call is unchanged."""
    bad = _classic("SB_FORDELA", -600.0, [[1.0], [2.0], [3.0]])
    vba = bad["vba"]
    wrapper = vba[vba.index("Function SB_FORDELA("):vba.index("End Function", vba.index("Function SB_FORDELA("))]
    assert 'SB_FORDELA = XLPy.CallUDF("xl_statsbidrag.excel", "SB_FORDELA", Array(total, vikter, regel)' in wrapper
    assert "failed:\n    SB_FORDELA = Err.Description" in wrapper  # what raising would have put in the cell
    assert bad["result"] == [{"VARIANT": 10, "value": -2146826273}, "totalbeloppet får inte vara negativt (-600 kr)"]
    assert 0x800A0000 | 2015 == -2146826273 & 0xFFFFFFFF  # FACILITY_CONTROL | xlErrValue (2015)
    assert _classic("SB_FORDELA", 600.0, [[1.0], [2.0], [3.0]])["result"] == [[100], [200], [300]]
    assert _classic("SB_KVAR", 1000.0, [[1.0], [2.0]])["result"] == 997
    kvar = _classic("SB_KVAR", "hundra", [[1.0]])["result"]
    assert kvar[0] == {"VARIANT": 10, "value": -2146826273} and "'hundra' är inte ett belopp" in kvar[1]


def test_results_are_two_dimensional_with_one_row_per_input_row():
    """A 2-D list spills in Excel 365; in Excel 2016/2019 a legacy array formula (Ctrl+Shift+Enter) over
    as many rows as the weights gets one value per cell: blank weights give blank rows, never a
    shorter result that would leave #N/A at the end."""
    column = excel.SB_FORDELA(100.0, [[1.0], [None], [3.0], [""]])
    assert column == [[25], [""], [75], [""]]
    assert excel.SB_FORDELA(100.0, [[1.0, None, 3.0]]) == [[25, "", 75]]  # a row of weights gives a row
    table = excel.SB_KONTROLL(100.0, [[50.0], [60.0]])
    assert all(len(row) == 4 for row in table) and table[0][0] == "Allvarlighet"


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
    summary, _, _ = excel.create_report(book, TODAY)
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


def test_the_utfall_sheet_through_xlwings_is_the_headless_one_cell_for_cell(tmp_path):
    """The sheet Utfall's transactions are a row block in the layout (issue 22 item 10); through xlwings
    (which writes values, not the package's text) they are the same cells as in the file ``utfall`` writes."""
    from xl_statsbidrag.app.utfall import utfall_file

    ledger = WORKBOOKS / "huvudbok_2019.csv"
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    excel.fetch_utfall(book, [str(ledger)], today=TODAY)
    live = remote_book.replay(book, initial)["Utfall"]
    out, result = utfall_file(EXAMPLE_2019, [ledger], tmp_path / "u.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(out)
    try:
        headless = {(c.row, c.column): c.value for row in wb["Utfall"].iter_rows() for c in row if c.value is not None}
    finally:
        wb.close()
    assert len(result.transactions) > 20 and len(headless) > 12 * len(result.transactions)
    assert set(live) == set(headless)
    for key, value in headless.items():
        got = live[key]
        if isinstance(value, (int, float)):
            assert Decimal(str(got)) == Decimal(str(value)), key
        else:
            assert got == value, key


def test_running_the_button_twice_replaces_the_sheet():
    book = remote_book.book_from_file(EXAMPLE_2019)
    excel.create_report(book, TODAY)
    excel.create_report(book, TODAY)
    assert [s.name for s in book.sheets].count("Bilaga 2") == 1


def test_live_reading_gives_the_same_model_as_the_file():
    live = excel.read_live(remote_book.book_from_file(EXAMPLE_2019)).book
    disk = read_book(EXAMPLE_2019)
    assert [(a.name, a.amount, a.objekt, a.pot, a.loc("amount")) for a in live.activities] == \
        [(a.name, a.amount, a.objekt, a.pot, a.loc("amount")) for a in disk.activities]
    assert live.agreement.total == disk.agreement.total and live.agreement.decided_total == Decimal(41197000)
    assert live.agreement.period == disk.agreement.period


def test_kontrollera_writes_the_findings_sheet():
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    findings, _ = excel.check(book, TODAY)
    sheet = remote_book.replay(book, initial)["Kontroll"]
    header = next(r for (r, c), v in sheet.items() if c == 1 and v == "Allvarlighet")
    codes = [sheet[(r, 2)] for r in range(header + 1, header + 1 + len(findings))]
    assert codes == [f.code for f in findings]
    assert sheet[(header + 1, 4)].startswith('=HYPERLINK("#\'Överenskommelse\'!B')


def test_button_alerts_instead_of_failing(monkeypatch):
    book = remote_book.book_from_file(EXAMPLE_2019)
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append((title, text)))
    excel.skapa_bilaga2(book)
    excel.kontrollera(book)
    assert shown[0][0] == "Skapa Bilaga 2" and "191 kr" in shown[0][1] and "inget förslag" in shown[0][1]
    assert shown[1][0] == "Kontrollera" and "0 fel" in shown[1][1]
    # xlwings' JSON engine outside Lite cannot say which cells are merged or which rows hidden: said, not skipped
    assert f"kunde inte svara på: {excel.source.MERGED}, {excel.source.HIDDEN}" in shown[0][1]
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
    for name in ("xl/drawings/vmlDrawing1.vml", "xl/worksheets/sheet2.xml", "xl/vbaProject.bin"):
        assert a[name] == b[name]  # the VBA project is copied; the new sheets only get code names
    macros = lambda path: {n: c for _, _, n, c in VBA_Parser(path.name, data=path.read_bytes()).extract_macros()}  # noqa
    assert macros(out) == macros(XLSM)


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

def _lite_module(monkeypatch):
    """lite/main.py loaded with the decorators xlwings Lite itself uses (xlwings.pro.udfs_officejs), so
    that what it registers can be read back as Lite reads it."""
    import importlib.util

    import xlwings
    from xlwings.pro import udfs_officejs as lite_runtime

    monkeypatch.setattr(xlwings, "func", lite_runtime.xlfunc)
    monkeypatch.setattr(xlwings, "arg", lite_runtime.xlarg)
    monkeypatch.setattr(xlwings, "script", lite_runtime.script)
    spec = importlib.util.spec_from_file_location("lite_main", WORKBOOKS.parent / "lite" / "main.py")
    lite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lite)
    return lite, lite_runtime


def test_lite_registers_exactly_the_documented_functions_and_scripts(monkeypatch):
    lite, runtime = _lite_module(monkeypatch)
    functions = {f["name"]: f for f in runtime.custom_functions_meta(lite)["functions"]}
    assert set(functions) == set(lite.FUNCTIONS) == {"SB_FORDELA", "SB_KVAR", "SB_KONTROLL"}
    params = {name: [(p["name"], p.get("optional", False)) for p in f["parameters"]] for name, f in functions.items()}
    assert params == {
        "SB_FORDELA": [("total", False), ("vikter", False), ("regel", True)],
        "SB_KVAR": [("pott", False), ("belopp", False)],
        "SB_KONTROLL": [("tillgangligt", False), ("belopp", False)] + [
            (n, True) for n in ("namn", "pott", "pottnamn", "pottbelopp", "oronmarkt")]}
    for f in functions.values():
        assert f["result"]["dimensionality"] == "matrix" and f["description"]
        assert all(not p["description"].startswith("Positional argument") for p in f["parameters"])
    scripts = {s["function_name"]: s for s in runtime.custom_scripts_meta(lite)}
    assert set(scripts) == set(lite.SCRIPTS) == {"skapa_bilaga2", "kontrollera", "rekvisition"}
    documented = (WORKBOOKS.parent / "lite" / "main.py").read_text(encoding="utf-8").split('"""')[1]
    assert all(name in documented for name in (*lite.FUNCTIONS, *lite.SCRIPTS))


def test_lite_runs_the_same_core_and_gives_function_errors_as_values():
    import asyncio
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_main_plain", WORKBOOKS.parent / "lite" / "main.py")
    lite = importlib.util.module_from_spec(spec)  # with xlwings' decorators as installed (no runtime wrapping)
    spec.loader.exec_module(lite)
    assert lite.SB_KVAR(41197280.0, [[41197089.0]]) == 191
    assert lite.SB_FORDELA(-1.0, [[1.0]]) == [["#VALUE!", "totalbeloppet får inte vara negativt (-1 kr)"]]
    book = remote_book.book_from_file(EXAMPLE_2019)  # xlwings' own engine for Lite (xlwings.pro)
    asyncio.run(lite.skapa_bilaga2(book))
    asyncio.run(lite.kontrollera(book))
    asyncio.run(lite.rekvisition(book))
    assert {"Bilaga 2", "Kontroll", "Rekvisition"} <= {s.name for s in book.sheets}


def test_lite_column_widths_are_points():
    """xlwings documents Range.column_width in characters with classic xlwings and in points under Lite
    (Office.js): the layout's 32 characters are 229 pixels, 171.75 points there."""
    book = remote_book.book_from_file(EXAMPLE_2019)
    assert excel.column_width(book, 32) == 171.75 and excel.column_width(book, 8.43) == (8.43 * 7 + 5) * 0.75
    initial = [s.name for s in book.sheets]
    excel.create_report(book, TODAY)
    position = len(initial)  # Bilaga 2 is added after the workbook's sheets
    widths = [a["args"][0] for a in book.json()["actions"] if a["func"] == "setColumnWidth"
              and a["sheet_position"] == position]
    from xl_statsbidrag.app.report import make_report as layouts

    expected = layouts(read_book(EXAMPLE_2019), TODAY).sheets[0].column_widths
    assert widths == [(w * 7 + 5) * 0.75 for w in expected]


def test_lite_path_imports_nothing_heavy_and_requirements_keep_lites_lines():
    """Lite's Python has no pandas, openpyxl or lxml unless asked for: main.py and its functions run with
    their imports refused (xlwings itself only tries pandas, and does without)."""
    code = ("import sys, runpy\n"
            "class Refuse:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('pandas', 'openpyxl', 'lxml'):\n"
            "            raise ImportError('not in Lite: ' + name)\n"
            "sys.meta_path.insert(0, Refuse())\n"
            "lite = runpy.run_path('lite/main.py')\n"
            "print(lite['SB_KVAR'](100.0, [[40.0]]), lite['SB_FORDELA'](10.0, [[1.0], [1.0]]))\n"
            "import xl_statsbidrag.excel as e; print(e.check.__name__, e.create_report.__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=WORKBOOKS.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["60 [[5], [5]]", "check create_report"]
    lines = [line.split("#")[0].strip() for line in (WORKBOOKS.parent / "lite" / "requirements.txt").read_text(
        encoding="utf-8").splitlines()]
    required = [line for line in (WORKBOOKS.parent / "lite" / "requirements.txt").read_text(
        encoding="utf-8").splitlines() if line.endswith("# required")]
    assert [r.split()[0] for r in required] == ["xlwings>=0.37.5", "python-dotenv", "pyodide-http", "black"]
    packages = [line for line in lines if line]
    assert not any(p.replace("_", "-").startswith("xl-statsbidrag") for p in packages)  # not on PyPI
    wheel = [p for p in packages if p.endswith(".whl")]
    assert len(wheel) == 1 and wheel[0].startswith("https://") and wheel[0].endswith(
        "/xl_statsbidrag-0.1.0-py3-none-any.whl")
    assert not {"pandas", "openpyxl", "lxml"} & set(packages)


def test_runtime_dependencies_are_what_the_lite_path_needs():
    import tomllib

    project = tomllib.loads((WORKBOOKS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"] == []
    extras = project["optional-dependencies"]
    assert {"files", "excel", "ledger", "all"} <= set(extras)
    assert extras["all"] == ["xl-statsbidrag[files,excel,ledger]"]
    assert "xl-statsbidrag[all]" in extras["test"]


def test_default_paths_need_no_pro_licence():
    code = ("import sys, os; os.environ.pop('XLWINGS_LICENSE_KEY', None); import xl_statsbidrag.excel as e; "
            "e.SB_FORDELA(100.0, [[1.0], [3.0]]); e.SB_KONTROLL(100.0, [[50.0]]); "
            "import xl_statsbidrag.cli; print('xlwings.pro' in sys.modules)")
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLWINGS_LICENSE_KEY"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
