"""The use cases' file port: a workbook file read into the model (``read_workbook``), a range of one
(``read_range``), and the targets that write files by the one output rule (``outputs``): ``FileCopy``
(a copy of a workbook with the sheets added, or the workbook itself after a backup copy) and
``NewWorkbook`` (a new workbook of the tool's sheets).

The xlsx adapter (lxml) is imported where a workbook file is first read or written, not when this module
is: the use cases import this module, and the buttons in Excel and xlwings Lite import the use cases
(the Lite rule: no lxml, pandas or openpyxl on that path; ``tests/test_layers.py`` holds it).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..core.a1 import bounds
from ..core.errors import UserError
from ..core.model import DecisionBook
from ..files.atomic import temporary_prefix
from ..files.paths import check_input, check_not_locked, check_output, default_output, display_name
from ..forms.layout import SheetLayout
from .outputs import Claim, claim, make_backup
from .target import Output

RECALCULATE_HINT = ("formulas without stored values (a file saved by a program that does not calculate): "
                    "run again with --recalculate to have LibreOffice compute them, or open and save the "
                    "file in Excel")


# --- reading ------------------------------------------------------------------------------------------------

def read_file(path: Path | str) -> DecisionBook:
    """A decision-support workbook file as the model (``read.format_reader``), after the checks of the path
    (another spreadsheet format, not a regular file); the book names the file as it can be shown."""
    from ..xlsx.file_source import read_book  # lazy: the Lite rule (see the module)

    check_input(Path(path))
    book = read_book(path)
    book.path = display_name(path)
    return book


def read_recalculated(source: Path) -> DecisionBook:
    """The workbook's values as LibreOffice computes them, from a recalculated copy in a private
    folder; the book names the original file."""
    from ..files.libreoffice import convert  # lazy: keeps report's start fast (subprocess, platform: 3 ms)

    read_file(source)  # the package's own checks (and what is wrong with it) before LibreOffice sees it
    with tempfile.TemporaryDirectory(prefix="xlsb-recalc-") as tmp:
        copy = convert(source, Path(tmp), "xlsx")
        book = read_file(copy)
    book.path = display_name(source)
    return book


def read_workbook(source: Path | str, recalculate: bool = False) -> DecisionBook:
    """``read_file``, or with ``recalculate`` the values LibreOffice computes (``read_recalculated``)."""
    return read_recalculated(Path(source)) if recalculate else read_file(source)


def with_recalculate_hint(exc: UserError, book: DecisionBook, recalculate: bool) -> UserError:
    """A refusal of a book whose formulas have no stored values says what to do about them."""
    if not recalculate and any(f.code == "formel-utan-varde" for f in book.problems):
        exc.message += f"\n  ({RECALCULATE_HINT})"
        exc.args = (exc.message,)
    return exc


def read_range(path: Path, cell_range: str | None) -> list[tuple[str, list[object]]]:
    """(where, values) of each non-empty row of a workbook range (``Blad1!A1:B22``; default the first two
    columns of the first sheet)."""
    from ..xlsx.cells import CellReader  # lazy: the Lite rule (see the module)
    from ..xlsx.package import Package  # lazy: the Lite rule

    with Package(path) as pkg:
        sheet_name, _, ref = (cell_range or "").rpartition("!")
        sheet = pkg.sheet(sheet_name.strip("'")) if sheet_name else (pkg.sheets[0] if pkg.sheets else None)
        if sheet is None:
            raise UserError(f"no sheet '{sheet_name}'", file=path)
        min_col, min_row, max_col, max_row = bounds(ref) if ref else (1, 1, 2, 1048576)
        return [(f"{sheet.name}!row {r}", values)
                for r, values in CellReader(pkg).rows(sheet, min_row, max_row, min_col, max_col)]


# --- the targets ----------------------------------------------------------------------------------------------

class FileCopy:
    """A ``Target``: ``path``, a copy of the workbook ``source`` with the output's sheets added or replaced,
    its cells set and its document properties; the input is never changed.  Every other part is copied
    byte for byte (``xlsx.writer``), and the file is written whole or not at all.

    The output rule is applied when the target is made, before any work: never an input (``source`` or one
    of ``inputs``), an existing file only when it is the tool's unchanged output or with ``force``
    (``outputs.claim``; ``claimed``: already checked by the caller, as batch does).  With ``in_place``,
    ``source`` itself is replaced (atomically) after a backup copy is kept beside it; on a symbolic link it
    writes through to the file the link points to, and the link stays.  A signed workbook is refused by the
    writer unless ``force``, which removes the signature.  ``skip``: the output is up to date, nothing is
    written (batch).  What the summary should say about the files (a backup kept, a signature removed)
    goes to ``notes``."""

    def __init__(self, source: Path | str, path: Path | str | None = None, *, tag: str = "bilaga2",
                 in_place: bool = False, force: bool = False, inputs=(), claimed: Claim | None = None,
                 skip: bool = False):
        self.in_place, self.force, self.skip = in_place, force, skip
        self.notes: list[str] = []
        if in_place:
            self.path = Path(source)  # as given (a link stays a link)
            self.source = Path(os.path.realpath(source))
            check_input(self.source)
            self.claimed = None
        else:
            self.source = Path(source)
            self.path = Path(path) if path else default_output(self.source, tag)
            check_output(self.source, self.path)
            self.claimed = claimed or claim(self.path, [self.source, *inputs], force)

    def write(self, output: Output) -> None:
        if self.skip:
            return
        check_not_locked(self.source)
        if self.in_place:
            said = replace_in_place(self.source, output.sheets, output.properties, output.cell_values,
                                    unsign=self.force)
        else:
            with self.claimed.writing():
                said = write_layouts(self.source, self.path, output.sheets, output.properties, output.cell_values,
                                     unsign=self.force)
            said = self.claimed.notes() + said
        self.notes += said


class NewWorkbook:
    """A ``Target``: a new workbook of the output's sheets at ``path`` (``allocate -o``), by the output rule
    (checked when the target is made: never one of ``inputs``, an existing file only when it is the tool's
    unchanged output or with ``force``)."""

    def __init__(self, path: Path | str, inputs=(), force: bool = False):
        self.path = Path(path)
        self.claimed = claim(self.path, inputs, force)
        self.notes: list[str] = []

    def write(self, output: Output) -> None:
        from ..xlsx.newbook import write_workbook  # lazy: the Lite rule

        with self.claimed.writing():
            write_workbook(self.path, output.sheets)
        self.notes += self.claimed.notes()


def replace_in_place(real: Path, layouts: list[SheetLayout], properties: dict[str, str] | None = None,
                     cell_values: dict | None = None, unsign: bool = False) -> list[str]:
    """Write the new package to a temporary file of ours beside ``real``, keep a backup copy of ``real``
    beside it and, once every file is closed (Windows will not rename over an open file), move the new
    package over ``real`` (a refused or failed write leaves neither).  The workbook stays the user's own:
    it gets no mark of the tool's outputs (``outputs``).  Returns what the summary should say."""
    import uuid  # lazy: keeps report's start fast (uuid imports platform: 2 ms)

    staged = real.with_name(f"{temporary_prefix(real.name)}{uuid.uuid4().hex[:8]}.tmp")
    try:
        removed = write_layouts(real, staged, layouts, properties, cell_values, unsign=unsign, mark=False)
        os.chmod(staged, real.stat().st_mode & 0o7777)
        backup = make_backup(real)
        try:
            os.replace(staged, real)
        except OSError as exc:
            raise UserError(f"cannot replace the workbook ({exc.strerror}); is it open in Excel?", file=real) from None
        return [f"the workbook was changed in place; the old one is kept as {backup.name}"] + removed
    finally:
        try:
            os.unlink(staged)
        except FileNotFoundError:
            pass


def write_layouts(source: Path, target: Path, layouts: list[SheetLayout],
                  properties: dict[str, str] | None = None, cell_values: dict | None = None, *,
                  unsign: bool = False, mark: bool = True) -> list[str]:
    """Write ``target`` as ``source`` with each layout's sheet added or replaced, the custom document
    ``properties`` set and the cells of ``cell_values`` set; a signed workbook only with ``unsign``, which
    removes the signature.  Returns what was removed, in words."""
    from ..xlsx.writer import write_sheets  # lazy: the Lite rule

    return write_sheets(source, target, layouts, properties, cell_values, unsign=unsign, mark=mark)
