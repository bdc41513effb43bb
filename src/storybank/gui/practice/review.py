"""The end of a practice session: every prompt with its time, rating, story and note."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storybank.core.practice import summarize_session
from storybank.core.records import RATING_NAMES
from storybank.core.session import Answer, Length, again_deck, length_of, review_note
from storybank.core.speaking import clock

COLUMNS = ("#", "Prompt", "Time", "Delivery", "Rating", "Story", "Note", "Look at")


class SessionReview(QWidget):
    """The session review: figures, one row per prompt, and what to practise again."""

    #: Show one answer (its recording, if kept) by its attempt id.
    replay_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Answer] = []
        self.target = 120
        self.text = QLabel()
        self.text.setObjectName("sessionSummary")
        self.text.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("sessionReview")
        self.table.setAccessibleName("Answers of this session")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Prompt, story and note share the room left and wrap.
        for column in (1, 5, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.again_deck_button = QPushButton("Practise these again")
        self.again_deck_button.setObjectName("practiseWeakOnes")
        self.again_button = QPushButton("Choose another deck")
        self.again_button.setObjectName("practiseAgain")
        self.replay_button = QPushButton("Replay Answer…")
        self.replay_button.setObjectName("replayAnswer")
        self.replay_button.setToolTip("Play the selected answer's recording (or double-click it)")
        self.replay_button.setEnabled(False)
        self.replay_button.clicked.connect(self._replay_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda row, _column: self._replay(row))
        buttons = QHBoxLayout()
        buttons.addWidget(self.again_deck_button)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.replay_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.text)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _selected(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _selection_changed(self) -> None:
        row = self._selected()
        answer = self.answers[row] if 0 <= row < len(self.answers) else None
        recorded = answer is not None and bool(answer.recording or answer.delivery)
        self.replay_button.setEnabled(recorded)

    def _replay_selected(self) -> None:
        self._replay(self._selected())

    def _replay(self, row: int) -> None:
        if 0 <= row < len(self.answers) and (attempt_id := self.answers[row].attempt_id):
            self.replay_requested.emit(attempt_id)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()  # the wrapped columns changed width

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def show_review(self, answers: Sequence[Answer], target: int) -> None:
        """Fill the review with a session's answers, in the order they were asked."""
        self.answers = list(answers)
        self.target = target
        summary = summarize_session(
            [(a.duration, None if a.rating is None else int(a.rating)) for a in answers], target
        )
        ratings = ", ".join(
            f"{RATING_NAMES[r]} {n}" for r, n in sorted(summary.ratings.items()) if n
        )
        self.text.setText(
            "<h2>Session review</h2>"
            f"<p><b>{summary.answered}</b> answered, {summary.skipped} skipped. "
            f"Average answer <b>{clock(round(summary.mean_seconds))}</b> against a target of "
            f"{clock(target)}; {summary.over_target} over it. Ratings: {ratings or 'none'}.</p>"
        )
        self.table.setRowCount(0)
        for number, answer in enumerate(answers, start=1):
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, item in enumerate(self._row(number, answer)):
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        weak = again_deck(answers, target)
        self.again_deck_button.setText(
            f"Practise these again ({len(weak)})" if weak else "Practise these again"
        )
        self.again_deck_button.setEnabled(bool(weak))
        self.again_deck_button.setToolTip(
            "Skipped, unrated, Again or Hard, or well off the target length"
            if weak
            else "Every answer was rated Good or Easy at a good length"
        )

    def _row(self, number: int, answer: Answer) -> list[QTableWidgetItem]:
        if answer.duration is None:
            time_text = "—"
        else:
            length = length_of(answer.duration, self.target)
            time_text = clock(round(answer.duration))
            if length is not Length.GOOD:
                time_text += f" ({length.value})"
        rating = "—" if answer.rating is None else RATING_NAMES[answer.rating]
        texts = (
            str(number),
            answer.prompt.text,
            time_text,
            _delivery_text(answer),
            rating,
            answer.story_title or "—",
            answer.notes or "—",
            review_note(answer, self.target) or "—",
        )
        items = [QTableWidgetItem(text) for text in texts]
        items[1].setToolTip(f"{answer.prompt.text}\n{answer.entry.reason}")
        items[0].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for item in items[1:]:
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return items


def _delivery_text(answer: Answer) -> str:
    """Pace and long pauses of a recorded answer; whether its take is still kept."""
    if answer.delivery is None:
        return "recorded" if answer.recording else "—"
    kept = "" if answer.recording else " (audio deleted)"
    return answer.delivery.short_text() + kept
