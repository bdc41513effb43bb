"""Where the main window sits and how its panels share it, kept between runs.

The first window fits the screen it opens on; a saved geometry is used again
only while it still fits (a laptop unplugged from a large monitor gets a
window it can see); panels start in proportions that suit the width.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSize

if TYPE_CHECKING:
    from storybank.gui.main_window import MainWindow

#: The size the window would like on a large screen.
PREFERRED = QSize(1440, 900)
#: The share of the available screen a first window takes at most.
SCREEN_SHARE = 0.94
#: The story list's and the side panel's shares of the width, and their bounds.
LIST_SHARE, LIST_MIN, LIST_MAX = 0.24, 220, 380
SIDE_SHARE, SIDE_MIN, SIDE_MAX = 0.27, 290, 420
#: Room for a window frame (sides, title bar) that a geometry does not include.
FRAME = (8, 32)
#: About the width of the mode bar on the left, which the splitter does not get.
MODE_BAR = 90


def first_geometry(available: QRect) -> QRect:
    """A window of the preferred size, shrunk to fit ``available`` with its frame,
    centred on it."""
    inner = available.adjusted(FRAME[0], FRAME[1], -FRAME[0], -FRAME[0])
    width = min(PREFERRED.width(), int(inner.width() * SCREEN_SHARE))
    height = min(PREFERRED.height(), int(inner.height() * SCREEN_SHARE))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(inner.center())
    return rect


def panel_widths(total: int) -> list[int]:
    """Widths of the list, the editor and the side panel for a window ``total`` wide:
    the editor gets what the two bounded side columns leave."""
    story_list = max(LIST_MIN, min(LIST_MAX, int(total * LIST_SHARE)))
    side = max(SIDE_MIN, min(SIDE_MAX, int(total * SIDE_SHARE)))
    return [story_list, max(total - story_list - side, 200), side]


class WindowState:
    """Restores and saves the main window's geometry, splitters and list order."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.settings = window.settings

    def restore(self) -> None:
        window = self.window
        available = window.screen().availableGeometry()
        geometry = self.settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self._fits(geometry, available)):
            window.setGeometry(first_geometry(available))
        window.list_panel.setMinimumWidth(LIST_MIN - 40)  # the filters stay readable
        window.side.setMinimumWidth(SIDE_MIN - 50)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            window.splitter.restoreState(splitter)
        else:
            window.splitter.setSizes(panel_widths(window.width() - MODE_BAR))
        side = self.settings.value("window/side")
        if isinstance(side, QByteArray):
            window.side.restoreState(side)
        window.list_panel.set_sort(self.settings.value("list/sort"))

    def _fits(self, geometry: QByteArray, available: QRect) -> bool:
        """Restore ``geometry``; say whether the window it gives lies on the screen."""
        if not self.window.restoreGeometry(geometry):
            return False
        if self.window.isMaximized() or self.window.isFullScreen():
            return True
        # Before it is shown the window has no frame yet: allow for one.
        framed = self.window.geometry().adjusted(-FRAME[0], -FRAME[1], FRAME[0], FRAME[0])
        return available.contains(framed)

    def last_story_id(self) -> int:
        """The story the user was on when Storybank last closed (-1: none)."""
        try:
            return int(self.settings.value("list/last_story", -1))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return -1

    def open_last_story(self) -> None:
        """Reopen the story the user was on, or the newest one."""
        self.window.list_panel.select_story_or_first(self.last_story_id())

    def save(self) -> None:
        window = self.window
        self.settings.setValue("window/geometry", window.saveGeometry())
        self.settings.setValue("window/splitter", window.splitter.saveState())
        self.settings.setValue("window/side", window.side.saveState())
        if window.current.story_id is not None:
            self.settings.setValue("list/last_story", window.current.story_id)
        self.settings.sync()
