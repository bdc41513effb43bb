"""Delivery measurement of a 3-minute take, against the 1 s budget in README (Performance).

Usage: uv run python bench/delivery.py [--seconds 180] [--runs 30]

The take is espeak-ng's answer from tests/spoken_takes.py at 120, 150, 180
and 220 words a minute, joined over and over to three minutes, with a
room's noise under it (white noise and no hum, -50 dBFS); where espeak-ng is
missing, a speech-like signal of the same length. It is written twice: as
espeak-ng speaks (22050 Hz mono) and as a recorder would save it (48000 Hz
stereo, the same sound resampled, 8.7 times the samples). Each run is one
``measure_file`` call on the file, reading included, timed with
``perf_counter``; the figures are the median and p95 in milliseconds. The
``cold`` line is the first measurement in a fresh process, loading numpy
and the module (the median of 5 processes), as the first take of a session
would be measured.

With --accuracy it prints instead, for each espeak-ng take of the tests
(each rate, as written and with noise under it), the truth beside the
measurement: speaking time, syllables a minute, words a minute and the
pause counts (the truth of tests/spoken_takes.py).

Exit status 1 when a p95 is over the budget.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from spoken_takes import (
    ESPEAK,
    NO_ESPEAK,
    PHRASES,
    RATES,
    noisy,
    render,
    three_minutes,
    words,
    write_wav,
)
from storybank.core.delivery import measure_file

BUDGET_MS = 1000.0
COLD = (
    "import sys, time; from pathlib import Path; start = time.perf_counter()\n"
    "from storybank.core.delivery import measure_file; measure_file(Path(sys.argv[1]))\n"
    "print((time.perf_counter() - start) * 1000)"
)


def as_recorded(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """The take resampled (linearly) to ``target`` Hz, the same in both channels of a pair."""
    times = np.arange(round(len(samples) * target / rate)) / target
    mono = np.interp(times, np.arange(len(samples)) / rate, samples)
    return np.column_stack((mono, mono)).reshape(-1)


def timed(path: Path, runs: int) -> list[float]:
    times = []
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            measure_file(path)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    return sorted(times)


def accuracy() -> int:
    """The measurement beside the truth, take by take."""
    if ESPEAK is None:
        print(NO_ESPEAK)
        return 1
    count = sum(len(words(phrase)) for phrase, _ in PHRASES)
    print(
        "take          speaking s, true / measured    syllables a minute      "
        "words a minute (est.)   pauses >0.5 s, >2 s"
    )
    with tempfile.TemporaryDirectory(prefix="storybank-bench-") as folder:
        for rate in RATES:
            clean = Path(folder) / f"answer-{rate}.wav"
            truth = render(rate, clean)
            for kind, path in (("clean", clean), ("noisy", noisy(clean, clean.with_name("n.wav")))):
                got = measure_file(path)
                true_wpm = count * 60 / truth.speaking_seconds
                columns = [
                    f"-s {rate} {kind:6}",
                    _pair(truth.speaking_seconds, got.speaking_seconds, "5.2f"),
                    _pair(truth.syllables_per_minute, got.syllables_per_minute, "3.0f"),
                    _pair(true_wpm, got.words_per_minute, "3.0f"),
                    f"{truth.count(0.5)}, {truth.count(2.0)} / "
                    f"{len(got.pauses)}, {len(got.long_pauses)}",
                ]
                print("   ".join(columns))
    return 0


def _pair(true: float, measured: float, shape: str) -> str:
    """The truth, the measurement and how far off it is."""
    return f"{true:{shape}} / {measured:{shape}} ({100 * (measured / true - 1):+5.1f} %)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--accuracy", action="store_true", help="the truth beside the measurement")
    args = parser.parse_args()
    if args.accuracy:
        return accuracy()

    with tempfile.TemporaryDirectory(prefix="storybank-bench-") as folder:
        samples, rate, made = three_minutes(Path(folder), args.seconds)
        files = {
            f"{rate} Hz mono": write_wav(Path(folder) / "mono.wav", samples, rate),
            "48000 Hz stereo": write_wav(
                Path(folder) / "stereo.wav", as_recorded(samples, rate, 48000), 48000, channels=2
            ),
        }
        report = measure_file(files[f"{rate} Hz mono"])  # warm-up
        print(
            f"take: {report.duration_seconds:.0f} s of {made}; speaking "
            f"{report.speaking_seconds:.0f} s, {len(report.pauses)} pauses, "
            f"{report.syllables_per_minute:.0f} syllables a minute"
        )
        within = True
        for name, path in files.items():
            times = timed(path, args.runs)
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            within &= p95 <= BUDGET_MS
            size = path.stat().st_size / 1024 / 1024
            print(
                f"{name:16} x{args.runs} ({size:.0f} MB): median {median:.0f} ms, p95 {p95:.0f} ms "
                f"({'within' if p95 <= BUDGET_MS else 'over'} {BUDGET_MS:.0f} ms)"
            )
        stereo = str(files["48000 Hz stereo"])
        cold = sorted(
            float(
                subprocess.run(
                    [sys.executable, "-c", COLD, stereo], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(5)
        )
        print(
            f"cold (48000 Hz stereo, numpy and the module loaded first) x5: "
            f"median {statistics.median(cold):.0f} ms, slowest {cold[-1]:.0f} ms"
        )
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
