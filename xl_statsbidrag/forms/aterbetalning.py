"""The sheet **Återbetalning**, written by ``report``: the repayment note for accounts payable (the amount to
pay to Kammarkollegiet for the agreement, per part, with the Government Offices' dnr as the payment reference
and the day it is due)."""
from __future__ import annotations

from decimal import Decimal

from ..core.model import DecisionBook
from ..core.money import kr_text
from ..core.yearend import YearEnd
from ..read.workbook_format import AGREEMENT_LABELS
from .layout import FORM_MARGINS, Cell, Form, SheetLayout, money_style, page_texts

REPAYMENT_SHEET = "Återbetalning"


def payment_reference(book: DecisionBook) -> str:
    """What the payment to Kammarkollegiet says: the Government Offices' dnr of the agreement (and of the
    decision to pay out, when both are filled in), so that Kammarkollegiet finds the grant it belongs to."""
    ag = book.agreement
    return ", ".join(d for d in (ag.rk_dnr_agreement, ag.rk_dnr_payment) if d)


def repayment_sheet(book: DecisionBook, ye: YearEnd) -> SheetLayout:
    """Återbetalning: the amount to pay to Kammarkollegiet for the agreement, per part, with the Government
    Offices' dnr as the payment reference and the day it is due; for accounts payable."""
    ag = book.agreement
    sheet = SheetLayout(REPAYMENT_SHEET, [44.0, 46.0], fit_width=False, margins=FORM_MARGINS)
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
                 Cell(2, ye.to_repay, style=money_style(ye.to_repay, True)))
        form.field("Betalningsmottagare", "Kammarkollegiet")
        form.field("Kammarkollegiets bankgiro (enligt Kammarkollegiets anvisning)", "")
        form.field("Betalningsreferens (Regeringskansliets diarienummer)", payment_reference(book))
        form.field("Betalas senast", due.isoformat() if due else "")
        form.field("Avser", f"Medel som inte har förbrukats enligt den ekonomiska redovisningen för perioden "
                            f"{start.isoformat()} – {end.isoformat()}")
        if ye.carried:
            form.wide("text", f"Inget att återbetala nu: det som inte har förbrukats ({kr_text(ye.carried)}) förs över till "
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
            form.row(Cell(1, label, style="text"), Cell(2, value, style=money_style(value)))
        last = form.next_row - 1
        form.row(Cell(1, "Summa", style="total_label"),
                 Cell(2, ye.to_repay, f"SUM(B{first}:B{last})", money_style(ye.to_repay, True)))
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
