"""The use case "validate" (the command) and "Kontrollera" (the button): the findings of a workbook; the
button also writes them as the sheet Kontroll (``forms.kontroll``)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..check.validate import validate
from ..core.model import DecisionBook, Finding
from ..forms.kontroll import kontroll_sheet
from .files import read_file
from .target import Output, Target


def check(book: DecisionBook, target: Target, today: dt.date | None = None) -> list[Finding]:
    """Validate ``book`` (as ``xl-statsbidrag validate``) and write the findings to ``target`` as the sheet
    Kontroll; returns the findings."""
    findings = validate(book, today)
    target.write(Output([kontroll_sheet(book, findings, today)]))
    return findings


def validate_file(path: Path | str, today: dt.date | None = None) -> tuple[DecisionBook, list[Finding]]:
    """The findings of a workbook file (nothing is written)."""
    book = read_file(path)
    return book, validate(book, today)
