"""The base of Progress's charts: a titled plot area with a baseline and a
labelled axis, and the colours they share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

ACCENT = QColor("#2f5d8a")
OVER = QColor("#b8453b")
GOOD = QColor("#3d8b5a")


class Chart(QWidget):
    """A titled plot area with a baseline; subclasses draw the data."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def plot_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(44, 28, -12, -26)

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.Text)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.title
        )
        painter.setFont(self.font())
        self.draw(painter, self.plot_rect())

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        raise NotImplementedError

    def axis(
        self, painter: QPainter, rect: QRectF, top: float, label: Callable[[float], str]
    ) -> None:
        muted = QColor(self.palette().color(QPalette.ColorRole.Text))
        muted.setAlphaF(0.45)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        for fraction in (0.5, 1.0):
            y = rect.bottom() - rect.height() * fraction
            painter.setPen(QPen(muted, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, y - 8, rect.left() - 4, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label(top * fraction),
            )
