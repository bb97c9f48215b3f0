"""The zip container of an OOXML package: read members, and write a new package that copies the
members it does not change byte for byte (the compressed bytes themselves, not a re-compression).

Writing is atomic: the package is written to a temporary file beside the target and renamed
over it only when complete.
"""
from __future__ import annotations

import errno
import glob
import os
import re
import socket
import struct
import tempfile
import time
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import UserError

_LOCAL = struct.Struct("<4s5H3I2H")
_CENTRAL = struct.Struct("<4s6H3I5H2I")
_END = struct.Struct("<4s4H2IH")
_LIMIT_32 = 0xFFFFFFFF
_FLAG_DESCRIPTOR = 0x08
_FLAG_UTF8 = 0x800


def _dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time[:6]
    year = max(1980, year)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


class ZipWriter:
    """A minimal zip writer: stored or deflated new members, and raw copies of existing ones."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.entries: list[tuple] = []
        self.names: set[str] = set()

    def _header(self, name: str, flags: int, method: int, date_time: tuple, crc: int,
                csize: int, usize: int, external_attr: int = 0, create_system: int = 0) -> None:
        if name in self.names:
            raise ValueError(f"duplicate zip member {name}")
        self.names.add(name)
        offset = self.out.tell()
        if max(csize, usize, offset) >= _LIMIT_32:
            raise UserError(f"the package member {name} is too large for this tool (over 4 GB)")
        encoded = name.encode("utf-8")
        if any(ch > 127 for ch in encoded):
            flags |= _FLAG_UTF8
        flags &= ~_FLAG_DESCRIPTOR
        dos_time, dos_date = _dos_time(date_time)
        self.out.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, method, dos_time, dos_date,
                                   crc, csize, usize, len(encoded), 0))
        self.out.write(encoded)
        self.entries.append((encoded, flags, method, dos_time, dos_date, crc, csize, usize,
                             offset, external_attr, create_system))

    def add(self, name: str, data: bytes, date_time: tuple | None = None) -> None:
        """A new member, deflated."""
        date_time = date_time or (1980, 1, 1, 0, 0, 0)
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
        self._header(name, 0, zipfile.ZIP_DEFLATED, date_time, zlib.crc32(data), len(packed), len(data))
        self.out.write(packed)

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """An existing member, its compressed bytes copied unchanged."""
        source.seek(info.header_offset)
        header = source.read(_LOCAL.size)
        if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise UserError(f"the zip member {info.filename} is damaged")
        name_len, extra_len = struct.unpack("<2H", header[26:30])
        source.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
        self._header(info.filename, info.flag_bits, info.compress_type, info.date_time, info.CRC,
                     info.compress_size, info.file_size, info.external_attr, info.create_system)
        remaining = info.compress_size
        while remaining:
            chunk = source.read(min(remaining, 1 << 20))
            if not chunk:
                raise UserError(f"the zip member {info.filename} is truncated")
            self.out.write(chunk)
            remaining -= len(chunk)

    def close(self) -> None:
        start = self.out.tell()
        for (name, flags, method, dos_time, dos_date, crc, csize, usize, offset,
             external_attr, create_system) in self.entries:
            self.out.write(_CENTRAL.pack(b"PK\x01\x02", (create_system << 8) | 20, 20, flags, method,
                                         dos_time, dos_date, crc, csize, usize, len(name), 0, 0, 0,
                                         0, external_attr, offset))
            self.out.write(name)
        size = self.out.tell() - start
        if len(self.entries) > 0xFFFF or start >= _LIMIT_32:
            raise UserError("the package has too many members for this tool")
        self.out.write(_END.pack(b"PK\x05\x06", 0, 0, len(self.entries), len(self.entries),
                                 size, start, 0))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Our temporaries: ".<target name>.~xlsb-<host>-<pid>-<random>.tmp", beside the target.  The host and
# the process id say whose it is, so that a later run removes only temporaries of ours whose writer is
# gone (killed), never a user's own ".notes.tmp" nor the temporary of a run still writing.
TMP_MARK = ".~xlsb-"
_HOST = format(zlib.crc32(socket.gethostname().encode("utf-8", "replace")), "08x")[:6]
STALE_AFTER = 24 * 3600  # seconds; a temporary of another host (a shared folder) is stale after a day


def temporary_prefix(name: str) -> str:
    return f".{name}{TMP_MARK}{_HOST}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep
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
            if (host == _HOST and not _alive(pid)) or age > STALE_AFTER:
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


def write_package(source_path: Path, infos: list[zipfile.ZipInfo], target: Path,
                  replace: dict[str, bytes], add: dict[str, bytes]) -> None:
    """Write ``target`` as ``source_path`` with the members in ``replace`` given new content,
    the members in ``add`` appended, and every other member listed in ``infos`` copied raw.
    Members of the source not in ``infos`` are dropped."""
    now = time.localtime()[:6]
    # The source is closed before the output replaces the target (Windows refuses to rename over a
    # file that is still open, which matters when the target is the source itself).
    with atomic_output(target) as out, open(source_path, "rb") as source:
        writer = ZipWriter(out)
        for info in infos:
            if info.filename in replace:
                writer.add(info.filename, replace[info.filename], info.date_time)
            else:
                writer.copy(source, info)
        for name, data in add.items():
            writer.add(name, data, now)
        writer.close()
