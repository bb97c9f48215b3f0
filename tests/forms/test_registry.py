"""forms.registry: the report form of an agreement is the catalogue's ``report_form``; a new form needs its
module, its entry in REPORT_FORMS and the catalogue's column, and nothing else (the newcomer task of issue 26,
done here with a no-op form the way a real one is added)."""
from __future__ import annotations

import copy
import dataclasses

import openpyxl
import pytest

from tests.conftest import WORKBOOKS
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.forms import bilaga2, bilaga2_2021, registry
from xl_statsbidrag.read import reference_data
from xl_statsbidrag.xlsx.file_source import read_book

EXAMPLE = WORKBOOKS / "beslutsunderlag_2019.xlsx"
HEADER = ("id,name,years,pot,national_total,earmarked,purpose,population_date,published_table,published_pot,"
          "rk_dnr_agreement,requisition_deadline,report_deadline,source,report_form\n")
ROW_2019 = ("ivm-2019,En investering för utvecklade förutsättningar för vårdens medarbetare,2019,Stimulansmedel,"
            "2835000000,nej,Stimulansmedel till regionerna,2018-12-31,,,,,,test,{form}\n")


@pytest.fixture
def user_catalogue(tmp_path, monkeypatch):
    """A user's agreements.csv ($XL_STATSBIDRAG_DATA) that gives the 2019 example's agreement ``form``."""
    def write(form: str):
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        (data / "agreements.csv").write_text(HEADER + ROW_2019.format(form=form), encoding="utf-8")
        monkeypatch.setenv(reference_data.ENV, str(data))
        reference_data.clear_cache()
        return data / "agreements.csv"
    yield write
    monkeypatch.delenv(reference_data.ENV, raising=False)
    reference_data.clear_cache()


def _texts(path, sheet="Bilaga 2") -> list[str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_each_agreement_gets_its_catalogue_form():
    book = read_book(EXAMPLE)
    assert registry.form_for(book) is bilaga2.FORM  # ivm-2019: bilaga2
    later = copy.deepcopy(book)
    later.agreement = dataclasses.replace(book.agreement, name="God och nära vård 2021 – Goda förutsättningar för "
                                                                 "vårdens medarbetare", year=2021)
    assert registry.form_for(later) is bilaga2_2021.FORM
    unknown = copy.deepcopy(book)
    unknown.agreement = dataclasses.replace(book.agreement, name="Ett avtal som katalogen inte har")
    assert registry.form_for(unknown).id == reference_data.DEFAULT_FORM


def test_a_form_the_tool_does_not_have_is_refused_naming_the_catalogue_line(user_catalogue):
    where = user_catalogue("bilaga2-1999")
    with pytest.raises(UserError) as exc:
        registry.form_for(read_book(EXAMPLE))
    assert f"{where}, line 2" in str(exc.value) and "bilaga2-1999" in str(exc.value)


def test_a_new_form_through_the_registry_alone(tmp_path, user_catalogue, monkeypatch):
    """A form module's FORM, its entry in REPORT_FORMS and the catalogue's column: `report` writes it (the
    command, batch, the button and Lite all run app.report)."""
    sections = tuple(s for s in bilaga2.SECTIONS if s is not bilaga2.objekt_table)
    form = bilaga2.ReportForm("utan-objekt", "test: the 2017 form without its table per objekt",
                              lambda book: bilaga2.build(book, sections))
    monkeypatch.setitem(registry.REPORT_FORMS, form.id, form)
    plain, _, _ = report_file(EXAMPLE, tmp_path / "plain.xlsx")
    user_catalogue("utan-objekt")
    out, summary, _ = report_file(EXAMPLE, tmp_path / "new.xlsx")
    assert "Kostnader per objekt" in _texts(plain)
    assert "Kostnader per objekt" not in _texts(out)
    assert summary.repay > 0 and "Ekonomisk redovisning" in " ".join(_texts(out))
