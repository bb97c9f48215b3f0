"""Tests of xl_statsbidrag.ledger.bokslut (the year's close): through the files, as the command runs it."""
from tests.conftest import examples
from tests.support.grantledger import SPEC_2019, ledger_csv, spec_of
from xl_statsbidrag.app.bokslut import bokslut_files


def test_every_unused_money_line_has_an_account_or_a_note_says_which_lack_one(tmp_path):
    """The grant booked as income on one objekt only: the other part's line takes that income account; with no
    income booked at all the lines lack an account, and a note says so (an import would fail on them)."""
    b = tmp_path / "b.xlsx"
    examples.build(b, spec_of(SPEC_2019))
    costs = [("2019-05-01", "201905", "7010", "P1902", "9917", "Kurs", "1234.56"),
             ("2019-05-02", "201905", "7010", "P1901", "9902", "Kurs", "99.99")]
    one = ledger_csv(tmp_path / "one.csv", [("2019-03-29", "201903", "3015", "", "9917", "Statsbidrag", -41197280),
                                            *costs])
    [(_, _, c)] = bokslut_files([b, one], tmp_path / "one_bokslut.xlsx")
    income = [e for e in c.entries if e.debet and e.text.startswith("Ej förbrukat")]
    assert [(e.objekt, e.konto) for e in income] == [("9917", "3015"), ("9902", "3015")]
    assert all(e.konto for e in c.entries)
    none = ledger_csv(tmp_path / "none.csv", costs)
    [(_, _, c)] = bokslut_files([b, none], tmp_path / "none_bokslut.xlsx")
    assert [e.konto for e in c.entries if e.debet and e.text.startswith("Ej förbrukat")] == ["", ""]
    [note] = [n for n in c.notes if "konto saknas" in n]
    assert "Stimulansmedel, Specialistsjuksköterskor" in note


def test_the_note_on_costs_booked_after_the_year_counts_them_in_plain_swedish(tmp_path):
    """Was "1 kostnader för 2019 är bokförda ..." (issue 27 review)."""
    b = tmp_path / "b.xlsx"
    examples.build(b, spec_of(SPEC_2019))
    one = ledger_csv(tmp_path / "one.csv", [("2019-05-01", "201905", "7010", "P1902", "9917", "Kurs", "1234.56"),
                                            ("2020-02-10", "202002", "4010", "P1903", "9917", "Faktura", "15000.50")])
    [(_, _, c)] = bokslut_files([b, one])
    [note] = [n for n in c.notes if "efter perioden" in n]
    assert note.startswith("Kostnader för 2019 bokförda efter perioden (till 2020-03-31): 1 st, 15 000,50 kr.")
