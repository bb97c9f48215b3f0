"""Tests of xl_statsbidrag.forms.utfall."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
import zipfile

import openpyxl
import pytest

from tests.conftest import EXAMPLE_2019, WORKBOOKS, examples
from tests.support.utfall import OBJEKT, ROWS, _sheet, dec, independent

from xl_statsbidrag.app.utfall import utfall_file


TODAY = dt.date(2020, 3, 1)


def test_the_utfall_sheet_lists_every_transaction_on_the_objekt_and_reconciles(tmp_path):
    out = tmp_path / "out.xlsx"
    utfall_file(EXAMPLE_2019, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    rows = _sheet(out, "Utfall")
    header = next(i for i, r in enumerate(rows) if r[1] == "Datum")
    columns = {name: i for i, name in enumerate(rows[header])}
    listed = [r for r in rows[header + 1:] if r[0]]
    on_objekt = [r for r in ROWS if r["objekt"] in OBJEKT]
    assert len(listed) == len(on_objekt)
    assert sum(Decimal(str(r[columns["Belopp"]])) for r in listed) == dec(sum(r["ore"] for r in on_objekt))
    unmatched = [r for r in listed if r[columns["Aktivitet"]] == "(ej kopplad till aktivitet)"]
    assert sorted(r[columns["Text"]] for r in unmatched) == ["Konsult utan aktivitetskod", "Lön, kod saknas",
                                                             "Material, okänd kod"]
    assert all(str(r[columns["Källa"]]).startswith("huvudbok_2019.csv:") for r in listed)
    recon_header = next(i for i, r in enumerate(rows) if r[0] == "Objekt")
    for r in rows[recon_header + 1:recon_header + 3]:
        assert Decimal(str(r[1])) == sum(Decimal(str(v)) for v in r[2:8]), r
    with zipfile.ZipFile(out) as z:
        tables = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/")]
    assert sum('name="UtfallTransaktioner"' in t for t in tables) == 1
    assert sum('name="UtfallAvstamning"' in t for t in tables) == 1
    assert sum('name="UtfallPerAktivitet"' in t for t in tables) == 1


@pytest.mark.system
def test_libreoffice_recalculates_the_totals_of_the_utfall_column(libreoffice, tmp_path):
    """A formula over the Utfall column, cached as 0 in the input, sums the patched numbers."""
    source = tmp_path / "in.xlsx"
    examples.build(source, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"],
                   lambda wb, sheets: sheets["activities"].write_formula(
                       "M2", "=SUBTOTAL(109,Aktiviteter[Utfall])", None, 0))
    out = tmp_path / "out.xlsx"
    utfall_file(source, [WORKBOOKS / "huvudbok_2019.csv"], out, today=TODAY)
    per_activity, _ = independent()
    converted = libreoffice.convert(out, tmp_path / "lo")
    wb = openpyxl.load_workbook(converted, data_only=True)
    try:
        ws = wb["Aktiviteter"]
        assert ws["J4"].value == "Utfall"
        assert Decimal(str(ws["M2"].value)).quantize(Decimal("0.01")) == dec(sum(per_activity.values()))
        assert Decimal(str(ws["D2"].value)) == 191
    finally:
        wb.close()
