"""Tests of xl_statsbidrag.check.outcome."""
import dataclasses
import datetime as dt

from tests.support.checks import D, book, codes, run

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.model import LedgerObjekt


def test_check_paid_out():
    paid = dt.date(2019, 12, 15)
    assert run(v.check_paid_out, book(paid_out=D(1500), paid_out_date=paid)) == []
    assert codes(run(v.check_paid_out, book(paid_out=D(1600), paid_out_date=paid))) == ["utbetalt-avviker"]
    missing = run(v.check_paid_out, book())  # the form asks what was paid out: a line to fill in, and a warning
    assert codes(missing) == ["utbetalt-saknas"] and missing[0].severity == "warning"
    assert codes(run(v.check_paid_out, book(paid_out=D(1500)))) == ["utbetalt-saknas"]  # the date
    partial = run(v.check_paid_out, book(paid_out=D(1200), paid_out_date=paid))
    assert codes(partial) == ["utbetalt-avviker", "delutbetalning"] and partial[1].amount == 300
    assert "Stimulansmedel 300 kr" in partial[1].message  # by default the part that is not earmarked
    partial = run(v.check_paid_out, book(paid_out=D(1200), paid_out_date=paid, requisition_reduces="SSK"))
    assert "SSK 300 kr" in partial[1].message
    unknown = run(v.check_paid_out, book(paid_out=D(1500), paid_out_date=paid, requisition_reduces="Okänd"))
    assert codes(unknown) == ["pott-okand"]


def test_check_outcome():
    found = run(v.check_outcome, book({"amount": 100}))
    assert codes(found) == ["utfall-saknas"]
    assert codes(run(v.check_outcome, book({"amount": 1000, "actual": 1000},
                                           {"amount": 500, "actual": 500, "pot": "SSK"}))) == []
    found = run(v.check_outcome, book({"amount": 100, "actual": 120, "objekt": "9902"}, {"amount": 100, "actual": None}))
    assert codes(found) == ["utfall-over-budget", "utfall-saknas-rad", "objekt-over-budget", "aterbetalas"]
    assert found[0].location == Location("Aktiviteter", "F5") and found[0].amount == 20
    assert found[1].location == Location("Aktiviteter", "F6")
    # the earmarked 500 unspent, and 1000 - (120 + the budget 100 of the activity without utfall) of the rest
    assert found[3].amount == 500 + 780 and found[3].severity == "info"
    assert found[0].severity == "warning" and "kommentar" in found[0].message  # 20 over, no comment
    commented = run(v.check_outcome, book({"amount": 100, "actual": 120, "comment": "Dyrare lokal"}))
    assert [(f.code, f.severity) for f in commented][:1] == [("utfall-over-budget", "info")]
    internal = run(v.check_outcome, book({"amount": 100, "actual": 120, "internal_comment": "Beslut RS/1/2020"}))
    assert internal[0].severity == "info"  # a decision noted internally explains it too
    within = run(v.check_outcome, book({"amount": 100, "actual": 120}, deviation_threshold=D(50)))
    assert within[0].severity == "info" and "inom 50 kr" in within[0].message  # the workbook's threshold
    over = run(v.check_outcome, book({"amount": 1000, "actual": 1200}, {"amount": 500, "actual": 500, "pot": "SSK"},
                                     deviation_threshold=D(1000)))
    assert codes(over) == ["utfall-over-budget", "objekt-over-budget", "kostnader-over-bidrag", "egen-finansiering"]
    assert over[0].severity == "info"  # 200 over budget, within the threshold of 1 000
    above = run(v.check_outcome, book({"amount": 1500, "actual": 1700, "comment": "ok"}))
    assert {"kostnader-over-bidrag", "egen-finansiering"} <= set(codes(above))
    # a credit note larger than the costs: a finding, and no part repays more than it received
    credit = run(v.check_outcome, book({"amount": 1000, "actual": 1000}, {"amount": 500, "actual": -80, "pot": "SSK"}))
    assert codes(credit)[:1] == ["utfall-negativt"] and credit[0].amount == -80
    assert next(f for f in credit if f.code == "aterbetalas").amount == 500


def test_check_earmarked_outcome():
    assert run(v.check_earmarked_outcome, book({"amount": 1300})) == []  # budget only: check_earmarked's job
    assert run(v.check_earmarked_outcome, book({"amount": 1000, "actual": 900},
                                               {"amount": 500, "actual": 500, "pot": "SSK"})) == []
    found = run(v.check_earmarked_outcome, book({"amount": 1000, "actual": 1200},
                                                {"amount": 500, "actual": 400, "pot": "SSK"}))
    # the earmarked 100 left is repaid and the region bears its 200 over: correct figures, an explanation
    assert codes(found) == ["oronmarkt-utfall"] and found[0].amount == 200 and found[0].severity == "info"


def test_check_ledger():
    assert run(v.check_ledger, book({"amount": 1000, "actual": 1000})) == []  # no reconciliation: no ledger
    b = book({"amount": 1000, "actual": 1000, "objekt": "9917"}, {"amount": 500, "actual": 400, "objekt": "9902"})
    b.ledger = [LedgerObjekt("9902", D(-500) + D(400) + D(50), D(400), D(0), D(50), D(-500), D(0), D(0)),
                LedgerObjekt("9917", D(1000) - D(1000), D(1000), D(0), D(0), D(-1000), D(0), D(0))]
    found = run(v.check_ledger, b)
    assert codes(found) == ["ej-hanforda-kostnader"] and found[0].amount == 50 and found[0].severity == "warning"
    b.agreement.unmatched_decision = "Räknas med"
    assert codes(run(v.check_ledger, b)) == ["ej-hanforda-medraknade"]
    b.agreement.unmatched_decision = "räknas inte"
    assert codes(run(v.check_ledger, b)) == ["ej-hanforda-kostnader"]  # a reason is needed
    b.agreement.unmatched_reason = "Felkonterat, rättas 2020"
    found = run(v.check_ledger, b)
    assert codes(found) == ["ej-hanforda-undantagna"] and "Felkonterat" in found[0].message
    b.agreement.unmatched_decision = "kanske"
    assert "kan inte läsas" in run(v.check_ledger, b)[0].message
    b.agreement.unmatched_decision = "räknas med"
    b.agreement.paid_out = D(1400)  # the ledger's income says 1 500 was received
    found = [f for f in run(v.check_ledger, b) if f.code == "intakt-avviker"]
    assert len(found) == 1 and found[0].amount == 100 and found[0].severity == "warning"
    b.agreement.paid_out = None
    b.activities[0].actual = D(1010)  # changed by hand after utfall
    found = [f for f in run(v.check_ledger, b) if f.code == "utfall-avviker-huvudbok"]
    assert len(found) == 1 and found[0].amount == 10 and "9917" in found[0].message
    b.ledger = [dataclasses.replace(o, income=D(0), total=o.total - o.income) for o in b.ledger]
    assert "intakt-saknas" in codes(run(v.check_ledger, b))
    b.ledger = [dataclasses.replace(b.ledger[0], total=D(1))]
    assert "avstamning-avviker" in codes(run(v.check_ledger, b))
