"""The story service: the one writer. Runs a change, then announces it.

GUI code calls these methods and never opens a database session. Each method
delegates to the repository (one short transaction) and then emits a signal so
that every view can refresh itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from storybank.core.records import Coverage, PackInfo, StoryRecord, StoryRow, Strength, ValueInfo
from storybank.core.repository import Repository, ShowKey, SortKey


class StoryService(QObject):
    """Operations on the story bank, with change signals for the views."""

    #: A story's text, values or tags changed (story id).
    story_changed = Signal(int)
    #: Stories were added, removed, trashed, restored or archived.
    stories_changed = Signal()
    #: Packs or values changed (activation, names, order, visibility).
    values_changed = Signal()
    #: The set of tags in use changed.
    tags_changed = Signal()

    def __init__(self, repo: Repository, data_dir: Path, *, demo: bool = False) -> None:
        super().__init__()
        self.repo = repo
        self.data_dir = data_dir
        self.demo = demo

    # --- reads ------------------------------------------------------------

    def list_stories(
        self,
        query: str = "",
        *,
        value_id: int | None = None,
        tag: str | None = None,
        sort: SortKey = "updated",
        show: ShowKey = "active",
    ) -> list[StoryRow]:
        return self.repo.list_stories(query, value_id=value_id, tag=tag, sort=sort, show=show)

    def story_ids(
        self,
        query: str = "",
        *,
        value_id: int | None = None,
        tag: str | None = None,
        sort: SortKey = "updated",
        show: ShowKey = "active",
    ) -> list[int]:
        return self.repo.story_ids(query, value_id=value_id, tag=tag, sort=sort, show=show)

    def story_rows(self, ids: list[int]) -> dict[int, StoryRow]:
        return self.repo.story_rows(ids)

    def count_stories(self, show: ShowKey = "active") -> int:
        return self.repo.count_stories(show)

    def get_story(self, story_id: int) -> StoryRecord:
        return self.repo.get_story(story_id)

    def packs(self) -> list[PackInfo]:
        return self.repo.packs()

    def active_values(self) -> list[ValueInfo]:
        return self.repo.active_values()

    def coverage(self) -> Coverage:
        return self.repo.coverage()

    def tag_names(self) -> list[str]:
        return self.repo.tag_names()

    # --- stories ----------------------------------------------------------

    def create_story(self, **fields: str) -> StoryRecord:
        record = self.repo.create_story(**fields)
        self.stories_changed.emit()
        return record

    def save_story(self, story_id: int, fields: dict[str, str]) -> datetime:
        updated = self.repo.update_story(story_id, fields)
        self.story_changed.emit(story_id)
        return updated

    def set_story_value(self, story_id: int, value_id: int, strength: Strength | None) -> None:
        self.repo.set_story_value(story_id, value_id, strength)
        self.story_changed.emit(story_id)

    def set_story_tags(self, story_id: int, names: Iterable[str]) -> tuple[str, ...]:
        tags = self.repo.set_story_tags(story_id, names)
        self.story_changed.emit(story_id)
        self.tags_changed.emit()
        return tags

    def duplicate_story(self, story_id: int) -> StoryRecord:
        record = self.repo.duplicate_story(story_id)
        self.stories_changed.emit()
        return record

    def set_trashed(self, story_id: int, trashed: bool) -> None:
        self.repo.set_trashed(story_id, trashed)
        self.stories_changed.emit()

    def set_archived(self, story_id: int, archived: bool) -> None:
        self.repo.set_archived(story_id, archived)
        self.stories_changed.emit()

    def purge_story(self, story_id: int) -> None:
        self.repo.purge_story(story_id)
        self.stories_changed.emit()
        self.tags_changed.emit()

    # --- packs and values -------------------------------------------------

    def set_pack_active(self, pack_id: int, active: bool) -> None:
        self.repo.set_pack_active(pack_id, active)
        self.values_changed.emit()

    def add_value(self, pack_id: int, name: str, description: str = "") -> ValueInfo:
        value = self.repo.add_value(pack_id, name, description)
        self.values_changed.emit()
        return value

    def rename_value(self, value_id: int, name: str) -> None:
        self.repo.rename_value(value_id, name)
        self.values_changed.emit()

    def move_value(self, value_id: int, delta: int) -> None:
        self.repo.move_value(value_id, delta)
        self.values_changed.emit()

    def set_value_hidden(self, value_id: int, hidden: bool) -> None:
        self.repo.set_value_hidden(value_id, hidden)
        self.values_changed.emit()

    def close(self) -> None:
        self.repo.db.close()
