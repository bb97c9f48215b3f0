"""Tests of xl_statsbidrag.xlsx.cells, among them byte-for-byte comparisons with its oracle, the module as it was
before issue 28 made it stream (tests/oracles/lxml_cells.py, commit 3140f14: an lxml tree built whole)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
import time
import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from tests.conftest import EXAMPLE_2019, parts, small_book, WORKBOOKS
from tests.oracles import lxml_cells
from tests.support.crafted import ACTIVITY_SHEET, BOUNDED, refused, rezip, with_cell

from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.xlsx import cells as scan_cells
from xl_statsbidrag.xlsx.file_source import read_book, FileSource
from xl_statsbidrag.xlsx.package import Package


def test_absurd_table_dimensions_are_refused(tmp_path):
    name, table = next((n, b) for n, b in parts(EXAMPLE_2019).items()
                       if n.startswith("xl/tables/") and b'displayName="Aktiviteter"' in b)
    table = table.replace(b'ref="A4:L28"', b'ref="A4:XFD1048576"')
    evil = tmp_path / "wide.xlsx"
    rezip(EXAMPLE_2019, evil, replace={name: table})
    refused(evil, "claims the range A4:XFD1048576")


def test_a_sheet_claiming_a_million_columns_is_read_in_bounded_time(tmp_path):
    sheet = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    sheet = sheet.replace('<dimension ref="A1:K28"/>', '<dimension ref="A1:XFD1048576"/>')
    big = tmp_path / "big.xlsx"
    rezip(EXAMPLE_2019, big, replace={ACTIVITY_SHEET: sheet.encode()})
    start = time.perf_counter()
    assert len(read_book(big).activities) == 23
    assert time.perf_counter() - start < BOUNDED


def test_deeply_nested_xml_is_refused(tmp_path):
    nested = "<a>" * 100_000 + "</a>" * 100_000
    sheet = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode().replace("</sheetData>", f"</sheetData><extLst>{nested}</extLst>")
    evil = tmp_path / "deep.xlsx"
    rezip(EXAMPLE_2019, evil, replace={ACTIVITY_SHEET: sheet.encode()})
    refused(evil, "not well-formed XML")


def test_a_huge_shared_string_is_refused(tmp_path):
    sst = parts(EXAMPLE_2019)["xl/sharedStrings.xml"].decode()
    sst = sst.replace("<si><t>", "<si><t>" + "x" * (12 << 20), 1)
    evil = tmp_path / "sst.xlsx"
    rezip(EXAMPLE_2019, evil, replace={"xl/sharedStrings.xml": sst.encode()})
    refused(evil, "sharedStrings.xml", "not well-formed")


def test_many_shared_strings_are_read_only_as_far_as_needed(tmp_path):
    sst = parts(EXAMPLE_2019)["xl/sharedStrings.xml"].decode()
    extra = "".join(f"<si><t>filler {i}</t></si>" for i in range(300_000))
    big = tmp_path / "sst.xlsx"
    rezip(EXAMPLE_2019, big, replace={"xl/sharedStrings.xml": sst.replace("</sst>", extra + "</sst>").encode()})
    start = time.perf_counter()
    assert read_book(big).decided == 41197089
    assert time.perf_counter() - start < BOUNDED


def test_odd_attributes_and_a_negative_shared_string_index(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    negative = with_cell(source, tmp_path / "n.xlsx", "A5", '<c r="A5" t="s"><v>-1</v></c>')
    assert ("fel-i-cell", Location("Aktiviteter", "A5")) in [(f.code, f.location) for f in read_book(negative).problems]
    nan = with_cell(source, tmp_path / "nan.xlsx", "A4", '<c r="A4"><v>NaN</v></c>')
    assert ("fel-i-cell", Location("Aktiviteter", "A4")) in [(f.code, f.location) for f in read_book(nan).problems]
    workbook = parts(source)["xl/workbook.xml"].replace(b'sheetId="1"', b'sheetId="one"')
    refused(rezip(source, tmp_path / "id.xlsx", replace={"xl/workbook.xml": workbook}), "sheetId", "one",
            "xl/workbook.xml")
    table = parts(source)["xl/tables/table2.xml"]
    for attribute in (b'headerRowCount="1.0"', b'totalsRowCount="x"'):
        crafted = table.replace(b"<table ", b"<table " + attribute + b" ", 1)
        refused(rezip(source, tmp_path / "h.xlsx", replace={"xl/tables/table2.xml": crafted}),
                attribute.split(b"=")[0].decode(), "xl/tables/table2.xml", "not a whole number")


# --- issue 17 ----------------------------------------------------------------------------------------------

def _merged(tmp_path, refs):
    xml = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    cells = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    xml = xml.replace("</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{cells}</mergeCells>', 1)
    return rezip(EXAMPLE_2019, tmp_path / "merged.xlsx", replace={ACTIVITY_SHEET: xml.encode()})


def test_merged_ranges_are_ranges_not_cells(tmp_path):
    path = _merged(tmp_path, ["A1:Z1048576"])
    with Package(path) as pkg:
        rows = FileSource(pkg).rows("Aktiviteter", max_col=26)
    assert len(rows) < 100  # the rows that are there, not a million copies of A1
    assert len(read_book(path).activities) == 23


def test_overlapping_merged_ranges_are_refused_in_bounded_work(tmp_path):
    refused(_merged(tmp_path, [f"A{i}:Z1048576" for i in range(1, 2001)]), "merged ranges overlap (A5 and A6)")


def test_a_row_with_more_cells_than_excel_has_columns_is_refused(tmp_path):
    xml = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    xml = xml.replace("</sheetData>", '<row r="40">' + "<c/>" * 20_000 + "</row></sheetData>")
    refused(rezip(EXAMPLE_2019, tmp_path / "wide.xlsx", replace={ACTIVITY_SHEET: xml.encode()}), "more than 16384 cells")


def test_a_shared_string_beyond_the_limit_is_refused_without_reading(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    bad = with_cell(source, tmp_path / "s.xlsx", "A4", '<c r="A4" t="s"><v>29999999</v></c>')
    refused(bad, "shared string 29999999, which", "reads the first 500 000")


@pytest.mark.parametrize("column, value", [("C", "1e999999999"), ("A", "1e1000000"), ("A", "1e999999999"),
                                           ("A", "Infinity"), ("A", "sNaN"), ("C", "-Infinity")])
def test_huge_and_not_a_number_values_are_error_values(tmp_path, column, value):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]])
    bad = with_cell(source, tmp_path / "n.xlsx", f"{column}4", f'<c r="{column}4"><v>{value}</v></c>')
    assert ("fel-i-cell", Location("Aktiviteter", f"{column}4")) in [(f.code, f.location) for f in read_book(bad).problems]


def test_a_row_beyond_excels_grid_is_refused(tmp_path):
    xml = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    xml = xml.replace("</sheetData>", '<row r="1048577"><c r="A1048577"><v>1</v></c></row></sheetData>')
    refused(rezip(EXAMPLE_2019, tmp_path / "far.xlsx", replace={ACTIVITY_SHEET: xml.encode()}),
            "row 1048577, outside Excel's rows 1 to 1 048 576")


AFTER_YEAR_END = dt.date(2020, 3, 1)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


@pytest.mark.system
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(sheets())
def test_any_sheet_reads_as_the_stream_read_it(tmp_path, case):
    sheet, strings = case
    path = _package(tmp_path, sheet, strings)
    new, old = read_both(path, ((1, 1048576, 1, 16384), (2, 9, 2, 8)))
    assert new == old


def test_the_validation_of_many_activities_is_the_same(monkeypatch):
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
        flat = []
        flat_tokens = scan_cells._flat_tokens
        monkeypatch.setattr(scan_cells, "_flat_tokens", lambda block: flat.append(flat_tokens(block)) or flat[-1])
        monkeypatch.setattr(scan_cells, "_CHUNK", 1 << 16)  # (blocks of 64 kB: the head's, the rows', the total's)
        for module in (scan_cells, lxml_cells):
            with Package(path) as pkg:
                source = file_source.FileSource(pkg)
                source.cells = module.CellReader(pkg)
                book = read(source)
                found.append(([f.as_dict() for f in book.problems + validate(book, AFTER_YEAR_END)], book.activities))
    assert found[0] == found[1]
    assert len(found[0][1]) == 3000
    assert sum(tokens is not None for tokens in flat) > 10  # (the blocks of rows between the head and the total)



_ROWS_PLAIN = ('<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="3"/><c r="C1"><v>12.5</v></c></row>'
               '<row r="2" spans="1:3"><c r="A2" t="s"><v>1</v></c><c r="B2" s="2"><v>43831</v></c>'
               '<c r="C2" s="1"><v>-7</v></c></row>')
_ODD_ROWS = [
    '<row r="3"><c r="A3" t="s"><v>' + "1" * 5000 + "</v></c></row>",  # (int() refuses 4 300 digits and more)
    '<row r="3"><c r="A3" t="s"><v>' + "9" * 20 + "</v></c></row>",
    '<row r="3"><c r="A3" s="000000000001"><v>5</v></c></row>',
    '<row r="3"><c r="A3" s="' + "1" * 5000 + '"><v>5</v></c></row>',
    '<row r="3"><c s="' + "1" * 5000 + '"><v>5</v></c></row>',
    '<row r="3"><c r="A3" s="2"><v>1E+400</v></c><c r="B3" s="1"><v>NaN</v></c></row>',
    '<row r="3"><c r="A3" s="1" t="s"></c><c r="B3" t="s"><v></v></c></row>',
    '<row r="3" xmlns="urn:other"><c r="A3"><v>5</v></c></row>',
    '<row r="3"><c r="A3" xmlns="urn:other"><v>5</v></c></row>',
    '<row\tr="3"><c r="A3"><v>5</v></c></row>',
    '<row spans="1:2" r="3"><c r="A3"><v>5</v></c></row>',
    '<row r="3"><c r="A3" s="1" t="s" cm="1"><v>0</v></c></row>',
    '<row r="3"><c r="A3"><v>5</v></c><c r="A3"><v>6</v></c></row>',
    '<row r="3"><c r="XFE3"><v>5</v></c></row>',
]


@pytest.mark.parametrize("odd", _ODD_ROWS, ids=[f"odd{i}" for i in range(len(_ODD_ROWS))])
def test_a_plain_sheet_with_one_odd_row_reads_as_the_stream_reads_it(tmp_path, odd):
    """The scan's short cell pattern, its shared-string indexes kept as digits and its styles known not to be
    dates: a row the short pattern does not take (or takes in the scan's own way) among plain ones reads as the
    stream reads it, or fails as it fails (never a traceback)."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
             f'{_ROWS_PLAIN}{odd}</sheetData></worksheet>')
    new, old = read_both(_package(tmp_path, sheet))
    assert new == old


# --- the flat scan (one list of tokens per block: rows, and cells with a value alone) ---------------------

_FLAT_CELLS = ['<c r="{c}{r}"><v>12.5</v></c>', '<c r="{c}{r}" s="1"><v>-7</v></c>', '<c r="{c}{r}" t="s"><v>0</v></c>',
               '<c r="{c}{r}" s="1" t="s"><v>1</v></c>', '<c r="{c}{r}" s="3"/>', '<c r="{c}{r}"/>',
               '<c r="{c}{r}" s="2"><v>43831</v></c>', '<c r="{c}{r}" t="e"><v>#N/A</v></c>',
               '<c r="{c}{r}" t="b"><v>1</v></c>', '<c r="{c}{r}"><v></v></c>', '<c r="{c}{r}"><v>1&amp;2</v></c>',
               '<c r="{c}{r}" t="str"><v>a&lt;b</v></c>', '<c r="{c}{r}" s="1" t="s"><v>99999999</v></c>']
# odd forms, each legal XML: most the flat scan leaves to the row-by-row scan or the stream; an empty cell with
# t, and a formula, it takes itself
_ODD_FLAT = ['<c r="{c}{r}" t="inlineStr"/>', '<c r="{c}{r}" cm="1"><v>3</v></c>', '<c r="{c}{r}" s="1" t="s"></c>',
             '<c r="{c}{r}" xmlns="urn:other"><v>5</v></c>', '<c r="XFE{r}"/>',
             '<c r="{c}{r}"><v>1</v><c r="B{r}"><v>2</v></c></c>', '<c r="{c}{r}"><v>1</v><extLst/></c>',
             "<c r='{c}{r}'><v>8</v></c>", '<c r="{c}{r}" t="s" s="1"><v>2</v></c>',
             '<c r="{c}{r}" ><v>4</v></c>', '<c r="{c}{r}"><v>4</v></c >', '<c r="{c}{r}"><v>4</v ></c>',
             '<c r="a{r}"><v>6</v></c>', '<c r="{c}"><v>6</v></c>', '<c><v>5</v></c>', '<v>9</v>', '<row r="{r}0"/>',
             '<c r="{c}{r}"><f>1+1</f><v>2</v></c>', '<c r="{c}{r}" t="inlineStr"><is><t>x</t></is></c>']


@st.composite
def flat_sheets(draw) -> str:
    body = []
    for r in sorted(draw(st.sets(st.integers(1, 9), max_size=6))):
        cells = [draw(st.sampled_from(_FLAT_CELLS)).format(c=c, r=r)
                 for c in sorted(draw(st.sets(st.sampled_from("ABCDEFGHIJ"), max_size=5)))]
        if draw(st.integers(0, 3)) == 0:
            cells.insert(draw(st.integers(0, len(cells))), draw(st.sampled_from(_ODD_FLAT)).format(c="K", r=r))
        attrs = draw(st.sampled_from([f' r="{r}"', f' r="{r}" spans="1:11"', "", f' r="{r}" hidden="1"',
                                      f" r='{r}'", f' spans="1:2" r="{r}"', f' r="{r}" x="&gt;"']))
        end = draw(st.sampled_from(["</row>", "</row>", "</row>", "</row >"]))
        body.append(f"<row{attrs}>{''.join(cells)}{end}" if cells else f"<row{attrs}/>")
    if body and draw(st.integers(0, 4)) == 0:  # a row or a cell where the stream reads it otherwise
        at = draw(st.integers(0, len(body) - 1))
        body[at] = body[at].replace("</row>", draw(st.sampled_from(
            ['<row r="99"><c r="A99"><v>1</v></c></row></row>', '</row><c r="B1"><v>3</v></c>',
             '</row><row r="50"/>'])), 1)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
            f'{"".join(body)}</sheetData></worksheet>')


@pytest.mark.system
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(flat_sheets())
def test_any_plain_sheet_with_odd_tags_reads_as_the_stream_read_it(tmp_path, sheet):
    """The flat scan's counts and its row states: a sheet in the writers' form with one odd tag anywhere (a
    nested row or cell, a cell outside a row, an attribute the tokens do not take, an end tag with a space)
    reads as the stream reads it, or fails as it fails."""
    new, old = read_both(_package(tmp_path, sheet), ((1, 1048576, 1, 16384), (2, 7, 2, 6)))
    assert new == old


def test_the_flat_scan_reads_the_blocks_of_a_plain_sheet():
    """Rows in the form writers write, an empty row and a hidden one, as tokens and then values."""
    plain = (b'<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="3"/><c r="C1"><v>12.5</v>'
             b'</c></row><row r="2" hidden="1"><c r="A2" t="s"><v>1</v></c></row><row r="3"/>')
    tokens = scan_cells._flat_tokens(plain)
    assert tokens is not None and len(tokens) == 8
    found, hidden = {}, set()
    number = scan_cells._scan_rows(plain, 0, found, hidden, lambda kind, raw, *_: Decimal(raw), 3, 1, 1048576, 1, 3,
                                   None, None, {}, {}, None)
    assert (number, hidden) == (3, {2})
    assert found == {1: [b"0", None, Decimal("12.5")], 2: [b"1", None, None]}


@pytest.mark.parametrize("before", range(4))
def test_a_cell_nested_in_a_cell_keeps_its_value_whenever_the_stream_forgets_elements(tmp_path, monkeypatch, before):
    """The stream forgets the siblings before an element every 1 024 elements; inside a cell (a cell nested in
    a cell, which no program writes) that would drop the outer cell's value before it is read, so that the
    value read depended on how many elements the process had read before (found by the property test above)."""
    import itertools

    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>'
             '<row r="1"><c r="A1"><v>1</v><c r="B1"><v>2</v></c></c></row></sheetData></worksheet>')
    path = _package(tmp_path, sheet)
    monkeypatch.setattr(scan_cells, "_DROPPED", itertools.count(1024 - before))
    new, old = read_both(path, ((1, 5, 1, 3),))
    assert new == old
