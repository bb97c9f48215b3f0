"""Tests of xl_statsbidrag.xlsx.app."""
from lxml import etree

from tests.support.crafted import _app

from xl_statsbidrag.xlsx import app
from xl_statsbidrag.xlsx.ooxml import NS_EXTENDED, NS_VT
from xl_statsbidrag.xlsx.package import serialize_xml


def test_comments_in_app_properties_are_not_counted_as_titles():
    """The new title went in at a position counted with the comment (before the second worksheet) and
    the vector's size counted the comment."""
    root = _app(2, ["A", "B", "Namn1"])
    for vector in root.iter(f"{{{NS_VT}}}vector"):
        vector.insert(0, etree.Comment(" x "))
    assert app.list_sheet(root, "Bilaga 2", 2)
    titles = root.find(f"{{{NS_EXTENDED}}}TitlesOfParts/{{{NS_VT}}}vector")
    assert [t.text for t in titles] == ["A", "B", "Bilaga 2", "Namn1"] and titles.get("size") == "4"


def test_app_lists_a_new_sheet_after_the_worksheets_only_when_it_understands_the_list():
    root = _app(2, ["A", "B", "Namn1"])  # two worksheets, then a named range
    assert app.list_sheet(root, "Bilaga 2", 2)
    titles = root.find(f"{{{NS_EXTENDED}}}TitlesOfParts/{{{NS_VT}}}vector")
    assert [t.text for t in titles] == ["A", "B", "Bilaga 2", "Namn1"] and titles.get("size") == "4"
    other = _app(5, ["A"])  # says five worksheets where the workbook has two: left alone
    before = serialize_xml(other)
    assert not app.list_sheet(other, "Bilaga 2", 2) and serialize_xml(other) == before
