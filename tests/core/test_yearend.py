"""Year-ends as a controller meets them (issue 21): every krona on the objekt accounted for, the figures per part
by one rule, the judgement Kontroll suggests, and nothing internal on the form.

The workbooks are built the way a region keeps them (``workbooks/build.py`` with the region's own decisions
filled in), the 2019 ledger comes through ``utfall`` as in the year-end routine, and the printed pages come
from LibreOffice."""
import copy
import datetime as dt
from decimal import Decimal
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, examples, small_book

from xl_statsbidrag.app.report import build_report, make_report
from xl_statsbidrag.app.requisition import requisition_file
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Pot
from xl_statsbidrag.core.yearend import year_end
from xl_statsbidrag.ledger.match import compute
from xl_statsbidrag.ledger.read import read_ledger
from xl_statsbidrag.xlsx.file_source import read_book
from tests.support.grantledger import TODAY as LEDGER_DAY, book as ledger_book, row as ledger_row
from xl_statsbidrag.app.report import build_report as _build_report


TODAY = dt.date(2026, 11, 22)


D = Decimal


LEDGER = WORKBOOKS / "huvudbok_2019.csv"


SPEC_2019 = examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]


SPEC_2018 = examples.WORKBOOKS["professionsmiljarden_2018.xlsx"]


EARMARKED = "Vidareutbildning Specialistsjuksköterskor"


SAL = "Sal nr 2 på Campus"


FINANCE = dict(finance_head="Eva Ekonom", finance_head_title="Ekonomidirektör", finance_head_phone="063-14 75 01",
               finance_head_email="eva.ekonom@regionjh.se", signatory="Regiondirektören",
               rk_dnr_agreement="S2019/01234/FS", rk_dnr_payment="S2019/05678/FS", giro="5050-1055")


def region_book(path, spec, utfall=None, comments=None, internal=None, **agreement):
    """A copy of an example as a region keeps it: its agreement sheet filled in (``agreement``), utfall per
    activity name (or all at budget with ``utfall="budget"``), comments and internal comments by name."""
    spec = copy.deepcopy(spec)
    spec["agreement"].update(agreement)
    budget = {a[0]: a[4] for a in spec["activities"]}
    values = budget if utfall == "budget" else dict(budget, **utfall) if isinstance(utfall, dict) else {}
    comments, internal = comments or {}, internal or {}
    spec["activities"] = [a[:8] + (comments.get(a[0], a[8]),) for a in spec["activities"]]
    columns = examples.COLUMNS

    def extra(wb, sheets):
        ws = sheets["activities"]
        for i, a in enumerate(spec["activities"]):
            if a[0] in values:
                ws.write_number(4 + i, columns.index("actual"), values[a[0]])
            if a[0] in internal:
                ws.write_string(4 + i, columns.index("internal_comment"), internal[a[0]])
    examples.build(path, spec, extra)
    return path


def after_utfall(tmp_path, **agreement):
    """The 2019 year-end: the region's book through ``utfall`` with the example ledger."""
    source = region_book(tmp_path / "underlag.xlsx", SPEC_2019, **agreement)
    out = tmp_path / "underlag_utfall.xlsx"
    utfall_file(source, [LEDGER], out, today=TODAY)
    return out


def overspend(tmp_path, **agreement):
    """Item 3's case: utfall = budget, except the earmarked activity 4 431 730,45 and Sal nr 2 12 000 000."""
    return region_book(tmp_path / "overspend.xlsx", SPEC_2019, {EARMARKED: 4431730.45, SAL: 12000000},
                       comments={SAL: "Ombyggnaden blev dyrare; merkostnaden bärs av regionen."}, **agreement)


def texts(layout):
    return [c.value for _, c in layout.cells() if isinstance(c.value, str)]


def row_of(layout, label):
    for row in layout.rows:
        if row.cells and isinstance(row.cells[0].value, str) and row.cells[0].value.startswith(label):
            return {c.column: c.value for c in row.cells}
    raise KeyError(label)


def part_rows(layout):
    """The table per part: {label: (Bidrag, Kostnader, Ej förbrukat, Återbetalas, Egen finansiering)}."""
    rows = iter(layout.rows)
    for row in rows:
        if row.cells and row.cells[0].value == "Bidrag och kostnader per del":
            break
    else:
        raise KeyError("no table per part")
    out = {}
    for row in rows:
        cells = {c.column: c.value for c in row.cells}
        if not isinstance(cells.get(2), Decimal):
            break
        out[cells[1]] = tuple(cells[c] for c in range(2, 7))
        if cells[1] == "Summa":
            break
    return out


# --- 1. every krona on the objekt ------------------------------------------------------------------------

def test_the_2019_ledger_is_reconciled_on_kontroll_and_unmatched_costs_wait_for_a_decision(tmp_path):
    book = read_book(after_utfall(tmp_path, **FINANCE))
    rec = {o.objekt: o for o in book.ledger}
    assert set(rec) == {"9902", "9917"}
    assert (rec["9902"].unmatched, rec["9917"].unmatched) == (D("42000"), D("13245.40"))
    for o in rec.values():  # ledger total = matched + objekt level + unmatched + income + other + outside
        assert o.total == o.matched + o.objekt_level + o.unmatched + o.income + o.other + o.outside
    report = make_report(book, TODAY)
    s = report.summary
    assert s.alternative == 2
    assert any("55 245,40" in r and "hör inte till någon aktivitet" in r for r in s.suggestion.reasons)
    check = texts(report.check)
    assert any(t.startswith("Förslag") and "Alt 2" in t for t in check)
    for label in ("Kopplat till aktiviteter", "Objektnivå (kod saknas)", "Ej kopplat", "Intäkter (klass 3)",
                  "Övriga konton", "Utanför perioden", "Summa i huvudboken"):
        assert label in check
    unmatched = row_of(report.check, "Ej kopplat")
    assert [unmatched[c] for c in (4, 5, 6)] == [D("42000"), D("13245.40"), D("55245.40")]
    assert not any("ej hänförda till aktivitet" in t for t in texts(report.form))  # nothing decided, nothing on it


def test_unmatched_costs_counted_by_decision_appear_on_the_form(tmp_path):
    book = read_book(after_utfall(tmp_path, unmatched_decision="Räknas med", **FINANCE))
    layout, s = build_report(book, today=TODAY)
    rows = [r for r in layout.rows if r.cells and r.cells[0].value ==
            "Övriga kostnader på objektet, ej hänförda till aktivitet"]
    assert [({c.column: c.value for c in r.cells}[3], {c.column: c.value for c in r.cells}[5]) for r in rows] == \
        [("9902", D("42000")), ("9917", D("13245.40"))]
    utfall = sum((a.actual for a in book.activities), D(0))
    assert s.costs == utfall + D("55245.40") and row_of(layout, "Summa kostnader")[5] == s.costs
    parts = part_rows(layout)
    assert parts["Stimulansmedel"][1] == s.costs - parts["Specialistsjuksköterskor (öronmärkt)"][1]
    assert [f.code for f in validate(book, TODAY) if f.code.startswith("ej-hanforda")] == ["ej-hanforda-medraknade"]


def test_unmatched_costs_excluded_with_a_reason_stay_off_the_form_and_the_reason_is_on_kontroll(tmp_path):
    out = after_utfall(tmp_path, unmatched_decision="Räknas inte", unmatched_reason="Felkonterat; rättas i januari",
                       **FINANCE)
    report = make_report(read_book(out), TODAY)
    assert not any("ej hänförda till aktivitet" in t for t in texts(report.form))
    assert any("Felkonterat; rättas i januari" in t for t in texts(report.check))
    assert "ej-hanforda-kostnader" not in [f.code for f in report.findings]


def test_a_region_ledger_of_its_own_is_accounted_for_krona_by_krona(tmp_path):
    """Not the shipped example: a region with one objekt, codes of its own, income booked, and a cost nobody
    coded; utfall then report."""
    rows = [["Lönetillägg", "Ortopedi", 600, "7001", "Stimulansmedel", None, "L1"],
            ["Utbildning SSK", "Kirurgi", 500, "7001", "Specialistsjuksköterskor", None, "U1"]]
    source = small_book(tmp_path / "r.xlsx", rows, headers=["Aktivitet", "Verksamhet", "Belopp", "Objekt", "Pott",
                                                            "Utfall", "Kod"],
                        labels={"Summa bidrag som utbetalats från regeringen/Regeringskansliet": 1500}, objekt=["7001"])
    ledger = tmp_path / "hb.csv"
    ledger.write_text("Datum;Konto;Objekt;Projekt;Belopp\n2019-02-01;3010;7001;;-1500\n2019-03-01;7010;7001;L1;580\n"
                      "2019-04-01;4010;7001;U1;450,50\n2019-05-01;4010;7001;;99,50\n", encoding="utf-8")
    out = tmp_path / "r_utfall.xlsx"
    utfall_file(source, [ledger], out, today=TODAY)
    book = read_book(out)
    [o] = book.ledger
    assert (o.matched, o.unmatched, o.income, o.total) == (D("1030.50"), D("99.50"), D(-1500), D(-370))
    findings = validate(book, TODAY)
    assert "intakt-avviker" not in [f.code for f in findings]  # 1 500 received, 1 500 booked
    assert "ej-hanforda-kostnader" in [f.code for f in findings]


# --- 2. income on the objekt against what was received ------------------------------------------------------

def test_received_differs_from_the_income_on_the_objekt(tmp_path):
    book = read_book(after_utfall(tmp_path, paid_out=41000000, paid_out_date=dt.date(2019, 3, 20),
                                  unmatched_decision="Räknas med", **FINANCE))
    found = [f for f in validate(book, TODAY) if f.code == "intakt-avviker"]
    assert len(found) == 1 and found[0].amount == 197280 and found[0].severity == "warning"
    s = make_report(book, TODAY).summary
    assert s.alternative == 2 and any("Intäkterna på objekten" in r for r in s.suggestion.reasons)


# --- 3, 4, 9. the overspend case: per part, Alt 1 with the deviation explained -----------------------------------

def test_overspend_case_repays_the_earmarked_rest_and_the_region_finances_the_overspend(tmp_path):
    book = read_book(overspend(tmp_path, **FINANCE))
    layout, s = build_report(book, today=TODAY)
    assert s.repay == D("662214.55") and s.own == 3799809
    assert s.unused == 0  # 41 197 280 - 44 334 874,45 < 0: printed as 0, the excess on the own-financing line
    assert row_of(layout, "Medel som inte har förbrukats")[5] == 0
    assert row_of(layout, "Medel som ska återbetalas till Kammarkollegiet")[5] == D("662214.55")
    assert row_of(layout, "Kostnader som regionen finansierar med egna medel")[5] == 3799809
    parts = part_rows(layout)
    assert parts == {
        "Stimulansmedel": (36103335, 39903144, 0, 0, 3799809),
        "Specialistsjuksköterskor (öronmärkt)": (5093945, D("4431730.45"), D("662214.55"), D("662214.55"), 0),
        "Summa": (41197280, D("44334874.45"), D("662214.55"), D("662214.55"), 3799809)}
    # the form explains why the repayment differs from "Medel som inte har förbrukats"
    assert any("Öronmärkta medel får bara användas till sitt ändamål" in t for t in texts(layout))
    assert s.alternative == 1  # correct figures: the deviation is explained on the form


def test_earmarked_unused_while_the_rest_is_overspent_but_the_total_is_under_the_grant(tmp_path):
    book = read_book(region_book(tmp_path / "b.xlsx", SPEC_2019, {EARMARKED: 1000000, SAL: 9000000},
                                 comments={SAL: "Fler platser"}, **FINANCE))
    layout, s = build_report(book, today=TODAY)
    assert s.repay == 5093945 - 1000000 and s.own == 800000 - 191
    assert s.unused == s.repay - s.own  # the total is under the grant
    assert s.alternative == 1


def test_costs_above_the_grant_get_alt_1_and_print_no_negative_unused(tmp_path):
    book = read_book(region_book(tmp_path / "b.xlsx", SPEC_2019, dict({SAL: 20000000}, **{EARMARKED: 5093945}),
                                 comments={SAL: "Ombyggnad"}, **FINANCE))
    layout, s = build_report(book, today=TODAY)
    assert s.unused == 0 and s.repay == 0 and s.own == 41197089 + 11800000 - 41197280
    assert s.alternative == 1


def test_activities_without_a_pot_belong_to_the_part_not_earmarked_and_the_table_is_always_printed():
    pots = [Pot("Stimulansmedel", D(1000)), Pot("SSK", D(500), True, "Specialistutbildning")]
    acts = [Activity(5, "A", "V", D(800), "9917", actual=D(900)), Activity(6, "B", "V", D(500), "9902", pot="SSK",
                                                                           actual=D(500))]
    layout, s = build_report(DecisionBook("t.xlsx", Agreement("Ö", 2019, pots), acts), today=TODAY)
    assert part_rows(layout)["Stimulansmedel"] == (1000, 900, 100, 100, 0)
    single = DecisionBook("t.xlsx", Agreement("Ö", 2019, [Pot("Bidrag", D(1000))]),
                          [Activity(5, "A", "V", D(1000), "9917", actual=D(1100))])
    layout, s = build_report(single, today=TODAY)  # one pot: still the table, one part and its total
    assert part_rows(layout) == {"Bidrag": (1000, 1100, 0, 0, 100), "Summa": (1000, 1100, 0, 0, 100)}


# --- 5. one rule: the form, Kontroll and validation ----------------------------------------------------------------

def test_2018_one_rule_on_the_form_kontroll_and_validation():
    book = read_book(EXAMPLE_2018)
    report = make_report(book, TODAY)
    s = report.summary
    assert (s.received, s.costs, s.unused, s.repay, s.own) == (12208598, 9980000, 2228598, 3851293, 1622695)
    assert part_rows(report.form)["Specialistsjuksköterskor (öronmärkt)"][3] == 3851293
    reserved = next(f for f in report.findings if f.code == "oronmarkt-kvar")
    assert reserved.amount == 3851293  # the same figure on Kontroll as the form repays
    assert not any(f.amount == 2228598 for f in report.findings if f.code == "oronmarkt-kvar")


# --- 7. credit notes -----------------------------------------------------------------------------------------------

def test_utfall_below_zero_never_repays_more_than_a_pot_or_the_grant():
    pots = [Pot("Stimulansmedel", D(1000)), Pot("SSK", D(500), True, "Specialistutbildning")]
    acts = [Activity(5, "A", "V", D(1000), "9917", actual=D(-300)),
            Activity(6, "B", "V", D(500), "9902", pot="SSK", actual=D(-50))]
    book = DecisionBook("t.xlsx", Agreement("Ö", 2019, pots), acts)
    ye = year_end(book)
    assert ye.repay == 1500 and all(p.repay <= p.grant for p in ye.parts)
    findings = validate(book, TODAY)
    assert [f.code for f in findings if f.code == "utfall-negativt"] == ["utfall-negativt", "utfall-negativt"]
    assert make_report(book, TODAY).summary.alternative is None  # to be explained before Alt 1


# --- 8. partial requisition ----------------------------------------------------------------------------------------

def test_a_partial_payment_reduces_the_part_not_earmarked_by_default_and_the_form_says_so(tmp_path):
    book = read_book(region_book(tmp_path / "p.xlsx", SPEC_2019, "budget", paid_out=40000000,
                                 paid_out_date=dt.date(2019, 12, 10), **FINANCE))
    layout, s = build_report(book, today=TODAY)
    parts = part_rows(layout)
    assert parts["Stimulansmedel"][0] == 36103335 - 1197280
    assert parts["Specialistsjuksköterskor (öronmärkt)"][0] == 5093945
    assert any("1\u00a0197\u00a0280\u00a0kr lägre" in t and "stimulansmedel" in t for t in texts(layout))
    assert s.received == 40000000 and s.own == 41197089 - 5093945 - (36103335 - 1197280)


def test_a_partial_payment_of_the_earmarked_pot_when_the_region_says_so(tmp_path):
    book = read_book(region_book(tmp_path / "p.xlsx", SPEC_2019, "budget", paid_out=40000000,
                                 paid_out_date=dt.date(2019, 12, 10), requisition_reduces="Specialistsjuksköterskor",
                                 **FINANCE))
    layout, s = build_report(book, today=TODAY)
    parts = part_rows(layout)
    assert parts["Specialistsjuksköterskor (öronmärkt)"][0] == 5093945 - 1197280
    assert parts["Stimulansmedel"][0] == 36103335
    assert s.alternative == 1


def test_2018_with_utfall_and_a_partial_requisition_gets_alt_1(tmp_path):
    utfall = {a[0]: a[4] - 10000 for a in SPEC_2018["activities"]}
    book = read_book(region_book(tmp_path / "b.xlsx", SPEC_2018, utfall, paid_out=12000000,
                                 paid_out_date=dt.date(2018, 11, 20), **FINANCE))
    report = make_report(book, TODAY)
    s = report.summary
    assert s.alternative == 1, s.suggestion.reasons
    parts = part_rows(report.form)
    assert parts["Stimulansmedel"][0] == 8357305 - 208598 and parts["Stimulansmedel"][4] == s.own


# --- 10. a deviation needs a comment, the threshold is the workbook's ---------------------------------------------------

def test_over_budget_needs_a_comment_and_the_threshold_is_read_from_the_workbook(tmp_path):
    book = read_book(region_book(tmp_path / "a.xlsx", SPEC_2019, dict({SAL: 8300000}), **FINANCE))
    s = make_report(book, TODAY).summary
    assert s.alternative is None and any(SAL in r for r in s.suggestion.reasons)
    book = read_book(region_book(tmp_path / "b.xlsx", SPEC_2019, dict({SAL: 8300000}), deviation_threshold=150000,
                                 **FINANCE))
    assert book.agreement.deviation_threshold == 150000
    assert make_report(book, TODAY).summary.alternative == 1
    book = read_book(region_book(tmp_path / "c.xlsx", SPEC_2019, dict({SAL: 8300000}),
                                 internal={SAL: "Beslut RS/77/2019 om utökad ram"}, **FINANCE))
    assert make_report(book, TODAY).summary.alternative == 1
    check = texts(make_report(book, TODAY).check)
    assert sum(t.startswith("Förslag") for t in check) == 1


# --- 11, 12, 13. the form is the official one ------------------------------------------------------------------

def test_internal_comments_and_fallback_notes_never_reach_the_form(tmp_path):
    book = read_book(EXAMPLE_2019)
    ktc = next(a for a in book.activities if a.name.startswith("Kliniskt träningscentrum (KTC) Drift"))
    assert ktc.internal_comment == "Verksamhet ej angiven i underlaget" and not ktc.comment
    report = make_report(book, TODAY)
    form = " ".join(texts(report.form))
    assert "Verksamhet ej angiven" not in form and "Utbetalt belopp är inte ifyllt" not in form
    assert "Totalt 4,5 mkr 2019" in form  # a comment for the reader is printed
    assert "utbetalt-saknas" in [f.code for f in report.findings]  # what the form does not say is on Kontroll
    book18 = read_book(EXAMPLE_2018)
    assert not any("250+500" in t for t in texts(make_report(book18, TODAY).form))


def test_the_page_header_carries_both_government_dnr_and_the_regions(tmp_path):
    book = read_book(region_book(tmp_path / "h.xlsx", SPEC_2019, **FINANCE))
    layout, _ = build_report(book, today=TODAY)
    right = layout.header.split("&R", 1)[1]
    assert "S2019/01234/FS, S2019/05678/FS" in right and "Regionens dnr RS/495/2019" in right


def test_avvikelse_has_one_sign_everywhere(tmp_path):
    out = after_utfall(tmp_path, **FINANCE)
    book = read_book(out)
    layout, _ = build_report(book, today=TODAY)
    assert "Avvikelse (utfall − budget)" in texts(layout)
    sal = row_of(layout, SAL)
    assert sal[6] == sal[5] - sal[4] > 0  # over budget: positive
    result = compute(read_book(EXAMPLE_2019), read_ledger(LEDGER), "4-7")
    frame = result.activities_frame()
    row = frame[frame["aktivitet"] == SAL].iloc[0]
    assert row["avvikelse"] == row["utfall"] - row["budget"] > 0
    sheet = openpyxl.load_workbook(out)["Utfall"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Aktivitet" and r[1] == "Objekt")
    assert "Avvikelse (utfall − budget)" in header


# --- 14. the Utfall sheet is the auditors' trail -----------------------------------------------------------------

def _values(path, sheet):
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


@pytest.mark.system
def test_the_utfall_sheet_ties_to_bilaga_2_recalculated_and_prints_with_its_header(tmp_path, libreoffice):
    out = after_utfall(tmp_path, **FINANCE)
    book = read_book(out)
    with zipfile.ZipFile(out) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert re.search(r'<definedName name="_xlnm.Print_Titles" localSheetId="\d+">\'Utfall\'!\$\d+:\$\d+<', workbook)
    recalculated = _values(libreoffice.convert(out, tmp_path / "lo"), "Utfall")
    start = next(i for i, r in enumerate(recalculated) if r[:2] == ["Aktivitet", "Objekt"])
    sums = {}
    for r in recalculated[start + 1:]:
        if r[0] is None or str(r[0]).startswith("Summa"):
            break
        sums[(r[0], r[1])] = r[5]
    for a in book.activities:  # each activity's sum, recalculated from the transactions, is its Utfall
        assert Decimal(str(sums[(a.name, a.objekt)])).quantize(D("0.01")) == a.actual
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pdf = libreoffice.convert(out, tmp_path / "pdf", "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    utfall = [p for p in pages if "Utfall från huvudboken –" in p]
    assert len(utfall) >= 2 and not any("###" in p for p in utfall)
    first = next(i for i, p in enumerate(utfall) if "Transaktioner på överenskommelsens objekt" in p)
    listing = utfall[first:]
    assert len(listing) >= 2 and all("Verifikation" in p and "Belopp" in p for p in listing)  # header each page
    assert all(re.search(r"Sida \d+ av \d+", p) and "RS/495/2019" in p for p in utfall)


# --- 15. the requisition ------------------------------------------------------------------------------------

def test_requisition_needs_a_valid_giro_and_the_head_of_finance_fields_are_required(tmp_path):
    _, _, findings = requisition_file(EXAMPLE_2019, tmp_path / "r.xlsx", TODAY)
    assert ("giro-saknas", "error") in {(f.code, f.severity) for f in findings}
    source = region_book(tmp_path / "g.xlsx", SPEC_2019, **dict(FINANCE, giro="5050-1056"))
    _, _, findings = requisition_file(source, tmp_path / "r2.xlsx", TODAY)
    assert ("giro-ogiltigt", "error") in {(f.code, f.severity) for f in findings}
    missing = [f.message for f in validate(read_book(EXAMPLE_2019), TODAY) if f.code == "uppgift-saknas"]
    assert any(m.startswith("Ekonomichefens telefon") for m in missing)
    assert any(m.startswith("Ekonomichefens e-postadress") for m in missing)
    over = [f for f in validate(read_book(EXAMPLE_2019), TODAY) if f.code == "beslut-overskrids"]
    assert len(over) == 1 and over[0].amount == 89  # 41 197 089 decided against the region's 41 197 000


@pytest.mark.system
def test_a_pot_amount_written_as_text_reaches_the_requisition_as_a_number(tmp_path, libreoffice):
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        pots=[("Stimulansmedel", "1 000 kr", "Nej", ""), ("SSK", 500, "Ja", "SSK")],
                        labels={"Bankgiro/Plusgiro": "5050-1055"})
    out, ag, _ = requisition_file(source, tmp_path / "r.xlsx", TODAY)
    recalculated = _values(libreoffice.convert(out, tmp_path / "lo"), "Rekvisition")
    amount = next(r[1] for r in recalculated if r[0] == "Belopp som rekvireras")
    assert amount == 1500 and ag.requested == 1500


@pytest.mark.system
@pytest.mark.parametrize("case", ["overspend", "partial", "earmarked_partial", "unmatched_counted", "credit"])
def test_every_formula_of_point_3_recalculates_to_the_value_written(tmp_path, libreoffice, case):
    """The table per part and the lines above it are formulas: LibreOffice recalculates each to the value
    the tool computed, in every class of year-end."""
    if case == "overspend":
        source = overspend(tmp_path, **FINANCE)
    elif case in ("partial", "earmarked_partial"):
        reduces = {"requisition_reduces": "Specialistsjuksköterskor"} if case == "earmarked_partial" else {}
        source = region_book(tmp_path / "p.xlsx", SPEC_2019, {SAL: 9000000.55}, comments={SAL: "x"},
                             paid_out=40000000, paid_out_date=dt.date(2019, 12, 10), **reduces, **FINANCE)
    elif case == "credit":
        source = region_book(tmp_path / "c.xlsx", SPEC_2019, {EARMARKED: -1000, SAL: 100}, **FINANCE)
    else:
        source = after_utfall(tmp_path, unmatched_decision="Räknas med", **FINANCE)
    out = tmp_path / "out.xlsx"
    from xl_statsbidrag.app.report import report_file
    report_file(source, out, TODAY)
    wb = openpyxl.load_workbook(out)
    formulas = {c.coordinate for row in wb["Bilaga 2"].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")}
    wb.close()
    written = {(r, c): v for r, row in enumerate(_values(out, "Bilaga 2")) for c, v in enumerate(row)}
    recalculated = {(r, c): v for r, row in enumerate(_values(libreoffice.convert(out, tmp_path / "lo"), "Bilaga 2"))
                    for c, v in enumerate(row)}
    assert len(formulas) > 20
    for cell in formulas:
        column, row = openpyxl.utils.cell.coordinate_from_string(cell)
        key = (row - 1, openpyxl.utils.cell.column_index_from_string(column) - 1)
        assert Decimal(str(recalculated[key])).quantize(D("0.01")) == Decimal(str(written[key])).quantize(D("0.01")), cell


def test_a_repayment_made_is_netted_and_carried_money_comes_in():
    rows = [ledger_row(2018, "Stimulansmedel", 0, 1000, 900, 0, 0), ledger_row(2018, "SSK", 0, 500, 300, 0, 200),
            ledger_row(2019, "Stimulansmedel", 100, 1000, 0, 100), ledger_row(2019, "SSK", 200, 500, 0, 0)]
    b = ledger_book({"amount": 1000, "actual": 950}, {"amount": 600, "actual": 650, "pot": "SSK"}, rows=rows,
             carry_over="ja")
    ye = year_end(b)
    assert (ye.opening, ye.paid_in, ye.repaid) == (300, 1500, 100)
    assert ye.part("").grant == 1000 and ye.part("SSK").grant == 700
    assert ye.received == 1700 and ye.carried == 50 + 50 and ye.to_repay == 0
    layout, s = _build_report(b, today=LEDGER_DAY)
    labels = [r.cells[0].value for r in layout.rows if r.cells]
    assert "Ej förbrukade medel från tidigare år (ingående saldo)" in labels
    assert "Återbetalt till Kammarkollegiet under perioden" in labels and "Bidrag att redovisa" in labels
    assert "Medel som förs över till nästa år enligt överenskommelsen" in labels and s.repay == 0
