"""Writing one sheet into a package: everything else stays exactly as it was."""
import datetime as dt
import os
import zipfile

import pytest
from lxml import etree

from conftest import EXAMPLE_2019, parts, sha256, small_book, tiny_png
from ooxml_checks import check_package
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.xlsx.package import Package, q
from xl_statsbidrag.xlsx import zipio

TODAY = dt.date(2026, 11, 22)
TOUCHED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
           "docProps/app.xml", "_rels/.rels"}  # the list of sheets, and the custom properties' relationship
ADDED = {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml", "docProps/custom.xml"}  # Bilaga 2, Kontroll


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
    assert [s.get("name") for s in wb.iter(q("sheet"))] == ["Överenskommelse", "Aktiviteter", "Bilaga 2", "Kontroll"]
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


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    rows = [["=HYPERLINK(\"http://x\")", "+V", 100, "9917", "", None], ["@SUM(A1)", "-V", 200, "9917", "", None]]
    source = small_book(tmp_path / "t.xlsx", rows)
    target = tmp_path / "out.xlsx"
    report_file(source, target, TODAY)
    sheet = parts(target)["xl/worksheets/sheet3.xml"].decode()
    assert "HYPERLINK" in sheet and "<f>HYPERLINK" not in sheet and "<f>=" not in sheet
    assert '<t xml:space="preserve">=HYPERLINK(&quot;http://x&quot;)</t>' in sheet or \
        '<t xml:space="preserve">=HYPERLINK("http://x")</t>' in sheet


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


def test_output_rules(tmp_path, rich_xlsm):
    with pytest.raises(UserError, match="overwrite the input"):
        report_file(EXAMPLE_2019, EXAMPLE_2019)
    with pytest.raises(UserError, match="same kind of file name"):
        report_file(rich_xlsm, tmp_path / "out.xlsx")
    with pytest.raises(UserError, match="does not exist"):
        report_file(EXAMPLE_2019, tmp_path / "no" / "such" / "out.xlsx")
    assert os.listdir(tmp_path) == []


def _edit(source, target, change):
    """A copy of a package with some members changed: change(name, data) -> data, or None to drop it;
    and change(None, None) -> {name: data} to add."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in change(None, None).items():
            zout.writestr(name, data)
    return target


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
        assert [s.name for s in pkg.sheets] == ["Överenskommelse", "Aktiviteter", "Bilaga 2", "Kontroll"]


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
