"""Issue 28: the streaming worksheet writer and cell patch write what the lxml ones wrote.

The oracles are the modules as they were before (tests/oracles/, commit 3140f14): an lxml tree built
whole and serialised.  The new code must give the same bytes for every sheet the tool makes from the
example workbooks and for crafted layouts and parts (text with markup characters, line breaks, control
characters, formulas, empty rows, prefixes); where a crafted part is not in lxml's own form (single
quotes, comments, CDATA), the result must be the same XML (C14N).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS
from oracles import lxml_worksheet
from xl_statsbidrag.layout import STYLES, Cell, Row, SheetLayout, Table
from xl_statsbidrag.xlsx.worksheet import render_sheet, sheet_chunks
from xl_statsbidrag.xlsx.zipio import Deflated

TODAY = dt.date(2020, 3, 1)
STYLE_IDS = {name: i + 3 for i, name in enumerate(STYLES)}


def example_layouts() -> list[SheetLayout]:
    """Every sheet the tool lays out from the shipped examples: Bilaga 2 and Kontroll of each workbook,
    the Utfall sheet of the shipped ledger, the Rekvisition sheet."""
    from xl_statsbidrag.jobs import read
    from xl_statsbidrag.ledger import _read, parse_columns
    from xl_statsbidrag.rekvisition import requisition_sheet
    from xl_statsbidrag.report import make_report
    from xl_statsbidrag.utfall import agreement_objekt, compute, utfall_sheet

    layouts = []
    for path in (EXAMPLE_2019, EXAMPLE_2018, WORKBOOKS / "beslutsunderlag_2019.xlsm"):
        book = read(path)
        report = make_report(book, TODAY, dt.datetime(2020, 3, 1, 12))
        layouts += report.sheets
    book = read(EXAMPLE_2019)
    frame = _read(WORKBOOKS / "huvudbok_2019.csv", parse_columns(None), agreement_objekt(book))
    layouts.append(utfall_sheet(compute(book, [frame]), TODAY))
    layouts.append(requisition_sheet(book))
    return layouts


@pytest.mark.parametrize("code_name", [None, "Blad1"])
def test_the_example_sheets_are_written_byte_for_byte_as_lxml_wrote_them(code_name):
    layouts = example_layouts()
    assert len(layouts) >= 8
    for layout in layouts:
        assert render_sheet(layout, STYLE_IDS, code_name) == lxml_worksheet.render_sheet(layout, STYLE_IDS, code_name), \
            layout.name


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "a & b", "<t>", '"quoted"', "'single'", "x\r\ny\rz\n", "\t tab", "\x01\x0b", "\ufffe", "=SUM(A1)",
     "åäö Ö", "]]>", "&amp;", " lead", "trail "])
_VALUE = st.none() | _TEXT | st.integers(-10**15, 10**15) | st.decimals(allow_nan=False, allow_infinity=False,
                                                                       places=2, min_value=-10**12, max_value=10**12)
_CELL = st.builds(Cell, column=st.integers(1, 30), value=_VALUE, formula=st.none() | _TEXT,
                  style=st.sampled_from(sorted(STYLES)))
_ROW = st.builds(Row, cells=st.lists(_CELL, max_size=6), height=st.none() | st.sampled_from([0.0, 15.0, 22.5, 409.0]))


@st.composite
def layouts(draw) -> SheetLayout:
    rows = draw(st.lists(_ROW, max_size=8))
    layout = SheetLayout(draw(st.sampled_from(["Utfall", "Bilaga 2"])),
                         draw(st.lists(st.sampled_from([0.0, 8.43, 12.0, 46.25]), max_size=4)), rows,
                         merges=draw(st.lists(st.sampled_from(["A1:B1", "C3:L3"]), max_size=2)),
                         footer=draw(_TEXT), header=draw(_TEXT), landscape=draw(st.booleans()),
                         gridlines=draw(st.booleans()), freeze_row=draw(st.integers(0, 3)),
                         page_breaks=draw(st.lists(st.integers(2, 40), max_size=3)), fit_width=draw(st.booleans()),
                         margins=draw(st.sampled_from([(0.6, 0.6, 0.75, 0.75), (0.25, 1.0, 0.5, 2.125)])))
    layout.tables = [Table("T", 1, 1, ("a", "b"), 2)] * draw(st.integers(0, 2))
    return layout


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layouts(), st.none() | st.sampled_from(["Sheet1", 'Q"&<>\t\n']))
def test_any_layout_is_written_byte_for_byte_as_lxml_wrote_it(layout, code_name):
    assert render_sheet(layout, STYLE_IDS, code_name) == lxml_worksheet.render_sheet(layout, STYLE_IDS, code_name)


def test_a_large_sheet_comes_in_pieces_and_compresses_as_the_whole():
    """The rows come some hundred at a time (never the whole part as one string), and the member made
    from the pieces is the member made from the whole part, to the byte."""
    import zlib

    layout = SheetLayout("Utfall", [12.0] * 12)
    for i in range(3000):
        layout.add(*[Cell(c, f"text {i} & {c}" if c % 2 else Decimal(i) / 4, style="money_ore") for c in range(1, 13)])
    chunks = list(sheet_chunks(layout, STYLE_IDS))
    whole = b"".join(chunks)
    assert len(chunks) > 6 and max(map(len, chunks)) < len(whole) / 4
    assert whole == lxml_worksheet.render_sheet(layout, STYLE_IDS)
    packed = Deflated(iter(chunks))
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert packed.data == compressor.compress(whole) + compressor.flush()
    assert (packed.size, packed.crc) == (len(whole), zlib.crc32(whole))
