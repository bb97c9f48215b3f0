"""Random worksheet parts for the cell patch, and a fuzzer that holds xl_statsbidrag.xlsx.cellpatch to its oracle
(tests/oracles/lxml_cellpatch.py, the lxml tree as it was before issue 28).

The parts are utfall's case (one column set, its cells there in some rows and not in others, as Excel leaves an
empty table column) among hostile ones: cells nested in a value or an extLst, end tags with a space, namespaces
declared on rows and cells, the sheet's namespace under a second prefix, rows and cells without ``r``, rows and
cells out of order or given twice, references of another row, shared formulas, inline strings, very long rows,
pretty-printed rows.  ``python -m tests.support.cellpatch_fuzz 5000`` runs 5 000 parts (seeds 0..4999) and
prints how many took the scan, the quick way and the tree.
"""
from __future__ import annotations

import random
import sys
from decimal import Decimal

from lxml import etree

from xl_statsbidrag.core.a1 import column_letter
from xl_statsbidrag.core.errors import UserError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# a cell's body (after its start tag's attributes), "{p}" the sheet's prefix; whether lxml writes it so
_BODIES = [("/>", True), ("/>", True), (' t="s"><v>7</v></c>', True), ("><v>1.5</v></c>", True),
           ('><f>A1+1</f><v>2</v></c>', True), (' t="inlineStr"><is><t>a &lt; b</t></is></c>', True),
           (' t="inlineStr"><is><t xml:space="preserve"> x </t></is></c>', True),
           ('><f t="shared" ref="{ref}" si="0">A1</f><v>3</v></c>', True), ("></c>", False),
           ("><v>1</v></c >", False), ("><v>1</v><extLst><ext uri=\"u\"><c r=\"{later}\"/></ext></extLst></c>", True),
           ("><v>1<c r=\"{later}\"/></v></c>", True), (' t="str"><f>"/&gt;"</f><v>/&gt;</v></c>', True)]


def _cell(rng: random.Random, p: str, col: int, row: int, target: int, plain: list[bool], hostile: float) -> str:
    ref = f"{column_letter(col)}{row}"
    later = f"{column_letter(target + rng.choice([0, 1, 2]))}{row}"
    body, lxml_form = _BODIES[rng.randrange(len(_BODIES))] if rng.random() < 0.3 * hostile \
        else _BODIES[rng.choice([0, 1, 2, 3, 4, 5])]
    body = body.format(ref=f"{ref}:{ref}" if rng.random() < 0.7 else f"{ref}:{column_letter(col)}{row + 1}",
                       later=later).replace("<", "<" + p).replace("<" + p + "/", "</" + p)
    style = rng.choice(["", ' s="2"', ' s="4"'])
    odd = rng.random() if rng.random() < hostile else 1.0
    if odd < 0.03:
        attrs = style  # no r: the place the schema implies
    elif odd < 0.06:
        attrs, lxml_form = f"{style} r=\"{ref}\"", lxml_form  # r not first
    elif odd < 0.08:
        attrs, lxml_form = f" r='{ref}'{style}", False
    elif odd < 0.10:
        attrs = f' r="{column_letter(col)}{row + rng.choice([1, -1, 10])}"{style}'  # a reference of another row
    elif odd < 0.11:
        attrs = f' r="{ref.lower()}"{style}'  # not a reference: an error
    elif odd < 0.13:
        attrs = f' xmlns="urn:other" r="{ref}"{style}' if not p else f' xmlns:q="urn:q" r="{ref}"{style}'
    else:
        attrs = f' r="{ref}"{style}'
    plain[0] &= lxml_form
    tag = p + "c"
    if 0.97 < odd < 1.0:
        tag = rng.choice(["y:c", "q:c"])  # the sheet's namespace under a second prefix, or another namespace
        body = body.replace("</" + p + "c>", f"</{tag}>").replace("</" + p + "c >", f"</{tag} >")
    return f"<{tag}{attrs}{body}"


def part(seed: int) -> tuple[bytes, dict, bool]:
    """A worksheet part, the cells to set and whether the part is in lxml's own form (then the patch must be
    equal to the oracle's bytes, else to its XML)."""
    rng = random.Random(seed)
    plain = [True]
    hostile = rng.choice([0.0, 0.0, 0.05, 0.2, 1.0])  # how many odd forms: none, a few, as many as ever
    p = rng.choice(["", "", "x:"])
    target = rng.choice([3, 10, 10, 10, 28])  # C, J, AB
    width = rng.choice([4, 12, 12, 30]) if rng.random() < 0.95 else 200  # (a very long row)
    count = rng.randint(1, 12)
    numbers = list(range(1, count + 1))
    rows = []
    for number in numbers:
        columns = sorted(rng.sample(range(1, width + 1), rng.randint(0, min(width, 14))))
        if target in columns and rng.random() < 0.6:
            columns.remove(target)  # the column's cell not in the part (an empty table column): one to add
        elif target not in columns and rng.random() < 0.3:
            columns = sorted(columns + [target])
        if rng.random() < 0.1 * hostile and len(columns) > 1:
            rng.shuffle(columns)  # cells out of order
        cells = [_cell(rng, p, col, number, target, plain, hostile) for col in columns]
        if rng.random() < 0.08 * hostile and cells:
            cells.insert(rng.randrange(len(cells)), cells[rng.randrange(len(cells))])  # a cell given twice
        gap = rng.choice(["", "", "", "\n  "])
        inner = gap.join(cells)
        if rng.random() < 0.1 * hostile:
            nested = (f'<{p}row r="{number + rng.choice([0, 1])}"><{p}c r="{column_letter(target)}{number}"/></{p}row>'
                      if rng.random() < 0.5 else f'<{p}c r="{column_letter(target + 1)}{number}"/>')
            inner += f'<{p}extLst><{p}ext uri="u">{nested}</{p}ext></{p}extLst>'
        attrs = f' r="{number}"'
        odd = rng.random() if rng.random() < max(hostile, 0.02) else 0.2 + 0.8 * rng.random()
        if odd < 0.03:
            attrs = ""  # no r: the number the schema implies
        elif odd < 0.05:
            attrs, plain[0] = f" r='{number}'", False
        elif odd < 0.08:
            attrs = f' spans="1:{width}" r="{number}"'
        elif odd < 0.10:
            attrs = ' xmlns:x14ac="urn:x"' + attrs + ' x14ac:dyDescent="0.25"'  # (lxml writes declarations first)
        elif odd < 0.35:
            attrs += rng.choice([f' spans="1:{width}"', f' spans="1:{max(1, target - 1)}"', ' spans="1:2 4:300"'])
        end = f"</{p}row>"
        if rng.random() < 0.05 * hostile:
            end, plain[0] = f"</{p}row >", False
        if not inner and rng.random() < 0.5 * hostile:
            rows.append(f"<{p}row{attrs}/>")
        else:
            plain[0] &= bool(inner)  # (lxml writes an empty row as <row/>)
            rows.append(f"<{p}row{attrs}>{inner}{end}")
    if rng.random() < 0.15 * hostile and len(rows) > 1:  # rows out of order
        i = rng.randrange(len(rows) - 1)
        rows[i], rows[i + 1] = rows[i + 1], rows[i]
    if rng.random() < 0.1 * hostile and rows:  # a row given twice
        i = rng.randrange(len(rows))
        rows.insert(i + rng.choice([0, 1]), rows[i])
    aliases = rng.choice(["", "", "", f' xmlns:y="{MAIN}"', ' xmlns:y="urn:y"']) if hostile else ""
    if "<y:c" in "".join(rows) and not aliases:
        aliases = ' xmlns:y="urn:y"'
    aliases += ' xmlns:q="urn:q"' if "<q:c" in "".join(rows) and "xmlns:q" not in aliases else ""
    cols = rng.choice(["", f'<{p}cols><{p}col min="{target}" max="{target}" style="7"/></{p}cols>'])
    ns = f'xmlns:x="{MAIN}"' if p else f'xmlns="{MAIN}"'
    text = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns}{aliases}>{cols}'
            f'<{p}sheetData>{"".join(rows)}</{p}sheetData><{p}pageMargins left="0.7"/></{p}worksheet>')
    letter = column_letter(target)
    chosen = sorted(rng.sample(numbers, rng.randint(1, len(numbers))))
    if rng.random() < 0.2 * hostile:
        chosen.append(count + rng.randint(1, 3))  # a row the sheet does not have
    values = {f"{letter}{n}": rng.choice([None, Decimal(rng.randint(-10**6, 10**6)) / 100]) for n in chosen}
    if rng.random() < 0.1 * hostile:
        values[f"{column_letter(rng.choice([1, target + 1]))}{chosen[0]}"] = Decimal(1)  # two cells in a row
    if rng.random() < 0.1:
        values = dict(reversed(values.items()))
    try:
        etree.fromstring(text.encode())
    except etree.XMLSyntaxError:  # (a cell given twice in a form that repeats a namespace declaration...)
        return part(seed + 1_000_000_007)
    return text.encode(), values, plain[0]


def outcome(patch, data: bytes, values: dict):
    try:
        return patch(data, values, "x.xlsx: xl/worksheets/sheet1.xml")
    except UserError as exc:
        return ("UserError", exc.message.split(" (")[0])
    except ValueError as exc:  # (the oracle's: a reference that is none, "j5")
        return ("UserError", "not a reference" if "not a cell reference" in str(exc) else str(exc))


def check(seed: int) -> str:
    """Patch part ``seed`` both ways and compare; which way the new patch went ("quick", "careful", "tree")."""
    from tests.oracles import lxml_cellpatch
    from xl_statsbidrag.xlsx import cellpatch

    data, values, plain = part(seed)
    new, old = outcome(cellpatch.patch_cells, data, values), outcome(lxml_cellpatch.patch_cells, data, values)
    if isinstance(new, tuple) or isinstance(old, tuple):
        if isinstance(new, tuple) and isinstance(old, tuple) and "cell reference" in new[1] and old[1].startswith(
                "not a"):
            return "error"  # the oracle's ValueError is the new one's UserError (issue 28's review)
        assert new == old, (seed, new, old)
        return "error"
    if plain:
        assert new == old, (seed, data, values, new, old)
    else:
        assert etree.tostring(etree.fromstring(new), method="c14n") == \
            etree.tostring(etree.fromstring(old), method="c14n"), (seed, data, values, new, old)
    if cellpatch._scan(data, values, "") is None:
        return "tree"
    calls = []
    careful = cellpatch._Rows.careful

    def counted(self, *args):
        calls.append(1)
        return careful(self, *args)

    cellpatch._Rows.careful = counted
    try:
        cellpatch._scan(data, values, "")
    finally:
        cellpatch._Rows.careful = careful
    return "careful" if calls else "quick"


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 2000
    start = int(argv[1]) if len(argv) > 1 else 0
    ways: dict[str, int] = {}
    for seed in range(start, start + n):
        way = check(seed)
        ways[way] = ways.get(way, 0) + 1
    print(f"{n} parts (seeds {start}..{start + n - 1}) equal to the oracle: " + ", ".join(
        f"{k} {v}" for k, v in sorted(ways.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
