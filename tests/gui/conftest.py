"""GUI fixtures live in tests/conftest.py (the fault suite drives windows too);
here are the few only the window tests share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from storybank.core.bank import open_bank
from storybank.core.demo import load_demo
from storybank.gui.main_window import MainWindow


@pytest.fixture
def window(make_window: Callable[..., MainWindow], data_dir: Path) -> MainWindow:
    """The real window on the demo bank."""
    repo = open_bank(data_dir)
    load_demo(repo)
    repo.db.close()
    return make_window()
