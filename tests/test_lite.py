"""The xlwings Lite path in real Pyodide (CPython 3.12 compiled to WebAssembly, as xlwings Lite runs it),
under Node: the project's wheel and xlwings' wheel installed with micropip, lite/main.py run through
xlwings' own Lite runtime (tools/lite_pyodide.py).  What Excel would answer (merged ranges, hidden rows)
comes from the workbook file read with openpyxl; what the scripts send to Excel is replayed here and
compared with the command's output.  Skipped only when Node or the prepared Pyodide is absent
(.ci/run prepares it: python tools/lite_pyodide.py prepare)."""
import datetime as dt
from decimal import Decimal
import subprocess
import sys

import openpyxl
import pytest

from tests import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from tests.conftest import EXAMPLE_2019, WORKBOOKS
from tests.support.live import hostile

from xl_statsbidrag import excel
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.app.requisition import requisition_file

sys.path.insert(0, str(WORKBOOKS.parent / "tools"))
import lite_pyodide  # noqa: E402


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


@pytest.mark.system
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


FUNCTIONS = [
    {"name": "SB_FORDELA", "args": [600, [[1], [2], [3]]]},
    {"name": "SB_FORDELA", "args": [-600, [[1], [2], [3]]]},
    {"name": "SB_KVAR", "args": [1000, [[1], [2], [3]]]},
    {"name": "SB_KVAR", "args": ["hundra", [[1]]]},
    {"name": "SB_KONTROLL", "args": [5, [[1], [2], [3]], None, None, None, None, None]},
]


VALUE_ERROR = {"type": "Error", "errorType": "Value"}  # Office.js' #VALUE!, as xlwings' officejs engine makes it


@pytest.fixture(scope="module")
def lite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lite")
    books = {"readable": hostile(folder, errors=False), "hostile": hostile(folder), "2019": EXAMPLE_2019}
    return books, lite_pyodide.run(books, FUNCTIONS)


@pytest.mark.system
@pytest.mark.skipif(lite_pyodide.missing() is not None,
                    reason=f"no Pyodide run here: {lite_pyodide.missing()}")
def test_the_wheels_install_with_micropip_and_nothing_heavy_is_imported(lite):
    _, out = lite
    assert out["platform"] == "emscripten" and out["python"].startswith("3.12.")
    assert out["xlwings"] == lite_pyodide.xlwings_version()
    assert set(out["installed"]) == {"micropip", "packaging", "xlwings", "xl-statsbidrag"}
    assert out["heavy"] == []  # no pandas, openpyxl, lxml or numpy: Lite does not have them


@pytest.mark.system
@pytest.mark.skipif(lite_pyodide.missing() is not None,
                    reason=f"no Pyodide run here: {lite_pyodide.missing()}")
def test_functions_give_results_and_excel_error_values(lite):
    """What Office.js receives: values, or #VALUE! as an error value (formulas see it: ISERROR, SUM) with
    the Swedish message in the next cell."""
    _, out = lite
    fordela, negative, kvar, bad, kontroll = (call.get("result", call.get("raised")) for call in out["functions"])
    assert fordela == [[100], [200], [300]]
    assert negative == [[VALUE_ERROR, "totalbeloppet får inte vara negativt (-600 kr)"]]
    assert kvar == [[994]]
    assert bad[0][0] == VALUE_ERROR and "'hundra' är inte ett belopp" in bad[0][1]
    assert kontroll[0] == ["Allvarlighet", "Kod", "Meddelande", "Belopp"] and kontroll[1][1] == "overfordelat"


def _sheet(path, name):
    wb = openpyxl.load_workbook(path)
    return {(c.row, c.column): c.value for row in wb[name].iter_rows() for c in row if c.value is not None}


@pytest.mark.system
@pytest.mark.skipif(lite_pyodide.missing() is not None,
                    reason=f"no Pyodide run here: {lite_pyodide.missing()}")
def test_bilaga_2_in_lite_is_the_commands_in_every_cell(lite, tmp_path):
    """The merged label (Kontaktperson over A:B), the hidden row and the error values are read as the file
    reader reads them, so Bilaga 2 is the command's, cell for cell, and Kontroll flags the hidden row."""
    books, out = lite
    for label in ("readable", "hostile", "2019"):
        run = out["scripts"][label]["skapa_bilaga2"]
        assert "kunde inte svara" not in run["printed"], run["printed"]  # merges and hidden rows were answered
        initial = [s["name"] for s in lite_pyodide.book_json(books[label])["sheets"]]
        sheets = remote_book.replay(_Book(run["actions"]), initial)
        target = tmp_path / f"{label}.xlsx"
        report_file(books[label], target)
        headless = _sheet(target, "Bilaga 2")
        assert len(headless) > 150 and set(sheets["Bilaga 2"]) == set(headless), label
        for key, value in headless.items():
            got = sheets["Bilaga 2"][key]
            if isinstance(value, (int, float)):
                assert Decimal(str(got)) == Decimal(str(value)), (label, key)
            else:
                assert got == value, (label, key)
    readable = out["scripts"]["readable"]
    assert "Kontakt i sammanslagen rad" in remote_book.replay(_Book(readable["skapa_bilaga2"]["actions"]),
                                                                 _names(books["readable"]))["Bilaga 2"].values()
    kontroll = remote_book.replay(_Book(readable["kontrollera"]["actions"]), _names(books["readable"]))["Kontroll"]
    assert "dold-rad" in kontroll.values()
    # few round trips to Excel: 141 for this book, whose agreement sheet has 9 section heads merged over A:B
    assert readable["kontrollera"]["questions"] < 160


@pytest.mark.system
@pytest.mark.skipif(lite_pyodide.missing() is not None,
                    reason=f"no Pyodide run here: {lite_pyodide.missing()}")
def test_the_writer_sets_widths_in_points_borders_and_alignment(lite, tmp_path):
    """Office.js takes column widths in points: the layout's characters converted (the sheet as wide as
    the command's file), the signature lines as borders, alignment and gridlines set; only the page
    setup is out of Lite's reach, and the output says so."""
    books, out = lite
    run = out["scripts"]["2019"]["skapa_bilaga2"]
    target = tmp_path / "2019.xlsx"
    report_file(EXAMPLE_2019, target)
    ws = openpyxl.load_workbook(target)["Bilaga 2"]
    sheets = _names(EXAMPLE_2019) + ["Bilaga 2", "Kontroll"]
    bilaga = sheets.index("Bilaga 2")
    widths = {a["start_column"] + 1: a["args"][0] for a in run["actions"]
              if a["func"] == "setColumnWidth" and a["sheet_position"] == bilaga}
    assert widths
    for column, points in widths.items():
        stored = ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width  # characters + padding
        assert abs(points - stored * 7 * 0.75) <= 0.75, (column, points, stored)  # 7 px each, 0.75 pt a px
    funcs = {a["func"] for a in run["actions"] if a["sheet_position"] == bilaga}
    assert {"setBorderProperty", "setShowGridlines"} <= funcs
    assert any("alignment" in f.lower() for f in funcs), funcs
    assert excel.writer.PAGE_SETUP in run["printed"] and excel.writer.BORDERS not in run["printed"]


@pytest.mark.system
@pytest.mark.skipif(lite_pyodide.missing() is not None,
                    reason=f"no Pyodide run here: {lite_pyodide.missing()}")
def test_findings_are_the_commands(lite, tmp_path):
    """Kontroll names the error cells and the hidden row, the suggestion for the attestation is the
    command's, and the requisition's findings are the command's (jobs.requisition on both paths)."""
    books, out = lite
    hostile_runs = out["scripts"]["hostile"]
    printed = hostile_runs["kontrollera"]["printed"]
    assert "#DIV/0!" in printed and "#N/A" in printed and "Aktiviteter!A7" in printed  # the hidden row's cell
    _, summary, _ = report_file(books["hostile"], tmp_path / "h.xlsx")
    assert f"förslag till granskning: {summary.suggestion.text}" in hostile_runs["skapa_bilaga2"]["printed"]
    _, _, findings = requisition_file(books["2019"], tmp_path / "r.xlsx", dt.date.today())
    for f in findings:
        assert f"{f.location}: {f.message}" in out["scripts"]["2019"]["rekvisition"]["printed"]


class _Book:
    """The recorded actions in the shape remote_book.replay reads."""

    def __init__(self, actions):
        self.actions = actions

    def json(self):
        return {"actions": self.actions}


def _names(path):
    return [s["name"] for s in lite_pyodide.book_json(path)["sheets"]]
