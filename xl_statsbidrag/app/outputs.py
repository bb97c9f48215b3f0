"""The one rule for every file a command writes, written once (``report``, ``rekvisition``, ``utfall``,
``import``, ``batch``, ``allocate -o``, ``deadlines --ics``):

1. Never an input of the command, whatever the options.  "The same file" goes by its identity (device
   and inode), so another spelling, a hard link or a symbolic link is caught.  ``report --in-place`` is
   the one documented way to change an input, after a backup copy.
2. A file that does not exist (or an empty one: there is nothing in it to lose) is written.
3. An existing file is replaced only when the tool wrote it and nobody has changed it since.  Any other
   file - another program's, or an output the user has edited, or opened and saved, since - is refused
   before any work is done, unless ``--force``: then a backup copy of it is kept beside it
   (NAME.backup-STAMP.EXT, created exclusively, never overwritten) before it is replaced.
4. Always atomic (``files.atomic.atomic_output``): the old file or the new one, never half of either.

How the tool knows its own files, each by what it wrote:
- a workbook carries the mark of ``xlsx.fingerprint``: the custom document property "xl-statsbidrag
  kontrollsumma", a SHA-256 over the package as written (every part's name, CRC-32 and size);
- an iCalendar file, the line ``X-XL-STATSBIDRAG-KONTROLLSUMMA:...``, a SHA-256 (its first 128 bits)
  over the rest of the file (calendar programs ignore X- properties);
- a file with no room for a mark (CSV, JSON, PDF) is recorded in ``.xl-statsbidrag-outputs.json`` in its
  folder: its name, size and the SHA-256 of what was written.
A file that matches is the tool's, unchanged; one that carries a mark or record that no longer matches
was changed since; anything else is not the tool's.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..core.errors import UserError
from ..core.records import Record
from ..files.atomic import atomic_output, write_error
from ..files.paths import same_file
from ..xlsx import fingerprint

NEW, OURS, CHANGED, FOREIGN = "new", "ours", "changed", "foreign"
RECORD_NAME = ".xl-statsbidrag-outputs.json"
ICS_MARK = "X-XL-STATSBIDRAG-KONTROLLSUMMA"
_ICS_LINE = rb"(?m)^" + ICS_MARK.encode() + rb":([0-9a-f]{32})\r?\n"  # (compiled when used: issue 28)
_MAX_MARKED_TEXT = 64 << 20  # an iCalendar file larger than this is not one the tool wrote
WHY = {FOREIGN: "the file exists and was not written by xl-statsbidrag",
       CHANGED: "the file was written by xl-statsbidrag and has been changed since (edited, or opened and saved)"}
WAS = {FOREIGN: "it was not written by xl-statsbidrag", CHANGED: "it had been changed since xl-statsbidrag wrote it"}


# --- knowing our own files -----------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    import hashlib  # lazy: OpenSSL's start costs ~2 ms; files without a mark are rare, `report` needs none (issue 28)

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def seal_ics(data: bytes) -> bytes:
    """An iCalendar file with the mark as its last calendar property (before END:VCALENDAR): the first
    128 bits of a SHA-256 over the file without that line (which so stays under 75 octets, RFC 5545)."""
    end = data.rstrip().rfind(b"END:VCALENDAR")
    if end < 0 or (end and data[end - 1:end] != b"\n"):
        raise ValueError("not an iCalendar file")
    import hashlib  # lazy: see _sha256

    newline = b"\r\n" if data[:end].endswith(b"\r\n") else b"\n"
    return data[:end] + f"{ICS_MARK}:{hashlib.sha256(data).hexdigest()[:32]}".encode() + newline + data[end:]


def _ics_mark(path: Path) -> bool | None:
    if path.stat().st_size > _MAX_MARKED_TEXT:
        return None
    with open(path, "rb") as f:
        if not f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
            return None
        f.seek(0)
        data = f.read()
    found = list(re.finditer(_ICS_LINE, data))
    if len(found) != 1:
        return None if not found else False
    match = found[0]
    import hashlib  # lazy: see _sha256

    return hashlib.sha256(data[:match.start()] + data[match.end():]).hexdigest()[:32] == match.group(1).decode()


def _record_path(path: Path) -> Path:
    return path.parent / RECORD_NAME


def _read_record(folder_record: Path) -> dict:
    import json  # lazy: only files without room for a mark need the record; `report` starts without it (issue 28)

    try:
        with open(folder_record, "rb") as f:
            data = json.loads(f.read(16 << 20).decode("utf-8"))
        files = data.get("files") if isinstance(data, dict) else None
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError):
        return {}


def _recorded(path: Path) -> bool | None:
    entry = _read_record(_record_path(path)).get(path.name)
    if not isinstance(entry, dict):
        return None
    try:
        return entry.get("size") == path.stat().st_size and entry.get("sha256") == _sha256(path)
    except OSError:
        return False


def record(path: Path | str) -> None:
    """Note ``path`` (just written, and without room for a mark) as the tool's in its folder's record.
    A record that cannot be written is no error: the file is then not known as the tool's, and the
    next run asks for --force rather than guess."""
    import json  # lazy: see _read_record

    path = Path(path)
    where = _record_path(path)
    files = _read_record(where)
    try:
        files[path.name] = {"size": path.stat().st_size, "sha256": _sha256(path),
                            "written": dt.datetime.now().replace(microsecond=0).isoformat()}
        files = {name: entry for name, entry in files.items() if (path.parent / name).exists()}
        text = json.dumps({"about": "files written by xl-statsbidrag, to know them again (see README, Security and "
                                    "data safety)", "files": files}, ensure_ascii=False, indent=1)
        with atomic_output(where) as out:
            out.write(text.encode("utf-8") + b"\n")
    except (OSError, UserError):
        pass


def state(path: Path | str) -> str:
    """NEW (missing or empty), OURS (the tool wrote it, unchanged since), CHANGED (the tool wrote it,
    changed since) or FOREIGN (not the tool's)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return NEW
    except (OSError, ValueError):
        return FOREIGN  # there, but unreadable (permissions): not known as ours
    if stat.S_ISDIR(st.st_mode):
        raise UserError("is a folder; give a file name for the output", file=path)
    if not stat.S_ISREG(st.st_mode):
        raise UserError("is not a regular file (a pipe, device or socket); give a file name for the output",
                        file=path)
    if st.st_size == 0:
        return NEW
    try:
        for check in (fingerprint.check, _ics_mark, _recorded):
            mark = check(path)
            if mark is not None:
                return OURS if mark else CHANGED
    except OSError:
        pass
    return FOREIGN


# --- the rule -------------------------------------------------------------------------------------------

@dataclass(init=False, repr=False, eq=False)  # __init__, repr and == from Record (issue 28)
class Claim(Record):
    """An output the rule allows: its path, what is there now (``state``), and the backup copy kept of
    it (with --force) once ``prepare`` has run."""

    path: Path
    state: str = NEW
    force: bool = False
    backup: Path | None = None

    def prepare(self) -> None:
        """Just before writing: keep a backup copy of a file that is not the tool's (allowed by --force)."""
        if self.state in (CHANGED, FOREIGN) and self.backup is None and self.path.exists():
            self.backup = make_backup(self.path)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Around the write: the backup copy first; a write that fails (the file is then as it was) takes
        its backup copy with it, so that a failed run leaves nothing behind."""
        self.prepare()
        try:
            yield
        except BaseException:
            if self.backup is not None:
                try:
                    self.backup.unlink()
                except OSError:
                    pass
                self.backup = None
            raise

    def notes(self) -> list[str]:
        """What the summary says about this output (the backup kept)."""
        if self.backup is None:
            return []
        return [f"{self.path} was replaced (--force; {WAS[self.state]}); the old file is kept as {self.backup.name}"]


def claim(path: Path | str, inputs=(), force: bool = False, option: str = "-o") -> Claim:
    """Check ``path`` against the rule before any work: never one of ``inputs`` (even with --force),
    an existing file that is not the tool's unchanged output only with ``force``.  ``option`` names the
    option that gives another name, for the message."""
    path = Path(path)
    for given in inputs:
        if given is not None and same_file(given, path):
            raise UserError(f"the output would overwrite an input ({given}: the same file, under this name or "
                            f"another); give another name with {option}", file=path)
    now = state(path)
    if now in (CHANGED, FOREIGN) and not force:
        raise UserError(refusal(now, option), file=path)
    return Claim(path, now, force)


def refusal(now: str, option: str = "-o") -> str:
    return (f"{WHY[now]}, so it is not replaced: give another name with {option}, or --force to replace it "
            "(a backup copy of it is kept beside it)")


def write_bytes(target: Claim, data: bytes) -> None:
    """Write ``data`` as the claimed output, whole or not at all, with the tool's mark or record: an
    iCalendar file is sealed, a workbook (XlsxWriter's bytes) gets its mark from the package writer,
    anything else is recorded."""
    path = target.path
    calendar = data.startswith(b"BEGIN:VCALENDAR")
    with target.writing():
        if data.startswith(b"PK\x03\x04") and path.suffix.lower() in (".xlsx", ".xlsm"):
            _write_marked_package(path, data)
            return
        with atomic_output(path) as out:
            out.write(seal_ics(data) if calendar else data)
    if not calendar:
        record(path)


def _write_marked_package(path: Path, data: bytes) -> None:
    """A workbook made elsewhere (XlsxWriter), written through the package writer, which marks it."""
    from ..xlsx.writer import write_sheets  # lazy: the Lite rule (see app.files)

    with tempfile.TemporaryDirectory(prefix="xlsb-mark-") as tmp:
        made = Path(tmp) / f"made{path.suffix.lower()}"
        made.write_bytes(data)
        write_sheets(made, path, [])


def make_backup(source: Path) -> Path:
    """A copy of ``source`` beside it under a new name (created exclusively: an existing backup is never
    overwritten), complete or not at all."""
    source = Path(source)
    for attempt in range(100):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = source.with_name(f"{source.stem}.backup-{stamp}{f'-{attempt}' if attempt else ''}{source.suffix}")
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_error(exc, backup) from None
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            shutil.copystat(source, backup)
        except BaseException as exc:
            try:
                os.unlink(backup)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise write_error(exc, backup) from None
            raise
        return backup
    raise UserError("cannot find a free name for the backup copy", file=source)
