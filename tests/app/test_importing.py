"""Reading the region's own decision-support workbook as it is (layouts like seeds 002 and 001),
and the catalogue of agreements."""
import datetime as dt
import subprocess
import sys

import pytest
import xlsxwriter

from tests.conftest import examples, parts, sha256
from tests.ooxml_checks import check_package
from tests.signed_book import sign
from tests.support.crafted import _plain_book
from tests.support.imports import region_book, seed_001_workbook
from tests.support.signatures import cli, signature_remains

from xl_statsbidrag.app.importing import import_file
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.core.errors import Location, UserError
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


PROSE_002 = [
    "Överenskommelsen om en investering för utvecklade förutsättningar för vårdens medarbetare är en "
    "sammanslagning av de\ntidigare överenskommelserna om Professionsmiljarden och Goda förutsättningar för "
    "vårdens medarbetare.",
    "Överenskommelsens övergripande områden är\n- It-stöd och processer för förenklad administration och bättre "
    "tillgång till information för vårdens medarbetare.\n- Smartare användning av medarbetarnas kompetens.",
    "Överenskommelsen omfattar totalt 3 360 miljoner kronor (för Region Jämtland Härjedalen 41 197 280kr) . Av dessa "
    "är 3 235 miljoner\nkronor avsedda som stimulansmedel till regionerna (för Region Jämtland Härjedalen 36 103 335kr),",
    "Pågående nya prioriterade aktiviteter inom ramen för överenskommelsen.",
    "Övergripande IT-satsning inom ramen för överenskommelsen. Förenkla för\nvårdens medarbetare uppföljning och "
    "rapportering.",
]


IT_PROSE = ("IT-satsning Totalt 4,5mkr 2019 Uppdrag\nEkonomidir i samverkan med FOUU, IT- och E-\nhälsa i samverkan "
            "Cosmic Datalager mfl\nNyttjande av Stratsys övriga moduler som stöd\nför medarbetaren och säkra processer "
            "som är\nstandardiserade med tillhörande\ndokumentation. Internkontroll samt Statsbidrag.\n\nProjektet Larm "
            "och patientanrop (projledare 750\ntkr)")


def seed_002_workbook(path):
    """A workbook laid out like seed 002: title, total at the top, prose, a plain header row with
    line breaks and hyphenation, blank columns, spacer rows, multi-line cells, a total row, conditions."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Underlag")
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write("A1", "Investering i utvecklande förutsättningar för vårdens medarbetare.")
    ws.write("A2", "kr41 197 280")
    row = 3
    for text in PROSE_002:
        ws.write(row, 0, text, wrap)
        row += 2
    header = ["Pågående arbete/aktivitet", None, "Verksamhet", "Tidigare beslut\nstatliga medel", None,
              "Besluts-underlag\ndatum alt dnr", "summa", "behov 2020", "objekt"]
    for col, h in enumerate(header):
        if h:
            ws.write(row, col, h, wrap)
    header_row = row + 1
    row += 2  # a spacer row under the header
    for i, a in enumerate(examples.ACTIVITIES_2019):
        name = IT_PROSE if a[0].startswith("IT-satsning") else a[0]
        verksamhet = "HoS samt\nvårdvals-\nnämnd" if i == 0 else a[1]
        earlier = a[2].replace(" 2018", "\n2018").replace(" 2019", "\n2019")
        amount = "4,5mkr" if i == 22 else (f"{a[4]:,}".replace(",", " ") if i % 3 == 0 else a[4])
        ws.write(row, 0, name, wrap)
        ws.write(row, 2, verksamhet, wrap)
        ws.write(row, 3, earlier, wrap)
        ws.write(row, 5, a[3], wrap)
        ws.write(row, 6, amount)
        ws.write(row, 7, a[5], wrap)
        ws.write_number(row, 8, int(a[6]))
        row += 1
        if i in (8, 14):
            row += 2  # spacer rows, as in the seed
    total_row = row + 1
    ws.write(row, 6, "41 197 089")
    row += 3
    ws.write(row, 0, "Villkor att beakta gällande riktade statliga medel/nationell satsning")
    ws.write(row + 1, 0, "·         Nya anställningar ska undvikas")
    ws.write(row + 2, 0, "Summa 3 villkor")  # prose after the total is not read
    wb.close()
    return path, header_row, total_row


def test_seed_002_layout_imports_and_validates(tmp_path):
    source, header_row, total_row = seed_002_workbook(tmp_path / "underlag.xlsx")
    before = sha256(source)
    out = tmp_path / "importerad.xlsx"
    table, ag, origins = import_file(source, out, "ivm-2019", "Region Jämtland Härjedalen")
    assert sha256(source) == before
    assert (table.sheet, table.header_row, table.total_row) == ("Underlag", header_row, total_row)
    assert {f: letter for f, (letter, _) in table.columns.items()} == {
        "name": "A", "verksamhet": "C", "earlier_decision": "D", "decision_ref": "F", "amount": "G",
        "next_year": "H", "objekt": "I"}
    assert len(table.activities) == 23 and table.decided == 41197089 and table.total == 41197089
    first = table.activities[0]
    assert first.verksamhet == "HoS samt vårdvalsnämnd" and first.earlier_decision == "öronmärkt i ÖK 2019"
    assert first.loc("amount") == Location("Underlag", f"G{header_row + 2}")
    assert table.activities[-1].amount == 4500000 and table.activities[-1].name.startswith("IT-satsning")
    assert [p.amount for p in ag.pots] == [36103335, 5093945]
    assert "population 2018-12-31" in origins[0]
    # the result is in the project's format: the reader, validation and report work on it
    book = read_book(out)
    assert len(book.activities) == 23 and book.decided == 41197089 and book.agreement.total == 41197280
    assert book.activities[0].pot == "Specialistsjuksköterskor"
    findings = validate(book, TODAY)
    [unallocated] = [f for f in findings if f.code == "ej-fordelat"]
    assert unallocated.amount == 191 and "41 197 280 kr" in unallocated.message
    assert not [f for f in findings if f.severity == "error"]
    assert "Underlag!A" in str(parts(out)["xl/worksheets/sheet3.xml"])  # the Källa column
    _, summary, _ = report_file(out, tmp_path / "rapport.xlsx", TODAY)
    assert summary.unused == 191
    assert check_package(out) == [] and check_package(tmp_path / "rapport.xlsx") == []
    original = parts(source)
    assert all(parts(out)[n] == original[n] for n in original if n not in (  # (_rels/.rels: the output's mark)
        "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "docProps/app.xml",
        "_rels/.rels"))


def test_seed_001_layout_imports(tmp_path):
    out = tmp_path / "out.xlsx"
    table, ag, origins = import_file(seed_001_workbook(tmp_path / "pm.xlsx"), out, "pm-2018", "Jämtlands län",
                                     objekt="9902")
    assert len(table.activities) == 10 and table.decided == 9980000 and table.total == 9980000
    assert table.activities[3].amount == 750000 and table.activities[3].verksamhet == "Primärvård"
    assert ag.total == 12208598 and "published table 2018-regioner" in origins[0]
    book = read_book(out)
    assert book.agreement.total - book.decided == 2228598
    assert {a.objekt for a in book.activities} == {"9902"}
    reserved = [f for f in validate(book, TODAY) if f.code == "oronmarkt-kvar"]
    assert reserved[0].amount == 3851293  # the earmarked pot whole: no activity names it (yearend's rule)
    # the catalogue's deadlines, the report to Socialstyrelsen included (the 2017 agreement, 6.1)
    assert (book.agreement.requisition_deadline, book.agreement.socialstyrelsen_deadline) == (
        dt.date(2018, 12, 1), dt.date(2019, 3, 31))


@pytest.mark.system
def test_import_cli_prints_what_it_recognised(tmp_path):
    source, header_row, total_row = seed_002_workbook(tmp_path / "underlag.xlsx")
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "import", str(source), "--agreement", "ivm-2019",
                           "--region", "Region Jämtland Härjedalen", "-o", str(tmp_path / "out.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"sheet 'Underlag', header row {header_row}" in done.stdout
    assert "Aktivitet = A ('Pågående arbete/aktivitet')" in done.stdout
    assert f"total row {total_row}: 41 197 089 kr, equal to the sum of the rows" in done.stdout
    assert "Stimulansmedel 36 103 335 kr, Specialistsjuksköterskor 5 093 945 kr = 41 197 280 kr" in done.stdout


def test_rows_that_cannot_be_read_are_listed_with_their_cell(tmp_path):
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Blad1")
    ws.write_row("A2", ["Aktivitet", "Verksamhet", "Belopp", "Objekt"])
    ws.write_row("A3", ["Första", "HoS", 100, 9917])
    ws.write_row("A4", ["Andra", "HoS", "hundra", 9917])
    ws.write_row("A5", ["Bara en rubrik"])
    ws.write_row("A6", ["Tredje", "HoS", "1 000 kr", 9917])
    ws.write_row("A7", ["Totalt", None, 1200])
    wb.close()
    table = import_file(path, tmp_path / "o.xlsx", "ivm-2019", "Jämtland")[0]
    assert [a.name for a in table.activities] == ["Första", "Tredje"]
    assert [(str(loc), reason.split(" (")[0]) for loc, reason in table.not_read] == [
        ("Blad1!C4", "the amount cannot be read: 'hundra' is not an amount"), ("Blad1!A5", "no amount in column C")]
    assert table.total == 1200 and table.decided == 1100


@pytest.mark.parametrize("case, words", [
    ("none", "no activity table found: looked for a row with at least three of the headers"),
    ("two", "two candidate activity tables (Blad1!A1, Blad2!A1)"),
    ("agreement", "no agreement 'xyz-2030' in the catalogue"),
    ("region", "no region 'Atlantis'"),
    ("own-format", "already has Överenskommelse, Aktiviteter"),
])
def test_what_cannot_be_recognised_is_said_and_nothing_written(tmp_path, case, words):
    path = tmp_path / "t.xlsx"
    agreement, region = "ivm-2019", "Jämtland"
    if case == "own-format":
        path = tmp_path / "own.xlsx"
        path.write_bytes((examples.HERE / "beslutsunderlag_2019.xlsx").read_bytes())
    else:
        wb = xlsxwriter.Workbook(str(path))
        for name in ("Blad1", "Blad2"):
            ws = wb.add_worksheet(name)
            if case != "none" and (case == "two" or name == "Blad1"):
                ws.write_row("A1", ["Aktivitet", "Verksamhet", "Summa"])
                ws.write_row("A2", ["X", "Y", 100])
            else:
                ws.write("A1", "Bara text")
        wb.close()
        agreement = "xyz-2030" if case == "agreement" else agreement
        region = "Atlantis" if case == "region" else region
    out = tmp_path / "out.xlsx"
    with pytest.raises(UserError) as info:
        import_file(path, out, agreement, region)
    assert words in str(info.value)
    assert not out.exists()


@pytest.mark.system
def test_cli_unit_and_its_summary(tmp_path):
    source = region_book(tmp_path / "r.xlsx", "Belopp, tkr")
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "import", str(source), "--agreement", "ivm-2019",
                           "--region", "Jämtland", "-o", str(tmp_path / "o.xlsx")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "amounts: column C: 3 amount(s) in tkr (the header 'Belopp, tkr'): multiplied by 1 000" in done.stdout
    assert "7 144 500 kr" in done.stdout
    conflicting = region_book(tmp_path / "c.xlsx", "Belopp, tkr", number_format='#,##0 "mkr"')
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "import", str(conflicting), "--agreement",
                           "ivm-2019", "--region", "Jämtland", "-o", str(tmp_path / "c_out.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "--unit" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "c_out.xlsx").exists()


@pytest.mark.system
def test_cli_warns_about_hidden_rows(tmp_path):
    source = region_book(tmp_path / "r.xlsx", hidden=(0, 2))
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "import", str(source), "--agreement", "ivm-2019",
                           "--region", "Jämtland", "-o", str(tmp_path / "o.xlsx")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning: 2 hidden row(s) left out" in done.stdout and "A5 'Specialistutbildning'" in done.stdout


def test_import_skips_chart_sheets_and_refuses_name_clashes(tmp_path):
    table = import_file(_plain_book(tmp_path / "c.xlsx", chart=True), tmp_path / "o.xlsx", "ivm-2019", "23")[0]
    assert table.decided == 2000
    with pytest.raises(UserError, match="already has a table or name 'Objekt'"):
        import_file(_plain_book(tmp_path / "d.xlsx", defined="Objekt"), tmp_path / "o2.xlsx", "ivm-2019", "23")
    assert not (tmp_path / "o2.xlsx").exists()


@pytest.mark.system
def test_import_refuses_a_signed_workbook(tmp_path):
    from tests.support.imports import seed_001_workbook

    source = sign(seed_001_workbook(tmp_path / "pm.xlsx"), tmp_path / "pm_signerad.xlsx")
    args = ["import", source, "--agreement", "pm-2018", "--region", "Jämtlands län", "-o", tmp_path / "o.xlsx"]
    done = cli(*args)
    assert done.returncode == 2 and "digitally signed" in done.stderr
    assert "adds the sheets 'Överenskommelse', 'Aktiviteter'" in done.stderr
    assert cli(*args, "--force").returncode == 0
    assert signature_remains(tmp_path / "o.xlsx") == []
