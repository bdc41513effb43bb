"""Packaging files are valid and agree with the app."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from storybank.app import APP_ID

ROOT = Path(__file__).parent.parent
DESKTOP = ROOT / "packaging" / "linux" / f"{APP_ID}.desktop"


def test_desktop_entry_names_the_app() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "storybank"
    assert section["Icon"] == APP_ID
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert scripts["storybank"] == "storybank.app:main"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="tool not installed")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()
