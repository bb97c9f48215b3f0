"""A small DecisionBook made in code and a runner of one check at a time: the helpers of the check family tests
(tests/check/)."""
import datetime as dt
from decimal import Decimal

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Objekt, Pot


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
