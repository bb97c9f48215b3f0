"""The worksheet part (``xl/worksheets/sheetN.xml``) of a ``SheetLayout``; its cell formats are in
``styles``, its Excel Tables in ``table``, and the package around them in ``writer``.

Text is written as inline strings (so the shared-strings part is untouched) and is always text:
a value that starts with "=" stays text.  Formulas carry their computed values.  Children are
written in the order the schema (CT_Worksheet) requires.

Written as text, row by row (``sheet_chunks``), not as an lxml tree: a sheet of 200 000 rows of 12 cells
(the Utfall sheet of a large ledger) would be some 7 million elements and gigabytes in a tree, where the
text is made a few hundred rows at a time and compressed as it comes (``zipio.Deflated``), in a quarter
of the time (issue 28).  The bytes are those lxml wrote for the same sheet (tests/xlsx/test_worksheet.py keeps
that serialiser as the oracle): the same escaping of text and attributes, the same order of attributes,
an element without content closed as ``<x/>``.  A ``RowBlock`` (the Utfall sheet's 200 000 transactions)
is made a column at a time (``_block_rows``): no ``Cell`` per value, each distinct text escaped once, the
same bytes as its rows of cells (tests/xlsx/test_worksheet.py holds both to the oracle).
"""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import chain, repeat
from operator import attrgetter
from typing import Iterator

from ..core.a1 import column_letter
from ..forms.layout import Column, RowBlock, SheetLayout
from .ooxml import ILLEGAL_XML, NS_MAIN, NS_R

MAX_TEXT = 32767
ROWS_PER_CHUNK = 500
_COLUMN = attrgetter("column")
DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def _text(value: str) -> str:
    """Text as a cell can hold it: without the control characters XML 1.0 cannot carry, at most 32 767, line
    breaks as Excel keeps them ("\n"; the text written before lxml had its CR read as LF by every parser)."""
    return ILLEGAL_XML.sub("", value)[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


_PLAIN = re.compile("[^\x00-\x08\x0b-\x1f&<>\ufffe\uffff]*")


def _content(value: str) -> str:
    """``escape(_text(value))``, with one test for the text that needs neither (nearly all)."""
    if len(value) <= MAX_TEXT and _PLAIN.fullmatch(value):
        return value
    return escape(_text(value))


def escape(text: str) -> str:
    """Character data as libxml2 writes it: &, < and > as entities (a CR too, which ``_text`` has made LF)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                            "\t": "&#9;"})


def attribute(text: str) -> str:
    """An attribute's value as libxml2 writes it between double quotes."""
    return text.translate(_ATTRIBUTE)


def _element(tag: str, attributes: dict[str, str] | None = None, content: str | None = None) -> str:
    attrs = "".join(f' {k}="{attribute(v)}"' for k, v in (attributes or {}).items())
    return f"<{tag}{attrs}/>" if content is None else f"<{tag}{attrs}>{content}</{tag}>"


def value_text(value: int | Decimal) -> str:
    """A number as the text of a cell's ``<v>``: plain digits, no exponent, no trailing zeros."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(ref: str, style: str, value, formula: str | None) -> str:
    if formula is not None:
        typed = ' t="str"' if isinstance(value, str) else ""
        v = "" if value is None else \
            f"<v>{_content(value) if isinstance(value, str) else value_text(value)}</v>"
        return f'<c r="{ref}" s="{style}"{typed}><f>{_content(formula)}</f>{v}</c>'
    if isinstance(value, str) and value:
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_content(value)}</t></is></c>'
    if value is not None and value != "":
        return f'<c r="{ref}" s="{style}"><v>{value_text(value)}</v></c>'
    return f'<c r="{ref}" s="{style}"/>'


def _rows(layout: SheetLayout, style_ids: dict[str, int], last_column: int) -> Iterator[str]:
    """``<sheetData>``'s rows, some hundred at a time."""
    spans = f' spans="1:{last_column}"'
    styles = {name: str(i) for name, i in style_ids.items()}
    letters = [""] + [column_letter(i) for i in range(1, last_column + 1)]
    out: list[str] = []
    for number, row in enumerate(layout.rows, start=1):
        height = f' ht="{row.height:g}" customHeight="1"' if row.height else ""
        if not row.cells:
            out.append(f'<row r="{number}"{spans}{height}/>')
        else:
            parts = [f'<row r="{number}"{spans}{height}>']
            for c in sorted(row.cells, key=_COLUMN):
                value = c.value
                if c.formula is None and type(value) is str and value and len(value) <= MAX_TEXT \
                        and _PLAIN.fullmatch(value):  # (most cells: plain text, as _cell writes it)
                    parts.append(f'<c r="{letters[c.column]}{number}" s="{styles[c.style]}" t="inlineStr"><is>'
                                 f'<t xml:space="preserve">{value}</t></is></c>')
                else:
                    parts.append(_cell(f"{letters[c.column]}{number}", styles[c.style], value, c.formula))
            parts.append("</row>")
            out.append("".join(parts))
        if len(out) >= ROWS_PER_CHUNK:
            yield "".join(out)
            out = []
    if out:
        yield "".join(out)
    if layout.block is not None and len(layout.block):
        yield from _block_rows(layout.block, len(layout.rows) + 1, styles, letters, spans)


def _tails(column: Column, styles: dict[str, str], rows: range) -> list[str]:
    """What follows ``<c r="A1`` in each of ``rows`` of a block's column: the style, the type and the
    value, to the end of the cell, as ``_cell`` writes it.  A text is escaped once per distinct text and
    style; a number is ``value_text`` of the Decimal ``Column.cell_value`` makes, from its integer."""
    values = column.values[rows.start:rows.stop]
    if isinstance(column.style, str):
        s = styles[column.style]
        if column.scale is None:
            return _text_tails(values, s)
        style = [s] * len(values)
    else:
        style = [styles[name] for name in column.style[rows.start:rows.stop]]
        if column.scale is None:
            keys = list(zip(values, style))
            made = {(v, s): (f'" s="{s}" t="inlineStr"><is><t xml:space="preserve">{_content(v)}</t></is></c>' if v
                             else f'" s="{s}"/>') for v, s in set(keys)}
            return list(map(made.__getitem__, keys))
    scale, unit, spec = column.scale, 10 ** column.scale, f".{column.scale}f"
    return [f'" s="{s}"/>' if v is None else f'" s="{s}"><v>{v // unit}</v></c>' if v % unit == 0 else
            f'" s="{s}"><v>{f"{v / unit:{spec}}".rstrip("0") if -EXACT_FLOAT < v < EXACT_FLOAT else _decimal(v, scale)}</v></c>'
            for v, s in zip(values, style)]


# Below 10**15 the float nearest ``v / unit`` (Python's int / int is correctly rounded) is off by at most
# 2**-53 of it, under 0.12 * 10**-scale: less than half a unit of the last place, so formatting it to
# ``scale`` places gives the exact digits of v / unit (whose digits end there).
EXACT_FLOAT = 10 ** 15


def _decimal(v: int, scale: int) -> str:
    return format(Decimal(v).scaleb(-scale), "f").rstrip("0")


def _text_tails(values: list[str | None], s: str) -> list[str]:
    """``_tails`` of texts in one style.  Whether any needs escaping is asked once, of them all joined."""
    empty, head = f'" s="{s}"/>', f'" s="{s}" t="inlineStr"><is><t xml:space="preserve">'
    distinct = set(values)
    texts = [v for v in distinct if v]
    plain = max(map(len, texts), default=0) <= MAX_TEXT and _PLAIN.fullmatch("".join(texts)) is not None
    if plain and 2 * len(distinct) > len(values):  # mostly distinct (voucher numbers): a string a row
        return [f"{head}{v}</t></is></c>" if v else empty for v in values]
    made = {v: f"{head}{v if plain else _content(v)}</t></is></c>" if v else empty for v in distinct}
    return list(map(made.__getitem__, values))


BLOCK_CHUNK = 2000  # rows of a block made at a time (a few megabytes of text)


def _block_rows(block: RowBlock, first: int, styles: dict[str, str], letters: list[str], spans: str
                ) -> Iterator[str]:
    """A ``RowBlock``'s rows, as ``_rows`` writes the same rows made ``Row``s of ``Cell``s: each column's
    cells are made in one pass over the column (``_tails``), then the pieces of all rows joined at once
    (the fastest way to join many small strings in Python)."""
    heads = {h: f'"{spans}' + (f' ht="{h:g}" customHeight="1"' if h else "") + ">" for h in set(block.heights)}
    opens = [f'<c r="{letters[c]}' for c in range(block.first_column, block.first_column + len(block.columns))]
    for start in range(0, len(block), BLOCK_CHUNK):
        rows = range(start, min(start + BLOCK_CHUNK, len(block)))
        numbers = [str(first + i) for i in rows]
        parts = [repeat('<row r="'), numbers, map(heads.__getitem__, block.heights[rows.start:rows.stop])]
        for open_, column in zip(opens, block.columns):
            parts += [repeat(open_), numbers, _tails(column, styles, rows)]
        parts.append(repeat("</row>"))
        yield "".join(chain.from_iterable(zip(*parts)))


def _view(layout: SheetLayout) -> str:
    attrs = {"workbookViewId": "0"}
    if not layout.gridlines:
        attrs["showGridLines"] = "0"
    content = None
    if layout.freeze_row:
        cell = f"A{layout.freeze_row + 1}"
        content = (_element("pane", {"ySplit": str(layout.freeze_row), "topLeftCell": cell, "activePane": "bottomLeft",
                                     "state": "frozen"})
                   + _element("selection", {"pane": "bottomLeft", "activeCell": cell, "sqref": cell}))
    return _element("sheetViews", None, _element("sheetView", attrs, content))


def _page(layout: SheetLayout) -> str:
    """Print options, margins, page setup, header and footer, and manual page breaks."""
    left, right, top, bottom = layout.margins
    out = [_element("printOptions", {"horizontalCentered": "1"}),
           _element("pageMargins", {"left": f"{left:g}", "right": f"{right:g}", "top": f"{top:g}",
                                    "bottom": f"{bottom:g}", "header": "0.3", "footer": "0.3"})]
    setup = {"paperSize": "9"}
    setup.update({"fitToWidth": "1", "fitToHeight": "0"} if layout.fit_width else {"scale": "100"})
    setup.update(firstPageNumber="1", orientation="landscape" if layout.landscape else "portrait",
                 useFirstPageNumber="1")
    out.append(_element("pageSetup", setup))
    if layout.header or layout.footer:
        out.append(_element("headerFooter", None,
                            (_element("oddHeader", None, escape(_text(layout.header))) if layout.header else "")
                            + (_element("oddFooter", None, escape(_text(layout.footer))) if layout.footer else "")))
    if layout.page_breaks:  # <brk id="N"/>: a new page after the first N rows
        count = str(len(layout.page_breaks))
        out.append(_element("rowBreaks", {"count": count, "manualBreakCount": count},
                            "".join(_element("brk", {"id": str(row - 1), "max": "16383", "man": "1"})
                                    for row in layout.page_breaks)))
    return "".join(out)


def sheet_chunks(layout: SheetLayout, style_ids: dict[str, int], code_name: str | None = None) -> Iterator[bytes]:
    """The worksheet part in pieces, in UTF-8 (see ``render_sheet``)."""
    last_column = layout.last_column  # (a walk over every cell: once)
    head = [DECLARATION, f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">']
    if layout.fit_width or code_name:
        head.append(_element("sheetPr", {"codeName": code_name} if code_name else None,
                             _element("pageSetUpPr", {"fitToPage": "1"}) if layout.fit_width else None))
    head.append(_element("dimension", {"ref": f"A1:{column_letter(last_column)}{max(1, layout.row_count)}"}))
    head.append(_view(layout))
    head.append(_element("sheetFormatPr", {"defaultRowHeight": "15"}))
    if layout.column_widths:
        head.append(_element("cols", None, "".join(
            _element("col", {"min": str(i), "max": str(i), "width": f"{width + 0.7109375:g}", "customWidth": "1"})
            for i, width in enumerate(layout.column_widths, start=1))))
    if not layout.row_count:
        head.append("<sheetData/>")
        yield "".join(head).encode("utf-8")
    else:
        head.append("<sheetData>")
        yield "".join(head).encode("utf-8")
        for rows in _rows(layout, style_ids, last_column):
            yield rows.encode("utf-8")
        yield b"</sheetData>"
    tail = []
    if layout.merges:
        tail.append(_element("mergeCells", {"count": str(len(layout.merges))},
                             "".join(_element("mergeCell", {"ref": ref}) for ref in layout.merges)))
    tail.append(_page(layout))
    if layout.tables:
        tail.append(_element("tableParts", {"count": str(len(layout.tables))},
                             "".join(_element("tablePart", {"r:id": f"rId{i}"})
                                     for i in range(1, len(layout.tables) + 1))))
    tail.append("</worksheet>")
    yield "".join(tail).encode("utf-8")


def render_sheet(layout: SheetLayout, style_ids: dict[str, int], code_name: str | None = None) -> bytes:
    """The worksheet part.  ``style_ids``: the cellXfs index of each named style (``styles.add_styles``);
    ``code_name``: the sheet's VBA code name (<sheetPr codeName>), for a workbook with a VBA project.
    The sheet's tables are its relationships rId1, rId2, ... in the order of ``layout.tables``."""
    return b"".join(sheet_chunks(layout, style_ids, code_name))
