"""Checks of what the forms ask for: the contact details and diary numbers of Bilaga 2 and the
requisition, the bankgiro/plusgiro number and the requisition's amount and deadline."""
from __future__ import annotations

import datetime as dt
import re

from ..core.model import Agreement, DecisionBook, Finding
from ..core.money import format_kr
from ..core.text import NO, YES, normalise_header
from ..read.workbook_format import AGREEMENT_LABELS
from .context import ERROR, WARNING, Context

# Fields of Bilaga 2 that the report cannot do without (fax and the signature block are left
# to be filled in by hand).
REQUIRED_REPORT_FIELDS = ("recipient", "org_number", "contact_person", "postal_address", "phone",
                          "email", "rk_dnr_agreement", "rk_dnr_payment", "finance_head", "finance_head_phone",
                          "finance_head_email", "signatory")

# Fields the requisition form prints (the head of finance does not sign it).
REQUISITION_FIELDS = tuple(f for f in REQUIRED_REPORT_FIELDS if not f.startswith("finance_head"))


def missing_fields(ag: Agreement, names: tuple[str, ...], form: str = "Bilaga 2") -> list[Finding]:
    return [Finding(WARNING, "uppgift-saknas", f"{AGREEMENT_LABELS[name]} saknas (krävs i {form}).", ag.loc(name))
            for name in names if not getattr(ag, name)]


def check_report_fields(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The contact details and diary numbers that Bilaga 2 asks for."""
    return missing_fields(book.agreement, REQUIRED_REPORT_FIELDS)


# The agreement's yes/no cells that change the money: read as no unless they say yes.
YES_NO_FIELDS = ("carry_over", "per_year")


def check_yes_no(book: DecisionBook, ctx: Context) -> list[Finding]:
    """A yes/no cell of the agreement that says neither (``Ja, till juni``): it is read as no, which for
    Ej förbrukade medel får användas nästa år means the money not used is repaid."""
    ag = book.agreement
    out = []
    for name in YES_NO_FIELDS:
        value = str(getattr(ag, name) or "")
        if normalise_header(value) not in YES | NO:
            out.append(Finding(WARNING, "ja-nej-oklart", f"{AGREEMENT_LABELS[name]}: '{value}' är varken ja eller nej "
                               "och läses som nej. Skriv Ja eller Nej.", ag.loc(name)))
    return out


# (compiled by re's cache when a giro number is checked: not at import, issue 28)
_GIRO = r"(?i)^(?:(?P<kind>bankgiro|bg|plusgiro|pg)[\s.:]*(?:nr\.?|nummer)?[\s.:]*)?(?P<number>[\d\s-]+)$"


def luhn_ok(digits: str) -> bool:
    """The mod 10 (Luhn) check digit that bankgiro and plusgiro numbers end with."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def giro_problem(text: str) -> str | None:
    """Why ``text`` is not a bankgiro number (7-8 digits, written 123-4567 or 1234-5678) or a plusgiro
    number (2-8 digits, written 12 34 56-7), with a valid check digit; None when it is one."""
    match = re.match(_GIRO, " ".join(text.split()))
    if not match:
        return f"'{text}' är inte ett bankgiro- eller plusgironummer"
    number = match["number"].strip()
    digits = re.sub(r"\D", "", number)
    kind = (match["kind"] or "").casefold()
    if kind in ("plusgiro", "pg") or (not kind and re.fullmatch(r"[\d\s]*\d-\d", number)):
        if not 2 <= len(digits) <= 8:
            return f"plusgironumret '{text}' ska ha 2-8 siffror"
    elif not (7 <= len(digits) <= 8 and re.fullmatch(r"\d{3,4}-?\d{4}", number.replace(" ", ""))):
        return f"bankgironumret '{text}' ska skrivas 123-4567 eller 1234-5678"
    if not luhn_ok(digits):
        return f"kontrollsiffran i '{text}' stämmer inte"
    return None


def check_requisition(book: DecisionBook, ctx: Context) -> list[Finding]:
    """The requisition: the amount against the grant, the bankgiro/plusgiro number, and its deadline
    (the right to the grant lapses if the requisition is late)."""
    ag = book.agreement
    out = []
    if ag.requisition_amount is not None:
        if ag.requisition_amount > ag.total:
            out.append(Finding(ERROR, "rekvisition-overstiger",
                               f"Belopp som rekvireras ({format_kr(ag.requisition_amount)}) överstiger bidraget enligt "
                               f"överenskommelsen ({format_kr(ag.total)}).", ag.loc("requisition_amount"),
                               ag.requisition_amount - ag.total))
        elif ag.requisition_amount <= 0:
            out.append(Finding(ERROR, "rekvisition-overstiger", "Belopp som rekvireras måste vara större än noll.",
                               ag.loc("requisition_amount"), ag.requisition_amount))
    if ag.giro:
        problem = giro_problem(ag.giro)
        if problem:
            out.append(Finding(ERROR, "giro-ogiltigt", f"{AGREEMENT_LABELS['giro']}: {problem}.", ag.loc("giro")))
    else:
        out.append(Finding(WARNING, "giro-saknas", f"{AGREEMENT_LABELS['giro']} saknas (krävs i rekvisitionen).",
                           ag.loc("giro")))
    day = ag.requisition_deadline
    if day is not None and ag.paid_out is None:
        left = (day - ctx.today).days
        report_due = ag.report_deadline or dt.date(ag.period[1].year + 1, 3, 31)
        if 0 <= left <= 30:
            out.append(Finding(WARNING, "rekvisition-snart",
                               f"Sista dag för rekvisition är {day} (om {left} dagar). Rätten till bidraget förfaller "
                               "om rekvisitionen inte har kommit in.", ag.loc("requisition_deadline")))
        elif left < 0 and ctx.today <= report_due:
            out.append(Finding(WARNING, "rekvisition-passerad",
                               f"Sista dag för rekvisition ({day}) har passerat och inget utbetalt belopp är ifyllt. "
                               "Rätten till bidraget förfaller om rekvisitionen inte har kommit in.",
                               ag.loc("requisition_deadline")))
    return out
