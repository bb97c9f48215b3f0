"""The sheet **Bokslut**, written by ``bokslut``: the closed year per part, the proposed entries (Excel Table
Bokslutsposter, the same lines as the CSV), and what needs the controller's eye: accruals, investments,
transactions claimed twice or by none (``core.closing.Closing``, from ``ledger.bokslut.close``)."""
from __future__ import annotations

from decimal import Decimal

from ..core.closing import Closing
from .layout import Cell, Form, SheetLayout, Table, money_style, page_texts

CLOSING_SHEET = "Bokslut"
CLOSING_TABLE = "Bokslutsposter"
ENTRY_COLUMNS = ("Datum", "Konto", "Ansvar", "Verksamhet", "Aktivitet", "Objekt", "Text", "Debet", "Kredit", "Grund")
ZERO = Decimal(0)


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
                 Cell(7, part.grant, style=money_style(part.grant)), Cell(8, part.costs, style=money_style(part.costs)),
                 Cell(9, part.repay, style=money_style(part.repay)), Cell(10, part.own, style=money_style(part.own)),
                 spans={1: 6})

    section("Föreslagna bokslutsposter (samma rader som CSV-filen bredvid arbetsboken)")
    header = form.row(*[Cell(i, t, style="header_right" if t in ("Debet", "Kredit") else "header")
                        for i, t in enumerate(ENTRY_COLUMNS, start=1)])
    for e in c.entries:
        form.row(Cell(1, e.date.isoformat()), Cell(2, e.konto or None), Cell(3, e.ansvar or None),
                 Cell(4, e.verksamhet or None), Cell(5, e.aktivitet or None), Cell(6, e.objekt or None),
                 Cell(7, e.text), Cell(8, e.debet or None, style=money_style(e.debet)),
                 Cell(9, e.kredit or None, style=money_style(e.kredit)), Cell(10, e.why, style="note"))
    sheet.tables.append(Table(CLOSING_TABLE, header, 1, ENTRY_COLUMNS, header + len(c.entries)))
    debet = sum((e.debet for e in c.entries), ZERO)
    kredit = sum((e.kredit for e in c.entries), ZERO)
    form.row(Cell(1, "Summa", style="total_label"), *[Cell(col, None, style="total_label") for col in range(2, 7)],
             Cell(8, debet, style=money_style(debet, True)), Cell(9, kredit, style=money_style(kredit, True)),
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
                     Cell(8, value, style=money_style(value)), Cell(10, who or None))
    sheet.header, sheet.footer = page_texts(ag, f"Bokslut {c.year}", None)
    return sheet
