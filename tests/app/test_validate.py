"""Tests of xl_statsbidrag.app.validate."""
import json

import pytest

from tests.support.signatures import cli, signed

pytestmark = pytest.mark.system


def test_validate_says_the_workbook_is_signed(signed):
    done = cli("validate", signed, "--format", "json")
    found = [f for f in json.loads(done.stdout) if f["code"] == "signerad"]
    assert len(found) == 1 and found[0]["severity"] == "info"
    assert "Eva Ekonomichef" in found[0]["message"] and "--force" in found[0]["message"]
