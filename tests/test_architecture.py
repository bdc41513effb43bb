"""The layers and their map: imports point down only, and ARCHITECTURE.md names every module."""

from __future__ import annotations

import ast
import re
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


#: The main window composes pieces (gui/main_menu.py, main_status.py, file_ops.py, …);
#: past this size it is doing their work again.
MAIN_WINDOW_MAX_LINES = 400


def test_the_main_window_stays_small() -> None:
    lines = (PACKAGE / "gui" / "main_window.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAIN_WINDOW_MAX_LINES, (
        f"gui/main_window.py has {len(lines)} lines (at most {MAIN_WINDOW_MAX_LINES}): "
        "move a concern into a piece of its own"
    )
