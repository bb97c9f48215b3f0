"""The report forms the tool can write, and which one an agreement gets.

An agreement's economic report follows the form of its agreement's Bilaga 2.  ``REPORT_FORMS`` lists the
forms by id; the catalogue (``read.reference_data``, ``data/agreements.csv``, column ``report_form``) names
the form of each agreement it knows, and ``form_for`` picks it for a workbook by its agreement's name and
year; an agreement the catalogue does not know gets ``bilaga2``, the 2017 agreement's form.

A new form: a module of ``forms`` with its ``FORM`` (a ``bilaga2.ReportForm``: an id, and ``build(book)``
that returns the sheet and its number of pages, usually ``bilaga2.build`` over sections of its own), its
entry in ``REPORT_FORMS``, and its id in the ``report_form`` column of the agreements that use it.  Nothing
else changes: the command, batch, the button "Skapa Bilaga 2" and Lite all write the agreement's form.
"""
from __future__ import annotations

from ..core.errors import UserError
from ..core.model import DecisionBook
from ..read.reference_data import DEFAULT_FORM, catalogue_for
from . import bilaga2, bilaga2_2021
from .bilaga2 import ReportForm

REPORT_FORMS: dict[str, ReportForm] = {f.id: f for f in (bilaga2.FORM, bilaga2_2021.FORM)}


def form_for(book: DecisionBook) -> ReportForm:
    """The report form of the workbook's agreement: the catalogue's ``report_form`` for an agreement of the
    same name and year, else the default; a form the tool does not have is refused, naming the catalogue's
    file and line."""
    entry = catalogue_for(book.agreement.name, book.agreement.year)
    name = entry.report_form if entry is not None else DEFAULT_FORM
    form = REPORT_FORMS.get(name)
    if form is None:
        raise UserError(f"{entry.where}: the agreement '{entry.id}' names the report form '{name}', which the "
                        f"tool does not have (forms: {', '.join(REPORT_FORMS)})")
    return form
