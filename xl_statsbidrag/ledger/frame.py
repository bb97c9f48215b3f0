"""The one contract of every ledger reader: the frame a ledger export becomes, and what builds it.

The frame has the columns of ``COLUMNS``: ``date`` (datetime64), ``verifikation``, ``rad``, ``konto``,
``text``, ``ansvar``, ``verksamhet``, ``aktivitet``, ``objekt`` (text), ``ore`` (int64: the amount in
öre, exact; debet positive, kredit negative), ``file`` and ``line`` (where the row is).  Amounts are
read as text and parsed into integers: no float is ever involved (an Excel cell's double is taken at
its shortest decimal form, and float noise such as ``1234.5600000000002`` is accepted only where it is
within 0.000001 kr of a whole öre).  ``frame.attrs["ledger"]`` says how the file was read ("notes": format,
encoding, sheets, which column is which field) and what was repaired ("warnings", Swedish: findings).

A reader of a table of text (``delimited``, ``workbook``) finds its header row (``match_headers``: headers
are recognised loosely, by ``core.text.normalise_ledger_header`` and the tiers of ``HEADER_TIERS``;
``columns`` maps what is not recognised: ``{"objekt": "Kostnadsobjekt"}``) and hands the raw text columns
to ``convert``.  Nothing is dropped silently: two columns that could both be the amount, or two equally
good candidates for konto, objekt, date or code, are refused naming both; a running balance (Saldo) is
never read as an amount.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import UserError
from ..core.text import normalise_ledger_header as normalise_header

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
AMOUNT_TOLERANCE = Decimal("0.000001")  # kronor: float noise within this of a whole öre is accepted


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
    if header.unmatched:  # the user named a column the file lacks: never fall back to a column of our choice
        shown = ", ".join(repr(h) for h in header.names if h) or "none"
        wrong = "; ".join(f"--columns {f}={h}: no such column" for f, h in header.unmatched.items())
        raise UserError(f"{where}{wrong} (headers found: {shown})", file=path)


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


def convert(raw: pd.DataFrame, header: Header, path: Path, file: str, where) -> pd.DataFrame:
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
