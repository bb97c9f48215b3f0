"""Relationships parts (``_rels/*.rels``, ECMA-376 part 2 §9): where a part's relationships live, how
a target resolves, and adding or removing relationships in a parsed part.

``rels_part`` is openpyxl's ``get_rels_path``; it is not imported from there so that reading and
writing workbook files needs lxml only (openpyxl is the ledger's dependency, not the file path's).
"""
from __future__ import annotations

import posixpath

from lxml import etree

from .ooxml import NS_PKG_REL


def _q(tag: str) -> str:
    return f"{{{NS_PKG_REL}}}{tag}"


def rels_part(part: str) -> str:
    """The relationships part of ``part``: "xl/_rels/workbook.xml.rels"; "_rels/.rels" for the package ("")."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def source_part(rels: str) -> str:
    """The part whose relationships ``rels`` holds (the inverse of ``rels_part``)."""
    return posixpath.join(posixpath.dirname(posixpath.dirname(rels)), posixpath.basename(rels)[:-len(".rels")])


def resolve(source: str, target: str) -> str:
    """A relationship's target as a part name (targets are relative to the source part's folder)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, target: str) -> str:
    """The target to write in ``source``'s relationships for the part ``target``."""
    return posixpath.relpath(target, posixpath.dirname(source))


def new() -> etree._Element:
    """An empty Relationships element."""
    return etree.Element(_q("Relationships"), nsmap={None: NS_PKG_REL})


def add(root: etree._Element, kind: str, target: str, rel_id: str | None = None) -> str:
    """Append a relationship of type ``kind``; returns its id (the first free rIdN unless given)."""
    if rel_id is None:
        used = {r.get("Id") for r in root}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        rel_id = f"rId{n}"
    etree.SubElement(root, _q("Relationship"), Id=rel_id, Type=kind, Target=target)
    return rel_id


def remove(root: etree._Element, kind: str) -> list[str]:
    """Remove the relationships of type ``kind``; returns their targets as written."""
    targets = []
    for rel in list(root):
        if rel.get("Type") == kind:
            targets.append(rel.get("Target", ""))
            root.remove(rel)
    return targets


def has(root: etree._Element, kind: str) -> bool:
    return any(r.get("Type") == kind for r in root)


def part(relations: list[tuple[str, str]]) -> etree._Element:
    """A relationships part of (type, target) pairs with ids rId1, rId2, ... in that order."""
    root = new()
    for i, (kind, target) in enumerate(relations, start=1):
        add(root, kind, target, f"rId{i}")
    return root
