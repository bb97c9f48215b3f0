"""The ``Source`` port: where a workbook's cells come from, for every reader of ``read``.

A file on disk (``xlsx.file_source.FileSource``) and a workbook open in Excel (``excel.source.LiveSource``)
are both a ``Source``: sheets by name, Excel Tables by name, rows of values in bounds, hidden rows.  A
value is what the cell shows: text, a number (``Decimal``), a date, ``None``, or one of the kinds
below (an error value, a formula without a stored value, the value a merged range gives a cell it
covers); ``text`` turns any of them into the text a reader compares.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import NamedTuple, Protocol  # records: created ~10x faster than frozen dataclasses (issue 28)

MAX_ROW, MAX_COLUMN = 1048576, 16384


class CellError(str):
    """An error value in a cell, such as '#REF!'."""


class _Uncalculated:
    """A formula cell without a stored value (a file written by a program that does not calculate)."""

    def __repr__(self) -> str:
        return "UNCALCULATED"

    def __str__(self) -> str:
        return ""


UNCALCULATED = _Uncalculated()


class MergedCopy(NamedTuple):  # (see the import of NamedTuple)
    """What a cell covered by a merged range shows: the value of the range's top-left cell."""

    value: object


class TableInfo(NamedTuple):  # (see the import of NamedTuple)
    """An Excel Table as the reader needs it."""

    name: str
    sheet: str
    ref: str  # "A4:J28", header and totals rows included
    columns: tuple[str, ...]
    header_rows: int = 1
    totals_rows: int = 0


class Source(Protocol):
    """Where a workbook's cells come from."""

    name: str  # for messages: the file, or the open workbook

    def sheet_names(self) -> list[str]: ...

    def find_table(self, name: str) -> TableInfo | None: ...

    def rows(self, sheet: str, min_row: int = 1, max_row: int = MAX_ROW, min_col: int = 1,
             max_col: int = MAX_COLUMN) -> list[tuple[int, list[object]]]:
        """Non-empty rows in the bounds as (row number, values of columns min_col..max_col); a
        merged range gives its value to every cell it covers."""

    def hidden_rows(self, sheet: str) -> set[int]:
        """Hidden rows among those read so far."""


def text(value: object) -> str:
    """A cell's value as the text a reader compares: a whole number without decimals, a date as
    2019-12-31, an error value as its text ("#REF!"), nothing for an empty cell."""
    if isinstance(value, MergedCopy):
        value = value.value
    if value is None or value is UNCALCULATED:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value)) if math.isfinite(value) else CellError("#NUM!")
    if isinstance(value, Decimal):
        # bounded by the exponent before any arithmetic: int() of 1e1000000 would take minutes
        if value.is_finite() and value.adjusted() < 28 and value == value.to_integral_value():
            return str(int(value))
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
