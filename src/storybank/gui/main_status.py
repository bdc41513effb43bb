"""The main window's status bar: save state, undo-trash, story count, data folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QToolButton

from storybank.core.speaking import counted
from storybank.gui.story_list import relative_time

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from storybank.gui.current_story import CurrentStory
    from storybank.services.stories import StoryService

#: How long the Undo button stays after a story goes to the Trash.
UNDO_TRASH_MS = 10000


class MainStatus(QObject):
    """Fills the window's status bar and keeps its save state current."""

    def __init__(self, window: QMainWindow, service: StoryService, current: CurrentStory) -> None:
        super().__init__(window)
        self.window = window
        self.current = current
        self.save_label = QLabel()
        self.save_label.setObjectName("saveState")
        self.count_label = QLabel()
        self.count_label.setObjectName("bankCount")
        folder = str(service.data_dir) if not service.demo else "demo bank (temporary)"
        self.folder_label = QLabel(folder)
        self.folder_label.setObjectName("dataFolder")
        self.folder_label.setToolTip(f"Data folder: {service.data_dir}")
        self._build_offers()
        status = window.statusBar()
        status.addWidget(self.save_label)
        status.addWidget(self.note_label)
        status.addWidget(self.undo_trash_button)
        status.addWidget(self.open_button)
        status.addWidget(self.folder_button)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(QLabel("·"))
        status.addPermanentWidget(self.folder_label)
        self._save_state = "saved"
        #: Why the last save failed ("" until one does).
        self.save_message = ""
        self._clock = QTimer(self)
        self._clock.setInterval(5000)
        self._clock.timeout.connect(self.show_save_state)
        self._clock.start()

    def message(self, text: str, timeout_ms: int) -> None:
        """A passing message on the left of the status bar."""
        self.window.statusBar().showMessage(text, timeout_ms)

    def _build_offers(self) -> None:
        """A note with buttons to act on it: Undo for the Trash; Open and Show in
        Folder for what was just written. Widgets of their own, side by side: a
        passing status message would be drawn under the buttons."""
        self.undo_trash_button = QToolButton()
        self.undo_trash_button.setText("Undo")
        self.undo_trash_button.setObjectName("undoTrash")
        self.undo_trash_button.setToolTip("Bring the story back from the Trash")
        self.undo_trash_button.hide()
        self.note_label = QLabel()
        self.note_label.setObjectName("statusNote")
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.hide()
        self.open_button = QToolButton()
        self.open_button.setText("Open")
        self.open_button.setObjectName("openWritten")
        self.open_button.setToolTip("Open what was just written")
        self.open_button.clicked.connect(lambda: self._open(self._written))
        self.folder_button = QToolButton()
        self.folder_button.setText("Show in Folder")
        self.folder_button.setObjectName("showWritten")
        self.folder_button.setToolTip("Open the folder that holds it")
        self.folder_button.clicked.connect(lambda: self._open(self._written_folder()))
        for button in (self.open_button, self.folder_button):
            button.hide()
        self._written: Path | None = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_TRASH_MS)
        self._undo_timer.timeout.connect(self.end_undo_trash)

    def set_count(self, total: int) -> None:
        """How many stories the bank holds (-1: it cannot be read)."""
        self.count_label.setText(
            counted(total, "story", "stories") if total >= 0 else "stories cannot be counted"
        )

    def offer_undo_trash(self, note: str) -> None:
        """Say what went to the Trash, with an Undo button, for a while."""
        self._offer(note, self.undo_trash_button)

    def offer_open(self, note: str, written: Path) -> None:
        """Say what was written where, with buttons that open it and its folder."""
        self._written = written
        self._offer(note, self.open_button, self.folder_button)

    def _offer(self, note: str, *buttons: QToolButton) -> None:
        self.end_undo_trash()
        self.window.statusBar().clearMessage()
        self.note_label.setText(note)
        self.note_label.show()
        for button in buttons:
            button.show()
        self._undo_timer.start()

    def end_undo_trash(self) -> None:
        """Take the note and its buttons away (their time is up, or one was used)."""
        self._undo_timer.stop()
        for widget in (self.note_label, self.undo_trash_button, self.open_button,
                       self.folder_button):  # fmt: skip
            widget.hide()

    def _written_folder(self) -> Path | None:
        written = self._written
        return None if written is None else written if written.is_dir() else written.parent

    def _open(self, path: Path | None) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message(f"Could not open {path}: no program is set up for it.", 8000)

    def on_save_state(self, state: str, message: str) -> None:
        self._save_state = state
        self.save_message = message
        self.show_save_state()

    def show_save_state(self) -> None:
        state = self._save_state
        if self.current.record is None:
            text = ""
        elif state == "failed":
            text = f"⚠ Not saved — {self.save_message}"
        elif state == "dirty":
            text = "Editing…"
        elif state == "saving":
            text = "Saving…"
        elif self.current.last_saved is not None and self.current.editor.saved_here:
            text = f"✓ Saved {relative_time(self.current.last_saved)}"
        elif self.current.last_saved is not None:  # opened, not changed yet
            text = f"Last changed {relative_time(self.current.last_saved)}"
        else:
            text = "✓ Saved"
        self.save_label.setText(text)
