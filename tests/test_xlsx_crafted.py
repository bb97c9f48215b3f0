"""Packages as other tools write them, against the xlsx/ writer (issue 15's review): each test pins a
fix and fails without it."""
import datetime as dt
import re
import zipfile

from lxml import etree

from conftest import small_book
from ooxml_checks import check_package
from test_package import _edit
from xl_statsbidrag.jobs import report_file
from xl_statsbidrag.xlsx.ooxml import NS_PKG_REL, REL_CUSTOM_PROPS
from xl_statsbidrag.xlsx.package import Package, q

TODAY = dt.date(2026, 11, 24)
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
    report_file(source, out, TODAY)
    names = [n.casefold() for n in zipfile.ZipFile(out).namelist()]
    assert len(names) == len(set(names)), "no second member that differs only in case"
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets][-2:] == ["Bilaga 2", "Kontroll"]
        styles = pkg.read("xl/Styles.xml")
        custom = pkg.read("docProps/custom.xml")
        root_rels = pkg.read("_rels/.rels")
    assert len(styles) > len(moved["xl/Styles.xml"]), "the layout's formats are added to the workbook's styles"
    assert b"Bilaga 2 skapad" in custom
    assert _rels(root_rels, REL_CUSTOM_PROPS) == ["docProps/Custom.xml"]
