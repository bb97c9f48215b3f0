"""Benchmark: `report` against a plain openpyxl load-and-save of the same workbook.

    python benchmarks/bench_report.py [--rows 60000] [--repeat 5]

Workbooks: the shipped 2019 example, and the same decision support with a ledger sheet
("Huvudbok", --rows rows x 8 columns) that makes the file a few MB, as a region's real
workbook often is.  Prints the best-of-N wall time of each and the ratio.
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workbooks"))
sys.path.insert(0, str(ROOT))

import build as examples  # noqa: E402

from xl_statsbidrag.app.report import report_file  # noqa: E402


def ledger(rows: int):
    def extra(wb, sheets):
        ws = wb.add_worksheet("Huvudbok")
        ws.write_row(0, 0, ["Verifikation", "Datum", "Konto", "Objekt", "Ansvar", "Text", "Belopp", "Moms"])
        money = wb.add_format({"num_format": '#,##0.00\\ "kr"'})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        for r in range(1, rows + 1):
            ws.write_number(r, 0, 100000 + r)
            ws.write_datetime(r, 1, dt.datetime(2019, 1 + r % 12, 1 + r % 28), date)
            ws.write_number(r, 2, 4000 + r % 900)
            ws.write_string(r, 3, "9917" if r % 3 else "9902")
            ws.write_string(r, 4, f"Ansvar {r % 250}")
            ws.write_string(r, 5, f"Leverantörsfaktura {r} avseende aktivitet {r % 23}")
            ws.write_number(r, 6, (r * 37) % 100000 / 4, money)
            ws.write_formula(r, 7, f"=G{r + 1}*0.25", money, (r * 37) % 100000 / 16)
    return extra


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import openpyxl

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        big = tmp / "beslutsunderlag_med_huvudbok.xlsx"
        examples.build(big, examples.WORKBOOKS["beslutsunderlag_2019.xlsx"], ledger(args.rows))
        cases = [("example (beslutsunderlag_2019.xlsx)", ROOT / "workbooks" / "beslutsunderlag_2019.xlsx"),
                 (f"with ledger, {args.rows} rows", big)]
        print(f"# report vs openpyxl load-and-save — {dt.date.today()}, {platform.processor() or platform.machine()}, "
              f"Python {platform.python_version()}, openpyxl {openpyxl.__version__}")
        print(f"{'workbook':<40} {'size':>9} {'report':>9} {'load+save':>10} {'ratio':>7}")
        for label, path in cases:
            out = tmp / f"out{path.suffix}"

            def ours():
                report_file(path, out)

            def theirs():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    wb = openpyxl.load_workbook(path)
                    wb.save(tmp / f"resaved{path.suffix}")

            a = best(ours, args.repeat)
            b = best(theirs, max(1, min(args.repeat, 3)))
            print(f"{label:<40} {path.stat().st_size / 1e6:>7.2f}MB {a * 1000:>7.0f}ms {b * 1000:>8.0f}ms {b / a:>6.1f}x")


if __name__ == "__main__":
    main()
