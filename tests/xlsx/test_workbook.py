"""Tests of xl_statsbidrag.xlsx.workbook."""
from lxml import etree

from xl_statsbidrag.xlsx import workbook
from xl_statsbidrag.xlsx.package import q


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
