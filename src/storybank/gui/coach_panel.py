"""The coach panel: readiness score, speaking time, STAR balance, rubric and findings.

It re-analyses the story shortly after typing stops (debounced). Very long
stories are analysed on a worker thread so typing never waits; results that
arrive after a newer edit are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QRectF, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from storybank.core.lexicon import ready as lexicon_ready
from storybank.core.speaking import clock

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

    from storybank.core.coach import CoachReport, Finding
from storybank.core.database import StorageError
from storybank.core.records import STAR_SECTIONS, Strength
from storybank.gui.rubric_view import RubricView
from storybank.gui.theme import mark_secondary
from storybank.services.stories import StoryService

ANALYSE_DELAY_MS = 300
#: Above this many characters the analysis runs on a worker thread.
THREAD_THRESHOLD = 60_000
#: At start-up the first analysis waits this long, so that the window paints first.
FIRST_ANALYSIS_DELAY_MS = 30

SECTION_COLORS = {
    "situation": QColor("#6c8ebf"),
    "task": QColor("#9673a6"),
    "action": QColor("#d79b00"),
    "result": QColor("#4f9a6b"),
}
#: Coaches' usual shares of a spoken STAR answer, shown as the target on the bar.
TARGET_SHARES = {
    "situation": (0.15, 0.20),
    "task": (0.10, 0.15),
    "action": (0.50, 0.60),
    "result": (0.15, 0.20),
}
#: Each severity's colour and the word a screen reader says for it.
SEVERITIES = {
    "problem": (QColor("#c0392b"), "Problem"),
    "warning": (QColor("#d68910"), "Warning"),
    "info": (QColor("#2e86c1"), "Note"),
}


@cache
def severity_icon(severity: str) -> QIcon:
    """A drawn mark for a finding's severity: no font needs to have the glyph.

    A problem is a red disc with a bar, a warning an amber triangle with "!",
    a note a blue disc with "i".
    """
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QIcon, QPixmap, QPolygonF  # the first finding loads them

    color = SEVERITIES[severity][0]
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    if severity == "warning":
        painter.drawPolygon(QPolygonF([QPointF(16, 2), QPointF(31, 29), QPointF(1, 29)]))
    else:
        painter.drawEllipse(QRectF(2, 2, 28, 28))
    painter.setBrush(Qt.GlobalColor.white)
    if severity == "problem":
        painter.drawRoundedRect(QRectF(8, 13.5, 16, 5), 1.5, 1.5)
    elif severity == "warning":
        painter.drawRoundedRect(QRectF(14.5, 10, 3, 11), 1, 1)
        painter.drawEllipse(QRectF(14.3, 23, 3.4, 3.4))
    else:
        painter.drawEllipse(QRectF(14.3, 7, 3.4, 3.4))
        painter.drawRoundedRect(QRectF(14.5, 13, 3, 12), 1, 1)
    painter.end()
    return QIcon(pixmap)


FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


class TimeGauge(QWidget):
    """Estimated speaking time against the target band."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0
        self.band = (90, 150)
        self.color: QColor | None = None
        self.setMinimumHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Speaking time against the target")

    def set_time(self, seconds: float, band: tuple[int, int], color: QColor | None = None) -> None:
        """Show ``seconds`` against ``band``; ``color`` overrides in/out-of-band colours."""
        self.seconds, self.band, self.color = seconds, band, color
        self.setToolTip(f"About {clock(seconds)} spoken; target {clock(band[0])}–{clock(band[1])}")
        self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 3, -1, -3)
        scale = max(self.band[1] * 1.5, self.seconds, 1.0)
        palette = self.palette()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
        painter.drawRoundedRect(rect, 4, 4)
        band = QRectF(
            rect.left() + rect.width() * self.band[0] / scale,
            rect.top(),
            rect.width() * (self.band[1] - self.band[0]) / scale,
            rect.height(),
        )
        painter.setBrush(QColor(79, 154, 107, 90))
        painter.drawRect(band)
        inside = self.band[0] <= self.seconds <= self.band[1]
        color = self.color or (QColor("#4f9a6b") if inside else QColor("#d9822b"))
        filled = QRectF(rect.left(), rect.top(), rect.width() * self.seconds / scale, rect.height())
        painter.setBrush(color)
        painter.drawRoundedRect(filled, 4, 4)


class StarBar(QWidget):
    """The share of words in Situation, Task, Action and Result."""

    def __init__(self) -> None:
        super().__init__()
        self.shares: dict[str, float] = {}
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("STAR balance")

    def set_shares(self, shares: Mapping[str, float]) -> None:
        self.shares = dict(shares)
        lines = []
        for name in STAR_SECTIONS:
            low, high = TARGET_SHARES[name]
            share = self.shares.get(name, 0.0)
            lines.append(f"{name.title()}: {share:.0%} (coaches suggest {low:.0%}–{high:.0%})")
        self.setToolTip("\n".join(lines))
        self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        total = sum(self.shares.get(name, 0.0) for name in STAR_SECTIONS)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Midlight))
        painter.drawRoundedRect(rect, 4, 4)
        if total <= 0:
            return
        x = rect.left()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        for name in STAR_SECTIONS:
            width = rect.width() * self.shares.get(name, 0.0) / total
            if width <= 0:
                continue
            segment = QRectF(x, rect.top(), width, rect.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(SECTION_COLORS[name])
            painter.drawRect(segment)
            if width > 14:
                painter.setPen(QColor("white"))
                painter.drawText(segment, Qt.AlignmentFlag.AlignCenter, name[0].upper())
            x += width


class _Result(QObject):
    """Carries a worker thread's report back to the GUI thread."""

    ready = Signal(int, object)


class CoachPanel(QWidget):
    """Live coaching for the story in the editor."""

    #: The user clicked a finding: select (section, start, end) in the editor.
    select_span = Signal(str, int, int)

    def __init__(
        self,
        service: StoryService,
        fields: Callable[[], dict[str, str]],
        values: Callable[[], Mapping[int, Strength]],
    ) -> None:
        super().__init__()
        self.service = service
        self._fields = fields
        self._values = values
        self.story_id: int | None = None
        self.report: CoachReport | None = None
        self._sections: dict[str, str] = {}
        self._dismissed: set[str] = set()
        self._generation = 0
        self._result = _Result()
        self._result.ready.connect(self._on_result)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.analyse)

        self.score_label = QLabel("–")
        self.score_label.setObjectName("coachScore")
        self.score_label.setAccessibleName("Readiness score")
        score_font = QFont(self.score_label.font())
        score_font.setPointSizeF(score_font.pointSizeF() * 2.2)
        score_font.setBold(True)
        self.score_label.setFont(score_font)
        self.time_label = QLabel()
        self.time_label.setObjectName("coachTime")
        self.time_label.setWordWrap(True)
        self.gauge = TimeGauge()
        self.star_bar = StarBar()
        self.rubric = RubricView()
        self.findings = QListWidget()
        self.findings.setObjectName("coachFindings")
        self.findings.setAccessibleName("Coach findings")
        self.findings.setWordWrap(True)
        self.findings.setAlternatingRowColors(True)
        self.findings.itemClicked.connect(self._on_clicked)
        self.findings.itemActivated.connect(self._on_clicked)
        self.findings.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("dismissFinding")
        self.dismiss_button.setToolTip("Hide this finding for this story")
        self.dismiss_button.clicked.connect(self.toggle_dismissed)
        self.show_dismissed = QCheckBox("Show dismissed")
        self.show_dismissed.setObjectName("showDismissed")
        self.show_dismissed.toggled.connect(lambda _on: self._show_findings())

        self._lay_out()
        self.set_story(None)

    def _lay_out(self) -> None:
        """Score and time on top, the gauge and the balance, then the findings."""
        head = QHBoxLayout()
        head.addWidget(self.score_label)
        caption = QVBoxLayout()
        caption.setSpacing(0)
        readiness = QLabel("readiness")
        mark_secondary(readiness)
        caption.addWidget(readiness)
        caption.addWidget(self.time_label)
        head.addLayout(caption, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_dismissed, 1)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.gauge)
        layout.addWidget(self.star_bar)
        layout.addWidget(self.rubric)
        layout.addWidget(self.findings, 1)
        layout.addLayout(buttons)

    # --- inputs -----------------------------------------------------------

    def set_story(self, story_id: int | None) -> None:
        """Follow a newly loaded story (or none)."""
        self.story_id = story_id
        self._dismissed = self.service.dismissed_keys(story_id) if story_id else set()
        self.setEnabled(story_id is not None)
        if story_id is None:
            self._generation += 1
            self.report = None
            self.score_label.setText("–")
            self.time_label.setText("")
            self.findings.clear()
            self.star_bar.set_shares({})
            self.rubric.set_readings({})
            self.gauge.set_time(0, self._band())
            return
        if self.window().isVisible():
            self.analyse()
        else:  # opening: paint the window first, then the coach (its first run compiles)
            self._timer.start(FIRST_ANALYSIS_DELAY_MS)  # a child timer: closing stops it

    def schedule(self) -> None:
        """Analyse again once typing pauses."""
        if self.story_id is not None:
            self._timer.start(ANALYSE_DELAY_MS)

    def analyse(self) -> None:
        """Analyse the editor's text now (on a worker thread if it is very long)."""
        self._timer.stop()
        if self.story_id is None:
            return
        self._generation += 1
        generation = self._generation
        sections = self._fields()
        values = dict(self._values())
        # Until the word lists are loaded (about half a second, once), the
        # analysis runs on a worker thread like a very long story's.
        if sum(len(text) for text in sections.values()) < THREAD_THRESHOLD and lexicon_ready():
            self._on_result(generation, (sections, self.service.coach_report(sections, values)))
            return
        keywords = self.service.value_keywords(values)
        settings = self.service.coach_settings
        result = self._result

        def work() -> None:
            from storybank.core.coach import analyze
            from storybank.core.lexicon import warm

            warm()  # the word lists load here, off the GUI thread, the first time
            report = analyze(sections, value_keywords=keywords, settings=settings)
            result.ready.emit(generation, (sections, report))

        QThreadPool.globalInstance().start(work)

    def _on_result(self, generation: int, payload: object) -> None:
        if generation != self._generation:
            return  # a newer edit is already being analysed
        sections, report = cast("tuple[dict[str, str], CoachReport]", payload)
        self._sections = sections
        self.report = report
        self.score_label.setText(str(report.score))
        band = self._band()
        self.time_label.setText(
            f"about {clock(report.speaking_seconds)} spoken · target {clock(band[0])}–"
            f"{clock(band[1])}"
        )
        self.gauge.set_time(report.speaking_seconds, band)
        self.star_bar.set_shares(report.shares)
        self.rubric.set_readings(report.rubric)
        self._show_findings()

    def _band(self) -> tuple[int, int]:
        settings = self.service.coach_settings
        return settings.target_min_seconds, settings.target_max_seconds

    # --- findings ---------------------------------------------------------

    def _show_findings(self) -> None:
        from storybank.core.coach import finding_key

        self.findings.clear()
        if self.report is None:
            return
        hidden = 0
        for finding in self.report.findings:
            key = finding_key(finding, self._sections)
            dismissed = key in self._dismissed
            if dismissed and not self.show_dismissed.isChecked():
                hidden += 1
                continue
            where = f" ({finding.section})" if finding.section else ""
            item = QListWidgetItem(severity_icon(finding.severity), finding.message)
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"{SEVERITIES[finding.severity][1]}: {finding.message}",
            )
            item.setData(FINDING_ROLE, finding)
            item.setData(KEY_ROLE, key)
            item.setToolTip(f"{finding.rule}{where} — click to show the words")
            if dismissed:
                font = item.font()
                font.setStrikeOut(True)
                item.setFont(font)
            self.findings.addItem(item)
        if not self.report.findings:
            self.findings.addItem("✓ Nothing to point out: this story is ready to rehearse.")
        self.show_dismissed.setText(f"Show dismissed ({hidden})" if hidden else "Show dismissed")
        self._update_buttons()

    def visible_findings(self) -> list[Finding]:
        """The findings listed right now, in order."""
        return [
            item.data(FINDING_ROLE)
            for item in (self.findings.item(i) for i in range(self.findings.count()))
            if item.data(FINDING_ROLE) is not None
        ]

    def _update_buttons(self) -> None:
        item = self.findings.currentItem()
        key = item.data(KEY_ROLE) if item else None
        self.dismiss_button.setEnabled(key is not None)
        self.dismiss_button.setText("Restore" if key in self._dismissed else "Dismiss")

    def _on_clicked(self, item: QListWidgetItem) -> None:
        finding: Finding | None = item.data(FINDING_ROLE)
        if finding is not None and finding.section is not None:
            self.select_span.emit(finding.section, finding.start, finding.end)

    def toggle_dismissed(self) -> None:
        """Dismiss the selected finding for this story, or restore it."""
        item = self.findings.currentItem()
        key = item.data(KEY_ROLE) if item else None
        if key is None or self.story_id is None:
            return
        dismissed = key not in self._dismissed
        try:
            self.service.set_dismissed(self.story_id, key, dismissed)
        except StorageError:
            return
        if dismissed:
            self._dismissed.add(key)
        else:
            self._dismissed.discard(key)
        self._show_findings()
