"""PySide6 on every supported Python: thousands of Qt calls that return nothing.

PySide6 6.12.0 on CPython 3.11 dropped a reference to ``None`` on every Qt call
returning nothing, and the process died with ``none_dealloc`` after a few
thousand of them. Each probe runs in a child process of the Python running the
tests, so a crash is a failed probe, not a dead test run. CI runs them on the
lowest and the highest supported Python.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
RunChild = Callable[..., subprocess.CompletedProcess[str]]

VOID_CALLS = """
import sys
from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
thing = QObject()
before = sys.getrefcount(None)
for _ in range(20_000):
    thing.setObjectName("x")
print(sys.getrefcount(None) - before)
"""


def test_twenty_thousand_void_qt_calls_keep_none_alive(run_child: RunChild) -> None:
    done = run_child("-c", VOID_CALLS)
    assert done.returncode == 0, done.stderr
    # On an interpreter where None is counted, the count must not drift down.
    assert int(done.stdout.split()[-1]) >= -5


def test_a_walk_of_2400_key_presses_through_200_stories(
    filled_bank: Callable[[int], Path], run_child: RunChild
) -> None:
    bank = filled_bank(200)
    done = run_child(str(HERE / "qt_walk.py"), str(bank), "2400")
    assert done.returncode == 0, done.stderr
    assert "walked 2400 presses over 200 rows" in done.stdout


def test_a_full_sheet_of_120_stories(
    filled_bank: Callable[[int], Path], run_child: RunChild, tmp_path: Path
) -> None:
    bank = filled_bank(120)
    pdf = tmp_path / "full.pdf"
    done = run_child(
        "-m", "storybank", "sheet", "--layout", "full", "--data-dir", str(bank), "-o", str(pdf)
    )
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(pdf).pages) >= 120
