"""Recorded answers on disk: where the takes live, one take written as it is
spoken, what a retention setting keeps, and what the folder holds.

A take is a 16-bit PCM mono WAV at 16 kHz in the ``recordings`` folder beside
the bank, private to its owner (folder 0700, files 0600), named by a random
id; the bank ties it to its answer (``attempt.recording``). No Qt here: the
practice view feeds :class:`TakeWriter` the microphone's bytes, and
``storybank check`` counts the folder with :func:`usage`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import struct
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storybank.core.speaking import clock, counted
from storybank.paths import ensure_private_dir

if TYPE_CHECKING:
    from storybank.core.delivery import DeliveryReport

FOLDER_NAME = "recordings"
SAMPLE_RATE = 16_000
CHANNELS = 1
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
BYTES_PER_SECOND = SAMPLE_RATE * CHANNELS * SAMPLE_WIDTH
HEADER_BYTES = 44
#: The header is made true again after every this many bytes of sound, so a
#: crash or a power cut leaves a playable take short of at most a second.
HEADER_EVERY = BYTES_PER_SECOND


def folder(data_folder: Path) -> Path:
    """The recordings folder of a data folder, created private if missing."""
    return ensure_private_dir(data_folder / FOLDER_NAME)


def new_name() -> str:
    """A file name for a new take: random, so it says nothing of the answer."""
    return f"{uuid.uuid4().hex}.wav"


def is_take_name(name: str) -> bool:
    """Whether ``name`` is a name :func:`new_name` gives (never a path elsewhere)."""
    stem, dot, suffix = name.partition(".")
    return dot == "." and suffix == "wav" and len(stem) == 32 and stem.isalnum()


def header(data_bytes: int) -> bytes:
    """The 44-byte RIFF header of a take holding ``data_bytes`` of sound."""
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        CHANNELS,
        SAMPLE_RATE,
        BYTES_PER_SECOND,
        CHANNELS * SAMPLE_WIDTH,
        SAMPLE_WIDTH * 8,
        b"data",
        data_bytes,
    )


class TakeWriter:
    """One take being written as the microphone hears it.

    Created with its file (which must not exist yet: an existing take is never
    overwritten); :meth:`write` appends sound, :meth:`close` makes the header
    true and flushes the file to disk. A write that fails (a full disk)
    raises ``OSError`` and leaves the file as it stood at its last good header.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._file.write(header(0))
        self.data_bytes = 0
        self._headed = 0
        self._odd = b""  # a lone byte of a sample split across two reads

    @property
    def seconds(self) -> float:
        return self.data_bytes / BYTES_PER_SECOND

    @property
    def closed(self) -> bool:
        return self._file.closed

    def write(self, data: bytes) -> None:
        data = self._odd + data
        whole = len(data) - len(data) % SAMPLE_WIDTH
        self._odd = data[whole:]
        if not whole:
            return
        self._file.write(data[:whole])
        self.data_bytes += whole
        if self.data_bytes - self._headed >= HEADER_EVERY:
            self._write_header()

    def _write_header(self) -> None:
        self._file.flush()
        self._file.seek(0)
        self._file.write(header(self.data_bytes))
        self._file.seek(0, os.SEEK_END)
        self._file.flush()
        self._headed = self.data_bytes

    def close(self) -> None:
        """Finish the take: the header made true, the file on disk. Safe to repeat."""
        if self._file.closed:
            return
        try:
            self._write_header()
            os.fsync(self._file.fileno())
        finally:
            self._file.close()

    def discard(self) -> None:
        """Close and delete the take (an answer that was never kept)."""
        with contextlib.suppress(OSError):
            self._file.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Take:
    """A take the bank ties to an answer: which, of which prompt, when, which file."""

    attempt_id: int
    prompt_uuid: str
    started_at: datetime
    name: str


def expired(takes: Iterable[Take], keep: int | None) -> list[Take]:
    """The takes a retention setting lets go: beyond the latest ``keep`` of each
    prompt (``None`` keeps all; 0 keeps none)."""
    if keep is None:
        return []
    by_prompt: dict[str, list[Take]] = defaultdict(list)
    for take in takes:
        by_prompt[take.prompt_uuid].append(take)
    gone: list[Take] = []
    for group in by_prompt.values():
        group.sort(key=lambda t: (t.started_at, t.attempt_id), reverse=True)
        gone.extend(group[keep:])
    return sorted(gone, key=lambda t: (t.started_at, t.attempt_id))


@dataclass(frozen=True, slots=True)
class Usage:
    """What the recordings folder holds: takes tied to answers, and loose ones."""

    takes: int
    bytes: int
    #: Takes no answer names (an answer cut short by a crash, or a bank restored
    #: from a backup older than the take), and what they weigh.
    loose: int
    loose_bytes: int
    #: Takes an answer names whose file is not there (deleted by hand, a restore).
    missing: int = 0

    def summary(self) -> str:
        text = f"{counted(self.takes, 'recording')}, {size_text(self.bytes)}"
        if self.missing:
            text += f"; {self.missing} tied to an answer but missing"
        if self.loose:
            text += f"; {self.loose} not tied to an answer ({size_text(self.loose_bytes)})"
        return text


def usage(recordings: Path, names: Sequence[str]) -> Usage:
    """Count the takes in ``recordings`` against the names the bank ties to answers."""
    tied = set(names)
    found: set[str] = set()
    takes = size = loose = loose_size = 0
    try:
        entries = list(os.scandir(recordings))
    except FileNotFoundError:
        entries = []
    for entry in entries:
        if not entry.is_file(follow_symlinks=False) or not is_take_name(entry.name):
            continue
        weight = entry.stat(follow_symlinks=False).st_size
        if entry.name in tied:
            takes, size = takes + 1, size + weight
            found.add(entry.name)
        else:
            loose, loose_size = loose + 1, loose_size + weight
    return Usage(takes, size, loose, loose_size, len(tied - found))


def size_text(count: int) -> str:
    """A byte count as people read it: 812 KB, 14.2 MB."""
    if count < 1000 * 1000:
        return f"{max(count, 0) / 1000:.0f} KB"
    if count < 1000 * 1000 * 1000:
        return f"{count / 1e6:.1f} MB"
    return f"{count / 1e9:.2f} GB"


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    """The measures of a take the bank keeps with its answer, so that Progress
    can chart pace and pauses without reading audio (and after it is deleted)."""

    answer_seconds: float
    speaking_seconds: float
    pauses: int
    long_pauses: int
    longest_pause: float
    words_per_minute: float

    FIELDS = ("answer_seconds", "speaking_seconds", "pauses", "long_pauses",
              "longest_pause", "words_per_minute")  # fmt: skip

    @classmethod
    def of(cls, report: DeliveryReport) -> DeliverySummary:
        longest = report.longest_pause
        return cls(
            answer_seconds=round(report.answer_seconds, 2),
            speaking_seconds=round(report.speaking_seconds, 2),
            pauses=len(report.pauses),
            long_pauses=len(report.long_pauses),
            longest_pause=round(longest.seconds, 2) if longest else 0.0,
            words_per_minute=round(report.words_per_minute, 1),
        )

    def text(self) -> str:
        """One line for the review and the answer's window."""
        longest = f" (longest {self.longest_pause:.1f} s)" if self.pauses else ""
        return (
            f"{clock(self.answer_seconds)} from first word to last · "
            f"{clock(self.speaking_seconds)} speaking · "
            f"{counted(self.pauses, 'pause')} over 0.5 s, {self.long_pauses} over 2 s{longest} · "
            f"about {self.words_per_minute:.0f} words a minute"
        )

    def short_text(self) -> str:
        """A few words for a table cell: pace and long pauses."""
        return f"~{self.words_per_minute:.0f} wpm · {counted(self.long_pauses, 'long pause')}"

    def to_json(self) -> str:
        return json.dumps({k: getattr(self, k) for k in self.FIELDS}, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str | None) -> DeliverySummary | None:
        """The summary stored as ``text``; None if none, or not what this version writes."""
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        numbers = [data.get(k) for k in cls.FIELDS]
        if not all(
            isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) and n >= 0
            for n in numbers
        ):
            return None
        a, s, p, lp, longest, wpm = (float(n) for n in numbers)  # type: ignore[arg-type]
        return cls(a, s, int(p), int(lp), longest, wpm)
