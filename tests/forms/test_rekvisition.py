"""Tests of xl_statsbidrag.forms.rekvisition."""
import datetime as dt

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, sha256, small_book
from tests.support.batch import cell_values

from xl_statsbidrag.app.requisition import requisition_file
from xl_statsbidrag.forms.rekvisition import requisition_sheet
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


def _values(path, sheet="Rekvisition"):
    return cell_values(path, sheet)


def _by_label(values):
    return {values[c]: values.get(f"B{c[1:]}") for c in values if c.startswith("A")}


# --- the form ---------------------------------------------------------------------------------------------
@pytest.mark.system

@pytest.mark.parametrize("example, amount", [(EXAMPLE_2019, 41197280), (EXAMPLE_2018, 12208598)])
def test_the_form_has_its_fields_and_amount_recalculated(libreoffice, tmp_path, example, amount):
    before = sha256(example)
    out, ag, _ = requisition_file(example, tmp_path / f"r{example.suffix}", TODAY)
    assert sha256(example) == before
    recalculated = _by_label(_values(libreoffice.convert(out, tmp_path / "lo")))
    assert recalculated["Belopp som rekvireras"] == amount
    assert recalculated["Bidragsmottagare"] == "Region Jämtland Härjedalen"
    assert recalculated["Önskad betalningsreferens"] == ag.region_dnr
    assert recalculated["Rekvisitionen avser perioden"] == f"{ag.year}-01-01 – {ag.year}-12-31"
    for heading in ("1. Kontaktuppgifter", "2. Bidrag som ansökan avser", "3. Uppgifter för utbetalning",
                    "4. Underskrift i original av behörig företrädare", "Bankgiro/Plusgiro", "Datum", "Underskrift",
                    "Namnförtydligande"):
        assert heading in recalculated


@pytest.mark.system
def test_the_amount_follows_the_workbook(tmp_path, libreoffice):
    """A lower amount set on the agreement sheet is what is requisitioned, as a formula on that cell."""
    source = small_book(tmp_path / "t.xlsx", [["A", "V", 100, "9917", "", None]],
                        labels={"Belopp som rekvireras": 1200, "Bankgiro/Plusgiro": "5050-1055"})
    out, ag, findings = requisition_file(source, tmp_path / "r.xlsx", TODAY)
    assert ag.requested == 1200 and {f.code for f in findings} == {"uppgift-saknas"}  # contact details
    wb = openpyxl.load_workbook(out)
    try:
        formulas = [c.value for row in wb["Rekvisition"].iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
    finally:
        wb.close()
    assert formulas == ["='Överenskommelse'!B4"]
    assert _by_label(_values(libreoffice.convert(out, tmp_path / "lo")))["Belopp som rekvireras"] == 1200


def test_the_form_fits_one_a4_page():
    sheet = requisition_sheet(read_book(EXAMPLE_2019))
    assert sheet.page_breaks == [] and "Sida &P av 1" in sheet.footer and "RS/495/2019" in sheet.header
