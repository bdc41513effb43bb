"""Recording an answer from the microphone, and the meter that shows it is heard.

QtMultimedia (PySide6-Addons; libpulse on Linux) is imported on first use,
never at start-up. With no QtMultimedia, no sound server or no microphone
:func:`microphone` says why, the practice view disables its option with that
reason, and everything else works as before.

:class:`Recorder` asks the default microphone for 16 kHz mono 16-bit sound and
writes what it hears straight into a :class:`~storybank.core.recordings.TakeWriter`
(whose header is kept true every second, so a crash loses at most that).
"""

from __future__ import annotations

import importlib.util
import math
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from storybank.core.recordings import (
    BYTES_PER_SECOND,
    CHANNELS,
    SAMPLE_RATE,
    TakeWriter,
    new_name,
)
from storybank.gui.theme import mark_secondary

#: Whether answers are recorded, remembered between sessions.
RECORD_KEY = "practice/record"

if TYPE_CHECKING:
    from PySide6.QtCore import QIODevice
    from PySide6.QtMultimedia import QAudioDevice, QAudioSource


def microphone() -> tuple[QAudioDevice | None, str]:
    """The microphone answers are recorded from, or None and why there is none."""
    if importlib.util.find_spec("PySide6.QtMultimedia") is None:
        return None, (
            "Recording needs Qt's multimedia module (the PySide6-Addons package), "
            "which is not installed."
        )
    try:
        from PySide6.QtMultimedia import QAudioFormat, QMediaDevices
    except ImportError as exc:  # e.g. libpulse missing on Linux
        return None, f"Qt's multimedia module could not load ({exc})."
    device = QMediaDevices.defaultAudioInput()
    if device.isNull():
        if not QMediaDevices.audioInputs():
            return None, "No microphone was found (or no sound server is running)."
        device = QMediaDevices.audioInputs()[0]
    wanted = QAudioFormat()
    wanted.setSampleRate(SAMPLE_RATE)
    wanted.setChannelCount(CHANNELS)
    wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    if not device.isFormatSupported(wanted):
        return None, f"The microphone “{device.description()}” cannot record 16 kHz mono."
    return device, f"Records from “{device.description()}”."


class Recorder(QObject):
    """One take at a time from the microphone into a file, with its level."""

    #: The loudest sample of the latest chunk, 0 to 1.
    level = Signal(float)
    #: Recording stopped by itself (the file could not be written, the device went).
    failed = Signal(str)

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self.writer: TakeWriter | None = None
        self.paused = False

    @property
    def recording(self) -> bool:
        return self.writer is not None

    def start(self, path: Path) -> None:
        """Record into ``path`` (a new file); raises OSError if it cannot be made."""
        from PySide6.QtMultimedia import QAudioFormat, QAudioSource

        self.stop()
        self.paused = False
        fmt = QAudioFormat()
        fmt.setSampleRate(SAMPLE_RATE)
        fmt.setChannelCount(CHANNELS)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self.writer = TakeWriter(path)
        self._source = QAudioSource(self.device, fmt, self)
        # Two seconds of room: a busy moment of the window loses no sound.
        self._source.setBufferSize(2 * BYTES_PER_SECOND)
        self._io = self._source.start()
        if self._io is None:
            self.discard()
            self.failed.emit("The microphone could not be opened.")
            return
        self._io.readyRead.connect(self._read)

    def pause(self) -> None:
        if self._source is not None:
            self._read()
            self._source.suspend()
            self.paused = True

    def resume(self) -> None:
        if self._source is not None:
            self._source.resume()
        self.paused = False

    def _read(self) -> None:
        if self._io is None or self.writer is None:
            return
        data = self._io.readAll().data()
        if not data:
            return
        try:
            self.writer.write(bytes(data))
        except OSError as exc:
            self.stop()
            self.failed.emit(f"Recording stopped: the take could not be written ({exc}).")
            return
        samples = array("h")
        samples.frombytes(data[: len(data) - len(data) % 2])
        if samples:
            self.level.emit(max(max(samples), -min(samples)) / 32768)

    def stop(self) -> Path | None:
        """Stop and finish the take; return its file (None if nothing was recording)."""
        if self._source is not None:
            self._read()
            self._source.stop()
            self._source.deleteLater()
        self._source = self._io = None
        writer, self.writer = self.writer, None
        if writer is None:
            return None
        try:
            writer.close()
        except OSError as exc:
            self.failed.emit(f"The take could not be finished ({exc}).")
        self.level.emit(0.0)
        return writer.path

    def discard(self) -> None:
        """Stop and delete the take (an answer that is not kept)."""
        writer = self.writer
        self.writer = None
        if self._source is not None:
            self._source.stop()
            self._source.deleteLater()
        self._source = self._io = None
        if writer is not None:
            writer.discard()
        self.level.emit(0.0)


class LevelMeter(QWidget):
    """A thin bar showing how loud the microphone hears the candidate."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("levelMeter")
        self.setAccessibleName("Microphone level")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.value = 0.0
        self.peak = 0.0

    def sizeHint(self) -> QSize:
        return QSize(160, 8)

    def set_level(self, value: float) -> None:
        """The latest level (0-1); the shown peak falls back slowly."""
        self.value = min(max(value, 0.0), 1.0)
        self.peak = max(self.value, self.peak * 0.85)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        track = self.palette().mid().color()
        track.setAlpha(80)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(rect, 3, 3)
        # Loudness is heard on a log scale: -60 dBFS reads as empty, 0 as full.
        shown = 0.0 if self.peak <= 0.001 else min(1.0, 1 + _decibels(self.peak) / 60)
        if shown > 0:
            color = QColor("#3f8f4f") if self.peak < 0.9 else QColor("#c0392b")
            painter.setBrush(color)
            painter.drawRoundedRect(QRectF(rect.x(), rect.y(), rect.width() * shown,
                                           rect.height()), 3, 3)  # fmt: skip
        painter.end()


def _decibels(amplitude: float) -> float:
    return 20 * math.log10(max(amplitude, 1e-6))


class AnswerRecording(QObject):
    """Recording in a practice session: the chooser's option (remembered), the
    meter row on the session page, and one take per answer, started and
    stopped by the answer timer."""

    def __init__(self, folder: Callable[[], Path], settings: QSettings | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.settings = settings
        self.option = QCheckBox("Record my answers")
        self.option.setObjectName("recordAnswers")
        self.device, self.reason = microphone()
        self.option.setEnabled(self.device is not None)
        self.option.setToolTip(
            self.reason + "\nThe recordings stay on this computer, in the data folder; "
            "Preferences decides how many are kept."
        )
        if self.device is not None and settings is not None:
            self.option.setChecked(settings.value(RECORD_KEY, False, type=bool) is True)
        self.option.toggled.connect(self._remember)
        # Why it is off, beside it: a disabled box shows no tooltip on some desktops.
        self.why_off = QLabel("" if self.device is not None else self.reason)
        self.why_off.setObjectName("recordingOff")
        self.why_off.setWordWrap(True)
        mark_secondary(self.why_off)
        self.option_row = QWidget()
        option_row = QHBoxLayout(self.option_row)
        option_row.setContentsMargins(0, 0, 0, 0)
        option_row.addWidget(self.option)
        option_row.addWidget(self.why_off, 1)
        self.recorder = None if self.device is None else Recorder(self.device, self)
        self.meter = LevelMeter()
        self.label = QLabel()
        self.label.setObjectName("recordingState")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.row = QWidget()
        row = QHBoxLayout(self.row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.meter, 1)
        self.row.setMaximumWidth(520)
        self.row.hide()
        if self.recorder is not None:
            self.recorder.level.connect(self.meter.set_level)
            self.recorder.failed.connect(self._failed)

    @property
    def on(self) -> bool:
        return self.recorder is not None and self.option.isChecked()

    def _remember(self, checked: bool) -> None:
        if self.settings is not None:
            self.settings.setValue(RECORD_KEY, checked)

    def new_prompt(self) -> None:
        """A prompt is on screen: the row shows whether its answer will be recorded."""
        self.discard()
        self.row.setVisible(self.on)
        self.label.setText("Recording starts with your answer.")
        self.meter.set_level(0.0)

    def follow(self, answering: bool, paused: bool) -> None:
        """Keep the recorder in step with the answer timer."""
        recorder = self.recorder
        if recorder is None or not self.on:
            return
        if answering and not recorder.recording:
            try:
                recorder.start(self.folder() / new_name())
            except OSError as exc:
                self._failed(f"Not recording: the take could not be created ({exc}).")
                return
            self.label.setText("● Recording")
        elif paused and recorder.recording and not recorder.paused:
            recorder.pause()
            self.label.setText("Recording paused")
        elif answering and recorder.recording and recorder.paused:
            recorder.resume()
            self.label.setText("● Recording")

    def finish(self) -> str | None:
        """The answer stopped: finish its take and return its file name (None if none)."""
        if self.recorder is None or not self.recorder.recording:
            return None
        path = self.recorder.stop()
        return None if path is None else path.name

    def show_result(self, text: str) -> None:
        self.label.setText(text)

    def discard(self) -> None:
        """The answer was left unfinished: its take is not kept."""
        if self.recorder is not None and self.recorder.recording:
            self.recorder.discard()

    def _failed(self, reason: str) -> None:
        self.label.setText(reason)
        self.row.show()
