"""The layer rule (issue 26), read from the source with ``ast``: every import of every module of
xl_statsbidrag, also the ones inside functions, goes to its own layer or to one to its left; the layers
that Lite and the worksheet functions stand on import no pandas, lxml or xlwings; no import cycles.

    core <- read <- check <- forms <- app <- {cli, excel, lite}

with the adapters placed by what their code does today (see ``ALLOWED``)."""
from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "xl_statsbidrag"
LITE = ROOT / "lite" / "main.py"

_PURE = {"core", "read", "check", "forms"}
_ADAPTERS = {"files", "ledger", "xlsx"}

# Which layers a module of each layer may import from (its own is always in).  "root" is the package's
# __init__ (only __version__; it imports nothing, see test_the_package_root_imports_nothing).
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},                                   # model, money, allocation, A1: stdlib only
    "read": {"core", "read"},                           # our format's spec, the Source port, readers
    "check": {"core", "read", "check"},                 # the checks read the model and the format's spec
    "forms": {"core", "read", "check", "forms"},        # the sheets we write show findings (check.codes)
    # files: paths, atomic writes, CSV, LibreOffice, and the calendar (ics), which writes the deadlines
    # check.deadlines computes; nothing above check.
    "files": {"core", "read", "check", "files"},
    # xlsx: the package reader/writer (lxml). It renders forms.layout.SheetLayout, reads through the
    # read.Source port and writes through files.atomic, so it sits right of forms and files; app uses it.
    "xlsx": {"core", "read", "check", "forms", "files", "xlsx"},
    # ledger: pandas readers of ledger exports and the matching, whose result is the Utfall sheet's rows
    # (forms.utfall) and the workbook's columns (read.workbook_format); app uses it.
    "ledger": {"core", "read", "check", "forms", "files", "ledger"},
    # app: the use cases, once, over every layer and adapter to their left.
    "app": _PURE | _ADAPTERS | {"app"},
    # The front ends: none imports another (excel and Lite run in Excel; cli is the command line).
    # excel is the xlwings adapter: no xlsx/files (no lxml, no writing files next to Excel's own).
    "excel": _PURE | {"ledger", "app", "excel"},
    "cli": _PURE | _ADAPTERS | {"app", "cli"},
    "lite": {"core", "excel", "lite"},  # lite/main.py: the Lite script, over excel's use cases (read_async)
}
for _layer in ALLOWED.values():
    _layer.add("root")

# No pandas, lxml, xlwings (nor the heavy numpy and openpyxl) in the layers Lite and the functions run on.
HEAVY = {"pandas", "numpy", "lxml", "openpyxl", "xlwings"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def layer_of(module: str) -> str:
    parts = module.split(".")
    if module == "lite.main":
        return "lite"
    if len(parts) == 1:
        return "root"
    return "cli" if parts[1] in ("cli", "__main__") else parts[1]


class _Imports(ast.NodeVisitor):
    """Every import of a file: (module imported, line, inside a function)."""

    def __init__(self, module: str, is_package: bool):
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, int, bool]] = []
        self.depth = 0

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node):
        self.found += [(a.name, node.lineno, self.depth > 0) for a in node.names]

    def visit_ImportFrom(self, node):
        if node.level:
            base = self.package.split(".")
            base = base[:len(base) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module
        for a in node.names:  # `from ..app import utfall` imports the module app.utfall
            name = f"{module}.{a.name}"
            self.found.append((name if name in MODULES else module, node.lineno, self.depth > 0))


@cache
def imports_of(module: str, path: Path | None = None) -> tuple[tuple[str, int, bool], ...]:
    path = path or MODULES[module]
    visitor = _Imports(module, path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return tuple(visitor.found)


def _ours(name: str) -> str | None:
    """The module of the package an import names (the longest known prefix), or None for another package."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _all_modules():
    yield from MODULES.items()
    yield "lite.main", LITE


def test_every_module_is_in_a_known_layer():
    assert {layer_of(m) for m, _ in _all_modules()} <= set(ALLOWED) | {"root"}
    assert {"core", "read", "check", "forms", "files", "ledger", "xlsx", "app", "excel", "cli"} <= \
        {layer_of(m) for m in MODULES}


def test_the_package_root_imports_nothing():
    assert imports_of("xl_statsbidrag") == ()


def test_imports_go_only_to_the_left():
    wrong = []
    for module, path in _all_modules():
        for name, line, _ in imports_of(module, path):
            target = _ours(name)
            if target and layer_of(target) not in ALLOWED[layer_of(module)]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {layer_of(module)} imports {target}")
    assert wrong == []


@pytest.mark.parametrize("layer", sorted(_PURE))
def test_the_pure_layers_import_no_pandas_lxml_or_xlwings(layer):
    """Also not inside a function: Lite and the worksheet functions run on these layers."""
    wrong = [f"{path.relative_to(ROOT)}:{line}: {name}" for module, path in MODULES.items()
             if layer_of(module) == layer for name, line, _ in imports_of(module)
             if name.split(".")[0] in HEAVY]
    assert wrong == []


def test_core_imports_only_the_standard_library():
    wrong = [f"{path.relative_to(ROOT)}:{line}: {name}" for module, path in MODULES.items()
             if layer_of(module) == "core" for name, line, _ in imports_of(module)
             if not _ours(name) and name.split(".")[0] not in sys.stdlib_module_names and name != "__future__"]
    assert wrong == []


def _graph() -> dict[str, set[str]]:
    return {m: {t for name, _, _ in imports_of(m) if (t := _ours(name)) and t != m} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a cycle of imports."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_between_modules():
    """The graph has every import, also those inside functions (a lazy import is still a dependency)."""
    assert _cycles(_graph()) == []


def test_lite_loads_no_pandas_lxml_or_openpyxl():
    """What lite/main.py loads when Lite runs it (imports at the top of each module it reaches, and the
    packages they are in) imports none of the heavy libraries at its top."""
    seen, todo = set(), [name for name, _, lazy in imports_of("lite.main", LITE) if not lazy]
    while todo:
        name = todo.pop()
        module = _ours(name)
        if module is None or module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # the packages it is in run first
        todo += [n for n, _, lazy in imports_of(module) if not lazy]
    heavy = {f"{m}: {name}" for m in seen for name, _, lazy in imports_of(m)
             if not lazy and name.split(".")[0] in HEAVY - {"xlwings"}}
    assert "xl_statsbidrag.excel.buttons" in seen and heavy == set()
