"""Tests of xl_statsbidrag.ledger.match."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from tests.support.ledgers import book, ore_text, write_lines, year_csv, year_rows

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Objekt, Pot
from xl_statsbidrag.ledger.match import compute
from xl_statsbidrag.ledger.read import read as _read


def test_two_years_with_restarting_voucher_numbers_count_every_row(tmp_path):
    """The reported case: two years of one ledger lost half the money as "duplicates" on verifikation
    and rad.  Every row counts; nothing is named as given twice."""
    first, second = year_rows(2019), year_rows(2020)
    frames = [_read(year_csv(tmp_path / "hb2019.csv", first), None, {"100"}),
              _read(year_csv(tmp_path / "hb2020.csv", second), None, {"100"})]
    result = compute(book((dt.date(2019, 1, 1), dt.date(2020, 12, 31))), frames)
    expected = {c: sum(r[6] for r in first + second if r[5] == c) for c in ("K1", "K2")}
    assert result.actual[0] == Decimal(expected["K1"]) / 100 and result.actual[1] == Decimal(expected["K2"]) / 100
    assert result.reconciliation[0].total == sum(r[6] for r in first + second)
    assert not [f for f in result.findings if f.code == "utfall-dubblett"]
    assert len(result.read) == 2 and result.read[0].startswith("hb2019.csv: CSV, separator ';'")


def test_two_series_exported_apart_and_mixed_formats_all_count(tmp_path):
    """Series A as CSV, series B as SIE (the same voucher numbers, the same dates): all rows count."""
    rows = year_rows(2019, 12)
    csv = year_csv(tmp_path / "serie_a.csv", rows)
    sie = tmp_path / "serie_b.se"
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#DIM 20 "Objekt"', '#DIM 6 "Projekt"']
    for d, v, _, k, o, c, ore in rows:
        lines += [f'#VER B {v} {d.replace("-", "")} "Serie B"', "{",
                  f'#TRANS {k} {{20 "{o}" 6 "{c}"}} {ore_text(ore + 1, ".")}', f"#TRANS 2440 {{}} {ore_text(-ore - 1, '.')}",
                  "}"]
    write_lines(sie, lines, "cp437")
    result = compute(book(), [_read(csv, None, {"100"}), _read(sie, None, {"100"})])
    assert result.reconciliation[0].total == sum(2 * r[6] + 1 for r in rows)
    assert not [f for f in result.findings if f.code == "utfall-dubblett"]


# --- the rule on small books ---------------------------------------------------------------------------

def _book(activities: list[tuple[str, str, str]]) -> DecisionBook:
    ag = Agreement("Test", 2019, [Pot("P", Decimal(1000000))], [Objekt("100"), Objekt("200")])
    acts = [Activity(row=5 + i, name=n, verksamhet="V", amount=Decimal(1000), objekt=o, code=c, sheet="Aktiviteter",
                     columns={"name": "A", "actual": "J", "code": "H", "objekt": "G"})
            for i, (n, o, c) in enumerate(activities)]
    return DecisionBook("test.xlsx", ag, acts)


def _ledger(rows: list[tuple], file="h.csv") -> pd.DataFrame:
    frame = pd.DataFrame([{"date": pd.Timestamp(d), "verifikation": str(i), "rad": "1", "konto": k, "text": "",
                           "ansvar": "", "verksamhet": "", "aktivitet": c, "objekt": o, "ore": ore, "file": file,
                           "line": i + 2} for i, (d, k, o, c, ore) in enumerate(rows)])
    frame["ore"] = frame["ore"].astype("int64")
    return frame


def test_the_one_activity_without_a_code_takes_the_rest_of_its_objekt():
    book = _book([("A", "100", "K1"), ("B", "100", "")])
    result = compute(book, _ledger([("2019-02-01", "4010", "100", "K1", 100), ("2019-02-01", "4010", "100", "", 250),
                                    ("2019-02-01", "5010", "100", "X9", 1)]))
    assert result.actual == [Decimal("1"), Decimal("2.51")]
    assert [f.code for f in result.findings] == []


def test_activities_without_codes_on_one_objekt_stay_at_the_objekt_level():
    book = _book([("A", "100", ""), ("B", "100", ""), ("C", "200", "K")])
    result = compute(book, _ledger([("2019-02-01", "4010", "100", "", 1000), ("2019-03-01", "7010", "200", "K", 5)]))
    assert result.actual == [None, None, Decimal("0.05")]
    (finding,) = [f for f in result.findings if f.code == "utfall-kod-saknas"]
    assert "'A', 'B'" in finding.message and finding.amount == Decimal(10) and str(finding.location) == "Aktiviteter!H5"
    assert result.reconciliation[0].amounts[1] == 1000


def test_nothing_on_an_objekt_in_the_period_is_a_warning_not_zeros():
    book = _book([("A", "100", "K"), ("C", "200", "K")])
    result = compute(book, _ledger([("2018-12-31", "4010", "100", "K", 100), ("2019-03-01", "7010", "200", "K", 5)]))
    assert result.actual == [None, Decimal("0.05")]
    (finding,) = [f for f in result.findings if f.code == "utfall-inget"]
    assert "objekt 100" in finding.message and finding.severity == "warning"


def test_accounts_option_and_income_are_not_costs():
    book = _book([("A", "100", "")])
    rows = [("2019-02-01", "3010", "100", "", -100000), ("2019-02-01", "8400", "100", "", 700),
            ("2019-02-01", "45210", "100", "", 300)]
    assert compute(book, _ledger(rows)).actual == [Decimal(3)]
    assert compute(book, _ledger(rows), "4000-7999,8400").actual == [Decimal(10)]
    assert compute(book, _ledger(rows), "8400").actual == [Decimal(7)]
    with pytest.raises(UserError, match="not an account range"):
        compute(book, _ledger(rows), "40-7999")


def test_rows_of_two_files_all_count_and_rows_given_twice_are_named_or_deduped():
    """Issue 22 item 1: no row is dropped because another file has one like it; equal rows are named
    (an error: they have voucher numbers), --dedupe counts them once, the same export twice is refused."""
    book = _book([("A", "100", "")])
    first = _ledger([("2019-02-01", "4010", "100", "", 100), ("2019-02-02", "4010", "100", "", 200)], "a.csv")
    second = _ledger([("2019-02-02", "4010", "100", "", 200), ("2019-02-03", "4010", "100", "", 400)], "b.csv")
    second["verifikation"] = ["1", "7"]
    result = compute(book, [first, second])
    assert result.actual == [Decimal(9)]
    (finding,) = [f for f in result.findings if f.code == "utfall-dubblett"]
    assert finding.severity == "error" and str(finding.location) == "b.csv:2" and finding.amount == Decimal(2)
    assert "a.csv" in finding.message and "--dedupe" in finding.message
    result = compute(book, [first, second], dedupe=())
    assert result.actual == [Decimal(7)]
    (finding,) = [f for f in result.findings if f.code == "utfall-dubblett"]
    assert finding.severity == "warning" and "nyckel: date, verifikation, rad, konto" in finding.message
    with pytest.raises(UserError, match="a.csv and a.csv hold the same transactions"):
        compute(book, [first, first])  # the same file twice


def test_ore_add_up_exactly_over_many_rows():
    book = _book([("A", "100", "")])
    rows = [("2019-02-01", "4010", "100", "", 1)] * 30001 + [("2019-02-01", "4010", "100", "", 99999999999999)]
    result = compute(book, _ledger(rows))
    assert result.actual == [Decimal("1000000000300.00")]
