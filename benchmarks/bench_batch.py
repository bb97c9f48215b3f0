"""Benchmarks for headless use, side by side in one run, reported as ratios.

    python benchmarks/bench_batch.py [--quick]

1. one `report` against openpyxl load-and-save and against `soffice --headless --convert-to xlsx`
   (what a user would otherwise script), on the example and on a few-MB workbook;
2. `batch` over 1 000 workbooks made from the example (20 variants of different sizes and amounts),
   throughput with 1 and 2 jobs, and the peak memory of any one process;
3. the cost of `report` as the workbook grows: 10 to 100 000 activities, and 0.1 to 20 MB files;
4. the start-up time of `xl-statsbidrag --help`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "workbooks"), str(ROOT / "benchmarks")]

import build as examples  # noqa: E402
from bench_report import best, ledger  # noqa: E402

from xl_statsbidrag.app.report import report_file  # noqa: E402
from xl_statsbidrag.files.libreoffice import convert  # noqa: E402

SPEC = examples.WORKBOOKS["beslutsunderlag_2019.xlsx"]


def variant(n_activities: int, scale: int = 1) -> dict:
    base = SPEC["activities"]
    acts = [(f"{a[0]} #{i // len(base) + 1}",) + a[1:4] + (a[4] * scale // 2 + i,) + a[5:]
            for i, a in ((i, base[i % len(base)]) for i in range(n_activities))]
    return dict(SPEC, activities=acts)


def compare_single(tmp: Path, quick: bool) -> None:
    import openpyxl

    big = tmp / "big.xlsx"
    examples.build(big, SPEC, ledger(20000 if quick else 60000))
    print("\n## 1. One report against what a user would use instead (best of 3)")
    print(f"{'workbook':<28} {'size':>8} {'report':>9} {'openpyxl':>10} {'soffice':>9} {'vs openpyxl':>12} {'vs soffice':>11}")
    for label, path in (("example", ROOT / "workbooks" / "beslutsunderlag_2019.xlsx"), ("example + ledger", big)):
        ours = best(lambda: report_file(path, tmp / "r.xlsx"))

        def resave():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                openpyxl.load_workbook(path).save(tmp / "o.xlsx")
        theirs = best(resave, 1 if label != "example" else 3)
        lo = best(lambda: convert(path, tmp / "lo"), 1 if quick else 2)
        print(f"{label:<28} {path.stat().st_size / 1e6:>6.2f}MB {ours * 1000:>7.0f}ms {theirs * 1000:>8.0f}ms "
              f"{lo * 1000:>7.0f}ms {theirs / ours:>11.1f}x {lo / ours:>10.1f}x")


def many_books(tmp: Path, folder: Path, count: int) -> Path:
    """``count`` workbooks in ``folder``: copies of 20 variants of 10 to 295 activities (built in ``tmp``)."""
    folder.mkdir()
    variants = []
    for k in range(20):
        path = tmp / f"v{k}.xlsx"
        examples.build(path, variant(10 + 15 * k, scale=1 + k % 3))
        variants.append(path)
    for i in range(count):
        shutil.copy(variants[i % len(variants)], folder / f"bok{i:04}.xlsx")
    return folder


def batch_throughput(tmp: Path, quick: bool) -> None:
    count = 200 if quick else 1000
    folder = many_books(tmp, tmp / "many", count)
    print(f"\n## 2. batch over {count} workbooks ({sum(p.stat().st_size for p in folder.iterdir()) / 1e6:.1f} MB)")
    print(f"{'jobs':>4} {'seconds':>8} {'per second':>11} {'peak memory per worker':>23} {'main process':>13}")
    for jobs in (1, 2):
        out = tmp / f"out{jobs}"
        # A fresh process runs the batch, so that VmHWM (reset at exec, unlike ru_maxrss) measures it alone.
        code = ("import sys, io; from pathlib import Path; from xl_statsbidrag.app import batch; "
                "rows = batch.run([sys.argv[1]], Path(sys.argv[2]), int(sys.argv[3]), progress_stream=io.StringIO()); "
                "print('PEAK', max(r.peak_kb for r in rows), batch._peak_kb())")
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, str(folder), str(out), str(jobs)],
                              capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - t
        worker, main = next(tuple(map(int, line.split()[1:])) for line in done.stdout.splitlines() if line.startswith("PEAK"))
        print(f"{jobs:>4} {seconds:>8.1f} {count / seconds:>11.1f} {worker / 1024:>21.0f}MB {main / 1024:>11.0f}MB")


def growth(tmp: Path, quick: bool) -> None:
    print("\n## 3. report as the workbook grows")
    print(f"{'activities':>10} {'size':>8} {'report':>9} {'per 1000':>9}")
    for n in (10, 100, 1000, 10000) + (() if quick else (100000,)):
        path = tmp / f"g{n}.xlsx"
        examples.build(path, variant(n))
        t = best(lambda: report_file(path, tmp / "g.xlsx"), 1 if n >= 10000 else 3)
        print(f"{n:>10} {path.stat().st_size / 1e6:>6.2f}MB {t:>8.3f}s {t / n * 1000:>8.3f}s")
    print(f"{'ledger rows':>10} {'size':>8} {'report':>9} {'per MB':>9}")
    for rows in (1500, 18000, 90000) + (() if quick else (360000,)):
        path = tmp / f"l{rows}.xlsx"
        examples.build(path, SPEC, ledger(rows))
        t = best(lambda: report_file(path, tmp / "l.xlsx"))
        size = path.stat().st_size / 1e6
        print(f"{rows:>10} {size:>6.2f}MB {t:>8.3f}s {t / size:>8.3f}s")


def startup() -> None:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "xl_statsbidrag", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    exe = shutil.which("xl-statsbidrag")
    console = []
    if exe:
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([exe, "--help"], capture_output=True, check=True)
            console.append(time.perf_counter() - t)
    print(f"\n## 4. xl-statsbidrag --help: {min(console or times) * 1000:.0f} ms (best of 5; "
          f"python -m: {min(times) * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    print(f"# {dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        compare_single(tmp, args.quick)
        batch_throughput(tmp, args.quick)
        growth(tmp, args.quick)
    startup()


if __name__ == "__main__":
    main()
