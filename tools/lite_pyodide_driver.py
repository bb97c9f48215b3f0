# Runs inside Pyodide (tools/lite_pyodide.mjs): micropip installs the wheels in /wheels as Lite installs
# the lines of its requirements.txt, then lite/main.py runs as xlwings Lite runs it: the module loaded
# with xlwings' Lite decorators (XLWINGS_ON_SERVER), each function called with
# xlwings.pro.udfs_officejs.custom_functions_call (what Excel's custom-function runtime sends), each
# script with custom_scripts_call on a book made from each workbook's data as Office.js sends it.
# The last expression is the JSON result.
import contextlib
import importlib.util
import io
import json
import os
import sys

os.environ["XLWINGS_ON_SERVER"] = "true"  # Lite's decorators: xlwings.server's func, arg, script
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import micropip  # noqa: E402

job = json.load(open("/job.json"))
for wheel in sorted(os.listdir("/wheels")):
    if wheel.startswith("xlwings-"):  # first xlwings, as Lite's own required line, then the project's wheel
        await micropip.install(f"emfs:/wheels/{wheel}")  # noqa: F704 (top-level await in runPythonAsync)
for wheel in sorted(os.listdir("/wheels")):
    if not wheel.startswith("xlwings-"):
        await micropip.install(f"emfs:/wheels/{wheel}")  # noqa: F704

import js  # noqa: E402
import xlwings as xw  # noqa: E402
from xlwings.pro.udfs_officejs import custom_functions_call, custom_scripts_call  # noqa: E402

spec = importlib.util.spec_from_file_location("main", "/lite/main.py")
main = importlib.util.module_from_spec(spec)
spec.loader.exec_module(main)

out = {"python": sys.version.split()[0], "platform": sys.platform, "xlwings": xw.__version__,
       "installed": sorted(p.name for p in micropip.list().values()), "functions": [], "scripts": {},
       "heavy": sorted(m for m in ("pandas", "openpyxl", "lxml", "numpy") if m in sys.modules)}
for call in job["functions"]:
    data = {"func_name": call["name"], "args": call["args"], "caller_address": "Office.js[Bok]Blad1!D2",
            "content_language": "sv-SE", "version": xw.__version__, "runtime": "1.4", "client": "Office.js"}
    try:
        out["functions"].append({"result": await custom_functions_call(data, main)})  # noqa: F704
    except Exception as exc:  # noqa: BLE001 - reported to the test
        out["functions"].append({"raised": f"{type(exc).__name__}: {exc}"})
for label, workbook in job["books"].items():
    js.xlwings.useAnswers(label)
    out["scripts"][label] = {}
    for name in job["scripts"]:
        book = xw.Book(json=json.loads(json.dumps(workbook)))
        before, batches = js.xlwings.questionCount(), len(json.loads(js.xlwings.flushedActions()))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            await custom_scripts_call(main, name, typehint_to_value={xw.Book: book})  # noqa: F704
        flushed = [a for batch in json.loads(js.xlwings.flushedActions())[batches:]
                   for a in json.loads(batch)["actions"]]
        out["scripts"][label][name] = {"printed": printed.getvalue(), "actions": flushed + book.json()["actions"],
                                       "questions": js.xlwings.questionCount() - before}
json.dumps(out)
