"""Views that refresh only while shown: a change marks them stale."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class RefreshWhenShown(QWidget):
    """A view that does no work while hidden and catches up when shown."""

    _stale = True

    def mark_stale(self) -> None:
        """Refresh now if shown, else on the next show."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Rebuild the view from the bank; subclasses clear ``_stale``."""
        raise NotImplementedError
