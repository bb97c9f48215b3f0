"""The zip container of an OOXML package: write a new package that copies the members it does not
change byte for byte (the compressed bytes themselves, not a re-compression).

Writing is atomic (``atomic.atomic_output``): the package is written to a temporary file beside
the target and renamed over it only when complete.
"""
from __future__ import annotations

import os
import queue
import struct
import threading
import time
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable

from ..files.atomic import atomic_output
from ..core.errors import UserError

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


class Deflated:
    """A new member's content deflated as it is made, piece by piece (``chunks``: bytes): its CRC-32, its
    size, and the compressed bytes, which are the bytes ``ZipWriter.add`` makes of the whole content.  A
    large part (a sheet of 200 000 rows) then never needs to be in memory uncompressed (issue 28).
    ``level``: zlib's compression level (6, zlib's default, is what ``add`` uses for bytes).

    ``ahead``: the pieces are gathered to ``AHEAD_PIECE`` bytes and checksummed and compressed on a thread
    of their own while the next ones are made (zlib releases the GIL while it works), at most
    ``AHEAD_DEPTH`` waiting (a few tens of megabytes), when a second core is free (``_spare_core``).
    The bytes are the same either way (one compressor, the pieces in order)."""

    def __init__(self, chunks: Iterable[bytes], level: int = 6, ahead: bool = False):
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        if ahead and _spare_core():
            packed, crc, size = _deflate_ahead(chunks, compressor)
        else:
            packed, crc, size = [], 0, 0
            for chunk in chunks:
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                packed.append(compressor.compress(chunk))
        packed.append(compressor.flush())
        self.data, self.crc, self.size = b"".join(packed), crc, size


AHEAD_PIECE, AHEAD_DEPTH = 16 << 20, 2  # smaller pieces lose to the GIL hand-over (up to 5 ms a piece)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _spare_core() -> bool:
    """Whether deflating on a second thread pays: this process may run on two cores or more, and the
    machine's load average over the last minute (where the system says it: Unix) leaves one of them free
    (under the cores less a half).  Measured on a shared 2-core machine, the Utfall sheet of 237 MB: with a
    core free the thread saves 0.3-0.45 s of 1.4 s; with both cores busy (load 3) it costs 5-10 %, the
    GIL handed between the threads waiting on the other processes."""
    if _cores() < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows: no load average
        return True
    return load < (os.cpu_count() or 1) - 0.5


def _deflate_ahead(chunks: Iterable[bytes], compressor) -> tuple[list[bytes], int, int]:
    """``Deflated``'s loop with the checksum and compression on a second thread (see there): (the
    compressed pieces, CRC-32, size).  An error on either side is raised here once both have stopped."""
    waiting: queue.Queue = queue.Queue(AHEAD_DEPTH)
    packed: list[bytes] = []
    result = [0, 0]
    failed: list[BaseException] = []

    def work() -> None:
        crc = size = 0
        while (piece := waiting.get()) is not None:
            if failed:
                continue  # drained, so that the maker never waits on a full queue
            try:
                crc = zlib.crc32(piece, crc)
                size += len(piece)
                packed.append(compressor.compress(piece))
            except BaseException as exc:  # a MemoryError: raised in the maker's thread below
                failed.append(exc)
        result[:] = crc, size

    worker = threading.Thread(target=work, name="deflate", daemon=True)
    worker.start()
    try:
        gathered: list[bytes] = []
        count = 0
        for chunk in chunks:
            gathered.append(chunk)
            count += len(chunk)
            if count >= AHEAD_PIECE:
                waiting.put(b"".join(gathered))
                gathered, count = [], 0
                if failed:
                    break
        if gathered and not failed:
            waiting.put(b"".join(gathered))
    finally:
        waiting.put(None)
        worker.join()
    if failed:
        raise failed[0]
    return packed, result[0], result[1]


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

    def add(self, name: str, data: bytes | Deflated, date_time: tuple | None = None) -> None:
        """A new member, deflated (or already deflated)."""
        date_time = date_time or (1980, 1, 1, 0, 0, 0)
        packed = data if isinstance(data, Deflated) else Deflated((data,))
        self._header(name, 0, zipfile.ZIP_DEFLATED, date_time, packed.crc, len(packed.data), packed.size)
        self.out.write(packed.data)

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


def write_package(source_path: Path, infos: list[zipfile.ZipInfo], target: Path,
                  replace: dict[str, bytes | Deflated], add: dict[str, bytes | Deflated]) -> None:
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
