"""A VBA project (``xl/vbaProject.bin``) made from module source text, so that the macros of the
shipped .xlsm and .xlam are reviewable source in the repository instead of an opaque binary; and
``module_names``, which reads the modules of a user's project so that a sheet added to an .xlsm gets a
code name no module has.  A user's project itself is never rewritten: the writer copies it byte for
byte (a rewrite would break an Excel signature and could drop what this module does not model, such as
the storage class ids of ActiveX controls in forms); Excel adds the document module of a new sheet
from its code name, as it does for a workbook XlsxWriter made.

Two formats, each in the plainest form the specifications allow:

- [MS-OVBA]: the ``dir`` stream (project information, the references Excel writes, the modules), module streams
  holding only compressed source (no compiled code: ``_VBA_PROJECT`` is the 7-byte form whose
  version 0xFFFF tells Office to compile the source on load), the ``PROJECT`` and ``PROJECTwm``
  streams; its run-length/LZ77 compression (2.4.1) and the data encryption of CMG/DPB/GC (2.4.3),
  keyed by this project's ID.
- [MS-CFB]: a version 3 compound file (512-byte sectors, a mini stream for streams under 4 096
  bytes, directory siblings as a balanced red-black tree).
"""
from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass

# --- MS-OVBA compression (2.4.1) -----------------------------------------------------------------

CHUNK = 4096


def _copy_token_help(difference: int) -> tuple[int, int, int]:
    """(bit count of the offset, length mask, maximum length) for a position in a chunk."""
    bit_count = max((difference - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return bit_count, length_mask, length_mask + 3


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    positions: dict[bytes, list[int]] = {}
    i = 0
    n = len(data)
    while i < n:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if i >= n:
                break
            best_len, best_off = 0, 0
            if i > 0 and i + 3 <= n:
                bit_count, _, max_len = _copy_token_help(i)
                for pos in reversed(positions.get(data[i:i + 3], ())):
                    length = 3
                    limit = min(max_len, n - i)
                    while length < limit and data[pos + length] == data[i + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, i - pos
                        if length == limit:
                            break
            if best_len >= 3:
                bit_count, _, _ = _copy_token_help(i)
                out += struct.pack("<H", ((best_off - 1) << (16 - bit_count)) | (best_len - 3))
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[i])
                step = 1
            for k in range(i, i + step):
                if k + 3 <= n:
                    positions.setdefault(data[k:k + 3], []).append(k)
            i += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer (signature byte 0x01, then chunks)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        raw = data[start:start + CHUNK]
        packed = _compress_chunk(raw)
        if len(packed) > CHUNK:
            if len(raw) < CHUNK:
                raise ValueError("an incompressible final chunk cannot be stored")
            out += struct.pack("<H", (CHUNK - 1) | 0x3000) + raw  # a raw chunk: 4096 bytes as they are
        else:
            out += struct.pack("<H", (len(packed) - 1) | 0xB000) + packed
    return bytes(out)


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    i = 1
    while i < len(data):
        header, = struct.unpack_from("<H", data, i)
        size = (header & 0x0FFF) + 3
        chunk_end = i + size
        i += 2
        start = len(out)
        if not header & 0x8000:
            out += data[i:i + CHUNK]
            i += CHUNK
            continue
        while i < chunk_end:
            flags = data[i]
            i += 1
            for bit in range(8):
                if i >= chunk_end:
                    break
                if flags & (1 << bit):
                    token, = struct.unpack_from("<H", data, i)
                    i += 2
                    bit_count, length_mask, _ = _copy_token_help(len(out) - start)
                    length = (token & length_mask) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[i])
                    i += 1
    return bytes(out)


# --- the VBA project streams ---------------------------------------------------------------------

DOCUMENT_BASES = {"workbook": "0{00020819-0000-0000-C000-000000000046}",
                  "worksheet": "0{00020820-0000-0000-C000-000000000046}"}
CODEPAGE = 1252


@dataclass(frozen=True)
class Module:
    name: str
    source: str = ""  # the code, without Attribute lines
    document: str | None = None  # "workbook" or "worksheet" for document modules, None for a standard module

    def text(self) -> bytes:
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.document:
            lines += [f'Attribute VB_Base = "{DOCUMENT_BASES[self.document]}"',
                      "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                      "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                      "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
        body = self.source.replace("\r\n", "\n").strip("\n")
        text = "\r\n".join(lines + (body.split("\n") if body else [])) + "\r\n"
        return text.encode(f"cp{CODEPAGE}")


@dataclass(frozen=True)
class Reference:
    """A reference of the project: a registered type library (``libid`` "*\\G{...}#...") or another
    VBA project (``libid`` "*\\C<path>", with the relative path Excel also records)."""
    name: str
    libid: str
    relative: str = ""
    version: tuple[int, int] = (0, 0)  # of a referenced project: major, minor

    def records(self) -> bytes:
        out = _name_records(0x16, 0x3E, self.name)  # REFERENCENAME (its unicode part has id 0x3E)
        absolute = self.libid.encode(f"cp{CODEPAGE}")
        if self.relative:  # REFERENCEPROJECT
            relative = self.relative.encode(f"cp{CODEPAGE}")
            body = (struct.pack("<I", len(absolute)) + absolute + struct.pack("<I", len(relative)) + relative
                    + struct.pack("<IH", *self.version))
            return out + _record(0x0E, body)
        return out + _record(0x0D, struct.pack("<I", len(absolute)) + absolute + struct.pack("<IH", 0, 0))


# What Excel writes into a new project (the VBA and Excel libraries are implicit), and the reference to
# the xlwings add-in that its "Import Functions" wrappers need (as in xlwings' quickstart.xlsm).
STDOLE = Reference("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb"
                             "#OLE Automation")
OFFICE = Reference("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files"
                             "\\Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library")
XLWINGS = Reference("xlwings", "*\\CC:\\Program Files\\xlwings\\xlwings.xlam", "*\\Cxlwings.xlam",
                    (0x68FE4C3D, 0x000C))


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _name_records(rid: int, rid_unicode: int, name: str) -> bytes:
    return _record(rid, name.encode(f"cp{CODEPAGE}")) + _record(rid_unicode, name.encode("utf-16-le"))


def dir_stream(modules: list[Module], project: str = "VBAProject",
               references: tuple[Reference, ...] = (STDOLE, OFFICE)) -> bytes:
    info = b"".join([
        _record(0x01, struct.pack("<I", 1)),  # PROJECTSYSKIND: 32-bit Windows
        _record(0x02, struct.pack("<I", 0x409)),  # PROJECTLCID
        _record(0x14, struct.pack("<I", 0x409)),  # PROJECTLCIDINVOKE
        _record(0x03, struct.pack("<H", CODEPAGE)),  # PROJECTCODEPAGE
        _record(0x04, project.encode("ascii")),  # PROJECTNAME
        _record(0x05, b"") + _record(0x40, b""),  # PROJECTDOCSTRING (+ unicode)
        _record(0x06, b"") + _record(0x3D, b""),  # PROJECTHELPFILEPATH (+ second path)
        _record(0x07, struct.pack("<I", 0)),  # PROJECTHELPCONTEXT
        _record(0x08, struct.pack("<I", 0)),  # PROJECTLIBFLAGS
        struct.pack("<HIIH", 0x09, 4, 1, 0),  # PROJECTVERSION: reserved 4, major, minor
        _record(0x0C, b"") + _record(0x3C, b""),  # PROJECTCONSTANTS (+ unicode)
    ]) + b"".join(r.records() for r in references)
    body = [_record(0x0F, struct.pack("<H", len(modules))), _record(0x13, struct.pack("<H", 0xFFFF))]
    for m in modules:
        body += [
            _name_records(0x19, 0x47, m.name),  # MODULENAME, MODULENAMEUNICODE
            _name_records(0x1A, 0x32, m.name),  # MODULESTREAMNAME (+ unicode)
            _record(0x1C, b"") + _record(0x48, b""),  # MODULEDOCSTRING (+ unicode)
            _record(0x31, struct.pack("<I", 0)),  # MODULEOFFSET: the source starts the stream
            _record(0x1E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            _record(0x2C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
            _record(0x22 if m.document else 0x21, b""),  # MODULETYPE: document or procedural
            _record(0x2B, b""),  # module terminator
        ]
    body.append(_record(0x10, b""))  # dir terminator
    return info + b"".join(body)


def project_key(project_id: str) -> int:
    """The key of [MS-OVBA] 2.4.3: the sum of the bytes of the project ID (with its braces), modulo 256."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2 Encryption: Seed, Version (2) and ProjKey, (Seed & 6) / 2 ignored bytes, the data's
    length and the data, each byte chained to the two before it; as upper-case hexadecimal."""
    key = project_key(project_id)
    version_enc, key_enc = seed ^ 2, seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    unencrypted, enc1, enc2 = key, key_enc, version_enc
    ignored = bytes((seed * 7 + k) & 0xFF for k in range((seed & 6) // 2))  # any value will do
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((enc2 + unencrypted) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, unencrypted = enc1, byte_enc, byte
    return out.hex().upper()


def protection(project_id: str) -> dict[str, str]:
    """CMG, DPB and GC for "not protected, no password, visible" ([MS-OVBA] 2.3.1.15-17), seeded from the
    project ID so that a build is reproducible."""
    seeds = hashlib.sha256(project_id.encode("ascii")).digest()
    return {"CMG": encrypt(struct.pack("<I", 0), project_id, seeds[0]),
            "DPB": encrypt(b"\0", project_id, seeds[1]),
            "GC": encrypt(b"\xFF", project_id, seeds[2])}


def project_stream(modules: list[Module], project_id: str) -> bytes:
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append(f"Document={m.name}/&H00000000" if m.document else f"Module={m.name}")
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    lines += [f'{k}="{v}"' for k, v in protection(project_id).items()]
    lines += ["", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{CODEPAGE}")


def projectwm_stream(modules: list[Module]) -> bytes:
    return b"".join(m.name.encode(f"cp{CODEPAGE}") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                    for m in modules) + b"\0\0"


VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0)


def vba_project(modules: list[Module], references: tuple[Reference, ...] = (STDOLE, OFFICE)) -> bytes:
    """The vbaProject.bin for these modules (document modules first, as Office writes them)."""
    seed = hashlib.sha256(b"".join(m.text() for m in modules)).digest()[:16]
    project_id = "{" + str(uuid.UUID(bytes=seed)).upper() + "}"
    streams = {
        "PROJECT": project_stream(modules, project_id),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(modules, references=references)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.text())
    return compound_file(streams)


# --- MS-CFB -----------------------------------------------------------------------------------------

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list["_Entry"] | None = None
    index: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    black: bool = True
    start: int = ENDOFCHAIN
    size: int = 0


def _order(entry: _Entry) -> tuple[int, str]:
    return len(entry.name), entry.name.upper()


def _tree(nodes: list[_Entry]) -> int:
    """Link sorted siblings as a balanced binary search tree and colour it: a tree built by
    splitting at the median has all its empty links on the last two levels, so when it is not
    perfect, colouring the deepest level red and the rest black gives every path the same number of
    black nodes."""
    depths: dict[int, int] = {}

    def link(part: list[_Entry], depth: int) -> int:
        if not part:
            return NOSTREAM
        mid = len(part) // 2
        node = part[mid]
        depths[node.index] = depth
        node.left = link(part[:mid], depth + 1)
        node.right = link(part[mid + 1:], depth + 1)
        return node.index

    top = link(nodes, 0)
    deepest = max(depths.values())
    perfect = len(nodes) == 2 ** (deepest + 1) - 1
    for node in nodes:
        node.black = perfect or depths[node.index] < deepest
    return top


def _chain(fat: list[int], start: int, count: int) -> None:
    for k in range(count):
        fat[start + k] = start + k + 1 if k < count - 1 else ENDOFCHAIN


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file with the given streams ("STORAGE/.../NAME" paths)."""
    root = _Entry("Root Entry", 5, children=[])
    storages: dict[str, _Entry] = {"": root}
    for path, data in streams.items():
        *folders, name = path.split("/")
        parent = root
        for depth in range(1, len(folders) + 1):
            key = "/".join(folders[:depth])
            if key not in storages:
                storages[key] = _Entry(folders[depth - 1], 1, children=[])
                parent.children.append(storages[key])
            parent = storages[key]
        parent.children.append(_Entry(name, 2, data))
    entries = [root]
    queue = [root]
    while queue:
        node = queue.pop(0)
        for c in node.children or []:
            c.index = len(entries)
            entries.append(c)
            if c.children is not None:
                queue.append(c)
    for node in entries:
        if node.children:
            node.child = _tree(sorted(node.children, key=_order))

    # the mini stream: small streams in 64-byte mini sectors
    mini = bytearray()
    mini_fat: list[int] = []
    big = []
    for e in entries:
        if e.kind != 2:
            continue
        e.size = len(e.data)
        if e.size < CUTOFF:
            if e.size == 0:
                e.start = ENDOFCHAIN
                continue
            e.start = len(mini) // MINI
            count = -(-e.size // MINI)
            mini += e.data + b"\0" * (count * MINI - e.size)
            mini_fat += [e.start + k + 1 for k in range(count - 1)] + [ENDOFCHAIN]
        else:
            big.append(e)
    sectors = lambda size: -(-size // SECTOR)  # noqa: E731
    plan: list[tuple[str, int]] = [("mini", sectors(len(mini)))] + [(e.name, sectors(e.size)) for e in big]
    mini_fat_bytes = b"".join(struct.pack("<I", x) for x in mini_fat)
    mini_fat_sectors = sectors(len(mini_fat_bytes))
    dir_sectors = sectors(len(entries) * 128)
    data_sectors = sum(n for _, n in plan) + mini_fat_sectors + dir_sectors
    fat_sectors = 1
    while (data_sectors + fat_sectors) > fat_sectors * (SECTOR // 4):
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("the VBA project is too large for this writer")
    fat = [FREESECT] * (fat_sectors * SECTOR // 4)
    body = bytearray()
    position = 0
    if mini:
        root.start, root.size = 0, len(mini)
        _chain(fat, 0, plan[0][1])
        body += mini + b"\0" * (plan[0][1] * SECTOR - len(mini))
        position = plan[0][1]
    for e in big:
        count = sectors(e.size)
        e.start = position
        _chain(fat, position, count)
        body += e.data + b"\0" * (count * SECTOR - e.size)
        position += count
    first_mini_fat = position if mini_fat_sectors else ENDOFCHAIN
    if mini_fat_sectors:
        _chain(fat, position, mini_fat_sectors)
        body += mini_fat_bytes + struct.pack("<I", FREESECT) * ((mini_fat_sectors * SECTOR - len(mini_fat_bytes)) // 4)
        position += mini_fat_sectors
    first_dir = position
    _chain(fat, position, dir_sectors)
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\0\0"
        body += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, 1 if e.black else 0, e.left, e.right,
                            e.child, b"\0" * 16, 0, 0, 0, e.start if e.kind != 1 else 0,
                            e.size if e.kind != 1 else 0)
    for _ in range(dir_sectors * 4 - len(entries)):
        body += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)
    position += dir_sectors
    fat_positions = list(range(position, position + fat_sectors))
    for p in fat_positions:
        fat[p] = FATSECT
    body += b"".join(struct.pack("<I", x) for x in fat)
    difat = fat_positions + [FREESECT] * (109 - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, fat_sectors, first_dir, 0, CUTOFF, first_mini_fat,
                         mini_fat_sectors, ENDOFCHAIN, 0)
    header += b"".join(struct.pack("<I", x) for x in difat)
    return bytes(header + body)


def read_compound_file(data: bytes) -> dict[str, bytes]:
    """The streams of a compound file ([MS-CFB], version 3 or 4), by "STORAGE/.../NAME" path."""
    if data[:8] != b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1":
        raise ValueError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if (shift, mini_shift) not in ((9, 6), (12, 6)):
        raise ValueError(f"sector shift {shift}, mini sector shift {mini_shift}: not a version 3 or 4 file")
    size = 1 << shift
    (fat_count, first_dir, _, cutoff, first_mini_fat, _, first_difat, difat_count) = struct.unpack_from(
        "<IIIIIIII", data, 44)
    sector = lambda n: data[size * (n + 1):size * (n + 2)]  # noqa: E731
    difat = list(struct.unpack_from("<109I", data, 76))
    next_difat = first_difat
    for _ in range(difat_count):
        words = struct.unpack(f"<{size // 4}I", sector(next_difat))
        difat += words[:-1]
        next_difat = words[-1]
    fat: list[int] = []
    for n in difat[:fat_count]:
        fat += struct.unpack(f"<{size // 4}I", sector(n))

    def chain(start: int, table: list[int]) -> list[int]:
        out, seen = [], set()
        while start < 0xFFFFFFFA and start not in seen and start < len(table):
            seen.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat))
    entries = [struct.unpack_from("<64sHBBIII16sIQQIQ", directory, k) for k in range(0, len(directory), 128)]
    root = entries[0]
    mini_stream = b"".join(sector(n) for n in chain(root[11], fat))[:root[12]]
    mini_fat: list[int] = []
    for n in chain(first_mini_fat, fat):
        mini_fat += struct.unpack(f"<{size // 4}I", sector(n))
    mini = 1 << mini_shift
    streams: dict[str, bytes] = {}
    todo, seen = [(root[6], "")], set()
    while todo:  # the red-black trees of each storage, each entry once (a malformed file may loop)
        index, prefix = todo.pop()
        if index >= len(entries) or index in seen:
            continue
        seen.add(index)
        name_raw, name_len, kind, _, left, right, child, _, _, _, _, start, length = entries[index]
        name = name_raw[:max(min(name_len, 64) - 2, 0)].decode("utf-16-le")
        todo += [(left, prefix), (right, prefix)]
        if kind == 1:
            todo.append((child, prefix + name + "/"))
        elif kind == 2:
            if length < cutoff:
                body = b"".join(mini_stream[mini * n:mini * (n + 1)] for n in chain(start, mini_fat))
            else:
                body = b"".join(sector(n) for n in chain(start, fat))
            streams[prefix + name] = body[:length]
    return streams


# --- reading an existing project ---------------------------------------------------------------------

def _records(data: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed ``dir`` stream as (id, body); PROJECTVERSION's body is its 6 bytes
    after the Reserved field, whose value 4 is not the record's length."""
    out, i = [], 0
    while i + 6 <= len(data):
        rid, length = struct.unpack_from("<HI", data, i)
        if rid == 0x09:
            length = 6
        out.append((rid, data[i + 6:i + 6 + length]))
        i += 6 + length
    return out


class VBAProjectError(ValueError):
    """A VBA project this module cannot read (damaged, or not one)."""


def _readable(function):
    """Any failure to parse a damaged project becomes a VBAProjectError."""
    def wrapper(*args):
        try:
            return function(*args)
        except VBAProjectError:
            raise
        except (ValueError, struct.error, IndexError, KeyError, StopIteration, UnicodeDecodeError, LookupError,
                OverflowError, MemoryError) as exc:
            raise VBAProjectError(f"unreadable VBA project ({type(exc).__name__}: {exc})") from None
    wrapper.__doc__, wrapper.__name__ = function.__doc__, function.__name__
    return wrapper


@_readable
def module_names(vba_bin: bytes) -> list[str]:
    """The names of the modules of a project, in the order of its ``dir`` stream."""
    streams = read_compound_file(vba_bin)
    folder = next(k[:-3] for k in streams if k.upper().endswith("VBA/DIR"))
    codepage = CODEPAGE
    names = []
    for rid, body in _records(decompress(streams[folder + "dir"])):
        if rid == 0x03:
            codepage, = struct.unpack("<H", body)
        elif rid == 0x19:
            names.append(body.decode(f"cp{codepage}"))
    return names
