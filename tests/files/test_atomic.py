"""Tests of xl_statsbidrag.files.atomic."""
import os
from pathlib import Path
import shutil
import zipfile

import pytest

from tests.conftest import EXAMPLE_2019, sha256
from tests.support.batch import _killed_writer_temporary, run_cli, tmpfs

pytestmark = pytest.mark.system


def test_report_cleans_the_stale_temporary_of_a_killed_report(tmp_path):
    target = tmp_path / "out.xlsx"
    stale = _killed_writer_temporary(target)
    user_file = tmp_path / ".out.xlsx.notes.tmp"
    user_file.write_text("mine")
    done = run_cli("report", EXAMPLE_2019, "-o", target)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and user_file.exists()
    assert zipfile.ZipFile(target).testzip() is None


# --- issue 17.10: disk full -------------------------------------------------------------------------

def _fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of ``folder``, then free ``leave`` bytes."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path, tmpfs):
    disk = tmpfs("256k")
    book = disk / "book.xlsx"
    shutil.copy(EXAMPLE_2019, book)
    before = sha256(book)
    _fill(disk, leave=8192)  # room for part of an output, not all of it
    done = run_cli("report", book)
    assert done.returncode == 2 and "disk is full" in done.stderr and "Traceback" not in done.stderr
    done = run_cli("report", book, "--in-place")
    assert done.returncode == 2 and "disk is full" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in disk.iterdir()) == ["book.xlsx", "filler"]  # no temporary, no backup
    assert sha256(book) == before
