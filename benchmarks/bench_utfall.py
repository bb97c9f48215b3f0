"""The whole ``utfall`` command on a large ledger export, against bare pandas in the same run (issue 22
item 10).  Run by hand (not by the tests):

    python benchmarks/bench_utfall.py              # 1 064 000 transactions, 232 800 on the agreement's objekt
    python benchmarks/bench_utfall.py --quick      # a tenth of that
    python benchmarks/bench_utfall.py --rows 200000 --on-objekt 43760 --only csv   # any size; one format
    python benchmarks/bench_utfall.py --against /path/to/older/checkout   # before and after in one run
    python benchmarks/bench_utfall.py --sweep      # 0.25-2 M rows with 0.4 % on the objekt (the table in docs/benchmarks.md)

CSV: the floor is a bare ``pandas.read_csv`` + ``groupby`` of the same file.  SIE 4 of the same size: the
floors are that read_csv + groupby of a CSV with the same transactions, and a minimal vectorised SIE reader
(``bench_sie.py``) + groupby of the SIE file itself.  Ours is the whole command, ``xl-statsbidrag utfall
BOOK LEDGER -o OUT`` run through ``cli.main`` (imports, reading the workbook, reading and matching the
ledger, writing the copy with the sheet Utfall), and beside it where its time goes (read: the ledgers;
match: ``compute``; layout: ``utfall_sheet``; write: the copy, the sheet rendered and compressed; rest: the
imports, reading the workbook, the CLI).  Each run is a fresh process, so that its peak memory (VmHWM) is
its own, with bytecode cached (as installed); the best time of the repeats counts (the machine is shared),
the medians follow; with ``--against`` the two checkouts' runs alternate.
Targets: the whole command within 2x of the floor, peak memory under 1 GB.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
WORKBOOK = ROOT / "workbooks" / "beslutsunderlag_2019.xlsx"

PEAK = """
import sys, time
def peak():  # this process's own high-water mark, MB (ru_maxrss would carry the parent's over the exec)
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
t, cpu = time.perf_counter(), time.process_time()
"""
DONE = """
print(time.perf_counter() - t, time.process_time() - cpu, peak())
"""
BASELINE = PEAK + """
import pandas as pd
frame = pd.read_csv(sys.argv[1], sep=";", decimal=",", encoding="cp1252", skiprows=1)
sums = frame.groupby(["Objekt", "Projekt"])["Belopp"].sum()
""" + DONE
UTFALL = PEAK + """
sys.path.insert(0, sys.argv[3])
import contextlib, io, os
phases = {}
import importlib
def timed(module, name, label):
    module = importlib.import_module("xl_statsbidrag." + module)
    f = getattr(module, name)
    def run(*a, **k):
        start = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            phases[label] = phases.get(label, 0) + time.perf_counter() - start
    setattr(module, name, run)
timed("app.utfall", "read", "read")
timed("app.utfall", "compute", "match")
timed("app.utfall", "utfall_sheet", "layout")
timed("xlsx.writer", "write_sheets", "write")
from xl_statsbidrag.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["utfall", sys.argv[2], sys.argv[1], "-o", sys.argv[4]])
assert code in (0, 1), code
elapsed = time.perf_counter() - t
print(" ".join(f"{k}={v:.2f}" for k, v in phases.items()), f"rest={elapsed - sum(phases.values()):.2f}")
""" + DONE


def generate(rows: int, on_objekt: int, seed: int = 22) -> pd.DataFrame:
    """A year of a large region's ledger: codings (ansvar, verksamhet, projekt, objekt) drawn from 20 000
    in use on 200 objekt, and ``on_objekt`` rows on the example's 9902 and 9917 (codings from 2 000 of
    their own, with the 2019 example's activity codes); cost and other accounts, öre amounts."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"P19{i:02d}" for i in range(1, 24)] + ["", "P1999"])
    verksamheter = np.array(["HoS", "HOSPA", "Regionstab", "Folktandvård", "PV Vårdval"])

    def codings(n: int, objekt: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"ansvar": rng.integers(100, 999, n), "verksamhet": rng.choice(verksamheter, n),
                             "projekt": rng.choice(codes, n), "objekt": objekt})
    other = codings(20_000, rng.integers(1000, 1200, 20_000).astype(str))
    ours = codings(2_000, rng.choice(["9902", "9917"], 2_000))
    coding = pd.concat([other.iloc[rng.integers(0, len(other), rows - on_objekt)],
                        ours.iloc[rng.integers(0, len(ours), on_objekt)]], ignore_index=True)
    coding = coding.iloc[rng.permutation(rows)].reset_index(drop=True)  # the objekt's rows spread over the year
    days = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
    return pd.DataFrame({
        "date": days, "ver": rng.integers(100000, 999999, rows), "rad": rng.integers(1, 20, rows),
        "konto": rng.choice(["3010", "4010", "5010", "6550", "7010", "7510", "2440", "8420"], rows),
        **{c: coding[c].to_numpy() for c in ("ansvar", "verksamhet", "projekt", "objekt")},
        "text": rng.choice(["Leverantörsfaktura", "Lön", "Konsultarvode enligt avtal", "Material och förnödenheter",
                            "Hyra lokal Östersund"], rows),
        "ore": rng.integers(-500_000, 5_000_000, rows)})


def write_csv(data: pd.DataFrame, path: Path) -> None:
    """As a finance system writes it: a title row, ';', decimal commas, cp1252, CRLF."""
    ore = data["ore"].to_numpy()
    frame = pd.DataFrame({
        "Bokf.datum": data["date"].dt.strftime("%Y-%m-%d"), "Verifikation": data["ver"].astype(str),
        "Rad": data["rad"].astype(str), "Konto": data["konto"],
        "Kontonamn": np.where(data["konto"].str.startswith("3"), "Intäkter", "Förbrukningsmaterial"),
        "Ansvar": data["ansvar"].astype(str), "Verksamhet": data["verksamhet"], "Projekt": data["projekt"],
        "Objekt": data["objekt"], "Text": data["text"],
        "Belopp": [f"{'-' if v < 0 else ''}{abs(v) // 100},{abs(v) % 100:02d}" for v in ore.tolist()]})
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write("Huvudbok 2019 (benchmark)\r\n")
        frame.to_csv(f, sep=";", index=False, lineterminator="\r\n")


def write_sie(data: pd.DataFrame, path: Path) -> None:
    """The same transactions as SIE 4 (PC8, CRLF): one #VER per ledger voucher row, its #TRANS with the
    object list {1 ansvar 6 projekt 20 objekt}."""
    lines = ['#FLAGGA 0', '#PROGRAM "Benchmark" 1.0', '#FORMAT PC8', '#SIETYP 4', '#RAR 0 20190101 20191231',
             '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"', '#DIM 20 "Objekt"']
    dates = data["date"].dt.strftime("%Y%m%d").tolist()
    for i, (ver, konto, ansvar, projekt, objekt, text, ore) in enumerate(zip(
            data["ver"].tolist(), data["konto"].tolist(), data["ansvar"].tolist(), data["projekt"].tolist(),
            data["objekt"].tolist(), data["text"].tolist(), data["ore"].tolist())):
        amount = f"{'-' if ore < 0 else ''}{abs(ore) // 100}.{abs(ore) % 100:02d}"
        objects = f'1 "{ansvar}" ' + (f'6 "{projekt}" ' if projekt else "") + f'20 "{objekt}"'
        lines += [f'#VER A {i + 1} {dates[i]} "Ver {ver}"', "{", f"   #TRANS {konto} {{{objects}}} {amount} "
                  f'{dates[i]} "{text}"', "}"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))


ENV = dict(os.environ)


def measure(code: str, *args: str) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak MB, the phases line) of one run in a fresh process."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=ENV)
    *other, last = done.stdout.strip().splitlines()
    seconds, cpu, mb = map(float, last.split())
    return seconds, cpu, mb, other[-1] if other else ""


def summary(runs: list[tuple[float, float, float, str]]) -> tuple[float, float, float, str]:
    """The best wall time, the least CPU, the highest peak and the fastest run's phases, with the medians of
    wall and CPU time after them (on a shared machine the median of interleaved runs is the steadier)."""
    fastest = min(runs, key=lambda r: r[0])
    medians = f"(median {statistics.median(r[0] for r in runs):.2f} s wall, {statistics.median(r[1] for r in runs):.2f} s CPU)"
    return fastest[0], min(r[1] for r in runs), max(r[2] for r in runs), f"{fastest[3]} {medians}".strip()


def best(code: str, *args: str, repeat: int) -> tuple[float, float, float, str]:
    return summary([measure(code, *args) for _ in range(repeat)])


def interleaved(ledger: Path, roots: list[tuple[str, Path]], out: Path, repeat: int) -> list:
    """``best`` of the command of each checkout, their runs alternated (a, b, b, a, a, b, ...), so that a
    change in the machine's load falls on both."""
    runs: list[list] = [[] for _ in roots]
    for i in range(repeat):
        for k in (range(len(roots)) if i % 2 == 0 else reversed(range(len(roots)))):
            runs[k].append(measure(UTFALL, str(ledger), str(WORKBOOK), str(roots[k][1]), str(out)))
    return [summary(r) for r in runs]


def row(name: str, size: float, result, floor) -> str:
    wall, cpu, mb, phases = result
    ratio = f"{wall / floor[0]:.2f}x wall, {cpu / floor[1]:.2f}x CPU" if floor else ""
    return f"{name:<34} {size:>7.1f} {wall:>8.2f} {cpu:>8.2f} {mb:>8.0f}  {ratio:<24} {phases}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_064_000)
    parser.add_argument("--on-objekt", type=int, default=232_800)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows")
    parser.add_argument("--sweep", action="store_true", help="0.25-2 M rows, 0.4 %% on the objekt, CSV only")
    parser.add_argument("--only", choices=("csv", "sie"), help="measure the command on this format alone")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also run the command of another checkout of the package (before/after in one run)")
    args = parser.parse_args()
    from bench_sie import MINIMAL

    cases = [(n, n // 250) for n in (250_000, 500_000, 1_000_000, 2_000_000)] if args.sweep else \
        [(args.rows // 10, args.on_objekt // 10)] if args.quick else [(args.rows, args.on_objekt)]
    with tempfile.TemporaryDirectory(prefix="bench-utfall-") as tmp:
        tmp = Path(tmp)
        # bytecode cached, as an installed package's is (this environment may set PYTHONDONTWRITEBYTECODE,
        # which would compile the package in every run): a cache folder of the run's own, filled first
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        roots = [("", ROOT)] + ([(f" ({args.against.name})", args.against.resolve())] if args.against else [])
        for _, root in roots:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "xl_statsbidrag")], check=True, env=ENV)
        print(f"{'':<34} {'MB':>7} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  {'ratio to the floor':<24} "
              "phases of the command (wall s)")
        for rows, on in cases:
            data = generate(rows, on)
            csv, sie, out = tmp / "huvudbok.csv", tmp / "huvudbok.se", tmp / "out.xlsx"
            write_csv(data, csv)
            print(f"{rows:,} transactions, {on:,} on the agreement's objekt (9902, 9917), best of {args.repeat}")
            floor = best(BASELINE, str(csv), repeat=args.repeat)
            print(row("  CSV: read_csv + groupby (floor)", csv.stat().st_size / 1e6, floor, None))
            for (name, _), result in zip(roots, interleaved(csv, roots, out, args.repeat) if args.only != "sie" else []):
                print(row(f"  CSV: utfall, whole command{name}", csv.stat().st_size / 1e6, result, floor))
            if args.sweep or args.only == "csv":
                continue
            write_sie(data, sie)
            size = sie.stat().st_size / 1e6
            minimal = best(MINIMAL.replace("print(len(frame), digest(sums), elapsed, time.process_time() - cpu, "
                                           "peak())", "print(elapsed, time.process_time() - cpu, peak())"),
                           str(sie), repeat=args.repeat)
            print(row("  SIE: minimal reader + groupby", size, minimal, None))
            for (name, _), ours in zip(roots, interleaved(sie, roots, out, args.repeat)):
                print(row(f"  SIE: utfall, whole command{name}", size, ours, floor) + "   (ratio to the CSV floor)")
                print(f"{'':<70}{ours[0] / minimal[0]:.2f}x wall, {ours[1] / minimal[1]:.2f}x CPU   (ratio to the "
                      "minimal SIE reader + groupby)")


if __name__ == "__main__":
    main()
