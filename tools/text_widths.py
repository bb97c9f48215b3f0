"""Write xl_statsbidrag/data/text_widths.csv: the advance widths of Calibri's characters, from Carlito
(metric-compatible with Calibri, the font Excel's default workbooks use; Debian fonts-crosextra-carlito).

    pip install fonttools && python tools/text_widths.py

The report layout uses the table to wrap text as Excel and LibreOffice will, so that every row is
tall enough for its text; a few hundred numbers are shipped instead of a font.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path("/usr/share/fonts/truetype/crosextra")
STYLES = {"regular": "Carlito-Regular.ttf", "bold": "Carlito-Bold.ttf", "italic": "Carlito-Italic.ttf"}
CHARS = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x180)] + list("–—‘’‚“”„•…€☐☒✓")


def main(out: Path) -> None:
    fonts = {name: TTFont(FONTS / file) for name, file in STYLES.items()}
    units = {font["head"].unitsPerEm for font in fonts.values()}
    assert units == {2048}, units
    lines = ["char,regular,bold,italic"]
    for ch in CHARS:
        widths = []
        for font in fonts.values():
            glyph = font.getBestCmap().get(ord(ch))
            widths.append(font["hmtx"][glyph][0] if glyph else 0)
        if all(widths):
            lines.append(f"{ord(ch)},{widths[0]},{widths[1]},{widths[2]}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(lines) - 1} characters")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "xl_statsbidrag" / "data" / "text_widths.csv")
