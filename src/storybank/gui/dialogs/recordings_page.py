"""Preferences ▸ Recordings: how many recorded answers are kept, what they
weigh, and deleting them all. The recordings never leave this computer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
        self.model = prefs.transcript_model
        self._build_keep(prefs.recordings_keep)
        self._build_model()
        self.usage = QLabel()
        self.usage.setObjectName("recordingsUsage")
        self.delete_all = QPushButton("Delete All Recordings…")
        self.delete_all.setObjectName("deleteAllRecordings")
        self.delete_all.clicked.connect(self._delete_all)
        self._lay_out()
        self._mode_changed()
        self._set_model(self.model)
        self.refresh()

    def _build_keep(self, keep: int | None) -> None:
        """How many takes are kept: all, the latest N of each prompt, or none."""
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
        self.mode.setCurrentIndex(ALL if keep is None else NONE if keep == 0 else LATEST)
        self.count.setValue(keep if keep else 3)
        self.mode.currentIndexChanged.connect(self._mode_changed)

    def _build_model(self) -> None:
        """Which Whisper model transcribes: the bundled one or a folder chosen."""
        self.model_label = QLabel()
        self.model_label.setObjectName("transcriptModel")
        self.model_label.setWordWrap(True)
        self.choose_model = QPushButton("Choose Folder…")
        self.choose_model.setObjectName("chooseTranscriptModel")
        self.choose_model.setToolTip("A CTranslate2 Whisper model folder on this computer")
        self.choose_model.clicked.connect(self._choose_model)
        self.bundled_model = QPushButton("Use the Bundled One")
        self.bundled_model.setObjectName("bundledTranscriptModel")
        self.bundled_model.clicked.connect(lambda: self._set_model(""))

    def _lay_out(self) -> None:
        open_folder = QPushButton("Open folder")
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(
                QUrl.fromLocalFile(str(self.practice().recordings_folder()))
            )
        )
        note = QLabel(
            "Recordings are kept in the data folder on this computer and go nowhere else; "
            "exports leave them out unless you ask. With fewer kept, older takes are deleted "
            "after asking; the answers and their measured pace and pauses stay."
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
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_label, 1)
        model_row.addWidget(self.choose_model)
        model_row.addWidget(self.bundled_model)
        form = QFormLayout(self)
        form.addRow("Keep:", keep_row)
        form.addRow("Stored:", self.usage)
        form.addRow(buttons)
        form.addRow(note)
        form.addRow("Transcripts:", model_row)

    def _set_model(self, folder: str) -> None:
        """Transcribe with ``folder`` ("" for the model the extra ships)."""
        from storybank.core.transcript import availability

        self.model = folder
        ready, reason = availability()
        shown = folder or "Whisper tiny.en, shipped with the optional extra (hash checked)"
        self.model_label.setText(shown if ready or folder else reason)
        self.bundled_model.setEnabled(bool(folder))

    def _choose_model(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from storybank.core.transcript import TranscriptError, check_model_dir

        folder = QFileDialog.getExistingDirectory(self, "Choose a Whisper model folder")
        if not folder:
            return
        try:
            check_model_dir(Path(folder))
        except TranscriptError as exc:
            QMessageBox.warning(self, "Transcripts", str(exc))
            return
        self._set_model(folder)

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
