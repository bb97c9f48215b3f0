"""Tests of xl_statsbidrag.excel.writer."""
import datetime as dt
from decimal import Decimal
import re

import openpyxl
from openpyxl.utils import column_index_from_string
import pytest

from tests import excel_book
from tests import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS, small_book
from tests.support.live import _path

from xl_statsbidrag import excel
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.xlsx.file_source import read_book


TODAY = dt.date(2026, 11, 22)


# --- the buttons' work through xlwings' API, against the headless report ------------------------------

def _headless_cells(path, sheet="Bilaga 2"):
    wb = openpyxl.load_workbook(path)
    try:
        return {(c.row, c.column): c.value for row in wb[sheet].iter_rows() for c in row if c.value is not None}
    finally:
        wb.close()


def _same_cells(live, headless):
    """The cells xlwings was given (replayed) are the file's: the same cells, numbers equal as decimals."""
    assert set(live) == set(headless)
    for key, value in headless.items():
        got = live[key]
        if isinstance(value, (int, float)):
            assert Decimal(str(got)) == Decimal(str(value)), key
        else:
            assert got == value, key


@pytest.mark.parametrize("example", [EXAMPLE_2019, EXAMPLE_2018])
def test_xlwings_report_agrees_with_headless_report_cell_for_cell(example, tmp_path):
    book = remote_book.book_from_file(example)
    initial = [s.name for s in book.sheets]
    summary, _, _ = excel.create_report(book, TODAY)
    live = remote_book.replay(book, initial)["Bilaga 2"]
    out = tmp_path / example.name
    report_file(example, out, TODAY)
    headless = _headless_cells(out)
    assert len(headless) > 100
    _same_cells(live, headless)
    assert summary.unused == (191 if example == EXAMPLE_2019 else 2228598)


def test_lite_column_widths_are_points():
    """xlwings documents Range.column_width in characters with classic xlwings and in points under Lite
    (Office.js): the layout's 32 characters are 229 pixels, 171.75 points there."""
    book = remote_book.book_from_file(EXAMPLE_2019)
    assert excel.column_width(book, 32) == 171.75 and excel.column_width(book, 8.43) == (8.43 * 7 + 5) * 0.75
    initial = [s.name for s in book.sheets]
    excel.create_report(book, TODAY)
    position = len(initial)  # Bilaga 2 is added after the workbook's sheets
    widths = [a["args"][0] for a in book.json()["actions"] if a["func"] == "setColumnWidth"
              and a["sheet_position"] == position]
    from xl_statsbidrag.app.report import make_report as layouts

    expected = layouts(read_book(EXAMPLE_2019), TODAY).sheets[0].column_widths
    assert widths == [(w * 7 + 5) * 0.75 for w in expected]


CASES = [pytest.param(EXAMPLE_2019, id="2019"), pytest.param(EXAMPLE_2018, id="2018"),
         pytest.param("hostile", id="hostile")]


def _font(part):
    """A header/footer section as Excel's codes, however the reader split it (size code, text)."""
    return (f"&{int(part.size)}" if part.size else "") + (part.text or "")


def _sheet_state(ws, rows: int, columns: int):
    cells = {}
    for row in ws.iter_rows(min_row=1, max_row=rows, max_col=columns):
        for c in row:
            value = c.value
            if isinstance(value, str):
                value = re.sub(r"Skapad \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "Skapad (tid)", value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = Decimal(str(value))
            cells[c.coordinate] = (
                value, c.number_format, bool(c.font.b), bool(c.font.i), float(c.font.sz or 11), c.font.name,
                (c.font.color.rgb[-6:] if c.font.color is not None and isinstance(c.font.color.rgb, str) else None),
                c.fill.fgColor.rgb[-6:] if c.fill.fill_type == "solid" else None,
                c.alignment.horizontal, c.alignment.vertical or "bottom", bool(c.alignment.wrap_text),
                c.border.top.style, c.border.bottom.style)
    widths = {}
    for key, dim in ws.column_dimensions.items():
        first = dim.min or column_index_from_string(key)
        for col in range(first, (dim.max or first) + 1):
            if col and col <= columns and dim.width:
                widths[col] = round(dim.width, 2)
    setup, margins = ws.page_setup, ws.page_margins
    return {
        "cells": cells,
        "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        "heights": {r: ws.row_dimensions[r].height for r in range(1, rows + 1) if ws.row_dimensions[r].height},
        "widths": widths,
        "print": (setup.paperSize and int(setup.paperSize), setup.orientation, bool(ws.sheet_properties.pageSetUpPr
                  and ws.sheet_properties.pageSetUpPr.fitToPage), int(setup.fitToWidth or 1),
                  int(setup.fitToHeight or 0) if ws.sheet_properties.pageSetUpPr and
                  ws.sheet_properties.pageSetUpPr.fitToPage else None,
                  tuple(round(getattr(margins, s), 4) for s in ("left", "right", "top", "bottom"))),
        "header": tuple(_font(getattr(ws.oddHeader, s)) for s in ("left", "center", "right")),
        "footer": tuple(_font(getattr(ws.oddFooter, s)) for s in ("left", "center", "right")),
        "breaks": sorted(b.id for b in ws.row_breaks.brk),
        "print_area": ws.print_area or None,
        "view": (ws.sheet_view.showGridLines is not False, ws.freeze_panes),
    }


@pytest.mark.parametrize("case", CASES)
def test_button_path_writes_what_the_file_path_writes(case, tmp_path):
    path = _path(case, tmp_path)
    book = excel_book.Book(path)
    summary, findings, live = excel.create_report(book, TODAY)
    assert live.skipped == [] and live.unchecked == []
    out = tmp_path / "out.xlsx"
    report_file(path, out, TODAY)
    disk = openpyxl.load_workbook(out)
    for name in ("Bilaga 2", "Kontroll"):
        written, live = disk[name], book.wb[name]
        rows, columns = max(written.max_row, live.max_row), max(written.max_column, live.max_column)
        expected, got = _sheet_state(written, rows, columns), _sheet_state(live, rows, columns)
        assert len(expected["cells"]) > 50
        for key in expected:
            if key == "cells":
                for coordinate, state in expected["cells"].items():
                    assert got["cells"][coordinate] == state, (name, coordinate)
            else:
                assert got[key] == expected[key], (name, key)
    assert [s.name for s in book.sheets][-3:] == ["Bilaga 2", "Kontroll", "Återbetalning"]
    assert any(b.border.bottom.style == "thin" for row in book.wb["Bilaga 2"].iter_rows() for b in row)  # signatures
    if path == EXAMPLE_2019:
        assert summary.unused == 191


def test_rewriting_over_an_old_sheet_gives_what_the_file_path_gives(tmp_path):
    """Excel's Clear keeps row heights, column widths and page breaks; the rewritten sheet must still be
    the file path's sheet, not a mix of the old and the new."""
    book = excel_book.Book(EXAMPLE_2019)
    excel.create_report(book, TODAY)
    old = book.wb["Bilaga 2"]
    for r in range(1, 120):
        old.row_dimensions[r].height = 50
    old.column_dimensions["H"].width = 70
    old.row_breaks.append(excel_book.Break(id=3))
    old.sheet_view.showGridLines = True
    excel.create_report(book, TODAY)
    out = tmp_path / "out.xlsx"
    report_file(EXAMPLE_2019, out, TODAY)
    written = openpyxl.load_workbook(out)["Bilaga 2"]
    rows, columns = max(written.max_row, old.max_row), max(written.max_column, old.max_column)
    expected, got = _sheet_state(written, rows, columns), _sheet_state(old, rows, columns)
    for key in ("heights", "widths", "breaks", "view", "merges", "print"):
        assert got[key] == expected[key], key
    assert got["cells"] == {k: v for k, v in expected["cells"].items() if k in got["cells"]}


def test_replacing_bilaga_2_keeps_the_sheet_so_references_survive():
    book = excel_book.Book(EXAMPLE_2019)
    excel.create_report(book, TODAY)
    sheet = book.wb["Bilaga 2"]
    sheet.title = "tillfälligt"
    sheet.title = "bilaga 2"  # the user renamed it; Excel compares sheet names without case
    refs = book.wb.create_sheet("Sammanställning")
    refs["A1"] = "='bilaga 2'!F20"
    sheet["Z99"] = "gammalt"
    sheet.merge_cells("X1:Y2")
    excel.create_report(book, TODAY)
    assert book.wb["bilaga 2"] is sheet and [s.title for s in book.wb.worksheets].count("bilaga 2") == 1
    assert "Bilaga 2" not in book.wb.sheetnames
    assert refs["A1"].value == "='bilaga 2'!F20"
    assert sheet["Z99"].value is None and "X1:Y2" not in {str(m) for m in sheet.merged_cells.ranges}


def test_on_a_mac_the_dialog_says_what_this_excel_could_not_set():
    """On a Mac, xlwings reaches borders, alignment, merges and hidden rows, but not the page setup (Windows'
    object model): the sheets are written, and the dialog names what differs instead of skipping it
    silently."""
    book = excel_book.MacBook(EXAMPLE_2019)
    excel.skapa_bilaga2(book)
    title, text = book.app.alerts[-1]
    assert title == "Skapa Bilaga 2" and "Bladen Bilaga 2, Kontroll och Återbetalning är skapade" in text
    assert excel.writer.PAGE_SETUP in text and "xl-statsbidrag report" in text
    assert excel.writer.BORDERS not in text and excel.writer.ALIGNMENT not in text
    sheet = book.wb["Bilaga 2"]
    assert any(c.border.bottom.style == "thin" for row in sheet.iter_rows() for c in row)  # signature lines
    assert sheet.page_setup.paperSize is None  # not set: said in the dialog
    windows = excel_book.Book(EXAMPLE_2019)
    excel.skapa_bilaga2(windows)
    assert "kunde inte sätta" not in windows.app.alerts[-1][1]


# --- formula injection ----------------------------------------------------------------------------------

RISKY = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://evil\",\"x\")"]


def test_text_is_written_as_text_through_xlwings(tmp_path):
    from tests import remote_book
    from xl_statsbidrag import excel

    rows = [[text, "V", 100 + i, "9917", "", None] for i, text in enumerate(RISKY)]
    book = remote_book.book_from_file(small_book(tmp_path / "t.xlsx", rows))
    names = [s.name for s in book.sheets]
    excel.create_report(book, TODAY)
    sent = [a for a in book.json()["actions"] if a["func"] == "setValues"][0]["values"]
    flat = [v for row in sent for v in row if isinstance(v, str)]
    for text in RISKY:
        assert "'" + text.strip() in flat  # the apostrophe tells Excel: text, not a formula
    assert remote_book.replay(book, names)["Bilaga 2"]


def test_the_utfall_sheet_through_xlwings_is_the_headless_one_cell_for_cell(tmp_path):
    """The sheet Utfall's transactions are a row block in the layout (issue 22 item 10); through xlwings
    (which writes values, not the package's text) they are the same cells as in the file ``utfall`` writes."""
    from xl_statsbidrag.app.utfall import utfall_file

    ledger = WORKBOOKS / "huvudbok_2019.csv"
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    excel.fetch_utfall(book, [str(ledger)], today=TODAY)
    live = remote_book.replay(book, initial)["Utfall"]
    out, result = utfall_file(EXAMPLE_2019, [ledger], tmp_path / "u.xlsx", today=TODAY)
    headless = _headless_cells(out, "Utfall")
    assert len(result.transactions) > 20 and len(headless) > 12 * len(result.transactions)
    _same_cells(live, headless)
