"""The Applications mode through the real window: a Netflix application made
from its template, the recruiter call prepared (pitch) and debriefed telling a
story, and that story flagged as already told in Practice's suggestions."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.demo import load_demo
from storybank.core.practice import DeckKind
from storybank.gui.applications.dialogs import (
    DebriefDialog,
    NewApplicationDialog,
)
from storybank.gui.applications.questions import QuestionEditor, QuestionsDialog
from storybank.gui.applications.view import ApplicationsView
from storybank.gui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
STORY = "Hearing that my code reviews were discouraging the team"


@pytest.fixture
def stories_only(make_window: Callable[..., MainWindow], data_dir: Path) -> MainWindow:
    """The real window on the demo stories, without the demo's application."""
    repo = open_bank(data_dir)
    load_demo(repo, application=False)
    repo.db.close()
    return make_window()


def open_mode(qtbot: QtBot, window: MainWindow) -> ApplicationsView:
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    view = window.views.applications
    assert view is not None and window.modes.currentWidget() is view
    return view


def test_the_demo_bank_has_an_application_in_progress(qtbot: QtBot, window: MainWindow) -> None:
    view = open_mode(qtbot, window)
    assert view.list.count() == 1 and not view.empty.isVisible()
    app = view.current()
    assert app is not None and app.company == "Netflix" and app.status.value == "interviewing"
    assert view.rounds.item(0, 6).text() == "done" and view.rounds.item(1, 6).text() == "next"  # type: ignore[union-attr]
    assert "Priya" in view.next_label.text()
    assert view.told.rowCount() == 1
    assert "good" in view.intro.timing.text() or "about 1:" in view.intro.timing.text()


def test_a_netflix_loop_from_its_template_prepared_debriefed_and_flagged_in_practice(
    qtbot: QtBot, stories_only: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = stories_only
    view = open_mode(qtbot, window)
    assert view.empty.isVisible() and "New Application" in view.empty.text()

    def fill_new(dialog: NewApplicationDialog) -> int:
        qtbot.keyClicks(dialog.company, "Netflix")
        qtbot.keyClicks(dialog.role, "Senior engineer")
        dialog.template.setCurrentIndex(dialog.template.findData("netflix"))
        assert "Recruiter" in dialog.about.text()
        ok = dialog.findChild(QPushButton, "dialogOk")
        assert ok is not None
        qtbot.mouseClick(ok, LEFT)
        return dialog.result()

    monkeypatch.setattr(NewApplicationDialog, "exec", fill_new)
    qtbot.mouseClick(view.new_button, LEFT)
    app = view.current()
    assert app is not None and (app.company, app.role, app.template) == (
        "Netflix", "Senior engineer", "netflix",
    )  # fmt: skip
    assert app.packs == ("netflix-culture",)
    names = [view.rounds.item(r, 1).text() for r in range(view.rounds.rowCount())]  # type: ignore[union-attr]
    assert len(names) == len(app.rounds) >= 9 and "recruiter" in names[0].lower()
    assert view.rounds.item(0, 6).text() == "next"  # type: ignore[union-attr]
    assert view.next_label.text().startswith(names[0])

    # The pitch for the recruiter call, typed and timed, kept after a moment.
    view.tabs.setCurrentIndex(view.tabs.indexOf(view.intro.parentWidget()))
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Pitches"
    assert view.intro.text.isVisible()
    qtbot.mouseClick(view.intro.text.viewport(), LEFT)
    qtbot.keyClicks(view.intro.text, "I build tools that editors love. " * 10)
    assert "about 0:" in view.intro.timing.text()
    qtbot.waitUntil(lambda: not view._save_timer.isActive(), timeout=5000)
    assert "editors love" in window.views.application_service().application(app.id).pitch_intro  # type: ignore[union-attr]

    # The questions to ask the recruiter: two from the bank, one of my own.
    def choose(dialog: QuestionsDialog) -> int:
        from storybank.core.loops import questions_for

        suited = questions_for("recruiter")
        assert dialog.list.item(0).data(Qt.ItemDataRole.UserRole) == suited[0].uuid  # type: ignore[union-attr]
        assert dialog.list.item(0).text().startswith(suited[0].text)  # type: ignore[union-attr]
        for index in (0, 1):
            dialog.list.setCurrentRow(index)
            qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
        qtbot.keyClicks(dialog.own, "What does the team ship each quarter?")
        dialog.accept()
        return 1

    monkeypatch.setattr(QuestionsDialog, "exec", choose)
    view.tabs.setCurrentIndex(0)
    view.rounds.selectRow(0)
    qtbot.mouseClick(view.findChild(QPushButton, "roundQuestions"), LEFT)  # type: ignore[arg-type]
    first_round = window.views.application_service().application(app.id).rounds[0]  # type: ignore[union-attr]
    assert len(first_round.questions) == 3
    assert first_round.questions[0] == "What does the team ship each quarter?"
    assert "(3 to ask)" in view.rounds.item(0, 1).text()  # type: ignore[union-attr]

    # The debrief of the recruiter call: the story told for a prompt.
    stories = window.service.story_rows(window.service.story_ids())
    [told] = [i for i, row in stories.items() if row.title == STORY]

    def debrief(dialog: DebriefDialog) -> int:
        dialog.show()
        question, story, outcome, note = dialog.rows[0]
        question.setCurrentText("Tell me about a time you received negative feedback")
        story.setCurrentIndex(story.findData(told))
        outcome.setCurrentIndex(outcome.findData("strong"))
        qtbot.keyClicks(note, "they nodded")
        assert len(dialog.asked_boxes) == 3
        qtbot.mouseClick(dialog.asked_boxes[0][1], LEFT, pos=QPoint(8, 8))
        dialog.accept()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(DebriefDialog, "exec", debrief)
    view.tabs.setCurrentIndex(0)
    view.rounds.selectRow(0)
    qtbot.mouseClick(view.findChild(QPushButton, "debriefRound"), LEFT)  # type: ignore[arg-type]
    assert view.rounds.item(0, 6).text() == "done"  # type: ignore[union-attr]
    assert view.rounds.item(1, 6).text() == "next"  # type: ignore[union-attr]
    done = window.views.application_service().application(app.id).rounds[0]  # type: ignore[union-attr]
    assert done.asked == ("What does the team ship each quarter?",)
    with closing(sqlite3.connect(window.service.repo.db.path)) as conn:
        assert conn.execute("SELECT story_id, outcome, notes FROM debrief").fetchall() == [
            (told, "strong", "they nodded")
        ]
    view.tabs.setCurrentIndex(1)
    assert view.told.rowCount() == 1 and view.told.item(0, 0).text() == STORY  # type: ignore[union-attr]

    # The hiring-manager screen's prep sheet: the story shown as already told.
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    sheet = tmp_path / "prep.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(sheet), ""))
    view.tabs.setCurrentIndex(0)
    view.rounds.selectRow(1)
    qtbot.mouseClick(view.findChild(QPushButton, "prepSheet"), LEFT)  # type: ignore[arg-type]
    reader = PdfReader(sheet)
    assert len(reader.pages) <= 2
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    said = " ".join(unicodedata.normalize("NFKC", text).split())  # "ﬂ" is "fl"
    assert "Netflix · Hiring-manager screen" in said and "Already told to Netflix" in said
    assert STORY in said and "told to Netflix in the Recruiter call" in said
    assert "Prep sheet saved" in view.next_label.text()

    # Practice: the story is flagged where it is suggested.
    from storybank.core.practice import DeckKind, DeckSpec

    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    practice = window.practice_view
    assert practice is not None
    service = practice.service
    deck = [e for e in service.session_deck(DeckSpec(DeckKind.ALL))
            if any(s.story_id == told for s in service.suggestions(e.prompt))]  # fmt: skip
    assert deck
    practice.start_deck(deck[:1])
    tree = practice.session.suggestions
    texts = []
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        texts += [item.text(0)] + [item.child(c).text(0) for c in range(item.childCount())]  # type: ignore[union-attr]
    assert any("(told)" in t and STORY in t for t in texts)
    assert any(t.startswith("⚠ Already told to Netflix in the ") for t in texts)


def test_a_round_is_added_edited_and_removed(
    qtbot: QtBot, stories_only: MainWindow, monkeypatch: pytest.MonkeyPatch, boxes: object
) -> None:
    window = stories_only
    from PySide6.QtWidgets import QMessageBox

    from storybank.gui.applications.dialogs import RoundDialog

    apps = window.views.application_service()
    made = apps.create("Stripe", "Engineer")
    view = open_mode(qtbot, window)
    view.select(made)
    assert view.rounds.rowCount() == 0 and view.next_label.text() == "no rounds yet"

    def fill(dialog: RoundDialog) -> int:
        dialog.kind.setCurrentIndex(dialog.kind.findData("hiring-manager"))
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Screen with the manager")
        qtbot.keyClicks(dialog.interviewer, "Ana")
        qtbot.mouseClick(dialog.scheduled, LEFT, pos=QPoint(8, dialog.scheduled.height() // 2))
        dialog.accept()
        return 1

    monkeypatch.setattr(RoundDialog, "exec", fill)
    qtbot.mouseClick(view.findChild(QPushButton, "addRound"), LEFT)  # type: ignore[arg-type]
    (found,) = apps.application(made).rounds  # type: ignore[union-attr]
    assert (found.kind, found.name, found.interviewer_name) == (
        "hiring-manager", "Screen with the manager", "Ana",
    )  # fmt: skip
    assert found.scheduled_at is not None
    assert "Ana" in view.next_label.text()
    boxes.answer = QMessageBox.StandardButton.Yes  # type: ignore[attr-defined]
    view.rounds.selectRow(0)
    qtbot.mouseClick(view.findChild(QPushButton, "removeRound"), LEFT)  # type: ignore[arg-type]
    assert apps.application(made).rounds == ()  # type: ignore[union-attr]
    # Edits to the fields are kept; the status too.
    view.company.setFocus()
    view.company.selectAll()
    qtbot.keyClicks(view.company, "Stripe, Inc.")
    assert view.save_fields()
    assert apps.application(made).company == "Stripe, Inc."  # type: ignore[union-attr]
    assert isinstance(view.findChild(QLineEdit, "team"), QLineEdit)
    assert isinstance(view.findChild(QComboBox, "status"), QComboBox)


def test_an_angle_written_in_the_loop_shows_beside_the_story(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_mode(qtbot, window)
    view.tabs.setCurrentIndex(2)
    table = view.angles
    assert table.rowCount() >= 4
    titles = [table.item(r, 0).text() for r in range(table.rowCount())]  # type: ignore[union-attr]
    row = titles.index(STORY)
    story_id = table.item(row, 0).data(Qt.ItemDataRole.UserRole)  # type: ignore[union-attr]
    table.setCurrentCell(row, 2)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)  # edit the cell
    editor = table.viewport().findChild(QLineEdit)
    assert editor is not None
    qtbot.keyClicks(editor, "Lead with the candor part")
    # A change elsewhere while the angle is being written (figures filled in, a
    # story saved): the table waits for the editor rather than dropping it.
    from storybank.core.changes import ChangeSet

    window.service.announce(ChangeSet(stories=frozenset({story_id})))
    window.service.announce(ChangeSet(stories=frozenset({story_id}), derived=True))
    assert table.state() == table.State.EditingState
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    app = view.current()
    assert app is not None
    apps = window.views.application_service()
    qtbot.waitUntil(lambda: apps.angles(app.id) == {story_id: "Lead with the candor part"})
    window.show_story(story_id)
    assert window.current.story_id == story_id
    loop = window.values_panel.loop
    assert loop.isVisible()
    assert loop.text().splitlines() == [
        "Angle for Netflix: Lead with the candor part",
        "Told to Netflix in the Recruiter call (Sam, recruiter)",
    ]


def test_the_story_list_filters_told_and_not_yet_told_to_a_company(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.list_panel
    box = panel.tag_filter
    labels = [box.itemText(i) for i in range(box.count())]
    assert labels[-2:] == ["Told to Netflix", "Not yet told to Netflix"]
    box.setCurrentIndex(box.count() - 2)
    assert panel.model.ids() == [  # type: ignore[attr-defined]
        i for i, row in window.service.story_rows(window.service.story_ids()).items()
        if row.title == STORY
    ]  # fmt: skip
    assert panel.filter_text() == "Told to Netflix"
    box.setCurrentIndex(box.count() - 1)
    assert len(panel.model.ids()) == window.service.count_stories() - 1  # type: ignore[attr-defined]
    # A closed application no longer offers them.
    apps = window.views.application_service()
    (app,) = apps.applications()
    apps.update(app.id, status="closed")
    labels = [box.itemText(i) for i in range(box.count())]
    assert "Told to Netflix" not in labels and box.currentIndex() == 0


def test_a_round_is_rehearsed_in_practice_with_the_pitches_beside(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_mode(qtbot, window)
    view.rounds.selectRow(1)  # the hiring-manager screen
    qtbot.mouseClick(view.findChild(QPushButton, "practiseRound"), LEFT)  # type: ignore[arg-type]
    practice = window.practice_view
    assert practice is not None and window.modes.currentWidget() is practice
    assert practice.pages.currentWidget() is practice.session
    first = practice.deck[0]
    assert first.prompt.theme == "why-this-company"
    assert first.reason == "for the Netflix Hiring-manager screen"
    assert 1 < len(practice.deck) <= 6
    tree = practice.session.suggestions
    top = tree.topLevelItem(0)
    assert top is not None and top.text(0) == "Your pitches"
    why = top.child(0)
    assert why.text(0) == "Why Netflix?" and "culture memo" in why.child(0).text(0)  # type: ignore[union-attr]
    # A prompt of another theme shows stories, not the pitches.
    other = next(i for i, e in enumerate(practice.deck) if e.prompt.theme != "why-this-company")
    for _ in range(other):
        qtbot.keyClick(practice.session, Qt.Key.Key_N)
    assert practice.current() is practice.deck[other].prompt
    assert tree.topLevelItem(0).text(0) != "Your pitches"  # type: ignore[union-attr]


def test_the_questions_to_ask_are_made_ones_own_in_the_bank(
    qtbot: QtBot, stories_only: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question added, one edited and one removed in the bank: rounds follow, the
    prep sheet prints the edit, and a removed one comes back when restored."""
    window = stories_only
    apps = window.views.application_service()
    made = apps.create("Stripe", "Engineer", rounds=[{"kind": "recruiter", "name": "Call"}])
    view = open_mode(qtbot, window)
    view.select(made)
    first, second = apps.questions_for("recruiter")[:2]
    editing: list[str] = []

    def write(editor: QuestionEditor) -> int:
        editor.show()
        if editing:  # the edit of a built-in question
            assert editor.text.toPlainText() == first.text
            editor.text.selectAll()
            qtbot.keyClicks(editor.text, editing.pop())
        else:  # a new one, for recruiters (the round's kind, ticked) and peers
            assert editor.kinds["recruiter"].isChecked()
            qtbot.keyClicks(editor.text, "Who would I pair with   in my first month?")
            qtbot.mouseClick(
                editor.kinds["peer"], LEFT, pos=QPoint(6, editor.kinds["peer"].height() // 2)
            )
            qtbot.keyClicks(editor.why, "tells me who I learn from")
        editor.accept()
        return 1

    def choose(dialog: QuestionsDialog) -> int:
        dialog.show()
        monkeypatch.setattr(QuestionEditor, "exec", write)
        qtbot.mouseClick(dialog.new_button, LEFT)
        top = dialog.list.item(0)
        assert top.text().startswith(
            "Who would I pair with in my first month?\n— for Recruiter, peer · yours"
        )  # type: ignore[union-attr]
        assert top.checkState() == Qt.CheckState.Checked  # type: ignore[union-attr]
        dialog.list.setCurrentRow(1)
        assert dialog.list.currentItem().data(Qt.ItemDataRole.UserRole) == first.uuid  # type: ignore[union-attr]
        qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # ticked for this round
        editing.append("What would my first project be?")
        qtbot.mouseClick(dialog.edit_button, LEFT)
        dialog.list.setCurrentRow(2)
        assert dialog.list.currentItem().data(Qt.ItemDataRole.UserRole) == second.uuid  # type: ignore[union-attr]
        qtbot.mouseClick(dialog.hide_button, LEFT)
        assert dialog.restore_button.text() == "Restore Removed (1)"
        keys = [
            dialog.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.list.count())
        ]  # type: ignore[union-attr]
        assert second.uuid not in keys
        dialog.accept()
        return 1

    monkeypatch.setattr(QuestionsDialog, "exec", choose)
    view.rounds.selectRow(0)
    qtbot.mouseClick(view.findChild(QPushButton, "roundQuestions"), LEFT)  # type: ignore[arg-type]

    bank = {q.uuid: q for q in apps.question_bank().questions}
    (found,) = apps.application(made).rounds  # type: ignore[union-attr]
    mine = next(q for q in bank.values() if q.own)
    assert (mine.text, mine.why, mine.kind_keys) == (
        "Who would I pair with in my first month?",
        "tells me who I learn from",
        ["recruiter", "peer"],
    )  # fmt: skip
    assert found.questions == (mine.uuid, first.uuid)
    assert bank[first.uuid].edited and bank[first.uuid].text == "What would my first project be?"
    assert bank[second.uuid].hidden and second not in apps.questions_for("recruiter")
    assert apps.questions_for("peer")[0] == mine
    sheet = apps.prep_round(found.id)
    assert sheet.questions == [
        "Who would I pair with in my first month?",
        "What would my first project be?",
    ]
    assert "(2 to ask)" in view.rounds.item(0, 1).text()  # type: ignore[union-attr]

    apps.restore_questions()
    assert second.uuid in {q.uuid for q in apps.questions_for("recruiter")}
    apps.save_question(first)  # back to the shipped words: no longer an edit
    assert not {q.uuid: q for q in apps.question_bank().questions}[first.uuid].edited


def test_an_applications_loop_is_a_deck_of_its_own_in_practice(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Practice offers each open application's coming rounds as a deck, with its
    pitches beside; a closed application leaves the chooser."""
    window.set_mode("practice")
    practice = window.practice_view
    assert practice is not None
    chooser = practice.chooser
    radio = chooser.radios[DeckKind.APPLICATION]
    assert radio.isVisible() and chooser.loop_box.currentText().startswith("Netflix")
    qtbot.mouseClick(radio, LEFT, pos=QPoint(6, radio.height() // 2))
    qtbot.mouseClick(chooser.start_button, LEFT)
    assert practice.pages.currentWidget() is practice.session
    (app,) = window.views.application_service().applications()
    coming = {r.name for r in app.rounds if not r.done}
    reasons = {e.reason.removeprefix("for the Netflix ") for e in practice.deck}
    assert 2 < len(practice.deck) <= 10 and len(reasons & coming) >= 2, reasons
    assert not reasons & {r.name for r in app.rounds if r.done}
    why = next(i for i, e in enumerate(practice.deck) if e.prompt.theme == "why-this-company")
    for _ in range(why):
        qtbot.keyClick(practice.session, Qt.Key.Key_N)
    assert practice.session.suggestions.topLevelItem(0).text(0) == "Your pitches"  # type: ignore[union-attr]
    qtbot.keyClick(practice.session, Qt.Key.Key_Escape)
    window.views.application_service().update(app.id, status="closed")
    practice.show_chooser()
    assert not radio.isVisible() and chooser.radios[DeckKind.MOCK].isChecked()
