"""One past answer, opened from the Progress history: what was asked and given,
and the rubric as the candidate rated it and as the coach read the story told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storybank.core.markdown import escape
from storybank.core.practice import AttemptInfo, Rating
from storybank.core.rubric import DIMENSIONS, shown
from storybank.core.self_rating import gap_words, signed
from storybank.core.speaking import clock
from storybank.gui.theme import mark_secondary

if TYPE_CHECKING:
    from storybank.gui.practice.replay import ReplayPanel
    from storybank.services.practice import PracticeService


def rubric_grid(attempt: AttemptInfo) -> QWidget:
    """The dimensions either side read: the candidate's rating and the coach's reading.

    A reading is shown as a whole number, as a person rates (the coach's exact
    reading and its anchor are in the tooltip); a dimension neither read is left out.
    """
    grid_widget = QWidget()
    grid_widget.setObjectName("attemptRubric")
    grid = QGridLayout(grid_widget)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(2)
    for column, title in enumerate(("", "You", "Coach")):
        header = QLabel(title)
        mark_secondary(header)
        grid.addWidget(header, 0, column)
    mine, coach = attempt.self_rubric, attempt.coach_rubric
    for dimension in DIMENSIONS:
        own, read = mine.get(dimension.key), coach.get(dimension.key)
        if own is None and read is None:
            continue
        row = grid.rowCount()
        name = QLabel(dimension.name)
        name.setToolTip(dimension.question)
        grid.addWidget(name, row, 0)
        own_label = QLabel("—" if own is None else str(own))
        own_label.setObjectName(f"rubricSelf-{dimension.key}")
        if own is not None:
            own_label.setToolTip(f"{own}: {dimension.anchor(own)}")
        read_label = QLabel("—" if read is None else str(shown(read)))
        read_label.setObjectName(f"rubricCoach-{dimension.key}")
        if read is not None:
            tip = f"The coach read {read:.1f}: {dimension.anchor(read)}"
            if own is not None:
                tip += f"\nYou − coach: {signed(own - read)}, {gap_words(own - read)}"
            read_label.setToolTip(tip)
        for column, label in ((1, own_label), (2, read_label)):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, column)
    grid.setColumnStretch(3, 1)
    return grid_widget


class AttemptDialog(QDialog):
    """A past answer: the prompt, when, how long, the rating, the story and the note."""

    def __init__(
        self,
        attempt: AttemptInfo,
        prompt: str,
        story_title: str,
        target_seconds: int,
        parent: QWidget | None = None,
        *,
        service: PracticeService | None = None,
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
        self.replay = self._add_readings(form, attempt, service)
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
        self.resize(640 if self.replay else 520, self.sizeHint().height())
        self.finished.connect(self._stop_playing)

    @staticmethod
    def _add_readings(
        form: QFormLayout, attempt: AttemptInfo, service: PracticeService | None
    ) -> ReplayPanel | None:
        """The rubric row, and the recording's row where the answer was recorded."""
        if attempt.self_rubric or attempt.coach_rubric:
            form.addRow("Rubric:", rubric_grid(attempt))
        else:
            none = QLabel("not rated")
            none.setObjectName("attemptRubric")
            form.addRow("Rubric:", none)
        if service is None or not (attempt.recording or attempt.delivery):
            return None
        from storybank.gui.practice.replay import ReplayPanel

        replay = ReplayPanel(service, attempt)
        form.addRow("Recording:", replay)
        return replay

    def _stop_playing(self) -> None:
        if self.replay is not None:
            self.replay.stop()

    def _open_story(self) -> None:
        self.open_story_requested = True
        self.accept()


def open_attempt(
    parent: QWidget, service: PracticeService, attempt_id: int, target_seconds: int
) -> AttemptDialog | None:
    """Show one stored answer (from the session review or a prompt's history); the
    dialog is returned once closed, to see if its story was asked for."""
    attempt = service.attempt(attempt_id)
    if attempt is None:
        return None
    prompts = {p.uuid: p.text for p in service.prompts(include_hidden=True)}
    titles = service.story_titles([attempt.story_id])
    dialog = AttemptDialog(
        attempt,
        prompts.get(attempt.prompt_uuid, ""),
        titles.get(attempt.story_id, "") if attempt.story_id is not None else "",
        target_seconds,
        parent,
        service=service,
    )
    dialog.exec()
    return dialog
