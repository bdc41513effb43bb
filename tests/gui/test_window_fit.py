"""The window fits the screen it opens on: each screen size in its own process.

Qt's offscreen platform takes a screen size from a JSON file, so a child
process gets a real 1024×640 or 1366×768 screen; it opens the real window on
a real bank and reports where every panel landed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storybank.core.bank import open_bank
from storybank.core.demo import load_demo

CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication
from storybank.core.bank import open_bank
from storybank.gui.main_window import MainWindow
from storybank.gui.settings import app_settings
from storybank.services.stories import StoryService

folder, saved = Path(sys.argv[1]), sys.argv[2]
app = QApplication([])
if saved != "none":  # a geometry saved on a much larger screen
    big = QApplication.primaryScreen().availableGeometry().adjusted(0, 0, 1200, 900)
    probe = MainWindow(StoryService(open_bank(folder), folder))
    probe.setGeometry(big)
    app_settings().setValue("window/geometry", probe.saveGeometry())
    app_settings().sync()
    probe.service.close()
    probe.deleteLater()
window = MainWindow(StoryService(open_bank(folder), folder))
window.show()
app.processEvents()
def rect(widget):
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]
panels = {name: rect(getattr(window, name)) for name in
          ("list_panel", "editor", "values_panel", "coach_panel", "modes")}
panels["status bar"] = rect(window.statusBar())
panels["menu bar"] = rect(window.menuBar())
panels["mode bar"] = rect(window.main_menu.mode_bar)
frame = window.frameGeometry()
screen = QApplication.primaryScreen().availableGeometry()
print(json.dumps({"frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                  "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
                  "panels": panels}))
window.service.close()
"""


def inside(rect: list[int], screen: list[int]) -> bool:
    x, y, w, h = rect
    sx, sy, sw, sh = screen
    return sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh and w > 0 and h > 0


@pytest.fixture
def demo_bank(data_dir: Path) -> Path:
    repo = open_bank(data_dir)
    load_demo(repo)
    repo.db.close()
    return data_dir


def open_on_screen(
    folder: Path, tmp_path: Path, width: int, height: int, saved: str = "none"
) -> dict:  # type: ignore[type-arg]
    config = tmp_path / f"screen-{width}x{height}.json"
    screen = {"name": "test", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), saved],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict = json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[type-arg]
    return report


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1024, 640)])
@pytest.mark.parametrize("saved", ["none", "larger screen"])
def test_every_panel_is_on_the_screen(
    demo_bank: Path, tmp_path: Path, width: int, height: int, saved: str
) -> None:
    report = open_on_screen(demo_bank, tmp_path, width, height, saved)
    screen = report["screen"]
    assert screen == [0, 0, width, height]
    assert inside(report["frame"], screen), report["frame"]
    for name, rect in report["panels"].items():
        assert inside(rect, screen), f"{name} at {rect} is off a {width}×{height} screen"
    # The editor is never squeezed narrower than the story list.
    assert report["panels"]["editor"][2] >= report["panels"]["list_panel"][2] * 1.2


def test_a_large_screen_gets_a_large_window(demo_bank: Path, tmp_path: Path) -> None:
    report = open_on_screen(demo_bank, tmp_path, 1920, 1080)
    _x, _y, width, height = report["frame"]
    assert width >= 1400 and height >= 880
    assert inside(report["frame"], report["screen"])


PRACTICE_CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QToolButton, QWidget
from storybank.core.practice import Rating
from storybank.gui.practice.self_rating import RubricRow
from storybank.gui.main_window import MainWindow
from storybank.core.bank import open_bank
from storybank.services.stories import StoryService

folder = Path(sys.argv[1])
app = QApplication([])
window = MainWindow(StoryService(open_bank(folder), folder))
window.show()
app.processEvents()
window.set_mode("practice")
view = window.practice_view
seconds = [1000.0]
view.clock = lambda: seconds[0]
view.chooser.prep.setValue(0)
view.chooser.mock_size.setValue(2)
view.start_session()
view.toggle_timer()
seconds[0] += 95
view.toggle_timer()
view.rate(Rating.GOOD)
view.use_selected_story()
page = view.session
page.rubric.set_open(True)
for reading, key in enumerate(page.rubric.rows, start=1):
    view.set_self_rating(key, reading % 5 + 1)
app.processEvents()
column = page.notes.parentWidget()
def rect(widget):
    top_left = widget.mapTo(column, widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]
def needed(widget):  # the height it asks for (a style sheet may cap it)
    if widget.hasHeightForWidth():
        return widget.heightForWidth(widget.width())
    return min(widget.minimumSizeHint().height(), widget.maximumHeight())
kinds = (QLabel, QPushButton, QToolButton, QLineEdit, RubricRow)
shown = [w for w in column.findChildren(QWidget) if isinstance(w, kinds) and w.isVisibleTo(column)
         and (isinstance(w, (QLineEdit, RubricRow)) or w.text())]
def name(w):
    return f"{type(w).__name__} {w.objectName() or w.text()[:30]}"
widgets = {name(w): [*rect(w), needed(w)] for w in shown}
view.next_prompt()
view.end_session()
window.set_mode("progress")
progress = window.progress_view
progress.tabs.setCurrentWidget(progress.drift)
app.processEvents()
table = progress.drift.table
print(json.dumps({"column": [0, 0, column.width(), column.height()], "widgets": widgets,
                  "drift rows": table.rowCount(),
                  "drift scrolls": table.verticalScrollBar().maximum() > 0,
                  "drift width": [table.viewport().width(),
                                  sum(table.columnWidth(c) for c in range(table.columnCount()))]}))
window.service.close()
"""


def test_an_answer_rated_on_the_rubric_fits_a_small_screen_unsqueezed(
    demo_bank: Path, tmp_path: Path
) -> None:
    """At 1024×640 the practice page holds the prompt, the timer, the rating, the six
    rubric rows and the note, each at its full height; Progress shows the six rows
    of "Self vs coach" without scrolling."""
    config = tmp_path / "screen.json"
    screen = {"name": "test", "x": 0, "y": 0, "width": 1024, "height": 640,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, "-c", PRACTICE_CHILD, str(demo_bank)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    widgets = report["widgets"]
    assert sum(name.startswith("RubricRow rubric-") for name in widgets) == 6
    assert {"QLineEdit attemptNotes", "QLabel promptText", "QLabel rubricAnchor"} <= set(widgets)
    for name, (x, y, width, height, needed) in widgets.items():
        assert inside([x, y, width, height], report["column"]), f"{name} is cut off"
        assert height >= needed, f"{name} is squeezed: {height} px of {needed}"
    assert report["drift rows"] == 6 and not report["drift scrolls"]
    viewport, columns = report["drift width"]
    assert columns <= viewport  # no column cut at the side
