"""Managing prompts: add and edit your own, edit or hide built-in ones."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storybank.core.database import StorageError
from storybank.core.prompts import Prompt
from storybank.gui.errors import report_error
from storybank.gui.forms import dialog_buttons
from storybank.gui.theme import mark_secondary
from storybank.services.practice import PracticeService

UUID_ROLE = Qt.ItemDataRole.UserRole


class PromptEditor(QDialog):
    """Edit one prompt: text, theme, the values it probes, follow-ups."""

    def __init__(
        self, service: PracticeService, prompt: Prompt | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit prompt" if prompt else "New prompt")
        self.setObjectName("promptEditor")
        self.text = QPlainTextEdit(prompt.text if prompt else "")
        self.text.setObjectName("promptText")
        self.text.setAccessibleName("Prompt")
        self.text.setPlaceholderText("Tell me about a time you…")
        self.text.setTabChangesFocus(True)
        self.theme = QComboBox()
        self.theme.setObjectName("promptTheme")
        self.theme.setAccessibleName("Theme")
        for theme in service.themes():
            self.theme.addItem(theme.name, theme.key)
        if prompt:
            self.theme.setCurrentIndex(max(0, self.theme.findData(prompt.theme)))
        self.values = QListWidget()
        self.values.setObjectName("promptValues")
        self.values.setAccessibleName("Values this prompt probes")
        chosen = set(prompt.values) if prompt else set()
        for value in service.stories.active_values():
            item = QListWidgetItem(value.name)
            item.setData(UUID_ROLE, value.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = value.key in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.values.addItem(item)
        self.follow_ups = QPlainTextEdit("\n".join(prompt.follow_ups) if prompt else "")
        self.follow_ups.setObjectName("promptFollowUps")
        self.follow_ups.setAccessibleName("Follow-up questions, one per line")
        self.follow_ups.setPlaceholderText("One follow-up question per line")
        self.follow_ups.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow("Prompt:", self.text)
        form.addRow("Theme:", self.theme)
        form.addRow("Values:", self.values)
        form.addRow("Follow-ups:", self.follow_ups)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Save"))
        self.resize(560, 520)

    def result_fields(self) -> tuple[str, str, list[str], list[str]]:
        values = [
            self.values.item(i).data(UUID_ROLE)
            for i in range(self.values.count())
            if self.values.item(i).checkState() == Qt.CheckState.Checked
        ]
        follow_ups = [line.strip() for line in self.follow_ups.toPlainText().splitlines()]
        return (
            " ".join(self.text.toPlainText().split()),
            str(self.theme.currentData() or ""),
            values,
            [line for line in follow_ups if line],
        )

    def accept(self) -> None:
        text, _theme, _values, follow_ups = self.result_fields()
        if not text:
            QMessageBox.warning(self, "Storybank", "A prompt needs a question.")
            return
        if not follow_ups:
            QMessageBox.warning(self, "Storybank", "Add at least one follow-up question.")
            return
        super().accept()


class PromptsDialog(QDialog):
    """The prompt bank: search, add, edit, hide and show prompts."""

    def __init__(self, service: PracticeService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("Prompts")
        self.setObjectName("promptsDialog")
        self.search = QLineEdit()
        self.search.setObjectName("promptSearch")
        self.search.setPlaceholderText("Filter prompts")
        self.search.setAccessibleName("Filter prompts")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.reload())
        self.list = QListWidget()
        self.list.setObjectName("promptList")
        self.list.setAccessibleName("Prompts")
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(self._toggled)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit())
        self.count = QLabel()
        add = QPushButton("New prompt…")
        add.setObjectName("newPrompt")
        add.clicked.connect(self.add)
        edit = QPushButton("Edit…")
        edit.setObjectName("editPrompt")
        edit.clicked.connect(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        hint = QLabel("Untick a prompt to hide it from practice. Built-in prompts you edit keep "
                      "your words when Storybank updates its bank.")  # fmt: skip
        hint.setWordWrap(True)
        mark_secondary(hint)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(720, 600)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        needle = self.search.text().casefold().strip()
        names = self.service.theme_names()
        self.list.blockSignals(True)
        self.list.clear()
        shown = 0
        for prompt in self.service.prompts(include_hidden=True):
            theme = names.get(prompt.theme, prompt.theme)
            if needle and needle not in f"{prompt.text} {theme}".casefold():
                continue
            origin = "" if prompt.builtin else "  · yours"
            item = QListWidgetItem(f"{prompt.text}\n{theme}{origin}")
            item.setData(UUID_ROLE, prompt.uuid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            state = Qt.CheckState.Unchecked if prompt.hidden else Qt.CheckState.Checked
            item.setCheckState(state)
            self.list.addItem(item)
            shown += 1
            if prompt.uuid == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.count.setText(f"{shown} prompts")

    def _current(self) -> Prompt | None:
        item = self.list.currentItem()
        uuid = item.data(UUID_ROLE) if item else None
        return next((p for p in self.service.prompts(include_hidden=True) if p.uuid == uuid), None)

    def _toggled(self, item: QListWidgetItem) -> None:
        try:
            self.service.set_prompt_hidden(
                item.data(UUID_ROLE), item.checkState() != Qt.CheckState.Checked
            )
        except StorageError as exc:
            report_error(self, exc)

    def add(self) -> None:
        self._edit(None)

    def edit(self) -> None:
        prompt = self._current()
        if prompt is not None:
            self._edit(prompt)

    def _edit(self, prompt: Prompt | None) -> None:
        editor = PromptEditor(self.service, prompt, self)
        if editor.exec() != QDialog.DialogCode.Accepted:
            return
        text, theme, values, follow_ups = editor.result_fields()
        try:
            uuid = self.service.save_prompt(
                prompt.uuid if prompt else None, text, theme, values, follow_ups
            )
        except StorageError as exc:
            report_error(self, exc)
            return
        self.reload(uuid)
