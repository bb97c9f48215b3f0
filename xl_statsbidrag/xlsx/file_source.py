"""A workbook file as a ``format_reader.Source`` (its sheets and tables, read from the package),
and ``read_book``: a decision-support workbook file read into the model."""
from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..model import DecisionBook
from ..format_reader import MAX_COLUMN, MAX_ROW, TableInfo, read
from .cells import CellReader
from .package import Package


def check_not_locked(path: Path) -> None:
    """Excel keeps '~$name' and LibreOffice '.~lock.name#' beside a workbook that is open."""
    for lock in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            raise UserError(f"the workbook is open in Excel or LibreOffice (lock file {lock.name}); "
                            "close it and try again", file=path)


class FileSource:
    """Sheets and tables of an opened package."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.name = str(pkg.path)
        self.cells = CellReader(pkg)
        self._tables = None

    def sheet_names(self) -> list[str]:
        """The worksheets (chart sheets and dialog sheets have no cells to read)."""
        return [s.name for s in self.pkg.sheets if s.part]

    def find_table(self, name: str) -> TableInfo | None:
        if self._tables is None:
            self._tables = self.pkg.tables()
        key = name.casefold()
        for t in self._tables:
            if key in (t.display_name.casefold(), t.name.casefold()):
                return TableInfo(t.display_name or t.name, t.sheet.name, t.ref, t.columns, t.header_rows,
                                 t.totals_rows)
        return None

    def rows(self, sheet: str, min_row: int = 1, max_row: int = MAX_ROW, min_col: int = 1,
             max_col: int = MAX_COLUMN) -> list[tuple[int, list[object]]]:
        ref = self.pkg.sheet(sheet)
        if ref is None:
            raise UserError(f"no sheet '{sheet}'", file=self.pkg.path)
        return self.cells.rows(ref, min_row, max_row, min_col, max_col)

    def hidden_rows(self, sheet: str) -> set[int]:
        return self.cells.hidden.get(sheet, set())


def read_book(path: Path | str) -> DecisionBook:
    """Read a decision-support workbook file (see ``format_reader``)."""
    path = Path(path)
    check_not_locked(path)
    with Package(path) as pkg:
        return read(FileSource(pkg))
