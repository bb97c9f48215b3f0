"""A new workbook made of sheet layouts (for outputs that are not a copy of an input)."""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

from ..layout import SheetLayout
from .package import serialize_xml
from .sheetxml import add_styles, minimal_styles, render_shared_strings, render_sheet
from .zipio import ZipWriter, atomic_output

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.styles+xml"/>'
       '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'theme+xml"/>'
       '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sharedStrings+xml"/>{sheets}</Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/></Relationships>')
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

_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        '{kind}" Target="{target}"/>')


def write_workbook(target: Path, sheets: list[SheetLayout]) -> None:
    styles = etree.fromstring(minimal_styles())
    ids = add_styles(styles)
    overrides, entries, rels = [], [], []
    for n, sheet in enumerate(sheets, start=1):
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        entries.append(f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>')
        rels.append(_REL.format(n=n, kind="worksheet", target=f"worksheets/sheet{n}.xml"))
    rels.append(_REL.format(n=len(sheets) + 1, kind="styles", target="styles.xml"))
    rels.append(_REL.format(n=len(sheets) + 2, kind="theme", target="theme/theme1.xml"))
    rels.append(_REL.format(n=len(sheets) + 3, kind="sharedStrings", target="sharedStrings.xml"))
    strings: dict[str, int] = {}
    sheet_parts = [render_sheet(sheet, ids, strings) for sheet in sheets]
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<bookViews><workbookView/></bookViews><sheets>{"".join(entries)}</sheets></workbook>')
    with atomic_output(Path(target)) as out:
        z = ZipWriter(out)
        z.add("[Content_Types].xml", _CT.format(sheets="".join(overrides)).encode())
        z.add("_rels/.rels", _ROOT_RELS.encode())
        z.add("xl/workbook.xml", workbook.encode())
        z.add("xl/_rels/workbook.xml.rels",
              ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
               f'openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>').encode())
        z.add("xl/styles.xml", serialize_xml(styles))
        z.add("xl/theme/theme1.xml", THEME.encode())
        for n, part in enumerate(sheet_parts, start=1):
            z.add(f"xl/worksheets/sheet{n}.xml", part)
        z.add("xl/sharedStrings.xml", render_shared_strings(strings))
        z.close()
