"""Each check with a case that triggers it and one that does not; the seeds' findings exactly."""
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from conftest import EXAMPLE_2018, EXAMPLE_2019, small_book
from xl_statsbidrag.check import validate as v
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Finding, LedgerObjekt, Objekt, Pot
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2026, 11, 22)
D = Decimal


def book(*activities, pots=None, objekt=("9902", "9917"), **agreement):
    pots = pots or [Pot("Stimulansmedel", D(1000)), Pot("SSK", D(500), True, "Specialistutbildning")]
    fields = dict(recipient="R", org_number="1", contact_person="K", postal_address="P", phone="T", email="E",
                  rk_dnr_agreement="S1", rk_dnr_payment="S2", finance_head="F", finance_head_phone="FT",
                  finance_head_email="FE", signatory="S", giro="5050-1055")
    fields.update(agreement)
    ag = Agreement("Test", 2019, pots, [Objekt(o) for o in objekt], **fields)
    acts = []
    for i, a in enumerate(activities):
        a = dict(a)
        acts.append(Activity(row=5 + i, name=a.pop("name", f"A{i}"), verksamhet=a.pop("verksamhet", "V"),
                             amount=None if a.get("amount", 1) is None else D(a.pop("amount", 100)),
                             objekt=a.pop("objekt", "9917"), sheet="Aktiviteter",
                             columns={"name": "A", "verksamhet": "B", "amount": "C", "objekt": "D", "pot": "E",
                                      "actual": "F"},
                             **{k: (D(x) if k == "actual" and x is not None else x) for k, x in a.items() if k != "amount"}))
    return DecisionBook("t.xlsx", ag, acts, Location("Aktiviteter", "A4:F9"))


def run(check, b):
    return check(b, v.Context(TODAY))


def codes(findings):
    return [f.code for f in findings]


# --- one test per check: a case that triggers it, and one that does not ---------------------------

def test_check_readable():
    b = book({"amount": None})
    assert run(v.check_readable, b) == []
    b.problems.append(Finding("error", "oläsbart-belopp", "x", Location("Aktiviteter", "C5")))
    assert codes(run(v.check_readable, b)) == ["oläsbart-belopp"]


def test_check_names():
    assert run(v.check_names, book({"name": "A"})) == []
    found = run(v.check_names, book({"name": ""}, {"verksamhet": ""}))
    assert codes(found) == ["aktivitet-saknas", "verksamhet-saknas"]
    assert found[1].location == Location("Aktiviteter", "B6")


def test_check_amounts():
    assert run(v.check_amounts, book({"amount": 1})) == []
    found = run(v.check_amounts, book({"amount": None}, {"amount": 0}, {"amount": -5}))
    assert codes(found) == ["belopp-saknas", "belopp-ej-positivt", "belopp-ej-positivt"]
    assert found[0].location == Location("Aktiviteter", "C5") and found[2].amount == -5
    unreadable = book({"amount": None})
    unreadable.problems.append(Finding("error", "oläsbart-belopp", "x", Location("Aktiviteter", "C5")))
    assert run(v.check_amounts, unreadable) == []  # reported once, by check_readable


def test_check_objekt():
    assert run(v.check_objekt, book({"objekt": "9902"})) == []
    found = run(v.check_objekt, book({"objekt": ""}, {"objekt": "1234"}))
    assert codes(found) == ["objekt-saknas", "objekt-ogiltigt"] and "9902, 9917" in found[1].message
    assert run(v.check_objekt, book({"objekt": "1234"}, objekt=())) == []  # no list: anything goes


def test_check_pot_names():
    assert run(v.check_pot_names, book({"pot": "ssk"})) == []
    assert codes(run(v.check_pot_names, book({"pot": "Okänd"}))) == ["pott-okand"]


def test_check_duplicates():
    assert run(v.check_duplicates, book({"name": "A"}, {"name": "A", "verksamhet": "W"})) == []
    assert codes(run(v.check_duplicates, book({"name": "A"}, {"name": " a "}))) == ["dubblett", "dubblett"]


def test_check_allocation():
    assert run(v.check_allocation, book({"amount": 1000, "pot": "Stimulansmedel"}, {"amount": 500, "pot": "SSK"})) == []
    found = run(v.check_allocation, book({"amount": 1100, "pot": "Stimulansmedel"}))
    assert codes(found) == ["pott-overfordelad"] and found[0].amount == 100
    found = run(v.check_allocation, book({"amount": 1600}))
    assert "overfordelat" in codes(found) and found[codes(found).index("overfordelat")].amount == 100
    found = run(v.check_allocation, book({"amount": 809}, {"amount": 500, "pot": "SSK"}))
    assert codes(found) == ["ej-fordelat"] and found[0].amount == 191


def test_check_earmarked():
    assert codes(run(v.check_earmarked, book({"amount": 1000}, {"amount": 500, "pot": "SSK"}))) == []
    found = run(v.check_earmarked, book({"amount": 1000}, {"amount": 200, "pot": "SSK"}))
    assert codes(found) == ["oronmarkt-kvar"] and found[0].amount == 300
    # no pots given: 300 more than the money that is not earmarked; the earmarked 500 may not pay for it
    found = run(v.check_earmarked, book({"amount": 1300}))
    assert codes(found) == ["oronmarkt-anvant", "oronmarkt-kvar"]
    assert [f.amount for f in found] == [300, 500]
    assert "bekostar 300 kr själv" in found[0].message


def test_check_decision_total():
    assert run(v.check_decision_total, book(decided_total=D(1500))) == []
    assert run(v.check_decision_total, book()) == []
    found = run(v.check_decision_total, book(decided_total=D(1220)))
    assert codes(found) == ["beslut-avviker"] and found[0].amount == 280
    # the activities above the region's own decision (2019: 41 197 089 decided against 41 197 000)
    found = run(v.check_decision_total, book({"amount": 1100}, decided_total=D(1000)))
    assert codes(found) == ["beslut-avviker", "beslut-overskrids"] and found[1].amount == 100
    assert found[1].severity == "warning"


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


def test_check_earlier_decisions():
    assert run(v.check_earlier_decisions, book({"earlier_decision": "ny"}, {"earlier_decision": "öronmärkt i ÖK 2019"})) == []
    found = run(v.check_earlier_decisions, book({"amount": 600, "earlier_decision": "personalmiljard 2018"},
                                                {"amount": 300, "earlier_decision": "ny"}))
    assert codes(found) == ["tidigare-beslut"] and found[0].amount == 600
    assert "900 kr återstod för nya beslut, varav 300 kr" in found[0].message
    found = run(v.check_earlier_decisions, book({"amount": 1600, "earlier_decision": "beslut 2017"}))
    assert codes(found) == ["tidigare-beslut-overstiger"]


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


def test_check_dates():
    assert run(v.check_dates, book()) == []
    found = run(v.check_dates, book(period_start=dt.date(2018, 12, 1), report_deadline=dt.date(2020, 3, 31)))
    assert codes(found) == ["tidsgrans-passerad"] and found[0].severity == "info"
    # a period of several years (the 2017 agreement covers 2017-2018) is valid; one beside the year is not
    assert run(v.check_dates, book(period_start=dt.date(2019, 1, 1), period_end=dt.date(2020, 12, 31))) == []
    assert codes(run(v.check_dates, book(period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 12, 31)))) == \
        ["period-utanfor-ar"]
    assert codes(run(v.check_dates, book(period_start=dt.date(2019, 6, 1), period_end=dt.date(2019, 5, 1)))) == \
        ["period-ogiltig"]
    assert run(v.check_dates, book(report_deadline=dt.date(2030, 3, 31))) == []
    # a duty that is done has no deadline left to pass (issue 24)
    assert run(v.check_dates, book(report_deadline=dt.date(2020, 3, 31), report_done=dt.date(2020, 3, 20))) == []


def test_check_socialstyrelsen():
    found = run(v.check_socialstyrelsen, book())
    assert codes(found) == ["socialstyrelsen-saknas"] and found[0].severity == "warning"
    assert run(v.check_socialstyrelsen, book(socialstyrelsen_deadline=dt.date(2020, 3, 31))) == []
    assert run(v.check_socialstyrelsen, book(socialstyrelsen_internal=dt.date(2020, 2, 15))) == []
    assert run(v.check_socialstyrelsen, book(no_deadline=frozenset({"socialstyrelsen_deadline"}))) == []


def test_check_report_fields():
    assert run(v.check_report_fields, book()) == []
    assert codes(run(v.check_report_fields, book(org_number=""))) == ["uppgift-saknas"]
    missing = run(v.check_report_fields, book(finance_head="", signatory=""))  # else the form prints "N.N."
    assert codes(missing) == ["uppgift-saknas", "uppgift-saknas"] and all(f.severity == "warning" for f in missing)
    missing = run(v.check_report_fields, book(finance_head_phone="", finance_head_email=""))  # Bilaga 2 asks
    assert [f.message.split(" saknas")[0] for f in missing] == ["Ekonomichefens telefon inkl. riktnummer",
                                                                "Ekonomichefens e-postadress"]


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


def test_check_next_year():
    assert run(v.check_next_year, book({"next_year": "nej"})) == []
    found = run(v.check_next_year, book({"next_year": "ja"}, {"next_year": "2020 för byggnation 13,5 mkr"}))
    assert codes(found) == ["behov-nasta-ar"] and found[0].amount == 13500000


def test_every_check_is_listed_and_tested():
    missing = [c.__name__ for c in v.CHECKS if f"test_{c.__name__}" not in globals()]
    assert missing == []


# --- the seeds --------------------------------------------------------------------------------------

def test_2019_workbook_gives_the_findings_the_seeds_imply():
    findings = v.validate(read_book(EXAMPLE_2019), TODAY)
    assert not [f for f in findings if f.severity == "error"]
    warnings = {(f.code, f.amount) for f in findings if f.severity == "warning"}
    assert warnings == {("ej-fordelat", 191), ("beslut-avviker", 280), ("beslut-overskrids", 89),
                        ("utfall-saknas", None), ("uppgift-saknas", None), ("utbetalt-saknas", None),
                        ("giro-saknas", None), ("socialstyrelsen-saknas", None)}
    # the Government Offices' dnr, the signatories and the head of finance's phone and e-mail are not in the
    # seeds; nor what was paid out, and when, nor the bankgiro, nor a follow-up date for 2019
    assert sum(f.code == "uppgift-saknas" for f in findings) == 6


def test_2018_workbook_reports_the_earmarked_pot_by_the_one_rule():
    """The ten decisions (9 980 000 kr, no pot) are övriga medel's: 1 622 695 kr more than the 8 357 305 kr of
    stimulansmedel, which the earmarked 3 851 293 kr may not pay for.  So the earmarked pot is reserved whole
    (and repaid if not used), the region bears 1 622 695 kr, and 12 208 598 - 9 980 000 = 2 228 598 kr is
    what the form prints as not used: the same rule as Bilaga 2 and Kontroll."""
    book = read_book(EXAMPLE_2018)
    findings = v.validate(book, TODAY)
    assert not [f for f in findings if f.severity == "error"]
    reserved = next(f for f in findings if f.code == "oronmarkt-kvar")
    assert reserved.amount == 3851293 and "reserverat" in reserved.message
    over = next(f for f in findings if f.code == "oronmarkt-anvant")
    assert over.amount == 1622695  # 9 980 000 decided without a pot, against 8 357 305 stimulansmedel
    from xl_statsbidrag.core.yearend import year_end
    ye = year_end(book)
    assert (ye.received, ye.costs, ye.unused, ye.repay, ye.own) == (12208598, 9980000, 2228598, 3851293, 1622695)


def test_text_amounts_warn_that_excel_does_not_sum_them(tmp_path):
    b = read_book(small_book(tmp_path / "t.xlsx", [["A", "V", "4,5 mkr", "9917", "", None], ["B", "V", 5, "9917", "", None]]))
    [f] = [f for f in v.validate(b, TODAY) if f.code == "belopp-som-text"]
    assert f.severity == "warning" and f.location == Location("Aktiviteter", "C4") and f.amount == 4500000


def test_findings_are_sorted_by_severity():
    order = [f.severity.rank for f in v.validate(book({"amount": 0}, {"amount": 2000}), TODAY)]
    assert order == sorted(order)


@pytest.mark.parametrize("name", ["error", "warning", "info"])
def test_as_dict_has_the_json_keys(name):
    d = Finding(name, "x", "m", Location("S", "A1"), D(5)).as_dict()
    assert d == {"severity": name, "code": "x", "message": "m", "sheet": "S", "cell": "A1", "amount": "5"}


def test_check_requisition():
    assert run(v.check_requisition, book()) == []
    missing = run(v.check_requisition, book(giro=""))
    assert codes(missing) == ["giro-saknas"] and missing[0].severity == "warning"  # validate: a warning
    found = v.requisition_findings(book(giro=""), TODAY)  # the requisition form cannot go without it
    assert codes(found) == ["giro-saknas"] and found[0].severity == "error"
    assert codes(run(v.check_requisition, book(requisition_amount=D(1600)))) == ["rekvisition-overstiger"]
    assert run(v.check_requisition, book(requisition_amount=D(1200), giro="5050-1055")) == []
    found = run(v.check_requisition, book(giro="5050-1056"))  # a wrong check digit
    assert codes(found) == ["giro-ogiltigt"] and "kontrollsiffran" in found[0].message
    near = run(v.check_requisition, book(requisition_deadline=TODAY + dt.timedelta(days=10)))
    assert codes(near) == ["rekvisition-snart"] and near[0].severity == "warning"
    paid = run(v.check_requisition, book(requisition_deadline=TODAY + dt.timedelta(days=10), paid_out=D(1500)))
    assert paid == []  # paid out: the requisition was made


def test_a_cell_the_reader_reported_is_not_reported_again(tmp_path):
    rows = [["A", "V", 100, "#REF!", "", None]]
    path = small_book(tmp_path / "t.xlsx", rows, objekt=["9917"])
    import zipfile

    data = {i.filename: zipfile.ZipFile(path).read(i) for i in zipfile.ZipFile(path).infolist()}
    sheet = data["xl/worksheets/sheet2.xml"].decode()
    import re
    sheet = re.sub(r'<c r="D4"([^>]*?) t="s"><v>\d+</v></c>', r'<c r="D4"\1 t="e"><v>#REF!</v></c>', sheet)
    data["xl/worksheets/sheet2.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, content in data.items():
            z.writestr(name, content)
    findings = [f for f in v.validate(read_book(path), TODAY) if str(f.location) == "Aktiviteter!D4"]
    assert [f.code for f in findings] == ["fel-i-cell"]
