"""The editor's Tellings tab: the story told in 30 seconds, 2 minutes and 3
minutes, each with its speaking time against its length and the coach's
reading, started from the full story when asked, and saved as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from storybank.core.database import StorageError
from storybank.core.records import StoryRecord
from storybank.core.speaking import clock
from storybank.core.tellings import LABELS, LENGTHS, draft, spoken_seconds, target_words
from storybank.gui.coach_panel import TimeGauge
from storybank.gui.errors import report_error
from storybank.gui.theme import mark_secondary
from storybank.services.stories import StoryService

SAVE_MS = 800
READ_MS = 400


def band(seconds: int) -> tuple[int, int]:
    """A telling's easy band: 15 % either side of its length."""
    return round(seconds * 0.85), round(seconds * 1.15)


class TellingBox(QWidget):
    """One telling: its length and word target, the gauge, a draft button, the
    text, and what the coach hears in it."""

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.seconds = seconds
        self.heading = QLabel()
        self.gauge = TimeGauge()
        self.gauge.setObjectName(f"tellingGauge-{seconds}")
        self.spoken = QLabel()
        self.spoken.setObjectName(f"tellingSpoken-{seconds}")
        self.draft_button = QPushButton("Start from the Full Story")
        self.draft_button.setObjectName(f"tellingDraft-{seconds}")
        self.draft_button.setToolTip("A first cut of the story's own sentences, to edit")
        self.text = QPlainTextEdit()
        self.text.setObjectName(f"telling-{seconds}")
        self.text.setAccessibleName(f"The story in {LABELS[seconds]}")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight({30: 90, 120: 150, 180: 190}[seconds])
        self.reading = QLabel()
        self.reading.setObjectName(f"tellingReading-{seconds}")
        self.reading.setWordWrap(True)
        mark_secondary(self.reading)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.gauge, 1)
        top.addWidget(self.spoken)
        top.addWidget(self.draft_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.reading)

    def show_timing(self, words_per_minute: int) -> None:
        """The heading with its word target, and the gauge at the user's rate."""
        target = target_words(self.seconds, words_per_minute)
        self.heading.setText(f"<b>{LABELS[self.seconds]}</b> · about {target} words")
        seconds = spoken_seconds(self.text.toPlainText(), words_per_minute)
        self.gauge.set_time(seconds, band(self.seconds))
        self.spoken.setText(f"about {clock(seconds)}" if self.text.toPlainText().strip() else "")


class TellingsPage(QScrollArea):
    """The three tellings of the story on screen; each saved on its own."""

    def __init__(self, service: StoryService, full_story: Callable[[], dict[str, str]]) -> None:
        super().__init__()
        self.setObjectName("tellings")
        self.service = service
        self.full_story = full_story
        self.record: StoryRecord | None = None
        self._dirty: set[int] = set()
        self._loading = False
        self._save = self._timer(SAVE_MS, self.flush)
        self._read = self._timer(READ_MS, self._read_all)
        hint = QLabel("The same story told to three lengths: the short one for a recruiter "
                      "call (and the cheat sheet), the others for a behavioral round.")  # fmt: skip
        hint.setWordWrap(True)
        mark_secondary(hint)
        column = QVBoxLayout()
        column.addWidget(hint)
        self.boxes: dict[int, TellingBox] = {}
        for seconds in LENGTHS:
            box = self.boxes[seconds] = TellingBox(seconds)
            box.text.textChanged.connect(lambda s=seconds: self._edited(s))
            box.draft_button.clicked.connect(lambda _=False, s=seconds: self.start_draft(s))
            column.addWidget(box, {30: 2, 120: 3, 180: 4}[seconds])
        inner = QWidget()
        inner.setLayout(column)
        self.setWidget(inner)
        self.setWidgetResizable(True)

    def _timer(self, interval: int, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def load(self, record: StoryRecord | None) -> None:
        """Show a story's tellings (the last story's are saved first)."""
        self.flush()
        self.record = record
        try:
            tellings = self.service.tellings(record.id) if record else {}
        except StorageError:
            tellings = {}
        self._loading = True
        try:
            for seconds, box in self.boxes.items():
                box.text.setPlainText(tellings.get(seconds, ""))
        finally:
            self._loading = False
        self.setEnabled(record is not None and not record.deleted)
        self.show_timing()
        self._read_all()

    def show_timing(self) -> None:
        for box in self.boxes.values():
            box.show_timing(self.service.coach_settings.words_per_minute)

    def _edited(self, seconds: int) -> None:
        if self._loading or self.record is None:
            return
        self._dirty.add(seconds)
        self.boxes[seconds].show_timing(self.service.coach_settings.words_per_minute)
        self._save.start()
        self._read.start()

    def flush(self) -> bool:
        """Save the tellings changed since the last save; False (text kept) on failure."""
        self._save.stop()
        if self.record is None:
            self._dirty.clear()
            return True
        for seconds in sorted(self._dirty):
            try:
                self.service.set_telling(
                    self.record.id, seconds, self.boxes[seconds].text.toPlainText()
                )
            except StorageError as exc:
                report_error(self, exc, "The telling was not saved:")
                return False
            self._dirty.discard(seconds)
        return True

    def start_draft(self, seconds: int) -> None:
        """A first cut from the full story, after asking when there is text to replace."""
        box = self.boxes[seconds]
        if box.text.toPlainText().strip():
            asked = QMessageBox.question(
                self, "Storybank", f"Replace your {LABELS[seconds]} telling with a new cut?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )  # fmt: skip
            if asked != QMessageBox.StandardButton.Yes:
                return
        words = target_words(seconds, self.service.coach_settings.words_per_minute)
        box.text.setPlainText(draft(self.full_story(), words))
        box.text.setFocus()

    def _read_all(self) -> None:
        """What the coach hears in each telling: the Result's figures and the story's
        values said or missed, "I" against "we", and its first finding."""
        from storybank.core.transcript import check

        values = self.service.active_values()
        for box in self.boxes.values():
            text = box.text.toPlainText()
            if not text.strip() or self.record is None:
                box.reading.setText("")
                continue
            said = check(text, self.record, values)
            heard = [p.label for p in said.key_points if p.heard]
            missed = [p.label for p in said.key_points if not p.heard
                      and (p.kind == "value" or any(c.isdigit() for c in p.label))]  # fmt: skip
            parts = [f"has {', '.join(heard)}"] * bool(heard)
            parts += [f"misses {', '.join(missed)}"] * bool(missed)
            parts.append(f"“I” {said.singular}×, “we” {said.plural}×")
            if said.findings:
                parts.append(said.findings[0].message)
            box.reading.setText(" · ".join(parts))
