"""The batch's overview workbook: figures as numbers in an Excel Table, and a native chart."""
import datetime as dt
import zipfile
from decimal import Decimal as D

import openpyxl

from xl_statsbidrag.overview import HEADERS, OverviewRow, write_overview

ROWS = [OverviewRow("a.xlsx", "En investering för utvecklade förutsättningar för vårdens medarbetare", 2019,
                    D(41197280), D(41197089), None, D(41197089), D(191), D(191), 0, 8, "inget förslag",
                    dt.date(2027, 3, 31), "Ekonomisk redovisning", "ok"),
        OverviewRow("b.xlsx", "Professionsmiljarden", 2018, D(12208598), D(9980000), D("9500000.50"),
                    D("9500000.50"), D("2708597.50"), D(3851293), 0, 6, "Alt 2", None, "", "ok"),
        OverviewRow("c.xlsx", status="not an Excel workbook")]


def test_overview_has_a_table_of_numbers_and_a_native_chart(tmp_path, libreoffice):
    path = tmp_path / "översikt.xlsx"
    write_overview(path, ROWS)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        drawing_rels = z.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "xl/tables/table1.xml" in names and "../charts/chart1.xml" in drawing_rels
    assert "<c:barChart>" in chart and chart.count("<c:ser>") == 3
    recalculated = openpyxl.load_workbook(libreoffice.convert(path, tmp_path / "lo"), data_only=True)["Översikt"]
    header = [c.value for c in recalculated[4]]
    assert header[:len(HEADERS)] == HEADERS
    first = [c.value for c in recalculated[5]]
    assert first[3:9] == [41197280, 41197089, None, 41197089, 191, 191]
    assert isinstance(first[3], (int, float)) and first[11] == "inget förslag"
    second = [c.value for c in recalculated[6]]
    assert second[5] == 9500000.5
    total = [c.value for c in recalculated[8]]
    assert total[0] == "Summa" and total[3] == 41197280 + 12208598 and total[8] == 191 + 3851293


def test_batch_writes_the_overview_with_the_examples_figures(tmp_path):
    import shutil
    import subprocess
    import sys

    from conftest import EXAMPLE_2018, EXAMPLE_2019

    inputs = tmp_path / "in"
    inputs.mkdir()
    for example in (EXAMPLE_2019, EXAMPLE_2018):
        shutil.copy(example, inputs / example.name)
    (inputs / "trasig.xlsx").write_bytes(b"not a zip")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "batch", str(inputs), "-o", str(out), "--jobs", "1"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    sheet = openpyxl.load_workbook(out / "översikt.xlsx")["Översikt"]
    rows = {r[0]: r for r in ([c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=7))}
    assert rows["beslutsunderlag_2019.xlsx"][3:9] == [41197280, 41197089, None, 41197089, 191, 191]
    assert rows["beslutsunderlag_2019.xlsx"][11] == "inget förslag"
    assert rows["professionsmiljarden_2018.xlsx"][3] == 12208598
    assert rows["trasig.xlsx"][14].startswith("not an Excel workbook")
    with zipfile.ZipFile(out / "översikt.xlsx") as z:
        assert "xl/charts/chart1.xml" in z.namelist()
