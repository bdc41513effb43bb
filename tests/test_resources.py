"""resources.py finds files in the installed package or the source tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from storybank import resources


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    resources.resources_root.cache_clear()
    yield
    resources.resources_root.cache_clear()


def test_source_tree_fallback() -> None:
    root = resources.resources_root()
    assert (root / "values" / "netflix-culture.toml").is_file()


def test_installed_package_location_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "storybank"
    (package / "resources" / "values").mkdir(parents=True)
    (package / "resources" / "values" / "x.toml").write_text("")
    monkeypatch.setattr(resources, "_PACKAGE_DIR", package)
    assert (
        resources.resource_path("values", "x.toml")
        == (package / "resources" / "values" / "x.toml").resolve()
    )


def test_path_escape_is_refused() -> None:
    with pytest.raises(ValueError, match="escapes"):
        resources.resource_path("..", "pyproject.toml")
