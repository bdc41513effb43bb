"""Choosing what a story sheet holds: which stories, the layout, the paper, and
whether confidential details are redacted."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from storybank.core.sheet import Layout
from storybank.gui.print import PAGE_SIZES, default_page_size

LAYOUT_LABELS = {
    Layout.CHEAT: "Cheat sheet — compact cards, six to a page",
    Layout.FULL: "Full stories — every section, one story per page",
    Layout.MATRIX: "Value matrix — stories × values with the gaps",
}


class SheetDialog(QDialog):
    """Options for printing, previewing or exporting a sheet; remembered."""

    SCOPES = ("current", "list", "all")

    def __init__(
        self,
        settings: QSettings,
        *,
        action: str,
        has_current: bool,
        list_count: int,
        all_count: int,
        confidential: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(f"{action} story sheet")
        self.setObjectName("sheetDialog")
        scope_box = self._build_scopes(has_current, list_count, all_count)
        self._build_choices()
        self._build_redact(confidential)
        self._restore(settings, has_current)
        self._lay_out(scope_box, action)

    def _build_scopes(self, has_current: bool, list_count: int, all_count: int) -> QVBoxLayout:
        """One radio button per scope, in one group; the current story's only if there is one."""
        self.scope_group = QButtonGroup(self)
        scope_box = QVBoxLayout()
        labels = {
            "current": "The story being edited",
            "list": f"The stories in the list ({list_count})",
            "all": f"All active stories ({all_count})",
        }
        for scope in self.SCOPES:
            button = QRadioButton(labels[scope])
            button.setObjectName(f"scope-{scope}")
            button.setEnabled(scope != "current" or has_current)
            self.scope_group.addButton(button)
            button.setProperty("scope", scope)
            scope_box.addWidget(button)
        return scope_box

    def _build_choices(self) -> None:
        """The layout and paper size boxes."""
        self.layout_box = QComboBox()
        self.layout_box.setObjectName("sheetLayout")
        self.layout_box.setAccessibleName("Layout")
        for kind, label in LAYOUT_LABELS.items():
            self.layout_box.addItem(label, kind.value)
        self.page_box = QComboBox()
        self.page_box.setObjectName("pageSize")
        self.page_box.setAccessibleName("Paper size")
        for name in PAGE_SIZES:
            self.page_box.addItem(name, name)

    def _build_redact(self, confidential: int) -> None:
        """Redact confidential details: only when some are listed in Preferences."""
        label = "Redact confidential details (each replaced by its alias)"
        if not confidential:
            label = "Redact confidential details (none listed: Preferences ▸ Confidential)"
        self.redact_box = QCheckBox(label)
        self.redact_box.setObjectName("sheetRedact")
        self.redact_box.setEnabled(confidential > 0)

    def _restore(self, settings: QSettings, has_current: bool) -> None:
        """Select the choices remembered from last time (the list, if there is no current story)."""
        scope = str(settings.value("sheet/scope", "list"))
        if scope == "current" and not has_current:
            scope = "list"
        for choice in self.scope_group.buttons():
            choice.setChecked(choice.property("scope") == scope)
        self.layout_box.setCurrentIndex(
            max(0, self.layout_box.findData(settings.value("sheet/layout", Layout.CHEAT.value)))
        )
        self.page_box.setCurrentIndex(
            max(0, self.page_box.findData(settings.value("sheet/page_size", default_page_size())))
        )
        remembered = settings.value("sheet/redact", False, type=bool) is True
        self.redact_box.setChecked(remembered and self.redact_box.isEnabled())

    def _lay_out(self, scope_box: QVBoxLayout, action: str) -> None:
        """The form, then the buttons; OK is named after the action."""
        form = QFormLayout()
        form.addRow("Stories:", scope_box)
        form.addRow("Layout:", self.layout_box)
        form.addRow("Paper:", self.page_box)
        form.addRow("", self.redact_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(action)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(buttons)

    def scope(self) -> str:
        checked = self.scope_group.checkedButton()
        return str(checked.property("scope")) if checked else "list"

    def layout_choice(self) -> Layout:
        return Layout(self.layout_box.currentData())

    def page_size(self) -> str:
        return str(self.page_box.currentData())

    def redact(self) -> bool:
        """Whether the sheet is to be redacted."""
        return self.redact_box.isEnabled() and self.redact_box.isChecked()

    def accept(self) -> None:
        self.settings.setValue("sheet/scope", self.scope())
        self.settings.setValue("sheet/layout", self.layout_choice().value)
        self.settings.setValue("sheet/page_size", self.page_size())
        if self.redact_box.isEnabled():
            self.settings.setValue("sheet/redact", self.redact())
        super().accept()
