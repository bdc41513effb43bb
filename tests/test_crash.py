"""Own your data: a writer killed with SIGKILL never loses an acknowledged commit.

The writer (tests/crash_writer.py) runs in a child process and edits stories
through the real StoryService; it is killed at random moments, always on the
same data folder so that damage could pile up. After every kill the file must
pass SQLite's integrity and foreign key checks, hold every acknowledged story
byte for byte, hold no half-written story, and still open as a bank.
bench/crash.py runs the same cycle many more times.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# tests/ is not a package (pytest imports test files by path), so the shared
# cycle logic is imported from beside this file, as bench/crash.py does.
sys.path.insert(0, str(Path(__file__).parent))

import crash_writer

pytestmark = pytest.mark.slow  # SIGKILLs of real processes: a long run


CYCLES = int(os.environ.get("STORYBANK_CRASH_CYCLES", "50"))
SEED = int(os.environ.get("STORYBANK_CRASH_SEED", "20240607"))


def test_sigkill_never_loses_acknowledged_writes(tmp_path: Path) -> None:
    report = crash_writer.run_cycles(tmp_path / "data", CYCLES, SEED, tmp_path / "work")
    print(f"crash test: {report.summary()}")
    assert not report.problems, "\n".join(report.problems[:5])
    assert report.cycles == CYCLES
    assert report.kills == CYCLES  # every writer was alive, mid-work, when killed
    assert report.acknowledged >= CYCLES  # at least one commit before every kill


def test_a_line_cut_by_the_kill_is_not_an_acknowledgement() -> None:
    lines = ["BEGIN new aa {}\n", "ACK 3 aa {}\n", "BEGIN 3 bb {}\n", "ACK 3 bb {"]
    acks, pending = crash_writer.parse_lines(lines)
    assert acks == [(3, "aa", {})]
    assert pending is not None and (pending.target, pending.sha) == ("3", "bb")


def test_a_save_that_landed_in_part_is_torn() -> None:
    def field(revision: int, group: str) -> str:
        marker = f"⟦abc123:{revision}:{group}⟧"
        return f"{marker} text 🚀 {marker}"

    whole = {name: "" for name in crash_writer.TEXT_FIELDS}
    whole.update(title=field(1, "0"), situation=field(2, "45"), task=field(2, "45"))
    assert crash_writer.torn_fields(whole) == []
    torn = dict(whole, situation=field(3, "45"))  # task still holds revision 2
    assert crash_writer.torn_fields(torn) == ["situation (r3) was saved with task (r2)"]
    cut = dict(whole, task=field(2, "45")[:-12])
    assert crash_writer.torn_fields(cut)
