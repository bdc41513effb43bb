"""Preferences ▸ Value packs: which packs are on, packs of one's own (new, edited,
deleted, exported and imported as TOML files), and each pack's values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
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
from storybank.core.packs import PackError
from storybank.core.records import PackInfo
from storybank.gui.errors import ask_yes, report_error
from storybank.gui.forms import dialog_buttons
from storybank.gui.theme import mark_secondary
from storybank.services.stories import StoryService

ID_ROLE = Qt.ItemDataRole.UserRole


class PackEditor(QDialog):
    """A pack of one's own: its name and what it is for."""

    def __init__(self, pack: PackInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Pack" if pack else "New Pack")
        self.setObjectName("packEditor")
        self.name = QLineEdit(pack.name if pack else "")
        self.name.setObjectName("packName")
        self.name.setAccessibleName("Pack name")
        self.name.setPlaceholderText("Acme values")
        self.description = QPlainTextEdit(pack.description if pack else "")
        self.description.setObjectName("packDescription")
        self.description.setAccessibleName("What the pack is for")
        self.description.setPlaceholderText("The values Acme hires for, from its careers page")
        self.description.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Description:", self.description)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(dialog_buttons(self, "Save"))
        self.resize(480, 260)

    def accept(self) -> None:
        if not self.name.text().strip():
            QMessageBox.warning(self, "Storybank", "A pack needs a name.")
            return
        super().accept()


class ValuePacksPage(QWidget):
    """Turn packs on and off; make, edit, delete, export and import packs of one's
    own; add, rename, reorder and hide values."""

    def __init__(self, service: StoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.packs_list = QListWidget()
        self.packs_list.setObjectName("packsList")
        self.packs_list.setAccessibleName("Value packs")
        self.values_list = QListWidget()
        self.values_list.setObjectName("valuesList")
        self.values_list.setAccessibleName("Values of the selected pack")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setOpenExternalLinks(True)
        mark_secondary(self.about)

        self.add_button = QPushButton("Add…")
        self.rename_button = QPushButton("Rename…")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        for button, name in (
            (self.add_button, "Add a value of your own to this pack"),
            (self.rename_button, "Rename the selected value"),
            (self.up_button, "Move the selected value up"),
            (self.down_button, "Move the selected value down"),
        ):
            button.setToolTip(name)
            button.setAccessibleName(name)
        self.add_button.clicked.connect(self._add)
        self.rename_button.clicked.connect(self._rename)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))

        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Packs</b> — tick the ones you are interviewing for"))
        left.addWidget(self.packs_list, 1)
        left.addLayout(self._pack_buttons())
        left.addWidget(self.about)
        buttons = QVBoxLayout()
        for button in (self.add_button, self.rename_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Values</b> — untick to hide a value"))
        row = QHBoxLayout()
        row.addWidget(self.values_list, 1)
        row.addLayout(buttons)
        right.addLayout(row, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)

        self.packs_list.currentRowChanged.connect(lambda _row: self._show_values())
        self.packs_list.itemChanged.connect(self._pack_toggled)
        self.values_list.itemChanged.connect(self._value_toggled)
        self._packs: list[PackInfo] = []
        self.reload()
        self.packs_list.setCurrentRow(0)

    def _pack_buttons(self) -> QGridLayout:
        """New, edit and delete a pack of one's own; import and export a pack file."""
        grid = QGridLayout()
        made = []
        for index, (text, name, slot) in enumerate(
            (
                ("New Pack…", "newPack", self._new_pack),
                ("Edit Pack…", "editPack", self._edit_pack),
                ("Delete Pack…", "deletePack", self._delete_pack),
                ("Import Pack…", "importPack", self._import_pack),
                ("Export Pack…", "exportPack", self._export_pack),
            )
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            grid.addWidget(button, index // 3, index % 3)
            made.append(button)
        self.new_pack_button, self.edit_pack_button, self.delete_pack_button = made[:3]
        self.import_pack_button, self.export_pack_button = made[3:]
        return grid

    def reload(self, keep_value: int | None = None, *, select_pack: int | None = None) -> None:
        current = self.packs_list.currentRow()
        self._packs = self.service.packs()
        self.packs_list.blockSignals(True)
        self.packs_list.clear()
        for pack in self._packs:
            item = QListWidgetItem(pack.name)
            item.setData(ID_ROLE, pack.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if pack.active else Qt.CheckState.Unchecked)
            item.setToolTip(f"{pack.description}\nSource: {pack.source}")
            self.packs_list.addItem(item)
            if pack.id == select_pack:
                current = self.packs_list.count() - 1
        self.packs_list.setCurrentRow(max(0, min(current, self.packs_list.count() - 1)))
        self.packs_list.blockSignals(False)
        self._show_values(keep_value)

    def _pack(self) -> PackInfo | None:
        row = self.packs_list.currentRow()
        return self._packs[row] if 0 <= row < len(self._packs) else None

    def _show_values(self, keep_value: int | None = None) -> None:
        pack = self._pack()
        self.values_list.blockSignals(True)
        self.values_list.clear()
        own = pack is not None and not pack.builtin
        for button in (self.edit_pack_button, self.delete_pack_button):
            button.setEnabled(own)
            button.setToolTip("" if own else "A built-in pack: untick it to turn it off")
        self.export_pack_button.setEnabled(pack is not None)
        if pack is not None:
            self.about.setText(about(pack))
            for value in pack.values:
                suffix = "" if value.builtin else "  (yours)"
                item = QListWidgetItem(value.name + suffix)
                item.setData(ID_ROLE, value.id)
                item.setToolTip(value.description)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                state = Qt.CheckState.Unchecked if value.hidden else Qt.CheckState.Checked
                item.setCheckState(state)
                self.values_list.addItem(item)
                if value.id == keep_value:
                    self.values_list.setCurrentItem(item)
        self.values_list.blockSignals(False)

    def _value_id(self) -> int | None:
        item = self.values_list.currentItem()
        return item.data(ID_ROLE) if item else None

    def _run(self, action: Callable[..., object], *args: object) -> bool:
        try:
            action(*args)
        except StorageError as exc:
            QMessageBox.warning(self, "Storybank", str(exc))
            return False
        return True

    def _pack_toggled(self, item: QListWidgetItem) -> None:
        active = item.checkState() == Qt.CheckState.Checked
        self._run(self.service.set_pack_active, item.data(ID_ROLE), active)
        self.reload()

    def _value_toggled(self, item: QListWidgetItem) -> None:
        hidden = item.checkState() != Qt.CheckState.Checked
        self._run(self.service.set_value_hidden, item.data(ID_ROLE), hidden)
        self.reload(item.data(ID_ROLE))

    def _add(self) -> None:
        pack = self._pack()
        if pack is None:
            return
        name, ok = QInputDialog.getText(self, "Add a value", f"New value for {pack.name}:")
        if ok and name.strip():
            try:
                value = self.service.add_value(pack.id, name)
            except StorageError as exc:
                QMessageBox.warning(self, "Storybank", str(exc))
                return
            self.reload(value.id)

    def _rename(self) -> None:
        item = self.values_list.currentItem()
        if item is None:
            return
        value_id = item.data(ID_ROLE)
        current = next(v.name for p in self._packs for v in p.values if v.id == value_id)
        name, ok = QInputDialog.getText(self, "Rename value", "New name:", text=current)
        if ok and name.strip() and self._run(self.service.rename_value, value_id, name):
            self.reload(value_id)

    def _move(self, delta: int) -> None:
        value_id = self._value_id()
        if value_id is not None and self._run(self.service.move_value, value_id, delta):
            self.reload(value_id)

    # --- packs of one's own -------------------------------------------------

    def _new_pack(self) -> None:
        editor = PackEditor(None, self)
        if editor.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            pack = self.service.create_pack(editor.name.text(), editor.description.toPlainText())
        except StorageError as exc:
            report_error(self, exc)
            return
        self.reload(select_pack=pack.id)
        self.add_button.setFocus()

    def _edit_pack(self) -> None:
        pack = self._pack()
        if pack is None or pack.builtin:
            return
        editor = PackEditor(pack, self)
        if editor.exec() == QDialog.DialogCode.Accepted and self._run(
            self.service.update_pack, pack.id, editor.name.text(),
            editor.description.toPlainText(),
        ):  # fmt: skip
            self.reload(select_pack=pack.id)

    def _delete_pack(self) -> None:
        """Delete a pack of one's own, after asking; the stories stay."""
        pack = self._pack()
        if pack is None or pack.builtin:
            return
        tagged = self.service.pack_story_count(pack.id)
        told = (
            f" {tagged} {'story is' if tagged == 1 else 'stories are'} tagged with its "
            "values: they stay, and their tags come back if you import the pack again."
            if tagged
            else ""
        )
        if ask_yes(self, "Delete Pack", f"Delete the pack “{pack.name}”?{told}"):
            self._run(self.service.remove_pack, pack.id)
            self.reload()

    def _export_pack(self) -> None:
        """The selected pack as a TOML file, in the format of the built-in packs."""
        pack = self._pack()
        if pack is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export Pack", str(Path.home() / f"{pack.key}.toml"), "Value packs (*.toml)"
        )
        if not chosen:
            return
        try:
            self.service.export_pack(pack.id, Path(chosen))
        except OSError as exc:
            report_error(self, exc.strerror or str(exc), "The pack was not saved:")
            return
        self.about.setText(f"Saved {pack.name} to {chosen}.")

    def _import_pack(self) -> None:
        """A pack file read in as one's own and turned on; a bad file says why."""
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import Pack", str(Path.home()), "Value packs (*.toml)"
        )
        if not chosen:
            return
        try:
            pack = self.service.import_pack(Path(chosen))
        except (PackError, StorageError) as exc:
            report_error(self, exc, "The pack was not imported:")
            return
        self.reload(select_pack=pack.id)


def about(pack: PackInfo) -> str:
    """What the page says of a pack: what it is for, its version, where it comes from."""
    from html import escape

    origin = "built-in" if pack.builtin else "your own"
    source = escape(pack.source)
    if pack.url:
        source += f' (<a href="{escape(pack.url)}">{escape(pack.url)}</a>)'
    checked = "" if pack.checked or not pack.note else f"<br>{escape(pack.note)}"
    published = f", published {escape(pack.published)}" if pack.published else ""
    return (
        f"{escape(pack.description)}<br><i>Version {pack.version} ({escape(pack.date)}), "
        f"{origin}{published}. Source: {source}{checked}</i>"
    )
