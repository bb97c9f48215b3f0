"""Digitally signed workbooks (issue 29): never a signature left over parts that changed.  Every command
that writes a copy refuses a signed workbook and says what it would change; with --force the signature
is removed as Excel removes it (parts, relationships, content types) and the summary says so; a signed
VBA project is guarded the same way; validate reports the signature.  Unsigned workbooks: unchanged."""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_2019, ROOT, WORKBOOKS, parts, sha256
from ooxml_checks import check_package
from signed_book import SIGNED_AT, SIGNER, sign
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.app.validate import validate_file
from xl_statsbidrag.xlsx.package import Package

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
XLSM = WORKBOOKS / "beslutsunderlag_2019.xlsm"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=ENV)


def signature_remains(path: Path) -> list[str]:
    """Anything of a package or VBA signature left in ``path``: parts, relationships, content types."""
    left = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        left += [n for n in names if n.startswith("_xmlsignatures/") or "vbaProjectSignature" in n]
        for name in names:
            if name.endswith(".rels") or name == "[Content_Types].xml":
                text = z.read(name).decode("utf-8")
                left += [f"{name}: {w}" for w in ("digital-signature", "vbaProjectSignature", "Extension=\"sigs\"",
                                                   "_xmlsignatures") if w in text]
    return left


@pytest.fixture
def signed(tmp_path):
    return sign(EXAMPLE_2019, tmp_path / "signerad.xlsx")


def test_the_signature_is_found_by_its_structure(signed):
    with Package(signed) as pkg:
        [signature] = pkg.signatures()
        assert signature.part == "_xmlsignatures/sig1.xml"
        assert signature.signer == SIGNER and signature.signed_at == SIGNED_AT
        assert "xl/workbook.xml" in signature.covers and "_rels/.rels" in signature.covers
        assert pkg.vba_signature_parts() == []


@pytest.mark.parametrize("example", sorted(p.name for p in WORKBOOKS.iterdir() if p.suffix in (".xlsx", ".xlsm")))
def test_the_shipped_examples_are_unsigned_and_written_as_before(example, tmp_path):
    with Package(WORKBOOKS / example) as pkg:
        assert pkg.signatures() == [] and pkg.vba_signature_parts() == []
    if example.startswith("professionsmiljarden") or example.startswith("beslutsunderlag"):
        notes = []
        report_file(WORKBOOKS / example, tmp_path / f"r{Path(example).suffix}", notes=notes)
        assert not [n for n in notes if "signature" in n]
        _, findings = validate_file(WORKBOOKS / example)
        assert not [f for f in findings if f.code.startswith("signera")]


def test_report_refuses_a_signed_workbook_and_says_what_it_would_change(signed, tmp_path):
    before = sha256(signed)
    out = tmp_path / "out.xlsx"
    with pytest.raises(UserError) as info:
        report_file(signed, out)
    message = str(info.value)
    assert "digitally signed (_xmlsignatures/sig1.xml, signed by Eva Ekonomichef on 2026-03-02T09:15:00Z)" in message
    assert "adds the sheets 'Bilaga 2', 'Kontroll'" in message and "xl/workbook.xml" in message
    assert "--force" in message and "Nothing was written" in message
    assert not out.exists() and sha256(signed) == before


@pytest.mark.parametrize("command", ["report", "rekvisition", "utfall", "in-place", "batch"])
def test_every_command_that_writes_a_copy_refuses_and_with_force_removes_the_signature(command, signed, tmp_path):
    before = sha256(signed)
    out = tmp_path / "ut.xlsx"
    args = {"report": ["report", signed, "-o", out], "rekvisition": ["rekvisition", signed, "-o", out],
            "utfall": ["utfall", signed, WORKBOOKS / "huvudbok_2019.csv", "-o", out],
            "in-place": ["report", signed, "--in-place"], "batch": ["batch", signed, "-o", tmp_path / "batch"]}[command]
    done = cli(*args)
    if command == "batch":
        assert done.returncode == 1
        [row] = json.loads((tmp_path / "batch" / "summary.json").read_text(encoding="utf-8"))
        assert row["status"] == "failed" and "digitally signed" in row["reason"]
    else:
        assert done.returncode == 2 and "digitally signed" in done.stderr and "Traceback" not in done.stderr
        assert not out.exists()
    assert sha256(signed) == before and not list(tmp_path.glob("*.backup-*"))
    done = cli(*args, "--force")
    assert done.returncode in (0, 1), done.stderr
    written = {"in-place": signed, "batch": tmp_path / "batch" / "signerad_bilaga2.xlsx"}.get(command, out)
    assert signature_remains(written) == [] and check_package(written) == []
    with Package(written) as pkg:
        assert pkg.signatures() == []
    if command == "batch":
        [row] = json.loads((tmp_path / "batch" / "summary.json").read_text(encoding="utf-8"))
        assert "signature" in row["reason"] and "unsigned" in row["reason"]
    else:
        assert "digital signature (_xmlsignatures/sig1.xml" in done.stdout and "the output is unsigned" in done.stdout
    if command == "in-place":
        [backup] = tmp_path.glob("*.backup-*")
        assert sha256(backup) == before  # the signed original is kept
    else:
        assert sha256(signed) == before


def test_import_refuses_a_signed_workbook(tmp_path):
    from test_import import seed_001_workbook

    source = sign(seed_001_workbook(tmp_path / "pm.xlsx"), tmp_path / "pm_signerad.xlsx")
    args = ["import", source, "--agreement", "pm-2018", "--region", "Jämtlands län", "-o", tmp_path / "o.xlsx"]
    done = cli(*args)
    assert done.returncode == 2 and "digitally signed" in done.stderr
    assert "adds the sheets 'Överenskommelse', 'Aktiviteter'" in done.stderr
    assert cli(*args, "--force").returncode == 0
    assert signature_remains(tmp_path / "o.xlsx") == []


def test_the_unsigned_output_keeps_everything_else(signed, tmp_path):
    out = tmp_path / "out.xlsx"
    notes = []
    report_file(signed, out, force=True, notes=notes)
    assert notes == ["the workbook's digital signature (_xmlsignatures/sig1.xml, signed by Eva Ekonomichef on "
                     "2026-03-02T09:15:00Z) was removed: the output is unsigned"]
    unsigned, original = parts(out), parts(EXAMPLE_2019)
    assert all(unsigned[n] == original[n] for n in original if n not in (
        "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
        "docProps/app.xml", "docProps/custom.xml"))
    rels = etree.fromstring(unsigned["_rels/.rels"])
    assert [r.get("Id") for r in rels] == [r.get("Id") for r in etree.fromstring(parts(signed)["_rels/.rels"])
                                           if "digital-signature" not in r.get("Type")] + ["rId5"]


def test_the_output_opens_in_libreoffice(signed, tmp_path, libreoffice):
    out = tmp_path / "out.xlsx"
    report_file(signed, out, force=True)
    converted = libreoffice.convert(out, tmp_path / "lo", "xlsx")
    import openpyxl

    assert "Bilaga 2" in openpyxl.load_workbook(converted, read_only=True).sheetnames


def test_validate_says_the_workbook_is_signed(signed):
    done = cli("validate", signed, "--format", "json")
    found = [f for f in json.loads(done.stdout) if f["code"] == "signerad"]
    assert len(found) == 1 and found[0]["severity"] == "info"
    assert "Eva Ekonomichef" in found[0]["message"] and "--force" in found[0]["message"]


# --- a signed VBA project -----------------------------------------------------------------------------------

@pytest.fixture
def signed_xlsm(tmp_path):
    return sign(XLSM, tmp_path / "makron.xlsm", vba=True, package=False)


def test_a_signed_vba_project_is_found_and_reported(signed_xlsm):
    with Package(signed_xlsm) as pkg:
        assert pkg.signatures() == []
        assert pkg.vba_signature_parts() == ["xl/vbaProjectSignature.bin", "xl/vbaProjectSignatureAgile.bin",
                                             "xl/vbaProjectSignatureV3.bin"]
    _, findings = validate_file(signed_xlsm)
    assert [f.severity for f in findings if f.code == "signerade-makron"] == ["info"]


def test_a_change_to_a_signed_vba_project_is_refused_or_the_signature_removed(signed_xlsm, tmp_path):
    """The writer's step, whatever the command: a changed vbaProject.bin never keeps its signature."""
    from xl_statsbidrag.xlsx.ooxml import REL_VBA_PROJECT
    from xl_statsbidrag.xlsx.writer import _Edit

    def edit(unsign):
        pkg = Package(signed_xlsm)
        e = _Edit(pkg)
        project = e.target(e.wb_part, REL_VBA_PROJECT)
        e.parts[project] = pkg.read(project) + b"\0"  # a change to the project, as a future command might make
        return pkg, e

    pkg, e = edit(False)
    with pkg, pytest.raises(UserError, match="VBA project is digitally signed .*changes the project xl/vbaProject.bin"):
        e.finish()
    pkg, e = edit(True)
    with pkg:
        removed = e.finish(unsign=True)
    e.write(signed_xlsm, tmp_path / "out.xlsm")
    assert removed and "the macros are unsigned" in removed[0]
    assert signature_remains(tmp_path / "out.xlsm") == []
    assert check_package(tmp_path / "out.xlsm") == []
    with zipfile.ZipFile(tmp_path / "out.xlsm") as z:  # no relationships part left empty
        assert "xl/_rels/vbaProject.bin.rels" not in z.namelist()


def test_report_on_a_signed_macro_workbook_never_leaves_a_broken_signature(signed_xlsm, tmp_path):
    """Whether adding a sheet changes vbaProject.bin (a document module for the new sheet) or not: either the
    project and its signature are kept byte for byte, or the command refuses (and with --force removes it)."""
    out = tmp_path / "out.xlsm"
    done = cli("report", signed_xlsm, "-o", out)
    original = parts(signed_xlsm)
    if done.returncode == 0:
        written = parts(out)
        assert written["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
        assert all(written[n] == original[n] for n in original if "vbaProjectSignature" in n)
    else:
        assert done.returncode == 2 and "VBA project is digitally signed" in done.stderr and not out.exists()
        assert cli("report", signed_xlsm, "-o", out, "--force").returncode == 0
        written = parts(out)
        assert written["xl/vbaProject.bin"] == original["xl/vbaProject.bin"] or signature_remains(out) == []


def test_a_package_signature_and_a_vba_signature_together(tmp_path):
    both = sign(XLSM, tmp_path / "båda.xlsm", vba=True)
    with pytest.raises(UserError, match="digitally signed"):
        report_file(both, tmp_path / "o.xlsm")
    notes = []
    report_file(both, tmp_path / "o.xlsm", force=True, notes=notes)
    assert any("the workbook's digital signature" in n for n in notes)
    with Package(tmp_path / "o.xlsm") as pkg:
        assert pkg.signatures() == []
        assert pkg.vba_signature_parts() in ([], ["xl/vbaProjectSignature.bin", "xl/vbaProjectSignatureAgile.bin",
                                                  "xl/vbaProjectSignatureV3.bin"])
    written, original = parts(tmp_path / "o.xlsm"), parts(both)
    if written.get("xl/vbaProject.bin") != original["xl/vbaProject.bin"]:
        assert not [n for n in written if "vbaProjectSignature" in n]


def test_an_orphan_signature_part_still_counts(tmp_path):
    """A signature part typed as one but with its relationship lost is the signature's all the same."""
    path = sign(EXAMPLE_2019, tmp_path / "s.xlsx")
    broken = tmp_path / "orphan.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            if info.filename != "_xmlsignatures/_rels/origin.sigs.rels":
                dst.writestr(info, src.read(info))
    with Package(broken) as pkg:
        assert [s.part for s in pkg.signatures()] == ["_xmlsignatures/sig1.xml"]
    report_file(broken, tmp_path / "o.xlsx", force=True)
    assert signature_remains(tmp_path / "o.xlsx") == []
