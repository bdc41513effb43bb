"""Rendering and PDF probes: hostile Markdown, full disks, the network, long names.

Hostile Markdown goes through ``to_html`` under a time limit, through
``storybank sheet`` in a child process with a timeout, and through the
window's preview while a timer checks that the GUI thread keeps running.
PDF probes write to a real, tiny tmpfs, trace a real child's ``connect``
calls with strace, and use a real 250-byte file name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.markdown import to_html
from storybank.core.sheet import plain_line
from storybank.gui.dialogs.sheet import SheetDialog
from storybank.gui.main_window import MainWindow
from storybank.services.stories import StoryService

RunChild = Callable[..., subprocess.CompletedProcess[str]]
FilledBank = Callable[[int], Path]

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
        # The title field takes up to a million characters too.
        repo.create_story(title="[" * 1_000_000, company="[a](" * 250_000, action="x")
    finally:
        repo.db.close()
    return folder


@pytest.mark.parametrize("layout", ["full", "cheat", "matrix"])
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


#: Text the old preview froze on (20,000 "[": 65 s) or crashed on (deep lists).
HOSTILE_STORY = {
    "title": "Hostile",
    "situation": HOSTILE["20,000 ["],
    "task": HOSTILE["30,000 characters of !["],
    "action": HOSTILE["10,000 list lines"],
    "result": HOSTILE["250 list indents"],
    "reflection": HOSTILE["250 nested quotes"] + " end",
}


def test_preview_of_a_hostile_story_keeps_the_window_responsive(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "bank"
    repo = open_bank(folder)
    repo.create_story(**HOSTILE_STORY)
    repo.db.close()
    service = StoryService(open_bank(folder), folder)
    try:
        window = MainWindow(service)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.waitUntil(lambda: window.editor.field_text("title") == "Hostile")
        # A timer ticking every 10 ms on the GUI thread: a long gap is a freeze.
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start()
        qtbot.waitUntil(lambda: len(ticks) >= 3)
        started = time.perf_counter()
        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        returned = time.perf_counter() - started
        preview = window.editor.preview
        qtbot.waitUntil(lambda: "deep end" in preview.toPlainText(), timeout=60_000)
        timer.stop()
        longest = max(b - a for a, b in pairwise(ticks))
        assert returned < 0.5, f"Ctrl+E took {returned:.1f} s"
        assert longest < 0.5, f"the GUI thread froze for {longest:.1f} s"
    finally:
        service.close()


# --- PDF files: full disks, the network, long names --------------------------


@pytest.fixture
def tiny_disk(small_disk: Callable[[str, int], Path]) -> Path:
    """A real 64 KiB tmpfs: room for a small PDF, not for a long one."""
    return small_disk("64k", 32)


def _sheet(
    run_child: RunChild, bank: Path, output: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return run_child(
        "-m", "storybank", "sheet", "--layout", "full", "--data-dir", str(bank),
        "-o", str(output), *extra, timeout=120,
    )  # fmt: skip


def test_sheet_on_a_full_disk_fails_and_keeps_the_old_pdf(
    run_child: RunChild, filled_bank: FilledBank, tiny_disk: Path
) -> None:
    target = tiny_disk / "sheet.pdf"
    first = _sheet(run_child, filled_bank(1), target)
    assert first.returncode == 0, first.stderr
    good = target.read_bytes()
    assert len(PdfReader(target).pages) == 1

    done = _sheet(run_child, filled_bank(40), target)
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""  # no page count for a PDF that was not written
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], done.stderr
    assert target.read_bytes() == good
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["sheet.pdf"]  # no temp left


def test_export_pdf_from_the_window_on_a_full_disk_keeps_the_old_pdf(
    qtbot: QtBot, filled_bank: FilledBank, tiny_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tiny_disk / "sheet.pdf"
    target.write_bytes(b"%PDF-1.4 a good old sheet\n%%EOF\n")
    good = target.read_bytes()
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    def answer(dialog: SheetDialog) -> int:
        dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("full"))
        for button in dialog.scope_group.buttons():
            button.setChecked(button.property("scope") == "all")
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SheetDialog, "exec", answer)
    folder = filled_bank(40)
    service = StoryService(open_bank(folder), folder)
    try:
        window = MainWindow(service)
        qtbot.addWidget(window)
        window.main_menu.pdf_action.trigger()
        assert len(warnings) == 1 and "No space left on device" in warnings[0], warnings
        assert "Saved" not in window.statusBar().currentMessage()
    finally:
        service.close()
    assert target.read_bytes() == good
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["sheet.pdf"]


def test_a_pdf_connects_to_no_print_service(
    run_child: RunChild, filled_bank: FilledBank, tmp_path: Path
) -> None:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    bank = filled_bank(3)
    trace = tmp_path / "connect.trace"
    output = tmp_path / "sheet.pdf"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        # A print server named here would be looked up (DNS) and dialled.
        "CUPS_SERVER": "print.example.invalid:631",
    }
    done = subprocess.run(
        [strace, "-f", "-e", "trace=connect", "-o", str(trace), sys.executable,
         "-m", "storybank", "sheet", "--data-dir", str(bank), "-o", str(output)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(output).pages) >= 1
    calls = [line for line in trace.read_text().splitlines() if "connect(" in line]
    network = [line for line in calls if "AF_INET" in line or "cups" in line.lower()]
    assert network == [], "\n".join(network)


def test_a_pdf_with_a_250_byte_name(
    run_child: RunChild, filled_bank: FilledBank, tmp_path: Path
) -> None:
    target = tmp_path / ("s" * 246 + ".pdf")
    assert len(os.fsencode(target.name)) == 250
    done = _sheet(run_child, filled_bank(2), target)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(target).pages) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
