"""The Bilaga 2 economic report ("Ekonomisk redovisning") as a sheet layout: the form of the 2017
agreement's Bilaga 2 (seed 004), the default report form of ``forms.registry``.

Sections 1-5 follow the form in its own words.  Point 3 lists budget, utfall and avvikelse per activity,
per objekt and per part, then what was not used and what must be repaid; totals are formulas (with their
values) so the sheet is right in Excel and in readers that do not recalculate.  Section 4 is the head of
finance's: both boxes stay empty (the tool's suggestion goes on the sheet Kontroll, ``forms.kontroll``).

The form is printed on A4 portrait at 100 %: every row gets the height its wrapped text needs
(``layout.text_lines``), and manual page breaks keep each block (a section's head, a table, a
signature block) on one page; a cost table that runs over a page repeats its header row.

The form is built by the section functions of ``SECTIONS``, in order, on one ``Bilaga2`` (the form
being built and the rows that later rows refer to); a variant of the form (``forms.bilaga2_2021``) is
another tuple of sections.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)

from ..core.model import Activity, DecisionBook
from ..core.records import Record
from ..core.text import is_yes
from ..core.money import format_kr, kr_text
from ..core.yearend import OTHER, YearEnd, part_key, year_end
from ..read.workbook_format import AGREEMENT_LABELS
from .layout import (DIGIT_PX, FORM_MARGINS, STYLES, Cell, Form, SheetLayout, money_style, number_style,
                     page_texts, quote, text_px)

SHEET_NAME = "Bilaga 2"
TITLE = "Ekonomisk redovisning"

# Columns: A activity/label, B verksamhet, C objekt, D budget, E utfall (and single amounts), F avvikelse.
# The amount columns are as wide as their widest amount needs (öre take room), and A gives way; the
# sum stays within what A4 portrait prints at 100 % in Excel and in LibreOffice (whose columns are wider).
WIDTHS = [32.0, 15.0, 7.0, 12.0, 12.0, 12.0]
PAGE_WIDTH = sum(WIDTHS)
MIN_LABEL_WIDTH = 20.0
CELL_MARGIN_PX = 5  # what a right-aligned number keeps free in its cell
A, B, C, D, E, F = 1, 2, 3, 4, 5, 6
WRITE_HEIGHT = Form.WRITE_HEIGHT
MAX_FORMULA = 8000  # Excel allows 8 192 characters in a formula

DEVIATION = "Avvikelse (utfall − budget)"  # one sign everywhere: on the form, the Utfall sheet, activities_frame


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


def _row_of(merge: str) -> int:
    return int("".join(ch for ch in merge.split(":")[0] if ch.isdigit()))


@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Bilaga2(Record):
    """The form being built: the book and its year-end, the ``Form``, and the rows that later rows refer
    to (by name in ``rows``; the pots of point 2; the activities and counted other costs of point 3)."""

    book: DecisionBook
    ye: YearEnd
    form: Form
    rows: dict[str, int] = field(default_factory=dict)
    pot_rows: dict[str, int] = field(default_factory=dict)
    activity_rows: list[tuple[Activity, int]] = field(default_factory=list)
    other_rows: list[tuple[str, Decimal, int]] = field(default_factory=list)  # objekt, amount, row
    parts_at: dict[str, int] = field(default_factory=dict)  # part key -> its row in the table per part

    @property
    def ag(self):
        return self.book.agreement

    @property
    def sheet(self) -> SheetLayout:
        return self.form.sheet

    @property
    def outcome(self) -> bool:
        return self.book.has_outcome

    def table_column(self, letter: str) -> str:
        """A column of the cost table of point 3, as a range ("D12:D40")."""
        return f"{letter}{self.rows['table_first']}:{letter}{self.rows['table_last']}"

    def money_row(self, label: str, value: Decimal | None, formula: str | None = None, total: bool = False) -> int:
        """A label and an amount in column E; without one, a line to fill in."""
        if value is None and formula is None:
            return self.form.row(Cell(A, label, style="signature_label"), Cell(E, None, style="fill_in"),
                                 spans={A: 4}, minimum=WRITE_HEIGHT)
        return self.form.row(Cell(A, label, style="total_label" if total else "label"),
                             Cell(E, value, formula, money_style(value, total)), spans={A: 4})


# --- the sections, in order ----------------------------------------------------------------------------

def heading(s: Bilaga2) -> None:
    def build() -> None:
        s.form.row(Cell(A, TITLE, style="title"))
        s.form.wide("subtitle", f"Redovisning enligt bilaga 2 till överenskommelsen \u201d{s.ag.name}\u201d")
        if not s.outcome:
            s.form.wide("warning", "Utkast: utfall saknas. Kostnaderna under punkt 3 är beslutad budget, inte utfall.")
        elif not s.book.outcome_complete:
            missing = [a for a in s.book.activities if a.actual is None]
            s.form.wide("warning", f"Utkast: utfall saknas för {len(missing)} av {len(s.book.activities)} "
                                   "aktiviteter (markerade under punkt 3). För dem räknas beslutad budget.")
    s.form.keep(build)


def contacts(s: Bilaga2) -> None:
    """1. Kontaktuppgifter."""
    def build() -> None:
        s.form.section("1. Kontaktuppgifter")
        for name in ("recipient", "org_number", "contact_person", "postal_address", "phone", "fax", "email"):
            s.form.field(AGREEMENT_LABELS[name], getattr(s.ag, name), required=name != "fax")
    s.form.keep(build)


def grant(s: Bilaga2) -> None:
    """2. Bidrag som redovisningen avser: the diary numbers, the sum per pot and in total, what was paid out."""
    ag = s.ag

    def build() -> None:
        s.form.section("2. Bidrag som redovisningen avser")
        s.form.field("Regeringskansliets diarienummer för bakomliggande överenskommelse", ag.rk_dnr_agreement)
        s.form.field("Regeringskansliets diarienummer avseende regeringsbeslut för utbetalning", ag.rk_dnr_payment)
        s.form.field("Överenskommelsens benämning", ag.name)
        if len(ag.pots) > 1:
            first = s.form.next_row + 1
            s.rows["total"] = s.money_row("Summa bidrag enligt överenskommelsen", ag.total,
                                          f"SUM(E{first}:E{first + len(ag.pots) - 1})")
            for pot in ag.pots:
                s.pot_rows[pot.name] = s.money_row(
                    f"    varav {_lower_first(pot.name)}" + (" (öronmärkt)" if pot.earmarked else ""), pot.amount)
        else:
            s.rows["total"] = s.money_row("Summa bidrag enligt överenskommelsen", ag.total)
            s.pot_rows[ag.pots[0].name] = s.rows["total"]
        s.rows["paid"] = s.money_row("Summa bidrag som utbetalats från regeringen/Regeringskansliet", ag.paid_out)
        when = ", ".join(x for x in (ag.paid_out_date.isoformat() if ag.paid_out_date else "", ag.payer) if x)
        s.form.field("Datum för utbetalning och utbetalare", when)
        start, end = ag.period
        s.form.field("Period som den ekonomiska redovisningen avser", f"{start.isoformat()} – {end.isoformat()}")
    s.form.keep(build)


COST_HEADER = [Cell(A, "Aktivitet", style="table_header"), Cell(B, "Verksamhet", style="table_header"),
               Cell(C, "Objekt", style="table_header"), Cell(D, "Budget (kr)", style="money_header"),
               Cell(E, "Utfall (kr)", style="money_header"), Cell(F, DEVIATION, style="money_header")]


def _costs_head(s: Bilaga2) -> None:
    ag = s.ag
    s.form.section("3. Redovisning av verksamhet eller aktivitet")
    source = f"E{s.rows['paid']}" if ag.paid_out is not None else f"E{s.rows['total']}"
    ye = s.ye
    if not (ye.ledger or ye.opening or ye.repaid):
        s.rows["received"] = s.money_row("Bidrag som erhållits av regeringen/Regeringskansliet", ag.received, source)
    elif not (ye.opening or ye.repaid):
        s.rows["received"] = s.money_row("Bidrag som erhållits av regeringen/Regeringskansliet", ye.received)
    else:  # the grant ledger: money carried in, and a repayment made, are netted
        first = s.form.next_row
        s.money_row("Bidrag som erhållits av regeringen/Regeringskansliet under perioden", ye.paid_in)
        s.money_row("Ej förbrukade medel från tidigare år (ingående saldo)", ye.opening)
        lines = 2
        if ye.repaid:
            s.money_row("Återbetalt till Kammarkollegiet under perioden", -ye.repaid)
            lines = 3
        s.rows["received"] = s.money_row("Bidrag att redovisa", ye.received, f"SUM(E{first}:E{first + lines - 1})",
                                         total=True)
    s.form.wide("strong", "Kostnader (specificera större kostnadsposter)")
    s.form.row(*COST_HEADER)


def _activity(s: Bilaga2, a: Activity) -> None:
    value = a.actual
    cells = [Cell(A, a.name, style="text"), Cell(B, a.verksamhet, style="text"), Cell(C, a.objekt, style="text"),
             Cell(D, a.amount, style=number_style(a.amount))]
    number = s.form.next_row
    if value is not None:
        deviation = value - (a.amount or Decimal(0))
        cells += [Cell(E, value, style=number_style(value)),
                  Cell(F, deviation, f"E{number}-D{number}", number_style(deviation))]
    elif s.outcome:
        cells.append(Cell(E, "utfall saknas", style="note"))
    s.form.row(*cells)
    s.activity_rows.append((a, number))
    if a.comment:
        s.form.row(Cell(A, f"Kommentar: {a.comment}", style="note"), spans={A: 6})


def _other_costs(s: Bilaga2, item: tuple[str, Decimal]) -> None:
    """Counted costs on an objekt without an activity (the region's decision)."""
    code, amount = item
    number = s.form.next_row
    s.form.row(Cell(A, "Övriga kostnader på objektet, ej hänförda till aktivitet", style="text"),
               Cell(C, code, style="text"), Cell(E, amount, style=number_style(amount)),
               Cell(F, amount, f"E{number}-D{number}", number_style(amount)))
    s.other_rows.append((code, amount, number))


def costs(s: Bilaga2) -> None:
    """3. The section's head and the cost table: each activity (with its comment), then the counted costs
    on the objekt without an activity; a table that runs over a page goes on under its header again."""
    form, sheet = s.form, s.sheet
    rows = [(_activity, a) for a in s.book.activities] + [(_other_costs, kv) for kv in s.ye.counted_unmatched.items()]
    for i, (add, item) in enumerate(rows):
        if i == 0:  # the section's head and the first row stay together
            form.keep(lambda: (_costs_head(s), add(s, item)))
            continue
        start = len(sheet.rows)
        add(s, item)
        height = sum(r.height or 15.0 for r in sheet.rows[start:])
        if not form.pages.fits(height):  # the table goes on on the next page, under its header again
            del sheet.rows[start:]
            sheet.merges[:] = [m for m in sheet.merges if _row_of(m) <= start]
            (s.activity_rows if add is _activity else s.other_rows).pop()
            form.pages.new_page()
            form.row(*COST_HEADER)
            add(s, item)
            height = sum(r.height or 15.0 for r in sheet.rows[start:])
        form.pages.used += height
    s.rows["table_first"], s.rows["table_last"] = s.activity_rows[0][1], len(sheet.rows)


def totals(s: Bilaga2) -> None:
    """3. Summa kostnader, what was not used, what is repaid and what the region finances itself, and the
    table per part that those lines refer to."""
    book, ag, ye, form = s.book, s.ag, s.ye, s.form
    col = s.table_column

    budget_total = book.decided
    utfall_total = sum((a.actual for a in book.activities if a.actual is not None), Decimal(0)) + \
        sum((amount for _, amount, _ in s.other_rows), Decimal(0))
    missing_rows = [n for a, n in s.activity_rows if a.actual is None] if s.outcome else []

    def build() -> None:
        cells = [Cell(A, "Summa kostnader", style="total_label"), Cell(B, None, style="total_label"),
                 Cell(C, None, style="total_label"),
                 Cell(D, budget_total, f"SUM({col('D')})", number_style(budget_total, True))]
        if s.outcome:
            formula = f"SUM({col('E')})"
            if missing_rows:
                formula = _plus([formula] + [f"D{n}" for n in missing_rows])
            deviation = utfall_total - sum((a.amount or Decimal(0)) for a in book.activities if a.actual is not None)
            cells += [Cell(E, ye.costs, formula, number_style(ye.costs, True)),
                      Cell(F, deviation, f"SUM({col('F')})", number_style(deviation, True))]
        s.rows["costs"] = form.row(*cells)
        costs_cell = f"E{s.rows['costs']}" if s.outcome else f"D{s.rows['costs']}"
        s.rows["unused"] = s.money_row("Medel som inte har förbrukats (Bidrag – kostnader)", ye.unused,
                                       f"MAX(0,E{s.rows['received']}-{costs_cell})", total=True)
        due = ag.repayment_deadline or ag.report_deadline
        lines = 3 if ye.carry else 2
        first_part = form.next_row + lines + 2  # the table per part: after these lines, a gap and its header
        last_part = first_part + len(ye.parts) - 1
        if ye.carry:  # the agreement lets what is left be used next year: carried over, nothing repaid now
            s.money_row("Medel som förs över till nästa år enligt överenskommelsen", ye.carried, f"E{last_part + 1}",
                        total=True)
            s.money_row("Medel som ska återbetalas till Kammarkollegiet", ye.to_repay, total=True)
        else:
            s.money_row("Medel som ska återbetalas till Kammarkollegiet" + (f" senast {due.isoformat()}" if due else ""),
                        ye.repay, f"E{last_part + 1}", total=True)
        s.money_row("Kostnader som regionen finansierar med egna medel", ye.own, f"F{last_part + 1}", total=True)
        _part_table(s, first_part)
    form.keep(build)


def _part_cells(s: Bilaga2, part) -> str | None:
    """The cells of point 3 that hold the costs of a part (utfall, or budget where it is missing)."""
    cells = [f"{'E' if (s.outcome and a.actual is not None) else 'D'}{n}"
             for a, n in s.activity_rows if part_key(s.ag, a) == part.key]
    if part.key == OTHER:
        cells += [f"E{n}" for _, _, n in s.other_rows]
    return _plus(cells)


def _part_table(s: Bilaga2, first: int) -> None:
    """Bidrag och kostnader per del: each earmarked pot, and övriga medel (``core.yearend``'s rule)."""
    ag, ye, form = s.ag, s.ye, s.form
    s.sheet.add(height=12.0)
    form.row(Cell(A, "Bidrag och kostnader per del", style="table_header"),
             *[Cell(column, title, style="money_header") for column, title in
               zip((B, C, D, E, F), ("Bidrag (kr)", "Kostnader (kr)", "Ej förbrukat (kr)",
                                         "Förs över (kr)" if ye.carry else "Återbetalas (kr)",
                                     "Egen finansiering (kr)"))])
    assert form.next_row == first, "the lines above refer to this table's rows"
    earmarked = [p for p in ye.parts if p.earmarked]
    other = ye.part(OTHER)
    at = s.parts_at
    for n, part in enumerate(ye.parts):
        at[part.key] = first + n
    over = {p.key: f"MAX(0,MAX(0,C{at[p.key]})-B{at[p.key]})" for p in earmarked}
    free_left = f"MAX(0,B{at[OTHER]}-MAX(0,C{at[OTHER]}))" if other else "0"
    for part in ye.parts:
        r = at[part.key]
        grant_formula = None  # the pots of point 2, when the part received them whole
        if ag.received == ag.total:
            grant_formula = _plus([f"E{s.pot_rows[p.name]}" for p in part.pots if p.name in s.pot_rows])
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
                 Cell(B, part.grant, grant_formula, number_style(part.grant)),
                 Cell(C, part.costs, _part_cells(s, part), number_style(part.costs)),
                 Cell(D, part.unused, unused, number_style(part.unused)),
                 Cell(E, part.repay, repay if len(repay) <= MAX_FORMULA else None, number_style(part.repay)),
                 Cell(F, part.own, own if len(own) <= MAX_FORMULA else None, number_style(part.own)))
    last = first + len(ye.parts) - 1
    values = (ye.received, ye.costs, sum((p.unused for p in ye.parts), Decimal(0)), ye.repay, ye.own)
    form.row(Cell(A, "Summa", style="total_label"),
             *[Cell(column, value, f"SUM({letter}{first}:{letter}{last})", number_style(value, True))
               for column, letter, value in zip((B, C, D, E, F), "BCDEF", values)])
    form.wide("note", "Öronmärkta medel får bara användas till sitt ändamål: det som inte har förbrukats av dem "
                      "återbetalas, även när andra kostnader överstiger övriga medel. Kostnader utöver en dels "
                      "bidrag finansieras av regionen (egen finansiering). Aktiviteter utan öronmärkt pott hör "
                      "till övriga medel.")
    if ye.reduction:
        taken = ", ".join(f"{_lower_first(part.name)} ({kr_text(amount)})" for part, amount in ye.reduction)
        form.wide("note", f"Utbetalt bidrag är {kr_text(ye.shortfall)} lägre än bidraget enligt överenskommelsen; "
                          f"skillnaden har räknats av från {taken}.")
    elif ag.paid_out is not None and ag.paid_out > ag.total:
        form.wide("note", f"Utbetalt bidrag är {kr_text(ag.paid_out - ag.total)} högre än bidraget enligt "
                          "överenskommelsen; skillnaden räknas till övriga medel.")


def objekt_table(s: Bilaga2) -> None:
    """3. Kostnader per objekt: budget, utfall and avvikelse per objekt (with its name), as SUMPRODUCTs over
    the cost table."""
    book, form = s.book, s.form
    objekt_names = {o.code.strip().casefold(): o.description for o in s.ag.objekt}
    groups: dict[str, str] = {}  # objekt as Excel compares it (without case) -> as first written
    for a in book.activities:
        if a.objekt:
            groups.setdefault(a.objekt.casefold(), a.objekt)
    for code, _, _ in s.other_rows:
        groups.setdefault(code.casefold(), code)
    if not groups:
        return
    col = s.table_column
    items = []
    for key, code in sorted(groups.items(), key=lambda kv: kv[1]):
        acts = [a for a in book.activities if a.objekt.casefold() == key]
        extra = sum((amount for c, amount, _ in s.other_rows if c.casefold() == key), Decimal(0))
        budget = sum((a.amount or Decimal(0) for a in acts), Decimal(0))
        utfall = sum((a.actual for a in acts if a.actual is not None), Decimal(0)) + extra
        deviation = utfall - sum((a.amount or Decimal(0) for a in acts if a.actual is not None), Decimal(0))
        name = objekt_names.get(code.strip().casefold(), "")
        formulas = None
        if len(code) <= 250:
            where = f"--({col('C')}={quote(code)})"
            formulas = (f"SUMPRODUCT({where},{col('D')})", f"SUMPRODUCT({where},{col('E')})",
                        f"SUMPRODUCT({where},{col('F')})")
        items.append((f"{code} – {name}" if name else code, budget, utfall, deviation, formulas))

    def build() -> None:
        s.sheet.add(height=12.0)
        form.row(Cell(A, "Kostnader per objekt", style="table_header"), *COST_HEADER[3:], spans={A: 3})
        for label, budget, utfall, deviation, formulas in items:
            cells = [Cell(A, label, style="text"), Cell(D, budget, formulas[0] if formulas else None,
                                                        number_style(budget))]
            if s.outcome:
                cells += [Cell(E, utfall, formulas[1] if formulas else None, number_style(utfall)),
                          Cell(F, deviation, formulas[2] if formulas else None, number_style(deviation))]
            form.row(*cells, spans={A: 3})
    form.keep(build)


def attestation(s: Bilaga2) -> None:
    """4. The head of finance's review: the two alternatives, both boxes empty, lines for the deviations and
    the signature block."""
    ag = s.ag
    who = ag.finance_head or "N.N."

    def build() -> None:
        s.form.section("4. Ekonomichefens (eller motsvarande) granskning av den ekonomiska redovisningen")
        s.form.wide("text", f"\u2610  Alt 1: {who} (ekonomichefen eller motsvarande) intygar att den ekonomiska "
                            "redovisningen under punkt 3 är korrekt.")
        s.form.wide("text", f"\u2610  Alt 2: {who} (ekonomichefen eller motsvarande) bedömer inte att den "
                            "ekonomiska redovisningen under punkt 3 är korrekt. (Avvikelserna och eventuella "
                            "åtgärder ska också redovisas.)")
        s.form.wide("label", "Avvikelser och åtgärder (vid Alt 2):")
        for _ in range(4):
            s.form.row(Cell(A, None, style="fill_in"), spans={A: 6}, minimum=22.0)
        s.form.signatures([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", ag.finance_head),
                           ("Befattning", ag.finance_head_title),
                           ("Telefon inkl. riktnummer", ag.finance_head_phone),
                           ("E-postadress", ag.finance_head_email)])
    s.form.keep(build)


def signature(s: Bilaga2) -> None:
    """5. Underskrift i original av behörig företrädare."""
    def build() -> None:
        s.form.section("5. Underskrift i original av behörig företrädare")
        s.form.wide("text", "Bidragstagaren intygar att lämnade uppgifter är riktiga.")
        s.form.signatures([("Datum", ""), ("Underskrift", ""), ("Namnförtydligande", s.ag.signatory)])
    s.form.keep(build)


def per_year(s: Bilaga2) -> None:
    """3. per year, from the grant ledger, where the agreement asks for it (a period of several years)."""
    start, end = s.ag.period
    years = sorted({r.year for r in s.ye.ledger})
    if not (start.year < end.year and is_yes(s.ag.per_year) and years):
        return
    form, rows = s.form, s.ye.ledger

    def build() -> None:
        s.sheet.add(height=12.0)
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
                     *[Cell(column, v, style=number_style(v)) for column, v in zip((B, C, D, E, F), values)])
        last = form.next_row - 1
        sums = [sum((getattr(r, f) for r in rows if r.year in years), Decimal(0))
                for f in ("received", "costs", "repaid")]
        form.row(Cell(A, "Summa", style="total_label"), Cell(B, None, style="total_label"),
                 *[Cell(column, v, f"SUM({letter}{first}:{letter}{last})", number_style(v, True))
                   for column, letter, v in zip((C, D, E), "CDE", sums)], Cell(F, None, style="total_label"))
    form.keep(build)


SECTIONS = (heading, contacts, grant, costs, totals, per_year, objekt_table, attestation, signature)


def build(book: DecisionBook, sections=SECTIONS, title: str = TITLE) -> tuple[SheetLayout, int]:
    """The form for ``book``, by ``sections``; returns the sheet and its number of pages."""
    ye = year_end(book)
    sheet = SheetLayout(SHEET_NAME, _widths(book, ye), fit_width=False, margins=FORM_MARGINS)
    s = Bilaga2(book, ye, Form(sheet, label_columns=2))
    for section in sections:
        section(s)
    sheet.header, sheet.footer = page_texts(book.agreement, title, s.form.pages.count)
    return sheet, s.form.pages.count


class ReportForm(NamedTuple):  # (see the import of NamedTuple)
    """A report form of ``forms.registry``: its id (the catalogue's ``report_form``), which agreement's
    form it is, and ``build(book)``: the sheet and its number of pages."""

    id: str
    description: str
    build: Callable[[DecisionBook], tuple[SheetLayout, int]]


FORM = ReportForm("bilaga2", "Bilaga 2 of the 2017 agreement (seed 004): Ekonomisk redovisning, sections 1-5", build)
