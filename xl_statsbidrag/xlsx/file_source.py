"""A workbook file as a ``read.source.Source`` (its sheets and tables, read from the package), and
``read_book``: a decision-support workbook file read into the model (``read.format_reader``)."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import UserError
from ..core.model import DecisionBook, Finding, Severity
from ..files.paths import check_not_locked
from ..read.format_reader import read
from ..read.source import MAX_COLUMN, MAX_ROW, TableInfo
from .cells import CellReader
from .numfmt import cell_formats
from .package import Package


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

    def number_formats(self, sheet: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """The number format code of each of ``cells`` ((row, column)) that has one (``numfmt``)."""
        ref = self.pkg.sheet(sheet)
        return cell_formats(self.pkg, ref, cells) if ref is not None else {}


def read_book(path: Path | str) -> DecisionBook:
    """Read a decision-support workbook file (see ``read.format_reader``)."""
    path = Path(path)
    check_not_locked(path)
    with Package(path) as pkg:
        book = read(FileSource(pkg))
        book.problems += signature_findings(pkg)
        return book


def signature_findings(pkg: Package) -> list[Finding]:
    """Info findings when the package or its VBA project is digitally signed (a reader's finding: a fact
    about the file, not about the model), so that the user knows before a command writes a copy."""
    found = []
    signatures = pkg.signatures()
    if signatures:
        signed = "; ".join(f"{s.part}" + (f", signerad av {s.signer}" if s.signer else "")
                           + (f" {s.signed_at}" if s.signed_at else "") for s in signatures)
        found.append(Finding(Severity.INFO, "signerad", f"Arbetsboken är digitalt signerad ({signed}). En kopia med "
                             "nya blad (report, rekvisition, utfall) skulle göra signaturen ogiltig: verktyget skriver "
                             "den bara med --force, och tar då bort signaturen i kopian, som Excel gör när en signerad "
                             "arbetsbok ändras och sparas."))
    vba = pkg.vba_signature_parts()
    if vba:
        found.append(Finding(Severity.INFO, "signerade-makron", f"Arbetsbokens VBA-projekt är digitalt signerat "
                             f"({', '.join(vba)}). Ett kommando som skulle ändra VBA-projektet vägrar utan --force, "
                             "och tar då bort makrosignaturen i kopian."))
    return found
