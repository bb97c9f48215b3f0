"""check.grantledger: the grant ledger's findings, each at its cell; a period of several years per year."""
import datetime as dt
from tests.support.checks import D as CD, book as check_book, run
from tests.support.grantledger import SPEC_2019, TODAY, book, row, spec_of
from tests.conftest import examples
from xl_statsbidrag.app.report import build_report
from xl_statsbidrag.check.context import Context
from xl_statsbidrag.check.grantledger import check_grant_ledger
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.grantledger import GrantYear
from xl_statsbidrag.xlsx.file_source import read_book


def test_check_grant_ledger_reports_each_rule_at_its_cell(tmp_path):
    spec = spec_of(SPEC_2019, paid_out=41197280, paid_out_date=dt.date(2019, 3, 29))
    spec["grant_ledger"] = [dict(year=2019, pot="Stimulansmedel", opening=0, received=36103335, costs=30000000,
                                 repaid=0, carried=0),
                            dict(year=2019, pot="Specialistsjuksköterskor", opening=0, received=5093945,
                                 costs=4000000, repaid=0, carried=100),
                            dict(year=2020, pot="Specialistsjuksköterskor", opening=1093944, received=0, costs=0,
                                 repaid=0, carried=0),
                            dict(year=2019, pot="Okänd", opening=0, received=0, costs=0, repaid=0, carried=0)]
    path = tmp_path / "b.xlsx"
    examples.build(path, spec)
    b = read_book(path)
    assert len(b.grant_ledger) == 4 and b.grant_ledger[1].carried == 100
    found = {f.code: f for f in check_grant_ledger(b, Context(TODAY))}
    assert {"reskontra-rullar-inte", "reskontra-ej-aterbetalt", "pott-okand", "reskontra-overfort-ej-tillatet"} <= set(found)
    assert found["reskontra-rullar-inte"].location.sheet == "Bidragsreskontra"
    assert found["reskontra-rullar-inte"].location.cell.startswith("C")  # Ingående saldo
    assert found["reskontra-rullar-inte"].severity == "error"


def test_a_report_period_of_several_years_split_per_year_and_its_deadline(tmp_path):
    rows = [row(2019, "Stimulansmedel", 0, 1000, 600, 0, 400), row(2020, "Stimulansmedel", 400, 0, 350)]
    b = book({"amount": 1000, "actual": 950}, rows=rows, period_start=dt.date(2019, 1, 1),
             period_end=dt.date(2020, 12, 31), per_year="Ja", carry_over="ja", report_deadline=dt.date(2020, 3, 31))
    layout, _ = build_report(b, today=TODAY)
    table = [r for r in layout.rows if r.cells and r.cells[0].value in ("2019", "2020")]
    assert [[c.value for c in r.cells][1:6] for r in table] == [[0, 1000, 600, 0, 400], [400, 0, 350, 0, 50]]
    assert "period-efter-redovisning" in [f.code for f in validate(b, TODAY)]
    b.grant_ledger = rows[:1]
    assert "reskontra-ar-saknas" in [f.code for f in check_grant_ledger(b, Context(TODAY))]
    b.grant_ledger = []  # no table at all: Bilaga 2 has no table per year, so it is said too (issue 27 review)
    [missing] = [f for f in check_grant_ledger(b, Context(TODAY)) if f.code == "reskontra-ar-saknas"]
    assert "2019, 2020" in missing.message


def test_check_grant_ledger():
    assert run(check_grant_ledger, check_book()) == []  # no grant ledger: nothing to check
    b = check_book(paid_out=CD(1500), carry_over="ja")
    b.grant_ledger = [GrantYear(2019, "Stimulansmedel", CD(0), CD(1000), CD(900), CD(0), CD(100), CD(100)),
                      GrantYear(2019, "SSK", CD(0), CD(500), CD(500), CD(0), CD(0), CD(0))]
    assert run(check_grant_ledger, b) == []
    b.grant_ledger[0] = GrantYear(2019, "Stimulansmedel", CD(0), CD(1000), CD(900), CD(0), CD(99), CD(99))
    found = run(check_grant_ledger, b)
    assert [f.code for f in found][:1] == ["reskontra-summerar-inte"] and found[0].severity == "error"
    b.grant_ledger[0] = GrantYear(2019, "Stimulansmedel", CD(0), CD(1000), CD(900), CD(0), CD(100), CD(100))
    b.agreement.paid_out = CD(1400)  # the ledger says 1 500 was received in 2019
    found = [f for f in run(check_grant_ledger, b) if f.code == "reskontra-avviker"]
    assert len(found) == 1 and found[0].amount == 100
    # the costs of a one-year report name the year, not "2019–2019" (issue 27 review)
    b = book({"amount": 1000, "actual": 900}, rows=[row(2019, "Stimulansmedel", 0, 1000, 800)])
    [costs] = [f for f in check_grant_ledger(b, Context(TODAY)) if f.code == "reskontra-avviker"]
    assert " 2019 (800 kr)" in costs.message and "2019–2019" not in costs.message


def test_money_carried_inside_a_period_of_several_years_needs_no_leave():
    """2019's money carried into 2020 of a 2019–2020 period is the period's own (bokslut --year 2019 writes it
    so); only what is carried past 2020 needs Ej förbrukade medel får användas nästa år: Ja."""
    rows = [row(2019, "Stimulansmedel", 0, 1000, 600, 0, 400), row(2020, "Stimulansmedel", 400, 0, 350, 0, 50)]
    b = book({"amount": 1000, "actual": 950}, rows=rows, period_start=dt.date(2019, 1, 1),
             period_end=dt.date(2020, 12, 31))
    found = [f for f in check_grant_ledger(b, Context(TODAY)) if f.code == "reskontra-overfort-ej-tillatet"]
    assert len(found) == 1 and "förs över från 2020" in found[0].message
