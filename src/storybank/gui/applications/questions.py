"""The questions to ask the interviewer: chosen for one round from the bank, and
the bank itself made one's own (new questions, edits, hidden ones)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from uuid import uuid4

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGridLayout,
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

from storybank.core.applications import RoundInfo
from storybank.core.database import StorageError
from storybank.core.loops import GENERAL, QuestionToAsk, RoundKind, own_question
from storybank.gui.errors import report_error
from storybank.gui.forms import dialog_buttons
from storybank.gui.theme import mark_secondary
from storybank.services.applications import ApplicationService

KEY_ROLE = Qt.ItemDataRole.UserRole


def kinds_text(question: QuestionToAsk) -> str:
    """The rounds a question suits, as people read them ("Recruiter, any round")."""
    kinds = [kind.label for kind in question.kinds] + ["any round"] * question.general
    return ", ".join([kinds[0], *(k.lower() for k in kinds[1:])]) if kinds else ""


class QuestionEditor(QDialog):
    """One question to ask: its words, the rounds it suits, and why it is worth asking."""

    def __init__(
        self, question: QuestionToAsk | None, kind: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Question" if question else "New Question")
        self.setObjectName("questionEditor")
        self.key = question.uuid if question else str(uuid4())
        self.text = QPlainTextEdit(question.text if question else "")
        self.text.setObjectName("questionText")
        self.text.setAccessibleName("Question")
        self.text.setPlaceholderText(
            "What would you change about how the team works, if you could?"
        )
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(90)
        chosen = set(question.kind_keys) if question else {kind}
        self.kinds: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for index, (key, label) in enumerate(
            [(str(k), k.label) for k in RoundKind] + [(GENERAL, "Any round")]
        ):
            box = QCheckBox(label)
            box.setObjectName(f"kind-{key}")
            box.setChecked(key in chosen)
            self.kinds[key] = box
            grid.addWidget(box, index // 3, index % 3)
        self.why = QLineEdit(question.why if question else "")
        self.why.setObjectName("questionWhy")
        self.why.setAccessibleName("Why ask it")
        self.why.setPlaceholderText("What the answer tells you (optional)")
        form = QFormLayout()
        form.addRow("Question:", self.text)
        form.addRow("Suits:", grid)
        form.addRow("Why ask it:", self.why)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Save"))
        self.resize(600, 360)

    def question(self) -> QuestionToAsk:
        """The question as written; ValueError saying what is missing."""
        kinds = [key for key, box in self.kinds.items() if box.isChecked()]
        return own_question(self.key, self.text.toPlainText(), kinds, self.why.text())

    def accept(self) -> None:
        try:
            self.question()
        except ValueError as exc:
            QMessageBox.warning(self, "Storybank", str(exc))
            return
        super().accept()


class QuestionsDialog(QDialog):
    """The questions to ask at the end of a round: ticked from the bank (those that
    suit the round first) or written for this round only; the bank's questions can
    be added, edited and removed here too."""

    def __init__(
        self, found: RoundInfo, service: ApplicationService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.found = found
        self.service = service
        self.setWindowTitle(f"Questions to Ask: {found.name}")
        self.setObjectName("questionsDialog")
        self.list = QListWidget()
        self.list.setObjectName("questionsToAsk")
        self.list.setAccessibleName("Questions to ask (Space ticks one)")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_question())
        self.own = QLineEdit()
        self.own.setObjectName("ownQuestion")
        self.own.setPlaceholderText("A question for this round only (Enter adds it)")
        self.own.returnPressed.connect(self.add_own)
        hint = QLabel(
            "Two or three good questions are plenty; the ones that suit this kind "
            "of round come first. Double-click one to change it in your bank."
        )
        hint.setWordWrap(True)
        mark_secondary(hint)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.own)
        layout.addLayout(self._bank_buttons())
        layout.addWidget(dialog_buttons(self, "Keep These"))
        self.resize(680, 560)
        self.reload(found.questions)

    def _bank_buttons(self) -> QHBoxLayout:
        """New, edit, remove and restore: changes to the bank itself."""
        row = QHBoxLayout()
        made = []
        for text, name, slot in (
            ("New Question…", "newQuestion", self.new_question),
            ("Edit Question…", "editQuestion", self.edit_question),
            ("Remove from Bank", "hideQuestion", self.hide_question),
            ("Restore Removed", "restoreQuestions", self.restore_questions),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
            made.append(button)
        self.new_button, self.edit_button, self.hide_button, self.restore_button = made
        row.addStretch(1)
        return row

    def reload(self, keys: Sequence[str]) -> None:
        """The round's own questions, then the bank's that suit the round, then the
        rest; ``keys`` (bank uuids, round-only texts) are ticked."""
        bank = self.service.question_bank()
        self.bank = {q.uuid: q for q in bank.questions}
        suited = bank.for_kind(self.found.kind)
        rest = [q for q in bank.questions if not q.hidden and q not in suited]
        chosen = set(keys)
        self.list.clear()
        for text in keys:
            if text not in self.bank:
                self._add(text, f"{text}\nthis round only", "written for this round", chosen)
        for q in [*suited, *rest]:
            origin = " · yours" if q.own else " · edited" if q.edited else ""
            self._add(q.uuid, f"{q.text}\n— for {kinds_text(q)}{origin}", q.why, chosen)
        hidden = sum(q.hidden for q in bank.questions)
        self.restore_button.setText(f"Restore Removed ({hidden})" if hidden else "Restore Removed")
        self.restore_button.setEnabled(bool(hidden))

    def _add(self, key: str, text: str, tip: str, chosen: set[str]) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(KEY_ROLE, key)
        item.setToolTip(tip)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if key in chosen else Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def add_own(self) -> None:
        """The typed question, for this round only, ticked and on top."""
        text = " ".join(self.own.text().split())
        if not text:
            return
        item = QListWidgetItem(f"{text}\nthis round only")
        item.setData(KEY_ROLE, text)
        item.setToolTip("written for this round")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        self.list.insertItem(0, item)
        self.own.clear()

    def chosen(self) -> list[str]:
        """The ticked questions: a bank question's uuid, a round-only question's text."""
        return [
            str(self.list.item(i).data(KEY_ROLE))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _selected(self) -> QuestionToAsk | None:
        item = self.list.currentItem()
        return self.bank.get(str(item.data(KEY_ROLE))) if item is not None else None

    def _keep(self, action: object, chosen: Sequence[str]) -> None:
        """Run a change to the bank, then show the bank again with ``chosen`` ticked."""
        try:
            action()  # type: ignore[operator]
        except StorageError as exc:
            report_error(self, exc, "Not saved:")
        self.reload(chosen)

    def new_question(self) -> None:
        """A question of one's own in the bank, suiting this kind of round, ticked."""
        editor = QuestionEditor(None, self.found.kind, self)
        if editor.exec():
            made = editor.question()
            self._keep(lambda: self.service.save_question(made), [*self.chosen(), made.uuid])

    def edit_question(self) -> None:
        """Change the selected bank question, in the bank (every round that chose it follows)."""
        question = self._selected()
        if question is None:
            return
        editor = QuestionEditor(question, self.found.kind, self)
        if editor.exec():
            edited = editor.question()
            self._keep(lambda: self.service.save_question(edited), self.chosen())

    def hide_question(self) -> None:
        """Take the selected question out of the bank's lists (rounds that chose it keep it)."""
        question = self._selected()
        if question is None:
            return
        chosen = [key for key in self.chosen() if key != question.uuid]
        self._keep(lambda: self.service.save_question(replace(question, hidden=True)), chosen)

    def restore_questions(self) -> None:
        """Every question taken out of the bank, back in its lists."""
        self._keep(self.service.restore_questions, self.chosen())

    def accept(self) -> None:
        self.add_own()  # typed but not yet added: kept too
        super().accept()
