"""The documentation held to the code: the finding-code reference is the code table's output, every link
between the documents resolves (file and heading), and the README and docs/cli.md document every command
of the CLI with every option it takes."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from xl_statsbidrag.check import codes
from xl_statsbidrag.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
CODES_DOC = DOCS / "validation-codes.md"
DOCUMENTS = [README, ROOT / "ARCHITECTURE.md", *sorted(DOCS.glob("*.md"))]

# Commands being added on another branch while this one documents them: their row and their document may
# come first; once the CLI has the command, its document must exist and its options be documented.
PENDING: dict[str, str] = {}  # a command documented before the CLI has it -> its doc


def subcommands() -> dict[str, list[list[str]]]:
    """Each command of the CLI and its options, each as its option strings (``-o``, ``--output``)."""
    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.choices and a.dest == "command"]
    out = {}
    for name, p in sub.choices.items():
        out[name] = [a.option_strings for a in p._actions if a.option_strings and "--help" not in a.option_strings]
    return out


# --- the finding codes ------------------------------------------------------------------------------------

def doc_code_rows() -> dict[str, tuple[tuple[str, ...], str, str]]:
    rows = {}
    for line in CODES_DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `([^`]+)` \| ([^|]*) \| ([^|]*) \| (.*) \|$", line)
        if m:
            code, severity, attestation, what = m.groups()
            assert code not in rows, f"{code} twice in {CODES_DOC.name}"
            rows[code] = (tuple(s.strip() for s in severity.split(",")), attestation.strip(), what)
    return rows


def test_the_code_reference_lists_exactly_the_codes_of_the_table():
    rows = doc_code_rows()
    assert sorted(rows) == sorted(codes.CODES)
    for c in codes.CODES.values():
        assert rows[c.code] == (tuple(s.value for s in c.severity), c.attestation, c.what), c.code
    blocks_alt1 = {code for code, (_, attestation, _) in rows.items() if attestation == codes.ALT_2}
    assert blocks_alt1 == codes.ALT2_CODES


def test_the_code_reference_is_the_tables_output():
    """docs/validation-codes.md is written by ``python -m xl_statsbidrag.check.codes``: run it after a change
    to check/codes.py."""
    assert CODES_DOC.read_text(encoding="utf-8") == codes.reference()


# --- links --------------------------------------------------------------------------------------------------

def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def links(path: Path) -> list[tuple[str, str]]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return [(target, anchor) for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text)
            if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_link_resolves(document):
    commands = subcommands()
    pending = {doc for command, doc in PENDING.items() if command not in commands}
    for target, anchor in links(document):
        path = (document.parent / target).resolve() if target else document
        if path.relative_to(ROOT).as_posix() in pending:
            continue
        assert path.exists(), f"{document.name}: a link to {target}, which does not exist"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path), f"{document.name}: a link to {target}#{anchor}: no such heading"


def test_the_readme_links_to_the_docs():
    linked = {(README.parent / t).resolve() for t, _ in links(README) if t}
    assert sorted(p.name for p in DOCS.glob("*.md") if p.resolve() not in linked) == []


# --- the commands -------------------------------------------------------------------------------------------

def command_rows(path: Path) -> dict[str, str]:
    """The rows of a document's table of commands, by command ('| `xl-statsbidrag report ...` |' or
    '| `report ...` |')."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(?:xl-statsbidrag )?([a-z]+)\b([^`]*)` \|", line)
        if m:
            rows[m.group(1)] = line
    return rows


def test_the_readme_and_cli_doc_list_every_command_and_option():
    commands = subcommands()
    for path in (README, DOCS / "cli.md"):
        rows = command_rows(path)
        assert sorted(set(commands) - set(rows)) == [], f"{path.name}: commands missing from its table"
        assert sorted(set(rows) - set(commands) - set(PENDING)) == [], f"{path.name}: commands the CLI lacks"
    rows = command_rows(DOCS / "cli.md")
    cli_doc = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, options in commands.items():
        assert re.search(rf"^## {name}$", cli_doc, re.M), f"docs/cli.md has no section '## {name}'"
        for option in options:
            assert any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", rows[name]) for o in option), (name, option)


# --- examples -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("document", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_the_python_examples_run(document, monkeypatch):
    """Each ```python block of the docs runs as written, in workbooks/ (where the examples' files are)."""
    monkeypatch.chdir(ROOT / "workbooks")
    for block in re.findall(r"^```python\n(.*?)^```", document.read_text(encoding="utf-8"), re.M | re.S):
        exec(compile(block, str(document), "exec"), {})


def test_every_file_of_the_project_named_in_the_docs_and_the_code_exists():
    """A test, module or tool named by its path (``tests/xlsx/test_cells.py``, ``xl_statsbidrag/...``) in the
    docs or in a comment of the code is there: files move (issue 26), names must follow."""
    pattern = re.compile(r"\b((?:tests|xl_statsbidrag|benchmarks|tools|workbooks|lite)/[\w/.-]+\.(?:py|bas|xml|md|csv))\b")
    places = [README, ROOT / "ARCHITECTURE.md", *DOCS.glob("*.md"), *(ROOT / "xl_statsbidrag").rglob("*.py")]
    missing = sorted({(p.relative_to(ROOT).as_posix(), name) for p in places
                      for name in pattern.findall(p.read_text(encoding="utf-8")) if not (ROOT / name).exists()})
    assert missing == []
