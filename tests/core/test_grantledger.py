"""core.grantledger: the rules of the grant ledger (Bidragsreskontra), row by row and year by year."""
import pytest

from tests.support.grantledger import row
from xl_statsbidrag.core.grantledger import problems


def test_a_ledger_that_rolls_forward_has_no_problems():
    rows = [row(2019, "A", 0, 1000, 700, 0, 300), row(2020, "A", 300, 0, 250, 0, 0),
            row(2021, "A", 50, 0, 0, 50, 0)]
    assert problems(rows) == []


@pytest.mark.parametrize("rows, code", [
    ([row(2019, "A", 0, 1000, 700), row(2019, " a ", 0, 1000, 700)], "reskontra-dubblett"),
    ([row(2019, "A", 0, 1000, 700, closing=310)], "reskontra-summerar-inte"),
    ([row(2019, "A", 0, 1000, 700, 0, 301)], "reskontra-overfort"),
    ([row(2019, "A", 0, 1000, 700), row(2020, "A", 299, 0, 0, 299)], "reskontra-rullar-inte"),
    ([row(2019, "A", 0, 1000, 700), row(2021, "A", 300, 0, 0, 300)], "reskontra-lucka"),
    ([row(2019, "A", 0, 1000, 700), row(2020, "A", 300, 0, 0, 100)], "reskontra-ej-aterbetalt"),
    ([row(2019, "A", 0, 1000, 700, 0, 100), row(2020, "A", 300, 0, 250, 200)], "reskontra-skuld-anvand"),
    ([row(2019, "A", 0, -5, 0)], "reskontra-negativt"),
])
def test_each_rule_of_the_ledger(rows, code):
    assert code in [p.code for p in problems(rows)]
