"""Reading ledger exports: headers in various spellings, separators, encodings, title rows, amounts
exactly in öre, debet/kredit, the --columns mapping, and what is refused."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pandas as pd
import pytest

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.ledger.frame import COLUMNS, parse_columns
from xl_statsbidrag.ledger.read import read_ledger
from xl_statsbidrag.xlsx.cellpatch import patch_cells


def write(tmp_path, text: str, encoding="utf-8", name="h.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_semicolons_decimal_commas_cp1252_and_a_title_row(tmp_path):
    path = write(tmp_path, "Huvudbok för Region Jämtland Härjedalen;;;\r\n\r\n"
                           "Bokföringsdatum;Ver.nr;Konto;Kostnadsställe;Projekt;Objekt;Verifikationstext;Belopp\r\n"
                           "2019-03-01;A12;4010;410;P1;9902;Kaffe & bröd, Östersund;1 234,50\r\n"
                           "20190302;A13;3010;410;;9902;Återbetalning;-0,05\r\n\r\n"
                           "02/04/2019;A14;7010;410;P1;9902;Lön;1.234.567,89\r\n", "cp1252")
    frame = read_ledger(path)
    assert list(frame.columns) == list(COLUMNS) + ["amount"]
    assert frame["amount"].tolist() == [Decimal("1234.50"), Decimal("-0.05"), Decimal("1234567.89")]
    assert frame["ore"].tolist() == [123450, -5, 123456789]
    assert frame["date"].dt.date.tolist() == [dt.date(2019, 3, 1), dt.date(2019, 3, 2), dt.date(2019, 4, 2)]
    assert frame["text"][0] == "Kaffe & bröd, Östersund" and frame["ansvar"][0] == "410"
    assert frame["aktivitet"].tolist() == ["P1", "", "P1"] and frame["objekt"].tolist() == ["9902"] * 3
    assert frame["line"].tolist() == [4, 5, 7]  # the file's own line numbers, blank lines counted


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_utf8_with_and_without_bom_and_commas(tmp_path, encoding, bom):
    path = tmp_path / "h.csv"
    path.write_bytes(bom + 'Datum,Konto,Objekt,Aktivitet,Text,Belopp\n2019-05-01,5010,9917,P2,"Hyra, maj","2500,00"\n'
                     '2019-05-02,5010,9917,P2,Åtgärd,12.5\n'.encode(encoding))
    frame = read_ledger(path)
    assert frame["ore"].tolist() == [250000, 1250]
    assert frame["text"].tolist() == ["Hyra, maj", "Åtgärd"]


def test_a_late_cp1252_character_after_the_sample_is_read(tmp_path):
    rows = "".join(f"2019-01-01;4010;9902;{i},00\n" for i in range(5000))
    path = write(tmp_path, "Datum;Konto;Objekt;Text;Belopp\n" + rows.replace(";9902;", ";9902;x;")
                 + "2019-01-02;4010;9902;Överföring;1,00\n", "cp1252")
    frame = read_ledger(path)
    assert frame["text"].iloc[-1] == "Överföring" and frame["ore"].sum() == sum(range(5000)) * 100 + 100


def test_debet_and_kredit_columns(tmp_path):
    path = write(tmp_path, "Datum;Konto;Objekt;Debet;Kredit\n2019-01-01;4010;9902;100,10;\n2019-01-02;4010;9902;;40\n"
                           "2019-01-03;4010;9902;0;0,01\n")
    assert read_ledger(path)["ore"].tolist() == [10010, -4000, -1]


def test_excel_export_with_debet_and_kredit(tmp_path):
    import xlsxwriter

    path = tmp_path / "h.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Rapport")
    ws.write("A1", "Huvudbok")
    ws.write_row("A3", ["Bokf. datum", "Verifikation", "Rad", "Konto", "Objekt", "Debet", "Kredit"])
    ws.write_datetime("A4", dt.datetime(2019, 6, 1), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_row("B4", ["V1", 1, 4010, 9902, 0.1, None])
    ws.write_string("A5", "2019-06-02")
    ws.write_row("B5", ["V1", 2, "4010", "9902", None, 1234567.89])
    wb.close()
    frame = read_ledger(path)
    assert frame["ore"].tolist() == [10, -123456789]
    assert frame["konto"].tolist() == ["4010", "4010"] and frame["objekt"].tolist() == ["9902", "9902"]
    assert frame["line"].tolist() == [4, 5] and frame["rad"].tolist() == ["1", "2"]


def test_columns_mapping(tmp_path):
    path = write(tmp_path, "När;Kontonr;Kst-objekt;Värde\n2019-01-01;4010;9902;1\n")
    with pytest.raises(UserError) as exc:
        read_ledger(path)
    assert "headers found: 'När', 'Kontonr', 'Kst-objekt', 'Värde'" in str(exc.value)
    assert "--columns date=<header>,objekt=<header>,belopp=<header>" in str(exc.value)
    frame = read_ledger(path, "date=När,objekt=Kst-objekt,belopp=Värde")
    assert frame["ore"].tolist() == [100] and frame["objekt"].tolist() == ["9902"]
    assert parse_columns("objekt=Kostnadsobjekt, belopp=Belopp SEK") == {"objekt": "Kostnadsobjekt",
                                                                          "belopp": "Belopp SEK"}
    for bad in ("objekt", "färg=Röd"):
        with pytest.raises(UserError, match="--columns"):
            parse_columns(bad)


@pytest.mark.parametrize("amount", ["1,234", "12,345", "1.2.3", "abc", "1e5", "--1", "", "1,001"])
def test_unreadable_amounts_name_the_row_and_column(tmp_path, amount):
    path = write(tmp_path, f"Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;5\n2019-01-01;4010;9902;{amount}\n")
    with pytest.raises(UserError) as exc:
        read_ledger(path)
    assert str(exc.value).startswith(f"{path}: row 3, column Belopp: '{amount}' is not an amount")


def test_refused_files(tmp_path):
    for name, data, message in [
        ("h.pdf", b"%PDF-1.4\x00\x00", "neither CSV, Excel (.xlsx) nor SIE"),
        ("h.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "not a readable Excel workbook"),
        ("h.csv", b"just some words\nwithout any separator\n", "no separator"),
        ("h.csv", b"a;b;c\n1;2;3\n", "no header row with konto, objekt and belopp"),
        ("h.xlsx", b"PK\x03\x04broken", "the Excel file cannot be read"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(UserError, match=re.escape(message)):
            read_ledger(path)
    with pytest.raises(UserError, match="no such file"):
        read_ledger(tmp_path / "missing.csv")


def test_amounts_are_exact_integers_never_float(tmp_path):
    rows = "".join(f"2019-01-01;4010;9902;{v}\n" for v in ["0,10", "0,20", "-0,30", "99999999999999,99", "0,01"])
    frame = read_ledger(write(tmp_path, "Datum;Konto;Objekt;Belopp\n" + rows))
    assert frame["ore"].dtype == "int64"
    assert frame["ore"].sum() == 9999999999999999 + 1
    assert sum(frame["amount"], Decimal(0)) == Decimal("100000000000000.00")


# --- the cell patch --------------------------------------------------------------------------------------

SHEET = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<x:cols><x:col min="3" max="3" width="9" style="7"/></x:cols><x:sheetData>'
         b'<x:row r="1" spans="1:2"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" s="2"><x:v>5</x:v></x:c></x:row>'
         b'<x:row r="3"><x:c r="A3"><x:f t="shared" ref="A3:A4" si="0">B1*2</x:f><x:v>10</x:v></x:c></x:row>'
         b'<x:row r="4"><x:c r="A4"><x:f t="shared" si="0"/><x:v>0</x:v></x:c></x:row>'
         b'</x:sheetData><x:pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/></x:worksheet>')


def test_cell_patch_replaces_inserts_and_keeps_the_rest():
    out = patch_cells(SHEET, {"B1": Decimal("1.50"), "C1": Decimal(3), "C2": None, "A4": Decimal("-2")})
    assert b'<x:row r="1" spans="1:2"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" s="2"><x:v>1.5</x:v></x:c>' \
           in out.replace(b' spans="1:2"', b' spans="1:2"') or b'<x:c r="B1" s="2"><x:v>1.5</x:v></x:c>' in out
    assert b'<x:c r="C1" s="7"><x:v>3</x:v></x:c></x:row><x:row r="2"><x:c r="C2" s="7"/></x:row>' in out
    assert b'<x:row r="4"><x:c r="A4"><x:v>-2</x:v></x:c></x:row>' in out
    assert b'spans="1:2"' not in out  # C1 is outside the old span
    assert out.endswith(b'</x:sheetData><x:pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/>'
                        b'</x:worksheet>')
    from lxml import etree

    etree.fromstring(out)


def test_cell_patch_refuses_the_anchor_of_a_shared_formula():
    with pytest.raises(UserError, match="A3 holds a formula shared with other cells"):
        patch_cells(SHEET, {"A3": Decimal(1)})
    assert b'<x:c r="A3"><x:v>1</x:v></x:c>' in patch_cells(SHEET, {"A3": Decimal(1), "A4": Decimal(2)})


def test_cell_patch_on_an_empty_sheet():
    out = patch_cells(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>'
                      b'</worksheet>', {"B2": Decimal(7)})
    assert out == (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                   b'<row r="2"><c r="B2"><v>7</v></c></row></sheetData></worksheet>')

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def cells(part: bytes) -> dict[str, tuple]:
    """{ref: (style, type, value, inline text)} of the sheet's cells, as an XML reader sees them."""
    from lxml import etree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    root = etree.fromstring(part)
    return {c.get("r"): (c.get("s"), c.get("t"), c.findtext("m:v", namespaces=ns),
                         c.findtext("m:is/m:t", namespaces=ns))
            for c in root.iterfind("m:sheetData/m:row/m:c", ns)}


def test_cell_patch_is_not_fooled_by_comments_and_processing_instructions():
    """Rows, cells and cols inside a comment or a processing instruction are not part of the sheet."""
    sheet = (b'<worksheet ' + MAIN + b'><cols><!-- <col min="2" max="2" style="9"/> --></cols><sheetData>'
             b'<!-- <row r="1"><c r="B1" s="5"><v>1</v></c></row> -->'
             b'<?keep <row r="2"><c r="B2"/></row>?>'
             b'<row r="1"><c r="A1"><v>4</v></c></row></sheetData></worksheet>')
    out = patch_cells(sheet, {"B1": Decimal(2), "B2": Decimal(3)})
    assert b'<!-- <row r="1"><c r="B1" s="5"><v>1</v></c></row> -->' in out
    assert b'<?keep <row r="2"><c r="B2"/></row>?>' in out
    assert out.count(b'r="B1"') == 2 and out.count(b'r="B2"') == 2  # once in the comment/PI, once set
    assert cells(out) == {"A1": (None, None, "4", None), "B1": (None, None, "2", None),
                          "B2": (None, None, "3", None)}  # no style taken from the commented-out col
    with pytest.raises(UserError, match=re.escape("the part sheet9.xml is not a worksheet")):
        patch_cells(b'<!-- was a <worksheet> --><chartsheet ' + MAIN + b'><sheetData/></chartsheet>', {"A1": None},
                    "sheet9.xml")


def test_cell_patch_reads_single_quoted_attributes_in_any_order():
    sheet = (b"<worksheet " + MAIN + b"><cols><col style='6' max='3' min='3'/></cols><sheetData>"
             b"<row spans='1:2' r='2'><c t='n' s='4' r='A2'><v>1</v></c></row>"
             b"<row r='5'><c s='3' r='B5'><f ref='B5:B6' t='shared' si='0'>A2</f><v>1</v></c></row>"
             b"<row r='6'><c r='B6'><f t='shared' si='0'/><v>1</v></c></row></sheetData></worksheet>")
    out = patch_cells(sheet, {"A2": Decimal(7), "C2": None, "B6": Decimal(8)})
    assert cells(out) == {"A2": ("4", None, "7", None), "C2": ("6", None, None, None),
                          "B5": ("3", None, "1", None), "B6": (None, None, "8", None)}
    assert b"spans" not in out and out.count(b"<row") == 3
    with pytest.raises(UserError, match="B5 holds a formula shared with other cells"):
        patch_cells(sheet, {"B5": Decimal(1)})


def test_cell_patch_keeps_the_layout_of_a_pretty_printed_part():
    """Whitespace and line breaks between rows and cells stay (inside the root as an XML parser reads
    them: CR LF is LF); the declaration and the line break after it stay as they were; a new cell goes
    next to its neighbours."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet ' + MAIN + b'>\n'
             b'  <sheetData>\n    <row r="1">\n      <c r="A1"><v>1</v></c>\n      <c r="C1"><v>3</v></c>\n'
             b'    </row>\n  </sheetData>\n</worksheet>')
    out = patch_cells(sheet, {"B1": Decimal(2), "D1": Decimal(4)})
    assert out == sheet.replace(b'      <c r="C1">', b'      <c r="B1"><v>2</v></c><c r="C1">') \
                       .replace(b'</c>\n    </row>', b'</c>\n    <c r="D1"><v>4</v></c></row>')


def test_cell_patch_with_inline_strings_and_cdata():
    """A cell holding ``&lt;`` or a CDATA section that looks like markup is text, not the end of a cell."""
    sheet = (b'<worksheet ' + MAIN + b'><sheetData><row r="1">'
             b'<c r="A1" t="inlineStr"><is><t><![CDATA[</c></row><row r="9">]]></t></is></c>'
             b'<c r="B1" t="inlineStr" s="2"><is><t>a &lt;c r="B1"/&gt; b</t></is></c>'
             b'</row></sheetData></worksheet>')
    out = patch_cells(sheet, {"B1": Decimal(5), "A2": Decimal(6)})
    assert cells(out) == {"A1": (None, "inlineStr", None, '</c></row><row r="9">'),
                          "B1": ("2", None, "5", None), "A2": (None, None, "6", None)}


def test_cell_patch_keeps_markup_compatibility_and_extensions():
    """mc:Ignorable, x14ac attributes, mc:AlternateContent and extLst (on the sheet and on a row) are kept;
    a cell added to a row goes before the row's extLst, as the schema orders them."""
    mc = b'http://schemas.openxmlformats.org/markup-compatibility/2006'
    x14ac = b'http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac'
    alternate = (b'<mc:AlternateContent><mc:Choice Requires="x14"><x14ac:thing a="1"/></mc:Choice>'
                 b'<mc:Fallback/></mc:AlternateContent>')
    ext = b'<extLst><ext uri="{X}"><x14ac:thing b="2"/></ext></extLst>'
    sheet = (b'<worksheet ' + MAIN + b' xmlns:mc="' + mc + b'" xmlns:x14ac="' + x14ac + b'" '
             b'xmlns:unused="urn:u" mc:Ignorable="x14ac"><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
             b'<sheetData><row r="1" x14ac:dyDescent="0.25"><c r="A1"><v>1</v></c>' + ext + b'</row></sheetData>'
             + alternate + ext + b'</worksheet>')
    out = patch_cells(sheet, {"B1": Decimal(2)})
    assert out == sheet.replace(b'</c><extLst>', b'</c><c r="B1"><v>2</v></c><extLst>')


def test_cell_patch_with_positions_implied():
    """Rows and cells without ``r`` are at the next row and column (the schema allows it)."""
    sheet = (b'<worksheet ' + MAIN + b'><sheetData><row><c><v>1</v></c><c s="3"><v>2</v></c></row>'
             b'<row><c/></row><row r="5"><c/></row></sheetData></worksheet>')
    out = patch_cells(sheet, {"B1": Decimal(9), "B2": Decimal(8), "A4": None})
    assert out == (b'<worksheet ' + MAIN + b'><sheetData><row><c><v>1</v></c><c r="B1" s="3"><v>9</v></c></row>'
                   b'<row><c/><c r="B2"><v>8</v></c></row><row r="4"><c r="A4"/></row><row r="5"><c/></row>'
                   b'</sheetData></worksheet>')


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_cell_patch_of_a_part_in_another_encoding_is_written_in_utf8(encoding):
    text = ('<?xml version="1.0" encoding="%s" standalone="yes"?><worksheet %s><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>Östersund</t></is></c></row></sheetData></worksheet>')
    out = patch_cells((text % (encoding, MAIN.decode())).encode(encoding), {"B1": Decimal(1)})
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")
    assert cells(out) == {"A1": (None, "inlineStr", None, "Östersund"), "B1": (None, None, "1", None)}

def test_cell_patch_refuses_a_part_that_is_not_well_formed():
    with pytest.raises(UserError, match=re.escape("the part book.xlsx: xl/worksheets/sheet2.xml is not well-formed")):
        patch_cells(b'<worksheet ' + MAIN + b'><sheetData><row r="1"><c r="A1"></row></sheetData></worksheet>',
                    {"A1": Decimal(1)}, "book.xlsx: xl/worksheets/sheet2.xml")


def test_the_line_cut_of_a_large_export_gives_the_rows_a_full_read_gives(tmp_path):
    """Above 1 MB, utfall first cuts the file to the lines that contain an objekt code; the rows and
    their line numbers must be those of a full read."""
    from xl_statsbidrag.ledger.read import read as _read

    lines = ["Huvudbok 2019;;;;", "", "Datum;Ver;Konto;Objekt;Text;Belopp"]
    for i in range(30000):
        objekt = ("9902", " 9902", "9917", "1234", "19902")[i % 5] if i % 7 else "5555"
        lines.append(f"2019-{1 + i % 12:02d}-15;{99020 + i};4010;{objekt};Rad {i} åäö 9902;{i},{i % 100:02d}")
        if i % 1000 == 0:
            lines.append("")
    path = tmp_path / "big.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    assert path.stat().st_size > 1 << 20
    cut = _read(path, None, {"9902"})
    full = read_ledger(path).drop(columns="amount")
    full = full[full["objekt"] == "9902"].reset_index(drop=True)
    pd.testing.assert_frame_equal(cut, full)
    assert len(cut) == sum(1 for i in range(30000) if i % 7 and i % 5 in (0, 1))
    assert (cut["line"].map(lambda n: lines[n - 1].split(";")[3].strip()) == "9902").all()
