"""Reading ledger exports: ``read`` (a file, by its format's reader: ``formats``), ``read_ledger`` (the
same with a ``Decimal`` column, for analysts) and ``check_distinct`` (the same export given twice)."""
from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd

from ..core.errors import UserError
from ..core.money import ore_to_kr
from .formats import reader
from .frame import parse_columns


def read(path: Path, columns: dict[str, str] | None = None, objekt=None) -> pd.DataFrame:
    """The normalised frame of a ledger export (``frame``), read by its format's reader; with ``objekt``
    (codes), only the rows on those objekt are converted and kept (what utfall needs, fast on a large
    export: the other rows are never parsed).  ``frame.attrs["ledger"]``: how it was read."""
    path = Path(path)
    return reader(path)(path, columns, objekt)


def check_distinct(paths: list[Path | str]) -> None:
    """Refuse the same export given twice: two names of one file, or two files of identical content
    (compared by size, then by content, so that large exports are read only when their sizes match)."""
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


def read_ledger(path: Path | str, columns: dict[str, str] | str | None = None) -> pd.DataFrame:
    """A ledger export (CSV, .xlsx or SIE 4) as a DataFrame with the columns ``frame.COLUMNS`` and ``amount``
    (Decimal kronor, exact).  ``columns`` maps fields to headers: {"objekt": "Kostnadsobjekt"} or the
    same as text, "objekt=Kostnadsobjekt,belopp=Belopp SEK"."""
    mapping = parse_columns(columns) if isinstance(columns, str) else columns
    frame = read(Path(path), mapping)
    frame["amount"] = [ore_to_kr(v) for v in frame["ore"].tolist()]
    return frame
