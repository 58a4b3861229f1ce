"""The import structure of `crmupdate/`, read from the source with `ast` (imports inside
functions count as much as those at the top of a module):

- no circle between modules, anywhere;
- product code never imports the simulator (`crmupdate.zohosim`): the only reference is
  `crmupdate/urls.py`'s string include of the simulator's URLs;
- `crmupdate.zoho`, the one door to Zoho, imports no app of ours;
- `accounts` imports nothing of `massupdate` or `history`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "crmupdate"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> dict[str, Path]:
    """Every module of `crmupdate/` except the simulator's (migrations included)."""
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not module_name(path).startswith("crmupdate.zohosim")
    }


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of `known` that `path` imports anywhere in its code. `from a import b`
    counts as importing `a.b` when that is a module, else `a`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            named = {f"{base}.{alias.name}" for alias in node.names}
            # `from a import b` imports the module a.b when there is one, else names of a.
            targets.update(named if named & known else {base})
    resolved = set()
    for target in targets:
        # The longest known module the target names (a.b.C -> a.b when C is a class).
        parts = target.split(".")
        while parts and ".".join(parts) not in known:
            parts.pop()
        if parts:
            resolved.add(".".join(parts))
    resolved.discard(name)
    return resolved


def import_graph() -> dict[str, set[str]]:
    modules = product_modules()
    known = set(modules) | {"crmupdate.zohosim"}
    return {name: imports_of(path, name, known) for name, path in modules.items()}


def in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's
    strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


GRAPH = import_graph()


def test_it_reads_the_whole_package_including_imports_inside_functions():
    assert "crmupdate.massupdate.models" in GRAPH["crmupdate.massupdate.services"]
    source = "def f():\n    from crmupdate.zoho import client\n"
    probe = PACKAGE / "zoho" / "_probe_for_test.py"
    probe.write_text(source)
    try:
        found = imports_of(probe, "crmupdate.zoho._probe_for_test", set(GRAPH))
    finally:
        probe.unlink()
    assert found == {"crmupdate.zoho.client"}


def test_the_circle_finder_finds_a_circle_of_three():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_there_is_no_import_circle():
    assert cycles(GRAPH) == []


def test_product_code_never_imports_the_simulator():
    importers = [n for n, targets in GRAPH.items() if "crmupdate.zohosim" in targets]
    assert importers == []


def simulator_strings(path: Path) -> list[str]:
    """String constants in the code (not comments) that name the simulator's package."""
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "crmupdate.zohosim" in node.value
    ]


def test_the_only_reference_to_the_simulator_is_the_urls_string_include():
    """Besides urls.py's include, only the app's entry in INSTALLED_APPS names it (an app
    must be installed to have tables and URLs; that is registration, not code reaching in)."""
    mentions = {
        name: simulator_strings(path)
        for name, path in product_modules().items()
        if simulator_strings(path)
    }
    assert mentions == {
        "crmupdate.urls": ["crmupdate.zohosim.urls"],
        "crmupdate.settings": ["crmupdate.zohosim"],
    }
    assert 'include("crmupdate.zohosim.urls")' in (PACKAGE / "urls.py").read_text()


def test_the_zoho_package_imports_no_app():
    wrong = {
        name: sorted(t for t in targets if not in_package(t, "crmupdate.zoho"))
        for name, targets in GRAPH.items()
        if in_package(name, "crmupdate.zoho")
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


@pytest.mark.parametrize("other", ["crmupdate.massupdate", "crmupdate.history"])
def test_accounts_imports_nothing_of_mass_updates_or_history(other):
    wrong = [
        (name, target)
        for name, targets in GRAPH.items()
        if in_package(name, "crmupdate.accounts")
        for target in targets
        if in_package(target, other)
    ]
    assert wrong == []
