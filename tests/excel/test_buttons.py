"""The button path against the file path, with a book that answers as Excel answers through xlwings
(tests/excel_book.py: made with openpyxl from the file, not with our reader).  Both paths must find the
same findings and write the same Bilaga 2 and Kontroll: values, formulas, number formats, fonts,
fills, merges, borders, alignment, row heights, column widths and the print setup."""
import datetime as dt
import re
from decimal import Decimal

import openpyxl
from openpyxl.utils import column_index_from_string
import pytest

import excel_book
import remote_book  # noqa: F401  (sets xlwings' free key before xlwings is first imported, whatever the order)
import xlwings as xw
from conftest import EXAMPLE_2018, EXAMPLE_2019, examples
from xl_statsbidrag import excel
from xl_statsbidrag.app import allocate
from xl_statsbidrag.app.report import report_file
from xl_statsbidrag.read.workbook_format import AGREEMENT_LABELS, AGREEMENT_SHEET
from xl_statsbidrag.read.format_reader import read
from xl_statsbidrag.check.validate import validate
from xl_statsbidrag.xlsx.file_source import read_book

TODAY = dt.date(2026, 11, 22)


def hostile(tmp_path, errors: bool = True):
    """The 2019 example with what the live reader used to get wrong: a hidden activity row, error
    values (in an amount and in a text column; left out with ``errors=False``, which leaves a workbook
    that can be reported on) and a label merged over two columns."""
    def extra(wb, sheets):
        ws = sheets["activities"]
        ws.set_row(6, None, None, {"hidden": True})  # the third activity
        column = examples.COLUMNS.index
        if errors:
            ws.write_formula(7, column("actual"), "=1/0", None, "#DIV/0!")  # Utfall of the fourth: an error value
            ws.write_formula(8, column("comment"), "=NA()", None, "#N/A")  # Kommentar of the fifth
        agreement = sheets["agreement"]
        strings = {i: s for s, i in wb.str_table.string_table.items()}
        label = AGREEMENT_LABELS["contact_person"]
        row = next(r for r, cells in agreement.table.items()
                   if 0 in cells and strings.get(getattr(cells[0], "string", None)) == label)
        agreement.merge_range(row, 0, row, 1, label, wb.add_format({"text_wrap": True, "valign": "top"}))
        agreement.write(row, 2, "Kontakt i sammanslagen rad")

    path = tmp_path / ("hostile.xlsx" if errors else "merged_hidden.xlsx")
    examples.build(path, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"], extra)
    return path


CASES = [pytest.param(EXAMPLE_2019, id="2019"), pytest.param(EXAMPLE_2018, id="2018"),
         pytest.param("hostile", id="hostile")]


def _path(case, tmp_path):
    return hostile(tmp_path) if case == "hostile" else case


def _finding(f):
    return f.severity, f.code, f.message, str(f.location), f.amount


@pytest.mark.parametrize("kind", [excel_book.Book, excel_book.MacBook], ids=["windows", "mac"])
@pytest.mark.parametrize("case", CASES)
def test_live_reader_finds_what_the_file_reader_finds(case, kind, tmp_path):
    path = _path(case, tmp_path)
    live = excel.read_live(kind(path))
    assert live.unchecked == []
    disk_book = read_book(path)
    disk = validate(disk_book, TODAY)
    assert [_finding(f) for f in validate(live.book, TODAY)] == [_finding(f) for f in disk]
    assert live.book.agreement == disk_book.agreement
    if case == "hostile":
        codes = {f.code for f in disk}
        assert "dold-rad" in codes  # the hidden row, seen through xlwings' rows.hidden (Windows and Mac)
        assert any("#DIV/0!" in f.message for f in disk)
        assert live.book.agreement.contact_person == "Kontakt i sammanslagen rad"


def test_the_reader_asks_excel_few_questions(tmp_path, monkeypatch):
    """Merged cells and hidden rows are asked of Excel per block, then per row that has an empty cell, then
    per empty cell of a row with a merge; hidden rows by halving: far fewer questions than cells (each is
    a round trip to Excel, slow on the web)."""
    asked = []

    class Counting(excel.Classic):
        async def merged(self, rng):
            asked.append("merged")
            return await super().merged(rng)

        async def merge_area(self, rng):
            asked.append("area")
            return await super().merge_area(rng)

        async def hidden(self, rng):
            asked.append("hidden")
            return await super().hidden(rng)

    book = excel_book.Book(hostile(tmp_path))
    live = excel.source._now(excel.read_async(book, Counting()))
    assert {f.code for f in live.book.problems} >= {"dold-rad"}
    cells = sum(len(row) * len(row[0]) for row in [v for v in live_blocks(book)])
    assert cells > 300 and len(asked) < cells / 3, (cells, len(asked))
    assert asked.count("hidden") < 12  # 24 rows of activities, one hidden: found by halving


def live_blocks(book):
    source = excel.LiveSource(book)
    read(source)
    return [values for values in source._blocks.values() if values]


def test_the_stand_in_answers_as_excel_does(tmp_path):
    """What the stand-in returns (and so what LiveSource must cope with): None in merged and error cells
    unless asked with err_to_str, floats for numbers, datetimes for dates, hidden rows' values."""
    book = excel_book.Book(hostile(tmp_path))
    acts = book.sheets["aktiviteter"]  # by name without regard to case, as Excel
    utfall = examples.COLUMNS.index("actual") + 1
    assert acts.range((8, utfall)).value is None
    assert acts.range((8, utfall)).options(err_to_str=True).value == "#DIV/0!"
    assert acts.range((7, 5)).value == 3500000.0 and isinstance(acts.range((7, 5)).value, float)
    assert acts.range("A7").rows.hidden is True and acts.range("A6").rows.hidden is False
    assert acts.range("A5:A8").rows.hidden is None  # some hidden, some not
    agreement = book.sheets[AGREEMENT_SHEET]
    assert agreement.range("B2").value is None and agreement.range("A2").merge_area.address == "$A$2:$B$2"
    dates = [v for row in agreement.used_range.options(ndim=2).value for v in row if isinstance(v, dt.datetime)]
    assert dt.datetime(2019, 12, 1) in dates


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
    assert [s.name for s in book.sheets][-2:] == ["Bilaga 2", "Kontroll"]
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


def test_buttons_alert_in_swedish():
    book = excel_book.Book(EXAMPLE_2019)
    excel.skapa_bilaga2(book)
    excel.kontrollera(book)
    (t1, m1), (t2, m2) = book.app.alerts
    assert t1 == "Skapa Bilaga 2" and "191 kr" in m1 and "Bladen Bilaga 2 och Kontroll är skapade" in m1
    assert t2 == "Kontrollera" and "0 fel" in m2


def test_fordela_writes_the_allocation_and_names_the_regions_share():
    book = excel_book.Book(EXAMPLE_2019)
    excel.fordela(book, "2 835 000 000", "2018-12-31")
    sheet = book.wb["Fördelning"]
    jamtland = next(r for r in sheet.iter_rows() if r[0].value == "Jämtlands län")
    assert jamtland[2].value == 36103335
    title, text = book.app.alerts[-1]
    assert title == "Fördela" and "Region Jämtland Härjedalen: 36 103 335 kr" in text
    excel.fordela(book, "-5 kr")
    assert "positivt belopp" in book.app.alerts[-1][1]
    excel.fordela(book, "hundra")
    assert "Fördelningen kunde inte göras" in book.app.alerts[-1][1] and "'hundra' är inte ett belopp" in \
        book.app.alerts[-1][1]


# --- where Excel differs: SharePoint, Mac, the calling workbook, Protected View (issue 23) -------------------

def test_a_sharepoint_workbook_is_named_by_its_name(monkeypatch):
    """xlwings' fullname raises for a workbook on SharePoint or in Teams without a synced copy; the name
    is only a label, so the workbook's name stands in and every button works."""
    book = excel_book.SharePointBook(EXAMPLE_2019)
    with pytest.raises(xw.XlwingsError):
        book.fullname
    assert excel.read_live(book).book.path == "beslutsunderlag_2019.xlsx"
    for press in (excel.skapa_bilaga2, excel.kontrollera, excel.rekvisition):
        press(book)
    titles = [t for t, _ in book.app.alerts]
    assert titles == ["Skapa Bilaga 2", "Kontrollera", "Rekvisition"]
    assert not any("kunde inte" in text for _, text in book.app.alerts)
    assert "beslutsunderlag_2019.xlsx" in str(book.wb["Kontroll"]["A2"].value or "") + "".join(
        str(c.value) for row in book.wb["Kontroll"].iter_rows(max_row=6) for c in row if c.value)


def test_on_a_mac_the_dialog_says_what_this_excel_could_not_set():
    """On a Mac, xlwings reaches borders, alignment, merges and hidden rows, but not the page setup (Windows'
    object model): the sheets are written, and the dialog names what differs instead of skipping it
    silently."""
    book = excel_book.MacBook(EXAMPLE_2019)
    excel.skapa_bilaga2(book)
    title, text = book.app.alerts[-1]
    assert title == "Skapa Bilaga 2" and "Bladen Bilaga 2 och Kontroll är skapade" in text
    assert excel.writer.PAGE_SETUP in text and "xl-statsbidrag report" in text
    assert excel.writer.BORDERS not in text and excel.writer.ALIGNMENT not in text
    sheet = book.wb["Bilaga 2"]
    assert any(c.border.bottom.style == "thin" for row in sheet.iter_rows() for c in row)  # signature lines
    assert sheet.page_setup.paperSize is None  # not set: said in the dialog
    windows = excel_book.Book(EXAMPLE_2019)
    excel.skapa_bilaga2(windows)
    assert "kunde inte sätta" not in windows.app.alerts[-1][1]


def test_the_buttons_act_on_the_workbook_that_called_them(monkeypatch):
    """Each button takes xlwings' Book.caller(): the workbook of the button, or for the ribbon the one that
    was active when it was clicked (xlwings' add-in passes its name), not whichever window is on top
    when Python starts."""
    called, on_top = excel_book.Book(EXAMPLE_2019), excel_book.Book(EXAMPLE_2018)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: called))

    class Apps:
        class active:  # noqa: N801
            class books:  # noqa: N801
                active = on_top

    monkeypatch.setattr(xw, "apps", Apps)
    excel.kontrollera()
    assert "Kontroll" in called.wb.sheetnames and "Kontroll" not in on_top.wb.sheetnames
    assert called.app.alerts[-1][0] == "Kontrollera"


def test_protected_view_says_to_enable_editing(monkeypatch):
    """A workbook in Protected View cannot be reached (xlwings' Book.caller() fails): the dialog says to
    click Aktivera redigering; with no Excel to show it, Python exits with the text, which xlwings shows."""
    shown = []

    def unreachable(cls):
        raise xw.XlwingsError("Could not activate the workbook")

    class App:
        @staticmethod
        def alert(text, title=""):
            shown.append((title, text))

    class Apps:
        active = App()

    monkeypatch.setattr(xw.Book, "caller", classmethod(unreachable))
    monkeypatch.setattr(xw, "apps", Apps)
    assert excel.skapa_bilaga2() is None
    assert shown[0][0] == "Skapa Bilaga 2" and "Aktivera redigering" in shown[0][1]

    class NoExcel:
        @property
        def active(self):
            raise xw.XlwingsError("no Excel")

    monkeypatch.setattr(xw, "apps", NoExcel())
    with pytest.raises(SystemExit, match="Aktivera redigering"):
        excel.kontrollera()


@pytest.mark.parametrize("failure", [xw.XlwingsError("The object invoked has disconnected from its clients."),
                                     NotImplementedError("not on this engine"),
                                     AttributeError("'NoneType' object has no attribute 'Sheets'")])
def test_every_button_shows_what_xlwings_raised_as_a_dialog(failure, monkeypatch):
    book = excel_book.Book(EXAMPLE_2019)

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(excel.buttons, "read_live", broken)
    monkeypatch.setattr(allocate, "fordela", broken)
    for press, title in ((excel.skapa_bilaga2, "Skapa Bilaga 2"), (excel.kontrollera, "Kontrollera"),
                         (excel.rekvisition, "Rekvisition"), (lambda b: excel.hamta_utfall(b, ["x.csv"]), "Hämta utfall"),
                         (lambda b: excel.fordela(b, "100"), "Fördela")):
        assert press(book) is None
        shown_title, text = book.app.alerts[-1]
        assert shown_title == title and "Excel svarade inte som väntat" in text and type(failure).__name__ in text


# --- the button and the command give the same findings (issue 23, item 10) --------------------------------

def test_rekvisition_button_and_command_give_the_same_findings(tmp_path):
    """The button reported only rekvisition-snart where the command also reported the missing required
    fields; both now run jobs.requisition."""
    from xl_statsbidrag.app.requisition import requisition_file

    today = dt.date(2019, 11, 20)  # eleven days before the requisition deadline
    _, agreement, command = requisition_file(EXAMPLE_2019, tmp_path / "r.xlsx", today)
    book = excel_book.Book(EXAMPLE_2019)
    live_agreement, button, _ = excel.create_requisition(book, today)
    assert [_finding(f) for f in button] == [_finding(f) for f in command]
    codes = [f.code for f in command]
    assert "rekvisition-snart" in codes and codes.count("uppgift-saknas") == 3
    assert live_agreement.requested == agreement.requested
    excel.rekvisition(book)  # the dialog lists them, as the command prints them (today's date)
    text = book.app.alerts[-1][1]
    _, _, today_command = requisition_file(EXAMPLE_2019, tmp_path / "today.xlsx")
    assert all(f"{f.location}: {f.message}" in text for f in today_command)


def test_utfall_button_refuses_unreadable_cells_as_the_command_does(tmp_path):
    from xl_statsbidrag.core.errors import UserError
    from xl_statsbidrag.app.utfall import utfall_file

    path = hostile(tmp_path)  # #DIV/0! in an Utfall cell, #N/A in a comment
    ledger = EXAMPLE_2019.parent / "huvudbok_2019.csv"
    with pytest.raises(UserError) as command:
        utfall_file(path, [ledger], tmp_path / "u.xlsx")
    book = excel_book.Book(path)
    before = [s.title for s in book.wb.worksheets]
    assert excel.hamta_utfall(book, [str(ledger)]) is None
    title, text = book.app.alerts[-1]
    assert title == "Hämta utfall" and "Utfallet kunde inte hämtas" in text
    assert command.value.message in text and "so no utfall was written" in text
    assert [s.title for s in book.wb.worksheets] == before  # nothing written


def test_utfall_button_and_command_give_the_same_result(tmp_path):
    from xl_statsbidrag.app.utfall import utfall_file

    ledger = EXAMPLE_2019.parent / "huvudbok_2019.csv"
    _, command = utfall_file(EXAMPLE_2019, [ledger], tmp_path / "u.xlsx", today=TODAY)
    button, _ = excel.fetch_utfall(excel_book.Book(EXAMPLE_2019), [str(ledger)], today=TODAY)
    assert button.actual == command.actual
    assert [_finding(f) for f in button.findings] == [_finding(f) for f in command.findings]
