"""Delivery: how a spoken answer sounded, measured from its recording.

Pure Python and numpy, no Qt, so that the practice view (issue #17, once it
records) and ``storybank delivery`` share it. numpy is imported here and
nowhere else in the package, and nothing on the window's start-up path
imports this module: like the coach, it loads with its first use.

:func:`measure_file` reads a 16-bit PCM WAV file (mono or stereo, any rate)
and returns a :class:`DeliveryReport`; anything else is refused with a
:class:`DeliveryError` naming the file and the reason. :func:`read_samples`
reads the same files, refused alike, as mono samples at one rate: what
``core/transcript.py`` hands to Whisper. The take is cut into
10 ms frames, and everything is measured on them:

- each frame is speech or silence by its level, against a threshold set from
  the take itself (between its noise floor and its loud level); a gap shorter
  than the hangover is held as speech, so the closure of a "t" or a "k" does
  not split a word;
- a pause is a silence between two stretches of speech longer than 0.5 s
  (and a long pause one over 2 s); the silence before the first word and
  after the last is no pause. Speaking time runs from the first word to the
  last, less the pauses;
- syllables are counted as the peaks of the smoothed level of the voice band
  (300-2500 Hz, where vowels are loud and hisses are not), and the speech
  rate is syllables per minute of speaking time; words per minute are
  estimated from it, and are approximate;
- the answer's length (first word to last) is compared with the practice
  target (:class:`~storybank.core.speaking.CoachSettings`);
- a strip of levels over the take, for drawing it.

Every number the measurement uses is in :class:`Thresholds`.
"""

from __future__ import annotations

import wave
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO, Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from storybank.core.speaking import CoachSettings, clock

Levels = npt.NDArray[np.float64]
#: Audio samples, -1 to 1.
Samples = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
#: How an answer's length compares with the target band.
Length = Literal["short", "in band", "long"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every number the measurement judges by, in one place, each with where it comes from."""

    # [frames] 10 ms, the usual step of speech analysis: a pause's edges are
    # placed to a hundredth of a second, and a syllable (100-300 ms) spans
    # ten frames or more.
    frame_seconds: float = 0.01
    # [refusal] Half an hour is far past any answer (the target band is
    # 1:30-2:30); longer files are refused unread, as is a rate no recorder
    # uses (telephone 8 kHz to studio 192 kHz).
    max_seconds: float = 30 * 60
    min_rate: int = 8_000
    max_rate: int = 192_000
    # [levels] Levels are in dB below full scale, clamped at -100 dBFS: below
    # what 16-bit samples can hold (-96 dBFS), so digital silence has a level.
    level_floor_db: float = -100.0
    # [speech] The take's noise floor is the level a tenth of its frames stay
    # under, its loud level the one a twentieth exceed: an answer is rarely
    # more than 90 % speech, nor less than 5 %.
    floor_percentile: float = 10.0
    loud_percentile: float = 95.0
    # [speech] A frame is speech from 30 % of the way from the floor up to the
    # loud level: with 40 dB between them (a quiet room, a laptop microphone),
    # 12 dB over the noise, well under the vowels, at the level of the softer
    # consonants.
    threshold_share: float = 0.3
    # [speech] Less than 10 dB from floor to loud and the take has no silence
    # to set a threshold by (a steady tone, continuous noise): it is all
    # speech if loud enough, all silence if not.
    min_range_db: float = 10.0
    # [speech] A take whose loud level is under -55 dBFS holds no speech: a
    # voice at arm's length from any microphone is 20 dB louder than that.
    quietest_speech_db: float = -55.0
    # [speech] The hangover: a gap under 0.2 s is held as speech. The closure
    # of a stop consonant lasts 50-150 ms; anything shorter than 0.2 s is
    # heard as part of the flow, not as a silence.
    hangover_seconds: float = 0.2
    # [speech] A burst under 50 ms alone in a silence is a click or a breath
    # noise, not speech: the shortest syllables last about 100 ms.
    min_speech_seconds: float = 0.05
    # [pauses] Over 0.5 s a silence is heard as a pause rather than the gap
    # between phrases (studies of fluency put the line at 0.25-0.5 s; the
    # upper end, so that only what a listener notices counts); over 2 s it is
    # a long pause, the moment an interviewer wonders whether you are done.
    pause_seconds: float = 0.5
    long_pause_seconds: float = 2.0
    # [rate] The voice band whose level peaks once a syllable: 300-2500 Hz
    # holds the first two formants of the vowels, and leaves out the hum
    # below and most of the hiss of "s" and "sh" above.
    band_low_hz: float = 300.0
    band_high_hz: float = 2500.0
    # [rate] The band's level is smoothed over 50 ms, so that the pitch
    # ripple of one vowel makes no second peak.
    smooth_seconds: float = 0.05
    # [rate] A syllable's peak stands 2 dB over the dip to its neighbours
    # (de Jong & Wempe 2009, "Praat script to detect syllable nuclei"), is at
    # most 25 dB under the take's loud band level (their silence threshold)
    # and 0.1 s from the last one: nobody says ten syllables a second
    # (fast speech is 6-7).
    peak_dip_db: float = 2.0
    peak_floor_db: float = 25.0
    peak_distance_seconds: float = 0.1
    # [rate] English averages about 1.4-1.5 syllables a word, toward 1.5 in
    # writing and lower in talk: words per minute are estimated with 1.4, the
    # spoken end. An answer of short words ("I", "the", "and": the test
    # answer has 1.23) comes out about 15 % under its true words per minute.
    syllables_per_word: float = 1.4
    # [strip] 150 levels draw the take on a strip a few hundred pixels wide;
    # each is the loudest frame of its part of the take.
    strip_points: int = 150


THRESHOLDS = Thresholds()


class DeliveryError(ValueError):
    """A recording that cannot be measured: the message names the file and says why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True, slots=True)
class Pause:
    """One silence between two stretches of speech: where it starts and how long it lasts."""

    start: float
    seconds: float


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one recorded answer sounded like: its times, pauses, pace and length."""

    duration_seconds: float
    speaking_seconds: float
    leading_silence: float
    trailing_silence: float
    #: Every silence between speech over the pause threshold, in order.
    pauses: tuple[Pause, ...]
    pause_seconds: float
    long_pause_seconds: float
    syllables: int
    syllables_per_minute: float
    #: Estimated from the syllables: approximate.
    words_per_minute: float
    length: Length
    target_min_seconds: int
    target_max_seconds: int
    #: The take's level, 0 (its noise floor) to 1 (its loudest), at even steps.
    strip: tuple[float, ...]
    strip_step: float

    @property
    def answer_seconds(self) -> float:
        """From the first word to the last."""
        return max(0.0, self.duration_seconds - self.leading_silence - self.trailing_silence)

    @property
    def silence_seconds(self) -> float:
        """Everything that is not speaking time: before, after and the pauses."""
        return max(0.0, self.duration_seconds - self.speaking_seconds)

    @property
    def long_pauses(self) -> tuple[Pause, ...]:
        return tuple(p for p in self.pauses if p.seconds > self.long_pause_seconds)

    @property
    def longest_pause(self) -> Pause | None:
        return max(self.pauses, key=lambda p: p.seconds, default=None)


@dataclass(frozen=True, slots=True)
class _Take:
    """A take as frames: each frame's level and its voice band's level, in dBFS."""

    duration: float
    level: Levels
    band: Levels


@dataclass(frozen=True, slots=True)
class _Audio:
    """A take as mono samples at one rate."""

    duration: float
    samples: Samples


class _Read(Protocol):
    """What a reader of a WAV file's audio returns: at least how much it read."""

    @property
    def duration(self) -> float: ...


_R = TypeVar("_R", bound=_Read)
#: Reads the audio of an open WAV file (its channels, rate and frames checked).
_Reader = Callable[[wave.Wave_read, int, int, int, Thresholds], _R]


# --- reading ---------------------------------------------------------------------------


def measure_file(
    path: Path,
    settings: CoachSettings | None = None,
    thresholds: Thresholds = THRESHOLDS,
) -> DeliveryReport:
    """Measure the delivery of the take in ``path``, a 16-bit PCM WAV file.

    Raises :class:`DeliveryError` naming the file for anything else: not a
    WAV file, another sample format, no audio, a truncated file, a take over
    :attr:`Thresholds.max_seconds`, a folder, a pipe, a file that cannot be read.
    """
    take = _read_file(path, thresholds, _frames_of)
    return _measure(take, settings or CoachSettings(), thresholds)


def read_samples(path: Path, rate: int = 16_000, thresholds: Thresholds = THRESHOLDS) -> Samples:
    """The take in ``path`` as mono samples (-1 to 1, float32) at ``rate`` Hz.

    A pair of channels is mixed; another rate is resampled through the
    spectrum (band-limited, no aliasing). The file is refused as
    :func:`measure_file` refuses it, with the same :class:`DeliveryError`.
    """
    return _read_file(path, thresholds, partial(_samples_of, target=rate)).samples


def _read_file(path: Path, t: Thresholds, reader: _Reader[_R]) -> _R:
    """Open ``path`` as a regular file and read its audio with ``reader``."""
    from storybank.core.interchange import TransferError
    from storybank.core.transfer.files import open_regular

    try:
        with open_regular(path) as stream:
            return _read_take(stream, str(path), t, reader)
    except TransferError as exc:
        raise DeliveryError(str(path), exc.reason) from exc
    except OSError as exc:
        raise DeliveryError(str(path), f"cannot read: {exc.strerror or exc}") from exc


def _read_take(stream: BinaryIO, name: str, t: Thresholds, reader: _Reader[_R]) -> _R:
    """A WAV file's audio as ``reader`` reads it, once its header has been checked."""
    import os

    size = os.fstat(stream.fileno()).st_size
    if size == 0:
        raise DeliveryError(name, "an empty file, not a WAV recording")
    head = stream.read(12)
    stream.seek(0)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise DeliveryError(name, "not a WAV file (no RIFF/WAVE header)")
    try:
        with wave.open(stream, "rb") as wav:
            channels, width = wav.getnchannels(), wav.getsampwidth()
            rate, frames = wav.getframerate(), wav.getnframes()
            _check_format(name, channels, width, rate, t)
            held = (size - stream.tell()) // (channels * width)
            if frames > held:
                raise DeliveryError(name, _truncated(frames / rate, held / rate))
            if frames == 0:
                raise DeliveryError(name, "no audio in it (a WAV header and no samples)")
            if frames / rate > t.max_seconds:
                raise DeliveryError(
                    name, f"{clock(frames / rate)} long; at most {clock(t.max_seconds)} is measured"
                )
            take = reader(wav, channels, rate, frames, t)
    except (wave.Error, EOFError) as exc:
        raise DeliveryError(name, _wave_reason(exc)) from exc
    except RuntimeError as exc:  # what ``wave`` raises for a chunk that runs past its end
        raise DeliveryError(name, "damaged: a chunk of its WAV header runs past its end") from exc
    if take.duration < frames / rate:
        raise DeliveryError(name, _truncated(frames / rate, take.duration))
    return take


def _truncated(promised: float, held: float) -> str:
    return f"truncated: the header promises {promised:.1f} s of audio, the file holds {held:.1f} s"


def _check_format(name: str, channels: int, width: int, rate: int, t: Thresholds) -> None:
    """Refuse what the measurement does not read: only 16-bit PCM, mono or stereo."""
    if width != 2:
        raise DeliveryError(
            name, f"{8 * width}-bit samples; only 16-bit PCM WAV is read (save or export as 16-bit)"
        )
    if channels not in (1, 2):
        raise DeliveryError(name, f"{channels} channels; only mono or stereo is read")
    if not t.min_rate <= rate <= t.max_rate:
        raise DeliveryError(
            name, f"a sample rate of {rate} Hz; {t.min_rate} to {t.max_rate} Hz is read"
        )


#: The sample formats other than PCM that ``wave`` will not read, by their WAVE format tag.
_OTHER_FORMATS = {
    3: "32-bit float samples",
    6: "A-law samples",
    7: "µ-law samples",
    # Python 3.12 reads an extensible header holding PCM; 3.11 does not.
    0xFFFE: "an extensible-format header (WAVE_FORMAT_EXTENSIBLE)",
}


def _wave_reason(exc: Exception) -> str:
    """The reason a file is refused, from what ``wave`` raised reading its header."""
    text = str(exc)
    if isinstance(exc, EOFError):
        return "truncated: the file ends inside its WAV header"
    if text.startswith("unknown format: "):
        code = text.rpartition(" ")[2]
        what = _OTHER_FORMATS.get(int(code), f"format {code}") if code.isdigit() else text
        return f"{what}; only 16-bit PCM WAV is read (save or export as 16-bit PCM)"
    if "chunk" in text and "missing" in text:
        return "truncated or damaged: its WAV header has no fmt or no data chunk"
    return f"not a readable WAV file ({text})"


def _frames_of(wav: wave.Wave_read, channels: int, rate: int, frames: int, t: Thresholds) -> _Take:
    """Read the audio a block at a time (a long take is never held whole) into frame levels."""
    hop = max(1, round(rate * t.frame_seconds))
    frequencies = np.fft.rfftfreq(hop, 1.0 / rate)
    band = (frequencies >= t.band_low_hz) & (frequencies <= t.band_high_hz)
    levels: list[Levels] = []
    bands: list[Levels] = []
    block = hop * 1000  # 10 s at a time
    read = 0
    while read < frames:
        data = wav.readframes(min(block, frames - read))
        samples = np.frombuffer(data[: len(data) // (2 * channels) * 2 * channels], dtype="<i2")
        if channels == 2:  # the mix of the pair (a strided mean is five times slower)
            samples = (samples[0::2].astype(np.float64) + samples[1::2]) * 0.5
        read += len(samples)
        usable = len(samples) // hop * hop
        if not usable:
            break  # the end, or less audio than the header promised (the caller checks)
        cut = samples[:usable] / 32768.0
        cut = (cut - cut.mean()).reshape(-1, hop)  # less any DC offset a cheap microphone adds
        levels.append(np.einsum("ij,ij->i", cut, cut) / hop)
        # Parseval: the band's share of the frame's mean square.
        voice = np.fft.rfft(cut, axis=1)[:, band]
        bands.append(2.0 * (voice.real**2 + voice.imag**2).sum(axis=1) / (hop * hop))
    return _Take(read / rate, _decibels(levels, t), _decibels(bands, t))


def _samples_of(
    wav: wave.Wave_read, channels: int, rate: int, frames: int, t: Thresholds, target: int
) -> _Audio:
    """Read the audio a block at a time into mono samples, then bring them to ``target`` Hz."""
    parts: list[Samples] = []
    read = 0
    while read < frames:
        data = wav.readframes(min(1 << 18, frames - read))
        samples = np.frombuffer(data[: len(data) // (2 * channels) * 2 * channels], dtype="<i2")
        if not len(samples):
            break  # less audio than the header promised (the caller checks)
        mono = samples.astype(np.float32)
        if channels == 2:
            mono = (mono[0::2] + mono[1::2]) * np.float32(0.5)
        parts.append(mono * np.float32(1 / 32768))
        read += len(mono)
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return _Audio(read / rate, _resampled(joined, rate, target))


def _resampled(samples: Samples, rate: int, target: int) -> Samples:
    """``samples`` at ``rate`` Hz brought to ``target`` Hz through the spectrum (cut or
    padded at the new Nyquist frequency), 30 s at a time with a tenth of a second of
    the neighbours either side, so that the seams do not click."""
    if rate == target or not len(samples):
        return samples
    step, pad = 30 * rate, rate // 10
    parts = []
    for start in range(0, len(samples), step):
        stop = min(len(samples), start + step)
        low, high = max(0, start - pad), min(len(samples), stop + pad)
        size = round((high - low) * target / rate)
        part = np.fft.irfft(np.fft.rfft(samples[low:high]), n=size) * (size / (high - low))
        head = round((start - low) * target / rate)
        parts.append(part[head : head + round((stop - start) * target / rate)])
    return np.concatenate(parts).astype(np.float32)


def _decibels(parts: list[Levels], t: Thresholds) -> Levels:
    """Mean squares as dBFS (full scale 0 dB), clamped at the level floor."""
    power = np.concatenate(parts) if parts else np.zeros(0)
    return np.asarray(10.0 * np.log10(np.maximum(power, 10 ** (t.level_floor_db / 10))))


# --- measuring -------------------------------------------------------------------------


def _measure(take: _Take, settings: CoachSettings, t: Thresholds) -> DeliveryReport:
    """The report on a take read into frames."""
    step = t.frame_seconds
    spans = _speech_spans(take.level, t)
    pauses: list[Pause] = []
    for (_, end), (start, _) in pairwise(spans):
        if (start - end) * step > t.pause_seconds:
            pauses.append(Pause(round(end * step, 2), round((start - end) * step, 2)))
    if spans:
        leading = spans[0][0] * step
        trailing = max(0.0, take.duration - spans[-1][1] * step)
    else:
        leading, trailing = take.duration, 0.0
    answer = max(0.0, take.duration - leading - trailing)
    speaking = max(0.0, answer - sum(p.seconds for p in pauses))
    syllables = _syllables(take.band, spans, t)
    per_minute = syllables * 60.0 / speaking if speaking > 0 else 0.0
    strip, strip_step = _strip(take, t)
    return DeliveryReport(
        duration_seconds=take.duration,
        speaking_seconds=speaking,
        leading_silence=leading,
        trailing_silence=trailing,
        pauses=tuple(pauses),
        pause_seconds=t.pause_seconds,
        long_pause_seconds=t.long_pause_seconds,
        syllables=syllables,
        syllables_per_minute=per_minute,
        words_per_minute=per_minute / t.syllables_per_word,
        length=length_in_band(answer, settings),
        target_min_seconds=settings.target_min_seconds,
        target_max_seconds=settings.target_max_seconds,
        strip=strip,
        strip_step=strip_step,
    )


def length_in_band(seconds: float, settings: CoachSettings) -> Length:
    """An answer of ``seconds`` against the coach's target band: short, in band or long.

    (The practice timer's single target, and ``core/session.py``'s verdict on
    an answer's time against it, are another measure.)
    """
    low = max(0, settings.target_min_seconds)
    if seconds < low:
        return "short"
    return "long" if seconds > max(low, settings.target_max_seconds) else "in band"


def _threshold(level: Levels, t: Thresholds) -> float:
    """The level from which a frame is speech, set from the take itself (inf: none is)."""
    floor, loud = (float(v) for v in np.percentile(level, [t.floor_percentile, t.loud_percentile]))
    if loud < t.quietest_speech_db:
        return float("inf")
    if loud - floor < t.min_range_db:
        return loud - t.min_range_db  # no silence to tell it by: all of it is speech
    return floor + t.threshold_share * (loud - floor)


def _speech_spans(level: Levels, t: Thresholds) -> list[tuple[int, int]]:
    """The ``[start, end)`` frame spans of speech, gaps under the hangover closed."""
    if not len(level):
        return []
    spans = _runs(level >= _threshold(level, t))
    hangover = round(t.hangover_seconds / t.frame_seconds)
    closed: list[tuple[int, int]] = []
    for start, end in spans:
        if closed and start - closed[-1][1] < hangover:
            closed[-1] = (closed[-1][0], end)
        else:
            closed.append((start, end))
    shortest = round(t.min_speech_seconds / t.frame_seconds)
    return [(start, end) for start, end in closed if end - start >= shortest]


def _runs(mask: Mask) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans where ``mask`` is true."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1).tolist()
    ends = np.flatnonzero(edges == -1).tolist()
    return list(zip(starts, ends, strict=True))


def _syllables(band: Levels, spans: list[tuple[int, int]], t: Thresholds) -> int:
    """How many syllable nuclei the speech holds: peaks of the smoothed voice band level.

    A peak counts when it stands :attr:`Thresholds.peak_dip_db` over the dips on
    both sides of it, is far enough from the last one counted and loud enough;
    of two peaks too close or with too shallow a dip between them, the higher
    one stays.
    """
    if not spans:
        return 0
    width = max(1, round(t.smooth_seconds / t.frame_seconds))
    smooth = np.convolve(band, np.ones(width) / width, mode="same")
    speech = np.zeros(len(band), dtype=bool)
    for start, end in spans:
        speech[start:end] = True
    smooth[~speech] = t.level_floor_db  # a silence is a dip between syllables
    loud = float(np.percentile(smooth[speech], t.loud_percentile))
    inner = smooth[1:-1]
    top = (inner > smooth[:-2]) & (inner >= smooth[2:]) & (inner >= loud - t.peak_floor_db)
    peaks = np.flatnonzero(top) + 1
    if not len(peaks):
        return 0
    values = smooth[peaks].tolist()
    dips = np.minimum.reduceat(smooth, peaks).tolist()  # dips[k]: lowest from peak k to k + 1
    distance = round(t.peak_distance_seconds / t.frame_seconds)
    count, current, low = 0, 0, float("inf")
    for k in range(1, len(values)):
        low = min(low, dips[k - 1])
        far = peaks[k] - peaks[current] >= distance
        if far and min(values[current], values[k]) - low >= t.peak_dip_db:
            count, current, low = count + 1, k, float("inf")
        elif values[k] > values[current]:
            current, low = k, float("inf")
    return count + 1


def _strip(take: _Take, t: Thresholds) -> tuple[tuple[float, ...], float]:
    """The take's level at even steps, 0 at its noise floor and 1 at its loudest; the step."""
    level = take.level
    points = min(t.strip_points, len(level))
    if points == 0:
        return (), take.duration
    starts = np.linspace(0, len(level), points, endpoint=False).astype(int)
    highest = np.maximum.reduceat(level, starts)
    floor = float(np.percentile(level, t.floor_percentile))
    top = float(level.max())
    if top - floor < 1e-9:
        shown = np.zeros(points) if top < t.quietest_speech_db else np.ones(points)
    else:
        shown = np.clip((highest - floor) / (top - floor), 0.0, 1.0)
    return tuple(round(float(v), 3) for v in shown), take.duration / points


def report_to_json(report: DeliveryReport) -> dict[str, object]:
    """The report as plain JSON-ready data (for ``storybank delivery --json``)."""
    longest = report.longest_pause
    return {
        "duration_seconds": round(report.duration_seconds, 2),
        "answer_seconds": round(report.answer_seconds, 2),
        "speaking_seconds": round(report.speaking_seconds, 2),
        "silence_seconds": round(report.silence_seconds, 2),
        "leading_silence_seconds": round(report.leading_silence, 2),
        "trailing_silence_seconds": round(report.trailing_silence, 2),
        "length": {
            "verdict": report.length,
            "target_min_seconds": report.target_min_seconds,
            "target_max_seconds": report.target_max_seconds,
        },
        "pauses": {
            "over_seconds": report.pause_seconds,
            "count": len(report.pauses),
            "long_over_seconds": report.long_pause_seconds,
            "long_count": len(report.long_pauses),
            "longest_seconds": longest.seconds if longest else 0.0,
            "spans": [{"start": p.start, "seconds": p.seconds} for p in report.pauses],
        },
        "rate": {
            "syllables": report.syllables,
            "syllables_per_minute": round(report.syllables_per_minute, 1),
            "words_per_minute": round(report.words_per_minute, 1),
            "approximate": True,
        },
        "strip": {"step_seconds": round(report.strip_step, 3), "levels": list(report.strip)},
    }
