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
from xl_statsbidrag.xlsx.package import q
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
    assert [layout.name for layout in layouts if layout.block is not None] == ["Utfall"]
    for layout in layouts:  # (the oracle knows rows of cells only: a row block goes to it as such rows)
        assert render_sheet(layout, STYLE_IDS, code_name) == \
            lxml_worksheet.render_sheet(layout.expanded(), STYLE_IDS, code_name), layout.name


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


def test_a_part_deflated_on_a_thread_of_its_own_is_the_same_bytes(monkeypatch):
    """``Deflated(ahead=True)``: the pieces gathered and compressed on a second thread while the next are
    made give the bytes, CRC and size of the loop on one thread, for any gathering; without a core free it
    is the loop; an error while the pieces are made, or while compressing, is raised, and no thread is left."""
    import threading
    import zlib

    from xl_statsbidrag.xlsx import zipio

    chunks = [f"<row>{i} {'å' * (i % 97)}</row>".encode() * (1 + i % 50) for i in range(3000)]
    whole = b"".join(chunks)
    compressor = zlib.compressobj(3, zlib.DEFLATED, -15)
    expected = compressor.compress(whole) + compressor.flush()
    monkeypatch.setattr(zipio, "_spare_core", lambda: True)
    for piece in (1, 1000, 1 << 16, 1 << 30):
        monkeypatch.setattr(zipio, "AHEAD_PIECE", piece)
        packed = Deflated(iter(chunks), 3, ahead=True)
        assert (packed.data, packed.crc, packed.size) == (expected, zlib.crc32(whole), len(whole))
    empty = Deflated(iter([]), 3, ahead=True)
    assert (empty.data, empty.crc, empty.size) == (zlib.compressobj(3, zlib.DEFLATED, -15).flush(), 0, 0)
    threads = threading.active_count()

    def failing():
        yield from chunks[:500]
        raise ValueError("the layout broke")
    monkeypatch.setattr(zipio, "AHEAD_PIECE", 1000)
    with pytest.raises(ValueError, match="the layout broke"):
        Deflated(failing(), 3, ahead=True)
    crc32, calls = zlib.crc32, []

    def short_of_memory(data, value=0):
        calls.append(threading.current_thread().name)
        if len(calls) == 3:
            raise MemoryError
        return crc32(data, value)
    monkeypatch.setattr(zipio.zlib, "crc32", short_of_memory)
    with pytest.raises(MemoryError):  # on the second thread, raised in the first
        Deflated(iter(chunks), 3, ahead=True)
    assert set(calls) == {"deflate"}
    monkeypatch.setattr(zipio.zlib, "crc32", crc32)
    assert threading.active_count() == threads
    monkeypatch.setattr(zipio, "_spare_core", lambda: False)
    monkeypatch.setattr(zipio, "_deflate_ahead", None)  # no core free: the plain loop
    assert Deflated(iter(chunks), 3, ahead=True).data == expected


@pytest.mark.parametrize("cores, machine, load, spare", [(1, 8, 0.0, False), (2, 2, 0.4, True), (2, 2, 1.6, False),
                                                         (2, 8, 3.0, True), (4, 8, 7.9, False), (2, 2, None, True)])
def test_the_deflate_thread_runs_where_a_core_is_free(monkeypatch, cores, machine, load, spare):
    """A second thread only where the process may use two cores and the load average (None: the system
    has none, as Windows) leaves one free."""
    from xl_statsbidrag.xlsx import zipio

    def loadavg():
        if load is None:
            raise AttributeError("getloadavg")
        return (load, load, load)
    monkeypatch.setattr(zipio, "_cores", lambda: cores)
    monkeypatch.setattr(zipio.os, "cpu_count", lambda: machine)
    monkeypatch.setattr(zipio.os, "getloadavg", loadavg)
    assert zipio._spare_core() is spare


def test_line_breaks_in_text_are_written_as_excel_keeps_them():
    """The worksheet written with f-strings had a CR raw in the part, which every XML parser (Excel's too)
    reads as LF; the lxml worksheet wrote it as &#13;, a CR in the cell.  Same as before: LF."""
    layout = SheetLayout("Rader", [10], rows=[Row([Cell(1, "a\r\nb\rc"), Cell(2, "x", formula='"1"&"\r\n"')])],
                         footer="&Lvänster\r\n&Rhöger")
    root = etree.fromstring(render_sheet(layout, {name: 0 for name in STYLES}))
    assert root.findtext(f"{q('sheetData')}/{q('row')}/{q('c')}/{q('is')}/{q('t')}") == "a\nb\nc"
    assert root.findtext(f".//{q('f')}") == '"1"&"\n"'
    assert root.findtext(f".//{q('oddFooter')}") == "&Lvänster\n&Rhöger"


# --- a row block (issue 22 item 10: the Utfall sheet's transactions as columns, not Cells) ------------------

from xl_statsbidrag.forms.layout import Column, RowBlock  # noqa: E402

_LONG = "Å&<" * 11_000 + "slut"  # over the 32 767 characters a cell holds
_BLOCK_TEXT = _TEXT | st.sampled_from(["Östersund ö", "A & B <c> \"d\"", _LONG, "rad 1\r\nrad 2", "Faktura 10234"])
_ORE = st.none() | st.integers(-10**6, 10**6) | st.integers(-10**20, 10**20) | st.sampled_from(
    [0, -1, -5, -100, -12345, 99, 100, 12340, 10**15 - 1, -(10**15 - 1), 10**15, -(10**15) - 1, 2**53 + 1])


@st.composite
def blocks(draw) -> SheetLayout:
    n = draw(st.integers(0, 6))
    columns = []
    for _ in range(draw(st.integers(1, 5))):
        style = draw(st.sampled_from(sorted(STYLES)) | st.lists(st.sampled_from(sorted(STYLES)), min_size=n, max_size=n))
        if draw(st.booleans()):
            columns.append(Column(draw(st.lists(_BLOCK_TEXT | st.none(), min_size=n, max_size=n)), style))
        else:
            columns.append(Column(draw(st.lists(_ORE, min_size=n, max_size=n)), style, scale=draw(st.sampled_from([0, 2, 3]))))
    heights = draw(st.lists(st.none() | st.sampled_from([0.0, 15.0, 33.0, 22.5, 409.0]), min_size=n, max_size=n))
    layout = SheetLayout("Utfall", [11.0] * 3, draw(st.lists(_ROW, max_size=3)), gridlines=draw(st.booleans()))
    layout.block = RowBlock(columns, heights, first_column=draw(st.integers(1, 3)))
    return layout


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
def test_a_row_block_is_written_byte_for_byte_as_its_rows_of_cells(layout):
    """The block's own rendering (a column at a time) is what lxml wrote for the same rows made of
    Cells: texts with markup characters, CR/LF, control characters, over 32 767 characters, empty cells
    (None and ""), amounts of any sign in öre, per-row styles, heights, ordinary rows above it."""
    expanded = layout.expanded()
    assert expanded.block is None and len(expanded.rows) == layout.row_count
    assert expanded.last_column == layout.last_column
    assert render_sheet(layout, STYLE_IDS) == lxml_worksheet.render_sheet(expanded, STYLE_IDS)


def test_a_row_block_expands_to_the_cells_it_stands_for():
    layout = SheetLayout("Utfall", [10.0])
    layout.add(Cell(1, "Rubrik", style="header"))
    layout.block = RowBlock([Column(["Östersund & <Hus>", "", None, _LONG]),
                             Column([-5, 12340, None, 500], ["number_ore", "number_ore", "number", "number"], scale=2)],
                            [None, 33.0, None, 15.0])
    rows = list(layout.all_rows())
    assert [[(c.column, c.value, c.style) for c in r.cells] for r in rows[1:]] == [
        [(1, "Östersund & <Hus>", "text"), (2, Decimal("-0.05"), "number_ore")],
        [(1, None, "text"), (2, Decimal("123.4"), "number_ore")],
        [(1, None, "text"), (2, None, "number")],
        [(1, _LONG, "text"), (2, Decimal(5), "number")]]
    assert [r.height for r in rows] == [None, None, 33.0, None, 15.0]
    assert (layout.row_count, layout.last_column, len(list(layout.cells()))) == (5, 2, 9)
    part = render_sheet(layout, STYLE_IDS).decode()
    assert '<c r="A2" s="{}" t="inlineStr"><is><t xml:space="preserve">Östersund &amp; &lt;Hus&gt;</t></is></c>'.format(
        STYLE_IDS["text"]) in part
    assert '<c r="B2" s="{}"><v>-0.05</v></c>'.format(STYLE_IDS["number_ore"]) in part
    assert '<row r="3" spans="1:2" ht="33" customHeight="1">' in part and '<dimension ref="A1:B5"/>' in part
    with pytest.raises(ValueError):
        layout.add(Cell(1, "after the block"))
    with pytest.raises(ValueError):
        RowBlock([Column(["a", "b"])], [None])
    with pytest.raises(ValueError):
        Column(["a"], "no such style")


_WORDS = st.text(st.sampled_from(list("aiW Å0123456789.-&\u2003\U0001F600\0")), max_size=80)


@settings(max_examples=500, deadline=None)
@given(_WORDS, st.sampled_from(["text", "strong", "note", "section"]), st.floats(1, 400))
def test_text_is_wrapped_as_before_the_shortcuts(text, style, px):
    """The two shortcuts of the measure (a text that fits is one line; a text measured by its shape, its
    digits made "0") give what the word-by-word wrap gives: ``text + "\n"`` takes the word-by-word path."""
    from xl_statsbidrag.forms.layout import by_shape, text_lines

    lines = text_lines(text, px, STYLES[style])
    assert lines == text_lines(text + "\n", px, STYLES[style]) - 1
    assert by_shape([text, text], lambda t: text_lines(t, px, STYLES[style])) == {text: lines}
    others = [text, text + "7", "9" + text, "", "ö1\0" + text, "1\n22"]
    assert by_shape(others, len) == {t: len(t) for t in others}
    assert by_shape(others, lambda t: t) == {t: t.translate(str.maketrans("123456789", "0" * 9)) for t in others}


def _old_transaction_rows(data, layout: SheetLayout) -> list[Row]:
    """The Utfall sheet's transaction rows as ``forms.utfall`` made them before the row block: a Cell per
    value (its loop, kept as the oracle)."""
    from xl_statsbidrag.core.money import ore_to_kr
    from xl_statsbidrag.forms.layout import Form, column_px, text_lines
    from xl_statsbidrag.forms.utfall import TRANSACTION_FIELDS

    wrapped = {f: (TRANSACTION_FIELDS.index(f), column_px(layout.column_widths[TRANSACTION_FIELDS.index(f)]))
               for f in ("activity", "text", "verksamhet")}
    rows = []
    for i, v in enumerate(data.ore):
        count = max(text_lines(data.columns[f][i], px, STYLES["text"]) for f, (_, px) in wrapped.items())
        rows.append(Row([Cell(c, ore_to_kr(v), style="number" if v % 100 == 0 else "number_ore") if f == "ore"
                         else Cell(c, data.columns[f][i] or None) for c, f in enumerate(TRANSACTION_FIELDS, start=1)],
                        None if count == 1 else 15.0 * count + Form.ROW_MARGIN))
    return rows


def test_the_utfall_sheets_transactions_are_the_cells_they_were():
    """The sheet Utfall of the example ledger, with its texts made hard (long ones that wrap to many
    lines, digits that differ, markup, ö, empty fields) and amounts of every kind: the block's rows are
    the Cells and heights the per-cell layout made, and the part is what lxml wrote for those."""
    from xl_statsbidrag.app.files import read_file as read
    from xl_statsbidrag.forms.utfall import utfall_sheet
    from xl_statsbidrag.ledger.frame import parse_columns
    from xl_statsbidrag.ledger.match import agreement_objekt, compute
    from xl_statsbidrag.ledger.read import read as read_ledger

    book = read(EXAMPLE_2019)
    frame = read_ledger(WORKBOOKS / "huvudbok_2019.csv", parse_columns(None), agreement_objekt(book))
    data = compute(book, [frame]).sheet_data()
    n = len(data.ore)
    texts = ["", "Östersund & <Hus>", "Faktura 10234 lev. 7", "Faktura 99871 lev. 1", "ord " * 60,
             "1" * 300, "a\nb\nc", _LONG[:500], "x\x01y"]
    data.columns["text"] = [texts[i % len(texts)] for i in range(n)]
    data.columns["verksamhet"] = [("Verksamhet " * (i % 4)).strip() for i in range(n)]
    data.columns["verifikation"] = [str(10**i % 97) if i % 3 else "" for i in range(n)]
    data.ore = [[-5, 0, 12340, -100, 99, 10**13 + 1, -(10**13) - 50][i % 7] for i in range(n)]
    layout = utfall_sheet(data, TODAY)
    assert len(layout.block) == n > 20
    expanded = layout.expanded()
    assert expanded.rows[-n:] == _old_transaction_rows(data, layout)
    assert render_sheet(layout, STYLE_IDS) == lxml_worksheet.render_sheet(expanded, STYLE_IDS)


@pytest.mark.parametrize("rows", [100, 20_001])
def test_a_sheet_of_many_rows_is_deflated_faster_and_reads_the_same(tmp_path, rows):
    """Over ``FAST_DEFLATE_ROWS`` rows a new sheet is deflated at zlib's level ``FAST_DEFLATE`` (2, not 6), on
    a second thread where there are two cores: the member is the same XML, only its compressed bytes differ."""
    import zipfile
    import zlib

    from xl_statsbidrag.xlsx.writer import FAST_DEFLATE, FAST_DEFLATE_ROWS, write_sheets

    layout = SheetLayout("Utfall", [12.0, 12.0])
    layout.add(Cell(1, "Rubrik", style="header"))
    layout.block = RowBlock([Column([f"rad {i} & ö" for i in range(rows - 1)]), Column(list(range(rows - 1)), scale=2)],
                            [None] * (rows - 1))
    assert (layout.row_count > FAST_DEFLATE_ROWS) == (rows > 100)
    write_sheets(EXAMPLE_2019, tmp_path / "out.xlsx", [layout])
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/") and b"rad 1 &amp; " in z.read(n))
        xml, packed = z.read(name), z.getinfo(name).compress_size
    assert FAST_DEFLATE == 2
    compressor = zlib.compressobj(FAST_DEFLATE if rows > 100 else 6, zlib.DEFLATED, -15)
    assert packed == len(compressor.compress(xml) + compressor.flush())
    assert xml.startswith(b"<?xml") and xml.count(b"<row ") == rows


