"""The window and the command line on one bank: nothing either writes is lost.

The window watches SQLite's ``data_version`` and shows what another program
wrote; a save checks the story's update time inside its transaction, so an
autosave never overwrites a change it did not see. The other program here is
the real ``storybank import`` in a child process.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.records import StoryRecord
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
RunChild = Callable[..., subprocess.CompletedProcess[str]]
IMPORTED = "The imported Situation, written by the command line."


def one_story(data_dir: Path) -> StoryRecord:
    repo = open_bank(data_dir)
    try:
        return repo.create_story(title="Billing rewrite", situation="The first Situation.")
    finally:
        repo.db.close()


def stored_stories(data_dir: Path) -> dict[str, StoryRecord]:
    repo = open_bank(data_dir)
    try:
        return {r.title: r for r in (repo.get_story(i) for i in repo.story_ids())}
    finally:
        repo.db.close()


def import_newer_copy(run_child: RunChild, data_dir: Path, story: StoryRecord, tmp: Path) -> None:
    """``storybank import`` of a newer copy of ``story`` (same uuid, new Situation)."""
    source = tmp / "newer.md"
    source.write_text(
        f"---\ntitle: {story.title}\nuuid: {story.uuid}\nupdated: 2099-01-01T00:00:00+00:00\n"
        f"---\n## Situation\n{IMPORTED}\n",
        encoding="utf-8",
    )
    done = run_child("-m", "storybank", "import", str(source), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "1 updated" in done.stdout


def open_on(make_window: MakeWindow, qtbot: QtBot, title: str) -> MainWindow:
    window = make_window()
    qtbot.waitUntil(lambda: window.editor.field_text("title") == title)
    return window


def test_an_idle_window_shows_a_command_line_import(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, run_child: RunChild, tmp_path: Path
) -> None:
    story = one_story(data_dir)
    window = open_on(make_window, qtbot, "Billing rewrite")
    import_newer_copy(run_child, data_dir, story, tmp_path)
    qtbot.waitUntil(lambda: window.editor.field_text("situation") == IMPORTED, timeout=5000)
    # Editing on top of what the window now shows keeps the import and the edit.
    qtbot.keyClicks(window.editor.inputs["task"], "I owned the rewrite.")
    qtbot.waitUntil(lambda: not window.editor.is_dirty(), timeout=3000)
    saved = stored_stories(data_dir)["Billing rewrite"]
    assert (saved.situation, saved.task) == (IMPORTED, "I owned the rewrite.")
    assert len(stored_stories(data_dir)) == 1


def test_an_autosave_after_an_import_of_the_same_field_keeps_both_versions(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, run_child: RunChild, tmp_path: Path
) -> None:
    story = one_story(data_dir)
    window = open_on(make_window, qtbot, "Billing rewrite")
    assert window.service._watch is not None
    window.service._watch.stop()  # the worst case: the window has not looked yet
    editor = window.editor
    qtbot.keyClick(editor.inputs["situation"], Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor.inputs["situation"], " Revenue was at risk.")
    assert editor.is_dirty()
    import_newer_copy(run_child, data_dir, story, tmp_path)
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=3000)  # the autosave ran

    stories = stored_stories(data_dir)
    assert stories["Billing rewrite"].situation == IMPORTED  # the import was not overwritten
    mine = stories["Billing rewrite (your edits)"]
    assert mine.situation == "The first Situation. Revenue was at risk."
    # The user goes on typing in their own version, told what happened.
    assert editor.story_id == mine.id
    assert editor.notice.isVisible()
    assert "changed by another program" in editor.notice.text()
    assert window.list_panel.model.row_of(mine.id) >= 0
    qtbot.keyClicks(editor.inputs["situation"], " Then more.")
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=3000)
    assert stored_stories(data_dir)["Billing rewrite (your edits)"].situation.endswith("more.")


def test_an_autosave_after_an_import_of_another_field_merges_them(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, run_child: RunChild, tmp_path: Path
) -> None:
    story = one_story(data_dir)
    window = open_on(make_window, qtbot, "Billing rewrite")
    assert window.service._watch is not None
    window.service._watch.stop()
    editor = window.editor
    qtbot.keyClicks(editor.inputs["result"], "Failed payments fell 40%.")
    import_newer_copy(run_child, data_dir, story, tmp_path)
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=3000)
    stories = stored_stories(data_dir)
    assert list(stories) == ["Billing rewrite"]
    merged = stories["Billing rewrite"]
    assert (merged.situation, merged.result) == (IMPORTED, "Failed payments fell 40%.")
    assert not editor.notice.isVisible()


def test_a_window_that_is_typing_when_the_import_lands_keeps_the_typing(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, run_child: RunChild, tmp_path: Path
) -> None:
    story = one_story(data_dir)
    window = open_on(make_window, qtbot, "Billing rewrite")
    editor = window.editor
    qtbot.keyClicks(editor.inputs["reflection"], "Ask sooner.")
    editor._timer.stop()  # still typing: no autosave yet
    import_newer_copy(run_child, data_dir, story, tmp_path)
    assert window.service.check_for_changes()
    # The untouched field shows the import; the one being typed in is left alone.
    assert editor.field_text("situation") == IMPORTED
    assert editor.field_text("reflection") == "Ask sooner."
    assert editor.is_dirty()
    window.close()  # the close saves
    saved = stored_stories(data_dir)["Billing rewrite"]
    assert (saved.situation, saved.reflection) == (IMPORTED, "Ask sooner.")
