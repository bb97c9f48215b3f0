"""Headless batch conversion: many decision workbooks to Bilaga 2 workbooks (and PDFs), in parallel.

One broken workbook never stops the others (unless fail-fast); each input gets a row in
``summary.csv`` and ``summary.json``.  Outputs are written atomically, so an interrupted run leaves
old outputs or new ones, never half-written files.
"""
from __future__ import annotations

import csv
import glob
import io
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import UserError
from .jobs import WORKBOOK_SUFFIXES

SUMMARY_FIELDS = ["file", "status", "reason", "received", "costs", "unused", "errors", "warnings", "output",
                  "seconds"]


@dataclass
class Row:
    file: str
    status: str = "failed"
    reason: str = ""
    received: str = ""
    costs: str = ""
    unused: str = ""
    errors: int = 0
    warnings: int = 0
    output: str = ""
    seconds: float = 0.0
    pdf_source: str = field(default="", repr=False)
    peak_kb: int = field(default=0, repr=False)  # the worker's peak resident memory so far (Linux)


def _peak_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
    except OSError:
        return 0


def expand(inputs: list[str], outdir: Path) -> list[Path]:
    """Files as given, workbooks (.xlsx/.xlsm) in folders (recursively) and glob matches; Excel's
    lock files and anything inside the output folder are left out; each file once, in order."""
    out: list[Path] = []
    seen: set[Path] = set()
    outdir = outdir.resolve()

    def add(path: Path, explicit: bool) -> None:
        resolved = path.resolve()
        if resolved in seen or outdir in resolved.parents:
            return
        if path.name.startswith("~$") or path.name.startswith(".~lock."):
            return
        if not explicit and path.suffix.lower() not in WORKBOOK_SUFFIXES:
            return
        seen.add(resolved)
        out.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    add(child, explicit=False)
        elif any(ch in item for ch in "*?["):
            for match in sorted(glob.glob(item, recursive=True)):
                if Path(match).is_file():
                    add(Path(match), explicit=False)
        else:
            add(path, explicit=True)  # a missing or odd file is reported, not skipped
    return out


def output_names(files: list[Path], outdir: Path) -> dict[Path, Path]:
    """OUTDIR/<stem>_bilaga2<ext>, unique by stem (a PDF shares it): inputs of the same stem get
    their folder's name in front, and then, if still the same, their extension."""
    def stem_key(f: Path, level: int) -> str:
        parts = [f.parent.name] if level >= 1 and f.parent.name else []
        parts.append(f.stem)
        if level >= 2:
            parts.append(f.suffix.lstrip(".").lower())
        return "_".join(parts)

    levels = {f: 0 for f in files}
    for level in (1, 2):
        counts: dict[str, int] = {}
        for f in files:
            key = stem_key(f, levels[f]).casefold()
            counts[key] = counts.get(key, 0) + 1
        for f in files:
            if counts[stem_key(f, levels[f]).casefold()] > 1:
                levels[f] = level
    names = {}
    for f in files:
        suffix = f.suffix.lower() if f.suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
        names[f] = outdir / f"{stem_key(f, levels[f])}_bilaga2{suffix}"
    return names


def _kr(value) -> str:
    return format(value, "f")


def convert_one(source: str, target: str, pdf_dir: str | None, force: bool) -> Row:
    """One input (run in a worker process): the report, and the single-sheet workbook for its PDF."""
    from .jobs import check_output, make_report, read, write_layouts
    from .report import build_report
    from .validation import validate

    start = time.perf_counter()
    row = Row(source, output=target)
    try:
        src, dst = Path(source), Path(target)
        up_to_date = (not force and dst.exists() and dst.stat().st_mtime >= src.stat().st_mtime
                      and (pdf_dir is None or dst.with_suffix(".pdf").exists()))
        if up_to_date:
            book = read(src)
            findings = validate(book)
            _, summary = build_report(book, findings)
            row.reason = "up to date (skipped; --force to redo)"
        else:
            check_output(src, dst)
            report = make_report(src)
            summary, findings = report.summary, report.findings
            write_layouts(src, dst, report.sheets, report.properties)
            if pdf_dir is not None:
                from .xlsx.newbook import write_workbook

                single = Path(pdf_dir) / f"{dst.stem}.xlsx"
                write_workbook(single, [report.form])
                row.pdf_source = str(single)
        row.status = "ok"
        row.received, row.costs, row.unused = _kr(summary.received), _kr(summary.costs), _kr(summary.unused)
        row.errors = sum(f.severity == "error" for f in findings)
        row.warnings = sum(f.severity == "warning" for f in findings)
    except UserError as exc:
        row.reason = exc.message if not exc.location else f"{exc.location}: {exc.message}"
        row.output = ""
    except Exception as exc:  # a bug must not stop the other files: report it as this file's failure
        row.reason = f"internal error: {type(exc).__name__}: {exc}"
        row.output = ""
    row.seconds = round(time.perf_counter() - start, 3)
    row.peak_kb = _peak_kb()
    return row


class Progress:
    """A bar on a terminal, plain lines in a log."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, row: Row) -> None:
        self.done += 1
        self.failed += row.status != "ok"
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
                              f"  failed {self.failed}  {Path(row.file).name[:40]:<40}")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            detail = row.output if row.status == "ok" else row.reason
            self.stream.write(f"{row.status:<6} {row.file}: {detail} ({row.seconds:.2f} s)\n")
        self.stream.flush()


def _write_atomic(path: Path, text: str) -> None:
    from .xlsx.zipio import atomic_output

    with atomic_output(path) as out:
        out.write(text.encode("utf-8"))


def write_summary(outdir: Path, rows: list[Row]) -> None:
    from .jobs import csv_text

    records = [{k: v for k, v in asdict(r).items() if k in SUMMARY_FIELDS} for r in rows]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_text(v) if k in ("file", "reason", "output") else v for k, v in r.items()}
                     for r in records)
    _write_atomic(outdir / "summary.csv", buffer.getvalue())
    _write_atomic(outdir / "summary.json", json.dumps(records, ensure_ascii=False, indent=2) + "\n")


def clean_stale_temporaries(outdir: Path) -> None:
    """Temporary files a killed run left behind (never the outputs themselves)."""
    for tmp in outdir.glob(".*.tmp"):
        try:
            tmp.unlink()
        except OSError:
            pass


def make_pdfs(rows: list[Row], outdir: Path) -> None:
    """One LibreOffice run converts every report's Bilaga 2 sheet; each PDF is moved into place."""
    from .libreoffice import convert_many

    wanted = [r for r in rows if r.status == "ok" and r.pdf_source]
    if not wanted:
        return
    with tempfile.TemporaryDirectory(prefix="xlsb-pdf-") as tmp:
        try:
            produced = convert_many([Path(r.pdf_source) for r in wanted], Path(tmp))
        except UserError as exc:
            produced = {}
            error = exc.message
        else:
            error = "LibreOffice made no PDF"
        for r in wanted:
            pdf = produced.get(Path(r.pdf_source).stem)
            if pdf is None:
                r.status, r.reason = "failed", f"PDF: {error}"
                continue
            try:
                os.replace(pdf, Path(r.output).with_suffix(".pdf"))
            except OSError as exc:
                r.status, r.reason = "failed", f"PDF: {exc}"


def run(inputs: list[str], outdir: Path, jobs: int | None = None, pdf: bool = False, fail_fast: bool = False,
        force: bool = False, progress_stream=None) -> list[Row]:
    outdir.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(outdir)
    files = expand(inputs, outdir)
    if not files:
        raise UserError("no workbooks (.xlsx, .xlsm) among the inputs")
    targets = output_names(files, outdir)
    progress = Progress(len(files), progress_stream)
    rows: dict[Path, Row] = {}
    jobs = max(1, jobs or os.cpu_count() or 1)
    pdf_dir = tempfile.mkdtemp(prefix="xlsb-single-") if pdf else None
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
            pending: dict[Future, Path] = {}
            queue = list(files)
            stop = False
            window = jobs if fail_fast else jobs * 4  # fail-fast starts no more than can run at once
            while queue or pending:
                while queue and not stop and len(pending) < window:
                    f = queue.pop(0)
                    pending[pool.submit(convert_one, str(f), str(targets[f]), pdf_dir, force)] = f
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    f = pending.pop(future)
                    row = future.result()
                    rows[f] = row
                    progress.update(row)
                    if row.status != "ok" and fail_fast:
                        stop = True
                if stop:
                    for future in pending:
                        future.cancel()
                    for future, f in list(pending.items()):
                        if not future.cancelled():
                            rows[f] = future.result()
                            progress.update(rows[f])
                    pending.clear()
                    for f in queue:
                        rows[f] = Row(str(f), reason="not run (--fail-fast after an earlier failure)")
                    queue.clear()
        ordered = [rows[f] for f in files if f in rows]
        if pdf:
            make_pdfs(ordered, outdir)
    finally:
        if pdf_dir:
            shutil.rmtree(pdf_dir, ignore_errors=True)
    write_summary(outdir, ordered)
    return ordered
