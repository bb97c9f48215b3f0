"""Tests of xl_statsbidrag.read.reference_data."""
import csv
import io
import subprocess
import sys

import pytest

from tests.conftest import ROOT

from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.read import reference_data as tables


@pytest.mark.system
def test_agreements_command_lists_the_catalogue():
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", "agreements", "--format", "csv"],
                          capture_output=True, text=True)
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["id", "name", "years"]
    ids = {r[0]: r for r in rows[1:]}
    assert set(ids) == {"pm-2017", "pm-2018", "ivm-2019", "gonv-2021"}
    assert ids["ivm-2019"][1] == "En investering för utvecklade förutsättningar för vårdens medarbetare"
    gonv = tables.catalogue_agreement("gonv-2021")
    assert [p.national_total for p in gonv.pots] == [2531000000, 400000000, 100000000]
    pm = tables.catalogue_agreement("pm-2017")
    assert [tables.regional_amount(p, tables.find_region("23"))[0] for p in pm.pots] == [8429358, 3860775]


def test_a_bad_date_in_the_users_catalogue_is_a_clear_error(tmp_path, monkeypatch):
    shipped = (ROOT / "xl_statsbidrag" / "data" / "agreements.csv").read_text(encoding="utf-8").splitlines()
    row = shipped[-1].split(",")
    row[0], row[11] = "x-2030", "31/12/2030"
    (tmp_path / "agreements.csv").write_text(shipped[0] + "\n" + ",".join(row) + "\n", encoding="utf-8")
    monkeypatch.setenv(tables.ENV, str(tmp_path))
    tables.clear_cache()
    try:
        with pytest.raises(UserError, match=r"line 2: requisition_deadline '31/12/2030' is not a date"):
            tables.catalogue()
    finally:
        monkeypatch.delenv(tables.ENV)
        tables.clear_cache()
