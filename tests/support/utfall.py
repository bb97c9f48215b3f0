"""The utfall sums computed independently of the tool from the example ledger, and a reader of the utfall sheet."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import openpyxl

from tests.conftest import examples


ROWS = examples.example_transactions()


CODES = {(a[6], examples.CODES_2019[a[0]]): a[0] for a in examples.ACTIVITIES_2019}


OBJEKT = {"9902", "9917"}


def independent():
    """What the matching rule gives, computed here over the generated rows: (per activity name in
    öre, unmatched per objekt, income per objekt, other per objekt, outside per objekt, total per objekt)."""
    per_activity = defaultdict(int)
    buckets = {k: defaultdict(int) for k in ("unmatched", "income", "other", "outside", "total", "matched")}
    for r in ROWS:
        if r["objekt"] not in OBJEKT:
            continue
        buckets["total"][r["objekt"]] += r["ore"]
        if r["date"].year != 2019:
            buckets["outside"][r["objekt"]] += r["ore"]
        elif r["konto"][0] in "4567":
            name = CODES.get((r["objekt"], r["kod"]))
            if name:
                per_activity[name] += r["ore"]
                buckets["matched"][r["objekt"]] += r["ore"]
            else:
                buckets["unmatched"][r["objekt"]] += r["ore"]
        elif r["konto"][0] == "3":
            buckets["income"][r["objekt"]] += r["ore"]
        else:
            buckets["other"][r["objekt"]] += r["ore"]
    return per_activity, buckets


def dec(ore: int) -> Decimal:
    return Decimal(ore) / 100


def _sheet(path, name):
    wb = openpyxl.load_workbook(path)
    try:
        return [[c.value for c in row] for row in wb[name].iter_rows()]
    finally:
        wb.close()
