"""The coverage map: stories × values and stories × question themes, with gaps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QTabWidget,
    QVBoxLayout,
)

from storybank.core.changes import ChangeSet
from storybank.core.coverage import (
    ColumnSummary,
    Coverage,
    theme_cells,
    theme_summaries,
    value_summaries,
)
from storybank.core.markdown import escape
from storybank.core.prompts import PromptTheme
from storybank.core.records import Strength
from storybank.gui.lazy import RefreshWhenShown
from storybank.services.stories import StoryService

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STORY_ROLE = Qt.ItemDataRole.UserRole + 2
GAP = QColor(255, 196, 92, 70)
GAP_HEADER = QColor(255, 176, 46, 150)
MARKS = {Strength.PRIMARY: "●", Strength.SUPPORTING: "○"}


class CoverageModel(QAbstractTableModel):
    """Rows are stories; columns are values (or themes), then a total."""

    def __init__(self) -> None:
        super().__init__()
        self.coverage = Coverage(stories=(), values=())
        self._columns: list[tuple[str, str, ColumnSummary]] = []
        self._cell: Callable[[int, int], Strength | None] = lambda _r, _c: None
        self._totals: list[int] = []

    def show_values(self, coverage: Coverage) -> None:
        self.beginResetModel()
        self.coverage = coverage
        stories, values, links = coverage.stories, coverage.values, coverage.links
        summaries = value_summaries(coverage)
        self._columns = [(v.name, v.description, s) for v, s in zip(values, summaries, strict=True)]
        per_story = Counter(story_id for story_id, _value in links)
        self._totals = [per_story[story.id] for story in stories]
        self._cell = lambda row, column: links.get((stories[row].id, values[column].id))
        self.endResetModel()

    def show_themes(self, coverage: Coverage, themes: tuple[PromptTheme, ...]) -> None:
        self.beginResetModel()
        self.coverage = coverage
        cells = theme_cells(coverage, themes)
        summaries = theme_summaries(themes, cells)
        self._columns = [(t.name, t.description, s) for t, s in zip(themes, summaries, strict=True)]
        self._totals = [len(row) for row in cells]

        def cell(row: int, column: int) -> Strength | None:
            return Strength.PRIMARY if column in cells[row] else None

        self._cell = cell
        self.endResetModel()

    def gaps(self) -> list[str]:
        return [name for name, _tip, summary in self._columns if summary.gap]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.coverage.stories)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column() - 1
        story = self.coverage.stories[row]
        if role == STORY_ROLE:
            return story.id
        if column < 0:
            total = self._totals[row]
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return total
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            return None
        strength = self._cell(row, column)
        name, _tip, summary = self._columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return MARKS[strength] if strength else ""
        if role == SORT_ROLE:
            return {Strength.PRIMARY: 2, Strength.SUPPORTING: 1}.get(strength, 0) if strength else 0
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and summary.gap:
            return QBrush(GAP)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            what = strength.value if strength else "not shown"
            return f"{story.title or 'Untitled story'} — {name}: {what}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Vertical:
            if section < len(self.coverage.stories) and role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
            ):
                return self.coverage.stories[section].title or "Untitled story"
            return None
        if section == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "Total"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "How many of these columns the story covers"
            return None
        name, tip, summary = self._columns[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            counts = f"{summary.primary} ●"
            if summary.supporting:
                counts += f"  {summary.supporting} ○"
            return f"{name}\n{counts}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(part for part in (name, tip, summary.gap or "") if part)
        if role == Qt.ItemDataRole.BackgroundRole and summary.gap:
            return QBrush(GAP_HEADER)
        return None


class RotatedHeader(QHeaderView):
    """Column headers written bottom-to-top, so 14 values fit across a window."""

    PAD = 8

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setSectionsClickable(True)
        self.setHighlightSections(False)

    def _lines(self, logical: int) -> list[str]:
        model = self.model()
        text = model.headerData(logical, Qt.Orientation.Horizontal) if model else None
        return str(text or "").split("\n", 1)

    def column_width(self) -> int:
        return 2 * self.fontMetrics().height() + self.PAD

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        longest = 0
        model = self.model()
        for logical in range(model.columnCount() if model else 0):
            for line in self._lines(logical):
                longest = max(longest, metrics.horizontalAdvance(line))
        hint.setHeight(min(190, max(60, longest + 3 * self.PAD)))
        return hint

    def sectionSizeFromContents(self, logical: int) -> QSize:
        return QSize(self.column_width(), self.sizeHint().height())

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        if not rect.isValid():
            return
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical
        option.text = ""
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        background = self.model().headerData(
            logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.BackgroundRole
        )
        if isinstance(background, QBrush):
            painter.fillRect(rect.adjusted(1, 1, -1, -1), background)
        painter.translate(rect.left(), rect.bottom())
        painter.rotate(-90)
        lines = self._lines(logical)
        height = self.fontMetrics().height()
        painter.setPen(self.palette().color(QPalette.ColorRole.ButtonText))
        for number, line in enumerate(lines[:2]):
            if number == 0:
                font = QFont(self.font())
                font.setBold(True)
                painter.setFont(font)
            else:
                painter.setFont(self.font())
            painter.drawText(
                QRect(self.PAD, self.PAD // 2 + number * height, rect.height() - self.PAD, height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )
        painter.restore()


class CoverageTable(QTableView):
    """A sortable coverage grid; clicking a cell asks to open its story."""

    open_story = Signal(int)

    def __init__(self, model: CoverageModel, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(name)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        header = RotatedHeader()
        self.setHorizontalHeader(header)
        # Keep the stories' own order until a header is clicked: sorting
        # 100,000 rows on every refresh would freeze the window.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # arrows move between cells; Tab leaves the map
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setDefaultSectionSize(header.column_width())
        header.setMinimumSectionSize(header.column_width())
        self.verticalHeader().setMaximumWidth(380)
        self.verticalHeader().setDefaultSectionSize(26)
        self.clicked.connect(self._clicked)
        self.activated.connect(self._clicked)

    def _clicked(self, index: QModelIndex) -> None:
        story_id = index.data(STORY_ROLE)
        if story_id is not None:
            self.open_story.emit(story_id)


class CoverageView(RefreshWhenShown):
    """The Coverage mode: a tab for values and one for question themes."""

    open_story = Signal(int)

    def __init__(self, service: StoryService, themes: tuple[PromptTheme, ...]) -> None:
        super().__init__()
        self.service = service
        self.themes = themes
        self.values_model = CoverageModel()
        self.themes_model = CoverageModel()
        self.values_table = CoverageTable(self.values_model, "Stories by value")
        self.themes_table = CoverageTable(self.themes_model, "Stories by question theme")
        for table in (self.values_table, self.themes_table):
            table.open_story.connect(self.open_story)
        self.summary = QLabel()
        self.summary.setObjectName("coverageSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.values_table, "Values")
        self.tabs.addTab(self.themes_table, "Question themes")
        self.tabs.currentChanged.connect(lambda _i: self._show_summary())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        title = QLabel("<h3 style='margin:0'>Coverage</h3>")
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self._stale = True
        service.changed.connect(self._on_changed)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.stories_shown:
            self.mark_stale()

    def refresh(self) -> None:
        coverage = self.service.coverage()
        self.values_model.show_values(coverage)
        self.themes_model.show_themes(coverage, self.themes)
        self._stale = False
        self._show_summary()

    def _show_summary(self) -> None:
        model = self.values_model if self.tabs.currentIndex() == 0 else self.themes_model
        if not model.coverage.stories:
            self.summary.setText("Write a story and tag it to see what it covers.")
            return
        gaps = model.gaps()
        what = "value" if model is self.values_model else "theme"
        if not gaps:
            text = f"Every {what} has at least two stories, one of them primary."
        else:
            plural = "s need" if len(gaps) != 1 else " needs"
            text = (
                f"<b>{len(gaps)} {what}{plural} more stories:</b> {escape(', '.join(gaps))}. "
                "Highlighted columns have no primary story or only one story; "
                "hover a column for the reason."
            )
        text += "<br>● primary · ○ supporting · click a cell to open its story."
        self.summary.setText(text)
