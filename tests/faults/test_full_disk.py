"""The window on a bank whose disk fills up: nothing typed is lost.

The bank lives on a real, small tmpfs. A filler file takes the last free
byte; the autosave fails, the text stays in the editor with a banner saying
why; once space is freed the retry stores it, intact.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
LONG = "I rebuilt the retry logic, then wrote the postmortem. 🚀 " * 400


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk`` with one file; return it."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 1):  # big blocks, then the last few bytes one at a time
            with contextlib.suppress(OSError):
                while os.write(descriptor, b"\0" * size):
                    pass
    finally:
        os.close(descriptor)
    return filler


def test_an_autosave_on_a_full_disk_keeps_the_text_and_saves_it_later(
    qtbot: QtBot, make_window: MakeWindow, small_disk: Callable[[str, int], Path]
) -> None:
    folder = small_disk("8m", 64) / "data"
    repo = open_bank(folder)
    story = repo.create_story(title="Billing rewrite", action="I owned it.")
    repo.db.close()
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.editor.story_id == story.id)
    editor = window.editor
    filler = fill(folder.parent)

    editor.inputs["result"].setPlainText(LONG)  # large enough to need new pages
    qtbot.waitUntil(editor.banner.isVisible, timeout=5000)
    assert "Not saved" in editor.banner.text()
    assert editor.field_text("result") == LONG
    assert (
        window.main_status.save_label.text() != ""
        and "Saved" not in window.main_status.save_label.text()
    )

    filler.unlink()
    qtbot.waitUntil(lambda: not editor.is_dirty(), timeout=15000)  # the retry
    assert not editor.banner.isVisible()
    window.close()
    with (
        closing(sqlite3.connect(f"file:{folder / 'storybank.sqlite3'}?mode=ro", uri=True)) as conn,
        conn,
    ):
        (stored,) = conn.execute("SELECT result FROM story WHERE id = ?", (story.id,)).fetchone()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stored == LONG
