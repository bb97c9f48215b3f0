"""The Bilaga 2 layout: content of sections 1-5, budget against outcome, Alt 1 against Alt 2."""
import dataclasses
import datetime as dt
from decimal import Decimal

from conftest import EXAMPLE_2018, EXAMPLE_2019
from xl_statsbidrag.model import Activity, Agreement, DecisionBook, Pot
from xl_statsbidrag.report import build_report
from xl_statsbidrag.xlsx.reader import read_book

TODAY = dt.date(2026, 11, 22)


def texts(layout):
    return [c.value for _, c in layout.cells() if isinstance(c.value, str)]


def cell_by_label(layout, label):
    for row in layout.rows:
        if row.cells and row.cells[0].value == label:
            return row.cells[-1]
    raise KeyError(label)


def test_2019_report_figures_and_sections():
    book = read_book(EXAMPLE_2019)
    layout, s = build_report(book, today=TODAY)
    assert (s.received, s.costs, s.unused, s.activities) == (Decimal(41197280), Decimal(41197089), Decimal(191), 23)
    all_text = texts(layout)
    for heading in ("1. Kontaktuppgifter", "2. Bidrag som redovisningen avser",
                    "3. Redovisning av verksamhet eller aktivitet",
                    "4. Ekonomichefens (eller motsvarande) granskning av den ekonomiska redovisningen",
                    "5. Underskrift i original av behörig företrädare"):
        assert heading in all_text
    for a in book.activities:
        assert a.name in all_text
    assert cell_by_label(layout, "Summa kostnader").value == Decimal(41197089)
    assert cell_by_label(layout, "Medel som inte har förbrukats (Bidrag – kostnader)").value == Decimal(191)
    assert cell_by_label(layout, "Summa bidrag enligt överenskommelsen").value == Decimal(41197280)
    assert any("beslutad budget, inte utfall" in t for t in all_text)


def test_budget_does_not_offer_alt_1():
    layout, s = build_report(read_book(EXAMPLE_2019), today=TODAY)
    assert s.alternative == 2 and not s.outcome
    alt1 = next(t for t in texts(layout) if "Alt 1:" in t)
    assert alt1.startswith("☐") and "Kan inte väljas: utfall saknas" in alt1
    assert next(t for t in texts(layout) if "Alt 2:" in t).startswith("☒")
    deviations = [t for t in texts(layout) if t.startswith("• ")]
    assert any("191 kr" in t for t in deviations)
    assert any("Utfall saknas" in t for t in deviations)


def test_2018_report_figures():
    _, s = build_report(read_book(EXAMPLE_2018), today=TODAY)
    assert (s.received, s.costs, s.unused) == (Decimal(12208598), Decimal(9980000), Decimal(2228598))


def _book(actuals, amounts=(600, 400), paid=None):
    pots = [Pot("Stimulansmedel", Decimal(1000))]
    ag = Agreement("Test", 2019, pots, paid_out=paid, recipient="Region Test", org_number="1", contact_person="x",
                   postal_address="x", phone="x", email="x", rk_dnr_agreement="S1", rk_dnr_payment="S2",
                   finance_head="Eva Ekonom")
    acts = [Activity(i + 5, f"A{i}", "V", Decimal(amount), "9917", pot="Stimulansmedel",
                     actual=None if actual is None else Decimal(actual))
            for i, (amount, actual) in enumerate(zip(amounts, actuals))]
    return DecisionBook("test.xlsx", ag, acts)


def test_complete_outcome_offers_alt_1():
    layout, s = build_report(_book([550, 380]), today=TODAY)
    assert (s.outcome, s.alternative, s.costs, s.unused) == (True, 1, Decimal(930), Decimal(70))
    alt1 = next(t for t in texts(layout) if "Alt 1:" in t)
    assert alt1.startswith("☒ Alt 1: Eva Ekonom")
    assert not any(t.startswith("• ") for t in texts(layout))
    assert "Utfall" in texts(layout)


def test_outcome_that_does_not_hold_up_gives_alt_2_with_deviations():
    layout, s = build_report(_book([550, None]), today=TODAY)  # one activity without utfall
    assert s.alternative == 2
    assert any(t.startswith("• Utfall saknas för 'A1'") for t in texts(layout))
    layout, s = build_report(_book([700, 380]), today=TODAY)  # over budget
    assert s.alternative == 2
    assert any("överstiger budget" in t for t in texts(layout))


def test_ore_amounts_get_an_ore_format():
    book = _book([Decimal("550.25"), 380])
    layout, s = build_report(book, today=TODAY)
    assert s.costs == Decimal("930.25")
    assert cell_by_label(layout, "Summa kostnader").style == "money_total_ore"


def test_layout_is_pure_data():
    layout, _ = build_report(_book([550, 380]), today=TODAY)
    assert all(dataclasses.is_dataclass(c) for _, c in layout.cells())
    assert all(isinstance(c.value, (str, Decimal, int, type(None))) for _, c in layout.cells())
