"""Headless batch conversion: many decision workbooks to Bilaga 2 workbooks (and PDFs), in parallel.

One broken workbook never stops the others (unless fail-fast); each input gets a row in
``summary.csv`` and ``summary.json``.  Outputs are written atomically, so an interrupted run leaves
old outputs or new ones, never half-written files.  Every output follows the output rule
(``outputs``): an output the tool wrote and nobody changed is skipped when it is newer than its input
and replaced when not; any other existing file fails that input (or, for the summaries, the run),
unless --force, which keeps a backup copy of it first.
"""
from __future__ import annotations

import datetime as dt
import ctypes
import glob
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.errors import UserError
from ..core.model import Severity
from ..core.money import plain
from ..files.atomic import clean_stale_temporaries as clean_folder, write_error
from ..files.csv_safe import csv_line
from ..files.libreoffice import convert_many
from ..files.paths import WORKBOOK_SUFFIXES, check_output, display_name
from ..forms.layout import _widths
from ..forms.overview import OverviewRow, combine, overview_bytes, overview_row
from ..xlsx import file_source, writer  # noqa: F401  (before the workers fork: app.files imports them on first use)
from ..xlsx.newbook import write_workbook
from . import files, outputs
from .report import report
from .target import Unreadable

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
    pdf_claim: object = field(default=None, repr=False)  # outputs.Claim of the PDF, for the parent to write
    target: str = field(default="", repr=False)  # the output's real path (``output`` is for display)
    peak_kb: int = field(default=0, repr=False)  # the worker's peak resident memory so far (Linux)
    overview: object = field(default=None, repr=False)  # overview.OverviewRow for översikt.xlsx


MEMORY_REASON = "over the memory limit for one input (--max-memory)"


def _status_kb(field: str) -> int:
    """A size from /proc/self/status (Linux; 0 elsewhere): VmHWM the peak resident memory, VmSize the
    address space (what --max-memory limits)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next((int(line.split()[1]) for line in status if line.startswith(field + ":")), 0)
    except OSError:
        return 0


def _peak_kb() -> int:
    return _status_kb("VmHWM")


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def expand(inputs: list[str], outdir: Path) -> list[Path]:
    """Files as given, workbooks (.xlsx/.xlsm) in folders (recursively) and glob matches; Excel's
    lock files and anything inside the output folder are left out; each file once, in order.  "The
    same file" and "inside the output folder" go by the file's identity (device and inode), not by
    how its name is spelt: another case on macOS/Windows, a hard link or a symbolic link is caught."""
    out: list[Path] = []
    seen: set[object] = set()
    outdir_id = _identity(outdir)
    folder_ids: dict[str, tuple[int, int] | None] = {}

    def inside_outdir(path: Path) -> bool:
        if outdir_id is None:
            return False
        for parent in Path(os.path.abspath(path)).parents:
            key = str(parent)
            if key not in folder_ids:
                folder_ids[key] = _identity(parent)
            if folder_ids[key] == outdir_id:
                return True
        return False

    def add(path: Path, explicit: bool) -> None:
        key = _identity(path) or os.path.abspath(path)
        if key in seen or inside_outdir(path):
            return
        if path.name.startswith("~$") or path.name.startswith(".~lock."):
            return
        if not explicit and path.suffix.lower() not in WORKBOOK_SUFFIXES:
            return
        seen.add(key)
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
    """OUTDIR/<path relative to the inputs' common folder>/<stem>_bilaga2<ext>: inputs in one folder
    give a flat OUTDIR, a tree gives the same tree, so that names are unique by construction.  Two
    inputs of one stem in one folder (x.xlsx, x.xlsm: their PDFs would clash) get their extension in
    the name; a run whose outputs would still be the same file (names that differ only in case) is
    refused."""
    absolute = {f: Path(os.path.abspath(f)) for f in files}
    try:
        root = Path(os.path.commonpath([str(a.parent) for a in absolute.values()]))
    except ValueError:  # different drives
        root = None

    def relative(f: Path) -> Path:
        a = absolute[f]
        return a.relative_to(root) if root is not None else Path(*a.parts[1:])

    def key(f: Path, with_ext: bool) -> str:
        rel = relative(f)
        stem = f"{rel.stem}_{rel.suffix.lstrip('.').lower()}" if with_ext else rel.stem
        return str(rel.parent / stem)

    counts: dict[str, int] = {}
    for f in files:
        counts[key(f, False).casefold()] = counts.get(key(f, False).casefold(), 0) + 1
    stems = {f: key(f, counts[key(f, False).casefold()] > 1) for f in files}
    taken: dict[str, Path] = {}
    clashes = []
    for f in files:
        k = stems[f].casefold()
        if k in taken:
            clashes.append(f"{taken[k]} and {f}")
        taken[k] = f
    if clashes:
        raise UserError("these inputs would get the same output name (their names differ only in case); "
                        "rename one of each: " + "; ".join(clashes))
    names = {}
    for f in files:
        suffix = f.suffix.lower() if f.suffix.lower() in WORKBOOK_SUFFIXES else ".xlsx"
        names[f] = outdir / f"{stems[f]}_bilaga2{suffix}"
    return names


def convert_one(source: str, target: str, pdf_source: str | None, force: bool, recalculate: bool = False,
                today: dt.date | None = None) -> Row:
    """One input (run in a worker process): the report, and the single-sheet workbook for its PDF.  Up
    to date: the output (and its PDF) the tool wrote, unchanged, newer than the input."""
    start = time.perf_counter()
    row = Row(display_name(source), output=display_name(target), target=target)
    try:
        src, dst = Path(source), Path(target)
        pdf = dst.with_suffix(".pdf")
        up_to_date = (outputs.state(dst) == outputs.OURS and dst.stat().st_mtime >= src.stat().st_mtime
                      and (pdf_source is None or outputs.state(pdf) == outputs.OURS))
        write = force or not up_to_date  # (an up-to-date workbook is still read and checked, for the summary)
        claimed = None
        if write:  # the rule, before any work: an output edited since, or not the tool's, fails this input
            check_output(src, dst)
            try:
                claimed = outputs.claim(dst, [src], force, "-o (another folder)")
                if pdf_source is not None:
                    row.pdf_claim = outputs.claim(pdf, [src], force, "-o (another folder)")
            except UserError as exc:  # the reason names the output (the row names the input)
                raise UserError(f"{display_name(exc.file)}: {exc.message}") from None
        copy = files.FileCopy(src, dst, force=force, claimed=claimed, skip=not write)
        book = files.read_workbook(src, recalculate)  # (an up-to-date workbook is still read and checked)
        try:
            made = report(book, copy, today)
        except Unreadable as exc:
            raise files.with_recalculate_hint(exc, book, recalculate)
        summary, findings = made.summary, made.findings
        if not write:
            row.reason = "up to date (skipped; --force to redo)"
        else:
            row.reason = "; ".join(copy.notes)
            if pdf_source is not None:
                write_workbook(Path(pdf_source), [made.form])
                row.pdf_source = pdf_source
        row.status = "ok"
        row.overview = overview_row(row.file, made, today)
        row.received, row.costs, row.unused = plain(summary.received), plain(summary.costs), plain(summary.unused)
        row.errors = sum(f.severity == Severity.ERROR for f in findings)
        row.warnings = sum(f.severity == Severity.WARNING for f in findings)
    except UserError as exc:
        row.reason = exc.message if not exc.location else f"{exc.location}: {exc.message}"
        row.output = ""
    except MemoryError:
        row.reason = MEMORY_REASON
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


def claim_summaries(outdir: Path, force: bool) -> dict[str, object]:
    """The run's own files in OUTDIR, checked by the output rule before any work."""
    return {name: outputs.claim(outdir / name, (), force, "-o (another folder)")
            for name in ("summary.csv", "summary.json", OVERVIEW_NAME)}


def write_summary(outdir: Path, rows: list[Row], claims: dict | None = None, today: dt.date | None = None) -> None:
    """summary.csv (every text field defused and quoted where it holds "," or ";"), summary.json, and
    översikt.xlsx (the year at a glance: one row per agreement and year, its deadlines, a chart); each by
    the output rule (``claims``: checked at the start of the run)."""
    claims = claims or {}

    def write(name: str, data: bytes) -> None:
        outputs.write_bytes(claims.get(name) or outputs.claim(outdir / name), data)

    names = [Path(r.file).name for r in rows]
    shown = {r.file: name if names.count(name) == 1 else r.file for r, name in zip(rows, names)}
    lines = []
    for r in rows:
        line = r.overview if r.status == "ok" and r.overview is not None else OverviewRow(r.file, status=r.reason)
        line.file = shown[r.file]
        lines.append(line)
    try:
        agreements, warnings = combine(lines)
        write(OVERVIEW_NAME, overview_bytes(agreements, today=today))
        for warning in warnings:
            print(f"xl-statsbidrag: warning: {warning}", file=sys.stderr)
    except UserError as exc:  # the overview is a convenience: the summary below is what scripts rely on
        print(f"xl-statsbidrag: warning: {OVERVIEW_NAME} was not written: {exc}", file=sys.stderr)
    records = [{k: v for k, v in asdict(r).items() if k in SUMMARY_FIELDS} for r in rows]
    text = csv_line(SUMMARY_FIELDS) + "".join(csv_line([r[k] for k in SUMMARY_FIELDS]) for r in records)
    write("summary.csv", text.encode("utf-8"))
    write("summary.json", (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


LOCK_NAME = ".xl-statsbidrag.lock"
OVERVIEW_NAME = "översikt.xlsx"
STAGING_PREFIX = ".xlsb-staging-"


def lock_outdir(outdir: Path):
    """An exclusive lock on OUTDIR for this run (released by the OS when the process ends, however it
    ends); a second run on the same OUTDIR is refused instead of tripping over the first."""
    path = outdir / LOCK_NAME
    try:
        handle = open(path, "a+b")
    except OSError as exc:
        raise write_error(exc, outdir) from None
    try:
        if os.name == "nt":
            import msvcrt  # lazy: Windows only

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl  # lazy: not on Windows

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise UserError("another batch run is writing to this folder (it holds the lock "
                        f"{LOCK_NAME}); wait for it to finish or choose another output folder", file=outdir) from None
    return handle


def prepare_outdir(outdir: Path) -> None:
    """Create OUTDIR, with a clear error when it cannot be a folder."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError("is a file, not a folder; give a folder for the outputs with -o", file=outdir) from None
    except NotADirectoryError:
        raise UserError("a part of this path is a file, not a folder; give a folder for the outputs with -o",
                        file=outdir) from None
    except OSError as exc:
        raise write_error(exc, outdir) from None


def clean_stale_temporaries(folders) -> None:
    """Our own temporaries that a killed run left behind (never a user's file, never the outputs, never
    the temporaries of a process still running), and our staging folders (the OUTDIR lock is held, so
    no other run uses them)."""
    folders = list(dict.fromkeys(folders))
    for folder in folders:
        clean_folder(folder)
    for staging in folders[0].glob(STAGING_PREFIX + "*"):
        shutil.rmtree(staging, ignore_errors=True)


def make_pdfs(rows: list[Row], staging: Path) -> None:
    """One LibreOffice run converts every report's Bilaga 2 sheet; each PDF is moved into place.  Every
    file is staged inside OUTDIR, so that the move is a rename on one file system."""
    wanted = [r for r in rows if r.status == "ok" and r.pdf_source]
    if not wanted:
        return
    pdfs = staging / "pdf"
    try:
        produced = convert_many([Path(r.pdf_source) for r in wanted], pdfs)
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
            if r.pdf_claim is None:
                os.replace(pdf, Path(r.target).with_suffix(".pdf"))
            else:
                with r.pdf_claim.writing():  # (a backup of a PDF that is not the tool's, allowed by --force)
                    os.replace(pdf, Path(r.target).with_suffix(".pdf"))
                r.reason = "; ".join([x for x in (r.reason, *r.pdf_claim.notes()) if x])
            outputs.record(Path(r.target).with_suffix(".pdf"))
        except UserError as exc:
            r.status, r.reason = "failed", f"PDF: {exc.message}"
        except OSError as exc:
            r.status, r.reason = "failed", f"PDF: {exc.strerror or exc}"


# --- workers: a pool of long-lived processes, each book under a time and memory limit, ending with their parent

def _end_with_parent(parent: int) -> None:
    """The worker dies when the batch does (SIGTERM, SIGKILL): the kernel's parent-death signal on
    Linux, a watchdog thread elsewhere."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent was gone before the signal was armed
        os._exit(1)
    if not sys.platform.startswith("linux"):
        def watch() -> None:
            while True:
                time.sleep(0.5)
                if os.getppid() != parent:
                    os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


def _limit_memory(max_memory_mb: int) -> None:
    try:
        import resource  # lazy: not on Windows
    except ImportError:  # Windows: the time limit still applies
        return
    limit = max_memory_mb << 20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _serve(conn, parent: int, max_memory_mb: int) -> None:
    """A worker of the pool: forked once from the batch (which has imported everything a book needs), it
    converts one book per message until it is told to stop (None) or its batch ends.  Each book runs
    under the memory limit of the worker (an address-space limit, as each had its own process before);
    a book that breaks it fails alone, and the worker then retires (it answers, then exits) so that the
    next book has a fresh one, as it does when a book left it holding a quarter of the limit more than it
    started with (a heap that does not shrink)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # a group of its own: stopping it stops what it started (LibreOffice for --recalculate)
    _end_with_parent(parent)
    _limit_memory(max_memory_mb)
    start_kb = _status_kb("VmSize")
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            break
        if args is None:
            break
        try:
            row = convert_one(*args)
        except MemoryError:
            row = Row(display_name(args[0]), reason=MEMORY_REASON)
        retire = row.reason == MEMORY_REASON or \
            (start_kb and _status_kb("VmSize") - start_kb > (max_memory_mb << 10) // 4)
        try:
            conn.send((row, retire))
        except (OSError, ValueError):
            break
        if retire:
            break
    conn.close()
    os._exit(0)


class _Worker:
    """The batch's side of a worker: its process, its connection, and the book it is converting."""

    def __init__(self, ctx, max_memory_mb: int):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(child, os.getpid(), max_memory_mb), daemon=True)
        self.process.start()
        child.close()
        self.book: Path | None = None
        self.started = 0.0

    def give(self, book: Path, args: tuple) -> bool:
        """Send it a book; False when it is gone (an idle worker the out-of-memory killer chose)."""
        try:
            self.conn.send(args)
        except (OSError, ValueError):
            return False
        self.book, self.started = book, time.monotonic()
        return True

    def stop(self) -> None:
        """Kill it and whatever it started (its process group), and reap it."""
        _stop(self.process)
        self.conn.close()

    def dismiss(self) -> None:
        """An idle worker at the end of the run: asked to exit, killed if it does not."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.stop()


def _context():
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")  # fast start; the modules are already imported
    return multiprocessing.get_context()


class _Terminated(KeyboardInterrupt):
    """SIGTERM to the batch: end the workers, write the summary, stop."""


def _stop(process) -> None:
    """Kill a worker and its process group (anything it started), and reap it."""
    if hasattr(os, "killpg") and process.pid:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.kill()
    process.join()


def _dead_reason(exitcode: int | None, max_memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return (f"the worker for this input was killed ({name}; the out-of-memory killer does this to a "
                f"process using too much memory; the limit is --max-memory {max_memory_mb} MB)")
    return f"the worker for this input ended unexpectedly (exit code {exitcode})"


def run(inputs: list[str], outdir: Path, jobs: int | None = None, pdf: bool = False, fail_fast: bool = False,
        force: bool = False, progress_stream=None, timeout: float = 300, max_memory_mb: int = 2048,
        recalculate: bool = False, today: dt.date | None = None) -> list[Row]:
    prepare_outdir(outdir)
    lock = lock_outdir(outdir)
    try:
        return _run_locked(inputs, outdir, jobs, pdf, fail_fast, force, progress_stream, timeout, max_memory_mb,
                           recalculate, today)
    finally:
        lock.close()


def _warm() -> None:
    """Fill the caches converting a book reads before the workers fork (this module imports what it needs
    at its top): each then starts with them (the copy-on-write pages of one process)."""
    _widths()


def _run_locked(inputs, outdir, jobs, pdf, fail_fast, force, progress_stream, timeout, max_memory_mb,
                recalculate, today=None) -> list[Row]:
    _warm()
    books = expand(inputs, outdir)
    if not books:
        raise UserError("no workbooks (.xlsx, .xlsm) among the inputs")
    targets = output_names(books, outdir)
    summaries = claim_summaries(outdir, force)
    clean_stale_temporaries([outdir] + [t.parent for t in targets.values()])
    for target in targets.values():
        prepare_outdir(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=outdir)) if pdf else None
    progress = Progress(len(books), progress_stream)
    rows: dict[Path, Row] = {}
    jobs = max(1, jobs or os.cpu_count() or 1)
    ctx = _context()
    pool: list[_Worker] = []  # long-lived workers (issue 28); one is replaced when it breaks a limit
    queue = list(enumerate(books))
    stop = False
    previous = None
    if threading_main():
        def terminate(signum, frame):
            raise _Terminated()
        previous = signal.signal(signal.SIGTERM, terminate)

    def finish(f: Path, row: Row) -> None:
        nonlocal stop
        rows[f] = row
        progress.update(row)
        if row.status != "ok" and fail_fast:
            stop = True

    try:
        while True:
            idle = [w for w in pool if w.book is None]
            while queue and not stop and (idle or len(pool) < jobs):
                fresh = not idle
                worker = idle.pop() if idle else _Worker(ctx, max_memory_mb)
                if fresh:
                    pool.append(worker)
                index, f = queue[0]
                pdf_source = str(staging / f"{index:06d}.xlsx") if staging else None
                if worker.give(f, (str(f), str(targets[f]), pdf_source, force, recalculate, today)):
                    queue.pop(0)
                    continue
                worker.stop()  # gone before it had the book: an idle one is replaced and the book waits;
                pool.remove(worker)  # a new one that cannot even start fails the book (no endless forking)
                if fresh:
                    queue.pop(0)
                    finish(f, Row(display_name(f), reason=_dead_reason(worker.process.exitcode, max_memory_mb)))
            busy = [w for w in pool if w.book is not None]
            if not busy:
                break
            next_deadline = min(w.started + timeout for w in busy)
            multiprocessing.connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                     timeout=max(0.0, next_deadline - time.monotonic()))
            for worker in busy:
                f, row, retire = worker.book, None, False
                if worker.conn.poll():
                    try:
                        row, retire = worker.conn.recv()
                    except (EOFError, OSError):
                        row = None
                if row is None and not worker.process.is_alive():
                    worker.process.join()
                    row, retire = Row(display_name(f), reason=_dead_reason(worker.process.exitcode,
                                                                           max_memory_mb)), True
                elif row is None and time.monotonic() - worker.started > timeout:
                    row, retire = Row(display_name(f), reason=f"stopped after the time limit for one input "
                                                              f"(--timeout {timeout:g} s)",
                                      seconds=round(timeout, 3)), True
                if row is None:
                    continue
                worker.book = None
                if retire:  # replaced by a new worker when there is a book for it
                    worker.stop()
                    pool.remove(worker)
                finish(f, row)
            for worker in [w for w in pool if w.book is None and not w.process.is_alive()]:
                worker.stop()  # (an idle worker that died: the out-of-memory killer's choice)
                pool.remove(worker)
            if stop and queue:
                for _, f in queue:
                    rows[f] = Row(display_name(f), reason="not run (--fail-fast after an earlier failure)")
                queue.clear()
        for worker in pool:
            worker.dismiss()
        pool.clear()
        if staging is not None:
            make_pdfs([rows[f] for f in books if f in rows], staging)
    finally:
        for worker in pool:
            worker.stop()
            if worker.book is not None:
                rows.setdefault(worker.book, Row(display_name(worker.book),
                                                 reason="not finished (the batch was interrupted)"))
        for f in books:
            rows.setdefault(f, Row(display_name(f), reason="not run (the batch was interrupted)"))
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        ordered = [rows[f] for f in books]
        write_summary(outdir, ordered, summaries, today)  # always, also when interrupted
    return ordered


def threading_main() -> bool:
    return threading.current_thread() is threading.main_thread()
