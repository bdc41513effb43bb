"""A length of time typed and shown as m:ss, the way every other time is shown."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QSpinBox, QToolTip, QWidget

from storybank.core.speaking import clock

_TYPED = re.compile(r"\s*(\d{0,3})(?::(\d{0,2}))?\s*")


def parse_duration(text: str) -> int | None:
    """Seconds from "m:ss" or from plain seconds ("90"); None if it is neither."""
    match = _TYPED.fullmatch(text)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    if match.group(2) is None:
        return int(match.group(1))
    minutes, seconds = int(match.group(1) or 0), int(match.group(2) or 0)
    return None if seconds > 59 else minutes * 60 + seconds


class DurationSpin(QSpinBox):
    """A spin box of whole seconds shown as m:ss; a time out of range is brought
    into range with a note saying so, never silently thrown away."""

    def __init__(
        self, minimum: int, maximum: int, value: int, step: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setRange(minimum, maximum)
        self.setSingleStep(step)
        self.setValue(value)
        self.setToolTip(f"m:ss, from {clock(minimum)} to {clock(maximum)}")
        #: What was said the last time a typed time was brought into range.
        self.last_note = ""

    def textFromValue(self, value: int) -> str:
        return clock(value)

    def valueFromText(self, text: str) -> int:
        seconds = parse_duration(text)
        return self.value() if seconds is None else seconds

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if text == self.specialValueText() and text:
            return QValidator.State.Acceptable, text, pos
        seconds = parse_duration(text)
        if _TYPED.fullmatch(text) is None:
            return QValidator.State.Invalid, text, pos
        if seconds is not None and self.minimum() <= seconds <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.settle()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.settle()
        super().keyPressEvent(event)

    def settle(self) -> None:
        """Take what was typed, brought into range (and say so) if it is outside it."""
        seconds = parse_duration(self.lineEdit().text())
        if seconds is None or self.minimum() <= seconds <= self.maximum():
            return
        bound = min(max(seconds, self.minimum()), self.maximum())
        self.setValue(bound)
        edge = "shortest" if bound == self.minimum() else "longest"
        note = f"The {edge} time here is {clock(bound)}; {clock(seconds)} became {clock(bound)}."
        self.setStatusTip(note)
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), note, self)
        self.last_note = note
