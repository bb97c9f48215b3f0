"""The year at a glance for the head of finance: "översikt.xlsx".

- **Översikt**: one row per agreement and year (the same agreement in two workbooks is one row, with a
  warning naming both): diary numbers (the region's and the Government Offices'), the grant received and
  when, costs, **to repay** and **own financing** (summed separately: an overspend in one agreement is never
  netted against unused money in another), the status of each duty (requisition, economic report,
  repayment, report to Socialstyrelsen), the next open deadline, and the checks' counts and suggestion;
- **Tidsgränser**: every deadline of those agreements, the agreement's (*externt*) and the region's own
  (*internt*), on the working day to plan for, with its status, reference and what to verify;
- **Diagram**: a native bar chart of received, costs, to repay and own financing per agreement.

Each sheet prints on A4 landscape, one page wide, its header row repeated, "Sida N av M" in the footer.
A brand-new workbook, so it is written with XlsxWriter (a well-kept library that writes native charts and
Excel Tables); the bytes go through ``atomic_output`` like every other output.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace
from decimal import Decimal

import xlsxwriter

from ..check.deadlines import agreement_key, deadlines, in_order, notes
from ..core.model import DUTIES, Severity
from .layout import CELL_PADDING_PX, DIGIT_PX, MONEY_FORMAT as MONEY, Style, column_px, text_lines, text_px

SHEET, DEADLINE_SHEET, CHART_SHEET = "Översikt", "Tidsgränser", "Diagram"
TABLE, DEADLINE_TABLE, CHART_TABLE = "Oversikt", "Tidsgranser", "Diagramdata"
# (header, width in characters, kind of cell) of the sheet Översikt
DUTY_HEADERS = {"rekvisition": "Rekvisition", "redovisning": "Ekonomisk redovisning",
                "aterbetalning": "Återbetalning", "socialstyrelsen": "Rapport till Socialstyrelsen"}
COLUMNS = [("Överenskommelse", 26, "wrap"), ("År", 5, "int"), ("Diarienummer", 13, "wrap"),
           ("Bidrag", 12.5, "money"), ("Utbetalt", 10.5, "date"), ("Kostnader", 12.5, "money"),
           ("Underlag", 8, "wrap"), ("Att återbetala", 12, "money"), ("Egen finansiering", 12, "money")] + \
          [(DUTY_HEADERS[d.key], 11, "wrap") for d in DUTIES] + \
          [("Nästa tidsgräns", 10.5, "date"), ("Avser", 14, "wrap"), ("Kontroll", 12, "wrap"),
           ("Arbetsbok", 18, "wrap")]
HEADERS = [c[0] for c in COLUMNS]
SUMMED = ("Bidrag", "Kostnader", "Att återbetala", "Egen finansiering")
DEADLINE_COLUMNS = [("Planera till", 10.5, "date"), ("Dag", 5, "wrap"), ("Sista dag", 10.5, "date"),
                    ("Uppgift", 24, "wrap"), ("Ext./ int.", 8, "wrap"), ("Överenskommelse", 28, "wrap"),
                    ("År", 5, "int"), ("Status", 13, "wrap"), ("Referens", 13, "wrap"), ("Anmärkning", 38, "wrap"),
                    ("Arbetsbok", 18, "wrap")]
HEADER_STYLE = Style(bold=True, wrap=True)
TEXT_STYLE = Style(wrap=True)
LINE_PT = 14.5  # a wrapped line of Calibri 11, as Excel fits a row to it


@dataclass
class OverviewRow:
    file: str
    agreement: str = ""
    year: int | None = None
    region_dnr: str = ""
    rk_dnr: str = ""
    received: Decimal | None = None
    paid_out_date: dt.date | None = None
    costs: Decimal | None = None  # the report's: utfall, or budget where there is none
    basis: str = ""  # "utfall", "budget", or "utfall och budget"
    repay: Decimal | None = None
    own: Decimal | None = None  # costs the grant does not cover: the region's own financing
    duties: dict[str, str] = field(default_factory=dict)  # duty key -> its status, in Swedish
    next_deadline: dt.date | None = None  # the date to plan for
    next_kind: str = ""
    errors: int = 0
    warnings: int = 0
    suggestion: str = ""
    status: str = "ok"  # "ok", or why the workbook failed
    key: tuple | None = None  # deadlines.agreement_key, for one row per agreement and year
    also: tuple[str, ...] = ()  # other workbooks of the same agreement and year
    deadlines: list = field(default_factory=list, repr=False)  # deadlines.Deadline

    def cells(self) -> list[object]:
        def number(v):
            return None if v is None else int(v) if v == v.to_integral_value() else float(v)  # a cell's number
        dnr = "\n".join(x for x in (self.region_dnr, self.rk_dnr) if x)
        checks = (f"{self.errors} fel, {self.warnings} varningar" + (f"\n{self.suggestion}" if self.suggestion else "")
                  if self.key else "")
        book = "\n".join(filter(None, [self.file, "" if self.status == "ok" else self.status]
                                + ([f"Samma överenskommelse även i {', '.join(self.also)} (räknas en gång)."]
                                   if self.also else [])))
        return ([self.agreement, self.year, dnr, number(self.received), self.paid_out_date, number(self.costs),
                 self.basis, number(self.repay), number(self.own)]
                + [self.duties.get(d.key, "") for d in DUTIES]
                + [self.next_deadline, self.next_kind, checks, book])


def _duty_status(items: list, today: dt.date, none_required: bool, nothing_to_repay: bool) -> str:
    """A duty's status in the overview: done, the date to plan for, passed, or not filled in."""
    done = [d for d in items if d.done]
    if done:
        day = done[0].done_on
        return "Klar" + (f"\n{day.isoformat()}" if day else "")
    if nothing_to_repay:
        return "Inget att återbetala"
    if not items:
        return "Krävs inte" if none_required else "Ej ifylld"
    coming = sorted((d for d in items if d.is_open(today)), key=lambda d: d.plan_day)
    if coming:
        d = coming[0]
        return f"Senast\n{d.plan_day.isoformat()}" + (" (internt)" if d.scope == "internt" else "")
    last = max(items, key=lambda d: (d.scope == "externt", d.plan_day))
    return f"Passerad\n{last.plan_day.isoformat()}"


def overview_row(file: str, report, today: dt.date | None = None) -> OverviewRow:
    """A batch's row for one workbook's report (``report.Report``)."""
    today = today or dt.date.today()
    book, s = report.book, report.summary
    ag = book.agreement
    items = deadlines(ag, file)
    nothing_to_repay = s.complete and s.repay == 0
    duties = {}
    for duty in DUTIES:
        mine = [d for d in items if d.key == duty.key]
        duties[duty.key] = _duty_status(mine, today, duty.deadline in ag.no_deadline,
                                        duty.key == "aterbetalning" and nothing_to_repay and not any(d.done for d in mine))
    relevant = [d for d in items if not (d.key == "aterbetalning" and nothing_to_repay)]
    coming = [d for d in in_order(relevant, today) if d.is_open(today)]
    basis = "utfall" if s.complete else "utfall och budget" if s.outcome else "budget"
    # to repay and own financing as on the form (yearend's rule)
    return OverviewRow(
        file, ag.name, ag.year, ag.region_dnr, ag.rk_dnr_agreement, s.received, ag.paid_out_date, s.costs, basis,
        s.repay, s.own, duties, coming[0].plan_day if coming else None, coming[0].what if coming else "",
        sum(f.severity == Severity.ERROR for f in report.findings),
        sum(f.severity == Severity.WARNING for f in report.findings), s.suggestion.text, "ok",
        agreement_key(ag), (), items)


def combine(rows: list[OverviewRow]) -> tuple[list[OverviewRow], list[str]]:
    """One row per agreement and year: the first workbook's, naming the others; a warning for each."""
    first: dict[tuple, OverviewRow] = {}
    out, warnings = [], []
    for row in rows:
        if row.key is None:
            out.append(row)
        elif row.key in first:
            kept = first[row.key]
            kept.also += (row.file,)
            kept.deadlines = [replace(d, also=kept.also) for d in kept.deadlines]
        else:
            first[row.key] = row
            out.append(row)
    for row in first.values():
        if row.also:
            warnings.append(f"the same agreement ({row.agreement} {row.year}) is in {row.file} and "
                            f"{', '.join(row.also)}; {SHEET} has one row for it, from {row.file}")
    return out, warnings


def _short(name: str, length: int) -> str:
    if len(name) <= length:
        return name
    cut = name[:length].rsplit(" ", 1)[0].rstrip(" –-,")
    return cut + " …"


def chart_labels(rows: list[OverviewRow]) -> list[str]:
    """A label per row for the chart's categories, short but told apart: the name shortened (longer where
    two would be alike) and the year."""
    for length in (38, 60, 90, 10000):
        labels = [f"{_short(r.agreement, length)} {r.year}" for r in rows]
        if len(set(labels)) == len(labels):
            return labels
    return [f"{label} ({r.region_dnr or r.file})" for label, r in zip(labels, rows)]


class _Sheets:
    """The formats and page setup the three sheets share."""

    def __init__(self, wb, title: str, stamp: str):
        self.wb, self.title, self.stamp = wb, title, stamp
        self.formats = {
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "int": wb.add_format({"valign": "top", "align": "left"}),
            "money": wb.add_format({"num_format": MONEY, "valign": "top", "align": "right", "indent": 1}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd", "align": "left", "valign": "top"}),
        }
        self.header = wb.add_format({"bold": True, "text_wrap": True, "valign": "bottom", "font_color": "#FFFFFF",
                                     "bg_color": "#4472C4", "bottom": 1})
        self.bold = wb.add_format({"bold": True, "font_size": 14})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})

    def table(self, ws, name: str, first: int, columns: list[tuple[str, float, str]], data: list[list[object]],
              wrap_rows: bool = True) -> int:
        """An Excel Table at row ``first`` with the header's height fitted to its wrapped words and each
        row as tall as its wrapped text (so that every cell of a row starts on the row's first line).
        Returns the last row of the table."""
        last = first + max(len(data), 1)
        # a column at least as wide as its header's longest word: a header is wrapped, never cut
        columns = [(h, max(w, (max(text_px(word, HEADER_STYLE) for word in h.split()) + CELL_PADDING_PX - 5)
                          / DIGIT_PX), kind) for h, w, kind in columns]
        ws.add_table(first, 0, last, len(columns) - 1, {
            "name": name, "style": "Table Style Light 9", "data": data, "autofilter": True,
            "columns": [{"header": h, "format": self.formats[kind], "header_format": self.header}
                        for h, _, kind in columns]})
        for i, (_, width, _) in enumerate(columns):
            ws.set_column(i, i, width)
        header_lines = max(text_lines(h, column_px(w), HEADER_STYLE) for h, w, _ in columns)
        ws.set_row(first, LINE_PT * header_lines + 2)
        for n, values in enumerate(data, start=first + 1):
            lines = max((text_lines(str(v), column_px(w), TEXT_STYLE) for v, (_, w, kind) in zip(values, columns)
                         if kind == "wrap" and v), default=1)
            ws.set_row(n, LINE_PT * max(1, lines) + 2)
        return last

    def page(self, ws, header_row: int, columns: int) -> None:
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.6)
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
        ws.repeat_rows(header_row)
        title = self.title.replace("&", "&&")
        ws.set_header(f"&L&\"-,Bold\"{title}&R{ws.name}")
        ws.set_footer(f"&L{self.stamp}&RSida &P av &N")
        ws.freeze_panes(header_row + 1, 1)


def overview_bytes(rows: list[OverviewRow], title: str = "Statsbidrag – översikt",
                   today: dt.date | None = None) -> bytes:
    today = today or dt.date.today()
    compiled = dt.date.today()
    stamp = f"Sammanställt {compiled.isoformat()}" + (f", tidsgränser räknade från {today.isoformat()}"
                                                      if today != compiled else "")
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheets = _Sheets(wb, title, stamp)
    agreements = [r for r in rows if r.key is not None]

    # --- Översikt ---
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, title, sheets.bold)
    files = len(rows) + sum(len(r.also) for r in rows)
    ws.write_string(1, 0, f"{len(agreements)} överenskommelser ur {files} arbetsböcker. {stamp}.")
    first = 3
    data = [r.cells() for r in rows]
    last = sheets.table(ws, TABLE, first, COLUMNS, data)
    total = wb.add_format({"bold": True, "num_format": MONEY, "top": 1, "valign": "top", "align": "right", "indent": 1})
    ws.write_string(last + 1, 0, "Summa", wb.add_format({"bold": True, "top": 1}))
    for i, (header, _, _) in enumerate(COLUMNS):
        if header not in SUMMED:
            continue
        letter = chr(65 + i)  # plain sums under the table: every spreadsheet computes them
        values = [Decimal(str(v)) for v in (r[i] for r in data) if isinstance(v, (int, float))]
        value = sum(values, Decimal(0))
        ws.write_formula(last + 1, i, f"=SUM({letter}{first + 2}:{letter}{last + 1})", total,
                         int(value) if value == value.to_integral_value() else float(value))
    ws.write_string(last + 2, 0, "Att återbetala och egen finansiering summeras var för sig: ett överskridande i en "
                                 "överenskommelse räknas aldrig av mot outnyttjade medel i en annan.", sheets.note)
    ws.write_string(last + 3, 0, "Senast: dagen att planera för (sista arbetsdagen). Passerad: tidsgränsen har passerat "
                                 "utan att uppgiften är markerad som klar; fyll i när den lämnades (bladet "
                                 "Överenskommelse). Ej ifylld: ingen tidsgräns i arbetsboken.", sheets.note)
    sheets.page(ws, first, len(COLUMNS))

    # --- Tidsgränser ---
    ws = wb.add_worksheet(DEADLINE_SHEET)
    ws.write_string(0, 0, f"{title}: tidsgränser", sheets.bold)
    ws.write_string(1, 0, "Planera till: sista arbetsdagen på eller före tidsgränsen (helgdagar, midsommar-, jul- "
                          f"och nyårsafton räknas inte som arbetsdagar). {stamp}.")
    items = in_order([d for r in agreements for d in r.deadlines], today)

    def status_text(d) -> str:
        if d.done:
            return "Klar" + (f" {d.done_on.isoformat()}" if d.done_on else "")
        days = (d.plan_day - today).days
        return "Passerad" if days < 0 else "I dag" if days == 0 else "I morgon" if days == 1 else f"Om {days} dagar"

    deadline_data = [[d.plan_day, WEEKDAY_SHORT[d.plan_day.weekday()], d.day,
                      d.kind + (f" (till {d.recipient})" if d.recipient else ""), d.scope, d.agreement, d.year,
                      status_text(d), d.reference, "\n".join(notes(d)), d.file] for d in items]
    sheets.table(ws, DEADLINE_TABLE, 3, DEADLINE_COLUMNS, deadline_data)
    sheets.page(ws, 3, len(DEADLINE_COLUMNS))

    # --- Diagram ---
    charted = [r for r in agreements if r.received is not None]
    if charted:
        ws = wb.add_worksheet(CHART_SHEET)
        ws.write_string(0, 0, f"{title}: bidrag, kostnader, att återbetala och egen finansiering", sheets.bold)
        series = [("Bidrag", "received", "#4472C4"), ("Kostnader", "costs", "#ED7D31"),
                  ("Att återbetala", "repay", "#A5A5A5"), ("Egen finansiering", "own", "#C00000")]
        columns = [("Överenskommelse", 48, "wrap")] + [(name, 14, "money") for name, _, _ in series]
        chart_data = [[label] + [float(getattr(r, f)) if getattr(r, f) is not None else None for _, f, _ in series]
                      for label, r in zip(chart_labels(charted), charted)]
        top = 2
        bottom = sheets.table(ws, CHART_TABLE, top, columns, chart_data)
        chart = wb.add_chart({"type": "bar"})
        for i, (name, _, colour) in enumerate(series, start=1):
            letter = chr(65 + i)
            chart.add_series({"name": name, "categories": f"='{CHART_SHEET}'!$A${top + 2}:$A${bottom + 1}",
                              "values": f"='{CHART_SHEET}'!${letter}${top + 2}:${letter}${bottom + 1}",
                              "fill": {"color": colour}, "gap": 60})
        chart.set_title({"name": "Per överenskommelse", "name_font": {"size": 12}})
        chart.set_x_axis({"num_format": MONEY, "major_gridlines": {"visible": True}})
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 9}})  # the first on top
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 1000, "height": max(320, 60 + 90 * len(charted))})
        ws.insert_chart(bottom + 2, 0, chart)
        sheets.page(ws, top, len(columns))
        ws.fit_to_pages(1, 1)
    wb.set_properties({"title": title, "comments": "xl-statsbidrag batch"})
    wb.close()
    return buffer.getvalue()


WEEKDAY_SHORT = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
