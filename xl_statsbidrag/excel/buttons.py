"""The buttons: "Skapa Bilaga 2", "Kontrollera", "Rekvisition", "Hämta utfall" in the decision-support
workbook and on the ribbon tab of the add-in Statsbidrag.xlam, and "Fördela" on the ribbon.  Each runs a
use case of ``app`` on the open workbook (read by ``source``, written by ``writer.OpenWorkbook``): the
same code as the command, so that both give the same findings and refuse the same workbooks.

They run through RunPython on ``xw.Book.caller()``: the workbook the button belongs to, or for the ribbon
the workbook that was active when it was clicked (xlwings' add-in passes it).  Each shows its outcome as a
dialog, also when xlwings or Excel fails, and says what this Excel could not do (``Live.notes``).  The
ribbon calls one VBA callback for all of them (``Knapp``, with the button's tag), and the workbook's buttons
one macro (``Knapp``, with the clicked button's caption), which run ``knapp``: a new button needs a line in
the ribbon's XML (or a button in the workbook) and an entry in ``BUTTONS``, no VBA.
Under xlwings Lite, ``lite/main.py`` runs the same use cases after the asynchronous reader ``read_async``.
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from decimal import Decimal
from pathlib import Path

import xlwings as xw

from ..app import allocate, report as report_case, requisition as requisition_case, validate as validate_case
from ..core.errors import UserError
from ..core.model import Severity
from ..core.money import AmountError, format_kr
from ..ledger.formats import dialog_filter
from ..read.reference_data import find_region
from .source import Live, book_name, read_live
from .writer import OpenWorkbook


# --- the work of each button (also run by lite/main.py) ---------------------------------------------------

def create_report(book: "xw.Book", today: dt.date | None = None, live: Live | None = None):
    """The use case of ``xl-statsbidrag report`` (``app.report.report``) on the open workbook: the sheets
    Bilaga 2 and Kontroll; returns (summary, findings, Live)."""
    live = live or read_live(book)
    made = report_case.report(live.book, OpenWorkbook(book, live), today)
    return made.summary, made.findings, live


def check(book: "xw.Book", today: dt.date | None = None, live: Live | None = None):
    """Validate the open workbook (as ``xl-statsbidrag validate``) and write the findings as the sheet
    Kontroll (``app.validate.check``); returns (findings, Live)."""
    live = live or read_live(book)
    return validate_case.check(live.book, OpenWorkbook(book, live), today), live


def create_requisition(book: "xw.Book", today: dt.date | None = None, live: Live | None = None):
    """The use case of ``xl-statsbidrag rekvisition`` (``app.requisition.requisition``) on the open workbook:
    the sheet Rekvisition; returns (agreement, findings, Live)."""
    live = live or read_live(book)
    agreement, findings = requisition_case.requisition(live.book, OpenWorkbook(book, live), today)
    return agreement, findings, live


def fetch_utfall(book: "xw.Book", paths: list[str], columns=None, accounts: str | None = None,
                 today: dt.date | None = None, live: Live | None = None):
    """The use case of ``xl-statsbidrag utfall`` (``app.utfall.utfall``) on the open workbook: the Utfall cells
    set and the sheet Utfall written; returns (``ledger.match.Utfall``, Live)."""
    from ..app import utfall as utfall_case  # lazy: pandas only when the button is clicked (the Lite rule)

    mapping, ranges = utfall_case.options(columns, accounts)
    live = live or read_live(book)
    return utfall_case.utfall(live.book, OpenWorkbook(book, live), paths, mapping, ranges, today), live


def close_year(book: "xw.Book", paths: list[str], columns=None, accounts: str | None = None,
               period: int | None = None, live: Live | None = None):
    """The use case of ``xl-statsbidrag bokslut`` (``app.bokslut.bokslut``) on the open workbook: the sheets
    Bokslut and Bidragsreskontra; returns (``core.closing.Closing``, Live)."""
    from ..app import bokslut as bokslut_case, utfall as utfall_case  # lazy: pandas only when clicked

    mapping, ranges = utfall_case.options(columns, accounts)
    live = live or read_live(book)
    [closing] = bokslut_case.bokslut([live.book], [OpenWorkbook(book, live)], paths, mapping, ranges, period)
    return closing, live


# What a user runs to install: the README and the macros' error dialogs (workbooks/vba) give these commands
# (tests/test_workbooks.py holds them to it).
INSTALL_COMMANDS = ('pip install "xl_statsbidrag-0.1.0-py3-none-any.whl[all]"', 'pip install ".[all]"',
                    "xlwings addin install")

NO_WORKBOOK = ("Python når inte arbetsboken. Är den öppnad i skyddad vy (det gula fältet \"Skyddad vy\")? "
               "Klicka Aktivera redigering och klicka på knappen igen.")


def _alert(book, text: str, title: str = "xl-statsbidrag") -> None:
    book.app.alert(text, title=title)


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def button(title: str, failed: str):
    """A button's Python: it acts on the workbook that called it (``xw.Book.caller()``) unless one is
    given, and every outcome is a dialog: what was done, the user's mistake with its cell, or what
    xlwings or Excel raised (never a traceback)."""
    def wrap(work):
        @functools.wraps(work)
        def run(book=None, *args, **kwargs):
            try:
                book = book or xw.Book.caller()
            except Exception as exc:  # noqa: BLE001 - e.g. a workbook in Protected View
                try:
                    xw.apps.active.alert(f"{NO_WORKBOOK}\n\n({_describe(exc)})", title=title)
                except Exception:  # noqa: BLE001 - no Excel to ask: xlwings shows what Python prints
                    raise SystemExit(f"{title}: {NO_WORKBOOK}") from None
                return None
            try:
                return work(book, *args, **kwargs)
            except UserError as exc:
                text = f"{failed}\n\n{_where(exc)}"
            except AmountError as exc:
                text = f"{failed}\n\n{exc.sv}"
            except Exception as exc:  # noqa: BLE001 - what xlwings or Excel raised, as a dialog
                text = (f"{failed}\n\nExcel svarade inte som väntat ({_describe(exc)}). Spara arbetsboken lokalt "
                        "och försök igen, eller kör kommandot xl-statsbidrag på filen.")
            try:
                _alert(book, text, title)
            except Exception:  # noqa: BLE001
                raise SystemExit(f"{title}: {text}") from None
            return None
        run.title = title  # the caption of the workbook's button, which its macro passes to ``knapp``
        return run
    return wrap


def _where(exc: UserError) -> str:
    return f"{exc.location}: {exc.message}" if exc.location else exc.message


@button("Skapa Bilaga 2", "Bilaga 2 kunde inte skapas.")
def skapa_bilaga2(book: "xw.Book | None" = None) -> None:
    """The button "Skapa Bilaga 2"."""
    s, _, live = create_report(book)
    kind = "utfall" if s.complete else "delvis budget (utfall saknas för några aktiviteter)" if s.outcome \
        else "budget (utfall saknas)"
    _alert(book, f"Bladen Bilaga 2, Kontroll och Återbetalning är skapade.\n\nBidrag: {format_kr(s.received)}\nKostnader, {kind}: "
                 f"{format_kr(s.costs)}\nEj förbrukat: {format_kr(s.unused)}\nAtt återbetala: {format_kr(s.repay)}\n"
                 f"Egen finansiering: {format_kr(s.own)}\n"
                 f"Förslag till granskning: {s.suggestion.text} (se bladet Kontroll)" + live.notes(), "Skapa Bilaga 2")


def findings_text(findings) -> str:
    """The findings of a button's work as the command prints them: severity, cell and message."""
    return "".join(f"\n\n{f.severity.sv}: {f.location}: {f.message}" if str(f.location) else
                   f"\n\n{f.severity.sv}: {f.message}" for f in findings)


@button("Rekvisition", "Rekvisitionen kunde inte skapas.")
def rekvisition(book: "xw.Book | None" = None) -> None:
    """The button "Rekvisition"."""
    ag, findings, live = create_requisition(book)
    _alert(book, f"Bladet Rekvisition är skapat.\n\nBelopp som rekvireras: {format_kr(ag.requested)}"
                 + (f"\nSista dag för rekvisition: {ag.requisition_deadline}" if ag.requisition_deadline else "")
                 + findings_text(findings) + live.notes(), "Rekvisition")


@button("Kontrollera", "Kontrollen kunde inte göras.")
def kontrollera(book: "xw.Book | None" = None) -> None:
    """The button "Kontrollera"."""
    findings, live = check(book)
    counts = {s: sum(f.severity == s for f in findings) for s in Severity}
    _alert(book, f"{counts['error']} fel, {counts['warning']} varningar, {counts['info']} upplysningar.\n"
                 "Se bladet Kontroll." + live.notes(), "Kontrollera")


@button("Fördela", "Fördelningen kunde inte göras.")
def fordela(book: "xw.Book | None" = None, total: object = None, population: str | None = None) -> None:
    """The ribbon button "Fördela": the national ``total`` (asked for by the macro) split between the
    regions as the sheet "Fördelning" (``app.allocate.fordela``); the dialog names the share of the
    workbook's own region."""
    written = Live(None)
    table = allocate.fordela(total, OpenWorkbook(book, written), population)
    text = "Fördelningen är skriven på bladet Fördelning."
    try:
        region = find_region(read_live(book).book.agreement.recipient)
        row = table.labels.index(region.lan)
        text += f"\n\n{region.name}: {format_kr(table.row_total(row))}"
    except (UserError, ValueError):
        pass  # not a decision-support workbook, or no region named in it: the sheet says it all
    _alert(book, text + written.notes(), "Fördela")


# --- Hämta utfall ---------------------------------------------------------------------------------------

LEDGER_FILTER = dialog_filter()  # every format of ledger.formats
NO_FILE_DIALOG = ("Filvalet finns bara i Excel för Windows: Hämta utfall väljer filerna med Excels fildialog, "
                  "som xlwings inte når i Excel för Mac. Där: spara arbetsboken och kör i Terminal\n"
                  "    xl-statsbidrag utfall ARBETSBOK.xlsx HUVUDBOK.csv\n"
                  "som skriver en kopia med utfallet (se README, Utfall from the ledger).")


def _ask_ledger_files(book, title: str = "Hämta utfall") -> list[str]:
    """Excel's own file dialog (Windows); an empty list when the user cancels."""
    if sys.platform != "win32":
        raise UserError(NO_FILE_DIALOG)
    chosen = book.app.api.GetOpenFilename(LEDGER_FILTER, 1, f"{title}: välj huvudboksexporten", None, True)
    if not chosen:
        return []
    return [str(p) for p in (chosen if isinstance(chosen, (list, tuple)) else [chosen])]


@button("Hämta utfall", "Utfallet kunde inte hämtas.")
def hamta_utfall(book: "xw.Book | None" = None, paths: list[str] | None = None):
    """The button "Hämta utfall": asks for the ledger export(s) unless ``paths`` are given."""
    paths = _ask_ledger_files(book) if paths is None else paths
    if not paths:
        return None
    result, live = fetch_utfall(book, paths)
    filled = sum(v is not None for v in result.actual)
    warnings = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    total = sum((v for v in result.actual if v is not None), Decimal(0))
    _alert(book, f"Utfall ifyllt för {filled} av {len(result.actual)} aktiviteter: {format_kr(total)}.\n"
                 f"{len(warnings)} varningar (se bladet Utfall och kör Kontrollera)." + findings_text(warnings)
                 + live.notes(), "Hämta utfall")
    return result


@button("Bokslut", "Bokslutet kunde inte göras.")
def bokslut(book: "xw.Book | None" = None, paths: list[str] | None = None):
    """The button "Bokslut": asks for the year's ledger export(s) unless ``paths`` are given; the sheets
    Bokslut and Bidragsreskontra in the open workbook and, when the workbook is a file on this computer, the
    entries' CSV beside it (``NAME_bokslut.csv``, by the output rule of every command)."""
    from ..app.bokslut import csv_claim, write_csv  # lazy: the Lite rule (no files or pandas on import)

    paths = _ask_ledger_files(book, "Bokslut") if paths is None else paths
    if not paths:
        return None
    where = Path(book_name(book))
    csv_out = csv_claim(where.with_name(f"{where.stem}_bokslut.csv"), [where, *paths]) if where.is_file() else None
    closing, live = close_year(book, paths)
    if csv_out is not None:
        write_csv(csv_out, closing)
    debet = sum((e.debet for e in closing.entries), Decimal(0))
    wrote = (f"Posterna finns också som CSV-fil för ekonomisystemet: {csv_out.path}" if csv_out is not None else
             "Arbetsboken är inte en fil på den här datorn: posterna finns i tabellen Bokslutsposter (bladet Bokslut), "
             "CSV-filen skrivs av kommandot xl-statsbidrag bokslut.")
    _alert(book, f"Bladen Bokslut och Bidragsreskontra är skapade för {closing.year}.\n\n"
                 f"Föreslagna bokslutsposter: {len(closing.entries)} rader, debet = kredit = {format_kr(debet)}.\n"
                 f"Periodiseringar att bekräfta: {len(closing.accruals)}; investeringar på objektet: "
                 f"{len(closing.assets)}.\n{wrote}" + live.notes(), "Bokslut")
    return closing


# --- the ribbon's one callback ----------------------------------------------------------------------------

BUTTONS = {f.__name__: f for f in (skapa_bilaga2, kontrollera, hamta_utfall, rekvisition, bokslut)}


def knapp(name: str, book: "xw.Book | None" = None):
    """The buttons' one callback: the ribbon's ``Knapp`` (workbooks/vba/StatsbidragMeny.bas) passes the ribbon
    button's tag, the function's name, for every button but "Fördela" (which asks for a total first); the
    workbook's macro ``Knapp`` (workbooks/vba/Statsbidrag.bas) passes the clicked button's caption, its title."""
    work = BUTTONS.get(name) or next((f for f in BUTTONS.values() if f.title == name), None)
    if work is None:
        raise SystemExit(f"xl-statsbidrag: no button '{name}' (buttons: {', '.join(BUTTONS)})")
    return work(book)
