"""The grant ledger across years (issue 27): Bidragsreskontra read and checked, a repayment netted in the next
report, money carried over, a report period of several years per year, the closing entries of `bokslut`
(unused money, accruals cut by the ledger's period, investments), several agreements on one objekt, and the
repayment note Återbetalning.

The three-year example: Professionsmiljarden 2018 (the 2018 book), the 2019 agreement (the 2019 book, its
money allowed into 2020) and the 2019 agreement's second year, 2020 (made here), each through rekvisition,
utfall, report and bokslut; the balances roll forward to the krona."""
import datetime as dt
import csv

import pytest

from tests.conftest import WORKBOOKS, examples
from tests.support.grantledger import D, SPEC_2018, SPEC_2019, TODAY, amounts, grant_rows, ledger_csv, spec_of
from xl_statsbidrag.app.bokslut import bokslut_files
from xl_statsbidrag.app.report import make_report, report_file
from xl_statsbidrag.app.requisition import requisition_file
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.core.grantledger import GrantYear
from xl_statsbidrag.xlsx.file_source import read_book


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


def test_an_output_that_is_another_input_or_shared_by_two_workbooks_is_refused_before_anything_is_written(tmp_path):
    """bokslut A.xlsx A_bokslut.xlsx LEDGER would overwrite the input A_bokslut.xlsx with A's output; the same
    workbook twice, or A.xlsx and A.xlsm, would write one CSV twice (the second silently replacing the first)."""
    a = tmp_path / "a.xlsx"
    examples.build(a, spec_of(SPEC_2019))
    ledger = ledger_csv(tmp_path / "hb.csv", [("2019-06-01", "201906", "7010", "P1902", "9917", "Sal", 8000)])
    [(first, first_csv, _)] = bokslut_files([a, ledger])
    before = {p: p.read_bytes() for p in (first, first_csv)}
    with pytest.raises(UserError, match="overwrite an input"):
        bokslut_files([a, first, ledger])
    assert {p: p.read_bytes() for p in (first, first_csv)} == before
    assert not (tmp_path / "a_bokslut_bokslut.xlsx").exists()
    examples.build(tmp_path / "a.xlsm", spec_of(SPEC_2019))
    for books in ([a, tmp_path / "a.xlsm"], [a, a]):
        first.unlink(), first_csv.unlink()
        with pytest.raises(UserError, match="would both write"):
            bokslut_files([*books, ledger])
        assert sorted(p.name for p in tmp_path.glob("[!.]*")) == ["a.xlsm", "a.xlsx", "hb.csv"]
        first.write_bytes(before[first]), first_csv.write_bytes(before[first_csv])


def test_a_pot_twice_in_the_closed_year_is_refused_not_collapsed_into_one_row(tmp_path):
    """Money received in two parts typed on two rows: bokslut rewrote the year's rows one per pot and kept the
    last (Erhållet 16 103 335 of 36 103 335, a negative Utgående saldo) while its entries used both; now it
    refuses with the cells and writes nothing (issue 27 review)."""
    spec = spec_of(SPEC_2019)
    spec["grant_ledger"] = [dict(year=2019, pot="Stimulansmedel", opening=0, received=20000000, costs=0, repaid=0),
                            dict(year=2019, pot=" stimulansmedel", opening=0, received=16103335, costs=0, repaid=0),
                            dict(year=2019, pot="Specialistsjuksköterskor", opening=0, received=5093945, costs=0,
                                 repaid=0)]
    b = tmp_path / "b.xlsx"
    examples.build(b, spec)
    ledger = ledger_csv(tmp_path / "hb.csv", [("2019-06-01", "201906", "7010", "P1902", "9917", "Sal", 8000)])
    with pytest.raises(UserError, match="twice for 2019") as refused:
        bokslut_files([b, ledger])
    assert "Bidragsreskontra!A4 and Bidragsreskontra!A5" in str(refused.value)
    assert sorted(p.name for p in tmp_path.glob("[!.]*")) == ["b.xlsx", "hb.csv"]


def test_a_period_of_two_years_is_closed_year_by_year(tmp_path):
    """The 2019 agreement's money for 2019–2020, paid out in 2019: `bokslut --year 2019` closes 2019 alone (what
    is left is prepaid income for 2020, 2970, not a debt; no accruals: a January invoice may be 2020's), and the
    default close of 2020 takes 2019's carried money from Bidragsreskontra, counts 2020's costs only and rolls
    forward to the krona; a year outside the period is refused."""
    spec = spec_of(SPEC_2019, paid_out=41197280, paid_out_date=dt.date(2019, 3, 29), period_end=dt.date(2020, 12, 31),
                   report_deadline=dt.date(2021, 3, 31), repayment_deadline=dt.date(2021, 3, 31),
                   unmatched_decision="Räknas inte", unmatched_reason="Felkonterade")
    book = tmp_path / "ivm.xlsx"
    examples.build(book, spec)
    ledger_2019 = WORKBOOKS / "huvudbok_2019.csv"
    [(out, csv_path, c)] = bokslut_files([book, ledger_2019], tmp_path / "ivm_2019.xlsx", year=2019)
    assert c.year == 2019 and all(e.date <= dt.date(2019, 12, 31) for e in c.entries)
    entries = list(csv.reader(open(csv_path, encoding="utf-8-sig"), delimiter=";"))
    unused = [e for e in entries[1:] if "Ej förbrukat" in e[8]]
    assert {e[1] for e in unused if e[7]} == {"2970"} and not c.accruals  # prepaid income; no accruals
    assert not any("Periodisering" in e[8] for e in entries[1:])
    assert any("Periodiseringar föreslås inte för 2019" in n for n in c.notes)
    rows = {r.pot: r for r in read_book(out).grant_ledger}
    assert {r.year for r in rows.values()} == {2019}
    assert rows["Stimulansmedel"].carried == rows["Stimulansmedel"].closing == D("1380595.73")
    assert rows["Specialistsjuksköterskor"].carried == D("662214.55")

    # 2020, the period's last year: the workbook keeps Bidragsreskontra's 2019 rows; the 2020 ledger alone
    spec["grant_ledger"] = grant_rows(read_book(out).grant_ledger)
    book_2020 = tmp_path / "ivm_2020_in.xlsx"
    examples.build(book_2020, spec)
    acts = {a.pot: a for a in read_book(book_2020).activities if a.code}
    stim, ssk = acts["Stimulansmedel"], acts["Specialistsjuksköterskor"]
    ledger_2020 = ledger_csv(tmp_path / "hb2020.csv", [
        ("2020-05-04", "202005", "5010", stim.code, stim.objekt, "Byggnation", 500000),
        ("2020-06-01", "202006", "7010", ssk.code, ssk.objekt, "Utbildning", 100000)])
    [(out, csv_path, c)] = bokslut_files([book_2020, ledger_2020], tmp_path / "ivm_2020.xlsx")
    assert c.year == 2020
    by_year = {(r.year, r.pot): r for r in read_book(out).grant_ledger}
    for pot, costs in (("Stimulansmedel", 500000), ("Specialistsjuksköterskor", 100000)):
        r19, r20 = by_year[(2019, pot)], by_year[(2020, pot)]
        assert (r20.opening, r20.received, r20.costs) == (r19.closing, 0, costs)
        assert r20.closing == r20.opening - r20.costs and r20.carried == 0  # the agreement ends: owed
    owed = sum(r.closing for (y, _), r in by_year.items() if y == 2020)
    assert owed == D("1380595.73") + D("662214.55") - 600000
    entries = list(csv.reader(open(csv_path, encoding="utf-8-sig"), delimiter=";"))
    credit = sum(D(e[7].replace(",", ".")) for e in entries[1:] if e[1] == "2890" and e[7])
    assert credit == owed

    with pytest.raises(UserError, match="--year 2021 is not a year of the report period"):
        bokslut_files([book, ledger_2019], tmp_path / "x.xlsx", year=2021)
    assert not (tmp_path / "x.xlsx").exists()
