"""Set the values of given cells in an existing worksheet part, keeping everything else of it.

The part is rewritten in one pass over its bytes: rows that hold none of the cells are copied as
they are; in a row that does, each given cell's ``<c>`` is replaced by one with the same style
(``s``) and the new number (or no value), and a cell that is missing is inserted in column order
(a missing row likewise).  A cell that is the anchor of a shared or array formula reaching other
cells is refused: its dependants would lose their formula.  The workbook is marked for a full
recalculation on load, so that formulas over the cells (a table's totals row) show the new sums.
"""
from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from ..errors import UserError
from ..format_reader import bounds, column_number
from .package import q
from .worksheet import value_text

_ROOT = re.compile(rb"<(?:(\w+):)?worksheet\b")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_ATTR = r'\s{name}\s*=\s*"([^"]*)"'


def _attr(tag: bytes, name: str) -> str | None:
    m = re.search(_ATTR.format(name=name).encode(), tag)
    return m.group(1).decode() if m else None


def _cell_xml(prefix: str, ref: str, style: str | None, value: Decimal | None) -> bytes:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<{prefix}c r="{ref}"{s}/>'.encode()
    return f'<{prefix}c r="{ref}"{s}><{prefix}v>{value_text(value)}</{prefix}v></{prefix}c>'.encode()


def _split(ref: str) -> tuple[int, int]:
    m = _CELL_REF.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref}")
    return column_number(m.group(1)), int(m.group(2))


def _column_styles(data: bytes) -> dict[int, str]:
    """The default style of each column (``<col min max style>``), for cells that must be created."""
    styles: dict[int, str] = {}
    for tag in re.findall(rb"<(?:\w+:)?col\b[^>]*>", data):
        style, lo, hi = _attr(tag, "style"), _attr(tag, "min"), _attr(tag, "max")
        if style and lo and hi and hi.isdigit() and lo.isdigit() and int(hi) - int(lo) < 20000:
            for c in range(int(lo), int(hi) + 1):
                styles[c] = style
    return styles


def patch_cells(data: bytes, values: dict[str, Decimal | None], where: str = "") -> bytes:
    """The worksheet part ``data`` with the cells of ``values`` ({"J5": Decimal or None}) set."""
    root = _ROOT.search(data)
    if not root:
        raise UserError(f"the part {where} is not a worksheet")
    prefix = (root.group(1).decode() + ":") if root.group(1) else ""
    p = re.escape(prefix)
    wanted: dict[int, dict[int, tuple[str, Decimal | None]]] = {}
    for ref, value in values.items():
        col, row = _split(ref)
        wanted.setdefault(row, {})[col] = (ref, value)
    column_styles = _column_styles(data)
    covered = set(values)
    row_re = re.compile(rf"<{p}row\b[^>]*?(?:/>|>.*?</{p}row>)".encode(), re.S)
    cell_re = re.compile(rf"<{p}c\b[^>]*?(?:/>|>.*?</{p}c>)".encode(), re.S)
    data_open = re.search(rf"<{p}sheetData\b[^>]*?(/?)>".encode(), data)
    if not data_open:
        raise UserError(f"the worksheet part {where} has no sheetData")
    if data_open.group(1):  # <sheetData/>: an empty sheet
        head, body, tail = data[:data_open.start()], b"", data[data_open.end():]
        open_tag, close_tag = f"<{prefix}sheetData>".encode(), f"</{prefix}sheetData>".encode()
    else:
        close = data.index(f"</{prefix}sheetData>".encode(), data_open.end())
        head, body, tail = data[:data_open.start()], data[data_open.end():close], data[close:]
        open_tag, close_tag = data[data_open.start():data_open.end()], b""

    def new_row(number: int) -> bytes:
        cells = b"".join(_cell_xml(prefix, ref, column_styles.get(col), value)
                         for col, (ref, value) in sorted(wanted[number].items()))
        return f'<{prefix}row r="{number}">'.encode() + cells + f"</{prefix}row>".encode()

    def patch_row(match: re.Match, number: int) -> bytes:
        text = match.group(0)
        start_tag = re.match(rb"<[^>]*?/?>", text).group(0)
        todo = dict(wanted[number])
        out, last_col = [], 0
        if start_tag.endswith(b"/>"):
            start_tag, inner = start_tag[:-2].rstrip() + b">", b""
        else:
            inner = text[len(start_tag):text.rindex(b"</")]
        spans = _attr(start_tag, "spans")
        if spans is not None and not _within(spans, todo):  # a hint that would no longer hold
            start_tag = re.sub(rb'\sspans\s*=\s*"[^"]*"', b"", start_tag)
        pos = 0
        for cell in cell_re.finditer(inner):
            out.append(inner[pos:cell.start()])
            pos = cell.end()
            c_tag = re.match(rb"<[^>]*?/?>", cell.group(0)).group(0)
            ref = _attr(c_tag, "r")
            col = _split(ref)[0] if ref else last_col + 1
            last_col = col
            for before in sorted(c for c in todo if c < col):
                out.append(_cell_xml(prefix, todo[before][0], column_styles.get(before), todo[before][1]))
                del todo[before]
            if col in todo:
                _check_formula(cell.group(0), todo[col][0], covered, where)
                out.append(_cell_xml(prefix, todo[col][0], _attr(c_tag, "s"), todo[col][1]))
                del todo[col]
            else:
                out.append(cell.group(0))
        out.append(inner[pos:])
        for col in sorted(todo):
            out.append(_cell_xml(prefix, todo[col][0], column_styles.get(col), todo[col][1]))
        return start_tag + b"".join(out) + f"</{prefix}row>".encode()

    pieces, pos, last_row = [], 0, 0
    pending = sorted(wanted)
    for match in row_re.finditer(body):
        tag = re.match(rb"<[^>]*?/?>", match.group(0)).group(0)
        r = _attr(tag, "r")
        number = int(r) if r and r.isdigit() else last_row + 1
        last_row = number
        pieces.append(body[pos:match.start()])
        pos = match.end()
        while pending and pending[0] < number:
            pieces.append(new_row(pending.pop(0)))
        if pending and pending[0] == number:
            pending.pop(0)
            pieces.append(patch_row(match, number))
        else:
            pieces.append(match.group(0))
    pieces.append(body[pos:])
    pieces += [new_row(n) for n in pending]
    if close_tag:
        return head + open_tag + b"".join(pieces) + close_tag + tail
    return head + open_tag + b"".join(pieces) + tail


def _within(spans: str, columns) -> bool:
    for part in spans.split():
        lo, _, hi = part.partition(":")
        if lo.isdigit() and hi.isdigit() and all(int(lo) <= c <= int(hi) for c in columns):
            return True
    return False


def _check_formula(cell: bytes, ref: str, covered: set[str], where: str) -> None:
    f = re.search(rb"<(?:\w+:)?f\b[^>]*>", cell)
    if not f:
        return
    span = _attr(f.group(0), "ref")
    if not span or ":" not in span:
        return
    c1, r1, c2, r2 = bounds(span)
    if (c2 - c1 + 1) * (r2 - r1 + 1) > 100_000:
        others = True
    else:
        from ..layout import ref as cell_ref
        others = any(cell_ref(c, r) not in covered for c in range(c1, c2 + 1) for r in range(r1, r2 + 1))
    if others:
        raise UserError(f"the cell {ref} holds a formula shared with other cells ({span}); replace it with a "
                        "value or its own formula in Excel, and run again", file=where or None)
