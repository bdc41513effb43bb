"""Recorded answers on disk: a take written as it is spoken (and what a crash
leaves), retention, the folder's count, the delivery kept with an answer;
and the practice service tying, keeping and deleting takes."""

from __future__ import annotations

import json
import math
import stat
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storybank.core import recordings
from storybank.core.recordings import (
    BYTES_PER_SECOND,
    DeliverySummary,
    Take,
    TakeWriter,
    expired,
    is_take_name,
    new_name,
    usage,
)
from storybank.core.repository import Repository
from storybank.core.session import Answer, DeckEntry
from storybank.services.practice import PracticeService
from storybank.services.stories import StoryService

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as take:
        assert (take.getnchannels(), take.getsampwidth(), take.getframerate()) == (1, 2, 16_000)
        return take.readframes(take.getnframes())


def test_a_take_is_private_and_holds_what_was_written_even_split_mid_sample(
    tmp_path: Path,
) -> None:
    path = tmp_path / new_name()
    writer = TakeWriter(path)
    sound = bytes(range(256)) * 100
    for start in range(0, len(sound), 333):  # odd sizes: samples split across writes
        writer.write(sound[start : start + 333])
    writer.close()
    writer.close()  # twice is harmless
    assert frames(path) == sound
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        TakeWriter(path)  # a take is never overwritten


def test_a_crash_mid_answer_leaves_a_playable_take_short_of_at_most_a_second(
    tmp_path: Path,
) -> None:
    path = tmp_path / new_name()
    writer = TakeWriter(path)
    chunk = b"\x01\x02" * 1600  # 0.1 s
    for _ in range(25):
        writer.write(chunk)
    # No close: the process died here. The header says 2 of the 2.5 seconds.
    kept = frames(path)
    assert len(kept) == 2 * BYTES_PER_SECOND
    assert kept == (chunk * 25)[: len(kept)]
    writer.discard()
    assert not path.exists()


def test_names_are_random_and_nothing_else_counts_as_a_take() -> None:
    one, two = new_name(), new_name()
    assert one != two and is_take_name(one)
    for name in ("../x.wav", "a.wav", one.upper().replace("WAV", "wav") + "x", one + ".part", ""):
        assert not is_take_name(name)


def test_retention_keeps_the_latest_per_prompt() -> None:
    takes = [Take(i, "ab"[i % 2], NOW + timedelta(minutes=i), f"{i}.wav") for i in range(7)]
    assert expired(takes, None) == []
    # Prompt a (even ids) keeps 6 and 4, prompt b (odd ids) keeps 5 and 3; oldest first.
    assert [t.attempt_id for t in expired(takes, 2)] == [0, 1, 2]
    assert {t.attempt_id for t in expired(takes, 0)} == set(range(7))
    assert expired(takes, 10) == []


def test_the_folder_is_counted_against_the_takes_answers_name(tmp_path: Path) -> None:
    tied, loose, gone = new_name(), new_name(), new_name()
    (tmp_path / tied).write_bytes(b"x" * 3000)
    (tmp_path / loose).write_bytes(b"x" * 500)
    (tmp_path / "notes.txt").write_text("not a take")
    (tmp_path / new_name()).mkdir()
    found = usage(tmp_path, [tied, gone])
    assert (found.takes, found.bytes, found.loose, found.loose_bytes, found.missing) == (
        1, 3000, 1, 500, 1,
    )  # fmt: skip
    assert (
        found.summary()
        == "1 recording, 3 KB; 1 tied to an answer but missing; 1 not tied to an answer (0 KB)"
    )
    assert usage(tmp_path / "none", []).summary() == "0 recordings, 0 KB"


def test_a_delivery_summary_round_trips_and_anything_else_reads_as_none() -> None:
    summary = DeliverySummary(101.5, 88.0, 6, 1, 2.6, 141.0)
    assert DeliverySummary.parse(summary.to_json()) == summary
    assert "141 words a minute" in summary.text() and "1 over 2 s" in summary.text()
    for bad in (None, "", "{", "[]", '{"pauses": 3}', json.dumps({**json.loads(summary.to_json()),
                "pauses": -1}), summary.to_json().replace("6", "true")):  # fmt: skip
        assert DeliverySummary.parse(bad) is None


NUMBERS = st.one_of(st.floats(allow_nan=True), st.integers(), st.booleans(), st.none())
STORED = st.dictionaries(st.sampled_from(DeliverySummary.FIELDS), NUMBERS).map(json.dumps)


@given(st.text(max_size=200) | STORED)
def test_a_stored_delivery_is_either_sound_or_none(text: str) -> None:
    summary = DeliverySummary.parse(text)
    if summary is not None:
        values = [getattr(summary, k) for k in DeliverySummary.FIELDS]
        assert all(math.isfinite(v) and v >= 0 for v in values)


# --- the practice service ---------------------------------------------------------


def practice(repo: Repository) -> PracticeService:
    return PracticeService(StoryService(repo, repo.db.path.parent), now=lambda: NOW)


def take_of(service: PracticeService, seconds: float = 1.0) -> str:
    """A finished take (a tone: measured, with no pauses) in the recordings folder."""
    name = new_name()
    writer = TakeWriter(service.recordings_folder() / name)
    tone = bytearray()
    for i in range(int(seconds * 16_000)):
        value = int(8000 * math.sin(2 * math.pi * 220 * i / 16_000))
        tone += value.to_bytes(2, "little", signed=True)
    writer.write(bytes(tone))
    writer.close()
    return name


def answered(service: PracticeService, prompt_index: int, minutes: int) -> Answer:
    prompt = service.prompts()[prompt_index]
    answer = Answer(DeckEntry(prompt, ""), started_at=NOW + timedelta(minutes=minutes),
                    duration=60.0)  # fmt: skip
    return service.save_answer(answer, "s1")


def test_a_take_is_tied_measured_and_let_go_by_the_retention_setting(
    repo: Repository,
) -> None:
    service = practice(repo)
    folder = service.recordings_folder()
    assert folder == repo.db.path.parent / recordings.FOLDER_NAME
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    names = []
    for minutes in range(3):
        name = take_of(service)
        answer = service.attach_take(answered(service, 0, minutes), name, keep=2)
        assert answer.recording == name and answer.delivery is not None
        names.append(name)
    other = service.attach_take(answered(service, 1, 5), take_of(service), keep=2)
    assert not (folder / names[0]).exists()  # the oldest of prompt 0 went
    assert all((folder / n).exists() for n in names[1:])
    first = service.attempts()[0]
    assert first.recording is None and first.delivery is not None  # its measures stay
    assert service.recording_usage().takes == 3
    assert service.apply_retention(1) == 1
    assert service.take_path(names[1]) is None and service.take_path(names[2]) is not None
    service.delete_take(other.attempt_id)  # type: ignore[arg-type]
    assert service.recording_usage().takes == 1
    (folder / new_name()).write_bytes(b"")  # loose: a crash mid-answer
    assert service.recording_usage().loose == 1
    assert service.delete_all_takes() == 2
    assert list(folder.iterdir()) == []
    assert [a.recording for a in service.attempts()] == [None] * 4


def test_a_take_that_cannot_be_measured_is_kept_unmeasured(repo: Repository) -> None:
    service = practice(repo)
    name = new_name()
    TakeWriter(service.recordings_folder() / name).close()  # no sound at all
    answer = service.attach_take(answered(service, 0, 0), name)
    stored = service.attempt(answer.attempt_id)  # type: ignore[arg-type]
    assert stored is not None and stored.recording == name
    assert stored.delivery is None and answer.delivery is None
