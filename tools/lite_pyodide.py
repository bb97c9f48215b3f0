"""The xlwings Lite path run in real Pyodide (the Python of xlwings Lite), under Node, without Excel.

    python tools/lite_pyodide.py prepare            # once: Pyodide from npm, wheels from PyPI (cached)
    python tools/lite_pyodide.py run WORKBOOK.xlsx  # the scripts and a function error, as JSON

``prepare`` puts the npm package ``pyodide`` (PYODIDE_VERSION, CPython 3.12) in the cache folder
(``$XL_STATSBIDRAG_CACHE``, default ``~/.cache/xl-statsbidrag``), with micropip and packaging from PyPI
in the versions that Pyodide release pins, and the pure-Python wheel of the xlwings installed here.
``run`` builds this project's wheel, and Node (tools/lite_pyodide.mjs) installs both wheels with
micropip from the in-memory file system, as Lite installs its requirements, then runs lite/main.py as
Lite runs it (tools/lite_pyodide_driver.py): functions through xlwings' ``custom_functions_call``,
scripts through ``custom_scripts_call`` on a book made from the workbook as Office.js sends it
(``book_json``: values, tables, used ranges, read with openpyxl, not with this project's reader).
Excel's answers to the runtime's questions (merged ranges, hidden rows) come from the file
(``answers``, openpyxl again).  The result lists what each script printed and the actions it sent to
Excel, which tests/test_lite.py replays and compares with the command's output.

What this cannot show is Excel itself: that Office.js applies the actions as xlwings' Lite client does
(docs/acceptance-excel.md, section 4).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_VERSION = "0.27.7"  # CPython 3.12
TIMEOUT = 600


def cache() -> Path:
    return Path(os.environ.get("XL_STATSBIDRAG_CACHE") or Path.home() / ".cache" / "xl-statsbidrag")


def pyodide_dir() -> Path:
    return cache() / f"pyodide-{PYODIDE_VERSION}" / "node_modules" / "pyodide"


def wheels_dir() -> Path:
    return cache() / "lite-wheels"


def xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def missing() -> str | None:
    """Why the run cannot be made here (None when it can)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (pyodide_dir() / "pyodide.asm.wasm").exists():
        return f"Pyodide {PYODIDE_VERSION} is not in {pyodide_dir()} (python tools/lite_pyodide.py prepare)"
    lock = json.loads((pyodide_dir() / "pyodide-lock.json").read_text(encoding="utf-8"))
    for name in ("micropip", "packaging"):
        if not (pyodide_dir() / lock["packages"][name]["file_name"]).exists():
            return f"{name} is not beside Pyodide (python tools/lite_pyodide.py prepare)"
    if not list(wheels_dir().glob(f"xlwings-{xlwings_version()}-py3-none-any.whl")):
        return f"the xlwings {xlwings_version()} wheel is not in {wheels_dir()} (python tools/lite_pyodide.py prepare)"
    return None


def prepare() -> None:
    """Pyodide from npm, and the wheels from PyPI, into the cache (nothing is fetched when present)."""
    target = pyodide_dir().parent.parent
    target.mkdir(parents=True, exist_ok=True)
    if not (pyodide_dir() / "pyodide.asm.wasm").exists():
        subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(target),
                        f"pyodide@{PYODIDE_VERSION}"], check=True, timeout=TIMEOUT)
    lock = json.loads((pyodide_dir() / "pyodide-lock.json").read_text(encoding="utf-8"))
    pins = [f"{name}=={lock['packages'][name]['version']}" for name in ("micropip", "packaging")]
    python = ".".join(lock["info"]["python"].split(".")[:2])
    if any(not (pyodide_dir() / lock["packages"][n]["file_name"]).exists() for n in ("micropip", "packaging")):
        _download(pins, pyodide_dir(), python)
    if not list(wheels_dir().glob(f"xlwings-{xlwings_version()}-py3-none-any.whl")):
        _download([f"xlwings=={xlwings_version()}"], wheels_dir(), python)


def _download(requirements: list[str], folder: Path, python: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--only-binary=:all:", "--platform", "any", "--python-version", python, "-d", str(folder),
                    *requirements], check=True, timeout=TIMEOUT)


# --- the workbook as xlwings Lite's Office.js client sends it ----------------------------------------------

def _office_value(cell):
    if type(cell).__name__ == "MergedCell" or cell.value is None:
        return ""
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return value  # numbers, text, booleans, and error values as their text ("#DIV/0!")


def book_json(path: Path) -> dict:
    """The book data xlwings' Lite client gives ``xw.Book(json=...)`` (values, tables, used ranges)."""
    import openpyxl
    from openpyxl.utils import get_column_letter, range_boundaries

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
        values = [[_office_value(ws.cell(r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
        tables = []
        for t in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(t.ref)
            first, last, totals = get_column_letter(c1), get_column_letter(c2), t.totalsRowCount or 0
            tables.append({"name": t.displayName, "range_address": t.ref,
                           "header_row_range_address": f"{first}{r1}:{last}{r1}",
                           "data_body_range_address": f"{first}{r1 + 1}:{last}{r2 - totals}",
                           "total_row_range_address": f"{first}{r2}:{last}{r2}" if totals else None,
                           "show_headers": True, "show_totals": bool(totals)})
        sheets.append({"name": ws.title, "values": values, "tables": tables, "pictures": [], "shapes": [],
                       "charts": [], "pivot_tables": [], "print_area": None, "show_gridlines": True,
                       "visibility": "Visible", "used_range_address": f"A1:{get_column_letter(cols)}{rows}"})
    import xlwings

    return {"version": xlwings.__version__, "client": "Office.js",
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"}, "sheets": sheets, "names": []}


def answers(path: Path) -> dict:
    """What Excel knows and the Lite runtime asks for: each sheet's merged ranges and hidden rows."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {"merges": {ws.title: [str(m) for m in ws.merged_cells.ranges] for ws in wb.worksheets},
            "hidden": {ws.title: sorted(r for r, d in ws.row_dimensions.items() if d.hidden) for ws in wb.worksheets}}


def build_wheel(folder: Path) -> Path:
    """The project's wheel as a user builds it (``python -m build --wheel``), from a copy of the sources so
    that nothing is written into the working tree."""
    with tempfile.TemporaryDirectory(prefix="xlsb-src-") as src:
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, src)
        shutil.copytree(ROOT / "xl_statsbidrag", Path(src) / "xl_statsbidrag",
                        ignore=shutil.ignore_patterns("__pycache__"))
        done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(folder), src],
                              capture_output=True, text=True, timeout=TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"python -m build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return next(folder.glob("xl_statsbidrag-*.whl"))


def run(workbooks: dict[str, Path], functions: list[dict] | None = None,
        scripts: tuple[str, ...] = ("kontrollera", "skapa_bilaga2", "rekvisition")) -> dict:
    """Run ``scripts`` on each of ``workbooks`` ({label: path}) and the ``functions`` ({"name", "args"}) in
    Pyodide; the driver's result: python, platform, xlwings, installed, heavy (modules the run imported
    that Lite does not have), functions (each "result" as Office.js receives it, or "raised"), and
    scripts[label][script]: printed, actions (to Excel, in order), questions (asked of Excel)."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    with tempfile.TemporaryDirectory(prefix="xlsb-lite-") as tmp:
        tmp = Path(tmp)
        wheels = tmp / "wheels"
        wheels.mkdir()
        build_wheel(wheels)
        shutil.copy(next(wheels_dir().glob(f"xlwings-{xlwings_version()}-py3-none-any.whl")), wheels)
        job = {"wheels": str(wheels), "main": str(ROOT / "lite" / "main.py"),
               "books": {label: book_json(Path(p)) for label, p in workbooks.items()},
               "answers": {label: answers(Path(p)) for label, p in workbooks.items()},
               "functions": functions or [], "scripts": list(scripts)}
        (tmp / "job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
        done = subprocess.run(["node", str(ROOT / "tools" / "lite_pyodide.mjs"), str(pyodide_dir()), str(tmp / "job.json"),
                               str(tmp / "out.json")], capture_output=True, text=True, timeout=TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"node failed ({done.returncode}):\n{done.stderr[-4000:]}")
        return json.loads((tmp / "out.json").read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    if argv[:1] == ["prepare"]:
        prepare()
        print(f"ready: {pyodide_dir()}")
        return 0
    if argv[:1] == ["run"] and len(argv) == 2:
        out = run({"book": Path(argv[1])}, [{"name": "SB_FORDELA", "args": [600, [[1], [2], [3]]]},
                                  {"name": "SB_FORDELA", "args": [-600, [[1], [2], [3]]]}])
        print(f"Pyodide: Python {out['python']} ({out['platform']}), xlwings {out['xlwings']}, "
              f"installed: {', '.join(out['installed'])}; heavy modules imported: {out['heavy'] or 'none'}")
        for call in out["functions"]:
            print("SB_FORDELA ->", json.dumps(call, ensure_ascii=False))
        for name, script in out["scripts"]["book"].items():
            print(f"--- {name}: {len(script['actions'])} actions to Excel, {script['questions']} questions")
            print(script["printed"].strip())
        return 0
    print(__doc__.split("\n\n")[1])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
