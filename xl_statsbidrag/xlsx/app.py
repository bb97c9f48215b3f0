"""The extended properties part (``docProps/app.xml``): the list of sheets Excel shows in the file's
properties.  Only kept in step when it is a list we understand; Excel rewrites it on save."""
from __future__ import annotations

from lxml import etree

from .ooxml import NS_EXTENDED, NS_VT
from .package import whole


def list_sheet(root: etree._Element, name: str, sheet_count: int) -> bool:
    """Add a worksheet title after the ``sheet_count`` listed under the first heading pair (the
    worksheets).  Returns False, changing nothing, when the part does not say that many worksheets."""
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)  # not entries
    pairs = root.find(f"{{{NS_EXTENDED}}}HeadingPairs/{{{NS_VT}}}vector")
    titles = root.find(f"{{{NS_EXTENDED}}}TitlesOfParts/{{{NS_VT}}}vector")
    if pairs is None or titles is None or len(pairs) < 2:
        return False
    count = pairs[1].find(f"{{{NS_VT}}}i4")
    if count is None or whole(count.text) != sheet_count:
        return False
    count.text = str(sheet_count + 1)
    title = etree.Element(f"{{{NS_VT}}}lpstr")
    title.text = name
    titles.insert(sheet_count, title)
    titles.set("size", str(len(titles)))
    return True
