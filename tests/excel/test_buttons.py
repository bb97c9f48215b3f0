"""The button path against the file path, with a book that answers as Excel answers through xlwings
(tests/excel_book.py: made with openpyxl from the file, not with our reader).  Both paths must find the
same findings and write the same Bilaga 2 and Kontroll: values, formulas, number formats, fonts,
fills, merges, borders, alignment, row heights, column widths and the print setup."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
import sys

import pytest
import xlwings as xw

from tests import excel_book
from tests import remote_book  # noqa: F401  (sets xlwings' noncommercial key before xlwings.pro is used)
from tests.conftest import EXAMPLE_2018, EXAMPLE_2019, WORKBOOKS
from tests.support.live import _finding, hostile
from tests.support.utfall import _sheet

from xl_statsbidrag import excel
from xl_statsbidrag.app import allocate
from xl_statsbidrag.app.requisition import requisition_file
from xl_statsbidrag.app.utfall import utfall_file
from xl_statsbidrag.core.errors import UserError
from xl_statsbidrag.forms.rekvisition import requisition_sheet
from xl_statsbidrag.xlsx.file_source import read_book
from tests.support.grantledger import TODAY as LEDGER_DAY
from xl_statsbidrag.app.bokslut import bokslut_files


TODAY = dt.date(2026, 11, 22)


def test_running_the_button_twice_replaces_the_sheet():
    book = remote_book.book_from_file(EXAMPLE_2019)
    excel.create_report(book, TODAY)
    excel.create_report(book, TODAY)
    assert [s.name for s in book.sheets].count("Bilaga 2") == 1


def test_kontrollera_writes_the_findings_sheet():
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    findings, _ = excel.check(book, TODAY)
    sheet = remote_book.replay(book, initial)["Kontroll"]
    header = next(r for (r, c), v in sheet.items() if c == 1 and v == "Allvarlighet")
    codes = [sheet[(r, 2)] for r in range(header + 1, header + 1 + len(findings))]
    assert codes == [f.code for f in findings]
    assert sheet[(header + 1, 4)].startswith('=HYPERLINK("#\'Överenskommelse\'!B')


def test_button_alerts_instead_of_failing(monkeypatch):
    book = remote_book.book_from_file(EXAMPLE_2019)
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append((title, text)))
    excel.skapa_bilaga2(book)
    excel.kontrollera(book)
    assert shown[0][0] == "Skapa Bilaga 2" and "191 kr" in shown[0][1] and "inget förslag" in shown[0][1]
    assert shown[1][0] == "Kontrollera" and "0 fel" in shown[1][1]
    # xlwings' JSON engine outside Lite cannot say which cells are merged or which rows hidden: said, not skipped
    assert f"kunde inte svara på: {excel.source.MERGED}, {excel.source.HIDDEN}" in shown[0][1]
    broken = remote_book.book_from_file(EXAMPLE_2019)
    broken.sheets["Aktiviteter"].tables[0].api["name"] = "Tabell1"
    excel.skapa_bilaga2(broken)
    assert "kunde inte skapas" in shown[2][1] and "Aktiviteter" in shown[2][1]


def test_buttons_alert_in_swedish():
    book = excel_book.Book(EXAMPLE_2019)
    excel.skapa_bilaga2(book)
    excel.kontrollera(book)
    (t1, m1), (t2, m2) = book.app.alerts
    assert t1 == "Skapa Bilaga 2" and "191 kr" in m1 and "Bladen Bilaga 2, Kontroll och Återbetalning är skapade" in m1
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


def test_the_button_writes_the_same_sheet(monkeypatch, tmp_path):
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append(text))
    excel.rekvisition(book)
    live = remote_book.replay(book, initial)["Rekvisition"]
    assert "41 197 280 kr" in shown[0]
    headless = requisition_sheet(read_book(EXAMPLE_2019))
    for number, cell in headless.cells():
        if isinstance(cell.value, str) and cell.value and cell.formula is None:
            assert live[(number, cell.column)] == cell.value


# --- the button ------------------------------------------------------------------------------------------

def test_the_excel_button_gives_the_same_as_the_file_path(tmp_path, monkeypatch):
    book = remote_book.book_from_file(EXAMPLE_2019)
    initial = [s.name for s in book.sheets]
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append((title, text)))
    ledger = str(WORKBOOKS / "huvudbok_2019.csv")
    live_result = excel.hamta_utfall(book, [ledger])
    assert shown[0][0] == "Hämta utfall" and "23 av 23" in shown[0][1]
    sheets = remote_book.replay(book, initial)
    out = tmp_path / "out.xlsx"
    _, file_result = utfall_file(EXAMPLE_2019, [ledger], out)
    assert live_result.actual == file_result.actual
    for a, value in zip(read_book(out).activities, file_result.actual):
        column = ord(a.columns["actual"]) - 64
        assert Decimal(str(sheets["Aktiviteter"][(a.row, column)])) == value
    headless = _sheet(out, "Utfall")
    live = sheets["Utfall"]
    for r, row in enumerate(headless[3:], start=4):  # below the title and its date note
        for c, value in enumerate(row, start=1):
            got = live.get((r, c))
            if isinstance(value, (int, float)):
                assert Decimal(str(got)) == Decimal(str(value)), (r, c)
            else:
                assert (got or None) == value, (r, c)
    broken = tmp_path / "broken.csv"
    broken.write_text("Datum;Konto;Objekt;Belopp\n2019-01-01;4010;9902;tusen\n", encoding="utf-8")
    assert excel.hamta_utfall(remote_book.book_from_file(EXAMPLE_2019), [str(broken)]) is None
    assert "kunde inte hämtas" in shown[1][1] and "row 2" in shown[1][1]


def test_the_button_asks_for_the_files_with_excels_dialog(monkeypatch):
    """On Windows the button asks Excel's file dialog (several files allowed); a cancel does nothing;
    elsewhere it says that the dialog needs Excel for Windows."""
    from types import SimpleNamespace

    calls, shown = [], []
    answers = iter([(str(WORKBOOKS / "huvudbok_2019.csv"),), False])

    def dialog(*args):
        calls.append(args)
        return next(answers)

    book = remote_book.book_from_file(EXAMPLE_2019)
    fake = SimpleNamespace(app=SimpleNamespace(api=SimpleNamespace(GetOpenFilename=dialog)), sheets=book.sheets,
                           fullname=book.fullname)
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append(text))
    monkeypatch.setattr(sys, "platform", "win32")
    assert excel.buttons._ask_ledger_files(fake) == [str(WORKBOOKS / "huvudbok_2019.csv")]
    assert calls[0][0].startswith("Huvudboksexport (") and calls[0][4] is True
    assert excel.hamta_utfall(fake) is None and not shown  # cancelled
    monkeypatch.setattr(sys, "platform", "darwin")
    assert excel.hamta_utfall(fake) is None and "Filvalet finns bara i Excel för Windows" in shown[0]


def test_knapp_runs_the_button_named_by_the_ribbons_tag_or_the_workbooks_caption(monkeypatch):
    """The ribbon's callback passes the tag (the function's name), the workbook's macro the caption: both
    run the same button on the calling workbook."""
    shown = []
    monkeypatch.setattr(excel.buttons, "_alert", lambda b, text, title="": shown.append((title, text)))
    excel.knapp("kontrollera", remote_book.book_from_file(EXAMPLE_2019))
    excel.knapp("Kontrollera", remote_book.book_from_file(EXAMPLE_2019))
    excel.knapp("Skapa Bilaga 2", remote_book.book_from_file(EXAMPLE_2019))
    assert [t for t, _ in shown] == ["Kontrollera", "Kontrollera", "Skapa Bilaga 2"] and shown[0][1] == shown[1][1]
    with pytest.raises(SystemExit, match="no button 'Fördela'"):  # asks for a total first: its own callback
        excel.knapp("Fördela")


def test_the_bokslut_button_writes_the_sheets_and_the_csv_the_command_writes(tmp_path):
    """The ribbon's "Bokslut" (the generic callback, no VBA of its own) runs app.bokslut on the open workbook:
    the sheets Bokslut and Bidragsreskontra, and the entries' CSV beside the workbook, as the command."""
    ledger = WORKBOOKS / "huvudbok_2019.csv"
    utfalld, _ = utfall_file(WORKBOOKS / "beslutsunderlag_2019.xlsx", [ledger], tmp_path / "b.xlsx", today=LEDGER_DAY)
    [(_, command_csv, command)] = bokslut_files([utfalld, ledger], tmp_path / "command.xlsx")
    book = excel_book.Book(utfalld)
    closing = excel.bokslut(book, [str(ledger)])
    title, text = book.app.alerts[-1]
    assert title == "Bokslut" and "Bladen Bokslut och Bidragsreskontra är skapade för 2019" in text, text
    assert {"Bokslut", "Bidragsreskontra"} <= {s.title for s in book.wb.worksheets}
    assert closing.entries == command.entries and closing.rows == command.rows
    button_csv = tmp_path / "b_bokslut.csv"
    assert button_csv.read_bytes() == command_csv.read_bytes() and str(button_csv) in text
    # again: the CSV is the tool's own unchanged output, so it is replaced; an edited one is refused
    excel.bokslut(book, [str(ledger)])
    assert "Bladen Bokslut" in book.app.alerts[-1][1]
    button_csv.write_text("edited", encoding="utf-8")
    assert excel.bokslut(book, [str(ledger)]) is None
    assert "Bokslutet kunde inte göras" in book.app.alerts[-1][1] and button_csv.read_text() == "edited"
