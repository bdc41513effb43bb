"""The story list: a Qt model of list rows, a delegate that draws them, and
the panel around them (filters, sort, count)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from storybank.core.database import StorageError
from storybank.core.records import StoryRow
from storybank.core.repository import ShowKey, SortKey

if TYPE_CHECKING:
    # Annotations only: PySide6 builds a Qt class's Python type on first use.
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QStyleOptionViewItem
from storybank.core.speaking import clock
from storybank.gui.theme import mark_secondary

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: How long the search waits for more typing before it asks for the list.
SEARCH_DELAY_MS = 120
ID_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def relative_time(when: datetime, now: datetime | None = None) -> str:
    """A short "how long ago" for a UTC time."""
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    if seconds < 86400 * 7:
        return f"{seconds // 86400} d ago"
    return when.astimezone().strftime("%d %b %Y")


def score_color(score: int) -> QColor:
    """Green when ready, amber when close, red when the story needs work."""
    if score >= 80:
        return QColor("#3d8b5a")
    if score >= 55:
        return QColor("#c7801f")
    return QColor("#b8453b")


def context_line(row: StoryRow) -> str:
    """ "company · role · period", skipping empty parts."""
    return " · ".join(part for part in (row.company, row.role, row.period) if part.strip())


def unreadable_row(story_id: int) -> StoryRow:
    """What the list shows for a story that a damaged bank cannot give back."""
    return StoryRow(
        id=story_id,
        title="This story cannot be read (the bank is damaged)",
        company="",
        role="",
        period="",
        updated_at=datetime.fromtimestamp(0, UTC),
        archived=False,
        deleted=False,
    )


class StoryListModel(QAbstractListModel):
    """The story list, lazily: it holds the ids in order and fetches rows in
    batches only when the view asks for them (so 100,000 stories cost nothing
    until they scroll into sight)."""

    PREFETCH = 64

    def __init__(self) -> None:
        super().__init__()
        self._ids: list[int] = []
        self._rows: dict[int, StoryRow] = {}
        self._fetch: Callable[[list[int]], dict[int, StoryRow]] = lambda _ids: {}

    def set_ids(self, ids: list[int], fetch: Callable[[list[int]], dict[int, StoryRow]]) -> None:
        """Show ``ids`` in this order; rows are fetched on demand with ``fetch``."""
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self._fetch = fetch
        self.endResetModel()

    def ids(self) -> list[int]:
        return self._ids

    def refresh_rows(self, story_ids: list[int]) -> None:
        """Fetch these stories' rows again when next shown (their figures changed)."""
        for story_id in story_ids:
            self._rows.pop(story_id, None)
        if self._ids:
            self.dataChanged.emit(self.index(0), self.index(len(self._ids) - 1))

    def update_story(self, story_id: int, *, to_top: bool) -> None:
        """One story changed: fetch its row again, first in the list if ``to_top``.

        A move, not a reset: the view keeps its selection, scroll position and
        every other row it has fetched.
        """
        row = self.row_of(story_id)
        if row < 0:
            return
        self._rows.pop(story_id, None)
        if to_top and row > 0:
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), 0)
            self._ids.insert(0, self._ids.pop(row))
            self.endMoveRows()
            row = 0
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def row_data(self, number: int) -> StoryRow | None:
        """The row at ``number``, fetching it and its neighbours if needed."""
        if not 0 <= number < len(self._ids):
            return None
        story_id = self._ids[number]
        row = self._rows.get(story_id)
        if row is None:
            window = self._ids[max(0, number - self.PREFETCH // 4) : number + self.PREFETCH]
            self._rows.update(self._fetched([i for i in window if i not in self._rows]))
            row = self._rows.get(story_id)
        return row

    def _fetched(self, ids: list[int]) -> dict[int, StoryRow]:
        """Rows of ``ids``; on a damaged bank, those that can be read, one by one.

        A story that cannot be read is shown as such (and not asked for again),
        so the rest of the list stays usable.
        """
        try:
            return self._fetch(ids)
        except StorageError:
            pass
        rows: dict[int, StoryRow] = {}
        for story_id in ids:
            try:
                rows.update(self._fetch([story_id]))
            except StorageError:
                rows[story_id] = unreadable_row(story_id)
        return rows

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()] if 0 <= index.row() < len(self._ids) else None
        row = self.row_data(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title or "Untitled story"
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [row.title or "Untitled story", context_line(row)]
            if row.score is not None and row.speaking_seconds is not None:
                parts.append(
                    f"Readiness {row.score}/100 · about {clock(row.speaking_seconds)} spoken"
                )
            if row.primary_values:
                parts.append("Primary: " + ", ".join(row.primary_values))
            if row.supporting_values:
                parts.append("Supporting: " + ", ".join(row.supporting_values))
            if row.tags:
                parts.append("Tags: " + ", ".join(row.tags))
            return "\n".join(p for p in parts if p)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.title or 'Untitled story'}. {context_line(row)}"
        if role == ROW_ROLE:
            return row
        return None

    def row_of(self, story_id: int) -> int:
        """The row showing ``story_id``, or -1."""
        try:
            return self._ids.index(story_id)
        except ValueError:
            return -1


class StoryRowDelegate(QStyledItemDelegate):
    """Draws a story as title, context and value chips."""

    PAD = 8

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        """The row as the style draws it (background, selection, focus), without
        its text: :meth:`paint` draws that."""
        super().initStyleOption(option, index)
        option.text = ""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        return title, small

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        title, small = self._fonts(option)
        height = QFontMetrics(title).height() + 2 * QFontMetrics(small).height() + 10
        return QSize(200, height + 2 * self.PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: StoryRow | None = index.data(ROW_ROLE)
        if row is None:
            return
        super().paint(painter, option, index)
        # Selected as the view marks it in the option: told by the view itself,
        # since the option's state would make Python build QStyle's many enums
        # before the first paint.
        selected = self._view.selectionModel().isSelected(index)
        palette: QPalette = option.palette
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = QColor(text_color)
        muted.setAlphaF(0.7)
        title_font, small_font = self._fonts(option)
        rect = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        when = relative_time(row.updated_at)
        painter.setFont(small_font)
        small_metrics = QFontMetrics(small_font)
        when_width = small_metrics.horizontalAdvance(when) + 4
        painter.setPen(muted)
        title_height = QFontMetrics(title_font).height()
        painter.drawText(
            QRect(rect.right() - when_width, rect.top(), when_width, title_height),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            when,
        )
        painter.setFont(title_font)
        painter.setPen(text_color)
        title_rect = QRect(rect.left(), rect.top(), rect.width() - when_width - 6, title_height)
        title = QFontMetrics(title_font).elidedText(
            row.title or "Untitled story", Qt.TextElideMode.ElideRight, title_rect.width()
        )
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter, title)
        y = rect.top() + title_height + 2
        painter.setFont(small_font)
        line_height = small_metrics.height()
        coach_width = self._paint_coach(painter, row, rect, y, small_metrics, muted)
        painter.setPen(muted)
        context = context_line(row) or "No company or role yet"
        context_width = rect.width() - coach_width
        painter.drawText(
            QRect(rect.left(), y, context_width, line_height),
            Qt.AlignmentFlag.AlignVCenter,
            small_metrics.elidedText(context, Qt.TextElideMode.ElideRight, context_width),
        )
        y += line_height + 4
        line = QRect(rect.left(), y, rect.width(), line_height)
        self._paint_chips(painter, row, line, small_metrics, palette, selected, text_color, muted)
        painter.restore()

    def _paint_coach(
        self,
        painter: QPainter,
        row: StoryRow,
        rect: QRect,
        y: int,
        small_metrics: QFontMetrics,
        muted: QColor,
    ) -> int:
        """Draw the speaking time and the score pill at the right; return their width."""
        line_height = small_metrics.height()
        coach_width = 0
        if row.score is not None and row.speaking_seconds is not None:
            figures = clock(row.speaking_seconds)
            pill = str(row.score)
            pill_width = small_metrics.horizontalAdvance(pill) + 10
            figures_width = small_metrics.horizontalAdvance(figures) + 6
            gap = 5  # between the speaking time and the score pill
            coach_width = pill_width + gap + figures_width + 4
            pill_rect = QRect(rect.right() - pill_width, y, pill_width, line_height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(score_color(row.score))
            painter.drawRoundedRect(pill_rect, 6, 6)
            painter.setPen(QColor("white"))
            painter.drawText(pill_rect, Qt.AlignmentFlag.AlignCenter, pill)
            painter.setPen(muted)
            painter.drawText(
                QRect(pill_rect.left() - gap - figures_width, y, figures_width, line_height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                figures,
            )
        return coach_width

    def _paint_chips(
        self,
        painter: QPainter,
        row: StoryRow,
        line: QRect,
        small_metrics: QFontMetrics,
        palette: QPalette,
        selected: bool,
        text_color: QColor,
        muted: QColor,
    ) -> None:
        """Draw the value chips (primary filled, supporting outlined) and tags on ``line``."""
        rect, y, line_height = line, line.top(), line.height()
        x = rect.left()
        accent = palette.color(QPalette.ColorRole.Highlight)
        chips: list[tuple[str, bool | None]] = [(name, True) for name in row.primary_values]
        chips += [(name, False) for name in row.supporting_values]
        chips += [(f"#{tag}", None) for tag in row.tags]
        for label, primary in chips:
            width = small_metrics.horizontalAdvance(label) + 12
            if x + width > rect.right():
                break
            chip = QRect(x, y, width, line_height + 2)
            if primary is True:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(text_color if selected else accent)
                painter.drawRoundedRect(chip, 6, 6)
                painter.setPen(
                    accent if selected else palette.color(QPalette.ColorRole.HighlightedText)
                )
            elif primary is False:
                painter.setPen(text_color if selected else accent)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(chip.adjusted(0, 0, -1, -1), 6, 6)
            else:
                painter.setPen(muted)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            x += width + 4


class SearchBox(QLineEdit):
    """The search field: Down and Enter go on to the results."""

    def __init__(self, to_results: Callable[[], None]) -> None:
        super().__init__()
        self._to_results = to_results

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Only key presses come here (an event filter would see every event,
        # and pay for Qt's event types at start-up).
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._to_results()
            return
        super().keyPressEvent(event)


class StoryListPanel(QWidget):
    """The left pane: filters, sort, the list itself and the count.

    It also owns the search box and its debounce timer; the window places the
    box in its toolbar, where it stays in every mode.
    """

    #: The selected story changed (story id, or -1 for none).
    selection_changed = Signal(int)
    #: A filter or the sort order changed; the owner reloads the list.
    filters_changed = Signal()
    #: The search text settled (typing paused); the owner reloads the list.
    query_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_search()
        self.model = StoryListModel()
        self.view = QListView()
        self.view.setObjectName("storyList")
        self.view.setAccessibleName("Stories")
        self.view.setModel(self.model)
        self.view.setItemDelegate(StoryRowDelegate(self.view))
        self.view.setUniformItemSizes(True)
        # Rows elide to the list's width: never a sideways scroll bar.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Lay out rows in batches from the event loop: a reset of 100,000 rows
        # would otherwise lay them all out at once (a fifth of a second).
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(500)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.selectionModel().currentChanged.connect(self._on_current_changed)
        self._build_filters()

        self.count_label = QLabel()
        self.count_label.setObjectName("storyCount")
        self.empty_label = QLabel()
        self.empty_label.setObjectName("listEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        mark_secondary(self.empty_label)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        filters = QHBoxLayout()
        filters.setSpacing(4)
        filters.addWidget(self.value_filter, 1)
        filters.addWidget(self.tag_filter, 1)
        order = QHBoxLayout()
        order.setSpacing(4)
        order.addWidget(self.show_box, 1)
        order.addWidget(self.sort_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addLayout(order)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count_label)

    def _build_filters(self) -> None:
        self.value_filter = QComboBox()
        self.value_filter.setObjectName("valueFilter")
        self.value_filter.setAccessibleName("Filter by value")
        self.value_filter.setToolTip("Show only stories tagged with this value")
        self.tag_filter = QComboBox()
        self.tag_filter.setObjectName("tagFilter")
        self.tag_filter.setAccessibleName("Filter by tag")
        self.tag_filter.setToolTip(
            "Show only stories with this tag, or told (or not yet) to a company you are "
            "interviewing with"
        )
        self.sort_box = QComboBox()
        self.sort_box.setObjectName("sortBox")
        self.sort_box.setAccessibleName("Sort stories")
        self.sort_box.addItem("Last updated", "updated")
        self.sort_box.addItem("Title", "title")
        self.show_box = QComboBox()
        self.show_box.setObjectName("showBox")
        self.show_box.setAccessibleName("Which stories")
        self.show_box.addItem("Active stories", "active")
        self.show_box.addItem("Archived", "archived")
        self.show_box.addItem("Trash", "trash")
        for box in (self.value_filter, self.tag_filter, self.sort_box, self.show_box):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(6)
            box.currentIndexChanged.connect(self.filters_changed)

    def _build_search(self) -> None:
        self.search = SearchBox(self._to_results)
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search stories")
        self.search.setPlaceholderText("Search stories (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.query_changed)
        self.search.textChanged.connect(self._search_timer.start)

    def _to_results(self) -> None:
        """Down or Enter in the search box: to the results (the story on screen,
        else the first one), with the keys of the list from then on."""
        if self._search_timer.isActive():  # the results of what was typed, now
            self._search_timer.stop()
            self.query_changed.emit()
        if not self.view.currentIndex().isValid():
            self.select_row(0)
        self.view.setFocus()

    # --- search -----------------------------------------------------------

    def query(self) -> str:
        """The search text; a pending (debounced) search is dropped: this is it."""
        self._search_timer.stop()
        return self.search.text()

    def is_filtered(self) -> bool:
        """Whether a search, a value or a tag narrows the list."""
        return bool(self.search.text().strip() or self.value_id() or self.tag())

    def clear_filters(self) -> None:
        """Every story again: no value, tag or search, the active stories."""
        self.show_box.setCurrentIndex(0)
        self.value_filter.setCurrentIndex(0)
        self.tag_filter.setCurrentIndex(0)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def filter_text(self) -> str:
        """The value, tag and search narrowing the list, in words (for a sheet)."""
        parts = []
        if self.value_id() is not None:
            parts.append(self.value_filter.currentText())
        if self.tag():
            parts.append(self.tag_filter.currentText())
        if self.search.text().strip():
            parts.append(f"“{self.search.text().strip()}”")
        return " · ".join(parts)

    # --- filters ----------------------------------------------------------

    def set_value_choices(self, choices: list[tuple[int, str]]) -> None:
        """Fill the value filter, keeping the current choice if it still exists."""
        self._refill(self.value_filter, "All values", choices)

    def set_tag_choices(self, tags: list[str], told: Sequence[tuple[str, str]] = ()) -> None:
        """The tags, then "Told to X" / "Not yet told to X" for each open application."""
        self._refill(self.tag_filter, "All tags", [*((tag, f"#{tag}") for tag in tags), *told])

    def _refill(
        self, box: QComboBox, everything: str, choices: Sequence[tuple[object, str]]
    ) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for data, label in choices:
            box.addItem(label, data)
        index = box.findData(current) if current is not None else 0
        box.setCurrentIndex(max(0, index))
        box.blockSignals(False)
        if current is not None and index < 0:
            self.filters_changed.emit()

    def value_id(self) -> int | None:
        return self.value_filter.currentData()

    def tag(self) -> str | None:
        return self.tag_filter.currentData()

    def sort(self) -> SortKey:
        return self.sort_box.currentData()

    def show_key(self) -> ShowKey:
        return self.show_box.currentData()

    def set_sort(self, sort: object) -> None:
        """Sort by ``sort`` (a saved setting) if it is a known order."""
        index = self.sort_box.findData(sort)
        if index >= 0:
            self.sort_box.setCurrentIndex(index)

    def empty_text(self) -> str:
        """What the list says when it shows no story."""
        if self.is_filtered():
            return "No stories match. Clear the search or the filters to see them all."
        if self.show_key() == "trash":
            return "The Trash is empty."
        if self.show_key() == "archived":
            return "No archived stories."
        # The welcome page beside it says how to start: the list only says what
        # it will hold, not the same words twice.
        return "Your stories will be listed here."

    # --- rows -------------------------------------------------------------

    def set_ids(
        self,
        ids: list[int],
        fetch: Callable[[list[int]], dict[int, StoryRow]],
        select_id: int | None,
        empty_text: str,
    ) -> None:
        """Show stories and reselect ``select_id`` without announcing a change."""
        self.view.selectionModel().blockSignals(True)
        self.model.set_ids(ids, fetch)
        row = self.model.row_of(select_id) if select_id is not None else -1
        if row >= 0:
            index = self.model.index(row)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        self.view.selectionModel().blockSignals(False)
        self.empty_label.setText(empty_text)
        self.stack.setCurrentWidget(self.view if ids else self.empty_label)
        noun = "story" if len(ids) == 1 else "stories"
        self.count_label.setText(f"{len(ids)} {noun}")

    def select_story(self, story_id: int) -> bool:
        """Select a story (announcing it); return False if it is not listed."""
        row = self.model.row_of(story_id)
        if row < 0:
            return False
        self.view.setCurrentIndex(self.model.index(row))
        return True

    def select_row(self, row: int) -> None:
        """Select the story at ``row``, or the last one if the list is shorter."""
        count = self.model.rowCount()
        if count and row >= 0:
            self.view.setCurrentIndex(self.model.index(min(row, count - 1)))

    def select_story_or_first(self, story_id: int) -> None:
        """Select ``story_id`` if it is listed, else the first story (announcing it)."""
        if self.model.row_of(story_id) >= 0:
            self.select_story(story_id)
        elif self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.selection_changed.emit(current.data(ID_ROLE) if current.isValid() else -1)
