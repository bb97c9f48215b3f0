"""The CLI run in a subprocess as a user runs it, and readers of what a batch leaves behind (summary rows, sheet
names, cell values), for the batch, file, output and CSV tests."""
import json
import os
from pathlib import Path
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT


ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def run_cli(*args, timeout=120, env=None):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env or ENV)


def summary_rows(outdir):
    return json.loads((outdir / "summary.json").read_text(encoding="utf-8"))


def sheet_names(path):
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True).sheetnames


def cell_values(path, sheet):
    """{coordinate: value} of a sheet's non-empty cells, as last calculated (openpyxl, data_only)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row if c.value is not None}
    finally:
        wb.close()


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs of its own (a full disk, a read-only file system); skipped where mounting is not
    allowed."""
    mounted = []

    def mount(size="256k", options=""):
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs", str(point)],
                              capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _killed_writer_temporary(target: Path) -> Path:
    """A real SIGKILL in the middle of writing ``target``: the temporary it leaves."""
    code = ("import os, signal, sys; from pathlib import Path; from xl_statsbidrag.files.atomic import atomic_output\n"
            "with atomic_output(Path(sys.argv[1])) as out:\n"
            "    out.write(b'half a workbook'); out.flush(); os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", code, str(target)], env=ENV)
    assert done.returncode == -signal.SIGKILL
    left = [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.") and p.suffix == ".tmp"]
    assert len(left) == 1
    return left[0]
