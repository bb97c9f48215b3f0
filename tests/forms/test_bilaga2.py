"""What the head of finance sees on paper: the Bilaga 2 sheet printed to PDF by LibreOffice (with
Carlito, Calibri's metric twin), read back with pdftotext page by page."""
import datetime as dt
from decimal import Decimal
import re
import shutil
import subprocess

import pytest

from conftest import EXAMPLE_2018, EXAMPLE_2019
from xl_statsbidrag.app.report import report_file
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


@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_every_activity_name_is_printed_whole(printed, example):
    summary, form, _ = printed[example]
    text = _flat(" ".join(form))
    for a in read_book(example).activities:
        assert _flat(a.name) in text, a.name


@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_the_form_has_the_pages_it_counts_and_its_footer_counts_only_them(printed, example):
    summary, form, pages = printed[example]
    assert len(form) == summary.pages
    for n, page in enumerate(form, start=1):
        assert f"Sida {n} av {summary.pages}" in page
    assert len(pages) > len(form)  # the other sheets were printed too, and did not shift the count


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


@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_signature_blocks_and_tables_lie_on_one_page(printed, example):
    _, form, _ = printed[example]
    for block in BLOCKS:
        holding = [i for i, page in enumerate(form) if block[0] in page]
        assert len(holding) == 1, block[0]
        page = form[holding[0]]
        for line in block:
            assert line in page, (block[0], line)


def test_the_cost_table_repeats_its_header_on_the_next_page(printed):
    _, form, _ = printed[EXAMPLE_2019]
    with_rows = [p for p in form if "Objekt Budget (kr) Utfall (kr)" in _flat(p) and "9917" in p]
    assert len(with_rows) >= 2


def test_amounts_with_ore_fit_their_columns(tmp_path, libreoffice):
    """Utfall in öre (from the ledger) needs wider amount columns: no cell may print as ####."""
    from test_report import budget_2019, with_utfall

    utfall = [Decimal(v) - Decimal("0.55") * (i + 1) for i, v in enumerate(budget_2019())]
    utfall[0] = Decimal("4431730.45")
    source = with_utfall(tmp_path / "u.xlsx", [float(u) for u in utfall])
    target, summary, _ = report_file(source, tmp_path / "r.xlsx", TODAY)
    pages = [p for p in _pages(libreoffice.convert(target, tmp_path / "pdf", "pdf")) if "Ekonomisk redovisning –" in p]
    text = _flat(" ".join(pages))
    assert "#" not in text.replace("#N/A", "")
    assert "4 431 730,45" in text and len(pages) == summary.pages  # in the table, whose header says (kr)
