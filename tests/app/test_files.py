"""Tests of xl_statsbidrag.app.files."""
import datetime as dt
import datetime as real_dt
import os
import shutil

import pytest

from tests.conftest import EXAMPLE_2019, parts, sha256
from tests.support.batch import run_cli, sheet_names

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError


TODAY = dt.date(2026, 11, 22)


def test_in_place_writing_keeps_a_backup(tmp_path):
    source = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_2019, source)
    before = source.read_bytes()
    report_file(source, in_place=True, today=TODAY)
    [backup] = tmp_path.glob("in.backup-*.xlsx")
    assert backup.read_bytes() == before
    assert "xl/worksheets/sheet3.xml" in parts(source)
    with pytest.raises(UserError, match="overwrite the input"):
        report_file(source, source)


# --- issue 14.3: report --in-place ------------------------------------------------------------------

class _FrozenClock:
    class datetime(real_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_dt.datetime(2026, 11, 24, 12, 0, 0)

    date = real_dt.date


def test_in_place_backups_never_overwrite_each_other(tmp_path, monkeypatch):
    from xl_statsbidrag.app import outputs
    from xl_statsbidrag.app import report as jobs

    book = tmp_path / "book.xlsx"
    shutil.copy(EXAMPLE_2019, book)
    original = sha256(book)
    monkeypatch.setattr(outputs, "dt", _FrozenClock)  # two runs within one clock tick (the backup's name)
    jobs.report_file(book, in_place=True)
    after_first = sha256(book)
    jobs.report_file(book, in_place=True)
    backups = sorted(tmp_path.glob("book.backup-*.xlsx"))
    assert len(backups) == 2
    assert {sha256(b) for b in backups} == {original, after_first}


@pytest.mark.system
def test_in_place_on_a_symbolic_link_writes_through_and_keeps_the_link(tmp_path):
    real = tmp_path / "data" / "book.xlsx"
    real.parent.mkdir()
    shutil.copy(EXAMPLE_2019, real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    done = run_cli("report", link, "--in-place")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == real
    assert "Bilaga 2" in sheet_names(real)
    assert list(real.parent.glob("book.backup-*.xlsx"))
    assert not list(tmp_path.glob("*.tmp")) and not list(real.parent.glob(".*.tmp"))


def test_in_place_replaces_the_workbook_only_when_no_file_is_open(tmp_path, monkeypatch):
    """Windows refuses to rename over a file that is open; emulate that rule and run --in-place."""
    from xl_statsbidrag.app import report as jobs

    real_replace = os.replace

    def windows_replace(src, dst, **kw):
        for fd in os.listdir("/proc/self/fd"):
            try:
                opened = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if opened in (os.path.abspath(src), os.path.abspath(dst)):
                raise PermissionError(13, "The process cannot access the file because it is being used")
        return real_replace(src, dst, **kw)

    book = tmp_path / "book.xlsx"
    shutil.copy(EXAMPLE_2019, book)
    monkeypatch.setattr(os, "replace", windows_replace)
    jobs.report_file(book, in_place=True)
    assert "Bilaga 2" in sheet_names(book)


def test_a_full_disk_while_copying_the_backup_leaves_no_half_backup(tmp_path, monkeypatch):
    import errno

    from xl_statsbidrag.app import report as jobs
    from xl_statsbidrag.core.errors import UserError

    book = tmp_path / "book.xlsx"
    shutil.copy(EXAMPLE_2019, book)
    before = sha256(book)

    def half_then_full(src, dst, length=0):
        dst.write(src.read(1000))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", half_then_full)
    with pytest.raises(UserError, match="disk is full"):
        jobs.report_file(book, in_place=True)
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"] and sha256(book) == before
