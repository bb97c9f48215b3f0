"""Files written whole or not at all: ``atomic_output`` writes to a temporary file of ours beside
the target and renames it over the target only when complete; ``temporary_prefix`` and
``clean_stale_temporaries`` name such temporaries and remove those a killed run left; ``write_error``
says what went wrong when writing (a full disk, a read-only folder) as a UserError.
"""
from __future__ import annotations

import errno
import glob
import os
import re
import tempfile
import time
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterator

from ..core.errors import UserError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Our temporaries: ".<target name>.~xlsb-<host>-<pid>-<random>.tmp", beside the target.  The host and
# the process id say whose it is, so that a later run removes only temporaries of ours whose writer is
# gone (killed), never a user's own ".notes.tmp" nor the temporary of a run still writing.
TMP_MARK = ".~xlsb-"
STALE_AFTER = 24 * 3600  # seconds; a temporary of another host (a shared folder) is stale after a day


@lru_cache(maxsize=1)
def _host() -> str:
    """This machine, in six hex digits.  The host name comes from uname where there is one (the name
    gethostname() gives): importing socket is 4 ms of every command's start (issue 28)."""
    if hasattr(os, "uname"):
        host = os.uname().nodename
    else:
        import socket  # lazy: only without os.uname (4 ms of every start, issue 28)

        host = socket.gethostname()
    return format(zlib.crc32(host.encode("utf-8", "replace")), "08x")[:6]


def temporary_prefix(name: str) -> str:
    return f".{name}{TMP_MARK}{_host()}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep
    try:  # a zombie (killed, not yet reaped by whoever inherited it) writes nothing any more
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def clean_stale_temporaries(directory: Path, name: str | None = None) -> list[Path]:
    """Remove our own temporaries in ``directory`` (of the target ``name``, or of any target) whose
    writing process has ended; returns the removed ones."""
    removed = []
    pattern = f".{glob.escape(name) if name else '*'}{TMP_MARK}*.tmp"
    for tmp in Path(directory).glob(pattern):
        match = re.fullmatch(r"\.(.+)" + re.escape(TMP_MARK) + r"([0-9a-f]+)-(\d+)-[^.]+\.tmp", tmp.name)
        if match is None:
            continue
        host, pid = match.group(2), int(match.group(3))
        try:
            age = time.time() - tmp.lstat().st_mtime
            if not tmp.is_file() or tmp.is_symlink():
                continue
            if (host == _host() and not _alive(pid)) or age > STALE_AFTER:
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            pass
    return removed


WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO}


def write_error(exc: OSError, target: Path) -> UserError:
    """A failed write as a user error naming the file (a full disk said in plain words)."""
    if exc.errno == errno.ENOSPC:
        return UserError("the disk is full; nothing was written (free some space and try again)", file=target)
    if exc.errno == errno.EDQUOT:
        return UserError("the disk quota is exceeded; nothing was written", file=target)
    if exc.errno == errno.EROFS:
        return UserError("the file system is read-only; nothing was written", file=target)
    if exc.errno == errno.EFBIG:
        return UserError("the file would be too large for this file system; nothing was written", file=target)
    return UserError(f"cannot write: {exc.strerror or exc}", file=target)


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A file object whose content replaces ``target`` only if the block completes.  The temporary
    file is ours (see ``temporary_prefix``); stale ones of the same target left by a killed run are
    removed first."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"the output folder {directory} does not exist", file=target)
    if target.is_dir():
        raise UserError("is a folder; give a file name for the output", file=target)
    if target.with_name("~$" + target.name).exists():
        raise UserError("the output is open in Excel (lock file ~$...); close it and try again", file=target)
    clean_stale_temporaries(directory, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(target.name), suffix=".tmp", dir=directory)
    except OSError as exc:
        raise UserError(f"cannot write in {directory}: {exc.strerror}", file=target) from None
    try:
        try:
            with os.fdopen(fd, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            raise write_error(exc, target) from None
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise UserError(f"cannot replace the output ({exc.strerror}); is it open in Excel?", file=target) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
