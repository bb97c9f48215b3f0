"""A new workbook made of sheet layouts (for outputs that are not a copy of an input)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from lxml import etree

from ..layout import SheetLayout
from .ooxml import (CT_RELS, CT_STYLES, CT_THEME, CT_WORKBOOK, CT_WORKSHEET, CT_XML, ILLEGAL_XML, NS_CT, NS_MAIN,
                    NS_R, REL_OFFICE_DOCUMENT, REL_STYLES, REL_THEME, REL_WORKSHEET)
from .package import q, serialize_xml
from .styles import minimal_styles
from .writer import rels_xml, write_sheets
from .zipio import ZipWriter

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_COLORS = [("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'), ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
           ("dk2", '<a:srgbClr val="44546A"/>'), ("lt2", '<a:srgbClr val="E7E6E6"/>'),
           ("accent1", '<a:srgbClr val="4472C4"/>'), ("accent2", '<a:srgbClr val="ED7D31"/>'),
           ("accent3", '<a:srgbClr val="A5A5A5"/>'), ("accent4", '<a:srgbClr val="FFC000"/>'),
           ("accent5", '<a:srgbClr val="5B9BD5"/>'), ("accent6", '<a:srgbClr val="70AD47"/>'),
           ("hlink", '<a:srgbClr val="0563C1"/>'), ("folHlink", '<a:srgbClr val="954F72"/>')]
_FILL = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
_LINE = '<a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
_FONTS = '<a:latin typeface="{0}"/><a:ea typeface=""/><a:cs typeface=""/>'
THEME = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         f'<a:theme xmlns:a="{_A}" name="Office"><a:themeElements><a:clrScheme name="Office">'
         + "".join(f"<a:{n}>{c}</a:{n}>" for n, c in _COLORS) + '</a:clrScheme><a:fontScheme name="Office">'
         + f'<a:majorFont>{_FONTS.format("Calibri Light")}</a:majorFont><a:minorFont>{_FONTS.format("Calibri")}'
         + '</a:minorFont></a:fontScheme><a:fmtScheme name="Office">'
         + f"<a:fillStyleLst>{_FILL * 3}</a:fillStyleLst><a:lnStyleLst>{_LINE * 3}</a:lnStyleLst>"
         + "<a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3 + "</a:effectStyleLst>"
         + f"<a:bgFillStyleLst>{_FILL * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>")

_EMPTY_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{NS_MAIN}"><sheetData/></worksheet>')


def content_types_xml(overrides: dict[str, str]) -> bytes:
    """``[Content_Types].xml``: the defaults for .rels and .xml, and a content type per part."""
    root = etree.Element(q("Types", NS_CT), nsmap={None: NS_CT})
    for extension, content_type in (("rels", CT_RELS), ("xml", CT_XML)):
        etree.SubElement(root, q("Default", NS_CT), Extension=extension, ContentType=content_type)
    for part, content_type in overrides.items():
        etree.SubElement(root, q("Override", NS_CT), PartName="/" + part, ContentType=content_type)
    return serialize_xml(root)


def workbook_xml(first_sheet: str) -> bytes:
    """A workbook part listing one sheet (relationship rId1)."""
    root = etree.Element(q("workbook"), nsmap={None: NS_MAIN, "r": NS_R})
    etree.SubElement(etree.SubElement(root, q("bookViews")), q("workbookView"))
    etree.SubElement(etree.SubElement(root, q("sheets")), q("sheet"),
                     {"name": ILLEGAL_XML.sub("", first_sheet), "sheetId": "1", q("id", NS_R): "rId1"})
    return serialize_xml(root)


def write_workbook(target: Path, sheets: list[SheetLayout]) -> None:
    """A new workbook of these sheets: a minimal package with the first sheet's name, into which
    the sheets are written as into any workbook (one writer for both)."""
    types = content_types_xml({"xl/workbook.xml": CT_WORKBOOK, "xl/styles.xml": CT_STYLES,
                               "xl/theme/theme1.xml": CT_THEME, "xl/worksheets/sheet1.xml": CT_WORKSHEET})
    with tempfile.TemporaryDirectory(prefix="xlsb-new-") as tmp:
        skeleton = Path(tmp) / "new.xlsx"
        with open(skeleton, "wb") as out:
            z = ZipWriter(out)
            z.add("[Content_Types].xml", types)
            z.add("_rels/.rels", rels_xml([("rId1", REL_OFFICE_DOCUMENT, "xl/workbook.xml")]))
            z.add("xl/workbook.xml", workbook_xml(sheets[0].name))
            z.add("xl/_rels/workbook.xml.rels", rels_xml([("rId1", REL_WORKSHEET, "worksheets/sheet1.xml"),
                                                          ("rId2", REL_STYLES, "styles.xml"),
                                                          ("rId3", REL_THEME, "theme/theme1.xml")]))
            z.add("xl/styles.xml", minimal_styles())
            z.add("xl/theme/theme1.xml", THEME.encode())
            z.add("xl/worksheets/sheet1.xml", _EMPTY_SHEET.encode())
            z.close()
        write_sheets(skeleton, Path(target), sheets)
