"""The package's shape, checked statically over every import statement, not only the imports
the other tests happen to run: no import circles, and the core never imports the terminal UI.

Every ``import`` in a module counts, at module level or inside a function (a lazy import still
makes the importer depend on the imported module); imports under ``if TYPE_CHECKING:`` do not run
and do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import simulator

PACKAGE = Path(simulator.__file__).resolve().parent
UI_LIBRARIES = ("rich", "prompt_toolkit")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Absolute names of every module a file imports at run time."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            # "from . import x" and "from .pkg import mod" may import submodules
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    from simulator.cli.main import COMMAND_MODULES

    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        # a dependency on a package means its __init__; keep only modules of this package
        graph[name] = {dep for dep in _imports(path) if dep in files and dep != name}
    # the entry point imports its command modules by name (importlib), which no statement shows
    graph["simulator.cli.main"] |= {f"simulator.cli.{m}" for m in COMMAND_MODULES}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return groups


def test_there_are_no_import_circles():
    cycles = _cycles(_graph())
    assert cycles == [], f"import circles: {cycles}"


def test_the_core_never_imports_the_terminal_ui():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if name.startswith("simulator.cli") or name == "simulator.__main__":  # the UI and its entry point
            continue
        bad = sorted(
            dep for dep in _imports(path) if dep.split(".")[0] in UI_LIBRARIES or dep.startswith("simulator.cli")
        )
        if bad:
            offenders[name] = bad
    assert offenders == {}


def test_only_persona_imports_transitions_at_play_time():
    users = sorted(
        _module_name(p) for p in PACKAGE.rglob("*.py") if any(d.split(".")[0] == "transitions" for d in _imports(p))
    )
    assert users == ["simulator.analysis.graph", "simulator.persona"]


def test_the_checker_sees_a_planted_circle():
    # the check must be able to fail: two modules importing each other form a circle
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
