"""The workbooks the output-rule tests write over."""
import shutil

import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019


@pytest.fixture
def books(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    shutil.copy(EXAMPLE_2019, a)
    shutil.copy(EXAMPLE_2018, b)
    return a, b
