"""A new workbook made of sheet layouts (for outputs that are not a copy of an input): a minimal
package with one empty sheet, into which the sheets are written as into any workbook (one writer
for both)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from lxml import etree

from ..forms.layout import SheetLayout
from . import content_types, relationships, workbook
from .ooxml import (
    CT_STYLES, CT_THEME, CT_WORKBOOK, CT_WORKSHEET, NS_MAIN, REL_OFFICE_DOCUMENT, REL_STYLES, REL_THEME,
    REL_WORKSHEET,
)
from .package import q, serialize_xml
from .styles import minimal_styles
from .theme import THEME
from .writer import write_sheets
from .zipio import ZipWriter


def _skeleton(first_sheet: str) -> dict[str, bytes]:
    """The parts of a workbook with one empty sheet named ``first_sheet``."""
    types = content_types.new()
    for part, content_type in (("xl/workbook.xml", CT_WORKBOOK), ("xl/styles.xml", CT_STYLES),
                               ("xl/theme/theme1.xml", CT_THEME), ("xl/worksheets/sheet1.xml", CT_WORKSHEET)):
        content_types.override(types, part, content_type)
    sheet = etree.Element(q("worksheet"), nsmap={None: NS_MAIN})
    etree.SubElement(sheet, q("sheetData"))
    return {
        "[Content_Types].xml": serialize_xml(types),
        "_rels/.rels": serialize_xml(relationships.part([(REL_OFFICE_DOCUMENT, "xl/workbook.xml")])),
        "xl/workbook.xml": serialize_xml(workbook.new(first_sheet)),
        "xl/_rels/workbook.xml.rels": serialize_xml(relationships.part([
            (REL_WORKSHEET, "worksheets/sheet1.xml"), (REL_STYLES, "styles.xml"), (REL_THEME, "theme/theme1.xml")])),
        "xl/styles.xml": serialize_xml(minimal_styles()),
        "xl/theme/theme1.xml": THEME.encode(),
        "xl/worksheets/sheet1.xml": serialize_xml(sheet),
    }


def write_workbook(target: Path, sheets: list[SheetLayout]) -> None:
    """A new workbook of these sheets (the first one's name is the skeleton's sheet, replaced)."""
    with tempfile.TemporaryDirectory(prefix="xlsb-new-") as tmp:
        skeleton = Path(tmp) / "new.xlsx"
        with open(skeleton, "wb") as out:
            z = ZipWriter(out)
            for name, data in _skeleton(sheets[0].name).items():
                z.add(name, data)
            z.close()
        write_sheets(skeleton, Path(target), sheets)
