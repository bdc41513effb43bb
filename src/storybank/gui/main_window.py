"""The main window: story list, editor and values panel, menus and status bar."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from storybank import __version__
from storybank.core.database import StorageError
from storybank.gui.coach_panel import CoachPanel
from storybank.gui.current_story import CurrentStory
from storybank.gui.errors import report_error
from storybank.gui.settings import Preferences, app_settings
from storybank.gui.story_editor import StoryEditor
from storybank.gui.story_list import StoryListPanel, relative_time
from storybank.gui.values_panel import ValuesPanel
from storybank.services.stories import StoryService

if TYPE_CHECKING:
    # Annotations only: PySide6 builds a Qt class's Python type on first use,
    # which start-up need not pay for.
    from PySide6.QtGui import QCloseEvent

    from storybank.core.sheet import Layout
    from storybank.gui.coverage import CoverageView
    from storybank.gui.practice.progress import ProgressView
    from storybank.gui.practice.view import PracticeView
    from storybank.services.practice import PracticeService

SEARCH_DELAY_MS = 120

WELCOME = """
<h2>Your story bank is empty</h2>
<p>Interviewers ask for stories: <i>“Tell me about a time you received negative
feedback.”</i> Write each story once, in STAR form, and Storybank helps you tag it
against the company's values and rehearse it.</p>
<ul>
<li><b>Situation</b> — where and when; the stakes.</li>
<li><b>Task</b> — what was yours to do.</li>
<li><b>Action</b> — what <i>you</i> did, step by step. The longest part.</li>
<li><b>Result</b> — what changed, with a number.</li>
<li><b>Reflection</b> — what you learned, what you would do differently.</li>
</ul>
<p>Everything is saved as you type, on this computer only.</p>
"""


def _page(html: str, *buttons: QPushButton) -> QWidget:
    page = QWidget()
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setMaximumWidth(560)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(label, 100)
    row.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addLayout(row)
    for button in buttons:
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    return page


class MainWindow(QMainWindow):
    """Storybank's one main window."""

    def __init__(self, service: StoryService) -> None:
        super().__init__()
        self.service = service
        self.settings = app_settings()
        self.setObjectName("mainWindow")
        title = "Storybank"
        if service.demo:
            title += " — demo bank (discarded when you quit)"
        self.setWindowTitle(title)
        self.setMinimumSize(900, 560)

        # Containers first, then what goes in them: each panel is parented once,
        # instead of its whole tree being re-parented at every level (start-up).
        self.modes = QStackedWidget()
        self.modes.setObjectName("modes")
        self.setCentralWidget(self.modes)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.modes.addWidget(self.splitter)
        self.coverage_view: CoverageView | None = None
        self.practice_view: PracticeView | None = None
        self.progress_view: ProgressView | None = None
        self._practice_service: PracticeService | None = None

        self.list_panel = StoryListPanel()
        self.splitter.addWidget(self.list_panel)
        self.center = QStackedWidget()
        self.splitter.addWidget(self.center)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.setObjectName("sideSplitter")
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)

        # The empty-bank and no-selection pages are made when first shown.
        self._welcome_page: QWidget | None = None
        self._pick_page: QWidget | None = None
        self.editor = StoryEditor(service)
        self.center.addWidget(self.editor)

        self.values_panel = ValuesPanel(service)
        self.side.addWidget(self.values_panel)
        self.coach_panel = CoachPanel(
            service,
            fields=self.editor.fields,
            values=lambda: self.values_panel.record.values if self.values_panel.record else {},
        )
        self.coach_panel.setObjectName("coachPanel")
        self.side.addWidget(self.coach_panel)
        self.side.setChildrenCollapsible(False)
        self.current = CurrentStory(self.editor, self.values_panel, self.coach_panel)
        self.side.setSizes([420, 340])
        self.splitter.setSizes([300, 620, 320])

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search stories")
        self.search.setPlaceholderText("Search stories (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload_list)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.textEdited.connect(lambda _text: self.set_mode("stories"))

        self.save_label = QLabel()
        self.save_label.setObjectName("saveState")
        self.count_label = QLabel()
        self.count_label.setObjectName("bankCount")
        folder = str(service.data_dir) if not service.demo else "demo bank (temporary)"
        self.folder_label = QLabel(folder)
        self.folder_label.setObjectName("dataFolder")
        self.folder_label.setToolTip(f"Data folder: {service.data_dir}")
        self.undo_trash_button = QToolButton()
        self.undo_trash_button.setText("Undo")
        self.undo_trash_button.setObjectName("undoTrash")
        self.undo_trash_button.setToolTip("Bring the story back from the Trash")
        self.undo_trash_button.hide()
        self.undo_trash_button.clicked.connect(self.undo_trash)
        self._undo_trash_id: int | None = None
        status = self.statusBar()
        status.addWidget(self.save_label)
        status.addWidget(self.undo_trash_button)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(QLabel("·"))
        status.addPermanentWidget(self.folder_label)
        self._save_state = "saved"
        self._clock = QTimer(self)
        self._clock.setInterval(5000)
        self._clock.timeout.connect(self._show_save_state)
        self._clock.start()

        self._build_mode_bar()
        self._build_actions()
        self._build_toolbar()
        self.list_panel.selection_changed.connect(self._on_selection_changed)
        self.list_panel.filters_changed.connect(self._on_filters_changed)
        self.editor.save_state_changed.connect(self._on_save_state)
        self.editor.content_changed.connect(self.coach_panel.schedule)
        self.coach_panel.select_span.connect(self.editor.select_span)
        self.values_panel.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        service.stories_changed.connect(self.reload_list)
        service.story_changed.connect(self._on_story_changed)
        service.coach_figures_changed.connect(self.reload_list)
        service.values_changed.connect(self._refresh_filters)
        service.tags_changed.connect(self._refresh_filters)
        # Another program (the command line) may write the same bank: show what
        # it wrote, and never let an autosave overwrite it unseen.
        service.changed_elsewhere.connect(self._on_changed_elsewhere)
        self.editor.kept_as_copy.connect(self._on_kept_as_copy)
        self.editor.open_requested.connect(self.show_story)
        service.watch_for_changes()

        self._refresh_filters()
        self.service.coach_settings = Preferences.load(self.settings).coach_settings()
        self._restore_settings()
        self.reload_list()
        self._open_last_story()
        # Fill in missing or outdated coach figures in the background once the
        # window is up, so the list can show every story's score and time.
        service.coach_figures_filled.connect(self.list_panel.model.refresh_rows)
        QTimer.singleShot(50, service.start_coach_backfill)
        #: Set when the user chose to recover a damaged bank; run_gui acts on it.
        self.recovery: str | None = None
        self._integrity_timer = QTimer(self, interval=100)
        self._integrity_timer.timeout.connect(self._check_integrity)
        self._integrity_timer.start()
        self._show_save_state()

    # --- actions ----------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or text.replace("&", "").replace("…", ""))
        action.setObjectName(name)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.new_action = self._action(
            "&New Story", self.new_story, std.New, "Create a new story", "actionNew"
        )
        self.save_action = self._action(
            "&Save Now", self.save_now, std.Save, "Stories save by themselves; this saves now",
            "actionSave",
        )  # fmt: skip
        self.duplicate_action = self._action(
            "D&uplicate Story", self.duplicate_story, "Ctrl+D", "Copy this story", "actionDuplicate"
        )
        preferences_key = QKeySequence(std.Preferences)
        if preferences_key.isEmpty():
            preferences_key = QKeySequence("Ctrl+,")
        self.print_action = self._action(
            "&Print…", lambda: self.print_sheet("print"), std.Print,
            "Print a story sheet", "actionPrint",
        )  # fmt: skip
        self.preview_sheet_action = self._action(
            "Print Pre&view…", lambda: self.print_sheet("preview"), "Ctrl+Shift+P",
            "See a story sheet before printing it", "actionPrintPreview",
        )  # fmt: skip
        self.pdf_action = self._action(
            "&Export PDF…", lambda: self.print_sheet("pdf"), None,
            "Save a story sheet as a PDF file", "actionExportPdf",
        )  # fmt: skip
        self.export_md_action = self._action(
            "Export Stories as &Markdown…", lambda: self.export_data("md"), None,
            "Write one Markdown file per story into a folder", "actionExportMarkdown",
        )  # fmt: skip
        self.export_json_action = self._action(
            "Export Everything as &JSON…", lambda: self.export_data("json"), None,
            "Stories, values, prompts and practice history in one file", "actionExportJson",
        )  # fmt: skip
        self.import_file_action = self._action(
            "&Import File…", lambda: self.import_data(folder=False), None,
            "Import a JSON export or a Markdown story file", "actionImportFile",
        )  # fmt: skip
        self.import_folder_action = self._action(
            "Import Markdown &Folder…", lambda: self.import_data(folder=True), None,
            "Import every Markdown story in a folder", "actionImportFolder",
        )  # fmt: skip
        self.backup_action = self._action(
            "&Back Up Now", self.back_up_now, None,
            "Make a verified copy of your story bank now", "actionBackup",
        )  # fmt: skip
        self.restore_backup_action = self._action(
            "&Restore from Backup…", self.restore_from_backup, None,
            "Go back to an earlier backup of your story bank", "actionRestoreBackup",
        )  # fmt: skip
        self.preferences_action = self._action(
            "&Preferences…", self.open_preferences, preferences_key,
            "Coach, practice, appearance, backups and value packs", "actionPreferences",
        )  # fmt: skip
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action(
            "&Quit", self.close, std.Quit, "Save and quit Storybank", "actionQuit"
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.undo_action = self._action(
            "&Undo", lambda: self._edit_call("undo"), std.Undo, "Undo typing", "actionUndo"
        )
        self.redo_action = self._action(
            "&Redo", lambda: self._edit_call("redo"), std.Redo, "Redo typing", "actionRedo"
        )
        self.find_action = self._action(
            "&Find…", self.focus_search, std.Find, "Search your stories", "actionFind"
        )
        self.archive_action = self._action(
            "&Archive Story", self.toggle_archive, None,
            "Hide this story from the list without deleting it", "actionArchive",
        )  # fmt: skip
        self.trash_action = self._action(
            "Move to &Trash", self.trash_story, std.Delete,
            "Move this story to the Trash (it can be restored)", "actionTrash",
        )  # fmt: skip
        self.restore_action = self._action(
            "&Restore from Trash", self.restore_story, None,
            "Bring this story back from the Trash", "actionRestore",
        )  # fmt: skip
        self.purge_action = self._action(
            "&Delete Forever…", self.purge_story, None,
            "Delete this story for good", "actionPurge",
        )  # fmt: skip
        self.preview_action = self._action(
            "Toggle &Preview", self.editor.toggle_preview, "Ctrl+E",
            "Switch between writing and the rendered story", "actionPreview",
        )  # fmt: skip
        self.prompts_action = self._action(
            "&Prompts…", self.open_prompts, None,
            "Add, edit and hide interview prompts", "actionPrompts",
        )  # fmt: skip
        self.shortcuts_action = self._action(
            "&Keyboard Shortcuts", self.show_shortcuts, "F1",
            "Every keyboard shortcut, in one list", "actionShortcuts",
        )  # fmt: skip
        self.about_action = self._action(
            "&About Storybank", self.show_about, None, "Version and licence", "actionAbout"
        )
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        menu = self.menuBar()
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
        view_menu.addAction(self.preview_action)
        practice_menu = menu.addMenu("&Practice")
        practice_menu.addAction(self.mode_actions["practice"])
        practice_menu.addAction(self.mode_actions["progress"])
        practice_menu.addSeparator()
        practice_menu.addAction(self.prompts_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        self.list_panel.view.addActions(
            [self.duplicate_action, self.archive_action, self.trash_action, self.restore_action,
             self.purge_action]
        )  # fmt: skip
        self._update_actions()

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.duplicate_action)
        toolbar.addAction(self.preview_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_mode_bar(self) -> None:
        bar = QToolBar("Modes")
        bar.setObjectName("modeBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        group = QActionGroup(self)
        group.setExclusive(True)
        self.mode_actions: dict[str, QAction] = {}
        for number, (key, text, tip) in enumerate(
            (
                ("stories", "Stories", "Write and tag your stories"),
                ("coverage", "Coverage", "Which values and themes your stories cover"),
                ("practice", "Practice", "Answer interview prompts out loud, on a timer"),
                ("progress", "Progress", "Your practice history and readiness per value"),
            ),
            start=1,
        ):
            action = self._action(
                text, lambda _=False, k=key: self.set_mode(k), f"Ctrl+{number}", tip, f"mode-{key}"
            )
            action.setCheckable(True)
            group.addAction(action)
            bar.addAction(action)
            self.mode_actions[key] = action
        self.mode_actions["stories"].setChecked(True)
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, bar)
        self.mode_bar = bar

    def practice_service(self) -> PracticeService:
        """The practice service, made on first use (it loads the prompt bank)."""
        if self._practice_service is None:
            from storybank.services.practice import PracticeService

            self._practice_service = PracticeService(self.service)
        return self._practice_service

    def set_mode(self, mode: str) -> None:
        """Show one of the modes: "stories", "coverage", "practice" or "progress"."""
        if mode != "stories" and not self.current.flush():
            self.mode_actions["stories"].setChecked(True)
            return
        if mode == "practice":
            if self.practice_view is None:
                from storybank.gui.practice.view import PracticeView

                self.practice_view = PracticeView(self.practice_service())
                self.practice_view.setObjectName("practiceView")
                prefs = Preferences.load(self.settings)
                self.practice_view.chooser.prep.setValue(prefs.practice_prep)
                self.practice_view.chooser.target.setValue(prefs.practice_target)
                self.practice_view.open_story.connect(self.show_story)
                self.practice_view.chooser.manage_requested.connect(self.open_prompts)
                self.modes.addWidget(self.practice_view)
            self.modes.setCurrentWidget(self.practice_view)
            if self.practice_view.pages.currentWidget() is self.practice_view.chooser:
                self.practice_view.show_chooser()
        elif mode == "progress":
            if self.progress_view is None:
                from storybank.gui.practice.progress import ProgressView

                self.progress_view = ProgressView(self.practice_service())
                self.progress_view.setObjectName("progressView")
                self.modes.addWidget(self.progress_view)
            if self.practice_view is not None:
                self.progress_view.times.set_target(self.practice_view.settings.target_seconds)
            self.modes.setCurrentWidget(self.progress_view)
        elif mode == "coverage":
            if self.coverage_view is None:
                from storybank.core.prompts import builtin_prompt_bank
                from storybank.gui.coverage import CoverageView

                self.coverage_view = CoverageView(self.service, builtin_prompt_bank().themes)
                self.coverage_view.setObjectName("coverageView")
                self.coverage_view.open_story.connect(self.show_story)
                self.modes.addWidget(self.coverage_view)
            self.modes.setCurrentWidget(self.coverage_view)
        else:
            self.modes.setCurrentWidget(self.splitter)
        self.mode_actions[mode].setChecked(True)

    def show_story(self, story_id: int) -> None:
        """Switch to the Stories mode with ``story_id`` selected (filters cleared)."""
        self.set_mode("stories")
        self._clear_filters()
        self.reload_list(story_id)

    def _clear_filters(self) -> None:
        self.list_panel.show_box.setCurrentIndex(0)
        self.list_panel.value_filter.setCurrentIndex(0)
        self.list_panel.tag_filter.setCurrentIndex(0)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def _edit_call(self, method: str) -> None:
        widget = QApplication.focusWidget()
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            getattr(widget, method)()

    def _update_actions(self) -> None:
        record = self.current.record
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

    # --- list -------------------------------------------------------------

    def _refresh_filters(self) -> None:
        self.list_panel.set_value_choices([(v.id, v.name) for v in self.service.active_values()])
        self.list_panel.set_tag_choices(self.service.tag_names())

    def _on_filters_changed(self) -> None:
        self.settings.setValue("list/sort", self.list_panel.sort())
        self.reload_list()

    def reload_list(self, select_id: int | None = None) -> None:
        """Re-query the list; keep (or move to) the selected story."""
        self._search_timer.stop()
        query = self.search.text()
        show = self.list_panel.show_key()
        filtered = bool(query.strip() or self.list_panel.value_id() or self.list_panel.tag())
        unreadable = ""
        try:
            ids = self.service.story_ids(
                query,
                value_id=self.list_panel.value_id(),
                tag=self.list_panel.tag(),
                sort=self.list_panel.sort(),
                show=show,
            )
        except StorageError as exc:  # a damaged bank: say so in the list, not in a box
            ids, unreadable = [], f"The story list cannot be read.\n{exc}"
        try:
            total = self.service.count_stories()
        except StorageError:
            total = len(ids) if ids and show == "active" and not filtered else -1
        if unreadable:
            empty = unreadable
        elif filtered:
            empty = "No stories match. Clear the search or the filters to see them all."
        elif show == "trash":
            empty = "The Trash is empty."
        elif show == "archived":
            empty = "No archived stories."
        else:
            empty = "No stories yet.\nPress Ctrl+N to write one."
        keep = select_id if select_id is not None else self.current.story_id
        self.list_panel.set_ids(ids, self.service.story_rows, keep, empty)
        noun = "story" if total == 1 else "stories"
        self.count_label.setText(f"{total} {noun}" if total >= 0 else "stories cannot be counted")
        self._total = total
        if select_id is not None:
            self._open_story(select_id)
        self._update_center()

    @property
    def welcome_page(self) -> QWidget:
        """What the center shows while the bank is empty."""
        if self._welcome_page is None:
            welcome_new = QPushButton("Write your first story  (Ctrl+N)")
            welcome_new.setObjectName("welcomeNewButton")
            welcome_new.clicked.connect(self.new_story)
            welcome_demo = QPushButton("Explore the demo bank in a new window")
            welcome_demo.setObjectName("welcomeDemoButton")
            welcome_demo.setToolTip("Opens example stories in a separate, throwaway bank")
            welcome_demo.clicked.connect(self.open_demo)
            self._welcome_page = _page(WELCOME, welcome_new, welcome_demo)
            self._welcome_page.setObjectName("welcomePage")
            self.center.addWidget(self._welcome_page)
        return self._welcome_page

    @property
    def pick_page(self) -> QWidget:
        """What the center shows while no story is selected."""
        if self._pick_page is None:
            self._pick_page = _page(
                "<h3>No story selected</h3><p>Pick a story on the left, or press "
                "<b>Ctrl+N</b> to write a new one.</p>"
            )
            self._pick_page.setObjectName("pickPage")
            self.center.addWidget(self._pick_page)
        return self._pick_page

    def _update_center(self) -> None:
        if self.current.record is not None:
            self.center.setCurrentWidget(self.editor)
        elif self._total == 0 and self.list_panel.show_key() == "active":
            self.center.setCurrentWidget(self.welcome_page)
        else:
            self.center.setCurrentWidget(self.pick_page)
        self._update_actions()

    def _check_integrity(self) -> None:
        """Show the verdict of the background integrity check once it is in."""
        if not self.service.integrity_checked():
            return
        self._integrity_timer.stop()
        damage = self.service.damage()
        if damage is None:
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "The story bank is damaged",
            "Storybank found damage in your story bank, so it will not write "
            "anything more into it.",
            parent=self,
        )
        box.setInformativeText(
            "Recover now: Storybank moves the damaged file aside, unchanged, and "
            "offers to restore your newest good backup.\n\n"
            "Later: the window stays open so that you can copy any text you need; "
            "Storybank asks again at the next start."
        )
        box.setDetailedText(damage)
        recover = box.addButton("Recover Now", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(recover)
        box.exec()
        if box.clickedButton() is recover:
            self._recover_now(damage)
        if self.recovery is None:
            self._show_damage(damage)

    def _recover_now(self, damage: str) -> None:
        """Close, so that run_gui moves the damaged file aside and offers a backup."""
        self.recovery = damage
        if not self.close():
            self.recovery = None  # the user kept the window for unsaved text

    def _show_damage(self, damage: str) -> None:
        """After "Later": the window stays, read-only, with one banner that says why.

        Reads that fail show in the list and the status bar; nothing more pops up.
        """
        if self.findChild(QToolBar, "damageBar") is not None:
            return
        bar = QToolBar("Damaged story bank", self)
        bar.setObjectName("damageBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setStyleSheet("QToolBar#damageBar { background: #f7d9d5; }")
        banner = QLabel(
            "This story bank is damaged, so Storybank saves nothing into it. Copy out "
            "what you need; Recover Now moves the file aside, unchanged, and offers "
            "your newest good backup."
        )
        banner.setObjectName("damageBanner")
        banner.setWordWrap(True)
        banner.setToolTip(damage)
        banner.setStyleSheet("color: #5c1a12; padding: 4px;")
        banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        recover = QPushButton("Recover Now…")
        recover.setObjectName("damageRecover")
        recover.clicked.connect(lambda: self._recover_now(damage))
        bar.addWidget(banner)
        bar.addWidget(recover)
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _on_story_changed(self, story_id: int) -> None:
        panel = self.list_panel
        if panel.sort() == "updated" and not (
            self.search.text().strip() or panel.value_id() or panel.tag()
        ):
            # The newest first and nothing filtered: the story just moves to the top.
            panel.model.update_story(story_id, to_top=True)
        else:
            self.reload_list()
        if story_id == self.current.story_id:
            self.coach_panel.schedule()  # values may have changed the value hints

    def _on_changed_elsewhere(self) -> None:
        self.values_panel.refresh_values()
        if self.editor.refresh_from_elsewhere():
            self.current.follow_editor()
            self.statusBar().showMessage("This story was updated by another program.", 8000)
        self._update_center()

    def _on_kept_as_copy(self, _other_id: int, copy_id: int) -> None:
        if self.current.record is not None:  # the copy, loaded by the editor
            self.current.follow_editor()
        self.reload_list(copy_id)

    def changeEvent(self, event: QEvent) -> None:
        # Coming back to the window is when a change from a terminal is likeliest.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.service.check_for_changes()
        super().changeEvent(event)

    def _on_selection_changed(self, story_id: int) -> None:
        if story_id < 0 or story_id == self.current.story_id:
            return
        self._open_story(story_id)

    def _open_story(self, story_id: int) -> bool:
        """Save the current story, then show another one."""
        if story_id == self.current.story_id:
            return True
        if not self.current.flush():
            # Keep the selection on the story that still holds unsaved text.
            self.list_panel.set_ids(
                self.list_panel.model.ids(), self.service.story_rows, self.current.story_id, ""
            )
            self.statusBar().showMessage(
                "Stayed on this story: its changes could not be saved yet.", 8000
            )
            return False
        try:
            record = self.service.get_story(story_id)
        except StorageError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return False
        self.current.show(record)
        self._update_center()
        return True

    def _open_last_story(self) -> None:
        """Reopen the story the user was on, or the newest one."""
        last = self.settings.value("list/last_story")
        model = self.list_panel.model
        try:
            last_id = int(last) if last is not None else -1
        except (TypeError, ValueError):
            last_id = -1
        if model.row_of(last_id) >= 0:
            self.list_panel.select_story(last_id)
        elif model.rowCount():
            self.list_panel.view.setCurrentIndex(model.index(0))

    def _show_nothing(self) -> None:
        self.current.clear()
        self._update_center()

    # --- commands ---------------------------------------------------------

    def save_now(self) -> None:
        if self.current.flush():
            self.statusBar().showMessage("Saved.", 3000)

    def new_story(self) -> None:
        if not self.current.flush():
            return
        try:
            record = self.service.create_story()
        except StorageError as exc:
            report_error(self, exc, "Could not create a story.")
            return
        self.show_story(record.id)
        self.editor.focus_title()

    def duplicate_story(self) -> None:
        story_id = self.current.story_id
        if story_id is None or not self.current.flush():
            return
        try:
            record = self.service.duplicate_story(story_id)
        except StorageError as exc:
            report_error(self, exc, "Could not duplicate the story.")
            return
        self.reload_list(record.id)
        self.statusBar().showMessage("Duplicated the story.", 4000)

    def trash_story(self) -> None:
        record = self.current.record
        if record is None or record.deleted or not self.current.flush():
            return
        title = self.current.title()
        row = self.list_panel.model.row_of(record.id)
        try:
            self.service.set_trashed(record.id, True)
        except StorageError as exc:
            report_error(self, exc, "Could not move the story.")
            return
        self._show_nothing()
        self.reload_list()
        self._select_row(row)
        self._undo_trash_id = record.id
        self.statusBar().showMessage(f"Moved “{title}” to the Trash.", 10000)
        self.undo_trash_button.show()
        QTimer.singleShot(10000, self.undo_trash_button.hide)

    def _select_row(self, row: int) -> None:
        count = self.list_panel.model.rowCount()
        if count and row >= 0:
            self.list_panel.view.setCurrentIndex(self.list_panel.model.index(min(row, count - 1)))

    def undo_trash(self) -> None:
        story_id = self._undo_trash_id
        self.undo_trash_button.hide()
        if story_id is None:
            return
        self._undo_trash_id = None
        try:
            self.service.set_trashed(story_id, False)
        except StorageError as exc:
            report_error(self, exc, "Could not restore the story.")
            return
        self.list_panel.show_box.setCurrentIndex(0)
        self.reload_list(story_id)
        self.statusBar().showMessage("Story restored.", 4000)

    def restore_story(self) -> None:
        record = self.current.record
        if record is None or not record.deleted:
            return
        try:
            self.service.set_trashed(record.id, False)
        except StorageError as exc:
            report_error(self, exc, "Could not restore the story.")
            return
        self._show_nothing()
        self.reload_list()
        self.statusBar().showMessage(f"Restored “{record.title or 'Untitled story'}”.", 5000)

    def purge_story(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        record = self.current.record
        if record is None or not record.deleted:
            return
        answer = QMessageBox.question(
            self,
            "Delete forever?",
            f"Delete “{record.title or 'Untitled story'}” for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.purge_story(record.id)
        except StorageError as exc:
            report_error(self, exc, "Could not delete the story.")
            return
        self._show_nothing()
        self.reload_list()

    def toggle_archive(self) -> None:
        record = self.current.record
        if record is None or record.deleted or not self.current.flush():
            return
        archived = not record.archived
        try:
            self.service.set_archived(record.id, archived)
        except StorageError as exc:
            report_error(self, exc, "Could not archive the story.")
            return
        self._show_nothing()
        self.reload_list()
        verb = "Archived" if archived else "Unarchived"
        self.statusBar().showMessage(f"{verb} “{self.current.title()}”.", 5000)

    def sheet_contents(self, scope: str, layout: Layout) -> tuple[str, str, bool]:
        """The HTML, header and orientation of a sheet of the chosen stories."""
        from storybank.core.sheet import build_sheet, needs_landscape, sheet_header

        if scope == "current" and self.current.story_id is not None:
            ids = [self.current.story_id]
            filter_text = self.current.title()
        elif scope == "list":
            ids = self.list_panel.model.ids()
            filter_text = self._filter_text()
        else:
            ids = self.service.story_ids(sort="title")
            filter_text = ""
        records = [self.service.get_story(story_id) for story_id in ids]
        values = self.service.active_values()
        html = build_sheet(layout, records, values)
        return html, sheet_header(layout, filter_text), needs_landscape(layout, len(values))

    def _filter_text(self) -> str:
        parts = []
        if self.list_panel.value_id() is not None:
            parts.append(self.list_panel.value_filter.currentText())
        if self.list_panel.tag():
            parts.append(f"#{self.list_panel.tag()}")
        if self.search.text().strip():
            parts.append(f"“{self.search.text().strip()}”")
        return " · ".join(parts)

    def print_sheet(self, mode: str) -> None:
        """Print, preview or export a sheet ("print", "preview" or "pdf")."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
        from PySide6.QtWidgets import QFileDialog

        from storybank.gui.dialogs.sheet import SheetDialog
        from storybank.gui.print import export_pdf, render_sheet, setup_printer

        if not self.current.flush():
            return
        action = {"print": "Print", "preview": "Preview", "pdf": "Export"}[mode]
        dialog = SheetDialog(
            self.settings,
            action=action,
            has_current=self.current.story_id is not None,
            list_count=self.list_panel.model.rowCount(),
            all_count=self.service.count_stories(),
            parent=self,
        )
        if not dialog.exec():
            return
        html, header, landscape = self.sheet_contents(dialog.scope(), dialog.layout_choice())
        if mode == "pdf":
            last = str(self.settings.value("sheet/last_pdf", str(Path.home() / "stories.pdf")))
            path, _ = QFileDialog.getSaveFileName(self, "Export PDF", last, "PDF files (*.pdf)")
            if not path:
                return
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            try:
                pages = export_pdf(
                    path, html, header, page_size=dialog.page_size(), landscape=landscape
                )
            except OSError as exc:
                report_error(self, exc, f"Could not write {path}:")
                return
            self.settings.setValue("sheet/last_pdf", path)
            self.statusBar().showMessage(f"Saved {pages} page(s) to {path}", 8000)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, dialog.page_size(), landscape)
        printer.setDocName(header)
        if mode == "preview":
            preview = QPrintPreviewDialog(printer, self)
            preview.setObjectName("printPreview")
            preview.paintRequested.connect(lambda target: render_sheet(target, html, header))
            preview.resize(900, 760)
            preview.exec()
            return
        chooser = QPrintDialog(printer, self)
        if chooser.exec():
            try:
                pages = render_sheet(printer, html, header)
            except OSError as exc:
                report_error(self, exc, "Could not print:")
                return
            self.statusBar().showMessage(f"Sent {pages} page(s) to the printer.", 8000)

    def focus_search(self) -> None:
        self.set_mode("stories")
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_preferences(self) -> None:
        from storybank.gui.dialogs.preferences import PreferencesDialog

        PreferencesDialog(self.service, self.settings, self).exec()
        self.apply_preferences()

    def export_data(self, kind: str) -> None:
        """Export as a Markdown folder ("md") or one JSON file ("json")."""
        from PySide6.QtWidgets import QFileDialog

        from storybank.core.interchange import TransferError

        if not self.current.flush():
            return
        home = str(self.settings.value("export/last", str(Path.home())))
        try:
            if kind == "md":
                folder = QFileDialog.getExistingDirectory(self, "Export to folder", home)
                if not folder:
                    return
                written = self.service.export_markdown(Path(folder))
                where, what = folder, f"{len(written)} story files"
            else:
                path, _ = QFileDialog.getSaveFileName(
                    self, "Export everything", str(Path(home) / "storybank.json"),
                    "JSON files (*.json)",
                )  # fmt: skip
                if not path:
                    return
                self.service.export_json(Path(path))
                where, what = path, "everything"
        except (TransferError, StorageError, OSError) as exc:
            report_error(self, exc, "The export failed:")
            return
        self.settings.setValue("export/last", str(Path(where).parent if kind == "json" else where))
        self.statusBar().showMessage(f"Exported {what} to {where}", 8000)

    def import_data(self, *, folder: bool) -> None:
        """Read, preview and (if the user agrees) import stories."""
        from PySide6.QtWidgets import QFileDialog, QProgressDialog

        from storybank.core.interchange import TransferError
        from storybank.gui.dialogs.import_preview import ImportPreview

        if not self.current.flush():
            return
        home = str(self.settings.value("import/last", str(Path.home())))
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, "Import a folder of stories", home)
        else:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Import", home, "Storybank exports and stories (*.json *.md *.markdown)"
            )
        if not chosen:
            return
        self.settings.setValue("import/last", str(Path(chosen).parent))
        try:
            plan = self.service.plan_import(Path(chosen))
        except (TransferError, StorageError, OSError) as exc:
            report_error(self, exc, title="Nothing was imported")
            return
        preview = ImportPreview(plan, chosen, self)
        if not preview.exec():
            return
        progress = QProgressDialog("Importing…", "", 0, max(1, len(plan.items)), self)
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> None:
            progress.setMaximum(max(1, total))
            progress.setValue(done)

        self._show_nothing()
        try:
            result = self.service.apply_import(plan, preview.choices(), progress=step)
        except (TransferError, StorageError) as exc:
            progress.close()
            report_error(self, exc, title="Nothing was imported")
            self._open_last_story()
            return
        progress.close()
        self._refresh_filters()
        self.values_panel.refresh_values()
        self._open_last_story()
        self.statusBar().showMessage(
            f"Imported: {result.added} new, {result.updated} updated, {result.kept_both} kept "
            f"both, {result.unchanged} unchanged, {result.skipped} skipped.",
            10000,
        )

    def back_up_now(self) -> None:
        if not self.current.flush():
            return
        try:
            path = self.service.back_up("manual", Preferences.load(self.settings).backups)
        except StorageError as exc:
            report_error(self, exc)
            return
        self.statusBar().showMessage(f"Backed up to {path}", 8000)

    def restore_from_backup(self) -> None:
        from storybank.gui.dialogs.backups import RestoreDialog

        if not self.current.flush():
            return
        dialog = RestoreDialog(self.service.backup_folder(), self)
        if not dialog.exec() or dialog.chosen() is None:
            return
        backup = dialog.chosen()
        assert backup is not None
        self._show_nothing()
        try:
            safety = self.service.restore(backup)
        except StorageError as exc:
            report_error(self, exc)
            return
        self._refresh_filters()
        self.values_panel.refresh_values()
        self.reload_list()
        self._open_last_story()
        self.statusBar().showMessage(
            f"Restored the backup. The state before it is kept in {safety.name}.", 10000
        )

    def apply_preferences(self) -> None:
        """Use the saved preferences: coach timing, practice defaults, theme."""
        from storybank.gui.theme import apply_theme

        prefs = Preferences.load(self.settings)
        self.service.use_coach_settings(prefs.coach_settings())
        self.coach_panel.schedule()
        if self.practice_view is not None:
            self.practice_view.chooser.prep.setValue(prefs.practice_prep)
            self.practice_view.chooser.target.setValue(prefs.practice_target)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, prefs.theme)

    def bring_forward(self) -> None:
        """Another launch on the same data folder asked for this window."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def open_prompts(self) -> None:
        from storybank.gui.dialogs.prompts import PromptsDialog

        PromptsDialog(self.practice_service(), self).exec()
        if self.practice_view is not None:
            self.practice_view.chooser.refresh()

    def open_demo(self) -> None:
        from PySide6.QtCore import QProcess

        QProcess.startDetached(sys.executable, ["-m", "storybank", "--demo"])
        self.statusBar().showMessage("Opening the demo bank in a new window…", 5000)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for every action with a shortcut, plus Practice keys."""
        rows = [
            (action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
             action.text().replace("&", "").rstrip("…"))
            for action in self.actions()
            if not action.shortcut().isEmpty()
        ]  # fmt: skip
        rows += [
            ("Space", "Practice: start, skip the preparation, stop"),
            ("1 – 4", "Practice: rate Again, Hard, Good, Easy"),
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

        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setObjectName("shortcutsDialog")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table>{rows}</table>")
        box.exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            "About Storybank",
            f"<h3>Storybank {__version__}</h3><p>A local-first coach for behavioral "
            "interviews: write your stories in STAR form, tag them against a company's "
            "values, and rehearse them.</p><p>Your stories never leave this computer.</p>"
            f"<p>Data folder: {self.service.data_dir}</p>",
        )

    # --- status -----------------------------------------------------------

    def _on_save_state(self, state: str, message: str) -> None:
        self._save_state = state
        self._save_message = message
        self._show_save_state()

    def _show_save_state(self) -> None:
        state = self._save_state
        if self.current.record is None:
            text = ""
        elif state == "failed":
            text = f"⚠ Not saved — {self._save_message}"
        elif state == "dirty":
            text = "Editing…"
        elif state == "saving":
            text = "Saving…"
        elif self.editor.last_saved is not None:
            text = f"✓ Saved {relative_time(self.editor.last_saved)}"
        else:
            text = "✓ Saved"
        self.save_label.setText(text)

    # --- window -----------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1240, 780)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        side = self.settings.value("window/side")
        if isinstance(side, QByteArray):
            self.side.restoreState(side)
        sort = self.settings.value("list/sort")
        index = self.list_panel.sort_box.findData(sort)
        if index >= 0:
            self.list_panel.sort_box.setCurrentIndex(index)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.current.flush():
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.warning(
                self,
                "Changes not saved",
                "Your latest changes could not be saved:\n"
                f"{self._save_message}\n\nQuit anyway and lose them?",
                QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/side", self.side.saveState())
        if self.current.story_id is not None:
            self.settings.setValue("list/last_story", self.current.story_id)
        self.settings.sync()
        event.accept()
