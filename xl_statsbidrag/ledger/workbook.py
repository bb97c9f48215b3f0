"""The reader of ledger exports saved as Excel workbooks (.xlsx/.xlsm), with openpyxl (read-only, row by
row, so that each row keeps its sheet row number): *every* sheet that is a ledger (a header row with
date, konto, objekt and an amount), one after the other, so that a ledger split over several sheets is
read whole; the other sheets are named in the notes.  Numbers are taken at their shortest decimal form."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from ..core.a1 import column_letter
from ..core.errors import Location, UserError
from .frame import HEADER_SEARCH_ROWS, _check_header, _field_notes, _header_index, _no_header, convert


def _excel_text(value: object) -> str:
    """A cell's value as the text the rest of the reader parses: a number at its shortest decimal form
    (never an exponent), a date as YYYY-MM-DD."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _sheet_part(rows, columns: dict[str, str] | None, objekt):
    """One sheet's rows (an iterator): (Header, header row index, the raw frame) when it is a ledger (a
    header row with date, konto, objekt and an amount among its first rows), else (Header or None, why,
    None).  The rows after the header are streamed: only the header's cells are kept as text, and with
    ``objekt`` only the rows on it, so a sheet of a million rows needs the memory of what is kept."""
    head = []
    for row in rows:
        head.append([_excel_text(v) for v in row])
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index, header = _header_index(head, columns)
    if header is None or not header.complete:
        why = "empty" if not any(any(t for t in r) for r in head) else \
            "no header row with date, konto, objekt and an amount"
        return header, why, None
    fields = list(header.fields.items())
    at = header.fields["objekt"]
    wanted = {str(c).strip() for c in objekt} if objekt is not None else None
    values: dict[str, list[str]] = {f: [] for f, _ in fields}
    numbers: list[int] = []

    def take(number: int, cells: list[str]) -> None:
        if not any(cells):
            return
        if wanted is not None and (cells[at] if at < len(cells) else "").strip() not in wanted:
            return
        for f, i in fields:
            values[f].append(cells[i] if i < len(cells) else "")
        numbers.append(number)
    for number, cells in enumerate(head[index + 1:], start=index + 2):
        take(number, cells)
    for number, row in enumerate(rows, start=len(head) + 1):
        take(number, [_excel_text(v) for v in row])
    part = pd.DataFrame({f: pd.Series(v, dtype=object) for f, v in values.items()})
    part["_row"] = np.array(numbers, dtype=np.int64)
    return header, index, part


def _read_excel(path: Path, columns: dict[str, str] | None, objekt=None):
    """Every sheet of the workbook that is a ledger (``_sheet_part``), one after the other; the others
    are named in the notes.  Read with openpyxl (read-only, row by row), so that each row keeps its sheet
    row number."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UserError(f"the Excel file cannot be read: {exc}", file=path) from None
    parts, read, skipped, first_problem, first_rows = [], [], [], None, []
    try:
        several = len(book.worksheets) > 1
        for ws in book.worksheets:
            try:
                ws.reset_dimensions()
                header, index, part = _sheet_part(ws.iter_rows(values_only=True), columns, objekt)
                if not first_rows and part is None and index != "empty":
                    first_rows = [[_excel_text(v) for v in r] for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS,
                                                                                    values_only=True)]
            except UserError:
                raise
            except Exception as exc:
                raise UserError(f"sheet '{ws.title}' cannot be read: {exc}", file=path) from None
            if part is None:
                skipped.append(f"'{ws.title}' ({index})")
                if header is not None and header.score >= 3 and (first_problem is None or
                                                                  header.score > first_problem[1].score):
                    first_problem = (ws.title, header)
                continue
            _check_header(path, header, f"sheet '{ws.title}': ")
            letters = {f: column_letter(i + 1) for f, i in header.fields.items()}
            hidden = ws.sheet_state != "visible"
            parts.append((ws.title, hidden, part, header, letters))
            read.append(f"'{ws.title}'" + (" (hidden)" if hidden else "") +
                        f" (header row {index + 1}, {len(part)} rows{' on the objekt' if objekt is not None else ''})")
    finally:
        book.close()
    if not parts:
        if first_problem is not None:
            title, header = first_problem
            _check_header(path, header, f"sheet '{title}': ")
        raise _no_header(path, first_rows, "no sheet is a ledger (" + ", ".join(skipped) + "): " if several else "")
    for (t1, _, p1, _, _), (t2, _, p2, _, _) in ((a, b) for i, a in enumerate(parts) for b in parts[i + 1:]):
        if len(p1) and len(p1) == len(p2) and p1.drop(columns="_row").reset_index(drop=True).equals(
                p2.drop(columns="_row").reset_index(drop=True)):
            raise UserError(f"sheets '{t1}' and '{t2}' hold the same rows: the same ledger twice? Remove one",
                            file=path)
    notes = [f"Excel, sheet{'s' if len(read) > 1 else ''} " + ", ".join(read)]
    if skipped:
        notes.append("not read: " + ", ".join(skipped))
    return parts, several, notes


def read(path: Path, columns: dict[str, str] | None = None, objekt=None) -> pd.DataFrame:
    """The frame of every ledger sheet of the workbook (see ``frame``); with ``objekt`` only the rows on
    those objekt."""
    parts, several, notes = _read_excel(path, columns, objekt)
    frames = []
    for title, _, raw, header, letters in parts:
        def where(line, name, title=title, letters=letters):
            return "", Location(title, f"{letters[name]}{line}")
        file = f"{path}[{title}]" if several else str(path)
        frames.append(convert(raw, header, path, file, where))
        notes.extend(f"sheet '{title}': {n}" if len(parts) > 1 else n for n in _field_notes(header))
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out.attrs = {"ledger": {"file": str(path), "notes": notes, "warnings": []}}
    return out
