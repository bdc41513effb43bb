"""Make the README's screenshots from the real window on the demo bank.

Usage: uv run python packaging/screenshots/make.py [--sheets]

Every mode at 1024×640, 1366×768 and 1920×1080, light and dark, goes into
packaging/screenshots/modes/; the named shots the README and the AppStream
metainfo show (main-window.png, coverage.png, practice-*.png, progress.png,
dark.png, small-window.png) are copied from them. Each screen size runs in a
process of its own: Qt's offscreen platform takes the screen's size from a
JSON file, so the window opens the way it would on such a screen. With
--sheets the sheet pages are rendered too (`storybank sheet`, then pdftoppm).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from storybank.gui.main_window import MainWindow
    from storybank.gui.practice.view import PracticeView

HERE = Path(__file__).resolve().parent
MODES_DIR = HERE / "modes"
SIZES = ((1024, 640), (1366, 768), (1920, 1080))
THEMES = ("light", "dark")
MODES = ("stories", "coverage", "chooser", "practice", "review", "progress", "delivery",
         "applications")  # fmt: skip
#: Shots taken at 1366×768 in the light theme only, for the README's practice row.
EXTRA = ("over",)
#: The README's named shots: (file, size, theme, mode).
NAMED = (
    ("main-window.png", (1366, 768), "light", "stories"),
    ("small-window.png", (1024, 640), "light", "stories"),
    ("dark.png", (1366, 768), "dark", "stories"),
    ("coverage.png", (1366, 768), "light", "coverage"),
    ("practice-before.png", (1366, 768), "light", "chooser"),
    ("practice-during.png", (1366, 768), "light", "practice"),
    ("practice-over.png", (1366, 768), "light", "over"),
    ("practice-review.png", (1366, 768), "light", "review"),
    ("progress.png", (1366, 768), "light", "progress"),
    ("progress-delivery.png", (1366, 768), "light", "delivery"),
    ("applications.png", (1366, 768), "light", "applications"),
)

#: One answered prompt of the practice session: seconds, rating, note, story told.
SESSION = (
    (104, 3, "Open with the outage, not the org chart", True),
    (7, 1, "Froze: pick the story before speaking", False),
    (None, None, "", False),
    (212, 2, "Rambled through the set-up", True),
    (118, 4, "", True),
)


def wait(milliseconds: int) -> None:
    """Run the event loop for a while. (QTest.qWait keeps Python's lock, so
    the coach's worker thread, which loads the word lists, would stall.)"""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


#: The self-rating shown on the practice shot.
RUBRIC = {"ownership": 4, "specificity": 3, "result": 4, "reflection": 2, "structure": 3}


def shoot(width: int, height: int, theme: str, out: Path) -> None:
    """In this process (its screen already set): every mode of the window, saved."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from storybank.core.bank import open_bank
    from storybank.core.demo import load_demo
    from storybank.gui.main_window import MainWindow
    from storybank.gui.theme import apply_theme
    from storybank.services.stories import StoryService

    app = QApplication([])
    apply_theme(app, theme)
    folder = Path(tempfile.mkdtemp()) / "bank"
    repo = open_bank(folder)
    load_demo(repo)
    window = MainWindow(StoryService(repo, folder))
    window.show()
    QTest.qWaitForWindowExposed(window)
    for _ in range(100):  # the coach's first reading (the word lists load first)
        if window.coach_panel.report is not None:
            break
        wait(100)
    wait(300)  # the list's figures

    def grab(mode: str) -> None:
        if mode in EXTRA and (width, height, theme) != (1366, 768, "light"):
            return  # the extra shots are taken at one size only
        wait(300)
        window.grab().save(str(out / f"{mode}-{width}x{height}-{theme}.png"))

    grab("stories")
    if (width, height, theme) == (1366, 768, "light"):  # the README's close-ups
        window.coach_panel.grab().save(str(HERE / "coach-panel.png"))
        tellings(window)
    window.set_mode("coverage")
    grab("coverage")
    window.set_mode("practice")
    assert window.practice_view is not None
    practise(window.practice_view, grab, (width, height, theme))
    grab("review")
    if (width, height) == (1366, 768):
        recorded(window, theme)
    window.set_mode("progress")
    grab("progress")
    if window.progress_view is not None:
        window.progress_view.tabs.setCurrentWidget(window.progress_view.delivery)
        grab("delivery")
    window.set_mode("applications")
    grab("applications")
    if (width, height, theme) == (1366, 768, "light"):
        loop_dialogs(window)
    window.close()


def tellings(window: MainWindow) -> None:
    """The editor's Tellings tab, each telling started from the full story."""
    editor = window.editor
    editor.tabs.setCurrentIndex(2)
    assert editor.tellings is not None
    for box in editor.tellings.boxes.values():
        box.draft_button.click()
    wait(700)  # the coach's reading
    window.grab().save(str(HERE / "tellings.png"))
    editor.tabs.setCurrentIndex(0)


def loop_dialogs(window: MainWindow) -> None:
    """The questions to ask in the demo's recruiter call, and its debrief, as dialogs."""
    from storybank.gui.applications.dialogs import DebriefDialog
    from storybank.gui.applications.questions import QuestionsDialog

    view = window.views.applications
    assert view is not None
    view.rounds.selectRow(0)  # the recruiter call: questions chosen, a debrief

    def grab_dialog(name: str) -> Callable[[QDialog], int]:
        def shown(dialog: QDialog) -> int:
            dialog.show()
            wait(300)
            dialog.grab().save(str(HERE / name))
            return 0

        return shown

    for kind, name, start in (
        (QuestionsDialog, "applications-questions.png", view.choose_questions),
        (DebriefDialog, "applications-debrief.png", view.debrief_round),
    ):
        kind.exec = grab_dialog(name)  # type: ignore[method-assign,assignment]
        start()


def practise(view: PracticeView, grab: Callable[[str], None], size: tuple[int, int, str]) -> None:
    """Answer the :data:`SESSION` on a clock moved by hand, grabbing on the way."""
    from storybank.core.practice import Rating

    seconds = [1000.0]
    view.clock = lambda: seconds[0]
    view.chooser.prep.setValue(0)
    view.chooser.mock_size.setValue(len(SESSION))
    grab("chooser")
    view.start_session()
    for number, (length, rating, note, told) in enumerate(SESSION):
        if length is None:
            view.skip()
            continue
        view.toggle_timer()
        seconds[0] += length
        if number == 3:
            view._tick()  # the clock past the target, as the user sees it
            grab("over")
        view.toggle_timer()
        if told:
            view.use_selected_story()
        if told and shutil.which("espeak-ng"):  # a recorded answer, as the review shows
            view._attach_take(spoken_take(view, length, number))
        assert rating is not None
        view.rate(Rating(rating))
        view.session.notes.setText(note)
        if number == 3:  # rated on the rubric too, as the shot shows
            if not view.session.rubric.is_open():
                view.session.rubric.toggle.click()
            for key, reading in RUBRIC.items():
                view.session.rubric.set_ratings({**view.session.rubric.ratings(), key: reading})
                view.session.rubric.changed.emit(key, reading)
        view.flush()
        if number == 3:
            grab("practice")
            if size == (1366, 768, "light"):
                view.session.grab().save(str(HERE / "practice-rubric.png"))
        view.next_prompt()


def spoken_take(view: PracticeView, seconds: float, seed: int) -> str:
    """A take of about ``seconds``: espeak-ng telling the story told (S, A, R) at a
    pace set by ``seed``, with a few breaks, resampled to the recordings' 16 kHz."""
    import numpy as np

    from storybank.core.markdown import escape
    from storybank.core.recordings import SAMPLE_RATE, TakeWriter, new_name

    assert view.answer is not None and view.answer.story_id is not None
    story = view.service.stories.get_story(view.answer.story_id)
    sections = ("situation", "action", "result")
    parts = [escape(" ".join(story.text(name).replace("*", "").split())) for name in sections]
    text = '<break time="2400ms"/>'.join(parts) if seed % 2 else " ".join(parts)
    wav = subprocess.run(
        ["espeak-ng", "-m", "-s", str(150 + 12 * (seed % 3)), "--stdout",
         f"<speak>{text}</speak>"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    voice = np.frombuffer(wav[44:], dtype="<i2").astype(np.float64)
    shown = np.interp(np.arange(0, len(voice), 22050 / SAMPLE_RATE), np.arange(len(voice)), voice)
    shown = np.concatenate([np.zeros(SAMPLE_RATE // 2), shown])[: int(seconds * SAMPLE_RATE)]
    name = new_name()
    writer = TakeWriter(view.service.recordings_folder() / name)
    writer.write(np.clip(shown, -32768, 32767).astype("<i2").tobytes())
    writer.close()
    return name


def recorded(window: MainWindow, theme: str) -> None:
    """Close-ups of a recorded answer: replayed from the review, and Progress ▸ Delivery."""
    from storybank.gui.practice.attempt import AttemptDialog, open_attempt

    view = window.practice_view
    assert view is not None
    recorded = [a for a in view.summary.answers if a.recording]
    if not recorded:
        return
    shown: list[AttemptDialog] = []

    def grab_dialog(dialog: AttemptDialog) -> int:
        dialog.show()
        panel = dialog.replay.transcript if dialog.replay else None
        if panel is not None and panel.button.isEnabled():  # with the extra installed
            panel.start()
            for _ in range(600):
                if not panel.busy:
                    break
                wait(100)
            dialog.adjustSize()
        wait(300)
        dialog.grab().save(str(HERE / f"replay-{theme}.png"))
        shown.append(dialog)
        return 0

    exec_ = AttemptDialog.exec
    AttemptDialog.exec = grab_dialog  # type: ignore[method-assign]
    try:
        open_attempt(window, view.service, recorded[-1].attempt_id or 0, 120)
    finally:
        AttemptDialog.exec = exec_  # type: ignore[method-assign]
    for dialog in shown:
        dialog.close()


def child(width: int, height: int, theme: str) -> None:
    """Run :func:`shoot` in a fresh process whose offscreen screen is width×height."""
    with tempfile.TemporaryDirectory() as tmp:
        screen = {"name": "shots", "x": 0, "y": 0, "width": width, "height": height,
                  "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
        config = Path(tmp) / "screen.json"
        config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
        env = dict(
            os.environ,
            QT_QPA_PLATFORM=f"offscreen:configfile={config}",
            STORYBANK_CONFIG_DIR=str(Path(tmp) / "config"),
        )
        code = (
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "import make; make.shoot(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4],"
            " Path(sys.argv[5]))"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(HERE), str(width), str(height), theme,
             str(MODES_DIR)],
            env=env, check=True,
        )  # fmt: skip


def sheets() -> None:
    """The first page of each sheet layout of the demo bank, as PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("cheat", "full", "matrix"):
            pdf = Path(tmp) / f"{layout}.pdf"
            subprocess.run(
                [sys.executable, "-m", "storybank", "sheet", "--demo", "--layout", layout,
                 "-o", str(pdf)],
                check=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            )  # fmt: skip
            stem = Path(tmp) / layout
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(stem)],
                check=True,
            )
            made = sorted(Path(tmp).glob(f"{layout}-*.png"))[0]
            shutil.copy(made, HERE / f"sheet-{layout}.png")
        # The demo application's next round: its prep sheet, first page.
        pdf = Path(tmp) / "prep.pdf"
        subprocess.run(
            [sys.executable, "-m", "storybank", "sheet", "--demo", "--round",
             "Netflix/Hiring-manager screen", "-o", str(pdf)],
            check=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )  # fmt: skip
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(Path(tmp) / "prep")],
                       check=True)  # fmt: skip
        for page in sorted(Path(tmp).glob("prep-*.png")):
            shutil.copy(page, HERE / f"prep-sheet-{page.stem.rsplit('-', 1)[1]}.png")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", action="store_true", help="render the sheets too")
    args = parser.parse_args()
    MODES_DIR.mkdir(exist_ok=True)
    for width, height in SIZES:
        for theme in THEMES:
            child(width, height, theme)
    for name, (width, height), theme, mode in NAMED:
        shutil.copy(MODES_DIR / f"{mode}-{width}x{height}-{theme}.png", HERE / name)
    if args.sheets:
        sheets()


if __name__ == "__main__":
    main()
