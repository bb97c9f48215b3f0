"""The project's own workbook format as sheet layouts: the sheet "Överenskommelse" (labels and
values, the tables Potter and Objekt) and the sheet "Aktiviteter" (the table Aktiviteter).  The
reader (``read.format_reader``) reads exactly this; ``import`` writes it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..core.model import Activity, Agreement
from ..read.workbook_format import (
    ACTIVITIES_TABLE, ACTIVITY_COLUMNS, AGREEMENT_LABELS, AGREEMENT_SHEET, DUTIES, DUTIES_TABLE, DUTY_COLUMNS,
    OBJEKT_COLUMNS, OBJEKT_TABLE, POT_COLUMNS, POTS_TABLE,
)
from .layout import STYLES, Cell, SheetLayout, Table, column_px, line_height, text_lines

ACTIVITIES_SHEET = "Aktiviteter"
SOURCE_COLUMN = "Källa"
GROUPS = [
    ("Överenskommelsen", ["name", "year", "region_dnr", "decision_date", "decided_total", "rk_dnr_agreement",
                          "rk_dnr_payment", "paid_out", "paid_out_date", "payer", "period_start", "period_end"]),
    # per duty: the agreement's deadline, the region's own, and when it was done, with a reference (issue 24)
    ("Tidsgränser och vad som är gjort (interna: regionens egna)",
     [f for d in DUTIES for f in (d.deadline, d.internal, d.done, d.reference)] + ["deadlines_assumed"]),
    ("Rekvisition och utbetalning (Bilaga 2)", ["requisition_amount", "giro", "payment_reference"]),
    ("Kontaktuppgifter (Bilaga 2, punkt 1)", ["recipient", "org_number", "contact_person", "postal_address",
                                             "phone", "fax", "email"]),
    ("Granskning och underskrift (Bilaga 2, punkt 4 och 5)", ["finance_head", "finance_head_title",
                                                             "finance_head_phone", "finance_head_email",
                                                             "signatory"]),
    ("Bokslut (regionens beslut för punkt 3)", ["requisition_reduces", "unmatched_decision", "unmatched_reason",
                                                "deviation_threshold", "carry_over", "per_year", "account_owed",
                                                "account_deferred", "account_accrued"]),
]


DUTIES_TITLE = "Övriga redovisningar som överenskommelsen kräver (t.ex. planering av AT-tjänster)"


def _value_cell(value: object) -> Cell:
    if isinstance(value, Decimal):
        return Cell(2, value, style="money" if value == int(value) else "money_ore")
    if isinstance(value, dt.date):
        return Cell(2, value.isoformat(), style="text")
    if isinstance(value, int):
        return Cell(2, value, style="text")
    return Cell(2, "" if value is None else str(value), style="text")


def agreement_sheet(ag: Agreement, notes: list[str] = ()) -> SheetLayout:
    sheet = SheetLayout(AGREEMENT_SHEET, [52.0, 60.0, 12.0, 60.0, 14.0, 20.0], gridlines=True)
    sheet.add(Cell(1, "Överenskommelse och parametrar", style="title"), height=22.0)
    sheet.add(Cell(1, "xl-statsbidrag läser värdet till höger om varje etikett i kolumn A, och tabellerna "
                      "Potter och Objekt; etiketterna och tabellnamnen ska stå kvar.", style="note"))
    sheet.merges.append("A2:D2")
    for title, fields in GROUPS:
        sheet.blank()
        sheet.add(Cell(1, title, style="section"), Cell(2, None, style="section"))
        for name in fields:
            value = "Ingen" if name in ag.no_deadline else getattr(ag, name)
            sheet.add(Cell(1, AGREEMENT_LABELS[name], style="label"), _value_cell(value))
    sheet.blank()
    sheet.add(Cell(1, "Potter (öronmärkta får bara användas till sitt ändamål)", style="section"),
              *[Cell(c, None, style="section") for c in (2, 3, 4)])
    header = len(sheet.rows) + 1
    columns = (POT_COLUMNS["name"], POT_COLUMNS["amount"], POT_COLUMNS["earmarked"], POT_COLUMNS["purpose"])
    sheet.add(*[Cell(i, c, style="header") for i, c in enumerate(columns, start=1)])
    for pot in ag.pots:
        sheet.add(Cell(1, pot.name), Cell(2, pot.amount, style="money"), Cell(3, "Ja" if pot.earmarked else "Nej"),
                  Cell(4, pot.purpose))
    sheet.tables.append(Table(POTS_TABLE, header, 1, columns, header + len(ag.pots)))
    sheet.blank()
    header = len(sheet.rows) + 1
    objekt_columns = (OBJEKT_COLUMNS["code"], OBJEKT_COLUMNS["description"])
    sheet.add(*[Cell(i, c, style="header") for i, c in enumerate(objekt_columns, start=1)])
    for o in ag.objekt:
        sheet.add(Cell(1, o.code), Cell(2, o.description))
    sheet.tables.append(Table(OBJEKT_TABLE, header, 1, objekt_columns, header + len(ag.objekt)))
    sheet.blank()
    sheet.add(Cell(1, DUTIES_TITLE, style="section"), *[Cell(c, None, style="section") for c in range(2, 7)])
    header = len(sheet.rows) + 1
    duty_columns = tuple(DUTY_COLUMNS.values())
    sheet.add(*[Cell(i, c, style="header") for i, c in enumerate(duty_columns, start=1)])
    for d in ag.duties:
        sheet.add(*[Cell(i, _value_cell(getattr(d, f)).value, style="text") for i, f in enumerate(DUTY_COLUMNS, start=1)])
    sheet.tables.append(Table(DUTIES_TABLE, header, 1, duty_columns, header + len(ag.duties)))
    width = sum(column_px(w) for w in sheet.column_widths)
    for note in notes:  # across the sheet's columns, as tall as its wrapped text
        sheet.blank()
        row = sheet.add(Cell(1, note, style="note"),
                        height=text_lines(note, width, STYLES["note"]) * line_height(STYLES["note"]))
        sheet.merges.append(f"A{row}:D{row}")
    return sheet


def activities_sheet(activities: list[Activity], sources: list[str] | None = None) -> SheetLayout:
    """The activity table, with a column "Källa" naming each row's source cell when given."""
    fields = list(ACTIVITY_COLUMNS)
    columns = tuple(ACTIVITY_COLUMNS[f] for f in fields) + ((SOURCE_COLUMN,) if sources else ())
    widths = {"name": 50.0, "verksamhet": 22.0, "earlier_decision": 18.0, "decision_ref": 18.0, "amount": 15.0,
              "next_year": 24.0, "objekt": 9.0, "code": 10.0, "pot": 24.0, "actual": 15.0, "comment": 40.0,
              "internal_comment": 40.0}
    sheet = SheetLayout(ACTIVITIES_SHEET, [widths[f] for f in fields] + ([16.0] if sources else []),
                        landscape=True, gridlines=True, freeze_row=1)
    sheet.add(*[Cell(i, c, style="header") for i, c in enumerate(columns, start=1)])
    for n, a in enumerate(activities):
        cells = []
        for i, f in enumerate(fields, start=1):
            value = getattr(a, f)
            if f in ("amount", "actual"):
                cells.append(Cell(i, value, style="money" if value is None or value == int(value) else "money_ore"))
            else:
                cells.append(Cell(i, value or None, style="text"))
        if sources:
            cells.append(Cell(len(fields) + 1, sources[n], style="text"))
        sheet.add(*cells)
    sheet.tables.append(Table(ACTIVITIES_TABLE, 1, 1, columns, 1 + len(activities)))
    return sheet
