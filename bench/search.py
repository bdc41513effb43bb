"""Search as you type and story switch, on a generated bank.

Usage: uv run python bench/search.py [--stories 10000]

Search: every prefix of a few realistic queries, as a user types them: the id
query the story list runs, plus fetching the rows of the first screenful.
Switch: loading a story and filling the real editor widgets (offscreen).
Budgets (DESIGN.md): search p95
<= 20 ms at 10,000 stories; switch <= 30 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import make_bank

SCREENFUL = 30
QUERIES = ["billing migration", "feedback from my manager", "retention", "outage root cause"]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STORYBANK_CONFIG_DIR"] = tmp
        start = time.perf_counter()
        repo = make_bank(Path(tmp) / "bank", args.stories)
        print(f"built {args.stories} stories in {time.perf_counter() - start:.1f} s")

        samples = []
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                t = time.perf_counter()
                ids = repo.story_ids(query[:end])
                repo.story_rows(ids[:SCREENFUL])
                samples.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        everything = repo.story_ids()
        repo.story_rows(everything[:SCREENFUL])
        full = (time.perf_counter() - t) * 1000
        print(
            f"search as you type: median {statistics.median(samples):.1f} ms, "
            f"p95 {percentile(samples, 95):.1f} ms over {len(samples)} keystrokes "
            "(budget p95 20 ms)"
        )
        print(f"full list of {len(everything)} stories (empty search): {full:.1f} ms")

        from PySide6.QtWidgets import QApplication

        from storybank.gui.story_editor import StoryEditor
        from storybank.services.stories import StoryService

        app = QApplication.instance() or QApplication([])
        service = StoryService(repo, Path(tmp) / "bank")
        editor = StoryEditor(service)
        editor.resize(800, 700)
        editor.show()
        ids = everything[:200]
        switch = []
        for story_id in ids:
            t = time.perf_counter()
            editor.load(service.get_story(story_id))
            app.processEvents()
            switch.append((time.perf_counter() - t) * 1000)
        print(
            f"story switch (load + fill editor): median {statistics.median(switch):.1f} ms, "
            f"p95 {percentile(switch, 95):.1f} ms (budget 30 ms)"
        )
        repo.db.close()


if __name__ == "__main__":
    main()
    os._exit(0)  # skip interpreter teardown of Qt objects
