"""Preferences ▸ Recordings: how many recorded answers are kept, what they
weigh, and deleting them all. The recordings never leave this computer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from storybank.core.database import StorageError
from storybank.core.recordings import expired
from storybank.gui.errors import ask_yes
from storybank.gui.settings import MAX_KEEP, Preferences
from storybank.gui.theme import mark_secondary
from storybank.services.practice import PracticeService

ALL, LATEST, NONE = range(3)


class RecordingsPage(QWidget):
    """The retention setting, the recordings' count and size, delete all."""

    def __init__(self, practice: Callable[[], PracticeService], prefs: Preferences) -> None:
        super().__init__()
        self.practice = practice
        self.kept = prefs.recordings_keep
        self.mode = QComboBox()
        self.mode.setObjectName("recordingsKeep")
        self.mode.setAccessibleName("Recordings kept")
        self.mode.addItems(["All of them", "The latest of each prompt", "None (measures only)"])
        self.count = QSpinBox()
        self.count.setObjectName("recordingsKeepCount")
        self.count.setAccessibleName("Recordings kept per prompt")
        self.count.setRange(1, MAX_KEEP)
        self.count.setSuffix(" per prompt")
        self.count.setMaximumWidth(150)
        keep = prefs.recordings_keep
        self.mode.setCurrentIndex(ALL if keep is None else NONE if keep == 0 else LATEST)
        self.count.setValue(keep if keep else 3)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.usage = QLabel()
        self.usage.setObjectName("recordingsUsage")
        self.delete_all = QPushButton("Delete All Recordings…")
        self.delete_all.setObjectName("deleteAllRecordings")
        self.delete_all.clicked.connect(self._delete_all)
        open_folder = QPushButton("Open folder")
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(self.practice().recordings_folder()))
            )
        )
        note = QLabel(
            "Recordings are kept in the data folder on this computer and go nowhere else; "
            "exports leave them out. With fewer kept, older takes are deleted after asking; "
            "the answers and their measured pace and pauses stay."
        )
        note.setWordWrap(True)
        mark_secondary(note)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.mode)
        keep_row.addWidget(self.count)
        keep_row.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_all)
        buttons.addWidget(open_folder)
        buttons.addStretch(1)
        form = QFormLayout(self)
        form.addRow("Keep:", keep_row)
        form.addRow("Stored:", self.usage)
        form.addRow(buttons)
        form.addRow(note)
        self._mode_changed()
        self.refresh()

    def _mode_changed(self) -> None:
        self.count.setVisible(self.mode.currentIndex() == LATEST)

    def keep(self) -> int | None:
        """The setting as chosen: None keeps all, otherwise how many per prompt."""
        index = self.mode.currentIndex()
        return None if index == ALL else 0 if index == NONE else self.count.value()

    def refresh(self) -> None:
        try:
            usage = self.practice().recording_usage()
        except (StorageError, OSError) as exc:
            self.usage.setText(f"Could not count the recordings: {exc}")
            return
        self.usage.setText(usage.summary())
        self.delete_all.setEnabled(bool(usage.takes or usage.loose))

    def _delete_all(self) -> None:
        if not ask_yes(
            self,
            "Delete all recordings?",
            "Every recorded answer is deleted from this computer. The answers, their "
            "ratings and their measured delivery stay.",
        ):
            return
        try:
            self.practice().delete_all_takes()
        except (StorageError, OSError) as exc:
            QMessageBox.warning(self, "Recordings", f"Not all recordings were deleted: {exc}")
        self.refresh()

    def apply(self) -> int | None:
        """Keep the chosen setting, deleting the takes it lets go after asking;
        returns the setting kept (the old one if the candidate said no)."""
        keep = self.keep()
        if keep == self.kept or keep is None:
            return keep
        practice = self.practice()
        try:
            gone = len(expired(practice.store.takes(), keep))
        except StorageError:
            return self.kept
        if gone and not ask_yes(
            self,
            "Delete older recordings?",
            f"Keeping {'none' if keep == 0 else f'the latest {keep}'} per prompt deletes "
            f"{gone} older recording{'s' * (gone != 1)} now. Delete them?",
        ):
            return self.kept
        try:
            practice.apply_retention(keep)
        except (StorageError, OSError) as exc:
            QMessageBox.warning(self, "Recordings", f"Older recordings were not deleted: {exc}")
            return self.kept
        return keep
