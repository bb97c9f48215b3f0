"""The project's own checks of a written package, for what an OOXML schema validator misses."""
from __future__ import annotations

import posixpath
import re
import zipfile

from lxml import etree

from xl_statsbidrag.xlsx.package import NS_CT, NS_MAIN, Package, q

_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _range(ref: str) -> tuple[int, int, int, int]:
    a, _, b = ref.partition(":")
    b = b or a
    (ca, ra), (cb, rb) = (_CELL.match(x).groups() for x in (a, b))
    return _col(ca), int(ra), _col(cb), int(rb)


def check_package(path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if z.testzip() is not None:
            problems.append("a member fails its CRC check")
        ct = etree.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower() for d in ct.iter(q("Default", NS_CT))}
        overrides = {o.get("PartName").lstrip("/") for o in ct.iter(q("Override", NS_CT))}
        for name in names:
            if name.endswith("/") or name == "[Content_Types].xml":
                continue
            base = posixpath.basename(name)
            ext = base.rsplit(".", 1)[-1].lower() if "." in base else ""
            if name not in overrides and ext not in defaults:
                problems.append(f"no content type for {name}")
        for o in overrides - names:
            problems.append(f"content type for a missing part {o}")
        with Package(path) as pkg:
            styles_part = next(t for _, kind, t, _ in pkg.rels(pkg.workbook_part) if kind.endswith("/styles"))
            styles = etree.fromstring(z.read(styles_part))
            xfs = styles.find(q("cellXfs"))
            counts = {tag: len(styles.find(q(tag))) for tag in ("fonts", "fills", "borders")}
            custom = {int(f.get("numFmtId")) for f in styles.iter(q("numFmt"))}
            for tag in ("fonts", "fills", "borders", "cellXfs", "numFmts"):
                element = styles.find(q(tag))
                if element is not None and element.get("count") not in (None, str(len(element))):
                    problems.append(f"styles: {tag} count {element.get('count')} but {len(element)} entries")
            for i, xf in enumerate(xfs):
                for attr, tag in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                    if int(xf.get(attr, "0")) >= counts[tag]:
                        problems.append(f"styles: xf {i} {attr} out of range")
                fmt = int(xf.get("numFmtId", "0"))
                if fmt >= 164 and fmt not in custom:
                    problems.append(f"styles: xf {i} uses undefined number format {fmt}")
            seen = set()
            for sheet in pkg.sheets:
                key = sheet.name.casefold()
                if key in seen or not sheet.name or len(sheet.name) > 31 or re.search(r"[\[\]:*?/\\]", sheet.name):
                    problems.append(f"bad or duplicate sheet name {sheet.name!r}")
                seen.add(key)
                if sheet.part not in names:
                    problems.append(f"sheet {sheet.name} has no part")
                    continue
                root = etree.fromstring(z.read(sheet.part))
                if root.tag != q("worksheet"):
                    continue
                last_row = 0
                for row in root.iter(q("row")):
                    r = int(row.get("r"))
                    if r <= last_row:
                        problems.append(f"{sheet.name}: row {r} out of order")
                    last_row = r
                    last_col = 0
                    for c in row.iter(q("c")):
                        letters, number = _CELL.match(c.get("r")).groups()
                        if int(number) != r or _col(letters) <= last_col:
                            problems.append(f"{sheet.name}!{c.get('r')}: cell out of order")
                        last_col = _col(letters)
                        if int(c.get("s", "0")) >= len(xfs):
                            problems.append(f"{sheet.name}!{c.get('r')}: style index out of range")
                merges = [_range(m.get("ref")) for m in root.iter(q("mergeCell"))]
                for i, a in enumerate(merges):
                    for b in merges[i + 1:]:
                        if not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]):
                            problems.append(f"{sheet.name}: merged ranges overlap")
    return problems


__all__ = ["check_package", "NS_MAIN"]
