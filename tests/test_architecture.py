"""ARCHITECTURE.md's module map is the one map of the package: it names every module of ``xl_statsbidrag``
(a module added without a line there fails here), and every module it names exists.  The registries the
"Where to add" steps name (``NAME`` of ``path.py``) are where it says."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xl_statsbidrag"
TEXT = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
MODULE = re.compile(r"(?<![\w/.])((?:[A-Za-z_]\w*/)*[A-Za-z_]\w*\.py)\b")


def package_modules() -> set[str]:
    return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
            if p.name != "__init__.py" and "__pycache__" not in p.parts}


def module_map() -> list[str]:
    """The lines of the fenced block that starts with the package's folder."""
    blocks = re.findall(r"^```\n(.*?)^```", TEXT, re.M | re.S)
    maps = [b for b in blocks if b.startswith(f"{PACKAGE.name}/")]
    assert len(maps) == 1, "ARCHITECTURE.md has one module map, a fenced block starting with 'xl_statsbidrag/'"
    return maps[0].splitlines()


def named_in_map() -> list[str]:
    """Each module the map names, as a path under the package: a line starting with 'folder/' sets the folder
    (the package's own name: its top level), the indented lines under it continue it."""
    folder, named = None, []
    for line in module_map():
        head = re.match(r"([A-Za-z_]\w*)/\s", line + " ")
        if head:
            folder = "" if head.group(1) == PACKAGE.name else head.group(1) + "/"
            line = line[head.end():]
        assert folder is not None, line
        named += [folder + m for m in MODULE.findall(line)]
    return named


def test_the_map_names_every_module_once():
    named = named_in_map()
    assert sorted(set(package_modules()) - set(named)) == [], "modules missing from ARCHITECTURE.md's map"
    assert sorted(set(named) - package_modules()) == [], "ARCHITECTURE.md's map names modules that do not exist"
    assert sorted(m for m in set(named) if named.count(m) > 1) == []


def test_every_module_path_named_anywhere_exists():
    for path in {m for m in MODULE.findall(TEXT) if "/" in m}:
        assert (PACKAGE / path).is_file() or (ROOT / path).is_file(), path


def test_the_registries_of_where_to_add_are_where_it_says():
    pairs = re.findall(r"`(\w+)` of\s+`((?:\w+/)*\w+\.py)`", TEXT)
    assert len(pairs) >= 4
    for name, path in pairs:
        source = (PACKAGE / path).read_text(encoding="utf-8")
        assert re.search(rf"^(?:def |class )?{name}\b", source, re.M), (name, path)

