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



def test_every_import_in_the_benchmarks_names_a_module_and_name_that_exist():
    """The benchmarks run by hand, so a moved module broke them unseen (bench_sie and bench_batch imported
    the flat modules of before issue 26): every ``from xl_statsbidrag... import ...`` in them, in code or in the
    snippets they run in child processes, must import."""
    import importlib
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"from (xl_statsbidrag[\w.]*) import (\w+(?: as \w+)?(?:, *\w+(?: as \w+)?)*)")
    seen = set()
    for path in sorted((root / "benchmarks").glob("*.py")):
        for module, names in pattern.findall(path.read_text(encoding="utf-8")):
            for name in (n.split(" as ")[0].strip() for n in names.split(",")):
                seen.add((path.name, module, name))
    assert len(seen) > 20
    missing = []
    for file, module, name in sorted(seen):
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"{file}: {module} ({exc})")
            continue
        if not hasattr(mod, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{file}: {module}.{name}")
    assert missing == []
