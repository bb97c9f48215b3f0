"""The batch's overview workbook, the year at a glance (issue 24): one row per agreement and year with the
status of every duty, totals that never net one agreement against another, its deadlines, a native chart,
and a page that prints."""
import datetime as dt
from decimal import Decimal as D
import re
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019
from tests.support.deadlines import make_2021

from xl_statsbidrag.app import outputs
from xl_statsbidrag.forms.overview import (DEADLINE_SHEET, HEADERS, SHEET, OverviewRow, chart_labels, combine,
                                           overview_bytes)


# A third agreement, made for these tests: the 2021 God och nära vård agreement (seed 003: its amounts
# nationally and the AT planning report due 15 August 2021).  The region's amounts, dates done and its
# internal deadlines are EXAMPLE DATA.  Deadlines fall on långfredagen (2021-04-02), a Sunday (2021-08-15)
# and midsommarafton (2021-06-25).
NAME_2021 = "God och nära vård 2021 – Goda förutsättningar för vårdens medarbetare"


NAME_2019 = "En investering för utvecklade förutsättningar för vårdens medarbetare"


PM = "Professionsmiljarden – stöd till bättre resursutnyttjande i hälso- och sjukvården"


COL = {h: i for i, h in enumerate(HEADERS)}


def write_overview(path, rows, today=None):
    """översikt.xlsx as batch writes it (``app.batch.write_summary``): the rows combined (one per agreement and
    year), the bytes by the output rule; returns the warnings about agreements in two workbooks."""
    rows, warnings = combine(rows)
    outputs.write_bytes(outputs.claim(path), overview_bytes(rows, today=today))
    return warnings


def row(file, name, year, received, costs, repay, own, key=True, **kw):
    return OverviewRow(file, name, year, received=D(received), costs=D(costs), repay=D(repay), own=D(own),
                       key=(name, year, "r") if key else None, **kw)


ROWS = [row("a.xlsx", NAME_2019, 2019, 41197280, 41197089, 191, 0, basis="budget", suggestion="inget förslag",
            next_deadline=dt.date(2027, 3, 31), next_kind="Ekonomisk redovisning (externt)"),
        # overspent: 500 000 kr of its own money; nothing to repay
        row("b.xlsx", PM, 2018, 12208598, "12708598.50", 0, "500000.50", basis="utfall", suggestion="Alt 1"),
        row("c.xlsx", NAME_2021, 2021, 38600000, 37400000, 1200000, 0),
        OverviewRow("d.xlsx", status="not an Excel workbook")]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, libreoffice):
    """The overview of the 2018 and 2019 examples, a copy of the 2019 one and the 2021 agreement, written by
    batch --today 2021-06-01, as LibreOffice recalculates and prints it."""
    tmp = tmp_path_factory.mktemp("overview")
    inputs = tmp / "in"
    inputs.mkdir()
    for example in (EXAMPLE_2019, EXAMPLE_2018):
        shutil.copy(example, inputs / example.name)
    shutil.copy(EXAMPLE_2019, inputs / "kopia av 2019.xlsx")
    make_2021(inputs / "god_och_nara_vard_2021.xlsx")
    (inputs / "trasig.xlsx").write_bytes(b"not a zip")
    out = tmp / "out"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "batch", str(inputs), "-o", str(out), "--jobs", "1",
                           "--today", "2021-06-01"], capture_output=True, text=True)
    pdf = libreoffice.convert_many([out / "översikt.xlsx"], tmp / "pdf")["översikt"]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    recalculated = openpyxl.load_workbook(libreoffice.convert(out / "översikt.xlsx", tmp / "lo"), data_only=True)
    return done, out / "översikt.xlsx", recalculated, text


def values(sheet, first=5):
    return {r[COL["Överenskommelse"]] or str(r[COL["Arbetsbok"]]).split("\n")[0]: r
            for r in ([c.value for c in row] for row in sheet.iter_rows(min_row=first)) if any(r)}


@pytest.mark.system
def test_totals_never_net_one_agreement_against_another(tmp_path, libreoffice):
    path = tmp_path / "översikt.xlsx"
    write_overview(path, ROWS)
    recalculated = openpyxl.load_workbook(libreoffice.convert(path, tmp_path / "lo"), data_only=True)[SHEET]
    assert [c.value for c in recalculated[4]][:len(HEADERS)] == HEADERS
    assert "Ej förbrukat" not in HEADERS  # a column whose total would mix signs
    total = [c.value for c in recalculated[9]]
    assert total[0] == "Summa"
    assert total[COL["Att återbetala"]] == 191 + 1200000  # not reduced by b.xlsx's overspend
    assert total[COL["Egen finansiering"]] == 500000.5  # not reduced by the others' unused money
    assert total[COL["Bidrag"]] == 41197280 + 12208598 + 38600000
    second = [c.value for c in recalculated[6]]
    assert second[COL["Kostnader"]] == 12708598.5 and isinstance(second[COL["Bidrag"]], (int, float))


def test_one_row_per_agreement_and_year():
    rows, [warning] = combine([row("a.xlsx", NAME_2019, 2019, 1, 1, 0, 0), row("b.xlsx", PM, 2018, 1, 1, 0, 0),
                               row("kopia.xlsx", NAME_2019, 2019, 1, 1, 0, 0), OverviewRow("x.xlsx", status="trasig"),
                               OverviewRow("y.xlsx", status="trasig")])
    assert [r.file for r in rows] == ["a.xlsx", "b.xlsx", "x.xlsx", "y.xlsx"]
    assert rows[0].also == ("kopia.xlsx",) and "a.xlsx" in warning and "kopia.xlsx" in warning


def test_chart_categories_can_be_told_apart():
    long = "God och nära vård 2021 – Goda förutsättningar för vårdens medarbetare"
    labels = chart_labels([row("a", long, 2021, 1, 1, 0, 0), row("b", long.replace("Goda", "Primärvård"), 2021, 1, 1, 0, 0),
                           row("c", PM, 2018, 1, 1, 0, 0), row("d", PM, 2017, 1, 1, 0, 0)])
    assert len(set(labels)) == 4 and all(len(label) < 70 for label in labels)
    assert labels[2].endswith("2018") and labels[3].endswith("2017")
    same = chart_labels([row("a", PM, 2018, 1, 1, 0, 0, region_dnr="RS/1"), row("b", PM, 2018, 1, 1, 0, 0, region_dnr="RS/2")])
    assert len(set(same)) == 2


@pytest.mark.system
def test_batch_overview_has_every_duty_and_the_next_deadline(rendered):
    done, path, recalculated, _ = rendered
    assert done.returncode == 1 and "Traceback" not in done.stderr  # trasig.xlsx fails alone
    assert "warning: the same agreement (En investering" in done.stderr and "kopia av 2019.xlsx" in done.stderr
    rows = values(recalculated[SHEET])
    assert {NAME_2019, PM, NAME_2021, "trasig.xlsx"} <= set(rows)
    assert sum(1 for r in rows if r == NAME_2019) == 1  # one row, not two
    r2019, r2018, r2021 = rows[NAME_2019], rows[PM], rows[NAME_2021]
    assert "kopia av 2019.xlsx" in r2019[COL["Arbetsbok"]]
    assert r2019[COL["Bidrag"]] == 41197280 and r2019[COL["Att återbetala"]] == 191 and r2019[COL["Egen finansiering"]] == 0
    assert r2019[COL["Diarienummer"]] == "RS/495/2019"
    assert r2019[COL["Rapport till Socialstyrelsen"]] == "Ej ifylld"
    assert r2019[COL["Rekvisition"]] == "Passerad\n2019-11-29"  # Sunday 1 December, nothing recorded
    # the 2021 agreement: requisition done, paid out 20 April; the AT planning's internal date is next
    assert r2021[COL["Rekvisition"]] == "Klar\n2021-03-25" and r2021[COL["Utbetalt"]] == dt.datetime(2021, 4, 20)
    assert r2021[COL["Diarienummer"]] == "RS/1234/2021\nS2021/01234"
    assert r2021[COL["Rapport till Socialstyrelsen"]] == "Krävs inte"
    assert r2021[COL["Ekonomisk redovisning"]] == "Senast\n2022-03-11 (internt)"
    assert r2021[COL["Nästa tidsgräns"]] == dt.datetime(2021, 6, 24)  # midsommarafton 25 June
    assert r2021[COL["Avser"]] == "Planering av antalet AT-tjänster 2022–2024 (internt)"
    assert r2021[COL["Att återbetala"]] == 1200000 and r2021[COL["Egen finansiering"]] == 1250000
    assert r2021[COL["Underlag"]] == "utfall" and r2018[COL["Underlag"]] == "budget"
    assert r2018[COL["Rapport till Socialstyrelsen"]] == "Passerad\n2019-03-29"
    total = next(r for r in ([c.value for c in row] for row in recalculated[SHEET].iter_rows()) if r[0] == "Summa")
    assert total[COL["Att återbetala"]] == 191 + 3851293 + 1200000
    assert total[COL["Egen finansiering"]] == 1622695 + 1250000


@pytest.mark.system
def test_batch_overview_lists_every_deadline(rendered):
    _, _, recalculated, _ = rendered
    sheet = recalculated[DEADLINE_SHEET]
    header = [c.value for c in sheet[4]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=5) if row[0].value]
    assert rows[0]["Planera till"] == dt.datetime(2021, 6, 24) and rows[0]["Sista dag"] == dt.datetime(2021, 6, 25)
    assert rows[0]["Ext./ int."] == "internt" and "midsommarafton" in rows[0]["Anmärkning"]
    assert rows[0]["Status"] == "Om 23 dagar"
    assumed = next(r for r in rows if r["Uppgift"] == "Rekvisition" and r["År"] == 2019)
    assert "Antaget enligt 2017 års överenskommelse" in assumed["Anmärkning"] and assumed["Status"] == "Passerad"
    done = next(r for r in rows if r["Uppgift"] == "Rekvisition" and r["År"] == 2021)
    assert done["Status"] == "Klar 2021-03-25" and done["Referens"] == "RS/1234/2021-3"
    assert rows[-1] == done  # done duties last
    assert sum(r["År"] == 2019 for r in rows) == 3  # the copy's deadlines are not listed twice


@pytest.mark.system
def test_the_overview_prints(rendered):
    _, path, _, text = rendered
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        workbook = z.read("xl/workbook.xml").decode()
        sheets = [z.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (1, 2, 3)]
        styles = z.read("xl/styles.xml").decode()
        assert "<c:barChart>" in z.read("xl/charts/chart1.xml").decode()
    assert "xl/charts/chart1.xml" in names
    for sheet in sheets:
        assert 'orientation="landscape"' in sheet and 'paperSize="9"' in sheet
        assert 'fitToPage="1"' in sheet and "fitToWidth" not in sheet  # one page wide
        assert "Sida &amp;P av &amp;N" in sheet
    assert "_xlnm.Print_Titles" in workbook and f"{SHEET}!$4:$4" in workbook
    assert 'fitToHeight="0"' in sheets[0]
    assert 'vertical="top"' in styles and 'wrapText="1"' in styles
    # what LibreOffice printed: each agreement's name on the line of its amounts; headers whole; page numbers
    lines = text.splitlines()
    for name, amount in (("En investering för utvecklade", "41 197 280 kr"), ("God och nära vård 2021", "38 600 000 kr"),
                         ("Professionsmiljarden – stöd till", "12 208 598 kr")):
        line = next(line for line in lines if name in line and "kr" in line)
        assert amount in line, line
    assert re.search(r"Sida 1 av \d", text) and "Egen" in text and "finansiering" in text
    for word in ("Socialstyrelsen", "Återbetalning", "Rekvisition", "Överenskommelse", "Kontroll", "Arbetsbok"):
        assert word in text
    assert "Socialstyrelse\n" not in text


def test_the_overview_without_any_agreement_is_written(tmp_path):
    path = tmp_path / "översikt.xlsx"
    assert write_overview(path, [OverviewRow("d.xlsx", status="not an Excel workbook")]) == []
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET, DEADLINE_SHEET]  # no chart without figures
    assert wb[SHEET]["Q5"].value == "d.xlsx\nnot an Excel workbook"


@pytest.mark.system
def test_batch_today_gives_a_past_years_overview_its_deadlines(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(EXAMPLE_2018, inputs / EXAMPLE_2018.name)
    for today, expected in (("2019-01-10", (dt.datetime(2019, 2, 15), "Rapport till Socialstyrelsen (internt)")),
                            ("2019-03-01", (dt.datetime(2019, 3, 29), "Ekonomisk redovisning (externt)")),
                            (None, (None, None))):  # today: all passed
        out = tmp_path / f"out{today}"
        done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "batch", str(inputs), "-o", str(out), "--jobs", "1"]
                              + (["--today", today] if today else []), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        r = values(openpyxl.load_workbook(out / "översikt.xlsx")[SHEET])[PM]
        assert (r[COL["Nästa tidsgräns"]], r[COL["Avser"]]) == expected
