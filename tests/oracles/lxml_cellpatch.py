# The oracle of tests/xlsx/test_cellpatch.py: xl_statsbidrag/xlsx/cellpatch.py as it was before issue 28 made it stream (commit
# 3140f14), an lxml tree built whole and serialised.  The streaming code must write the same bytes.
"""Set the values of given cells in an existing worksheet part, keeping everything else of it.

The part is parsed with lxml (``package.parse_xml``: no entities, no DTD, no network), edited as a tree
and written back.  In a row that holds given cells, each given cell's ``<c>`` is replaced by one with the
same style (``s``) and the new number (or no value; formula, type and inline string are dropped), and a
cell that is missing is inserted in column order, styled as its column (``<col style>``); a missing row
likewise, in row order.  Rows and cells without ``r`` take the position the schema implies.  A row's
``spans`` hint is dropped when a new cell falls outside it.  A cell that is the anchor of a shared or
array formula reaching other cells is refused: its dependants would lose their formula.  The writer
(``writer._Edit.cells``) then marks the workbook for a full recalculation on load, so that formulas over
the cells (a table's totals row) show the new sums.

lxml rather than a scan of the bytes: one XML idiom with the rest of ``xlsx/``, and a comment, a
processing instruction, a CDATA section or single-quoted attributes can no longer fool it.  Every other
element, attribute and namespace declaration (prefixes, ``mc:Ignorable``, ``extLst``) is kept, and the
part's XML declaration if it had one; what a parser does not keep (quote marks, CR LF inside the root,
CDATA as such) is written in lxml's equivalent form.  Memory: the part is read whole, as before (the reader
refuses parts over ``package.MAX_WHOLE_PART``); its tree takes some 25 times the part's size (about
700 MB for a 24 MB part of 60 000 rows of 10 cells, where the byte scan took 180 MB).
"""
from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.core.a1 import bounds, column_number
from xl_statsbidrag.xlsx.package import parse_xml, q, whole
from .lxml_worksheet import value_text

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_SPACE = re.compile(rb"[ \t\r\n]*")


def _split(ref: str) -> tuple[int, int]:
    m = _CELL_REF.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref}")
    return column_number(m.group(1)), int(m.group(2))


def _column_styles(root: etree._Element, tag) -> dict[int, str]:
    """The default style of each column (``<col min max style>``), for cells that must be created."""
    styles: dict[int, str] = {}
    for col in root.iterfind(f"{tag('cols')}/{tag('col')}"):
        style, lo, hi = col.get("style"), whole(col.get("min")), whole(col.get("max"))
        if style and lo is not None and hi is not None and hi - lo < 20000:
            for c in range(lo, hi + 1):
                styles[c] = style
    return styles


def patch_cells(data: bytes, values: dict[str, Decimal | None], where: str = "") -> bytes:
    """The worksheet part ``data`` with the cells of ``values`` ({"J5": Decimal or None}) set."""
    root = parse_xml(data, where)
    if etree.QName(root).localname != "worksheet":
        raise UserError(f"the part {where} is not a worksheet")
    ns = etree.QName(root).namespace

    def tag(name: str) -> str:  # in the worksheet's namespace: lxml then writes the part's own prefix
        return q(name, ns) if ns else name

    sheet_data = root.find(tag("sheetData"))
    if sheet_data is None:
        raise UserError(f"the worksheet part {where} has no sheetData")
    wanted: dict[int, dict[int, tuple[str, Decimal | None]]] = {}
    for ref, value in values.items():
        col, row = _split(ref)
        wanted.setdefault(row, {})[col] = (ref, value)
    column_styles = _column_styles(root, tag)
    covered = set(values)

    def new_cell(ref: str, style: str | None, value: Decimal | None) -> etree._Element:
        cell = etree.Element(tag("c"), r=ref)
        if style:
            cell.set("s", style)
        if value is not None:
            etree.SubElement(cell, tag("v")).text = value_text(value)
        return cell

    def new_row(number: int) -> etree._Element:
        row = etree.Element(tag("row"), r=str(number))
        for col, (ref, value) in sorted(wanted[number].items()):
            row.append(new_cell(ref, column_styles.get(col), value))
        return row

    def patch_row(row: etree._Element, number: int) -> None:
        todo = dict(wanted[number])
        spans = row.get("spans")
        if spans is not None and not _within(spans, todo):  # a hint that would no longer hold
            del row.attrib["spans"]
        last_col = 0
        for cell in list(row.iterchildren(tag("c"))):
            ref = cell.get("r")
            col = _split(ref)[0] if ref else last_col + 1
            last_col = col
            for before in sorted(c for c in todo if c < col):
                cell.addprevious(new_cell(todo[before][0], column_styles.get(before), todo[before][1]))
                del todo[before]
            if col in todo:
                _check_formula(cell.find(tag("f")), todo[col][0], covered, where)
                new = new_cell(todo[col][0], cell.get("s"), todo[col][1])
                new.tail = cell.tail
                row.replace(cell, new)
                del todo[col]
            if not todo:
                return
        ext = row.find(tag("extLst"))  # the schema puts a row's extLst after its cells
        for col in sorted(todo):
            cell = new_cell(todo[col][0], column_styles.get(col), todo[col][1])
            if ext is None:
                row.append(cell)
            else:
                ext.addprevious(cell)

    pending = sorted(wanted)
    last_row = 0
    for row in sheet_data.iterchildren(tag("row")):
        if not pending:
            break
        r = whole(row.get("r"))
        number = r if r is not None else last_row + 1
        last_row = number
        while pending and pending[0] < number:
            row.addprevious(new_row(pending.pop(0)))
        if pending and pending[0] == number:
            patch_row(row, pending.pop(0))
    for number in pending:
        sheet_data.append(new_row(number))
    return _serialize(root.getroottree(), data)


def _serialize(tree: etree._ElementTree, data: bytes) -> bytes:
    """The tree in UTF-8, with the part's own XML declaration (and the line break after it) if it had
    one: lxml does not keep those bytes, and a part that is otherwise unchanged should stay so."""
    info = tree.docinfo
    if info.standalone is None:  # libxml2's "no XML declaration"
        return etree.tostring(tree, encoding="UTF-8")
    if info.encoding.replace("-", "").upper() != "UTF8":
        return etree.tostring(tree, encoding="UTF-8", xml_declaration=True, standalone=info.standalone or None)
    end = data.index(b"?>") + 2  # the declaration is the first thing in the part (after a BOM)
    return data[:_SPACE.match(data, end).end()] + etree.tostring(tree, encoding="UTF-8")


def _within(spans: str, columns) -> bool:
    for part in spans.split():
        lo, _, hi = (whole(n) for n in part.partition(":"))
        if lo is not None and hi is not None and all(lo <= c <= hi for c in columns):
            return True
    return False


def _check_formula(f: etree._Element | None, ref: str, covered: set[str], where: str) -> None:
    if f is None:
        return
    span = f.get("ref")
    if not span or ":" not in span:
        return
    c1, r1, c2, r2 = bounds(span)
    if (c2 - c1 + 1) * (r2 - r1 + 1) > 100_000:
        others = True
    else:
        from xl_statsbidrag.core.a1 import ref as cell_ref
        others = any(cell_ref(c, r) not in covered for c in range(c1, c2 + 1) for r in range(r1, r2 + 1))
    if others:
        raise UserError(f"the cell {ref} holds a formula shared with other cells ({span}); replace it with a "
                        "value or its own formula in Excel, and run again", file=where or None)
