"""Each check with a case that triggers it and one that does not; the seeds' findings exactly."""
import datetime as dt
import importlib

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, small_book
from tests.support.checks import book

from xl_statsbidrag.check import validate as v
from xl_statsbidrag.core.errors import Location
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


def test_every_check_is_listed_and_tested():
    """Each check in CHECKS has its test, test_<check>, in the test file of the module that defines it."""
    def tests_of(check):
        return vars(importlib.import_module(f"tests.check.test_{check.__module__.rsplit('.', 1)[1]}"))
    missing = [c.__name__ for c in v.CHECKS if f"test_{c.__name__}" not in tests_of(c)]
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
