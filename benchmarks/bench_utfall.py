"""Utfall from a large ledger export, against a bare pandas.read_csv + groupby of the same file; and the
SIE 4 reader.  Run by hand (not by the tests):

    python benchmarks/bench_utfall.py            # 0.25, 0.5, 1 and 2 million rows; SIE 500 000
    python benchmarks/bench_utfall.py --quick    # 0.1 million rows; SIE 50 000

Each measurement runs in a fresh process, so that its peak memory (ru_maxrss) is its own.  Targets
(issue 12): utfall within 1.5x of the bare read + groupby, peak memory under 2 GB at 2 M rows
(~200 MB); the SIE file of 500 000 transactions read in under 10 s.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKBOOK = ROOT / "workbooks" / "beslutsunderlag_2019.xlsx"

PEAK = """
import sys, time
def peak():  # this process's own high-water mark (ru_maxrss would carry the parent's over the exec)
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
"""
BASELINE = PEAK + """
t = time.perf_counter()
import pandas as pd
frame = pd.read_csv(sys.argv[1], sep=";", decimal=",", encoding="cp1252", skiprows=1)
sums = frame.groupby(["Objekt", "Projekt"])["Belopp"].sum()
print(time.perf_counter() - t, peak())
"""
UTFALL = PEAK + """
sys.path.insert(0, sys.argv[3])
t = time.perf_counter()
from xl_statsbidrag.jobs import utfall_file
utfall_file(sys.argv[2], [sys.argv[1]], sys.argv[4])
print(time.perf_counter() - t, peak())
"""
SIE = PEAK + """
sys.path.insert(0, sys.argv[3])
t = time.perf_counter()
from xl_statsbidrag.sie import read_sie
frame = read_sie(sys.argv[1])
assert len(frame) == int(sys.argv[2]), len(frame)
print(time.perf_counter() - t, peak())
"""


def generate_csv(path: Path, rows: int, seed: int = 12) -> None:
    """A year of a large region's ledger: 200 objekt, and 9902 and 9917 with 0.4 % of the rows (a 41 MSEK
    grant in a region that turns over some 10 000 MSEK),
    the 2019 example's activity codes, cost and other accounts, öre amounts."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
    objekt = rng.integers(1000, 1200, rows).astype(str)
    hit = rng.random(rows) < 0.004
    objekt[hit] = rng.choice(["9902", "9917"], hit.sum())
    codes = np.array([f"P19{i:02d}" for i in range(1, 24)] + ["", "P1999"])
    ore = rng.integers(-500_000, 5_000_000, rows)
    frame = pd.DataFrame({
        "Bokf.datum": days.strftime("%Y-%m-%d"),
        "Verifikation": rng.integers(100000, 999999, rows).astype(str),
        "Rad": rng.integers(1, 20, rows).astype(str),
        "Konto": rng.choice(["3010", "4010", "5010", "6550", "7010", "7510", "2440", "8420"], rows),
        "Kontonamn": rng.choice(["Förbrukningsmaterial", "Lokalhyror", "Konsulttjänster", "Löner tillsvidare",
                                 "Sociala avgifter enl lag", "Leverantörsskulder"], rows),
        "Ansvar": rng.integers(100, 999, rows).astype(str),
        "Verksamhet": rng.choice(["HoS", "HOSPA", "Regionstab", "Folktandvård", "PV Vårdval"], rows),
        "Projekt": rng.choice(codes, rows),
        "Objekt": objekt,
        "Text": rng.choice(["Leverantörsfaktura", "Lön", "Konsultarvode enligt avtal", "Material och förnödenheter",
                            "Hyra lokal Östersund"], rows),
        "Belopp": [f"{'-' if v < 0 else ''}{abs(v) // 100},{abs(v) % 100:02d}" for v in ore.tolist()],
    })
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write("Huvudbok 2019 (benchmark)\r\n")
        frame.to_csv(f, sep=";", index=False, lineterminator="\r\n")


def generate_sie(path: Path, transactions: int, seed: int = 4) -> None:
    rng = np.random.default_rng(seed)
    lines = ['#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4', '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"', '#DIM 20 "Objekt"']
    amounts = rng.integers(1, 5_000_000, transactions // 2).tolist()
    accounts = rng.choice(["4010", "5010", "6550", "7010"], transactions // 2).tolist()
    objekt = rng.integers(1000, 1200, transactions // 2).tolist()
    for i in range(transactions // 2):
        a = amounts[i]
        lines += [f'#VER A {i + 1} 2019{1 + i % 12:02d}15 "Verifikation {i + 1}" 20200110', "{",
                  f'   #TRANS {accounts[i]} {{1 "410" 6 "P1902" 20 "{objekt[i]}"}} {a // 100}.{a % 100:02d} '
                  f'2019{1 + i % 12:02d}15 "Faktura Östersund"',
                  f'   #TRANS 2440 {{}} -{a // 100}.{a % 100:02d}', "}"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))


def measure(code: str, *args: str) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    seconds, mb = done.stdout.split()[-2:]
    return float(seconds), float(mb)


def best(code: str, *args: str, repeat: int = 2) -> tuple[float, float]:
    runs = [measure(code, *args) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [100_000] if quick else [250_000, 500_000, 1_000_000, 2_000_000]
    sie_size = 50_000 if quick else 500_000
    with tempfile.TemporaryDirectory(prefix="bench-utfall-") as tmp:
        tmp = Path(tmp)
        print(f"{'rows':>10} {'MB':>7} {'on objekt':>9} {'read_csv+groupby':>17} {'utfall':>8} {'ratio':>6} "
              f"{'peak MB base':>13} {'peak MB utfall':>15} {'utfall s/M rows':>16}")
        for rows in sizes:
            csv = tmp / f"huvudbok_{rows}.csv"
            generate_csv(csv, rows)
            size = csv.stat().st_size / 1e6
            base_s, base_mb = best(BASELINE, str(csv))
            ours_s, ours_mb = best(UTFALL, str(csv), str(WORKBOOK), str(ROOT), str(tmp / "out.xlsx"))
            on = sum(1 for line in open(csv, encoding="cp1252") if ";9902;" in line or ";9917;" in line)
            print(f"{rows:>10,} {size:>7.1f} {on:>9,} {base_s:>16.2f}s {ours_s:>7.2f}s {ours_s / base_s:>5.2f}x "
                  f"{base_mb:>13.0f} {ours_mb:>15.0f} {ours_s / rows * 1e6:>16.2f}")
            csv.unlink()
        sie = tmp / "huvudbok.se"
        generate_sie(sie, sie_size)
        sie_s, sie_mb = best(SIE, str(sie), str(sie_size), str(ROOT))
        print(f"SIE 4: {sie_size:,} transactions, {sie.stat().st_size / 1e6:.1f} MB: read in {sie_s:.2f} s, "
              f"peak {sie_mb:.0f} MB")


if __name__ == "__main__":
    main()
