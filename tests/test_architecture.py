"""Architecture contracts, checked on every import statement of the package (CI runs this).

- Engines never import the edges: report, cli, store, api, web.
- Each heavy dependency is imported in one place: highspy in the shared solver layer, simpy in
  the factory simulation, ray in the Ray executor.
- The chain's inputs and stages sit below the report: rackwright.chain imports no edge either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import rackwright

PACKAGE = Path(rackwright.__file__).parent
EDGES = ("report", "cli", "store", "api", "web")
ENGINES = (
    "perf", "explore", "demand", "rack", "bom", "sourcing", "risk", "factory", "finance",
    "evaluation", "optim", "catalog", "chain",
)  # fmt: skip
ONLY_HERE = {
    "highspy": ("optim",),
    "simpy": ("factory.simulation",),
    "ray": ("explore.ray_executor",),
}


def _modules() -> dict[str, set[str]]:
    """Every module of the package (dotted, without 'rackwright.') -> the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        name = name.removesuffix(".__init__").removesuffix("__init__")
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
        found[name] = imported
    return found


MODULES = _modules()


def _inside(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_scan_sees_the_package() -> None:
    assert "optim.highs" in MODULES and "highspy" in MODULES["optim.highs"]
    assert "explore.ray_executor" in MODULES


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_never_import_the_edges(engine: str) -> None:
    bad = [
        f"{module} imports {target}"
        for module, imports in MODULES.items()
        if _inside(module, engine)
        for target in imports
        if any(_inside(target, f"rackwright.{edge}") for edge in EDGES)
    ]
    assert bad == []


@pytest.mark.parametrize(("dependency", "owners"), sorted(ONLY_HERE.items()))
def test_each_heavy_dependency_is_imported_in_one_place(
    dependency: str, owners: tuple[str, ...]
) -> None:
    users = sorted(
        module
        for module, imports in MODULES.items()
        if any(_inside(target, dependency) for target in imports)
    )
    assert all(any(_inside(m, owner) for owner in owners) for m in users), users
