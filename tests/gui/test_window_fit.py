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
