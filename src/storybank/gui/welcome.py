"""The pages the editor's place shows without a story: an empty bank, no selection."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

WELCOME = """
<h2>Your story bank is empty</h2>
<p>Interviewers ask for stories: <i>“Tell me about a time you received negative
feedback.”</i> Write each story once, in STAR form, and Storybank helps you tag it
against the company's values and rehearse it.</p>
<ul>
<li><b>Situation</b> — where and when; the stakes.</li>
<li><b>Task</b> — what was yours to do.</li>
<li><b>Action</b> — what <i>you</i> did, step by step. The longest part.</li>
<li><b>Result</b> — what changed, with a number.</li>
<li><b>Reflection</b> — what you learned, what you would do differently.</li>
</ul>
<p>Everything is saved as you type, on this computer only.</p>
"""


def _page(html: str, *buttons: QPushButton) -> QWidget:
    page = QWidget()
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setMaximumWidth(560)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(label, 100)
    row.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addLayout(row)
    for button in buttons:
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return page


def welcome_page(
    new_story: Callable[[], object],
    open_demo: Callable[[], object],
    open_guide: Callable[[QWidget], object],
) -> QWidget:
    """What the center shows while the bank is empty."""
    welcome_new = QPushButton("Write your first story  (Ctrl+N)")
    welcome_new.setObjectName("welcomeNewButton")
    welcome_new.clicked.connect(new_story)
    welcome_demo = QPushButton("Explore the demo bank in a new window")
    welcome_demo.setObjectName("welcomeDemoButton")
    welcome_demo.setToolTip("Opens example stories in a separate, throwaway bank")
    welcome_demo.clicked.connect(open_demo)
    welcome_guide = QPushButton("Read the getting-started guide")
    welcome_guide.setObjectName("welcomeGuideButton")
    welcome_guide.clicked.connect(lambda: open_guide(welcome_guide.window()))
    page = _page(WELCOME, welcome_new, welcome_demo, welcome_guide)
    page.setObjectName("welcomePage")
    return page


def pick_page() -> QWidget:
    """What the center shows while no story is selected."""
    page = _page(
        "<h3>No story selected</h3><p>Pick a story on the left, or press "
        "<b>Ctrl+N</b> to write a new one.</p>"
    )
    page.setObjectName("pickPage")
    return page


def open_guide(parent: QWidget | None = None) -> None:
    """The getting-started guide (Help ▸ Getting Started, and the empty bank's page)."""
    from storybank.gui.dialogs.guide import GuideDialog

    GuideDialog(parent).exec()


def open_demo() -> None:
    """Start the demo bank in a window of its own."""
    from PySide6.QtCore import QProcess

    QProcess.startDetached(sys.executable, ["-m", "storybank", "--demo"])


class CenterPages:
    """The editor's place: the editor with a story, else the welcome or the pick page.

    The two pages are made when first shown (start-up).
    """

    def __init__(
        self, center: QStackedWidget, editor: QWidget, new_story: Callable[[], object],
        say: Callable[[str, int], object],
    ) -> None:  # fmt: skip
        self.center = center
        self.editor = editor
        self._new_story = new_story
        self._say = say
        self._welcome_page: QWidget | None = None
        self._pick_page: QWidget | None = None

    def show(self, *, has_story: bool, empty_bank: bool) -> None:
        if has_story:
            self.center.setCurrentWidget(self.editor)
        elif empty_bank:
            self.center.setCurrentWidget(self.welcome_page)
        else:
            self.center.setCurrentWidget(self.pick_page)

    @property
    def welcome_page(self) -> QWidget:
        """What the center shows while the bank is empty."""
        if self._welcome_page is None:
            self._welcome_page = welcome_page(self._new_story, self._open_demo, open_guide)
            self.center.addWidget(self._welcome_page)
        return self._welcome_page

    @property
    def pick_page(self) -> QWidget:
        """What the center shows while no story is selected."""
        if self._pick_page is None:
            self._pick_page = pick_page()
            self.center.addWidget(self._pick_page)
        return self._pick_page

    def _open_demo(self) -> None:
        open_demo()
        self._say("Opening the demo bank in a new window…", 5000)
