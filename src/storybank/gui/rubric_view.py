"""The coach's rubric readings, drawn: each dimension's name and five pips.

Shown in the coach panel under the STAR balance, in two columns of three so
the findings keep their room. Each dimension fills as many pips as its
reading (a half pip for a half point); hovering it shows its question, the
reading and the anchored description it is nearest to. A dimension that cannot be read (fit, with no
value tagged primary) shows a dash and says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from storybank.core.rubric import DIMENSIONS, HIGH, Dimension, shown

if TYPE_CHECKING:
    from PySide6.QtGui import QMouseEvent

#: A reading's colour: weak, middling, strong.
READING_COLORS = (QColor("#c0392b"), QColor("#d68910"), QColor("#4f9a6b"))
PIP = 8  # pip diameter in pixels
GAP = 3  # between pips
COLUMNS = 2  # three dimensions a column: the panel keeps room for the findings


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
        self.setToolTip("")  # the next move of the pointer reads the new readings
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

    def _row_count(self) -> int:
        return (len(DIMENSIONS) + COLUMNS - 1) // COLUMNS

    def sizeHint(self) -> QSize:
        return QSize(240, self._row_height() * self._row_count() + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def _cell(self, index: int) -> QRectF:
        """Where dimension ``index`` is drawn: down the first column, then the second."""
        column, row = divmod(index, self._row_count())
        width = self.width() / COLUMNS
        return QRectF(column * width, row * self._row_height(), width, self._row_height())

    def _dimension_at(self, x: float, y: float) -> Dimension | None:
        for index, dimension in enumerate(DIMENSIONS):
            if self._cell(index).contains(x, y):
                return dimension
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """The tooltip is the dimension's under the pointer, and Qt shows it (only
        the pointer's moves come here: an ``event`` override would see every event,
        and pay for Qt's event types at start-up)."""
        position = event.position()
        dimension = self._dimension_at(position.x(), position.y())
        tip = ""
        if dimension is not None and self.readings:
            tip = describe(dimension, self.readings.get(dimension.key))
        if tip != self.toolTip():
            self.setToolTip(tip)
            from PySide6.QtWidgets import QToolTip  # on a move: not at start-up

            if QToolTip.isVisible():  # moved on to another dimension: say so at once
                QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        super().mouseMoveEvent(event)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        empty = palette.color(QPalette.ColorRole.Mid)
        pips_width = HIGH * PIP + (HIGH - 1) * GAP
        metrics = QFontMetrics(self.font())
        left_middle = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        for index, dimension in enumerate(DIMENSIONS):
            cell = self._cell(index).adjusted(0, 0, -8, 0)  # a gutter between the columns
            reading = self.readings.get(dimension.key)
            pips_left = cell.right() - pips_width
            label = QRectF(cell.left(), cell.top(), pips_left - cell.left() - 4, cell.height())
            painter.setPen(text)
            name = metrics.elidedText(
                dimension.name, Qt.TextElideMode.ElideRight, int(label.width())
            )
            painter.drawText(label, left_middle, name)
            if reading is None:
                painter.drawText(
                    QRectF(pips_left, cell.top(), pips_width, cell.height()),
                    Qt.AlignmentFlag.AlignCenter,
                    "—",
                )
                continue
            color = reading_color(reading)
            centre_y = cell.center().y()
            painter.setPen(Qt.PenStyle.NoPen)
            for pip in range(HIGH):
                centre = QPointF(pips_left + pip * (PIP + GAP) + PIP / 2, centre_y)
                painter.setBrush(empty)
                painter.drawEllipse(centre, PIP / 2, PIP / 2)
                filled = reading - pip
                if filled >= 0.75:
                    painter.setBrush(color)
                    painter.drawEllipse(centre, PIP / 2, PIP / 2)
                elif filled >= 0.25:  # half a pip: its left half
                    painter.setBrush(color)
                    box = QRectF(centre.x() - PIP / 2, centre.y() - PIP / 2, PIP, PIP)
                    painter.drawPie(box, 90 * 16, 180 * 16)
        painter.end()
