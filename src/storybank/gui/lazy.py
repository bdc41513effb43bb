"""Views that refresh only while shown: a change marks them stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent  # annotations only


class RefreshWhenShown(QWidget):
    """A view that does no work while hidden and catches up when shown."""

    _stale = True

    def mark_stale(self) -> None:
        """Refresh now if shown, else on the next show."""
        self._stale = True
        if self.isVisible():
            self._refresh_busy()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._refresh_busy()
        super().showEvent(event)

    def _refresh_busy(self) -> None:
        # A big bank takes a moment (the coverage map of 100,000 stories about
        # half a second): say so with the busy cursor.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.refresh()
        finally:
            QApplication.restoreOverrideCursor()

    def refresh(self) -> None:
        """Rebuild the view from the bank; subclasses clear ``_stale``."""
        raise NotImplementedError
