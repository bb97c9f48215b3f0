"""`xl-statsbidrag batch` over a folder that mixes good, broken, locked and non-workbook files."""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, sha256


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


def test_fail_fast_stops_after_a_failure(mixed, tmp_path):
    out = tmp_path / "out"
    done = run(mixed / "broken.xlsx", mixed / "a2019.xlsx", mixed / "sub", "-o", out, "--jobs", "1", "--fail-fast")
    assert done.returncode == 1
    rows = summary(out)
    assert rows["broken.xlsx"]["status"] == "failed"
    assert all(r["status"] == "failed" for r in rows.values())
    assert "not run" in rows["p2018.xlsx"]["reason"]


def test_globs_and_explicit_non_workbooks(mixed, tmp_path):
    out = tmp_path / "out"
    done = run(str(mixed / "*.xlsx"), mixed / "notes.txt", "-o", out)
    rows = summary(out)
    assert set(rows) == {"a2019.xlsx", "broken.xlsx", "open.xlsx", "notes.txt"}
    assert rows["notes.txt"]["status"] == "failed" and done.returncode == 1
    assert run(tmp_path / "nothing-here", "-o", out).returncode == 1


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
