"""The main window: story list, editor and values panel, menus and status bar.

The window composes the panels and the pieces that serve them (MainMenu,
MainStatus, StoryCommands, FileOps); it keeps the mode switching, the list
queries, the wiring of the service's signals, and closing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QSplitter, QStackedWidget

from storybank.core.database import StorageError
from storybank.gui.coach_panel import CoachPanel
from storybank.gui.current_story import CurrentStory
from storybank.gui.file_ops import FileOps
from storybank.gui.main_menu import MainMenu
from storybank.gui.main_status import MainStatus
from storybank.gui.mode_views import ModeViews
from storybank.gui.settings import Preferences, service_settings
from storybank.gui.story_commands import StoryCommands
from storybank.gui.story_editor import StoryEditor
from storybank.gui.story_list import StoryListPanel
from storybank.gui.values_panel import ValuesPanel
from storybank.gui.welcome import CenterPages
from storybank.gui.window_state import WindowState
from storybank.services.stories import StoryService

if TYPE_CHECKING:
    # Annotations only: PySide6 builds a Qt class's Python type on first use,
    # which start-up need not pay for.
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from storybank.core.changes import ChangeSet
    from storybank.gui.coverage import CoverageView
    from storybank.gui.practice.progress import ProgressView
    from storybank.gui.practice.view import PracticeView
    from storybank.services.practice import PracticeService


#: Stories listed before the first paint; a bigger bank lists the rest just after.
FIRST_PAGE = 200


class MainWindow(QMainWindow):
    """Storybank's one main window."""

    #: Once, just after the window's first paint.
    first_painted = Signal()

    def __init__(self, service: StoryService) -> None:
        super().__init__()
        self._painted = False
        self.service = service
        # The demo keeps the user's own settings (its theme, above all).
        self.settings = service_settings(service)
        self.setObjectName("mainWindow")
        title = "Storybank"
        if service.demo:
            title += " — demo bank (discarded when you quit)"
        self.setWindowTitle(title)
        self.setMinimumSize(900, 560)
        self._build_panels()
        self.main_status = MainStatus(self, service, self.current)
        self.commands = StoryCommands(self)
        self.pages = CenterPages(
            self.center, self.editor, self.commands.new_story, self.main_status.message
        )
        self.file_ops = FileOps(self)
        self.main_menu = MainMenu(self)
        self._wire()
        self.refresh_filters()
        prefs = Preferences.load(self.settings)
        self.service.coach_settings = prefs.coach_settings()
        self.editor.set_text_points(prefs.editor_points)
        self.window_state = WindowState(self)
        self.window_state.restore()
        self._start_list()
        # Fill in missing or outdated coach figures in the background once the
        # window is up, so the list can show every story's score and time.
        QTimer.singleShot(50, service.start_coach_backfill)
        #: Set when the user chose to recover a damaged bank; run_gui acts on it.
        self.recovery: str | None = None
        self.file_ops.start_integrity_watch()
        self.main_status.show_save_state()

    def _build_panels(self) -> None:
        # Containers first, then what goes in them: each panel is parented once,
        # instead of its whole tree being re-parented at every level (start-up).
        self.modes = QStackedWidget()
        self.modes.setObjectName("modes")
        self.setCentralWidget(self.modes)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.modes.addWidget(self.splitter)
        self.views = ModeViews(self)
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
        self.splitter.setChildrenCollapsible(False)  # no panel dragged out of sight

        self.editor = StoryEditor(self.service)
        self.center.addWidget(self.editor)

        self.values_panel = ValuesPanel(self.service)
        self.side.addWidget(self.values_panel)
        self.coach_panel = CoachPanel(
            self.service,
            fields=self.editor.fields,
            values=lambda: self.values_panel.record.values if self.values_panel.record else {},
        )
        self.coach_panel.setObjectName("coachPanel")
        self.side.addWidget(self.coach_panel)
        self.side.setChildrenCollapsible(False)
        self.current = CurrentStory(self.editor, self.values_panel, self.coach_panel)
        self.side.setSizes([420, 340])

    def _wire(self) -> None:
        self.list_panel.query_changed.connect(lambda: self.reload_list(follow_filter=True))
        self.search.textEdited.connect(lambda _text: self.set_mode("stories"))
        self.list_panel.selection_changed.connect(self._on_selection_changed)
        self.list_panel.filters_changed.connect(self._on_filters_changed)
        self.editor.save_state_changed.connect(self.main_status.on_save_state)
        self.editor.content_changed.connect(self.coach_panel.schedule)
        self.coach_panel.select_span.connect(self.editor.select_span)
        self.values_panel.message.connect(lambda text: self.main_status.message(text, 8000))
        self.service.changed.connect(self._on_changed)
        self.editor.kept_as_copy.connect(self._on_kept_as_copy)
        self.editor.open_requested.connect(self.show_story)
        self.editor.restore_requested.connect(self.commands.restore_story)
        self.service.watch_for_changes()
        if isinstance(app := QApplication.instance(), QApplication):
            app.applicationStateChanged.connect(self._on_app_state)

    @property
    def coverage_view(self) -> CoverageView | None:
        return self.views.coverage

    @property
    def practice_view(self) -> PracticeView | None:
        return self.views.practice

    @property
    def progress_view(self) -> ProgressView | None:
        return self.views.progress

    @property
    def search(self) -> QLineEdit:
        """The search box (the list panel's, shown in the toolbar)."""
        return self.list_panel.search

    def practice_service(self) -> PracticeService:
        """The practice service, made on first use (it loads the prompt bank)."""
        if self._practice_service is None:
            from storybank.services.practice import PracticeService

            self._practice_service = PracticeService(self.service)
        return self._practice_service

    def set_mode(self, mode: str) -> None:
        """Show one of the modes: "stories", "coverage", "practice", "progress" or
        "applications"."""
        if mode != "stories" and not self.current.flush():
            self.main_menu.mode_actions["stories"].setChecked(True)
            return
        if mode == "stories":
            self.modes.setCurrentWidget(self.splitter)
        else:
            self.views.show(mode)
        self.main_menu.show_mode(mode)

    def show_story(self, story_id: int) -> None:
        """Switch to the Stories mode with ``story_id`` selected (filters cleared)."""
        self.set_mode("stories")
        self.list_panel.clear_filters()
        self.reload_list(story_id)

    def refresh_filters(self) -> None:
        self.list_panel.set_value_choices([(v.id, v.name) for v in self.service.active_values()])
        self.list_panel.set_tag_choices(self.service.tag_names(), self.service.told_filters())

    def _on_filters_changed(self) -> None:
        self.settings.setValue("list/sort", self.list_panel.sort())
        self.reload_list(follow_filter=True)

    def _start_list(self) -> None:
        """The list at start-up, then the story last open. A big bank lists its first
        page (holding that story) before the first paint, the rest just after."""
        last = self.window_state.last_story_id()
        partial = self.reload_list(limit=FIRST_PAGE)
        if partial and last >= 0 and self.list_panel.model.row_of(last) < 0:
            self.reload_list()  # the story to reopen is further down
        elif partial:
            self.first_painted.connect(self.reload_list)
        self.list_panel.select_story_or_first(last)

    def reload_list(
        self, select_id: int | None = None, *, follow_filter: bool = False, limit: int | None = None
    ) -> bool:
        """Re-query the list; keep (or move to) the selected story. With
        ``follow_filter`` (the user narrowed the list), a story on screen that the
        list no longer shows gives way to the first one it does. With ``limit``
        only that many are listed, and uncounted; True when there were more."""
        query = self.list_panel.query()
        show = self.list_panel.show_key()
        filtered = self.list_panel.is_filtered()
        unreadable = ""
        try:
            ids = self.service.story_ids(
                query,
                value_id=self.list_panel.value_id(),
                tag=self.list_panel.tag(),
                sort=self.list_panel.sort(),
                show=show,
                limit=limit,
            )
        except StorageError as exc:  # a damaged bank: say so in the list, not in a box
            ids, unreadable = [], f"The story list cannot be read.\n{exc}"
        self._partial = limit is not None and len(ids) >= limit
        try:
            total = len(ids) if self._partial else self.service.count_stories()
        except StorageError:
            total = len(ids) if ids and show == "active" and not filtered else -1
        empty = unreadable or self.list_panel.empty_text()
        keep = select_id if select_id is not None else self.current.story_id
        self.list_panel.set_ids(ids, self.service.story_rows, keep, empty)
        if not self._partial:  # a first page says nothing of the bank's size
            self.main_status.set_count(total)
        self._total = total
        if select_id is not None:
            self._open_story(select_id)
        elif follow_filter and self.current.story_id not in ids and self.current.flush():
            if ids:
                self.list_panel.select_row(0)
            else:
                self.current.clear()
        self._update_center()
        return self._partial

    def _update_center(self) -> None:
        empty_bank = self._total == 0 and self.list_panel.show_key() == "active"
        has_story = self.current.record is not None
        self.pages.show(has_story=has_story, empty_bank=empty_bank)
        self.side.setVisible(has_story)  # no values or coach to show without a story
        self.main_menu.update_actions()

    def _on_changed(self, changes: ChangeSet) -> None:
        """Refresh what one operation changed, and only that."""
        if changes.values or changes.tags or changes.applications:
            self.refresh_filters()
        if changes.story_list or changes.applications:
            self.reload_list()
        elif changes.derived:  # figures filled in: the rows repaint, nothing moves
            self.list_panel.model.refresh_rows(list(changes.stories))
        elif changes.stories:
            self._on_stories_changed(changes.stories)
        if changes.elsewhere:
            # Another program (the command line) wrote the same bank: show what
            # it wrote, and never let an autosave overwrite it unseen.
            self._on_changed_elsewhere()

    def _on_stories_changed(self, ids: frozenset[int]) -> None:
        panel = self.list_panel
        if len(ids) == 1 and panel.sort() == "updated" and not panel.is_filtered():
            # The newest first and nothing filtered: the story just moves to the top.
            panel.model.update_story(next(iter(ids)), to_top=True)
        else:
            self.reload_list()
        if self.current.story_id in ids:
            self.coach_panel.schedule()  # values may have changed the value hints

    def _on_changed_elsewhere(self) -> None:
        if self.editor.refresh_from_elsewhere():
            self.current.follow_editor()
            self.main_status.message("This story was updated by another program.", 8000)
        self._update_center()

    def _on_kept_as_copy(self, _other_id: int, copy_id: int) -> None:
        if self.current.record is not None:  # the copy, loaded by the editor
            self.current.follow_editor()
        self.reload_list(copy_id)

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        # Coming back to the app is when a change from a terminal is likeliest.
        # (A signal, not changeEvent: that sees every change event at start-up.)
        if state == Qt.ApplicationState.ApplicationActive:
            self.service.check_for_changes()

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
            self.main_status.message(
                "Stayed on this story: its changes could not be saved yet.", 8000
            )
            return False
        try:
            record = self.service.get_story(story_id)
        except StorageError as exc:
            self.main_status.message(str(exc), 8000)
            return False
        self.current.show(record)
        self._update_center()
        return True

    def show_nothing(self) -> None:
        self.current.clear()
        self._update_center()

    def focus_search(self) -> None:
        self.set_mode("stories")
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_preferences(self) -> None:
        from storybank.gui.dialogs.preferences import PreferencesDialog

        PreferencesDialog(self.service, self.settings, self, practice=self.practice_service).exec()
        self.apply_preferences()

    def apply_preferences(self) -> None:
        """Use the saved preferences: coach timing, practice defaults, theme."""
        from storybank.gui.theme import apply_theme

        prefs = Preferences.load(self.settings)
        self.service.use_coach_settings(prefs.coach_settings())
        self.editor.set_text_points(prefs.editor_points)
        self.coach_panel.schedule()
        if self.practice_view is not None:
            self.practice_view.use_preferences(prefs)
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

    # --- window -----------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Once, just after the first paint: ``first_painted`` (what can wait, waits)."""
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        practice = self.practice_view  # an answer's note is kept like a story's text
        if not (self.current.flush() and (practice is None or practice.flush())):
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.warning(
                self,
                "Changes not saved",
                "Your latest changes could not be saved:\n"
                f"{self.main_status.save_message}\n\nQuit anyway and lose them?",
                QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        self.window_state.save()
        # Everything is saved: no debounce, retry or clock may fire into a bank
        # that is about to close.
        for timer in self.findChildren(QTimer):
            timer.stop()
        event.accept()
