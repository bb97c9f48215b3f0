"""An OOXML spreadsheet package (.xlsx/.xlsm) as parts and relationships.

Only what the tool needs: the workbook's sheets, each sheet's tables, content types, and the
raw bytes of any part.  XML is parsed with entity resolution and network access off.
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from zlib import error as zlib_error
from dataclasses import dataclass
from urllib.parse import unquote
from pathlib import Path

from lxml import etree

from ..errors import UserError

from .ooxml import NS_CT, NS_MAIN, NS_PKG_REL, NS_R, REL_OFFICE_DOCUMENT, REL_TABLE, REL_WORKSHEET  # noqa: F401
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


@dataclass(frozen=True)
class SheetRef:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # e.g. "xl/worksheets/sheet1.xml"
    index: int  # position in the workbook (localSheetId)


@dataclass(frozen=True)
class TableRef:
    name: str
    display_name: str
    ref: str
    sheet: SheetRef
    part: str
    columns: tuple[str, ...]
    header_rows: int
    totals_rows: int
    table_id: int = 0  # the table's id attribute, unique in the workbook


class Package:
    """An opened spreadsheet package.  Use as a context manager."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._rels: dict[str, list[tuple[str, str, str, str]]] = {}
        self._table_refs: list[TableRef] | None = None
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
