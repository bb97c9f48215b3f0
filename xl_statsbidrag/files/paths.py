"""Paths: which files are workbooks, what an input may be, where an output goes by default, and when two
names are one file.  No file is opened here but to ask the file system what it is."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..core.errors import UserError

MACRO_SUFFIXES = {".xlsm"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
OTHER_FORMATS = {
    ".xls": "an Excel 97-2003 workbook (.xls)",
    ".xlsb": "an Excel binary workbook (.xlsb)",
    ".ods": "an OpenDocument spreadsheet (.ods)",
    ".xlt": "an Excel 97-2003 template (.xlt)",
}


def display_name(path: Path | str) -> str:
    """A file name fit for a sheet, a CSV or JSON: bytes that are not UTF-8 (a name from another
    system) shown as \\xNN instead of breaking the output."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def same_file(a: Path | str, b: Path | str) -> bool:
    """Whether two names are one file: by its identity (device and inode), so that another spelling
    (case on macOS and Windows), a hard link or a symbolic link is caught."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_input(source: Path) -> None:
    """Refuse what is not a workbook file before opening it: another spreadsheet format by name, and
    anything that is not a regular file (a FIFO or device would block or never end)."""
    kind = OTHER_FORMATS.get(source.suffix.lower())
    if kind:
        raise UserError(f"this is {kind}, which the tool does not read: open it in Excel and save it as "
                        "an Excel workbook (.xlsx) first", file=source)
    try:
        mode = os.stat(source).st_mode
    except (OSError, ValueError):
        return  # missing or unreadable: said when it is opened
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # also refused by Package, for every other way in
        raise UserError("not a regular file (a pipe, device or socket); give a workbook file", file=source)


def check_not_locked(path: Path) -> None:
    """Excel keeps '~$name' and LibreOffice '.~lock.name#' beside a workbook that is open."""
    for lock in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            raise UserError(f"the workbook is open in Excel or LibreOffice (lock file {lock.name}); "
                            "close it and try again", file=path)


def default_output(source: Path, tag: str = "bilaga2") -> Path:
    """The output beside ``source``: NAME_tag.xlsx (an .xlsm stays .xlsm).  A folder, or a name that is
    no file name, is refused here, before any output name is made up from it."""
    if not source.name or source.is_dir():
        raise UserError("is a folder, not a workbook; give a workbook file (.xlsx or .xlsm)", file=source)
    check_input(source)
    suffix = source.suffix if source.suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
    return source.with_name(f"{source.stem}_{tag}{suffix}")


def check_output(source: Path, target: Path) -> None:
    """A copy of ``source`` may be written to ``target``: a workbook name of the same kind (macros or
    not), and not the input under any name."""
    check_input(source)
    if target.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UserError("the output must be an .xlsx or .xlsm file", file=target)
    if (source.suffix.lower() in MACRO_SUFFIXES) != (target.suffix.lower() in MACRO_SUFFIXES):
        raise UserError(f"the output must have the same kind of file name as the input ({source.suffix}): "
                        "Excel refuses a macro workbook under an .xlsx name and the other way round", file=target)
    if same_file(source, target):
        raise UserError("the output would overwrite the input (it is the same file, under this name or "
                        "another); give another name with -o", file=target)
