"""Reading a general-ledger export (huvudbok) into one normalised pandas DataFrame.

Formats: CSV (any of ``; , TAB |`` as separator, decimal comma or point, cp1252 or UTF-8 with or
without BOM, title rows above the header), Excel (.xlsx/.xlsm, the first sheet with a header row)
and SIE 4 (``sie.py``).  Headers are recognised loosely (case, punctuation, synonyms, as ``import``
does for activity tables); ``columns`` maps what is not recognised: ``{"objekt": "Kostnadsobjekt"}``.

The frame has the columns of ``COLUMNS``: ``date`` (datetime64), ``verifikation``, ``rad``, ``konto``,
``text``, ``ansvar``, ``verksamhet``, ``aktivitet``, ``objekt`` (text), ``ore`` (int64: the amount in
öre, exact; debet positive, kredit negative), ``file`` and ``line`` (where the row is).  Amounts are
read as text (CSV columns as str) and parsed once per value into integers: no float is ever involved.
``read_ledger`` adds ``amount`` (``Decimal`` kronor) for analysts.

For ``utfall`` only the rows on the agreement's objekt matter: ``_read(..., objekt=codes)`` converts
only those, and on a large CSV without quoted fields first cuts the file to the lines that contain
one of the codes (a byte search), so that a 2-million-row export is parsed in a fraction of a full read.
"""
from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UserError

TEXT_FIELDS = ("verifikation", "rad", "konto", "text", "ansvar", "verksamhet", "aktivitet", "objekt")
COLUMNS = ("date",) + TEXT_FIELDS + ("ore", "file", "line")
REQUIRED = ("date", "konto", "objekt")  # and an amount: "belopp", or "debet" and "kredit"

# A header (normalised: lower case, punctuation as spaces) -> the field it names; first match wins.
HEADER_PATTERNS: dict[str, re.Pattern] = {f: re.compile(p) for f, p in {
    "date": r"^(datum|bokf(örings)?datum|bokf dat(um)?|verifikationsdatum|ver datum|transaktionsdatum|"
            r"registreringsdatum|date)$",
    "verifikation": r"^(ver(if(ikation|ikat)?)?( ?nr| ?nummer|snummer|s nr)?|vernr|bilaga|bilagenummer|"
                    r"voucher( no)?)$",
    "rad": r"^(rad( ?nr| ?nummer)?|radnr|transaktionsrad|ver rad|verifikationsrad)$",
    "konto": r"^(konto|konto ?nr|kontonummer|baskonto|account)$",
    "text": r"^(text|vertext|verifikationstext|transaktionstext|beskrivning|specifikation|benämning)$",
    "ansvar": r"^(ansvar|ansvar ?kod|ansvarsenhet|ansvarsställe|resultatenhet|kostnadsställe|kst)$",
    "verksamhet": r"^(verksamhet|verksamhetskod|vht|vsh)$",
    "aktivitet": r"^(aktivitet|aktivitetskod|akt|projekt|projektkod|projektnummer|proj)$",
    "objekt": r"^(objekt|objektkod|objektnummer|obj|kostnadsobjekt)$",
    "belopp": r"^(belopp|belopp sek|belopp kr|bokfört belopp|summa|amount|saldo)$",
    "debet": r"^(debet|debit)( sek| kr)?$",
    "kredit": r"^(kredit|credit)( sek| kr)?$",
}.items()}
FIELDS = tuple(HEADER_PATTERNS)
HEADER_SEARCH_ROWS = 30
CSV_SUFFIXES = {".csv", ".txt", ".skv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
SIE_SUFFIXES = {".se", ".si", ".sie"}
_ENCODINGS = ("utf-8-sig", "cp1252")


def normalise_header(value: object) -> str:
    text = str(value if value is not None else "").casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_columns(spec: str | None) -> dict[str, str]:
    """``objekt=Kostnadsobjekt,belopp=Belopp SEK`` -> {"objekt": "Kostnadsobjekt", "belopp": "Belopp SEK"}."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, sep, header = part.partition("=")
        field = field.strip().casefold()
        if not sep or not header.strip():
            raise UserError(f"--columns: '{part.strip()}' is not FIELD=HEADER")
        if field not in FIELDS:
            raise UserError(f"--columns: unknown field '{field}' (fields: {', '.join(FIELDS)})")
        mapping[field] = header.strip()
    return mapping


def match_headers(headers: list[object], columns: dict[str, str] | None = None) -> dict[str, int]:
    """The fields a header row names, by column index: the user's mapping first, then the patterns."""
    normal = [normalise_header(h) for h in headers]
    found: dict[str, int] = {}
    for field, header in (columns or {}).items():
        key = normalise_header(header)
        if key in normal:
            found[field] = normal.index(key)
    taken = set(found.values())
    for i, header in enumerate(normal):
        if i in taken or not header:
            continue
        for field, pattern in HEADER_PATTERNS.items():
            if field not in found and pattern.match(header):
                found[field] = i
                break
    return found


def _has_amount(fields: dict[str, int]) -> bool:
    return "belopp" in fields or ("debet" in fields and "kredit" in fields)


def _header_index(rows: list[list[object]], columns: dict[str, str] | None) -> int | None:
    """The first of the rows that looks like the header: at least three fields, an amount among them."""
    best, best_count = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = match_headers(row, columns)
        if len(fields) >= 3 and (_has_amount(fields) or "objekt" in fields):
            return i
        if len(fields) > best_count:  # a header that lacks columns: reported with what it has
            best, best_count = i, len(fields)
    return best


def _missing(path: Path, headers: list[object], fields: dict[str, int]) -> None:
    missing = [f for f in REQUIRED if f not in fields]
    if not _has_amount(fields):
        missing.append("belopp")
    if missing:
        shown = ", ".join(repr(str(h)) for h in headers if str(h or "").strip()) or "none"
        example = ",".join(f"{f}=<header>" for f in missing)
        raise UserError(f"no {', '.join(missing)} column recognised (headers found: {shown}); "
                        f"name them with --columns {example}", file=path)


def _no_header(path: Path, rows: list[list[object]]) -> UserError:
    first = next((r for r in rows if any(str(v or "").strip() for v in r)), [])
    shown = ", ".join(repr(str(v)) for v in first if str(v or "").strip()) or "none"
    return UserError(f"no header row with konto, objekt and belopp found in the first {HEADER_SEARCH_ROWS} rows "
                     f"(first row: {shown}); name the columns with --columns objekt=<header>,belopp=<header>,...",
                     file=path)


# --- CSV --------------------------------------------------------------------------------------------

def _sniff(path: Path) -> tuple[str, str, list[str]]:
    """(encoding, separator, the first lines) of a text export."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if b"\x00" in head:
        raise UserError("neither CSV, Excel (.xlsx) nor SIE: the file is binary", file=path)
    for encoding in _ENCODINGS:
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the sample
                text = head[:exc.start].decode(encoding)
                break
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise UserError("the file is neither UTF-8 nor Windows-1252 text", file=path)
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    counts = {sep: max((line.count(sep) for line in lines), default=0) for sep in (";", "\t", ",", "|")}
    separator = max(counts, key=lambda s: counts[s])
    if counts[separator] == 0:
        raise UserError("not a CSV export: no separator (; , tab |) in its first lines", file=path)
    return encoding, separator, lines


def _candidate_lines(data: bytes, first_line: int, needles: list[bytes]) -> tuple[bytes, np.ndarray]:
    """The lines from ``first_line`` (0-based) on that contain one of ``needles``, and their 1-based
    numbers: a cheap first cut of a large export down to the lines that may be on the agreement's
    objekt (the exact test on the objekt column follows)."""
    pos = 0
    for _ in range(first_line):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return b"", np.zeros(0, dtype=np.int64)
    starts = set()
    for needle in needles:
        hit = data.find(needle, pos)
        while hit >= 0:
            start = data.rfind(b"\n", pos, hit) + 1 or pos
            starts.add(max(start, pos))
            end = data.find(b"\n", hit)
            hit = data.find(needle, end) if end >= 0 else -1
    chunks, numbers, line, last = [], [], first_line + 1, pos
    for start in sorted(starts):
        line += data.count(b"\n", last, start)
        last = start
        end = data.find(b"\n", start)
        chunk = data[start:] if end < 0 else data[start:end + 1]
        chunks.append(chunk if chunk.endswith(b"\n") else chunk + b"\n")
        numbers.append(line)
    return b"".join(chunks), np.array(numbers, dtype=np.int64)


def _read_csv(path: Path, columns: dict[str, str] | None, objekt=None) -> tuple[pd.DataFrame, dict[str, int], int]:
    encoding, separator, lines = _sniff(path)
    rows = [next(csv.reader([line], delimiter=separator), []) for line in lines]
    index = _header_index(rows, columns)
    if index is None:
        raise _no_header(path, rows)
    headers = rows[index]
    fields = match_headers(headers, columns)
    _missing(path, headers, fields)
    positions = sorted(set(fields.values()))

    source, skip, numbers = path, index + 1, None
    if objekt is not None and all(str(c).strip() for c in objekt) and path.stat().st_size > (1 << 20):
        data = path.read_bytes()
        if b'"' not in data:  # no quoted field can hold a line break, so lines are rows
            import io

            needles = [str(c).strip().encode("utf-8" if encoding.startswith("utf") else "cp1252") for c in objekt]
            text, numbers = _candidate_lines(data, index + 1, needles)
            source, skip = io.BytesIO(text), 0
        del data

    def read(enc: str) -> pd.DataFrame:
        if numbers is not None:
            source.seek(0)
            if not len(numbers):
                return pd.DataFrame({i: pd.Series([], dtype=object) for i in range(len(positions))})
        return pd.read_csv(source, sep=separator, skiprows=skip, header=None, usecols=positions, dtype=object,
                           keep_default_na=False, na_filter=False, encoding=enc, skip_blank_lines=False,
                           quotechar='"', engine="c")
    try:
        try:
            frame = read(encoding)
        except UnicodeDecodeError:
            frame = read("cp1252")
    except pd.errors.ParserError as exc:
        raise UserError(f"the CSV cannot be read: {exc}", file=path) from None
    except ValueError as exc:  # usecols beyond the columns of the data rows
        raise UserError(f"the CSV cannot be read: {exc}", file=path) from None
    frame.columns = range(len(frame.columns))
    by_position = {p: i for i, p in enumerate(positions)}
    out = pd.DataFrame({f: frame[by_position[p]] for f, p in fields.items()})
    out["_row"] = numbers if numbers is not None else \
        np.arange(index + 2, index + 2 + len(out), dtype=np.int64)  # the file's line numbers
    return out, {f: str(headers[i]) for f, i in fields.items()}, index + 2


# --- Excel ------------------------------------------------------------------------------------------

def _read_excel(path: Path, columns: dict[str, str] | None) -> tuple[pd.DataFrame, dict[str, int], int]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UserError(f"the Excel file cannot be read: {exc}", file=path) from None
    first_rows: list[list[object]] = []
    for name, sheet in sheets.items():
        rows = sheet.head(HEADER_SEARCH_ROWS).values.tolist()
        first_rows = first_rows or rows
        index = _header_index(rows, columns)
        if index is None:
            continue
        headers = rows[index]
        fields = match_headers(headers, columns)
        _missing(path, headers, fields)
        body = sheet.iloc[index + 1:]
        body = body[body.notna().any(axis=1)]
        out = pd.DataFrame({f: body.iloc[:, i].map(_excel_text) for f, i in fields.items()})
        out.index = body.index + 1  # the sheet's row numbers, 1-based
        names = {f: str(headers[i]) for f, i in fields.items()}
        return out.reset_index(drop=False).rename(columns={"index": "_row"}), names, 0
    raise _no_header(path, first_rows)


def _excel_text(value: object) -> str:
    """A cell's value as the text the rest of the reader parses (numbers without float noise)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


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

_AMOUNT_TEXT = re.compile(r"([+-]?)(\d{1,16})(?:[.,](\d{1,2}))?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")


def _ore(text: str) -> int | None:
    """ "-1 234,50", "1234.5", "1.234,50", "12" -> öre; None for anything else (no float involved)."""
    t = text.translate(_SPACES).replace("\u2212", "-")
    if "," in t and "." in t:  # thousands and decimals: the last one is the decimal separator
        t = t.replace(".", "") if t.rfind(",") > t.rfind(".") else t.replace(",", "")
    m = _AMOUNT_TEXT.fullmatch(t)
    if not m:
        return None
    sign, whole, frac = m.groups()
    value = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
    return -value if sign == "-" else value


def amounts_to_ore(texts: pd.Series, path: Path, lines: np.ndarray, column: str, empty_is_zero: bool) -> np.ndarray:
    """Amount texts as int64 öre, exactly; the first unreadable one is a UserError naming the file,
    row and column.  Each text is parsed once into an integer (the Series' string methods would loop in
    Python too, several times over)."""
    values = texts.to_numpy(dtype=object)
    out = np.empty(len(values), dtype=np.int64)
    for i, text in enumerate(values):
        text = "" if text is None else str(text)
        ore = 0 if empty_is_zero and not text.strip() else _ore(text)
        if ore is None or abs(ore) >= 1 << 62:
            raise UserError(f"row {lines[i]}, column {column}: '{text}' is not an amount", file=path)
        out[i] = ore
    return out


_DATE_FORMS = (("%Y-%m-%d", r"\d{4}-\d{2}-\d{2}"), ("%Y%m%d", r"\d{8}"), ("%d/%m/%Y", r"\d{1,2}/\d{1,2}/\d{4}"),
               ("%d.%m.%Y", r"\d{1,2}\.\d{1,2}\.\d{4}"))


def parse_dates(texts: pd.Series, path: Path, lines: np.ndarray, column: str) -> pd.Series:
    codes, uniques = pd.factorize(texts.to_numpy(dtype=object), use_na_sentinel=False)
    parsed = _parse_dates(pd.Series(uniques, dtype=object))
    bad = parsed.isna().to_numpy()[codes]
    if bad.any():
        i = int(np.argmax(bad))
        raise UserError(f"row {lines[i]}, column {column}: '{texts.iloc[i]}' is not a date (write 2019-12-31)",
                        file=path)
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
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    if suffix in SIE_SUFFIXES or stripped.startswith(b"#FLAGGA") or stripped.startswith(b"#"):
        return "sie"
    if suffix in EXCEL_SUFFIXES or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError("not a readable Excel workbook (.xlsx); save the export as .xlsx or CSV", file=path)
    if b"\x00" in head or suffix in {".pdf", ".zip", ".docx", ".xls"}:
        raise UserError("neither CSV, Excel (.xlsx) nor SIE: save the ledger export as CSV, .xlsx or SIE 4",
                        file=path)
    return "csv"


def _read(path: Path, columns: dict[str, str] | None = None, objekt=None) -> pd.DataFrame:
    """The normalised frame (see the module's docstring), without the Decimal column; with ``objekt``
    (codes), only the rows on those objekt are converted and kept (what utfall needs, fast on a large
    export: the other rows are never parsed)."""
    kind = ledger_kind(path)
    if kind == "sie":
        from .sie import read_sie

        frame = read_sie(path, columns)
        return frame if objekt is None else frame[on_objekt(frame["objekt"], objekt)].reset_index(drop=True)
    raw, fields, _ = _read_excel(path, columns) if kind == "excel" else _read_csv(path, columns, objekt)
    if objekt is not None:
        raw = raw[on_objekt(raw["objekt"], objekt)]
    raw = raw.reset_index(drop=True)
    blank = raw[list(fields)].eq("").all(axis=1).to_numpy(dtype=bool) if len(raw) else np.zeros(0, dtype=bool)
    if blank.any():  # blank lines (kept while reading, so that line numbers stay the file's)
        raw = raw[~blank].reset_index(drop=True)
    lines = raw.pop("_row").to_numpy(dtype=np.int64)
    headers = fields
    out = pd.DataFrame(index=raw.index)
    out["date"] = parse_dates(raw["date"], path, lines, headers["date"])
    for f in TEXT_FIELDS:
        out[f] = _strip(raw[f]) if f in raw else ""
    if "belopp" in raw:
        out["ore"] = amounts_to_ore(raw["belopp"], path, lines, headers["belopp"], False)
    else:
        out["ore"] = amounts_to_ore(raw["debet"], path, lines, headers["debet"], True) \
            - amounts_to_ore(raw["kredit"], path, lines, headers["kredit"], True)
    out["file"] = str(path)
    out["line"] = lines
    return out


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
