"""An Excel Table part (``xl/tables/tableN.xml``) for a ``layout.Table``."""
from __future__ import annotations

from lxml import etree

from ..forms.layout import Table
from .ooxml import ILLEGAL_XML, NS_MAIN
from .package import q, serialize_xml


def render_table(table: Table, table_id: int) -> bytes:
    root = etree.Element(q("table"), nsmap={None: NS_MAIN}, id=str(table_id), name=table.name,
                         displayName=table.name, ref=table.ref, totalsRowShown="0")
    etree.SubElement(root, q("autoFilter"), ref=table.ref)
    columns = etree.SubElement(root, q("tableColumns"), count=str(len(table.columns)))
    for i, name in enumerate(table.columns, start=1):
        etree.SubElement(columns, q("tableColumn"), id=str(i), name=ILLEGAL_XML.sub("", name))
    etree.SubElement(root, q("tableStyleInfo"), name="TableStyleMedium2", showFirstColumn="0", showLastColumn="0",
                     showRowStripes="1", showColumnStripes="0")
    return serialize_xml(root)
