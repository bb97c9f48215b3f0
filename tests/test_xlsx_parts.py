"""The part modules of xlsx/ one by one (as XlsxWriter tests its modules), and what the writer's
transaction gets right because of them."""
import datetime as dt
import re
import zipfile

from lxml import etree

from conftest import EXAMPLE_2019, parts
from ooxml_checks import check_package
from test_package import _edit
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.xlsx import app, content_types, custom, relationships, workbook
from xl_statsbidrag.xlsx.ooxml import CT_STYLES, CT_WORKSHEET, NS_CUSTOM, NS_EXTENDED, NS_VT, REL_STYLES, REL_WORKSHEET
from xl_statsbidrag.xlsx.package import Package, parse_xml, q, serialize_xml
from xl_statsbidrag.xlsx.styles import add_styles, minimal_styles

TODAY = dt.date(2026, 11, 24)


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


def test_content_types_override_replaces_and_removal_ignores_case():
    root = content_types.new()
    content_types.override(root, "xl/styles.xml", CT_WORKSHEET)
    content_types.override(root, "xl/styles.xml", CT_STYLES)
    overrides = [e for e in root if e.tag.endswith("Override")]
    assert [(e.get("PartName"), e.get("ContentType")) for e in overrides] == [("/xl/styles.xml", CT_STYLES)]
    content_types.remove(root, "XL/Styles.xml")  # part names are case-insensitive (ECMA-376 part 2)
    assert not [e for e in root if e.tag.endswith("Override")]
    assert {e.get("Extension") for e in root} == {"rels", "xml"}


def test_workbook_sheets_names_and_calculation():
    root = workbook.new("Första")
    workbook.add_sheet(root, "Bilaga 2", "rId7")
    sheets = root.find(q("sheets"))
    assert [(s.get("name"), s.get("sheetId")) for s in sheets] == [("Första", "1"), ("Bilaga 2", "2")]
    names = etree.SubElement(root, q("definedNames"))
    etree.SubElement(names, q("definedName"), name="_xlnm.Print_Area", localSheetId="1").text = "'Bilaga 2'!$A$1"
    etree.SubElement(names, q("definedName"), name="Kvar").text = "Första!$A$1"
    assert workbook.defined_names(root) == {"_xlnm.print_area", "kvar"}
    workbook.drop_local_names(root, 1)
    assert workbook.defined_names(root) == {"kvar"}
    workbook.full_calc_on_load(root)
    children = [etree.QName(c).localname for c in root]
    assert children == ["bookViews", "sheets", "definedNames", "calcPr"]  # calcPr after definedNames, as the schema says
    assert root.find(q("calcPr")).get("fullCalcOnLoad") == "1"


def _app(count: int, titles: list[str]) -> etree._Element:
    v = f"{{{NS_VT}}}"
    root = etree.Element(f"{{{NS_EXTENDED}}}Properties", nsmap={None: NS_EXTENDED, "vt": NS_VT})
    pairs = etree.SubElement(etree.SubElement(root, f"{{{NS_EXTENDED}}}HeadingPairs"), v + "vector", size="2")
    etree.SubElement(etree.SubElement(pairs, v + "variant"), v + "lpstr").text = "Kalkylblad"
    etree.SubElement(etree.SubElement(pairs, v + "variant"), v + "i4").text = str(count)
    vector = etree.SubElement(etree.SubElement(root, f"{{{NS_EXTENDED}}}TitlesOfParts"), v + "vector",
                              size=str(len(titles)))
    for title in titles:
        etree.SubElement(vector, v + "lpstr").text = title
    return root


def test_app_lists_a_new_sheet_after_the_worksheets_only_when_it_understands_the_list():
    root = _app(2, ["A", "B", "Namn1"])  # two worksheets, then a named range
    assert app.list_sheet(root, "Bilaga 2", 2)
    titles = root.find(f"{{{NS_EXTENDED}}}TitlesOfParts/{{{NS_VT}}}vector")
    assert [t.text for t in titles] == ["A", "B", "Bilaga 2", "Namn1"] and titles.get("size") == "4"
    other = _app(5, ["A"])  # says five worksheets where the workbook has two: left alone
    before = serialize_xml(other)
    assert not app.list_sheet(other, "Bilaga 2", 2) and serialize_xml(other) == before


def test_custom_properties_keep_others_and_number_new_ones():
    root = custom.new()
    custom.set_properties(root, {"Källa": "a.xlsx", "Verktyg": "xl-statsbidrag"})
    custom.set_properties(root, {"Källa": "b.xlsx\x01"})  # a control character XML cannot hold is dropped
    props = {p.get("name"): (p.get("pid"), p[0].text) for p in root}
    assert props == {"Källa": ("2", "b.xlsx"), "Verktyg": ("3", "xl-statsbidrag")}
    assert all(p.get("fmtid") == "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" and p.tag == f"{{{NS_CUSTOM}}}property"
               for p in root)


def test_styles_of_a_new_package_take_the_layout_formats_and_reuse_them():
    root = minimal_styles()
    first = add_styles(root)
    size = len(serialize_xml(root))
    assert add_styles(root) == first and len(serialize_xml(root)) == size  # running again adds nothing
    assert parse_xml(serialize_xml(root)).find(q("cellXfs")).get("count") == str(len(root.find(q("cellXfs"))))


def test_new_part_names_do_not_collide_with_existing_ones_that_differ_only_in_case(tmp_path):
    """Part names are case-insensitive: a workbook whose sheet parts are named Sheet1.xml, Sheet2.xml (as
    some writers do) must not get a new sheet3.xml beside a Sheet3.xml; our own reader refuses such a
    package, and Excel reports it as damaged."""
    def add_renamed(name, data):  # the renamed members, added under their new names
        if name is None:
            with zipfile.ZipFile(EXAMPLE_2019) as z:
                return {re.sub(r"worksheets/(_rels/)?sheet(\d)", r"worksheets/\1Sheet\2", n):
                        re.sub(rb"worksheets/sheet(\d)", rb"worksheets/Sheet\1", z.read(n))
                        for n in z.namelist() if re.search(r"worksheets/(_rels/)?sheet\d", n)}
        if re.search(r"worksheets/(_rels/)?sheet\d", name):
            return None
        return re.sub(rb"worksheets/sheet(\d)", rb"worksheets/Sheet\1", data)

    source = _edit(EXAMPLE_2019, tmp_path / "caps.xlsx", add_renamed)
    with Package(source) as pkg:
        assert {s.part for s in pkg.sheets} == {"xl/worksheets/Sheet1.xml", "xl/worksheets/Sheet2.xml"}
    first = tmp_path / "a.xlsx"
    report_file(source, first, TODAY)  # adds two sheets
    names = [n.casefold() for n in parts(first)]
    assert len(names) == len(set(names))
    with Package(first) as pkg:
        assert [s.name for s in pkg.sheets][-3:] == ["Bilaga 2", "Kontroll", "Återbetalning"]
    assert check_package(first) == []
