"""Writing one sheet into a package: everything else stays exactly as it was."""
import datetime as dt
import os
import re
import struct
import zipfile

from lxml import etree
from oletools.olevba import VBA_Parser
import pytest

from tests.conftest import EXAMPLE_2019, WORKBOOKS, parts, sha256, tiny_png
from tests.ooxml_checks import check_package
from tests.signed_book import SIGNED_AT, SIGNER, sign
from tests.support.crafted import ACTIVITY_SHEET, _edit, refused, rezip
from tests.support.signatures import signature_remains, signed

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.read import reference_data as tables
from xl_statsbidrag.xlsx import zipio, app, workbook
from xl_statsbidrag.xlsx.package import Package, q


TODAY = dt.date(2026, 11, 22)


XLSM = WORKBOOKS / "beslutsunderlag_2019.xlsm"


def test_report_keeps_the_macros_and_buttons_of_the_shipped_xlsm(tmp_path):
    before = sha256(XLSM)
    out = tmp_path / "out.xlsm"
    report_file(XLSM, out, TODAY)
    a, b = parts(XLSM), parts(out)
    assert sha256(XLSM) == before
    assert {n for n in a if a[n] != b[n]} == {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                              "xl/styles.xml", "docProps/app.xml", "_rels/.rels"}
    for name in ("xl/drawings/vmlDrawing1.vml", "xl/worksheets/sheet2.xml", "xl/vbaProject.bin"):
        assert a[name] == b[name]  # the VBA project is copied; the new sheets only get code names
    macros = lambda path: {n: c for _, _, n, c in VBA_Parser(path.name, data=path.read_bytes()).extract_macros()}  # noqa
    assert macros(out) == macros(XLSM)


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


TOUCHED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
           "docProps/app.xml", "_rels/.rels"}  # the list of sheets, and the custom properties' relationship


ADDED = {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml",
         "docProps/custom.xml"}  # Bilaga 2, Kontroll, Återbetalning


def _raw(path, name):
    """The compressed bytes of a member as stored."""
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        info = z.getinfo(name)
        f.seek(info.header_offset + 26)
        n, m = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
        f.seek(info.header_offset + 30 + n + m)
        return f.read(info.compress_size)


@pytest.mark.parametrize("fixture", ["rich_xlsm", "rich_xlsx"])
def test_only_the_parts_that_adding_a_sheet_must_touch_differ(fixture, request, tmp_path):
    source = request.getfixturevalue(fixture)
    before = sha256(source)
    target = tmp_path / f"out{source.suffix}"
    report_file(source, target, TODAY)
    assert sha256(source) == before, "the input must not change"
    a, b = parts(source), parts(target)
    assert set(b) - set(a) == ADDED
    assert set(a) <= set(b)
    # a workbook with macros: the new sheets get code names only; the VBA project is copied (issue 23, item 8)
    touched = TOUCHED
    assert {n for n in a if a[n] != b[n]} == touched
    for name in set(a) - touched:
        assert _raw(source, name) == _raw(target, name), f"{name} must be copied byte for byte"
    # what must survive is there: macros, button, shapes, image, chart, comments, dynamic array, x14 extensions
    for name in ("xl/drawings/drawing1.xml", "xl/drawings/vmlDrawing1.vml", "xl/charts/chart1.xml",
                 "xl/media/image1.png", "xl/comments1.xml", "xl/metadata.xml", "xl/tables/table3.xml"):
        assert b[name] == a[name]
    if source.suffix == ".xlsm":
        from oletools.olevba import VBA_Parser

        macros = lambda data: {n: c for _, _, n, c in VBA_Parser("p.xlsm", data=data).extract_macros()}  # noqa: E731
        before_macros, after_macros = macros(source.read_bytes()), macros(target.read_bytes())
        assert after_macros == before_macros
        assert b'"SampleCall"' in b["xl/drawings/vmlDrawing1.vml"] or b"SampleCall" in b["xl/drawings/vmlDrawing1.vml"]
    assert b"x14:dataBar" in b["xl/worksheets/sheet2.xml"] and b"x14:sparklineGroup" in b["xl/worksheets/sheet2.xml"]
    assert check_package(target) == []


def test_touched_parts_only_gain(tmp_path, rich_xlsm):
    target = tmp_path / "out.xlsm"
    report_file(rich_xlsm, target, TODAY)
    a, b = parts(rich_xlsm), parts(target)
    for name in TOUCHED - {"docProps/app.xml"}:
        old, new = etree.fromstring(a[name]), etree.fromstring(b[name])
        assert old.nsmap == new.nsmap, f"{name}: namespace prefixes must be kept (mc:Ignorable names them)"
        _assert_prefix(old, new, name)
    wb = etree.fromstring(b["xl/workbook.xml"])
    assert [s.get("name") for s in wb.iter(q("sheet"))] == ["Överenskommelse", "Aktiviteter", "Bilaga 2", "Kontroll",
                                                                "Återbetalning"]
    app = b["docProps/app.xml"].decode()
    assert "<vt:i4>4</vt:i4>" in app and "<vt:lpstr>Bilaga 2</vt:lpstr><vt:lpstr>Kontroll</vt:lpstr>" in app
    assert a["xl/workbook.xml"].count(b"definedName ") == b["xl/workbook.xml"].count(b"definedName ")


def _assert_prefix(old, new, name):
    """Every element of ``old`` is in ``new`` unchanged, in order; ``new`` may have more children."""
    assert old.tag == new.tag and dict(old.attrib) == {k: v for k, v in new.attrib.items() if k in old.attrib} or \
        old.tag.endswith(("}fonts", "}fills", "}borders", "}cellXfs", "}numFmts", "}sheets", "}Types", "}Relationships")), name
    children = list(new)
    for i, child in enumerate(old):
        assert etree.tostring(child, method="c14n") == etree.tostring(children[i], method="c14n") or len(child), \
            f"{name}: {child.tag} changed"
        if len(child):
            _assert_prefix(child, children[i], name)


def test_running_again_replaces_the_sheet(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    report_file(EXAMPLE_2019, first, TODAY)
    report_file(first, second, TODAY)
    with Package(second) as pkg:
        assert [s.name for s in pkg.sheets].count("Bilaga 2") == 1
    a, b = parts(first), parts(second)
    assert set(a) == set(b)
    changed = {n for n in a if a[n] != b[n]} - {"xl/worksheets/sheet4.xml", "docProps/custom.xml"}  # the time
    assert changed == set(), "the same form again, and styles reused, not added again"
    assert check_package(second) == []


def test_replacing_drops_a_stale_calculation_chain(tmp_path):
    first = tmp_path / "a.xlsx"
    report_file(EXAMPLE_2019, first, TODAY)
    with_chain = tmp_path / "chain.xlsx"
    with zipfile.ZipFile(first) as zin, zipfile.ZipFile(with_chain, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
                                    b'Target="calcChain.xml"/></Relationships>')
            zout.writestr(info, data)
        zout.writestr("xl/calcChain.xml", b'<?xml version="1.0"?><calcChain xmlns="http://schemas.openxmlformats'
                                           b'.org/spreadsheetml/2006/main"><c r="E60" i="3"/></calcChain>')
    second = tmp_path / "b.xlsx"
    report_file(with_chain, second, TODAY)
    b = parts(second)
    assert "xl/calcChain.xml" not in b
    assert b"calcChain" not in b["xl/_rels/workbook.xml.rels"] and b"calcChain" not in b["[Content_Types].xml"]
    assert check_package(second) == []


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.xlsx"

    def boom(self):
        raise OSError("disk full")
    monkeypatch.setattr(zipio.ZipWriter, "close", boom)
    with pytest.raises(OSError):
        report_file(EXAMPLE_2019, target, TODAY)
    assert os.listdir(tmp_path) == []


def test_a_failed_write_keeps_the_old_output(tmp_path, monkeypatch):
    target = tmp_path / "out.xlsx"
    report_file(EXAMPLE_2019, target, TODAY)
    before = sha256(target)
    monkeypatch.setattr(zipio.ZipWriter, "close", lambda self: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        report_file(EXAMPLE_2019, target, TODAY)
    assert sha256(target) == before and os.listdir(tmp_path) == ["out.xlsx"]


def test_replacing_the_sheet_takes_its_names_and_parts_with_it(tmp_path):
    """A print area the Excel button set, and comments on the old sheet, go with it; nothing is orphaned."""
    first = tmp_path / "a.xlsx"
    report_file(EXAMPLE_2019, first, TODAY)
    comments = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><authors><author>x</author></authors><commentList>'
                '<comment ref="A1" authorId="0"><text><t>gammal</t></text></comment></commentList></comments>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments9.xml"/>'
            '</Relationships>')

    def change(name, data):
        if name is None:
            return {"xl/comments9.xml": comments, "xl/worksheets/_rels/sheet3.xml.rels": rels}
        if name == "xl/workbook.xml":
            return data.replace(b"</sheets>", b"</sheets><definedNames><definedName name=\"_xlnm.Print_Area\" "
                                b"localSheetId=\"2\">'Bilaga 2'!$A$1:$C$10</definedName><definedName "
                                b"name=\"Kvar\">Aktiviteter!$A$1</definedName></definedNames>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/comments9.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>')
        return data
    edited = _edit(first, tmp_path / "edited.xlsx", change)
    second = tmp_path / "b.xlsx"
    report_file(edited, second, TODAY)
    p = parts(second)
    assert "xl/comments9.xml" not in p and "xl/worksheets/_rels/sheet3.xml.rels" not in p
    assert b"comments9" not in p["[Content_Types].xml"]
    assert b"Print_Area" not in p["xl/workbook.xml"] and b'name="Kvar"' in p["xl/workbook.xml"]
    assert check_package(second) == []
    with Package(second) as pkg:
        assert [s.name for s in pkg.sheets] == ["Överenskommelse", "Aktiviteter", "Bilaga 2", "Kontroll",
                                                                "Återbetalning"]


def test_a_part_another_sheet_also_uses_stays(tmp_path):
    first = tmp_path / "a.xlsx"
    report_file(EXAMPLE_2019, first, TODAY)
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/delad.png"/>'
              '</Relationships>')

    def change(name, data):
        if name is None:
            return {"xl/media/delad.png": tiny_png(), "xl/worksheets/_rels/sheet3.xml.rels": shared}
        if name == "xl/worksheets/_rels/sheet1.xml.rels":  # the agreement sheet uses the image too
            return data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.'
                                b'org/officeDocument/2006/relationships/image" Target="../media/delad.png"/>'
                                b"</Relationships>")
        return data
    second = tmp_path / "b.xlsx"
    report_file(_edit(first, tmp_path / "edited.xlsx", change), second, TODAY)
    p = parts(second)
    assert "xl/media/delad.png" in p and "xl/worksheets/_rels/sheet3.xml.rels" not in p


def test_duplicate_member_names_are_refused_at_open(tmp_path):
    path = tmp_path / "dup.xlsx"
    with zipfile.ZipFile(EXAMPLE_2019) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with pytest.warns(UserWarning):
            zout.writestr("xl/workbook.xml", zin.read("xl/workbook.xml"))
    refused(path, "two members named 'xl/workbook.xml'")


def test_a_dtd_is_refused_in_any_encoding_and_anywhere_before_the_root(tmp_path):
    workbook = parts(EXAMPLE_2019)["xl/workbook.xml"].decode()
    body = workbook.partition("?>")[2]
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE workbook [<!ENTITY x "Blad">]>'
             + body.replace('name="Aktiviteter"', 'name="&x;"')).encode("utf-16")
    refused(rezip(EXAMPLE_2019, tmp_path / "u16.xlsx", replace={"xl/workbook.xml": utf16}), "DTD", "workbook.xml")
    sheet = parts(EXAMPLE_2019)[ACTIVITY_SHEET].decode()
    head, _, rest = sheet.partition("?>")
    late = head + "?><!--" + "x" * 70_000 + '--><!DOCTYPE worksheet [<!ENTITY e "1">]>' + rest
    refused(rezip(EXAMPLE_2019, tmp_path / "late.xlsx", replace={ACTIVITY_SHEET: late.encode()}), "DTD", "sheet2.xml")


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/tables/table3.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels", "xl/worksheets/_rels/sheet2.xml.rels"])
def test_a_malformed_part_is_named_with_the_file(tmp_path, part):
    bad = rezip(EXAMPLE_2019, tmp_path / "bad.xlsx", replace={part: parts(EXAMPLE_2019)[part][:-20]})
    message = refused(bad, "bad.xlsx", part, "not well-formed")
    assert message.startswith(str(bad))


def test_an_encrypted_workbook_and_an_old_xls_are_named_as_such(tmp_path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    encrypted = tmp_path / "secret.xlsx"
    with open(EXAMPLE_2019, "rb") as plain, open(encrypted, "wb") as out:
        OOXMLFile(plain).encrypt("hemligt", out)
    refused(encrypted, "encrypted", "without a password")
    old = tmp_path / "old.xlsx"  # an .xls renamed: a compound file with a Workbook stream
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 4000)
    refused(old, "Excel 97-2003", "save it as")


def test_limits_on_bytes_per_part_and_on_shared_text(tmp_path, monkeypatch):
    from xl_statsbidrag.xlsx import cells, package

    book = rezip(EXAMPLE_2019, tmp_path / "book.xlsx")
    monkeypatch.setattr(package, "MAX_STREAMED_PART", 4096)
    refused(book, "xl/worksheets/sheet", "too large to read")
    monkeypatch.undo()
    monkeypatch.setattr(cells, "MAX_SHARED_TEXT", 100)
    refused(book, "the shared strings hold more than")


def test_the_signature_is_found_by_its_structure(signed):
    with Package(signed) as pkg:
        [signature] = pkg.signatures()
        assert signature.part == "_xmlsignatures/sig1.xml"
        assert signature.signer == SIGNER and signature.signed_at == SIGNED_AT
        assert "xl/workbook.xml" in signature.covers and "_rels/.rels" in signature.covers
        assert pkg.vba_signature_parts() == []


def test_a_package_signature_and_a_vba_signature_together(tmp_path):
    both = sign(XLSM, tmp_path / "båda.xlsm", vba=True)
    with pytest.raises(UserError, match="digitally signed"):
        report_file(both, tmp_path / "o.xlsm")
    notes = []
    report_file(both, tmp_path / "o.xlsm", force=True, notes=notes)
    assert any("the workbook's digital signature" in n for n in notes)
    with Package(tmp_path / "o.xlsm") as pkg:
        assert pkg.signatures() == []
        assert pkg.vba_signature_parts() in ([], ["xl/vbaProjectSignature.bin", "xl/vbaProjectSignatureAgile.bin",
                                                  "xl/vbaProjectSignatureV3.bin"])
    written, original = parts(tmp_path / "o.xlsm"), parts(both)
    if written.get("xl/vbaProject.bin") != original["xl/vbaProject.bin"]:
        assert not [n for n in written if "vbaProjectSignature" in n]


def test_an_orphan_signature_part_still_counts(tmp_path):
    """A signature part typed as one but with its relationship lost is the signature's all the same."""
    path = sign(EXAMPLE_2019, tmp_path / "s.xlsx")
    broken = tmp_path / "orphan.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            if info.filename != "_xmlsignatures/_rels/origin.sigs.rels":
                dst.writestr(info, src.read(info))
    with Package(broken) as pkg:
        assert [s.part for s in pkg.signatures()] == ["_xmlsignatures/sig1.xml"]
    report_file(broken, tmp_path / "o.xlsx", force=True)
    assert signature_remains(tmp_path / "o.xlsx") == []


def test_what_the_package_caches_cannot_be_changed_through_its_answers():
    """rels() and tables() are read once per package: a caller that edits an answer must not change the next."""
    with Package(EXAMPLE_2019) as pkg:
        rels, tables = pkg.rels(pkg.workbook_part), pkg.tables()
        first_rels, first_tables = list(rels), list(tables)
        rels.clear()
        tables.reverse()
        tables.pop()
        assert pkg.rels(pkg.workbook_part) == first_rels and pkg.tables() == first_tables
        assert all(isinstance(r, tuple) for r in first_rels)  # immutable entries
        with pytest.raises(AttributeError):
            first_tables[0].name = "Annat"  # frozen


REPORT_DAY = dt.date(2026, 11, 24)


def test_new_part_names_do_not_collide_with_existing_ones_that_differ_only_in_case(tmp_path):
    """Part names are case-insensitive: a workbook whose sheet parts are named Sheet1.xml, Sheet2.xml (as
    some writers do) must not get a new sheet3.xml beside a Sheet3.xml; our own reader refuses such a
    package, and Excel reports it as damaged."""
    def add_renamed(name, data):  # the renamed members, added under their new names
        if name is None:
            with zipfile.ZipFile(EXAMPLE_2019) as z:
                return {re.sub(r"worksheets/(_rels/)?sheet(\d)", r"worksheets/\1Sheet\2", n):
                        re.sub(rb"worksheets/sheet(\d)", rb"worksheets/Sheet\1", z.read(n))
                        for n in z.namelist() if re.search(r"worksheets/(_rels/)?sheet\d", n)}
        if re.search(r"worksheets/(_rels/)?sheet\d", name):
            return None
        return re.sub(rb"worksheets/sheet(\d)", rb"worksheets/Sheet\1", data)

    source = _edit(EXAMPLE_2019, tmp_path / "caps.xlsx", add_renamed)
    with Package(source) as pkg:
        assert {s.part for s in pkg.sheets} == {"xl/worksheets/Sheet1.xml", "xl/worksheets/Sheet2.xml"}
    first = tmp_path / "a.xlsx"
    report_file(source, first, REPORT_DAY)  # adds two sheets
    names = [n.casefold() for n in parts(first)]
    assert len(names) == len(set(names))
    with Package(first) as pkg:
        assert [s.name for s in pkg.sheets][-3:] == ["Bilaga 2", "Kontroll", "Återbetalning"]
    assert check_package(first) == []
