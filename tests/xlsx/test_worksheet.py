"""Tests of xl_statsbidrag.xlsx.worksheet, among them byte-for-byte comparisons with its oracle, the module as it was
before issue 28 made it stream (tests/oracles/lxml_worksheet.py, commit 3140f14: an lxml tree built whole)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree
import openpyxl
import pytest

from tests.conftest import EXAMPLE_2019, parts, small_book, EXAMPLE_2018, WORKBOOKS
from tests.oracles import lxml_worksheet

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.forms.layout import STYLES, Cell, Row, SheetLayout, Table
from xl_statsbidrag.xlsx.package import q, whole
from xl_statsbidrag.xlsx.worksheet import render_sheet, sheet_chunks
from xl_statsbidrag.xlsx.zipio import Deflated


TODAY = dt.date(2026, 11, 22)


# --- formula injection ----------------------------------------------------------------------------------

RISKY = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://evil\",\"x\")"]


def test_text_is_written_as_text_headless(tmp_path):
    rows = [[text, text, 100 + i, "9917", "", None] for i, text in enumerate(RISKY)]
    out = tmp_path / "out.xlsx"
    report_file(small_book(tmp_path / "t.xlsx", rows), out, TODAY)
    sheet = parts(out)["xl/worksheets/sheet3.xml"].decode()
    formulas = [f for f in sheet.split("<f>")[1:]]
    assert all(f.startswith(("SUM(", "SUMPRODUCT(", "MAX(", "D", "E", "F")) for f in formulas), formulas
    import openpyxl
    values = [c.value for row in openpyxl.load_workbook(out)["Bilaga 2"].iter_rows() for c in row]
    for text in RISKY:
        assert text.strip() in values  # as read (the reader trims spaces), and as text


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    rows = [["=HYPERLINK(\"http://x\")", "+V", 100, "9917", "", None], ["@SUM(A1)", "-V", 200, "9917", "", None]]
    source = small_book(tmp_path / "t.xlsx", rows)
    target = tmp_path / "out.xlsx"
    report_file(source, target, TODAY)
    sheet = parts(target)["xl/worksheets/sheet3.xml"].decode()
    assert "HYPERLINK" in sheet and "<f>HYPERLINK" not in sheet and "<f>=" not in sheet
    assert '<t xml:space="preserve">=HYPERLINK(&quot;http://x&quot;)</t>' in sheet or \
        '<t xml:space="preserve">=HYPERLINK("http://x")</t>' in sheet


def test_footer_escapes_ampersands_and_rows_stay_within_excels_height(tmp_path):
    long_name = "Mycket lång aktivitet " * 300
    source = small_book(tmp_path / "t.xlsx", [[long_name, "V", 100, "9917", "", None]],
                        labels={"Överenskommelsens benämning": "Vård & omsorg"})
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    sheet = parts(out)["xl/worksheets/sheet3.xml"].decode()
    assert "Ekonomisk redovisning – Vård &amp;&amp; omsorg" in sheet
    heights = [float(h) for h in __import__("re").findall(r'ht="([0-9.]+)"', sheet)]
    assert max(heights) <= 409


AFTER_YEAR_END = dt.date(2020, 3, 1)


STYLE_IDS = {name: i + 3 for i, name in enumerate(STYLES)}


def example_layouts() -> list[SheetLayout]:
    """Every sheet the tool lays out from the shipped examples: Bilaga 2 and Kontroll of each workbook,
    the Utfall sheet of the shipped ledger, the Rekvisition sheet."""
    from xl_statsbidrag.app.files import read_file as read
    from xl_statsbidrag.ledger.frame import parse_columns
    from xl_statsbidrag.ledger.read import read as _read
    from xl_statsbidrag.forms.rekvisition import requisition_sheet
    from xl_statsbidrag.app.report import make_report
    from xl_statsbidrag.forms.utfall import utfall_sheet
    from xl_statsbidrag.ledger.match import agreement_objekt, compute

    layouts = []
    for path in (EXAMPLE_2019, EXAMPLE_2018, WORKBOOKS / "beslutsunderlag_2019.xlsm"):
        book = read(path)
        report = make_report(book, AFTER_YEAR_END, dt.datetime(2020, 3, 1, 12))
        layouts += report.sheets
    book = read(EXAMPLE_2019)
    frame = _read(WORKBOOKS / "huvudbok_2019.csv", parse_columns(None), agreement_objekt(book))
    layouts.append(utfall_sheet(compute(book, [frame]).sheet_data(), AFTER_YEAR_END))
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


@pytest.mark.system
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


def test_line_breaks_in_text_are_written_as_excel_keeps_them():
    """The worksheet written with f-strings had a CR raw in the part, which every XML parser (Excel's too)
    reads as LF; the lxml worksheet wrote it as &#13;, a CR in the cell.  Same as before: LF."""
    layout = SheetLayout("Rader", [10], rows=[Row([Cell(1, "a\r\nb\rc"), Cell(2, "x", formula='"1"&"\r\n"')])],
                         footer="&Lvänster\r\n&Rhöger")
    root = etree.fromstring(render_sheet(layout, {name: 0 for name in STYLES}))
    assert root.findtext(f"{q('sheetData')}/{q('row')}/{q('c')}/{q('is')}/{q('t')}") == "a\nb\nc"
    assert root.findtext(f".//{q('f')}") == '"1"&"\n"'
    assert root.findtext(f".//{q('oddFooter')}") == "&Lvänster\n&Rhöger"
