"""The right-hand panel: the story's values (primary or supporting) and tags."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCompleter,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from storybank.core.changes import ChangeSet
from storybank.core.database import StorageError
from storybank.core.records import RATING_NAMES, StoryRecord, Strength, ValueInfo
from storybank.core.speaking import counted
from storybank.services.stories import StoryService

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        widget = self.widget()
        typed = widget.text() if isinstance(widget, QLineEdit) else ""
        head = typed.rsplit(",", 1)[0] + ", " if "," in typed else ""
        return f"{head}{index.data()}, "


STRENGTH_STYLE = """
QToolButton[strength] {
    border: 1px solid palette(mid); border-radius: 4px; padding: 3px 5px;
    background: palette(base); color: palette(text);
}
QToolButton[strength]:hover { border-color: palette(highlight); }
QToolButton[strength]:disabled { background: palette(window); color: palette(mid); }
QToolButton[strength="primary"]:checked {
    background: palette(highlight); color: palette(highlighted-text);
    border-color: palette(highlight); font-weight: bold;
}
QToolButton[strength="supporting"]:checked {
    border: 2px solid palette(highlight); color: palette(highlight); padding: 2px 4px;
}
"""


#: The least room a value's name gets beside its buttons (it wraps between
#: words), and the margins, spacing and scroll bar around a row; with less room
#: than a row needs, the buttons go under the name.
NAME_WIDTH = 60
ROW_CHROME = 48


def split_tags(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class ValuesPanel(QWidget):
    """Tags the current story with values and free tags; writes immediately."""

    #: A message for the status bar (e.g. a failed write).
    message = Signal(str)

    def __init__(self, service: StoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.record: StoryRecord | None = None
        self._buttons: dict[int, tuple[QToolButton, QToolButton]] = {}
        #: Each value's name and buttons, in order (laid out by :meth:`_place_row`).
        self._rows: list[tuple[QLabel, QToolButton, QToolButton]] = []
        #: Each row's pack, the packs' headers (only with two packs or more), and
        #: the packs folded away.
        self._row_pack: list[int] = []
        self._packs: dict[int, QToolButton] = {}
        self._collapsed: set[int] = set()
        self._narrow = False

        self.values_box = self._build_values_box()
        self.tags_box = self._build_tags_box()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(self.values_box, 1)
        self._build_rows()  # the buttons join the focus chain before the tags field
        layout.addWidget(self.tags_box)

        service.changed.connect(self._on_changed)
        self.refresh_tags()
        self.load(None)

    # --- building ---------------------------------------------------------

    def _build_values_box(self) -> QGroupBox:
        """The value rows (made by :meth:`_build_rows`), in a scrolling grid."""
        box = QGroupBox("Values")
        box.setObjectName("valuesBox")
        self.grid = QGridLayout()
        self.grid.setColumnStretch(0, 1)
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(4)
        inner = QWidget()
        inner.setLayout(self.grid)
        inner.setStyleSheet(STRENGTH_STYLE)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the buttons inside
        scroll.setWidget(inner)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(6, 6, 6, 6)
        hint = QLabel("Mark the values this story proves best as <b>primary</b>.")
        hint.setWordWrap(True)
        hint.setObjectName("valuesHint")
        box_layout.addWidget(hint)
        box_layout.addWidget(scroll, 1)

        return box

    def _build_tags_box(self) -> QGroupBox:
        """The tags field, with completion from the tags already in use."""
        box = QGroupBox("Tags")
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("tags")
        self.tags_edit.setAccessibleName("Tags")
        self.tags_edit.setPlaceholderText("failure, feedback, conflict…")
        self.tags_edit.setToolTip("Themes for this story, separated by commas; Enter saves them")
        self.tags_edit.setMaxLength(5000)
        self._tag_model = QStringListModel(self)
        completer = TagCompleter(self._tag_model, self.tags_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.tags_edit.setCompleter(completer)
        self.tags_edit.editingFinished.connect(self.commit_tags)
        tags_layout = QVBoxLayout(box)
        tags_layout.setContentsMargins(6, 6, 6, 6)
        tags_layout.addWidget(self.tags_edit)
        self.practised = QLabel()
        self.practised.setObjectName("storyPractised")
        self.practised.setWordWrap(True)
        self.practised.setAccessibleName("Prompts answered with this story")
        tags_layout.addWidget(self.practised)
        self.loop = QLabel()
        self.loop.setObjectName("storyLoop")
        self.loop.setWordWrap(True)
        self.loop.setAccessibleName("This story in your applications")
        self.loop.setTextFormat(Qt.TextFormat.PlainText)
        self.loop.hide()
        tags_layout.addWidget(self.loop)

        return box

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.values:
            self.refresh_values()
        if changes.tags:
            self.refresh_tags()
        if changes.attempts and self.record is not None:
            self._show_practised(self.record)

    def refresh_values(self) -> None:
        """Rebuild the rows for the active values."""
        self._build_rows()
        self._restore_tab_order()

    def _build_rows(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self._buttons.clear()
        self._rows.clear()
        self._row_pack.clear()
        self._packs.clear()
        values = self.service.active_values()
        if not values:
            empty = QLabel("No active value pack. Choose one in Preferences.")
            empty.setWordWrap(True)
            self.grid.addWidget(empty, 0, 0, 1, 3)
        names = {pack.id: pack.name for pack in self.service.packs()}
        grouped = len({value.framework_id for value in values}) > 1
        for value in values:
            if grouped and value.framework_id not in self._packs:
                self._packs[value.framework_id] = self._pack_header(
                    value.framework_id, names.get(value.framework_id, "")
                )
            self._add_row(value)
        self._lay_out_rows()
        self._show_record()

    def _pack_header(self, pack_id: int, name: str) -> QToolButton:
        """A pack's name above its values; a click folds them away or back."""
        header = QToolButton()
        header.setObjectName(f"pack-{pack_id}")
        header.setCheckable(True)
        header.setChecked(pack_id not in self._collapsed)
        header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        header.setArrowType(
            Qt.ArrowType.DownArrow if header.isChecked() else Qt.ArrowType.RightArrow
        )
        header.setAutoRaise(True)
        header.setProperty("packName", name)
        header.setText(name)
        header.setAccessibleName(f"Values of {name}")
        header.toggled.connect(lambda shown, p=pack_id: self._fold(p, not shown))
        return header

    def _fold(self, pack_id: int, folded: bool) -> None:
        if folded:
            self._collapsed.add(pack_id)
        else:
            self._collapsed.discard(pack_id)
        header = self._packs[pack_id]
        header.setArrowType(Qt.ArrowType.RightArrow if folded else Qt.ArrowType.DownArrow)
        self._lay_out_rows()

    def _restore_tab_order(self) -> None:
        """Put rebuilt buttons back in reading order: after what precedes the panel.

        New widgets join the end of their window's focus chain, so without this
        Tab would reach the value buttons only after the rest of the window.
        """
        order: list[QWidget] = []
        for row, (_label, primary, supporting) in enumerate(self._rows):
            header = self._packs.get(self._row_pack[row])
            if header is not None and header not in order:
                order.append(header)
            order += [primary, supporting]
        if self.isAncestorOf(self.tags_edit):  # not yet while the panel is being built
            order.append(self.tags_edit)
        anchor = self.previousInFocusChain()
        while (
            anchor is not None
            and anchor is not self
            and (anchor.focusPolicy() == Qt.FocusPolicy.NoFocus or self.isAncestorOf(anchor))
        ):
            anchor = anchor.previousInFocusChain()
        # Inside a window; alone, creation order already holds.
        if anchor is not None and anchor is not self:
            order.insert(0, anchor)
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)

    def _add_row(self, value: ValueInfo) -> None:
        label = QLabel(value.name)
        label.setToolTip(value.description)
        label.setWordWrap(True)
        primary = QToolButton()
        primary.setText("Primary")
        supporting = QToolButton()
        supporting.setText("Supporting")
        for button, strength in ((primary, Strength.PRIMARY), (supporting, Strength.SUPPORTING)):
            button.setCheckable(True)
            button.setProperty("strength", strength.value)
            button.setObjectName(f"value-{value.key}-{strength.value}")
            button.setAccessibleName(f"{value.name}: {strength.value}")
            button.setToolTip(f"This story shows {value.name} as {strength.value} evidence")
            button.clicked.connect(
                lambda checked, v=value.id, s=strength: self._on_clicked(v, s, checked)
            )
        self._rows.append((label, primary, supporting))
        self._row_pack.append(value.framework_id)
        self._buttons[value.id] = (primary, supporting)

    def _lay_out_rows(self) -> None:
        """Each pack's header, then its values (unless folded): a value on one line,
        or, in a narrow panel, its name above its buttons."""
        for widgets in self._rows:
            for widget in widgets:
                self.grid.removeWidget(widget)
        for header in self._packs.values():
            self.grid.removeWidget(header)
        line = 0
        shown_pack: int | None = None
        for row, widgets in enumerate(self._rows):
            pack_id = self._row_pack[row]
            if pack_id in self._packs and pack_id != shown_pack:
                self.grid.addWidget(self._packs[pack_id], line, 0, 1, 3)
                line += 1
                shown_pack = pack_id
            if pack_id in self._collapsed and pack_id in self._packs:
                for widget in widgets:
                    widget.hide()  # folded away (showing a widget not yet placed would
                continue  # open it as a window of its own)
            label, primary, supporting = widgets
            if self._narrow:
                self.grid.addWidget(label, line, 0, 1, 2)
                self.grid.addWidget(primary, line + 1, 0)
                self.grid.addWidget(supporting, line + 1, 1)
                line += 2
            else:
                self.grid.addWidget(label, line, 0)
                self.grid.addWidget(primary, line, 1)
                self.grid.addWidget(supporting, line, 2)
                line += 1
            for widget in widgets:
                widget.show()  # placed, so shown inside the panel
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(line, 1)
        self.grid.setColumnStretch(0, 0 if self._narrow else 1)

    def _one_line_width(self) -> int:
        """The width a value needs on one line: a short name and both its buttons."""
        widest = 0
        for label, primary, supporting in self._rows:
            words = label.text().split() or [""]
            name = max(label.fontMetrics().horizontalAdvance(word) for word in words)
            buttons = primary.sizeHint().width() + supporting.sizeHint().width()
            widest = max(widest, max(name, NAME_WIDTH) + buttons)
        return widest + ROW_CHROME

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < self._one_line_width()
        if narrow != self._narrow and self._rows:
            self._narrow = narrow
            self._lay_out_rows()
        self._narrow = narrow

    def refresh_tags(self) -> None:
        self._tag_model.setStringList(self.service.tag_names())

    # --- the current story ------------------------------------------------

    def load(self, record: StoryRecord | None) -> None:
        self.record = record
        self._show_record()

    def _show_record(self) -> None:
        record = self.record
        self.setEnabled(record is not None and not record.deleted)
        for value_id, (primary, supporting) in self._buttons.items():
            strength = record.values.get(value_id) if record else None
            primary.setChecked(strength is Strength.PRIMARY)
            supporting.setChecked(strength is Strength.SUPPORTING)
        self.tags_edit.setText(", ".join(record.tags) if record else "")
        self._show_practised(record)
        self._show_loop(record)

    def _show_loop(self, record: StoryRecord | None) -> None:
        """The story's angle for each open application, and where it was told already."""
        try:
            notes = self.service.loop_notes(record.id) if record else []
        except StorageError:
            notes = []
        self.loop.setText("\n".join(notes))
        self.loop.setVisible(bool(notes))

    def _show_practised(self, record: StoryRecord | None) -> None:
        """Which prompts this story has answered in Practice, and how well."""
        try:
            answers = self.service.story_answers(record.id) if record else []
        except StorageError:
            answers = []
        if not answers:
            self.practised.setText("Not told in Practice yet." if record else "")
            self.practised.setToolTip("")
            return
        ratings = Counter(RATING_NAMES.get(a.rating or 0, "not rated") for a in answers)
        counts = ", ".join(f"{name} {n}" for name, n in ratings.most_common())
        prompts = len({a.prompt for a in answers})
        self.practised.setText(f"Told for {counted(prompts, 'prompt')} in Practice ({counts}).")
        self.practised.setToolTip(
            "\n".join(
                f"{a.started_at.astimezone():%d %b} · "
                f"{RATING_NAMES.get(a.rating or 0, 'not rated')} · {a.prompt}"
                for a in answers[:12]
            )
        )

    def _on_clicked(self, value_id: int, strength: Strength, checked: bool) -> None:
        if self.record is None:
            return
        new = strength if checked else None
        try:
            self.service.set_story_value(self.record.id, value_id, new)
        except StorageError as exc:
            self.message.emit(f"Value not saved: {exc}")
        self.record = self.service.get_story(self.record.id)
        self._show_record()

    def commit_tags(self) -> None:
        """Store the tags as typed (Enter or leaving the field)."""
        if self.record is None:
            return
        wanted = split_tags(self.tags_edit.text())
        if [t.casefold() for t in wanted] == [t.casefold() for t in self.record.tags]:
            return
        try:
            self.service.set_story_tags(self.record.id, wanted)
        except StorageError as exc:
            self.message.emit(f"Tags not saved: {exc}")
            return
        self.record = self.service.get_story(self.record.id)
        self._show_record()
