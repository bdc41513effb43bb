"""Practice never loses what the user gives it: notes, stories, unrated answers,
ratings of one's own answer on the rubric (kept with the coach's reading of the
story told, and compared with it in Progress).

Keyboard first (the rubric by mouse too), through the real window on the demo
bank, then read back from the SQLite file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QTabBar
from pytestqt.qtbot import QtBot

from storybank.core.practice import DeckKind, DeckSpec
from storybank.core.rubric import shown
from storybank.core.self_rating import gap_side, signed
from storybank.gui.main_window import MainWindow
from storybank.gui.practice.progress import NO_RATINGS, NO_STORY
from storybank.gui.practice.view import RUBRIC_OPEN_KEY, PracticeView

MakeWindow = Callable[..., MainWindow]
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def practice(qtbot: QtBot, window: MainWindow, size: int) -> tuple[PracticeView, FakeClock]:
    """Open Practice with Ctrl+3 and start a mock interview of ``size`` prompts, no prep."""
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    view = window.practice_view
    assert view is not None
    clock = FakeClock()
    view.clock = clock
    view.chooser.prep.setValue(0)
    view.chooser.mock_size.setValue(size)
    view.chooser.start_button.setFocus()
    qtbot.keyClick(view.chooser.start_button, Qt.Key.Key_Space)
    assert view.pages.currentWidget() is view.session
    return view, clock


def answer(qtbot: QtBot, view: PracticeView, clock: FakeClock, seconds: float) -> None:
    page = view.session
    qtbot.keyClick(page, Qt.Key.Key_Space)
    clock.now += seconds
    qtbot.keyClick(page, Qt.Key.Key_Space)


def type_note(qtbot: QtBot, view: PracticeView, text: str) -> None:
    qtbot.keyClick(view.session, Qt.Key.Key_T, ALT)
    assert view.session.notes.hasFocus()
    qtbot.keyClicks(view.session.notes, text)


def stored(window: MainWindow) -> list[tuple[str, int | None, int | None, str, float]]:
    """(prompt text, rating, story id, note, seconds) of every attempt, in order."""
    with closing(sqlite3.connect(window.service.repo.db.path)) as conn, conn:
        return conn.execute(
            "SELECT p.text, a.rating, a.story_id, a.notes, a.duration FROM attempt a "
            "JOIN prompt p ON p.id = a.prompt_id ORDER BY a.id"
        ).fetchall()


def test_every_note_and_story_is_kept_however_the_prompt_is_left(
    qtbot: QtBot, window: MainWindow, boxes
) -> None:  # type: ignore[no-untyped-def]
    view, clock = practice(qtbot, window, 4)
    page = view.session
    asked = [entry.prompt.text for entry in view.deck]

    # 1. Rate, then type a note, leave the field with Esc, press N.
    answer(qtbot, view, clock, 95)
    qtbot.keyClick(page, Qt.Key.Key_3)
    type_note(qtbot, view, "A note for next time")
    qtbot.keyClick(page.notes, Qt.Key.Key_Escape)
    assert view.pages.currentWidget() is page  # Esc left the field, not the session
    assert page.hasFocus()
    qtbot.keyClick(page, Qt.Key.Key_N)

    # 2. Rate, then say which story was told (U), a note kept with Enter, then N.
    answer(qtbot, view, clock, 80)
    qtbot.keyClick(page, Qt.Key.Key_2)
    chosen = page.suggestions.currentItem()
    assert chosen is not None
    used = chosen.data(0, Qt.ItemDataRole.UserRole + 1)
    qtbot.keyClick(page, Qt.Key.Key_U)
    assert "Using" in page.used_label.text()
    type_note(qtbot, view, "Lead with 3 numbers")  # digits type in the field
    assert page.notes.text() == "Lead with 3 numbers"
    qtbot.keyClick(page.notes, Qt.Key.Key_Return)
    assert page.hasFocus()
    qtbot.keyClick(page, Qt.Key.Key_N)

    # 3. The note typed last is kept although N was pressed straight after it.
    answer(qtbot, view, clock, 70)
    qtbot.keyClick(page, Qt.Key.Key_4)
    type_note(qtbot, view, "typed, never left")
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)

    # 4. An unrated answer: ending asks, and "No" keeps the session going.
    answer(qtbot, view, clock, 6)
    type_note(qtbot, view, "far too short")
    qtbot.keyClick(page.notes, Qt.Key.Key_Escape)
    boxes.answer = QMessageBox.StandardButton.No
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert boxes.shown and boxes.shown[-1][0] == "question"
    assert view.pages.currentWidget() is page
    boxes.answer = QMessageBox.StandardButton.Yes
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert view.pages.currentWidget() is view.summary

    rows = stored(window)
    assert [r[0] for r in rows] == asked
    assert [r[1] for r in rows] == [3, 2, 4, None]
    assert [r[3] for r in rows] == [
        "A note for next time",
        "Lead with 3 numbers",
        "typed, never left",
        "far too short",
    ]
    assert rows[1][2] == used and rows[0][2] is None
    assert [round(r[4]) for r in rows] == [95, 80, 70, 6]


def test_a_note_typed_before_switching_mode_or_quitting_is_kept(
    qtbot: QtBot, window: MainWindow
) -> None:
    view, clock = practice(qtbot, window, 2)
    answer(qtbot, view, clock, 90)
    type_note(qtbot, view, "switching away")
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)  # to Stories
    assert stored(window)[-1][3] == "switching away"
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    assert view.pages.currentWidget() is view.session
    type_note(qtbot, view, " and quitting")
    window.close()
    assert stored(window)[-1][3] == "switching away and quitting"


def test_a_skip_is_shown_and_can_be_undone(qtbot: QtBot, window: MainWindow) -> None:
    view, _clock = practice(qtbot, window, 3)
    page = view.session
    first = view.current()
    qtbot.keyClick(page, Qt.Key.Key_S)
    assert page.progress.text() == "Prompt 2 of 3"
    assert page.skipped_row.isVisibleTo(page)
    assert "Skipped" in page.skipped_label.text()
    qtbot.keyClick(page, Qt.Key.Key_Z, CTRL)
    assert view.current() == first
    assert page.progress.text() == "Prompt 1 of 3"
    assert not page.skipped_row.isVisibleTo(page)
    assert stored(window) == []  # a skip stores nothing


def test_the_session_review_lists_every_prompt(qtbot: QtBot, window: MainWindow) -> None:
    view, clock = practice(qtbot, window, 5)
    page = view.session
    plan = [(100, Qt.Key.Key_3, "good one"), (5, Qt.Key.Key_1, "far too short"),
            (None, None, ""), (200, Qt.Key.Key_2, "rambled"), (110, Qt.Key.Key_4, "")]  # fmt: skip
    for seconds, rating, note in plan:
        if seconds is None:
            qtbot.keyClick(page, Qt.Key.Key_S)
            continue
        answer(qtbot, view, clock, seconds)
        assert rating is not None
        qtbot.keyClick(page, rating)
        if note:
            type_note(qtbot, view, note)
            qtbot.keyClick(page.notes, Qt.Key.Key_Return)
        if seconds == 100:
            qtbot.keyClick(page, Qt.Key.Key_U)
        qtbot.keyClick(page, Qt.Key.Key_N)
    review = view.summary
    assert view.pages.currentWidget() is review
    table = review.table
    assert table.rowCount() == 5
    rows = [[table.item(r, c).text() for c in range(8)] for r in range(5)]  # type: ignore[union-attr]
    assert [r[1] for r in rows] == [entry.prompt.text for entry in view.deck]
    assert [r[2] for r in rows] == ["1:40", "0:05 (far too short)", "—", "3:20 (long)", "1:50"]
    assert [r[3] for r in rows] == ["—"] * 5  # nothing recorded
    assert [r[4] for r in rows] == ["Good", "Again", "—", "Hard", "Easy"]
    assert rows[0][5] != "—" and rows[1][5] == "—"
    assert [r[6] for r in rows] == ["good one", "far too short", "—", "rambled", "—"]
    assert rows[2][7] == "skipped"
    assert "<b>4</b> answered, 1 skipped" in review.text.text()
    # "Practise these again": the short, the skipped and the long one.
    assert review.again_deck_button.text() == "Practise these again (3)"
    qtbot.mouseClick(review.again_deck_button, Qt.MouseButton.LeftButton)
    assert [entry.prompt.text for entry in view.deck] == [rows[1][1], rows[2][1], rows[3][1]]
    assert view.pages.currentWidget() is page


def test_the_review_leaves_the_screen_once_read(qtbot: QtBot, window: MainWindow) -> None:
    view, clock = practice(qtbot, window, 1)
    answer(qtbot, view, clock, 90)
    qtbot.keyClick(view.session, Qt.Key.Key_3)
    qtbot.keyClick(view.session, Qt.Key.Key_N)
    assert view.pages.currentWidget() is view.summary
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    assert view.pages.currentWidget() is view.chooser


def test_my_gaps_on_the_demo_bank_is_a_short_deck_with_reasons(window: MainWindow) -> None:
    service = window.practice_service()
    deck = service.session_deck(DeckSpec(DeckKind.GAPS))
    assert 0 < len(deck) <= 10
    assert all(entry.reason.startswith("gap: ") and len(entry.reason) > 10 for entry in deck)
    assert len(service.session_deck(DeckSpec(DeckKind.GAPS, size=3))) == 3


def test_suggestions_say_what_is_missing(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()  # an empty bank
    view, _clock = practice(qtbot, window, 1)
    tree = view.session.suggestions
    assert tree.topLevelItemCount() == 1
    assert "No stories yet" in tree.topLevelItem(0).text(0)  # type: ignore[union-attr]
    assert not view.session.used_button.isEnabled()
    assert view.session.used_button.toolTip().startswith("Nothing to choose")


def test_drill_asks_only_prompts_that_fit_the_story(qtbot: QtBot, window: MainWindow) -> None:
    service = window.practice_service()
    story_id = window.current.story_id
    assert story_id is not None
    record = window.service.get_story(story_id)
    keys = {v.id: v.key for v in window.service.active_values()}
    values = {keys[v] for v in record.values if v in keys}
    themes = {t.key for t in service.themes() if t.key in record.tags or t.name in record.tags}
    assert values or themes  # the demo story on screen is tagged
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)
    view = window.practice_view
    assert view is not None and window.modes.currentWidget() is view
    assert view.pages.currentWidget() is view.session
    assert 0 < len(view.deck) <= 5
    for entry in view.deck:
        assert entry.prompt.theme in themes or set(entry.prompt.values) & values
        assert entry.reason.startswith("drill: ")
    assert "why this prompt: drill:" in view.session.theme.text()


def test_drill_of_a_story_with_nothing_to_match_says_so(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)  # a new, untagged story
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.modes.currentWidget() is window.splitter  # still writing
    assert "No prompt fits this story" in window.statusBar().currentMessage()


def test_history_is_beside_the_prompt_in_progress_and_on_the_story(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.gui.practice.attempt import AttemptDialog

    view, clock = practice(qtbot, window, 1)
    page = view.session
    assert "not answered this prompt before" in page.history.text()
    answer(qtbot, view, clock, 50)
    qtbot.keyClick(page, Qt.Key.Key_2)
    qtbot.keyClick(page, Qt.Key.Key_U)
    story_id = view.answer.story_id  # type: ignore[union-attr]
    type_note(qtbot, view, "Start with the result")
    qtbot.keyClick(page.notes, Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_N)
    # The same prompt again ("practise these again": it was short and Hard).
    qtbot.mouseClick(view.summary.again_deck_button, Qt.MouseButton.LeftButton)
    assert "Your past answers to this prompt" in page.history.text()
    assert "Hard" in page.history.text() and "Start with the result" in page.history.text()
    qtbot.keyClick(page, Qt.Key.Key_Escape)

    # Progress: the row opens the answer, which opens its story.
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    progress = window.progress_view
    assert progress is not None
    assert progress.history.item(0, 5).text() == "Start with the result"  # type: ignore[union-attr]
    seen: dict[str, str] = {}

    def look(dialog: AttemptDialog) -> int:
        for name in ("attemptRating", "attemptNote", "attemptStory"):
            label = dialog.findChild(QLabel, name)
            assert label is not None
            seen[name] = label.text()
        button = dialog.findChild(QPushButton, "openAttemptStory")
        assert button is not None
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return 1

    monkeypatch.setattr(AttemptDialog, "exec", look)
    progress.history.setCurrentCell(0, 1)
    qtbot.keyClick(progress.history, Qt.Key.Key_Return)
    assert seen["attemptRating"] == "Hard" and seen["attemptNote"] == "Start with the result"
    assert window.modes.currentWidget() is window.splitter
    assert window.current.story_id == story_id
    # The story says which prompts it answered, and how well.
    assert "Told for 1 prompt in Practice (Hard 1)" in window.values_panel.practised.text()


def test_the_last_session_can_be_reviewed_again(qtbot: QtBot, window: MainWindow) -> None:
    view, clock = practice(qtbot, window, 2)
    answer(qtbot, view, clock, 90)
    qtbot.keyClick(view.session, Qt.Key.Key_3)
    type_note(qtbot, view, "kept")
    qtbot.keyClick(view.session.notes, Qt.Key.Key_Return)
    qtbot.keyClick(view.session, Qt.Key.Key_N)
    answer(qtbot, view, clock, 30)
    qtbot.keyClick(view.session, Qt.Key.Key_1)
    qtbot.keyClick(view.session, Qt.Key.Key_N)
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    assert view.pages.currentWidget() is view.chooser
    assert view.chooser.review_button.isEnabled()
    qtbot.mouseClick(view.chooser.review_button, Qt.MouseButton.LeftButton)
    table = view.summary.table
    assert view.pages.currentWidget() is view.summary
    assert table.rowCount() == 2
    assert table.item(0, 6).text() == "kept"  # type: ignore[union-attr]
    assert table.item(1, 4).text() == "Again"  # type: ignore[union-attr]
    assert table.item(1, 3).text() == "—"  # type: ignore[union-attr]  # not recorded


def test_html_in_a_prompt_or_a_story_shows_as_text(qtbot: QtBot, window: MainWindow) -> None:
    from storybank.core.session import DeckEntry

    service = window.practice_service()
    uuid = service.save_prompt(
        None, "<b>Tell</b> me <img src=x>", "peer-conflict", [], ["<i>why</i>"]
    )
    prompt = next(p for p in service.prompts() if p.uuid == uuid)
    view, clock = practice(qtbot, window, 1)
    view.start_deck([DeckEntry(prompt, "mine")])
    page = view.session
    assert page.prompt.text() == "<b>Tell</b> me <img src=x>"
    assert page.prompt.textFormat() is Qt.TextFormat.PlainText
    answer(qtbot, view, clock, 60)
    assert "&lt;i&gt;why&lt;/i&gt;" in page.follow_up.text()


# --- rating one's own answer on the rubric -------------------------------------

LEFT = Qt.MouseButton.LeftButton


def stored_rubrics(
    window: MainWindow,
) -> list[tuple[int | None, int | None, str | None, str | None]]:
    """(rating, story id, self ratings, coach readings) of every attempt, in order."""
    with closing(sqlite3.connect(window.service.repo.db.path)) as conn, conn:
        return conn.execute(
            "SELECT rating, story_id, self_rubric, coach_rubric FROM attempt ORDER BY id"
        ).fetchall()


def test_rating_oneself_by_mouse_and_keys_is_stored_with_the_coach_s_reading_and_compared(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.gui.practice.attempt import AttemptDialog

    view, clock = practice(qtbot, window, 2)
    page = view.session
    rubric = page.rubric
    assert not rubric.isVisibleTo(page)  # folded until asked for
    assert not rubric.rows["ownership"].isEnabled()  # nothing said yet: nothing to rate

    answer(qtbot, view, clock, 95)
    qtbot.keyClick(page, Qt.Key.Key_3)  # Good
    qtbot.keyClick(page, Qt.Key.Key_U)  # the best suggestion is the story told
    story_id = view.answer.story_id  # type: ignore[union-attr]
    assert story_id is not None

    # The mouse: open the rubric, rate ownership 5 and specificity 2.
    qtbot.mouseClick(rubric.toggle, LEFT)
    assert rubric.isVisibleTo(page)
    assert window.settings.value(RUBRIC_OPEN_KEY, type=bool) is True  # remembered
    qtbot.mouseClick(rubric.rows["ownership"].buttons[5], LEFT)
    qtbot.mouseClick(rubric.rows["specificity"].buttons[2], LEFT)
    assert rubric.rows["specificity"].hasFocus()  # the row clicked takes the keys
    assert rubric.anchor.toolTip().startswith("Specificity 2: between 1 and 3")

    # The keys: digits rate in the row in focus (not the answer), arrows step and move.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert rubric.rows["result"].hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # from none: 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)  # then 2
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert rubric.rows["reflection"].hasFocus()  # Tab goes row by row, in rubric order
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_0)  # cleared again
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert page.hasFocus() and view.pages.currentWidget() is page  # left the row, not the session
    # Alt+R comes back to the rubric's first row from anywhere on the page.
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)
    assert rubric.rows["ownership"].hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    expected = {"ownership": 5, "specificity": 4, "result": 2}
    assert rubric.ratings() == expected
    ((rating, told, mine, coach),) = stored_rubrics(window)
    assert (rating, told) == (3, story_id)  # 1–4 in a row rated the rubric, not the answer
    assert json.loads(mine) == expected
    record = window.service.get_story(story_id)
    reading = window.service.story_report(record).rubric
    assert json.loads(coach) == pytest.approx(reading, abs=0.005)  # the story as it stood

    # The next prompt starts with nothing rated; the answer before stays as it was.
    qtbot.keyClick(page, Qt.Key.Key_N)
    assert rubric.ratings() == {} and rubric.isVisibleTo(page)
    qtbot.keyClick(page, Qt.Key.Key_Escape)  # nothing said to it: the session ends
    assert json.loads(stored_rubrics(window)[0][2]) == expected

    # Progress: the drift table, one row per dimension rated against the coach.
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    progress = window.progress_view
    assert progress is not None
    tabs = progress.tabs
    bar = tabs.findChild(QTabBar)
    assert bar is not None
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(1).center())
    assert tabs.currentWidget() is progress.drift
    table = progress.drift.table
    assert progress.drift.pages.currentIndex() == 1
    rows = {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(5)]  # type: ignore[union-attr]
        for r in range(table.rowCount())
    }
    assert list(rows) == ["Ownership", "Specificity", "Result"]
    gap = 5 - json.loads(coach)["ownership"]
    assert rows["Ownership"][1:4] == [
        "5.0",
        f"{json.loads(coach)['ownership']:.1f}",
        f"{signed(gap)} {gap_side(gap)}",
    ]
    assert rows["Ownership"][4] == "—"  # one answer: too few to tell a trend
    assert progress.drift.summary.text().startswith("1 answer compared: you rate yourself")

    # The answer in the history shows both readings.
    seen: dict[str, str] = {}

    def look(dialog: AttemptDialog) -> int:
        for name in ("rubricSelf-ownership", "rubricCoach-ownership", "rubricSelf-result"):
            label = dialog.findChild(QLabel, name)
            assert label is not None
            seen[name] = label.text()
        reflection = dialog.findChild(QLabel, "rubricSelf-reflection")
        assert reflection is not None and reflection.text() == "—"  # only the coach read it
        return 0

    monkeypatch.setattr(AttemptDialog, "exec", look)
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(0).center())
    progress.history.setCurrentCell(0, 1)
    qtbot.keyClick(progress.history, Qt.Key.Key_Return)
    assert seen == {
        "rubricSelf-ownership": "5",
        "rubricCoach-ownership": str(shown(json.loads(coach)["ownership"])),
        "rubricSelf-result": "2",
    }


def test_self_vs_coach_says_how_to_get_data_until_there_is_some(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    progress = window.progress_view
    assert progress is not None
    drift = progress.drift
    assert drift.pages.currentIndex() == 0 and drift.empty.text() == NO_RATINGS

    # Rated, but no story named: nothing for the coach to read yet.
    view, clock = practice(qtbot, window, 1)
    page = view.session
    answer(qtbot, view, clock, 60)
    qtbot.keyClick(page, Qt.Key.Key_R, ALT)  # opens the rubric and goes to its first row
    assert page.rubric.isVisibleTo(page)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4)
    assert stored_rubrics(window)[0][2:] == ('{"ownership":4}', None)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert drift.empty.text() == NO_STORY  # refreshed by the attempt's change set

    # The story named afterwards: now the two are compared.
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    qtbot.keyClick(page, Qt.Key.Key_U)
    assert stored_rubrics(window)[0][3] is not None
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert drift.pages.currentIndex() == 1
    assert drift.table.item(0, 0).text() == "Ownership"  # type: ignore[union-attr]
