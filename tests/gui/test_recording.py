"""Recording answers in Practice: through the real QAudioSource from a fake
microphone (a PulseAudio daemon of the test run's own, see
tests/fake_microphone.py), stored beside the bank, replayed with the real
QMediaPlayer, deleted; and what the candidate sees without a microphone.
"""

from __future__ import annotations

import sqlite3
import stat
import sys
import wave
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from storybank.core.recordings import TakeWriter
from storybank.gui.main_window import MainWindow
from storybank.gui.practice.view import PracticeView

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fake_microphone import FakeMicrophone
from spoken_takes import speech_like

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def sound(seconds: float) -> bytes:
    """Speech-like 16 kHz mono 16-bit sound."""
    samples = np.clip(speech_like(seconds, 16_000), -32768, 32767).astype("<i2")
    return samples.tobytes()


def open_practice(qtbot: QtBot, window: MainWindow) -> tuple[PracticeView, FakeClock]:
    """Practice (Ctrl+3) with recording ticked, a one-prompt mock, no preparation."""
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    view = window.practice_view
    assert view is not None
    clock = FakeClock()
    view.clock = clock
    option = view.chooser.findChild(QCheckBox, "recordAnswers")
    assert option is not None
    assert option.isEnabled(), option.toolTip()
    if not option.isChecked():
        qtbot.mouseClick(option, LEFT, pos=QPoint(10, option.height() // 2))
    assert option.isChecked()
    view.chooser.prep.setValue(0)
    view.chooser.mock_size.setValue(1)
    qtbot.mouseClick(view.chooser.start_button, LEFT)
    assert view.pages.currentWidget() is view.session
    return view, clock


#: Silence said before and after the sound: the microphone's stream may take a
#: moment to flow, and a stop may come a moment early; only silence is lost then.
QUIET = bytes(16_000)  # half a second


def speak(qtbot: QtBot, microphone: FakeMicrophone, writer: TakeWriter, said: bytes) -> None:
    """Say ``said`` between two half seconds of silence, once sound reaches the take."""
    lead = microphone.say(QUIET)
    qtbot.waitUntil(lambda: not lead.is_alive() and writer.data_bytes > 0, timeout=10_000)
    start = writer.data_bytes
    microphone.say(said + QUIET)  # never join: the window must keep reading meanwhile
    try:
        qtbot.waitUntil(lambda: writer.data_bytes >= start + len(said) + len(QUIET) // 2,
                        timeout=20_000)  # fmt: skip
    except qtbot.TimeoutError:
        pytest.fail(f"recorded {writer.data_bytes - start} of {len(said)} bytes")


def holds(take: bytes, *sounds: bytes) -> bool:
    """Whether ``take`` is the sounds, in order, with nothing but silence around them."""
    at = 0
    for sound in sounds:
        found = take.find(sound, at)
        if found < 0 or any(take[at:found]):
            return False
        at = found + len(sound)
    return not any(take[at:])


def record(
    qtbot: QtBot, view: PracticeView, clock: FakeClock, microphone: FakeMicrophone, said: bytes
) -> None:
    """Answer out loud: Space, speak ``said`` into the microphone, Space."""
    page = view.session
    recorder = view.recording.recorder
    assert recorder is not None
    levels: list[float] = []
    recorder.level.connect(levels.append)
    # Nobody else records (a stream of an earlier test would take the sound).
    qtbot.waitUntil(lambda: not microphone.listening(), timeout=5000)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert recorder.recording
    assert view.recording.row.isVisible()
    qtbot.waitUntil(microphone.listening, timeout=5000)
    writer = recorder.writer
    assert writer is not None
    speak(qtbot, microphone, writer, said)
    assert max(levels) > 0.1  # the meter heard it
    clock.now += len(said) / 32_000
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert not recorder.recording


def stored_takes(window: MainWindow) -> list[tuple[str | None, str | None]]:
    with closing(sqlite3.connect(window.service.repo.db.path)) as conn, conn:
        return conn.execute("SELECT recording, delivery FROM attempt ORDER BY id").fetchall()


def test_an_answer_recorded_from_the_microphone_is_stored_sample_for_sample(
    qtbot: QtBot,
    window: MainWindow,
    microphone: FakeMicrophone,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storybank.gui.practice.attempt import AttemptDialog

    said = sound(6.0)
    view, clock = open_practice(qtbot, window)
    record(qtbot, view, clock, microphone, said)
    [(name, delivery)] = stored_takes(window)
    assert name is not None and delivery is not None
    path = data_dir / "recordings" / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with wave.open(str(path), "rb") as take:
        assert (take.getnchannels(), take.getsampwidth(), take.getframerate()) == (1, 2, 16_000)
        heard = take.readframes(take.getnframes())
    assert holds(heard, said)  # sample for sample, with only silence around it
    state = view.session.findChild(QLabel, "recordingState")
    assert state is not None and "wpm" in state.text()

    # The prompt comes back (unrated): its history beside it offers the replay.
    qtbot.keyClick(view.session, Qt.Key.Key_N)
    qtbot.mouseClick(view.summary.again_deck_button, LEFT)
    history = view.session.history
    assert 'href="attempt:' in history.text() and "replay" in history.text()
    played: list[int] = []

    def play(dialog: AttemptDialog) -> int:
        panel = dialog.replay
        assert panel is not None
        assert "short of the 1:30–2:30 a good answer lasts" in panel.measures.text()
        qtbot.mouseClick(panel.play_button, LEFT)
        assert panel.player is not None, panel.status.text()
        qtbot.waitUntil(lambda: panel.player.position() > 500, timeout=10_000)  # type: ignore[union-attr]
        played.append(panel.player.position())  # type: ignore[union-attr]
        return 0

    monkeypatch.setattr(AttemptDialog, "exec", play)
    history.setFocus()
    qtbot.keyClick(history, Qt.Key.Key_Tab)  # to the link
    qtbot.keyClick(history, Qt.Key.Key_Return)
    assert played and played[0] > 500  # it plays back
    qtbot.keyClick(view.session, Qt.Key.Key_Escape)

    # Progress ▸ Delivery charts it.
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    progress = window.progress_view
    assert progress is not None
    progress.tabs.setCurrentWidget(progress.delivery)
    assert progress.delivery.stack.currentIndex() == 1
    assert "words a minute" in progress.delivery.latest.text()
    assert len(progress.delivery.pace.points) == 1


def test_record_replay_from_the_review_then_delete(
    qtbot: QtBot,
    window: MainWindow,
    microphone: FakeMicrophone,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: object,
) -> None:
    from storybank.gui.practice.attempt import AttemptDialog

    view, clock = open_practice(qtbot, window)
    record(qtbot, view, clock, microphone, sound(4.0))
    qtbot.keyClick(view.session, Qt.Key.Key_3)
    qtbot.keyClick(view.session, Qt.Key.Key_Escape)
    review = view.summary
    assert view.pages.currentWidget() is review
    assert "wpm" in review.table.item(0, 3).text()  # type: ignore[union-attr]
    [(name, _)] = stored_takes(window)
    assert name is not None
    path = data_dir / "recordings" / name
    assert path.is_file()
    played: list[int] = []

    def replay(dialog: AttemptDialog) -> int:
        panel = dialog.replay
        assert panel is not None and panel.strip.isVisibleTo(dialog)
        assert "words a minute" in panel.measures.text()
        qtbot.mouseClick(panel.play_button, LEFT)
        assert panel.player is not None, panel.status.text()
        qtbot.waitUntil(lambda: panel.player.position() > 300, timeout=10_000)  # type: ignore[union-attr]
        played.append(panel.player.position())  # type: ignore[union-attr]
        qtbot.mouseClick(panel.play_button, LEFT)  # pause
        qtbot.waitUntil(lambda: not panel.playing, timeout=5000)
        boxes.answer = QMessageBox.StandardButton.Yes  # type: ignore[attr-defined]
        delete = dialog.findChild(QPushButton, "deleteRecording")
        assert delete is not None
        qtbot.mouseClick(delete, LEFT)
        assert "deleted" in panel.status.text()
        return 0

    monkeypatch.setattr(AttemptDialog, "exec", replay)
    review.table.selectRow(0)
    assert review.replay_button.isEnabled()
    qtbot.mouseClick(review.replay_button, LEFT)
    assert played and played[0] > 300
    assert not path.exists()
    assert list((data_dir / "recordings").iterdir()) == []
    [(name, delivery)] = stored_takes(window)
    assert name is None and delivery is not None  # the measures stay


def test_without_a_sound_server_recording_is_off_with_the_reason(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storybank.gui.practice import recorder

    monkeypatch.setattr(recorder, "microphone", lambda: (None, "No microphone was found."))
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    view = window.practice_view
    assert view is not None
    option = view.chooser.findChild(QCheckBox, "recordAnswers")
    assert option is not None
    assert not option.isEnabled() and "No microphone was found." in option.toolTip()
    assert view.recording.why_off.text() == "No microphone was found."  # said beside it
    view.chooser.prep.setValue(0)
    qtbot.mouseClick(view.chooser.start_button, LEFT)
    qtbot.keyClick(view.session, Qt.Key.Key_Space)
    assert not view.recording.row.isVisible()


def test_preferences_keep_fewer_recordings_after_asking_and_delete_all(
    qtbot: QtBot,
    window: MainWindow,
    data_dir: Path,
    boxes: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import UTC, datetime, timedelta

    from storybank.core.recordings import TakeWriter, new_name
    from storybank.core.session import Answer, DeckEntry
    from storybank.gui.dialogs.preferences import PreferencesDialog
    from storybank.gui.settings import Preferences

    service = window.practice_service()
    prompt = service.prompts()[0]
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    for minutes in range(3):
        name = new_name()
        writer = TakeWriter(service.recordings_folder() / name)
        writer.write(sound(2.0))
        writer.close()
        answer = Answer(DeckEntry(prompt, ""), started_at=start + timedelta(minutes=minutes),
                        duration=2.0)  # fmt: skip
        service.attach_take(service.save_answer(answer, "s"), name)
    folder = data_dir / "recordings"
    assert len(list(folder.iterdir())) == 3

    dialog = PreferencesDialog(window.service, window.settings, window,
                               practice=window.practice_service)  # fmt: skip
    qtbot.addWidget(dialog)
    page = dialog.recordings_page
    assert page is not None
    assert page.usage.text().startswith("3 recordings, ")
    assert not page.count.isVisibleTo(page)
    page.mode.setCurrentIndex(1)  # the latest of each prompt
    assert page.count.isVisibleTo(page)
    page.count.setValue(1)
    boxes.answer = QMessageBox.StandardButton.No  # type: ignore[attr-defined]
    dialog.accept()
    assert len(list(folder.iterdir())) == 3  # said no: nothing deleted, the old setting kept
    assert "deletes 2 older recordings" in boxes.shown[-1][1]  # type: ignore[attr-defined]
    assert window.settings.value("recordings/keep") in (-1, "-1")

    dialog = PreferencesDialog(window.service, window.settings, window,
                               practice=window.practice_service)  # fmt: skip
    qtbot.addWidget(dialog)
    page = dialog.recordings_page
    assert page is not None
    page.mode.setCurrentIndex(1)
    page.count.setValue(1)
    boxes.answer = QMessageBox.StandardButton.Yes  # type: ignore[attr-defined]
    dialog.accept()
    [kept] = list(folder.iterdir())
    assert [a.recording for a in service.attempts()] == [None, None, kept.name]
    window.apply_preferences()
    assert window.practice_view is None or window.practice_view.keep == 1

    dialog = PreferencesDialog(window.service, window.settings, window,
                               practice=window.practice_service)  # fmt: skip
    qtbot.addWidget(dialog)
    page = dialog.recordings_page
    assert page is not None and page.keep() == 1
    # A folder that is no Whisper model is refused with the reason; the choice stays.
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(data_dir))
    qtbot.mouseClick(page.choose_model, LEFT)
    assert boxes.shown[-1][0] == "warning" and "model.bin" in boxes.shown[-1][1]  # type: ignore[attr-defined]
    assert page.model == "" and not page.bundled_model.isEnabled()
    model = data_dir / "whisper"
    model.mkdir()
    for name in ("model.bin", "tokenizer.json", "vocabulary.txt"):
        (model / name).write_text("x")
    (model / "config.json").write_text("{}")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(model))
    qtbot.mouseClick(page.choose_model, LEFT)
    assert page.model == str(model) and page.model_label.text() == str(model)
    assert page.bundled_model.isEnabled()
    qtbot.mouseClick(page.delete_all, LEFT)
    assert list(folder.iterdir()) == []
    assert page.usage.text() == "0 recordings, 0 KB" and not page.delete_all.isEnabled()
    assert all(a.delivery is not None for a in service.attempts())  # the measures stay
    dialog.accept()
    assert Preferences.load(window.settings).transcript_model == str(model)


@pytest.mark.transcribe
def test_a_recorded_answer_is_transcribed_from_its_window_and_checked_against_its_story(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import subprocess
    from datetime import UTC, datetime

    from storybank.core.delivery import read_samples
    from storybank.core.recordings import TakeWriter, new_name
    from storybank.core.session import Answer, DeckEntry
    from storybank.core.transcript import availability
    from storybank.gui.practice.attempt import AttemptDialog
    from storybank.gui.practice.transcript_view import running

    ready, reason = availability()
    if not ready:
        pytest.skip(reason)
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("espeak-ng is not installed: no spoken take to transcribe")
    service = window.practice_service()
    stories = window.service
    [row] = [r for r in stories.repo.list_stories() if r.title.startswith("Hearing that my code")]
    record = stories.get_story(row.id)
    said = " ".join(
        " ".join(record.text(name).replace("*", "").split())
        for name in ("situation", "task", "action", "result")
    )
    spoken = tmp_path / "spoken.wav"
    subprocess.run([espeak, "-s", "160", "-w", str(spoken), said], check=True)
    name = new_name()
    writer = TakeWriter(service.recordings_folder() / name)
    writer.write(np.clip(read_samples(spoken) * 32767, -32768, 32767).astype("<i2").tobytes())
    writer.close()
    answer = Answer(DeckEntry(service.prompts()[0], ""), started_at=datetime.now(UTC),
                    duration=writer.seconds, story_id=row.id)  # fmt: skip
    service.attach_take(service.save_answer(answer, "t"), name)

    seen: dict[str, str] = {}

    def transcribe_it(dialog: AttemptDialog) -> int:
        dialog.show()
        assert dialog.replay is not None and dialog.replay.transcript is not None
        panel = dialog.replay.transcript
        assert panel.button.isEnabled(), panel.button.toolTip()
        qtbot.mouseClick(panel.button, LEFT)  # then cancelled at once
        assert panel.cancel.isVisible()
        qtbot.mouseClick(panel.cancel, LEFT)
        qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
        seen["cancelled"] = panel.status.text()
        qtbot.mouseClick(panel.button, LEFT)
        qtbot.waitUntil(lambda: panel.check is not None, timeout=120_000)
        qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
        seen["checks"] = seen["text"] = panel.text.toPlainText()
        dialog.close()
        return 0

    monkeypatch.setattr(AttemptDialog, "exec", transcribe_it)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    progress = window.progress_view
    assert progress is not None
    progress.history.setCurrentCell(0, 1)
    qtbot.keyClick(progress.history, Qt.Key.Key_Return)
    assert seen["cancelled"] in ("Cancelled.", "Cancelling…") or seen["cancelled"].startswith(
        "Transcribed"
    )
    assert "reviewer" in seen["text"] and "40%" in seen["text"]
    assert "heard" in seen["checks"] and "40%" in seen["checks"]
    assert "missed 40%" not in seen["checks"]
    qtbot.waitUntil(lambda: running() == 0, timeout=60_000)


def test_a_paused_answer_records_what_was_said_before_and_after_the_pause(
    qtbot: QtBot, window: MainWindow, microphone: FakeMicrophone, data_dir: Path
) -> None:
    before, after = sound(2.0), sound(3.0)[::-1]
    view, clock = open_practice(qtbot, window)
    page = view.session
    recorder = view.recording.recorder
    assert recorder is not None
    qtbot.waitUntil(lambda: not microphone.listening(), timeout=5000)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    qtbot.waitUntil(microphone.listening, timeout=5000)
    writer = recorder.writer
    assert writer is not None
    speak(qtbot, microphone, writer, before)
    qtbot.keyClick(page, Qt.Key.Key_P)
    assert recorder.paused and view.recording.label.text() == "Recording paused"
    qtbot.waitUntil(lambda: not microphone.listening(), timeout=5000)  # corked
    qtbot.keyClick(page, Qt.Key.Key_P)
    assert not recorder.paused and view.recording.label.text() == "● Recording"
    qtbot.waitUntil(microphone.listening, timeout=5000)  # the stream runs again
    speak(qtbot, microphone, writer, after)
    clock.now += 5
    qtbot.keyClick(page, Qt.Key.Key_Space)
    [(name, _)] = stored_takes(window)
    with wave.open(str(data_dir / "recordings" / str(name)), "rb") as take:
        assert holds(take.readframes(take.getnframes()), before, after)
