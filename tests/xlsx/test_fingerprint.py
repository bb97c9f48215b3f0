"""Tests of xl_statsbidrag.xlsx.fingerprint."""
import zipfile

import pytest

from tests.support.outputs import books

from xl_statsbidrag.app import outputs
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.xlsx import fingerprint

pytestmark = pytest.mark.system


# --- knowing its own files ----------------------------------------------------------------------------------

def test_the_mark_tells_an_unchanged_output_from_a_saved_one(books, tmp_path, libreoffice):
    a, _ = books
    out = tmp_path / "r.xlsx"
    report_file(a, out)
    assert fingerprint.check(out) is True
    with zipfile.ZipFile(out) as z:  # the mark is a custom document property, visible in Excel
        assert b"xl-statsbidrag kontrollsumma" in z.read("docProps/custom.xml")
    resaved = libreoffice.convert(out, tmp_path / "lo", "xlsx")  # opened and saved by another program, no cell changed
    assert fingerprint.check(resaved) in (None, False) and outputs.state(resaved) != outputs.OURS
    assert fingerprint.check(a) is None and outputs.state(a) == outputs.FOREIGN  # the shipped example: never ours
    # a part changed behind the tool's back (the zip rewritten, one part changed), and one rewritten as it was
    for name, change in (("changed.xlsx", b"</workbook>\n"), ("same.xlsx", b"</workbook>")):
        copy = tmp_path / name
        with zipfile.ZipFile(out) as src, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/workbook.xml":
                    data = data.replace(b"</workbook>", change)
                dst.writestr(info, data)
    assert fingerprint.check(tmp_path / "changed.xlsx") is False
    assert outputs.state(tmp_path / "changed.xlsx") == outputs.CHANGED
    assert fingerprint.check(tmp_path / "same.xlsx") is True  # the same parts, zipped again: still the tool's
