"""The ledger formats the tool reads, in one registry: for each, its name, the file names and first bytes
it is known by, and the module of its reader.  The command's help and the Excel file dialog's filter are
made from it, and ``read.read`` picks the reader by it.  No pandas here: ``--help`` and the Excel
buttons list the formats without importing what reads them.

A reader (``delimited``, ``workbook``, ``sie``) is a module with ``read(path, columns, objekt)`` that
returns the frame of ``frame.COLUMNS`` with ``attrs["ledger"]`` (how the file was read), the one
contract of every reader: most build a table of text and its ``frame.Header`` and hand them to
``frame.convert``.  A new format: its reader module, and its entry in ``FORMATS`` (its names, and the
first bytes that tell it from the others).
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from ..core.errors import UserError


@dataclass(frozen=True)
class LedgerFormat:
    """A ledger export format the tool reads: how it is known and which module reads it."""

    kind: str  # "csv", "excel", "sie"
    name: str  # as the user reads it
    suffixes: tuple[str, ...]  # the file names it is known by
    module: str  # the reader: xl_statsbidrag.ledger.<module>.read(path, columns, objekt)
    starts: bytes = b""  # the first bytes (of a text format: after a BOM and white space) that make a file one
    binary: bool = False  # a package, known by its first bytes; a file of its names without them is refused


FORMATS = (
    LedgerFormat("csv", "CSV", (".csv", ".txt", ".skv", ".tsv"), "delimited"),  # and any other text
    LedgerFormat("excel", "Excel", (".xlsx", ".xlsm"), "workbook", b"PK\x03\x04", binary=True),
    LedgerFormat("sie", "SIE 4", (".se", ".si", ".sie"), "sie", b"#"),
)
TEXT = "csv"  # what a text file is when no other format claims it
BY_KIND = {f.kind: f for f in FORMATS}
OLE = b"\xd0\xcf\x11\xe0"  # an Excel 97-2003 workbook (and other compound files)
NOT_LEDGERS = {".pdf", ".zip", ".docx", ".xls"}


def describe() -> str:
    """The formats, for the command's help: "CSV (.csv, .txt, ...), Excel (.xlsx, .xlsm) or SIE 4 (...)"."""
    names = [f"{f.name} ({', '.join(f.suffixes)})" for f in FORMATS]
    return ", ".join(names[:-1]) + " or " + names[-1]


def dialog_filter() -> str:
    """The filter of Excel's file dialog (GetOpenFilename): every file name of every format."""
    suffixes = ";".join(f"*{s}" for f in FORMATS for s in f.suffixes)
    return f"Huvudboksexport ({suffixes}),{suffixes}"


def utf16_codec(data: bytes) -> str | None:
    """The codec of text saved as UTF-16 (with a BOM, or without one: every other byte zero), else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * (len(head) // 2) and head[0::2].count(0) < len(head) // 20:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * (len(head) // 2) and head[1::2].count(0) < len(head) // 20:
        return "utf-16-be"
    return None


def kind_of(path: Path) -> str:
    """The kind of a ledger file, by its first bytes and its name: a package by its first bytes; a text (also
    UTF-16) by its first bytes or its name, else CSV.  What is no ledger export is refused, naming it."""
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except FileNotFoundError:
        raise UserError("no such file", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a ledger export", file=path) from None
    for f in FORMATS:
        if f.binary and head.startswith(f.starts):
            return f.kind
    wide = utf16_codec(head)
    text = (head.decode(wide, errors="replace").lstrip("\ufeff \r\n\t").encode("utf-8") if wide
            else head.lstrip(b"\xef\xbb\xbf \r\n\t"))
    for f in FORMATS:
        if not f.binary and f.starts and (suffix in f.suffixes or text.startswith(f.starts)):
            return f.kind
    if not wide:
        if any(f.binary and suffix in f.suffixes for f in FORMATS) or head.startswith(OLE):
            raise UserError("not a readable Excel workbook (.xlsx); save the export as .xlsx or CSV", file=path)
        if b"\x00" in head or suffix in NOT_LEDGERS:
            raise UserError("neither CSV, Excel (.xlsx) nor SIE: save the ledger export as CSV, .xlsx or SIE 4",
                            file=path)
    return TEXT


def reader(path: Path):
    """The ``read`` of the reader module of the file's format (imported when a file of it is read)."""
    return import_module(f"{__package__}.{BY_KIND[kind_of(path)].module}").read
