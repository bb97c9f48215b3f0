"""The text rules, defined once: how a header or label is compared, how a ledger export's header is
compared, and how a cell's text is cleaned for showing.

- ``normalise_header``: our format's labels and headers, a region's own headers, agreement names and the
  region's decisions ("räknas med"): case, spacing (no-break spaces and line breaks too), words
  hyphenated over a break ("Besluts-underlag", "besluts-\\nunderlag") and a colon or full stop around
  it ignored.
- ``normalise_ledger_header``: a ledger export's column headers, which come from databases as well as
  from people: camelCase and every run of punctuation or underscores are word breaks ('Bokf.datum' ->
  'bokf datum', 'KONTO_ID' -> 'konto id', 'VoucherDate' -> 'voucher date').
- ``is_yes``: a yes/no cell ("Ja", "x", "1", ...).
- ``clean_text``: a cell's text as it is shown again (the activity names of an imported table): a word
  hyphenated over a line break joined ("vårdvals-\\nnämnd" -> "vårdvalsnämnd"), other line breaks and
  runs of spaces as one space; case and hyphens within a line kept.
"""
from __future__ import annotations

import re

_HYPHENATED = re.compile(r"(\w)-\s*(\w)")
_HYPHENATED_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_SPACES = re.compile(r"\s+")
_CAMEL = re.compile(r"(?<=[a-zåäö])(?=[A-ZÅÄÖ])")
_PUNCTUATION = re.compile(r"[\W_]+")


def normalise_header(value: object) -> str:
    """A header or label as compared (see the module)."""
    textual = str(value or "").casefold()
    textual = _HYPHENATED.sub(r"\1\2", textual)
    return _SPACES.sub(" ", textual).strip(" :,.")


# A yes/no cell that says yes (compared normalised): a pot's "Öronmärkt", the agreement's "Överförs",
# "Per år", the reference data's flag.
YES = frozenset({"ja", "x", "1", "true", "sant", "yes"})
NO = frozenset({"nej", "0", "false", "falskt", "no", "", "-"})  # and an empty cell: a yes/no cell that is neither is unclear


def is_yes(flag: object) -> bool:
    """Whether a yes/no cell (as text) says yes: "Ja", "x", "1" ..."""
    return normalise_header(flag) in YES


def normalise_ledger_header(value: object) -> str:
    """A ledger export's header as compared (see the module)."""
    textual = _CAMEL.sub(" ", str(value if value is not None else ""))
    return _PUNCTUATION.sub(" ", textual.casefold()).strip()


def clean_text(textual: str) -> str:
    """A cell's text for showing (see the module)."""
    return _SPACES.sub(" ", _HYPHENATED_BREAK.sub(r"\1\2", textual)).strip()
