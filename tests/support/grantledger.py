"""Shared by the grant ledger's tests (issue 27): rows of Bidragsreskontra, the examples' specs with the finance
head's details, a ledger export with a period column, and a small book."""
import copy
import csv
import datetime as dt
from decimal import Decimal

from tests.conftest import examples
from xl_statsbidrag.core.grantledger import GrantYear
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Pot

D = Decimal
TODAY = dt.date(2026, 11, 22)
SPEC_2018 = examples.WORKBOOKS["professionsmiljarden_2018.xlsx"]
SPEC_2019 = examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]
FINANCE = dict(finance_head="Eva Ekonom", finance_head_title="Ekonomidirektör", finance_head_phone="063-14 75 01",
               finance_head_email="eva.ekonom@regionjh.se", signatory="Regiondirektören", giro="5050-1055",
               rk_dnr_agreement="S2019/01234/FS", rk_dnr_payment="S2019/05678/FS")
LEDGER_HEADER = ["Datum", "Ver.nr", "Period", "Konto", "Ansvar", "Verksamhet", "Projekt", "Objekt", "Text", "Belopp"]


def row(year, pot, opening=0, received=0, costs=0, repaid=0, carried=0, closing=None):
    closing = opening + received - costs - repaid if closing is None else closing
    return GrantYear(year, pot, *(D(str(x)) for x in (opening, received, costs, repaid, carried, closing)))


def amounts(r):
    return r.opening, r.received, r.costs, r.repaid, r.carried, r.closing


def spec_of(base, **agreement):
    spec = copy.deepcopy(base)
    spec["agreement"].update(FINANCE)
    spec["agreement"].update(agreement)
    return spec


def ledger_csv(path, lines):
    """A ledger export as a region's system writes it: ';', decimal comma, with the period column."""
    with open(path, "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(LEDGER_HEADER)
        for i, (date, period, konto, code, objekt, text, amount) in enumerate(lines, start=1):
            w.writerow([date, 5000 + i, period, konto, "410", "HoS", code, objekt, text, f"{D(str(amount)):.2f}".replace(".", ",")])
    return path


def grant_rows(rows):
    """The rows as build.py's spec for the sheet Bidragsreskontra (a region typing them)."""
    return [dict(year=r.year, pot=r.pot, opening=r.opening, received=r.received, costs=r.costs, repaid=r.repaid,
                 carried=r.carried, received_date=r.received_date, received_ref=r.received_ref,
                 repaid_date=r.repaid_date, repaid_ref=r.repaid_ref) for r in rows]




def book(*activities, rows=(), **agreement):
    pots = [Pot("Stimulansmedel", D(1000)), Pot("SSK", D(500), True, "Specialistutbildning")]
    ag = Agreement("Test", 2019, pots, **agreement)
    acts = [Activity(5 + i, a.get("name", f"A{i}"), "V", D(a.get("amount", 100)), a.get("objekt", "9917"),
                     pot=a.get("pot", ""), actual=None if a.get("actual") is None else D(a["actual"]))
            for i, a in enumerate(activities)]
    return DecisionBook("t.xlsx", ag, acts, grant_ledger=list(rows))
