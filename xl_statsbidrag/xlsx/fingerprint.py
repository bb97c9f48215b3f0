"""The mark on the workbooks the tool writes, by which it knows them again (the output rule,
``outputs``): the custom document property "xl-statsbidrag kontrollsumma" (File > Properties >
Custom), "sha256:" and a SHA-256 over the package as written - the name, CRC-32 and size of every
part, as the zip's central directory lists them, and the custom properties part itself with the
mark's value blanked.

A workbook whose mark matches is one the tool wrote and nobody has saved since; any save by Excel,
LibreOffice or another program rewrites the parts and breaks the match (even without a change to a
cell: the tool cannot tell a save without changes from one with).  Reading the mark costs the
central directory and one small part, never the sheets.  Our own code, as no library computes a
digest of a package that the package itself holds.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Iterable

from ..core.errors import UserError
from .ooxml import NS_CUSTOM, NS_PKG_REL, REL_CUSTOM_PROPS

try:  # the interpreter's own SHA-256, which hashlib falls back to: the mark hashes a few hundred bytes, and
    # hashlib loads OpenSSL, ~2-3 ms of `report`'s start (issue 28); the digest is the same
    from _sha2 import sha256  # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.10, 3.11
    except ImportError:  # an interpreter built without them
        from hashlib import sha256

PROPERTY = "xl-statsbidrag kontrollsumma"
PLACEHOLDER = "sha256:" + "0" * 64
_VALUE = re.compile(r"sha256:[0-9a-f]{64}")
_MAX_CUSTOM = 1 << 20  # a custom properties part larger than this is not one the tool wrote


def digest(members: Iterable[tuple[str, int, int]], custom_part: str, custom_bytes: bytes) -> str:
    """The mark's value for a package of ``members`` (name, CRC-32, size) whose custom properties part
    ``custom_part`` holds ``custom_bytes`` with the value blanked (``PLACEHOLDER``)."""
    h = sha256()
    for name, crc, size in sorted(m for m in members if m[0] != custom_part):
        h.update(f"{name}\0{crc & 0xFFFFFFFF:08x}\0{size}\n".encode("utf-8", "surrogateescape"))
    h.update(b"\0" + custom_part.encode("utf-8", "surrogateescape") + b"\0" + custom_bytes)
    return "sha256:" + h.hexdigest()


def seal(members: Iterable[tuple[str, int, int]], custom_part: str, custom_bytes: bytes) -> bytes:
    """``custom_bytes`` (holding ``PLACEHOLDER`` once, as the mark's value) with the digest in its place."""
    placeholder = PLACEHOLDER.encode()
    if custom_bytes.count(placeholder) != 1:
        raise ValueError("the custom properties part must hold the placeholder exactly once")
    return custom_bytes.replace(placeholder, digest(members, custom_part, custom_bytes).encode())


def check(path: Path | str) -> bool | None:
    """True: ``path`` is a package the tool wrote, unchanged since; False: it carries the mark but has
    been changed since; None: it has no mark (another program's file, or not a package at all)."""
    from .package import parse_xml  # lazy: the Lite rule (app.outputs imports this module; package is lxml)
    from .relationships import resolve  # lazy: lxml, as above

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename: i for i in infos}
            rels = names.get("_rels/.rels")
            if rels is None or rels.file_size > _MAX_CUSTOM:
                return None
            root = parse_xml(z.read(rels), "_rels/.rels")
            part = next((resolve("", r.get("Target", "")) for r in root.iter(f"{{{NS_PKG_REL}}}Relationship")
                         if r.get("Type") == REL_CUSTOM_PROPS and r.get("TargetMode", "Internal") == "Internal"), None)
            if part not in names:
                return None
            if names[part].file_size > _MAX_CUSTOM:
                return None
            data = z.read(part)
            props = parse_xml(data, part)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, KeyError,
            zlib.error, UserError):
        return None  # not a package, or a damaged one: no mark to trust
    value = next(("".join(p.itertext()).strip() for p in props.iter(f"{{{NS_CUSTOM}}}property")
                  if p.get("name") == PROPERTY), None)
    if value is None:
        return None
    if not _VALUE.fullmatch(value) or data.count(value.encode()) != 1:
        return False
    blanked = data.replace(value.encode(), PLACEHOLDER.encode())
    return digest(((i.filename, i.CRC, i.file_size) for i in infos), part, blanked) == value
