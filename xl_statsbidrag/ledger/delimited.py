"""The reader of CSV and other delimited text exports (Raindance, Unit4 Agresso, Visma, Fortnox, database
extracts): any of ``; , TAB |`` as separator, sniffed by which gives the best header; decimal comma or
point; the encoding sniffed (``encodings``); LF, CRLF or CR-only line ends; title rows above the header;
quoted fields, also with line breaks.  A line whose fields do not fit the header (a stray separator, a
line break inside an unquoted field) is refused naming the line.

For ``utfall`` only the rows on the agreement's objekt matter: with ``objekt`` (codes) only those are
converted, and on a file whose records are lines (no quoted field spans lines) the file is first cut to
the lines that contain one of the codes (a byte search), so that a 2-million-row export is parsed in a
fraction of a full read.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import UserError
from .encodings import read_text_bytes
from .frame import (HEADER_SEARCH_ROWS, Header, _check_header, _field_notes, _header_index, _no_header,
                    convert, on_objekt)

SEPARATORS = (";", "\t", ",", "|")


def _head_records(head: str, separator: str, quoted: bool) -> list[tuple[list[str], int, int]]:
    """The first records of the text: (fields, first line, last line), 1-based."""
    out = []
    if not quoted:
        for number, line in enumerate(head.split("\n")[:HEADER_SEARCH_ROWS], start=1):
            out.append((line.rstrip("\r").split(separator), number, number))
        return out
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=separator, quotechar='"', strict=False)
    last = 0
    try:
        for record in reader:
            out.append((record, last + 1, reader.line_num))
            last = reader.line_num
            if len(out) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass  # a quote that does not end in the sample: the records before it are what there is
    return out


def _choose_layout(path: Path, head: str, columns: dict[str, str] | None):
    """(separator, header Header, header's last line, the head records) by the separator whose header
    names the most fields."""
    quoted = '"' in head
    best = None
    for separator in SEPARATORS:
        if separator not in head:
            continue
        records = _head_records(head, separator, quoted)
        index, header = _header_index([r[0] for r in records], columns)
        if header is None:
            continue
        key = (header.complete, header.score)
        if best is None or key > best[0]:
            best = (key, separator, header, records[index][2], records)
    if best is None:
        if not any(s in head for s in SEPARATORS):
            raise UserError("not a CSV export: no separator (; , tab |) in its first lines", file=path)
        rows = [line.split(";") for line in head.split("\n")[:HEADER_SEARCH_ROWS]]
        raise _no_header(path, rows)
    return best[1:]


def _line_offset(data: bytes, lines: int) -> int:
    """The byte offset after the first ``lines`` lines."""
    pos = 0
    for _ in range(lines):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return len(data)
    return pos


_CHUNK = 1 << 23


@dataclass
class _Lines:
    """Per line: where it starts, its length (a final CR not counted), its separators outside quotes,
    and whether it ends inside a quoted field (the record goes on on the next line)."""

    starts: np.ndarray
    lengths: np.ndarray
    separators: np.ndarray
    odd: np.ndarray


def _scan_lines(buf: bytes, start: int, separator: int, quotes: bool) -> _Lines:
    """The lines of ``buf`` from byte ``start``, vectorised in chunks (numpy), so that a 100 MB export
    needs a few arrays of its line count, not of its size."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    parts: list[tuple] = []
    carry = 0
    while start < len(buf):
        end = buf.find(b"\n", min(start + _CHUNK, len(buf)))
        end = len(buf) if end < 0 else end + 1
        a = arr[start:end]
        nl = np.flatnonzero(a == 10)
        if end == len(buf) and a[-1] != 10:
            nl = np.append(nl, len(a))
        seps = np.flatnonzero(a == separator)
        odd = np.zeros(len(nl), dtype=bool)
        if quotes:
            q = np.flatnonzero(a == 34)
            seps = seps[(np.searchsorted(q, seps) + carry) % 2 == 0]
            odd = (np.searchsorted(q, nl) + carry) % 2 == 1
            carry += len(q)
        begins = np.concatenate(([0], nl[:-1] + 1))
        length = nl - begins
        has = length > 0
        cr = np.zeros(len(nl), dtype=bool)
        cr[has] = a[nl[has] - 1] == 13
        parts.append((begins + start, length - cr, np.diff(np.searchsorted(seps, nl), prepend=0), odd))
        start = end
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Lines(empty, empty, empty, np.zeros(0, dtype=bool))
    return _Lines(*(np.concatenate(column) for column in zip(*parts)))


def _candidate_lines(data: bytes, start: int, first_line: int, needles: list[bytes]) -> tuple[bytes, np.ndarray]:
    """The lines from byte ``start`` (line ``first_line``) on that contain one of ``needles``, and their
    line numbers: a cheap first cut of a large export down to the lines that may be on the agreement's
    objekt (the exact test on the objekt column follows).  In chunks: the needles found by one regular
    expression (its scan runs in C), the lines they are on from the chunk's line ends (numpy).  The regular
    expression finds occurrences that do not overlap, which finds every line with a needle: an occurrence
    hidden by an overlapping match is on that match's line (a code has no line break)."""
    pattern = re.compile(b"|".join(re.escape(n) for n in sorted(set(needles), key=len, reverse=True) if n))
    arr = np.frombuffer(data, dtype=np.uint8)
    pieces: list[bytes] = []
    numbers: list[np.ndarray] = []
    line = first_line
    while start < len(data) and pattern.pattern:
        end = data.find(b"\n", min(start + _CHUNK, len(data)))
        end = len(data) if end < 0 else end + 1
        newlines = np.flatnonzero(arr[start:end] == 10)
        found = np.fromiter((m.start() for m in pattern.finditer(data, start, end)), dtype=np.int64) - start
        on = np.searchsorted(newlines, found)  # the line (within the chunk) each is on, in order
        on = on[np.concatenate(([True], on[1:] != on[:-1]))] if len(on) else on
        begins = np.concatenate(([0], newlines + 1))[on] + start
        ends = np.append(newlines + 1, end - start)[on] + start
        pieces += [data[b:e] for b, e in zip(begins.tolist(), ends.tolist())]
        numbers.append(on + line)
        line += len(newlines)
        start = end
    text = b"".join(pieces)
    if text and not text.endswith(b"\n"):
        text += b"\n"
    return text, (np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64)).astype(np.int64)


def _bad_line(path: Path, line: int, fields: int, header_line: int, separator: str, width: int,
              unended: bool = False) -> UserError:
    sep = "tab" if separator == "\t" else f"'{separator}'"
    if unended:
        why = (f"{fields} field(s) where the header (line {header_line}) has {width}: a quote (\") that does not "
               "end takes the lines after it into one field")
    elif fields < width:
        why = (f"{fields} field(s) where the header (line {header_line}) has {width}: a line break inside a field "
               "(a CR or LF in a text), or a field missing")
    else:
        why = (f"{fields} fields where the header (line {header_line}) has {width}: a separator ({sep}) inside a "
               "text that is not in quotes?")
    return UserError(f"line {line}: {why}; fix the line or export with quoted texts", file=path)


def _read_csv(path: Path, columns: dict[str, str] | None, objekt=None):
    data, codec, notes = read_text_bytes(path)
    head_end = data.find(b"\n", min(len(data), 1 << 16))
    head = data[:len(data) if head_end < 0 else head_end].decode(codec, errors="replace")
    separator, header, header_last, _ = _choose_layout(path, head, columns)
    _check_header(path, header)
    width = max(i for i, n in enumerate(header.names) if n) + 1  # the header's fields (trailing empty ones aside)
    positions = sorted(set(header.fields.values()))
    need = max(positions) + 1
    offset = _line_offset(data, header_last)
    quoted = data.find(b'"', offset) >= 0
    sep_byte = separator.encode()[0]
    notes.insert(0, f"CSV, separator {'tab' if separator == chr(9) else repr(separator)}, header on line {header_last}")
    notes.extend(_field_notes(header))
    scan = None
    if quoted:
        scan = _scan_lines(data, offset, sep_byte, True)
        if scan.odd.any():  # a quoted field spans lines: records are not lines
            frame = _read_csv_records(path, data, offset, header_last + 1, codec, separator, header, width, need,
                                      objekt)
            return frame, header, notes
    if objekt is not None and all(str(c).strip() for c in objekt):
        needles = [str(c).strip().encode(codec, errors="replace") for c in objekt]
        body, numbers = _candidate_lines(data, offset, header_last + 1, needles)
        scan = _scan_lines(body, 0, sep_byte, quoted)
    else:
        scan = scan or _scan_lines(data, offset, sep_byte, quoted)
        body = data[offset:]
        numbers = np.arange(header_last + 1, header_last + 1 + len(scan.starts), dtype=np.int64)
        scan.starts -= offset
    del data
    fields = scan.separators + 1
    for i in np.flatnonzero((fields < need) & (scan.lengths > 0)):
        text = body[scan.starts[i]:scan.starts[i] + scan.lengths[i]].decode(codec, errors="replace")
        if text.strip():  # (spaces only: a blank line)
            raise _bad_line(path, int(numbers[i]), int(fields[i]), header_last, separator, width)
    most = int(fields.max()) if len(fields) else width
    extra = list(range(width, most))
    try:
        frame = pd.read_csv(io.BytesIO(body), sep=separator, header=None, names=list(range(max(width, most))),
                            usecols=positions + extra, dtype=object, keep_default_na=False, na_filter=False,
                            encoding=codec, skip_blank_lines=False, quotechar='"',
                            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE, engine="c")
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"the CSV cannot be read: {exc}", file=path) from None
    del body
    if len(frame) != len(numbers):  # pragma: no cover - our line scan and pandas disagree
        raise UserError(f"the CSV cannot be read: {len(frame)} records in {len(numbers)} lines", file=path)
    if extra:  # fields beyond the header's: trailing separators are fine, text there is a shifted row
        filled = np.zeros(len(frame), dtype=bool)
        for p in extra:
            filled |= frame[p].str.strip().ne("").to_numpy(dtype=bool)
        if filled.any():
            i = int(np.argmax(filled))
            raise _bad_line(path, int(numbers[i]), int(fields[i]), header_last, separator, width)
    out = pd.DataFrame({f: frame[p] for f, p in header.fields.items()})
    out["_row"] = numbers
    return out, header, notes


def _read_csv_records(path: Path, data: bytes, offset: int, first_line: int, codec: str, separator: str,
                      header: Header, width: int, need: int, objekt) -> pd.DataFrame:
    """The records of a CSV whose quoted fields span lines, with Python's csv module (each record's
    first line kept for the messages)."""
    wanted = {str(c).strip() for c in objekt} if objekt is not None else None
    position = header.fields["objekt"]
    used = list(header.fields.items())
    values: dict[str, list[str]] = {f: [] for f, _ in used}
    rows: list[int] = []
    stream = io.TextIOWrapper(io.BytesIO(data[offset:]), encoding=codec, errors="replace", newline="")
    reader = csv.reader(stream, delimiter=separator, quotechar='"', strict=False)
    last = 0
    try:
        for record in reader:
            line = first_line + last
            last = reader.line_num
            if not any(v.strip() for v in record):
                continue
            if len(record) < need or (len(record) > width and any(v.strip() for v in record[width:])):
                if wanted is None or any(c in v for v in record for c in wanted):
                    raise _bad_line(path, line, len(record), first_line - 1, separator, width,
                                    any("\n" in v for v in record))
                continue
            if wanted is not None and record[position].strip() not in wanted:
                continue
            for f, i in used:
                values[f].append(record[i])
            rows.append(line)
    except csv.Error as exc:
        raise UserError(f"line {first_line + last}: the CSV cannot be read ({exc}): a quote that does not end?",
                        file=path) from None
    out = pd.DataFrame({f: pd.Series(v, dtype=object) for f, v in values.items()})
    out["_row"] = np.array(rows, dtype=np.int64)
    return out


def read(path: Path, columns: dict[str, str] | None = None, objekt=None) -> pd.DataFrame:
    """The frame of a delimited text export (see ``frame``); with ``objekt`` only the rows on those objekt."""
    raw, header, notes = _read_csv(path, columns, objekt)
    if objekt is not None:
        raw = raw[on_objekt(raw["objekt"], objekt)]
    out = convert(raw, header, path, str(path), lambda line, name: (f"row {line}, ", None))
    out.attrs = {"ledger": {"file": str(path), "notes": notes, "warnings": []}}
    return out
