"""Replaying a recorded answer: its level strip with the pauses marked, play,
pause, seek and speed, the delivery measured, and deleting the take.

QtMultimedia's player is created on first use (see ``recorder.py`` for why);
with no sound output the strip and the measures still show, and the player
says why it cannot play.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from storybank.core.database import StorageError
from storybank.core.practice import AttemptInfo
from storybank.core.speaking import clock
from storybank.gui.errors import ask_yes
from storybank.gui.settings import Preferences, service_settings
from storybank.gui.theme import blend, mark_secondary

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

    from storybank.core.delivery import DeliveryReport
    from storybank.gui.practice.transcript_view import TranscriptPanel
    from storybank.services.practice import PracticeService

SPEEDS = (0.75, 1.0, 1.25, 1.5, 2.0)
PAUSE_COLOR = QColor("#d9a441")


class DeliveryStrip(QWidget):
    """The take's level over time, its pauses shaded (long ones darker) and the
    play position; a click seeks there."""

    #: The moment clicked, in seconds.
    seek = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("deliveryStrip")
        self.setAccessibleName("Level of the recorded answer")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.levels: Sequence[float] = ()
        self.step = 0.0
        self.pauses: list[tuple[float, float, bool]] = []
        self.position = 0.0

    def sizeHint(self) -> QSize:
        return QSize(480, 56)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 40)

    @property
    def seconds(self) -> float:
        return len(self.levels) * self.step

    def set_report(self, report: DeliveryReport) -> None:
        self.levels, self.step = report.strip, report.strip_step
        self.pauses = [
            (p.start, p.seconds, p.seconds > report.long_pause_seconds) for p in report.pauses
        ]
        longest = report.longest_pause
        where = ""
        if longest:
            where = f", the longest {longest.seconds:.1f} s at {clock(longest.start)}"
        self.setAccessibleDescription(
            f"{len(report.pauses)} pauses over {report.pause_seconds:g} s{where}"
        )
        self.update()

    def set_position(self, seconds: float) -> None:
        self.position = seconds
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.seconds and event.button() == Qt.MouseButton.LeftButton:
            share = min(max(event.position().x() / max(self.width(), 1), 0.0), 1.0)
            self.seek.emit(share * self.seconds)
        super().mousePressEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        palette = self.palette()
        painter.fillRect(rect, blend(palette.base().color(), palette.mid().color(), 0.15))
        total = self.seconds
        if not total:
            painter.end()
            return
        x_of = rect.width() / total
        for start, seconds, long in self.pauses:
            color = QColor(PAUSE_COLOR)
            color.setAlpha(150 if long else 70)
            painter.fillRect(QRectF(start * x_of, 0, seconds * x_of, rect.height()), color)
        bar = rect.width() / len(self.levels)
        middle = rect.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.highlight().color())
        for index, level in enumerate(self.levels):
            half = max(0.5, level * (middle - 2))
            painter.drawRect(QRectF(index * bar, middle - half, max(bar - 0.5, 0.5), 2 * half))
        painter.setPen(palette.text().color())
        x = min(self.position, total) * x_of
        painter.drawLine(int(x), 0, int(x), int(rect.height()))
        painter.end()


class ReplayPanel(QWidget):
    """One recorded answer: strip, player, the measured delivery and a delete button."""

    #: The take was deleted (its measures stay with the answer).
    deleted = Signal()

    def __init__(self, service: PracticeService, attempt: AttemptInfo) -> None:
        super().__init__()
        self.setObjectName("replayPanel")
        self.service = service
        self.attempt = attempt
        self.path = service.take_path(attempt.recording)
        self.player: QMediaPlayer | None = None
        self.output: QAudioOutput | None = None
        self.strip = DeliveryStrip()
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("replayPlay")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("replayPosition")
        self.slider.setAccessibleName("Position in the recording")
        self.time = QLabel("0:00 / 0:00")
        self.speed = QComboBox()
        self.speed.setObjectName("replaySpeed")
        self.speed.setAccessibleName("Playback speed")
        for rate in SPEEDS:
            self.speed.addItem(f"{rate:g}×", rate)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.delete_button = QPushButton("Delete recording…")
        self.delete_button.setObjectName("deleteRecording")
        self.measures = QLabel()
        self.measures.setObjectName("deliveryMeasures")
        self.measures.setWordWrap(True)
        self.status = QLabel()
        mark_secondary(self.status)
        self.status.setWordWrap(True)
        self.transcript: TranscriptPanel | None = None
        if self.path is not None:
            self.transcript = self._transcript_panel(self.path)
        self._lay_out()
        self._connect()
        self._show_take()

    def _lay_out(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time)
        controls.addWidget(self.speed)
        controls.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
        layout.addLayout(controls)
        layout.addWidget(self.measures)
        layout.addWidget(self.status)
        if self.transcript is not None:
            layout.addWidget(self.transcript)

    def _connect(self) -> None:
        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderMoved.connect(lambda ms: self.seek(ms / 1000))
        self.slider.valueChanged.connect(self._slider_changed)
        self.strip.seek.connect(self.seek)
        self.speed.currentIndexChanged.connect(self._speed_changed)
        self.delete_button.clicked.connect(lambda: self.ask_delete())

    def _transcript_panel(self, path: Path) -> TranscriptPanel:
        """Transcribing the take, checked against the story told (if noted)."""
        from storybank.gui.practice.transcript_view import TranscriptPanel

        stories = self.service.stories
        story = None
        if self.attempt.story_id is not None:
            try:
                story = stories.get_story(self.attempt.story_id)
            except (StorageError, LookupError):
                story = None
        chosen = Preferences.load(service_settings(stories)).transcript_model
        return TranscriptPanel(
            path, story, list(stories.active_values()), model=Path(chosen) if chosen else None
        )

    def _show_take(self) -> None:
        """Measure the take for its strip; or say why there is nothing to play."""
        summary = self.attempt.delivery
        self.measures.setText(summary.text() if summary else "")
        for widget in (self.play_button, self.slider, self.speed, self.delete_button):
            widget.setEnabled(self.path is not None)
        if self.path is None:
            self.strip.hide()
            self.status.setText(
                "The recording was deleted; its measures are kept."
                if self.attempt.recording is None
                else "The recording's file is missing from the recordings folder."
            )
            return
        from storybank.core.delivery import DeliveryError, measure_file

        try:
            report = measure_file(self.path, self.service.stories.coach_settings)
        except DeliveryError as exc:
            self.status.setText(str(exc))
            return
        self.strip.set_report(report)
        band = f"{clock(report.target_min_seconds)}–{clock(report.target_max_seconds)}"
        where = {"short": "short of", "in band": "within", "long": "over"}[report.length]
        self.measures.setText(
            f"{self.measures.text() or clock(report.answer_seconds)} · {where} the {band} "
            "a good answer lasts"
        )
        self.slider.setRange(0, int(report.duration_seconds * 1000))
        self.time.setText(f"0:00 / {clock(report.duration_seconds)}")
        self.status.setText("Shaded: pauses over 0.5 s (darker over 2 s). Click to jump there.")

    # --- playing ------------------------------------------------------------

    def _ensure_player(self) -> QMediaPlayer | None:
        if self.player is not None or self.path is None:
            return self.player
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
        except ImportError as exc:
            self.status.setText(f"Playing needs Qt's multimedia module ({exc}).")
            return None
        if QMediaDevices.defaultAudioOutput().isNull():
            self.status.setText("No speakers or sound server found: the take cannot play here.")
            return None
        self.output = QAudioOutput(self)
        self.player = QMediaPlayer(self)
        self.player.setAudioOutput(self.output)
        self.player.positionChanged.connect(self._position_changed)
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.errorOccurred.connect(lambda _e, text: self.status.setText(text))
        self.player.setPlaybackRate(float(self.speed.currentData()))
        self.player.setSource(QUrl.fromLocalFile(str(self.path)))
        return self.player

    @property
    def playing(self) -> bool:
        from PySide6.QtMultimedia import QMediaPlayer

        return (
            self.player is not None
            and self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        )

    def toggle(self) -> None:
        """Play, or pause where it is."""
        player = self._ensure_player()
        if player is None:
            return
        if self.playing:
            player.pause()
        else:
            player.play()

    def seek(self, seconds: float) -> None:
        player = self._ensure_player()
        if player is not None:
            player.setPosition(int(seconds * 1000))
        self.strip.set_position(seconds)

    def stop(self) -> None:
        """Stop and let go of the file (closing the window, deleting the take)."""
        if self.transcript is not None:
            self.transcript.close_panel()
        if self.player is not None:
            self.player.stop()
            self.player.setSource(QUrl())

    def _speed_changed(self) -> None:
        if self.player is not None:
            self.player.setPlaybackRate(float(self.speed.currentData()))

    def _position_changed(self, ms: int) -> None:
        self.strip.set_position(ms / 1000)
        self.slider.blockSignals(True)
        self.slider.setValue(ms)
        self.slider.blockSignals(False)
        total = self.strip.seconds
        self.time.setText(f"{clock(ms / 1000)} / {clock(total)}")

    def _slider_changed(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.seek(ms / 1000)  # keys and page clicks on the slider

    def _state_changed(self) -> None:
        self.play_button.setText("Pause" if self.playing else "Play")

    # --- deleting -----------------------------------------------------------

    def ask_delete(self) -> None:
        """Delete the take after asking; the answer and its measures stay."""
        if self.path is None or not self._confirm():
            return
        self.stop()
        try:
            self.service.delete_take(self.attempt.attempt_id)
        except StorageError as exc:
            self.status.setText(f"Not deleted: {exc}")
            return
        self.path = None
        if self.transcript is not None:
            self.transcript.hide()
        self.attempt = replace(self.attempt, recording=None)
        self._show_take()
        self.deleted.emit()

    def _confirm(self) -> bool:
        return ask_yes(
            self,
            "Delete this recording?",
            "The recorded audio of this answer is deleted from this computer. "
            "The answer, its rating and the measured delivery stay.",
        )
