"""The house's shape, checked: no import cycle anywhere, the generic layers never import a dataset, every
module imports on its own (cold, in a fresh process), and no function-level import dodges a circle.

The layer order itself is an import-linter contract (pyproject.toml, ``lint-imports`` in ``make test``);
these checks cover the dataset packages too (``mappings/``, imported as ``culturegraph.mappings``).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from culturegraph.config import PROJECT_ROOT

ROOTS = {"culturegraph": PROJECT_ROOT / "src" / "culturegraph",
         "culturegraph.mappings": PROJECT_ROOT / "mappings"}
GENERIC = ("culturegraph.cli", "culturegraph.web", "culturegraph.pipeline", "culturegraph.validation",
           "culturegraph.provenance", "culturegraph.datasets", "culturegraph.store", "culturegraph.rdf",
           "culturegraph.sources", "culturegraph.config")


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join([package, *parts])
            if package == "culturegraph" and name.startswith("culturegraph.mappings"):
                continue
            found[name] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ours that ``name`` imports at run time (``if TYPE_CHECKING:`` blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            for child in ast.walk(node):
                if isinstance(child, ast.Import):
                    out.update(a.name for a in child.names)
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        up = package.split(".")[: len(package.split(".")) - child.level + 1]
                        base = ".".join([*up, base]) if base else ".".join(up)
                    out.add(base)
                    out.update(f"{base}.{a.name}" for a in child.names)

    visit(tree.body)
    return {m for m in out if m in known and m != name}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return out


def _package_edges(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` re-exporting its own modules is not a circle: drop parent → child edges."""
    return {m: {t for t in targets if not t.startswith(m + ".")} for m, targets in edges.items()}


def test_no_import_cycle() -> None:
    assert cycles(_package_edges(graph())) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_generic_layers_never_import_a_dataset() -> None:
    edges = graph()
    leaks = {(m, t) for m, targets in edges.items() if m.startswith(GENERIC)
             for t in targets if t.startswith("culturegraph.mappings")}
    assert leaks == set()


def test_every_module_imports_cold() -> None:
    """Each module in a fresh interpreter of its own (forked before anything of ours is imported)."""
    names = sorted(n for n in modules() if n != "culturegraph.__main__")
    script = (  # as many children at once as there are cores (sequential: 19 s of CI)
        "import os, sys, importlib\n"
        "failed, running = [], {}\n"
        "def reap():\n"
        "    pid, status = os.wait()\n"
        "    if status != 0:\n"
        "        failed.append(running[pid])\n"
        "    del running[pid]\n"
        "for name in sys.argv[1:]:\n"
        "    if len(running) >= (os.cpu_count() or 1):\n"
        "        reap()\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except BaseException as err:\n"
        "            print(f'{name}: {type(err).__name__}: {err}', file=sys.stderr)\n"
        "            os._exit(1)\n"
        "        os._exit(0)\n"
        "    running[pid] = name\n"
        "while running:\n"
        "    reap()\n"
        "print(' '.join(sorted(failed)))\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, env=env,
                            timeout=600, check=False)
    assert result.stdout.strip() == "", result.stderr


def test_no_function_level_import_of_our_modules() -> None:
    """Imports of our own modules sit at the top of the module: one inside a function is the mark of a
    circle being dodged. Allowed: the CLI's commands (each imports what it runs, so that ``--help``
    stays fast), the server entry point (what it imports depends on the server chosen) and the SPARQL
    executor (its children never import werkzeug, which content negotiation needs)."""
    allowed = {"culturegraph.cli", "culturegraph.web.serve", "culturegraph.store.oxigraph.executor"}
    found = []
    for name, path in modules().items():
        if name in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for child in ast.walk(node):
                    if isinstance(child, ast.ImportFrom):
                        ours = bool(child.level) or (child.module or "").startswith("culturegraph")
                    elif isinstance(child, ast.Import):
                        ours = any(a.name.startswith("culturegraph") for a in child.names)
                    else:
                        continue
                    if ours:
                        found.append(f"{name}:{child.lineno}")
    assert found == []
