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

Two ways, one result.  A part in the plain form every spreadsheet program writes (UTF-8 with its XML
declaration, rows and cells with their ``r`` first, no comments, CDATA or processing instructions) is
checked to be well-formed XML by libxml2 without building anything, and then the given cells are found
by their references in the bytes and replaced or inserted, everything between them copied as it is:
the time of the part's zlib round trip, memory about the part's size (issue 28: the tree took some 25
times the part's size, 700 MB for 60 000 rows of 10 cells).  Any other part (another encoding, comments,
CDATA, single-quoted or escaped references, rows without ``r``, a row to add) is parsed with lxml
(``package.parse_xml``: no entities, no DTD, no network), edited as a tree and written back, so that a
comment, a processing instruction, a CDATA section or single-quoted attributes can never fool it.  Both
keep every other element, attribute and namespace declaration (prefixes, ``mc:Ignorable``, ``extLst``),
and the part's XML declaration if it had one; the tree writes what a parser does not keep (quote marks,
CR LF inside the root, CDATA as such) in lxml's equivalent form, the scan writes the new cells as lxml
writes them (tests/xlsx/test_cellpatch.py holds both to the tree's output).
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Iterator

from lxml import etree

from ..core.a1 import bounds, column_number, ref as cell_ref
from ..core.errors import UserError
from .cells import MAX_NODE, shallow
from .package import parse_xml, q, whole
from .worksheet import value_text

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_ROW_OF = itemgetter(0)
_SPACE = re.compile(rb"[ \t\r\n]*")


@lru_cache(maxsize=64)
def _column(letters: str) -> int:
    return column_number(letters)


def _split(ref: str) -> tuple[int, int]:
    """(column, row) of "J5" ([A-Z]{1,3} and digits, as _CELL_REF says, without a regular expression: it
    is done for every cell to set)."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    if 0 < len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper() \
            and digits.isdecimal():
        return _column(letters), int(digits)
    m = _CELL_REF.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref}")
    return _column(m.group(1)), int(m.group(2))


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
    return b"".join(patch_chunks(data, values, where))


def patch_chunks(data: bytes, values: dict[str, Decimal | None], where: str = "",
                 well_formed: bool = False) -> Iterator[bytes]:
    """``patch_cells`` in pieces, for ``zipio.Deflated``: the part is never in memory twice uncompressed.
    ``well_formed``: the part has been read to its end in this process already (``cells.well_formed``), so
    that libxml2 need not check it again (a fifth of the time)."""
    edits = _scan(data, values, where, well_formed)
    if edits is None:
        yield _patch_tree(data, values, where)
        return
    start, end, changes = edits
    pieces, size, at = [data[:start]], 0, start
    for begin, finish, new in changes:
        pieces.append(data[at:begin])
        pieces.append(new)
        size += begin - at
        at = finish
        if size > 1 << 18:
            yield b"".join(pieces)
            pieces, size = [], 0
    pieces.append(data[at:end])
    yield b"".join(pieces)


class _NoTree:
    """A parser target that builds nothing: libxml2 still checks that the part is well-formed XML."""

    def close(self) -> None:
        return None


_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n][^>]*?\?>[ \t\r\n]*")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[ \t\r\n>]")
_START_TAG_REST = rb"""((?:[ \t\r\n]+[^\s=/>]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"<]*"|'[^'<]*'))*)[ \t\r\n]*(/?)>"""
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")
_WHITESPACE = re.compile(rb"[ \t\r\n]*\Z")


_SPANS = re.compile(rb'[ \t\r\n]spans="([^"]*)"')
_STYLE = re.compile(rb'[ \t\r\n]s="([^"]*)"')


def _plain(tag: bytes) -> bool:
    """A start tag whose attributes can be found by searching its text: double quotes only (so that no
    attribute hides in another's value) and no references to resolve."""
    return b"'" not in tag and b"&" not in tag


def _attributes(text: bytes) -> dict[bytes, bytes] | None:
    """The attributes of a start tag's text; None when one holds a reference (``&...;``), which this plain
    reading does not resolve."""
    if b"&" in text:
        return None
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(text)}


def _scan(data: bytes, values: dict[str, Decimal | None], where: str, well_formed: bool = False):
    """(start, end, [(begin, finish, new bytes)]) for a part in the plain form: the output is ``data[:start]``
    with the changes made in ``data[start:end]``; None for a part to edit as a tree."""
    declaration = _DECLARATION.match(data)
    if declaration is None:
        return None
    encoding = _ENCODING.search(declaration.group())
    if encoding is None or encoding.group(1).replace(b"-", b"").upper() != b"UTF8":
        return None
    if data.find(b"<?", declaration.end()) >= 0 or b"<!" in data:
        return None
    root = _ROOT.match(data, declaration.end())
    if root is None:
        return None
    p = root.group(1) + b":" if root.group(1) else b""
    end = data.rfind(b"</" + p + b"worksheet>")
    if end < 0 or not _WHITESPACE.match(data, end + len(p) + 12):
        return None
    end += len(p) + 12
    sheet_data = data.find(b"<" + p + b"sheetData>", root.end())
    sheet_data_end = data.find(b"</" + p + b"sheetData>", sheet_data)
    if sheet_data < 0 or sheet_data_end < 0:
        return None
    # libxml2 checks the part without building it, and then does not apply its own limits (depth, the size
    # of a text): the elements before and after the rows are checked here to be few and shallow.  Among
    # the rows, what is not edited is copied as it is (the reader, which utfall runs first on the same
    # part, refuses a part beyond the limits; a search for other elements there cost a third of the time)
    head, tail = data[root.end():sheet_data], data[sheet_data_end:end]
    if len(head) + len(tail) > MAX_NODE or not shallow(head, 1) or not shallow(tail, 1):
        return None
    try:  # well-formed, with its namespaces declared: libxml2 reads it all, keeping nothing
        if not well_formed:
            etree.fromstring(data, etree.XMLParser(target=_NoTree(), resolve_entities=False, no_network=True,
                                                   load_dtd=False, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the part {where} is not well-formed XML ({exc})") from None
    wanted = sorted((*_split(ref)[::-1], ref, value) for ref, value in values.items())  # (row, col, ref, value)
    if len({cell[:2] for cell in wanted}) != len(wanted):
        return None  # one cell named twice ("J5", "J05"): the tree sets it once
    row_tag = re.compile(b"<" + re.escape(p) + b"row" + _START_TAG_REST)
    cell_tag = re.compile(b"<" + re.escape(p) + b"c" + _START_TAG_REST)
    formula_tag = re.compile(b"<" + re.escape(p) + b"f" + _START_TAG_REST)
    row_end, cell_end = b"</" + p + b"row>", b"</" + p + b"c>"
    covered = set(values)
    changes: list[tuple[int, int, bytes]] = []
    at = sheet_data
    column_styles: dict[int, str] | None = None  # read when a cell is added
    within: dict[tuple[bytes, tuple[int, ...]], bool] = {}
    find, rfind = data.find, data.rfind
    # start tags are read by finding their ends: sound where no attribute value is single-quoted (a '>'
    # in it) or holds a reference; else each tag is checked (a "plain" one) before it is read
    checked = find(b"'", sheet_data, sheet_data_end) >= 0 or find(b"&", sheet_data, sheet_data_end) >= 0
    row_needle, cell_start, f_start = b"<" + p + b'row r="%d"', b"<" + p + b"c", b"<" + p + b"f"
    close_cell, spaces = len(cell_end), b" \t\r\n"
    for number, group in groupby(wanted, _ROW_OF):  # once per row to patch: plain calls only (issue 28)
        found = find(row_needle % number, at, sheet_data_end)
        if found < 0:
            return None  # no such row (to add) or another form: the tree
        gt = find(b">", found, sheet_data_end)
        text = data[found:gt + 1]
        if gt < 0 or text[-2:] == b"/>" or text.count(b'"') % 2 or (checked and not _plain(text)):
            return None  # a row without cells, or not plain
        tag_end = gt + 1
        closing = find(row_end, tag_end, sheet_data_end)
        if closing < 0:
            return None
        todo = list(group)
        if b"spans" in text:
            spans = _SPANS.search(text)
            if spans is not None:
                key = (spans.group(1), *(cell[1] for cell in todo))
                if key not in within:
                    within[key] = _within(spans.group(1).decode("ascii", "replace"), key[1:])
                if not within[key]:
                    tag = row_tag.match(data, found)
                    if tag is None or b"xmlns" in text:  # (lxml writes declarations first: the tree)
                        return None
                    changes.append((found, tag_end, _without(tag, b"spans")))
        inserts: list[tuple[int, int, str, Decimal | None]] = []  # before position, column, ref, value
        for _, col, ref, value in todo:
            needle = b' r="%s"' % ref.encode("ascii")
            hit = find(needle, tag_end, closing)
            lt = rfind(b"<", tag_end, hit) if hit >= 0 else -1
            if lt >= 0 and data.startswith(cell_start, lt) and data[lt + len(cell_start)] in spaces:
                gt = find(b">", hit, closing)
                text = data[lt:gt + 1]
                if gt < 0 or text.count(b'"') % 2 or text.find(b"<", 1) >= 0 or (checked and not _plain(text)):
                    return None
                if text[-2:] == b"/>":
                    finish = gt + 1
                else:
                    finish = find(cell_end, gt, closing)
                    if finish < 0:
                        return None
                    f = find(f_start, gt, finish)
                    if f >= 0:
                        formula = formula_tag.match(data, f)
                        if formula is not None:
                            _check_formula((_attributes(formula.group(1)) or {}).get(b"ref", b"")
                                           .decode("ascii", "replace"), ref, covered, where)
                    finish += close_cell
                style = _STYLE.search(text)
                changes.append((lt, finish, _new_cell(p, needle, style.group(1) if style else b"", value)))
                continue
            # a cell to add: before the first cell of a later column, or after the row's last cell
            before, after_cells = closing, tag_end
            for other in cell_tag.finditer(data, tag_end, closing):
                if other.start() < after_cells:
                    continue  # (not a cell: inside the one before)
                attrs = _attributes(other.group(1))
                other_ref = attrs.get(b"r") if attrs else None
                if other_ref is None:
                    return None  # a cell without (or with an escaped) reference: the tree knows its place
                other_col = column_number(other_ref.rstrip(b"0123456789").decode("ascii", "replace"))
                if other_col == col:
                    return None  # the cell is there after all, in a form the search did not see
                if other_col > col:
                    before = other.start()
                    break
                after_cells = other.end() if other.group(2) else data.find(cell_end, other.end(), closing)
                if after_cells < 0:
                    return None
            if before == closing:  # the schema puts a row's extLst after its cells
                ext = data.find(b"<" + p + b"extLst", after_cells, closing)
                if ext >= 0:
                    before = ext
            if column_styles is None:  # the part up to its sheetData, closed, holds the <cols>
                head = etree.fromstring(data[:sheet_data] + b"</" + p + b"worksheet>",
                                        etree.XMLParser(resolve_entities=False, no_network=True))
                ns = etree.QName(head).namespace
                column_styles = _column_styles(head, lambda name: q(name, ns) if ns else name)
            inserts.append((before, col, ref, value))
        for before, col, ref, value in inserts:
            style = column_styles.get(col)
            changes.append((before, before, _new_cell(p, b' r="%s"' % ref.encode("ascii"),
                                                      style.encode("ascii") if style else b"", value)))
        at = closing
    changes.sort(key=lambda change: change[:2])
    return 0, end, changes


def _without(tag, name: bytes) -> bytes:
    """A start tag without one of its attributes."""
    text = tag.group()
    attribute = next(m for m in _ATTRIBUTE.finditer(text) if m.group(1) == name)
    begin = attribute.start()
    while text[begin - 1:begin] in (b" ", b"\t", b"\r", b"\n"):
        begin -= 1
    return text[:begin] + text[attribute.end():]


def _new_cell(p: bytes, reference: bytes, style: bytes, value: Decimal | None) -> bytes:
    """A cell as lxml writes the tree's new ``<c>``: ``reference`` is the attribute (' r="J5"'), ``style``
    the style's number (or empty)."""
    c = b"<%sc%s" % (p, reference) + (b' s="%s"' % style if style else b"")
    if value is None:
        return c + b"/>"
    return b"%s><%sv>%s</%sv></%sc>" % (c, p, value_text(value).encode("ascii"), p, p)


def _patch_tree(data: bytes, values: dict[str, Decimal | None], where: str = "") -> bytes:
    """``patch_cells`` through an lxml tree of the whole part, for any part."""
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
                f = cell.find(tag("f"))
                _check_formula(f.get("ref") if f is not None else None, todo[col][0], covered, where)
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


def _check_formula(span: str | None, ref: str, covered: set[str], where: str) -> None:
    """A cell to set whose formula (``<f ref>``) reaches other cells that are not set too is refused."""
    if not span or ":" not in span:
        return
    c1, r1, c2, r2 = bounds(span)
    if (c2 - c1 + 1) * (r2 - r1 + 1) > 100_000:
        others = True
    else:
        others = any(cell_ref(c, r) not in covered for c in range(c1, c2 + 1) for r in range(r1, r2 + 1))
    if others:
        raise UserError(f"the cell {ref} holds a formula shared with other cells ({span}); replace it with a "
                        "value or its own formula in Excel, and run again", file=where or None)
