"""The custom document properties part (``docProps/custom.xml``: File > Properties > Custom)."""
from __future__ import annotations

from lxml import etree

from .ooxml import FMTID_USER, ILLEGAL_XML, NS_CUSTOM, NS_VT
from .package import whole


def new() -> etree._Element:
    return etree.Element(f"{{{NS_CUSTOM}}}Properties", nsmap={None: NS_CUSTOM, "vt": NS_VT})


def set_properties(root: etree._Element, values: dict[str, str]) -> None:
    """Set text properties by name, keeping the others; a new one gets the next free pid (from 2)."""
    pids = [whole(p.get("pid")) or 0 for p in root]
    for name, value in values.items():
        prop = next((p for p in root if p.get("name") == name), None)
        if prop is None:
            pids.append(max([1] + pids) + 1)
            prop = etree.SubElement(root, f"{{{NS_CUSTOM}}}property", fmtid=FMTID_USER, pid=str(pids[-1]), name=name)
        for child in list(prop):
            prop.remove(child)
        etree.SubElement(prop, f"{{{NS_VT}}}lpwstr").text = ILLEGAL_XML.sub("", value)


def remove_property(root: etree._Element, name: str) -> bool:
    """Remove the property ``name``; whether there was one."""
    found = [p for p in root if p.get("name") == name]
    for prop in found:
        root.remove(prop)
    return bool(found)
