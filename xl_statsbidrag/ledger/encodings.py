"""The encoding of a text export, sniffed and said: UTF-8 with or without BOM, UTF-16, Windows-1252/Latin-1
or CP437 (PC8); and a text export's bytes with its line ends made plain."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np

from ..core.errors import UserError
from .formats import utf16_codec

ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "cp1252": "Windows-1252 (Latin-1)",
               "latin-1": "Latin-1 (ISO 8859-1)", "cp437": "CP437 (PC8)", "ascii": "ASCII"}
# Letters of Swedish (and other Western) text in CP437 (å ä ö Å Ä Ö é ü ...) and in Latin-1/Windows-1252.
_CP437_LETTERS = np.zeros(256, dtype=bool)
_CP437_LETTERS[[0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93,
                0x94, 0x99, 0x9A, 0x9B, 0x9D, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5]] = True
_LATIN_LETTERS = np.zeros(256, dtype=bool)
_LATIN_LETTERS[0xC0:0x100] = True
_LATIN_LETTERS[[0xD7, 0xF7]] = False


_ASCII = bytes(range(128))


def _valid_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1 << 22):
            decoder.decode(data[start:start + (1 << 22)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_encoding(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(the codec, and a description of it) of text bytes: a BOM; pure ASCII; valid UTF-8 (with letters
    beyond ASCII: text in a legacy encoding is practically never valid UTF-8); else CP437 or
    Windows-1252 by which one's letters the bytes above 127 are.  ``declared`` ("cp437" for SIE's
    ``#FORMAT PC8``) is followed unless the bytes clearly say otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 (BOM)"
    if data.isascii():
        return ("cp437" if declared == "cp437" else "utf-8"), "ASCII"
    if _valid_utf8(data):
        if declared == "cp437":
            return "utf-8", "UTF-8 (the file says #FORMAT PC8, but its bytes are UTF-8)"
        return "utf-8", "UTF-8"
    counts = np.bincount(np.frombuffer(data.translate(None, _ASCII), dtype=np.uint8), minlength=256)
    cp437, latin = int(counts[_CP437_LETTERS].sum()), int(counts[_LATIN_LETTERS].sum())
    legacy = "cp1252" if not counts[[0x81, 0x8D, 0x8F, 0x90, 0x9D]].any() else "latin-1"
    if declared == "cp437":
        if latin and not cp437:
            return legacy, f"{ENCODING_NAMES[legacy]} (the file says #FORMAT PC8, but its letters are Latin-1)"
        return "cp437", "CP437 (#FORMAT PC8)"
    if cp437 > latin:
        return "cp437", "CP437 (PC8, by its letters)"
    return legacy, ENCODING_NAMES[legacy]


def file_bytes(path: Path) -> tuple[bytes, bool]:
    """A ledger export's bytes, UTF-16 text recoded to UTF-8 (and True when it was, an editor's save of a CSV
    or SIE file); a missing file, a folder or UTF-16 that does not decode is the user's mistake."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("no such file", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a ledger export", file=path) from None
    wide = utf16_codec(data)
    if wide:
        try:
            data = data.decode(wide).lstrip("\ufeff").encode("utf-8")
        except UnicodeDecodeError:
            raise UserError("the file looks like UTF-16 text but cannot be decoded as such", file=path) from None
    return data, bool(wide)


def carriage_returns(data: bytes) -> tuple[int, int]:
    """(CRs, CRs not followed by LF) in ``data``: numpy over pieces of 8 MB, a pass over the bytes (``bytes.count``
    of b"\\r\\n" would be a slower second one)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    total = lone = 0
    for start in range(0, len(arr), 1 << 23):
        after = np.flatnonzero(arr[start:start + (1 << 23)] == 13) + (start + 1)
        total += len(after)
        if len(after) and after[-1] == len(arr):  # a CR as the last byte
            lone, after = lone + 1, after[:-1]
        lone += int(np.count_nonzero(arr[after] != 10))
    return total, lone


def read_text_bytes(path: Path) -> tuple[bytes, str, list[str]]:
    """A text export's bytes with LF or CRLF line ends, its codec, and notes (Swedish) on what was done:
    UTF-16 recoded to UTF-8, CR-only line ends made LF, a CR inside a line read as a space."""
    data, wide = file_bytes(path)
    notes = []
    if wide:
        codec, why = "utf-8", "UTF-16"
    else:
        if b"\x00" in data[:1 << 16]:
            raise UserError("neither CSV, Excel (.xlsx) nor SIE: the file is binary", file=path)
        codec, why = sniff_encoding(data)
        if codec == "utf-8-sig":
            data, codec = data[3:], "utf-8"
    notes.append(f"encoding {why}")
    crs, lone = carriage_returns(data)
    if crs:
        if b"\n" not in data:
            data = data.replace(b"\r", b"\n")
            notes.append("CR line ends (old Mac)")
        else:
            if lone:
                data = re.sub(rb"\r(?!\n)", b" ", data)
                notes.append(f"{lone} CR(s) inside lines read as spaces")
    return data, codec, notes
