"""The layers and their map: imports point down only, no import circles, and
ARCHITECTURE.md names every module."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import storybank

PACKAGE = Path(storybank.__file__).parent
ROOT = PACKAGE.parent.parent
#: Each layer, and the layers above it that it must never import.
LAYERS = {"core": ("services", "gui", "app", "cli"), "services": ("gui", "app", "cli")}


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_no_layer_imports_a_higher_one() -> None:
    offenders = []
    for layer, above in LAYERS.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in imported_modules(path):
                parts = name.split(".")
                if parts[0] == "storybank" and len(parts) > 1 and parts[1] in above:
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_the_layer_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from storybank.gui.theme import apply\n")
    assert "storybank.gui.theme" in imported_modules(source)


def test_architecture_md_names_every_module_and_no_missing_one() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "versions" not in path.parts
    }
    missing = []
    for module in sorted(modules):
        folder, _, name = module.rpartition("/")
        if name == "__init__.py" and folder:
            needle = f"`{folder}/`"  # a package is named by its folder
        else:
            needle = f"`{name}`" if folder.count("/") == 0 else f"`{module}`"
        inside = re.search(re.escape(needle), text) or (
            f"`{name}`" in text and f"`{folder.rpartition('/')[2]}/`" in text
        )
        if not inside:
            missing.append(module)
    assert missing == []
    named = set(re.findall(r"`([\w/]+\.py)`", text))
    unknown = [n for n in named if not any(m == n or m.endswith("/" + n) for m in modules)]
    assert unknown == []


# --- import circles ----------------------------------------------------------------


def _modules(package: Path) -> dict[str, Path]:
    """Every module under ``package`` by dotted name (a package by its own name)."""
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool) -> Iterator[str]:
    """The dotted names one import statement asks for, relative ones made absolute."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        parts = name.split(".") if is_package else name.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, *([base] if base else [])])
    yield base
    yield from (f"{base}.{alias.name}" for alias in node.names)


def _without_type_checking(tree: ast.Module) -> ast.Module:
    """``tree`` with the bodies of ``if TYPE_CHECKING:`` blocks left out."""

    class Drop(ast.NodeTransformer):
        def visit_If(self, node: ast.If) -> ast.AST:
            test = node.test
            checking = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            )
            if checking:
                node.body = [ast.Pass()]
            self.generic_visit(node)
            return node

    return Drop().visit(tree)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Which modules each module under ``package`` imports, by dotted name.

    Every import that runs counts, at any depth: inside functions too. An
    import under ``if TYPE_CHECKING:`` does not: it never runs, and it is how
    a piece of the window names the window that composes it.
    ``from a.b import c`` depends on the module
    ``a.b.c`` when there is one, else on ``a.b``; importing a submodule also
    runs its parent packages' ``__init__``, so it depends on those too.
    """
    modules = _modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        wanted: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(_without_type_checking(tree)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                wanted.update(_targets(node, name, is_package))
        depends: set[str] = set()
        for target in wanted:
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()  # c is a name in a.b, not a module: a.b
            depends.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
        depends.discard(name)
        graph[name] = depends
    return graph


def import_circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of ``graph`` that are circles (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> Iterator[str]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return iter(sorted(graph[node] & graph.keys()))

    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, visit(root))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    work.append((child, visit(child)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph[node]:
                        circles.append(sorted(component))
    return sorted(circles)


def test_no_import_circles() -> None:
    circles = import_circles(import_graph(PACKAGE))
    assert circles == []


def test_the_circle_check_finds_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg.sub.b import g\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def h():\n    from .. import a\n")
    (package / "sub" / "c.py").write_text("from pkg.sub import b\n")
    # A name for annotations only never runs: it makes no circle.
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
    )
    (package / "a.py").write_text("import pkg.d\ndef f():\n    from pkg.sub.b import g\n")
    graph = import_graph(package)
    assert graph["pkg.d"] == set()
    assert graph["pkg.a"] == {"pkg", "pkg.d", "pkg.sub", "pkg.sub.b"}
    assert graph["pkg.sub.c"] == {"pkg", "pkg.sub", "pkg.sub.b"}
    assert import_circles(graph) == [["pkg.a", "pkg.sub.b"]]
    # A package whose __init__ re-exports a module that imports the package: a circle too.
    (package / "sub" / "__init__.py").write_text("from pkg.sub.c import b\n")
    assert import_circles(import_graph(package)) == [["pkg.a", "pkg.sub", "pkg.sub.b", "pkg.sub.c"]]


def test_only_the_repositories_call_the_private_reads() -> None:
    owners = {"core/repository.py", "core/practice_repository.py", "core/applications.py"}
    callers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).as_posix() not in owners
        and re.search(r"\._rows\(", path.read_text(encoding="utf-8"))
    ]
    assert callers == []


#: The main window composes pieces (gui/main_menu.py, main_status.py, file_ops.py, …);
#: past this size it is doing their work again.
MAIN_WINDOW_MAX_LINES = 400


def test_the_main_window_stays_small() -> None:
    lines = (PACKAGE / "gui" / "main_window.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAIN_WINDOW_MAX_LINES, (
        f"gui/main_window.py has {len(lines)} lines (at most {MAIN_WINDOW_MAX_LINES}): "
        "move a concern into a piece of its own"
    )


#: Longer than this, a function is doing the work of several.
MAX_FUNCTION_LINES = 60


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        if "versions" in path.parts:  # released migrations are history, never edited
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} {length}")
    assert long == []
