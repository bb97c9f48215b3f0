"""forms.aterbetalning: the repayment note for accounts payable, written by report."""
import datetime as dt
import openpyxl

from tests.conftest import examples
from tests.support.grantledger import SPEC_2019, TODAY, spec_of
from xl_statsbidrag.app.report import report_file


def test_the_repayment_note_names_the_amount_the_reference_and_the_day(tmp_path):
    spec = spec_of(SPEC_2019, paid_out=41197280, paid_out_date=dt.date(2019, 3, 29))
    path = tmp_path / "b.xlsx"
    examples.build(path, spec)
    out, s, _ = report_file(path, tmp_path / "r.xlsx", TODAY)
    wb = openpyxl.load_workbook(out)
    values = {r[0]: r[1] for r in wb["Återbetalning"].iter_rows(values_only=True) if r[0]}
    assert values["Belopp att betala"] == s.repay == 191
    assert values["Betalningsreferens (Regeringskansliets diarienummer)"] == "S2019/01234/FS, S2019/05678/FS"
    assert values["Betalas senast"] == "2020-03-31" and values["Betalningsmottagare"] == "Kammarkollegiet"
    assert any("Preliminärt" in str(r[0]) for r in wb["Återbetalning"].iter_rows(values_only=True) if r[0])
