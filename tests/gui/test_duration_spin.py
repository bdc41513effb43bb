"""Times are typed and shown as m:ss; a time out of range is corrected out loud."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storybank.gui.duration_spin import DurationSpin, parse_duration


def test_durations_read_as_m_ss_or_plain_seconds() -> None:
    assert parse_duration("2:00") == 120
    assert parse_duration("1:5") == 65
    assert parse_duration("90") == 90
    assert parse_duration(":30") == 30
    assert parse_duration("1:75") is None
    assert parse_duration("abc") is None
    assert parse_duration("") is None


def test_a_time_below_the_least_is_raised_to_it_and_said(qtbot: QtBot) -> None:
    box = DurationSpin(30, 600, 120, 15)
    qtbot.addWidget(box)
    box.show()
    assert box.text() == "2:00"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, "10")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 30
    assert box.text() == "0:30"
    assert "shortest time here is 0:30" in box.last_note


def test_typing_m_ss_sets_the_seconds(qtbot: QtBot) -> None:
    box = DurationSpin(30, 600, 120, 15)
    qtbot.addWidget(box)
    box.show()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, "2:45")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 165
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.text() == "3:00"
