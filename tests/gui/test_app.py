"""Start-up through run_gui: the real entry point, with a real event loop."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from storybank import app as app_module
from storybank.app import run_gui
from storybank.core.backup import backup_dir, list_backups, make_backup
from storybank.core.bank import open_bank
from storybank.gui.dialogs import backups as backups_module
from storybank.gui.main_window import MainWindow


def close_window_soon(seen: dict[str, object], action=None) -> None:  # type: ignore[no-untyped-def]
    """Once the window has painted and the event loop turned after it: note what it
    shows, run ``action`` on it, and close it."""
    turns: list[bool] = []

    def inspect_and_close() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if not windows or not windows[0]._painted or not turns:
            turns.extend([True] if windows and windows[0]._painted else [])
            QTimer.singleShot(0 if turns else 20, inspect_and_close)
            return
        window = windows[0]
        seen["title"] = window.windowTitle()
        seen["rows"] = window.list_panel.model.rowCount()
        seen["values"] = window.list_panel.value_filter.count() - 1
        seen["gc"] = gc.isenabled()  # off only until the first paint
        if action is not None:
            action(window)
        window.close()

    QTimer.singleShot(300, inspect_and_close)


def backed_up_then_wrecked(folder: Path, titles: list[str], start: int, end: int) -> bytes:
    """A bank of these stories, backed up, then with bytes start..end overwritten."""
    repo = open_bank(folder)
    for title in titles:
        repo.create_story(title=title, action="x" * 2000)
    repo.db.close()
    bank = folder / "storybank.sqlite3"
    make_backup(bank, backup_dir(folder), "manual")
    data = bytearray(bank.read_bytes())
    data[start:end] = b"\xaa" * (end - start)
    bank.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture(autouse=True)
def _keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own


def test_refused_bank_offers_recovery_and_quit_leaves_it(
    tmp_path: Path,
    qapp,
    boxes,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    bank = tmp_path / "storybank.sqlite3"
    bank.write_text("my thesis draft")
    asked: list[str] = []
    icons: list[bool] = []

    def ask(message: str, newest: object) -> str:
        asked.append(message)
        icons.append(not qapp.windowIcon().isNull())  # the dialog comes before any window
        return "quit"

    qapp.setWindowIcon(QIcon())
    monkeypatch.setattr(backups_module, "ask_recovery", ask)
    assert run_gui(str(tmp_path), demo=False) == 1
    assert icons == [True]
    assert gc.isenabled()  # switched back on, on the way out too
    assert "not an SQLite file" in asked[0]
    assert bank.read_text() == "my thesis draft"
    assert not (tmp_path / "damaged").exists()


def test_damaged_bank_is_moved_aside_and_newest_backup_restored(
    tmp_path: Path,
    qapp,
    boxes,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    data = backed_up_then_wrecked(tmp_path, ["Safe in the backup"], 100, 4000)
    monkeypatch.setattr(backups_module, "ask_recovery", lambda message, newest: "restore")
    seen: dict[str, object] = {}
    close_window_soon(seen)
    assert run_gui(str(tmp_path), demo=False) == 0
    assert seen["rows"] == 1
    (damaged,) = (tmp_path / "damaged").glob("*.sqlite3")  # with its -wal/-shm, if any
    assert damaged.read_bytes() == data
    assert any("moved, unchanged" in text for _kind, text in boxes.shown)


def test_demo_opens_a_window_with_example_stories(qapp, boxes) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}
    close_window_soon(seen)
    frozen = gc.get_freeze_count()
    assert run_gui(None, demo=True) == 0
    assert seen["gc"] is True and gc.isenabled()
    assert gc.get_freeze_count() > frozen  # start-up's objects left out of later passes
    assert "demo" in str(seen["title"])
    assert int(seen["rows"]) >= 6  # type: ignore[arg-type]
    assert int(seen["values"]) == 14  # type: ignore[arg-type]
    assert boxes.shown == []


def test_exit_backup_after_a_change(tmp_path: Path, qapp, boxes) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}
    close_window_soon(seen, lambda window: window.service.create_story(title="New"))
    assert run_gui(str(tmp_path), demo=False) == 0
    (backup,) = list_backups(backup_dir(tmp_path))
    assert backup.reason == "exit"
    # Nothing changed this time: no second backup.
    close_window_soon({})
    assert run_gui(str(tmp_path), demo=False) == 0
    assert len(list_backups(backup_dir(tmp_path))) == 1


def test_a_chosen_data_folder_keeps_the_settings_beside_the_bank(
    tmp_path: Path,
    qapp,
    boxes,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """``storybank --data-dir DIR`` leaves the user's own config folder untouched."""
    import platformdirs

    from storybank.paths import CONFIG_ENV

    user_config = tmp_path / "user-config"
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda *a, **k: str(user_config / "sb"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user_config))  # Qt's own files would go here
    monkeypatch.delenv(CONFIG_ENV)
    bank = tmp_path / "bank"
    close_window_soon({})
    assert app_module.main(["--data-dir", str(bank)]) == 0
    assert not user_config.exists()
    assert "geometry" in (bank / "storybank.ini").read_text(encoding="utf-8")


def test_a_file_as_the_data_folder_is_said_in_plain_words(
    tmp_path: Path,
    qapp,
    boxes,  # type: ignore[no-untyped-def]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    assert run_gui(str(notes / "bank"), demo=False) == 1
    assert boxes.shown == [
        ("critical", f"Storybank cannot open the story bank: {notes} is a file, not a folder")
    ]
    assert notes.read_text(encoding="utf-8") == "my notes"


def test_second_launch_brings_the_first_forward(
    tmp_path: Path,
    qapp,
    boxes,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from storybank.gui.single_instance import SingleInstance

    first = SingleInstance(tmp_path)
    assert first.acquire()
    first.listen()
    asked: list[bool] = []
    first.activation_requested.connect(lambda: asked.append(True))
    # run_gui in the same process plays the second launch: the lock is taken.
    monkeypatch.setattr(app_module, "_open_with_recovery", lambda folder: pytest.fail("opened"))
    answered: list[int] = []
    QTimer.singleShot(0, lambda: answered.append(run_gui(str(tmp_path), demo=False)))
    deadline = 50
    while not answered and deadline:
        QApplication.processEvents()
        QTimer.singleShot(20, lambda: None)
        deadline -= 1
        import time

        time.sleep(0.02)
    for _ in range(20):
        QApplication.processEvents()
    assert answered == [0]
    assert asked == [True]
    first.release()


def test_damage_found_after_the_window_opened_is_recovered(
    tmp_path: Path,
    qapp,
    boxes,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    # A wrecked page in the middle, which the start-up reads do not touch.
    titles = [f"Story {n}" for n in range(50)]
    data = backed_up_then_wrecked(tmp_path, titles, 8192, 12288)
    monkeypatch.setattr(backups_module, "ask_recovery", lambda message, newest: "restore")
    asked: list[str] = []

    damaged_window: list[QWidget] = []

    def choose_recover(box: QMessageBox) -> int:
        asked.append(box.text())
        damaged_window.append(box.parentWidget())
        next(b for b in box.buttons() if b.text() == "Recover Now").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_recover)
    seen: list[int] = []
    deadline = time.monotonic() + 10  # a failing test ends instead of waiting forever

    def close_healthy_windows() -> None:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                service = window.service
                healthy = service.integrity_checked() and service.damage() is None
                if healthy or time.monotonic() > deadline:
                    seen.append(window.list_panel.model.rowCount())
                    window.close()

    closer = QTimer(interval=50, timeout=close_healthy_windows)
    closer.start()
    try:
        assert run_gui(str(tmp_path), demo=False) == 0
    finally:
        closer.stop()
    assert asked and "damage" in asked[0]
    assert seen == [50]  # the second window, on the restored backup
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(damaged_window[0])  # gone, not just hidden
    (damaged,) = (tmp_path / "damaged").glob("*.sqlite3")
    assert damaged.read_bytes() == data  # nothing was written into it
    assert [b.reason for b in list_backups(backup_dir(tmp_path))].count("exit") == 0
