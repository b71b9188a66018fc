"""The house's one rule: a module imports only from the layers below its own (docs/architecture.md).
Imports for type hints alone (under ``TYPE_CHECKING``) are exempt; lazy imports in functions
are not."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ENGRAM = Path(__file__).parents[1] / "engram"

#: Each top-level module or package of engram, by layer (0 imports nothing of engram's).
LAYERS = {
    "errors": 0, "trace": 0, "rules": 0,
    "config": 1, "extract": 1,
    "parse": 2,
    "loaders": 3, "store": 3,
    "mining": 4,
    "render": 5,
    "playbook": 6,
    "analysis": 7, "exchange": 7, "learning": 7, "datasets": 7,
    "integrations": 8,
    "doctor": 9,
    "cli": 10,
    "__init__": 11, "__main__": 11,
}  # fmt: skip


def unit_of(path: Path) -> str:
    return path.relative_to(ENGRAM).with_suffix("").parts[0]


def imported(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, engram unit) of every import outside ``if TYPE_CHECKING:`` blocks."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "engram":  # from engram import x: x is a unit, or __version__
                names = [f"engram.{a.name}" for a in node.names if a.name != "__version__"]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "engram" and len(parts) > 1:
                yield node.lineno, parts[1]


def sources() -> list[Path]:
    return sorted(ENGRAM.rglob("*.py"))


def test_every_unit_has_a_layer() -> None:
    assert {unit_of(path) for path in sources()} == set(LAYERS)


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ENGRAM)))
def test_a_module_imports_only_from_below(path: Path) -> None:
    own = unit_of(path)
    upward = [
        f"line {line}: {own} (layer {LAYERS[own]}) imports {unit} (layer {LAYERS[unit]})"
        for line, unit in imported(ast.parse(path.read_text()))
        if unit != own and LAYERS[unit] >= LAYERS[own]
    ]
    assert not upward, upward


EXTRACTORS = Path(__file__).parents[1] / "extractors"
PLUGIN_API = {"extract", "trace", "parse", "errors"}  # what a built-in uses, as a plugin would


@pytest.mark.parametrize("path", sorted(EXTRACTORS.glob("*.py")), ids=lambda p: p.name)
def test_a_built_in_extractor_uses_only_the_plugin_api(path: Path) -> None:
    used = {unit for _, unit in imported(ast.parse(path.read_text()))}
    assert used <= PLUGIN_API, used - PLUGIN_API
