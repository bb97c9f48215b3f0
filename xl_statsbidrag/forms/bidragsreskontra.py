"""The sheet and Excel Table **Bidragsreskontra** (the grant ledger, ``core.grantledger``), written by
``bokslut`` with the closed year's rows."""
from __future__ import annotations

from ..core.grantledger import GrantYear
from ..core.model import DecisionBook
from ..read.workbook_format import GRANT_LEDGER_COLUMNS, GRANT_LEDGER_SHEET, GRANT_LEDGER_TABLE
from .layout import Cell, Form, SheetLayout, Table, number_style, page_texts


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
    header = form.row(*[Cell(i, c, style="header" if i in (1, 2) or i > 8 else "header_right")
                        for i, c in enumerate(columns, start=1)])
    for r in sorted(rows, key=lambda r: (r.year, r.pot.casefold())):
        n = form.next_row
        amounts = [r.opening, r.received, r.costs, r.repaid, r.carried, r.closing]
        cells = [Cell(1, r.year, style="centered"), Cell(2, r.pot)]
        for column, value in zip(range(3, 9), amounts):
            formula = f"C{n}+D{n}-E{n}-F{n}" if column == 8 else None
            cells.append(Cell(column, value, formula, number_style(value)))
        cells += [Cell(9, r.received_date.isoformat() if r.received_date else None, style="centered"),
                  Cell(10, r.received_ref or None),
                  Cell(11, r.repaid_date.isoformat() if r.repaid_date else None, style="centered"),
                  Cell(12, r.repaid_ref or None)]
        form.row(*cells)
    sheet.tables.append(Table(GRANT_LEDGER_TABLE, header, 1, columns, header + len(rows)))
    sheet.header, sheet.footer = page_texts(ag, "Bidragsreskontra", None)
    return sheet
