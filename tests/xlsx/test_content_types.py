"""Tests of xl_statsbidrag.xlsx.content_types."""
import re

from tests.conftest import EXAMPLE_2019
from tests.ooxml_checks import check_package
from tests.support.crafted import _edit

from xl_statsbidrag.forms.layout import Cell, Row, SheetLayout, Table
from xl_statsbidrag.xlsx import content_types
from xl_statsbidrag.xlsx.ooxml import CT_STYLES, CT_WORKSHEET
from xl_statsbidrag.xlsx.writer import write_sheets


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


def test_content_types_override_replaces_and_removal_ignores_case():
    root = content_types.new()
    content_types.override(root, "xl/styles.xml", CT_WORKSHEET)
    content_types.override(root, "xl/styles.xml", CT_STYLES)
    overrides = [e for e in root if e.tag.endswith("Override")]
    assert [(e.get("PartName"), e.get("ContentType")) for e in overrides] == [("/xl/styles.xml", CT_STYLES)]
    content_types.remove(root, "XL/Styles.xml")  # part names are case-insensitive (ECMA-376 part 2)
    assert not [e for e in root if e.tag.endswith("Override")]
    assert {e.get("Extension") for e in root} == {"rels", "xml"}
