"""Cold start to a shown main window, against a bare PySide6 window.

Usage: uv run python bench/startup.py [--stories 1000] [--runs 15] [--against SRC] [--bank DIR]
       [--until painted|shown]

``--bank DIR`` opens a bank made before (a 100,000-story bank takes about
fifteen minutes to make: `bench/common.py`'s ``make_bank``); ``--stories``
then only labels the figures.

With ``--against SRC`` (the ``src`` folder of another checkout, e.g. a
``git worktree`` of an older commit) that version runs too, in the same
alternation, so a change is measured against what it replaced on the same
machine in the same minutes.

Each run is a fresh process (offscreen platform). The time counted is from
just before the process is started to the event loop's first turn after its
main window's first paint (a timer queued in the first paintEvent); the child
prints that moment and exits at once. (Until 2026-12-03 it was counted to the
first turn of the event loop after show(), which on the offscreen platform
comes before the first paint: the window's layout and paint were not counted.)
The figure is the median; the budget (README, Performance) is
Storybank <= 2x the bare window.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import make_bank

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
def done():
    import os, time
    print(time.time(), flush=True)
    os._exit(0)
class Window(QMainWindow):
    def paintEvent(self, event):
        QTimer.singleShot(0, done)
        super().paintEvent(event)
app = QApplication(sys.argv[:1])
window = Window()
window.resize(1240, 780)
window.show()
app.exec()
"""

# Runs storybank.app's main() as the ``storybank`` command does, and wraps the
# window's paintEvent as the bare window's: the moment counted is the event
# loop's first turn after the first paint (its timer is queued before the
# window's own work for just after the first paint, which is not counted).
# The window's module is patched where start-up imports it (in _show_window),
# not before main() runs: imported early, it would load PySide6 ahead of the
# core and outside main()'s start-up settings.
WRAP_WINDOW = """
import sys
import storybank.app
def patched_show_window(service, guard):
    from storybank.gui import main_window
    patch(main_window.MainWindow)
    return show_window(service, guard)
show_window = storybank.app._show_window
storybank.app._show_window = patched_show_window
"""

STORYBANK = (
    WRAP_WINDOW
    + """
def done():
    import os, time
    print(time.time(), flush=True)
    os._exit(0)
def patch(window_class):
    from PySide6.QtCore import QTimer
    own = window_class.paintEvent
    def painted(self, event):
        QTimer.singleShot(0, done)
        own(self, event)
    window_class.paintEvent = painted
sys.exit(storybank.app.main(["--data-dir", sys.argv[1]]))
"""
)

# The older clock: the first turn of the event loop after show(), which on the
# offscreen platform comes before the first paint (``--until shown``).
BARE_SHOWN = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1240, 780)
window.show()
def shown():
    import os, time
    print(time.time(), flush=True)
    os._exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""

STORYBANK_SHOWN = (
    WRAP_WINDOW
    + """
def patch(window_class):
    from PySide6.QtCore import QTimer
    shown = window_class.show
    def show(self):
        shown(self)
        def done():
            import os, time
            print(time.time(), flush=True)
            os._exit(0)
        QTimer.singleShot(0, done)
    window_class.show = show
sys.exit(storybank.app.main(["--data-dir", sys.argv[1]]))
"""
)


def timed(code: str, *args: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, env=env, capture_output=True, text=True
    ).stdout
    return float(out.strip().splitlines()[-1]) - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", type=Path, help="the src folder of another version")
    parser.add_argument("--bank", type=Path, help="a bank folder made before, used as it is")
    parser.add_argument(
        "--until", choices=("painted", "shown"), default="painted",
        help="stop the clock after the first paint (default) or after show() as before",
    )  # fmt: skip
    args = parser.parse_args()
    bare_code, our_code = (
        (BARE, STORYBANK) if args.until == "painted" else (BARE_SHOWN, STORYBANK_SHOWN)
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.bank or Path(tmp) / "bank"
        if args.bank is None:
            make_bank(folder, args.stories).db.close()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STORYBANK_CONFIG_DIR=tmp)
        # An installed app has bytecode caches; let the warm-up runs write them.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        other = None
        if args.against:
            other = dict(env, PYTHONPATH=str(args.against.resolve()))
            timed(our_code, str(folder), env=other)
        timed(bare_code, env=env)  # warm the OS file cache for both
        timed(our_code, str(folder), env=env)
        # Alternate them, so that a slow spell of the machine hits all alike.
        bare, ours, theirs = [], [], []
        for _ in range(args.runs):
            bare.append(timed(bare_code, env=env))
            ours.append(timed(our_code, str(folder), env=env))
            if other is not None:
                theirs.append(timed(our_code, str(folder), env=other))
    report("Storybank", bare, ours, args)
    if theirs:
        report(f"against {args.against}", bare, theirs, args)
    print("(budget 2x)")


def report(name: str, bare: list[float], runs: list[float], args: argparse.Namespace) -> None:
    b, s = statistics.median(bare), statistics.median(runs)
    pairs = statistics.median(o / r for o, r in zip(runs, bare, strict=True))
    print(f"bare PySide6 window: {b * 1000:.0f} ms (median of {args.runs})")
    print(f"{name}, {args.stories} stories: {s * 1000:.0f} ms (median of {args.runs})")
    print(f"ratio of the medians: {s / b:.2f}x; median of the paired ratios: {pairs:.2f}x")


if __name__ == "__main__":
    main()
