"""An OOXML spreadsheet package (.xlsx/.xlsm) as parts and relationships.

Only what the tool needs: the workbook's sheets, each sheet's tables, content types, the digital
signatures (of the package and of the VBA project, found by their structure), and the raw bytes of
any part.  XML is parsed with entity resolution and network access off.
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from zlib import error as zlib_error
from urllib.parse import unquote
from pathlib import Path

from lxml import etree
from typing import NamedTuple  # records: created ~10x faster than frozen dataclasses (issue 28)

from ..core.errors import UserError

from .ooxml import NS_CT, NS_MAIN, NS_PKG_REL, NS_R, REL_OFFICE_DOCUMENT, REL_TABLE, REL_WORKSHEET  # noqa: F401
from .ooxml import (
    CT_SIGNATURE, CT_SIGNATURE_ORIGIN, NS_DSIG, REL_SIGNATURE, REL_SIGNATURE_ORIGIN, REL_VBA_PROJECT,
    VBA_SIGNATURE_KINDS,
)
from .relationships import rels_part, resolve

# Limits against hostile packages (zip bombs): checked on the central directory before inflating.
MAX_MEMBERS = 10_000
MAX_PART_SIZE = 1 << 30
MAX_TOTAL_SIZE = 4 << 30
MAX_RATIO = 1000
MAX_WHOLE_PART = 64 << 20  # parts parsed whole (workbook, styles, relationships, tables)
MAX_STREAMED_PART = 512 << 20  # parts parsed as a stream (sheets, shared strings)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .xls, or an encrypted .xlsx

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False)


def check_no_dtd(element: etree._Element, part: str) -> None:
    """OOXML parts have no document type declaration; one is a sign of entity tricks.  Asked of the
    parser (the document's DTD as parsed), so any encoding and any position is caught."""
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UserError(f"the part {part} declares a DTD or entities, which a workbook never does (refused)")


def parse_xml(data: bytes, part: str = "") -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the part {part} is not well-formed XML ({exc})") from None
    if root is None:
        raise UserError(f"the part {part} is empty")
    check_no_dtd(root, part)
    return root


def integer(value: str | None, default: int, what: str, part: str) -> int:
    """An integer attribute (sheetId, headerRowCount, ...); anything else refuses the package."""
    if value is None:
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise UserError(f"the part {part} has {what} '{value[:40]}', which is not a whole number; "
                        "repair the file in Excel") from None


_DIGITS = re.compile(r"[0-9]+")


def whole(value: str | None) -> int | None:
    """An attribute that should be a whole number (an id, a count, a row number) as one, or None when it
    is not one in ASCII digits: ``str.isdigit`` also takes "²", which ``int`` refuses."""
    text = (value or "").strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def serialize_xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def q(tag: str, ns: str = NS_MAIN) -> str:
    return f"{{{ns}}}{tag}"


class SheetRef(NamedTuple):  # (see the import of NamedTuple)
    """A sheet of the workbook: its name, id, relationship, part and position."""

    name: str
    sheet_id: int
    rel_id: str
    part: str  # e.g. "xl/worksheets/sheet1.xml"
    index: int  # position in the workbook (localSheetId)


class TableRef(NamedTuple):  # (see the import of NamedTuple)
    """A table (Excel Table) of a sheet: its names, range, part and columns."""

    name: str
    display_name: str
    ref: str
    sheet: SheetRef
    part: str
    columns: tuple[str, ...]
    header_rows: int
    totals_rows: int
    table_id: int = 0  # the table's id attribute, unique in the workbook


class Signature(NamedTuple):  # (see the import of NamedTuple)
    """A digital signature of the package (``_xmlsignatures/``): its part, who signed it (the
    certificate's subject, where it can be read) and when, and the parts its manifest names."""

    part: str
    signer: str = ""
    signed_at: str = ""
    covers: tuple[str, ...] = ()

    def __str__(self) -> str:
        return (self.part + (f", signed by {self.signer}" if self.signer else "")
                + (f" on {self.signed_at}" if self.signed_at else ""))


def _same_kind(kind: str, wanted: str) -> bool:
    """Relationship types compare as written, but case-insensitively (some writers differ in case)."""
    return kind.casefold() == wanted.casefold()


def _last_segment(kind: str) -> str:
    return kind.rstrip("/").rsplit("/", 1)[-1].casefold()


class Package:
    """An opened spreadsheet package.  Use as a context manager."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._rels: dict[str, list[tuple[str, str, str, str]]] = {}
        self._table_refs: list[TableRef] | None = None
        self._types: tuple[dict[str, str], dict[str, str]] | None = None
        self._check_regular_file()
        self._check_not_compound_file()
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise UserError("no such file", file=self.path) from None
        except IsADirectoryError:
            raise UserError("is a folder, not a workbook", file=self.path) from None
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, ValueError) as exc:
            raise UserError(f"not an Excel workbook (.xlsx/.xlsm): {exc}", file=self.path) from None
        try:
            self.infos = self.zip.infolist()
            self._check_limits()
            self.names = {i.filename for i in self.infos}
            self._members = {name.casefold(): name for name in self.names}  # unique: _check_limits
            self.workbook_part = self._office_document()
            self.sheets = self._sheets()
        except UserError as exc:
            self.zip.close()
            raise exc.with_file(self.path)
        except BaseException:
            self.zip.close()
            raise

    def _check_regular_file(self) -> None:
        """Open nothing that is not a regular file: a FIFO or a device would block or never end."""
        try:
            mode = os.stat(self.path).st_mode
        except (OSError, ValueError):
            return  # missing or unreadable: said when it is opened
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise UserError("not a regular file (a pipe, device or socket); give a workbook file", file=self.path)

    def _check_not_compound_file(self) -> None:
        """An encrypted .xlsx and an old .xls are OLE compound files, not zips: say which."""
        try:
            with open(self.path, "rb") as f:
                if f.read(len(OLE_MAGIC)) != OLE_MAGIC:
                    return
                encrypted = "EncryptedPackage".encode("utf-16-le")
                tail = b""
                for _ in range(4096):  # directory entries name the streams; scan at most 256 MB
                    chunk = f.read(1 << 16)
                    if not chunk:
                        break
                    if encrypted in tail + chunk:
                        raise UserError("the workbook is encrypted (saved with a password to open it): save it "
                                        "without a password (File > Info > Protect Workbook) and try again",
                                        file=self.path)
                    tail = chunk[-len(encrypted):]
        except OSError:
            return  # the zip open below says what is wrong with the file
        raise UserError("this is an Excel 97-2003 workbook (.xls) or another old Office file, not an .xlsx: open "
                        "it in Excel and save it as an Excel Workbook (.xlsx)", file=self.path)

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    def _check_limits(self) -> None:
        if len(self.infos) > MAX_MEMBERS:
            raise UserError(f"the package has {len(self.infos)} members (limit {MAX_MEMBERS})")
        total = 0
        seen: set[str] = set()
        for info in self.infos:
            name = info.filename
            if name.casefold() in seen:  # part names are case-insensitive (ECMA-376 part 2)
                raise UserError(f"the package has two members named {name!r} (refused: which one is meant?)")
            seen.add(name.casefold())
            if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise UserError(f"the package has a member with an unsafe name: {name!r}")
            if info.flag_bits & 0x1:
                raise UserError("the workbook is encrypted or password protected")
            total += info.file_size
            if info.file_size > MAX_PART_SIZE or total > MAX_TOTAL_SIZE:
                raise UserError(f"the package is too large when unpacked ({name})")
            if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UserError(f"the package member {name} has a suspicious compression ratio (zip bomb?)")

    def read(self, part: str) -> bytes:
        try:
            if self.zip.getinfo(part).file_size > MAX_WHOLE_PART:
                raise UserError(f"the part {part} is too large to read whole (over {MAX_WHOLE_PART >> 20} MB)",
                                file=self.path)
            return self.zip.read(part)
        except KeyError:
            raise UserError(f"the package has no part {part}", file=self.path) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib_error, NotImplementedError) as exc:
            raise UserError(f"the part {part} cannot be read: {exc}", file=self.path) from None

    def stream(self, part: str) -> "_GuardedStream":
        """A part to parse incrementally (see ``iterparse``)."""
        try:
            if self.zip.getinfo(part).file_size > MAX_STREAMED_PART:
                raise UserError(f"the part {part} is too large to read (over {MAX_STREAMED_PART >> 20} MB "
                                "unpacked)", file=self.path)
            raw = self.zip.open(part)
        except KeyError:
            raise UserError(f"the package has no part {part}", file=self.path) from None
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error, NotImplementedError) as exc:
            raise UserError(f"the part {part} cannot be read: {exc}", file=self.path) from None
        return _GuardedStream(raw, part, self.path)

    def iterparse(self, part: str, tag, events=("end",)):
        """(event, element) of a part parsed as a stream; a DTD anywhere before the root element is
        refused by the parser's own account, and syntax errors name the part and the file."""
        with self.stream(part) as stream:
            checked = False
            try:
                for event, element in etree.iterparse(stream, events=events, tag=tag, resolve_entities=False,
                                                      no_network=True, load_dtd=False, huge_tree=False):
                    if not checked:
                        check_no_dtd(element, part)
                        checked = True
                    yield event, element
            except etree.XMLSyntaxError as exc:
                raise UserError(f"the part {part} is not well-formed XML ({exc})", file=self.path) from None
            except UserError as exc:
                raise exc.with_file(self.path)

    def xml(self, part: str) -> etree._Element:
        try:
            return parse_xml(self.read(part), part)
        except UserError as exc:
            raise exc.with_file(self.path)

    def member(self, part: str) -> str:
        """The package's own name for ``part``: part names compare case-insensitively (ECMA-376 part 2,
        as Excel and LibreOffice read them), so a relationship to "xl/styles.xml" reaches a member stored
        as "xl/Styles.xml", and a target in percent-encoding ("st%79les.xml", "blad%201.xml", as relationship
        targets are URIs) the member it decodes to when none has the encoded name; ``part`` itself when the
        package has no such member."""
        return self._members.get(part.casefold()) or self._members.get(unquote(part).casefold(), part)

    def rels(self, part: str) -> list[tuple[str, str, str, str]]:
        """The relationships of a part: (id, type, target part as the package names it, target mode); each
        relationships part is parsed once (the package does not change while it is open)."""
        if part not in self._rels:
            self._rels[part] = self._read_rels(part)
        return list(self._rels[part])

    def _read_rels(self, part: str) -> list[tuple[str, str, str, str]]:
        name = self.member(rels_part(part))
        if name not in self.names:
            return []
        out = []
        for rel in self.xml(name).iter(q("Relationship", NS_PKG_REL)):
            mode = rel.get("TargetMode", "Internal")
            target = rel.get("Target", "")
            out.append((rel.get("Id", ""), rel.get("Type", ""),
                        self.member(resolve(part, target)) if mode == "Internal" else target, mode))
        return out

    def _office_document(self) -> str:
        if "[Content_Types].xml" not in self.names:
            raise UserError("not an Excel workbook: no [Content_Types].xml")
        for _, rel_type, target, _ in self.rels(""):
            if rel_type == REL_OFFICE_DOCUMENT:
                if target not in self.names:
                    raise UserError(f"the workbook part {target} is missing")
                return target
        raise UserError("not an Excel workbook: no workbook part")

    def _sheets(self) -> list[SheetRef]:
        root = self.xml(self.workbook_part)
        if root.tag != q("workbook"):
            raise UserError("not an Excel workbook (the main part is not a spreadsheet)")
        targets = {rid: target for rid, rel_type, target, _ in self.rels(self.workbook_part)
                   if rel_type == REL_WORKSHEET}
        sheets = []
        for index, sheet in enumerate(root.iterfind(f"{q('sheets')}/{q('sheet')}")):
            rid = sheet.get(q("id", NS_R), "")
            sheet_id = integer(sheet.get("sheetId"), 0, f"the sheet '{sheet.get('name', '')}' with a sheetId",
                               self.workbook_part)
            sheets.append(SheetRef(sheet.get("name", ""), sheet_id, rid, targets.get(rid, ""), index))
        return sheets

    # --- content types and digital signatures ---------------------------------------------------------
    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """The content types part as (overrides by part name casefolded, defaults by extension casefolded)."""
        if self._types is not None:
            return self._types
        root = self.xml(self.member("[Content_Types].xml"))
        overrides = {e.get("PartName", "").lstrip("/").casefold(): e.get("ContentType", "")
                     for e in root.iter(q("Override", NS_CT))}
        defaults = {e.get("Extension", "").casefold(): e.get("ContentType", "") for e in root.iter(q("Default", NS_CT))}
        self._types = (overrides, defaults)
        return self._types

    def _overrides(self) -> dict[str, str]:
        """The overrides, or none when the content types cannot be read (a reader is not made stricter by
        looking for signatures; the writer, which edits the part, says what is wrong with it)."""
        try:
            return self.content_types()[0]
        except UserError:
            return {}

    def signature_parts(self) -> tuple[list[str], list[str]]:
        """The package's digital signature, found by its structure (ECMA-376 part 2 §13): (the origin
        parts, the signature parts).  The origin is related from the package root; each signature is
        related from the origin.  A part typed as an origin or an XML signature that no relationship
        reaches is counted too: it is the signature's, whatever became of its relationships."""
        overrides = self._overrides()
        typed = {name for name in self.names if overrides.get(name.casefold()) in (CT_SIGNATURE, CT_SIGNATURE_ORIGIN)}
        origins = [t for _, kind, t, mode in self.rels("") if _same_kind(kind, REL_SIGNATURE_ORIGIN)
                   and mode == "Internal" and t in self.names]
        origins += sorted(n for n in typed if overrides[n.casefold()] == CT_SIGNATURE_ORIGIN and n not in origins)
        signatures = [t for origin in origins for _, kind, t, mode in self.rels(origin)
                      if _same_kind(kind, REL_SIGNATURE) and mode == "Internal" and t in self.names]
        signatures += sorted(n for n in typed if overrides[n.casefold()] == CT_SIGNATURE and n not in signatures)
        return origins, list(dict.fromkeys(signatures))

    def signatures(self) -> list[Signature]:
        """The package's digital signatures (none for an unsigned workbook).  Detection is structural: a
        signature whose XML cannot be read still counts, without its details."""
        return [self._signature(part) for part in self.signature_parts()[1]]

    def _signature(self, part: str) -> Signature:
        try:
            root = self.xml(part)
        except UserError:
            return Signature(part)
        covers = []
        for ref in root.iter(q("Reference", NS_DSIG)):
            uri = ref.get("URI", "")
            if uri.startswith("/"):
                covers.append(self.member(unquote(uri.split("?", 1)[0]).lstrip("/")))
        signer = next((e.text.strip() for e in root.iter(q("X509SubjectName", NS_DSIG)) if e.text and e.text.strip()), "")
        if not signer:
            signer = next((s for s in map(_certificate_subject, root.iter(q("X509Certificate", NS_DSIG))) if s), "")
        when = next((e.text.strip() for e in root.iter() if isinstance(e.tag, str) and e.text and e.text.strip()
                     and etree.QName(e).localname in ("SigningTime", "Value") and e.getparent() is not None
                     and etree.QName(e.getparent()).localname in ("SignatureTime", "SignedSignatureProperties")), "")
        return Signature(part, signer[:200], when[:40], tuple(dict.fromkeys(covers)))

    def vba_signature_parts(self) -> list[str]:
        """The signature parts of the VBA project (``xl/vbaProjectSignature.bin``, ``...Agile.bin``,
        ``...V3.bin``: [MS-OVBA] 2.3.2), related from the project part; empty when the project is unsigned."""
        project = next((t for _, kind, t, _ in self.rels(self.workbook_part)
                        if _same_kind(kind, REL_VBA_PROJECT) and t in self.names), None)
        if project is None:
            return []
        overrides = self._overrides()
        found = [t for _, kind, t, mode in self.rels(project)
                 if _last_segment(kind) in VBA_SIGNATURE_KINDS and mode == "Internal" and t in self.names]
        found += sorted(n for n in self.names if n not in found and overrides.get(n.casefold(), "").casefold()
                        in {f"application/vnd.ms-office.{k}" for k in VBA_SIGNATURE_KINDS})
        return found

    def sheet(self, name: str) -> SheetRef | None:
        key = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == key), None)

    def tables(self) -> list[TableRef]:
        """The Excel Tables of every worksheet (read once)."""
        if self._table_refs is None:
            try:
                self._table_refs = self._tables()
            except UserError as exc:
                raise exc.with_file(self.path)
        return list(self._table_refs)

    def _tables(self) -> list[TableRef]:
        out = []
        for sheet in self.sheets:
            if not sheet.part:
                continue
            for _, rel_type, target, _ in self.rels(sheet.part):
                if rel_type != REL_TABLE or target not in self.names:
                    continue
                root = self.xml(target)
                columns = tuple(c.get("name", "") for c in root.iterfind(f"{q('tableColumns')}/{q('tableColumn')}"))
                out.append(TableRef(root.get("name", ""), root.get("displayName", ""), root.get("ref", ""),
                                    sheet, target, columns,
                                    integer(root.get("headerRowCount"), 1, "a headerRowCount", target),
                                    integer(root.get("totalsRowCount"), 0, "a totalsRowCount", target),
                                    whole(root.get("id")) or 0))
        return out


def _certificate_subject(element: etree._Element) -> str:
    """The subject's common name (else the whole subject) of a base64 X.509 certificate; "" when it
    cannot be read or the ``cryptography`` package (optional: only for naming the signer) is missing."""
    try:
        from cryptography import x509  # lazy: optional, only to name a signer (a heavy import)
        from cryptography.x509.oid import NameOID
    except ImportError:
        return ""
    import base64  # lazy: only a signed package's signer needs it

    try:
        cert = x509.load_der_x509_certificate(base64.b64decode("".join((element.text or "").split())))
        names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else cert.subject.rfc4514_string()
    except Exception:  # any certificate that cannot be read (only the signer's name is lost)
        return ""


class _GuardedStream:
    """A part's stream whose read errors (a damaged or truncated member) become user errors."""

    def __init__(self, raw, part: str, path: Path):
        self.raw, self.part, self.path = raw, part, path

    def read(self, size: int = -1) -> bytes:
        try:
            return self.raw.read(size)
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as exc:
            raise UserError(f"the part {self.part} cannot be read: {exc}", file=self.path) from None

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> "_GuardedStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
