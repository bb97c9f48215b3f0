"""Tests of xl_statsbidrag.xlsx.writer."""
import datetime as dt
import json
import zipfile

from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, parts, sha256
from tests.ooxml_checks import check_package
from tests.support.crafted import _edit
from tests.support.signatures import cli, signature_remains, signed, signed_xlsm

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.forms.layout import Cell, Row, SheetLayout
from xl_statsbidrag.xlsx.package import Package
from xl_statsbidrag.xlsx.writer import write_sheets


TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("source", ["2019", "2018", "rich_xlsm", "rich_xlsx"])
def test_output_is_valid_ooxml(source, request, tmp_path):
    path = {"2019": EXAMPLE_2019, "2018": EXAMPLE_2018}.get(source) or request.getfixturevalue(source)
    out = tmp_path / f"out{path.suffix}"
    report_file(path, out, TODAY)
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(out))
    assert result.is_valid, [str(e) for e in result.errors][:10]
    assert check_package(out) == []


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


@pytest.mark.system
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


@pytest.mark.system
def test_the_output_opens_in_libreoffice(signed, tmp_path, libreoffice):
    out = tmp_path / "out.xlsx"
    report_file(signed, out, force=True)
    converted = libreoffice.convert(out, tmp_path / "lo", "xlsx")
    import openpyxl

    assert "Bilaga 2" in openpyxl.load_workbook(converted, read_only=True).sheetnames


@pytest.mark.system
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


REPORT_DAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize("names", [["Ny", "Ny"], ["Ny", "NY"], ["Aktiviteter", "aktiviteter"]])
def test_two_layouts_of_one_name_in_one_call_are_refused(tmp_path, names):
    """Both were added (or the second added beside the replaced one): a workbook with two sheets of one
    name, which Excel refuses to open."""
    layouts = [SheetLayout(name, [10], rows=[Row([Cell(1, "a")])]) for name in names]
    with pytest.raises(ValueError, match="two sheets of one name"):
        write_sheets(EXAMPLE_2019, tmp_path / "out.xlsx", layouts)
    assert not (tmp_path / "out.xlsx").exists()


def test_replacing_a_sheet_that_relates_to_the_package_structure_keeps_it(tmp_path):
    """A replaced sheet's relationships to _rels/.rels, the workbook's relationships or [Content_Types].xml
    made them 'its' parts, dropped with it: the output had no workbook."""
    first = tmp_path / "a.xlsx"
    report_file(EXAMPLE_2019, first, REPORT_DAY)  # Bilaga 2 is sheet3
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="http://example.com/x" Target="{target}"/>' for i, target in enumerate(
                    ["../../_rels/.rels", "../_rels/workbook.xml.rels", "../../[Content_Types].xml"], start=1))
            + "</Relationships>").encode()
    source = _edit(first, tmp_path / "odd.xlsx",
                   lambda name, data: {"xl/worksheets/_rels/sheet3.xml.rels": rels} if name is None else data)
    out = tmp_path / "out.xlsx"
    write_sheets(source, out, [SheetLayout("Bilaga 2", [10], rows=[Row([Cell(1, "ny")])])])
    names = set(zipfile.ZipFile(out).namelist())
    assert {"_rels/.rels", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"} <= names
    assert "xl/worksheets/_rels/sheet3.xml.rels" not in names
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets] == ["Överenskommelse", "Aktiviteter", "Bilaga 2", "Kontroll",
                                                   "Återbetalning"]
    assert check_package(out) == []
