"""Restoring a backup, and the start-up choice when the bank is damaged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from storybank.core.backup import BackupInfo, list_backups, stories_in
from storybank.core.speaking import counted

PATH_ROLE = Qt.ItemDataRole.UserRole
REASONS = {
    "exit": "when Storybank closed",
    "manual": "made by you",
    "before-restore": "before a restore",
    "before-import": "before an import",
}


def describe(info: BackupInfo) -> str:
    """ "24 Nov 2026 18:02 · when Storybank closed · 14 stories · 1.2 MB" """
    reason = REASONS.get(info.reason, info.reason.replace("-", " "))
    when = info.made_at.astimezone().strftime("%d %b %Y %H:%M")
    count = stories_in(info.path)
    stories = "stories unreadable" if count is None else counted(count, "story", "stories")
    return f"{when} · {reason} · {stories} · {info.size / 1_000_000:.1f} MB"


class RestoreDialog(QDialog):
    """Pick a backup to restore; the current state is backed up first."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.setObjectName("restoreDialog")
        self.list = QListWidget()
        self.list.setObjectName("backupList")
        self.list.setAccessibleName("Backups")
        for info in list_backups(folder):
            item = QListWidgetItem(describe(info))
            item.setData(PATH_ROLE, str(info.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        text = (
            "Choose a backup. Your stories as they are now are backed up first, so a "
            "restore can itself be undone."
            if self.list.count()
            else "There are no backups yet. Use File → Back Up Now to make one."
        )
        label = QLabel(text)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Restore")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.list.count() > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def chosen(self) -> Path | None:
        item = self.list.currentItem()
        return Path(item.data(PATH_ROLE)) if item else None


def ask_recovery(message: str, newest: BackupInfo | None, parent: QWidget | None = None) -> str:
    """Ask what to do with a damaged bank: "restore", "fresh" or "quit"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Storybank cannot use the story bank")
    box.setText(message)
    restore = None
    if newest is not None:
        box.setInformativeText(
            "Storybank has not changed the file. It can move it aside (nothing is deleted) "
            f"and restore your newest good backup, from {describe(newest)}."
        )
        restore = box.addButton("Restore the backup", QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(
            "Storybank has not changed the file, and there is no backup to restore. It can "
            "move the file aside (nothing is deleted) and start an empty bank."
        )
    fresh = box.addButton("Move it aside, start empty", QMessageBox.ButtonRole.DestructiveRole)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or quit_button)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return "restore"
    if clicked is fresh:
        return "fresh"
    return "quit"
