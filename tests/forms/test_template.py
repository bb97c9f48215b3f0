"""Tests of xl_statsbidrag.forms.template."""
import datetime as dt

from tests.conftest import EXAMPLE_2018

from xl_statsbidrag.xlsx.file_source import read_book


# --- the format: the template (import) writes what the reader reads ----------------------------------------

def test_the_template_writes_the_duty_fields_the_reader_reads(tmp_path):
    from xl_statsbidrag.core.model import Duty
    from xl_statsbidrag.forms.template import activities_sheet, agreement_sheet
    from xl_statsbidrag.xlsx.newbook import write_workbook

    ag = read_book(EXAMPLE_2018).agreement
    ag.report_done, ag.report_ref, ag.repayment_internal = dt.date(2019, 3, 20), "KAM 2019/77", dt.date(2019, 3, 15)
    ag.deadlines_assumed = "2017 års överenskommelse"
    ag.no_deadline = frozenset({"requisition_internal"})
    ag.duties = [Duty("Planering av AT-tjänster", "Socialstyrelsen", dt.date(2021, 8, 15), dt.date(2021, 6, 25), dt.date(2021, 6, 20),
                      "RS/9/2021")]
    book = read_book(EXAMPLE_2018)
    path = tmp_path / "t.xlsx"
    write_workbook(path, [agreement_sheet(ag), activities_sheet(book.activities)])
    back = read_book(path).agreement
    for name in ("report_done", "report_ref", "repayment_internal", "socialstyrelsen_deadline",
                 "socialstyrelsen_internal", "deadlines_assumed", "requisition_deadline", "no_deadline"):
        assert getattr(back, name) == getattr(ag, name), name
    assert [(d.name, d.recipient, d.deadline, d.internal, d.done, d.reference) for d in back.duties] == [
        ("Planering av AT-tjänster", "Socialstyrelsen", dt.date(2021, 8, 15), dt.date(2021, 6, 25), dt.date(2021, 6, 20), "RS/9/2021")]
