"""The Progress mode: answers per day, answer time against the target, and
readiness per value (coverage × practice), drawn as charts, plus history and
how the candidate's own rubric ratings compare with the coach's ("Self vs coach")."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from storybank.core.changes import ChangeSet
from storybank.core.practice import AttemptInfo, DayStat, Rating, daily_stats, value_readiness
from storybank.core.records import Strength
from storybank.core.self_rating import (
    TREND_MIN_ANSWERS,
    DimensionDrift,
    RubricDrift,
    Trend,
    gap_side,
    gap_words,
    signed,
)
from storybank.core.speaking import counted
from storybank.gui.lazy import RefreshWhenShown
from storybank.gui.practice.chart import ACCENT, GOOD, OVER, Chart
from storybank.gui.practice.delivery_chart import DeliveryTrend
from storybank.gui.practice.view import RATING_LABELS, clock_text
from storybank.services.practice import PracticeService

DAYS = 30


class AnswersChart(Chart):
    """Bars: how many answers each day."""

    def __init__(self) -> None:
        super().__init__(f"Answers per day (last {DAYS} days)")
        self.days: list[DayStat] = []
        self.setAccessibleName("Answers per day chart")

    def set_days(self, days: Sequence[DayStat]) -> None:
        self.days = list(days)
        total = sum(d.answers for d in self.days)
        self.setToolTip(f"{total} answers in the last {len(self.days)} days")
        self.update()

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        top = max([d.answers for d in self.days] + [4])
        self.axis(painter, rect, top, lambda v: f"{v:.0f}")
        if not self.days:
            return
        slot = rect.width() / len(self.days)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ACCENT)
        for index, day in enumerate(self.days):
            height = rect.height() * day.answers / top
            painter.drawRect(
                QRectF(rect.left() + index * slot + slot * 0.15, rect.bottom() - height,
                       slot * 0.7, height)
            )  # fmt: skip
        self._dates(painter, rect, slot)

    def _dates(self, painter: QPainter, rect: QRectF, slot: float) -> None:
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        last = len(self.days) - 1
        for index in (0, len(self.days) // 2, last):
            day = self.days[index]
            # The first and last dates keep inside the chart instead of being cut.
            if index == 0:
                box, align = (
                    QRectF(rect.left(), rect.bottom() + 4, 90, 18),
                    Qt.AlignmentFlag.AlignLeft,
                )
            elif index == last:
                box = QRectF(rect.right() - 90, rect.bottom() + 4, 90, 18)
                align = Qt.AlignmentFlag.AlignRight
            else:
                middle = rect.left() + (index + 0.5) * slot
                box, align = (
                    QRectF(middle - 45, rect.bottom() + 4, 90, 18),
                    Qt.AlignmentFlag.AlignHCenter,
                )
            painter.drawText(box, align, day.day.strftime("%d %b"))


class TimeChart(AnswersChart):
    """Dots and a line: the average answer time each day, against the target."""

    def __init__(self) -> None:
        Chart.__init__(self, "Average answer time against the target")
        self.days = []
        self.target = 120
        self.setAccessibleName("Answer time chart")

    def set_target(self, seconds: int) -> None:
        self.target = seconds
        self.update()

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        answered = [d for d in self.days if d.answers]
        top = max([d.mean_seconds for d in answered] + [self.target * 1.5])
        self.axis(painter, rect, top, clock_text)
        y_target = rect.bottom() - rect.height() * self.target / top
        painter.setPen(QPen(GOOD, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(rect.left(), y_target), QPointF(rect.right(), y_target))
        painter.drawText(
            QRectF(rect.right() - 140, y_target - 18, 140, 16),
            Qt.AlignmentFlag.AlignRight,
            f"target {clock_text(self.target)}",
        )
        if not self.days:
            return
        slot = rect.width() / len(self.days)
        points = []
        for index, day in enumerate(self.days):
            if day.answers:
                x = rect.left() + index * slot + slot / 2
                y = rect.bottom() - rect.height() * day.mean_seconds / top
                points.append((QPointF(x, y), day.mean_seconds > self.target))
        painter.setPen(QPen(ACCENT, 2))
        for (a, _), (b, _) in itertools.pairwise(points):
            painter.drawLine(a, b)
        painter.setPen(Qt.PenStyle.NoPen)
        for point, over in points:
            painter.setBrush(OVER if over else ACCENT)
            painter.drawEllipse(point, 4, 4)
        self._dates(painter, rect, slot)


class ReadinessChart(Chart):
    """Horizontal bars: readiness per value, from coverage and practice."""

    def __init__(self) -> None:
        super().__init__("Readiness per value (half coverage, half practice)")
        self.rows: list[tuple[str, float]] = []
        self.setAccessibleName("Readiness per value chart")

    def set_rows(self, rows: Sequence[tuple[str, float]]) -> None:
        self.rows = list(rows)
        # Rows shrink to 14 px on a small screen rather than fall off the bottom.
        self.setMinimumHeight(40 + 14 * max(1, len(self.rows)))
        self.update()

    def plot_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(150, 28, -50, -8)

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        if not self.rows:
            return
        row_height = min(22.0, rect.height() / len(self.rows))
        text = self.palette().color(QPalette.ColorRole.Text)
        track = self.palette().color(QPalette.ColorRole.Midlight)
        for index, (name, score) in enumerate(self.rows):
            y = rect.top() + index * row_height
            painter.setPen(text)
            painter.drawText(
                QRectF(4, y, rect.left() - 10, row_height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            bar = QRectF(rect.left(), y + 4, rect.width(), row_height - 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 3, 3)
            painter.setBrush(GOOD if score >= 0.75 else ACCENT if score >= 0.4 else OVER)
            painter.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * score,
                                           bar.height()), 3, 3)  # fmt: skip
            painter.setPen(text)
            painter.drawText(
                QRectF(rect.right() + 4, y, 46, row_height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{score:.0%}",
            )


DRIFT_COLUMNS = ("Dimension", "You", "Coach", "Gap", "Earlier → later")
DRIFT_TIPS = (
    "A dimension of the interviewer's rubric",
    "Your mean rating of your own answers",
    "The coach's mean reading of the stories you told",
    "You − coach: above 0 you rate yourself higher than the coach reads the story",
    f"The gap over the older half of these answers, then the newer half "
    f"(from {TREND_MIN_ANSWERS} answers on)",
)
NO_RATINGS = "Rate yourself on the rubric after an answer to compare with the coach."
NO_STORY = (
    "Say which story you told (U) when you rate yourself on the rubric: the coach reads "
    "that story, and the two are compared here."
)


class DriftView(QWidget):
    """Self vs coach: per dimension the candidate's mean rating, the coach's mean
    reading, the gap and how it moved; a line saying how to get data while empty."""

    def __init__(self) -> None:
        super().__init__()
        self.summary = QLabel()
        self.summary.setObjectName("driftSummary")
        self.summary.setWordWrap(True)
        self.empty = QLabel(NO_RATINGS)
        self.empty.setObjectName("driftEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableWidget(0, len(DRIFT_COLUMNS))
        self.table.setObjectName("driftTable")
        self.table.setAccessibleName("Your rubric ratings against the coach's")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Six compact rows fit the corner of a 640-pixel-high window unscrolled.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        for column, (title, tip) in enumerate(zip(DRIFT_COLUMNS, DRIFT_TIPS, strict=True)):
            item = QTableWidgetItem(title)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        filled = QWidget()
        box = QVBoxLayout(filled)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(filled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)

    def show_drift(self, drift: RubricDrift) -> None:
        """Show ``drift``, or the line that says how to get some."""
        overall = drift.overall
        if overall is None:
            self.empty.setText(NO_STORY if drift.rated else NO_RATINGS)
            self.pages.setCurrentIndex(0)
            self.table.setRowCount(0)
            return
        self.summary.setText(self._summary(drift, overall))
        self.summary.setToolTip(
            "Every dimension you and the coach both read, pooled; the table has each one"
        )
        self.table.setRowCount(0)
        for dimension in drift.dimensions:
            self._add_row(dimension)
        self.pages.setCurrentIndex(1)

    @staticmethod
    def _summary(drift: RubricDrift, overall: DimensionDrift) -> str:
        """One sentence over every dimension: the gap, and how it moved."""
        side = gap_side(overall.gap)
        text = f"{counted(drift.compared, 'answer')} compared: you rate yourself "
        if side == "in step":
            text += f"in step with the coach ({signed(overall.gap)})"
        else:
            text += f"{abs(overall.gap):.1f} {side} than the coach"
        if overall.trend is not None:
            assert overall.earlier_gap is not None and overall.later_gap is not None
            text += (
                f" ({signed(overall.earlier_gap)} earlier, {signed(overall.later_gap)} "
                f"lately: {overall.trend.words})"
            )
        text += "."
        others = drift.rated - drift.compared
        if others:
            text += f" {counted(others, 'more answer')} rated without a story told."
        return text

    def _add_row(self, dimension: DimensionDrift) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        trend = "—"
        trend_tip = f"Too few answers to tell: from {TREND_MIN_ANSWERS} on"
        if dimension.trend is not None:
            assert dimension.earlier_gap is not None and dimension.later_gap is not None
            earlier, later = signed(dimension.earlier_gap), signed(dimension.later_gap)
            trend = f"{earlier} → {later} {dimension.trend}"
            trend_tip = (
                f"The gap was {earlier} over the older half of these answers and {later} "
                f"over the newer half: {dimension.trend.words}"
            )
        cells = (
            (dimension.name, f"{dimension.name}: over {counted(dimension.answers, 'answer')}"),
            (f"{dimension.self_mean:.1f}", "Your mean rating"),
            (f"{dimension.coach_mean:.1f}", "The coach's mean reading"),
            (
                f"{signed(dimension.gap)} {gap_side(dimension.gap)}",
                f"{signed(dimension.gap)}: {gap_words(dimension.gap)}",
            ),
            (trend, trend_tip),
        )
        for column, (text, tip) in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == 4 and dimension.trend is not None and dimension.trend is not Trend.STEADY:
                item.setForeground(GOOD if dimension.trend is Trend.CLOSER else OVER)
            self.table.setItem(row, column, item)


class ProgressView(RefreshWhenShown):
    """The Progress mode."""

    #: Show a story in the Stories mode.
    open_story = Signal(int)

    def __init__(
        self, service: PracticeService, *, today: Callable[[], date] = lambda: date.today()
    ) -> None:
        super().__init__()
        self.service = service
        self.today = today
        self.summary = QLabel()
        self.summary.setObjectName("progressSummary")
        self.answers = AnswersChart()
        self.answers.setObjectName("answersChart")
        self.times = TimeChart()
        self.times.setObjectName("timeChart")
        self.readiness = ReadinessChart()
        self.readiness.setObjectName("readinessChart")
        self.history = self._build_history()
        self._shown_attempts: list[AttemptInfo] = []
        self.target_seconds = 120
        self.drift = DriftView()
        self.drift.setObjectName("selfVsCoach")
        # The history and the self-ratings against the coach share a corner:
        # a third row of charts would not fit a 640-pixel screen.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("progressTabs")
        self.tabs.addTab(self.history, "History")
        self.tabs.addTab(self.drift, "Self vs coach")
        self.tabs.setTabToolTip(1, "Your own rubric ratings against the coach's readings")
        self.delivery = DeliveryTrend()
        self.tabs.addTab(self.delivery, "Delivery")
        self.tabs.setTabToolTip(2, "Pace and long pauses of your recorded answers")
        grid = QGridLayout()
        grid.addWidget(self.answers, 0, 0)
        grid.addWidget(self.times, 0, 1)
        grid.addWidget(self.readiness, 1, 0)
        grid.addWidget(self.tabs, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(QLabel("<h3 style='margin:0'>Progress</h3>"))
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self._stale = True
        service.changed.connect(self._on_changed)

    def _build_history(self) -> QTableWidget:
        """The table of past answers, newest first; a row opens the answer."""
        history = QTableWidget(0, 6)
        history.setObjectName("attemptHistory")
        history.setAccessibleName("Answer history (Enter or a double-click opens one)")
        history.setHorizontalHeaderLabels(["When", "Prompt", "Story", "Time", "Rating", "Note"])
        history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        history.itemActivated.connect(lambda item: self.open_attempt(item.row()))
        history.verticalHeader().setVisible(False)
        header = history.horizontalHeader()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
            )
        ):
            header.setSectionResizeMode(column, mode)
        # Prompt, story and note share the width (cut with "…"): no sideways scrolling.
        history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        history.setWordWrap(False)
        return history

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.attempts or changes.prompts or changes.story_list or changes.stories:
            self.mark_stale()

    def refresh(self, target_seconds: int | None = None) -> None:
        attempts = self.service.attempts()
        days = daily_stats(
            attempts, days=DAYS, today=self.today(), tz=datetime.now().astimezone().tzinfo or UTC
        )
        self.answers.set_days(days)
        self.times.days = days
        if target_seconds is not None:
            self.times.set_target(target_seconds)
            self.target_seconds = target_seconds
        self.times.update()
        self._show_readiness(attempts)
        self._show_summary(attempts, days)
        self._fill_history(attempts)
        self.drift.show_drift(self.service.rubric_drift())
        self.delivery.show_attempts(attempts)
        self._stale = False

    def _show_readiness(self, attempts: list[AttemptInfo]) -> None:
        """Readiness per value, from its primary stories and the answers given."""
        coverage = self.service.stories.coverage()
        primary_counts: dict[str, int] = {}
        for (_story, value_id), strength in coverage.links.items():
            if strength is Strength.PRIMARY:
                key = next((v.key for v in coverage.values if v.id == value_id), None)
                if key:
                    primary_counts[key] = primary_counts.get(key, 0) + 1
        keys = [v.key for v in coverage.values]
        scores = value_readiness(keys, primary_counts, attempts)
        self.readiness.set_rows([(v.name, scores.get(v.key, 0.0)) for v in coverage.values])

    def _show_summary(self, attempts: list[AttemptInfo], days: list[DayStat]) -> None:
        total = len(attempts)
        week = sum(d.answers for d in days[-7:])
        self.summary.setText(
            f"{counted(total, 'answer')} in all, {week} in the last 7 days. "
            f"{counted(self.service.due_count(), 'prompt')} due for review."
            if total
            else "No answers yet. Practise in the Practice mode (Ctrl+3) and your progress "
            "shows here."
        )

    def _fill_history(self, attempts: list[AttemptInfo]) -> None:
        """The last 200 answers, newest first."""
        prompts = {p.uuid: p for p in self.service.prompts(include_hidden=True)}
        shown = attempts[-200:][::-1]
        self._shown_attempts = shown
        titles = self.service.story_titles(a.story_id for a in shown)
        self.history.setRowCount(0)
        for attempt in shown:
            row = self.history.rowCount()
            self.history.insertRow(row)
            when = attempt.started_at.astimezone().strftime("%d %b %H:%M")
            prompt = prompts.get(attempt.prompt_uuid)
            story = titles.get(attempt.story_id, "") if attempt.story_id is not None else ""
            rating = ""
            if attempt.rating:
                rating = RATING_LABELS[Rating(attempt.rating)].split(" · ")[1]
            for column, text in enumerate(
                (
                    when,
                    prompt.text if prompt else "",
                    story,
                    clock_text(attempt.duration_seconds),
                    rating,
                    attempt.notes,
                )
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.history.setItem(row, column, item)

    def open_attempt(self, row: int) -> None:
        """Show one answer of the history in full; it may open its story."""
        from storybank.gui.practice.attempt import AttemptDialog

        if not 0 <= row < len(self._shown_attempts):
            return
        attempt = self._shown_attempts[row]
        prompt = self.history.item(row, 1)
        story = self.history.item(row, 2)
        dialog = AttemptDialog(
            attempt,
            prompt.text() if prompt else "",
            story.text() if story else "",
            self.target_seconds,
            self,
            service=self.service,
        )
        dialog.exec()
        if dialog.open_story_requested and attempt.story_id is not None:
            self.open_story.emit(attempt.story_id)
