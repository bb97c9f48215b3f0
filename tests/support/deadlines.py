"""The 2021 agreement's workbook with its reporting duties, for the deadline, calendar and overview tests."""
import datetime as dt

import pytest

from tests.conftest import examples


# A third agreement, made for these tests: the 2021 God och nära vård agreement (seed 003: its amounts
# nationally and the AT planning report due 15 August 2021).  The region's amounts, dates done and its
# internal deadlines are EXAMPLE DATA.  Deadlines fall on långfredagen (2021-04-02), a Sunday (2021-08-15)
# and midsommarafton (2021-06-25).
NAME_2021 = "God och nära vård 2021 – Goda förutsättningar för vårdens medarbetare"


SPEC_2021 = {
    "agreement": {
        "name": NAME_2021, "year": 2021, "region_dnr": "RS/1234/2021", "rk_dnr_agreement": "S2021/01234",
        "rk_dnr_payment": "S2021/05678", "decided_total": 38600000, "paid_out": 38600000,
        "paid_out_date": dt.date(2021, 4, 20), "payer": "Kammarkollegiet",
        "requisition_deadline": dt.date(2021, 4, 2), "requisition_done": dt.date(2021, 3, 25), "requisition_ref": "RS/1234/2021-3",
        "report_deadline": dt.date(2022, 3, 31), "report_internal": dt.date(2022, 3, 11),
        "repayment_deadline": dt.date(2022, 3, 31), "socialstyrelsen_deadline": "Ingen",
        "payment_reference": "RS/1234/2021", "contact_person": "Samordnare för nationella satsningar",
        **examples.REGION,
    },
    "pots": [("Stimulansmedel", 32000000, "Nej", "Stimulansmedel till regionerna"),
             ("Specialistsjuksköterskor", 5300000, "Ja", "Vidareutbildning till specialistsjuksköterska"),
             ("Utvecklings- och karriärmöjligheter", 1300000, "Ja", "Karriärmöjligheter för specialistsjuksköterskor")],
    "objekt": [("9930", "God och nära vård 2021")],
    "activities": [
        ("Kompetensförsörjning nära vård", "HoS", "ny", "", 32000000, "ja", "9930", "Stimulansmedel", ""),
        ("Utbildningsanställningar specialistsjuksköterskor", "HoS", "ny", "", 5300000, "ja", "9930",
         "Specialistsjuksköterskor", ""),
        ("Karriärtjänster", "HR", "ny", "", 1300000, "ja", "9930", "Utvecklings- och karriärmöjligheter", ""),
    ],
    "actuals": {"Kompetensförsörjning nära vård": 33250000,  # over the pot: the region's own money
                "Utbildningsanställningar specialistsjuksköterskor": 4100000,  # 1 200 000 kr to repay
                "Karriärtjänster": 1300000},
    "duties": [{"name": "Planering av antalet AT-tjänster 2022–2024", "recipient": "", "deadline": dt.date(2021, 8, 15),
                "internal": dt.date(2021, 6, 25), "done": None, "reference": ""}],
    "note": "EXEMPELDATA för tester: 2021 års överenskommelse God och nära vård (SKR 22 mars 2021); regionens "
            "belopp, datum och interna tidsgränser är påhittade.",
}


def make_2021(path):
    examples.build(path, SPEC_2021)
    return path


@pytest.fixture(scope="module")
def book_2021(tmp_path_factory):
    return make_2021(tmp_path_factory.mktemp("ok2021") / "god_och_nara_vard_2021.xlsx")
