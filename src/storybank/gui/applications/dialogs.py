"""The Applications mode's dialogs: a new application (from a loop template),
one round, and a round's debrief (what was asked, the story told, how it went)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from storybank.core.applications import DebriefItem, Outcome, RoundInfo
from storybank.core.loops import LoopTemplate, RoundKind
from storybank.gui.forms import dialog_buttons
from storybank.gui.theme import mark_secondary

NO_STORY = "(no story of mine)"


class NewApplicationDialog(QDialog):
    """Company, role, team and the loop template the rounds come from."""

    def __init__(self, templates: Sequence[LoopTemplate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Application")
        self.setObjectName("newApplication")
        self.templates = list(templates)
        self.company = QLineEdit()
        self.company.setObjectName("applicationCompany")
        self.company.setPlaceholderText("Netflix")
        self.role = QLineEdit()
        self.role.setObjectName("applicationRole")
        self.role.setPlaceholderText("Senior software engineer")
        self.team = QLineEdit()
        self.team.setObjectName("applicationTeam")
        self.template = QComboBox()
        self.template.setObjectName("applicationTemplate")
        self.template.addItem("No template: add the rounds yourself", "")
        for template in self.templates:
            self.template.addItem(template.name, template.key)
        self.about = QLabel()
        self.about.setWordWrap(True)
        mark_secondary(self.about)
        self.template.currentIndexChanged.connect(self._describe)
        form = QFormLayout()
        form.addRow("&Company:", self.company)
        form.addRow("&Role:", self.role)
        form.addRow("&Team:", self.team)
        form.addRow("&Loop:", self.template)
        form.addRow("", self.about)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Create"))
        self.resize(560, self.sizeHint().height())
        self._describe()

    def _describe(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            self.about.setText("An empty loop: add each round as you learn about it.")
            return
        rounds = ", ".join(r.name for r in chosen.rounds)
        self.about.setText(f"{chosen.description} Rounds: {rounds}.")

    def chosen(self) -> LoopTemplate | None:
        key = self.template.currentData()
        return next((t for t in self.templates if t.key == key), None)

    def accept(self) -> None:
        if not self.company.text().strip():
            self.company.setFocus()
            self.company.setPlaceholderText("A company name, please")
            return
        super().accept()


class RoundDialog(QDialog):
    """One round: kind, name, when, how long, who, and what it is about."""

    def __init__(self, found: RoundInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Round" if found else "Add Round")
        self.setObjectName("roundDialog")
        self.kind = QComboBox()
        self.kind.setObjectName("roundKind")
        for kind in RoundKind:
            self.kind.addItem(kind.label, str(kind))
        self.name = QLineEdit()
        self.name.setObjectName("roundName")
        self.scheduled = QCheckBox("Scheduled for")
        self.scheduled.setObjectName("roundScheduled")
        self.when = QDateTimeEdit()
        self.when.setObjectName("roundWhen")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        self.when.setDateTime(QDateTime.currentDateTime().addDays(7))
        self.scheduled.toggled.connect(self.when.setEnabled)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("roundMinutes")
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" min")
        self.interviewer = QLineEdit()
        self.interviewer.setObjectName("roundInterviewer")
        self.interviewer_role = QLineEdit()
        self.interviewer_role.setObjectName("roundInterviewerRole")
        self.interviewer_role.setPlaceholderText("engineering manager, recruiter…")
        self.focus = QLineEdit()
        self.focus.setObjectName("roundFocus")
        self._fill(found)
        form = QFormLayout()
        form.addRow("&Kind:", self.kind)
        form.addRow("&Name:", self.name)
        form.addRow(self.scheduled, self.when)
        form.addRow("&Length:", self.minutes)
        form.addRow("&Interviewer:", self.interviewer)
        form.addRow("Their &role:", self.interviewer_role)
        form.addRow("&Focus:", self.focus)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Save"))
        self.resize(520, self.sizeHint().height())

    def _fill(self, found: RoundInfo | None) -> None:
        self.minutes.setValue(found.minutes if found else 45)
        if found is None:
            self.when.setEnabled(False)
            return
        self.kind.setCurrentIndex(max(0, self.kind.findData(found.kind)))
        self.name.setText(found.name)
        self.scheduled.setChecked(found.scheduled_at is not None)
        self.when.setEnabled(found.scheduled_at is not None)
        if found.scheduled_at is not None:
            self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(found.scheduled_at.timestamp())))
        self.interviewer.setText(found.interviewer_name)
        self.interviewer_role.setText(found.interviewer_role)
        self.focus.setText(found.focus)

    def fields(self) -> dict[str, Any]:
        """The round as entered, as the service takes it."""
        when = None
        if self.scheduled.isChecked():
            when = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), UTC)
        kind = RoundKind(self.kind.currentData())
        return {
            "kind": str(kind),
            "name": self.name.text().strip() or kind.label,
            "scheduled_at": when,
            "minutes": self.minutes.value(),
            "interviewer_name": self.interviewer.text().strip(),
            "interviewer_role": self.interviewer_role.text().strip(),
            "focus": self.focus.text().strip(),
        }


class DebriefDialog(QDialog):
    """After a round: each question asked, the story told for it, how it went."""

    ROWS = 6

    def __init__(
        self,
        found: RoundInfo,
        items: Sequence[DebriefItem],
        stories: Sequence[tuple[int, str]],
        prompts: Sequence[str],
        parent: QWidget | None = None,
        *,
        questions: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Debrief: {found.name}")
        # The questions chosen to ask (key, text): which of them were asked.
        self.asked_boxes: list[tuple[str, QCheckBox]] = []
        for key, text in questions:
            box = QCheckBox(f"I asked: {text}")
            box.setObjectName(f"asked-{len(self.asked_boxes)}")
            box.setChecked(key in found.asked)
            self.asked_boxes.append((key, box))
        self.setObjectName("debriefDialog")
        self.stories = list(stories)
        self.prompts = list(prompts)
        self.grid = QGridLayout()
        for column, title in enumerate(("Question asked", "Story told", "How it went", "Note")):
            header = QLabel(f"<b>{title}</b>")
            self.grid.addWidget(header, 0, column)
        self.rows: list[tuple[QComboBox, QComboBox, QComboBox, QLineEdit]] = []
        for item in [*items, *[DebriefItem("")] * max(1, self.ROWS - len(items))]:
            self.add_row(item)
        add = QPushButton("Add a Question")
        add.setObjectName("addDebriefRow")
        add.clicked.connect(lambda: self.add_row(DebriefItem("")))
        hint = QLabel(
            "Pick a prompt or type the question as it was asked. Panel members compare "
            "notes: the stories told here are flagged for the next rounds."
        )
        hint.setWordWrap(True)
        mark_secondary(hint)
        for column, stretch in enumerate((3, 3, 0, 2)):
            self.grid.setColumnStretch(column, stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(self.grid)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        for _key, box in self.asked_boxes:
            layout.addWidget(box)
        layout.addWidget(dialog_buttons(self, "Save Debrief"))
        self.resize(1000, self.sizeHint().height())

    def add_row(self, item: DebriefItem) -> None:
        question = QComboBox()
        question.setEditable(True)
        question.addItems(["", *self.prompts])
        question.setCurrentText(item.question)
        line = question.lineEdit()
        if line is not None:
            line.setCursorPosition(0)  # a long question shows its start
        question.setToolTip(item.question)
        question.setMinimumWidth(260)
        story = QComboBox()
        story.addItem(NO_STORY, None)
        for story_id, title in self.stories:
            story.addItem(title or "Untitled story", story_id)
        story.setCurrentIndex(max(0, story.findData(item.story_id)))
        outcome = QComboBox()
        for choice in Outcome:
            outcome.addItem(choice.value.title(), str(choice))
        outcome.setCurrentIndex(max(0, outcome.findData(str(item.outcome))))
        note = QLineEdit(item.notes)
        note.setCursorPosition(0)
        note.setMinimumWidth(160)
        note.setPlaceholderText("what they asked next…")
        story.setMinimumWidth(200)
        row = len(self.rows) + 1
        for column, widget in enumerate((question, story, outcome, note)):
            widget.setObjectName(f"debrief-{row}-{column}")
            self.grid.addWidget(widget, row, column)
        self.rows.append((question, story, outcome, note))

    def asked(self) -> list[str]:
        """The questions to ask that were asked (their keys)."""
        return [key for key, box in self.asked_boxes if box.isChecked()]

    def items(self) -> list[DebriefItem]:
        """Every row with a question or a story, in order."""
        return [
            DebriefItem(
                question=question.currentText().strip(),
                story_id=story.currentData(),
                outcome=Outcome(outcome.currentData()),
                notes=note.text().strip(),
            )
            for question, story, outcome, note in self.rows
            if question.currentText().strip() or story.currentData() is not None
        ]


def local(when: datetime | None) -> str:
    """A round's time as people read it: "Mon 7 Dec, 15:00"; "not scheduled" without one."""
    if when is None:
        return "not scheduled"
    return when.astimezone().strftime("%a %-d %b, %H:%M")
