"""The sheets of the year's close, as layouts: **Återbetalning** (the repayment note for accounts payable,
written by ``report``), **Bidragsreskontra** (the grant ledger, written by ``bokslut`` with the closed year's
rows) and **Bokslut** (the closing entries the accounts need, written by ``bokslut``; the entries come from
``bokslut.close``).  No I/O and no pandas: the writers render these as any other layout."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .grantledger import GrantYear
from .layout import Cell, Form, SheetLayout, Table
from .model import DecisionBook
from .report import MARGINS, _money_style, _number_style, kr, page_texts
from .workbook_format import (AGREEMENT_LABELS, GRANT_LEDGER_COLUMNS, GRANT_LEDGER_SHEET, GRANT_LEDGER_TABLE)
from .yearend import YearEnd

REPAYMENT_SHEET = "Återbetalning"
CLOSING_SHEET = "Bokslut"
CLOSING_TABLE = "Bokslutsposter"
ZERO = Decimal(0)


# --- Återbetalning ------------------------------------------------------------------------------------------

def payment_reference(book: DecisionBook) -> str:
    """What the payment to Kammarkollegiet says: the Government Offices' dnr of the agreement (and of the
    decision to pay out, when both are filled in), so that Kammarkollegiet finds the grant it belongs to."""
    ag = book.agreement
    return ", ".join(d for d in (ag.rk_dnr_agreement, ag.rk_dnr_payment) if d)


def repayment_sheet(book: DecisionBook, ye: YearEnd) -> SheetLayout:
    """Återbetalning: the amount to pay to Kammarkollegiet for the agreement, per part, with the Government
    Offices' dnr as the payment reference and the day it is due; for accounts payable."""
    ag = book.agreement
    sheet = SheetLayout(REPAYMENT_SHEET, [44.0, 46.0], fit_width=False, margins=MARGINS)
    form = Form(sheet)
    start, end = ag.period
    due = ag.repayment_deadline or ag.report_deadline

    def heading() -> None:
        form.row(Cell(1, "Återbetalning till Kammarkollegiet", style="title"))
        form.wide("subtitle", f"Ej förbrukade medel enligt överenskommelsen \u201d{ag.name}\u201d, "
                              f"{start.isoformat()} – {end.isoformat()}")
        if not book.has_outcome:
            form.wide("warning", "Preliminärt: beloppet är räknat på beslutad budget, utfall saknas.")
        elif not book.outcome_complete:
            form.wide("warning", "Preliminärt: utfall saknas för några aktiviteter; för dem räknas budget.")
    form.keep(heading)

    def payment() -> None:
        form.section("Betalning")
        form.row(Cell(1, "Belopp att betala", style="strong"),
                 Cell(2, ye.to_repay, style=_money_style(ye.to_repay, True)))
        form.field("Betalningsmottagare", "Kammarkollegiet")
        form.field("Kammarkollegiets bankgiro (enligt Kammarkollegiets anvisning)", "")
        form.field("Betalningsreferens (Regeringskansliets diarienummer)", payment_reference(book))
        form.field("Betalas senast", due.isoformat() if due else "")
        form.field("Avser", f"Medel som inte har förbrukats enligt den ekonomiska redovisningen för perioden "
                            f"{start.isoformat()} – {end.isoformat()}")
        if ye.carried:
            form.wide("text", f"Inget att återbetala nu: det som inte har förbrukats ({kr(ye.carried)}) förs över till "
                              "nästa år, som överenskommelsen tillåter.")
        elif ye.to_repay == 0:
            form.wide("text", "Inget att återbetala: bidraget har förbrukats." if book.has_outcome else
                      "Inget att återbetala enligt budgeten.")
    form.keep(payment)

    def parts() -> None:
        form.section("Specifikation per del")
        form.row(Cell(1, "Del", style="table_header"), Cell(2, "Återbetalas", style="money_header"))
        first = form.next_row
        for part in ye.parts:
            label = part.name + (" (öronmärkt)" if part.earmarked else "")
            value = Decimal(0) if ye.carry else part.repay
            form.row(Cell(1, label, style="text"), Cell(2, value, style=_money_style(value)))
        last = form.next_row - 1
        form.row(Cell(1, "Summa", style="total_label"),
                 Cell(2, ye.to_repay, f"SUM(B{first}:B{last})", _money_style(ye.to_repay, True)))
    form.keep(parts)

    def region() -> None:
        form.section("Betalare")
        for name in ("recipient", "org_number", "region_dnr", "contact_person", "finance_head"):
            form.field(AGREEMENT_LABELS[name], getattr(ag, name))
        form.wide("note", "Underlag för leverantörsreskontran: ange betalningsreferensen vid betalningen, så att "
                          "Kammarkollegiet kan koppla den till överenskommelsen.")
    form.keep(region)
    sheet.header, sheet.footer = page_texts(ag, "Återbetalning", form.pages.count)
    return sheet


# --- Bidragsreskontra ---------------------------------------------------------------------------------------

def grant_ledger_sheet(book: DecisionBook, rows: list[GrantYear]) -> SheetLayout:
    """The sheet and Excel Table Bidragsreskontra: one row per year and pot, Utgående saldo a formula of the
    row (so that a corrected amount carries through in Excel)."""
    ag = book.agreement
    columns = tuple(GRANT_LEDGER_COLUMNS.values())
    widths = [8.0, 26.0] + [15.0] * 6 + [13.0, 18.0, 13.0, 18.0]
    sheet = SheetLayout(GRANT_LEDGER_SHEET, widths, landscape=True, gridlines=True)
    form = Form(sheet)
    form.row(Cell(1, f"Bidragsreskontra – {ag.name}", style="title"))
    form.wide("note", "Per år och pott: Utgående saldo = Ingående saldo + Erhållet − Kostnader − Återbetalt. Överfört "
                      "är den del av utgående saldo som överenskommelsen låter regionen använda nästa år; resten ska "
                      "återbetalas. Nästa års ingående saldo är årets utgående saldo. Raderna för ett avslutat år "
                      "skrivs av xl-statsbidrag bokslut; rätta gärna, kontrollen säger om något inte går ihop.")
    sheet.blank()
    header = form.row(*[Cell(i, c, style="header" if i == 2 or i > 8 else "header_right")
                        for i, c in enumerate(columns, start=1)])
    for r in sorted(rows, key=lambda r: (r.year, r.pot.casefold())):
        n = form.next_row
        amounts = [r.opening, r.received, r.costs, r.repaid, r.carried, r.closing]
        cells = [Cell(1, r.year), Cell(2, r.pot)]
        for column, value in zip(range(3, 9), amounts):
            formula = f"C{n}+D{n}-E{n}-F{n}" if column == 8 else None
            cells.append(Cell(column, value, formula, _number_style(value)))
        cells += [Cell(9, r.received_date.isoformat() if r.received_date else None), Cell(10, r.received_ref or None),
                  Cell(11, r.repaid_date.isoformat() if r.repaid_date else None), Cell(12, r.repaid_ref or None)]
        form.row(*cells)
    sheet.tables.append(Table(GRANT_LEDGER_TABLE, header, 1, columns, header + len(rows)))
    sheet.header, sheet.footer = page_texts(ag, "Bidragsreskontra", None)
    return sheet


# --- Bokslut ------------------------------------------------------------------------------------------------

ENTRY_COLUMNS = ("Datum", "Konto", "Ansvar", "Verksamhet", "Aktivitet", "Objekt", "Text", "Debet", "Kredit", "Grund")


@dataclass(frozen=True)
class Entry:
    """One line of a proposed closing voucher."""

    date: dt.date
    konto: str
    ansvar: str
    verksamhet: str
    aktivitet: str
    objekt: str
    debet: Decimal
    kredit: Decimal
    text: str
    why: str  # what the line is for, in Swedish (not part of the CSV for the accounts)


@dataclass
class Closing:
    """What ``bokslut.close`` found for one agreement's year."""

    book: DecisionBook
    year_end: YearEnd
    year: int
    entries: list[Entry] = field(default_factory=list)
    rows: list[GrantYear] = field(default_factory=list)  # the grant ledger with the closed year's rows
    accruals: list[tuple[str, ...]] = field(default_factory=list)  # the transactions behind the accruals
    assets: list[tuple[str, ...]] = field(default_factory=list)  # class 1 on the objekt: investments
    claims: list[tuple[str, ...]] = field(default_factory=list)  # transactions two agreements claim
    unclaimed: list[tuple[str, ...]] = field(default_factory=list)  # transactions no agreement claims
    notes: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)  # utfall's findings on the ledger (model.Finding)


def closing_sheet(c: Closing) -> SheetLayout:
    """Bokslut: the closed year per part, the proposed entries (Excel Table Bokslutsposter, the same lines as the
    CSV), and what needs the controller's eye: accruals, investments, transactions claimed twice or by none."""
    ag = c.book.agreement
    widths = [11.0, 9.0, 10.0, 12.0, 11.0, 9.0, 46.0, 15.0, 15.0, 40.0]
    sheet = SheetLayout(CLOSING_SHEET, widths, landscape=True, gridlines=True)
    form = Form(sheet)
    last = len(widths)
    form.row(Cell(1, f"Bokslut {c.year} – {ag.name}", style="title"))
    for note in c.notes:
        form.wide("note", note)

    def section(text: str) -> None:
        sheet.blank()
        form.row(Cell(1, text, style="section"), *[Cell(col, None, style="section") for col in range(2, last + 1)])

    section(f"Året {c.year} per del (samma regel som Bilaga 2)")
    left = "Förs över" if c.year_end.carry else "Återbetalas"
    titles = ("Del", "", "", "", "", "", "Bidrag", "Kostnader", left, "Egen finansiering")
    form.row(*[Cell(i, t or None, style="header_right" if i >= 7 else "header") for i, t in enumerate(titles, 1)])
    for part in c.year_end.parts:
        form.row(Cell(1, part.name + (" (öronmärkt)" if part.earmarked else ""), style="text"),
                 Cell(7, part.grant, style=_money_style(part.grant)), Cell(8, part.costs, style=_money_style(part.costs)),
                 Cell(9, part.repay, style=_money_style(part.repay)), Cell(10, part.own, style=_money_style(part.own)),
                 spans={1: 6})

    section("Föreslagna bokslutsposter (samma rader som CSV-filen bredvid arbetsboken)")
    header = form.row(*[Cell(i, t, style="header_right" if t in ("Debet", "Kredit") else "header")
                        for i, t in enumerate(ENTRY_COLUMNS, start=1)])
    for e in c.entries:
        form.row(Cell(1, e.date.isoformat()), Cell(2, e.konto or None), Cell(3, e.ansvar or None),
                 Cell(4, e.verksamhet or None), Cell(5, e.aktivitet or None), Cell(6, e.objekt or None),
                 Cell(7, e.text), Cell(8, e.debet or None, style=_money_style(e.debet)),
                 Cell(9, e.kredit or None, style=_money_style(e.kredit)), Cell(10, e.why, style="note"))
    sheet.tables.append(Table(CLOSING_TABLE, header, 1, ENTRY_COLUMNS, header + len(c.entries)))
    debet = sum((e.debet for e in c.entries), ZERO)
    kredit = sum((e.kredit for e in c.entries), ZERO)
    form.row(Cell(1, "Summa", style="total_label"), *[Cell(col, None, style="total_label") for col in range(2, 7)],
             Cell(8, debet, style=_money_style(debet, True)), Cell(9, kredit, style=_money_style(kredit, True)),
             Cell(10, "Debet och kredit är lika." if debet == kredit else "Debet och kredit skiljer sig!",
                  style="total_label"))
    if not c.entries:
        form.wide("text", "Inga bokslutsposter behövs: inget är oförbrukat och inga kostnader för året är bokförda efter "
                          "det.")

    listings = [
        ("Kostnader för året som bokförts efter det (grunden för periodiseringarna ovan)", c.accruals),
        ("Investeringar på objektet (klass 1): bara årets avskrivning får belasta bidraget", c.assets),
        ("Transaktioner som två överenskommelser gör anspråk på", c.claims),
        ("Transaktioner på objekten som ingen överenskommelse gör anspråk på, med förslag", c.unclaimed),
    ]
    columns = ("Datum", "Konto", "Ansvar", "Verksamhet", "Aktivitet", "Objekt", "Text", "Belopp", "",
               "Överenskommelse / förslag")
    for title, items in listings:
        if not items:
            continue
        section(title)
        form.row(*[Cell(i, t or None, style="header_right" if t == "Belopp" else "header")
                   for i, t in enumerate(columns, start=1)])
        for item in items:
            date, konto, ansvar, verksamhet, aktivitet, objekt, amount, text, who = item
            value = Decimal(amount)
            form.row(Cell(1, date), Cell(2, konto or None), Cell(3, ansvar or None), Cell(4, verksamhet or None),
                     Cell(5, aktivitet or None), Cell(6, objekt or None), Cell(7, text or None),
                     Cell(8, value, style=_money_style(value)), Cell(10, who or None))
    sheet.header, sheet.footer = page_texts(ag, f"Bokslut {c.year}", None)
    return sheet


def entries_csv(entries: list[Entry]) -> str:
    """The entries for an accounting system's import: ``;``-separated, a header row, decimal comma, no thousands
    separator, dates as YYYY-MM-DD (see the README for the columns)."""
    from .csv_safe import csv_text

    def number(v: Decimal) -> str:
        return "" if not v else f"{v:.2f}".replace(".", ",")

    lines = ["datum;konto;ansvar;verksamhet;aktivitet;objekt;debet;kredit;text"]
    for e in entries:
        fields = [e.date.isoformat(), e.konto, e.ansvar, e.verksamhet, e.aktivitet, e.objekt, number(e.debet),
                  number(e.kredit), e.text]
        lines.append(";".join(_csv_field(csv_text(f)) for f in fields))
    return "\r\n".join(lines) + "\r\n"


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ';"\r\n') else text

