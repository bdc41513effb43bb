"""The main window's actions, menus, mode bar and toolbar (and the Help menu's boxes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from storybank import __version__

if TYPE_CHECKING:
    from storybank.gui.main_window import MainWindow

#: The toolbar's buttons in each mode (attribute names of MainMenu's actions).
TOOLBAR = {
    "stories": ("new_action", "duplicate_action", "trash_action", "preview_action"),
    "coverage": ("new_action",),
    "practice": ("prompts_action",),
    "progress": (),
    "applications": (),
}
#: The object names of every action the toolbar may show.
TOOLBAR_ACTIONS = {"actionNew", "actionDuplicate", "actionTrash", "actionPreview", "actionPrompts"}


class MainMenu:
    """Builds every action of the main window with its shortcut, the menus, the
    mode bar and a toolbar that shows what applies to the mode on screen.

    The actions belong to the window (so their shortcuts work in every mode);
    what they do lives in the window, its story commands and its file operations.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._build_mode_bar()
        self._build_file_actions()
        self._build_transfer_actions()
        self._build_edit_actions()
        self._build_menus()
        self._build_toolbar()

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        name: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or text.replace("&", "").replace("…", ""))
        action.setObjectName(name)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _build_file_actions(self) -> None:
        std = QKeySequence.StandardKey
        commands, files = self.window.commands, self.window.file_ops
        self.new_action = self._action(
            "&New Story", commands.new_story, std.New, "Create a new story", "actionNew"
        )
        self.save_action = self._action(
            "&Save Now", commands.save_now, std.Save, "Stories save by themselves; this saves now",
            "actionSave",
        )  # fmt: skip
        self.duplicate_action = self._action(
            "D&uplicate Story",
            commands.duplicate_story,
            "Ctrl+D",
            "Copy this story",
            "actionDuplicate",
        )
        self.print_action = self._action(
            "&Print…", lambda: files.print_sheet("print"), std.Print,
            "Print a story sheet", "actionPrint",
        )  # fmt: skip
        self.preview_sheet_action = self._action(
            "Print Pre&view…", lambda: files.print_sheet("preview"), "Ctrl+Shift+P",
            "See a story sheet before printing it", "actionPrintPreview",
        )  # fmt: skip
        self.pdf_action = self._action(
            "&Export PDF…", lambda: files.print_sheet("pdf"), None,
            "Save a story sheet as a PDF file", "actionExportPdf",
        )  # fmt: skip

    def _build_transfer_actions(self) -> None:
        std = QKeySequence.StandardKey
        files = self.window.file_ops
        self.export_md_action = self._action(
            "Export Stories as &Markdown…", lambda: files.export_data("md"), None,
            "Write one Markdown file per story into a folder", "actionExportMarkdown",
        )  # fmt: skip
        self.export_json_action = self._action(
            "Export Everything as &JSON…", lambda: files.export_data("json"), None,
            "Stories, values, prompts and practice history in one file", "actionExportJson",
        )  # fmt: skip
        self.import_file_action = self._action(
            "&Import File…", lambda: files.import_data(folder=False), None,
            "Import a JSON export or a Markdown story file", "actionImportFile",
        )  # fmt: skip
        self.import_folder_action = self._action(
            "Import Markdown &Folder…", lambda: files.import_data(folder=True), None,
            "Import every Markdown story in a folder", "actionImportFolder",
        )  # fmt: skip
        self.backup_action = self._action(
            "&Back Up Now", files.back_up_now, None,
            "Make a verified copy of your story bank now", "actionBackup",
        )  # fmt: skip
        self.restore_backup_action = self._action(
            "&Restore from Backup…", files.restore_from_backup, None,
            "Go back to an earlier backup of your story bank", "actionRestoreBackup",
        )  # fmt: skip
        preferences_key = QKeySequence(std.Preferences)
        if preferences_key.isEmpty():
            preferences_key = QKeySequence("Ctrl+,")
        self.preferences_action = self._action(
            "&Preferences…", self.window.open_preferences, preferences_key,
            "Coach, practice, appearance, backups and value packs", "actionPreferences",
        )  # fmt: skip
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action(
            "&Quit", self.window.close, std.Quit, "Save and quit Storybank", "actionQuit"
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

    def _build_edit_actions(self) -> None:
        std = QKeySequence.StandardKey
        commands = self.window.commands
        self.undo_action = self._action(
            "&Undo", lambda: self._edit_call("undo"), std.Undo, "Undo typing", "actionUndo"
        )
        self.redo_action = self._action(
            "&Redo", lambda: self._edit_call("redo"), std.Redo, "Redo typing", "actionRedo"
        )
        self.find_action = self._action(
            "&Find…", self.window.focus_search, std.Find, "Search your stories", "actionFind"
        )
        self.archive_action = self._action(
            "&Archive Story", commands.toggle_archive, None,
            "Hide this story from the list without deleting it", "actionArchive",
        )  # fmt: skip
        self.trash_action = self._action(
            "Move to &Trash", commands.trash_story, std.Delete,
            "Move this story to the Trash (it can be restored)", "actionTrash",
        )  # fmt: skip
        self.restore_action = self._action(
            "&Restore from Trash", commands.restore_story, None,
            "Bring this story back from the Trash", "actionRestore",
        )  # fmt: skip
        self.purge_action = self._action(
            "&Delete Forever…", commands.purge_story, None,
            "Delete this story for good", "actionPurge",
        )  # fmt: skip
        self.preview_action = self._action(
            "Toggle &Preview", self.window.editor.toggle_preview, "Ctrl+E",
            "Switch between writing and the rendered story", "actionPreview",
        )  # fmt: skip
        self.drill_action = self._action(
            "&Drill This Story", commands.drill_story, "Ctrl+Shift+D",
            "Rehearse this story against the prompts it answers best", "actionDrill",
        )  # fmt: skip
        self.prompts_action = self._action(
            "&Prompts…", self.window.open_prompts, None,
            "Add, edit and hide interview prompts", "actionPrompts",
        )  # fmt: skip
        self.shortcuts_action = self._action(
            "&Keyboard Shortcuts", self.show_shortcuts, "F1",
            "Every keyboard shortcut, in one list", "actionShortcuts",
        )  # fmt: skip
        self.guide_action = self._action(
            "&Getting Started", self.show_guide, None,
            "A short guide: write, tag, find the gaps, rehearse", "actionGuide",
        )  # fmt: skip
        self.about_action = self._action(
            "&About Storybank", self.show_about, None, "Version and licence", "actionAbout"
        )
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        menu = self.window.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.new_action, self.duplicate_action, self.save_action])
        file_menu.addSeparator()
        file_menu.addActions([self.print_action, self.preview_sheet_action, self.pdf_action])
        file_menu.addSeparator()
        file_menu.addActions(
            [self.import_file_action, self.import_folder_action, self.export_md_action,
             self.export_json_action]
        )  # fmt: skip
        file_menu.addSeparator()
        file_menu.addActions([self.backup_action, self.restore_backup_action])
        file_menu.addSeparator()
        file_menu.addAction(self.preferences_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addActions(
            [self.archive_action, self.trash_action, self.restore_action, self.purge_action]
        )
        view_menu = menu.addMenu("&View")
        view_menu.addActions(list(self.mode_actions.values()))
        view_menu.addSeparator()
        view_menu.addAction(self.preview_action)
        practice_menu = menu.addMenu("&Practice")
        practice_menu.addAction(self.mode_actions["practice"])
        practice_menu.addAction(self.mode_actions["progress"])
        practice_menu.addSeparator()
        practice_menu.addAction(self.drill_action)
        practice_menu.addAction(self.prompts_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        self.window.list_panel.view.addActions(
            [self.duplicate_action, self.archive_action, self.trash_action, self.restore_action,
             self.purge_action]
        )  # fmt: skip
        self.update_actions()

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._spacer = toolbar.addWidget(spacer)
        toolbar.addWidget(self.window.list_panel.search)
        self.window.addToolBar(toolbar)
        self.toolbar = toolbar
        self._toolbar_mode = ""
        self.show_mode("stories")

    def show_mode(self, mode: str) -> None:
        """Check the mode's button and show only the toolbar buttons that apply to it."""
        self.mode_actions[mode].setChecked(True)
        if mode == self._toolbar_mode:
            return
        self._toolbar_mode = mode
        # Off the toolbar only: each action stays in its menu, with its shortcut.
        for action in self.toolbar.actions():
            if action is not self._spacer and action.objectName() in TOOLBAR_ACTIONS:
                self.toolbar.removeAction(action)
        for name in TOOLBAR[mode]:
            self.toolbar.insertAction(self._spacer, getattr(self, name))

    def _build_mode_bar(self) -> None:
        bar = QToolBar("Modes")
        bar.setObjectName("modeBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self.window)
        group.setExclusive(True)
        self.mode_actions: dict[str, QAction] = {}
        for number, (key, text, tip) in enumerate(
            (
                ("stories", "Stories", "Write and tag your stories"),
                ("coverage", "Coverage", "Which values and themes your stories cover"),
                ("practice", "Practice", "Answer interview prompts out loud, on a timer"),
                ("progress", "Progress", "Your practice history and readiness per value"),
                (
                    "applications",
                    "Applications",
                    "Your interview loops: each company's rounds, the stories told, pitches",
                ),
            ),
            start=1,
        ):
            action = self._action(
                text,
                lambda _=False, k=key: self.window.set_mode(k),
                f"Ctrl+{number}",
                tip,
                f"mode-{key}",
            )
            action.setCheckable(True)
            group.addAction(action)
            bar.addAction(action)
            self.mode_actions[key] = action
        self.mode_actions["stories"].setChecked(True)
        self.window.addToolBar(Qt.ToolBarArea.LeftToolBarArea, bar)
        self.mode_bar = bar

    def _edit_call(self, method: str) -> None:
        """Undo or redo in the focused text field, else in the nearest view that offers
        it (Practice undoes a skip)."""
        widget: QWidget | None = QApplication.focusWidget()
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            getattr(widget, method)()
            return
        while widget is not None:
            action = getattr(widget, f"edit_{method}", None)
            if callable(action):
                action()
                return
            widget = widget.parentWidget()

    def update_actions(self) -> None:
        """Enable what applies to the story on screen."""
        record = self.window.current.record
        has = record is not None
        deleted = bool(record and record.deleted)
        self.duplicate_action.setEnabled(has and not deleted)
        self.archive_action.setEnabled(has and not deleted)
        self.archive_action.setText(
            "Un&archive Story" if record and record.archived else "&Archive Story"
        )
        self.trash_action.setEnabled(has and not deleted)
        self.restore_action.setEnabled(deleted)
        self.purge_action.setEnabled(deleted)
        self.preview_action.setEnabled(has)
        self.drill_action.setEnabled(has and not deleted)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every action with a shortcut, plus Practice keys."""
        rows = [
            (action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
             action.text().replace("&", "").rstrip("…"))
            for action in self.window.actions()
            if not action.shortcut().isEmpty()
        ]  # fmt: skip
        rows += [
            ("Space", "Practice: start, skip the preparation, stop"),
            ("1 – 4", "Practice: rate Again, Hard, Good, Easy"),
            ("Alt+T", "Practice: type a note (Enter keeps it, Esc leaves the field)"),
            (
                "Alt+R",
                "Practice: rate yourself on the rubric (in a row: 1–5 or arrows, "
                "0 clears, Up and Down change row, Esc leaves)",
            ),
            ("U", "Practice: the selected story is the one told"),
            ("Ctrl+Z", "Practice: bring back the prompt just skipped"),
            ("N / S / P", "Practice: next, skip, pause"),
            ("Esc", "Practice: end the session"),
        ]
        return rows

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
            for keys, what in self.shortcut_rows()
        )
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self.window)
        box.setWindowTitle("Keyboard shortcuts")
        box.setObjectName("shortcutsDialog")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table>{rows}</table>")
        box.exec()

    def show_guide(self) -> None:
        from storybank.gui.welcome import open_guide

        open_guide(self.window)

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self.window,
            "About Storybank",
            f"<h3>Storybank {__version__}</h3><p>A local-first coach for behavioral "
            "interviews: write your stories in STAR form, tag them against a company's "
            "values, and rehearse them.</p><p>Your stories never leave this computer.</p>"
            f"<p>Data folder: {self.window.service.data_dir}</p>",
        )
