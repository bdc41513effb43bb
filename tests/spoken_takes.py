"""Spoken takes with a known truth, made by espeak-ng, for the delivery measurement
and the transcripts.

Imported by tests/core/test_delivery.py and tests/test_cli_delivery.py (which
hold the measurement to the truth) and by bench/delivery.py (which times it);
tests/core/test_transcript.py and bench/transcribe.py speak a story's text
(:func:`spoken`) and count word errors on :func:`normal` text.

One answer (:data:`PHRASES`) is spoken at several rates with designed breaks
between its phrases: three of 2.5 s and two of 0.8 s. Inside a phrase there
are only commas, whose gaps espeak-ng keeps under 0.3 s even at 120 words a
minute; a full stop would not do (0.54 s at 120). The truth of a take is read
from its samples, not from the measurement: espeak-ng's silences are digital
zeros, so a pause is a run of zero samples between speech, and the speaking
time is the time from the first non-zero sample to the last less those runs.
:func:`render` checks that the runs are exactly the designed breaks. The
syllables are counted from the text with :data:`SYLLABLES`, a dictionary of
every word in it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ESPEAK = shutil.which("espeak-ng")
NO_ESPEAK = "espeak-ng is not installed (apt-get install espeak-ng): no spoken takes to measure"

#: The answer, phrase by phrase, each followed by the break after it (none after the last).
PHRASES: tuple[tuple[str, float], ...] = (
    (
        "I joined the payments team in the spring, when the billing system failed at night, "
        "and angry customers wrote to us",
        2.5,
    ),
    ("My task was to find the cause, and to fix it without stopping the service", 0.8),
    (
        "I read the logs for a week, I mapped each job that touched the ledger, "
        "and I found two jobs racing for the same rows",
        2.5,
    ),
    ("I rewrote the scheduler, I added a lock, and I tested it with the oldest data we had", 0.8),
    ("The failures stopped within a month, and the support queue fell by half", 2.5),
    ("I learned to measure first, and to trust the data over my hunch", 0.0),
)

# Every word of :data:`PHRASES`, by its syllables as espeak-ng says it.
_ONE = (
    "i the team in when at and to us my task was find cause fix it read logs for a week "
    "mapped each job that touched found two jobs same rows lock with we had stopped month "
    "queue fell by half learned first trust hunch joined spring night wrote failed"
)
_TWO = (
    "payments billing system angry without stopping service ledger racing rewrote "
    "added tested oldest data failures within support measure over"
)
_THREE = "customers scheduler"
SYLLABLES: dict[str, int] = {
    **dict.fromkeys(_ONE.split(), 1),
    **dict.fromkeys(_TWO.split(), 2),
    **dict.fromkeys(_THREE.split(), 3),
}

#: The rates (espeak-ng's -s, words per minute) the tests speak the answer at.
RATES = (120, 150, 180, 220)


@dataclass(frozen=True, slots=True)
class Truth:
    """What a take holds, read from its samples and its text."""

    duration: float
    speaking_seconds: float
    #: Each pause's start and length, in seconds.
    spans: tuple[tuple[float, float], ...]
    syllables: int
    leading: float
    trailing: float

    @property
    def pauses(self) -> tuple[float, ...]:
        return tuple(seconds for _, seconds in self.spans)

    @property
    def syllables_per_minute(self) -> float:
        return self.syllables * 60.0 / self.speaking_seconds

    def count(self, over: float) -> int:
        return sum(p > over for p in self.pauses)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def syllables() -> int:
    """The answer's syllables, word by word from :data:`SYLLABLES`."""
    return sum(SYLLABLES[word] for phrase, _ in PHRASES for word in words(phrase))


def ssml() -> str:
    """The answer as SSML: the phrases with their breaks."""
    parts = []
    for phrase, pause in PHRASES:
        parts.append(phrase)
        if pause:
            parts.append(f'<break time="{round(pause * 1000)}ms"/>')
    return "<speak>" + " ".join(parts) + "</speak>"


def render(rate: int, path: Path) -> Truth:
    """Speak the answer at ``rate`` into ``path`` (22050 Hz mono 16-bit); its truth."""
    assert ESPEAK is not None, NO_ESPEAK
    subprocess.run([ESPEAK, "-m", "-s", str(rate), "-w", str(path), ssml()], check=True)
    truth = truth_of(path)
    designed = [pause for _, pause in PHRASES if pause]
    assert len(truth.pauses) == len(designed), (rate, truth.pauses)
    for heard, meant in zip(truth.pauses, designed, strict=True):
        assert abs(heard - meant) < 0.05, (rate, truth.pauses)
    return truth


def samples_of(path: Path) -> tuple[np.ndarray, int]:
    """A mono 16-bit WAV file's samples and rate."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return data, wav.getframerate()


def truth_of(path: Path, shortest_pause: float = 0.5) -> Truth:
    """A take's truth from its samples: runs of digital silence over ``shortest_pause``."""
    data, rate = samples_of(path)
    sounding = np.flatnonzero(data)
    first, last = int(sounding[0]), int(sounding[-1]) + 1
    quiet = np.concatenate(([0], (data[first:last] == 0).astype(np.int8), [0]))
    edges = np.diff(quiet)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    spans = tuple(
        ((first + start) / rate, (end - start) / rate)
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        if (end - start) / rate > shortest_pause
    )
    speaking = (last - first) / rate - sum(seconds for _, seconds in spans)
    duration = len(data) / rate
    return Truth(duration, speaking, spans, syllables(), first / rate, duration - last / rate)


def spoken(text: str) -> str:
    """A story section's Markdown as it is read aloud: no emphasis, no list marks."""
    text = re.sub(r"^\s*[-*]\s+", "", text, flags=re.MULTILINE)
    return " ".join(text.replace("*", "").split())


def normal(text: str) -> str:
    """Text as word errors are counted: every number written as its value (with "percent"
    or "dollars"), lowercase, no punctuation; the same on both sides of a comparison."""
    from storybank.core.transcript import figures

    parts, last = [], 0
    for figure in figures(text):
        unit = {"%": " percent", "$": " dollars", "": ""}[figure.unit]
        parts += [text[last : figure.start], f" {figure.value:g}{unit} "]
        last = figure.end
    said = ("".join(parts) + text[last:]).lower().replace("-", " ")
    return " ".join(re.sub(r"[^\w\s.']|(?<!\d)\.|\.(?!\d)", " ", said).split())


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> Path:
    """Write 16-bit PCM samples (interleaved when ``channels`` is 2)."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return path


def noisy(path: Path, target: Path, noise_dbfs: float = -50.0, seed: int = 17) -> Path:
    """The take in ``path`` with a room's noise under it: white noise and a 50 Hz hum."""
    data, rate = samples_of(path)
    generator = np.random.default_rng(seed)
    scale = 32768 * 10 ** (noise_dbfs / 20)
    hum = np.sin(2 * np.pi * 50 * np.arange(len(data)) / rate) * scale * 0.5
    noise = generator.normal(0.0, scale, len(data)) + hum
    return write_wav(target, data.astype(np.float64) + noise, rate)


def tone(seconds: float, rate: int = 16000, dbfs: float = -12.0, hz: float = 220.0) -> np.ndarray:
    """A steady sine of ``seconds`` whose level (RMS) is ``dbfs``, as 16-bit sample values."""
    time = np.arange(round(seconds * rate)) / rate
    return np.sin(2 * np.pi * hz * time) * 32768 * 10 ** (dbfs / 20) * np.sqrt(2)


def three_minutes(folder: Path, seconds: float = 180.0) -> tuple[np.ndarray, int, str]:
    """About ``seconds`` of speech (22050 Hz samples) and what it is made of.

    The answer spoken by espeak-ng at each rate in turn, over and over, with
    a room's noise under it; where espeak-ng is missing, :func:`speech_like`.
    """
    rate = 22050
    if ESPEAK is None:
        return speech_like(seconds, rate), rate, "a speech-like signal (no espeak-ng here)"
    takes = []
    for speed in RATES:
        render(speed, folder / f"answer-{speed}.wav")
        takes.append(samples_of(folder / f"answer-{speed}.wav")[0])
    parts: list[np.ndarray] = []
    while sum(len(part) for part in parts) < seconds * rate:
        parts.extend(takes)
    joined = np.concatenate(parts)[: round(seconds * rate)].astype(np.float64)
    joined += np.random.default_rng(17).normal(0.0, 32768 * 10 ** (-50 / 20), len(joined))
    return joined, rate, f"espeak-ng's answer at {', '.join(map(str, RATES))} wpm, joined, noise"


def speech_like(seconds: float, rate: int, seed: int = 5) -> np.ndarray:
    """A signal shaped like speech: phrases of 2-6 s of syllables (a 120 Hz voice with its
    harmonics, swelling and fading four to six times a second) between pauses of
    0.3-2.5 s, over a room's noise."""
    generator = np.random.default_rng(seed)
    total = round(seconds * rate)
    signal = generator.normal(0.0, 32768 * 10 ** (-50 / 20), total)
    time = np.arange(total) / rate
    voice = sum(np.sin(2 * np.pi * 120 * k * time) / k for k in range(1, 12))
    at = 0.3
    while at < seconds - 1:
        phrase_end = min(seconds - 0.5, at + generator.uniform(2, 6))
        while at < phrase_end:
            length = generator.uniform(0.16, 0.25)
            start, end = round(at * rate), round(min(at + length, phrase_end) * rate)
            envelope = np.sin(np.linspace(0, np.pi, end - start)) ** 2
            signal[start:end] += voice[start:end] * envelope * 32768 * 0.15
            at += length
        at += generator.uniform(0.3, 2.5)
    return signal
