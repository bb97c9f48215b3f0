"""Add (or replace) one worksheet in a package without re-saving the workbook.

Parts touched: the new worksheet, the styles part (formats appended), and, when the sheet is
new, the workbook part, its relationships and the content types.  Every other part - macros,
drawings and buttons, tables, controls, extensions - is copied byte for byte.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from lxml import etree

from ..errors import UserError
from ..layout import SheetLayout
from .package import (CT_WORKSHEET, NS_CT, NS_PKG_REL, NS_R, REL_STYLES, REL_WORKSHEET, Package,
                      q, rels_part, serialize_xml)
from .sheetxml import add_styles, minimal_styles, render_sheet
from .zipio import write_package

REL_CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_INVALID_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


def _new_rel_id(rels_root: etree._Element) -> str:
    used = {r.get("Id") for r in rels_root}
    n = len(used) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def _new_part_name(pkg: Package, folder: str, stem: str, ext: str) -> str:
    n = 1
    while f"{folder}/{stem}{n}.{ext}" in pkg.names:
        n += 1
    return f"{folder}/{stem}{n}.{ext}"


def write_sheet(source: Path, target: Path, layout: SheetLayout) -> None:
    """Write ``target`` as ``source`` with the sheet ``layout.name`` added or replaced."""
    if len(layout.name) > 31 or _INVALID_SHEET_NAME.search(layout.name) or not layout.name.strip():
        raise ValueError(f"invalid sheet name {layout.name!r}")
    with Package(source) as pkg:
        wb_part = pkg.workbook_part
        wb_rels_name = rels_part(wb_part)
        wb_rels = pkg.xml(wb_rels_name)
        replace: dict[str, bytes] = {}
        add: dict[str, bytes] = {}
        drop: set[str] = set()
        content_types = None
        rels_changed = False

        def types() -> etree._Element:
            nonlocal content_types
            if content_types is None:
                content_types = pkg.xml("[Content_Types].xml")
            return content_types

        styles_part = next((t for _, kind, t, _ in pkg.rels(wb_part) if kind == REL_STYLES), None)
        if styles_part and styles_part in pkg.names:
            styles = pkg.xml(styles_part)
        else:
            styles_part = styles_part or posixpath.join(posixpath.dirname(wb_part), "styles.xml")
            styles = etree.fromstring(minimal_styles())
            if not any(r.get("Type") == REL_STYLES for r in wb_rels):
                etree.SubElement(wb_rels, q("Relationship", NS_PKG_REL), Id=_new_rel_id(wb_rels),
                                 Type=REL_STYLES, Target=_relative(wb_part, styles_part))
                rels_changed = True
            etree.SubElement(types(), q("Override", NS_CT), PartName="/" + styles_part, ContentType=CT_STYLES)
        style_ids = add_styles(styles)
        (replace if styles_part in pkg.names else add)[styles_part] = serialize_xml(styles)
        sheet_xml = render_sheet(layout, style_ids)

        existing = pkg.sheet(layout.name)
        if existing is not None:
            kinds = {rid: kind for rid, kind, _, _ in pkg.rels(wb_part)}
            if kinds.get(existing.rel_id) != REL_WORKSHEET or existing.part not in pkg.names:
                raise UserError(f"the workbook has a sheet '{existing.name}' that is not a worksheet; "
                                "rename it and try again", file=source)
            replace[existing.part] = sheet_xml
            drop.add(rels_part(existing.part))
            # The calculation chain may name formula cells of the old sheet; Excel rebuilds it.
            for rel in list(wb_rels):
                if rel.get("Type") == REL_CALC_CHAIN:
                    chain = posixpath.normpath(posixpath.join(posixpath.dirname(wb_part), rel.get("Target", "")))
                    drop.add(chain.lstrip("/"))
                    wb_rels.remove(rel)
                    rels_changed = True
                    for override in list(types()):
                        if override.get("PartName", "").lstrip("/") == chain.lstrip("/"):
                            types().remove(override)
        else:
            part = _new_part_name(pkg, posixpath.join(posixpath.dirname(wb_part), "worksheets"), "sheet", "xml")
            add[part] = sheet_xml
            rid = _new_rel_id(wb_rels)
            etree.SubElement(wb_rels, q("Relationship", NS_PKG_REL), Id=rid, Type=REL_WORKSHEET,
                             Target=_relative(wb_part, part))
            rels_changed = True
            workbook = pkg.xml(wb_part)
            sheets = workbook.find(q("sheets"))
            if sheets is None:
                raise UserError("the workbook part has no list of sheets", file=source)
            sheet_id = max([0] + [int(s.get("sheetId", "0")) for s in sheets]) + 1
            etree.SubElement(sheets, q("sheet"), {"name": layout.name, "sheetId": str(sheet_id),
                                                  q("id", NS_R): rid})
            replace[wb_part] = serialize_xml(workbook)
            etree.SubElement(types(), q("Override", NS_CT), PartName="/" + part, ContentType=CT_WORKSHEET)
        if content_types is not None:
            replace["[Content_Types].xml"] = serialize_xml(content_types)
        if rels_changed:
            replace[wb_rels_name] = serialize_xml(wb_rels)
        infos = [i for i in pkg.infos if i.filename not in drop]
        write_package(source, infos, target, replace, add)
