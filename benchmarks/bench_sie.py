"""The SIE 4 reader against a minimal vectorised reader of the same file, in the same run (issue 28
item 4: within 1.3x of it, peak memory under 700 MB at 1 M transactions, the same sums).  Run by hand:

    python benchmarks/bench_sie.py              # 1 000 000 transactions
    python benchmarks/bench_sie.py --quick      # 100 000
    python benchmarks/bench_sie.py --rows 250000 --repeat 3

The minimal reader is what an analyst would write for one question (the sum per objekt and account):
one ``re.findall`` over the text for the #TRANS lines, the objekt pulled out of the object list with
``str.extract``, the amounts in öre, a ``groupby``.  It checks nothing (no blocks, no dimensions by
name, no dates, no texts, no line numbers).  Ours reads every field of every transaction and checks the
file.  Each measurement runs in a fresh process, so that its peak memory (VmHWM) is its own; the two
alternate, and the best time of the repeats counts (the machine is shared).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

PEAK = """
import sys, time
def peak():  # this process's own high-water mark, MB
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
def digest(sums):  # the same sums give the same digest in any process
    import hashlib
    return hashlib.sha256(repr(sorted((k, int(v)) for k, v in sums.items())).encode()).hexdigest()[:16]
"""
MINIMAL = PEAK + r"""
t, cpu = time.perf_counter(), time.process_time()
import re
import numpy as np, pandas as pd
text = open(sys.argv[1], "rb").read().decode("cp437")
trans = re.findall(r'^[ \t]*#TRANS[ \t]+(\S+)[ \t]+\{([^}]*)\}[ \t]+(-?)(\d+)(?:\.(\d+))?', text, re.M)
del text
frame = pd.DataFrame(trans, columns=["konto", "objects", "sign", "whole", "frac"])
del trans
frame["objekt"] = frame["objects"].str.extract(r'(?:^|\s)"?20"?\s+"([^"]*)"', expand=False).fillna("")
ore = frame["whole"].astype("int64") * 100 + frame["frac"].str.ljust(2, "0").replace("", "0").astype("int64")
frame["ore"] = np.where(frame["sign"] == "-", -ore, ore)
sums = frame.groupby(["objekt", "konto"])["ore"].sum()
elapsed = time.perf_counter() - t
print(len(frame), digest(sums), elapsed, time.process_time() - cpu, peak())
"""
OURS = PEAK + r"""
sys.path.insert(0, sys.argv[2])
t, cpu = time.perf_counter(), time.process_time()
from xl_statsbidrag.ledger.sie import read_sie
frame = read_sie(sys.argv[1])
sums = frame.groupby(["objekt", "konto"])["ore"].sum()
elapsed = time.perf_counter() - t
print(len(frame), digest(sums), elapsed, time.process_time() - cpu, peak())
"""


def generate_sie(path: Path, transactions: int, seed: int = 28) -> int:
    """A year of a region's vouchers as SIE 4 (PC8, CRLF): 1-3 cost rows and one balancing row per
    voucher; the cost rows on one of 5 000 codings (ansvar of 400, projekt of 25, objekt of 200) with
    Swedish texts.  Returns the number of #TRANS."""
    rng = np.random.default_rng(seed)
    lines = ['#FLAGGA 0', '#PROGRAM "Benchmark" 1.0', '#FORMAT PC8', '#GEN 20200115', '#SIETYP 4',
             '#FNAMN "Region Jämtland Härjedalen"', '#RAR 0 20190101 20191231',
             '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"', '#DIM 20 "Objekt"']
    codings = [f'1 "{a}" 6 "P19{p:02d}" 20 "{o}"' for a, p, o in zip(
        rng.integers(100, 500, 5000), rng.integers(1, 26, 5000), rng.integers(1000, 1200, 5000))]
    texts = ["Faktura Östersund", "Lön januari", "Hyra lokal Åre", "Konsultarvode", "Material och förnödenheter"]
    accounts = ["4010", "5010", "6550", "7010"]
    count, ver = 0, 0
    while count < transactions:
        ver += 1
        rows = int(rng.integers(1, 4))
        month = 1 + ver % 12
        lines += [f'#VER A {ver} 2019{month:02d}15 "Verifikation {ver}" 20200110', "{"]
        total = 0
        for amount, coding, account in zip(rng.integers(1, 5_000_000, rows).tolist(),
                                           rng.integers(0, len(codings), rows).tolist(),
                                           rng.integers(0, len(accounts), rows).tolist()):
            total += amount
            lines.append(f'   #TRANS {accounts[account]} {{{codings[coding]}}} {amount // 100}.{amount % 100:02d} '
                         f'2019{month:02d}15 "{texts[ver % len(texts)]}"')
        lines += [f'   #TRANS 2440 {{}} -{total // 100}.{total % 100:02d}', "}"]
        count += rows + 1
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return count


def measure(code: str, *args: str) -> tuple[int, str, float, float, float]:
    """(rows, digest of the sums, wall seconds, CPU seconds, peak MB) of one run in a fresh process."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    rows, sums, seconds, cpu, mb = done.stdout.split()[-5:]
    return int(rows), sums, float(seconds), float(cpu), float(mb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="100 000 transactions")
    args = parser.parse_args()
    rows = 100_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="bench-sie-") as tmp:
        sie = Path(tmp) / "huvudbok.se"
        count = generate_sie(sie, rows)
        minimal, ours = [], []
        for _ in range(args.repeat):
            minimal.append(measure(MINIMAL, str(sie)))
            ours.append(measure(OURS, str(sie), str(ROOT)))
        same = all(r[0] == count for r in minimal + ours) and len({r[1] for r in minimal + ours}) == 1
        wall = [min(r[2] for r in runs) for runs in (minimal, ours)]
        cpu = [min(r[3] for r in runs) for runs in (minimal, ours)]
        peak = [max(r[4] for r in runs) for runs in (minimal, ours)]
        print(f"SIE 4, {count:,} transactions, {sie.stat().st_size / 1e6:.1f} MB (best of {args.repeat}; "
              "imports included)")
        print(f"{'reader':<28} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
        for name, w, c, m in zip(("minimal vectorised reader", "xl_statsbidrag.sie"), wall, cpu, peak):
            print(f"{name:<28} {w:>8.2f} {c:>8.2f} {m:>8.0f}")
        print(f"ratio {wall[1] / wall[0]:.2f}x wall, {cpu[1] / cpu[0]:.2f}x CPU (target <= 1.3x); peak {peak[1]:.0f} MB "
              f"(target < 700 MB); sums per objekt and account {'equal' if same else 'DIFFER'}")


if __name__ == "__main__":
    main()
