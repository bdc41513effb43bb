"""The SIGKILL crash test at length: many more kills than CI runs.

Usage: uv run python bench/crash.py [--cycles 500] [--seed N] [--keep DIR]

A writer process edits stories through the real StoryService on one data
folder and is killed with SIGKILL at a random moment, again and again. After
every kill: SQLite's integrity and foreign key checks (and the full-text
index's) pass, every acknowledged story is stored byte for byte, none is
half-written, and the folder still opens as a bank. Unlike the test, the run
goes on after a problem and counts them all; the exit code is 1 if any.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# The cycle and the checks live beside the test that runs them in CI.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_writer import CrashReport, run_cycles

PROGRESS_EVERY = 50


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it afterwards")
    args = parser.parse_args()
    start = time.perf_counter()
    shown = 0

    def progress(report: CrashReport) -> None:
        nonlocal shown
        if report.cycles % PROGRESS_EVERY == 0 or len(report.problems) > shown:
            for problem in report.problems[shown:]:
                print(problem, flush=True)
            shown = len(report.problems)
            elapsed = time.perf_counter() - start
            print(f"[{elapsed:6.0f} s] {report.summary()}", flush=True)

    with tempfile.TemporaryDirectory(prefix="storybank-crash-") as tmp:
        root = args.keep or Path(tmp)
        report = run_cycles(
            root / "data",
            args.cycles,
            args.seed,
            root / "work",
            stop_on_failure=False,
            on_cycle=progress,
        )
    for problem in report.problems[shown:]:
        print(problem)
    print(report.summary())
    print(f"took {time.perf_counter() - start:.0f} s")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
