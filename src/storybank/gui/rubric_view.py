"""The coach's rubric readings, drawn: one row per dimension, five pips each.

Shown in the coach panel under the STAR balance. Each row names the
dimension and fills as many pips as the reading (a half pip for a half
point); hovering a row shows its question, the reading and the anchored
description it is nearest to. A dimension that cannot be read (fit, with no
value tagged primary) shows a dash and says why.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from storybank.core.rubric import DIMENSIONS, HIGH, Dimension, shown

#: A reading's colour: weak, middling, strong.
READING_COLORS = (QColor("#c0392b"), QColor("#d68910"), QColor("#4f9a6b"))
PIP = 9  # pip diameter in pixels
GAP = 4  # between pips


def reading_color(reading: float) -> QColor:
    """Red under 2.5, amber under 3.75, green from there."""
    return READING_COLORS[0 if reading < 2.5 else 1 if reading < 3.75 else 2]


def describe(dimension: Dimension, reading: float | None) -> str:
    """One dimension's reading in words, for a tooltip or a screen reader."""
    if reading is None:
        return f"{dimension.name}: not read — tag a value as primary to see how the story fits it."
    return (
        f"{dimension.name}: {shown(reading)} of {HIGH} — {dimension.question}\n"
        f"{dimension.anchor(reading)}"
    )


class RubricView(QWidget):
    """The six rubric readings of the story in the editor."""

    def __init__(self) -> None:
        super().__init__()
        self.readings: dict[str, float] = {}
        self.setObjectName("coachRubric")
        self.setAccessibleName("Rubric")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_readings(self, readings: Mapping[str, float]) -> None:
        """Show ``readings`` (dimension key -> 1.0-5.0); an empty mapping clears."""
        self.readings = dict(readings)
        self.setAccessibleDescription(
            "; ".join(
                describe(d, self.readings.get(d.key)).splitlines()[0]
                for d in DIMENSIONS
                if self.readings
            )
        )
        self.update()

    def _row_height(self) -> int:
        return max(PIP + 6, QFontMetrics(self.font()).height() + 2)

    def sizeHint(self) -> QSize:
        return QSize(200, self._row_height() * len(DIMENSIONS) + 2)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _row_at(self, y: float) -> Dimension | None:
        index = int(y // self._row_height())
        return DIMENSIONS[index] if 0 <= index < len(DIMENSIONS) else None

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            dimension = self._row_at(event.pos().y())
            if dimension is not None and self.readings:
                QToolTip.showText(
                    event.globalPos(), describe(dimension, self.readings.get(dimension.key)), self
                )
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        empty = palette.color(QPalette.ColorRole.Mid)
        row = self._row_height()
        pips_width = HIGH * PIP + (HIGH - 1) * GAP
        metrics = QFontMetrics(self.font())
        for index, dimension in enumerate(DIMENSIONS):
            top = index * row
            reading = self.readings.get(dimension.key)
            label = QRectF(0, top, self.width() - pips_width - 28, row)
            painter.setPen(text)
            name = metrics.elidedText(
                dimension.name, Qt.TextElideMode.ElideRight, int(label.width())
            )
            painter.drawText(
                label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name
            )
            left = self.width() - pips_width - 22
            centre_y = top + row / 2
            if reading is None:
                painter.drawText(
                    QRectF(left, top, pips_width, row), Qt.AlignmentFlag.AlignCenter, "—"
                )
                continue
            color = reading_color(reading)
            for pip in range(HIGH):
                centre = QPointF(left + pip * (PIP + GAP) + PIP / 2, centre_y)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(empty)
                painter.drawEllipse(centre, PIP / 2, PIP / 2)
                filled = min(1.0, max(0.0, reading - pip))
                if filled >= 0.75:
                    painter.setBrush(color)
                    painter.drawEllipse(centre, PIP / 2, PIP / 2)
                elif filled >= 0.25:  # half a pip: the left half
                    painter.setBrush(color)
                    painter.drawPie(
                        QRectF(centre.x() - PIP / 2, centre.y() - PIP / 2, PIP, PIP),
                        90 * 16,
                        180 * 16,
                    )
            painter.setPen(text)
            painter.drawText(
                QRectF(self.width() - 18, top, 18, row),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                str(shown(reading)),
            )
        painter.end()
