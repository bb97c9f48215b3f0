"""The workbook part (``xl/workbook.xml``): its list of sheets, its defined names and its
calculation settings."""
from __future__ import annotations

from lxml import etree

from ..core.errors import UserError
from .ooxml import ILLEGAL_XML, NS_MAIN, NS_R
from .package import q, whole

# the children of <workbook> that come before <calcPr>, in schema order
_BEFORE_CALC = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                "functionGroups", "externalReferences", "definedNames", "calcPr")


def new(first_sheet: str) -> etree._Element:
    """A workbook listing one sheet (relationship rId1)."""
    root = etree.Element(q("workbook"), nsmap={None: NS_MAIN, "r": NS_R})
    etree.SubElement(etree.SubElement(root, q("bookViews")), q("workbookView"))
    etree.SubElement(etree.SubElement(root, q("sheets")), q("sheet"),
                     {"name": ILLEGAL_XML.sub("", first_sheet), "sheetId": "1", q("id", NS_R): "rId1"})
    return root


def add_sheet(root: etree._Element, name: str, rel_id: str, where: str = "") -> None:
    """List a sheet at the end, with the next free sheetId."""
    sheets = root.find(q("sheets"))
    if sheets is None:
        raise UserError("the workbook part has no list of sheets", file=where or None)
    ids = [whole(s.get("sheetId")) or 0 for s in sheets]
    etree.SubElement(sheets, q("sheet"), {"name": name, "sheetId": str(max([0] + ids) + 1), q("id", NS_R): rel_id})


def defined_names(root: etree._Element) -> set[str]:
    """The names of the workbook's defined names, casefolded (a table may not take one)."""
    return {d.get("name", "").casefold() for d in root.iter(q("definedName"))}


def drop_local_names(root: etree._Element, index: int) -> None:
    """Remove the names scoped to the sheet at ``index`` (its print area, print titles, filter)."""
    names = root.find(q("definedNames"))
    if names is None:
        return
    for name in list(names):
        if name.get("localSheetId") == str(index):
            names.remove(name)
    if len(names) == 0:
        root.remove(names)


def _insert_in_order(root: etree._Element, tag: str) -> etree._Element:
    """A new child ``tag`` of <workbook>, placed after the children that come before it in the schema."""
    before = _BEFORE_CALC[:_BEFORE_CALC.index(tag)]
    position = 0
    for i, child in enumerate(root):
        if isinstance(child.tag, str) and etree.QName(child).localname in before:
            position = i + 1
    element = etree.Element(q(tag))
    root.insert(position, element)
    return element


def set_print_titles(root: etree._Element, index: int, sheet: str, rows: tuple[int, int]) -> None:
    """The rows printed at the top of every page of the sheet at ``index`` (``_xlnm.Print_Titles``)."""
    names = root.find(q("definedNames"))
    if names is None:
        names = _insert_in_order(root, "definedNames")
    for name in list(names):
        if name.get("localSheetId") == str(index) and name.get("name") == "_xlnm.Print_Titles":
            names.remove(name)
    quoted = "'" + sheet.replace("'", "''") + "'"
    etree.SubElement(names, q("definedName"), name="_xlnm.Print_Titles",
                     localSheetId=str(index)).text = f"{quoted}!${rows[0]}:${rows[1]}"


def sheet_count(root: etree._Element) -> int:
    sheets = root.find(q("sheets"))
    return 0 if sheets is None else len(sheets)


def full_calc_on_load(root: etree._Element) -> None:
    """``<calcPr fullCalcOnLoad="1">``: Excel (and LibreOffice) recalculate every formula on opening."""
    calc = root.find(q("calcPr"))
    if calc is None:
        calc = _insert_in_order(root, "calcPr")
    calc.set("fullCalcOnLoad", "1")
