"""The story commands of the main window: new, duplicate, archive, trash, restore,
delete, and drilling one story in Practice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storybank.core.database import StorageError
from storybank.gui.errors import report_error

if TYPE_CHECKING:
    from storybank.gui.main_window import MainWindow


class StoryCommands:
    """What the File and Edit menus do to the story on screen."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.service = window.service
        self.current = window.current
        self.list_panel = window.list_panel
        self.status = window.main_status
        self._undo_trash_id: int | None = None
        self.status.undo_trash_button.clicked.connect(self.undo_trash)

    def save_now(self) -> None:
        if self.current.flush():
            self.status.message("Saved.", 3000)

    def new_story_for(self, kind: str, key: object) -> None:
        """A new story that fills a coverage gap: tagged with a theme's tag
        (``kind`` "tag") or showing a value as primary (``kind`` "value")."""
        if not self.current.flush():
            return
        try:
            if kind == "tag":
                record = self.service.create_story(tags=[str(key)])
            else:
                record = self.service.create_story(primary_value=int(str(key)))
        except StorageError as exc:
            report_error(self.window, exc, "Could not create a story.")
            return
        self.window.show_story(record.id)
        self.current.editor.focus_title()
        self.status.message("A new story for that gap: give it a title, then tell it.", 8000)

    def new_story(self) -> None:
        if not self.current.flush():
            return
        try:
            record = self.service.create_story()
        except StorageError as exc:
            report_error(self.window, exc, "Could not create a story.")
            return
        self.window.show_story(record.id)
        self.current.editor.focus_title()

    def duplicate_story(self) -> None:
        story_id = self.current.story_id
        if story_id is None or not self.current.flush():
            return
        try:
            record = self.service.duplicate_story(story_id)
        except StorageError as exc:
            report_error(self.window, exc, "Could not duplicate the story.")
            return
        self.window.reload_list(record.id)
        self.status.message("Duplicated the story.", 4000)

    def trash_story(self) -> None:
        record = self.current.record
        if record is None or record.deleted or not self.current.flush():
            return
        title = self.current.title()
        row = self.list_panel.model.row_of(record.id)
        try:
            self.service.set_trashed(record.id, True)
        except StorageError as exc:
            report_error(self.window, exc, "Could not move the story.")
            return
        self.window.show_nothing()
        self.window.reload_list()
        self.list_panel.select_row(row)
        self._undo_trash_id = record.id
        self.status.offer_undo_trash(f"Moved “{title}” to the Trash.")

    def undo_trash(self) -> None:
        story_id = self._undo_trash_id
        self.status.end_undo_trash()
        if story_id is None:
            return
        self._undo_trash_id = None
        try:
            self.service.set_trashed(story_id, False)
        except StorageError as exc:
            report_error(self.window, exc, "Could not restore the story.")
            return
        self.list_panel.show_box.setCurrentIndex(0)
        self.window.reload_list(story_id)
        self.status.message("Story restored.", 4000)

    def restore_story(self) -> None:
        record = self.current.record
        if record is None or not record.deleted:
            return
        try:
            self.service.set_trashed(record.id, False)
        except StorageError as exc:
            report_error(self.window, exc, "Could not restore the story.")
            return
        # Back among the active stories, on screen again, ready to edit.
        self.window.show_nothing()
        self.window.show_story(record.id)
        self.status.message(f"Restored “{record.title or 'Untitled story'}”.", 5000)

    def purge_story(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        record = self.current.record
        if record is None or not record.deleted:
            return
        answer = QMessageBox.question(
            self.window,
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
            report_error(self.window, exc, "Could not delete the story.")
            return
        self.window.show_nothing()
        self.window.reload_list()

    def toggle_archive(self) -> None:
        record = self.current.record
        if record is None or record.deleted or not self.current.flush():
            return
        archived = not record.archived
        try:
            self.service.set_archived(record.id, archived)
        except StorageError as exc:
            report_error(self.window, exc, "Could not archive the story.")
            return
        self.window.show_nothing()
        self.window.reload_list()
        verb = "Archived" if archived else "Unarchived"
        self.status.message(f"{verb} “{self.current.title()}”.", 5000)

    def drill_story(self) -> None:
        """Rehearse the story on screen against the prompts it answers best."""
        story_id = self.current.story_id
        if story_id is None or not self.current.flush():
            return
        try:
            deck = self.window.practice_service().drill_deck(story_id)
        except StorageError as exc:
            report_error(self.window, exc, "Could not build the drill.")
            return
        if not deck:
            self.status.message(
                "No prompt fits this story yet: tag it with a question theme or a value.", 8000
            )
            return
        self.window.set_mode("practice")
        if self.window.practice_view is not None:
            self.window.practice_view.start_deck(deck)
