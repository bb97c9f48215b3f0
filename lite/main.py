"""xl-statsbidrag for xlwings Lite (Python inside Excel on Windows, Mac and the web; nothing to
install on the computer).  Paste this file into the Lite editor as main.py, and add the lines of
requirements.txt beside it to Lite's requirements.txt (xlwings 0.37.5 or later: the reader asks Excel
about merged cells and hidden rows with calls that version added).

Worksheet functions (in Excel: =SB_FORDELA(...), or =XLWINGS.SB_FORDELA(...) in some versions):
    SB_FORDELA(total, vikter, [regel])   SB_KVAR(pott, belopp)   SB_KONTROLL(tillgängligt, belopp, ...)
A wrong input gives #VALUE! (#VÄRDEFEL!) with the message in the cell to its right.
Scripts (Lite's script pane, or a button bound to them): skapa_bilaga2, kontrollera, rekvisition.
Each prints its result, the findings, and what this Excel could not do, in the output pane.

This imports only xl_statsbidrag.excel and what it needs (no pandas, openpyxl or lxml); paste it with the
wheel of the same version (it names only what xl_statsbidrag.excel names).
"""
import xlwings as xw
from xlwings import arg, func, script

from xl_statsbidrag import excel
from xl_statsbidrag.excel import UserError, format_kr

FUNCTIONS = ("SB_FORDELA", "SB_KVAR", "SB_KONTROLL")
SCRIPTS = ("skapa_bilaga2", "kontrollera", "rekvisition")


@func
@arg("total", doc="Beloppet att fördela, i hela kronor (inte negativt).")
@arg("vikter", ndim=2, doc="Vikterna, t.ex. folkmängd: en kolumn eller rad; tomma celler får inget.")
@arg("regel", doc="largest-remainder (standard), round-largest eller none.")
def SB_FORDELA(total, vikter, regel="largest-remainder"):
    """Fördelar ett totalbelopp på vikter i hela kronor som summerar exakt."""
    return excel.SB_FORDELA(total, vikter, regel)


@func
@arg("pott", doc="Pottens belopp.")
@arg("belopp", ndim=2, doc="Beloppen som tas ur potten.")
def SB_KVAR(pott, belopp):
    """Det som återstår av en pott efter beloppen i ett område."""
    return excel.SB_KVAR(pott, belopp)


@func
@arg("tillgangligt", doc="Det som finns att fördela (lämna tomt om potterna anges).")
@arg("belopp", ndim=2, doc="Aktiviteternas belopp.")
@arg("namn", ndim=2, doc="Aktiviteternas namn.")
@arg("pott", ndim=2, doc="Den pott varje aktivitet hör till.")
@arg("pottnamn", ndim=2, doc="Potternas namn.")
@arg("pottbelopp", ndim=2, doc="Potternas belopp.")
@arg("oronmarkt", ndim=2, doc="Ja där potten är öronmärkt.")
def SB_KONTROLL(tillgangligt, belopp, namn=None, pott=None, pottnamn=None, pottbelopp=None, oronmarkt=None):
    """Kontrollerar beloppen mot det som finns att fördela."""
    return excel.SB_KONTROLL(tillgangligt, belopp, namn, pott, pottnamn, pottbelopp, oronmarkt)


def _failed(what: str, exc: UserError) -> None:
    print(f"{what}: {exc.location}: {exc.message}" if exc.location else f"{what}: {exc.message}")


@script
async def skapa_bilaga2(book: xw.Book):
    """Skriver bladen Bilaga 2, Kontroll och Återbetalning i den öppna arbetsboken."""
    try:
        s, findings, live = excel.create_report(book, live=await excel.read_async(book))
    except UserError as exc:
        _failed("Bilaga 2 kunde inte skapas", exc)
        return
    print(f"Bilaga 2 skapad. Bidrag {format_kr(s.received)}, kostnader {format_kr(s.costs)}"
          f"{'' if s.outcome else ' (budget, utfall saknas)'}, ej förbrukat {format_kr(s.unused)}, "
          f"att återbetala {format_kr(s.repay)}, egen finansiering {format_kr(s.own)}, förslag till granskning: "
          f"{s.suggestion.text} (se bladet Kontroll)." + live.notes())


@script
async def kontrollera(book: xw.Book):
    """Kontrollerar beslutsunderlaget och skriver bladet Kontroll."""
    try:
        findings, live = excel.check(book, live=await excel.read_async(book))
    except UserError as exc:
        _failed("Kontrollen kunde inte göras", exc)
        return
    print(excel.findings_text(findings).strip() + live.notes())


@script
async def rekvisition(book: xw.Book):
    """Skriver bladet Rekvisition (begäran om utbetalning) i den öppna arbetsboken."""
    try:
        ag, findings, live = excel.create_requisition(book, live=await excel.read_async(book))
    except UserError as exc:
        _failed("Rekvisitionen kunde inte skapas", exc)
        return
    print(f"Rekvisition skapad: {format_kr(ag.requested)} rekvireras." + excel.findings_text(findings)
          + live.notes())
