"""GUI fixtures: real main windows on real temp banks; modal boxes never block."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.gui.main_window import MainWindow
from storybank.services.stories import StoryService


class Boxes:
    """Records message boxes and answers questions with a chosen button."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Cancel

    def record(self, kind: str):  # type: ignore[no-untyped-def]
        def show(_parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.shown.append((kind, f"{title}: {text}"))
            return self.answer

        return show


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    recorder = Boxes()
    for kind in ("warning", "critical", "question", "information"):
        monkeypatch.setattr(QMessageBox, kind, recorder.record(kind))
    return recorder


@pytest.fixture
def make_window(qtbot: QtBot, data_dir: Path, boxes: Boxes) -> Iterator[Callable[..., MainWindow]]:
    """Build a real main window on the test's data folder, shown and active."""
    services: list[StoryService] = []

    def make(folder: Path | None = None) -> MainWindow:
        target = folder or data_dir
        service = StoryService(open_bank(target), target)
        services.append(service)
        window = MainWindow(service)
        qtbot.addWidget(window)
        window.resize(1240, 780)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        # The coach reads the opening story just after the first paint.
        panel = window.coach_panel
        qtbot.waitUntil(lambda: panel.story_id is None or panel.report is not None)
        return window

    yield make
    for service in services:
        service.close()
