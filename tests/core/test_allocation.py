"""The allocation engine against the seeds' figures, and its properties for any input."""
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings, strategies as st
import pytest

from xl_statsbidrag.core.allocation import AllocationError, split, split_mixed, split_pots
from xl_statsbidrag.read import reference_data as tables


def population_2018():
    _, rows = tables.population("2018-12-31")
    return [r for r, _ in rows], [p for _, p in rows]


def test_2019_jamtland_amounts_come_out_of_the_population_table():
    labels, weights = population_2018()
    assert sum(weights) == 10230185
    pots = split_pots([("stimulansmedel", 2835000000), ("specialistsjukskoterskor", 400000000)], weights, labels)
    row = labels.index("Jämtlands län")
    assert pots.amounts[row] == [Decimal(36103335), Decimal(5093945)]
    assert pots.row_total(row) == Decimal(41197280)
    for a in pots.allocations:
        assert sum(a.amounts) == a.total


@pytest.mark.parametrize("rule", ["largest-remainder", "round-largest"])
def test_2019_amounts_with_either_rule(rule):
    labels, weights = population_2018()
    assert split(2835000000, weights, labels, rule).by_label()["Jämtlands län"] == 36103335


def test_published_2017_table_is_reproduced_from_its_own_column():
    table = tables.published("2017-bilaga1")
    stim = table.pots["stimulansmedel"]
    ssk = dict(table.pots["specialistsjukskoterskor"])
    assert table.total("stimulansmedel") == 655000000 and table.total("specialistsjukskoterskor") == 300000000
    result = split(300000000, [a for _, a in stim], [r for r, _ in stim])
    assert sum(result.amounts) == 300000000
    for share in result.shares:
        assert abs(share.amount - ssk[share.label]) <= 1, share.label
    assert result.by_label()["Jämtlands län"] == ssk["Jämtlands län"] == 3860775


def test_ties_are_broken_deterministically():
    assert split(100, [1, 1, 1], ["a", "b", "c"]).amounts == [34, 33, 33]
    assert split(101, [1, 1, 1], ["a", "b", "c"]).amounts == [34, 34, 33]
    assert split(100, [1, 2, 1], ["a", "b", "c"]).amounts == [25, 50, 25]
    assert split(2, [1, 1, 1], ["a", "b", "c"], "round-largest").amounts == [0, 1, 1]


def test_rules_differ_where_they_should():
    weights = [1, 1, 1]
    assert split(100, weights, rule="round-largest").amounts == [34, 33, 33]
    none = split(100, weights, rule="none")
    assert none.amounts == [33, 33, 33] and none.difference == -1
    assert split(200, [1, 1, 1], rule="none").difference == 1  # 66.67 rounds up three times


def test_labels_and_order_are_kept():
    result = split(1000, [3, 1], ["Ö", "A"])
    assert [s.label for s in result.shares] == ["Ö", "A"] and result.amounts == [750, 250]


def test_ore_unit_and_decimal_weights():
    result = split(Decimal("100.00"), [Decimal("1.5"), Decimal("1.5"), Decimal("0.5")], unit=Decimal("0.01"))
    assert sum(result.amounts) == Decimal("100.00")
    assert result.amounts == [Decimal("42.86"), Decimal("42.86"), Decimal("14.28")]


@pytest.mark.parametrize("weights, labels, words", [
    ([1, 0, 2], ["a", "b", "c"], "row 2 (b): the weight must be greater than zero"),
    ([1, -5], ["a", "b"], "row 2 (b): the weight must be greater than zero"),
    ([1, "många"], ["a", "b"], "row 2 (b): the weight 'många' is not a number"),
    ([1, 2], ["a", "A"], "row 2 (A): the region 'A' is listed twice (also row 1)"),
    ([], [], "the weight table is empty"),
])
def test_bad_weights_name_the_row(weights, labels, words):
    with pytest.raises(AllocationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        split(100, weights, labels)


def test_total_must_be_whole_kronor():
    with pytest.raises(AllocationError, match="not a whole number of kronor"):
        split("100,50", [1, 1])
    with pytest.raises(AllocationError, match="the total"):
        split("hundra", [1, 1])
    assert sum(split("100,50", [1, 1], unit=Decimal("0.01")).amounts) == Decimal("100.50")


def test_split_mixed_takes_fixed_amounts_first():
    result = split_mixed(41197280, [("Specialistsjuksköterskor", 5093945, None), ("A", None, 1), ("B", None, 3)])
    assert result.amounts == [5093945, 9025834, 27077501]
    assert sum(result.amounts) == 41197280
    with pytest.raises(AllocationError, match="more than the total"):
        split_mixed(100, [("a", 200, None), ("b", None, 1)])
    with pytest.raises(AllocationError, match="either a fixed amount or a share"):
        split_mixed(100, [("a", 50, 1)])


weights_strategy = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=300)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**12), weights=weights_strategy)
def test_parts_add_up_and_stay_within_a_krona(total, weights):
    result = split(total, weights)
    assert sum(result.amounts) == total
    big_w = sum(weights)
    for share, w in zip(result.shares, weights):
        assert abs(Fraction(int(share.amount)) - Fraction(total * w, big_w)) < 1


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**12), weights=weights_strategy)
def test_round_largest_adds_up_and_rounds_the_rest(total, weights):
    result = split(total, weights, rule="round-largest")
    assert sum(result.amounts) == total
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    for i, (share, w) in enumerate(zip(result.shares, weights)):
        if i != largest:
            assert abs(Fraction(int(share.amount)) - Fraction(total * w, sum(weights))) <= Fraction(1, 2)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**12), n=st.integers(min_value=1, max_value=500),
       weight=st.integers(min_value=1, max_value=10**6))
def test_equal_weights_differ_by_at_most_one(total, n, weight):
    amounts = split(total, [weight] * n).amounts
    assert max(amounts) - min(amounts) <= 1 and sum(amounts) == total


@settings(max_examples=100, deadline=None)
@given(total=st.decimals(min_value=0, max_value=10**9, places=0), weights=st.lists(
    st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3), min_size=1, max_size=50))
def test_decimal_weights(total, weights):
    assert sum(split(total, weights).amounts) == total
