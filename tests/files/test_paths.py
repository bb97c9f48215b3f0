"""Tests of xl_statsbidrag.files.paths."""
import os

import pytest

from tests.conftest import EXAMPLE_2019
from tests.support.batch import run_cli, summary_rows

pytestmark = pytest.mark.system


# --- issue 17.4: a FIFO -----------------------------------------------------------------------------

def test_a_fifo_named_like_a_workbook_does_not_block(tmp_path):
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    for command in ("report", "validate"):
        done = run_cli(command, fifo, timeout=60)
        assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    out = tmp_path / "out"
    done = run_cli("batch", fifo, EXAMPLE_2019, "-o", out, timeout=60)
    assert done.returncode == 1
    assert [r["status"] for r in summary_rows(out)] == ["failed", "ok"]
