"""Preferences ▸ Confidential: the customers, partners, projects and figures a
redacted rendering hides, each with the alias shown instead, and the built-in
patterns (currency amounts, e-mail addresses) turned on or off."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storybank.core.database import StorageError
from storybank.core.redaction import DEFAULT_ALIAS, PATTERN, PATTERNS, TERM, TermError
from storybank.gui.theme import attention_color, mark_secondary
from storybank.services.stories import StoryService

ID_ROLE = Qt.ItemDataRole.UserRole
TERM_COLUMN, ALIAS_COLUMN = range(2)


class ConfidentialPage(QWidget):
    """The terms to hide with their aliases (added, edited in place, removed), the
    built-in patterns as check boxes with their aliases, and a one-line message
    when an entry cannot be kept."""

    def __init__(self, service: StoryService) -> None:
        super().__init__()
        self.service = service
        self._filling = False
        self._stored_aliases: dict[str, str] = {}
        self._build_table()
        self._build_adder()
        self._build_patterns()
        self.message = QLabel()
        self.message.setObjectName("confidentialMessage")
        self.message.setStyleSheet(f"color: {attention_color().name()};")
        self.message.hide()
        self._lay_out()
        self.refresh()

    def _build_table(self) -> None:
        """The terms listed, each with its alias; double-click or F2 edits a cell."""
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("confidentialTerms")
        self.table.setAccessibleName("Confidential terms and their aliases")
        self.table.setHorizontalHeaderLabels(["Term", "Alias (shown instead)"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.itemChanged.connect(self._edited)
        self.table.itemSelectionChanged.connect(self._selection_changed)

    def _build_adder(self) -> None:
        """A term and its alias typed in, Add; Remove for the selected rows."""
        self.term_input = QLineEdit()
        self.term_input.setObjectName("termInput")
        self.term_input.setAccessibleName("Term to hide")
        self.term_input.setPlaceholderText("A customer, partner, project or figure")
        self.alias_input = QLineEdit()
        self.alias_input.setObjectName("aliasInput")
        self.alias_input.setAccessibleName("Alias shown instead")
        self.alias_input.setPlaceholderText("Alias, e.g. a top-5 US retailer")
        self.add_button = QPushButton("Add")
        self.add_button.setObjectName("addTerm")
        self.add_button.clicked.connect(self._add)
        self.term_input.returnPressed.connect(self._add)
        self.alias_input.returnPressed.connect(self._add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeTerm")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)

    def _build_patterns(self) -> None:
        """One check box per built-in pattern, with its alias beside it."""
        self.pattern_boxes: dict[str, QCheckBox] = {}
        self.pattern_aliases: dict[str, QLineEdit] = {}
        for key, pattern in PATTERNS.items():
            box = QCheckBox(pattern.label)
            box.setObjectName(f"pattern-{key}")
            box.toggled.connect(lambda _on, key=key: self._pattern_changed(key))
            alias = QLineEdit()
            alias.setObjectName(f"patternAlias-{key}")
            alias.setAccessibleName(f"Alias of {pattern.label}")
            alias.setPlaceholderText(pattern.alias)
            alias.setMaximumWidth(220)
            alias.editingFinished.connect(lambda key=key: self._alias_changed(key))
            self.pattern_boxes[key] = box
            self.pattern_aliases[key] = alias

    def _lay_out(self) -> None:
        note = QLabel(
            "Details listed here are underlined with dots in the editor. Export, Print and "
            "PDF can replace each with its alias, for a story you share: the original text "
            "is never written into a redacted file. A term matches in any case, as whole "
            f"words, the longest first; one with no alias becomes “{DEFAULT_ALIAS}”."
        )
        note.setWordWrap(True)
        mark_secondary(note)
        adder = QHBoxLayout()
        adder.addWidget(self.term_input, 1)
        adder.addWidget(self.alias_input, 1)
        adder.addWidget(self.add_button)
        adder.addWidget(self.remove_button)
        patterns = QFormLayout()
        for key, box in self.pattern_boxes.items():
            patterns.addRow(box, self.pattern_aliases[key])
        column = QVBoxLayout(self)
        column.addWidget(note)
        column.addWidget(self.table, 1)
        column.addLayout(adder)
        column.addWidget(self.message)
        column.addWidget(QLabel("<b>Patterns</b>"))
        column.addLayout(patterns)

    # --- showing -----------------------------------------------------------

    def refresh(self) -> None:
        """Show the terms and patterns as stored."""
        try:
            rules = self.service.sensitive_terms()
        except StorageError as exc:
            self.say(str(exc))
            return
        terms = [rule for rule in rules if rule.kind == TERM]
        self._filling = True
        try:
            self.table.setRowCount(len(terms))
            for row, rule in enumerate(terms):
                for column, text in ((TERM_COLUMN, rule.term), (ALIAS_COLUMN, rule.alias)):
                    item = QTableWidgetItem(text)
                    item.setData(ID_ROLE, rule.id)
                    self.table.setItem(row, column, item)
        finally:
            self._filling = False
        on = {rule.term: rule for rule in rules if rule.kind == PATTERN}
        self._stored_aliases = {key: rule.alias for key, rule in on.items()}
        for key, box in self.pattern_boxes.items():
            box.blockSignals(True)
            box.setChecked(key in on)
            box.blockSignals(False)
            if key in on:
                self.pattern_aliases[key].setText(on[key].alias)
        self._selection_changed()

    def say(self, text: str) -> None:
        """One line under the list: why an entry was not kept ("" hides it)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    # --- changing ----------------------------------------------------------

    def _add(self) -> None:
        try:
            self.service.add_sensitive_term(self.term_input.text(), self.alias_input.text())
        except (TermError, StorageError) as exc:
            self.say(str(exc))
            self.term_input.setFocus()
            return
        self.say("")
        self.term_input.clear()
        self.alias_input.clear()
        self.refresh()
        self.table.scrollToBottom()
        self.term_input.setFocus()

    def _edited(self, item: QTableWidgetItem) -> None:
        """A cell edited in place: kept, or put back with the reason why not."""
        if self._filling:
            return
        row = item.row()
        term, alias = (self.table.item(row, column) for column in (TERM_COLUMN, ALIAS_COLUMN))
        if term is None or alias is None:
            return
        try:
            self.service.update_sensitive_term(int(item.data(ID_ROLE)), term.text(), alias.text())
        except (TermError, StorageError) as exc:
            self.say(str(exc))
        else:
            self.say("")
        self.refresh()

    def _remove(self) -> None:
        items = [
            self.table.item(index.row(), TERM_COLUMN)
            for index in self.table.selectionModel().selectedRows()
        ]
        ids = {int(item.data(ID_ROLE)) for item in items if item is not None}
        try:
            for term_id in ids:
                self.service.remove_sensitive_term(term_id)
        except StorageError as exc:
            self.say(str(exc))
        self.refresh()

    def _alias_changed(self, key: str) -> None:
        typed = " ".join(self.pattern_aliases[key].text().split())
        if self.pattern_boxes[key].isChecked() and typed != self._stored_aliases.get(key):
            self._pattern_changed(key)

    def _pattern_changed(self, key: str) -> None:
        on = self.pattern_boxes[key].isChecked()
        try:
            self.service.set_sensitive_pattern(key, on, self.pattern_aliases[key].text())
        except (TermError, StorageError) as exc:
            self.say(str(exc))
        else:
            self.say("")
        self.refresh()
