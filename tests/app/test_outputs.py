"""The one output rule (issue 25): never an input, never an existing file the tool did not make (or
that was changed since it made it) unless --force, which keeps a backup copy; always atomic.  For
every command that writes: report, rekvisition, utfall, import, allocate -o, deadlines --ics, batch."""
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, ROOT, WORKBOOKS, sha256
from tests.support.batch import run_cli
from tests.support.imports import seed_001_workbook
from tests.support.outputs import books

from xl_statsbidrag.app import outputs
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.xlsx import fingerprint


ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=ENV, cwd=cwd)


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".backup-" in p.name)


def edit_with_openpyxl(path: Path) -> None:
    """What a user does: open the output, write a comment, save."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb[wb.sheetnames[-1]]["H1"] = "min kommentar"
    wb.save(path)


# --- item 1: deadlines --ics -----------------------------------------------------------------------------
@pytest.mark.system

def test_ics_over_an_input_workbook_is_refused_and_the_workbook_kept(books):
    a, b = books
    before = sha256(b)
    done = cli("deadlines", a, b, "--ics", b)  # the .ics name forgotten
    assert done.returncode == 2 and "would overwrite an input" in done.stderr, done.stderr
    assert sha256(b) == before
    done = cli("deadlines", a, b, "--ics", b, "--force")  # not even with --force
    assert done.returncode == 2 and sha256(b) == before and not backups(b.parent)


@pytest.mark.system
def test_ics_over_a_file_of_the_user_needs_force_and_keeps_a_backup(books, tmp_path):
    a, _ = books
    mine = tmp_path / "kalender.ics"
    mine.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-MY:own\r\nEND:VCALENDAR\r\n")
    other = tmp_path / "notes.xlsx"
    shutil.copy(EXAMPLE_2018, other)
    for target in (mine, other):
        before = target.read_bytes()
        done = cli("deadlines", a, "--ics", target)
        assert done.returncode == 2 and "was not written by xl-statsbidrag" in done.stderr and "--force" in done.stderr
        assert target.read_bytes() == before and not backups(tmp_path)
    done = cli("deadlines", a, "--ics", mine, "--force")
    assert done.returncode == 0, done.stderr
    [backup] = backups(tmp_path)
    assert backup.read_bytes() == b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-MY:own\r\nEND:VCALENDAR\r\n"
    assert "kept as " + backup.name in done.stdout
    assert b"BEGIN:VEVENT" in mine.read_bytes()


@pytest.mark.system
def test_ics_the_tool_wrote_is_replaced_and_one_edited_since_is_not(books, tmp_path):
    a, b = books
    ics = tmp_path / "t.ics"
    assert cli("deadlines", a, "--ics", ics).returncode == 0
    assert outputs.state(ics) == outputs.OURS
    import icalendar

    assert len(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) > 0  # the mark keeps it a calendar
    assert cli("deadlines", a, b, "--ics", ics).returncode == 0  # its own output: replaced, no backup
    assert not backups(tmp_path)
    ics.write_bytes(ics.read_bytes().replace(b"SUMMARY:", b"SUMMARY:Flyttad ", 1))  # edited in an editor
    assert outputs.state(ics) == outputs.CHANGED
    done = cli("deadlines", a, "--ics", ics)
    assert done.returncode == 2 and "has been changed since" in done.stderr


# --- item 2: report over an output edited since ----------------------------------------------------------
@pytest.mark.system

def test_report_rerun_replaces_its_own_output_but_not_one_edited_since(books, tmp_path):
    a, _ = books
    out = tmp_path / "a_bilaga2.xlsx"
    assert cli("report", a).returncode == 0
    assert outputs.state(out) == outputs.OURS and fingerprint.check(out) is True
    assert cli("report", a).returncode == 0 and not backups(tmp_path)  # unchanged: replaced
    edit_with_openpyxl(out)
    edited = sha256(out)
    assert outputs.state(out) in (outputs.CHANGED, outputs.FOREIGN)
    done = cli("report", a)
    assert done.returncode == 2 and "--force" in done.stderr, done.stderr
    assert sha256(out) == edited and not backups(tmp_path)
    done = cli("report", a, "--force")
    assert done.returncode == 0, done.stderr
    [backup] = backups(tmp_path)
    assert sha256(backup) == edited and backup.name.startswith("a_bilaga2.backup-") and backup.suffix == ".xlsx"
    assert "kept as " + backup.name in done.stdout
    assert outputs.state(out) == outputs.OURS


def test_report_over_a_workbook_of_the_user_is_refused(books):
    a, b = books
    before = sha256(b)
    with pytest.raises(UserError, match="was not written by xl-statsbidrag"):
        report_file(a, b)
    assert sha256(b) == before


@pytest.mark.system
@pytest.mark.parametrize("command", ["rekvisition", "utfall", "import"])
def test_every_command_that_writes_a_copy_follows_the_rule(command, books, tmp_path):
    a, b = books
    target = tmp_path / "ut.xlsx"
    shutil.copy(EXAMPLE_2018, target)  # a workbook of the user's, where the output is to go
    before = sha256(target)
    source = a
    if command == "import":
        from tests.support.imports import seed_001_workbook

        source = seed_001_workbook(tmp_path / "pm.xlsx")
    args = {"rekvisition": ["rekvisition", source, "-o", target],
            "utfall": ["utfall", source, WORKBOOKS / "huvudbok_2019.csv", "-o", target],
            "import": ["import", source, "--agreement", "pm-2018", "--region", "Jämtlands län", "-o", target]}[command]
    done = cli(*args)
    assert done.returncode == 2 and "was not written by xl-statsbidrag" in done.stderr, done.stderr
    assert sha256(target) == before
    done = cli(*args, "--force")
    assert done.returncode in (0, 1), done.stderr
    [backup] = backups(tmp_path)
    assert sha256(backup) == before and outputs.state(target) == outputs.OURS
    assert cli(*args).returncode in (0, 1)  # again: its own output now, replaced without a backup
    assert len(backups(tmp_path)) == 1


@pytest.mark.system
def test_in_place_keeps_the_workbook_the_users_own(books, tmp_path):
    """A workbook changed with --in-place carries no mark: another command's -o never takes it for an output."""
    a, b = books
    assert cli("report", b, "--in-place").returncode == 0
    assert fingerprint.check(b) is None and outputs.state(b) == outputs.FOREIGN
    done = cli("report", a, "-o", b)
    assert done.returncode == 2 and "was not written by xl-statsbidrag" in done.stderr


# --- item 3: allocate -o ----------------------------------------------------------------------------------
@pytest.mark.system

@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_allocate_does_not_replace_a_file_it_did_not_write(suffix, tmp_path):
    target = tmp_path / f"fördelning{suffix}"
    if suffix == ".xlsx":
        shutil.copy(EXAMPLE_2019, target)
    else:
        target.write_text("region;mina anteckningar\n", encoding="utf-8")
    before = sha256(target)
    done = cli("allocate", "2835000000", "--population", "2018-12-31", "-o", target)
    assert done.returncode == 2 and "was not written by xl-statsbidrag" in done.stderr, done.stderr
    assert sha256(target) == before
    done = cli("allocate", "2835000000", "--population", "2018-12-31", "-o", target, "--force")
    assert done.returncode == 0, done.stderr
    [backup] = backups(tmp_path)
    assert sha256(backup) == before
    # its own output, unchanged: a re-run replaces it without asking
    done = cli("allocate", "400000000", "--population", "2018-12-31", "-o", target)
    assert done.returncode == 0, done.stderr
    assert len(backups(tmp_path)) == 1
    if suffix == ".csv":
        assert json.loads((tmp_path / outputs.RECORD_NAME).read_text(encoding="utf-8"))["files"][target.name]
        target.write_text(target.read_text(encoding="utf-8") + "ändrad\n", encoding="utf-8")
        done = cli("allocate", "400000000", "--population", "2018-12-31", "-o", target)
        assert done.returncode == 2 and "has been changed since" in done.stderr


@pytest.mark.system
def test_allocate_never_writes_over_its_weights_file(tmp_path):
    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\nA,1\nB,3\n", encoding="utf-8")
    before = sha256(weights)
    done = cli("allocate", "100", "--weights", weights, "-o", weights, "--force")
    assert done.returncode == 2 and "overwrite the weights" in done.stderr and sha256(weights) == before


# --- batch: the same rule ---------------------------------------------------------------------------------
@pytest.mark.system

def test_batch_does_not_replace_an_output_edited_since(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(EXAMPLE_2019, inputs / "a.xlsx")
    assert cli("batch", inputs, "-o", out).returncode == 0
    report = out / "a_bilaga2.xlsx"
    edit_with_openpyxl(report)
    edited = sha256(report)
    os.utime(inputs / "a.xlsx")  # the input changed after: the output is out of date
    done = cli("batch", inputs, "-o", out)
    assert done.returncode == 1
    [row] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert row["status"] == "failed" and "changed since" in row["reason"] and "--force" in row["reason"]
    assert sha256(report) == edited
    assert cli("batch", inputs, "-o", out, "--force").returncode == 0
    [backup] = backups(out)
    assert sha256(backup) == edited


@pytest.mark.system
def test_batch_pdfs_follow_the_rule(tmp_path, libreoffice):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    shutil.copy(EXAMPLE_2019, inputs / "a.xlsx")
    (out / "a_bilaga2.pdf").write_bytes(b"%PDF-1.4 my own notes")
    done = cli("batch", inputs, "-o", out, "--pdf")
    [row] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert done.returncode == 1 and row["status"] == "failed" and "a_bilaga2.pdf" in row["reason"]
    assert (out / "a_bilaga2.pdf").read_bytes() == b"%PDF-1.4 my own notes" and not (out / "a_bilaga2.xlsx").exists()
    assert cli("batch", inputs, "-o", out, "--pdf", "--force").returncode == 0
    assert [p.read_bytes() for p in backups(out)] == [b"%PDF-1.4 my own notes"]
    assert outputs.state(out / "a_bilaga2.pdf") == outputs.OURS  # recorded in the folder's record
    os.utime(inputs / "a.xlsx")
    assert cli("batch", inputs, "-o", out, "--pdf").returncode == 0  # its own PDF: replaced
    assert len(backups(out)) == 1


@pytest.mark.system
def test_batch_refuses_summaries_it_did_not_write(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    shutil.copy(EXAMPLE_2019, inputs / "a.xlsx")
    (out / "summary.csv").write_text("mina siffror\n", encoding="utf-8")
    done = cli("batch", inputs, "-o", out)
    assert done.returncode == 2 and "summary.csv" in done.stderr and "--force" in done.stderr
    assert (out / "summary.csv").read_text(encoding="utf-8") == "mina siffror\n"
    assert not (out / "a_bilaga2.xlsx").exists()  # refused before any work
    assert cli("batch", inputs, "-o", out, "--force").returncode == 0
    assert [p.read_text(encoding="utf-8") for p in backups(out)] == ["mina siffror\n"]
    assert cli("batch", inputs, "-o", out).returncode == 0  # its own summaries now: rewritten freely


def test_an_empty_file_and_a_missing_one_are_free(tmp_path):
    empty = tmp_path / "tom.xlsx"
    empty.write_bytes(b"")
    assert outputs.state(empty) == outputs.NEW and outputs.state(tmp_path / "none.xlsx") == outputs.NEW
    with pytest.raises(UserError, match="is a folder"):
        outputs.claim(tmp_path)


def test_output_rules(tmp_path, rich_xlsm):
    with pytest.raises(UserError, match="overwrite the input"):
        report_file(EXAMPLE_2019, EXAMPLE_2019)
    with pytest.raises(UserError, match="same kind of file name"):
        report_file(rich_xlsm, tmp_path / "out.xlsx")
    with pytest.raises(UserError, match="does not exist"):
        report_file(EXAMPLE_2019, tmp_path / "no" / "such" / "out.xlsx")
    assert os.listdir(tmp_path) == []


# --- issue 14.4: output and input by identity --------------------------------------------------------
@pytest.mark.system

@pytest.mark.parametrize("how", ["hardlink", "symlink"])
def test_an_output_that_is_the_input_under_another_name_is_refused(tmp_path, how):
    book = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_2019, book)
    other = tmp_path / "other.xlsx"
    os.link(book, other) if how == "hardlink" else other.symlink_to(book)
    before = sha256(book)
    done = run_cli("report", book, "-o", other)
    assert done.returncode == 2 and "same file" in done.stderr
    assert sha256(book) == before and os.path.samefile(book, other)
