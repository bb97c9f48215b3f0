"""The written packages pass an OOXML validator and the project's own checks."""
import datetime as dt

import pytest
from openxml_audit import FileFormat, OpenXmlValidator

from conftest import EXAMPLE_2018, EXAMPLE_2019
from ooxml_checks import check_package
from xl_statsbidrag.app.report import report_file

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("source", ["2019", "2018", "rich_xlsm", "rich_xlsx"])
def test_output_is_valid_ooxml(source, request, tmp_path):
    path = {"2019": EXAMPLE_2019, "2018": EXAMPLE_2018}.get(source) or request.getfixturevalue(source)
    out = tmp_path / f"out{path.suffix}"
    report_file(path, out, TODAY)
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(out))
    assert result.is_valid, [str(e) for e in result.errors][:10]
    assert check_package(out) == []


@pytest.mark.parametrize("path", [EXAMPLE_2019, EXAMPLE_2018])
def test_shipped_workbooks_are_valid(path):
    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(path))
    assert result.is_valid, [str(e) for e in result.errors][:10]
    assert check_package(path) == []
