"""The Bilaga 2 economic report ("Ekonomisk redovisning") as a sheet layout.

Sections 1-5 follow the form in the agreement's Bilaga 2.  Costs are listed per activity; the
totals are formulas (with their values) so the sheet is right in Excel and in readers that do
not recalculate.  Without actual costs (utfall) the report shows the decided budget, says so,
and does not offer Alt 1 of the head of finance's attestation.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .errors import UserError
from .layout import Cell, SheetLayout
from .model import AGREEMENT_LABELS, DecisionBook, Finding
from .validation import ERROR, SEVERITY_SV, WARNING, validate

SHEET_NAME = "Bilaga 2"
# Findings that do not make the figures under point 3 wrong, so they do not decide Alt 1/Alt 2:
# missing contact details show as blanks in the form, and a decision that rounds the agreement's
# total (41 197 000 for 41 197 280) is a matter for the decision, not for the accounts.
NOT_DEVIATIONS = {"uppgift-saknas", "beslut-avviker"}

# Columns: A label/activity, B verksamhet, C objekt, D pott, E amount.
WIDTHS = [44.0, 18.0, 8.0, 22.0, 15.0]
A, B, C, D, E = 1, 2, 3, 4, 5
LINE_HEIGHT = 15.0
SIGNATURE_HEIGHT = 24.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit


@dataclass
class ReportSummary:
    received: Decimal
    costs: Decimal
    unused: Decimal
    activities: int
    outcome: bool
    alternative: int
    deviations: list[Finding]


def _lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 1.2))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _height(*texts_and_widths: tuple[str, float]) -> float | None:
    lines = max((_lines(t, w) for t, w in texts_and_widths if t), default=1)
    return min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT) if lines > 1 else None


def _footer(name: str, sheet: str = SHEET_NAME) -> str:
    """A page footer: the sheet and agreement on the left, the page on the right.  "&" starts a code
    in a footer, so a literal one is doubled; Excel allows 255 characters in all."""
    left = f"{sheet} – {name}".replace("&", "&&")
    return f"&L{left[:220]}&RSida &P av &N"


def _money_style(value: Decimal | None, total: bool = False) -> str:
    ore = value is not None and value != value.to_integral_value()
    return ("money_total" if total else "money") + ("_ore" if ore else "")


def _quote(text: str) -> str:
    """A string literal in a formula."""
    return '"' + text.replace('"', '""') + '"'


def _sum_where(keys: str, key: str, amounts: str) -> str | None:
    """A formula summing ``amounts`` where ``keys`` equals ``key`` as Excel compares text (without
    case, no wildcards or operators, unlike SUMIF's criteria); None where the text is too long for a
    formula (255 characters), so that the cell carries its value only."""
    if len(key) > 250:
        return None
    return f"SUMPRODUCT(({keys}={_quote(key)})*{amounts})"


def deviations(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in (ERROR, WARNING) and f.code not in NOT_DEVIATIONS]


def build_report(book: DecisionBook, findings: list[Finding] | None = None,
                 today: dt.date | None = None) -> tuple[SheetLayout, ReportSummary]:
    today = today or dt.date.today()
    findings = validate(book, today) if findings is None else findings
    ag = book.agreement
    outcome = book.has_outcome
    devs = deviations(findings)
    alternative = 1 if outcome and not devs else 2
    sheet = SheetLayout(SHEET_NAME, list(WIDTHS), footer=_footer(ag.name))
    full = sum(WIDTHS)
    value_width = sum(WIDTHS[1:])

    def wide(style: str, value: str) -> int:
        row = sheet.add(Cell(A, value, style=style), height=_height((value, full)))
        sheet.merges.append(f"A{row}:E{row}")
        return row

    def field_row(label: str, value: object) -> int:
        text = "" if value is None else str(value)
        row = sheet.add(Cell(A, label, style="label"), Cell(B, text, style="text"),
                        height=_height((label, WIDTHS[0]), (text, value_width)))
        sheet.merges.append(f"B{row}:E{row}")
        return row

    def money_row(label: str, value: Decimal, formula: str | None = None, total: bool = False,
                  note: str = "") -> int:
        label_style = "total_label" if total else "label"
        cells = [Cell(A, label, style=label_style)]
        if total:
            cells += [Cell(col, None, style="total_label") for col in (B, C, D)]
        if note:
            cells[1:2] = [Cell(B, note, style="note")]
        cells.append(Cell(E, value, formula, _money_style(value, total)))
        return sheet.add(*cells, height=_height((label, WIDTHS[0]), (note, sum(WIDTHS[1:4]))))

    def section(title: str) -> None:
        sheet.blank()
        sheet.add(*[Cell(col, title if col == A else None, style="section") for col in (A, B, C, D, E)])

    def signature_block(rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            row = sheet.add(Cell(A, label, style="label"), *[Cell(col, value if col == B else None,
                                                                   style="signature") for col in (B, C, D, E)],
                            height=SIGNATURE_HEIGHT)
            sheet.merges.append(f"B{row}:E{row}")

    # --- heading ---------------------------------------------------------------------------------
    sheet.add(Cell(A, "Ekonomisk redovisning", style="title"), height=22.0)
    wide("subtitle", f"Bilaga 2 till överenskommelsen \u201d{ag.name}\u201d, {ag.year}")
    wide("note", f"Upprättad {today.isoformat()} med xl-statsbidrag från {Path(book.path).name}.")
    if not outcome:
        wide("warning", "OBS! Utfall saknas. Kostnaderna under punkt 3 är beslutad budget, inte utfall. "
                        "Redovisningen kan inte intygas enligt Alt 1 förrän utfallet är ifyllt.")

    # --- 1. contact details ----------------------------------------------------------------------
    section("1. Kontaktuppgifter")
    for name in ("recipient", "org_number", "contact_person", "postal_address", "phone", "fax", "email"):
        field_row(AGREEMENT_LABELS[name], getattr(ag, name))

    # --- 2. the grant ----------------------------------------------------------------------------
    section("2. Bidrag som redovisningen avser")
    field_row(AGREEMENT_LABELS["rk_dnr_agreement"], ag.rk_dnr_agreement)
    field_row(AGREEMENT_LABELS["rk_dnr_payment"], ag.rk_dnr_payment)
    field_row("Överenskommelsens benämning", ag.name)
    if ag.region_dnr:
        field_row("Regionens diarienummer", ag.region_dnr)
    if len(ag.pots) > 1:
        first_pot = len(sheet.rows) + 2
        money_row("Summa bidrag enligt överenskommelsen", ag.total,
                  f"SUM(E{first_pot}:E{first_pot + len(ag.pots) - 1})")
        for pot in ag.pots:
            money_row(f"    varav {pot.name}" + (" (öronmärkt)" if pot.earmarked else ""), pot.amount)
    else:
        money_row("Summa bidrag enligt överenskommelsen", ag.total)
    paid_row = money_row(AGREEMENT_LABELS["paid_out"], ag.received)
    start, end = ag.period
    field_row("Period som den ekonomiska redovisningen avser", f"{start.isoformat()} – {end.isoformat()}")

    # --- 3. costs --------------------------------------------------------------------------------
    section("3. Redovisning av verksamhet eller aktivitet")
    received_row = money_row("Bidrag som erhållits av regeringen/Regeringskansliet", ag.received, f"E{paid_row}")
    kind = "utfall" if outcome else "beslutad budget, inte utfall"
    wide("strong", f"Kostnader (specificera större kostnadsposter) – {kind}")
    amount_header = "Utfall" if outcome else "Budget"
    sheet.add(Cell(A, "Aktivitet", style="header"), Cell(B, "Verksamhet", style="header"),
              Cell(C, "Objekt", style="header"), Cell(D, "Pott", style="header"),
              Cell(E, amount_header, style="header_right"))
    first = len(sheet.rows) + 1
    for a in book.activities:
        value = a.actual if outcome else a.amount
        sheet.add(Cell(A, a.name, style="text"), Cell(B, a.verksamhet, style="text"),
                  Cell(C, a.objekt, style="text"), Cell(D, a.pot, style="text"),
                  Cell(E, value, style=_money_style(value)),
                  height=_height((a.name, WIDTHS[0]), (a.verksamhet, WIDTHS[1]), (a.pot, WIDTHS[3])))
    last = len(sheet.rows)
    costs = book.costs
    costs_row = money_row("Summa kostnader", costs, f"SUM(E{first}:E{last})", total=True)
    unused_note = "" if outcome else "ej fördelat enligt budget"
    money_row("Medel som inte har förbrukats (Bidrag – kostnader)", book.unused,
              f"E{received_row}-E{costs_row}", total=True, note=unused_note)

    groups: dict[str, str] = {}  # objekt as Excel compares it (without case) -> as first written
    for a in book.activities:
        if a.objekt:
            groups.setdefault(a.objekt.casefold(), a.objekt)
    if groups:
        sheet.blank()
        sheet.add(Cell(A, "Kostnader per objekt", style="header"), *[Cell(col, None, style="header") for col in (B, C, D)],
                  Cell(E, amount_header, style="header_right"))
        for key, code in sorted(groups.items(), key=lambda kv: kv[1]):
            value = sum(((a.actual if outcome else a.amount) or Decimal(0) for a in book.activities
                         if a.objekt.casefold() == key), Decimal(0))
            money_row(f"Objekt {code}", value, _sum_where(f"C{first}:C{last}", code, f"E{first}:E{last}"))
    pots_known = len(ag.pots) > 1 and all(ag.pot(a.pot) for a in book.activities)
    if pots_known:
        sheet.blank()
        sheet.add(Cell(A, "Per pott", style="header"), Cell(B, "Bidrag", style="header_right"),
                  Cell(C, None, style="header"), Cell(D, "Kostnader", style="header_right"),
                  Cell(E, "Ej förbrukat", style="header_right"))
        for pot in ag.pots:
            spent = sum(((a.actual if outcome else a.amount) or Decimal(0) for a in book.activities
                         if ag.pot(a.pot) is pot), Decimal(0))
            row = len(sheet.rows) + 1
            sheet.add(Cell(A, pot.name + (" (öronmärkt)" if pot.earmarked else ""), style="label"),
                      Cell(B, pot.amount, style=_money_style(pot.amount)),
                      Cell(D, spent, _sum_where(f"D{first}:D{last}", pot.name, f"E{first}:E{last}"),
                           _money_style(spent)),
                      Cell(E, pot.amount - spent, f"B{row}-D{row}", _money_style(pot.amount - spent)))

    # --- 4. attestation --------------------------------------------------------------------------
    section("4. Ekonomichefens (eller motsvarande) granskning av den ekonomiska redovisningen")
    who = ag.finance_head or "N.N."
    alt1 = (f"{'☒' if alternative == 1 else '☐'} Alt 1: {who} (ekonomichefen eller motsvarande) intygar att "
            "den ekonomiska redovisningen under punkt 3 är korrekt.")
    if not outcome:
        alt1 += " (Kan inte väljas: utfall saknas.)"
    elif devs:
        alt1 += " (Kan inte väljas: se avvikelser under Alt 2.)"
    wide("text", alt1)
    wide("text", f"{'☒' if alternative == 2 else '☐'} Alt 2: {who} (ekonomichefen eller motsvarande) bedömer "
                 "inte att den ekonomiska redovisningen under punkt 3 är korrekt. "
                 "(Avvikelserna och eventuella åtgärder ska också redovisas.)")
    if alternative == 2:
        wide("strong", "Avvikelser och åtgärder:")
        for f in devs:
            where = f" ({f.location})" if str(f.location) else ""
            wide("text", f"• {f.message}{where}")
    signature_block([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", ag.finance_head),
                     ("Befattning", ag.finance_head_title),
                     ("Telefon inkl. riktnummer", ag.finance_head_phone),
                     ("E-postadress", ag.finance_head_email)])

    # --- 5. signature ----------------------------------------------------------------------------
    section("5. Underskrift i original av behörig företrädare")
    wide("text", "Bidragstagaren intygar att lämnade uppgifter är riktiga.")
    signature_block([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", ag.signatory)])

    summary = ReportSummary(ag.received, costs, book.unused, len(book.activities), outcome, alternative, devs)
    return sheet, summary


def checked_report(book: DecisionBook, today: dt.date | None = None
                   ) -> tuple[SheetLayout, ReportSummary, list[Finding]]:
    """Validate and lay out the report, refusing a workbook with cells that cannot be read (a report
    with a hole in its figures is worse than none)."""
    unreadable = [f for f in book.problems if f.severity == ERROR]
    if unreadable:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
        raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no report was written:\n{lines}",
                        file=book.path or None)
    findings = validate(book, today)
    layout, summary = build_report(book, findings, today)
    return layout, summary, findings


CHECK_SHEET_NAME = "Kontroll"


def findings_sheet(book: DecisionBook, findings: list[Finding], today: dt.date | None = None) -> SheetLayout:
    """The findings as a sheet "Kontroll": one row each, with a link to the cell it is about."""
    today = today or dt.date.today()
    sheet = SheetLayout(CHECK_SHEET_NAME, [12.0, 22.0, 80.0, 24.0, 16.0], landscape=True,
                        footer=_footer(book.agreement.name, CHECK_SHEET_NAME))
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITY_SV}
    sheet.add(Cell(A, "Kontroll av beslutsunderlaget", style="title"), height=22.0)
    sheet.add(Cell(A, f"{book.agreement.name}, {book.agreement.year}. Kontrollerad {today.isoformat()}: "
                      f"{counts['error']} fel, {counts['warning']} varningar, {counts['info']} upplysningar.",
                   style="note"))
    sheet.merges += ["A2:E2"]
    sheet.blank()
    sheet.add(*[Cell(col, text, style="header") for col, text in
                zip((A, B, C, D), ("Allvarlighet", "Kod", "Meddelande", "Cell"))],
              Cell(E, "Belopp", style="header_right"))
    if not findings:
        sheet.add(Cell(A, "OK", style="text"), Cell(C, "Inga avvikelser.", style="text"))
    for f in findings:
        where = str(f.location)
        link = None
        if f.location.sheet and f.location.cell:
            target = f"#'{f.location.sheet.replace(chr(39), chr(39) * 2)}'!{f.location.cell.split(':')[0]}"
            link = f"HYPERLINK({_quote(target)},{_quote(where)})"
        amount_style = _money_style(f.amount) if f.amount is not None else "text"
        sheet.add(Cell(A, SEVERITY_SV[f.severity], style="strong" if f.severity == ERROR else "text"),
                  Cell(B, f.code, style="text"), Cell(C, f.message, style="text"),
                  Cell(D, where, link, style="text"), Cell(E, f.amount, style=amount_style),
                  height=_height((f.message, 80.0)))
    return sheet
