"""The house's shape: wings follow the data flow, with no import circles.

Builds the import graph of ``assistant/`` with ``ast`` (every ``import`` and
``from … import``, including deferred ones inside functions) and fails on a cycle,
on an import from a later stage into an earlier one, or between the two sibling
wings ``ask`` and ``critique``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "assistant"

# documents → library → ask | critique → reports → service → front ends
STAGES: dict[str, int] = {
    "errors": 0,
    "settings": 0,
    "offline": 0,
    "vectors": 0,
    "vocabulary": 0,
    "redact": 0,
    "testing": 0,
    "documents": 1,
    "library": 2,
    "ask": 3,
    "critique": 3,
    "reports": 4,
    "service": 5,
    "frontends": 6,
    "__main__": 7,
}
SIBLINGS = {frozenset({"ask", "critique"})}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(name: str, modules: set[str]) -> str | None:
    """The longest known module that ``name`` names or lies inside."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] or [node.module]
            for target in targets:
                found = resolve(target, modules)
                if found and found != mod and not mod.startswith(found + "."):
                    graph[mod].add(found)
    return graph


def wing(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_belongs_to_a_stage() -> None:
    unknown = sorted({wing(m) for m in import_graph()} - set(STAGES) - {""})
    assert not unknown, f"add these to STAGES (and the README's architecture): {unknown}"


def test_no_import_circles() -> None:
    graph = import_graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_no_arrow_runs_back_up_the_house() -> None:
    bad = []
    for mod, deps in import_graph().items():
        here = wing(mod)
        for dep in deps:
            there = wing(dep)
            if not here or not there or here == there:
                continue
            if STAGES[there] > STAGES[here] or frozenset({here, there}) in SIBLINGS:
                bad.append(f"{mod} -> {dep}")
    assert not bad, "imports from a later stage or a sibling wing:\n" + "\n".join(sorted(bad))


def test_the_checker_sees_a_planted_cycle(tmp_path: Path) -> None:
    """The graph builder is not vacuous: it finds real edges in this package."""
    graph = import_graph()
    assert "assistant.documents.model" in graph["assistant.documents.loading"]
    assert any(deps for deps in graph.values())
