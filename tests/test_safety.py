"""Data safety of report and batch on real files and real conditions (issues 14 and 17): unique
outputs, own temporaries only, backups that never collide, links followed, files known by identity,
FIFOs, full disks, killed runs, names that are not UTF-8, workers under limits, CSV injection."""
import csv
import datetime as real_dt
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_2018, EXAMPLE_2019, ROOT, parts, sha256

ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def cli(*args, timeout=120, env=None):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env or ENV)


def summary_rows(outdir):
    return json.loads((outdir / "summary.json").read_text(encoding="utf-8"))


def sheet_names(path):
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True).sheetnames


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


# --- issue 14.1: batch output names unique by construction ------------------------------------------

def test_same_named_workbooks_in_a_tree_get_one_report_each(tmp_path):
    tree = tmp_path / "in"
    for year, example in (("2019", EXAMPLE_2019), ("2020", EXAMPLE_2018)):
        (tree / year / "ekonomi").mkdir(parents=True)
        shutil.copy(example, tree / year / "ekonomi" / "underlag.xlsx")
    out = tmp_path / "out"
    done = cli("batch", tree, "-o", out)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {r["file"]: r for r in summary_rows(out)}
    a = rows[str(tree / "2019" / "ekonomi" / "underlag.xlsx")]
    b = rows[str(tree / "2020" / "ekonomi" / "underlag.xlsx")]
    assert a["output"] != b["output"]
    assert Path(a["output"]) == out / "2019" / "ekonomi" / "underlag_bilaga2.xlsx"
    assert Path(b["output"]) == out / "2020" / "ekonomi" / "underlag_bilaga2.xlsx"
    assert (a["received"], b["received"]) == ("41197280", "12208598")
    assert len(list(out.rglob("*_bilaga2.xlsx"))) == 2


def test_one_folder_stays_flat_and_same_stems_keep_their_kind(tmp_path):
    from xl_statsbidrag.app.batch import output_names

    files = [tmp_path / "a.xlsx", tmp_path / "a.xlsm", tmp_path / "b.xlsx"]
    names = output_names(files, tmp_path / "out")
    assert [n.name for n in names.values()] == ["a_xlsx_bilaga2.xlsx", "a_xlsm_bilaga2.xlsm", "b_bilaga2.xlsx"]
    assert {n.parent for n in names.values()} == {tmp_path / "out"}


def test_a_run_that_would_still_collide_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE_2019, folder / "Budget.xlsx")
    shutil.copy(EXAMPLE_2019, folder / "budget.xlsx")  # one file on Windows/macOS, two here
    out = tmp_path / "out"
    done = cli("batch", folder, "-o", out)
    assert done.returncode == 2 and "same output name" in done.stderr and "Traceback" not in done.stderr
    assert not list(out.glob("*_bilaga2.xlsx"))


# --- issue 14.2 / 17.11: only our own temporaries; one run per OUTDIR -------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


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


def test_batch_removes_only_its_own_stale_temporaries(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    user_file = out / ".notes.tmp"
    user_file.write_text("mine")
    other_run = out / ".beslutsunderlag_2019_bilaga2.xlsx.abc123.tmp"  # not our prefix
    other_run.write_bytes(b"someone else's")
    stale = _killed_writer_temporary(out / "old_bilaga2.xlsx")
    from xl_statsbidrag.files.atomic import temporary_prefix

    live = out / (temporary_prefix("x.xlsx") + "live.tmp")  # this (running) process's
    live.write_bytes(b"being written")
    done = cli("batch", EXAMPLE_2019, "-o", out)
    assert done.returncode == 0, done.stderr
    assert user_file.read_text() == "mine" and other_run.exists() and live.exists()
    assert not stale.exists()


def test_report_cleans_the_stale_temporary_of_a_killed_report(tmp_path):
    target = tmp_path / "out.xlsx"
    stale = _killed_writer_temporary(target)
    user_file = tmp_path / ".out.xlsx.notes.tmp"
    user_file.write_text("mine")
    done = cli("report", EXAMPLE_2019, "-o", target)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and user_file.exists()
    assert zipfile.ZipFile(target).testzip() is None


def test_a_second_batch_on_the_same_outdir_is_refused(tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".xl-statsbidrag.lock", "a+b") as held:  # a run in progress holds it
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = cli("batch", EXAMPLE_2019, "-o", out)
    assert done.returncode == 2 and "another batch run" in done.stderr
    assert not (out / "summary.csv").exists()
    assert cli("batch", EXAMPLE_2019, "-o", out).returncode == 0  # released with its process


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


def test_in_place_on_a_symbolic_link_writes_through_and_keeps_the_link(tmp_path):
    real = tmp_path / "data" / "book.xlsx"
    real.parent.mkdir()
    shutil.copy(EXAMPLE_2019, real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    done = cli("report", link, "--in-place")
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


# --- issue 14.4: output and input by identity --------------------------------------------------------

@pytest.mark.parametrize("how", ["hardlink", "symlink"])
def test_an_output_that_is_the_input_under_another_name_is_refused(tmp_path, how):
    book = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_2019, book)
    other = tmp_path / "other.xlsx"
    os.link(book, other) if how == "hardlink" else other.symlink_to(book)
    before = sha256(book)
    done = cli("report", book, "-o", other)
    assert done.returncode == 2 and "same file" in done.stderr
    assert sha256(book) == before and os.path.samefile(book, other)


def test_batch_leaves_out_the_outdir_reached_by_another_name(tmp_path):
    tree = tmp_path / "in"
    (tree / "out").mkdir(parents=True)
    shutil.copy(EXAMPLE_2019, tree / "a.xlsx")
    shutil.copy(EXAMPLE_2019, tree / "out" / "old_report.xlsx")
    alias = tmp_path / "alias"
    alias.symlink_to(tree / "out")
    from xl_statsbidrag.app.batch import expand

    assert expand([str(tree)], alias) == [tree / "a.xlsx"]
    os.link(tree / "a.xlsx", tree / "hard.xlsx")  # the same file twice is one input
    assert len(expand([str(tree)], alias)) == 1


# --- issue 14.6: --pdf with the temporary folder on another file system -------------------------------

def test_batch_pdf_with_tmp_on_another_file_system(tmp_path, libreoffice):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system for the temporary folder")
    temp = Path(os.path.join(shm, f"xlsb-test-{os.getpid()}"))
    temp.mkdir(exist_ok=True)
    try:
        out = tmp_path / "out"
        done = cli("batch", EXAMPLE_2019, "-o", out, "--pdf", env=dict(ENV, TMPDIR=str(temp)))
        assert done.returncode == 0, done.stdout + done.stderr
        assert (out / "beslutsunderlag_2019_bilaga2.pdf").read_bytes().startswith(b"%PDF")
        assert not [p for p in out.iterdir() if p.name.startswith(".xlsb-")]
    finally:
        shutil.rmtree(temp, ignore_errors=True)


# --- issue 14.15: .xls ------------------------------------------------------------------------------

def test_an_xls_workbook_is_named_as_such(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # a compound file, as Excel 97 writes
    done = cli("report", old)
    assert done.returncode == 2
    assert "Excel 97-2003" in done.stderr and "save it as" in done.stderr and "bilaga2" not in done.stderr
    out = tmp_path / "out"
    assert cli("batch", old, "-o", out).returncode == 1
    assert "Excel 97-2003" in summary_rows(out)[0]["reason"]


# --- issue 14.16: --recalculate ---------------------------------------------------------------------

def _uncalculated_book(tmp_path) -> Path:
    """The example, saved by openpyxl with two amounts turned into formulas: no stored values."""
    import openpyxl

    path = tmp_path / "openpyxl_saved.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_2019)
    ws = wb["Aktiviteter"]
    table = ws.tables["Aktiviteter"]
    header_row = ws[table.ref.split(":")[0][1:]]
    column = next(c.column_letter for c in header_row if c.value == "Belopp")
    first = int(table.ref.split(":")[0].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1
    for row in (first, first + 1):
        value = ws[f"{column}{row}"].value
        ws[f"{column}{row}"] = f"={int(value) - 1000}+1000"
    wb.save(path)  # openpyxl stores no value for a formula (the refusal below shows it)
    return path


def test_recalculate_reads_formulas_that_have_no_stored_values(tmp_path, libreoffice):
    book = _uncalculated_book(tmp_path)
    before = sha256(book)
    refused = cli("report", book, "-o", tmp_path / "plain.xlsx")
    assert refused.returncode == 2 and "--recalculate" in refused.stderr
    out = tmp_path / "out.xlsx"
    done = cli("report", book, "-o", out, "--recalculate", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "41 197 089 kr" in done.stdout  # the costs, with the two computed amounts
    assert sha256(book) == before
    source, written = parts(book), parts(out)
    kept = [n for n in source if n in written and source[n] == written[n]]
    assert "xl/worksheets/sheet2.xml" in kept  # the original package, formulas and all, not LibreOffice's copy
    assert "Bilaga 2" in sheet_names(out)
    batch_out = tmp_path / "batch"
    assert cli("batch", book, "-o", batch_out, "--recalculate", timeout=300).returncode == 0
    assert summary_rows(batch_out)[0]["costs"] == "41197089"


# --- issue 17.4: a FIFO -----------------------------------------------------------------------------

def test_a_fifo_named_like_a_workbook_does_not_block(tmp_path):
    fifo = tmp_path / "x.xlsx"
    os.mkfifo(fifo)
    for command in ("report", "validate"):
        done = cli(command, fifo, timeout=60)
        assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    out = tmp_path / "out"
    done = cli("batch", fifo, EXAMPLE_2019, "-o", out, timeout=60)
    assert done.returncode == 1
    assert [r["status"] for r in summary_rows(out)] == ["failed", "ok"]


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
    done = cli("report", book)
    assert done.returncode == 2 and "disk is full" in done.stderr and "Traceback" not in done.stderr
    done = cli("report", book, "--in-place")
    assert done.returncode == 2 and "disk is full" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in disk.iterdir()) == ["book.xlsx", "filler"]  # no temporary, no backup
    assert sha256(book) == before


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


# --- issue 17.12: a name that is not UTF-8 ---------------------------------------------------------

def test_a_file_name_that_is_not_utf8(tmp_path):
    folder = os.fsencode(tmp_path / "in")
    os.mkdir(folder)
    odd = os.path.join(folder, b"budget_\xe5r.xlsx")
    shutil.copy(EXAMPLE_2019, odd)
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "report", odd], capture_output=True, env=ENV)
    assert done.returncode == 0, done.stderr
    output = os.path.join(folder, b"budget_\xe5r_bilaga2.xlsx")
    assert os.path.exists(output) and b"budget_\xe5r_bilaga2.xlsx" in done.stdout
    import openpyxl

    values = [c.value for row in openpyxl.load_workbook(os.fsdecode(output))["Kontroll"].iter_rows() for c in row]
    assert any(isinstance(v, str) and "budget_\\xe5r.xlsx" in v for v in values)
    shutil.copy(EXAMPLE_2018, os.path.join(folder, b"good.xlsx"))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "batch", folder, b"-o", os.fsencode(out)],
                          capture_output=True, env=ENV)
    assert b"Traceback" not in done.stderr
    rows = summary_rows(out)
    assert [r["status"] for r in rows] == ["ok", "ok", "ok"]  # budget_år, its report, good
    assert any(r["file"].endswith("budget_\\xe5r.xlsx") for r in rows)
    (out / "summary.csv").read_text(encoding="utf-8")


# --- issue 17.13: batch -o that cannot be a folder ---------------------------------------------------

def test_batch_outdir_that_cannot_be_a_folder(tmp_path, tmpfs):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    for outdir, words in ((a_file, "is a file, not a folder"), (a_file / "sub", "part of this path is a file")):
        done = cli("batch", EXAMPLE_2019, "-o", outdir)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    read_only = tmpfs("64k", ",ro")
    for outdir in (read_only, read_only / "sub"):
        done = cli("batch", EXAMPLE_2019, "-o", outdir)
        assert done.returncode == 2 and "read-only" in done.stderr and "Traceback" not in done.stderr


# --- issue 17.14 / 17.15: workers under limits, ending with their parent ----------------------------

DRIVER = """
import os, signal, sys, time
from xl_statsbidrag.app import files
real = files.read_workbook
def read_workbook(source, *args, **kw):
    name = os.path.basename(str(source))
    if name.startswith("sleep"):
        time.sleep(600)
    if name.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("hog"):
        hog = [bytearray(64 << 20) for _ in range(64)]  # 4 GB
    return real(source, *args, **kw)
files.read_workbook = read_workbook
from xl_statsbidrag.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _bomb(path: Path) -> Path:
    """The example with 20 million empty cells in one activity row: a 91 kB file that costs the
    reader of this version 2.5 GB and 19 s (issue 17, item 2)."""
    with zipfile.ZipFile(EXAMPLE_2019) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = members["xl/worksheets/sheet2.xml"]
    end = sheet.index(b"</row>", sheet.index(b'<row r="6"'))
    members["xl/worksheets/sheet2.xml"] = sheet[:end] + b"<c/>" * 20_000_000 + sheet[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_a_batch_survives_killed_hung_and_hungry_workers(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a_good.xlsx", "hog.xlsx", "kill.xlsx", "sleep.xlsx", "z_good.xlsx"):
        shutil.copy(EXAMPLE_2019, folder / name)
    _bomb(folder / "bomb.xlsx")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    out = tmp_path / "out"
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(driver), "batch", str(folder), "-o", str(out), "--jobs", "2",
                           "--timeout", "10", "--max-memory", "1024"], capture_output=True, text=True,
                          env=ENV, timeout=300)
    took = time.monotonic() - start
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 1
    rows = {os.path.basename(r["file"]): r for r in summary_rows(out)}
    assert set(rows) == {"a_good.xlsx", "bomb.xlsx", "hog.xlsx", "kill.xlsx", "sleep.xlsx", "z_good.xlsx"}
    assert rows["a_good.xlsx"]["status"] == rows["z_good.xlsx"]["status"] == "ok"
    assert "memory limit" in rows["hog.xlsx"]["reason"]
    assert "killed (SIGKILL" in rows["kill.xlsx"]["reason"]
    assert "time limit" in rows["sleep.xlsx"]["reason"]
    assert rows["bomb.xlsx"]["status"] == "ok" or rows["bomb.xlsx"]["reason"]  # over a limit, or refused
    assert not list(out.glob(".*.tmp"))
    assert took < 120, took


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_with_their_batch(tmp_path, sig):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        shutil.copy(EXAMPLE_2019, folder / f"sleep{i}.xlsx")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(driver), "batch", str(folder), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        workers = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.1)
            workers = _children(proc.pid)
        assert len(workers) == 2
        os.kill(proc.pid, sig)  # the batch alone, not its process group
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "orphaned workers"
        if sig == signal.SIGTERM:
            rows = summary_rows(out)
            assert len(rows) == 3 and all("interrupted" in r["reason"] for r in rows)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


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
    assert cli("batch", folder, "-o", out).returncode == 0
    text = (out / "summary.csv").read_text(encoding="utf-8")
    _no_formula_fields(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(os.path.basename(r["file"]) for r in rows) == ["budget;'=2+5;x.xlsx", "cost,'=HYPERLINK(1).xlsx"]
    assert sorted(os.path.basename(r["file"]) for r in summary_rows(out)) == ["budget;=2+5;x.xlsx",
                                                                               "cost,=HYPERLINK(1).xlsx"]


def test_allocate_csv_is_safe_with_either_separator(tmp_path):
    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\n\"Region A;=2+5;x\",1\n\"=HYPERLINK(\"\"x\"\")\",3\n", encoding="utf-8")
    done = cli("allocate", "1000", "--weights", weights, "--format", "csv")
    assert done.returncode == 0, done.stderr
    _no_formula_fields(done.stdout)
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[1] == ["Region A;'=2+5;x", "1", "250"]
