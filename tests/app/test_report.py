"""The Bilaga 2 form and the sheet Kontroll: the figures of point 3 (budget, utfall, avvikelse, the
repayment), the attestation left to the head of finance, and the suggestion with its reasons."""
import datetime as dt
from decimal import Decimal

import openpyxl

from tests.conftest import EXAMPLE_2019, examples
from tests.support.report import budget_2019, row_of, texts, with_utfall

from xl_statsbidrag.app.report import report_file, build_report, make_report
from xl_statsbidrag.check.suggestion import suggest
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Pot
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


def test_2019_report_figures_and_sections():
    book = read_book(EXAMPLE_2019)
    layout, s = build_report(book, today=TODAY)
    assert (s.received, s.costs, s.unused, s.repay, s.activities) == (41197280, 41197089, 191, 191, 23)
    all_text = texts(layout)
    for heading in ("1. Kontaktuppgifter", "2. Bidrag som redovisningen avser",
                    "3. Redovisning av verksamhet eller aktivitet",
                    "4. Ekonomichefens (eller motsvarande) granskning av den ekonomiska redovisningen",
                    "5. Underskrift i original av behörig företrädare"):
        assert heading in all_text
    for a in book.activities:
        assert a.name in all_text
    assert row_of(layout, "Summa kostnader")[4].value == 41197089  # budget, in the budget column
    assert row_of(layout, "Medel som inte har förbrukats")[5].value == 191
    assert row_of(layout, "Summa bidrag enligt överenskommelsen")[5].value == 41197280
    assert row_of(layout, "    varav stimulansmedel")[5].value == 36103335  # "varav" then lower case
    repay = row_of(layout, "Medel som ska återbetalas till Kammarkollegiet senast 2020-03-31")
    assert repay[5].value == 191 and repay[5].formula
    assert any("beslutad budget" in t for t in all_text)


def test_utfall_equal_to_the_budget_suggests_alt_1_and_repays_191(tmp_path):
    path = with_utfall(tmp_path / "u.xlsx", budget_2019())
    report = make_report(read_book(path), TODAY)
    s = report.summary
    assert (s.complete, s.alternative, s.costs, s.unused, s.repay) == (True, 1, 41197089, 191, 191)
    form = texts(report.form)
    assert all(t.startswith("\u2610") for t in form if "Alt 1:" in t or "Alt 2:" in t)
    check = texts(report.check)
    assert any("Alt 1" in t for t in check if t.startswith("Förslag"))


def test_a_shift_between_activities_is_no_deviation_once_commented(tmp_path):
    utfall = budget_2019()
    utfall[1] += 100000
    utfall[2] -= 100000
    book = read_book(with_utfall(tmp_path / "u.xlsx", utfall))
    findings = validate(book, TODAY)
    s = suggest(book, findings)  # over budget without a comment: the region's word first, never Alt 2
    assert s.alternative is None and [f.code for f in s.findings] == ["utfall-over-budget"]
    book.activities[1].comment = "Fler utbildningsplatser än planerat; finansieras inom bidraget."
    findings = validate(book, TODAY)
    s = suggest(book, findings)
    assert s.alternative == 1 and not s.findings
    over = [f for f in findings if f.code == "utfall-over-budget"]
    assert [f.severity for f in over] == ["info"]  # noted on Kontroll, no reason for Alt 2
    layout, summary = build_report(book, findings, TODAY)
    assert summary.repay == 191
    assert row_of(layout, "Sal nr 2 på Campus")[6].value == 100000  # avvikelse = utfall - budget
    assert row_of(layout, "Personalförstärkning inom IT")[6].value == -100000


def test_unallocated_budget_and_unused_money_are_no_deviation(tmp_path):
    utfall = [v - 1000 if i == 3 else v for i, v in enumerate(budget_2019())]
    report = make_report(read_book(with_utfall(tmp_path / "u.xlsx", utfall)), TODAY)
    assert report.summary.alternative == 1 and report.summary.repay == 1191


def test_an_error_value_in_utfall_suggests_alt_2_and_names_the_cell(tmp_path):
    utfall = budget_2019()
    utfall[5] = "#N/A"
    out = tmp_path / "out.xlsx"
    target, s, findings = report_file(with_utfall(tmp_path / "u.xlsx", utfall), out, TODAY)
    assert s.alternative == 2
    cell = f"Aktiviteter!{chr(65 + examples.COLUMNS.index('actual'))}10"
    assert any(cell in r and "#N/A" in r for r in s.suggestion.reasons)
    wb = openpyxl.load_workbook(out)
    try:
        check = [c.value for row in wb["Kontroll"].iter_rows() for c in row if isinstance(c.value, str)]
    finally:
        wb.close()
    assert any(t.startswith("Förslag") and "Alt 2" in t for t in check)
    assert any(cell in t for t in check)


def test_partial_utfall_names_the_activities_and_counts_their_budget(tmp_path):
    utfall = budget_2019()[:-1] + [None]
    book = read_book(with_utfall(tmp_path / "u.xlsx", [u for u in utfall if u is not None]))
    layout, s = build_report(book, today=TODAY)
    assert s.outcome and not s.complete and s.alternative == 2
    assert s.costs == 41197089  # the missing activity's budget counts
    assert row_of(layout, book.activities[-1].name)[5].value == "utfall saknas"  # marked in its row
    assert any(book.activities[-1].name in r and "Utfall saknas" in r for r in s.suggestion.reasons)


def test_earmarked_pot_repaid_on_its_own():
    pots = [Pot("Stimulansmedel", Decimal(1000)), Pot("Specialistsjuksköterskor", Decimal(500), True)]
    ag = Agreement("Test", 2019, pots, report_deadline=dt.date(2020, 3, 31))
    acts = [Activity(5, "A", "V", Decimal(1000), "9917", pot="Stimulansmedel", actual=Decimal(1100)),
            Activity(6, "B", "V", Decimal(500), "9902", pot="Specialistsjuksköterskor", actual=Decimal(300))]
    book = DecisionBook("t.xlsx", ag, acts)
    layout, s = build_report(book, today=TODAY)
    assert s.unused == 100 and s.repay == 200 and s.own == 100  # the 200 earmarked left go back; the rest overspent
    assert row_of(layout, "Specialistsjuksköterskor (öronmärkt)")[5].value == 200  # Återbetalas
    assert row_of(layout, "Stimulansmedel")[5].value == 0
    assert row_of(layout, "Stimulansmedel")[6].value == 100  # Egen finansiering


def test_costs_above_the_grant_are_the_regions_own():
    ag = Agreement("Test", 2019, [Pot("Stimulansmedel", Decimal(1000))])
    book = DecisionBook("t.xlsx", ag, [Activity(5, "A", "V", Decimal(1000), "9917", actual=Decimal(1200))])
    layout, s = build_report(book, today=TODAY)
    assert s.repay == 0 and s.unused == 0 and s.own == 200  # never printed negative: the excess is own financing
    assert row_of(layout, "Medel som inte har förbrukats")[5].value == 0
    assert row_of(layout, "Kostnader som regionen finansierar med egna medel")[5].value == 200


def test_paid_out_shown_with_date_and_payer():
    ag = Agreement("Test", 2019, [Pot("Stimulansmedel", Decimal(1000))], paid_out=Decimal(990),
                   paid_out_date=dt.date(2019, 6, 28), payer="Kammarkollegiet")
    book = DecisionBook("t.xlsx", ag, [Activity(5, "A", "V", Decimal(990), "9917", actual=Decimal(990))])
    layout, s = build_report(book, today=TODAY)
    assert row_of(layout, "Summa bidrag som utbetalats")[5].value == 990
    assert row_of(layout, "Datum för utbetalning och utbetalare")[3].value == "2019-06-28, Kammarkollegiet"
    assert row_of(layout, "Bidrag som erhållits")[5].value == 990 and s.repay == 0


def test_missing_paid_out_prints_a_line_to_fill_in():
    layout, _ = build_report(read_book(EXAMPLE_2019), today=TODAY)
    paid = row_of(layout, "Summa bidrag som utbetalats")
    assert paid[5].value is None and paid[5].style == "fill_in"


def test_provenance_goes_to_the_document_properties_and_kontroll(tmp_path):
    out = tmp_path / "out.xlsx"
    report_file(EXAMPLE_2019, out, TODAY)
    wb = openpyxl.load_workbook(out)
    try:
        props = {p.name: p.value for p in wb.custom_doc_props.props}
        check = " ".join(c.value for row in wb["Kontroll"].iter_rows() for c in row if isinstance(c.value, str))
    finally:
        wb.close()
    assert props["Bilaga 2 skapad av"].startswith("xl-statsbidrag ")
    assert props["Bilaga 2 underlag"] == EXAMPLE_2019.name
    assert EXAMPLE_2019.name in check and "xl-statsbidrag" in check
