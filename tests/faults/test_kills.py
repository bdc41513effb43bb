"""SIGKILL in the middle of every long write the command line makes.

An import is all or nothing, an export replaces the old file whole or not at
all, and the bank passes ``storybank check`` after every kill. Each probe
kills a real ``storybank`` child process at a spread of moments (the
crash test, tests/test_crash.py, does the same for story saves).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from storybank.core.bank import open_bank

RunChild = Callable[..., subprocess.CompletedProcess[str]]
#: Seconds after the start at which the child is killed, spread over its work.
KILL_AFTER = (0.4, 0.9, 1.6, 2.6)
STORIES = 300  # the size of the story_export fixture


pytestmark = pytest.mark.slow  # SIGKILLs of real processes: a long run


def storybank(*args: str) -> list[str]:
    return [sys.executable, "-m", "storybank", *args]


def kill_after(command: list[str], seconds: float) -> bool:
    """Start ``command``, SIGKILL it after ``seconds``; return whether it was still running."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        child.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        return True


def story_count(folder: Path) -> int:
    with closing(sqlite3.connect(folder / "storybank.sqlite3")) as conn, conn:
        return int(conn.execute("SELECT count(*) FROM story").fetchone()[0])


@pytest.mark.parametrize("seconds", KILL_AFTER)
def test_a_killed_import_is_all_or_nothing(
    story_export: Path, tmp_path: Path, run_child: RunChild, seconds: float
) -> None:
    bank = tmp_path / "bank"
    open_bank(bank).db.close()  # an empty bank; only the import is killed
    killed = kill_after(storybank("import", str(story_export), "--data-dir", str(bank)), seconds)
    assert story_count(bank) in (0, STORIES), f"killed={killed}"
    done = run_child("-m", "storybank", "check", "--data-dir", str(bank))
    assert done.returncode == 0, done.stderr
    # And the import can simply be run again.
    done = run_child("-m", "storybank", "import", str(story_export), "--data-dir", str(bank))
    assert done.returncode == 0, done.stderr
    assert story_count(bank) == STORIES


@pytest.mark.parametrize("seconds", KILL_AFTER[:3])
def test_a_killed_export_leaves_the_old_file_or_the_whole_new_one(
    story_export: Path, tmp_path: Path, run_child: RunChild, seconds: float
) -> None:
    bank = tmp_path / "bank"
    done = run_child("-m", "storybank", "import", str(story_export), "--data-dir", str(bank))
    assert done.returncode == 0, done.stderr
    target = tmp_path / "out.json"
    old = b'{"note": "an older export"}'
    target.write_bytes(old)
    start = time.monotonic()
    kill_after(
        storybank("export", "--format", "json", "-o", str(target), "--data-dir", str(bank)), seconds
    )
    assert time.monotonic() - start < 120
    data = target.read_bytes()
    if data != old:
        assert len(json.loads(data)["stories"]) == STORIES
    shutil.rmtree(bank)
