"""Packages as other tools write them, against the xlsx/ writer (issue 15's review): each test pins a
fix and fails without it."""
import datetime as dt
import zipfile
from decimal import Decimal

from lxml import etree

from conftest import EXAMPLE_2019, small_book
from test_package import _edit
from test_xlsx_parts import _app
from xl_statsbidrag.jobs import report_file
from xl_statsbidrag.xlsx import app, custom
from xl_statsbidrag.xlsx.cellpatch import patch_cells
from xl_statsbidrag.xlsx.ooxml import NS_CUSTOM, NS_EXTENDED, NS_PKG_REL, NS_VT, REL_CUSTOM_PROPS
from xl_statsbidrag.xlsx.package import Package, q, whole

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


def test_attributes_that_only_str_isdigit_takes_for_numbers_are_not_numbers(tmp_path):
    """"²" is a digit to ``str.isdigit`` but not to ``int``: a table id, a count of worksheets in app.xml, a
    custom property's pid, a column's min/max and a row's spans written so gave a ValueError traceback."""
    assert [whole(v) for v in ("12", " 7 ", "²", "-1", "", None, "1²")] == [12, 7, None, None, None, None, None]
    source = _edit(EXAMPLE_2019, tmp_path / "odd.xlsx", lambda name, data: {} if name is None else (
        data.replace(b'id="1"', 'id="¹"'.encode(), 1) if name == "xl/tables/table1.xml" else data))
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)  # the table ids after 3 (table1's is not a number) are new ones
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets][-2:] == ["Bilaga 2", "Kontroll"]

    listing = _app(2, ["A", "B"])
    listing.find(f"{{{NS_EXTENDED}}}HeadingPairs/{{{NS_VT}}}vector")[1][0].text = "²"
    assert not app.list_sheet(listing, "Bilaga 2", 2)

    props = custom.new()
    etree.SubElement(props, f"{{{NS_CUSTOM}}}property", pid="²", name="Gammal")
    custom.set_properties(props, {"Ny": "x"})
    assert [p.get("pid") for p in props] == ["²", "2"]

    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="1" '
             'max="3²" style="4"/></cols><sheetData><row r="1" spans="1:1²"><c r="A1"><v>1</v></c></row>'
             '</sheetData></worksheet>'.encode())
    patched = etree.fromstring(patch_cells(sheet, {"B1": Decimal(5)}))
    assert [(c.get("r"), c.get("s"), c.findtext(q("v"))) for c in patched.iter(q("c"))] == [("A1", None, "1"),
                                                                                            ("B1", None, "5")]
