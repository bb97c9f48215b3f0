"""Time and peak memory of the crafted bombs of issue 17 (and 14), each in a fresh process.

    python benchmarks/bench_bombs.py            # all of them
    python benchmarks/bench_bombs.py merge-one  # one by name

Each bomb runs `xl-statsbidrag` as a user would (`validate`, `import` or `allocate`); the figures are
the child's wall time and peak resident memory (resource.getrusage of the children). Target: every
bomb under 10 s and 1 GB, with the tool's own one-line error (or a normal result), never a traceback.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "beslutsunderlag_2019.xlsx"
SHEET = "xl/worksheets/sheet2.xml"


def rezip(target: Path, replace: dict[str, bytes]) -> Path:
    # the fastest deflate level, so that the bombs stay under the 1000:1 ratio guard and reach the parser
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
    return target


def sheet() -> str:
    with zipfile.ZipFile(EXAMPLE) as z:
        return z.read(SHEET).decode()


def merges(count: int):
    def make(tmp: Path) -> list[str]:
        refs = "".join(f'<mergeCell ref="A{i}:Z1048576"/>' for i in range(1, count + 1))
        xml = sheet().replace("</sheetData>", f'</sheetData><mergeCells count="{count}">{refs}</mergeCells>', 1)
        return ["validate", str(rezip(tmp / "merge.xlsx", {SHEET: xml.encode()}))]
    return make


def wide_row(tmp: Path) -> list[str]:
    xml = sheet().replace("</sheetData>", '<row r="40">' + "<c/>" * 60_000_000 + "</row></sheetData>")
    return ["validate", str(rezip(tmp / "wide.xlsx", {SHEET: xml.encode()}))]


def shared_strings(tmp: Path) -> list[str]:
    with zipfile.ZipFile(EXAMPLE) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
    sst = sst.replace("</sst>", "<si/>" * 30_000_000 + "</sst>")
    xml = sheet()
    start = xml.index('<c r="A5"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="A5" t="s"><v>30000050</v></c>' + xml[end:]
    return ["validate", str(rezip(tmp / "sst.xlsx", {"xl/sharedStrings.xml": sst.encode(), SHEET: xml.encode()}))]


def shared_strings_at_limit(tmp: Path) -> list[str]:
    """The worst a file may ask within the limit: a cell pointing at the last text within the limit (500 000)."""
    with zipfile.ZipFile(EXAMPLE) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
    sst = sst.replace("</sst>", "".join(f"<si><t>t{i}</t></si>" for i in range(500_000)) + "</sst>")
    xml = sheet()
    start = xml.index('<c r="A5"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="A5" t="s"><v>499999</v></c>' + xml[end:]
    return ["validate", str(rezip(tmp / "sst500k.xlsx", {"xl/sharedStrings.xml": sst.encode(), SHEET: xml.encode()}))]


def number_in(cell: str, value: str):
    def make(tmp: Path) -> list[str]:
        xml = sheet()
        start = xml.index(f'<c r="{cell}"')
        end = xml.index("</c>", start) + 4
        xml = xml[:start] + f'<c r="{cell}"><v>{value}</v></c>' + xml[end:]
        return ["validate", str(rezip(tmp / "number.xlsx", {SHEET: xml.encode()}))]
    return make


def weight(value: str):
    def make(tmp: Path) -> list[str]:
        path = tmp / "w.csv"
        path.write_text(f"region,weight\nA,{value}\nB,1\n", encoding="utf-8")
        return ["allocate", "100", "--weights", str(path)]
    return make


BOMBS = {
    "merge-one": merges(1),
    "merge-2000": merges(2000),
    "row-60M-cells": wide_row,
    "sst-30M-last": shared_strings,
    "sst-500k-at-limit": shared_strings_at_limit,
    "amount-1e999999999": number_in("E5", "1e999999999"),
    "text-1e1000000": number_in("A5", "1e1000000"),
    "text-1e999999999": number_in("A5", "1e999999999"),
    "text-NaN": number_in("A5", "NaN"),
    "weight-1e5000": weight("1e5000"),
    "weight-1e999999999": weight("1e999999999"),
    "weight-1e-999999": weight("1e-999999"),
}


def run(name: str, make) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        args = make(Path(tmp))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                "d = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
                "s = time.perf_counter() - t; m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
                "print(f'{s:.2f} {m / 1024:.0f} {d.returncode}'); print((d.stderr or d.stdout).strip()[-160:])")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "xl_statsbidrag", *args],
                              capture_output=True, text=True, env=env)
        figures, _, message = done.stdout.partition("\n")
        seconds, mb, rc = figures.split()
        verdict = "ok" if float(seconds) < 10 and float(mb) < 1024 and "Traceback" not in message else "OVER"
        print(f"| {name} | {size / 1000:.0f} kB | {seconds} s | {mb} MB | {rc} | {verdict} | "
              f"{message.splitlines()[-1][:110] if message else ''} |", flush=True)


if __name__ == "__main__":
    wanted = sys.argv[1:] or list(BOMBS)
    print("| bomb | file | time | peak memory | exit | verdict | message |")
    print("|---|---|---|---|---|---|---|")
    for name in wanted:
        run(name, BOMBS[name])
