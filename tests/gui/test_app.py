"""Start-up through run_gui: the real entry point, with a real event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from storybank.app import run_gui
from storybank.gui.main_window import MainWindow


def test_refused_bank_shows_a_dialog_and_exits_1(tmp_path: Path, qapp, boxes) -> None:  # type: ignore[no-untyped-def]
    bank = tmp_path / "storybank.sqlite3"
    bank.write_text("my thesis draft")
    assert run_gui(str(tmp_path), demo=False) == 1
    (kind, text), *_ = boxes.shown
    assert kind == "critical"
    assert "not an SQLite file" in text
    assert bank.read_text() == "my thesis draft"


def test_demo_opens_a_window_with_example_stories(qapp, boxes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own
    seen: dict[str, object] = {}

    def inspect_and_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = windows[0]
        seen["title"] = window.windowTitle()
        seen["rows"] = window.list_panel.model.rowCount()
        seen["values"] = window.list_panel.value_filter.count() - 1
        window.close()

    QTimer.singleShot(300, inspect_and_close)
    assert run_gui(None, demo=True) == 0
    assert "demo" in str(seen["title"])
    assert int(seen["rows"]) >= 6  # type: ignore[arg-type]
    assert int(seen["values"]) == 14  # type: ignore[arg-type]
    assert boxes.shown == []
