"""A 50-story full sheet to PDF (offscreen). Budget (README, Performance): <= 1 s.

Usage: uv run python bench/sheet.py [--stories 50] [--runs 5]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from PySide6.QtGui import QGuiApplication

    from storybank.core.sheet import Layout, build_sheet, needs_landscape, sheet_header
    from storybank.gui.print import export_pdf

    _app = QGuiApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_bank(Path(tmp) / "bank", args.stories)
        values = repo.active_values()
        times = []
        pages = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            records = [repo.get_story(i) for i in repo.story_ids(sort="title")]
            html = build_sheet(Layout.FULL, records, values)
            pages = export_pdf(
                Path(tmp) / "sheet.pdf",
                html,
                sheet_header(Layout.FULL),
                page_size="A4",
                landscape=needs_landscape(Layout.FULL, len(values)),
            )
            times.append(time.perf_counter() - start)
        repo.db.close()
    median = statistics.median(times)
    print(f"full sheet, {args.stories} stories, {pages} pages: median {median * 1000:.0f} ms")
    print(f"budget: <= 1000 ms: {'within budget' if median <= 1 else 'OVER BUDGET'}")
    os._exit(0)


if __name__ == "__main__":
    main()
