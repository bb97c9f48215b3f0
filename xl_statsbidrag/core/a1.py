"""A1 references, defined once: column letters and numbers, a cell's reference, a range's bounds.

openpyxl has these (``get_column_letter``, ``column_index_from_string``, ``range_boundaries``); they are
kept our own because the xlwings Lite path (lite/main.py -> excel -> the readers and forms) must not
import openpyxl, pandas or lxml, and the core imports the standard library only.
"""
from __future__ import annotations

import re

from .errors import UserError

_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


def column_letter(column: int) -> str:
    """"A" for 1, "AA" for 27."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """1 for "A"; 0 for anything that is not column letters."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            return 0
        n = n * 26 + ord(ch) - 64
    return n


def ref(column: int, row: int) -> str:
    """"B7" for column 2, row 7."""
    return f"{column_letter(column)}{row}"


def bounds(ref: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of a range such as "A3:J28" (or a cell, "B7")."""
    match = _RANGE.fullmatch(ref.strip().upper())
    if not match:
        raise UserError(f"'{ref}' is not a cell range")
    a, r1, b, r2 = match.groups()
    return column_number(a), int(r1), column_number(b or a), int(r2 or r1)
