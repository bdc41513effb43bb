"""Real SQLite faults during a save: a full disk and a read-only database.

The faults come from SQLite itself (a page limit, query_only), not from a
patched Python function: the user is told, the text stays in the editor, and
the database stays intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from storybank.core.bank import open_bank
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def break_writes(window: MainWindow, pragma: str) -> Callable[[], None]:
    """Apply ``pragma`` at the start of every write transaction; return an undo."""
    engine = window.service.repo.db.engine

    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql(pragma)

    event.listen(engine, "begin", on_begin)

    def undo() -> None:
        event.remove(engine, "begin", on_begin)
        window.service.repo.db.close()  # fresh connections, without the pragma

    return undo


@pytest.mark.parametrize(
    ("pragma", "message"),
    [
        ("PRAGMA max_page_count = 1", "disk is full"),
        ("PRAGMA query_only = ON", "read-only"),
    ],
)
def test_save_fault_keeps_text_and_database(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, pragma: str, message: str
) -> None:
    repo = open_bank(data_dir)
    story = repo.create_story(title="Story", action="The saved action.")
    repo.db.close()
    window = make_window()
    assert window.editor.story_id == story.id
    undo = break_writes(window, pragma)
    big = " Then I rewrote the whole pipeline." * 3000  # needs new pages
    field = window.editor.inputs["action"]
    field.moveCursor(field.textCursor().MoveOperation.End)
    field.insertPlainText(big)
    assert not window.editor.save()
    assert window.editor.banner.isVisible()
    assert message in window.editor.banner.text()
    assert message in window.main_status.save_label.text()
    assert window.editor.field_text("action") == "The saved action." + big

    with closing(sqlite3.connect(data_dir / "storybank.sqlite3")) as conn, conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = conn.execute("SELECT action FROM story WHERE id = ?", (story.id,)).fetchone()
    conn.close()
    assert stored == ("The saved action.",)

    undo()  # the disk has room again: the retry stores the text
    assert window.editor.save()
    assert not window.editor.banner.isVisible()
    again = open_bank(data_dir)
    assert again.get_story(story.id).action == "The saved action." + big
    again.db.close()


def test_preview_links_open_only_https_and_mailto_on_click(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    repo = open_bank(data_dir)
    repo.create_story(title="Links", action="[a](https://example.com) [m](mailto:a@b.c)")
    repo.db.close()
    window = make_window()
    window.editor.toggle_preview()
    preview = window.editor.preview
    assert opened == []  # rendering opens nothing
    for url in ("https://example.com", "mailto:a@b.c", "file:///etc/passwd", "http://x.y"):
        preview.anchorClicked.emit(QUrl(url))
    assert opened == ["https://example.com", "mailto:a@b.c"]
    assert preview.source().isEmpty()  # the viewer never navigated
