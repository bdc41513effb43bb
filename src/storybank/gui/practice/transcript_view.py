"""A recorded answer's transcript, made on this computer on request: off the
GUI thread, with progress and Cancel, then read by the coach (fillers, "I"
against "we", the story's key points heard or missed, the sentence rules).

Needs the optional extra (``uv sync --extra transcribe``); without it the
button is disabled and says how to get it. Nothing is sent anywhere.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QThread, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from storybank.core.markdown import escape
from storybank.core.speaking import counted
from storybank.gui.theme import mark_secondary

if TYPE_CHECKING:
    from storybank.core.records import StoryRecord, ValueInfo
    from storybank.core.transcript import Transcript, TranscriptCheck

#: Threads still finishing after their panel closed (kept until they end).
_RUNNING: set[TranscribeThread] = set()


class TranscribeThread(QThread):
    """One transcript made on a worker thread; cancelled between segments."""

    progressed = Signal(float)
    made = Signal(object)  # Transcript
    failed = Signal(str)

    def __init__(self, path: Path, model: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.model = model
        self.stop = threading.Event()

    def run(self) -> None:
        from storybank.core.transcript import TranscriptCancelled, TranscriptError, transcribe

        try:
            made = transcribe(
                self.path,
                model_dir=self.model,
                progress=self.progressed.emit,
                cancelled=self.stop.is_set,
            )
        except TranscriptCancelled:
            self.failed.emit("Cancelled.")
        except (TranscriptError, OSError, RuntimeError, ValueError) as exc:
            self.failed.emit(f"No transcript: {exc}")
        else:
            self.made.emit(made)


class TranscriptPanel(QWidget):
    """Transcribe, its progress and Cancel, then the transcript and what it said."""

    def __init__(
        self,
        path: Path,
        story: StoryRecord | None,
        values: list[ValueInfo],
        *,
        model: Path | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("transcriptPanel")
        self.path = path
        self.model = model
        self.story = story
        self.values = values
        self.worker: TranscribeThread | None = None
        self.transcript: Transcript | None = None
        self.check: TranscriptCheck | None = None
        self.button = QPushButton("Transcribe")
        self.button.setObjectName("transcribe")
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelTranscript")
        self.cancel.hide()
        self.bar = QProgressBar()
        self.bar.setObjectName("transcriptProgress")
        self.bar.setRange(0, 100)
        self.bar.hide()
        self.status = QLabel()
        self.status.setObjectName("transcriptStatus")
        self.status.setWordWrap(True)
        mark_secondary(self.status)
        self.text = QTextBrowser()
        self.text.setObjectName("transcriptText")
        self.text.setAccessibleName("Transcript of the answer")
        lines = self.text.fontMetrics().lineSpacing()
        self.text.setMinimumHeight(8 * lines)
        self.text.setMaximumHeight(14 * lines)
        self.text.hide()
        self._lay_out()
        self.button.clicked.connect(self.start)
        self.cancel.clicked.connect(self.stop)
        self._offer()

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.text)

    def _offer(self) -> None:
        from storybank.core.transcript import availability

        ready, reason = availability()
        self.button.setEnabled(ready)
        self.button.setToolTip(
            reason if not ready else "Transcribe the answer on this computer (nothing is sent)"
        )
        self.status.setText("" if ready else reason)

    def start(self) -> None:
        if self.worker is not None:
            return
        thread = TranscribeThread(self.path, self.model)
        thread.progressed.connect(lambda share: self.bar.setValue(round(share * 100)))
        thread.made.connect(self._made)
        thread.failed.connect(self._failed)
        thread.finished.connect(self._ended)
        thread.finished.connect(lambda: _forget(thread))
        self.worker = thread
        _stop_on_quit()
        _RUNNING.add(thread)
        self.button.setEnabled(False)
        self.bar.setValue(0)
        self.bar.show()
        self.cancel.show()
        self.status.setText("Transcribing on this computer…")
        thread.start()

    def stop(self) -> None:
        """Cancel a transcript being made (it stops after the segment in hand)."""
        if self.worker is not None:
            self.worker.stop.set()
            self.status.setText("Cancelling…")

    def close_panel(self) -> None:
        """The window closes: cancel, and hear nothing more from the thread."""
        thread, self.worker = self.worker, None
        if thread is not None:
            thread.stop.set()
            for signal in (thread.progressed, thread.made, thread.failed):
                signal.disconnect()
            thread.finished.disconnect(self._ended)

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def _ended(self) -> None:
        self.worker = None
        self.bar.hide()
        self.cancel.hide()
        self.button.setEnabled(True)

    def _failed(self, reason: str) -> None:
        self.status.setText(reason)

    def _made(self, transcript: Transcript) -> None:
        from storybank.core.transcript import check

        self.transcript = transcript
        self.check = check(transcript.text, self.story, self.values)
        self.button.setText("Transcribe Again")
        self.status.setText(
            f"Transcribed in {transcript.seconds:.1f} s by {transcript.model}, on this computer."
        )
        # What it says first, then the words with the fillers marked; one scrolling box.
        self.text.setHtml(
            checks_html(self.check, has_story=self.story is not None)
            + "<hr>"
            + _marked(transcript.text, self.check)
        )
        self.text.show()
        window = self.window()
        if window is not self and window.isVisible():
            window.adjustSize()  # room for the transcript, within the screen


def _marked(text: str, check: TranscriptCheck) -> str:
    """The transcript with its fillers marked."""
    parts, at = [], 0
    for start, end in sorted(check.filler_spans):
        if start < at:
            continue
        parts.append(escape(text[at:start]))
        parts.append(
            f"<span style='background:#f3d27a;color:#000'>{escape(text[start:end])}</span>"
        )
        at = end
    parts.append(escape(text[at:]))
    return "".join(parts) or "<i>No words were heard.</i>"


def checks_html(check: TranscriptCheck, *, has_story: bool) -> str:
    """What the transcript says about the answer, one line each."""
    fillers = ", ".join(f"“{word}” {n}" for word, n in check.fillers.items())
    lines = [
        f"<b>Fillers:</b> {check.filler_count} in {counted(check.words, 'word')}"
        + (f" ({escape(fillers)})" if fillers else ""),
        f"<b>I / we:</b> “I” {check.singular} times, “we” {check.plural} times",
    ]
    if has_story:
        heard = [p.label for p in check.key_points if p.heard]
        missed = [p.label for p in check.key_points if not p.heard]
        if check.key_points:
            lines.append(
                "<b>Key points:</b> "
                + (f"heard {escape(', '.join(heard))}" if heard else "none heard")
                + (f"; <span style='color:#b8453b'>missed {escape(', '.join(missed))}</span>"
                   if missed else "")
            )  # fmt: skip
        else:
            lines.append("<b>Key points:</b> the story's Result has no number to listen for")
    else:
        lines.append("<b>Key points:</b> no story was noted for this answer")
    for finding in check.findings[:4]:
        lines.append(f"<b>Coach:</b> {escape(finding.message)}")
    return "<br>".join(lines)


_hooked: list[QCoreApplication] = []


def _stop_on_quit() -> None:
    """Quitting mid-transcript stops it first (a QThread destroyed running aborts)."""
    app = QCoreApplication.instance()
    if app is not None and app not in _hooked:
        app.aboutToQuit.connect(stop_all)
        _hooked.append(app)


def _forget(thread: TranscribeThread) -> None:
    _RUNNING.discard(thread)
    thread.deleteLater()


def running() -> int:
    """How many transcripts are still being made (for tests and for quitting)."""
    return len(_RUNNING)


def stop_all() -> None:
    """Ask every transcript being made to stop (the app is quitting)."""
    for thread in list(_RUNNING):
        thread.stop.set()
    for thread in list(_RUNNING):
        thread.wait(10_000)
