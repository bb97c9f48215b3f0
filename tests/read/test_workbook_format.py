"""The workbook format is defined once (workbook_format): the readers of our format, of a region's
own layout, the worksheet functions and the reference data agree on the total-row rule, the earmark
flag words and how headers are compared (copies of these had drifted apart)."""
import xlsxwriter

from xl_statsbidrag.app import functions as sheetfuncs
from xl_statsbidrag.core.text import normalise_header
from xl_statsbidrag.read.workbook_format import is_earmarked, TOTAL_NAME
from xl_statsbidrag.xlsx.package import Package
from xl_statsbidrag.xlsx.file_source import FileSource


def test_one_header_normaliser_covers_both_former_ones():
    # what the region-layout reader needed: hyphenation over a break, punctuation around
    assert normalise_header("Besluts-\nunderlag :") == "beslutsunderlag"
    # what the format reader needed: no-break spaces, line breaks, a trailing colon
    assert normalise_header("Belopp\u00a0enligt\nregionens beslut:") == "belopp enligt regionens beslut"
    assert normalise_header(None) == ""


def test_the_earmark_flag_words_are_one_set():
    assert all(is_earmarked(w) for w in ("ja", "Ja", "x", "1", "true", "SANT", "yes"))
    assert not any(is_earmarked(w) for w in ("", "nej", "0", "false"))


def test_a_totalsumma_row_is_a_total_in_a_regions_own_layout_too(tmp_path):
    from xl_statsbidrag.read.region_reader import read_plain
    assert TOTAL_NAME.match("Totalsumma 2019")
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A1", ["Aktivitet", "Verksamhet", "Belopp", "Objekt"])
    ws.write_row("A2", ["Första", "HoS", 100, 9917])
    ws.write_row("A3", ["Andra", "HoS", 200, 9917])
    ws.write_row("A4", ["Totalsumma", "alla", 350])
    wb.close()
    with Package(path) as pkg:
        table = read_plain(FileSource(pkg))
    assert [a.name for a in table.activities] == ["Första", "Andra"]
    assert table.total_row == 4 and table.total == 350


def test_the_worksheet_function_takes_yes_as_earmarked():
    rows = sheetfuncs.findings(None, [100], ["A"], None, ["Fri", "Öronmärkt"], [100, 50], ["nej", "yes"])
    assert [r[1] for r in rows[1:]] == ["oronmarkt-kvar"]
