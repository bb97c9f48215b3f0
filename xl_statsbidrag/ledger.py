"""Reading a general-ledger export (huvudbok) into one normalised pandas DataFrame.

Formats: CSV and other delimited text (any of ``; , TAB |`` as separator, sniffed by which gives the
best header; decimal comma or point; UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252/Latin-1
or CP437, sniffed and reported; LF, CRLF or CR-only line ends; title rows above the header; quoted
fields, also with line breaks), Excel (.xlsx/.xlsm: every sheet that is a ledger) and SIE 4
(``sie.py``).  Headers are recognised loosely (case, punctuation, ``KONTO_ID``/``VoucherDate``
spellings of database extracts, Swedish and English synonyms); ``columns`` maps what is not
recognised: ``{"objekt": "Kostnadsobjekt"}``.

The frame has the columns of ``COLUMNS``: ``date`` (datetime64), ``verifikation``, ``rad``, ``konto``,
``text``, ``ansvar``, ``verksamhet``, ``aktivitet``, ``objekt`` (text), ``ore`` (int64: the amount in
öre, exact; debet positive, kredit negative), ``file`` and ``line`` (where the row is).  Amounts are
read as text and parsed into integers: no float is ever involved (an Excel cell's double is taken at
its shortest decimal form, and float noise such as ``1234.5600000000002`` is accepted only where it is
within 0.000001 kr of a whole öre).  ``frame.attrs["ledger"]`` says how the file was read ("notes": format,
encoding, sheets, which column is which field) and what was repaired ("warnings", Swedish: findings).
``read_ledger`` adds ``amount`` (``Decimal`` kronor) for analysts.

Nothing is dropped silently: a line whose fields do not fit the header (a stray separator, a line break
inside an unquoted field) is refused naming the line; two columns that could both be the amount, or two
equally good candidates for konto, objekt, date or code, are refused naming both; a running balance
(Saldo) is never read as an amount.

For ``utfall`` only the rows on the agreement's objekt matter: ``_read(..., objekt=codes)`` converts
only those, and on a CSV whose records are lines (no quoted field spans lines) first cuts the file to
the lines that contain one of the codes (a byte search), so that a 2-million-row export is parsed in a
fraction of a full read.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Location, UserError

TEXT_FIELDS = ("verifikation", "rad", "konto", "text", "ansvar", "verksamhet", "aktivitet", "objekt")
COLUMNS = ("date",) + TEXT_FIELDS + ("period", "ore", "file", "line")  # period: as the export has it, or ""
REQUIRED = ("date", "konto", "objekt")  # and an amount: "belopp", or "debet" and "kredit"
AMOUNT_FIELDS = ("belopp", "debet", "kredit")
# Fields where two equally good candidate columns are refused: a wrong choice misreads money.
STRICT_FIELDS = ("date", "konto", "objekt", "aktivitet") + AMOUNT_FIELDS

# Suffixes of database columns: KONTO_ID, ANSVAR_KOD, objekt_nr.
_ID = r"(?: (?:id|kod|code|nr|no|num|nummer|number))?"
# A header (normalised: see ``normalise_header``) -> the field it names.  Per field a list of tiers, the
# best first: where the best tier found has two columns, a strict field is refused; a column of a lower
# tier is left aside and named in the notes.
HEADER_TIERS: dict[str, list[str]] = {
    "date": [r"bokf(?:örings|orings)? ?(?:dat|datum|dag)|posting date|accounting date|gl date",
             r"datum|date|dat",
             r"verifikationsdatum|ver ?datum|voucher date|voucherdate|dokumentdatum|document date",
             r"transaktionsdatum|trans(?:action)? date|transdatum",
             r"registreringsdatum|reg ?datum|registration date|created(?: date)?"],
    "serie": [r"(?:verifikations|ver ?)?serie|series|voucher series"],
    "verifikation": [r"(?:verifikation|verifikat|ver|voucher)(?: ?nr| ?nummer|snummer|s nr| no| number| id)?|vernr|"
                     r"bilaga|bilag[ae]? ?nummer|bilagsnummer|bilagenr"],
    "rad": [r"(?:rad|transaktionsrad|ver ?rad|verifikationsrad|line|row)(?: ?nr| ?nummer| no| number)?|radnr|"
            r"sequence(?: no| nr| number)?|seq(?: no| nr)?"],
    "konto": [r"(?:konto|kontonummer|konto ?nr|account|baskonto|acct)" + _ID],
    "text": [r"text|transaktionstext|radtext|rad text|trans(?:action)? text|beskrivning|description|specifikation",
             r"verifikationstext|ver ?text|voucher text|voucher description"],
    "ansvar": [r"(?:ansvar|ansvarsenhet|ansvarsställe|ansvarsstalle|ansv)" + _ID,
               r"(?:kostnadsställe|kostnadsstalle|kst|resultatenhet|cost cent(?:er|re)|costcenter)" + _ID],
    "verksamhet": [r"(?:verksamhet|vht|vsh|verksamhetsområde)" + _ID],
    "aktivitet": [r"(?:aktivitet|akt|activity)" + _ID,
                  r"(?:projekt|proj|project)" + _ID],
    "objekt": [r"(?:objekt|obj|object)" + _ID,
               r"kostnadsobjekt" + _ID],
    "belopp": [r"belopp|belopp (?:sek|kr|i sek|i kr)|bokfört belopp|bokfort belopp|redovisat belopp|summa|amount|"
               r"amount (?:sek|lc)|local amount|transaktionsbelopp"],
    "debet": [r"(?:debet|debit)(?: sek| kr| belopp| amount)?"],
    "kredit": [r"(?:kredit|credit)(?: sek| kr| belopp| amount)?"],
    "period": [r"(?:bokförings|bokforings|redovisnings)?period(?: ?nr| nummer)?|per|accounting period|fiscal period|"
               r"gl period|period id"],
}
HEADER_PATTERNS: dict[str, list[re.Pattern]] = {f: [re.compile(f"^(?:{p})$") for p in tiers]
                                                for f, tiers in HEADER_TIERS.items()}
# A running balance is never an amount.
BALANCE_PATTERN = re.compile(r"^(?:(?:löpande |lopande |ack(?:umulerat)? |ingående |utgående )?saldo(?: sek| kr)?|"
                             r"ackumulerat|(?:running )?balance|ack belopp)$")
FIELDS = tuple(f for f in HEADER_TIERS)
HEADER_SEARCH_ROWS = 30
CSV_SUFFIXES = {".csv", ".txt", ".skv", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SIE_SUFFIXES = {".se", ".si", ".sie"}
SEPARATORS = (";", "\t", ",", "|")
AMOUNT_TOLERANCE = Decimal("0.000001")  # kronor: float noise within this of a whole öre is accepted


def normalise_header(value: object) -> str:
    """'Bokf.datum' -> 'bokf datum', 'KONTO_ID' -> 'konto id', 'VoucherDate' -> 'voucher date'."""
    text = str(value if value is not None else "")
    text = re.sub(r"(?<=[a-zåäö])(?=[A-ZÅÄÖ])", " ", text)
    text = re.sub(r"[\W_]+", " ", text.casefold())
    return text.strip()


def parse_columns(spec: str | None) -> dict[str, str]:
    """``objekt=Kostnadsobjekt,belopp=Belopp SEK`` -> {"objekt": "Kostnadsobjekt", "belopp": "Belopp SEK"}."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        name, sep, header = part.partition("=")
        name = name.strip().casefold()
        if not sep or not header.strip():
            raise UserError(f"--columns: '{part.strip()}' is not FIELD=HEADER")
        if name not in FIELDS:
            raise UserError(f"--columns: unknown field '{name}' (fields: {', '.join(FIELDS)})")
        mapping[name] = header.strip()
    return mapping


@dataclass
class Header:
    """What a header row names: ``fields`` by column index, strict fields with two equally good columns
    (``conflicts``), lower-tier candidates left aside (``aside``), running balances, and mappings of the
    user that name no column here."""

    names: list[str]
    fields: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, list[int]] = field(default_factory=dict)
    aside: dict[str, list[int]] = field(default_factory=dict)
    balances: list[int] = field(default_factory=list)
    unmatched: dict[str, str] = field(default_factory=dict)

    @property
    def has_amount(self) -> bool:
        return "belopp" in self.fields or ("debet" in self.fields and "kredit" in self.fields) or \
            bool(set(self.conflicts) & set(AMOUNT_FIELDS))

    @property
    def complete(self) -> bool:
        return all(f in self.fields or f in self.conflicts for f in REQUIRED) and self.has_amount

    @property
    def score(self) -> int:
        return len(self.fields) + len(self.conflicts)

    def label(self, i: int) -> str:
        return f"'{self.names[i]}'"


def match_headers(headers: list[object], columns: dict[str, str] | None = None) -> Header:
    """The fields a header row names, by column index: the user's mapping first, then the tiers."""
    names = ["" if h is None or (isinstance(h, float) and np.isnan(h)) else str(h).strip() for h in headers]
    normal = [normalise_header(h) for h in names]
    out = Header(names)
    for name, header in (columns or {}).items():
        key = normalise_header(header)
        if key in normal:
            out.fields[name] = normal.index(key)
        else:
            out.unmatched[name] = header
    taken = set(out.fields.values())
    for name, tiers in HEADER_PATTERNS.items():
        if name in out.fields:
            continue
        found = [[i for i, h in enumerate(normal) if h and i not in taken and p.match(h)] for p in tiers]
        found = [hits for hits in found if hits]
        if not found:
            continue
        best = found[0]
        if name in AMOUNT_FIELDS:
            best = [i for hits in found for i in hits]  # any two amount candidates are a conflict
        if len(best) > 1 and name in STRICT_FIELDS:
            out.conflicts[name] = best
        else:
            out.fields[name] = best[0]
            aside = [i for hits in found for i in hits if i != best[0]]
            if aside and name != "text":
                out.aside[name] = aside
        taken.update(best)
    out.balances = [i for i, h in enumerate(normal) if h and i not in out.fields.values() and BALANCE_PATTERN.match(h)]
    return out


def _header_index(rows: list[list[object]], columns: dict[str, str] | None) -> tuple[int | None, Header | None]:
    """The header among the first rows: the first that names date, konto, objekt and an amount; else the
    first that looks like one (three fields, an amount or objekt among them), or the row that names the
    most fields (reported with what it lacks)."""
    plausible, best = None, None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        header = match_headers(row, columns)
        if header.complete:
            return i, header
        if plausible is None and header.score >= 3 and (header.has_amount or "objekt" in header.fields):
            plausible = (i, header)
        if header.score and (best is None or header.score > best[1].score):
            best = (i, header)
    return plausible or best or (None, None)


def _check_header(path: Path, header: Header, where: str = "") -> None:
    """Refuse a header that lacks a required field or names one twice (the message lists what to give)."""
    for name, indices in header.conflicts.items():
        shown = " and ".join(header.label(i) for i in indices)
        what = "the amount" if name in AMOUNT_FIELDS else name
        raise UserError(f"{where}{len(indices)} columns can be {what}: {shown}; say which with "
                        f"--columns {name}=<header>", file=path)
    missing = [f for f in REQUIRED if f not in header.fields]
    if not header.has_amount:
        missing.append("belopp")
    if missing:
        shown = ", ".join(repr(h) for h in header.names if h) or "none"
        example = ",".join(f"{f}=<header>" for f in missing)
        extra = ""
        if header.balances and "belopp" in missing:
            extra = f"; {' and '.join(header.label(i) for i in header.balances)} is a running balance, never an amount"
        not_found = "".join(f"; --columns {f}={h}: no such column" for f, h in header.unmatched.items())
        raise UserError(f"{where}no {', '.join(missing)} column recognised (headers found: {shown}){extra}{not_found}; "
                        f"name them with --columns {example}", file=path)


def _no_header(path: Path, rows: list[list[object]], where: str = "") -> UserError:
    first = next((r for r in rows if any(str(v or "").strip() for v in r)), [])
    shown = ", ".join(repr(str(v)) for v in first if v is not None and str(v).strip()) or "none"
    return UserError(f"{where}no header row with konto, objekt and belopp found in the first {HEADER_SEARCH_ROWS} "
                     f"rows (first row: {shown}); name the columns with --columns objekt=<header>,belopp=<header>,...",
                     file=path)


def _field_notes(header: Header) -> list[str]:
    """Which column is which field, in Swedish, with the columns left aside."""
    parts = [f"{f} {header.label(i)}" for f, i in sorted(header.fields.items(), key=lambda x: x[1])]
    notes = ["columns: " + ", ".join(parts)]
    for name, aside in header.aside.items():
        notes.append(f"{name} from {header.label(header.fields[name])}, not {' or '.join(header.label(i) for i in aside)}"
                     f" (choose with --columns {name}=<header>)")
    if header.balances:
        notes.append(f"{' and '.join(header.label(i) for i in header.balances)}: a running balance, not read")
    return notes


# --- encodings --------------------------------------------------------------------------------------

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


def _utf16(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * (len(head) // 2) and head[0::2].count(0) < len(head) // 20:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * (len(head) // 2) and head[1::2].count(0) < len(head) // 20:
        return "utf-16-be"
    return None


def read_text_bytes(path: Path) -> tuple[bytes, str, list[str]]:
    """A text export's bytes with LF or CRLF line ends, its codec, and notes (Swedish) on what was done:
    UTF-16 recoded to UTF-8, CR-only line ends made LF, a CR inside a line read as a space."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("no such file", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a ledger export", file=path) from None
    notes = []
    wide = _utf16(data)
    if wide:
        try:
            data = data.decode(wide).lstrip("\ufeff").encode("utf-8")
        except UnicodeDecodeError:
            raise UserError("the file looks like UTF-16 text but cannot be decoded as such", file=path) from None
        codec, why = "utf-8", "UTF-16"
    else:
        if b"\x00" in data[:1 << 16]:
            raise UserError("neither CSV, Excel (.xlsx) nor SIE: the file is binary", file=path)
        codec, why = sniff_encoding(data)
        if codec == "utf-8-sig":
            data, codec = data[3:], "utf-8"
    notes.append(f"encoding {why}")
    crs = data.count(b"\r")
    if crs:
        if b"\n" not in data:
            data = data.replace(b"\r", b"\n")
            notes.append("CR line ends (old Mac)")
        else:
            lone = crs - data.count(b"\r\n")
            if lone:
                data = re.sub(rb"\r(?!\n)", b" ", data)
                notes.append(f"{lone} CR(s) inside lines read as spaces")
    return data, codec, notes


# --- CSV --------------------------------------------------------------------------------------------

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
    objekt (the exact test on the objekt column follows).  Vectorised in chunks (numpy): the needles'
    first bytes, then each following byte, then the lines they are on."""
    arr = np.frombuffer(data, dtype=np.uint8)
    pieces: list[bytes] = []
    numbers: list[np.ndarray] = []
    line = first_line
    while start < len(data):
        end = data.find(b"\n", min(start + _CHUNK, len(data)))
        end = len(data) if end < 0 else end + 1
        a = arr[start:end]
        newlines = np.flatnonzero(a == 10)
        hits = []
        for needle in needles:
            found = np.flatnonzero(a[:len(a) - len(needle) + 1] == needle[0])
            for k in range(1, len(needle)):
                found = found[a[found + k] == needle[k]]
            hits.append(np.searchsorted(newlines, found))  # the line (within the chunk) each is on
        on = np.unique(np.concatenate(hits)) if hits else np.zeros(0, dtype=np.int64)
        begins = np.concatenate(([0], newlines + 1))[on] + start
        ends = np.where(on < len(newlines), newlines[np.minimum(on, max(len(newlines) - 1, 0))] + 1 if len(newlines)
                        else len(a), len(a)) + start
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


# --- Excel ------------------------------------------------------------------------------------------

def _excel_text(value: object) -> str:
    """A cell's value as the text the rest of the reader parses: a number at its shortest decimal form
    (never an exponent), a date as YYYY-MM-DD."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _sheet_part(rows, columns: dict[str, str] | None, objekt):
    """One sheet's rows (an iterator): (Header, header row index, the raw frame) when it is a ledger (a
    header row with date, konto, objekt and an amount among its first rows), else (Header or None, why,
    None).  The rows after the header are streamed: only the header's cells are kept as text, and with
    ``objekt`` only the rows on it, so a sheet of a million rows needs the memory of what is kept."""
    head = []
    for row in rows:
        head.append([_excel_text(v) for v in row])
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    index, header = _header_index(head, columns)
    if header is None or not header.complete:
        why = "empty" if not any(any(t for t in r) for r in head) else \
            "no header row with date, konto, objekt and an amount"
        return header, why, None
    fields = list(header.fields.items())
    at = header.fields["objekt"]
    wanted = {str(c).strip() for c in objekt} if objekt is not None else None
    values: dict[str, list[str]] = {f: [] for f, _ in fields}
    numbers: list[int] = []

    def take(number: int, cells: list[str]) -> None:
        if not any(cells):
            return
        if wanted is not None and (cells[at] if at < len(cells) else "").strip() not in wanted:
            return
        for f, i in fields:
            values[f].append(cells[i] if i < len(cells) else "")
        numbers.append(number)
    for number, cells in enumerate(head[index + 1:], start=index + 2):
        take(number, cells)
    for number, row in enumerate(rows, start=len(head) + 1):
        take(number, [_excel_text(v) for v in row])
    part = pd.DataFrame({f: pd.Series(v, dtype=object) for f, v in values.items()})
    part["_row"] = np.array(numbers, dtype=np.int64)
    return header, index, part


def _read_excel(path: Path, columns: dict[str, str] | None, objekt=None):
    """Every sheet of the workbook that is a ledger (``_sheet_part``), one after the other; the others
    are named in the notes.  Read with openpyxl (read-only, row by row), so that each row keeps its sheet
    row number."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UserError(f"the Excel file cannot be read: {exc}", file=path) from None
    parts, read, skipped, first_problem, first_rows = [], [], [], None, []
    try:
        several = len(book.worksheets) > 1
        for ws in book.worksheets:
            try:
                ws.reset_dimensions()
                header, index, part = _sheet_part(ws.iter_rows(values_only=True), columns, objekt)
                if not first_rows and part is None and index != "empty":
                    first_rows = [[_excel_text(v) for v in r] for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS,
                                                                                    values_only=True)]
            except UserError:
                raise
            except Exception as exc:
                raise UserError(f"sheet '{ws.title}' cannot be read: {exc}", file=path) from None
            if part is None:
                skipped.append(f"'{ws.title}' ({index})")
                if header is not None and header.score >= 3 and (first_problem is None or
                                                                  header.score > first_problem[1].score):
                    first_problem = (ws.title, header)
                continue
            _check_header(path, header, f"sheet '{ws.title}': ")
            letters = {f: get_column_letter(i + 1) for f, i in header.fields.items()}
            hidden = ws.sheet_state != "visible"
            parts.append((ws.title, hidden, part, header, letters))
            read.append(f"'{ws.title}'" + (" (hidden)" if hidden else "") +
                        f" (header row {index + 1}, {len(part)} rows{' on the objekt' if objekt is not None else ''})")
    finally:
        book.close()
    if not parts:
        if first_problem is not None:
            title, header = first_problem
            _check_header(path, header, f"sheet '{title}': ")
        raise _no_header(path, first_rows, "no sheet is a ledger (" + ", ".join(skipped) + "): " if several else "")
    for (t1, _, p1, _, _), (t2, _, p2, _, _) in ((a, b) for i, a in enumerate(parts) for b in parts[i + 1:]):
        if len(p1) and len(p1) == len(p2) and p1.drop(columns="_row").reset_index(drop=True).equals(
                p2.drop(columns="_row").reset_index(drop=True)):
            raise UserError(f"sheets '{t1}' and '{t2}' hold the same rows: the same ledger twice? Remove one",
                            file=path)
    notes = [f"Excel, sheet{'s' if len(read) > 1 else ''} " + ", ".join(read)]
    if skipped:
        notes.append("not read: " + ", ".join(skipped))
    return parts, several, notes


# --- common -----------------------------------------------------------------------------------------

def _strip(series: pd.Series) -> pd.Series:
    """Text without spaces around it, worked out once per distinct value (a ledger repeats its codes)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=False)
    stripped = np.array([str(v).strip() for v in uniques] + [""], dtype=object)
    return pd.Series(stripped[codes], index=series.index, dtype=object)


def on_objekt(series: pd.Series, codes) -> np.ndarray:
    """Rows whose objekt (spaces around it ignored) is one of ``codes``; looked at per distinct value."""
    wanted = {str(c).strip() for c in codes}
    uniques = pd.unique(series.to_numpy(dtype=object))
    return series.isin([u for u in uniques if str(u).strip() in wanted]).to_numpy(dtype=bool)


_SIMPLE_AMOUNT = re.compile(r"(-?)(\d{1,16})(?:[.,](\d{1,2}))?")
_AMOUNT_TEXT = re.compile(r"([+-]?)(\d{1,16})(?:[.,](\d+))?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")


class AmountError(ValueError):
    pass


def parse_ore(text: str) -> int:
    """ "-1 234,50", "1234.5", "1.234,50", "12", "-3550.0000", "1234.5600000000002" -> öre, exactly (no
    float).  More than two decimals are accepted where the value is within 0.000001 kr of a whole öre
    (SQL extracts' "-3550.0000", Excel's float noise); AmountError otherwise."""
    m = _SIMPLE_AMOUNT.fullmatch(text)
    if m is None:
        t = text.translate(_SPACES).replace("\u2212", "-")
        if t.startswith("(") and t.endswith(")"):  # (1 234,50): negative in accounting notation
            t = "-" + t[1:-1]
        if "," in t and "." in t:  # thousands and decimals: the last one is the decimal separator
            t = t.replace(".", "") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
        elif t.count(".") > 1 and "," not in t and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", t):
            t = t.replace(".", "")  # 1.234.567: dots as thousands
        m = _AMOUNT_TEXT.fullmatch(t)
        if not m:
            raise AmountError("is not an amount")
    sign, whole, frac = m.groups()
    frac = frac or ""
    if len(frac) == 3:
        raise AmountError("is not an amount: a thousands separator, or three decimals? Write 1234,50 or 1234.5")
    if len(frac) <= 2:
        value = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
    else:
        exact = Decimal(f"{whole}.{frac}")
        rounded = exact.quantize(Decimal("0.01"))
        if abs(exact - rounded) > AMOUNT_TOLERANCE:
            raise AmountError("is not whole öre (a fraction of an öre)")
        value = int(rounded.scaleb(2))
    if value >= 1 << 62:
        raise AmountError("is not an amount (too large)")
    return -value if sign == "-" else value


_WIDTH = 18  # characters of the amounts read by numpy: up to 10^15 kr with two decimals


def _common_ore(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(öre, done) for the common forms, vectorised (numpy over the characters): an optional minus,
    digits, and a decimal comma or point with one or two decimals.  ``done`` is False where ``parse_ore``
    must look (spaces, thousands separators, more decimals, an empty cell, anything else)."""
    try:
        raw = values.astype(f"S{_WIDTH + 1}")
    except (UnicodeEncodeError, ValueError, TypeError):
        return np.zeros(len(values), dtype=np.int64), np.zeros(len(values), dtype=bool)
    chars = raw.view(np.uint8).reshape(len(values), _WIDTH + 1)
    length = (chars != 0).sum(axis=1)
    digit = (chars >= 48) & (chars <= 57)
    minus = chars[:, 0] == 45
    point = (chars == 44) | (chars == 46)
    points = point.sum(axis=1)
    at = np.where(points == 1, point.argmax(axis=1), length)
    decimals = np.where(points == 1, length - at - 1, 0)
    digits = digit.sum(axis=1)
    done = (length <= _WIDTH) & (points <= 1) & (decimals <= 2) & ((points == 0) | (decimals >= 1)) & \
        (digits == length - points - minus) & (digits > decimals) & (digits - decimals <= 16)
    rank = np.cumsum(digit[:, ::-1], axis=1)[:, ::-1] - 1  # each digit's power of ten
    value = np.where(digit, (chars.astype(np.int64) - 48) * (10 ** np.clip(rank, 0, 17)), 0).sum(axis=1)
    ore = value * 10 ** np.clip(2 - decimals, 0, 2)
    return np.where(minus, -ore, ore), done


def amounts_to_ore(texts: pd.Series, error, empty_is_zero: bool) -> np.ndarray:
    """Amount texts as int64 öre, exactly; the first unreadable one is ``error(i, text, why)`` (a
    UserError naming the file, row and column).  The common forms in numpy, in pieces; the others
    one by one (``parse_ore``)."""
    values = texts.to_numpy(dtype=object)
    out = np.empty(len(values), dtype=np.int64)
    done = np.zeros(len(values), dtype=bool)
    for start in range(0, len(values), 1 << 16):
        piece = slice(start, start + (1 << 16))
        out[piece], done[piece] = _common_ore(values[piece])
    for i in np.flatnonzero(~done):
        text = "" if values[i] is None else str(values[i]).strip()
        if not text and empty_is_zero:
            out[i] = 0
            continue
        try:
            out[i] = parse_ore(text)
        except AmountError as exc:
            raise error(i, text, str(exc)) from None
    return out


_DATE_FORMS = (("%Y-%m-%d", r"\d{4}-\d{2}-\d{2}"), ("%Y%m%d", r"\d{8}"), ("%d/%m/%Y", r"\d{1,2}/\d{1,2}/\d{4}"),
               ("%d.%m.%Y", r"\d{1,2}\.\d{1,2}\.\d{4}"), ("%Y/%m/%d", r"\d{4}/\d{2}/\d{2}"),
               ("%Y.%m.%d", r"\d{4}\.\d{2}\.\d{2}"))


def parse_dates(texts: pd.Series, error) -> pd.Series:
    codes, uniques = pd.factorize(texts.to_numpy(dtype=object), use_na_sentinel=False)
    parsed = _parse_dates(pd.Series(uniques, dtype=object))
    bad = parsed.isna().to_numpy()[codes]
    if bad.any():
        i = int(np.argmax(bad))
        raise error(i, str(texts.iloc[i]), "is not a date (write 2019-12-31)")
    return pd.Series(parsed.to_numpy()[codes], index=texts.index, dtype="datetime64[ns]")


def _parse_dates(texts: pd.Series) -> pd.Series:
    t = texts.astype(str).str.strip().str.slice(0, 10)
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    todo = pd.Series(True, index=t.index)
    for fmt, pattern in _DATE_FORMS:
        if not todo.any():
            break
        candidates = todo & t.str.fullmatch(pattern)
        if candidates.any():
            out[candidates] = pd.to_datetime(t[candidates], format=fmt, errors="coerce")
            todo &= ~candidates
    return out


def ledger_kind(path: Path) -> str:
    """"sie", "excel" or "csv", by the name and the first bytes."""
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except FileNotFoundError:
        raise UserError("no such file", file=path) from None
    except IsADirectoryError:
        raise UserError("is a folder, not a ledger export", file=path) from None
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if _utf16(head):
        text = head.decode("utf-16" if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else _utf16(head),
                           errors="replace").lstrip("\ufeff \r\n\t")
        return "sie" if suffix in SIE_SUFFIXES or text.startswith("#") else "csv"
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    if suffix in SIE_SUFFIXES or stripped.startswith(b"#"):
        return "sie"
    if suffix in EXCEL_SUFFIXES or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError("not a readable Excel workbook (.xlsx); save the export as .xlsx or CSV", file=path)
    if b"\x00" in head or suffix in {".pdf", ".zip", ".docx", ".xls"}:
        raise UserError("neither CSV, Excel (.xlsx) nor SIE: save the ledger export as CSV, .xlsx or SIE 4",
                        file=path)
    return "csv"


def _convert(raw: pd.DataFrame, header: Header, path: Path, file: str, where) -> pd.DataFrame:
    """The raw text columns of one table as the normalised frame; ``where(i, field)`` names row i's
    cell in messages (a UserError's file and location)."""
    raw = raw.reset_index(drop=True)
    fields = [f for f in header.fields if f in raw]
    blank = raw[fields].eq("").all(axis=1).to_numpy(dtype=bool) if len(raw) else np.zeros(0, dtype=bool)
    if blank.any():  # blank lines (kept while reading, so that line numbers stay the file's)
        raw = raw[~blank].reset_index(drop=True)
    lines = raw.pop("_row").to_numpy(dtype=np.int64)

    def error(name):
        def make(i, text, why):
            place, location = where(lines[i], name)
            return UserError(f"{place}column {header.names[header.fields[name]]}: '{text}' {why}",
                             file=path, location=location)
        return make

    out = pd.DataFrame(index=raw.index)
    out["date"] = parse_dates(raw["date"], error("date"))
    for f in TEXT_FIELDS:
        out[f] = _strip(raw[f]) if f in raw else pd.Series("", index=raw.index, dtype=object)
    out["period"] = _strip(raw["period"]) if "period" in raw else pd.Series("", index=raw.index, dtype=object)
    if "serie" in raw:
        serie = _strip(raw["serie"])
        out["verifikation"] = (serie + " " + out["verifikation"]).str.strip().astype(object)
    if "belopp" in raw:
        out["ore"] = amounts_to_ore(raw["belopp"], error("belopp"), False)
        if "debet" in raw and "kredit" in raw:
            other = amounts_to_ore(raw["debet"], error("debet"), True) - \
                amounts_to_ore(raw["kredit"], error("kredit"), True)
            differ = other != out["ore"].to_numpy()
            if differ.any():
                i = int(np.argmax(differ))
                place, location = where(lines[i], "belopp")
                names = [header.names[header.fields[f]] for f in AMOUNT_FIELDS]
                raise UserError(f"{place}'{names[0]}' says {raw['belopp'].iloc[i]} but '{names[1]}' - '{names[2]}' "
                                f"says otherwise; say which is the amount with --columns belopp=<header> or "
                                f"--columns debet=<header>,kredit=<header>", file=path, location=location)
    else:
        out["ore"] = amounts_to_ore(raw["debet"], error("debet"), True) - \
            amounts_to_ore(raw["kredit"], error("kredit"), True)
    out["file"] = file
    out["line"] = lines
    return out


def _read(path: Path, columns: dict[str, str] | None = None, objekt=None) -> pd.DataFrame:
    """The normalised frame (see the module's docstring), without the Decimal column; with ``objekt``
    (codes), only the rows on those objekt are converted and kept (what utfall needs, fast on a large
    export: the other rows are never parsed).  ``frame.attrs["ledger"]``: how it was read."""
    kind = ledger_kind(path)
    if kind == "sie":
        from .sie import read_sie

        return read_sie(path, columns, objekt)
    if kind == "excel":
        parts, several, notes = _read_excel(path, columns, objekt)
        frames = []
        for title, _, raw, header, letters in parts:
            def where(line, name, title=title, letters=letters):
                return "", Location(title, f"{letters[name]}{line}")
            file = f"{path}[{title}]" if several else str(path)
            frames.append(_convert(raw, header, path, file, where))
            notes.extend(f"sheet '{title}': {n}" if len(parts) > 1 else n for n in _field_notes(header))
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        raw, header, notes = _read_csv(path, columns, objekt)
        if objekt is not None:
            raw = raw[on_objekt(raw["objekt"], objekt)]
        out = _convert(raw, header, path, str(path), lambda line, name: (f"row {line}, ", None))
    out.attrs = {"ledger": {"file": str(path), "notes": notes, "warnings": []}}
    return out


def check_distinct(paths: list[Path | str]) -> None:
    """Refuse the same export given twice: two names of one file, or two files of identical content
    (compared by size, then by content, so that large exports are read only when their sizes match)."""
    import filecmp

    seen: list[Path] = []
    for path in map(Path, paths):
        for other in seen:
            try:
                same = path.stat().st_size == other.stat().st_size and filecmp.cmp(path, other, shallow=False)
            except OSError:
                continue  # missing or unreadable: said when it is read
            if same:
                raise UserError(f"{other.name} and {path.name} have the same content: the same export given "
                                "twice? Give it once", file=path)
        seen.append(path)


def ore_to_decimal(ore: int) -> Decimal:
    return Decimal(int(ore)).scaleb(-2) if ore % 100 else Decimal(int(ore) // 100)


def read_ledger(path: Path | str, columns: dict[str, str] | str | None = None) -> pd.DataFrame:
    """A ledger export (CSV, .xlsx or SIE 4) as a DataFrame with the columns ``COLUMNS`` and ``amount``
    (Decimal kronor, exact).  ``columns`` maps fields to headers: {"objekt": "Kostnadsobjekt"} or the
    same as text, "objekt=Kostnadsobjekt,belopp=Belopp SEK"."""
    mapping = parse_columns(columns) if isinstance(columns, str) else columns
    frame = _read(Path(path), mapping)
    frame["amount"] = [ore_to_decimal(v) for v in frame["ore"].tolist()]
    return frame
