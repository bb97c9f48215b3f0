"""The command line as a user meets it: exit codes, one-line errors, no output on failure."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, sha256, small_book, ROOT
from tests.support.crafted import cli
from tests.support.ledgers import write_lines


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


@pytest.mark.system
def test_report_on_the_example(tmp_path):
    before = sha256(EXAMPLE_2019)
    out = tmp_path / "r.xlsx"
    done = run("report", EXAMPLE_2019, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "41 197 280 kr" in done.stdout and "41 197 089 kr" in done.stdout and "191 kr" in done.stdout
    assert "activities:   23" in done.stdout and "no suggestion (no utfall)" in done.stdout
    assert "to repay:     191 kr" in done.stdout
    assert out.exists() and sha256(EXAMPLE_2019) == before


@pytest.mark.system
def test_report_default_output_name(tmp_path):
    source = tmp_path / "bok.xlsx"
    source.write_bytes(EXAMPLE_2018.read_bytes())
    done = run("report", source)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "bok_bilaga2.xlsx").exists()
    assert "12 208 598 kr" in done.stdout and "9 980 000 kr" in done.stdout and "2 228 598 kr" in done.stdout


@pytest.mark.system
@pytest.mark.parametrize("case", ["not-a-workbook", "missing", "unreadable-amount", "locked", "folder"])
def test_bad_input_one_clear_line_and_no_output(tmp_path, case):
    source = tmp_path / "in.xlsx"
    if case == "not-a-workbook":
        source.write_text("hello")
        words = ["not an Excel workbook"]
    elif case == "missing":
        words = ["no such file"]
    elif case == "unreadable-amount":
        small_book(source, [["A", "V", "tusen", "9917", "", None]])
        words = ["Aktiviteter!C4", "tusen"]
    elif case == "locked":
        small_book(source, [["A", "V", 1, "9917", "", None]])
        (tmp_path / "~$in.xlsx").write_bytes(b"")
        words = ["open in Excel"]
    else:
        source = tmp_path / "folder.xlsx"
        source.mkdir()
        words = ["folder"]
    before = set(os.listdir(tmp_path))
    done = run("report", source, "-o", tmp_path / "out.xlsx")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("xl-statsbidrag: error: ")
    assert str(source) in done.stderr
    for word in words:
        assert word in done.stderr
    assert set(os.listdir(tmp_path)) == before


@pytest.mark.system
def test_validate_exit_codes_and_json(tmp_path):
    done = run("validate", EXAMPLE_2019, "--format", "json", "--today", "2026-11-22")
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)
    assert all(set(f) >= {"severity", "code", "message", "sheet", "cell"} for f in findings)
    unallocated = next(f for f in findings if f["code"] == "ej-fordelat")
    assert unallocated["amount"] == "191" and unallocated["sheet"] == "Överenskommelse"
    over = small_book(tmp_path / "over.xlsx", [["A", "V", 5000, "9917", "", None]])
    assert run("validate", over).returncode == 1
    (tmp_path / "bad.xlsx").write_text("x")
    assert run("validate", tmp_path / "bad.xlsx").returncode == 2


@pytest.mark.system
def test_help_lists_the_commands():
    done = run("--help")
    assert done.returncode == 0 and "report" in done.stdout and "validate" in done.stdout


@pytest.mark.system
def test_a_missing_extra_is_named_not_a_traceback(tmp_path):
    """Without the extra a command needs (here: pandas for utfall), the message says which to install."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nclass B:\n    def find_spec(self, name, path=None, target=None):\n"
                       "        if name.split('.')[0] in ('pandas', 'numpy'):\n"
                       "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
                       "sys.meta_path.insert(0, B())\n")
    import os

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path)] + sys.path))
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "utfall", str(EXAMPLE_2019),
                           str(EXAMPLE_2019.with_name("huvudbok_2019.csv")), "-o", str(tmp_path / "u.xlsx")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "[ledger]" in done.stderr and "'utfall'" in done.stderr


@pytest.mark.system
@pytest.mark.parametrize("command", [["report"], ["rekvisition"], ["utfall"]])
def test_a_folder_as_the_workbook_is_named_not_a_traceback(tmp_path, command):
    ledger = tmp_path / "huvudbok.csv"
    ledger.write_text("Konto;Objekt;Belopp\n4010;9902;100\n", encoding="utf-8")
    extra = [str(ledger)] if command == ["utfall"] else []
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", *command, str(tmp_path), *extra],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "is a folder" in done.stderr and list(tmp_path.iterdir()) == [ledger]


# --- never lose data -----------------------------------------------------------------------------------
@pytest.mark.system

def test_no_command_changes_its_input(tmp_path, monkeypatch):
    import subprocess
    import sys

    source = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_2019, source)
    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\nA,1\nB,2\n")
    before = {p: sha256(p) for p in (source, weights)}
    commands = [["report", source, "-o", tmp_path / "r.xlsx"], ["validate", source], ["validate", source, "--format", "json"],
                ["allocate", "100", "--weights", weights, "-o", tmp_path / "a.xlsx"], ["batch", source, "-o", tmp_path / "b"]]
    for args in commands:
        done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True)
        assert done.returncode == 0, (args, done.stderr)
        assert {p: sha256(p) for p in before} == before, args


# --- 11. resources -----------------------------------------------------------------------------------------------

def test_a_memory_error_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    from xl_statsbidrag import cli as cli_module
    from xl_statsbidrag.app import utfall as jobs

    def exhausted(*args, **kwargs):
        raise MemoryError()
    monkeypatch.setattr(jobs, "utfall_file", exhausted)
    code = cli_module.main(["utfall", str(EXAMPLE_2019), str(tmp_path / "h.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("xl-statsbidrag: error: out of memory in 'utfall'") and "Traceback" not in err
    import errno

    def no_handles(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")
    monkeypatch.setattr(jobs, "utfall_file", no_handles)
    assert cli_module.main(["utfall", str(EXAMPLE_2019), str(tmp_path / "h.csv")]) == 2
    assert "ran out of a system resource: Too many open files" in capsys.readouterr().err


@pytest.mark.system
def test_a_memory_limit_in_a_real_process_ends_with_the_message(tmp_path):
    """The real thing: utfall under a 300 MB address-space limit on a large ledger."""
    rows = ["Datum;Konto;Text;Objekt;Belopp"] + [f"2019-01-01;4010;{'x' * 200};9902;1" for _ in range(400000)]
    ledger = write_lines(tmp_path / "big.csv", rows)
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20)); "
            "from xl_statsbidrag.cli import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", code, "utfall", str(EXAMPLE_2019), str(ledger), "-o",
                           str(tmp_path / "o.xlsx")], capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in done.stderr
    if done.returncode != 0:  # the limit was hit (where it is depends on the machine): said plainly
        assert done.returncode == 2 and "out of memory" in done.stderr, done.stderr
        assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.system
def test_unwritable_outputs_are_clear_errors(tmp_path):
    folder = tmp_path / "d.xlsx"
    folder.mkdir()
    done = cli("report", EXAMPLE_2019, "-o", folder)
    assert done.returncode == 2 and "is a folder" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "~$out.xlsx").write_bytes(b"")
    done = cli("report", EXAMPLE_2019, "-o", tmp_path / "out.xlsx")
    assert done.returncode == 2 and "open in Excel" in done.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_the_cli_module_runs_as_the_package_does():
    """``python -m xl_statsbidrag.cli`` printed nothing and did nothing (no __main__ guard)."""
    for module in ("xl_statsbidrag", "xl_statsbidrag.cli"):
        done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True)
        assert done.returncode == 0 and "bokslut" in done.stdout, (module, done.stderr)
