"""Back Up Now and Restore from Backup, through the window's menu actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from storybank.core.backup import backup_dir, list_backups
from storybank.gui.dialogs.backups import RestoreDialog
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def test_back_up_now_then_restore(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.commands.new_story()
    qtbot.keyClicks(window.editor.title, "Kept in the backup")
    window.main_menu.backup_action.trigger()
    assert "Backed up to" in window.statusBar().currentMessage()
    (made,) = list_backups(backup_dir(data_dir))
    assert made.reason == "manual"

    window.commands.new_story()
    qtbot.keyClicks(window.editor.title, "Written after the backup")
    window.commands.save_now()
    assert window.list_panel.model.rowCount() == 2

    def choose_first(dialog: RestoreDialog) -> int:
        assert dialog.list.count() == 1
        assert "· 1 story ·" in dialog.list.item(0).text()  # what it holds, before choosing
        dialog.list.setCurrentRow(0)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RestoreDialog, "exec", choose_first)
    window.main_menu.restore_backup_action.trigger()
    titles = [
        window.list_panel.model.index(r).data() for r in range(window.list_panel.model.rowCount())
    ]
    assert titles == ["Kept in the backup"]
    reasons = sorted(b.reason for b in list_backups(backup_dir(data_dir)))
    assert reasons == ["before-restore", "manual"]
    assert "Restored the backup" in window.statusBar().currentMessage()
    # The bank still works after the restore.
    window.commands.new_story()
    qtbot.keyClicks(window.editor.title, "After the restore")
    assert window.editor.save()
