"""The getting-started guide: from Help, and from the empty bank's page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from storybank.gui.dialogs.guide import GuideDialog, guide_html
from storybank.gui.main_window import MainWindow


def test_the_guide_covers_each_mode_and_fetches_nothing() -> None:
    html = guide_html()
    for words in ("Write a story", "Coverage", "Practice", "Progress", "Export PDF", "F1"):
        assert words in html
    assert "<script" not in html and "http" not in html


def test_help_and_the_empty_bank_open_the_guide(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def show(dialog: GuideDialog) -> int:
        opened.append(dialog.text.toPlainText())
        return 0

    monkeypatch.setattr(GuideDialog, "exec", show)
    window = make_window()  # an empty bank: the welcome page
    button = window.findChild(QPushButton, "welcomeGuideButton")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window.main_menu.guide_action.trigger()
    assert len(opened) == 2 and "Getting started with Storybank" in opened[0]
    # The View menu lists the four modes.
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    names = [a.text() for a in view_menu.actions() if a.text()]
    assert names[:4] == ["Stories", "Coverage", "Practice", "Progress"]
