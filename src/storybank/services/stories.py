"""The story service: the one writer. Runs a change, then announces it.

GUI code calls these methods and never opens a database session. Each method
delegates to the repository (one short transaction) and then emits a signal so
that every view can refresh itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from storybank.core.backup import BackupPolicy
from storybank.core.coach import ANALYZER_VERSION, CoachReport, CoachSettings, analyze
from storybank.core.records import (
    SECTIONS,
    CoachFigures,
    Coverage,
    PackInfo,
    StoryRecord,
    StoryRow,
    Strength,
    ValueInfo,
)
from storybank.core.repository import Repository, ShowKey, SortKey

if TYPE_CHECKING:
    from storybank.core.transfer import Choice, ImportPlan, ImportResult


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
    #: Cached coach figures (score, speaking time) were recomputed.
    coach_figures_changed = Signal()
    #: A coach finding was dismissed or restored (story id).
    dismissed_changed = Signal(int)
    #: An import finished (prompts and practice history may have changed too).
    imported = Signal()

    def __init__(self, repo: Repository, data_dir: Path, *, demo: bool = False) -> None:
        super().__init__()
        self.repo = repo
        self.data_dir = data_dir
        self.demo = demo
        self.coach_settings = CoachSettings()
        #: Something was written since the last backup (the exit backup checks it).
        self.changed_since_backup = False
        for signal in (
            self.story_changed,
            self.stories_changed,
            self.values_changed,
            self.tags_changed,
            self.dismissed_changed,
        ):
            signal.connect(self.mark_changed)

    # --- reads ------------------------------------------------------------

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
        """Store changed fields with the coach figures of the story they make."""
        record = self.repo.get_story(story_id)
        figures = self._figures(record, fields)
        updated = self.repo.update_story(story_id, fields, figures)
        self.story_changed.emit(story_id)
        return updated

    def set_story_value(self, story_id: int, value_id: int, strength: Strength | None) -> None:
        """Tag a value; the score (value hints count) is stored in the same transaction."""
        record = self.repo.get_story(story_id)
        values = {k: v for k, v in record.values.items() if k != value_id}
        if strength is not None:
            values[value_id] = strength
        figures = self._figures(dataclasses.replace(record, values=values), {})
        self.repo.set_story_value(story_id, value_id, strength, figures)
        self.story_changed.emit(story_id)

    # --- coach ------------------------------------------------------------

    def value_keywords(self, values: Mapping[int, Strength]) -> dict[str, tuple[str, ...]]:
        """Pack keywords of a story's primary values, by value name."""
        active = {value.id: value for value in self.active_values()}
        return {
            active[value_id].name: active[value_id].keywords
            for value_id, strength in values.items()
            if strength is Strength.PRIMARY and value_id in active
        }

    def coach_report(
        self, sections: Mapping[str, str], values: Mapping[int, Strength]
    ) -> CoachReport:
        """The coach's report on a story's sections as they are now."""
        return analyze(
            sections, value_keywords=self.value_keywords(values), settings=self.coach_settings
        )

    def _figures(self, record: StoryRecord, fields: Mapping[str, str]) -> CoachFigures:
        sections = {name: fields.get(name, record.text(name)) for name in SECTIONS}
        report = self.coach_report(sections, record.values)
        return CoachFigures(report.score, report.speaking_seconds, ANALYZER_VERSION)

    def refresh_coach_figures(self, limit: int = 100) -> int:
        """Compute missing or outdated figures for up to ``limit`` stories; return how many."""
        ids = self.repo.stories_needing_coach(ANALYZER_VERSION, limit)
        if ids:
            figures = {i: self._figures(self.repo.get_story(i), {}) for i in ids}
            self.repo.set_coach_figures(figures)
            self.coach_figures_changed.emit()
        return len(ids)

    def dismissed_keys(self, story_id: int) -> set[str]:
        return self.repo.dismissed_keys(story_id)

    def set_dismissed(self, story_id: int, key: str, dismissed: bool) -> None:
        self.repo.set_dismissed(story_id, key, dismissed)
        self.dismissed_changed.emit(story_id)

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

    def mark_changed(self) -> None:
        self.changed_since_backup = True

    # --- backups ----------------------------------------------------------

    def backup_folder(self) -> Path:
        from storybank.core.backup import backup_dir

        return backup_dir(self.data_dir)

    def back_up(self, reason: str, policy: BackupPolicy | None = None) -> Path:
        """Make a verified backup now and rotate old ones."""
        from storybank.core.backup import BackupPolicy, make_backup, rotate

        path = make_backup(self.repo.db.path, self.backup_folder(), reason)
        rotate(self.backup_folder(), policy or BackupPolicy())
        self.changed_since_backup = False
        return path

    def restore(self, backup: Path) -> Path:
        """Back up the current state, then replace the bank with ``backup``."""
        from storybank.core.backup import restore_backup

        safety = self.back_up("before-restore")
        self.repo.db.close()
        restore_backup(backup, self.repo.db.path)
        self.stories_changed.emit()
        self.values_changed.emit()
        self.tags_changed.emit()
        self.coach_figures_changed.emit()
        return safety

    # --- export and import ------------------------------------------------

    def export_markdown(self, folder: Path) -> list[Path]:
        from storybank.core.transfer import export_markdown

        return export_markdown(self.repo, folder)

    def export_json(self, path: Path) -> None:
        from storybank.core.transfer import export_json

        export_json(self.repo, path)

    def plan_import(self, path: Path) -> ImportPlan:
        """Read a JSON export, a Markdown file or a folder of them; plan the import."""
        from storybank.core.transfer import plan_import, read_json, read_markdown_folder

        source = read_json(path) if path.suffix.lower() == ".json" else read_markdown_folder(path)
        return plan_import(self.repo, source)

    def apply_import(
        self,
        plan: ImportPlan,
        choices: Mapping[str, Choice] | None = None,
        *,
        default: Choice | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Back up, then write the plan in one transaction (all or nothing)."""
        from storybank.core.transfer import Choice, apply_import

        self.back_up("before-import")
        result = apply_import(
            self.repo, plan, choices, default=default or Choice.KEEP_BOTH, progress=progress
        )
        self.changed_since_backup = True
        self.stories_changed.emit()
        self.values_changed.emit()
        self.tags_changed.emit()
        self.coach_figures_changed.emit()
        self.imported.emit()
        return result

    def close(self) -> None:
        self.repo.db.close()
