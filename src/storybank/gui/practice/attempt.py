"""One past answer, opened from the Progress history: what was asked and given."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storybank.core.markdown import escape
from storybank.core.practice import AttemptInfo, Rating
from storybank.core.speaking import clock


class AttemptDialog(QDialog):
    """A past answer: the prompt, when, how long, the rating, the story and the note."""

    def __init__(
        self,
        attempt: AttemptInfo,
        prompt: str,
        story_title: str,
        target_seconds: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Past answer")
        self.setObjectName("attemptDialog")
        self.open_story_requested = False
        title = QLabel(f"<h3>{escape(prompt) or 'A prompt no longer in the bank'}</h3>")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        seconds = round(attempt.duration_seconds)
        rating = "not rated" if attempt.rating is None else Rating(attempt.rating).name.title()
        rows = (
            (
                "When:",
                "attemptWhen",
                attempt.started_at.astimezone().strftime("%A %d %B %Y, %H:%M"),
            ),
            ("Time:", "attemptTime", f"{clock(seconds)} (target {clock(target_seconds)})"),
            ("Rating:", "attemptRating", rating),
            ("Story told:", "attemptStory", story_title or "none noted"),
            ("Note:", "attemptNote", attempt.notes or "none"),
        )
        for label, name, text in rows:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(name)
            form.addRow(label, value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if attempt.story_id is not None and story_title:
            open_button = QPushButton("Open Story")
            open_button.setObjectName("openAttemptStory")
            buttons.addButton(open_button, QDialogButtonBox.ButtonRole.ActionRole)
            open_button.clicked.connect(self._open_story)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _open_story(self) -> None:
        self.open_story_requested = True
        self.accept()
