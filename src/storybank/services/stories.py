"""The story service: the one writer. Runs a change, then announces it.

GUI code calls these methods and never opens a database session. Each
operation delegates to the repository (one short transaction) and then
announces one :class:`~storybank.core.changes.ChangeSet` on :attr:`changed`,
so that every view refreshes what it names and nothing else.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from storybank.core.changes import ChangeSet
from storybank.core.database import StorageError
from storybank.core.records import (
    SECTIONS,
    CoachFigures,
    PackInfo,
    StoryAnswer,
    StoryRecord,
    StoryRow,
    Strength,
    ValueInfo,
    utcnow,
)
from storybank.core.repository import Repository, ShowKey, SortKey
from storybank.core.speaking import CoachSettings
from storybank.core.tellings import LENGTHS

if TYPE_CHECKING:
    from storybank.core.backup import BackupPolicy
    from storybank.core.coach import CoachReport
    from storybank.core.coverage import Coverage
    from storybank.core.redaction import Redactor, SensitiveRule
    from storybank.core.transfer.records import Choice, ImportPlan, ImportResult

log = logging.getLogger("storybank")

#: Stories analysed per background batch: small enough that reading them and
#: storing their figures on the GUI thread stays well under a frame.
BACKFILL_BATCH = 50
#: A value pack file is a few kilobytes; anything past this is not one.
MAX_PACK_BYTES = 1024 * 1024


def figures_of(report: CoachReport) -> CoachFigures:
    """The figures the story list caches from a coach report."""
    from storybank.core.coach import ANALYZER_VERSION

    return CoachFigures(report.score, report.speaking_seconds, ANALYZER_VERSION)


class StoryService(QObject):
    """Operations on the story bank, with change signals for the views."""

    #: One operation finished: carries the :class:`ChangeSet` naming what changed.
    changed = Signal(ChangeSet)
    #: A worker finished a backfill batch (internal: carries it to the GUI thread).
    _backfill_ready = Signal(object)

    def __init__(self, repo: Repository, data_dir: Path, *, demo: bool = False) -> None:
        super().__init__()
        self.repo = repo
        self.data_dir = data_dir
        self.demo = demo
        self.coach_settings = CoachSettings()
        #: Something was written since the last backup (the exit backup checks it).
        self.changed_since_backup = False
        self._closed = False
        self._backfill_after = 0
        self._watch: QTimer | None = None
        self._backfill_ready.connect(self._store_backfill)

    def announce(self, changes: ChangeSet) -> None:
        """Tell every view what one operation changed (the one way to do so)."""
        if changes.user_data:
            self.changed_since_backup = True
        self.changed.emit(changes)

    # --- reads ------------------------------------------------------------

    def story_ids(
        self,
        query: str = "",
        *,
        value_id: int | None = None,
        tag: str | None = None,
        sort: SortKey = "updated",
        show: ShowKey = "active",
        limit: int | None = None,
    ) -> list[int]:
        """The stories matching a search and filters (the first ``limit`` only, if
        given); a ``tag`` of ``told:COMPANY`` or ``untold:COMPANY`` (see
        :meth:`told_filters`) keeps those told or not to it."""
        told = None
        if tag and tag.startswith(("told:", "untold:")):
            kind, _colon, company = tag.partition(":")
            tag, told = None, (company, kind == "told")
        return self.repo.story_ids(
            query, value_id=value_id, tag=tag, sort=sort, show=show, told=told, limit=limit
        )

    def told_filters(self) -> list[tuple[str, str]]:
        """The list filters "Told to X" and "Not yet told to X" for each company the
        candidate is still interviewing with (the tag filter's data and label)."""
        if not self.repo.has_applications():
            return []
        from storybank.core.applications import ApplicationRepository

        companies = dict.fromkeys(
            a.company for a in ApplicationRepository(self.repo.db).applications()
            if a.is_open and a.company.strip()
        )  # fmt: skip
        return [
            pair
            for company in companies
            for pair in ((f"told:{company}", f"Told to {company}"),
                         (f"untold:{company}", f"Not yet told to {company}"))
        ]  # fmt: skip

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

    def story_answers(self, story_id: int) -> list[StoryAnswer]:
        return self.repo.story_answers(story_id)

    # --- stories ----------------------------------------------------------

    def create_story(
        self, *, tags: Sequence[str] = (), primary_value: int | None = None, **fields: str
    ) -> StoryRecord:
        """A new story, tagged and with a primary value if asked: one operation."""
        record = self.repo.create_story(tags=tags, primary_value=primary_value, **fields)
        self.announce(ChangeSet(story_list=True, tags=bool(tags)))
        return record

    def save_story(
        self, story_id: int, fields: dict[str, str], *, expect: dict[str, str] | None = None
    ) -> datetime:
        """Store changed fields with the coach figures of the story they make.

        With ``expect`` (each field as the editor last read it), a field that
        another program changed since is not overwritten:
        :class:`ChangedElsewhere` is raised and nothing is written.
        """
        record = self.repo.get_story(story_id)
        figures = self._figures(record, fields)
        updated = self.repo.update_story(story_id, fields, figures, expect=expect)
        self.announce(ChangeSet.of_stories([story_id]))
        return updated

    def keep_as_copy(self, story_id: int, fields: dict[str, str]) -> StoryRecord:
        """Save edits that lost a race as a new story beside the one changed elsewhere."""
        record = self.repo.duplicate_story(story_id, fields, suffix="your edits")
        self.announce(ChangeSet(story_list=True))
        return record

    # --- changes made by other programs -----------------------------------

    def watch_for_changes(self, interval_ms: int = 1000) -> None:
        """Look for commits by other programs (the command line) every ``interval_ms``."""
        self.repo.changed_elsewhere()  # the baseline: what this window has seen
        self._watch = QTimer(self)
        self._watch.setInterval(interval_ms)
        self._watch.timeout.connect(self.check_for_changes)
        self._watch.start()

    def check_for_changes(self) -> bool:
        """Announce a change made elsewhere, if any; return whether there was one.

        Every view reloads what it shows; the editor's own text is never
        overwritten (see :meth:`save_story`).
        """
        if self._closed:
            return False
        try:
            changed = self.repo.changed_elsewhere()
        except StorageError as exc:
            log.warning("could not look for changes made elsewhere: %s", exc)
            return False
        if changed:
            self.announce(ChangeSet.everything(elsewhere=True))
            self.start_coach_backfill()  # stories written elsewhere get their figures
        return changed

    def set_story_value(self, story_id: int, value_id: int, strength: Strength | None) -> None:
        """Tag a value; the score (value hints count) is stored in the same transaction."""
        record = self.repo.get_story(story_id)
        values = {k: v for k, v in record.values.items() if k != value_id}
        if strength is not None:
            values[value_id] = strength
        figures = self._figures(dataclasses.replace(record, values=values), {})
        self.repo.set_story_value(story_id, value_id, strength, figures)
        self.announce(ChangeSet.of_stories([story_id]))

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
        from storybank.core.coach import analyze  # the analyzer loads on first use

        return analyze(
            sections, value_keywords=self.value_keywords(values), settings=self.coach_settings
        )

    def story_report(
        self, record: StoryRecord, fields: Mapping[str, str] | None = None
    ) -> CoachReport:
        """The coach's report on a stored story (with ``fields`` in place of its own)."""
        changed = fields or {}
        sections = {name: changed.get(name, record.text(name)) for name in SECTIONS}
        return self.coach_report(sections, record.values)

    def _figures(self, record: StoryRecord, fields: Mapping[str, str]) -> CoachFigures:
        return figures_of(self.story_report(record, fields))

    def start_coach_backfill(self) -> None:
        """Fill in missing or outdated list figures in the background, a batch at a time.

        Stories are read and the figures stored on this (the GUI) thread; the
        analysis runs on a worker thread, so a bank of 100,000 stories after an
        analyzer upgrade does not freeze the window. Each stored batch is
        announced as a derived change set naming its stories.
        """
        self._backfill_after = 0
        self._backfill_step()

    def use_coach_settings(self, settings: CoachSettings) -> None:
        """Analyse with ``settings`` from now on; recompute the list figures if they change.

        The speaking time and the score depend on the speaking rate and the
        target band, so the cached figures of every story are recomputed in
        the background (they stay shown until then).
        """
        if settings == self.coach_settings:
            return
        self.coach_settings = settings
        try:
            self.repo.outdate_coach_figures()
        except StorageError as exc:
            log.warning("coach figures not marked for recomputing: %s", exc)
            return
        self.start_coach_backfill()

    def _backfill_step(self) -> None:
        from storybank.core.coach import ANALYZER_VERSION, analyze

        if self._closed:
            return
        try:
            ids = self.repo.stories_needing_coach(
                ANALYZER_VERSION, BACKFILL_BATCH, after=self._backfill_after
            )
            records = [self.repo.get_story(story_id) for story_id in ids]
            jobs = [
                (r.id, {name: r.text(name) for name in SECTIONS}, self.value_keywords(r.values))
                for r in records
            ]
        except StorageError as exc:
            log.warning("coach figures not filled in: %s", exc)
            return
        if not jobs:
            return
        self._backfill_after = ids[-1]
        settings, ready = self.coach_settings, self._backfill_ready

        def work() -> None:
            figures = {}
            for story_id, sections, keywords in jobs:
                report = analyze(sections, value_keywords=keywords, settings=settings)
                figures[story_id] = figures_of(report)
            try:
                ready.emit((settings, figures))  # queued: stored on the GUI thread
            except RuntimeError:  # the service is gone (the app quit): nothing to store
                log.debug("coach figures computed after the service closed; dropped")

        QThreadPool.globalInstance().start(work)

    def _store_backfill(self, batch: tuple[CoachSettings, dict[int, CoachFigures]]) -> None:
        settings, figures = batch
        if self._closed or settings != self.coach_settings:
            return  # closed, or computed with settings changed since (a new backfill runs)
        try:
            self.repo.set_coach_figures(figures)
        except StorageError as exc:
            log.warning("coach figures not stored: %s", exc)
            return
        self.announce(ChangeSet.of_stories(figures, derived=True))
        QTimer.singleShot(0, self._backfill_step)

    def dismissed_keys(self, story_id: int) -> set[str]:
        return self.repo.dismissed_keys(story_id)

    def set_dismissed(self, story_id: int, key: str, dismissed: bool) -> None:
        self.repo.set_dismissed(story_id, key, dismissed)
        self.announce(ChangeSet(dismissed=frozenset([story_id])))

    def set_story_tags(self, story_id: int, names: Iterable[str]) -> tuple[str, ...]:
        tags = self.repo.set_story_tags(story_id, names)
        self.announce(ChangeSet.of_stories([story_id], tags=True))
        return tags

    def duplicate_story(self, story_id: int) -> StoryRecord:
        record = self.repo.duplicate_story(story_id)
        self.announce(ChangeSet(story_list=True))
        return record

    def set_trashed(self, story_id: int, trashed: bool) -> None:
        self.repo.set_trashed(story_id, trashed)
        self.announce(ChangeSet(story_list=True))

    def set_archived(self, story_id: int, archived: bool) -> None:
        self.repo.set_archived(story_id, archived)
        self.announce(ChangeSet(story_list=True))

    def purge_story(self, story_id: int) -> None:
        self.repo.purge_story(story_id)
        self.announce(ChangeSet(story_list=True, tags=True, attempts=True))

    # --- packs and values -------------------------------------------------

    def set_pack_active(self, pack_id: int, active: bool) -> None:
        self.repo.set_pack_active(pack_id, active)
        self.announce(ChangeSet(values=True))

    def tellings(self, story_id: int) -> dict[int, str]:
        """A story's tellings by target length in seconds."""
        return self.repo.tellings([story_id]).get(story_id, {})

    def set_telling(self, story_id: int, seconds: int, text: str) -> None:
        """Keep a story's telling of ``seconds``; an empty one is removed."""
        if seconds not in LENGTHS:
            raise ValueError(f"a telling is {', '.join(map(str, LENGTHS))} seconds long")
        self.repo.set_telling(story_id, seconds, text)
        self.announce(ChangeSet(tellings=frozenset({story_id})))

    def create_pack(self, name: str, description: str = "") -> PackInfo:
        """A pack of one's own, on, empty; values are added to it like to any pack."""
        pack_id = self.repo.create_pack(name, description)
        self.announce(ChangeSet(values=True))
        return next(p for p in self.repo.packs() if p.id == pack_id)

    def update_pack(self, pack_id: int, name: str, description: str) -> None:
        self.repo.update_pack(pack_id, name, description)
        self.announce(ChangeSet(values=True))

    def remove_pack(self, pack_id: int) -> None:
        """Delete a pack of one's own; the stories stay, and their tagging comes back
        if the same pack is imported again."""
        self.repo.remove_pack(pack_id)
        self.announce(ChangeSet(values=True, story_list=True))

    def pack_story_count(self, pack_id: int) -> int:
        return self.repo.pack_story_count(pack_id)

    def export_pack(self, pack_id: int, path: Path) -> None:
        """Write a pack as a TOML file in the built-in packs' format (whole or not at all)."""
        from storybank.core.packs import pack_toml
        from storybank.core.transfer.files import write_atomic

        pack = next(p for p in self.repo.packs() if p.id == pack_id)
        write_atomic(path, pack_toml(pack, utcnow().date().isoformat()).encode("utf-8"))

    def import_pack(self, path: Path) -> PackInfo:
        """Read a pack file in as one's own and turn it on; PackError naming the file,
        the line and the reason when it is not a pack, or the bank already has it."""
        from storybank.core.packs import PackError, load_pack

        try:
            size = path.stat().st_size
        except OSError as exc:
            raise PackError(f"{path.name}: {exc.strerror or exc}") from None
        if size > MAX_PACK_BYTES:
            raise PackError(f"{path.name}: {size // 1024} KB is too big for a value pack")
        pack_id = self.repo.import_pack(load_pack(path))
        self.announce(ChangeSet(values=True, story_list=True))
        return next(p for p in self.repo.packs() if p.id == pack_id)

    def add_value(self, pack_id: int, name: str, description: str = "") -> ValueInfo:
        value = self.repo.add_value(pack_id, name, description)
        self.announce(ChangeSet(values=True))
        return value

    def rename_value(self, value_id: int, name: str) -> None:
        self.repo.rename_value(value_id, name)
        self.announce(ChangeSet(values=True))

    def move_value(self, value_id: int, delta: int) -> None:
        self.repo.move_value(value_id, delta)
        self.announce(ChangeSet(values=True))

    def set_value_hidden(self, value_id: int, hidden: bool) -> None:
        self.repo.set_value_hidden(value_id, hidden)
        self.announce(ChangeSet(values=True))

    # --- confidential details -------------------------------------------------

    def sensitive_terms(self) -> list[SensitiveRule]:
        return self.repo.sensitive_terms()

    def has_sensitive_terms(self) -> bool:
        return self.repo.has_sensitive_terms()

    def redactor(self) -> Redactor:
        """The confidential details listed, ready to find and to hide."""
        from storybank.core.redaction import Redactor

        return Redactor(self.repo.sensitive_terms())

    def add_sensitive_term(self, term: str, alias: str = "") -> SensitiveRule:
        """List a term to hide; TermError (with a one-line reason) when it cannot be."""
        rule = self.repo.add_sensitive_term(term, alias)
        self.announce(ChangeSet(confidential=True))
        return rule

    def update_sensitive_term(self, term_id: int, term: str, alias: str) -> None:
        self.repo.update_sensitive_term(term_id, term, alias)
        self.announce(ChangeSet(confidential=True))

    def remove_sensitive_term(self, term_id: int) -> None:
        self.repo.remove_sensitive_term(term_id)
        self.announce(ChangeSet(confidential=True))

    def set_sensitive_pattern(self, key: str, on: bool, alias: str = "") -> None:
        self.repo.set_sensitive_pattern(key, on, alias)
        self.announce(ChangeSet(confidential=True))

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
        self.announce(ChangeSet.everything())
        return safety

    # --- export and import ------------------------------------------------

    def export_markdown(self, folder: Path, *, redact: bool = False) -> list[Path]:
        """Every story as a Markdown file; with ``redact``, confidential details
        replaced by their aliases (in the file names too)."""
        from storybank.core.transfer.export import export_markdown

        return export_markdown(self.repo, folder, self.redactor() if redact else None)

    def loop_notes(self, story_id: int) -> list[str]:
        """The story's angle for each open application, and where it was already told."""
        if not self.repo.has_applications():
            return []  # most banks: the applications module need not load at start-up
        from storybank.core.applications import ApplicationRepository

        return ApplicationRepository(self.repo.db).story_notes(story_id)

    def take_count(self) -> int:
        """How many answers have a recorded take tied to them."""
        from storybank.core.practice_repository import PracticeRepository

        return len(PracticeRepository(self.repo.db).takes())

    def export_json(self, path: Path, *, recordings: bool = False, redact: bool = False) -> int:
        """Everything as one JSON file; the recorded takes copied beside it only if
        asked (returns how many were); with ``redact``, confidential details
        replaced by their aliases (and never a recording: it says them aloud)."""
        from storybank.core.transfer.export import export_json

        redactor = self.redactor() if redact else None
        return export_json(self.repo, path, recordings=recordings, redactor=redactor)

    def plan_import(self, path: Path) -> ImportPlan:
        """Read a JSON export, a Markdown file or a folder of them; plan the import."""
        from storybank.core.transfer.plan import plan_import
        from storybank.core.transfer.reading import read_import

        return plan_import(self.repo, read_import(path))

    def apply_import(
        self,
        plan: ImportPlan,
        choices: Mapping[str, Choice] | None = None,
        *,
        default: Choice | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Back up, then write the plan in one transaction (all or nothing)."""
        from storybank.core.transfer.plan import apply_import
        from storybank.core.transfer.records import Choice

        self.back_up("before-import")
        result = apply_import(
            self.repo, plan, choices, default=default or Choice.KEEP_BOTH, progress=progress
        )
        self.announce(ChangeSet.everything())
        self.start_coach_backfill()  # the imported stories' scores and times
        return result

    def damage(self) -> str | None:
        """What the background integrity check found wrong with the file, once it is done.

        None while it runs and when the file is sound.
        """
        check = self.repo.db.integrity
        if check is None or not check.done() or check.problem is None:
            return None
        return f"{check.path}: {check.problem}"

    def integrity_checked(self) -> bool:
        """Whether the background integrity check has finished (or never ran)."""
        check = self.repo.db.integrity
        return check is None or check.done()

    def start_integrity_check(self) -> None:
        """Start the background integrity check, once the window is up (if not yet)."""
        if self.repo.db.integrity is not None:
            self.repo.db.integrity.start()

    def close(self) -> None:
        self._closed = True
        if self._watch is not None:
            self._watch.stop()
        self.repo.db.close()
