"""The Bilaga 2 economic report ("Ekonomisk redovisning") as a sheet layout, and the sheet
"Kontroll" beside it.

Sections 1-5 follow the form in the agreement's Bilaga 2, in its own words.  Point 3 lists budget,
utfall and avvikelse per activity, per objekt and per pot, then what was not used and what must be
repaid; totals are formulas (with their values) so the sheet is right in Excel and in readers that
do not recalculate.  Section 4 is the head of finance's: both boxes stay empty.  What the tool found,
and the alternative it suggests with its reasons, go on the sheet "Kontroll", which is not part of
the printed form.

The form is printed on A4 portrait at 100 %: every row gets the height its wrapped text needs
(``layout.text_lines``), and manual page breaks keep each block (a section's head, a table, a
signature block) on one page; a cost table that runs over a page repeats its header row.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import __version__
from .amounts import format_kr
from .errors import UserError
from .layout import DIGIT_PX, STYLES, Cell, Form, SheetLayout, text_px
from .model import Activity, DecisionBook, Finding
from .workbook_format import AGREEMENT_LABELS
from .validation import ERROR, INFO, WARNING, validate

SHEET_NAME = "Bilaga 2"
CHECK_SHEET_NAME = "Kontroll"

# Columns: A activity/label, B verksamhet, C objekt, D budget, E utfall (and single amounts), F avvikelse.
# The amount columns are as wide as their widest amount needs (öre take room), and A gives way; the
# sum stays within what A4 portrait prints at 100 % in Excel and in LibreOffice (whose columns are wider).
WIDTHS = [32.0, 15.0, 7.0, 12.0, 12.0, 12.0]
PAGE_WIDTH = sum(WIDTHS)
MIN_LABEL_WIDTH = 22.0
CELL_MARGIN_PX = 5  # what a right-aligned number keeps free in its cell
A, B, C, D, E, F = 1, 2, 3, 4, 5, 6
MARGINS = (0.45, 0.45, 0.75, 0.75)
WRITE_HEIGHT = Form.WRITE_HEIGHT
MAX_FORMULA = 8000  # Excel allows 8 192 characters in a formula

# The findings that make the figures under point 3 wrong, so that the suggestion is Alt 2.  Unallocated
# budget, money left unused and shifts between activities never do: unused money is repaid, and a
# shift is a comment.  Costs above the grant are shown on the form as the region's own cost.
READ_ERRORS = {"oläsbart-belopp", "fel-i-cell", "formel-utan-varde", "sammanfogad-cell"}
ALT2_CODES = READ_ERRORS | {"utfall-saknas-rad", "oronmarkt-utfall"}


def kr(value: Decimal) -> str:
    """An amount in running text, with non-breaking spaces so that a line never breaks inside it."""
    return format_kr(value).replace(" ", "\u00a0")


def _quote(text: str) -> str:
    """A string literal in a formula."""
    return '"' + text.replace('"', '""') + '"'


def _money_style(value: Decimal | None, total: bool = False) -> str:
    ore = value is not None and value != value.to_integral_value()
    return ("money_total" if total else "money") + ("_ore" if ore else "")


def _widths(book: DecisionBook) -> list[float]:
    """The form's column widths: each amount column wide enough for the widest amount it shows (in bold,
    as a total is), with its sign and öre, so that no cell shows ####; verksamhet and then the activity
    give way."""
    values = [book.agreement.total, book.agreement.received, book.costs, book.unused, book.decided]
    for a in book.activities:
        values += [v for v in (a.amount, a.actual) if v is not None]
        if a.actual is not None:
            values.append(a.actual - (a.amount or Decimal(0)))
    values.append(sum((a.actual for a in book.activities if a.actual is not None), Decimal(0)))
    widest = max(text_px(format_kr(v), STYLES["money_total"]) for v in values)
    amount = max(WIDTHS[D - 1], math.ceil((widest + CELL_MARGIN_PX - 5) / DIGIT_PX))
    verksamhet = WIDTHS[B - 1] if amount <= 13 else 13.0
    label = max(MIN_LABEL_WIDTH, PAGE_WIDTH - verksamhet - WIDTHS[C - 1] - 3 * amount)
    return [label, verksamhet, WIDTHS[C - 1], amount, amount, amount]


def _plus(cells: list[str]) -> str | None:
    """A formula adding the cells, or None when there are none or it would be too long."""
    formula = "+".join(cells)
    return formula if cells and len(formula) <= MAX_FORMULA else None


def _lower_first(name: str) -> str:
    """A pot's name after "varav": "stimulansmedel", but "IT-stöd" and "SKR" stay as written."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


# --- the suggestion for the head of finance ------------------------------------------------------------

@dataclass
class Suggestion:
    alternative: int | None  # 1, 2, or None: no suggestion (no utfall)
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # those behind an Alt 2

    @property
    def text(self) -> str:
        return f"Alt {self.alternative}" if self.alternative else "inget förslag"


def suggest(book: DecisionBook, findings: list[Finding]) -> Suggestion:
    """The alternative of section 4 the tool suggests, with its reasons (Swedish, for the Kontroll sheet)."""
    behind = [f for f in findings if f.code in ALT2_CODES and f.severity in (ERROR, WARNING)]
    if behind:
        return Suggestion(2, [f"{f.message} ({f.location})" if str(f.location) else f.message for f in behind],
                          behind)
    if not book.has_outcome:
        return Suggestion(None, ["Utfall saknas: kostnaderna under punkt 3 är beslutad budget. Alt 1 kan "
                                 "föreslås först när utfallet är ifyllt för alla aktiviteter."])
    return Suggestion(1, ["Utfall finns för alla aktiviteter, alla belopp kan läsas och öronmärkta medel har "
                          "inte använts till annat än sitt ändamål. Avvikelser mot budget mellan aktiviteter, "
                          "medel som inte förbrukats och ej fördelad budget påverkar inte förslaget."])


# --- the form --------------------------------------------------------------------------------------------

@dataclass
class ReportSummary:
    received: Decimal
    costs: Decimal
    unused: Decimal
    repay: Decimal
    activities: int
    outcome: bool  # some utfall
    complete: bool  # utfall for every activity
    suggestion: Suggestion
    pages: int

    @property
    def alternative(self) -> int | None:
        return self.suggestion.alternative


def page_texts(ag, title: str, pages: int) -> tuple[str, str]:
    """A form's page header (its title and the agreement's name; the agreement's dnr on the right: the
    Government Offices' one, else the region's) and footer (the recipient; "Sida N av M" counting this
    sheet's pages alone).  "&" starts a code in a header, so a literal one is doubled."""
    dnr = (f"Regeringskansliets dnr {ag.rk_dnr_agreement}" if ag.rk_dnr_agreement
           else f"Regionens dnr {ag.region_dnr}" if ag.region_dnr else "")
    header = f"&L&8{title} – {ag.name.replace('&', '&&')[:120]}" + (
        f"&R&8{dnr.replace('&', '&&')[:80]}" if dnr else "")
    footer = f"&L&8{ag.recipient.replace('&', '&&')[:80]}&R&8Sida &P av {pages}"
    return header, footer


def build_report(book: DecisionBook, findings: list[Finding] | None = None,
                 today: dt.date | None = None) -> tuple[SheetLayout, ReportSummary]:
    today = today or dt.date.today()
    findings = validate(book, today) if findings is None else findings
    ag = book.agreement
    outcome, complete = book.has_outcome, book.outcome_complete
    sheet = SheetLayout(SHEET_NAME, _widths(book), fit_width=False, margins=MARGINS)
    form = Form(sheet)
    label_span = {A: 4}

    field_row = form.field

    def money_row(label: str, value: Decimal | None, formula: str | None = None, total: bool = False) -> int:
        """A label and an amount in column E; without one, a line to fill in."""
        if value is None and formula is None:
            return form.row(Cell(A, label, style="signature_label"), Cell(E, None, style="fill_in"),
                            spans=label_span, minimum=WRITE_HEIGHT)
        return form.row(Cell(A, label, style="total_label" if total else "label"),
                        Cell(E, value, formula, _money_style(value, total)), spans=label_span)

    section, signature_block = form.section, form.signatures

    # --- heading ---------------------------------------------------------------------------------
    def heading() -> None:
        form.row(Cell(A, "Ekonomisk redovisning", style="title"))
        form.wide("subtitle", f"Redovisning enligt bilaga 2 till överenskommelsen \u201d{ag.name}\u201d")
        if not outcome:
            form.wide("warning", "Utkast: utfall saknas. Kostnaderna under punkt 3 är beslutad budget, inte utfall.")
        elif not complete:
            missing = [a for a in book.activities if a.actual is None]
            form.wide("warning", f"Utkast: utfall saknas för {len(missing)} av {len(book.activities)} aktiviteter "
                                 "(markerade under punkt 3). För dem räknas beslutad budget.")
    form.keep(heading)

    # --- 1. contact details ----------------------------------------------------------------------
    def contacts() -> None:
        section("1. Kontaktuppgifter")
        for name in ("recipient", "org_number", "contact_person", "postal_address", "phone", "fax", "email"):
            field_row(AGREEMENT_LABELS[name], getattr(ag, name), required=name != "fax")
    form.keep(contacts)

    # --- 2. the grant ----------------------------------------------------------------------------
    rows: dict[str, int] = {}
    pot_rows: dict[str, int] = {}

    def grant() -> None:
        section("2. Bidrag som redovisningen avser")
        field_row("Regeringskansliets diarienummer för bakomliggande överenskommelse", ag.rk_dnr_agreement)
        field_row("Regeringskansliets diarienummer avseende regeringsbeslut för utbetalning", ag.rk_dnr_payment)
        field_row("Överenskommelsens benämning", ag.name)
        if len(ag.pots) > 1:
            first = form.next_row + 1
            rows["total"] = money_row("Summa bidrag enligt överenskommelsen", ag.total,
                                      f"SUM(E{first}:E{first + len(ag.pots) - 1})")
            for pot in ag.pots:
                pot_rows[pot.name] = money_row(
                    f"    varav {_lower_first(pot.name)}" + (" (öronmärkt)" if pot.earmarked else ""), pot.amount)
        else:
            rows["total"] = money_row("Summa bidrag enligt överenskommelsen", ag.total)
            pot_rows[ag.pots[0].name] = rows["total"]
        rows["paid"] = money_row("Summa bidrag som utbetalats från regeringen/Regeringskansliet", ag.paid_out)
        when = ", ".join(x for x in (ag.paid_out_date.isoformat() if ag.paid_out_date else "", ag.payer) if x)
        field_row("Datum för utbetalning och utbetalare", when)
        start, end = ag.period
        field_row("Period som den ekonomiska redovisningen avser", f"{start.isoformat()} – {end.isoformat()}")
    form.keep(grant)

    # --- 3. costs --------------------------------------------------------------------------------
    header_cells = [Cell(A, "Aktivitet", style="table_header"), Cell(B, "Verksamhet", style="table_header"),
                    Cell(C, "Objekt", style="table_header"), Cell(D, "Budget", style="money_header"),
                    Cell(E, "Utfall", style="money_header"), Cell(F, "Avvikelse", style="money_header")]

    def costs_head() -> None:
        section("3. Redovisning av verksamhet eller aktivitet")
        source = f"E{rows['paid']}" if ag.paid_out is not None else f"E{rows['total']}"
        rows["received"] = money_row("Bidrag som erhållits av regeringen/Regeringskansliet", ag.received, source)
        if ag.paid_out is None:
            form.wide("note", "Utbetalt belopp är inte ifyllt under punkt 2; här står summan enligt överenskommelsen.")
        form.wide("strong", "Kostnader (specificera större kostnadsposter)")
        form.row(*header_cells)

    activity_rows: list[tuple[Activity, int]] = []

    def activity(a: Activity) -> None:
        value = a.actual
        cells = [Cell(A, a.name, style="text"), Cell(B, a.verksamhet, style="text"), Cell(C, a.objekt, style="text"),
                 Cell(D, a.amount, style=_money_style(a.amount))]
        number = form.next_row
        if value is not None:
            deviation = value - (a.amount or Decimal(0))
            cells += [Cell(E, value, style=_money_style(value)),
                      Cell(F, deviation, f"E{number}-D{number}", _money_style(deviation))]
        elif outcome:
            cells.append(Cell(E, "utfall saknas", style="note"))
        form.row(*cells)
        activity_rows.append((a, number))
        if a.comment:
            form.row(Cell(A, f"Kommentar: {a.comment}", style="note"), spans={A: 6})

    first_activity = None
    for i, a in enumerate(book.activities):
        if i == 0:
            form.keep(lambda: (costs_head(), activity(a)))
            first_activity = activity_rows[0][1]
            continue
        start = len(sheet.rows)
        activity(a)
        height = sum(r.height or 15.0 for r in sheet.rows[start:])
        if not form.pages.fits(height):  # the table goes on on the next page, under its header again
            del sheet.rows[start:]
            sheet.merges[:] = [m for m in sheet.merges if _row_of(m) <= start]
            activity_rows.pop()
            form.pages.new_page()
            form.row(*header_cells)
            activity(a)
            height = sum(r.height or 15.0 for r in sheet.rows[start:])
        form.pages.used += height
    last_activity = len(sheet.rows)
    span = (first_activity, last_activity)

    def col(letter: str) -> str:
        return f"{letter}{span[0]}:{letter}{span[1]}"

    budget_total = book.decided
    utfall_total = sum((a.actual for a in book.activities if a.actual is not None), Decimal(0))
    costs = book.costs
    repay, parts = book.repayment()
    missing_rows = [n for a, n in activity_rows if a.actual is None] if outcome else []

    def totals() -> None:
        cells = [Cell(A, "Summa kostnader", style="total_label"), Cell(B, None, style="total_label"),
                 Cell(C, None, style="total_label"),
                 Cell(D, budget_total, f"SUM({col('D')})", _money_style(budget_total, True))]
        if outcome:
            formula = f"SUM({col('E')})"
            if missing_rows:
                formula = _plus([formula] + [f"D{n}" for n in missing_rows])
            deviation = utfall_total - sum((a.amount or Decimal(0)) for a in book.activities if a.actual is not None)
            cells += [Cell(E, costs, formula, _money_style(costs, True)),
                      Cell(F, deviation, f"SUM({col('F')})", _money_style(deviation, True))]
        rows["costs"] = form.row(*cells)
        costs_cell = f"E{rows['costs']}" if outcome else f"D{rows['costs']}"
        if missing_rows:
            names = ", ".join(f"\u201d{a.name}\u201d" for a, n in activity_rows if a.actual is None)
            form.wide("note", f"Utfall saknas för {names}; i summan av kostnaderna räknas deras budget.")
        elif not outcome:
            form.wide("note", "Summa kostnader är beslutad budget: utfall saknas.")
        rows["unused"] = money_row("Medel som inte har förbrukats (Bidrag – kostnader)", book.unused,
                                   f"E{rows['received']}-{costs_cell}", total=True)
        due = f" senast {ag.report_deadline.isoformat()}" if ag.report_deadline else ""
        repay_formula = f"MAX(0,E{rows['unused']})"
        part_rows: list[str] = []
        if parts:
            first = form.next_row + 1
            part_rows = [f"E{first + i}" for i in range(len(parts))]
            repay_formula = "+".join(part_rows)
        money_row(f"Medel som ska återbetalas till Kammarkollegiet{due}", repay, repay_formula, total=True)
        if parts:
            earmarked = [p for p in ag.pots if p.earmarked]
            for (name, amount), pot in zip(parts, earmarked + [None]):
                if pot is not None:
                    money_row(f"    varav {_lower_first(pot.name)} (öronmärkt, ej förbrukat)", amount,
                              f"MAX(0,E{pot_rows[pot.name]}-({_spent(pot)}))")
                else:
                    pots = "+".join(f"E{pot_rows[p.name]}" for p in earmarked)
                    spent = "+".join(f"({_spent(p)})" for p in earmarked)
                    over = "+".join(f"MAX(0,({_spent(p)})-E{pot_rows[p.name]})" for p in earmarked)
                    formula = f"MAX(0,E{rows['received']}-({pots})-({costs_cell}-({spent}))-({over}))"
                    money_row("    varav övriga medel", amount, formula if len(formula) <= MAX_FORMULA else None)
        if costs > ag.received:
            form.wide("note", f"Kostnaderna överstiger bidraget med {kr(costs - ag.received)}. Den delen bärs av "
                              "regionen; ingenting av den återbetalas eller begärs av staten.")

    def _spent(pot) -> str:
        cells = [f"{'E' if (outcome and a.actual is not None) else 'D'}{n}"
                 for a, n in activity_rows if ag.pot(a.pot) is pot]
        return _plus(cells) or "0"

    form.keep(totals)

    objekt_names = {o.code.strip().casefold(): o.description for o in ag.objekt}
    groups: dict[str, str] = {}  # objekt as Excel compares it (without case) -> as first written
    for a in book.activities:
        if a.objekt:
            groups.setdefault(a.objekt.casefold(), a.objekt)

    def summary_table(title: str, items: list[tuple[str, Decimal | None, str | None, list[Activity],
                                                    tuple[str, str, str] | None]], extra: bool) -> None:
        sheet.add(height=12.0)
        head = [Cell(A, title, style="table_header"), Cell(B, "Bidrag" if extra else None,
                                                            style="money_header" if extra else "table_header"),
                Cell(C, None, style="table_header")] + header_cells[3:]
        form.row(*head)
        for label, grant_amount, grant_formula, acts, formulas in items:
            b = sum((a.amount or Decimal(0) for a in acts), Decimal(0))
            cells = [Cell(A, label, style="text")]
            if extra:
                cells.append(Cell(B, grant_amount, grant_formula, _money_style(grant_amount)))
            cells.append(Cell(D, b, formulas[0] if formulas else None, _money_style(b)))
            if outcome:
                u = sum((a.actual for a in acts if a.actual is not None), Decimal(0))
                dev = u - sum((a.amount or Decimal(0) for a in acts if a.actual is not None), Decimal(0))
                cells += [Cell(E, u, formulas[1] if formulas else None, _money_style(u)),
                          Cell(F, dev, formulas[2] if formulas else None, _money_style(dev))]
            form.row(*cells, spans=None if extra else {A: 3})

    if groups:
        items = []
        for key, code in sorted(groups.items(), key=lambda kv: kv[1]):
            acts = [a for a in book.activities if a.objekt.casefold() == key]
            name = objekt_names.get(code.strip().casefold(), "")
            formulas = None
            if len(code) <= 250:
                where = f"--({col('C')}={_quote(code)})"
                formulas = (f"SUMPRODUCT({where},{col('D')})", f"SUMPRODUCT({where},{col('E')})",
                            f"SUMPRODUCT({where},{col('F')})")
            items.append((f"{code} – {name}" if name else code, None, None, acts, formulas))
        form.keep(lambda: summary_table("Kostnader per objekt", items, False))

    if len(ag.pots) > 1 and all(ag.pot(a.pot) for a in book.activities):
        items = []
        for pot in ag.pots:
            acts = [a for a in book.activities if ag.pot(a.pot) is pot]
            numbers = [n for a, n in activity_rows if ag.pot(a.pot) is pot]
            formulas = tuple(_plus([f"{letter}{n}" for n in numbers]) or "0" for letter in "DEF")
            items.append((pot.name + (" (öronmärkt)" if pot.earmarked else ""), pot.amount,
                          f"E{pot_rows[pot.name]}", acts, formulas))
        form.keep(lambda: summary_table("Kostnader per pott", items, True))

    # --- 4. attestation: the head of finance's own; both boxes stay empty ---------------------------
    who = ag.finance_head or "N.N."

    def attestation() -> None:
        section("4. Ekonomichefens (eller motsvarande) granskning av den ekonomiska redovisningen")
        form.wide("text", f"\u2610  Alt 1: {who} (ekonomichefen eller motsvarande) intygar att den ekonomiska "
                          "redovisningen under punkt 3 är korrekt.")
        form.wide("text", f"\u2610  Alt 2: {who} (ekonomichefen eller motsvarande) bedömer inte att den ekonomiska "
                          "redovisningen under punkt 3 är korrekt. (Avvikelserna och eventuella åtgärder ska också "
                          "redovisas.)")
        form.wide("label", "Avvikelser och åtgärder (vid Alt 2):")
        for _ in range(4):
            form.row(Cell(A, None, style="fill_in"), spans={A: 6}, minimum=22.0)
        signature_block([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", ag.finance_head),
                         ("Befattning", ag.finance_head_title),
                         ("Telefon inkl. riktnummer", ag.finance_head_phone),
                         ("E-postadress", ag.finance_head_email)])
    form.keep(attestation)

    # --- 5. signature ----------------------------------------------------------------------------
    def signature() -> None:
        section("5. Underskrift i original av behörig företrädare")
        form.wide("text", "Bidragstagaren intygar att lämnade uppgifter är riktiga.")
        signature_block([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", ag.signatory)])
    form.keep(signature)

    sheet.header, sheet.footer = page_texts(ag, "Ekonomisk redovisning", form.pages.count)
    summary = ReportSummary(ag.received, costs, book.unused, repay, len(book.activities), outcome, complete,
                            suggest(book, findings), form.pages.count)
    return sheet, summary


def _row_of(merge: str) -> int:
    return int("".join(ch for ch in merge.split(":")[0] if ch.isdigit()))


@dataclass
class Report:
    """What ``report`` writes: the form, the sheet Kontroll, and the document properties."""

    form: SheetLayout
    check: SheetLayout
    summary: ReportSummary
    findings: list[Finding]
    properties: dict[str, str]
    book: DecisionBook

    @property
    def sheets(self) -> list[SheetLayout]:
        return [self.form, self.check]


def make_report(book: DecisionBook, today: dt.date | None = None, created: dt.datetime | None = None) -> Report:
    """Bilaga 2 and the sheet Kontroll for a workbook (see ``checked_report``)."""
    created = created or dt.datetime.now().replace(microsecond=0)
    form, summary, findings = checked_report(book, today)
    return Report(form, check_sheet(book, findings, today, created), summary, findings, provenance(book, created),
                  book)


def checked_report(book: DecisionBook, today: dt.date | None = None
                   ) -> tuple[SheetLayout, ReportSummary, list[Finding]]:
    """Validate and lay out the report.  A cell of the budget, the activities' names or the agreement that
    cannot be read is refused (a report with a hole in its figures is worse than none); an utfall cell that
    cannot be read is reported on Kontroll and makes the suggestion Alt 2, and a comment that cannot be
    read is reported and left out."""
    reported = {a.loc(name) for a in book.activities for name in ("actual", "comment") if name in a.columns}
    unreadable = [f for f in book.problems if f.severity == ERROR and f.location not in reported]
    if unreadable:
        lines = "\n".join(f"  {f.location}: {f.message}" for f in unreadable)
        raise UserError(f"{len(unreadable)} cell(s) cannot be read, so no report was written:\n{lines}",
                        file=book.path or None)
    findings = validate(book, today)
    layout, summary = build_report(book, findings, today)
    return layout, summary, findings


# --- the sheet "Kontroll" ----------------------------------------------------------------------------------

def check_sheet(book: DecisionBook, findings: list[Finding], today: dt.date | None = None,
                created: dt.datetime | None = None) -> SheetLayout:
    """The findings as a sheet "Kontroll": the suggestion for section 4 with its reasons, where the
    report comes from, and every finding with a link to its cell."""
    today = today or dt.date.today()
    created = created or dt.datetime.now().replace(microsecond=0)
    ag = book.agreement
    widths = [12.0, 22.0, 80.0, 24.0, 16.0]
    sheet = SheetLayout(CHECK_SHEET_NAME, widths, landscape=True)
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
    form.wide("note", "Förslaget är verktygets; valet och underskriften är ekonomichefens.")
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
            link = f"HYPERLINK({_quote(target)},{_quote(where)})"
        amount_style = _money_style(f.amount) if f.amount is not None else "text"
        form.row(Cell(1, f.severity.sv, style="strong" if f.severity == ERROR else "text"),
                 Cell(2, f.code, style="text"), Cell(3, f.message, style="text"),
                 Cell(4, where, link, style="text"), Cell(5, f.amount, style=amount_style))
    name = ag.name.replace("&", "&&")
    sheet.footer = f"&L&8{CHECK_SHEET_NAME} – {name[:150]}&R&8Sida &P av &N"
    return sheet


def provenance(book: DecisionBook, created: dt.datetime | None = None) -> dict[str, str]:
    """What goes into the workbook's document properties: the tool, its version, the source, the time."""
    created = created or dt.datetime.now().replace(microsecond=0)
    return {"Bilaga 2 skapad av": f"xl-statsbidrag {__version__}",
            "Bilaga 2 underlag": Path(book.path).name if book.path else "",
            "Bilaga 2 skapad": created.isoformat(sep=" ")}
