"""Tests of xl_statsbidrag.xlsx.relationships."""
import datetime as dt
import re
import zipfile

from lxml import etree
import pytest

from tests.conftest import EXAMPLE_2019, small_book
from tests.ooxml_checks import check_package
from tests.support.crafted import _edit

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.xlsx import custom, relationships
from xl_statsbidrag.xlsx.ooxml import NS_PKG_REL, REL_CUSTOM_PROPS, REL_STYLES, REL_WORKSHEET
from xl_statsbidrag.xlsx.package import Package, q


REPORT_DAY = dt.date(2026, 11, 24)


CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.'
          b'org/officeDocument/2006/custom-properties"/>')


def _rels(data: bytes, kind: str) -> list[str]:
    """The targets of the relationships of type ``kind`` in a relationships part."""
    return [r.get("Target") for r in etree.fromstring(data).iter(q("Relationship", NS_PKG_REL)) if r.get("Type") == kind]


def _root_rel(kind: str, target: str) -> bytes:
    return f'<Relationship Id="rId9" Type="{kind}" Target="{target}"/></Relationships>'.encode()


def test_relationships_reach_members_whose_names_differ_in_case(tmp_path):
    """Part names are case-insensitive: a styles part stored as xl/Styles.xml, a sheet as Sheet2.xml and
    custom properties as custom.xml, each related in lower or other case, are those parts.  Before, the
    sheet was 'missing', a second styles part xl/styles.xml was added beside xl/Styles.xml (a package our
    own reader then refused) and a second custom-properties relationship was added."""
    renamed = {"xl/styles.xml": "xl/Styles.xml", "xl/worksheets/sheet2.xml": "xl/worksheets/Sheet2.xml"}

    def change(name, data):
        if name is None:
            return {new: data for new, data in moved.items()} | {"docProps/custom.xml": CUSTOM}
        if name in renamed:
            moved[renamed[name]] = data
            return None
        if name == "_rels/.rels":
            return data.replace(b"</Relationships>", _root_rel(REL_CUSTOM_PROPS, "docProps/Custom.xml"))
        return data
    moved = {}
    source = _edit(small_book(tmp_path / "in.xlsx", [["A1", "V", 100, "", "Stimulansmedel", None]]),
                   tmp_path / "cased.xlsx", change)
    out = tmp_path / "out.xlsx"
    report_file(source, out, REPORT_DAY)
    names = [n.casefold() for n in zipfile.ZipFile(out).namelist()]
    assert len(names) == len(set(names)), "no second member that differs only in case"
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets][-3:] == ["Bilaga 2", "Kontroll", "Återbetalning"]
        styles = pkg.read("xl/Styles.xml")
        custom = pkg.read("docProps/custom.xml")
        root_rels = pkg.read("_rels/.rels")
    assert len(styles) > len(moved["xl/Styles.xml"]), "the layout's formats are added to the workbook's styles"
    assert b"Bilaga 2 skapad" in custom
    assert _rels(root_rels, REL_CUSTOM_PROPS) == ["docProps/Custom.xml"]


REL_STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


STYLES_OVERRIDE = re.compile(rb'<Override PartName="/xl/styles.xml"[^>]*/>')


@pytest.mark.parametrize("styles_target, custom_target", [
    ("../../styles.xml", None),  # outside the package: was written as a member "../styles.xml"
    ("/../styles.xml", None),
    ("worksheets/sheet3.xml", None),  # the name the new sheet Bilaga 2 takes: was overwritten by the styles
    (".", "docProps"),  # a folder
    ("styles.xml", "docProps/custom.xml"),  # missing but a free name: made there (no second relationship)
    (None, "../custom.xml"),
])
def test_a_part_made_for_a_dangling_relationship_gets_a_free_safe_name(tmp_path, styles_target, custom_target):
    """A styles or custom-properties relationship whose part is missing: the part is made at its target
    only when that is a free part name inside the package, else under a new name (with the relationship
    moved to it); a name once made is taken, so a new sheet does not get it too."""
    def change(name, data):
        if name is None:
            return {}
        if name == "xl/styles.xml":
            return None
        if name == "[Content_Types].xml":
            return STYLES_OVERRIDE.sub(b"", data)
        if name == "xl/_rels/workbook.xml.rels":
            data = re.sub(rb'<Relationship [^>]*/styles"[^>]*/>', b"", data)
            if styles_target is not None:
                data = data.replace(b"</Relationships>", f'<Relationship Id="rId9" Type="{REL_STYLES_TYPE}" '
                                    f'Target="{styles_target}"/></Relationships>'.encode())
        if name == "_rels/.rels" and custom_target is not None:
            data = data.replace(b"</Relationships>", _root_rel(REL_CUSTOM_PROPS, custom_target))
        return data
    source = _edit(small_book(tmp_path / "in.xlsx", [["A1", "V", 100, "", "Stimulansmedel", None]]),
                   tmp_path / "dangling.xlsx", change)
    out = tmp_path / "out.xlsx"
    report_file(source, out, REPORT_DAY)
    with Package(out) as pkg:  # before: our own reader refused a member named "../styles.xml"
        styles = [t for _, kind, t, _ in pkg.rels(pkg.workbook_part) if kind == REL_STYLES_TYPE]
        custom = [t for _, kind, t, _ in pkg.rels("") if kind == REL_CUSTOM_PROPS]
        assert len(styles) == 1 and pkg.xml(styles[0]).tag == q("styleSheet")
        assert len(custom) == 1 and b"Bilaga 2 skapad" in pkg.read(custom[0])
        for sheet in pkg.sheets:
            assert pkg.xml(sheet.part).tag == q("worksheet"), sheet.name
    assert check_package(out) == []


def test_a_percent_encoded_relationship_target_reaches_its_part(tmp_path):
    """Relationship targets are URIs: "st%79les.xml" is xl/styles.xml and "sheet%32.xml" sheet2.xml, as
    Excel reads them.  Before, the styles were 'missing' (dates read as numbers: the report was refused)
    and the sheet had no part."""
    def change(name, data):
        if name is None:
            return {}
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b'Target="styles.xml"', b'Target="st%79les.xml"').replace(
                b'Target="worksheets/sheet2.xml"', b'Target="worksheets/sheet%32.xml"')
        return data
    source = _edit(EXAMPLE_2019, tmp_path / "encoded.xlsx", change)
    out = tmp_path / "out.xlsx"
    report_file(source, out, REPORT_DAY)
    a, b = zipfile.ZipFile(source), zipfile.ZipFile(out)
    assert set(b.namelist()) - set(a.namelist()) == {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
                                                     "xl/worksheets/sheet5.xml", "docProps/custom.xml"}
    assert len(b.read("xl/styles.xml")) > len(a.read("xl/styles.xml"))


def test_relationships_paths_resolve_and_invert():
    assert relationships.rels_part("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"
    assert relationships.rels_part("") == "_rels/.rels"
    for part in ("xl/workbook.xml", "xl/worksheets/sheet1.xml", ""):
        assert relationships.source_part(relationships.rels_part(part)) == part
    assert relationships.resolve("xl/worksheets/sheet1.xml", "../tables/table1.xml") == "xl/tables/table1.xml"
    assert relationships.resolve("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
    assert relationships.relative("xl/worksheets/sheet1.xml", "xl/tables/table2.xml") == "../tables/table2.xml"


def test_relationships_ids_are_the_first_free_and_removal_returns_targets():
    root = relationships.part([(REL_WORKSHEET, "worksheets/sheet1.xml"), (REL_STYLES, "styles.xml")])
    assert [r.get("Id") for r in root] == ["rId1", "rId2"]
    root[0].set("Id", "rId3")  # ids as another writer left them: rId3, rId2
    assert relationships.add(root, REL_WORKSHEET, "worksheets/sheet2.xml") == "rId4"
    assert relationships.remove(root, REL_STYLES) == ["styles.xml"]
    assert not relationships.has(root, REL_STYLES) and relationships.has(root, REL_WORKSHEET)
