"""Every output of the benchmark inputs and the example workbooks, as a digest per zip member, for
comparing two versions of the code (issue 28: the speed-ups must not change a byte).

    PYTHONPATH=/path/to/old/checkout python benchmarks/outputs.py --save old.json
    PYTHONPATH=$PWD python benchmarks/outputs.py --compare old.json

The inputs are made here, reproducibly (the example workbooks' builder and fixed seeds): the three example
workbooks; the validate benchmark's 100 000-activity book; a 50 000-activity book whose Utfall column
is patched; a ledger of 20 000 transactions on the agreement's objekt (the Utfall sheet).  Outputs:
`report` (with --today), `validate --format json`, `utfall`, and what `batch` writes per book.  The
zip files themselves carry the time they were written in new members' headers, so members are
compared (by SHA-256 of their bytes); a member that differs is named.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import random
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workbooks"))

TODAY = dt.date(2020, 3, 1)


def big_book(path: Path, n: int) -> None:
    """The 2019 example with its activities repeated to ``n`` rows (names made unique), as
    bench_validate makes it."""
    import build as examples

    spec = dict(examples.WORKBOOKS["beslutsunderlag_2019.xlsx"])
    base = spec["activities"]
    spec["activities"] = [(f"{a[0]} #{i // len(base) + 1}",) + a[1:] for i, a in
                          ((i, base[i % len(base)]) for i in range(n))]
    examples.build(path, spec)


def ledger(path: Path, rows: int, seed: int = 28) -> None:
    """A ledger export (the shipped CSV's layout) with ``rows`` transactions on the example's objekt and
    activity codes, cost accounts, amounts in öre; a few on other accounts and objekt."""
    rng = random.Random(seed)
    codes = [f"P19{i:02d}" for i in range(1, 24)] + ["", "P1999"]
    lines = ["Huvudbok 2019 (benchmark);;;;;;;;;",
             "Bokf.datum;Verifikation;Rad;Konto;Ansvar;Verksamhet;Projekt;Objekt;Text;Belopp"]
    for i in range(rows):
        ore = rng.randint(-50_000, 5_000_000)
        lines.append(f"2019-{1 + i % 12:02d}-{1 + i % 28:02d};{10000 + i};{1 + i % 7};"
                     f"{rng.choice(['4010', '5010', '6550', '7010', '3010'])};{rng.randint(100, 999)};"
                     f"HoS & vårdval <{i % 5}>;{rng.choice(codes)};{rng.choice(['9902', '9917', '1000'])};"
                     f"Faktura \"{i}\" Östersund;{'-' if ore < 0 else ''}{abs(ore) // 100},{abs(ore) % 100:02d}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def digests(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: hashlib.sha256(z.read(i.filename)).hexdigest() for i in z.infolist()}


def run_cli(*args: str) -> str:
    from xl_statsbidrag.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return f"exit {code}\n{out.getvalue()}"


class _Noon(dt.datetime):
    """The clock of the report's provenance (the sheet Kontroll and the document properties say when the
    report was made), stopped, so that two runs can be compared."""

    @classmethod
    def now(cls, tz=None):
        return cls(2020, 3, 1, 12, 0, 0)


def outputs(tmp: Path, quick: bool = False) -> dict[str, object]:
    import types

    from xl_statsbidrag.app import report
    from xl_statsbidrag.app.report import report_file
    from xl_statsbidrag.app.utfall import utfall_file
    from xl_statsbidrag.forms import kontroll

    report.dt = kontroll.dt = types.SimpleNamespace(date=dt.date, time=dt.time, timedelta=dt.timedelta, datetime=_Noon)

    found: dict[str, object] = {}
    books = {p.name: p for p in sorted((ROOT / "workbooks").glob("*.xls[xm]"))}
    big = tmp / "validate_100000.xlsx"
    big_book(big, 10_000 if quick else 100_000)
    patched = tmp / "utfall_50000.xlsx"
    big_book(patched, 5_000 if quick else 50_000)
    csv = tmp / "ledger_20000.csv"
    ledger(csv, 2_000 if quick else 20_000)
    for name, path in books.items():
        out = tmp / f"report_{name}"
        report_file(path, out, TODAY)
        found[f"report {name}"] = digests(out)
        found[f"validate {name}"] = run_cli("validate", str(path), "--format", "json", "--today", TODAY.isoformat())
    found["validate 100000"] = run_cli("validate", str(big), "--format", "json", "--today", TODAY.isoformat())
    for name, book, led in (("example", books["beslutsunderlag_2019.xlsx"], ROOT / "workbooks" / "huvudbok_2019.csv"),
                            ("example, 20000 transactions", books["beslutsunderlag_2019.xlsx"], csv),
                            ("50000 activities", patched, csv)):
        out = tmp / "utfall.xlsx"
        target, result = utfall_file(book, [led], out, today=TODAY)
        found[f"utfall {name}"] = digests(out)
    folder = tmp / "batch_in"
    folder.mkdir()
    for name, path in books.items():
        shutil.copy(path, folder / name)
    from xl_statsbidrag.app import batch

    rows = batch.run([str(folder)], tmp / "batch_out", 2, progress_stream=io.StringIO())
    for row in rows:
        found[f"batch {Path(row.file).name}"] = [row.status, row.reason, row.received, row.costs, row.unused,
                                                row.errors, row.warnings,
                                                digests(Path(row.target)) if row.status == "ok" else None]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--save")
    parser.add_argument("--compare")
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    args = parser.parse_args()
    import xl_statsbidrag

    print(f"code: {Path(xl_statsbidrag.__file__).parent}")
    with tempfile.TemporaryDirectory() as tmp:
        found = outputs(Path(tmp), args.quick)
    if args.save:
        Path(args.save).write_text(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False))
        print(f"saved {len(found)} outputs to {args.save}")
    if args.compare:
        old = json.loads(Path(args.compare).read_text())
        found = json.loads(json.dumps(found))
        differ = [k for k in sorted(set(old) | set(found)) if old.get(k) != found.get(k)]
        for k in differ:
            a, b = old.get(k), found.get(k)
            if isinstance(a, dict) and isinstance(b, dict):
                members = [m for m in sorted(set(a) | set(b)) if a.get(m) != b.get(m)]
                print(f"DIFFERENT: {k}: members {members}")
            else:
                print(f"DIFFERENT: {k}")
        print(f"{len(found) - len(differ)} of {len(found)} outputs equal" + ("" if differ else " (all)"))
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
