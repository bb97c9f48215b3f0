"""A new workbook made of sheet layouts (for outputs that are not a copy of an input)."""
from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..layout import SheetLayout
from .sheetxml import minimal_styles
from .writer import write_sheets
from .zipio import ZipWriter

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.styles+xml"/>'
       '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'theme+xml"/>{sheets}</Types>')
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


_EMPTY_SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')


def write_workbook(target: Path, sheets: list[SheetLayout]) -> None:
    """A new workbook of these sheets: a minimal package with the first sheet's name, into which
    the sheets are written as into any workbook (one writer for both)."""
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<bookViews><workbookView/></bookViews><sheets><sheet name={quoteattr(sheets[0].name)} sheetId="1" '
                'r:id="rId1"/></sheets></workbook>')
    rels = "".join([_REL.format(n=1, kind="worksheet", target="worksheets/sheet1.xml"),
                    _REL.format(n=2, kind="styles", target="styles.xml"),
                    _REL.format(n=3, kind="theme", target="theme/theme1.xml")])
    overrides = ('<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.worksheet+xml"/>')
    with tempfile.TemporaryDirectory(prefix="xlsb-new-") as tmp:
        skeleton = Path(tmp) / "new.xlsx"
        with open(skeleton, "wb") as out:
            z = ZipWriter(out)
            z.add("[Content_Types].xml", _CT.format(sheets=overrides).encode())
            z.add("_rels/.rels", _ROOT_RELS.encode())
            z.add("xl/workbook.xml", workbook.encode())
            z.add("xl/_rels/workbook.xml.rels",
                  ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>').encode())
            z.add("xl/styles.xml", minimal_styles())
            z.add("xl/theme/theme1.xml", THEME.encode())
            z.add("xl/worksheets/sheet1.xml", _EMPTY_SHEET.encode())
            z.close()
        write_sheets(skeleton, Path(target), sheets)
