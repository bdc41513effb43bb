"""Practice and Progress through the real window, keyboard only, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storybank.core.practice import TimerPhase
from storybank.core.practice_repository import PracticeRepository
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
CTRL = Qt.KeyboardModifier.ControlModifier


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key(qtbot: QtBot, widget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, key, modifier)


def test_mock_interview_keyboard_only(qtbot: QtBot, window: MainWindow, data_dir: Path) -> None:
    key(qtbot, window, Qt.Key.Key_3, CTRL)
    view = window.practice_view
    assert view is not None and window.modes.currentWidget() is view
    clock = FakeClock()
    view.clock = clock
    chooser = view.chooser
    assert chooser.radios[chooser.spec().kind].objectName() == "deck-mock"
    chooser.mock_size.setFocus()
    key(qtbot, chooser.mock_size, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(chooser.mock_size, "3")
    chooser.prep.setFocus()
    key(qtbot, chooser.prep, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(chooser.prep, "10")
    chooser.start_button.setFocus()
    key(qtbot, chooser.start_button, Qt.Key.Key_Space)
    page = view.session
    assert view.pages.currentWidget() is page
    assert page.hasFocus()
    themes = set()
    for number in range(3):
        assert page.progress.text() == f"Prompt {number + 1} of 3"
        themes.add(view.current().theme)  # type: ignore[union-attr]
        key(qtbot, page, Qt.Key.Key_Space)  # start: preparation
        assert view.timer.phase is TimerPhase.PREP  # type: ignore[union-attr]
        clock.now += 10
        view._tick()  # the 100 ms ticker, without waiting for it
        assert view.timer.phase is TimerPhase.ANSWER  # type: ignore[union-attr]
        clock.now += 95
        view._tick()
        assert page.timer.text() == "1:35"
        key(qtbot, page, Qt.Key.Key_Space)  # stop
        assert page.follow_up.text().startswith("<b>Follow-up:</b>")
        key(qtbot, page, Qt.Key.Key_3)  # Good
        assert "comes back" in page.rated.text()
        key(qtbot, page, Qt.Key.Key_N)
    assert len(themes) == 3
    assert view.pages.currentWidget() is view.summary
    assert "<b>3</b> answered" in view.summary.text.text()
    assert "1:35" in view.summary.text.text()

    store = PracticeRepository(window.service.repo.db)
    attempts = store.attempts()
    assert len(attempts) == 3
    assert all(abs(a.duration_seconds - 95) < 0.01 and a.rating == 3 for a in attempts)
    states = store.review_states()
    assert len(states) == 3
    assert all(s.due > datetime.now(UTC) for s in states.values())


def test_skip_pause_and_escape(qtbot: QtBot, window: MainWindow) -> None:
    window.set_mode("practice")
    view = window.practice_view
    assert view is not None
    clock = FakeClock()
    view.clock = clock
    view.chooser.prep.setValue(0)
    view.chooser.mock_size.setValue(2)
    view.start_session()
    page = view.session
    key(qtbot, page, Qt.Key.Key_S)  # skip the first prompt
    assert page.progress.text() == "Prompt 2 of 2"
    key(qtbot, page, Qt.Key.Key_Space)
    assert view.timer.phase is TimerPhase.ANSWER  # type: ignore[union-attr]
    clock.now += 20
    key(qtbot, page, Qt.Key.Key_P)
    clock.now += 300  # paused time does not count
    key(qtbot, page, Qt.Key.Key_P)
    clock.now += 10
    view._tick()
    assert page.timer.text() == "0:30"
    key(qtbot, page, Qt.Key.Key_Space)
    key(qtbot, page, Qt.Key.Key_1)  # Again
    key(qtbot, page, Qt.Key.Key_Escape)
    assert view.pages.currentWidget() is view.summary
    assert "1 skipped" in view.summary.text.text()


def test_suggestions_and_i_used_this_story(qtbot: QtBot, window: MainWindow) -> None:
    window.set_mode("practice")
    view = window.practice_view
    assert view is not None
    theme = view.chooser.theme_box.findData("feedback-received")
    view.chooser.radios[view.chooser.spec().kind.__class__("theme")].setChecked(True)
    view.chooser.theme_box.setCurrentIndex(theme)
    view.start_session()
    tree = view.session.suggestions
    assert tree.topLevelItemCount() >= 1
    first = tree.topLevelItem(0)
    children = [first.child(i).text(0) for i in range(first.childCount())]
    if first.text(0).endswith("(told)"):  # the demo's application heard it: warned first
        assert children.pop(0).startswith("⚠ Already told to Netflix")
    assert len(children) == 5  # why, then S, T, A, R
    assert "Hearing that my code reviews" in " ".join(
        tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())
    )
    tree.setCurrentItem(first)
    qtbot.mouseClick(view.session.used_button, Qt.MouseButton.LeftButton)
    assert view.answer is not None and view.answer.story_id is not None
    assert "Using" in view.session.used_label.text()
    assert "(told)" not in view.session.used_label.text()


def test_progress_shows_charts_after_practice(qtbot: QtBot, window: MainWindow) -> None:
    window.set_mode("practice")
    view = window.practice_view
    assert view is not None
    view.clock = FakeClock()
    view.chooser.prep.setValue(0)
    view.chooser.mock_size.setValue(1)
    view.start_session()
    page = view.session
    key(qtbot, page, Qt.Key.Key_Space)
    view.clock.now += 75  # type: ignore[attr-defined]
    key(qtbot, page, Qt.Key.Key_Space)
    key(qtbot, page, Qt.Key.Key_4)
    key(qtbot, window, Qt.Key.Key_4, CTRL)
    progress = window.progress_view
    assert progress is not None and window.modes.currentWidget() is progress
    assert progress.answers.days[-1].answers == 1
    assert progress.history.rowCount() == 1
    assert progress.history.item(0, 3).text() == "1:15"
    assert progress.history.item(0, 4).text() == "Easy"
    assert "1 answer in all" in progress.summary.text()
    assert all(0 <= score <= 1 for _name, score in progress.readiness.rows)
    progress.grab()  # the charts paint without error


def test_qt_s_silent_mock_engine_never_counts_as_a_voice(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("PySide6.QtTextToSpeech")
    from PySide6.QtTextToSpeech import QTextToSpeech

    from storybank.gui.practice.voice import Voice

    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock"]))
    voice = Voice()
    assert not voice.available and voice.reason == (
        "No text-to-speech engine is installed on this computer."
    )


def test_voice_is_disabled_with_a_reason_when_unavailable(window: MainWindow) -> None:
    window.set_mode("practice")
    view = window.practice_view
    assert view is not None
    if not view.voice.available:
        assert not view.chooser.voice.isEnabled()
        assert view.chooser.voice.toolTip()


def test_manage_prompts_add_and_hide(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.gui.dialogs.prompts import PromptEditor, PromptsDialog

    service = window.practice_service()
    dialog = PromptsDialog(service, window)
    qtbot.addWidget(dialog)
    total = dialog.list.count()

    def fill(editor: PromptEditor) -> int:
        qtbot.keyClicks(editor.text, "Tell me about a time you rescued a launch.")
        qtbot.keyClicks(editor.follow_ups, "What would you do differently?")
        editor.values.item(2).setCheckState(Qt.CheckState.Checked)
        editor.accept()
        return editor.result()

    monkeypatch.setattr(PromptEditor, "exec", fill)
    dialog.add()
    assert dialog.list.count() == total + 1
    mine = next(p for p in service.prompts() if not p.builtin)
    assert mine.text == "Tell me about a time you rescued a launch."
    assert mine.follow_ups == ("What would you do differently?",)
    assert mine.values == (window.service.active_values()[2].key,)
    qtbot.keyClicks(dialog.search, "rescued a launch")
    assert dialog.list.count() == 1
    dialog.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert all(p.uuid != mine.uuid for p in service.prompts())
