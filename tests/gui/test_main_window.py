"""The main window, driven through its real widgets with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.database import StorageError
from storybank.core.records import Strength
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
CTRL = Qt.KeyboardModifier.ControlModifier
SECTIONS = {
    "situation": "Our billing launch failed on day one.",
    "task": "I owned the recovery plan.",
    "action": "I rolled back, wrote a postmortem and rebuilt the retry logic.",
    "result": "Failed payments fell 40% within a month.",
}


def add_stories(data_dir: Path, *titles: str) -> list[int]:
    repo = open_bank(data_dir)
    try:
        return [repo.create_story(title=t, action=f"{t} action").id for t in titles]
    finally:
        repo.db.close()


def stored(data_dir: Path, story_id: int):  # type: ignore[no-untyped-def]
    repo = open_bank(data_dir)
    try:
        return repo.get_story(story_id)
    finally:
        repo.db.close()


def click_story(qtbot: QtBot, window: MainWindow, title: str) -> None:
    view = window.list_panel.view
    model = window.list_panel.model
    row = next(r for r in range(model.rowCount()) if model.index(r).data() == title)
    rect = view.visualRect(model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor.field_text("title") == title


def value_button(window: MainWindow, key: str, strength: str) -> QToolButton:
    button = window.values_panel.findChild(QToolButton, f"value-{key}-{strength}")
    assert button is not None
    return button


def test_empty_bank_shows_guidance(make_window: MakeWindow) -> None:
    window = make_window()
    assert window.center.currentWidget() is window.pages.welcome_page
    assert (
        "Your story bank is empty"
        in window.pages.welcome_page.findChild(type(window.main_status.save_label)).text()
    )
    assert window.list_panel.count_label.text() == "0 stories"


def test_ctrl_n_type_tag_close_reopen_keeps_everything(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    assert window.center.currentWidget() is window.editor
    assert window.editor.title.hasFocus()
    qtbot.keyClicks(window.editor.title, "Rescuing the billing launch")
    for name, text in SECTIONS.items():
        qtbot.keyClicks(window.editor.inputs[name], text)
    qtbot.mouseClick(value_button(window, "candor", "primary"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        value_button(window, "responsibility", "supporting"), Qt.MouseButton.LeftButton
    )
    story_id = window.editor.story_id
    assert window.editor.is_dirty()
    window.close()

    again = make_window()
    assert again.list_panel.model.rowCount() == 1
    click_story(qtbot, again, "Rescuing the billing launch")
    for name, text in SECTIONS.items():
        assert again.editor.field_text(name) == text
    assert value_button(again, "candor", "primary").isChecked()
    assert value_button(again, "responsibility", "supporting").isChecked()
    assert not value_button(again, "candor", "supporting").isChecked()
    record = stored(data_dir, story_id)
    assert record.title == "Rescuing the billing launch"
    assert sorted(s.value for s in record.values.values()) == ["primary", "supporting"]


def test_pending_autosave_is_flushed_on_close(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    qtbot.keyClicks(window.editor.inputs["result"], "Saved 3 hours a week.")
    assert window.editor._timer.isActive()  # the debounce has not fired yet
    window.close()
    assert stored(data_dir, story_id).result == "Saved 3 hours a week."


def test_autosave_fires_after_typing_stops(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    qtbot.keyClicks(window.editor.inputs["task"], "I owned it.")
    qtbot.waitUntil(lambda: not window.editor.is_dirty(), timeout=2500)
    assert stored(data_dir, story_id).task == "I owned it."
    assert window.main_status.save_label.text().startswith("✓ Saved")


def test_switching_story_mid_edit_saves_the_first(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    first, _second = add_stories(data_dir, "Story A", "Story B")
    window = make_window()
    click_story(qtbot, window, "Story A")
    qtbot.keyClicks(window.editor.inputs["reflection"], "Ask for help sooner.")
    click_story(qtbot, window, "Story B")
    assert stored(data_dir, first).reflection == "Ask for help sooner."
    window.close()
    again = make_window()
    click_story(qtbot, again, "Story A")
    assert again.editor.field_text("reflection") == "Ask for help sooner."


def test_failed_write_keeps_text_tells_user_and_retries(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (story_id,) = add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    repo = window.service.repo
    real_update = repo.update_story

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise StorageError("The disk is full, so changes cannot be saved.")

    monkeypatch.setattr(repo, "update_story", disk_full)
    qtbot.keyClicks(window.editor.inputs["action"], " Then I fixed it.")
    qtbot.waitUntil(window.editor.banner.isVisible, timeout=2500)
    assert "disk is full" in window.editor.banner.text()
    assert "Not saved" in window.main_status.save_label.text()
    assert "Then I fixed it." in window.editor.field_text("action")

    # Switching away is refused while the text cannot be saved.
    add_stories(data_dir, "Story B")
    window.reload_list()
    view, model = window.list_panel.view, window.list_panel.model
    row_b = next(r for r in range(model.rowCount()) if model.index(r).data() == "Story B")
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(row_b)).center()
    )
    assert window.editor.story_id == story_id
    assert "Then I fixed it." in window.editor.field_text("action")

    monkeypatch.setattr(repo, "update_story", real_update)
    qtbot.waitUntil(lambda: not window.editor.banner.isVisible(), timeout=7000)
    assert "Then I fixed it." in stored(data_dir, story_id).action


def test_close_with_unsaveable_text_asks_first(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch, boxes
) -> None:
    add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")

    def read_only(*_args: object, **_kwargs: object) -> None:
        raise StorageError("The story bank is read-only, so changes cannot be saved.")

    monkeypatch.setattr(window.service.repo, "update_story", read_only)
    qtbot.keyClicks(window.editor.inputs["task"], "x")
    boxes.answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible()
    assert any("read-only" in text for _kind, text in boxes.shown)
    boxes.answer = QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible()


def test_search_as_you_type_and_count(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    add_stories(data_dir, "Negotiating the budget", "Mentoring a new hire", "Budget cuts")
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "budg")
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 2, timeout=2000)
    assert window.list_panel.count_label.text() == "2 stories"
    qtbot.keyClicks(window.search, "et cuts")
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 1, timeout=2000)
    qtbot.keyClicks(window.search, "zzz")
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() == 0, timeout=2000)
    assert window.list_panel.stack.currentWidget() is window.list_panel.empty_label
    assert "No stories match" in window.list_panel.empty_label.text()


def test_filter_by_value_and_tag_and_sort(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    a, b, _c = add_stories(data_dir, "Beta story", "Alpha story", "Gamma story")
    repo = open_bank(data_dir)
    candor = next(v.id for v in repo.active_values() if v.key == "candor")
    repo.set_story_value(a, candor, Strength.PRIMARY)
    repo.set_story_tags(b, ["failure"])
    repo.db.close()
    window = make_window()
    panel = window.list_panel
    panel.value_filter.setCurrentIndex(panel.value_filter.findText("Candor"))
    assert [panel.model.index(r).data() for r in range(panel.model.rowCount())] == ["Beta story"]
    panel.value_filter.setCurrentIndex(0)
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("failure"))
    assert [panel.model.index(r).data() for r in range(panel.model.rowCount())] == ["Alpha story"]
    panel.tag_filter.setCurrentIndex(0)
    panel.sort_box.setCurrentIndex(panel.sort_box.findData("title"))
    titles = [panel.model.index(r).data() for r in range(panel.model.rowCount())]
    assert titles == ["Alpha story", "Beta story", "Gamma story"]


def test_delete_key_moves_to_trash_and_undo_restores(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Doomed story")
    window = make_window()
    click_story(qtbot, window, "Doomed story")
    window.list_panel.view.setFocus()
    qtbot.keyClick(window.list_panel.view, Qt.Key.Key_Delete)
    assert window.list_panel.model.rowCount() == 0
    assert stored(data_dir, story_id).deleted
    note, undo = window.main_status.note_label, window.main_status.undo_trash_button
    assert "Trash" in note.text() and note.isVisible() and undo.isVisible()
    assert note.geometry().right() < undo.geometry().left()  # side by side, nothing covered
    qtbot.mouseClick(window.main_status.undo_trash_button, Qt.MouseButton.LeftButton)
    assert not stored(data_dir, story_id).deleted
    assert window.editor.story_id == story_id


def test_delete_key_in_a_field_deletes_text_not_the_story(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Keep me")
    window = make_window()
    click_story(qtbot, window, "Keep me")
    field = window.editor.title
    field.setFocus()
    field.setCursorPosition(0)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert field.text() == "eep me"
    assert not stored(data_dir, story_id).deleted


def test_trash_view_restore_and_delete_forever(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, boxes
) -> None:
    (story_id,) = add_stories(data_dir, "Old story")
    repo = open_bank(data_dir)
    repo.set_trashed(story_id, True)
    repo.db.close()
    window = make_window()
    window.list_panel.show_box.setCurrentIndex(window.list_panel.show_box.findData("trash"))
    click_story(qtbot, window, "Old story")
    assert (
        window.main_menu.restore_action.isEnabled()
        and not window.main_menu.trash_action.isEnabled()
    )
    # Trashed stories are read-only, under a banner that can restore them.
    assert window.editor.title.isReadOnly() and window.editor.trash_banner.isVisible()
    boxes.answer = QMessageBox.StandardButton.Yes
    window.main_menu.purge_action.trigger()
    assert window.list_panel.model.rowCount() == 0
    with pytest.raises(StorageError):
        stored(data_dir, story_id)


def test_archive_hides_story_from_active_list(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    add_stories(data_dir, "Archived one", "Visible one")
    window = make_window()
    click_story(qtbot, window, "Archived one")
    window.main_menu.archive_action.trigger()
    titles = [window.list_panel.model.index(r).data() for r in range(2) if r < 1]
    assert titles == ["Visible one"]
    window.list_panel.show_box.setCurrentIndex(window.list_panel.show_box.findData("archived"))
    assert window.list_panel.model.index(0).data() == "Archived one"


def test_duplicate_with_ctrl_d(qtbot: QtBot, make_window: MakeWindow, data_dir: Path) -> None:
    add_stories(data_dir, "Original")
    window = make_window()
    click_story(qtbot, window, "Original")
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)
    assert window.editor.field_text("title") == "Original (copy)"
    assert window.list_panel.model.rowCount() == 2


def test_undo_and_redo_inside_a_field(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    field = window.editor.inputs["situation"]
    qtbot.keyClicks(field, "typo")
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert field.toPlainText() == ""
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert field.toPlainText() == "typo"


def test_undo_never_reaches_back_into_the_previous_story(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    add_stories(data_dir, "Story A", "Story B")
    window = make_window()
    click_story(qtbot, window, "Story A")
    field = window.editor.inputs["situation"]
    qtbot.keyClicks(field, "typed in A")
    click_story(qtbot, window, "Story B")
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
    assert field.toPlainText() == ""  # Story B's text, not A's history
    assert not field.document().isUndoAvailable()


def test_preview_renders_markdown_and_keeps_html_inert(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    action = window.editor.inputs["action"]
    action.setPlainText("**Bold move** <script>alert(1)</script> <img src=https://e.com/x.png>")
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL)
    assert window.editor.tabs.currentWidget() is window.editor.preview
    text = window.editor.preview.toPlainText()
    assert "Bold move" in text and "**" not in text
    assert "<script>alert(1)</script>" in text  # shown as text
    assert "<img src=https://e.com/x.png>" in text
    html = window.editor.preview.toHtml()
    assert "<script" not in html and "<img" not in html


def test_edge_case_text_round_trips_through_the_window(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    huge = "I negotiated. " * 75_000  # about 1 MB
    texts = {
        "title": "Launch 🚀 — إطلاق المنتج",
        "company": "חברה בע״מ",
        "situation": "<b>not bold</b> & <script>x()</script>",
        "action": huge,
    }
    for name, value in texts.items():
        widget = window.editor.inputs[name]
        if hasattr(widget, "setPlainText"):
            widget.setPlainText(value)
        else:
            widget.setText(value)
    window.close()
    record = stored(data_dir, story_id)
    assert {name: record.text(name) for name in texts} == texts
    again = make_window()
    again.search.setText("Launch")
    again.reload_list()
    click_story(qtbot, again, texts["title"])
    assert again.editor.field_text("action") == huge
    assert again.editor.field_text("company") == texts["company"]


def test_tags_with_completion(qtbot: QtBot, make_window: MakeWindow, data_dir: Path) -> None:
    first, second = add_stories(data_dir, "Story A", "Story B")
    repo = open_bank(data_dir)
    repo.set_story_tags(first, ["failure", "feedback"])
    repo.db.close()
    window = make_window()
    click_story(qtbot, window, "Story B")
    tags = window.values_panel.tags_edit
    tags.setFocus()
    qtbot.keyClicks(tags, "deadline, fai")
    completer = tags.completer()
    qtbot.waitUntil(completer.popup().isVisible, timeout=2000)
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Return)
    assert tags.text() == "deadline, failure, "
    qtbot.keyClick(tags, Qt.Key.Key_Return)
    assert stored(data_dir, second).tags == ("deadline", "failure")
    assert window.list_panel.tag_filter.findData("deadline") >= 0


def test_geometry_and_splitter_are_remembered(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.resize(1100, 700)
    window.splitter.setSizes([350, 450, 300])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window()
    again.show()
    assert again.splitter.sizes()[0] == sizes[0]


def test_values_panel_follows_preferences(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    from storybank.gui.dialogs.preferences import PreferencesDialog

    add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    page = dialog.packs_page
    (behaviours,) = page.packs_list.findItems(
        "Netflix valued behaviours", Qt.MatchFlag.MatchExactly
    )
    behaviours.setCheckState(Qt.CheckState.Checked)
    assert value_button(window, "judgment", "primary") is not None
    assert window.list_panel.value_filter.findText("Judgment") >= 0
    page.packs_list.setCurrentRow(0)
    page.values_list.setCurrentRow(0)
    page.values_list.item(0).setCheckState(Qt.CheckState.Unchecked)  # hide Freedom
    assert window.values_panel.findChild(QToolButton, "value-freedom-primary") is None


def test_list_context_menu_has_story_actions(make_window: MakeWindow, data_dir: Path) -> None:
    add_stories(data_dir, "Story A")
    window = make_window()
    names = {a.objectName() for a in window.list_panel.view.actions()}
    assert {"actionTrash", "actionDuplicate", "actionArchive"} <= names
    assert window.list_panel.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    assert QPoint(0, 0).isNull()


def test_the_toolbar_shows_what_applies_to_the_mode(make_window: MakeWindow) -> None:
    window = make_window()
    toolbar = window.findChild(QToolBar, "mainToolbar")

    def shown() -> list[str]:
        return [action.objectName() for action in toolbar.actions() if action.objectName()]

    assert shown() == ["actionNew", "actionDuplicate", "actionTrash", "actionPreview"]
    for mode, expected in (
        ("coverage", ["actionNew"]),
        ("practice", ["actionPrompts"]),
        ("progress", []),
        ("stories", ["actionNew", "actionDuplicate", "actionTrash", "actionPreview"]),
    ):
        window.set_mode(mode)
        assert shown() == expected, mode
        assert toolbar.widgetForAction(toolbar.actions()[-1]) is window.search
    # Off the toolbar, an action stays in the window (its shortcut) and in its menu.
    window.set_mode("progress")
    menu = window.main_menu
    assert {menu.duplicate_action, menu.trash_action, menu.preview_action} <= set(window.actions())
    assert (
        menu.preview_action.isVisible() and menu.duplicate_action.shortcut().toString() == "Ctrl+D"
    )


def test_the_trash_banner_restores_the_story(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Old story")
    repo = open_bank(data_dir)
    repo.set_trashed(story_id, True)
    repo.db.close()
    window = make_window()
    window.list_panel.show_box.setCurrentIndex(window.list_panel.show_box.findData("trash"))
    click_story(qtbot, window, "Old story")
    editor = window.editor
    qtbot.keyClicks(editor.title, "typed into the trash")
    assert editor.title.text() == "Old story"  # read-only: nothing typed lands
    assert "Restore it" in editor.trash_banner.text()
    editor.trash_banner.linkActivated.emit("restore")
    assert not stored(data_dir, story_id).deleted
    assert window.current.story_id == story_id
    assert not editor.trash_banner.isVisible() and not editor.title.isReadOnly()


def test_a_story_opened_but_not_changed_says_when_it_last_changed(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    add_stories(data_dir, "Story A")
    window = make_window()
    click_story(qtbot, window, "Story A")
    window.main_status.show_save_state()
    assert window.main_status.save_label.text().startswith("Last changed")
    qtbot.keyClicks(window.editor.inputs["task"], "I owned it.")
    qtbot.waitUntil(lambda: not window.editor.is_dirty(), timeout=2500)
    assert window.main_status.save_label.text().startswith("✓ Saved")


def test_values_are_grouped_by_pack_and_a_pack_folds_away(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    (story_id,) = add_stories(data_dir, "Story A")
    repo = open_bank(data_dir)
    for pack in repo.packs():
        repo.set_pack_active(pack.id, True)
    packs = [p for p in repo.packs() if p.active]
    repo.db.close()
    assert len(packs) >= 2
    window = make_window()
    window.show_story(story_id)
    panel = window.values_panel
    headers = [panel.findChild(QToolButton, f"pack-{pack.id}") for pack in packs]
    assert all(h is not None and h.isVisibleTo(panel) for h in headers)
    first_value = packs[0].values[0].key
    button = panel.findChild(QToolButton, f"value-{first_value}-primary")
    assert button is not None and button.isVisibleTo(panel)
    qtbot.mouseClick(headers[0], Qt.MouseButton.LeftButton)  # fold the first pack
    assert not button.isVisibleTo(panel)
    qtbot.mouseClick(headers[0], Qt.MouseButton.LeftButton)
    assert button.isVisibleTo(panel)


def test_coming_back_to_the_app_shows_what_another_program_wrote(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    import sqlite3
    from contextlib import closing

    from PySide6.QtWidgets import QApplication

    add_stories(data_dir, "Story A")
    window = make_window()
    with closing(sqlite3.connect(data_dir / "storybank.sqlite3")) as conn, conn:
        conn.execute("UPDATE story SET title = 'Renamed in a terminal'")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    model = window.list_panel.model
    assert model.index(0).data() == "Renamed in a terminal"


def test_a_big_bank_lists_its_first_page_before_the_first_paint_and_the_rest_after(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up lists only the first page of a big bank; once painted, every story
    is listed and counted. A story to reopen further down is listed at once."""
    from storybank.core.bank import open_bank
    from storybank.gui import main_window
    from storybank.gui.settings import service_settings
    from storybank.services.stories import StoryService

    monkeypatch.setattr(main_window, "FIRST_PAGE", 20)
    repo = open_bank(data_dir)
    ids = [repo.create_story(title=f"story {n}").id for n in range(30)]
    repo.db.close()
    for last, first_rows in ((ids[-1], 20), (ids[0], 30)):  # newest on top; the oldest last
        service = StoryService(open_bank(data_dir), data_dir)
        service_settings(service).setValue("list/last_story", last)
        window = main_window.MainWindow(service)
        qtbot.addWidget(window)
        assert window.list_panel.model.rowCount() == first_rows
        assert window.current.story_id == last
        window.show()
        qtbot.waitUntil(lambda w=window: w.list_panel.model.rowCount() == 30)
        qtbot.waitUntil(lambda w=window: w.main_status.count_label.text() == "30 stories")
        assert window.list_panel.current_id() == last
        window.close()
        service.close()
