"""A reader of SIE 4 files (SIE type 4: transactions), written from the format's published
description (SIE-Gruppen, "SIE filformat, utgåva 4B").  There is no well-kept SIE library on PyPI
(the few packages there are unmaintained or incomplete on object lists and escapes), and the part
we need is small: the verifications with their transactions and object lists, and the dimension
declarations that name the objects.

What is read:
- ``#DIM dimno "name"`` (and ``#UNDERDIM``): which dimension is the objekt, ansvar, verksamhet and
  aktivitet (the activity code) by its name (Objekt; Ansvar/Kostnadsställe/Resultatenhet; Verksamhet;
  Aktivitet before Projekt), or as the user says by number or name (``{"aktivitet": "6"}``,
  ``{"aktivitet": "Projekt"}``); the standard numbers where a file declares none (1 kostnadsställe =
  ansvar, 6 projekt = aktivitet).  Each field comes from one dimension.
- ``#VER series verno verdate "text" ...`` followed by ``{``, ``#TRANS`` lines and ``}``;
  ``#TRANS account {objectlist} amount [transdate] ["text"] ...``, the object list as pairs
  ``dimno "objno"``.  ``#RTRANS``/``#BTRANS`` (added/removed, kept for history) are skipped: by the
  format an added transaction is followed by the same ``#TRANS``.
- Fields are separated by spaces or tabs; strings in double quotes with ``\\"`` and ``\\\\`` escapes.
- The encoding: ``#FORMAT PC8`` means CP437 (IBM PC 8-bit), unless the bytes are valid UTF-8 with
  letters beyond ASCII or plainly Latin-1 (newer programs that write UTF-8 or Windows-1252 and still
  say PC8); a file without ``#FORMAT`` is sniffed (UTF-8, else Latin-1 or CP437 by its letters).  The
  choice is said in ``frame.attrs["ledger"]``.  ``read`` (``read_sie``) is the reader of ``formats``.

Refused: a file without vouchers (SIE 1-3: balances only, "this file has no vouchers (#SIETYP n)").
A line that breaks the rules is a ``UserError`` naming ``file:line``; a ``#TRANS`` or ``#VER`` whose
text lost its closing quote is read (its amount and dates are before the text) with a warning naming
the line.

Speed: the well-formed lines (nearly all of a real file) are matched by one regular expression per
chunk of the text (``re.findall``: one match per line, in C), the structure of the blocks is checked
with numpy over the line kinds, and only the other lines (the header, escapes, broken quotes) are
looked at one by one in Python.  Reading every line that way (``_scan_plain``) gives the same frame,
warnings and errors; tests/ledger/test_sie_fast.py holds the two to that on made and hostile files.
"""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

try:  # pandas' C conversion of tuples to an object array: private, so a pandas without it falls back to numpy
    from pandas._libs.lib import to_object_array_tuples
except ImportError:  # pragma: no cover
    to_object_array_tuples = None

from ..core.errors import UserError
from ..core.text import normalise_ledger_header as normalise_header
from .encodings import file_bytes, sniff_encoding
from .frame import AMOUNT_TOLERANCE, HEADER_PATTERNS, on_objekt

OBJECT_FIELDS = ("ansvar", "verksamhet", "aktivitet", "objekt")
# Standard dimension numbers of SIE 4B, where the file does not name them.
STANDARD_DIMS = {"1": "ansvar", "6": "aktivitet"}

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{[^{}]*\})|([^\s"{}]+)|(\S)')
_ESCAPE = re.compile(r"\\(.)")
_AMOUNT = re.compile(r"(-?)(\d{1,16})(?:\.(\d{1,2}))?")
_DATE = re.compile(r"\d{8}")
# The fields after a text: closed strings without escapes and no brace (nearly always), or captured, for
# ``tokens`` to say what the plain way says of them (an unclosed quote: a warning; a stray brace: an error).
_MORE = r'(?:[ \t]+(?:[^"\s{}][^"{}\n]*+(?:"[^"\\\n]*+"[^"{}\n]*+)*+(?=\n)|([^"\s][^\n]*)))?'
_TRANS_REST = (r'(?:([^\s"{}]+)[ \t]+\{([^{}\n]*)\}[ \t]+(-?\d{1,16})(?:\.([0-9])([0-9])?)?'
               r'(?:[ \t]+(?:(\d{8})|"")(?:[ \t]+"([^"\\\n]*)"' + _MORE + r')?)?[ \t]*\r?\n|([^\n]*)\n)')
# The lines between two vouchers' #TRANS in the common form: '}', '#VER series number date "text" ...', '{';
# "series number" as one group where one space parts them (nearly always), else series and number.
_HEAD = (r'\}[ \t]*\r?\n[ \t]*#VER[ \t]+(?:([^"\s{}]+ [^"\s{}]+)|'
         r'(?:"([^"\s\\]*)"|([^"\s{}]+))[ \t]+(?:"([^"\s\\]*)"|([^"\s{}]+)))'
         r'[ \t]+(\d{8})(?:[ \t]+"([^"\\\n]*)"' + _MORE + r')?[ \t]*\r?\n[ \t]*\{[ \t]*\r?\n[ \t]*')
# One match per #TRANS line: the lines before it since the last one -- none (the common case, tried first),
# a voucher head in the common form (groups 1-8: "series number" or series and number, quoted or not; date,
# text, odd fields after it) or the lines as they are (9: read one by one; the first one's leading blanks are
# not in it) -- and the #TRANS in the common form (10-17: account, object list, whole kronor, tiotal and öre,
# date, text, odd fields after it) or as it is (18: by ``tokens``).  The öre are ASCII digits, one group each
# (one-character strings are shared: nothing is made for them); another digit, which int() reads, goes the
# plain way.
_STEP = re.compile(r'[ \t]*(?:|' + _HEAD + r'|((?:(?![ \t]*#TRANS[ \t])[^\n]*\n)+)[ \t]*)#TRANS[ \t]+'
                   + _TRANS_REST)
_TRANS_START = re.compile(r'^[ \t]*#TRANS[ \t]', re.M)
_CHUNK = 1 << 16  # characters per findall: a chunk's strings stay in the CPU cache (4 M chars: 1.4x slower)
HEADER_LABELS = ("#DIM", "#UNDERDIM", "#SIETYP", "#FORMAT", "#FLAGGA", "#PROGRAM")


def _tuples(matches: list[tuple], width: int) -> np.ndarray:
    """findall's tuples as a 2-D object array (pandas' C conversion, a third of zip's time)."""
    if not matches:
        return np.empty((0, width), dtype=object)
    if to_object_array_tuples is None:  # pragma: no cover - a pandas without it
        return np.array(matches, dtype=object)
    return to_object_array_tuples(matches)


class _Codes:
    """Numbers for distinct strings, in the order first seen, over all chunks: a million rows keep a
    number each, and each distinct account, object list, date or text is one string."""

    def __init__(self):
        self.index: defaultdict[str, int] = defaultdict()
        self.index.default_factory = self.index.__len__

    def __call__(self, values) -> np.ndarray:
        return np.fromiter(map(self.index.__getitem__, values), dtype=np.int64, count=len(values))

    def one(self, value: str) -> int:
        return self.index[value]

    def strings(self) -> np.ndarray:
        out = np.empty(len(self.index), dtype=object)
        out[:] = list(self.index)
        return out


BLANK, TRANS, VER, OPEN, CLOSE, HISTORY, LABEL = range(7)


class _Line:
    __slots__ = ("path", "number")

    def __init__(self, path: Path, number: int):
        self.path, self.number = path, number

    def error(self, message: str) -> UserError:
        return UserError(message, file=f"{self.path}:{self.number}")


def tokens(line: str, where: _Line, broken: list | None = None) -> list[str | list[str]]:
    """The fields of a line: strings unquoted, an object list as a list of its fields.  A string
    without its closing quote runs to the end of the line: an error, or, with ``broken`` (a list),
    taken as it is and noted there."""
    out: list[str | list[str]] = []
    for match in _TOKEN.finditer(line):
        quoted, braces, bare, stray = match.groups()
        if stray:
            if stray == '"' and broken is not None:
                rest = line[match.end():].rstrip()
                out.append(_ESCAPE.sub(r"\1", rest) if "\\" in rest else rest)
                broken.append(where.number)
                break
            raise where.error(f"unexpected {stray!r} (an unterminated string or object list?)")
        if braces:
            inner = tokens(braces[1:-1], where)
            out.append([t for t in inner if isinstance(t, str)])
        elif bare:
            out.append(bare)
        else:
            out.append(_ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted)
    return out


def _ore(amount: str, where: _Line) -> int:
    """A SIE amount (a decimal point, at most two decimals by the format) in öre; more decimals (float
    noise, a SQL scale) are accepted within 0.000001 kr of a whole öre."""
    m = _AMOUNT.fullmatch(amount)
    if m:
        sign, whole, frac = m.groups()
        value = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
        return -value if sign else value
    if re.fullmatch(r"-?\d{1,16}\.\d{3,}", amount):
        exact = Decimal(amount)
        rounded = exact.quantize(Decimal("0.01"))
        if abs(exact - rounded) > AMOUNT_TOLERANCE:
            raise where.error(f"'{amount}' is not whole öre (a fraction of an öre)")
        return int(rounded.scaleb(2))
    raise where.error(f"'{amount}' is not an amount")


def _slow_trans(text: str, where: _Line, broken: list) -> tuple[str, str, int, str, str]:
    """(konto, object list text, öre, date or "", text) of a #TRANS the fast pattern did not take."""
    fields = tokens(text, where, broken)
    if len(fields) < 4 or not isinstance(fields[2], list) or not isinstance(fields[1], str) \
            or not isinstance(fields[3], str):
        raise where.error("#TRANS needs an account, an object list {...} and an amount")
    start = text.index("{")
    inner = text[start + 1:text.index("}", start)]
    date = fields[4] if len(fields) > 4 and isinstance(fields[4], str) else ""
    if date and not _DATE.fullmatch(date):
        raise where.error(f"'{date}' is not a date (YYYYMMDD)")
    trans_text = fields[5] if len(fields) > 5 and isinstance(fields[5], str) else ""
    return fields[1], inner, _ore(fields[3], where), date, trans_text


def _slow_ver(text: str, where: _Line, broken: list) -> tuple[str, str, str]:
    fields = tokens(text, where, broken)
    if len(fields) < 4 or not all(isinstance(f, str) for f in fields[1:4]):
        raise where.error("#VER needs a series, a number and a date")
    series, verno, date = fields[1], fields[2], fields[3]
    if not _DATE.fullmatch(date):
        raise where.error(f"'{date}' is not a date (YYYYMMDD)")
    vertext = fields[4] if len(fields) > 4 and isinstance(fields[4], str) else ""
    return f"{series} {verno}".strip(), date, vertext


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    head = raw[:1 << 20]
    declared = "cp437" if re.search(rb'^[ \t]*#FORMAT[ \t]+"?PC8"?', head, re.M) else None
    codec, why = sniff_encoding(raw, declared)
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:  # pragma: no cover - sniff_encoding checked it
        codec, why = "latin-1", "Latin-1"
        text = raw.decode(codec)
    text = text.lstrip("\ufeff")
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    return text, why


def _dimension_list(names: dict[str, str], used: set[str]) -> str:
    shown = [f"{d} '{names[d]}'" for d in sorted(names, key=_dim_order)]
    shown += [f"{d} (used, not declared)" for d in sorted(used - set(names), key=_dim_order)]
    return ", ".join(shown) or "none"


def _dim_order(d: str):
    return (0, int(d)) if d.isdigit() else (1, d)


def _assign(path: Path, names: dict[str, str], used: set[str], columns: dict[str, str] | None):
    """field -> dimension number, and notes on the choice: the user's mapping (a number or a
    dimension's name), then the names by tiers (``ledger.HEADER_PATTERNS``), then the standard numbers."""
    assign: dict[str, str] = {}
    notes: list[str] = []
    for name in OBJECT_FIELDS:
        value = str((columns or {}).get(name, "")).strip()
        if not value:
            continue
        if value in names or value in used or (value.isdigit() and value in STANDARD_DIMS):
            assign[name] = value
            continue
        hits = [d for d, n in names.items() if normalise_header(n) == normalise_header(value)]
        if len(hits) != 1:
            raise UserError(f"--columns {name}={value}: {'no' if not hits else 'more than one'} dimension "
                            f"{value!r} in the file (dimensions: {_dimension_list(names, used)}); give a number "
                            "or a name of these", file=path)
        assign[name] = hits[0]
    for name in OBJECT_FIELDS:
        if name in assign:
            continue
        taken = set(assign.values())
        found = [[d for d in sorted(names, key=_dim_order) if d not in taken and pattern.match(normalise_header(names[d]))]
                 for pattern in HEADER_PATTERNS[name]]
        found = [hits for hits in found if hits]
        if not found:
            continue
        best = found[0]
        if len(best) > 1 and name in ("objekt", "aktivitet"):
            shown = " and ".join(f"{d} '{names[d]}'" for d in best)
            raise UserError(f"dimensions {shown} can both be the {name}; say which with --columns {name}=<number or "
                            "name>", file=path)
        assign[name] = best[0]
        aside = [d for hits in found for d in hits if d != best[0]]
        if aside:
            notes.append(f"{name} from dimension {best[0]} '{names[best[0]]}', not "
                         + " or ".join(f"{d} '{names[d]}'" for d in aside) + f" (choose with --columns {name}=<number>)")
    for number, name in STANDARD_DIMS.items():
        if name not in assign and number not in assign.values():
            assign[name] = number
    if "objekt" not in assign:
        raise UserError(f"no dimension named Objekt among the #DIM declarations (dimensions: "
                        f"{_dimension_list(names, used)}); name it with --columns objekt=<dimension number> "
                        "(or its name)", file=path)
    shown = ", ".join(f"{n} = dimension {assign[n]}" + (f" '{names[assign[n]]}'" if assign[n] in names else "")
                      for n in OBJECT_FIELDS if n in assign)
    return assign, [shown] + notes


class _Reader:
    """The state of one read: per chunk of the text the #TRANS rows (vectorised), the common voucher
    heads, and every other line one by one (the header, blank lines, unusual blocks, the end)."""

    def __init__(self, path: Path):
        self.path = path
        self.trans: list[tuple] = []  # (line, konto, inner, ore, date, text) arrays per chunk, and slow rows
        self.vers: list[tuple] = []  # (line, verifikation, date, text) arrays per chunk, and slow ones
        self.slow_t: list[tuple] = []
        self.slow_v: list[tuple] = []
        self.fills: list[tuple[np.ndarray, int]] = []  # (line indices, kind)
        self.other: list[tuple[int, int]] = []  # (line index, kind) of lines read one by one
        self.labels: dict[int, str] = {}
        self.names: dict[str, str] = {}
        self.info = {"sietyp": None, "program": None, "sie": False}
        self.broken: list[int] = []
        self.first_error: list = []
        # the accounts numbered like the object lists and dates: the frame's column then holds each distinct
        # account once (kept as read, 1 M strings cost ~140 MB more at utfall's full size, for no time saved)
        self.konto, self.inner, self.date = _Codes(), _Codes(), _Codes()
        self.lines = 0

    def chunk(self, text: str, pos: int, end: int) -> None:
        a = _tuples(_STEP.findall(text, pos, end), 18)
        n = len(a)
        head = a[:, 5].astype(bool)  # a voucher head in the common form: 3 lines
        gap_lines = head * 3
        if text.count("\n", pos, end) != n + int(gap_lines.sum()):  # lines not in the common form
            gaps = a[:, 8]
            other = np.flatnonzero(gaps.astype(bool))
            for i in other:
                gap_lines[i] = gaps[i].count("\n")
        else:
            other = ()
        line = self.lines + np.cumsum(gap_lines) + np.arange(n)
        for i in other:  # lines not in the common form: one by one
            start = int(line[i] - gap_lines[i])
            for k, text_line in enumerate(gaps[i].split("\n")[:-1]):
                self.line(text_line, start + k)
        strict = a[:, 9].astype(bool)
        for i in np.flatnonzero(~strict):
            self.slow_trans(a[i, 17], int(line[i]))
        self.fills.append((line[strict], TRANS))
        heads = line[head]
        self.fills += [(heads - 3, CLOSE), (heads - 2, VER), (heads - 1, OPEN)]
        for i in np.flatnonzero(a[:, 16].astype(bool)):  # odd fields after a #TRANS text
            self.more(a[i, 16], int(line[i]))
        if len(heads):
            fields = a[head, 7]
            for i in np.flatnonzero(fields.astype(bool)):  # ... and after a #VER text
                self.more(fields[i], int(heads[i]) - 2)
            verifikation = a[head, 0]
            parted = np.flatnonzero(verifikation == "")  # series and number not parted by one space
            if len(parted):
                series, number = (a[head, i][parted] + a[head, i + 1][parted] for i in (1, 3))
                verifikation[parted] = np.where(series == "", number, np.where(number == "", series,
                                                                               series + " " + number))
            self.vers.append((heads - 2, verifikation, self.date(a[head, 5]), a[head, 6]))
        if strict.any():
            rows = slice(None) if strict.all() else strict

            def column(i):
                return a[rows, i]
            whole = column(11)
            ore = whole.astype(np.int64)
            negative = ore < 0
            zero = np.flatnonzero(ore == 0)  # -0.50, -00.50: the sign is only in the text
            negative[zero] = [w.startswith("-") for w in whole[zero].tolist()]
            digits = np.maximum(a[rows, 12:14].astype("U1").view(np.uint32), 48) - 48  # "" is 0
            ore = np.abs(ore) * 100 + digits[:, 0] * 10 + digits[:, 1]
            ore[negative] = -ore[negative]
            self.trans.append((line[strict], self.konto(column(9)), self.inner(column(10)), ore, self.date(column(14)),
                               column(15).copy()))
        self.lines += int(gap_lines.sum()) + n

    def more(self, fields: str, index: int) -> None:
        """The fields after the text of a line in the common form, where they hold a quote or a brace."""
        try:
            tokens(fields, _Line(self.path, index + 1), self.broken)
        except UserError as exc:
            self.failed(index, exc)

    def object_lists(self, inner: np.ndarray, lines: np.ndarray) -> None:
        """An object list with an unclosed quote (or an escape that leaves one) is an error at its first line,
        as the plain way finds it there (an odd number of fields is said later, by ``_object_pairs``)."""
        suspect = [(u, value) for u, value in enumerate(self.inner.index) if value.count('"') % 2 or "\\" in value]
        if not suspect:
            return
        codes, rows = np.unique(inner, return_index=True)  # each list's first row, found in one pass (not one
        first_row = dict(zip(codes.tolist(), rows.tolist()))  # pass per list: many odd lists were quadratic)
        for u, value in suspect:
            first = int(lines[first_row.get(u, 0)])
            try:
                tokens(value, _Line(self.path, first + 1))
            except UserError as exc:
                self.failed(first, exc)

    def add_slow(self, index: int, row: tuple) -> None:
        konto, inner, ore, date, text = row
        self.slow_t.append((index, self.konto.one(konto), self.inner.one(inner), ore, self.date.one(date), text))

    def failed(self, index: int, exc: UserError) -> None:
        if not self.first_error or index < self.first_error[0]:
            self.first_error[:] = [index, exc]

    def past_error(self, index: int) -> bool:
        return bool(self.first_error) and index > self.first_error[0]

    def slow_trans(self, rest: str, index: int) -> None:
        self.other.append((index, TRANS))
        if self.past_error(index):
            return
        try:
            self.add_slow(index, _slow_trans("#TRANS " + rest.rstrip("\r"), _Line(self.path, index + 1),
                                             self.broken))
        except UserError as exc:
            self.failed(index, exc)

    def line(self, text: str, index: int) -> None:
        """One line that is not in the common form: its kind, and what it says."""
        stripped = text.strip()
        if not stripped:
            return  # BLANK, the default
        if stripped in ("{", "}"):
            self.other.append((index, OPEN if stripped == "{" else CLOSE))
            return
        label = stripped.split(None, 1)[0]
        kind = {"#TRANS": TRANS, "#VER": VER, "#RTRANS": HISTORY, "#BTRANS": HISTORY}.get(label, LABEL)
        self.other.append((index, kind))
        if kind == HISTORY or (self.past_error(index) and label not in HEADER_LABELS):
            return
        where = _Line(self.path, index + 1)
        try:
            if not stripped.startswith("#"):
                raise where.error("a line of a SIE file starts with a #LABEL")
            if kind == TRANS:
                self.add_slow(index, _slow_trans(stripped, where, self.broken))
            elif kind == VER:
                verifikation, date, text = _slow_ver(stripped, where, self.broken)
                self.slow_v.append((index, verifikation, self.date.one(date), text))
            else:
                self.labels[index] = label
                if label in ("#FLAGGA", "#SIETYP", "#FORMAT"):
                    self.info["sie"] = True
                if label in ("#DIM", "#UNDERDIM"):
                    fields = tokens(stripped, where)
                    if len(fields) < 3 or not all(isinstance(f, str) for f in fields[1:3]):
                        raise where.error(f"{label} needs a number and a name")
                    self.names[fields[1]] = fields[2]
                elif label == "#SIETYP":
                    fields = tokens(stripped, where)
                    self.info["sietyp"] = str(fields[1]) if len(fields) > 1 else None
                elif label == "#PROGRAM":
                    fields = tokens(stripped, where, [])
                    self.info["program"] = " ".join(str(f) for f in fields[1:3] if isinstance(f, str))
        except UserError as exc:
            self.failed(index, exc)

    def kinds(self) -> np.ndarray:
        kind = np.full(self.lines, BLANK, dtype=np.int8)
        for lines, k in self.fills:
            kind[lines] = k
        if self.other:
            index, k = (np.array(c, dtype=np.int64) for c in zip(*self.other))
            kind[index] = k
        return kind

    def columns(self, parts: list[tuple], slow: list[tuple], width: int) -> list[np.ndarray]:
        """The rows of the fast chunks and the slow lines as columns, in line order."""
        cols = [np.concatenate(c) for c in zip(*parts)] if parts else \
            [np.zeros(0, np.int64)] + [np.zeros(0, object)] * (width - 1)
        if slow:
            extra = list(zip(*slow))
            cols = [np.concatenate((a, np.array(b, dtype=a.dtype))) for a, b in zip(cols, extra)]
            order = np.argsort(cols[0], kind="stable")
            cols = [a[order] for a in cols]
        return cols


def _last_trans_end(text: str) -> int:
    """The end of the last line that is a #TRANS (0: none)."""
    i = len(text)
    while True:
        i = text.rfind("#TRANS", 0, i)
        if i < 0:
            return 0
        start = text.rfind("\n", 0, i) + 1
        if not text[start:i].strip(" \t") and text[i + 6:i + 7] in (" ", "\t"):
            return text.find("\n", i) + 1


def _scan_fast(reader: _Reader, text: str) -> None:
    """Every line of the text into the reader: the chunks up to the last #TRANS by ``_Reader.chunk``,
    the rest (the end of the file) one by one."""
    last = _last_trans_end(text)
    pos = 0
    while pos < last:
        found = _TRANS_START.search(text, min(pos + _CHUNK, last), last)
        end = text.find("\n", found.start()) + 1 if found else last
        reader.chunk(text, pos, end)
        pos = end
    for k, other in enumerate(text[last:].split("\n")[:-1]):
        reader.line(other, reader.lines + k)
    reader.lines += text.count("\n", last)


def _scan_plain(reader: _Reader, text: str) -> None:
    """Every line one by one (``_Reader.line``): the plain reading the fast one must equal (tests)."""
    for k, line in enumerate(text.split("\n")[:-1]):
        reader.line(line, k)
    reader.lines = text.count("\n")


_scan = _scan_fast


def read_sie(path: Path | str, columns: dict[str, str] | None = None, objekt=None) -> pd.DataFrame:
    """The transactions of a SIE 4 file as the ledger frame (see ``ledger``).  ``columns`` may map a
    field to a dimension's number or name: {"objekt": "20"}, {"aktivitet": "Projekt"}.  With
    ``objekt`` (codes) only the transactions on those objekt are kept."""
    path = Path(path)
    raw, _ = file_bytes(path)  # a SIE file saved as UTF-16 by an editor: read as the text it is
    if b"\x00" in raw:
        raise UserError("not a SIE file: it holds binary (NUL) bytes", file=path)
    text, encoding = _decode(path, raw)
    del raw
    if text and not text.endswith("\n"):
        text += "\n"
    reader = _Reader(path)
    _scan(reader, text)
    del text
    kind = reader.kinds()
    t_line, t_konto, t_inner, t_ore, t_date, t_text = reader.columns(reader.trans, reader.slow_t, 6)
    t_line, t_konto, t_inner, t_ore, t_date = (c.astype(np.int64) for c in (t_line, t_konto, t_inner, t_ore, t_date))
    v_line, v_ver, v_date, v_text = reader.columns(reader.vers, reader.slow_v, 4)
    v_line, v_date = v_line.astype(np.int64), v_date.astype(np.int64)
    reader.object_lists(t_inner, t_line)
    _check_structure(path, kind, reader.labels, reader.first_error)
    info, names = reader.info, reader.names
    if not len(v_line):
        if not info["sie"] and not len(t_line):
            raise UserError("not a SIE file (no #FLAGGA, #SIETYP or #FORMAT)", file=path)
        typ = f"#SIETYP {info['sietyp']}" if info["sietyp"] else "no #SIETYP"
        raise UserError(f"this file has no vouchers ({typ}): utfall needs SIE type 4 (with #VER and #TRANS); "
                        "export SIE 4 from the accounting program", file=path)

    # Per transaction: its #VER (the last before it), its row in the block.
    ver_of = np.searchsorted(v_line, t_line) - 1
    opened = np.maximum.accumulate(np.where(kind == OPEN, np.arange(len(kind)), -1))[t_line]
    rad = np.arange(len(t_line)) - np.searchsorted(opened, opened) + 1
    del kind

    # The object lists: each distinct one worked out once, all of them by one findall.
    uniques = reader.inner.strings()
    owner, dims, objs = _object_pairs(path, uniques, t_inner, t_line)
    assign, dim_notes = _assign(path, names, set(pd.unique(dims).tolist()), columns)
    per_unique = {}
    for f in OBJECT_FIELDS:
        values = np.full(len(uniques) + 1, "", dtype=object)
        if f in assign:
            mine = dims == assign[f]
            values[owner[mine]] = objs[mine]
        per_unique[f] = values
    if objekt is not None:
        keep = on_objekt(pd.Series(per_unique["objekt"], dtype=object), objekt)[t_inner]
        t_line, t_konto, t_inner, t_ore, t_date, t_text, ver_of, rad = \
            (a[keep] for a in (t_line, t_konto, t_inner, t_ore, t_date, t_text, ver_of, rad))

    # A #TRANS without a date or text has its #VER's.
    empty_date = reader.date.index.get("", -1)
    dates = np.where(t_date == empty_date, v_date[ver_of], t_date) if len(ver_of) else t_date
    days = pd.to_datetime(pd.Series(reader.date.strings(), dtype=object), format="%Y%m%d", errors="coerce")
    outside = days.notna() & ((days < pd.Timestamp.min) | (days > pd.Timestamp.max))  # 99991231: no datetime64[ns]
    bad = (days.isna() | outside).to_numpy()[dates]
    if bad.any():
        i = int(np.argmax(bad))
        why = " the ledger can hold (1677-09-22 to 2262-04-11)" if outside.to_numpy()[dates[i]] else ""
        raise UserError(f"'{reader.date.strings()[dates[i]]}' is not a date{why}", file=f"{path}:{int(t_line[i]) + 1}")
    texts = t_text  # the reader's own array: filled in place
    if len(ver_of):
        empty = np.flatnonzero(t_text == "")
        texts[empty] = v_text[ver_of[empty]]
    rad_text = np.array([str(i) for i in range(int(rad.max()) + 1 if len(rad) else 1)], dtype=object)
    frame = pd.DataFrame(copy=False, data={
        "date": pd.Series(days.to_numpy()[dates], dtype="datetime64[ns]"),
        "verifikation": pd.Series(v_ver[ver_of] if len(ver_of) else [], dtype=object),
        "rad": pd.Series(rad_text[rad], dtype=object),
        "konto": pd.Series(reader.konto.strings()[t_konto], dtype=object),
        "text": pd.Series(texts, dtype=object),
        **{f: pd.Series(per_unique[f][t_inner], dtype=object) for f in OBJECT_FIELDS},
        "period": "",  # SIE 4 dates each voucher; it has no period per transaction
        "ore": pd.Series(t_ore, dtype=np.int64),
        "file": str(path),
        "line": pd.Series(t_line + 1, dtype=np.int64),
    })
    typ = info["sietyp"] or "4"
    notes = [f"SIE {typ}" + (f" from {info['program']}" if info["program"] else ""),
             f"encoding {encoding}", "dimensions: " + dim_notes[0]] + dim_notes[1:]
    warnings = []
    broken = sorted(reader.broken)
    if broken:
        shown = ", ".join(str(n) for n in broken[:5]) + (" …" if len(broken) > 5 else "")
        warnings.append(f"{len(broken)} rad(er) med en text utan avslutande citattecken lästes ändå (rad {shown}); "
                        "beloppen står före texten, men kontrollera texterna")
    if info["sietyp"] and info["sietyp"] not in ("4", "4I", "4E", "4i", "4e"):
        warnings.append(f"filen anger #SIETYP {info['sietyp']} men har verifikationer; de lästes")
    frame.attrs = {"ledger": {"file": str(path), "notes": notes, "warnings": warnings}}
    return frame


# The pairs of an object list in the common form: a dimension number and a quoted object; anything else
# runs to the end of its list (then ``tokens`` reads that list: a bare object, a quoted number, an escape,
# a broken quote, an odd number of fields).
_PAIRS = re.compile(r'(\n)|[ \t]*(?:(\d+)[ \t]+"([^"\\\n]*)"|(\S[^\n]*))')


def _object_pairs(path: Path, uniques: np.ndarray, codes: np.ndarray, lines: np.ndarray):
    """(the distinct list each pair is in, its dimension, its object) over all distinct object lists."""
    parts = []
    for start in range(0, len(uniques), 1 << 14):  # in pieces: the match tuples of a piece stay small
        found = _tuples(_PAIRS.findall("\n".join(uniques[start:start + (1 << 14)].tolist()) + "\n"), 4)
        newline = found[:, 0].astype(bool)
        pair = ~newline
        parts.append(((np.cumsum(newline) - newline)[pair] + start, found[pair, 1], found[pair, 2],
                      found[pair, 3].astype(bool)))
    owner, dims, objs, stray = (np.concatenate(c) for c in zip(*parts)) if parts else \
        (np.zeros(0, np.int64), np.zeros(0, object), np.zeros(0, object), np.zeros(0, bool))
    if stray.any():  # an escape, a broken quote, an odd number of fields: said by tokens, naming the line
        slow = np.unique(owner[stray])
        keep = ~np.isin(owner, slow)
        owner, dims, objs = [owner[keep]], [dims[keep]], [objs[keep]]
        for u in slow.tolist():
            where = _Line(path, int(lines[int(np.argmax(codes == u))]) + 1)
            items = [t for t in tokens(uniques[u], where) if isinstance(t, str)]
            if len(items) % 2:
                raise where.error("the object list must hold pairs of dimension and object")
            owner.append(np.full(len(items) // 2, u, dtype=np.int64))
            dims.append(np.array(items[::2], dtype=object))
            objs.append(np.array(items[1::2], dtype=object))
        owner, dims, objs = (np.concatenate(a) for a in (owner, dims, objs))
    return owner, dims, objs


def _check_structure(path: Path, kind: np.ndarray, labels: dict[int, str], first_error: list) -> None:
    """The blocks: ``{`` after a #VER, #TRANS only inside, nothing but #TRANS/#RTRANS/#BTRANS inside,
    every block closed.  The first broken line (by line number) is the error."""
    problems: list[tuple[int, str]] = []
    if first_error:
        problems.append((first_error[0], first_error[1]))
    index = np.arange(len(kind))
    opens, closes = kind == OPEN, kind == CLOSE
    depth_after = np.cumsum(opens, dtype=np.int64) - np.cumsum(closes, dtype=np.int64)
    depth = depth_after - opens + closes
    last_ver = np.maximum.accumulate(np.where(kind == VER, index, -1)) if len(kind) else index
    last_close = np.maximum.accumulate(np.where(closes, index, -1)) if len(kind) else index

    def first(mask, message):
        hits = np.flatnonzero(mask)
        if len(hits):
            problems.append((int(hits[0]), message))

    first(closes & (depth != 1), "'}' without a block to close")
    first(opens & ((depth != 0) | (last_ver <= last_close)), "'{' without a #VER before it")
    first((kind == TRANS) & (depth != 1), "#TRANS outside a #VER { ... } block")
    first((kind == VER) & (depth != 0), "#VER inside a #VER block (a missing '}'?)")
    inside = np.flatnonzero((kind == LABEL) & (depth != 0))
    if len(inside):
        i = int(inside[0])
        problems.append((i, f"{labels.get(i, 'a line')} inside a #VER block (a missing '}}'?)"))
    if len(kind) and depth_after[-1] > 0:
        problems.append((len(kind) - 1, "the file ends inside a #VER block (a missing '}')"))
    if problems:
        line, problem = min(problems, key=lambda p: p[0])
        if isinstance(problem, UserError):
            raise problem
        raise UserError(problem, file=f"{path}:{line + 1}")


read = read_sie  # the reader of ledger.formats
