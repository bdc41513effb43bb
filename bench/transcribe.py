"""Transcribing a minute's answer on this machine: the real-time factor and the word error.

Usage: uv run --extra transcribe python bench/transcribe.py [--runs 3] [--seconds 60]

The take is espeak-ng speaking a demo story (``resources/demo``, its
Situation onwards, sentence by sentence until about --seconds at 150 words a
minute), written as espeak-ng writes it (22,050 Hz mono: the transcript
resamples it to 16 kHz, as it would any recorder's file). One warm-up
transcript first, in this process: faster-whisper imported, the model's hash
checked and the model loaded (its time is printed apart); then --runs timed
``transcribe`` calls, reading the file included. The real-time factor is
their median over the take's length, against the budget of 0.1 (a minute
transcribed in six seconds). The word error is jiwer's, on text normalised
as the tests do (tests/spoken_takes.py: numbers as values, lowercase, no
punctuation). The hash check is timed alone in a fresh process (a 75 MB
file, read from the page cache), the median of 3.

Exit status 1 when the extra or espeak-ng is missing, or the factor is over
the budget.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from spoken_takes import ESPEAK, NO_ESPEAK, normal, spoken
from storybank.core import transcript
from storybank.core.coach_text import sentence_spans
from storybank.core.interchange import parse_story_markdown
from storybank.resources import resource_path

BUDGET = 0.1
STORY = "01-harsh-code-reviews.md"
WORDS_PER_MINUTE = 150
HASH = (
    "import time; from storybank.core import transcript as t; folder = t.bundled_model()\n"
    "start = time.perf_counter(); t.verify_model(folder); print(time.perf_counter() - start)"
)


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def answer(seconds: float) -> str:
    """The story's sentences, from its Situation on, until about ``seconds`` of speech."""
    story = parse_story_markdown(resource_path("demo", STORY).read_text(encoding="utf-8"))
    text = " ".join(
        spoken(story.sections[name]) for name in ("situation", "task", "action", "result")
    )
    words = seconds * WORDS_PER_MINUTE / 60
    said, count = [], 0
    for start, end, length in sentence_spans(text):
        if count >= words:
            break
        said.append(text[start:end].strip())
        count += length
    return " ".join(said)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    ready, why = transcript.availability()
    if not ready or ESPEAK is None:
        print(why or NO_ESPEAK)
        return 1
    import jiwer

    text = answer(args.seconds)
    with tempfile.TemporaryDirectory(prefix="storybank-bench-") as folder:
        take = Path(folder) / "answer.wav"
        subprocess.run([ESPEAK, "-s", str(WORDS_PER_MINUTE), "-w", str(take), text], check=True)
        before = peak_mb()
        start = time.perf_counter()
        name = transcript.prepare()
        prepared = time.perf_counter() - start
        loaded = peak_mb()
        first = transcript.transcribe(take)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            said = transcript.transcribe(take)
            times.append(time.perf_counter() - start)
    duration = first.duration_seconds
    factor = statistics.median(times) / duration
    error = jiwer.wer(normal(text), normal(said.text))
    hashing = sorted(
        float(subprocess.run([sys.executable, "-c", HASH], capture_output=True, text=True).stdout)
        for _ in range(3)
    )
    print(f"take: {duration:.1f} s, {len(text.split())} words of {STORY} at {WORDS_PER_MINUTE} wpm")
    decoding = transcript.DECODING
    print(
        f"model: {name}; {decoding.device}, {decoding.compute_type}, "
        f"{decoding.cpu_threads} threads, beam {decoding.beam_size}, word times"
    )
    print(
        f"load (import, sha256 check, model load): {prepared:.2f} s; then the first: "
        f"{first.seconds:.2f} s"
    )
    print(
        f"transcribe x{args.runs}: median {statistics.median(times):.2f} s, "
        f"slowest {max(times):.2f} s; real-time factor {factor:.3f}x "
        f"({'within' if factor <= BUDGET else 'over'} {BUDGET}x)"
    )
    print(f"word error rate: {error:.1%} ({len(normal(text).split())} words)")
    print(f"sha256 of model.bin, fresh process x3: median {statistics.median(hashing):.3f} s")
    print(
        f"peak memory: {before:.0f} MB before loading, {loaded:.0f} MB loaded, "
        f"{peak_mb():.0f} MB after transcribing"
    )
    return 0 if factor <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
