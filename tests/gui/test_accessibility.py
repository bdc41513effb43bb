"""Every action explains itself; every input has a name a screen reader can say."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

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
    rows = dict((what, keys) for keys, what in window.shortcut_rows())
    assert rows["New Story"] == "Ctrl+N"
    assert rows["Find"] == "Ctrl+F"
    assert "Practice: rate Again, Hard, Good, Easy" in rows
