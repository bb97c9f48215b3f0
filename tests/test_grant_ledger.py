"""The grant ledger across years (issue 27): Bidragsreskontra read and checked, a repayment netted in the next
report, money carried over, a report period of several years per year, the closing entries of `bokslut`
(unused money, accruals cut by the ledger's period, investments), several agreements on one objekt, and the
repayment note Återbetalning.

The three-year example: Professionsmiljarden 2018 (the 2018 book), the 2019 agreement (the 2019 book, its
money allowed into 2020) and the 2019 agreement's second year, 2020 (made here), each through rekvisition,
utfall, report and bokslut; the balances roll forward to the krona."""
import copy
import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from conftest import WORKBOOKS, examples
from xl_statsbidrag.app.bokslut import bokslut_files
from xl_statsbidrag.app.report import build_report, make_report, report_file
from xl_statsbidrag.app.requisition import requisition_file
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.check.context import Context
from xl_statsbidrag.check.grantledger import check_grant_ledger
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.grantledger import GrantYear, problems
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Pot
from xl_statsbidrag.core.yearend import year_end
from xl_statsbidrag.xlsx.file_source import read_book

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


# --- the rules of the ledger -------------------------------------------------------------------------------

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


def book(*activities, rows=(), **agreement):
    pots = [Pot("Stimulansmedel", D(1000)), Pot("SSK", D(500), True, "Specialistutbildning")]
    ag = Agreement("Test", 2019, pots, **agreement)
    acts = [Activity(5 + i, a.get("name", f"A{i}"), "V", D(a.get("amount", 100)), a.get("objekt", "9917"),
                     pot=a.get("pot", ""), actual=None if a.get("actual") is None else D(a["actual"]))
            for i, a in enumerate(activities)]
    return DecisionBook("t.xlsx", ag, acts, grant_ledger=list(rows))


def test_a_repayment_made_is_netted_and_carried_money_comes_in():
    rows = [row(2018, "Stimulansmedel", 0, 1000, 900, 0, 0), row(2018, "SSK", 0, 500, 300, 0, 200),
            row(2019, "Stimulansmedel", 100, 1000, 0, 100), row(2019, "SSK", 200, 500, 0, 0)]
    b = book({"amount": 1000, "actual": 950}, {"amount": 600, "actual": 650, "pot": "SSK"}, rows=rows,
             carry_over="ja")
    ye = year_end(b)
    assert (ye.opening, ye.paid_in, ye.repaid) == (300, 1500, 100)
    assert ye.part("").grant == 1000 and ye.part("SSK").grant == 700
    assert ye.received == 1700 and ye.carried == 50 + 50 and ye.to_repay == 0
    layout, s = build_report(b, today=TODAY)
    labels = [r.cells[0].value for r in layout.rows if r.cells]
    assert "Ej förbrukade medel från tidigare år (ingående saldo)" in labels
    assert "Återbetalt till Kammarkollegiet under perioden" in labels and "Bidrag att redovisa" in labels
    assert "Medel som förs över till nästa år enligt överenskommelsen" in labels and s.repay == 0


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


# --- the three-year example ------------------------------------------------------------------------------

def test_three_years_through_requisition_utfall_report_and_bokslut_roll_forward_to_the_krona(tmp_path):
    # 2018: Professionsmiljarden, money not carried over; a closing voucher of period 13, a late invoice, an
    # investment on the objekt
    codes_2018 = {a[0]: f"P18{i:02d}" for i, a in enumerate(SPEC_2018["activities"], start=1)}
    spec = spec_of(SPEC_2018, paid_out=12208598, paid_out_date=dt.date(2018, 6, 15))
    spec["codes"] = codes_2018
    a2018 = tmp_path / "pm2018.xlsx"
    examples.build(a2018, spec)
    lines = [("2018-06-15", "201806", "3010", "", "9902", "Statsbidrag Professionsmiljarden", -12208598)]
    lines += [("2018-09-01", "201809", "7010", codes_2018[a[0]], "9902", a[0][:30], a[4] - 10000)
              for a in SPEC_2018["activities"]]
    lines += [("2019-01-20", "201813", "4010", "P1801", "9902", "Bokslutsverifikation", 20000),
              ("2019-02-10", "201902", "4010", "P1802", "9902", "Faktura avser 2018", 15000),
              ("2018-11-01", "201811", "1220", "", "9902", "Inventarier", 50000)]
    ledger = ledger_csv(tmp_path / "huvudbok_2018.csv", lines)
    _, _, findings = requisition_file(a2018, tmp_path / "pm2018_rekvisition.xlsx", dt.date(2018, 11, 1))
    assert not [f for f in findings if f.severity == "error"]
    a_u, result = utfall_file(a2018, [ledger], tmp_path / "pm2018_utfall.xlsx")
    assert next(x for a, x in zip(result.book.activities, result.actual) if codes_2018[a.name] == "P1801") == \
        SPEC_2018["activities"][0][4] - 10000 + 20000  # the closing voucher of period 13 is 2018's
    assert "investering-pa-objekt" in [f.code for f in result.findings]
    _, s, _ = report_file(a_u, tmp_path / "pm2018_bilaga2.xlsx", TODAY)
    assert (s.repay, s.own) == (3851293, 9980000 - 100000 + 20000 - 8357305)
    [(out, csv_path, closing)] = bokslut_files([a_u, ledger], tmp_path / "pm2018_bokslut.xlsx")
    rows_2018 = {r.pot: r for r in read_book(out).grant_ledger}
    assert amounts(rows_2018["Specialistsjuksköterskor"]) == (0, 3851293, 0, 0, 0, 3851293)  # owed
    assert amounts(rows_2018["Stimulansmedel"]) == (0, 8357305, 8357305, 0, 0, 0)
    assert rows_2018["Stimulansmedel"].received_date == dt.date(2018, 6, 15)
    entries = list(csv.reader(open(csv_path, encoding="utf-8-sig"), delimiter=";"))
    assert entries[0] == ["datum", "konto", "ansvar", "verksamhet", "aktivitet", "objekt", "debet", "kredit", "text"]
    assert ["2018-12-31", "2890", "", "", "", "9902", "", "3851293,00"] == entries[2][:8]  # the debt to Kammarkollegiet
    assert [e[1] for e in entries[1:] if "Faktura avser 2018" in e[8]] == ["4010", "2990", "2990", "4010"]
    assert len(closing.assets) == 1
    # 2019: the region repays 2018's debt by 31 March and types it into the ledger
    typed = list(read_book(out).grant_ledger) + [
        GrantYear(2019, "Specialistsjuksköterskor", D(3851293), D(0), D(0), D(3851293), D(0), D(0),
                  repaid_date=dt.date(2019, 3, 28), repaid_ref="S2017/07302/FS")]
    spec["grant_ledger"] = grant_rows(typed)
    a2019 = tmp_path / "pm2018_2019.xlsx"
    examples.build(a2019, spec)
    assert [f.code for f in validate(read_book(a2019), TODAY) if f.code.startswith("reskontra")] == []

    # 2019: the 2019 agreement; what is not used may be used in 2020
    spec = spec_of(SPEC_2019, paid_out=41197280, paid_out_date=dt.date(2019, 3, 29), carry_over="Ja",
                   unmatched_decision="Räknas inte", unmatched_reason="Felkonterade; rättas 2020")
    b2019 = tmp_path / "ivm2019.xlsx"
    examples.build(b2019, spec)
    requisition_file(b2019, tmp_path / "ivm2019_rekvisition.xlsx", dt.date(2019, 3, 1))
    b_u, _ = utfall_file(b2019, [WORKBOOKS / "huvudbok_2019.csv"], tmp_path / "ivm2019_utfall.xlsx")
    _, s, findings = report_file(b_u, tmp_path / "ivm2019_bilaga2.xlsx", TODAY)
    assert s.repay == 0 and "overfors" in [f.code for f in findings]
    [(out, csv_path, _)] = bokslut_files([b_u, WORKBOOKS / "huvudbok_2019.csv"], tmp_path / "ivm2019_bokslut.xlsx")
    rows_2019 = {r.pot: r for r in read_book(out).grant_ledger}
    assert rows_2019["Specialistsjuksköterskor"].carried == D("662214.55")
    assert rows_2019["Stimulansmedel"].carried == D("1380595.73")
    entries = list(csv.reader(open(csv_path, encoding="utf-8-sig"), delimiter=";"))
    assert {e[1] for e in entries[1:] if "Ej förbrukat" in e[8]} == {"3010", "2970"}  # prepaid income, not a debt

    # 2020: the 2019 agreement's second year: last year's money carried in, nothing new paid out
    spec2020 = spec_of(SPEC_2019, year=2020, paid_out=0, paid_out_date=None, carry_over="Nej",
                       requisition_deadline=dt.date(2020, 12, 1), report_deadline=dt.date(2021, 3, 31),
                       repayment_deadline=dt.date(2021, 3, 31))
    spec2020["activities"] = [
        ("Vidareutbildning Specialistsjuksköterskor 2020", "HoS", "ÖK 2019", "", 600000, "nej", "9902",
         "Specialistsjuksköterskor", ""),
        ("Kliniskt träningscentrum (KTC) Byggnation 2020", "Fastighet", "ÖK 2019", "", 1300000, "nej", "9917",
         "Stimulansmedel", "")]
    spec2020["codes"] = {"Vidareutbildning Specialistsjuksköterskor 2020": "P2001",
                         "Kliniskt träningscentrum (KTC) Byggnation 2020": "P2002"}
    spec2020["grant_ledger"] = grant_rows(read_book(out).grant_ledger)
    b2020 = tmp_path / "ivm2020.xlsx"
    examples.build(b2020, spec2020)
    ledger_2020 = ledger_csv(tmp_path / "huvudbok_2020.csv", [
        ("2020-05-01", "202005", "7010", "P2001", "9902", "Utbildning", 550000),
        ("2020-09-01", "202009", "5010", "P2002", "9917", "Byggnation", 1300000)])
    b_u, _ = utfall_file(b2020, [ledger_2020], tmp_path / "ivm2020_utfall.xlsx")
    report = make_report(read_book(b_u), TODAY)
    carried_in = D("662214.55") + D("1380595.73")
    assert report.summary.repay == carried_in - 550000 - 1300000
    labels = {r.cells[0].value: r.cells for r in report.form.rows if r.cells}
    assert "Ej förbrukade medel från tidigare år (ingående saldo)" in labels
    [(out, _, _)] = bokslut_files([b_u, ledger_2020], tmp_path / "ivm2020_bokslut.xlsx")
    rows_all = read_book(out).grant_ledger
    for pot in ("Stimulansmedel", "Specialistsjuksköterskor"):  # to the krona, year by year
        r19, r20 = sorted((r for r in rows_all if r.pot == pot), key=lambda r: r.year)
        assert r20.opening == r19.closing
        assert r20.closing == r20.opening + r20.received - r20.costs - r20.repaid
    assert sum(r.closing for r in rows_all if r.year == 2020) == report.summary.repay
    closed = read_book(out)
    assert [f.message for f in validate(closed, dt.date(2021, 2, 1)) if f.code.startswith("reskontra")] == []
    late = [f for f in validate(closed, TODAY) if f.code == "reskontra-ej-aterbetalt"]  # after 2021-03-31
    assert len(late) == 2 and sum(f.amount for f in late) == report.summary.repay


# --- several agreements on one objekt ------------------------------------------------------------------------

def test_two_agreements_on_one_objekt_never_claim_a_transaction_twice_and_unclaimed_get_a_suggestion(tmp_path):
    """9902 carried Professionsmiljarden and the 2019 agreement: given both books and one ledger, a transaction
    both match is listed as claimed twice; one neither matches is listed with a suggestion."""
    spec_a = spec_of(SPEC_2018, period_start=dt.date(2018, 1, 1), period_end=dt.date(2019, 12, 31))
    spec_a["codes"] = {a[0]: f"P18{i:02d}" for i, a in enumerate(SPEC_2018["activities"], start=1)}
    spec_a["codes"][SPEC_2018["activities"][0][0]] = "P1915"  # the same code as a 2019 activity on 9902
    a = tmp_path / "a.xlsx"
    examples.build(a, spec_a)
    b = tmp_path / "b.xlsx"
    examples.build(b, spec_of(SPEC_2019))
    ledger = ledger_csv(tmp_path / "hb.csv", [
        ("2019-04-01", "201904", "7010", "P1915", "9902", "Mobilt närvårdsteam", 100000),
        ("2019-05-01", "201905", "7010", "P1999", "9902", "Okänd kod", 5000),
        ("2019-06-01", "201906", "7010", "P1902", "9917", "Sal", 8000)])
    done = bokslut_files([a, b, ledger])
    by_name = {c.book.agreement.year: c for _, _, c in done}
    assert [x[8] for x in by_name[2018].claims] == [f"också: {SPEC_2019['agreement']['name']}"]
    assert len(by_name[2019].claims) == 1
    unclaimed = by_name[2018].unclaimed + by_name[2019].unclaimed
    assert len(unclaimed) == 1 and unclaimed[0][7] == "Okänd kod" and unclaimed[0][8].startswith("förslag:")


# --- the repayment note -----------------------------------------------------------------------------------------

def test_the_repayment_note_names_the_amount_the_reference_and_the_day(tmp_path):
    spec = spec_of(SPEC_2019, paid_out=41197280, paid_out_date=dt.date(2019, 3, 29))
    path = tmp_path / "b.xlsx"
    examples.build(path, spec)
    out, s, _ = report_file(path, tmp_path / "r.xlsx", TODAY)
    wb = openpyxl.load_workbook(out)
    values = {r[0]: r[1] for r in wb["Återbetalning"].iter_rows(values_only=True) if r[0]}
    assert values["Belopp att betala"] == s.repay == 191
    assert values["Betalningsreferens (Regeringskansliets diarienummer)"] == "S2019/01234/FS, S2019/05678/FS"
    assert values["Betalas senast"] == "2020-03-31" and values["Betalningsmottagare"] == "Kammarkollegiet"
    assert any("Preliminärt" in str(r[0]) for r in wb["Återbetalning"].iter_rows(values_only=True) if r[0])


def test_the_bokslut_button_writes_the_sheets_and_the_csv_the_command_writes(tmp_path):
    """The ribbon's "Bokslut" (the generic callback, no VBA of its own) runs app.bokslut on the open workbook:
    the sheets Bokslut and Bidragsreskontra, and the entries' CSV beside the workbook, as the command."""
    import excel_book
    from xl_statsbidrag import excel

    ledger = WORKBOOKS / "huvudbok_2019.csv"
    utfalld, _ = utfall_file(WORKBOOKS / "beslutsunderlag_2019.xlsx", [ledger], tmp_path / "b.xlsx", today=TODAY)
    [(_, command_csv, command)] = bokslut_files([utfalld, ledger], tmp_path / "command.xlsx")
    book = excel_book.Book(utfalld)
    closing = excel.bokslut(book, [str(ledger)])
    title, text = book.app.alerts[-1]
    assert title == "Bokslut" and "Bladen Bokslut och Bidragsreskontra är skapade för 2019" in text, text
    assert {"Bokslut", "Bidragsreskontra"} <= {s.title for s in book.wb.worksheets}
    assert closing.entries == command.entries and closing.rows == command.rows
    button_csv = tmp_path / "b_bokslut.csv"
    assert button_csv.read_bytes() == command_csv.read_bytes() and str(button_csv) in text
    # again: the CSV is the tool's own unchanged output, so it is replaced; an edited one is refused
    excel.bokslut(book, [str(ledger)])
    assert "Bladen Bokslut" in book.app.alerts[-1][1]
    button_csv.write_text("edited", encoding="utf-8")
    assert excel.bokslut(book, [str(ledger)]) is None
    assert "Bokslutet kunde inte göras" in book.app.alerts[-1][1] and button_csv.read_text() == "edited"
