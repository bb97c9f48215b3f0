"""CSV text that is safe to open in Excel: fields Excel would take for a formula are defused, and
fields are quoted whichever list separator (comma, or the semicolon of Swedish Excel) the reader uses."""
from __future__ import annotations

import re
from decimal import Decimal

_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")
_CSV_QUOTE = (",", ";", '"', "\n", "\r")


def _defuse(text: str) -> str:
    if text.startswith(_CSV_RISKY):
        try:
            Decimal(text)
        except Exception:
            return "'" + text
    return text


def csv_text(value: object) -> str:
    """A text field for a CSV that Excel may open: one that Excel would take for a formula gets a
    leading apostrophe (numbers such as "-280" stay numbers), and so does each piece after a "," or
    ";" inside it, which a reader splitting on the other separator takes for a field of its own."""
    text = "" if value is None else str(value)
    return re.sub(r"(?<=[,;])[^,;]*", lambda m: _defuse(m.group(0)), _defuse(text))


def csv_line(fields: list[object], sep: str = ",", end: str = "\n") -> str:
    """One CSV line (comma separated, or ``sep``) that is safe whichever list separator the reader uses:
    every field is defused (``csv_text``), and one that contains a comma, a semicolon (Swedish Excel's
    separator), a quote or a line break is quoted.  With another ``sep`` (an import file whose separator
    is stated, such as the closing entries' ";"), a field is quoted for that separator alone, so that a
    decimal comma stays unquoted."""
    quoted = _CSV_QUOTE if sep == "," else (sep, '"', "\n", "\r")
    out = []
    for value in fields:
        text = csv_text(value)
        if any(ch in text for ch in quoted) or text != text.strip():
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return sep.join(out) + end


class CsvWriter:
    """``csv.writer``'s ``writerow`` and ``writerows`` with ``csv_line``."""

    def __init__(self, stream):
        self.stream = stream

    def writerow(self, fields) -> None:
        self.stream.write(csv_line(list(fields)))

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)
