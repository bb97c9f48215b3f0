"""The content types part (``[Content_Types].xml``, ECMA-376 part 2 §10.1): a default type per
extension and an override per part."""
from __future__ import annotations

from lxml import etree

from .ooxml import CT_RELS, CT_XML, NS_CT


def _q(tag: str) -> str:
    return f"{{{NS_CT}}}{tag}"


def new() -> etree._Element:
    """Types with the defaults every package here needs: .rels and .xml."""
    root = etree.Element(_q("Types"), nsmap={None: NS_CT})
    for extension, content_type in (("rels", CT_RELS), ("xml", CT_XML)):
        etree.SubElement(root, _q("Default"), Extension=extension, ContentType=content_type)
    return root


def override(root: etree._Element, part: str, content_type: str) -> None:
    """Give ``part`` its content type (replacing an override it had)."""
    remove(root, part)
    etree.SubElement(root, _q("Override"), PartName="/" + part, ContentType=content_type)


def has_default(root: etree._Element, extension: str) -> bool:
    """Whether parts named *.``extension`` have a default type (extensions compare case-insensitively)."""
    return any(e.get("Extension", "").casefold() == extension.casefold() for e in root.iter(_q("Default")))


def remove(root: etree._Element, part: str) -> None:
    """Remove the override of ``part`` (part names compare case-insensitively, as in the package)."""
    key = part.casefold()
    for element in list(root):
        if element.get("PartName", "").lstrip("/").casefold() == key:
            root.remove(element)
