"""Speed and memory at scale: banks of 1,000, 10,000 and 100,000 stories.

Usage: uv run python bench/scale.py [--sizes 1000 10000 100000] [--runs 5]
                                    [--banks DIR]

For each size a bank is generated (kept in ``--banks`` when given, so later
runs reuse it). Then, alternately, a bare PySide6 window and the real
Storybank window are started as fresh processes on the offscreen platform,
``--runs`` times each. Each Storybank process, once its window is shown, is
driven like a user through the real widgets:

- cold start: from just before the process starts to the window shown and
  the event loop run once (first paint);
- idle after start: the event loop's longest stall over the next second,
  while background work (ORM warm-up, figure backfill) runs;
- search as you type: each keystroke of a few queries typed into the search
  box, until the list shows the result (the 120 ms debounce is skipped);
- story switch: Down arrow in the story list, until the editor shows it;
- coverage map open: Ctrl+2, until the map is filled and painted;
- memory: resident set size once shown, and the peak after all of the above,
  beside the bare window's.

Each figure is the median over runs (per-keystroke and per-switch samples
are pooled). Budgets (README, Performance): start <= 2x bare at 1,000 stories; search
p95 <= 20 ms and switch <= 30 ms and memory <= 250 MB at 10,000 stories.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import fill_coach_figures, make_bank

from storybank.core.bank import open_bank

COMMON = """
import json, os, resource, sys, time
def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def report(result):
    print(json.dumps(result), flush=True)
    os._exit(0)
"""

BARE = (
    COMMON
    + """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1240, 780)
window.show()
QTimer.singleShot(0, lambda: report({"shown": time.time(), "rss": rss_mb(), "peak": peak_mb()}))
app.exec()
"""
)

STORYBANK = (
    COMMON
    + """
import storybank.app  # PySide6 and the window load in main(), as for the storybank command

QUERIES = ["billing migration", "feedback from my manager", "outage root cause"]
SWITCHES = 40

def ms(start):
    return (time.perf_counter() - start) * 1000

def longest_stall(seconds):
    loop, last, worst = QEventLoop(), [time.perf_counter()], [0.0]
    def beat():
        now = time.perf_counter()
        worst[0] = max(worst[0], (now - last[0]) * 1000)
        last[0] = now
    heartbeat = QTimer(interval=5, timeout=beat)
    heartbeat.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    heartbeat.stop()
    return worst[0]

def exercise(window):
    from PySide6.QtTest import QTest  # not part of the start-up

    app = QApplication.instance()
    result = {"stall": longest_stall(1.0)}
    search, typing = window.search, []
    for query in QUERIES:
        search.setFocus()
        search.clear()
        window.reload_list()
        app.processEvents()
        for char in query:
            start = time.perf_counter()
            QTest.keyClicks(search, char)
            window.list_panel._search_timer.stop()
            window.reload_list()
            app.processEvents()
            typing.append(ms(start))
    result["search"] = typing
    result["hits"] = window.list_panel.model.rowCount()
    search.clear()
    window.reload_list()
    app.processEvents()
    view, switching = window.list_panel.view, []
    view.setFocus()
    view.setCurrentIndex(window.list_panel.model.index(0, 0))
    app.processEvents()
    for _ in range(SWITCHES):
        start = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_Down)
        app.processEvents()
        switching.append(ms(start))
    result["switch"] = switching
    result["switched_to"] = window.editor.title.text()
    start = time.perf_counter()
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    window.coverage_view.repaint()
    app.processEvents()
    result["coverage"] = ms(start)
    result["coverage_rows"] = window.coverage_view.values_model.rowCount()
    return result

def patched_show_window(service, guard):
    # Where start-up imports the window's module (see bench/startup.py).
    global QEventLoop, QTimer, Qt, QApplication
    from PySide6.QtCore import QEventLoop, QTimer, Qt
    from PySide6.QtWidgets import QApplication
    from storybank.gui import main_window
    shown = main_window.MainWindow.show
    def show(self):
        shown(self)
        def after():
            result = {"shown": time.time(), "rss": rss_mb()}
            result.update(exercise(self))
            result["peak"] = peak_mb()
            report(result)
        QTimer.singleShot(0, after)
    main_window.MainWindow.show = show
    return show_window(service, guard)

show_window = storybank.app._show_window
storybank.app._show_window = patched_show_window
sys.exit(storybank.app.main(["--data-dir", sys.argv[1]]))
"""
)


def run(code: str, *args: str, env: dict[str, str]) -> dict[str, object]:
    """Start a fresh process; its report, with the cold start in seconds."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, env=env, capture_output=True, text=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["start"] = result["shown"] - start
    return result


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def bank_for(size: int, banks: Path) -> Path:
    """The folder of a generated bank of ``size`` stories, built once."""
    folder = banks / f"bank-{size}"
    done = folder / ".complete"
    started = time.perf_counter()
    if not done.exists():
        make_bank(folder, size).db.close()
        done.touch()
    else:
        repo = open_bank(folder)  # a kept bank: bring its figures up to date
        fill_coach_figures(repo)
        repo.db.close()
    print(f"  {size:,} stories ready in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def measure(size: int, folder: Path, runs: int, env: dict[str, str]) -> dict[str, float]:
    """Medians over ``runs`` alternating runs of the bare window and Storybank."""
    run(BARE, env=env)  # warm the OS file cache and bytecode for both
    run(STORYBANK, str(folder), env=env)
    bare, ours = [], []
    for _ in range(runs):
        bare.append(run(BARE, env=env))
        ours.append(run(STORYBANK, str(folder), env=env))
    search = [ms for result in ours for ms in result["search"]]  # type: ignore[union-attr]
    switch = [ms for result in ours for ms in result["switch"]]  # type: ignore[union-attr]

    def median(results: list[dict[str, object]], key: str) -> float:
        return statistics.median(float(result[key]) for result in results)  # type: ignore[arg-type]

    return {
        "stories": size,
        "bare_start": median(bare, "start") * 1000,
        "start": median(ours, "start") * 1000,
        "stall": median(ours, "stall"),
        "search_median": statistics.median(search),
        "search_p95": percentile(search, 95),
        "search_max": max(search),
        "switch_median": statistics.median(switch),
        "switch_p95": percentile(switch, 95),
        "coverage": median(ours, "coverage"),
        "coverage_rows": median(ours, "coverage_rows"),
        "bare_rss": median(bare, "rss"),
        "rss": median(ours, "rss"),
        "peak": median(ours, "peak"),
    }


def table(rows: list[dict[str, float]]) -> str:
    """The figures as a Markdown table, one column per bank size."""
    lines = [
        "| | " + " | ".join(f"{row['stories']:,.0f} stories" for row in rows) + " |",
        "|---" * (len(rows) + 1) + "|",
    ]

    def line(label: str, cell: str) -> None:
        lines.append(f"| {label} | " + " | ".join(cell.format(**row) for row in rows) + " |")

    line("bare PySide6 window, cold start", "{bare_start:.0f} ms")
    line("Storybank cold start to shown window", "{start:.0f} ms")
    lines.append(
        "| ratio to the bare window | "
        + " | ".join(f"{row['start'] / row['bare_start']:.2f}x" for row in rows)
        + " |"
    )
    line("longest stall in the first second after", "{stall:.0f} ms")
    line(
        "search as you type, median / p95 / max",
        "{search_median:.1f} / {search_p95:.1f} / {search_max:.0f} ms",
    )
    line("story switch, median / p95", "{switch_median:.1f} / {switch_p95:.1f} ms")
    line("coverage map open (first time)", "{coverage:.0f} ms")
    line("memory once shown (bare window)", "{rss:.0f} MB ({bare_rss:.0f} MB)")
    line("peak memory after the above", "{peak:.0f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--banks", type=Path, help="keep generated banks here and reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        banks = args.banks or Path(tmp)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STORYBANK_CONFIG_DIR=tmp)
        # An installed app has bytecode caches; let the warm-up runs write them.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        rows = []
        for size in args.sizes:
            print(f"{size:,} stories:", flush=True)
            rows.append(measure(size, bank_for(size, banks), args.runs, env))
            print(json.dumps(rows[-1]), flush=True)
    print()
    print(f"medians over {args.runs} runs of each")
    print(table(rows))


if __name__ == "__main__":
    main()
