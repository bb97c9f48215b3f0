"""The styles part (``xl/styles.xml``): the cell formats of ``layout.STYLES`` appended to a workbook's
own styles (fonts, fills, borders, number formats, cellXfs found by content and reused, so running again
does not grow the part), or a minimal styles part for a new package.
"""
from __future__ import annotations

import copy

from lxml import etree

from ..forms.layout import STYLES, Style
from .ooxml import NS_MAIN
from .package import q

_STYLE_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                "dxfs", "tableStyles", "colors", "extLst"]

def _child(root: etree._Element, name: str) -> etree._Element:
    """The styleSheet child ``name``, created in its schema position if missing."""
    found = root.find(q(name))
    if found is not None:
        return found
    element = etree.Element(q(name), count="0")
    position = _STYLE_ORDER.index(name)
    index = 0
    for i, child in enumerate(root):
        tag = etree.QName(child).localname
        if tag in _STYLE_ORDER and _STYLE_ORDER.index(tag) < position:
            index = i + 1
    root.insert(index, element)
    return element


def _canonical(element: etree._Element) -> tuple:
    """An element's tag, attributes, text and children, without namespace declarations (which
    differ between an element parsed in its document and one made here)."""
    return (element.tag, tuple(sorted(element.attrib.items())), (element.text or "").strip(),
            tuple(_canonical(child) for child in element))


class _Pool:
    """The children of a styles collection (fonts, fills, ...), found by content."""

    def __init__(self, container: etree._Element):
        self.container = container
        self.index = {}
        for i, child in enumerate(container):
            self.index.setdefault(_canonical(child), i)

    def get(self, element: etree._Element) -> int:
        """Index of an equal child, appending ``element`` if there is none."""
        key = _canonical(element)
        if key not in self.index:
            self.container.append(element)
            self.container.set("count", str(len(self.container)))
            self.index[key] = len(self.container) - 1
        return self.index[key]


def _e(tag: str, **attrs: str) -> etree._Element:
    return etree.Element(q(tag), {k: v for k, v in attrs.items()})


_FONT_ORDER = ["b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz",
               "color", "name", "family", "charset", "scheme"]


def _font(base: etree._Element | None, style: Style) -> etree._Element:
    """Calibri (11 pt unless the style says otherwise) in the workbook's default font's other
    settings, children in schema order: the layout measures its text with Calibri's widths."""
    font = copy.deepcopy(base) if base is not None else _e("font")
    replaced = {"b", "i", "color", "sz", "name", "family", "charset", "scheme"}
    children = [c for c in font if etree.QName(c).localname not in replaced]
    if style.bold:
        children.append(_e("b"))
    if style.italic:
        children.append(_e("i"))
    children.append(_e("sz", val=f"{style.size or 11:g}"))
    if style.color:
        children.append(_e("color", rgb="FF" + style.color))
    children += [_e("name", val="Calibri"), _e("family", val="2")]
    rank = {name: i for i, name in enumerate(_FONT_ORDER)}
    children.sort(key=lambda c: rank.get(etree.QName(c).localname, len(rank)))
    for c in list(font):
        font.remove(c)
    font.extend(children)
    return font


def _fill(style: Style) -> etree._Element:
    fill = _e("fill")
    pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
    etree.SubElement(pattern, q("fgColor"), rgb="FF" + (style.fill or "FFFFFF"))
    etree.SubElement(pattern, q("bgColor"), indexed="64")
    return fill


def _border(style: Style) -> etree._Element:
    border = _e("border")
    for side in ("left", "right", "top", "bottom", "diagonal"):
        element = etree.SubElement(border, q(side))
        if (side == "top" and style.border_top) or (side == "bottom" and style.border_bottom):
            element.set("style", "thin")
            etree.SubElement(element, q("color"), auto="1")
    return border


def _num_fmt(num_fmts: etree._Element, code: str) -> int:
    for fmt in num_fmts:
        if fmt.get("formatCode") == code:
            return int(fmt.get("numFmtId", "0"))
    new_id = max([163] + [int(f.get("numFmtId", "0")) for f in num_fmts]) + 1
    num_fmts.append(_e("numFmt", numFmtId=str(new_id), formatCode=code))
    num_fmts.set("count", str(len(num_fmts)))
    return new_id


def add_styles(root: etree._Element, names: list[str] | None = None) -> dict[str, int]:
    """Add the cell formats of ``STYLES`` to a styles part (``root`` is its styleSheet element,
    changed in place); returns the cellXfs index of each style name.  Formats that are already
    there (from an earlier run) are reused, so running again does not grow the part."""
    if root.tag != q("styleSheet"):
        raise ValueError("not a styles part")
    # comments and processing instructions would count as fonts, fills, formats (an index is a position)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    fonts, fills, borders = _child(root, "fonts"), _child(root, "fills"), _child(root, "borders")
    if len(fills) == 0:  # the two fills every workbook must start with
        for pattern in ("none", "gray125"):
            fill = etree.SubElement(fills, q("fill"))
            etree.SubElement(fill, q("patternFill"), patternType=pattern)
        fills.set("count", str(len(fills)))
    font_pool, fill_pool, border_pool = _Pool(fonts), _Pool(fills), _Pool(borders)
    if len(borders) == 0:
        border_pool.get(_border(Style()))
    base_font = fonts[0] if len(fonts) else None
    if base_font is None:
        font_pool.get(_font(None, Style()))
    style_xfs = root.find(q("cellStyleXfs"))
    has_style_xfs = style_xfs is not None and len(style_xfs) > 0
    xf_pool = _Pool(_child(root, "cellXfs"))
    num_fmts = None
    ids: dict[str, int] = {}
    seen: dict[tuple, int] = {}  # styles share fonts, fills and borders: each is built and looked up once

    def once(key: tuple, make) -> int:
        if key not in seen:
            seen[key] = make()
        return seen[key]

    for name in names or list(STYLES):
        style = STYLES[name]
        font_id = once(("font", style.bold, style.italic, style.size, style.color),
                       lambda: font_pool.get(_font(base_font, style)))
        fill_id = once(("fill", style.fill), lambda: fill_pool.get(_fill(style))) if style.fill else 0
        border_id = once(("border", style.border_top, style.border_bottom), lambda: border_pool.get(_border(style)))
        fmt_id = 0
        if style.num_format:
            num_fmts = num_fmts if num_fmts is not None else _child(root, "numFmts")
            fmt_id = _num_fmt(num_fmts, style.num_format)
        attrs = {"numFmtId": str(fmt_id), "fontId": str(font_id), "fillId": str(fill_id),
                 "borderId": str(border_id)}
        if has_style_xfs:
            attrs["xfId"] = "0"
        attrs.update(applyNumberFormat="1" if fmt_id else "0", applyFont="1", applyFill="1" if fill_id else "0",
                     applyBorder="1", applyAlignment="1")
        xf = _e("xf", **attrs)
        align = {"vertical": style.valign}
        if style.wrap:
            align["wrapText"] = "1"
        if style.halign:
            align["horizontal"] = style.halign
        etree.SubElement(xf, q("alignment"), align)
        ids[name] = xf_pool.get(xf)
    return ids


def minimal_styles() -> etree._Element:
    """A styles part for a package that has none: one font (Calibri 11), the two fills every workbook
    starts with, one empty border, and the Normal style."""
    root = etree.Element(q("styleSheet"), nsmap={None: NS_MAIN})
    font = etree.SubElement(etree.SubElement(root, q("fonts"), count="1"), q("font"))
    for tag, value in (("sz", "11"), ("name", "Calibri"), ("family", "2")):
        etree.SubElement(font, q(tag), val=value)
    fills = etree.SubElement(root, q("fills"), count="2")
    for pattern in ("none", "gray125"):
        etree.SubElement(etree.SubElement(fills, q("fill")), q("patternFill"), patternType=pattern)
    border = etree.SubElement(etree.SubElement(root, q("borders"), count="1"), q("border"))
    for side in ("left", "right", "top", "bottom", "diagonal"):
        etree.SubElement(border, q(side))
    zero = {"numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0"}
    etree.SubElement(etree.SubElement(root, q("cellStyleXfs"), count="1"), q("xf"), zero)
    etree.SubElement(etree.SubElement(root, q("cellXfs"), count="1"), q("xf"), dict(zero, xfId="0"))
    etree.SubElement(etree.SubElement(root, q("cellStyles"), count="1"), q("cellStyle"), name="Normal", xfId="0",
                     builtinId="0")
    return root
