"""Ledger exports written for the ledger reader, matching and utfall tests: CSV lines in an encoding, the decision-
support workbook they match, two years of exports, and the CLI in a subprocess."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
import subprocess
import sys

from tests.conftest import ROOT

from xl_statsbidrag.core.model import Activity, Agreement, DecisionBook, Objekt, Pot


def cli(*args, check_traceback=True):
    done = subprocess.run([sys.executable, "-m", "xl_statsbidrag", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)
    if check_traceback:
        assert "Traceback" not in done.stderr, done.stderr
    return done


def book(period=(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), activities=(("A", "100", "K1"), ("B", "100", "K2"))):
    ag = Agreement("Test", period[0].year, [Pot("P", Decimal(1000000))], [Objekt("100")], period_start=period[0],
                   period_end=period[1])
    acts = [Activity(row=5 + i, name=n, verksamhet="V", amount=Decimal(1000), objekt=o, code=c, sheet="Aktiviteter",
                     columns={"name": "A", "actual": "J", "code": "H", "objekt": "G"})
            for i, (n, o, c) in enumerate(activities)]
    return DecisionBook("test.xlsx", ag, acts)


def write_lines(path: Path, lines: list[str], encoding="cp1252", newline="\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def ore_text(ore: int, decimal=",") -> str:
    return f"{'-' if ore < 0 else ''}{abs(ore) // 100}{decimal}{abs(ore) % 100:02d}"


# --- 1. several files: nothing dropped -------------------------------------------------------------------

def year_rows(year: int, n: int = 40):
    """A year's rows: voucher numbers 1..n restart each year, as in every Swedish system."""
    return [(f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", str(1 + i), "1", "4010" if i % 3 else "5010", "100",
             ("K1", "K2", "")[i % 3], 10_000 + 137 * i + (year - 2019)) for i in range(n)]


def year_csv(path: Path, rows) -> Path:
    lines = ["Datum;Ver.nr;Rad;Konto;Objekt;Aktivitet;Belopp"]
    lines += [";".join([d, v, r, k, o, c, ore_text(ore)]) for d, v, r, k, o, c, ore in rows]
    return write_lines(path, lines)


def write(tmp_path, text: str, encoding="utf-8", name="h.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path
