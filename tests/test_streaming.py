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
from xl_statsbidrag.forms.layout import STYLES, Cell, Row, SheetLayout, Table
from xl_statsbidrag.xlsx.worksheet import render_sheet, sheet_chunks
from xl_statsbidrag.xlsx.zipio import Deflated

TODAY = dt.date(2020, 3, 1)
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
        report = make_report(book, TODAY, dt.datetime(2020, 3, 1, 12))
        layouts += report.sheets
    book = read(EXAMPLE_2019)
    frame = _read(WORKBOOKS / "huvudbok_2019.csv", parse_columns(None), agreement_objekt(book))
    layouts.append(utfall_sheet(compute(book, [frame]).sheet_data(), TODAY))
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
    """Over ``FAST_DEFLATE_ROWS`` rows a new sheet is deflated at zlib's level 3 (not 6): the member is the
    same XML, only its compressed bytes differ."""
    import zipfile
    import zlib

    from xl_statsbidrag.xlsx.writer import FAST_DEFLATE_ROWS, write_sheet

    layout = SheetLayout("Utfall", [12.0, 12.0])
    layout.add(Cell(1, "Rubrik", style="header"))
    layout.block = RowBlock([Column([f"rad {i} & ö" for i in range(rows - 1)]), Column(list(range(rows - 1)), scale=2)],
                            [None] * (rows - 1))
    assert (layout.row_count > FAST_DEFLATE_ROWS) == (rows > 100)
    write_sheet(EXAMPLE_2019, tmp_path / "out.xlsx", layout)
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/") and b"rad 1 &amp; " in z.read(n))
        xml, packed = z.read(name), z.getinfo(name).compress_size
    compressor = zlib.compressobj(3 if rows > 100 else 6, zlib.DEFLATED, -15)
    assert packed == len(compressor.compress(xml) + compressor.flush())
    assert xml.startswith(b"<?xml") and xml.count(b"<row ") == rows


# --- the cell patch ---------------------------------------------------------------------------------------

from lxml import etree  # noqa: E402

from oracles import lxml_cellpatch  # noqa: E402
from xl_statsbidrag.core.errors import UserError  # noqa: E402
from xl_statsbidrag.xlsx import cellpatch  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def both(data: bytes, values: dict) -> tuple[object, object]:
    """What the new patch and the lxml one make of a part: bytes, or the UserError's message."""
    out = []
    for patch in (cellpatch.patch_cells, lxml_cellpatch.patch_cells):
        try:
            out.append(patch(data, values, "x.xlsx: xl/worksheets/sheet1.xml"))
        except UserError as exc:
            out.append(("UserError", exc.message.split(" (")[0]))
    return out[0], out[1]


def c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def test_the_examples_activity_sheets_are_patched_byte_for_byte_as_lxml_patched_them():
    """The activities sheet of each example with its Utfall column set (cells there or not, values and
    none), also with cells left and right of the table's columns, and in a row the sheet does not have."""
    from xl_statsbidrag.app.files import read_file as read
    from xl_statsbidrag.xlsx.package import Package

    for path in (EXAMPLE_2019, EXAMPLE_2018, WORKBOOKS / "beslutsunderlag_2019.xlsm"):
        book = read(path)
        with Package(path) as pkg:
            sheet = pkg.sheet(book.activities[0].sheet)
            data = pkg.read(sheet.part)
        letter = book.activities[0].columns["actual"]
        cases = [{f"{letter}{a.row}": Decimal(i * 1001) / 100 if i % 3 else None
                  for i, a in enumerate(book.activities)},
                 {f"A{book.activities[0].row}": Decimal(1), f"Z{book.activities[-1].row}": Decimal("-2.5")},
                 {f"{letter}{book.activities[-1].row + 50}": Decimal(3)}]
        for values in cases:
            new, old = both(data, values)
            assert new == old, (path.name, values)
            assert isinstance(new, bytes)


_COLUMNS = "ABCDEF"
_CELL_BODIES = ["<v>1</v>", "<v>5</v>", '<is><t>a &amp; b</t></is>', "<f>A1+1</f><v>2</v>", "", "",
                '<f t="shared" ref="{col}{row}:{col}{last}" si="0">A1</f><v>3</v>', "<v>4</v><extLst/>"]


@st.composite
def parts(draw) -> tuple[bytes, dict, bool]:
    """A worksheet part in one of the forms writers use (and some they do not), the cells to set, and
    whether the part is in lxml's own form (then the bytes must be equal, else the XML)."""
    plain = True
    p = draw(st.sampled_from(["", "x:"]))
    declaration = draw(st.sampled_from([
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n', "<?xml version='1.0' encoding='utf-8'?>",
        '\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "", '<?xml version="1.0"?>']))
    plain &= declaration[:1] != "\ufeff" and declaration != '<?xml version="1.0"?>' and bool(declaration)
    rows = sorted(draw(st.sets(st.integers(1, 8), max_size=5)))
    body = []
    for r in rows:
        cells = sorted(draw(st.sets(st.sampled_from(_COLUMNS), max_size=4)))
        row_attrs = (f' r="{r}"' if draw(st.integers(0, 19)) else "") + draw(st.sampled_from(
            ["", ' spans="1:6"', ' spans="2:3"', ' spans="1:3 5:6"', ' ht="20" customHeight="1"']))
        out = []
        for c in cells:
            kind = draw(st.sampled_from(_CELL_BODIES)).format(col=c, row=r, last=r + draw(st.integers(0, 1)))
            ref = f' r="{c}{r}"' if draw(st.integers(0, 9)) else ""
            style = draw(st.sampled_from(["", ' s="2"']))
            if draw(st.integers(0, 12)) == 0:
                attrs, plain = f"{style} r='{c}{r}'" if ref else style, False
            else:
                attrs = ref + style
            out.append(f"<{p}c{attrs}/>" if not kind else
                       f"<{p}c{attrs}>{kind.replace('<', '<' + p).replace('<' + p + '/', '</' + p)}</{p}c>")
        ext = f"<{p}extLst/>" if draw(st.integers(0, 12)) == 0 else ""
        gap = draw(st.sampled_from(["", "", "\n  "]))
        body.append(f"<{p}row{row_attrs}/>" if not out and not ext else
                    f"<{p}row{row_attrs}>{gap.join(out)}{ext}</{p}row>{gap}")
    extra = draw(st.sampled_from(["", "", "", "", "<!-- a <row r=\"3\"> -->", "<![CDATA[x]]>", "<?pi x?>"]))
    if extra:
        plain = False
        body.insert(draw(st.integers(0, len(body))), extra if "CDATA" not in extra else "")
    cols = draw(st.sampled_from(["", f'<{p}cols><{p}col min="2" max="4" style="7"/></{p}cols>']))
    sheet_data = f"<{p}sheetData>{''.join(body)}</{p}sheetData>" if body or draw(st.booleans()) \
        else f"<{p}sheetData/>"
    ns = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    text = (f"{declaration}<{p}worksheet {ns} xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">{cols}{sheet_data}"
            f"<{p}pageMargins left=\"0.7\"/></{p}worksheet>" + draw(st.sampled_from(["", "\n"])))
    in_rows = st.sampled_from(rows) if rows and draw(st.integers(0, 4)) else st.integers(1, 9)
    values = draw(st.dictionaries(st.builds(lambda c, r: f"{c}{r}", st.sampled_from(_COLUMNS), in_rows),
                                  st.none() | st.decimals(-10**6, 10**6, places=2), min_size=1, max_size=5))
    return text.encode("utf-8"), values, plain


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts())
def test_any_part_is_patched_as_lxml_patched_it(case):
    data, values, plain = case
    new, old = both(data, values)
    if isinstance(old, tuple) or isinstance(new, tuple):
        assert new == old
    elif plain:
        assert new == old
    else:
        assert c14n(new) == c14n(old)


def test_the_plain_scan_is_what_patches_a_plain_part():
    """The fast path is taken for what spreadsheet programs write (not the tree that needs 25 times the
    part), and it refuses a part that is not well-formed as the tree did."""
    part = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1" spans="1:3"><c r="A1" s="1"><v>1</v></c><c r="C1"><v>2</v></c></row>'
            "</sheetData></worksheet>").encode()
    assert cellpatch._scan(part, {"B1": Decimal(5), "C1": None}, "") is not None
    assert cellpatch.patch_cells(part, {"B1": Decimal(5), "C1": None}) == \
        lxml_cellpatch.patch_cells(part, {"B1": Decimal(5), "C1": None})
    with pytest.raises(UserError, match="not well-formed"):
        cellpatch.patch_cells(part.replace(b"</c></row>", b"</row>"), {"A1": Decimal(1)})
    # a prefixed part, cells to add (styled as their column) before, between and after others, a spans hint
    # that no longer holds, a shared formula's anchor set with all its cells, an extLst after the cells
    prefixed = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<x:worksheet xmlns:x="{MAIN}">'
                '<x:cols><x:col min="1" max="3" style="4"/></x:cols><x:sheetData>'
                '<x:row r="2" spans="2:3" x14ac:dyDescent="0.25" xmlns:x14ac="urn:x"><x:c r="B2" s="1"><x:v>1</x:v></x:c>'
                '<x:c r="D2"><x:f t="shared" ref="D2:D3" si="0">A1</x:f><x:v>2</x:v></x:c><x:extLst/></x:row>\n'
                '<x:row r="3"><x:c r="D3"><x:f t="shared" si="0"/><x:v>3</x:v></x:c></x:row>'
                '</x:sheetData><x:pageMargins left="0.7"/></x:worksheet>\n').encode()
    values = {"A2": Decimal("1.5"), "C2": None, "E2": Decimal(7), "D2": Decimal(8), "D3": Decimal(9)}
    assert cellpatch._scan(prefixed, values, "") is not None or b"x14ac" in prefixed
    assert cellpatch.patch_cells(prefixed, values) == lxml_cellpatch.patch_cells(prefixed, values)
    plain = prefixed.replace(b' x14ac:dyDescent="0.25" xmlns:x14ac="urn:x"', b"").replace(b"<x:extLst/>", b"")
    assert cellpatch._scan(plain, values, "") is not None
    assert cellpatch.patch_cells(plain, values) == lxml_cellpatch.patch_cells(plain, values)
    with pytest.raises(UserError, match="shared with other cells"):
        cellpatch.patch_cells(plain, {"D2": Decimal(1)})


# --- the sheet reader --------------------------------------------------------------------------------------

import zipfile  # noqa: E402

from oracles import lxml_cells  # noqa: E402
from xl_statsbidrag.xlsx import cells as scan_cells  # noqa: E402
from xl_statsbidrag.xlsx.package import Package  # noqa: E402


def read_both(path, ranges=((1, 1048576, 1, 16384),)) -> tuple[object, object]:
    """Every sheet of a workbook in the given ranges, with its hidden rows, by the scan and by the stream."""
    out = []
    for module in (scan_cells, lxml_cells):
        try:
            with Package(path) as pkg:
                reader = module.CellReader(pkg)
                got = [(s.name, r, reader.rows(s, *r)) for s in pkg.sheets if s.part for r in ranges]
                out.append((got, reader.hidden))
        except UserError as exc:
            out.append(("UserError", exc.message.split(" (")[0]))
    return out[0], out[1]


def test_the_example_workbooks_read_the_same():
    for path in sorted(WORKBOOKS.glob("*.xls[xm]")):
        new, old = read_both(path, ((1, 1048576, 1, 16384), (5, 20, 2, 7), (1, 3, 1, 26)))
        assert new == old, path.name


def test_the_plain_scan_is_what_reads_the_examples():
    with Package(EXAMPLE_2019) as pkg:
        reader = scan_cells.CellReader(pkg)
        for sheet in pkg.sheets:
            assert scan_cells._scan(reader, sheet, 1, 1048576, 1, 16384) is not None, sheet.name


def _package(tmp_path, sheet: str, strings: list[str] | None = None):
    """The 2019 example with its activities sheet (and shared strings) replaced."""
    target = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(EXAMPLE_2019) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = sheet.encode("utf-8")
            elif info.filename == "xl/sharedStrings.xml" and strings is not None:  # (added after the example's)
                data = data.replace(b"</sst>", "".join(strings).encode("utf-8") + b"</sst>")
            zout.writestr(info.filename, data)
    return target


_SHEET_CELLS = [
    '<c r="{ref}"><v>12.5</v></c>', '<c r="{ref}" s="2"><v>43831</v></c>', '<c r="{ref}" t="s"><v>{si}</v></c>',
    '<c r="{ref}" s="1" t="s"><v>{si}</v></c>', '<c r="{ref}" s="3"/>', '<c r="{ref}" t="inlineStr"><is><t>a &amp; b'
    '&#10;c&#x41;</t></is></c>', '<c r="{ref}" t="inlineStr"><is><t xml:space="preserve"> x\r\ny </t></is></c>',
    '<c r="{ref}" t="str"><f>A1&amp;"x"</f><v>q&lt;</v></c>', '<c r="{ref}"><f>SUM(A1:A2)</f></c>',
    '<c r="{ref}"><f t="shared" ref="A1:A3" si="0"/><v>7</v></c>', '<c r="{ref}" t="e"><v>#REF!</v></c>',
    '<c r="{ref}" t="b"><v>1</v></c>', '<c r="{ref}"><v></v></c>', '<c r="{ref}"><v/></c>', '<c r="{ref}"><v> </v></c>',
    '<c r="{ref}" t="inlineStr"/>', '<c r="{ref}" t="inlineStr"><is/></c>', '<c r="{ref}" cm="1"><v>3</v></c>',
    '<c r="{ref}" t="n"><v>1E+400</v></c>', '<c r="{ref}"><v>-0.000000001</v></c>', '<c><v>5</v></c>',
    '<c r="{ref}" t="s"><v>99</v></c>', '<c r="{ref}" t="s"><v>x</v></c>', '<c r="{ref}" t="d"><v>2019-12-31T00:00:00</v></c>',
    "<c r='{ref}'><v>8</v></c>", '<c r="{ref}" t="inlineStr"><is><r><t>rich</t></r><r><t> text</t></r></is></c>',
    '<c r="{ref}" t="s" s="1"><v>2</v></c>', '<c r="{ref}" s="2"><v>2958466</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>&#1114112;</t></is></c>', '<c r="{ref}" t="str"><v>&#99999999999;</v></c>',
]
with zipfile.ZipFile(EXAMPLE_2019) as _z:
    EXAMPLE_STRINGS = _z.read("xl/sharedStrings.xml").count(b"<si>")
_STRINGS = ["<si><t>Aktivitet</t></si>", '<si><t xml:space="preserve"> lead &amp; trail </t></si>',
            "<si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r></si>",
            "<si><t>kana</t><rPh sb=\"0\" eb=\"1\"><t>カナ</t></rPh></si>", "<si><t/></si>", "<si><t>a\r\nb</t></si>"]


@st.composite
def sheets(draw) -> tuple[str, list[str]]:
    rows = sorted(draw(st.sets(st.integers(1, 12), max_size=8)))
    body = []
    for r in rows:
        columns = sorted(draw(st.sets(st.sampled_from("ABCDEFGHIJ"), max_size=5)))
        cells = [draw(st.sampled_from(_SHEET_CELLS)).format(ref=f"{c}{r}", si=EXAMPLE_STRINGS + draw(st.integers(0, 5)))
                 for c in columns]
        attrs = (f' r="{r}"' if draw(st.integers(0, 9)) else "") + draw(st.sampled_from(
            ["", ' spans="1:10"', ' hidden="1"', ' hidden="true" customHeight="1" ht="0"', ' hidden="0"']))
        body.append(f"<row{attrs}>{''.join(cells)}</row>" if cells else f"<row{attrs}/>")
    merges = draw(st.lists(st.sampled_from(["A1:B2", "C3:C9", "D2:F2", "B5:B12", "A1:A1"]), max_size=2, unique=True))
    tail = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
            + "</mergeCells>") if merges else ""
    extra = draw(st.sampled_from(["", "", "", "<!-- c -->", "<extLst><ext uri=\"x\"/></extLst>"]))
    declaration = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n', "",
                                        "<?xml version='1.0' encoding='ISO-8859-1'?>"]))
    sheet = (f'{declaration}<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
             f'2006/relationships"><dimension ref="A1:J12"/><sheetData>{"".join(body)}</sheetData>{tail}{extra}'
             '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    strings = draw(st.lists(st.sampled_from(_STRINGS), min_size=4, max_size=8))
    return sheet, strings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(sheets())
def test_any_sheet_reads_as_the_stream_read_it(tmp_path, case):
    sheet, strings = case
    path = _package(tmp_path, sheet, strings)
    new, old = read_both(path, ((1, 1048576, 1, 16384), (2, 9, 2, 8)))
    assert new == old


def test_the_validation_of_many_activities_is_the_same():
    """validate's findings on a workbook of 3 000 activities, read by the scan and by the stream."""
    import build as examples

    from xl_statsbidrag.read.format_reader import read
    from xl_statsbidrag.check.validate import validate
    from xl_statsbidrag.xlsx import file_source

    spec = dict(examples.WORKBOOKS["beslutsunderlag_2019.xlsx"])
    base = spec["activities"]
    spec["activities"] = [(f"{a[0]} #{i // len(base) + 1}",) + a[1:] for i, a in
                          ((i, base[i % len(base)]) for i in range(3000))]
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "many.xlsx"
        examples.build(path, spec)
        found = []
        for module in (scan_cells, lxml_cells):
            with Package(path) as pkg:
                source = file_source.FileSource(pkg)
                source.cells = module.CellReader(pkg)
                book = read(source)
                found.append(([f.as_dict() for f in book.problems + validate(book, TODAY)], book.activities))
    assert found[0] == found[1]
    assert len(found[0][1]) == 3000
