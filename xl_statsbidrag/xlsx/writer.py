"""Add (or replace) worksheets in a package without re-saving the workbook.

Parts touched: the new worksheets (and their tables), the styles part (formats appended), and,
when a sheet is new, the workbook part, its relationships, the content types and the list of sheets
in ``docProps/app.xml``; the custom document properties when given.  Every other part - macros,
drawings and buttons, tables, controls, extensions - is copied byte for byte.

Replacing a sheet is one transaction over everything that belonged to the old one: the parts only
it reached through its relationships (tables, comments, drawings, VML, printer settings) with their
content types, its sheet-scoped defined names (a print area, print titles) and the calculation
chain.  The sheet keeps its place, its sheetId and its relationship, so references to it survive.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from lxml import etree

from ..errors import UserError
from ..layout import SheetLayout
from .ooxml import (CT_CUSTOM_PROPS, CT_STYLES, CT_TABLE, CT_WORKSHEET, FMTID_USER, ILLEGAL_XML as _ILLEGAL_XML,
                    NS_CT, NS_CUSTOM, NS_EXTENDED, NS_PKG_REL, NS_R, NS_VT, REL_CALC_CHAIN, REL_CUSTOM_PROPS,
                    REL_EXTENDED_PROPS, REL_STYLES, REL_TABLE, REL_VBA_PROJECT, REL_WORKSHEET)
from .package import Package, q, rels_part, serialize_xml
from .styles import add_styles, minimal_styles
from .table import render_table
from .worksheet import render_sheet
from .zipio import write_package

_INVALID_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


def _new_rel_id(rels_root: etree._Element) -> str:
    used = {r.get("Id") for r in rels_root}
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def rels_xml(relations: list[tuple[str, str, str]]) -> bytes:
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
        self.added_sheets = 0
        self.new_modules: list[str] = []  # document modules to add to the VBA project (code names)

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

    def drop_dependents(self, part: str) -> None:
        """The parts that only ``part`` reaches through its relationships (recursively), with their
        relationships and content types; a part also reached from elsewhere stays."""
        dropping = {rels_part(part)}
        found, todo = set(), [part]
        while todo:
            for _, _, target, mode in self.pkg.rels(todo.pop()):
                if mode == "Internal" and target in self.pkg.names and target not in found:
                    found.add(target)
                    dropping.add(rels_part(target))
                    todo.append(target)
        kept_refs: set[str] = set()
        for name in self.pkg.names:
            if name.endswith(".rels") and name not in dropping and name not in self.drop:
                source = posixpath.join(posixpath.dirname(posixpath.dirname(name)), posixpath.basename(name)[:-5])
                kept_refs |= {t for _, _, t, mode in self.pkg.rels(source) if mode == "Internal"}
        for target in found - kept_refs - {part}:
            self.drop.add(target)
            self.remove_override(target)
        self.drop |= {r for r in dropping if r in self.pkg.names}

    def drop_local_names(self, index: int) -> None:
        """Defined names scoped to the sheet at ``index`` (its print area, print titles, filters)."""
        names = self.workbook().find(q("definedNames"))
        if names is None:
            return
        for name in list(names):
            if name.get("localSheetId") == str(index):
                names.remove(name)
        if len(names) == 0:
            names.getparent().remove(names)

    def list_in_app_properties(self, name: str) -> None:
        """Add a new sheet's name to docProps/app.xml, where its first heading pair is the worksheets."""
        part = next((t for _, kind, t, _ in self.pkg.rels("") if kind == REL_EXTENDED_PROPS), None)
        if part is None or part not in self.pkg.names:
            return
        root = self.replaced_xml(part)
        pairs = root.find(f"{{{NS_EXTENDED}}}HeadingPairs/{{{NS_VT}}}vector")
        titles = root.find(f"{{{NS_EXTENDED}}}TitlesOfParts/{{{NS_VT}}}vector")
        if pairs is None or titles is None or len(pairs) < 2:
            return
        count = pairs[1].find(f"{{{NS_VT}}}i4")
        if count is None or not (count.text or "").strip().isdigit():
            return
        n = int(count.text)
        if n != len([s for s in self.pkg.sheets if s.part]) + self.added_sheets:
            return  # not a list we understand: leave it (Excel rewrites it on save)
        count.text = str(n + 1)
        title = etree.Element(f"{{{NS_VT}}}lpstr")
        title.text = name
        titles.insert(n, title)
        titles.set("size", str(len(titles)))
        self.added_sheets += 1
        self.replace[part] = serialize_xml(root)

    def replaced_xml(self, part: str) -> etree._Element:
        """A part as this edit has it: its new content if it was replaced, else as in the package."""
        if part in self.replace:
            from .package import parse_xml
            return parse_xml(self.replace[part], part)
        return self.pkg.xml(part)

    def custom_properties(self, values: dict[str, str]) -> None:
        """Set custom document properties (File > Properties > Custom), keeping the others."""
        part = next((t for _, kind, t, _ in self.pkg.rels("") if kind == REL_CUSTOM_PROPS), None)
        if part is not None and part in self.pkg.names:
            root = self.pkg.xml(part)
        else:
            part = "docProps/custom.xml" if "docProps/custom.xml" not in self.pkg.names else self.new_part(
                "docProps", "custom", "xml")
            root = etree.Element(q("Properties", NS_CUSTOM), nsmap={None: NS_CUSTOM, "vt": NS_VT})
            root_rels = self.pkg.xml("_rels/.rels") if "_rels/.rels" in self.pkg.names else etree.Element(
                q("Relationships", NS_PKG_REL), nsmap={None: NS_PKG_REL})
            etree.SubElement(root_rels, q("Relationship", NS_PKG_REL), Id=_new_rel_id(root_rels),
                             Type=REL_CUSTOM_PROPS, Target=part)
            (self.replace if "_rels/.rels" in self.pkg.names else self.add)["_rels/.rels"] = serialize_xml(root_rels)
            self.override(part, CT_CUSTOM_PROPS)
        pids = [int(p.get("pid", "1")) for p in root if (p.get("pid") or "").isdigit()]
        for name, value in values.items():
            prop = next((p for p in root if p.get("name") == name), None)
            if prop is None:
                pids.append(max([1] + pids) + 1)
                prop = etree.SubElement(root, q("property", NS_CUSTOM), fmtid=FMTID_USER, pid=str(pids[-1]), name=name)
            for child in list(prop):
                prop.remove(child)
            etree.SubElement(prop, q("lpwstr", NS_VT)).text = _ILLEGAL_XML.sub("", value)
        (self.replace if part in self.pkg.names else self.add)[part] = serialize_xml(root)

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
            self.drop_dependents(part)
            self.drop_local_names(existing.index)
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
            self.list_in_app_properties(layout.name)
        table_parts = [self.new_part(posixpath.join(posixpath.dirname(self.wb_part), "tables"), "table", "xml")
                       for _ in layout.tables]
        content = render_sheet(layout, style_ids, self.code_name(existing))
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
                (self.replace if name in self.pkg.names else self.add)[name] = rels_xml(relations)

    # --- VBA code names (a workbook with macros) ------------------------------------------------------
    def vba_part(self) -> str | None:
        part = next((t for _, kind, t, _ in self.pkg.rels(self.wb_part) if kind == REL_VBA_PROJECT), None)
        return part if part in self.pkg.names else None

    def code_name(self, existing) -> str | None:
        """The code name of a sheet written into a workbook with a VBA project: a replaced sheet keeps its
        own; a new one gets the next free SheetN and, as Excel gives a new sheet, a document module, so
        that Excel does not rebuild the project on the first save.  None without a project."""
        from .vbaproject import VBAProjectError, module_names

        part = self.vba_part()
        if part is None:
            return None
        if existing is not None:
            old = self.pkg.xml(existing.part).find(q("sheetPr"))
            if old is not None and old.get("codeName"):
                return old.get("codeName")
        try:
            names = module_names(self.pkg.read(part))
        except VBAProjectError:
            return None  # a project we cannot read is copied as it is; Excel adds the module on save
        taken = {n.casefold() for n in names + self.new_modules}
        n = 1
        while f"sheet{n}" in taken:
            n += 1
        self.new_modules.append(f"Sheet{n}")
        return f"Sheet{n}"

    def finish(self) -> None:
        """Everything read from the package and serialised, so that it can be closed before writing."""
        if self.new_modules:
            from .vbaproject import VBAProjectError, add_document_modules

            part = self.vba_part()
            try:
                self.replace[part] = add_document_modules(self.pkg.read(part), self.new_modules)
            except VBAProjectError:
                pass  # e.g. too large for our compound-file writer: copied as it is, Excel adds the modules
        if self.rels_changed:
            self.replace[self.wb_rels_name] = serialize_xml(self.wb_rels)
        if self._workbook is not None:
            self.replace[self.wb_part] = serialize_xml(self._workbook)
        if self._types is not None:
            self.replace["[Content_Types].xml"] = serialize_xml(self._types)
        self.infos = [i for i in self.pkg.infos if i.filename not in self.drop]

    def write(self, source: Path, target: Path) -> None:
        write_package(source, self.infos, target, self.replace, self.add)


def write_sheets(source: Path, target: Path, layouts: list[SheetLayout],
                 properties: dict[str, str] | None = None, cell_values=None) -> None:
    """Write ``target`` as ``source`` with each layout's sheet added (at the end) or replaced, the custom
    document ``properties`` set, and the cells of ``cell_values`` ({sheet name: {"J5": Decimal or None}})
    set in their sheets (``cellpatch``)."""
    for layout in layouts:
        if len(layout.name) > 31 or _INVALID_SHEET_NAME.search(layout.name) or not layout.name.strip():
            raise ValueError(f"invalid sheet name {layout.name!r}")
    with Package(source) as pkg:
        edit = _Edit(pkg)
        style_ids = edit.styles()
        placed = [(layout, *edit.sheet(layout, style_ids)) for layout in layouts]
        edit.tables(placed)
        if properties:
            edit.custom_properties(properties)
        if cell_values:
            from .cellpatch import patch_package_cells

            patch_package_cells(edit, cell_values)
        edit.finish()
    edit.write(Path(source), Path(target))  # with the package closed: Windows will not rename over an open file


def write_sheet(source: Path, target: Path, layout: SheetLayout) -> None:
    """Write ``target`` as ``source`` with the sheet ``layout.name`` added or replaced."""
    write_sheets(source, target, [layout])
