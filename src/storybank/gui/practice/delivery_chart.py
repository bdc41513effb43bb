"""Progress ▸ Delivery: how recorded answers sounded over time, pace and long
pauses, one point per recorded answer (the measures stay when a take is
deleted, so the trend does too)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from storybank.core.practice import AttemptInfo
from storybank.core.recordings import DeliverySummary
from storybank.gui.practice.chart import ACCENT, GOOD, OVER, Chart
from storybank.gui.theme import mark_secondary

#: The latest recorded answers drawn.
SHOWN = 20
#: A pace listeners follow easily, in words a minute (approximate, like the measure).
EASY_PACE = (120, 160)


def recorded(attempts: Sequence[AttemptInfo]) -> list[DeliverySummary]:
    """The measured delivery of the latest :data:`SHOWN` recorded answers, oldest first."""
    return [a.delivery for a in attempts if a.delivery is not None][-SHOWN:]


class PaceChart(Chart):
    """A line: words a minute per recorded answer, the easy pace shaded."""

    def __init__(self) -> None:
        super().__init__("Pace (wpm, approx.)")
        self.setObjectName("paceChart")
        self.setAccessibleName("Pace per recorded answer")
        self.setWhatsThis("Words a minute of each recorded answer, estimated from its "
                          "syllables; the shaded band (120-160) is easy to follow.")  # fmt: skip
        self.setMinimumHeight(150)
        self.points: list[DeliverySummary] = []

    def set_points(self, points: Sequence[DeliverySummary]) -> None:
        self.points = list(points)
        if self.points:
            paces = ", ".join(f"{p.words_per_minute:.0f}" for p in self.points[-5:])
            self.setToolTip(f"Latest paces: {paces} words a minute")
        self.update()

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        top = max([p.words_per_minute for p in self.points] + [EASY_PACE[1] * 1.25])
        band = QColor(GOOD)
        band.setAlpha(40)
        low, high = (rect.bottom() - rect.height() * v / top for v in EASY_PACE)
        painter.fillRect(QRectF(rect.left(), high, rect.width(), low - high), band)
        painter.setPen(GOOD)
        painter.drawText(QRectF(rect.left(), high, rect.width() - 4, low - high),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         "easy to follow")  # fmt: skip
        self.axis(painter, rect, top, lambda v: f"{v:.0f}")
        if not self.points:
            return
        slot = rect.width() / max(len(self.points), 2)
        dots = []
        for index, point in enumerate(self.points):
            x = rect.left() + index * slot + slot / 2
            y = rect.bottom() - rect.height() * point.words_per_minute / top
            easy = EASY_PACE[0] <= point.words_per_minute <= EASY_PACE[1]
            dots.append((QPointF(x, y), easy))
        painter.setPen(QPen(ACCENT, 2))
        for (a, _), (b, _) in itertools.pairwise(dots):
            painter.drawLine(a, b)
        painter.setPen(Qt.PenStyle.NoPen)
        for dot, easy in dots:
            painter.setBrush(ACCENT if easy else OVER)
            painter.drawEllipse(dot, 4, 4)


class PausesChart(Chart):
    """Bars: pauses over 2 s per recorded answer."""

    def __init__(self) -> None:
        super().__init__("Pauses over 2 s")
        self.setObjectName("pausesChart")
        self.setAccessibleName("Long pauses per recorded answer")
        self.setMinimumHeight(150)
        self.points: list[DeliverySummary] = []

    def set_points(self, points: Sequence[DeliverySummary]) -> None:
        self.points = list(points)
        self.update()

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        top = max([p.long_pauses for p in self.points] + [4])
        self.axis(painter, rect, top, lambda v: f"{v:.0f}")
        if not self.points:
            return
        slot = rect.width() / max(len(self.points), 2)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, point in enumerate(self.points):
            height = rect.height() * point.long_pauses / top
            painter.setBrush(OVER if point.long_pauses > 2 else ACCENT)
            painter.drawRect(QRectF(rect.left() + index * slot + slot * 0.2,
                                    rect.bottom() - height, slot * 0.6, height))  # fmt: skip


class DeliveryTrend(QWidget):
    """The Delivery tab: the two charts and a line on the latest answer, or how to
    start recording."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("deliveryTrend")
        self.pace = PaceChart()
        self.pauses = PausesChart()
        self.latest = QLabel()
        self.latest.setObjectName("latestDelivery")
        self.latest.setWordWrap(True)
        mark_secondary(self.latest)
        self.empty = QLabel(
            "No recorded answers yet. Tick “Record my answers” in Practice: each answer's "
            "pace and pauses are measured on this computer and charted here."
        )
        self.empty.setObjectName("noRecordings")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        charts = QWidget()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.pace)
        row.addWidget(self.pauses)
        column = QVBoxLayout(charts)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row, 1)
        column.addWidget(self.latest)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(charts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.stack)

    def show_attempts(self, attempts: Sequence[AttemptInfo]) -> None:
        points = recorded(attempts)
        self.pace.set_points(points)
        self.pauses.set_points(points)
        self.stack.setCurrentIndex(1 if points else 0)
        self.latest.setText(f"Latest: {points[-1].text()}" if points else "")
