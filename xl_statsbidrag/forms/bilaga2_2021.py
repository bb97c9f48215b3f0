"""The report form of the 2021 agreement, God och nära vård 2021 (seed 003), chosen for it by the
catalogue (``data/agreements.csv``, ``report_form`` = ``bilaga2-2021``).

The seeds give the text of the 2017 agreement's Bilaga 2 only; SKR's page on the 2021 agreement (seed 003)
describes its money and its reporting duties, not its form.  Until the 2021 form is at hand, this form
has the 2017 form's sections, in their order: it is the place where the 2021 form's own sections go (a
tuple of ``bilaga2`` section functions and new ones), without any other module changing.
"""
from __future__ import annotations

from ..core.model import DecisionBook
from . import bilaga2
from .bilaga2 import ReportForm
from .layout import SheetLayout

SECTIONS = bilaga2.SECTIONS


def build(book: DecisionBook) -> tuple[SheetLayout, int]:
    return bilaga2.build(book, SECTIONS)


FORM = ReportForm("bilaga2-2021", "God och nära vård 2021 (seed 003): the 2017 form's sections until its own "
                                  "form is at hand", build)
