"""Packages as other tools write them, against the xlsx/ writer (issue 15's review): each test pins a
fix and fails without it."""
import datetime as dt
import re
import zipfile
from decimal import Decimal

import pytest
from lxml import etree

from conftest import DEFAULT_HEADERS, EXAMPLE_2019, small_book, vba_project
from ooxml_checks import check_package
from test_package import _edit
from test_xlsx_parts import _app
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.forms.layout import STYLES, Cell, Row, SheetLayout, Table
from xl_statsbidrag.xlsx import app, custom
from xl_statsbidrag.xlsx.cellpatch import patch_cells
from xl_statsbidrag.xlsx.ooxml import NS_CUSTOM, NS_EXTENDED, NS_PKG_REL, NS_VT, REL_CUSTOM_PROPS
from xl_statsbidrag.xlsx.package import Package, q, serialize_xml, whole
from xl_statsbidrag.xlsx.styles import add_styles, minimal_styles
from xl_statsbidrag.xlsx.vbaproject import module_names
from xl_statsbidrag.xlsx.worksheet import render_sheet
from xl_statsbidrag.xlsx.writer import write_sheets

TODAY = dt.date(2026, 11, 24)
CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.'
          b'org/officeDocument/2006/custom-properties"/>')


def _rels(data: bytes, kind: str) -> list[str]:
    """The targets of the relationships of type ``kind`` in a relationships part."""
    return [r.get("Target") for r in etree.fromstring(data).iter(q("Relationship", NS_PKG_REL)) if r.get("Type") == kind]


def _root_rel(kind: str, target: str) -> bytes:
    return f'<Relationship Id="rId9" Type="{kind}" Target="{target}"/></Relationships>'.encode()


def test_relationships_reach_members_whose_names_differ_in_case(tmp_path):
    """Part names are case-insensitive: a styles part stored as xl/Styles.xml, a sheet as Sheet2.xml and
    custom properties as custom.xml, each related in lower or other case, are those parts.  Before, the
    sheet was 'missing', a second styles part xl/styles.xml was added beside xl/Styles.xml (a package our
    own reader then refused) and a second custom-properties relationship was added."""
    renamed = {"xl/styles.xml": "xl/Styles.xml", "xl/worksheets/sheet2.xml": "xl/worksheets/Sheet2.xml"}

    def change(name, data):
        if name is None:
            return {new: data for new, data in moved.items()} | {"docProps/custom.xml": CUSTOM}
        if name in renamed:
            moved[renamed[name]] = data
            return None
        if name == "_rels/.rels":
            return data.replace(b"</Relationships>", _root_rel(REL_CUSTOM_PROPS, "docProps/Custom.xml"))
        return data
    moved = {}
    source = _edit(small_book(tmp_path / "in.xlsx", [["A1", "V", 100, "", "Stimulansmedel", None]]),
                   tmp_path / "cased.xlsx", change)
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    names = [n.casefold() for n in zipfile.ZipFile(out).namelist()]
    assert len(names) == len(set(names)), "no second member that differs only in case"
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets][-3:] == ["Bilaga 2", "Kontroll", "Återbetalning"]
        styles = pkg.read("xl/Styles.xml")
        custom = pkg.read("docProps/custom.xml")
        root_rels = pkg.read("_rels/.rels")
    assert len(styles) > len(moved["xl/Styles.xml"]), "the layout's formats are added to the workbook's styles"
    assert b"Bilaga 2 skapad" in custom
    assert _rels(root_rels, REL_CUSTOM_PROPS) == ["docProps/Custom.xml"]


def test_attributes_that_only_str_isdigit_takes_for_numbers_are_not_numbers(tmp_path):
    """"²" is a digit to ``str.isdigit`` but not to ``int``: a table id, a count of worksheets in app.xml, a
    custom property's pid, a column's min/max and a row's spans written so gave a ValueError traceback."""
    assert [whole(v) for v in ("12", " 7 ", "²", "-1", "", None, "1²")] == [12, 7, None, None, None, None, None]
    source = _edit(EXAMPLE_2019, tmp_path / "odd.xlsx", lambda name, data: {} if name is None else (
        data.replace(b'id="1"', 'id="¹"'.encode(), 1) if name == "xl/tables/table1.xml" else data))
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)  # the table ids after 3 (table1's is not a number) are new ones
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets][-3:] == ["Bilaga 2", "Kontroll", "Återbetalning"]

    listing = _app(2, ["A", "B"])
    listing.find(f"{{{NS_EXTENDED}}}HeadingPairs/{{{NS_VT}}}vector")[1][0].text = "²"
    assert not app.list_sheet(listing, "Bilaga 2", 2)

    props = custom.new()
    etree.SubElement(props, f"{{{NS_CUSTOM}}}property", pid="²", name="Gammal")
    custom.set_properties(props, {"Ny": "x"})
    assert [p.get("pid") for p in props] == ["²", "2"]

    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="1" '
             'max="3²" style="4"/></cols><sheetData><row r="1" spans="1:1²"><c r="A1"><v>1</v></c></row>'
             '</sheetData></worksheet>'.encode())
    patched = etree.fromstring(patch_cells(sheet, {"B1": Decimal(5)}))
    assert [(c.get("r"), c.get("s"), c.findtext(q("v"))) for c in patched.iter(q("c"))] == [("A1", None, "1"),
                                                                                            ("B1", None, "5")]


REL_STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
STYLES_OVERRIDE = re.compile(rb'<Override PartName="/xl/styles.xml"[^>]*/>')


@pytest.mark.parametrize("styles_target, custom_target", [
    ("../../styles.xml", None),  # outside the package: was written as a member "../styles.xml"
    ("/../styles.xml", None),
    ("worksheets/sheet3.xml", None),  # the name the new sheet Bilaga 2 takes: was overwritten by the styles
    (".", "docProps"),  # a folder
    ("styles.xml", "docProps/custom.xml"),  # missing but a free name: made there (no second relationship)
    (None, "../custom.xml"),
])
def test_a_part_made_for_a_dangling_relationship_gets_a_free_safe_name(tmp_path, styles_target, custom_target):
    """A styles or custom-properties relationship whose part is missing: the part is made at its target
    only when that is a free part name inside the package, else under a new name (with the relationship
    moved to it); a name once made is taken, so a new sheet does not get it too."""
    def change(name, data):
        if name is None:
            return {}
        if name == "xl/styles.xml":
            return None
        if name == "[Content_Types].xml":
            return STYLES_OVERRIDE.sub(b"", data)
        if name == "xl/_rels/workbook.xml.rels":
            data = re.sub(rb'<Relationship [^>]*/styles"[^>]*/>', b"", data)
            if styles_target is not None:
                data = data.replace(b"</Relationships>", f'<Relationship Id="rId9" Type="{REL_STYLES_TYPE}" '
                                    f'Target="{styles_target}"/></Relationships>'.encode())
        if name == "_rels/.rels" and custom_target is not None:
            data = data.replace(b"</Relationships>", _root_rel(REL_CUSTOM_PROPS, custom_target))
        return data
    source = _edit(small_book(tmp_path / "in.xlsx", [["A1", "V", 100, "", "Stimulansmedel", None]]),
                   tmp_path / "dangling.xlsx", change)
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    with Package(out) as pkg:  # before: our own reader refused a member named "../styles.xml"
        styles = [t for _, kind, t, _ in pkg.rels(pkg.workbook_part) if kind == REL_STYLES_TYPE]
        custom = [t for _, kind, t, _ in pkg.rels("") if kind == REL_CUSTOM_PROPS]
        assert len(styles) == 1 and pkg.xml(styles[0]).tag == q("styleSheet")
        assert len(custom) == 1 and b"Bilaga 2 skapad" in pkg.read(custom[0])
        for sheet in pkg.sheets:
            assert pkg.xml(sheet.part).tag == q("worksheet"), sheet.name
    assert check_package(out) == []


def test_a_styles_part_that_is_not_one_is_refused_with_its_name(tmp_path):
    """Was a ValueError traceback ("not a styles part")."""
    source = _edit(small_book(tmp_path / "in.xlsx", [["A1", "V", 100, "", "Stimulansmedel", None]]),
                   tmp_path / "odd.xlsx", lambda name, data: {} if name is None else (
                       b'<?xml version="1.0"?><foo/>' if name == "xl/styles.xml" else data))
    with pytest.raises(UserError, match=r"odd\.xlsx.*styles part xl/styles\.xml is not a styles part"):
        report_file(source, tmp_path / "out.xlsx", TODAY)
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("names", [["Ny", "Ny"], ["Ny", "NY"], ["Aktiviteter", "aktiviteter"]])
def test_two_layouts_of_one_name_in_one_call_are_refused(tmp_path, names):
    """Both were added (or the second added beside the replaced one): a workbook with two sheets of one
    name, which Excel refuses to open."""
    layouts = [SheetLayout(name, [10], rows=[Row([Cell(1, "a")])]) for name in names]
    with pytest.raises(ValueError, match="two sheets of one name"):
        write_sheets(EXAMPLE_2019, tmp_path / "out.xlsx", layouts)
    assert not (tmp_path / "out.xlsx").exists()


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


def test_a_new_sheet_does_not_take_a_code_name_that_a_sheet_without_a_module_has(tmp_path):
    """XlsxWriter gives every sheet of an .xlsm a code name (Sheet1, Sheet2, Sheet3) whether or not the
    VBA project has its module; the new sheet Bilaga 2 took "Sheet3" a second time."""
    import xlsxwriter

    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(vba_project())  # modules ThisWorkbook, Sheet1, Sheet2, Module1
    source = tmp_path / "three.xlsm"
    wb = xlsxwriter.Workbook(str(source))
    wb.add_vba_project(str(vba))
    wb.set_vba_name("ThisWorkbook")
    agreement = wb.add_worksheet("Överenskommelse")
    for row, (label, value) in enumerate({"Överenskommelsens benämning": "T", "År": 2019,
                                          "Bidragsmottagare": "Region Test"}.items()):
        agreement.write(row, 0, label)
        agreement.write(row, 1, value)
    agreement.add_table(4, 0, 5, 3, {"name": "Potter", "data": [["Stimulansmedel", 1000, "Nej", ""]], "columns": [
        {"header": h} for h in ("Pott", "Belopp", "Öronmärkt", "Ändamål")]})
    wb.add_worksheet("Aktiviteter").add_table(2, 0, 3, 5, {"name": "Aktiviteter", "columns": [
        {"header": h} for h in DEFAULT_HEADERS], "data": [["A1", "V", 100, "", "Stimulansmedel", None]]})
    wb.add_worksheet("Tredje")  # code name Sheet3, no module Sheet3
    wb.close()
    out = tmp_path / "out.xlsm"
    report_file(source, out, TODAY)
    with Package(out) as pkg:
        codes = [pkg.xml(s.part).find(q("sheetPr")).get("codeName") for s in pkg.sheets]
        modules = module_names(pkg.read("xl/vbaProject.bin"))
    assert codes[:3] == ["Sheet1", "Sheet2", "Sheet3"]
    assert len(set(codes)) == len(codes) and not {c.casefold() for c in codes[3:]} & {m.casefold() for m in modules}
    assert modules == module_names(vba.read_bytes())  # the project is copied as it is (issue 23, item 8)


def test_comments_in_the_styles_part_are_not_taken_for_formats():
    """An index in the styles part is a position among elements: a comment among the fonts was taken as
    the workbook's default font (and copied), counted, and the new formats pointed past the real ones;
    running again added them again."""
    root = minimal_styles()
    root.insert(0, etree.Comment(" styles "))
    for tag in ("fonts", "fills", "borders", "cellXfs"):
        root.find(q(tag)).insert(0, etree.Comment(f" {tag} "))
        root.find(q(tag)).append(etree.ProcessingInstruction("pi", "x"))
    root.find(q("fonts"))[1].insert(0, etree.Comment(" in a font "))
    ids = add_styles(root)
    size = len(serialize_xml(root))
    assert add_styles(root) == ids and len(serialize_xml(root)) == size  # running again adds nothing
    assert all(isinstance(e.tag, str) for e in root.iter())
    counts = {tag: len(root.find(q(tag))) for tag in ("fonts", "fills", "borders", "cellXfs")}
    assert all(root.find(q(tag)).get("count") == str(n) for tag, n in counts.items())
    xfs = root.find(q("cellXfs"))
    for index in ids.values():
        xf = xfs[index]
        assert xf.tag == q("xf") and int(xf.get("fontId")) < counts["fonts"] and int(xf.get("fillId")) < counts["fills"]
    assert root.find(q("fonts"))[0].find(q("name")).get("val") == "Calibri"


def test_comments_in_app_properties_are_not_counted_as_titles():
    """The new title went in at a position counted with the comment (before the second worksheet) and
    the vector's size counted the comment."""
    root = _app(2, ["A", "B", "Namn1"])
    for vector in root.iter(f"{{{NS_VT}}}vector"):
        vector.insert(0, etree.Comment(" x "))
    assert app.list_sheet(root, "Bilaga 2", 2)
    titles = root.find(f"{{{NS_EXTENDED}}}TitlesOfParts/{{{NS_VT}}}vector")
    assert [t.text for t in titles] == ["A", "B", "Bilaga 2", "Namn1"] and titles.get("size") == "4"


def test_line_breaks_in_text_are_written_as_excel_keeps_them():
    """The worksheet written with f-strings had a CR raw in the part, which every XML parser (Excel's too)
    reads as LF; the lxml worksheet wrote it as &#13;, a CR in the cell.  Same as before: LF."""
    layout = SheetLayout("Rader", [10], rows=[Row([Cell(1, "a\r\nb\rc"), Cell(2, "x", formula='"1"&"\r\n"')])],
                         footer="&Lvänster\r\n&Rhöger")
    root = etree.fromstring(render_sheet(layout, {name: 0 for name in STYLES}))
    assert root.findtext(f"{q('sheetData')}/{q('row')}/{q('c')}/{q('is')}/{q('t')}") == "a\nb\nc"
    assert root.findtext(f".//{q('f')}") == '"1"&"\n"'
    assert root.findtext(f".//{q('oddFooter')}") == "&Lvänster\n&Rhöger"


def test_a_new_relationships_part_has_a_content_type_where_the_package_types_each_one(tmp_path):
    """Some writers give every .rels part an Override instead of one Default; a new sheet's table
    relationships then had no content type at all."""
    rels_type = b"application/vnd.openxmlformats-package.relationships+xml"

    def change(name, data):
        if name is None:
            return {}
        if name == "[Content_Types].xml":
            overrides = b"".join(b'<Override PartName="/%s" ContentType="%s"/>' % (n.encode(), rels_type) for n in (
                "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/worksheets/_rels/sheet1.xml.rels",
                "xl/worksheets/_rels/sheet2.xml.rels"))
            return re.sub(rb'<Default Extension="rels"[^>]*/>', overrides, data)
        return data
    source = _edit(EXAMPLE_2019, tmp_path / "typed.xlsx", change)
    assert check_package(source) == []
    layout = SheetLayout("Ny", [10], rows=[Row([Cell(1, "a")]), Row([Cell(1, "b")])],
                         tables=[Table("NyTabell", 1, 1, ("a",), 2)])
    write_sheets(source, tmp_path / "out.xlsx", [layout])
    assert check_package(tmp_path / "out.xlsx") == []


def test_replacing_a_sheet_that_relates_to_the_package_structure_keeps_it(tmp_path):
    """A replaced sheet's relationships to _rels/.rels, the workbook's relationships or [Content_Types].xml
    made them 'its' parts, dropped with it: the output had no workbook."""
    first = tmp_path / "a.xlsx"
    report_file(EXAMPLE_2019, first, TODAY)  # Bilaga 2 is sheet3
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="http://example.com/x" Target="{target}"/>' for i, target in enumerate(
                    ["../../_rels/.rels", "../_rels/workbook.xml.rels", "../../[Content_Types].xml"], start=1))
            + "</Relationships>").encode()
    source = _edit(first, tmp_path / "odd.xlsx",
                   lambda name, data: {"xl/worksheets/_rels/sheet3.xml.rels": rels} if name is None else data)
    out = tmp_path / "out.xlsx"
    write_sheets(source, out, [SheetLayout("Bilaga 2", [10], rows=[Row([Cell(1, "ny")])])])
    names = set(zipfile.ZipFile(out).namelist())
    assert {"_rels/.rels", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"} <= names
    assert "xl/worksheets/_rels/sheet3.xml.rels" not in names
    with Package(out) as pkg:
        assert [s.name for s in pkg.sheets] == ["Överenskommelse", "Aktiviteter", "Bilaga 2", "Kontroll",
                                                   "Återbetalning"]
    assert check_package(out) == []


def test_a_percent_encoded_relationship_target_reaches_its_part(tmp_path):
    """Relationship targets are URIs: "st%79les.xml" is xl/styles.xml and "sheet%32.xml" sheet2.xml, as
    Excel reads them.  Before, the styles were 'missing' (dates read as numbers: the report was refused)
    and the sheet had no part."""
    def change(name, data):
        if name is None:
            return {}
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b'Target="styles.xml"', b'Target="st%79les.xml"').replace(
                b'Target="worksheets/sheet2.xml"', b'Target="worksheets/sheet%32.xml"')
        return data
    source = _edit(EXAMPLE_2019, tmp_path / "encoded.xlsx", change)
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    a, b = zipfile.ZipFile(source), zipfile.ZipFile(out)
    assert set(b.namelist()) - set(a.namelist()) == {"xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
                                                     "xl/worksheets/sheet5.xml", "docProps/custom.xml"}
    assert len(b.read("xl/styles.xml")) > len(a.read("xl/styles.xml"))
