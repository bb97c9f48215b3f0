"""Benchmark: reading and validating decision-support workbooks of growing size.

    python benchmarks/bench_validate.py [--sizes 1000 10000 100000]

Each size is the 2019 example with its 23 activities repeated (names made unique) to N rows;
each measurement runs in a fresh process, which reports wall time of read + validate and its
peak resident memory (VmHWM) above the same process before reading.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workbooks"))
sys.path.insert(0, str(ROOT))


def make(path: Path, n: int) -> None:
    import build as examples

    spec = dict(examples.WORKBOOKS["beslutsunderlag_2019.xlsx"])
    base = spec["activities"]
    spec["activities"] = [(f"{a[0]} #{i // len(base) + 1}",) + a[1:] for i, a in
                          ((i, base[i % len(base)]) for i in range(n))]
    examples.build(path, spec)


def high_water_kb() -> int:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss it does not inherit the
    parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(path: str) -> dict:
    from xl_statsbidrag.check.validate import validate
    from xl_statsbidrag.xlsx.file_source import read_book

    before = high_water_kb()
    start = time.perf_counter()
    book = read_book(path)
    read = time.perf_counter() - start
    findings = validate(book)
    total = time.perf_counter() - start
    peak = high_water_kb() - before
    return {"activities": len(book.activities), "read": read, "total": total, "peak_mb": peak / 1024,
            "findings": len(findings)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    print(f"{'activities':>10} {'file':>8} {'read':>8} {'read+validate':>14} {'per 1000':>9} {'peak memory':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"n{n}.xlsx"
            make(path, n)
            out = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True,
                                 text=True, check=True)
            r = json.loads(out.stdout)
            print(f"{r['activities']:>10} {path.stat().st_size / 1e6:>6.1f}MB {r['read']:>7.2f}s {r['total']:>13.2f}s "
                  f"{r['total'] / n * 1000:>8.3f}s {r['peak_mb']:>10.0f}MB")


if __name__ == "__main__":
    main()
