"""Tests of xl_statsbidrag.app.requisition."""
import subprocess
import sys

import pytest

from tests.conftest import small_book

pytestmark = pytest.mark.system


def test_more_than_the_grant_is_an_error(tmp_path):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Belopp som rekvireras": 2000})
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "rekvisition", str(source), "-o",
                           str(tmp_path / "r.xlsx")], capture_output=True, text=True)
    assert done.returncode == 1 and "rekvisition-overstiger" not in done.stdout
    assert "överstiger bidraget" in done.stdout and "Traceback" not in done.stderr
