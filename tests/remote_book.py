"""xlwings' JSON ("remote") book engine as a stand-in for Excel: a book made from a workbook file,
and a replay of the actions an xlwings writer recorded into a grid of cells."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # xlwings' documented free key

import xlwings as xw  # noqa: E402

from xl_statsbidrag.core.a1 import column_letter  # noqa: E402
from xl_statsbidrag.core.a1 import bounds  # noqa: E402
from xl_statsbidrag.xlsx.cells import CellReader  # noqa: E402
from xl_statsbidrag.xlsx.package import Package  # noqa: E402


def _json_value(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10] if isinstance(v, dt.datetime) and v.time() == dt.time() else v.isoformat()
    return "" if v is None else v


def book_from_file(path: Path) -> "xw.Book":
    """The workbook as xlwings' JSON book engine takes it (values, tables, used ranges)."""
    sheets = []
    with Package(path) as pkg:
        cells = CellReader(pkg)
        tables = pkg.tables()
        for sheet in pkg.sheets:
            rows = cells.rows(sheet, max_col=60)
            last_row = max((r for r, _ in rows), default=1)
            last_col = max((i + 1 for _, vs in rows for i, v in enumerate(vs) if v is not None), default=1)
            grid = [[""] * last_col for _ in range(last_row)]
            for r, vs in rows:
                for c, v in enumerate(vs[:last_col]):
                    grid[r - 1][c] = _json_value(v)
            api_tables = []
            for t in (t for t in tables if t.sheet.name == sheet.name):
                c1, r1, c2, r2 = bounds(t.ref)
                first, last = column_letter(c1), column_letter(c2)
                api_tables.append({
                    "name": t.display_name, "range_address": t.ref,
                    "header_row_range_address": f"{first}{r1}:{last}{r1}",
                    "data_body_range_address": f"{first}{r1 + 1}:{last}{r2 - t.totals_rows}",
                    "total_row_range_address": f"{first}{r2}:{last}{r2}" if t.totals_rows else None,
                    "show_headers": True, "show_totals": bool(t.totals_rows)})
            sheets.append({"name": sheet.name, "values": grid, "tables": api_tables, "pictures": [], "shapes": [],
                           "charts": [], "notes": [], "print_area": None,
                           "used_range_address": f"A1:{column_letter(last_col)}{last_row}"})
    data = {"version": xw.__version__, "client": "Microsoft Office",
            "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
            "sheets": sheets, "names": []}
    return xw.Book(json=data)


def replay(book: "xw.Book", initial: list[str]) -> dict[str, dict[tuple[int, int], object]]:
    """Apply the recorded actions to the sheets (cells by (row, column), 1-based) as Excel would:
    values (a leading apostrophe marks text and is not part of the value) and formulas."""
    order = list(initial)
    sheets: dict[str, dict[tuple[int, int], object]] = {name: {} for name in order}
    for action in book.json()["actions"]:
        func, args = action["func"], action["args"]
        if func == "addSheet":
            order.insert(args[0], args[1])
            sheets[args[1]] = {}
        elif func == "sheetDelete":
            name = order.pop(action["sheet_position"])
            del sheets[name]
        elif func in ("setValues", "setFormula"):
            name = order[action["sheet_position"]]
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    key = (action["start_row"] + i + 1, action["start_column"] + j + 1)
                    if value is None or value == "":
                        sheets[name].pop(key, None)
                    else:
                        sheets[name][key] = value[1:] if isinstance(value, str) and value.startswith("'") else value
    return sheets
