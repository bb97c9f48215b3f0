"""A small reader of SIE 4 files (SIE type 4: transactions), written from the format's published
description (SIE-Gruppen, "SIE filformat, utgåva 4B").  There is no well-kept SIE library on PyPI
(the few packages there are unmaintained or incomplete on object lists and escapes), and the part
we need is small: the verifications with their transactions and object lists, and the dimension
declarations that name the objects.

What is read:
- ``#DIM dimno "name"`` (and ``#UNDERDIM``): which dimension is the objekt, ansvar, ... by its name;
  the standard numbers are used where a file declares none (1 kostnadsställe = ansvar, 6 projekt).
- ``#VER series verno verdate "text" ...`` followed by ``{``, ``#TRANS`` lines and ``}``;
  ``#TRANS account {objectlist} amount [transdate] ["text"] ...``, the object list as pairs
  ``dimno "objno"``.  ``#RTRANS``/``#BTRANS`` (added/removed, kept for history) are skipped: by the
  format an added transaction is followed by the same ``#TRANS``.
- Fields are separated by spaces or tabs; strings in double quotes with ``\\"`` and ``\\\\`` escapes;
  the encoding is IBM PC 8-bit (CP437, ``#FORMAT PC8``).

A line that breaks these rules is a ``UserError`` naming ``file:line``.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UserError

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{[^{}]*\})|([^\s"{}]+)|(\S)')
_ESCAPE = re.compile(r"\\(.)")
_AMOUNT = re.compile(r"(-?)(\d{1,16})(?:\.(\d{1,2}))?")
_DATE = re.compile(r"\d{8}")
# Standard dimension numbers of SIE 4B, where the file does not name them.
STANDARD_DIMS = {"1": "ansvar", "6": "aktivitet"}
OBJECT_FIELDS = ("ansvar", "verksamhet", "aktivitet", "objekt")
_VER = re.compile(r'#VER[ \t]+(?:"([^"\s\\]*)"|([^"\s]+))[ \t]+(?:"([^"\s\\]*)"|([^"\s]+))[ \t]+(\d{8})'
                  r'(?:[ \t]+"([^"\\]*)"(?:[ \t]+[^"\s].*)?)?')
# A #TRANS line in its common form (no escapes, a bare account): read in one match; others by tokens().
_TRANS = re.compile(r'#TRANS[ \t]+([^\s"{}]+)[ \t]+\{([^{}"]*(?:"[^"\\]*"[^{}"]*)*)\}[ \t]+'
                    r'(-?\d{1,16}(?:\.\d{1,2})?)(?:[ \t]+(?:(\d{8})|"")(?:[ \t]+"([^"\\]*)"(?:[ \t]+[^"\s].*)?)?)?')


class _Line:
    __slots__ = ("path", "number")

    def __init__(self, path: Path, number: int):
        self.path, self.number = path, number

    def error(self, message: str) -> UserError:
        return UserError(message, file=f"{self.path}:{self.number}")


def tokens(line: str, where: _Line) -> list[str | list[str]]:
    """The fields of a line: strings unquoted, an object list as a list of its fields."""
    out: list[str | list[str]] = []
    for quoted, braces, bare, stray in _TOKEN.findall(line):
        if stray:
            raise where.error(f"unexpected {stray!r} (an unterminated string or object list?)")
        if braces:
            inner = tokens(braces[1:-1], where)
            out.append([t for t in inner if isinstance(t, str)])
        elif bare:
            out.append(bare)
        else:
            out.append(_ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted)
    return out


def _field_of_dim(name: str, columns: dict[str, str] | None) -> str | None:
    from .ledger import HEADER_PATTERNS, normalise_header

    key = normalise_header(name)
    for field, header in (columns or {}).items():
        if normalise_header(header) == key:
            return field
    for field in ("ansvar", "verksamhet", "aktivitet", "objekt"):
        if HEADER_PATTERNS[field].match(key):
            return field
    return None


def read_sie(path: Path | str, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """The transactions of a SIE 4 file as the ledger frame (see ``ledger``).  ``columns`` may map a
    field to a dimension's name or number: {"objekt": "20"}."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError("no such file", file=path) from None
    text = raw.decode("cp437")  # every byte is a character in CP437
    dims: dict[str, str] = {}  # dimno -> field
    mapped = {str(v): f for f, v in (columns or {}).items()}
    ver: tuple[str, str, str] | None = None  # (verifikation, date, text) of the open #VER block
    in_block = False
    row_in_ver = 0
    saw_sie = False
    objects_seen: dict[str, tuple[str, str, str, str]] = {}  # an object list -> its four fields

    def object_fields(inner: str, where: _Line) -> tuple[str, str, str, str]:
        found = objects_seen.get(inner)
        if found is None:
            objects = [t for t in tokens(inner, where) if isinstance(t, str)]
            if len(objects) % 2:
                raise where.error("the object list must hold pairs of dimension and object")
            values = dict.fromkeys(OBJECT_FIELDS, "")
            for dim, obj in zip(objects[::2], objects[1::2]):
                field = mapped.get(dim) or dims.get(dim) or STANDARD_DIMS.get(dim)
                if field in values:
                    values[field] = obj
            found = objects_seen[inner] = tuple(values.values())
        return found

    records: list[tuple] = []  # (date, verifikation, rad, konto, text, *OBJECT_FIELDS, ore, line) per #TRANS
    add = records.append
    number = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#TRANS"):
            if not in_block:
                raise _Line(path, number).error("#TRANS outside a #VER { ... } block")
            fast = _TRANS.fullmatch(stripped)  # the amount and date are checked by the pattern
            if fast:
                konto, inner, amount, date, trans_text = fast.groups()
                date = date or ver[1]
            else:
                where = _Line(path, number)
                fields = tokens(stripped, where)
                if len(fields) < 4 or not isinstance(fields[2], list) or not isinstance(fields[1], str) \
                        or not isinstance(fields[3], str):
                    raise where.error("#TRANS needs an account, an object list {...} and an amount")
                konto, amount = fields[1], fields[3]
                inner = stripped[stripped.index("{") + 1:stripped.index("}")]
                date = (fields[4] if len(fields) > 4 and isinstance(fields[4], str) else "") or ver[1]
                trans_text = fields[5] if len(fields) > 5 and isinstance(fields[5], str) else ""
                if not _AMOUNT.fullmatch(amount):
                    raise where.error(f"'{amount}' is not an amount")
                if not _DATE.fullmatch(date):
                    raise where.error(f"'{date}' is not a date (YYYYMMDD)")
            found = objects_seen.get(inner) or object_fields(inner, _Line(path, number))
            row_in_ver += 1
            whole, _, frac = amount.partition(".")
            add((date, ver[0], row_in_ver, konto, trans_text or ver[2], *found,
                 int(whole + (frac.ljust(2, "0") if frac else "00")), number))
            continue
        if stripped == "{":
            if ver is None or in_block:
                raise _Line(path, number).error("'{' without a #VER before it")
            in_block = True
            continue
        if stripped == "}":
            if not in_block:
                raise _Line(path, number).error("'}' without a block to close")
            in_block, ver = False, None
            continue
        if not in_block and stripped.startswith("#VER"):
            fast = _VER.fullmatch(stripped)
            if fast:
                s1, s2, n1, n2, date, vertext = fast.groups()
                ver = (f"{s1 or s2 or ''} {n1 or n2 or ''}".strip(), date, vertext or "")
                row_in_ver = 0
                continue
        where = _Line(path, number)
        if not stripped.startswith("#"):
            raise where.error("a line of a SIE file starts with a #LABEL")
        label = stripped.split(None, 1)[0]
        if in_block and label not in ("#RTRANS", "#BTRANS"):
            raise where.error(f"{label} inside a #VER block (a missing '}}'?)")
        if label in ("#FLAGGA", "#SIETYP", "#FORMAT"):
            saw_sie = True
        elif label == "#VER":
            fields = tokens(stripped, where)
            if len(fields) < 4 or not all(isinstance(f, str) for f in fields[1:4]):
                raise where.error("#VER needs a series, a number and a date")
            series, verno, date = fields[1], fields[2], fields[3]
            if not _DATE.fullmatch(date):
                raise where.error(f"'{date}' is not a date (YYYYMMDD)")
            vertext = fields[4] if len(fields) > 4 and isinstance(fields[4], str) else ""
            ver = (f"{series} {verno}".strip(), date, vertext)
            row_in_ver = 0
        elif label in ("#DIM", "#UNDERDIM"):
            fields = tokens(stripped, where)
            if len(fields) < 3:
                raise where.error(f"{label} needs a number and a name")
            field = _field_of_dim(str(fields[2]), columns)
            if field:
                dims[str(fields[1])] = field
                objects_seen.clear()
    if in_block:
        raise UserError("the file ends inside a #VER block (a missing '}')", file=f"{path}:{number}")
    columns_ = ("date", "verifikation", "rad", "konto", "text") + OBJECT_FIELDS + ("ore", "line")
    rows = dict(zip(columns_, map(list, zip(*records)))) if records else {k: [] for k in columns_}
    rows["rad"] = [str(r) for r in rows["rad"]]
    if not saw_sie and not rows["konto"]:
        raise UserError("not a SIE file (no #FLAGGA, #SIETYP or #FORMAT)", file=path)
    frame = pd.DataFrame({k: v for k, v in rows.items() if k not in ("ore", "line", "date")})
    if not any(f == "objekt" for f in list(dims.values()) + list(mapped.values())):
        declared = ", ".join(f"{d}" for d in sorted(dims)) or "none"
        raise UserError(f"no dimension named Objekt among the #DIM declarations (named: {declared}); "
                        "name it with --columns objekt=<dimension number>", file=path)
    codes, uniques = pd.factorize(np.array(rows["date"], dtype=object), use_na_sentinel=False)
    days = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y%m%d", errors="coerce").to_numpy()[codes]
    frame.insert(0, "date", pd.Series(days, dtype="datetime64[ns]"))
    if frame["date"].isna().any():
        i = int(np.argmax(frame["date"].isna().to_numpy()))
        raise UserError(f"'{rows['date'][i]}' is not a date", file=f"{path}:{rows['line'][i]}")
    frame["ore"] = np.array(rows["ore"], dtype=np.int64)
    frame["file"] = str(path)
    frame["line"] = np.array(rows["line"], dtype=np.int64)
    return frame
