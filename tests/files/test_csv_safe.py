"""Tests of xl_statsbidrag.files.csv_safe."""
import csv
import io
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE_2019
from tests.support.batch import run_cli, summary_rows

pytestmark = pytest.mark.system


def test_csv_outputs_defuse_formulas(tmp_path):
    import subprocess
    import sys

    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\n=cmd|' /C calc'!A0,1\nB,1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "allocate", "100", "--weights", weights,
                           "--format", "csv"], capture_output=True, text=True)
    assert "'=cmd" in done.stdout and "\n=cmd" not in done.stdout


# --- issue 17.16: CSV injection through ";" ---------------------------------------------------------

def _no_formula_fields(text: str) -> None:
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            for field in row:
                assert not field.startswith(("=", "+", "@")), (delimiter, field)


def test_summary_csv_is_safe_with_either_separator(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE_2019, folder / "budget;=2+5;x.xlsx")
    shutil.copy(EXAMPLE_2019, folder / "cost,=HYPERLINK(1).xlsx")
    out = tmp_path / "out"
    assert run_cli("batch", folder, "-o", out).returncode == 0
    text = (out / "summary.csv").read_text(encoding="utf-8")
    _no_formula_fields(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(os.path.basename(r["file"]) for r in rows) == ["budget;'=2+5;x.xlsx", "cost,'=HYPERLINK(1).xlsx"]
    assert sorted(os.path.basename(r["file"]) for r in summary_rows(out)) == ["budget;=2+5;x.xlsx",
                                                                               "cost,=HYPERLINK(1).xlsx"]


def test_allocate_csv_is_safe_with_either_separator(tmp_path):
    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\n\"Region A;=2+5;x\",1\n\"=HYPERLINK(\"\"x\"\")\",3\n", encoding="utf-8")
    done = run_cli("allocate", "1000", "--weights", weights, "--format", "csv")
    assert done.returncode == 0, done.stderr
    _no_formula_fields(done.stdout)
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[1] == ["Region A;'=2+5;x", "1", "250"]
