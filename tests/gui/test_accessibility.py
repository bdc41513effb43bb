"""Every action explains itself; every input has a name a screen reader can say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QSpinBox)


def named(widget: QWidget) -> bool:
    if widget.accessibleName():
        return True
    if isinstance(widget, QAbstractButton) and widget.text():
        return True
    # A field labelled by a buddy label, or the line edit inside a spin or combo box.
    parent = widget.parentWidget()
    return isinstance(parent, (QComboBox, QSpinBox))


def test_every_action_has_a_tip_and_every_input_a_name(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window()
    for mode in ("coverage", "practice", "progress", "stories"):
        window.set_mode(mode)
    for action in window.actions():
        assert action.toolTip() or action.statusTip(), action.text()
    missing = [
        f"{type(w).__name__} {w.objectName()}"
        for w in window.findChildren(QWidget)
        if isinstance(w, INPUTS) and not named(w)
    ]
    assert missing == []


def test_shortcut_list_names_the_standard_keys(make_window: MakeWindow) -> None:
    window = make_window()
    rows = dict((what, keys) for keys, what in window.main_menu.shortcut_rows())
    assert rows["New Story"] == "Ctrl+N"
    assert rows["Find"] == "Ctrl+F"
    assert "Practice: rate Again, Hard, Good, Easy" in rows


def tab_stops(window: MainWindow, start: QWidget, limit: int = 80) -> list[QWidget]:
    """Press Tab from ``start`` until focus comes back to it; every widget reached."""
    start.setFocus()
    stops = [start]
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is start:
            return stops
        stops.append(current)
    raise AssertionError(f"Tab never came back to {start.objectName()}")


def window_on_a_story(make_window: MakeWindow, data_dir: Path) -> MainWindow:
    """A window with one story, open in the editor (so the side panels take focus)."""
    repo = open_bank(data_dir)
    repo.create_story(title="A story")
    repo.db.close()
    window = make_window()
    window.list_panel.view.setCurrentIndex(window.list_panel.model.index(0, 0))
    return window


def test_tab_follows_the_layout_of_the_stories_mode(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    window = window_on_a_story(make_window, data_dir)
    stops = [w.objectName() for w in tab_stops(window, window.search)]
    assert not [w for w in stops if w in ("sectionsScroll", "")]  # no dead stops
    expected = [
        "search",
        "valueFilter",
        "tagFilter",
        "showBox",
        "sortBox",
        "storyList",
        "title",
        "company",
        "role",
        "period",
        "situation",
        "task",
        "action",
        "result",
        "reflection",
        "value-freedom-primary",
        "value-freedom-supporting",
        "value-context-over-control-primary",
        "value-context-over-control-supporting",
        "tags",
        "coachFindings",
    ]
    positions = [stops.index(name) for name in expected]
    assert positions == sorted(positions), stops
    # Space on a focused value button tags the story.
    button = window.findChild(QWidget, "value-candor-primary")
    button.setFocus()
    QTest.keyClick(button, Qt.Key.Key_Space)
    assert window.service.get_story(window.list_panel.current_id()).values


def test_tab_order_survives_a_change_of_values(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    window = window_on_a_story(make_window, data_dir)
    packs = window.service.packs()
    other = next(p for p in packs if not p.active)
    window.service.set_pack_active(other.id, True)  # the value rows are rebuilt
    qtbot.wait(10)  # new child widgets are shown from the event loop
    names = [w.objectName() for w in tab_stops(window, window.search)]
    last_value = max(i for i, n in enumerate(names) if n.startswith("value-"))
    first_value = min(i for i, n in enumerate(names) if n.startswith("value-"))
    assert names.index("reflection") < first_value < last_value < names.index("tags")


def test_tab_leaves_the_coverage_map(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.set_mode("coverage")
    names = [w.objectName() for w in tab_stops(window, window.search)]
    assert names.count("Stories by value") == 1  # arrows move between cells, Tab moves on
