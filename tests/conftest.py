"""Shared fixtures: offscreen Qt, temp data and config folders, bank and window."""

from __future__ import annotations

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from storybank.core.bank import open_bank
from storybank.core.repository import Repository

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_microphone import FakeMicrophone

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from storybank.gui.main_window import MainWindow


GUI_TESTS = Path(__file__).resolve().parent / "gui"
#: The run's own sound server with a microphone the tests speak into (None
#: where pulseaudio is missing); see tests/fake_microphone.py.
MICROPHONE: FakeMicrophone | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Start the fake microphone before any test can load QtMultimedia."""
    global MICROPHONE
    microphone = FakeMicrophone()
    os.environ["PULSE_CLIENTCONFIG"] = str(microphone.client_conf)  # never autospawn
    if microphone.start():
        MICROPHONE = microphone
        os.environ["PULSE_SERVER"] = microphone.server
    else:
        os.environ["PULSE_SERVER"] = f"unix:{microphone.folder / 'none'}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if MICROPHONE is not None:
        MICROPHONE.stop()


@pytest.fixture
def microphone() -> FakeMicrophone:
    """The fake microphone; the test is skipped where pulseaudio is not installed."""
    if MICROPHONE is None:
        pytest.skip("needs pulseaudio (Debian package pulseaudio) for a fake microphone")
    return MICROPHONE


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/gui/ with ``gui``."""
    for item in items:
        if GUI_TESTS in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the data and config folders at temp folders for every test."""
    monkeypatch.setenv("STORYBANK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STORYBANK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def repo(data_dir: Path) -> Iterator[Repository]:
    repository = open_bank(data_dir)
    yield repository
    repository.db.close()


@pytest.fixture
def make_repo(data_dir: Path) -> Iterator[Callable[[], Repository]]:
    """Open the bank in the test's data folder (again and again, like restarts)."""
    opened: list[Repository] = []

    def make() -> Repository:
        repository = open_bank(data_dir)
        opened.append(repository)
        return repository

    yield make
    for repository in opened:
        repository.db.close()


class Boxes:
    """Records message boxes and answers questions with a chosen button."""

    def __init__(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Cancel

    def record(self, kind: str):  # type: ignore[no-untyped-def]
        def show(_parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.shown.append((kind, f"{title}: {text}"))
            return self.answer

        return show


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    """Every message box is recorded and answered, never shown."""
    from PySide6.QtWidgets import QMessageBox

    recorder = Boxes()
    for kind in ("warning", "critical", "question", "information"):
        monkeypatch.setattr(QMessageBox, kind, recorder.record(kind))
    return recorder


@pytest.fixture
def make_window(qtbot: QtBot, data_dir: Path, boxes: Boxes) -> Iterator[Callable[..., MainWindow]]:
    """Build a real main window on the test's data folder, shown and active."""
    from storybank.gui.main_window import MainWindow
    from storybank.services.stories import StoryService

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


_fault_outcomes: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember the outcome of every fault probe (the ``faults`` marker)."""
    if "faults" not in report.keywords:
        return
    if report.failed or (report.when == "call" and report.skipped):
        _fault_outcomes[report.nodeid] = report.outcome
    elif report.when == "setup" and report.skipped:
        _fault_outcomes[report.nodeid] = "skipped"
    elif report.when == "call" and report.nodeid not in _fault_outcomes:
        _fault_outcomes[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fault suite's count: probes run, held, failed, skipped."""
    if not _fault_outcomes:
        return
    outcomes = list(_fault_outcomes.values())
    held = outcomes.count("passed")
    failed = outcomes.count("failed")
    skipped = outcomes.count("skipped")
    terminalreporter.write_line(
        f"fault suite: {len(outcomes)} probes, {held} held, {failed} failed, {skipped} skipped"
    )
