"""Tests of xl_statsbidrag.xlsx.styles."""
import datetime as dt

from lxml import etree
import pytest

from tests.conftest import EXAMPLE_2019, parts, small_book
from tests.support.crafted import _edit, refused, rezip

from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.xlsx.package import q, serialize_xml, parse_xml
from xl_statsbidrag.xlsx.styles import add_styles, minimal_styles


def test_styles_with_a_non_numeric_format_id_are_named(tmp_path):
    styles = parts(EXAMPLE_2019)["xl/styles.xml"].replace(b'<cellXfs count="12"><xf numFmtId="0"',
                                                         b'<cellXfs count="12"><xf numFmtId="zero"')
    assert b"zero" in styles
    refused(rezip(EXAMPLE_2019, tmp_path / "st.xlsx", replace={"xl/styles.xml": styles}), "xl/styles.xml", "numFmtId")


REPORT_DAY = dt.date(2026, 11, 24)


def test_a_styles_part_that_is_not_one_is_refused_with_its_name(tmp_path):
    """Was a ValueError traceback ("not a styles part")."""
    source = _edit(small_book(tmp_path / "in.xlsx", [["A1", "V", 100, "", "Stimulansmedel", None]]),
                   tmp_path / "odd.xlsx", lambda name, data: {} if name is None else (
                       b'<?xml version="1.0"?><foo/>' if name == "xl/styles.xml" else data))
    with pytest.raises(UserError, match=r"odd\.xlsx.*styles part xl/styles\.xml is not a styles part"):
        report_file(source, tmp_path / "out.xlsx", REPORT_DAY)
    assert not (tmp_path / "out.xlsx").exists()


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


def test_styles_of_a_new_package_take_the_layout_formats_and_reuse_them():
    root = minimal_styles()
    first = add_styles(root)
    size = len(serialize_xml(root))
    assert add_styles(root) == first and len(serialize_xml(root)) == size  # running again adds nothing
    assert parse_xml(serialize_xml(root)).find(q("cellXfs")).get("count") == str(len(root.find(q("cellXfs"))))
