"""`xl-statsbidrag batch` over a folder that mixes good, broken, locked and non-workbook files."""
import csv
import io
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, sha256
from tests.support.batch import ENV, _killed_writer_temporary, run_cli, summary_rows, tmpfs


def run(*args):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", "batch", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture
def mixed(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLE_2019, folder / "a2019.xlsx")
    shutil.copy(WORKBOOKS / "beslutsunderlag_2019.xlsm", folder / "m2019.xlsm")
    shutil.copy(EXAMPLE_2018, folder / "sub" / "p2018.xlsx")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    shutil.copy(EXAMPLE_2019, folder / "open.xlsx")
    (folder / "~$open.xlsx").write_bytes(b"\x00lock")
    (folder / "notes.txt").write_text("not a workbook")
    return folder


def summary(outdir):
    rows = list(csv.DictReader((outdir / "summary.csv").open(encoding="utf-8")))
    assert rows == [{k: ("" if v is None else str(v)) for k, v in r.items()}
                    for r in json.loads((outdir / "summary.json").read_text(encoding="utf-8"))]
    return {os.path.basename(r["file"]): r for r in rows}


@pytest.mark.system
def test_mixed_folder(mixed, tmp_path):
    hashes = {p: sha256(p) for p in mixed.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    done = run(mixed, "-o", out, "--jobs", "2")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    rows = summary(out)
    assert set(rows) == {"a2019.xlsx", "m2019.xlsm", "p2018.xlsx", "broken.xlsx", "open.xlsx"}
    assert rows["a2019.xlsx"]["status"] == "ok" and rows["a2019.xlsx"]["unused"] == "191"
    assert (rows["p2018.xlsx"]["received"], rows["p2018.xlsx"]["costs"], rows["p2018.xlsx"]["unused"]) == \
        ("12208598", "9980000", "2228598")
    assert rows["m2019.xlsm"]["output"].endswith("m2019_bilaga2.xlsm")
    assert rows["broken.xlsx"]["status"] == "failed" and "not an Excel workbook" in rows["broken.xlsx"]["reason"]
    assert rows["open.xlsx"]["status"] == "failed" and "open in Excel" in rows["open.xlsx"]["reason"]
    assert rows["a2019.xlsx"]["warnings"] == "13" and rows["a2019.xlsx"]["errors"] == "0"  # see test_validation
    for r in rows.values():
        if r["status"] == "ok":
            assert zipfile.ZipFile(r["output"]).testzip() is None
    assert {p: sha256(p) for p in hashes} == hashes, "inputs must not change"
    assert "failed: " in done.stdout and "broken.xlsx" in done.stdout
    assert "ok     " in done.stderr  # plain log lines when not on a terminal


@pytest.mark.system
def test_rerun_skips_up_to_date_outputs_unless_forced(tmp_path):
    out = tmp_path / "out"
    assert run(EXAMPLE_2019, "-o", out).returncode == 0
    output = out / "beslutsunderlag_2019_bilaga2.xlsx"
    first = output.stat().st_mtime_ns
    done = run(EXAMPLE_2019, "-o", out)
    assert done.returncode == 0 and output.stat().st_mtime_ns == first
    assert "up to date" in summary(out)["beslutsunderlag_2019.xlsx"]["reason"]
    assert summary(out)["beslutsunderlag_2019.xlsx"]["unused"] == "191"
    time.sleep(0.01)
    assert run(EXAMPLE_2019, "-o", out, "--force").returncode == 0
    assert output.stat().st_mtime_ns != first


@pytest.mark.system
def test_fail_fast_stops_after_a_failure(mixed, tmp_path):
    out = tmp_path / "out"
    done = run(mixed / "broken.xlsx", mixed / "a2019.xlsx", mixed / "sub", "-o", out, "--jobs", "1", "--fail-fast")
    assert done.returncode == 1
    rows = summary(out)
    assert rows["broken.xlsx"]["status"] == "failed"
    assert all(r["status"] == "failed" for r in rows.values())
    assert "not run" in rows["p2018.xlsx"]["reason"]


@pytest.mark.system
def test_globs_and_explicit_non_workbooks(mixed, tmp_path):
    out = tmp_path / "out"
    done = run(str(mixed / "*.xlsx"), mixed / "notes.txt", "-o", out)
    rows = summary(out)
    assert set(rows) == {"a2019.xlsx", "broken.xlsx", "open.xlsx", "notes.txt"}
    assert rows["notes.txt"]["status"] == "failed" and done.returncode == 1
    assert run(tmp_path / "nothing-here", "-o", out).returncode == 1


@pytest.mark.system
def test_pdf_of_the_bilaga_2_sheet(tmp_path, libreoffice):
    out = tmp_path / "out"
    done = run(EXAMPLE_2019, EXAMPLE_2018, "-o", out, "--pdf")
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("beslutsunderlag_2019_bilaga2.pdf", "professionsmiljarden_2018_bilaga2.pdf"):
        pdf = (out / name).read_bytes()
        assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(out / "beslutsunderlag_2019_bilaga2.pdf"), "-"], capture_output=True,
                          text=True).stdout if shutil.which("pdftotext") else ""
    if text:
        assert "Ekonomisk redovisning" in text and "41 197 280 kr" in text and "Kontaktuppgifter" in text
        assert "Aktiviteter" not in text.split("Ekonomisk redovisning")[0]  # only the Bilaga 2 sheet


@pytest.mark.system
def test_a_killed_run_leaves_no_broken_files(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        shutil.copy(EXAMPLE_2019, folder / f"b{i:03}.xlsx")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "xl_statsbidrag", "batch", str(folder), "-o", str(out),
                             "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline and len(list(out.glob("*_bilaga2.xlsx"))) < 5:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    for path in out.glob("*_bilaga2.xlsx"):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None, path
    assert run(folder, "-o", out).returncode == 0
    assert not list(out.glob(".*.tmp"))
    assert len(list(out.glob("*_bilaga2.xlsx"))) == 60


POOL_DRIVER = """
import os, signal, sys, time
from xl_statsbidrag.app import files
real = files.read_workbook
def read_workbook(source, *args, **kw):
    name = os.path.basename(str(source))
    with open(os.environ["XLSB_TEST_PIDS"], "a") as log:
        log.write(f"{name} {os.getpid()}\\n")
    if name.startswith("c_hog"):
        hog = [bytearray(64 << 20) for _ in range(64)]  # 4 GB
    if name.startswith("e_kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("g_sleep"):
        time.sleep(600)
    return real(source, *args, **kw)
files.read_workbook = read_workbook
from xl_statsbidrag.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.system
def test_a_worker_that_breaks_a_limit_is_replaced_and_only_its_book_fails(tmp_path):
    """Issue 28: the workers are long-lived (one converts book after book), each book still under its own
    limits: the worker that runs out of memory, is killed or runs out of time is replaced by a new one,
    only its book fails, and the books after it are converted."""
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["a_good", "b_good", "c_hog", "d_good", "e_kill", "f_good", "g_sleep", "h_good"]
    for name in names:
        shutil.copy(EXAMPLE_2019, folder / f"{name}.xlsx")
    driver = tmp_path / "driver.py"
    driver.write_text(POOL_DRIVER)
    pids = tmp_path / "pids.txt"
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(driver), "batch", str(folder), "-o", str(out), "--jobs", "1",
                           "--timeout", "5", "--max-memory", "1024"], capture_output=True, text=True,
                          env={**os.environ, "XLSB_TEST_PIDS": str(pids)}, timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 1
    rows = summary(out)
    assert [rows[f"{n}.xlsx"]["status"] for n in names] == ["ok", "ok", "failed", "ok", "failed", "ok", "failed", "ok"]
    assert "memory limit" in rows["c_hog.xlsx"]["reason"]
    assert "killed (SIGKILL" in rows["e_kill.xlsx"]["reason"]
    assert "time limit" in rows["g_sleep.xlsx"]["reason"]
    worker = dict(line.split() for line in pids.read_text().splitlines())
    assert worker["a_good.xlsx"] == worker["b_good.xlsx"] == worker["c_hog.xlsx"]  # one worker, book after book
    assert worker["d_good.xlsx"] == worker["e_kill.xlsx"] != worker["c_hog.xlsx"]  # a new one after the hog
    assert worker["f_good.xlsx"] == worker["g_sleep.xlsx"] != worker["e_kill.xlsx"]
    assert worker["h_good.xlsx"] != worker["g_sleep.xlsx"]
    for n in ("a_good", "d_good", "h_good"):
        with zipfile.ZipFile(out / f"{n}_bilaga2.xlsx") as z:
            assert z.testzip() is None


def test_an_idle_worker_that_died_is_replaced_and_its_next_book_still_converts(tmp_path, monkeypatch):
    """A pool worker killed while it waits for a book (the out-of-memory killer chooses the largest
    process, which may be an idle one): the book it would have had goes to a new worker."""
    from xl_statsbidrag.app import batch

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        shutil.copy(EXAMPLE_2019, folder / f"b{i}.xlsx")
    real, calls, pids = batch._Worker.give, [], []

    def give(self, book, args):
        calls.append(book)
        pids.append(self.process.pid)
        if len(calls) == 2:  # the worker that did the first book dies before it gets the second
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.join()
        return real(self, book, args)

    monkeypatch.setattr(batch._Worker, "give", give)
    rows = batch.run([str(folder)], tmp_path / "out", 1, progress_stream=io.StringIO())
    assert [r.status for r in rows] == ["ok", "ok", "ok"], [r.reason for r in rows]
    assert len(calls) == 4 and calls[1] == calls[2]  # the second book was given again, to a new worker
    assert pids[0] == pids[1] != pids[2] == pids[3]


# --- issue 14.1: batch output names unique by construction ------------------------------------------
@pytest.mark.system

def test_same_named_workbooks_in_a_tree_get_one_report_each(tmp_path):
    tree = tmp_path / "in"
    for year, example in (("2019", EXAMPLE_2019), ("2020", EXAMPLE_2018)):
        (tree / year / "ekonomi").mkdir(parents=True)
        shutil.copy(example, tree / year / "ekonomi" / "underlag.xlsx")
    out = tmp_path / "out"
    done = run_cli("batch", tree, "-o", out)
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


@pytest.mark.system
def test_a_run_that_would_still_collide_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE_2019, folder / "Budget.xlsx")
    shutil.copy(EXAMPLE_2019, folder / "budget.xlsx")  # one file on Windows/macOS, two here
    out = tmp_path / "out"
    done = run_cli("batch", folder, "-o", out)
    assert done.returncode == 2 and "same output name" in done.stderr and "Traceback" not in done.stderr
    assert not list(out.glob("*_bilaga2.xlsx"))


@pytest.mark.system
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
    done = run_cli("batch", EXAMPLE_2019, "-o", out)
    assert done.returncode == 0, done.stderr
    assert user_file.read_text() == "mine" and other_run.exists() and live.exists()
    assert not stale.exists()


@pytest.mark.system
def test_a_second_batch_on_the_same_outdir_is_refused(tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".xl-statsbidrag.lock", "a+b") as held:  # a run in progress holds it
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = run_cli("batch", EXAMPLE_2019, "-o", out)
    assert done.returncode == 2 and "another batch run" in done.stderr
    assert not (out / "summary.csv").exists()
    assert run_cli("batch", EXAMPLE_2019, "-o", out).returncode == 0  # released with its process


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
@pytest.mark.system

def test_batch_pdf_with_tmp_on_another_file_system(tmp_path, libreoffice):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system for the temporary folder")
    temp = Path(os.path.join(shm, f"xlsb-test-{os.getpid()}"))
    temp.mkdir(exist_ok=True)
    try:
        out = tmp_path / "out"
        done = run_cli("batch", EXAMPLE_2019, "-o", out, "--pdf", env=dict(ENV, TMPDIR=str(temp)))
        assert done.returncode == 0, done.stdout + done.stderr
        assert (out / "beslutsunderlag_2019_bilaga2.pdf").read_bytes().startswith(b"%PDF")
        assert not [p for p in out.iterdir() if p.name.startswith(".xlsb-")]
    finally:
        shutil.rmtree(temp, ignore_errors=True)


# --- issue 14.15: .xls ------------------------------------------------------------------------------
@pytest.mark.system

def test_an_xls_workbook_is_named_as_such(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # a compound file, as Excel 97 writes
    done = run_cli("report", old)
    assert done.returncode == 2
    assert "Excel 97-2003" in done.stderr and "save it as" in done.stderr and "bilaga2" not in done.stderr
    out = tmp_path / "out"
    assert run_cli("batch", old, "-o", out).returncode == 1
    assert "Excel 97-2003" in summary_rows(out)[0]["reason"]


# --- issue 17.12: a name that is not UTF-8 ---------------------------------------------------------
@pytest.mark.system

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
@pytest.mark.system

def test_batch_outdir_that_cannot_be_a_folder(tmp_path, tmpfs):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    for outdir, words in ((a_file, "is a file, not a folder"), (a_file / "sub", "part of this path is a file")):
        done = run_cli("batch", EXAMPLE_2019, "-o", outdir)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    read_only = tmpfs("64k", ",ro")
    for outdir in (read_only, read_only / "sub"):
        done = run_cli("batch", EXAMPLE_2019, "-o", outdir)
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


@pytest.mark.system
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


@pytest.mark.system
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
