"""Add (or replace) worksheets in a package without re-saving the workbook.

Parts touched: the new worksheets (and their tables), the styles part (formats appended), and,
when a sheet is new, the workbook part, its relationships and the content types.  Every other
part - macros, drawings and buttons, tables, controls, extensions - is copied byte for byte.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from lxml import etree

from ..errors import UserError
from ..layout import SheetLayout
from .package import (CT_WORKSHEET, NS_CT, NS_PKG_REL, NS_R, REL_STYLES, REL_TABLE, REL_WORKSHEET, Package,
                      q, rels_part, serialize_xml)
from .sheetxml import add_styles, minimal_styles, render_sheet, render_table
from .zipio import write_package

REL_CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
_INVALID_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


def _new_rel_id(rels_root: etree._Element) -> str:
    used = {r.get("Id") for r in rels_root}
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def _rels_xml(relations: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(q("Relationships", NS_PKG_REL), nsmap={None: NS_PKG_REL})
    for rid, kind, target in relations:
        etree.SubElement(root, q("Relationship", NS_PKG_REL), Id=rid, Type=kind, Target=target)
    return serialize_xml(root)


class _Edit:
    """The changes to one package, collected before anything is written."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.replace: dict[str, bytes] = {}
        self.add: dict[str, bytes] = {}
        self.drop: set[str] = set()
        self.wb_part = pkg.workbook_part
        self.wb_rels_name = rels_part(self.wb_part)
        self.wb_rels = pkg.xml(self.wb_rels_name)
        self.rels_changed = False
        self._types: etree._Element | None = None
        self._workbook: etree._Element | None = None
        self.taken_parts = set(pkg.names)

    def types(self) -> etree._Element:
        if self._types is None:
            self._types = self.pkg.xml("[Content_Types].xml")
        return self._types

    def workbook(self) -> etree._Element:
        if self._workbook is None:
            self._workbook = self.pkg.xml(self.wb_part)
        return self._workbook

    def new_part(self, folder: str, stem: str, ext: str) -> str:
        n = 1
        while f"{folder}/{stem}{n}.{ext}" in self.taken_parts:
            n += 1
        name = f"{folder}/{stem}{n}.{ext}"
        self.taken_parts.add(name)
        return name

    def override(self, part: str, content_type: str) -> None:
        etree.SubElement(self.types(), q("Override", NS_CT), PartName="/" + part, ContentType=content_type)

    def remove_override(self, part: str) -> None:
        for element in list(self.types()):
            if element.get("PartName", "").lstrip("/") == part:
                self.types().remove(element)

    def styles(self) -> dict[str, int]:
        styles_part = next((t for _, kind, t, _ in self.pkg.rels(self.wb_part) if kind == REL_STYLES), None)
        if styles_part and styles_part in self.pkg.names:
            root = self.pkg.xml(styles_part)
            ids = add_styles(root)
            self.replace[styles_part] = serialize_xml(root)
            return ids
        styles_part = styles_part or posixpath.join(posixpath.dirname(self.wb_part), "styles.xml")
        root = etree.fromstring(minimal_styles())
        ids = add_styles(root)
        self.add[styles_part] = serialize_xml(root)
        if not any(r.get("Type") == REL_STYLES for r in self.wb_rels):
            etree.SubElement(self.wb_rels, q("Relationship", NS_PKG_REL), Id=_new_rel_id(self.wb_rels),
                             Type=REL_STYLES, Target=_relative(self.wb_part, styles_part))
            self.rels_changed = True
        self.override(styles_part, CT_STYLES)
        return ids

    def drop_calc_chain(self) -> None:
        """The calculation chain may name formula cells of a replaced sheet; Excel rebuilds it."""
        for rel in list(self.wb_rels):
            if rel.get("Type") == REL_CALC_CHAIN:
                chain = posixpath.normpath(posixpath.join(posixpath.dirname(self.wb_part), rel.get("Target", "")))
                self.drop.add(chain.lstrip("/"))
                self.wb_rels.remove(rel)
                self.rels_changed = True
                self.remove_override(chain.lstrip("/"))

    def existing_tables(self) -> tuple[set[str], int]:
        """Names (casefolded) and the highest id of the tables that stay in the workbook."""
        names, top = set(), 0
        for defined in self.workbook().iter(q("definedName")):  # a table may not share a defined name's name
            names.add(defined.get("name", "").casefold())
        for table in self.pkg.tables():
            if table.part in self.drop:
                continue
            names |= {table.name.casefold(), table.display_name.casefold()}
            try:
                top = max(top, int(self.pkg.xml(table.part).get("id", "0")))
            except ValueError:
                pass
        return names, top

    def sheet(self, layout: SheetLayout, style_ids: dict[str, int]) -> tuple[str, list[str]]:
        """Place the sheet: replace one of the same name, or add it at the end.  Returns its part and
        the part names for its tables."""
        existing = self.pkg.sheet(layout.name)
        if existing is not None:
            kinds = {rid: kind for rid, kind, _, _ in self.pkg.rels(self.wb_part)}
            if kinds.get(existing.rel_id) != REL_WORKSHEET or existing.part not in self.pkg.names:
                raise UserError(f"the workbook has a sheet '{existing.name}' that is not a worksheet; "
                                "rename it and try again", file=self.pkg.path)
            part = existing.part
            old_rels = rels_part(part)
            self.drop.add(old_rels)
            for _, kind, target, _ in self.pkg.rels(part):
                if kind == REL_TABLE:  # the old sheet's tables go with it
                    self.drop.add(target)
                    self.remove_override(target)
            self.drop_calc_chain()
        else:
            part = self.new_part(posixpath.join(posixpath.dirname(self.wb_part), "worksheets"), "sheet", "xml")
            rid = _new_rel_id(self.wb_rels)
            etree.SubElement(self.wb_rels, q("Relationship", NS_PKG_REL), Id=rid, Type=REL_WORKSHEET,
                             Target=_relative(self.wb_part, part))
            self.rels_changed = True
            sheets = self.workbook().find(q("sheets"))
            if sheets is None:
                raise UserError("the workbook part has no list of sheets", file=self.pkg.path)
            sheet_id = max([0] + [int(s.get("sheetId", "0")) for s in sheets]) + 1
            etree.SubElement(sheets, q("sheet"), {"name": layout.name, "sheetId": str(sheet_id), q("id", NS_R): rid})
            self.override(part, CT_WORKSHEET)
        table_parts = [self.new_part(posixpath.join(posixpath.dirname(self.wb_part), "tables"), "table", "xml")
                       for _ in layout.tables]
        content = render_sheet(layout, style_ids)
        (self.replace if part in self.pkg.names else self.add)[part] = content
        return part, table_parts

    def tables(self, placed: list[tuple[SheetLayout, str, list[str]]]) -> None:
        names, top = self.existing_tables()
        for layout, part, table_parts in placed:
            relations = []
            for i, (table, table_part) in enumerate(zip(layout.tables, table_parts), start=1):
                if table.name.casefold() in names:
                    raise UserError(f"the workbook already has a table or name '{table.name}'", file=self.pkg.path)
                names.add(table.name.casefold())
                top += 1
                self.add[table_part] = render_table(table, top)
                self.override(table_part, CT_TABLE)
                relations.append((f"rId{i}", REL_TABLE, _relative(part, table_part)))
            if relations:
                name = rels_part(part)
                self.drop.discard(name)
                (self.replace if name in self.pkg.names else self.add)[name] = _rels_xml(relations)

    def write(self, source: Path, target: Path) -> None:
        if self.rels_changed:
            self.replace[self.wb_rels_name] = serialize_xml(self.wb_rels)
        if self._workbook is not None:
            self.replace[self.wb_part] = serialize_xml(self._workbook)
        if self._types is not None:
            self.replace["[Content_Types].xml"] = serialize_xml(self._types)
        infos = [i for i in self.pkg.infos if i.filename not in self.drop]
        write_package(source, infos, target, self.replace, self.add)


def write_sheets(source: Path, target: Path, layouts: list[SheetLayout], cell_values=None) -> None:
    """Write ``target`` as ``source`` with each layout's sheet added (at the end) or replaced, and the
    cells of ``cell_values`` ({sheet name: {"J5": Decimal or None}}) set in their sheets (``cellpatch``)."""
    for layout in layouts:
        if len(layout.name) > 31 or _INVALID_SHEET_NAME.search(layout.name) or not layout.name.strip():
            raise ValueError(f"invalid sheet name {layout.name!r}")
    with Package(source) as pkg:
        edit = _Edit(pkg)
        style_ids = edit.styles()
        placed = [(layout, *edit.sheet(layout, style_ids)) for layout in layouts]
        edit.tables(placed)
        if cell_values:
            from .cellpatch import patch_package_cells

            patch_package_cells(edit, cell_values)
        edit.write(Path(source), Path(target))


def write_sheet(source: Path, target: Path, layout: SheetLayout) -> None:
    """Write ``target`` as ``source`` with the sheet ``layout.name`` added or replaced."""
    write_sheets(source, target, [layout])
