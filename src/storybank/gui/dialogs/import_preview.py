"""The import preview: what an import would do, story by story, before anything
is written; the user chooses what happens to each conflict."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storybank.core.markdown import escape
from storybank.core.speaking import counted
from storybank.core.transfer.records import Choice, ImportItem, ImportPlan, ItemKind

KIND_LABELS = {
    ItemKind.NEW: "New",
    ItemKind.UNCHANGED: "Unchanged",
    ItemKind.UPDATED: "Updated (newer file)",
    ItemKind.CONFLICT: "Conflict",
    ItemKind.DUPLICATE: "Duplicate in the file",
}
CHOICE_LABELS = {
    Choice.KEEP_BOTH: "Keep both",
    Choice.KEEP_NEWER: "Keep the newer",
    Choice.REPLACE: "Use the imported copy",
    Choice.SKIP: "Keep mine, skip",
}


class ImportPreview(QDialog):
    """Lists the plan; Import runs it, Cancel leaves the bank as it is."""

    def __init__(self, plan: ImportPlan, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Import stories")
        self.setObjectName("importPreview")
        summary = self._build_summary(source)
        self._build_table()
        default_row = self._build_default_row()
        packs = QLabel("<br>".join(html.escape(change) for change in plan.pack_changes))
        packs.setObjectName("importPacks")
        packs.setWordWrap(True)
        packs.setVisible(bool(plan.pack_changes))
        problems = QLabel("<br>".join(plan.problems))
        problems.setWordWrap(True)
        problems.setVisible(bool(plan.problems))
        buttons = self._build_buttons()
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(packs)
        layout.addWidget(self.table, 1)
        if self.choice_boxes:
            layout.addLayout(default_row)
        layout.addWidget(problems)
        layout.addWidget(buttons)
        self.resize(820, 520)

    def _build_summary(self, source: str) -> QLabel:
        """The source, how many stories of each kind, and what Import will do."""
        counts = self.plan.summary()
        parts = [f"{n} {KIND_LABELS[kind].lower()}" for kind, n in counts.items() if n]
        summary = QLabel(
            f"<b>{escape(source)}</b><br>{counted(len(self.plan.items), 'story', 'stories')}: "
            f"{', '.join(parts) or 'none'}. "
            "Nothing is written until you press Import, and the import is all or nothing. "
            "Your bank is backed up first."
        )
        summary.setWordWrap(True)
        summary.setObjectName("importSummary")
        return summary

    def _build_table(self) -> None:
        """One row per story of the plan; a conflict's row holds a choice box."""
        self.table = QTableWidget(len(self.plan.items), 3)
        self.table.setObjectName("importTable")
        self.table.setAccessibleName("Stories to import")
        self.table.setHorizontalHeaderLabels(["Story", "What happens", "Notes"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.choice_boxes: dict[str, QComboBox] = {}
        for row, item in enumerate(self.plan.items):
            self._fill_row(row, item)

    def _fill_row(self, row: int, item: ImportItem) -> None:
        title = QTableWidgetItem(item.story.title or "Untitled story")
        title.setFlags(title.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 0, title)
        if item.kind is ItemKind.CONFLICT:
            box = QComboBox()
            box.setAccessibleName(f"What to do with {item.story.title}")
            for choice, label in CHOICE_LABELS.items():
                box.addItem(f"Conflict: {label.lower()}", choice.value)
            self.table.setCellWidget(row, 1, box)
            self.choice_boxes[item.story.uuid or f"row-{row}"] = box
        else:
            kind = QTableWidgetItem(KIND_LABELS[item.kind])
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 1, kind)
        notes = "; ".join((*item.problems, item.note) if item.note else item.problems)
        note = QTableWidgetItem(notes)
        note.setToolTip(notes)
        note.setFlags(note.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 2, note)

    def _build_default_row(self) -> QHBoxLayout:
        """The choice applied to every conflict at once (laid out only if there is one)."""
        self.default_box = QComboBox()
        self.default_box.setObjectName("conflictDefault")
        self.default_box.setAccessibleName("For every conflict")
        for choice, label in CHOICE_LABELS.items():
            self.default_box.addItem(label, choice.value)
        self.default_box.currentIndexChanged.connect(self._apply_default)
        default_row = QHBoxLayout()
        default_row.addWidget(QLabel("For every conflict:"))
        default_row.addWidget(self.default_box)
        default_row.addStretch(1)
        return default_row

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    def _apply_default(self) -> None:
        value = self.default_box.currentData()
        for box in self.choice_boxes.values():
            box.setCurrentIndex(box.findData(value))

    def choices(self) -> dict[str, Choice]:
        return {uuid: Choice(box.currentData()) for uuid, box in self.choice_boxes.items()}
