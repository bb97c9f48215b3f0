"""What the head of finance sees on paper: the Bilaga 2 sheet printed to PDF by LibreOffice (with
Carlito, Calibri's metric twin), read back with pdftotext page by page."""
import dataclasses
import datetime as dt
from decimal import Decimal
import re
import shutil
import subprocess

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, small_book
from tests.support.report import budget_2019, row_of, texts, with_utfall

from xl_statsbidrag.app.report import report_file, build_report
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


def _pages(pdf):
    done = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def _flat(text):
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def printed(tmp_path_factory, libreoffice):
    """For each example: the output workbook printed whole (every sheet), and its pages."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = {}
    for example in (EXAMPLE_2019, EXAMPLE_2018):
        tmp = tmp_path_factory.mktemp(example.stem)
        target, summary, _ = report_file(example, tmp / example.name, TODAY)
        pages = _pages(libreoffice.convert(target, tmp / "pdf", "pdf"))
        form = [p for p in pages if "Ekonomisk redovisning –" in p]
        out[example] = (summary, form, pages)
    return out


@pytest.mark.system
@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_every_activity_name_is_printed_whole(printed, example):
    summary, form, _ = printed[example]
    text = _flat(" ".join(form))
    for a in read_book(example).activities:
        assert _flat(a.name) in text, a.name


@pytest.mark.system
@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_the_form_has_the_pages_it_counts_and_its_footer_counts_only_them(printed, example):
    summary, form, pages = printed[example]
    assert len(form) == summary.pages
    for n, page in enumerate(form, start=1):
        assert f"Sida {n} av {summary.pages}" in page
    assert len(pages) > len(form)  # the other sheets were printed too, and did not shift the count


@pytest.mark.system
@pytest.mark.parametrize("example, dnr", [(EXAMPLE_2019, "RS/495/2019"), (EXAMPLE_2018, "RS/255/2018")])
def test_every_page_carries_the_dnr(printed, example, dnr):
    _, form, _ = printed[example]
    assert all(dnr in page for page in form)


BLOCKS = [
    ["4. Ekonomichefens", "Alt 1:", "Alt 2:", "Datum", "Underskrift", "Namnförtydligande", "Befattning",
     "Telefon inkl. riktnummer", "E-postadress"],
    ["5. Underskrift i original", "Bidragstagaren intygar", "Datum", "Underskrift", "Namnförtydligande"],
    ["Summa kostnader", "Medel som inte har förbrukats", "Medel som ska återbetalas"],
    ["Kostnader per objekt", "9902 – "],
    ["1. Kontaktuppgifter", "Bidragsmottagare", "E-postadress"],
]


@pytest.mark.system
@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_signature_blocks_and_tables_lie_on_one_page(printed, example):
    _, form, _ = printed[example]
    for block in BLOCKS:
        holding = [i for i, page in enumerate(form) if block[0] in page]
        assert len(holding) == 1, block[0]
        page = form[holding[0]]
        for line in block:
            assert line in page, (block[0], line)


@pytest.mark.system
def test_the_cost_table_repeats_its_header_on_the_next_page(printed):
    _, form, _ = printed[EXAMPLE_2019]
    with_rows = [p for p in form if "Objekt Budget (kr) Utfall (kr)" in _flat(p) and "9917" in p]
    assert len(with_rows) >= 2


@pytest.mark.system
def test_amounts_with_ore_fit_their_columns(tmp_path, libreoffice):
    """Utfall in öre (from the ledger) needs wider amount columns: no cell may print as ####."""
    from tests.support.report import budget_2019, with_utfall

    utfall = [Decimal(v) - Decimal("0.55") * (i + 1) for i, v in enumerate(budget_2019())]
    utfall[0] = Decimal("4431730.45")
    source = with_utfall(tmp_path / "u.xlsx", [float(u) for u in utfall])
    target, summary, _ = report_file(source, tmp_path / "r.xlsx", TODAY)
    pages = [p for p in _pages(libreoffice.convert(target, tmp_path / "pdf", "pdf")) if "Ekonomisk redovisning –" in p]
    text = _flat(" ".join(pages))
    assert "#" not in text.replace("#N/A", "")
    assert "4 431 730,45" in text and len(pages) == summary.pages  # in the table, whose header says (kr)


def test_the_form_never_ticks_the_attestation():
    for example in (EXAMPLE_2019, EXAMPLE_2018):
        layout, _ = build_report(read_book(example), today=TODAY)
        alts = [t for t in texts(layout) if "Alt 1:" in t or "Alt 2:" in t]
        assert len(alts) == 2 and all(t.startswith("\u2610") for t in alts)
        assert not any("\u2612" in t or "Kan inte väljas" in t for t in texts(layout))
        assert row_of(layout, "Avvikelser och åtgärder")


_REF = re.compile(r"![A-Z]{1,3}\$?\d+|\([A-Z]{1,3}\d+(:[A-Z]{1,3}\d+)?\)")


@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_no_cell_reference_tool_or_file_name_on_the_form(example):
    layout, _ = build_report(read_book(example), today=TODAY)
    for t in texts(layout):
        assert not _REF.search(t), t
        assert "xl-statsbidrag" not in t.casefold() and ".xlsx" not in t and example.stem not in t, t
        assert "'" not in t and '"' not in t, t  # one kind of quote mark: ” ”


def test_rows_are_tall_enough_and_blocks_are_not_split():
    layout, s = build_report(read_book(EXAMPLE_2019), today=TODAY)
    assert all(r.height for r in layout.rows)  # every height decided here, none left to the spreadsheet
    name = row_of(layout, "Kompensation för pågående utvecklingsarbete, flöden")
    assert next(r.height for r in layout.rows if r.cells and r.cells[0] is name[1]) >= 45  # three lines or more
    assert s.pages == len(layout.page_breaks) + 1
    assert f"av {s.pages}" in layout.footer and "RS/495/2019" in layout.header


def test_layout_is_pure_data():
    layout, _ = build_report(read_book(EXAMPLE_2019), today=TODAY)
    assert all(dataclasses.is_dataclass(c) for _, c in layout.cells())
    assert all(isinstance(c.value, (str, Decimal, int, type(None))) for _, c in layout.cells())


@pytest.mark.system
def test_sums_per_objekt_and_pot_agree_with_excels_comparison(tmp_path, libreoffice):
    rows = [["A", "V", 600, "kst", "Stim*", None], ["B", "V", 400, "KST", "Stim*", None],
            ["C", "V", 300, "9902", ">65 år", None], ["D", "V", 200, "9902", ">65 år", None]]
    pots = [("Stim*", 1500, "Nej", ""), (">65 år", 600, "Ja", "Äldre")]
    source = small_book(tmp_path / "t.xlsx", rows, pots=pots)
    out = tmp_path / "out.xlsx"
    report_file(source, out, TODAY)
    written = {c.coordinate: c.value for row in openpyxl.load_workbook(out, data_only=True)["Bilaga 2"].iter_rows()
               for c in row if c.value is not None}
    recalculated = {c.coordinate: c.value for row in openpyxl.load_workbook(
        libreoffice.convert(out, tmp_path / "lo"), data_only=True)["Bilaga 2"].iter_rows() for c in row
        if c.value is not None}
    for cell, value in written.items():
        if isinstance(value, (int, float)):
            assert Decimal(str(recalculated[cell])) == Decimal(str(value)), cell
    labels = {written.get(f"A{c[1:]}"): written[c] for c in written if c.startswith("D")}  # the budget column
    assert labels["kst"] == 1000 and labels["9902"] == 500
    costs = {written.get(f"A{c[1:]}"): written[c] for c in written if c.startswith("C")}  # the table per part
    assert costs["Stim*"] == 1000 and costs[">65 år (öronmärkt)"] == 500
