"""The theme part (``xl/theme/theme1.xml``) of a new workbook: the Office colour scheme and Calibri
fonts, with the least the schema asks for; one fixed document, written as text because nothing in it varies."""

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_COLOURS = [("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'), ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
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
         + "".join(f"<a:{n}>{c}</a:{n}>" for n, c in _COLOURS) + '</a:clrScheme><a:fontScheme name="Office">'
         + f'<a:majorFont>{_FONTS.format("Calibri Light")}</a:majorFont><a:minorFont>{_FONTS.format("Calibri")}'
         + '</a:minorFont></a:fontScheme><a:fmtScheme name="Office">'
         + f"<a:fillStyleLst>{_FILL * 3}</a:fillStyleLst><a:lnStyleLst>{_LINE * 3}</a:lnStyleLst>"
         + "<a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3 + "</a:effectStyleLst>"
         + f"<a:bgFillStyleLst>{_FILL * 3}</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>")
