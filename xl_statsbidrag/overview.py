"""The year at a glance: "översikt.xlsx", one row per workbook of a batch - agreement, year, received,
decided, utfall, unused, to repay, status, next deadline - as an Excel Table, and a native column chart
of received against costs and unused per agreement, on one landscape page for the head of finance.

A brand-new workbook, so it is written with XlsxWriter (a well-kept library that writes native charts);
the bytes go through ``atomic_output`` like every other output.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .layout import MONEY_FORMAT as MONEY, STYLES, column_px, text_lines
from .model import Severity

WIDTHS = [20, 30, 5, 13, 13, 13, 13, 13, 13, 5, 9, 15, 11, 20, 18]

SHEET = "Översikt"
TABLE = "Oversikt"
HEADERS = ["Arbetsbok", "Överenskommelse", "År", "Bidrag", "Beslutat", "Utfall", "Kostnader", "Ej förbrukat",
           "Att återbetala", "Fel", "Varningar", "Förslag till granskning", "Nästa tidsgräns", "Avser", "Status"]


@dataclass
class OverviewRow:
    file: str
    agreement: str = ""
    year: int | None = None
    received: Decimal | None = None
    decided: Decimal | None = None
    utfall: Decimal | None = None  # None: no utfall yet
    costs: Decimal | None = None  # the report's: utfall, or budget where there is none
    unused: Decimal | None = None
    repay: Decimal | None = None
    errors: int = 0
    warnings: int = 0
    suggestion: str = ""
    next_deadline: dt.date | None = None
    next_kind: str = ""
    status: str = ""  # "ok", or why the workbook failed

    def cells(self) -> list[object]:
        def number(v):
            return None if v is None else int(v) if v == v.to_integral_value() else float(v)  # a cell's number
        return [self.file, self.agreement, self.year, number(self.received), number(self.decided),
                number(self.utfall), number(self.costs), number(self.unused), number(self.repay), self.errors,
                self.warnings,
                self.suggestion, self.next_deadline, self.next_kind, self.status]


def overview_row(file: str, report, today: dt.date | None = None) -> OverviewRow:
    """A batch's row for one workbook's report (``report.Report``)."""
    from .deadlines import deadlines, in_order

    today = today or dt.date.today()
    book, s = report.book, report.summary
    coming = [d for d in in_order(deadlines(book.agreement, file), today) if d.day >= today]
    utfall = sum((a.actual for a in book.activities if a.actual is not None), Decimal(0)) if s.outcome else None
    return OverviewRow(file, book.agreement.name, book.agreement.year, s.received, book.decided, utfall, s.costs,
                       s.unused, s.repay, sum(f.severity == Severity.ERROR for f in report.findings),
                       sum(f.severity == Severity.WARNING for f in report.findings), s.suggestion.text,
                       coming[0].day if coming else None, coming[0].kind if coming else "", "ok")


def overview_bytes(rows: list[OverviewRow], title: str = "Statsbidrag – översikt") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(SHEET)
    bold = wb.add_format({"bold": True, "font_size": 14})
    money = wb.add_format({"num_format": MONEY, "valign": "top"})
    date = wb.add_format({"num_format": "yyyy-mm-dd", "align": "left", "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write_string(0, 0, title, bold)
    ws.write_string(1, 0, f"{len(rows)} arbetsböcker, sammanställt {dt.date.today().isoformat()}.")
    first = 3
    data = [r.cells() for r in rows]
    columns = []
    for i, header in enumerate(HEADERS):
        column = {"header": header}
        if 3 <= i <= 8:
            column["format"] = money
        elif i == 12:
            column["format"] = date
        elif i in (1, 14):
            column["format"] = wrap
        columns.append(column)
    last = first + max(len(data), 1)
    ws.add_table(first, 0, last, len(HEADERS) - 1,
                 {"name": TABLE, "columns": columns, "data": data or None, "style": "Table Style Medium 2"})
    total = wb.add_format({"bold": True, "num_format": MONEY, "top": 1})
    ws.write_string(last + 1, 0, "Summa", wb.add_format({"bold": True, "top": 1}))
    for i in range(3, 11):  # plain sums under the table: every spreadsheet computes them
        letter = chr(65 + i)
        values = [v for v in (r[i] for r in data) if isinstance(v, (int, float))]
        ws.write_formula(last + 1, i, f"=SUM({letter}{first + 2}:{letter}{last + 1})",
                         total if i <= 8 else wb.add_format({"bold": True, "top": 1}), sum(values))
    for i, width in enumerate(WIDTHS):
        ws.set_column(i, i, width)
    for n, values in enumerate(data, start=first + 1):  # rows as tall as their wrapped text
        lines = max(text_lines(str(values[i] or ""), column_px(WIDTHS[i]), STYLES["text"]) for i in (1, 14))
        if lines > 1:
            ws.set_row(n, 15 * lines + 3)
    charted = [i for i, r in enumerate(rows) if r.received is not None]
    if charted:
        chart = wb.add_chart({"type": "column"})
        top, bottom = first + 1, first + len(rows)
        labels = f"='{SHEET}'!$B${top + 1}:$C${bottom + 1}"
        for column, name, colour in ((3, "Bidrag", "#4472C4"), (6, "Kostnader", "#ED7D31"),
                                     (7, "Ej förbrukat", "#A5A5A5")):
            letter = chr(65 + column)
            chart.add_series({"name": name, "categories": labels,
                              "values": f"='{SHEET}'!${letter}${top + 1}:${letter}${bottom + 1}",
                              "fill": {"color": colour}})
        chart.set_title({"name": "Bidrag, kostnader och ej förbrukat per överenskommelse"})
        chart.set_y_axis({"num_format": MONEY, "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 1300, "height": 420})
        ws.insert_chart(last + 3, 0, chart)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.freeze_panes(first + 1, 1)
    wb.set_properties({"title": title, "comments": "xl-statsbidrag batch"})
    wb.close()
    return buffer.getvalue()


def write_overview(path: Path, rows: list[OverviewRow]) -> None:
    from .jobs import write_bytes

    write_bytes(path, overview_bytes(rows))
