"""Tests of xl_statsbidrag.core.errors."""
from decimal import Decimal

import pytest

from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.model import Finding


D = Decimal


@pytest.mark.parametrize("name", ["error", "warning", "info"])
def test_as_dict_has_the_json_keys(name):
    d = Finding(name, "x", "m", Location("S", "A1"), D(5)).as_dict()
    assert d == {"severity": name, "code": "x", "message": "m", "sheet": "S", "cell": "A1", "amount": "5"}
