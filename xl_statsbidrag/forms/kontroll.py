"""The sheet "Kontroll" beside the form: the suggestion for section 4 with its reasons
(``check.suggestion``), where the report comes from, the reconciliation against the ledger when the book
has been through ``utfall``, and every finding with a link to its cell.  Not part of the printed form."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..check.suggestion import suggest
from ..core.model import DecisionBook, Finding, Severity
from ..core.money import kr_text
from ..core.yearend import year_end
from ..read.workbook_format import RECONCILIATION_COLUMNS
from .layout import Cell, Form, SheetLayout, money_style, quote

SHEET_NAME = "Kontroll"
ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def kontroll_sheet(book: DecisionBook, findings: list[Finding], today: dt.date | None = None,
                created: dt.datetime | None = None) -> SheetLayout:
    """The findings as a sheet "Kontroll": the suggestion for section 4 with its reasons, where the
    report comes from, and every finding with a link to its cell."""
    today = today or dt.date.today()
    created = created or dt.datetime.now().replace(microsecond=0)
    ag = book.agreement
    objekt = [o.objekt for o in book.ledger]
    widths = [12.0, 22.0, 80.0, 24.0, 16.0] + [16.0] * max(0, len(objekt) + 1 - 2)
    sheet = SheetLayout(SHEET_NAME, widths, landscape=True)
    form = Form(sheet)
    counts = {s: sum(f.severity == s for f in findings) for s in (ERROR, WARNING, INFO)}
    suggestion = suggest(book, findings)

    form.row(Cell(1, "Kontroll av den ekonomiska redovisningen", style="title"))
    form.wide("note", f"{ag.name}, {ag.year}. Kontrollerad {today.isoformat()}: {counts[ERROR]} fel, "
                 f"{counts[WARNING]} varningar, {counts[INFO]} upplysningar. Bladet hör inte till blanketten "
                 "Bilaga 2 och skickas inte med den.")
    form.wide("note", f"Underlag: {Path(book.path).name if book.path else 'arbetsboken'}. Skapad "
                 f"{created.isoformat(sep=' ')} med xl-statsbidrag {__version__}.")
    sheet.blank()
    form.wide("section", f"Förslag till ekonomichefens granskning (punkt 4): {suggestion.text}")
    for reason in suggestion.reasons:
        form.wide("text", f"• {reason}")
    form.wide("note", "Valet och underskriften är ekonomichefens; förslaget är verktygets.")
    if book.ledger:
        sheet.blank()
        reconciliation(form, book)
    sheet.blank()
    form.row(*[Cell(col, text, style="header") for col, text in
               zip((1, 2, 3, 4), ("Allvarlighet", "Kod", "Meddelande", "Cell"))],
             Cell(5, "Belopp", style="header_right"))
    if not findings:
        form.row(Cell(1, "OK", style="text"), Cell(3, "Inga avvikelser.", style="text"))
    for f in findings:
        where = str(f.location)
        link = None
        if f.location.sheet and f.location.cell:
            target = f"#'{f.location.sheet.replace(chr(39), chr(39) * 2)}'!{f.location.cell.split(':')[0]}"
            link = f"HYPERLINK({quote(target)},{quote(where)})"
        amount_style = money_style(f.amount) if f.amount is not None else "text"
        form.row(Cell(1, f.severity.sv, style="strong" if f.severity == ERROR else "text"),
                 Cell(2, f.code, style="text"), Cell(3, f.message, style="text"),
                 Cell(4, where, link, style="text"), Cell(5, f.amount, style=amount_style))
    name = ag.name.replace("&", "&&")
    sheet.footer = f"&L&8{SHEET_NAME} – {name[:150]}&R&8Sida &P av &N"
    return sheet


def reconciliation(form: Form, book: DecisionBook) -> None:
    """Every krona on the agreement's objekt, as the ledger had it (the table UtfallAvstamning that
    ``utfall`` wrote), and how it reaches Bilaga 2: per objekt a column, and the total."""
    ye = year_end(book)
    ledger = book.ledger
    columns = range(4, 4 + len(ledger) + 1)
    counted = ye.counted_unmatched

    def line(label: str, values: list[Decimal], style: str = "text") -> None:
        total = style == "total_label"
        cells = [Cell(c, v, style=money_style(v, total)) for c, v in zip(columns, values + [sum(values, Decimal(0))])]
        form.row(Cell(1, label, style=style), *cells, spans={1: 3})

    form.wide("section", "Avstämning mot huvudboken per objekt (bladet Utfall): summa i huvudboken = kopplat + "
                         "objektnivå + ej kopplat + intäkter + övriga konton + utanför perioden")
    form.row(Cell(1, "", style="header"), *[Cell(c, o.objekt, style="header_right") for c, o in zip(columns, ledger)],
             Cell(columns[-1], "Summa", style="header_right"), spans={1: 3})
    for field, label in RECONCILIATION_COLUMNS.items():
        if field not in ("objekt", "total"):
            line(label, [getattr(o, field) for o in ledger])
    line(RECONCILIATION_COLUMNS["total"], [o.total for o in ledger], "total_label")
    actual = {o.objekt: sum((a.actual for a in book.activities if a.actual is not None
                             and a.objekt.strip() == o.objekt), Decimal(0)) for o in ledger}
    line("Utfall för aktiviteterna (tabellen Aktiviteter)", [actual[o.objekt] for o in ledger])
    if any(actual[o.objekt] != o.matched for o in ledger):
        line("Skillnad mot det huvudboken kopplade till aktiviteterna",
             [actual[o.objekt] - o.matched for o in ledger], "strong")
    if counted:
        line("Kostnader ej hänförda till aktivitet som räknas med", [counted.get(o.objekt, Decimal(0)) for o in ledger])
    line("Kostnader i Bilaga 2 på objektet", [actual[o.objekt] + counted.get(o.objekt, Decimal(0)) for o in ledger],
         "total_label")
    unmatched = sum(ye.unmatched.values(), Decimal(0))
    if unmatched:
        state = ("räknas med i Bilaga 2 enligt regionens beslut" if ye.unmatched_counted else
                 f"räknas inte med enligt regionens beslut. Skäl: {book.agreement.unmatched_reason.strip()}"
                 if ye.unmatched_counted is False and book.agreement.unmatched_reason.strip() else
                 "väntar på regionens beslut (se fynden nedan): förslaget blir Alt 2 tills det finns")
        form.wide("text", f"Kostnader som inte hör till någon aktivitet, {kr_text(unmatched)}: {state}.")
    booked = -sum((o.income for o in ledger), Decimal(0))
    if booked:
        form.wide("text", f"Intäkter på objekten {kr_text(booked)} mot erhållet bidrag {kr_text(book.agreement.received)}"
                          + (": stämmer." if booked == book.agreement.received else
                             f": skillnad {kr_text(booked - book.agreement.received)}."))
