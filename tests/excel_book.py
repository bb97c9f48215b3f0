"""A stand-in for a workbook open in Excel on Windows, as xlwings gives it to Python: made with openpyxl
from the file, not with our reader, so that the live path is tested against what Excel returns.

Reading, as xlwings returns values from Excel (documented in xlwings' data structures and converters):
a merged range's value in its top-left cell and None in the cells it covers; error cells as None, or
as their text ("#DIV/0!") with ``err_to_str=True``; hidden rows as ordinary values; every number as
float; dates as datetime; empty cells as None.  Hidden rows are known through xlwings' ``rng.rows.hidden``
(True, False, or None when mixed) and merged ranges through ``merge_cells`` (True, False, None) and
``merge_area``, as xlwings gives Excel's answers.

Writing goes into the openpyxl sheet as Excel would store it: "'text" as text, "=..." as a formula,
number formats, fonts, fills, alignment, borders (xlwings' ``rng.borders["edge_bottom"]``), merges, row
heights, column widths (characters) and the page setup (``api.PageSetup``, ``api.HPageBreaks``, Excel's
object model on Windows), so that the result can be compared with the file path's output read by
openpyxl.  ``MacBook`` is the same book as xlwings gives it on a Mac: ``sheet.api`` is an appscript
reference, without Windows' PageSetup, Cells or page breaks; ``SharePointBook`` one whose ``fullname``
raises, as xlwings' does for a workbook on SharePoint without a synced copy.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.properties import PageSetupProperties


class App:
    def __init__(self):
        self.alerts: list[tuple[str, str]] = []

    def alert(self, prompt, title="", **_):
        self.alerts.append((title, prompt))


class Book:
    def __init__(self, path: Path):
        self.fullname = str(Path(path).resolve())
        self.name = Path(path).name
        self.wb = openpyxl.load_workbook(path, data_only=True)  # the values Excel shows
        self.app = App()
        self.sheets = Sheets(self)


class SharePointBook(Book):
    """A workbook opened from SharePoint or Teams with no synced local copy: xlwings cannot map its URL to
    a path and ``fullname`` raises (xlwings.utils.fullname_url_to_local_path)."""

    @property
    def fullname(self):
        import xlwings

        raise xlwings.XlwingsError("Couldn't find your local OneDrive/SharePoint folder for "
                                   "https://contoso.sharepoint.com/sites/ekonomi/Delade dokument/underlag.xlsx")

    @fullname.setter
    def fullname(self, value):
        pass


class MacBook(Book):
    """The book as xlwings gives it on a Mac: the same xlwings API, but ``sheet.api`` is an appscript
    reference that has none of the Windows object model's PageSetup, Cells or HPageBreaks."""

    mac = True


class Sheets:
    def __init__(self, book: Book):
        self.book = book

    def _all(self):
        return [Sheet(self.book, ws) for ws in self.book.wb.worksheets]

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self.book.wb.worksheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._all()[key]
        for sheet in self._all():  # Excel finds a sheet by name without regard to case
            if sheet.name.casefold() == key.casefold():
                return sheet
        raise KeyError(key)

    def add(self, name, before=None, after=None):
        if any(s.title.casefold() == name.casefold() for s in self.book.wb.worksheets):
            raise ValueError(f"a sheet named {name!r} exists (Excel: 'That name is already taken')")
        index = self.book.wb.worksheets.index(after.ws) + 1 if after is not None else 0
        return Sheet(self.book, self.book.wb.create_sheet(name, index))


class Sheet:
    def __init__(self, book: Book, ws):
        self.book, self.ws = book, ws

    @property
    def name(self):
        return self.ws.title

    @property
    def index(self):
        return self.book.wb.worksheets.index(self.ws) + 1

    @property
    def tables(self):
        return [Table(self, t) for t in self.ws.tables.values()]

    @property
    def used_range(self):
        return Range(self, 1, 1, max(self.ws.max_row, 1), max(self.ws.max_column, 1))

    def range(self, first, last=None):
        if isinstance(first, str):
            ref = first.replace("$", "")
            if ":" in ref and ref.split(":")[0].isalpha():  # whole columns, "B:B"
                c1, _, c2, _ = range_boundaries(ref)
                return Range(self, 1, c1, 1048576, c2)
            c1, r1, c2, r2 = range_boundaries(ref)
            return Range(self, r1, c1, r2, c2)
        r1, c1 = first
        r2, c2 = last if last is not None else first
        return Range(self, r1, c1, r2, c2)

    def clear(self):
        """As Excel's Cells.Clear: contents, formats and merges go; row heights, column widths, page
        breaks and the page setup stay, and so does the sheet (and references to it)."""
        for merged in list(self.ws.merged_cells.ranges):
            self.ws.unmerge_cells(str(merged))
        for row in self.ws.iter_rows():
            for cell in row:
                cell.value = None
                cell.style = "Normal"

    @property
    def show_gridlines(self):
        return self.ws.sheet_view.showGridLines is not False

    @show_gridlines.setter
    def show_gridlines(self, value):
        self.ws.sheet_view.showGridLines = bool(value)

    @property
    def freeze_panes(self):
        ws = self.ws

        class FreezePanes:
            def freeze_at(self, ref):
                ws.freeze_panes = ref

        return FreezePanes()

    @property
    def api(self):
        if getattr(self.book, "mac", False):
            return _AppscriptSheet()
        return SheetApi(self)

    @property
    def page_setup(self):
        return PageSetup(self)


class PageSetup:
    def __init__(self, sheet):
        self.sheet = sheet

    @property
    def print_area(self):
        return self.sheet.ws.print_area

    @print_area.setter
    def print_area(self, value):
        self.sheet.ws.print_area = value


class _AppscriptSheet:
    """An appscript reference: Windows' object model is not there (AttributeError), as on a Mac."""

    def __getattr__(self, name):
        raise AttributeError(f"appscript reference has no attribute {name!r}")


class SheetApi:
    """The parts of Excel's Worksheet object the writer uses (Windows)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.PageSetup = ExcelPageSetup(sheet.ws)
        self.HPageBreaks = HPageBreaks(sheet.ws)

    @property
    def Cells(self):
        return _Cells(self.sheet.ws)

    def ResetAllPageBreaks(self):
        self.sheet.ws.row_breaks = RowBreak()


class _Cells:
    """Worksheet.Cells as a whole: UseStandardHeight/Width = True give every row and column the default."""

    def __init__(self, ws):
        object.__setattr__(self, "ws", ws)

    def __setattr__(self, name, value):
        if name == "UseStandardHeight" and value:
            for dim in self.ws.row_dimensions.values():
                dim.height = None
        elif name == "UseStandardWidth" and value:
            for key in list(self.ws.column_dimensions):
                del self.ws.column_dimensions[key]
        else:
            raise AttributeError(name)


class HPageBreaks:
    def __init__(self, ws):
        self.ws = ws

    def Add(self, before):  # a break above the given cell: Excel stores <brk id="row - 1">
        self.ws.row_breaks.append(Break(id=before.row - 1))


class ExcelPageSetup:
    """Excel's PageSetup: sizes in points, header/footer sections as text with codes."""

    _SECTIONS = {"LeftHeader": ("oddHeader", "left"), "CenterHeader": ("oddHeader", "center"),
                 "RightHeader": ("oddHeader", "right"), "LeftFooter": ("oddFooter", "left"),
                 "CenterFooter": ("oddFooter", "center"), "RightFooter": ("oddFooter", "right")}
    _MARGINS = {"LeftMargin": "left", "RightMargin": "right", "TopMargin": "top", "BottomMargin": "bottom"}

    def __init__(self, ws):
        object.__setattr__(self, "ws", ws)

    def __setattr__(self, name, value):
        ws = self.ws
        if name == "PaperSize":
            ws.page_setup.paperSize = value
        elif name == "Orientation":
            ws.page_setup.orientation = "landscape" if value == 2 else "portrait"
        elif name == "Zoom":
            if value is False:
                ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            else:
                ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
                ws.page_setup.scale = value
        elif name == "FitToPagesWide":
            ws.page_setup.fitToWidth = value
        elif name == "FitToPagesTall":
            ws.page_setup.fitToHeight = 0 if value is False else value
        elif name in self._MARGINS:
            setattr(ws.page_margins, self._MARGINS[name], value / 72)
        elif name in self._SECTIONS:
            part, side = self._SECTIONS[name]
            getattr(getattr(ws, part), side).text = value or None
        elif name in ("PrintArea", "PrintTitleRows"):
            if name == "PrintArea":
                ws.print_area = None if not value else value
            else:
                ws.print_title_rows = None if not value else value
        else:
            raise AttributeError(name)


class Table:
    def __init__(self, sheet, table):
        self.sheet, self.table = sheet, table

    @property
    def name(self):
        return self.table.displayName

    @property
    def range(self):
        return self.sheet.range(self.table.ref)

    @property
    def header_row_range(self):
        if not self.table.headerRowCount and self.table.headerRowCount is not None:
            return None
        c1, r1, c2, _ = range_boundaries(self.table.ref)
        return Range(self.sheet, r1, c1, r1, c2)

    @property
    def show_totals(self):
        return bool(self.table.totalsRowCount)


def _excel_value(cell, err_to_str: bool):
    if type(cell).__name__ == "MergedCell":
        return None
    value = cell.value
    if cell.data_type == "e":
        return value if err_to_str else None
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.time):  # a time of day is a fraction of a day in Excel
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, str) and value == "":
        return None
    return value


class Range:
    def __init__(self, sheet, r1, c1, r2, c2, options=None):
        self.sheet, self.ws = sheet, sheet.ws
        self.r1, self.c1, self.r2, self.c2 = r1, c1, r2, c2
        self._options = options or {}

    def options(self, **kw):
        return Range(self.sheet, self.r1, self.c1, self.r2, self.c2, {**self._options, **kw})

    @property
    def row(self):
        return self.r1

    @property
    def shape(self):
        return self.r2 - self.r1 + 1, self.c2 - self.c1 + 1

    @property
    def rows(self):
        rng = self

        class Rows:
            @property
            def hidden(self):
                """xlwings' rows.hidden: True if every row is hidden, False if none, None if some."""
                states = {bool(rng.ws.row_dimensions[r].hidden) for r in range(rng.r1, rng.r2 + 1)}
                return states.pop() if len(states) == 1 else None

        return Rows()

    @property
    def borders(self):
        return _Borders(self)

    @property
    def column(self):
        return self.c1

    @property
    def address(self):
        first = f"${get_column_letter(self.c1)}${self.r1}"
        last = f"${get_column_letter(self.c2)}${self.r2}"
        return first if first == last else f"{first}:{last}"

    def __getitem__(self, key):
        i, j = key
        return Range(self.sheet, self.r1 + i, self.c1 + j, self.r1 + i, self.c1 + j)

    def _cells(self):
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield self.ws.cell(r, c)

    # values -----------------------------------------------------------------------------------------
    @property
    def value(self):
        err = self._options.get("err_to_str", False)
        grid = [[_excel_value(self.ws.cell(r, c), err) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]
        ndim = self._options.get("ndim")
        if ndim == 2:
            return grid
        if ndim == 1 or len(grid) == 1 or len(grid[0]) == 1:
            flat = [v for row in grid for v in row]
            return flat[0] if ndim is None and len(flat) == 1 else flat
        return grid

    @value.setter
    def value(self, data):
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [list(data)]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                cell = self.ws.cell(self.r1 + i, self.c1 + j)
                if isinstance(v, str) and v.startswith("'"):
                    cell.value = v[1:]
                    cell.data_type = "s"
                elif isinstance(v, str) and v == "":
                    cell.value = None
                elif isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                    cell.value = dt.datetime(v.year, v.month, v.day)
                else:
                    cell.value = v

    # formats ----------------------------------------------------------------------------------------
    @property
    def column_width(self):
        return self.ws.column_dimensions[get_column_letter(self.c1)].width

    @column_width.setter
    def column_width(self, width):
        """Excel takes the width in characters and stores it with the cell padding (5 pixels of a 7-pixel
        Calibri 11 digit) in 1/256ths: 32 is stored as 32.7109375."""
        stored = int((width * 7 + 5) / 7 * 256) / 256
        for c in range(self.c1, self.c2 + 1):
            self.ws.column_dimensions[get_column_letter(c)].width = stored

    @property
    def row_height(self):
        return self.ws.row_dimensions[self.r1].height

    @row_height.setter
    def row_height(self, height):
        for r in range(self.r1, self.r2 + 1):
            self.ws.row_dimensions[r].height = height

    @property
    def number_format(self):
        return self.ws.cell(self.r1, self.c1).number_format

    @number_format.setter
    def number_format(self, fmt):
        for cell in self._cells():
            cell.number_format = fmt

    @property
    def font(self):
        return _Font(self)

    @property
    def color(self):
        return None

    @color.setter
    def color(self, value):
        for cell in self._cells():
            cell.fill = PatternFill("solid", fgColor="FF" + value.lstrip("#").upper())

    @property
    def wrap_text(self):
        return self.ws.cell(self.r1, self.c1).alignment.wrap_text

    @wrap_text.setter
    def wrap_text(self, value):
        self._align(wrap_text=bool(value))

    @property
    def horizontal_alignment(self):
        return self.ws.cell(self.r1, self.c1).alignment.horizontal

    @horizontal_alignment.setter
    def horizontal_alignment(self, value):
        self._align(horizontal=value)

    @property
    def vertical_alignment(self):
        return self.ws.cell(self.r1, self.c1).alignment.vertical

    @vertical_alignment.setter
    def vertical_alignment(self, value):
        self._align(vertical=value)

    def _align(self, **kw):
        for cell in self._cells():
            a = cell.alignment
            cell.alignment = Alignment(**{"horizontal": a.horizontal, "vertical": a.vertical,
                                          "wrap_text": a.wrap_text, **kw})

    def merge(self):
        self.ws.merge_cells(start_row=self.r1, start_column=self.c1, end_row=self.r2, end_column=self.c2)

    @property
    def merge_cells(self):
        """Excel's MergeCells: True if all cells are merged, False if none, None if some are."""
        merged = [c.coordinate in self.ws.merged_cells for c in self._cells()]
        return True if all(merged) else False if not any(merged) else None

    @property
    def merge_area(self):
        for merged in self.ws.merged_cells.ranges:
            if merged.min_row <= self.r1 <= merged.max_row and merged.min_col <= self.c1 <= merged.max_col:
                return Range(self.sheet, merged.min_row, merged.min_col, merged.max_row, merged.max_col)
        return Range(self.sheet, self.r1, self.c1, self.r1, self.c1)

    @property
    def api(self):
        return _RangeApi(self)


class _Font:
    def __init__(self, rng):
        self.rng = rng

    def _set(self, **kw):
        for cell in self.rng._cells():
            f = cell.font
            cell.font = Font(**{"name": f.name, "size": f.size, "bold": f.bold, "italic": f.italic,
                                "color": f.color, **kw})

    bold = property(lambda self: None, lambda self, v: self._set(bold=bool(v)))
    italic = property(lambda self: None, lambda self, v: self._set(italic=bool(v)))
    size = property(lambda self: None, lambda self, v: self._set(size=v))
    name = property(lambda self: None, lambda self, v: self._set(name=v))
    color = property(lambda self: None, lambda self, v: self._set(color="FF" + v.lstrip("#").upper()))


class _Border:
    """One side of xlwings' ``rng.borders``: "continuous" and "thin" give Excel's thin line."""

    def __init__(self, rng, side):
        self.rng, self.side = rng, side
        self._style = None

    @property
    def line_style(self):
        return None

    @line_style.setter
    def line_style(self, style):
        side = Side(style="thin") if style == "continuous" else Side()
        for cell in self.rng._cells():
            b = cell.border
            parts = {"left": b.left, "right": b.right, "top": b.top, "bottom": b.bottom}
            parts[{"edge_top": "top", "edge_bottom": "bottom"}[self.side]] = side
            cell.border = Border(**parts)

    @property
    def weight(self):
        return None

    @weight.setter
    def weight(self, value):
        assert value == "thin"  # the only weight the layouts use; "continuous" above is already thin


class _Borders:
    def __init__(self, rng):
        self.rng = rng

    def __getitem__(self, side):
        return _Border(self.rng, side)


class _RangeApi:
    def __init__(self, rng):
        self.rng = rng
        self.row = rng.r1
