"""The one place that finds files under ``resources/``.

An installed wheel carries them inside the package (``storybank/resources``);
an editable install or a source checkout finds them at the repository's top.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates() -> tuple[Path, ...]:
    return (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent.parent / "resources")


@cache
def resources_root() -> Path:
    """Return the folder that holds Storybank's resources."""
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Storybank's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    """Return the path of a resource, refusing any path that escapes the folder."""
    root = resources_root()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ValueError(f"resource path escapes the resources folder: {'/'.join(parts)}")
    return path


def resource_files(folder: str, pattern: str) -> list[Path]:
    """Return the files in a resource folder matching ``pattern``, sorted by name."""
    return sorted(resource_path(folder).glob(pattern))
