"""Hostile and broken input: crafted files, each refused with a clear error in bounded time and
memory, nothing written; honest but malformed workbooks read correctly or reported with their cell."""
import datetime as dt
import shutil
import struct
import time
import zipfile
from decimal import Decimal

import pytest

from conftest import EXAMPLE_2019, parts, sha256, small_book
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2026, 11, 22)
ACTIVITY_SHEET = "xl/worksheets/sheet2.xml"


def rezip(source, target, replace=None, add=None, drop=()):
    """A copy of a package with some members replaced, added or dropped."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return target


# Bounds against blow-ups (a zip bomb inflated, a million-column row allocated), far above the
# normal time so that a busy machine does not fail them; speed itself is measured in benchmarks/.
BOUNDED = 30.0


def refused(path, *words, seconds=BOUNDED):
    """``report`` refuses the file in bounded time, with the words in its message, and writes nothing."""
    out = path.with_name("out.xlsx")
    start = time.perf_counter()
    with pytest.raises(UserError) as info:
        report_file(path, out, TODAY)
    assert time.perf_counter() - start < seconds
    message = str(info.value)
    for word in words:
        assert word in message, message
    assert not out.exists()
    assert not list(path.parent.glob(".out.xlsx.*"))
    return message


# --- hostile files ----------------------------------------------------------------------------------------

def test_zip_bomb_by_ratio_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    rezip(EXAMPLE_2019, bomb, add={"xl/media/zeros.bin": b"\0" * (64 << 20)})
    assert bomb.stat().st_size < 200_000
    refused(bomb, "suspicious compression ratio", "xl/media/zeros.bin")


def test_zip_member_that_lies_about_its_size_is_refused(tmp_path):
    liar = tmp_path / "liar.xlsx"
    rezip(EXAMPLE_2019, liar)
    data = bytearray(liar.read_bytes())
    name = ACTIVITY_SHEET.encode()
    at = data.find(b"PK\x01\x02" + b"".join([]))  # central directory entries follow the members
    while at != -1:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + n] == name:
            struct.pack_into("<I", data, at + 24, 100)  # claim 100 bytes uncompressed
            break
        at = data.find(b"PK\x01\x02", at + 4)
    liar.write_bytes(bytes(data))
    refused(liar, "cannot be read")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
@pytest.mark.parametrize("part", [ACTIVITY_SHEET, "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_entities_and_dtds_are_refused(tmp_path, doctype, part):
    original = parts(EXAMPLE_2019)[part].decode()
    head, _, body = original.partition("?>")
    evil = tmp_path / "evil.xlsx"
    rezip(EXAMPLE_2019, evil, replace={part: (head + "?>" + doctype + body).encode()})
    refused(evil, "DTD", part.split("/")[-1])


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "xl/../../evil.xml", "xl\\evil.xml"])
def test_member_names_that_escape_are_refused(tmp_path, name):
    evil = tmp_path / "evil.xlsx"
    rezip(EXAMPLE_2019, evil, add={name: b"<x/>"})
    refused(evil, "unsafe name")


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


def test_text_is_written_as_text_through_xlwings(tmp_path):
    import remote_book
    from xl_statsbidrag import excel

    rows = [[text, "V", 100 + i, "9917", "", None] for i, text in enumerate(RISKY)]
    book = remote_book.book_from_file(small_book(tmp_path / "t.xlsx", rows))
    names = [s.name for s in book.sheets]
    excel.create_report(book, TODAY)
    sent = [a for a in book.json()["actions"] if a["func"] == "setValues"][0]["values"]
    flat = [v for row in sent for v in row if isinstance(v, str)]
    for text in RISKY:
        assert "'" + text.strip() in flat  # the apostrophe tells Excel: text, not a formula
    assert remote_book.replay(book, names)["Bilaga 2"]


def test_csv_outputs_defuse_formulas(tmp_path):
    import subprocess
    import sys

    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\n=cmd|' /C calc'!A0,1\nB,1\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "allocate", "100", "--weights", weights,
                           "--format", "csv"], capture_output=True, text=True)
    assert "'=cmd" in done.stdout and "\n=cmd" not in done.stdout


# --- malformed but honest workbooks ---------------------------------------------------------------------

def _sheet_xml(path):
    return parts(path)[ACTIVITY_SHEET].decode()


def test_merged_cells_in_the_table_give_their_value_to_every_row(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "HoS", 100, "9917", "", None], ["B", None, 200, "9917", "", None]])
    xml = _sheet_xml(source).replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="B4:B5"/></mergeCells>')
    merged = rezip(source, tmp_path / "merged.xlsx", replace={ACTIVITY_SHEET: xml.encode()})
    book = read_book(merged)
    assert [a.verksamhet for a in book.activities] == ["HoS", "HoS"]
    assert not [f for f in validate(book, TODAY) if f.code == "verksamhet-saknas"]


def test_hidden_rows_are_counted_and_reported(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    xml = _sheet_xml(source).replace('<row r="5"', '<row r="5" hidden="1"')
    hidden = rezip(source, tmp_path / "hidden.xlsx", replace={ACTIVITY_SHEET: xml.encode()})
    book = read_book(hidden)
    assert book.decided == 300
    [f] = [f for f in book.problems if f.code == "dold-rad"]
    assert f.location == Location("Aktiviteter", "A5") and f.severity == "warning"


def test_blank_rows_and_a_total_row_inside_the_table(tmp_path):
    rows = [["A", "V", 100, "9917", "", None], [None] * 6, ["B", "V", 200, "9917", "", None],
            ["Summa", None, 300, None, "", None]]
    book = read_book(small_book(tmp_path / "t.xlsx", rows))
    assert [a.name for a in book.activities] == ["A", "B"] and book.decided == 300
    assert [f.code for f in book.problems] == ["summarad"]
    rows[-1][2] = 350
    book = read_book(small_book(tmp_path / "u.xlsx", rows))
    [f] = book.problems
    assert f.code == "summarad-avviker" and f.amount == 50 and f.location == Location("Aktiviteter", "C7")


def test_formulas_without_cached_values_are_reported_with_their_cell(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None]])
    xml = _sheet_xml(source)
    start = xml.index('<c r="C5"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="C5"><f>C4*2</f></c>' + xml[end:]
    book = read_book(rezip(source, tmp_path / "nocache.xlsx", replace={ACTIVITY_SHEET: xml.encode()}))
    [f] = book.problems
    assert f.code == "formel-utan-varde" and f.location == Location("Aktiviteter", "C5")
    with pytest.raises(UserError, match="Aktiviteter!C5"):
        report_file(tmp_path / "nocache.xlsx", tmp_path / "out.xlsx", TODAY)


def test_error_values_ore_negative_corrections_and_text_dates(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None], ["B", "V", 200, "9917", "", None],
                                              ["C", "V", "1 234,50", "9917", "", None],
                                              ["Korrigering", "V", -50, "9917", "", None]],
                        labels={"Redovisningsperiod från": "1 januari 2019", "Redovisningsperiod till": "31/12/2019",
                                "Sista dag för rekvisition": "20191201", "Sista dag för ekonomisk redovisning": "snart"})
    xml = _sheet_xml(source)
    start = xml.index('<c r="C4"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="C4" t="e"><v>#REF!</v></c>' + xml[end:]
    book = read_book(rezip(source, tmp_path / "odd.xlsx", replace={ACTIVITY_SHEET: xml.encode()}))
    codes = {(f.code, str(f.location)) for f in book.problems}
    assert ("fel-i-cell", "Aktiviteter!C4") in codes
    assert ("oläsbart-datum", "Överenskommelse!B7") in codes
    assert book.activities[2].amount == Decimal("1234.50")
    assert book.agreement.period == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert book.agreement.requisition_deadline == dt.date(2019, 12, 1)
    negative = [f for f in validate(book, TODAY) if f.code == "belopp-ej-positivt"]
    assert negative[0].location == Location("Aktiviteter", "C7") and negative[0].amount == -50


# --- never lose data -----------------------------------------------------------------------------------

def test_no_command_changes_its_input(tmp_path, monkeypatch):
    import subprocess
    import sys

    source = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_2019, source)
    weights = tmp_path / "w.csv"
    weights.write_text("region,weight\nA,1\nB,2\n")
    before = {p: sha256(p) for p in (source, weights)}
    commands = [["report", source, "-o", tmp_path / "r.xlsx"], ["validate", source], ["validate", source, "--format", "json"],
                ["allocate", "100", "--weights", weights, "-o", tmp_path / "a.xlsx"], ["batch", source, "-o", tmp_path / "b"]]
    for args in commands:
        done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True)
        assert done.returncode == 0, (args, done.stderr)
        assert {p: sha256(p) for p in before} == before, args


def test_in_place_writing_keeps_a_backup(tmp_path):
    source = tmp_path / "in.xlsx"
    shutil.copy(EXAMPLE_2019, source)
    before = source.read_bytes()
    report_file(source, in_place=True, today=TODAY)
    [backup] = tmp_path.glob("in.backup-*.xlsx")
    assert backup.read_bytes() == before
    assert "xl/worksheets/sheet3.xml" in parts(source)
    with pytest.raises(UserError, match="overwrite the input"):
        report_file(source, source)
