"""The coverage map: stories × values and stories × question themes, with gaps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
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
    QMenu,
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
from storybank.core.speaking import counted
from storybank.gui.lazy import RefreshWhenShown
from storybank.services.stories import StoryService

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STORY_ROLE = Qt.ItemDataRole.UserRole + 2
GAP = QColor(255, 196, 92, 70)
GAP_HEADER = QColor(255, 176, 46, 150)
MARKS = {Strength.PRIMARY: "●", Strength.SUPPORTING: "○"}


#: How many gaps the summary names before it says how many more there are.
SHOWN_GAPS = 6


class CoverageModel(QAbstractTableModel):
    """Rows are stories; columns are values (or themes), then a total."""

    def __init__(self) -> None:
        super().__init__()
        self.coverage = Coverage(stories=(), values=())
        self._columns: list[tuple[str, str, ColumnSummary]] = []
        self._cell: Callable[[int, int], Strength | None] = lambda _r, _c: None
        self._totals: list[int] = []
        #: What a story needs to fill each column: ("value", id) or ("tag", theme key).
        self.needs: list[tuple[str, int | str]] = []

    def show_values(self, coverage: Coverage) -> None:
        self.beginResetModel()
        self.coverage = coverage
        stories, values, links = coverage.stories, coverage.values, coverage.links
        summaries = value_summaries(coverage)
        self._columns = [(v.name, v.description, s) for v, s in zip(values, summaries, strict=True)]
        self.needs = [("value", v.id) for v in values]
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
        self.needs = [("tag", t.key) for t in themes]
        self._totals = [len(row) for row in cells]

        def cell(row: int, column: int) -> Strength | None:
            return Strength.PRIMARY if column in cells[row] else None

        self._cell = cell
        self.endResetModel()

    @property
    def highlight(self) -> bool:
        """Whether gaps are coloured: when every column is one, colour tells
        nothing (the summary says so instead)."""
        return not all(summary.gap for _name, _tip, summary in self._columns)

    def gaps(self) -> list[str]:
        return [name for name, _tip, summary in self._columns if summary.gap]

    def column_name(self, section: int) -> str:
        """The value's or theme's name of a header section (0 is the total)."""
        return self._columns[section - 1][0] if 0 < section <= len(self._columns) else ""

    def first_gap(self) -> int:
        """The header section of the weakest column (no story at all first), or -1."""
        gaps = [(s.primary + s.supporting, n) for n, (_, _, s) in enumerate(self._columns) if s.gap]
        return min(gaps)[1] + 1 if gaps else -1

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
        if role == Qt.ItemDataRole.BackgroundRole and summary.gap and self.highlight:
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
            kind, key = self.needs[section - 1]
            if kind == "tag":  # the tag that puts a story in this column, in plain sight
                counts += f"  · tag {key}"
            return f"{name}\n{counts}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(part for part in (name, tip, summary.gap or "") if part)
        if role == Qt.ItemDataRole.BackgroundRole and summary.gap and self.highlight:
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
        hint.setHeight(min(240, max(60, longest + 3 * self.PAD)))
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
        room = rect.height() - 2 * self.PAD
        for number, line in enumerate(lines[:2]):
            font = QFont(self.font())
            font.setBold(number == 0)
            painter.setFont(font)
            # A name longer than the header is tall ends in "…", never mid-glyph.
            shown = QFontMetrics(font).elidedText(line, Qt.TextElideMode.ElideRight, room)
            painter.drawText(
                QRect(self.PAD, self.PAD // 2 + number * height, room, height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
        painter.restore()


class CoverageTable(QTableView):
    """A sortable coverage grid; clicking a cell asks to open its story."""

    open_story = Signal(int)
    #: "Write a story for this" was chosen on a column's header (its section).
    write_for = Signal(int)

    def __init__(self, model: CoverageModel, name: str) -> None:
        super().__init__()
        self.source = model
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
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)

    def _header_menu(self, point: QPoint) -> None:
        """Right-click on a column: write a story for that value or theme."""
        header = self.horizontalHeader()
        section = header.logicalIndexAt(point)
        name = self.source.column_name(section)
        if not name:
            return
        menu = QMenu(self)
        action = menu.addAction(f"Write a Story for “{name}”")
        action.triggered.connect(lambda: self.write_for.emit(section))
        menu.popup(header.mapToGlobal(point))

    def _clicked(self, index: QModelIndex) -> None:
        story_id = index.data(STORY_ROLE)
        if story_id is not None:
            self.open_story.emit(story_id)


class CoverageView(RefreshWhenShown):
    """The Coverage mode: a tab for values and one for question themes."""

    open_story = Signal(int)
    #: Write a new story for a column: ("value", value id) or ("tag", theme key).
    write_requested = Signal(str, object)

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
            table.write_for.connect(lambda section, t=table: self.write_for(t.source, section))
        self.summary = QLabel()
        self.summary.setObjectName("coverageSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.linkActivated.connect(lambda _link: self._write_first_gap())
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

    def write_for(self, model: CoverageModel, section: int) -> None:
        if 0 < section <= len(model.needs):
            kind, key = model.needs[section - 1]
            self.write_requested.emit(kind, key)

    def _write_first_gap(self) -> None:
        model = self.values_model if self.tabs.currentIndex() == 0 else self.themes_model
        self.write_for(model, model.first_gap())

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
            named = ", ".join(gaps[:SHOWN_GAPS])
            more = f" and {len(gaps) - SHOWN_GAPS} more" if len(gaps) > SHOWN_GAPS else ""
            first = escape(model.column_name(model.first_gap()))
            how = (
                "Tag a story with the tag under a theme's name to cover it."
                if what == "theme"
                else "Mark a story's value as primary to cover it."
            )
            every = len(gaps) == model.columnCount() - 1
            head = (
                f"No {what} has two stories yet." if every
                else f"{counted(len(gaps), what)} need more stories: {escape(named)}{more}."
            )  # fmt: skip
            text = (
                f"<b>{head}</b> {how} <a href='write'>Write a story for “{first}”</a>, "
                "or right-click any column."
            )
        text += "<br>● primary · ○ supporting · click a cell to open its story."
        self.summary.setText(text)
