"""The delivery measurement against takes whose truth is known.

espeak-ng speaks one answer at four rates with designed breaks (three of
2.5 s, two of 0.8 s; tests/spoken_takes.py); each take is measured as
espeak-ng wrote it and again with a room's noise under it (white noise and a
50 Hz hum at -50 dBFS). The bar: the pause counts exact on every take (over
0.5 s and over 2 s), the speaking time within 5 % of the truth, the four
rates in the right order and each within 20 % of the true syllables a
minute. Then the refusals, and what silence, a steady tone and made-up takes
of tone bursts come to.
"""

from __future__ import annotations

import json
import struct
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spoken_takes import (
    ESPEAK,
    NO_ESPEAK,
    PHRASES,
    RATES,
    SYLLABLES,
    Truth,
    noisy,
    render,
    samples_of,
    tone,
    words,
    write_wav,
)
from storybank.core.delivery import (
    DeliveryError,
    DeliveryReport,
    Thresholds,
    measure_file,
    report_to_json,
)
from storybank.core.speaking import CoachSettings

needs_espeak = pytest.mark.skipif(ESPEAK is None, reason=NO_ESPEAK)


@dataclass(frozen=True)
class Take:
    rate: int
    kind: str
    path: Path
    truth: Truth


@pytest.fixture(scope="module")
def takes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], Take]:
    """Every rate, as espeak-ng wrote it ("clean") and with noise under it ("noisy")."""
    if ESPEAK is None:
        pytest.skip(NO_ESPEAK)
    folder = tmp_path_factory.mktemp("takes")
    made = {}
    for rate in RATES:
        clean = folder / f"answer-{rate}.wav"
        truth = render(rate, clean)
        made[rate, "clean"] = Take(rate, "clean", clean, truth)
        made[rate, "noisy"] = Take(rate, "noisy", noisy(clean, folder / f"noisy-{rate}.wav"), truth)
    return made


EVERY_TAKE = [(rate, kind) for rate in RATES for kind in ("clean", "noisy")]


def measured(take: Take) -> DeliveryReport:
    return measure_file(take.path)


# --- the takes ---------------------------------------------------------------------


def test_every_word_of_the_answer_has_its_syllables() -> None:
    spoken = {word for phrase, _ in PHRASES for word in words(phrase)}
    assert spoken == set(SYLLABLES)
    assert [pause for _, pause in PHRASES] == [2.5, 0.8, 2.5, 0.8, 2.5, 0.0]


@needs_espeak
def test_the_takes_hold_the_designed_breaks(takes: dict[tuple[int, str], Take]) -> None:
    for rate in RATES:
        take = takes[rate, "clean"]
        _, sample_rate = samples_of(take.path)
        assert sample_rate == 22050
        assert (take.truth.count(0.5), take.truth.count(2.0)) == (5, 3)
        # Before the first word and after the last: short, and no pause.
        assert take.truth.leading < 0.05 and take.truth.trailing < 0.7
    durations = [takes[rate, "clean"].truth.speaking_seconds for rate in RATES]
    assert durations == sorted(durations, reverse=True)


# --- the bar -------------------------------------------------------------------------


@needs_espeak
@pytest.mark.parametrize(("rate", "kind"), EVERY_TAKE)
def test_pause_counts_are_exact(takes: dict[tuple[int, str], Take], rate: int, kind: str) -> None:
    take = takes[rate, kind]
    report = measured(take)
    assert len(report.pauses) == take.truth.count(0.5) == 5
    assert len(report.long_pauses) == take.truth.count(2.0) == 3
    # Where they are: each measured pause starts within 0.15 s of the true one.
    for pause, (start, _seconds) in zip(report.pauses, take.truth.spans, strict=True):
        assert pause.start == pytest.approx(start, abs=0.15)


@needs_espeak
@pytest.mark.parametrize(("rate", "kind"), EVERY_TAKE)
def test_speaking_time_is_within_5_percent(
    takes: dict[tuple[int, str], Take], rate: int, kind: str
) -> None:
    take = takes[rate, kind]
    report = measured(take)
    assert report.speaking_seconds == pytest.approx(take.truth.speaking_seconds, rel=0.05)
    assert report.duration_seconds == pytest.approx(take.truth.duration, abs=0.001)
    assert report.silence_seconds == pytest.approx(
        take.truth.duration - take.truth.speaking_seconds, rel=0.10
    )


@needs_espeak
@pytest.mark.parametrize("kind", ["clean", "noisy"])
def test_rates_come_in_order_each_within_20_percent(
    takes: dict[tuple[int, str], Take], kind: str
) -> None:
    reports = [measured(takes[rate, kind]) for rate in RATES]
    rates = [report.syllables_per_minute for report in reports]
    assert rates == sorted(rates)
    assert len(set(rates)) == len(rates)
    for rate, report in zip(RATES, reports, strict=True):
        truth = takes[rate, kind].truth
        assert report.syllables_per_minute == pytest.approx(truth.syllables_per_minute, rel=0.20)
        # Words a minute are an estimate: within a third of the truth, and in order.
        true_words = sum(len(words(phrase)) for phrase, _ in PHRASES)
        true_wpm = true_words * 60 / truth.speaking_seconds
        assert report.words_per_minute == pytest.approx(true_wpm, rel=1 / 3)


@needs_espeak
def test_the_length_against_the_target_band(takes: dict[tuple[int, str], Take]) -> None:
    take = takes[150, "clean"]
    answer = measured(take).answer_seconds
    assert answer == pytest.approx(take.truth.speaking_seconds + sum(take.truth.pauses), abs=0.2)
    assert measure_file(take.path).length == "short"  # the default band is 1:30-2:30
    for low, high, verdict in ((30, 60, "in band"), (10, 30, "long"), (60, 90, "short")):
        report = measure_file(
            take.path, CoachSettings(target_min_seconds=low, target_max_seconds=high)
        )
        assert (report.length, report.target_min_seconds, report.target_max_seconds) == (
            verdict,
            low,
            high,
        )


@needs_espeak
def test_the_strip_draws_the_pauses(takes: dict[tuple[int, str], Take]) -> None:
    take = takes[150, "noisy"]
    report = measured(take)
    assert len(report.strip) == 150
    assert all(0.0 <= level <= 1.0 for level in report.strip)
    assert report.strip_step * len(report.strip) == pytest.approx(report.duration_seconds)
    for start, seconds in take.truth.spans:
        if seconds > 2:
            middle = int((start + seconds / 2) / report.strip_step)
            assert report.strip[middle] < 0.2
    assert max(report.strip) > 0.9


@needs_espeak
def test_report_to_json(takes: dict[tuple[int, str], Take]) -> None:
    report = measured(takes[180, "clean"])
    data = json.loads(json.dumps(report_to_json(report)))
    assert set(data) == {
        "duration_seconds",
        "answer_seconds",
        "speaking_seconds",
        "silence_seconds",
        "leading_silence_seconds",
        "trailing_silence_seconds",
        "length",
        "pauses",
        "rate",
        "strip",
    }
    assert data["pauses"]["count"] == 5 and data["pauses"]["long_count"] == 3
    assert (data["pauses"]["over_seconds"], data["pauses"]["long_over_seconds"]) == (0.5, 2.0)
    assert [set(span) for span in data["pauses"]["spans"]] == [{"start", "seconds"}] * 5
    assert data["rate"]["approximate"] is True
    assert data["length"]["verdict"] == "short"
    assert len(data["strip"]["levels"]) == 150


@needs_espeak
def test_a_stereo_take_measures_as_its_mono_mix(
    takes: dict[tuple[int, str], Take], tmp_path: Path
) -> None:
    take = takes[150, "noisy"]
    mono, rate = samples_of(take.path)
    left = mono.astype(np.float64)
    stereo = np.column_stack((left, left * 0.5)).reshape(-1)
    path = write_wav(tmp_path / "stereo.wav", stereo, rate, channels=2)
    report, alone = measure_file(path), measured(take)
    assert [p.start for p in report.pauses] == pytest.approx(
        [p.start for p in alone.pauses], abs=0.03
    )
    assert report.speaking_seconds == pytest.approx(alone.speaking_seconds, rel=0.01)
    assert report.syllables == pytest.approx(alone.syllables, rel=0.05)


# --- refusals --------------------------------------------------------------------------


def refused(path: Path, thresholds: Thresholds | None = None) -> str:
    """The one-line reason ``path`` is refused, which names it."""
    with pytest.raises(DeliveryError) as caught:
        measure_file(path, thresholds=thresholds or Thresholds())
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert caught.value.path == str(path)
    return caught.value.reason


def raw_wav(path: Path, *, format_tag: int, width: int, data: bytes, rate: int = 16000) -> Path:
    """A WAV file written byte by byte, for the formats the ``wave`` module will not write."""
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        format_tag,
        1,
        rate,
        rate * width,
        width,
        8 * width,
        b"data",
        len(data),
    )
    path.write_bytes(header + data)
    return path


def test_a_text_file_named_wav_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("Situation: the billing system failed every night.\n")
    assert refused(path) == "not a WAV file (no RIFF/WAVE header)"


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert refused(path) == "an empty file, not a WAV recording"


@pytest.mark.parametrize("width", [1, 3, 4])
def test_other_sample_widths_are_refused(tmp_path: Path, width: int) -> None:
    path = tmp_path / f"{8 * width}-bit.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(width)
        wav.setframerate(16000)
        wav.writeframes(b"\x80" * width * 1600)
    reason = refused(path)
    assert reason.startswith(f"{8 * width}-bit samples; only 16-bit PCM WAV is read")


def test_float_samples_are_refused(tmp_path: Path) -> None:
    samples = (tone(0.5) / 32768).astype("<f4").tobytes()
    path = raw_wav(tmp_path / "float.wav", format_tag=3, width=4, data=samples)
    assert refused(path).startswith("32-bit float samples; only 16-bit PCM WAV is read")


def test_an_extensible_header_is_read_where_python_reads_it(tmp_path: Path) -> None:
    """WAVE_FORMAT_EXTENSIBLE holding 16-bit PCM: Python 3.12's ``wave`` reads it,
    3.11's does not, and there it is refused saying what to do."""
    samples = tone(2.0).astype("<i2").tobytes()
    pcm = b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
    fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 1, 16000, 32000, 2, 16, 22, 16, 4) + pcm
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(samples)) + samples
    path = tmp_path / "extensible.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    if sys.version_info >= (3, 12):
        assert measure_file(path).speaking_seconds == pytest.approx(2.0, abs=0.02)
    else:
        assert refused(path) == (
            "an extensible-format header (WAVE_FORMAT_EXTENSIBLE); only 16-bit PCM WAV is read "
            "(save or export as 16-bit PCM)"
        )


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "take.wav", tone(2.0), 16000)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert refused(path) == "truncated: the header promises 2.0 s of audio, the file holds 1.0 s"
    path.write_bytes(whole[:30])  # cut inside the header
    assert refused(path) == "truncated: the file ends inside its WAV header"
    path.write_bytes(whole[:40])  # cut before the data chunk
    assert refused(path) == "truncated or damaged: its WAV header has no fmt or no data chunk"


def test_a_header_with_no_samples_is_refused(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "nothing.wav", np.zeros(0), 16000)
    assert refused(path) == "no audio in it (a WAV header and no samples)"


def test_a_take_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", tone(3.0), 16000)
    assert refused(path, Thresholds(max_seconds=2.0)) == "0:03 long; at most 0:02 is measured"
    assert Thresholds().max_seconds == 30 * 60


def test_more_than_two_channels_and_odd_rates_are_refused(tmp_path: Path) -> None:
    four = write_wav(tmp_path / "four.wav", np.zeros(4 * 1600), 16000, channels=4)
    assert refused(four) == "4 channels; only mono or stereo is read"
    slow = write_wav(tmp_path / "slow.wav", np.zeros(400), 4000)
    assert refused(slow) == "a sample rate of 4000 Hz; 8000 to 192000 Hz is read"


def test_a_folder_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "take.wav"
    folder.mkdir()
    assert refused(folder) == "a folder, not a file"
    assert refused(tmp_path / "nope.wav") == "cannot read: No such file or directory"


# --- silence, a tone, made-up takes --------------------------------------------------


def test_pure_silence_is_no_speech(tmp_path: Path) -> None:
    report = measure_file(write_wav(tmp_path / "silence.wav", np.zeros(5 * 16000), 16000))
    assert report.speaking_seconds == 0 and report.pauses == () and report.syllables == 0
    assert report.syllables_per_minute == 0 and report.words_per_minute == 0
    assert report.leading_silence == pytest.approx(5.0) and report.silence_seconds == 5.0
    assert report.answer_seconds == 0 and report.length == "short"
    assert set(report.strip) == {0.0}


def test_quiet_noise_alone_is_no_speech(tmp_path: Path) -> None:
    noise = np.random.default_rng(3).normal(0, 32768 * 10 ** (-60 / 20), 5 * 16000)
    report = measure_file(write_wav(tmp_path / "room.wav", noise, 16000))
    assert report.speaking_seconds == 0 and report.pauses == ()


def test_a_steady_tone_is_speech_with_no_pause(tmp_path: Path) -> None:
    report = measure_file(write_wav(tmp_path / "tone.wav", tone(5.0), 16000))
    assert report.pauses == ()
    assert report.speaking_seconds == pytest.approx(5.0, abs=0.02)
    assert report.leading_silence == 0 and report.trailing_silence < 0.02


@st.composite
def bursts(draw: st.DrawFn) -> tuple[int, list[float], list[float]]:
    """A made-up take: tone bursts (syllable-like, 0.15-1.5 s) between gaps of three
    kinds: short (under the hangover), medium pauses (0.7-1.6 s), long pauses (2.3-4 s)."""
    rate = draw(st.sampled_from([8000, 16000, 22050, 44100, 48000]))
    count = draw(st.integers(2, 8))
    sounds = draw(st.lists(st.floats(0.15, 1.5), min_size=count, max_size=count))
    gap = st.one_of(st.floats(0.03, 0.12), st.floats(0.7, 1.6), st.floats(2.3, 4.0))
    gaps = draw(st.lists(gap, min_size=count - 1, max_size=count - 1))
    return rate, sounds, gaps


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(take=bursts(), stereo=st.booleans())
def test_made_up_takes_give_their_pauses(
    tmp_path: Path, take: tuple[int, list[float], list[float]], stereo: bool
) -> None:
    rate, sounds, gaps = take
    noise = np.random.default_rng(1)
    parts = [np.zeros(round(0.4 * rate))]
    for number, seconds in enumerate(sounds):
        parts.append(tone(seconds, rate, dbfs=-18, hz=180 + 40 * number))
        if number < len(gaps):
            parts.append(np.zeros(round(gaps[number] * rate)))
    parts.append(np.zeros(round(0.6 * rate)))
    signal = np.concatenate(parts)
    signal += noise.normal(0, 32768 * 10 ** (-65 / 20), len(signal))
    if stereo:
        signal = np.column_stack((signal, signal)).reshape(-1)
    path = write_wav(tmp_path / "made.wav", signal, rate, channels=2 if stereo else 1)
    report = measure_file(path)
    assert len(report.pauses) == sum(g > 0.5 for g in gaps)
    assert len(report.long_pauses) == sum(g > 2.0 for g in gaps)
    true_speaking = sum(sounds) + sum(g for g in gaps if g < 0.5)
    assert report.speaking_seconds == pytest.approx(true_speaking, abs=0.03 * len(sounds))
    assert report.leading_silence == pytest.approx(0.4, abs=0.03)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(st.tuples(st.integers(4, 43), st.integers(0, 255)), min_size=1, max_size=4),
    keep=st.one_of(st.none(), st.integers(0, 8044)),
)
def test_a_damaged_header_is_refused_never_crashes(
    tmp_path: Path, changes: list[tuple[int, int]], keep: int | None
) -> None:
    """Bytes of a good file's header changed, the file perhaps cut: a report or a
    DeliveryError, nothing else (``wave`` raises RuntimeError, EOFError and its own)."""
    good = write_wav(tmp_path / "good.wav", tone(0.25), 16000).read_bytes()
    damaged = bytearray(good)
    for at, value in changes:
        damaged[at] = value
    path = tmp_path / "damaged.wav"
    path.write_bytes(bytes(damaged[:keep]))
    try:
        measure_file(path)
    except DeliveryError as exc:
        assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
