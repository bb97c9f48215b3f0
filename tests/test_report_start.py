"""`report`'s start (issue 28, target 3: the whole process within 3x of `python -c pass`, measured by
benchmarks/bench_floor.py --only report): what its process imports and makes, held without timing.

- the process that runs `report` imports none of what only other commands need (OpenSSL's hashlib,
  subprocess, json, the ledger formats, the allocation, pandas, ...);
- the CLI makes the parser of the command it runs only, and each command's help, usage and parsed
  arguments are the same as those of the parser made whole at once;
- the mark's SHA-256 (the interpreter's own, not OpenSSL's) is hashlib's;
- the classes that take their repr, == and hash (and some their ``__init__``) from ``core.records`` are made,
  shown, compared and hashed as the dataclasses they were.
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import hashlib
import io
import subprocess
import sys
from decimal import Decimal as D

import pytest

from tests.conftest import EXAMPLE_2019
from xl_statsbidrag import cli
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.grantledger import GrantYear
from xl_statsbidrag.core.model import LedgerObjekt
from xl_statsbidrag.core.records import FrozenRecord, Record
from xl_statsbidrag.core.yearend import year_end
from xl_statsbidrag.forms.layout import Column
from xl_statsbidrag.xlsx import fingerprint

# Modules `report` does not need: each costs its start milliseconds (OpenSSL ~2 ms, subprocess and
# platform ~3 ms, json ~1 ms) or is a heavy optional package another command uses.
NOT_FOR_REPORT = {
    "hashlib", "_hashlib", "subprocess", "platform", "uuid", "json", "multiprocessing", "concurrent",
    "email", "http", "urllib.request", "xml.dom", "pandas", "numpy", "openpyxl", "xlsxwriter", "icalendar",
    "xlwings", "python_calamine",
    "xl_statsbidrag.ledger.formats", "xl_statsbidrag.ledger.read", "xl_statsbidrag.core.allocation",
    "xl_statsbidrag.app.batch", "xl_statsbidrag.app.utfall", "xl_statsbidrag.app.allocate",
    "xl_statsbidrag.app.deadlines", "xl_statsbidrag.app.importing", "xl_statsbidrag.excel",
    "xl_statsbidrag.files.libreoffice", "xl_statsbidrag.xlsx.newbook", "xl_statsbidrag.xlsx.cellpatch",
}

RUN_REPORT = """
import contextlib, io, sys
from xl_statsbidrag.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["report", sys.argv[1], "-o", sys.argv[2], "--today", "2020-03-01"])
print(code)
print("\\n".join(sorted(sys.modules)))
"""


def test_the_report_process_imports_only_what_report_needs(tmp_path):
    done = subprocess.run([sys.executable, "-c", RUN_REPORT, str(EXAMPLE_2019), str(tmp_path / "r.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    code, *modules = done.stdout.split()
    assert code == "0" and (tmp_path / "r.xlsx").exists()
    loaded = set(modules)
    assert "xl_statsbidrag.app.report" in loaded and "xl_statsbidrag.xlsx.writer" in loaded  # (it ran)
    unneeded = {m for m in loaded if m in NOT_FOR_REPORT or any(m.startswith(n + ".") for n in NOT_FOR_REPORT)}
    assert unneeded == set()


def _commands(parser) -> dict:
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    return sub.choices


def test_the_cli_makes_only_the_parser_of_the_command_it_runs():
    parser = cli.build_parser(lazy=True)
    args = parser.parse_args(["report", str(EXAMPLE_2019), "--today", "2020-03-01"])
    assert args.func is cli.cmd_report
    made = {name for name, p in _commands(parser).items() if "_pending" not in vars(p)}
    assert made == {"report"}


@pytest.mark.parametrize("name", [name for name, _, _ in cli.COMMANDS])
def test_each_commands_help_usage_and_arguments_are_those_of_the_whole_parser(name):
    whole, lazy = _commands(cli.build_parser())[name], _commands(cli.build_parser(lazy=True))[name]
    assert "_pending" not in vars(whole) and "_pending" in vars(lazy)
    assert lazy.format_usage() == whole.format_usage()
    assert lazy.format_help() == whole.format_help()
    options = [(a.option_strings, a.dest, a.nargs, a.default, a.required, a.choices, a.help) for a in whole._actions]
    assert [(a.option_strings, a.dest, a.nargs, a.default, a.required, a.choices, a.help)
            for a in lazy._actions] == options


def test_the_top_level_help_and_errors_are_those_of_the_whole_parser():
    def said(parser, argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit:
            parser.parse_args(argv)
        return exit.value.code, out.getvalue(), err.getvalue()

    for argv in (["--help"], [], ["nope"], ["report"], ["report", "--help"], ["allocate", "5"],
                 ["utfall", "--help"], ["validate", "x.xlsx", "--format", "xml"], ["--version"]):
        assert said(cli.build_parser(lazy=True), argv) == said(cli.build_parser(), argv), argv


def test_a_parsed_command_line_is_the_same_either_way(tmp_path):
    argv = ["deadlines", "a.xlsx", "b.xlsx", "--format", "csv", "--remind", "redovisning=8,6", "--today", "2020-03-01"]
    assert vars(cli.build_parser(lazy=True).parse_args(argv)) == vars(cli.build_parser().parse_args(argv))


def test_the_marks_sha256_is_hashlibs():
    members = [("xl/workbook.xml", 0x1234ABCD, 512), ("[Content_Types].xml", 0xFFFFFFFF, 1 << 20)]
    custom = b"<Properties>" + fingerprint.PLACEHOLDER.encode() + b"</Properties>"
    h = hashlib.sha256()
    for name, crc, size in sorted(members):
        h.update(f"{name}\0{crc:08x}\0{size}\n".encode())
    h.update(b"\0docProps/custom.xml\0" + custom)
    assert fingerprint.digest(members, "docProps/custom.xml", custom) == "sha256:" + h.hexdigest()
    assert fingerprint.sha256(b"x" * 100_000).hexdigest() == hashlib.sha256(b"x" * 100_000).hexdigest()


def _as_dataclass(obj):
    """``obj`` (a ``Record``) as the plain ``@dataclass`` of the same fields would make it."""
    twin = dataclasses.make_dataclass(type(obj).__name__, [
        (f.name, f.type, dataclasses.field(repr=f.repr, compare=f.compare, hash=f.hash))
        for f in dataclasses.fields(obj)], frozen=isinstance(obj, FrozenRecord))
    twin.__qualname__ = type(obj).__qualname__
    return twin(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})


def _hashed(obj) -> int | str:
    try:
        return hash(obj)
    except TypeError:
        return "unhashable"


def test_records_have_the_repr_and_equality_of_a_dataclass():
    from xl_statsbidrag.app.report import make_report
    from xl_statsbidrag.app.files import read_workbook

    book = read_workbook(EXAMPLE_2019, False)
    made = make_report(book, dt.date(2020, 3, 1), dt.datetime(2020, 3, 1, 12))
    ye = year_end(book)
    records = [made, made.summary, made.summary.suggestion, made.form, book, book.agreement, *book.agreement.pots,
               *book.agreement.objekt, *book.activities, *made.form.rows[:20], *made.form.rows[5].cells,
               *made.findings, ye, Column(["a", "b"], ("text", "money")), Column([1, None], scale=2),
               GrantYear(2019, "Övriga medel", received=D(100), closing=D(100), cells={"year": Location("X", "A1")}),
               LedgerObjekt("9902", D(1), D(1), D(0), D(0), D(0), D(0), D(0))]
    assert all(isinstance(r, Record) for r in records) and made.findings and made.form.rows[5].cells
    for r in records:
        assert repr(r) == repr(_as_dataclass(r))
        assert r == copy.copy(r) and not r != copy.copy(r)
        if isinstance(r, FrozenRecord):
            assert _hashed(r) == _hashed(_as_dataclass(r)) == _hashed(copy.copy(r))
            with pytest.raises(dataclasses.FrozenInstanceError):
                r.__setattr__(dataclasses.fields(r)[0].name, None)
        else:
            with pytest.raises(TypeError):
                hash(r)
    assert _hashed(ye) == "unhashable" and isinstance(_hashed(records[-2]), int)  # (YearEnd holds lists)
    pot = book.agreement.pots[0]
    assert pot == dataclasses.replace(pot, cells={})  # (cells: compare=False)
    assert pot != dataclasses.replace(pot, amount=pot.amount + 1) and pot != _as_dataclass(pot)
    assert (pot == None) is False  # noqa: E711 (NotImplemented from Record, then identity)
    loop, twin = dataclasses.replace(made.summary.suggestion, reasons=[]), _as_dataclass(made.summary.suggestion)
    loop.reasons, twin.reasons = [loop], [twin]  # an object inside itself: "..."
    assert repr(loop) == repr(twin) == "Suggestion(alternative=None, reasons=[...], findings=[])"


def test_records_made_by_records_init_are_made_as_a_dataclass_would():
    from xl_statsbidrag.core.model import Agreement, Pot
    from xl_statsbidrag.forms.layout import RowBlock

    assert Pot.__init__ is Record.__init__ and GrantYear.__init__ is Record.__init__
    first, second = Pot("Stimulansmedel", D(1)), Pot(name="Öronmärkt", amount=D(2), earmarked=True)
    assert (first.earmarked, first.purpose, first.cells, second.earmarked) == (False, "", {}, True)
    assert first.cells is not Pot("x", D(0)).cells  # a default factory's value is the object's own
    agreement = Agreement("Avtal", 2019, [first, second], region_dnr="RS 2019/1")
    assert agreement == Agreement(name="Avtal", year=2019, pots=[first, second], region_dnr="RS 2019/1")
    assert (agreement.objekt, agreement.no_deadline, agreement.total) == ([], frozenset(), D(3))
    assert dataclasses.replace(agreement, year=2020).year == 2020 and agreement.year == 2019
    for wrong in (lambda: Pot("a"), lambda: Pot("a", D(1), nope=1), lambda: Pot("a", D(1), name="b"),
                  lambda: Pot("a", D(1), False, "", {}, "one too many")):
        with pytest.raises(TypeError):
            wrong()
    row = GrantYear(2019, "Övriga medel", D(0), D(100), closing=D(100))
    assert (row.received, row.costs, row.closing, row.received_ref, row.cells) == (D(100), D(0), D(100), "", {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.pot = "x"
    with pytest.raises(ValueError):  # __post_init__ runs
        RowBlock([Column(["a", "b"])], [None])
