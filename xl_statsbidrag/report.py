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
from .workbook_format import AGREEMENT_LABELS, RECONCILIATION_COLUMNS, is_yes
from .validation import ALT2_CODES, ERROR, EXPLAIN_CODES, INFO, WARNING, validate
from .yearend import OTHER, YearEnd, part_key, year_end

SHEET_NAME = "Bilaga 2"
CHECK_SHEET_NAME = "Kontroll"

# Columns: A activity/label, B verksamhet, C objekt, D budget, E utfall (and single amounts), F avvikelse.
# The amount columns are as wide as their widest amount needs (öre take room), and A gives way; the
# sum stays within what A4 portrait prints at 100 % in Excel and in LibreOffice (whose columns are wider).
WIDTHS = [32.0, 15.0, 7.0, 12.0, 12.0, 12.0]
PAGE_WIDTH = sum(WIDTHS)
MIN_LABEL_WIDTH = 20.0
CELL_MARGIN_PX = 5  # what a right-aligned number keeps free in its cell
A, B, C, D, E, F = 1, 2, 3, 4, 5, 6
MARGINS = (0.45, 0.45, 0.75, 0.75)
WRITE_HEIGHT = Form.WRITE_HEIGHT
MAX_FORMULA = 8000  # Excel allows 8 192 characters in a formula

DEVIATION = "Avvikelse (utfall − budget)"  # one sign everywhere: on the form, the Utfall sheet, activities_frame


def kr(value: Decimal) -> str:
    """An amount in running text, with non-breaking spaces so that a line never breaks inside it."""
    return format_kr(value).replace(" ", "\u00a0")


def _quote(text: str) -> str:
    """A string literal in a formula."""
    return '"' + text.replace('"', '""') + '"'


def _money_style(value: Decimal | None, total: bool = False) -> str:
    ore = value is not None and value != value.to_integral_value()
    return ("money_total" if total else "money") + ("_ore" if ore else "")


def _number_style(value: Decimal | None, total: bool = False) -> str:
    """An amount in a table whose header names the unit."""
    ore = value is not None and value != value.to_integral_value()
    return ("number_total" if total else "number") + ("_ore" if ore else "")


def _width(values, style: str, minimum: float) -> float:
    """A column wide enough for each amount in ``style`` (the widest in bold, as a total is), with its sign and
    öre, so that no cell shows ####."""
    shown = [format_kr(v) if style.startswith("money") else format_kr(v).removesuffix(" kr") for v in values]
    widest = max((text_px(t, STYLES[style]) for t in shown), default=0.0)
    return max(minimum, math.ceil((widest + CELL_MARGIN_PX - 5) / DIGIT_PX))


def _widths(book: DecisionBook, ye: YearEnd) -> list[float]:
    """The form's column widths.  D-F hold the cost table's amounts (and E the single amounts of points 2-3);
    B-F the table per part; verksamhet and then the activity give way."""
    ag = book.agreement
    table = [book.decided, ye.costs] + list(ye.counted_unmatched.values())
    for a in book.activities:
        table += [v for v in (a.amount, a.actual) if v is not None]
        if a.actual is not None:
            table.append(a.actual - (a.amount or Decimal(0)))
    table.append(sum((a.actual for a in book.activities if a.actual is not None), Decimal(0)))
    parts = [v for p in ye.parts for v in (p.grant, p.costs, p.unused, p.repay, p.own)]
    parts += [ye.received, ye.costs, ye.repay, ye.own]
    single = [ag.total, ag.received, ye.unused, ye.repay, ye.own] + [p.amount for p in ag.pots]
    amount = max(_width(table + parts, "number_total", WIDTHS[D - 1]), _width(single, "money_total", WIDTHS[D - 1]))
    part = _width(parts, "number_total", 0.0)
    verksamhet = max(part, WIDTHS[B - 1] if amount <= 13 else 13.0)
    objekt = max(part, WIDTHS[C - 1])
    label = max(MIN_LABEL_WIDTH, PAGE_WIDTH - verksamhet - objekt - 3 * amount)
    return [label, verksamhet, objekt, amount, amount, amount]


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


def _reason(f: Finding) -> str:
    return f"{f.message} ({f.location})" if str(f.location) else f.message


def suggest(book: DecisionBook, findings: list[Finding]) -> Suggestion:
    """The alternative of section 4 the tool suggests, with its reasons (Swedish, for the Kontroll sheet).
    Alt 2 only for figures that cannot be vouched (``validation.ALT2_CODES``); no suggestion without utfall
    or while a deviation needs the region's comment (``EXPLAIN_CODES``); else Alt 1, with what the form
    explains."""
    serious = [f for f in findings if f.severity in (ERROR, WARNING)]
    behind = [f for f in serious if f.code in ALT2_CODES]
    waiting = [f for f in serious if f.code in EXPLAIN_CODES]
    if behind:
        also = ["Dessutom ska förklaras innan Alt 1 kan föreslås:"] + [_reason(f) for f in waiting] if waiting else []
        return Suggestion(2, [_reason(f) for f in behind] + also, behind)
    if not book.has_outcome:
        return Suggestion(None, ["Utfall saknas: kostnaderna under punkt 3 är beslutad budget. Alt 1 kan "
                                 "föreslås först när utfallet är ifyllt för alla aktiviteter."])
    if waiting:
        return Suggestion(None, ["Avvikelser som ska förklaras innan Alt 1 kan föreslås:"]
                          + [_reason(f) for f in waiting], waiting)
    ye = year_end(book)
    reasons = ["Utfall finns för alla aktiviteter och alla belopp kan läsas."]
    if book.ledger:
        reasons.append("Varje krona på överenskommelsens objekt är redovisad i avstämningen mot huvudboken, och "
                       "intäkterna på objekten stämmer med erhållet bidrag." if any(o.income for o in book.ledger)
                       else "Varje krona på överenskommelsens objekt är redovisad i avstämningen mot huvudboken.")
    if ye.carried > 0:
        reasons.append(f"{kr(ye.carried)} har inte förbrukats och förs över till nästa år, som överenskommelsen "
                       "tillåter; det framgår av punkt 3 och tabellen per del.")
    if ye.to_repay > 0:
        reasons.append(f"{kr(ye.to_repay)} har inte förbrukats och återbetalas; det framgår av punkt 3 och tabellen "
                       "per del.")
    if ye.own > 0:
        reasons.append(f"Regionen finansierar {kr(ye.own)} själv; det framgår av punkt 3 och tabellen per del.")
    reasons.append("Avvikelser mot budget är kommenterade, och öronmärkta medel har bara räknats mot sitt ändamål.")
    return Suggestion(1, reasons)


# --- the form --------------------------------------------------------------------------------------------

@dataclass
class ReportSummary:
    received: Decimal
    costs: Decimal
    unused: Decimal  # as printed: never below zero
    repay: Decimal
    own: Decimal  # Egen finansiering
    activities: int
    outcome: bool  # some utfall
    complete: bool  # utfall for every activity
    suggestion: Suggestion
    pages: int

    @property
    def alternative(self) -> int | None:
        return self.suggestion.alternative


def page_texts(ag, title: str, pages: int | None) -> tuple[str, str]:
    """A form's page header (its title and the agreement's name on the left; on the right the Government
    Offices' diary numbers, both when both are filled, and the region's, a line each) and footer (the
    recipient; "Sida N av M" counting this sheet's pages alone, given as ``pages``; None: the printout's).  "&" starts a code in a header, so a literal
    one is doubled; Excel allows 255 characters in each."""
    def code(text: str, limit: int) -> str:
        return text[:limit].replace("&", "&&")

    rk = ", ".join(d for d in (ag.rk_dnr_agreement, ag.rk_dnr_payment) if d)
    right = "\n".join(x for x in (f"Regeringskansliets dnr {code(rk, 70)}" if rk else "",
                                   f"Regionens dnr {code(ag.region_dnr, 40)}" if ag.region_dnr else "") if x)
    header = f"&L&8{title} – {code(ag.name, 100)}" + (f"&R&8{right}" if right else "")
    footer = f"&L&8{code(ag.recipient, 80)}&R&8Sida &P av {pages or '&N'}"
    return header, footer


def build_report(book: DecisionBook, findings: list[Finding] | None = None,
                 today: dt.date | None = None) -> tuple[SheetLayout, ReportSummary]:
    today = today or dt.date.today()
    findings = validate(book, today) if findings is None else findings
    ag = book.agreement
    outcome, complete = book.has_outcome, book.outcome_complete
    ye = year_end(book)
    sheet = SheetLayout(SHEET_NAME, _widths(book, ye), fit_width=False, margins=MARGINS)
    form = Form(sheet, label_columns=2)
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
                    Cell(C, "Objekt", style="table_header"), Cell(D, "Budget (kr)", style="money_header"),
                    Cell(E, "Utfall (kr)", style="money_header"), Cell(F, DEVIATION, style="money_header")]

    def costs_head() -> None:
        section("3. Redovisning av verksamhet eller aktivitet")
        source = f"E{rows['paid']}" if ag.paid_out is not None else f"E{rows['total']}"
        if not (ye.ledger or ye.opening or ye.repaid):
            rows["received"] = money_row("Bidrag som erhållits av regeringen/Regeringskansliet", ag.received, source)
        elif not (ye.opening or ye.repaid):
            rows["received"] = money_row("Bidrag som erhållits av regeringen/Regeringskansliet", ye.received)
        else:  # the grant ledger: money carried in, and a repayment made, are netted
            first = form.next_row
            money_row("Bidrag som erhållits av regeringen/Regeringskansliet under perioden", ye.paid_in)
            money_row("Ej förbrukade medel från tidigare år (ingående saldo)", ye.opening)
            lines = 2
            if ye.repaid:
                money_row("Återbetalt till Kammarkollegiet under perioden", -ye.repaid)
                lines = 3
            rows["received"] = money_row("Bidrag att redovisa", ye.received,
                                         f"SUM(E{first}:E{first + lines - 1})", total=True)
        form.wide("strong", "Kostnader (specificera större kostnadsposter)")
        form.row(*header_cells)

    activity_rows: list[tuple[Activity, int]] = []

    def activity(a: Activity) -> None:
        value = a.actual
        cells = [Cell(A, a.name, style="text"), Cell(B, a.verksamhet, style="text"), Cell(C, a.objekt, style="text"),
                 Cell(D, a.amount, style=_number_style(a.amount))]
        number = form.next_row
        if value is not None:
            deviation = value - (a.amount or Decimal(0))
            cells += [Cell(E, value, style=_number_style(value)),
                      Cell(F, deviation, f"E{number}-D{number}", _number_style(deviation))]
        elif outcome:
            cells.append(Cell(E, "utfall saknas", style="note"))
        form.row(*cells)
        activity_rows.append((a, number))
        if a.comment:
            form.row(Cell(A, f"Kommentar: {a.comment}", style="note"), spans={A: 6})

    other_rows: list[tuple[str, Decimal, int]] = []  # counted costs on an objekt without an activity

    def other_costs(code: str, amount: Decimal) -> None:
        number = form.next_row
        form.row(Cell(A, f"Övriga kostnader på objektet, ej hänförda till aktivitet", style="text"),
                 Cell(C, code, style="text"), Cell(E, amount, style=_number_style(amount)),
                 Cell(F, amount, f"E{number}-D{number}", _number_style(amount)))
        other_rows.append((code, amount, number))

    table_rows = [(activity, a) for a in book.activities] + [(lambda kv: other_costs(*kv), kv)
                                                            for kv in ye.counted_unmatched.items()]
    for i, (add, item) in enumerate(table_rows):
        if i == 0:  # the section's head and the first row stay together
            form.keep(lambda: (costs_head(), add(item)))
            continue
        start = len(sheet.rows)
        add(item)
        height = sum(r.height or 15.0 for r in sheet.rows[start:])
        if not form.pages.fits(height):  # the table goes on on the next page, under its header again
            del sheet.rows[start:]
            sheet.merges[:] = [m for m in sheet.merges if _row_of(m) <= start]
            (activity_rows if add is activity else other_rows).pop()
            form.pages.new_page()
            form.row(*header_cells)
            add(item)
            height = sum(r.height or 15.0 for r in sheet.rows[start:])
        form.pages.used += height
    span = (activity_rows[0][1], len(sheet.rows))

    def col(letter: str) -> str:
        return f"{letter}{span[0]}:{letter}{span[1]}"

    budget_total = book.decided
    utfall_total = sum((a.actual for a in book.activities if a.actual is not None), Decimal(0)) + \
        sum((amount for _, amount, _ in other_rows), Decimal(0))
    costs = ye.costs
    missing_rows = [n for a, n in activity_rows if a.actual is None] if outcome else []
    parts_at: dict[str, int] = {}  # part key -> its row in the table per part

    def totals() -> None:
        cells = [Cell(A, "Summa kostnader", style="total_label"), Cell(B, None, style="total_label"),
                 Cell(C, None, style="total_label"),
                 Cell(D, budget_total, f"SUM({col('D')})", _number_style(budget_total, True))]
        if outcome:
            formula = f"SUM({col('E')})"
            if missing_rows:
                formula = _plus([formula] + [f"D{n}" for n in missing_rows])
            deviation = utfall_total - sum((a.amount or Decimal(0)) for a in book.activities if a.actual is not None)
            cells += [Cell(E, costs, formula, _number_style(costs, True)),
                      Cell(F, deviation, f"SUM({col('F')})", _number_style(deviation, True))]
        rows["costs"] = form.row(*cells)
        costs_cell = f"E{rows['costs']}" if outcome else f"D{rows['costs']}"
        rows["unused"] = money_row("Medel som inte har förbrukats (Bidrag – kostnader)", ye.unused,
                                   f"MAX(0,E{rows['received']}-{costs_cell})", total=True)
        due = ag.repayment_deadline or ag.report_deadline
        lines = 3 if ye.carry else 2
        first_part = form.next_row + lines + 2  # the table per part: after these lines, a gap and its header
        last_part = first_part + len(ye.parts) - 1
        if ye.carry:  # the agreement lets what is left be used next year: carried over, nothing repaid now
            money_row("Medel som förs över till nästa år enligt överenskommelsen", ye.carried, f"E{last_part + 1}",
                      total=True)
            money_row("Medel som ska återbetalas till Kammarkollegiet", ye.to_repay, total=True)
        else:
            money_row(f"Medel som ska återbetalas till Kammarkollegiet" + (f" senast {due.isoformat()}" if due else ""),
                      ye.repay, f"E{last_part + 1}", total=True)
        money_row("Kostnader som regionen finansierar med egna medel", ye.own, f"F{last_part + 1}", total=True)
        part_table(first_part, costs_cell)

    def part_cells(part) -> str | None:
        """The cells of point 3 that hold the costs of a part (utfall, or budget where it is missing)."""
        cells = [f"{'E' if (outcome and a.actual is not None) else 'D'}{n}"
                 for a, n in activity_rows if part_key(ag, a) == part.key]
        if part.key == OTHER:
            cells += [f"E{n}" for _, _, n in other_rows]
        return _plus(cells)

    def part_table(first: int, costs_cell: str) -> None:
        sheet.add(height=12.0)
        form.row(Cell(A, "Bidrag och kostnader per del", style="table_header"),
                 *[Cell(column, title, style="money_header") for column, title in
                   zip((B, C, D, E, F), ("Bidrag (kr)", "Kostnader (kr)", "Ej förbrukat (kr)",
                                         "Förs över (kr)" if ye.carry else "Återbetalas (kr)",
                                         "Egen finansiering (kr)"))])
        assert form.next_row == first, "the lines above refer to this table's rows"
        earmarked = [p for p in ye.parts if p.earmarked]
        other = ye.part(OTHER)
        for n, part in enumerate(ye.parts):
            parts_at[part.key] = first + n
        over = {p.key: f"MAX(0,MAX(0,C{parts_at[p.key]})-B{parts_at[p.key]})" for p in earmarked}
        free_left = f"MAX(0,B{parts_at[OTHER]}-MAX(0,C{parts_at[OTHER]}))" if other else "0"
        for part in ye.parts:
            r = parts_at[part.key]
            grant_formula = None  # the pots of point 2, when the part received them whole
            if ag.received == ag.total:
                grant_formula = _plus([f"E{pot_rows[p.name]}" for p in part.pots if p.name in pot_rows])
            unused = f"MAX(0,B{r}-MAX(0,C{r}))"
            if part.earmarked:
                before = [over[p.key] for p in earmarked[:earmarked.index(part)]]
                remaining = f"MAX(0,{free_left}-({'+'.join(before)}))" if before else free_left
                repay, own = f"D{r}", f"MAX(0,{over[part.key]}-{remaining})"
            else:
                overs = "+".join(over.values()) or "0"
                repay, own = f"MAX(0,{free_left}-({overs}))", f"MAX(0,MAX(0,C{r})-B{r})"
            label = part.name + (" (öronmärkt)" if part.earmarked else "")
            form.row(Cell(A, label, style="text"),
                     Cell(B, part.grant, grant_formula, _number_style(part.grant)),
                     Cell(C, part.costs, part_cells(part), _number_style(part.costs)),
                     Cell(D, part.unused, unused, _number_style(part.unused)),
                     Cell(E, part.repay, repay if len(repay) <= MAX_FORMULA else None, _number_style(part.repay)),
                     Cell(F, part.own, own if len(own) <= MAX_FORMULA else None, _number_style(part.own)))
        last = first + len(ye.parts) - 1
        values = (ye.received, ye.costs, sum((p.unused for p in ye.parts), Decimal(0)), ye.repay, ye.own)
        form.row(Cell(A, "Summa", style="total_label"),
                 *[Cell(column, value, f"SUM({letter}{first}:{letter}{last})", _number_style(value, True))
                   for column, letter, value in zip((B, C, D, E, F), "BCDEF", values)])
        form.wide("note", "Öronmärkta medel får bara användas till sitt ändamål: det som inte har förbrukats av dem "
                          "återbetalas, även när andra kostnader överstiger övriga medel. Kostnader utöver en dels "
                          "bidrag finansieras av regionen (egen finansiering). Aktiviteter utan öronmärkt pott hör "
                          "till övriga medel.")
        if ye.reduction:
            taken = ", ".join(f"{_lower_first(part.name)} ({kr(amount)})" for part, amount in ye.reduction)
            form.wide("note", f"Utbetalt bidrag är {kr(ye.shortfall)} lägre än bidraget enligt överenskommelsen; "
                              f"skillnaden har räknats av från {taken}.")
        elif ag.paid_out is not None and ag.paid_out > ag.total:
            form.wide("note", f"Utbetalt bidrag är {kr(ag.paid_out - ag.total)} högre än bidraget enligt "
                              "överenskommelsen; skillnaden räknas till övriga medel.")

    form.keep(totals)

    start, end = ag.period
    if start.year < end.year and is_yes(ag.per_year):  # the agreement asks for the report per year
        years = sorted({r.year for r in ye.ledger})
        if years:
            form.keep(lambda: year_table(form, sheet, ye.ledger, years))

    objekt_names = {o.code.strip().casefold(): o.description for o in ag.objekt}
    groups: dict[str, str] = {}  # objekt as Excel compares it (without case) -> as first written
    for a in book.activities:
        if a.objekt:
            groups.setdefault(a.objekt.casefold(), a.objekt)
    for code, _, _ in other_rows:
        groups.setdefault(code.casefold(), code)

    def objekt_table(items) -> None:
        sheet.add(height=12.0)
        form.row(Cell(A, "Kostnader per objekt", style="table_header"), *header_cells[3:], spans={A: 3})
        for label, budget, utfall, deviation, formulas in items:
            cells = [Cell(A, label, style="text"), Cell(D, budget, formulas[0] if formulas else None,
                                                        _number_style(budget))]
            if outcome:
                cells += [Cell(E, utfall, formulas[1] if formulas else None, _number_style(utfall)),
                          Cell(F, deviation, formulas[2] if formulas else None, _number_style(deviation))]
            form.row(*cells, spans={A: 3})

    if groups:
        items = []
        for key, code in sorted(groups.items(), key=lambda kv: kv[1]):
            acts = [a for a in book.activities if a.objekt.casefold() == key]
            extra = sum((amount for c, amount, _ in other_rows if c.casefold() == key), Decimal(0))
            budget = sum((a.amount or Decimal(0) for a in acts), Decimal(0))
            utfall = sum((a.actual for a in acts if a.actual is not None), Decimal(0)) + extra
            deviation = utfall - sum((a.amount or Decimal(0) for a in acts if a.actual is not None), Decimal(0))
            name = objekt_names.get(code.strip().casefold(), "")
            formulas = None
            if len(code) <= 250:
                where = f"--({col('C')}={_quote(code)})"
                formulas = (f"SUMPRODUCT({where},{col('D')})", f"SUMPRODUCT({where},{col('E')})",
                            f"SUMPRODUCT({where},{col('F')})")
            items.append((f"{code} – {name}" if name else code, budget, utfall, deviation, formulas))
        form.keep(lambda: objekt_table(items))

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
    summary = ReportSummary(ag.received, costs, ye.unused, ye.to_repay, ye.own, len(book.activities), outcome, complete,
                            suggest(book, findings), form.pages.count)
    return sheet, summary


def year_table(form: Form, sheet: SheetLayout, rows, years: list[int]) -> None:
    """Bilaga 2's point 3 per year of a period of several years, from the grant ledger."""
    sheet.add(height=12.0)
    form.row(Cell(A, "Bidrag och kostnader per år", style="table_header"),
             *[Cell(column, title, style="money_header") for column, title in
               zip((B, C, D, E, F), ("Ingående saldo (kr)", "Erhållet (kr)", "Kostnader (kr)", "Återbetalt (kr)",
                                     "Utgående saldo (kr)"))])
    first = form.next_row
    for year in years:
        mine = [r for r in rows if r.year == year]
        values = [sum((getattr(r, f) for r in mine), Decimal(0))
                  for f in ("opening", "received", "costs", "repaid", "closing")]
        form.row(Cell(A, str(year), style="text"),
                 *[Cell(column, v, style=_number_style(v)) for column, v in zip((B, C, D, E, F), values)])
    last = form.next_row - 1
    sums = [sum((getattr(r, f) for r in rows if r.year in years), Decimal(0)) for f in ("received", "costs", "repaid")]
    form.row(Cell(A, "Summa", style="total_label"), Cell(B, None, style="total_label"),
             *[Cell(column, v, f"SUM({letter}{first}:{letter}{last})", _number_style(v, True))
               for column, letter, v in zip((C, D, E), "CDE", sums)], Cell(F, None, style="total_label"))


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
    repayment: SheetLayout | None = None  # Återbetalning, the note for accounts payable

    @property
    def sheets(self) -> list[SheetLayout]:
        return [self.form, self.check] + ([self.repayment] if self.repayment is not None else [])


def make_report(book: DecisionBook, today: dt.date | None = None, created: dt.datetime | None = None) -> Report:
    """Bilaga 2, the sheet Kontroll and the repayment note Återbetalning for a workbook (see ``checked_report``)."""
    from .closing import repayment_sheet

    created = created or dt.datetime.now().replace(microsecond=0)
    form, summary, findings = checked_report(book, today)
    return Report(form, check_sheet(book, findings, today, created), summary, findings, provenance(book, created),
                  book, repayment_sheet(book, year_end(book)))


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
    objekt = [o.objekt for o in book.ledger]
    widths = [12.0, 22.0, 80.0, 24.0, 16.0] + [16.0] * max(0, len(objekt) + 1 - 2)
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
            link = f"HYPERLINK({_quote(target)},{_quote(where)})"
        amount_style = _money_style(f.amount) if f.amount is not None else "text"
        form.row(Cell(1, f.severity.sv, style="strong" if f.severity == ERROR else "text"),
                 Cell(2, f.code, style="text"), Cell(3, f.message, style="text"),
                 Cell(4, where, link, style="text"), Cell(5, f.amount, style=amount_style))
    name = ag.name.replace("&", "&&")
    sheet.footer = f"&L&8{CHECK_SHEET_NAME} – {name[:150]}&R&8Sida &P av &N"
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
        cells = [Cell(c, v, style=_money_style(v, total)) for c, v in zip(columns, values + [sum(values, Decimal(0))])]
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
        form.wide("text", f"Kostnader som inte hör till någon aktivitet, {kr(unmatched)}: {state}.")
    booked = -sum((o.income for o in ledger), Decimal(0))
    if booked:
        form.wide("text", f"Intäkter på objekten {kr(booked)} mot erhållet bidrag {kr(book.agreement.received)}"
                          + (": stämmer." if booked == book.agreement.received else
                             f": skillnad {kr(booked - book.agreement.received)}."))


def provenance(book: DecisionBook, created: dt.datetime | None = None) -> dict[str, str]:
    """What goes into the workbook's document properties: the tool, its version, the source, the time."""
    created = created or dt.datetime.now().replace(microsecond=0)
    return {"Bilaga 2 skapad av": f"xl-statsbidrag {__version__}",
            "Bilaga 2 underlag": Path(book.path).name if book.path else "",
            "Bilaga 2 skapad": created.isoformat(sep=" ")}
