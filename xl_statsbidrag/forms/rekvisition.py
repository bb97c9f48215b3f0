"""The requisition ("Rekvisition", the other form of the agreement's Bilaga 2) as a sheet layout.

The region asks Kammarkollegiet to pay out the grant; the right to it lapses if the requisition is
late (1 December in the 2017 agreement).  The form's four sections in its own words: contact details,
the grant it concerns (diary numbers, name, the amount requisitioned, the period), payment details,
and the authorised signatory.  The amount is a formula on the agreement sheet (the amount set there,
or the sum of the pots), so the sheet follows a change of the workbook.  A4 portrait, one page.
"""
from __future__ import annotations

from ..core.model import DecisionBook
from ..read.workbook_format import AGREEMENT_LABELS
from .layout import FORM_MARGINS, Cell, Form, SheetLayout, money_style, page_texts

SHEET_NAME = "Rekvisition"
WIDTHS = [40.0, 52.0]


def _ref(location) -> str | None:
    """A reference to a cell of another sheet, for a formula."""
    if not (location.sheet and location.cell) or ":" in location.cell:
        return None
    return "'" + location.sheet.replace("'", "''") + "'!" + location.cell


def requisition_sheet(book: DecisionBook) -> SheetLayout:
    ag = book.agreement
    sheet = SheetLayout(SHEET_NAME, list(WIDTHS), fit_width=False, margins=FORM_MARGINS)
    form = Form(sheet)

    def heading() -> None:
        form.row(Cell(1, "Rekvisition", style="title"))
        form.wide("subtitle", f"Rekvisition av medel enligt överenskommelsen \u201d{ag.name}\u201d")
    form.keep(heading)

    def contacts() -> None:
        form.section("1. Kontaktuppgifter")
        for name in ("recipient", "org_number", "contact_person", "postal_address", "phone", "fax", "email"):
            form.field(AGREEMENT_LABELS[name], getattr(ag, name), required=name != "fax")
    form.keep(contacts)

    def grant() -> None:
        form.section("2. Bidrag som ansökan avser")
        form.field("Regeringskansliets diarienummer för bakomliggande överenskommelse", ag.rk_dnr_agreement)
        form.field("Regeringskansliets diarienummer för regeringsbeslut avseende utbetalning", ag.rk_dnr_payment)
        form.field("Överenskommelsens benämning", ag.name)
        # a formula on the agreement sheet follows a change there; but an amount written as text would give
        # #VALUE! (or text) in Excel, so then the amount as read is written instead
        as_text = {f.location for f in book.problems if f.code == "belopp-som-text"}
        if ag.requisition_amount is not None:
            source = [ag.loc("requisition_amount")]
        else:
            source = [p.cells["amount"] for p in ag.pots if "amount" in p.cells]
            source = source if len(source) == len(ag.pots) else []
        cells = [_ref(loc) for loc in source]
        formula = "+".join(cells) if cells and None not in cells and not as_text & set(source) else None
        amount = ag.requested
        form.row(Cell(1, "Belopp som rekvireras", style="label"),
                 Cell(2, amount, formula, money_style(amount)))
        start, end = ag.period
        form.field("Rekvisitionen avser perioden", f"{start.isoformat()} – {end.isoformat()}")
    form.keep(grant)

    def payment() -> None:
        form.section("3. Uppgifter för utbetalning")
        form.field("Bankgiro/Plusgiro", ag.giro)
        form.field("Önskad betalningsreferens", ag.payment_reference)
    form.keep(payment)

    def signature() -> None:
        form.section("4. Underskrift i original av behörig företrädare")
        form.wide("text", "Bidragstagaren intygar att lämnade uppgifter är riktiga samt försäkrar att bidraget "
                          "kommer att användas enligt den gemensamma överenskommelsen.")
        form.signatures([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", ag.signatory)])
    form.keep(signature)

    sheet.header, sheet.footer = page_texts(ag, "Rekvisition", form.pages.count)
    return sheet
