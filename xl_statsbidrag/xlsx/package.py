"""An OOXML spreadsheet package (.xlsx/.xlsm) as parts and relationships.

Only what the tool needs: the workbook's sheets, each sheet's tables, content types, and the
raw bytes of any part.  XML is parsed with entity resolution and network access off.
"""
from __future__ import annotations

import posixpath
import zipfile
from zlib import error as zlib_error
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import UserError

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# Limits against hostile packages (zip bombs): checked on the central directory before inflating.
MAX_MEMBERS = 10_000
MAX_PART_SIZE = 1 << 30
MAX_TOTAL_SIZE = 4 << 30
MAX_RATIO = 1000
MAX_WHOLE_PART = 64 << 20  # parts parsed whole (workbook, styles, relationships, tables)
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False)


def check_no_dtd(head: bytes, part: str) -> None:
    """OOXML parts have no document type declaration; one is a sign of entity tricks."""
    if any(marker in head for marker in _FORBIDDEN):
        raise UserError(f"the part {part} declares a DTD or entities, which a workbook never does (refused)")


def parse_xml(data: bytes, part: str = "") -> etree._Element:
    check_no_dtd(data, part)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the part {part} is not well-formed XML ({exc})") from None
    if root is None:
        raise UserError(f"the part {part} is empty")
    return root


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


def rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


class Package:
    """An opened spreadsheet package.  Use as a context manager."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
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
            self.workbook_part = self._office_document()
            self.sheets = self._sheets()
        except UserError as exc:
            self.zip.close()
            raise exc.with_file(self.path)
        except BaseException:
            self.zip.close()
            raise

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
        for info in self.infos:
            name = info.filename
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
        """A part to parse incrementally, refused if it starts with a DTD."""
        try:
            raw = self.zip.open(part)
        except KeyError:
            raise UserError(f"the package has no part {part}", file=self.path) from None
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error, NotImplementedError) as exc:
            raise UserError(f"the part {part} cannot be read: {exc}", file=self.path) from None
        return _GuardedStream(raw, part, self.path)

    def xml(self, part: str) -> etree._Element:
        return parse_xml(self.read(part), part)

    def rels(self, part: str) -> list[tuple[str, str, str, str]]:
        """The relationships of a part: (id, type, resolved target part, target mode)."""
        name = rels_part(part)
        if name not in self.names:
            return []
        out = []
        for rel in self.xml(name).iter(q("Relationship", NS_PKG_REL)):
            mode = rel.get("TargetMode", "Internal")
            target = rel.get("Target", "")
            out.append((rel.get("Id", ""), rel.get("Type", ""),
                        resolve(part, target) if mode == "Internal" else target, mode))
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
            sheets.append(SheetRef(sheet.get("name", ""), int(sheet.get("sheetId", "0")), rid,
                                   targets.get(rid, ""), index))
        return sheets

    def sheet(self, name: str) -> SheetRef | None:
        key = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == key), None)

    def tables(self) -> list[TableRef]:
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
                                    sheet, target, columns, int(root.get("headerRowCount", "1")),
                                    int(root.get("totalsRowCount", "0"))))
        return out



class _GuardedStream:
    """A part's stream whose first 64 kB are checked for a DTD before the parser sees them, and whose
    read errors (a damaged or truncated member) become user errors."""

    HEAD = 1 << 16

    def __init__(self, raw, part: str, path: Path):
        self.raw, self.part, self.path = raw, part, path
        try:
            self.head = raw.read(self.HEAD)
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as exc:
            raw.close()
            raise UserError(f"the part {part} cannot be read: {exc}", file=path) from None
        try:
            check_no_dtd(self.head, part)
        except UserError as exc:
            raw.close()
            raise exc.with_file(path)

    def read(self, size: int = -1) -> bytes:
        if self.head:
            if size is None or size < 0:
                data, self.head = self.head + self._raw_read(-1), b""
                return data
            data, self.head = self.head[:size], self.head[size:]
            return data
        return self._raw_read(size)

    def _raw_read(self, size: int) -> bytes:
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
