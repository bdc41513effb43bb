"""The records of export and import: what leaves the bank, what a file offers,
what a plan would do and what an import did. Frozen, and free of I/O.

Imports nothing of Storybank but :mod:`storybank.core.records` and
:mod:`storybank.core.prompts` (two leaves), so that any
module (the repository, the writes, the Markdown format) can name them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from storybank.core.prompts import Prompt
from storybank.core.records import TEXT_FIELDS, PackInfo, Strength

if TYPE_CHECKING:
    from storybank.core.loops import QuestionToAsk
    from storybank.core.practice import ReviewState

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ApplicationRecord",
    "AttemptRecord",
    "BankStory",
    "Choice",
    "DebriefRecord",
    "DismissedRecord",
    "ExportStory",
    "ImportBundle",
    "ImportItem",
    "ImportPlan",
    "ImportResult",
    "ItemKind",
    "PackRecord",
    "PackValueRecord",
    "PromptRecord",
    "RoundRecord",
    "SourceStory",
    "StoryWrite",
    "TellingRecord",
    "ValueRef",
]

FORMAT_NAME = "storybank"
FORMAT_VERSION = 1


# --- what an export writes and an import reads --------------------------------


@dataclass(frozen=True)
class ExportStory:
    """A story as it leaves the bank: its text, times, and values by key."""

    uuid: str
    title: str
    company: str
    role: str
    period: str
    situation: str
    task: str
    action: str
    result: str
    reflection: str
    created_at: datetime
    updated_at: datetime
    archived: bool
    values: dict[str, Strength] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceStory:
    """A story read from an import file, before it is matched to the bank.

    Values are named as the file names them (a key, a name in any case, or
    ``pack/key``); ``None`` means the file does not say.
    """

    origin: str
    uuid: str | None
    title: str = ""
    company: str = ""
    role: str = ""
    period: str = ""
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    reflection: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived: bool | None = None
    values: dict[str, Strength] = field(default_factory=dict)
    tags: tuple[str, ...] = ()

    def text_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}


@dataclass(frozen=True)
class PackValueRecord:
    """One value of a pack as exported: the user's name, order and visibility."""

    key: str
    name: str
    description: str
    position: int
    hidden: bool
    builtin: bool
    renamed: bool
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackRecord:
    """A value pack as exported: whether it is in use, and its values."""

    key: str
    name: str
    version: int
    date: str
    source: str
    description: str
    builtin: bool
    active: bool
    position: int
    values: tuple[PackValueRecord, ...] = ()
    url: str = ""
    published: str = ""
    checked: bool = False
    note: str = ""
    removed: bool = False

    @classmethod
    def of(cls, pack: PackInfo) -> PackRecord:
        """The export record of a pack as the bank shows it."""
        return cls(
            key=pack.key,
            name=pack.name,
            version=pack.version,
            date=pack.date,
            source=pack.source,
            description=pack.description,
            builtin=pack.builtin,
            active=pack.active,
            position=pack.position,
            values=tuple(
                PackValueRecord(
                    key=v.key,
                    name=v.name,
                    description=v.description,
                    position=v.position,
                    hidden=v.hidden,
                    builtin=v.builtin,
                    renamed=v.renamed,
                    themes=v.themes,
                )
                for v in pack.values
            ),
            url=pack.url,
            published=pack.published,
            checked=pack.checked,
            note=pack.note,
            removed=pack.removed,
        )


@dataclass(frozen=True)
class PromptRecord:
    """A prompt of the user's own, or a built-in one they edited or hid."""

    uuid: str
    text: str
    theme: str
    values: tuple[str, ...]
    follow_ups: tuple[str, ...]
    builtin: bool
    hidden: bool
    edited: bool

    @classmethod
    def of(cls, prompt: Prompt) -> PromptRecord:
        """The export record of a prompt as the bank holds it."""
        return cls(
            uuid=prompt.uuid,
            text=prompt.text,
            theme=prompt.theme,
            values=prompt.values,
            follow_ups=prompt.follow_ups,
            builtin=prompt.builtin,
            hidden=prompt.hidden,
            edited=prompt.edited,
        )


@dataclass(frozen=True)
class AttemptRecord:
    """One practised answer; prompt and story named by uuid."""

    prompt_uuid: str
    story_uuid: str | None
    started_at: datetime
    duration: float
    rating: int | None
    notes: str
    session: str
    #: The candidate's own rubric ratings and the coach's readings at the time
    #: (see core/self_rating.py); empty in files written before they existed.
    self_rubric: Mapping[str, int] = field(default_factory=dict)
    coach_rubric: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DebriefRecord:
    """One question of a round as it went; the story named by uuid."""

    question: str
    story_uuid: str | None
    outcome: str
    notes: str
    prompt_uuid: str | None = None


@dataclass(frozen=True)
class RoundRecord:
    """One round of an application's loop, with its debrief."""

    uuid: str
    kind: str
    name: str
    scheduled_at: datetime | None
    minutes: int
    interviewer_name: str
    interviewer_role: str
    focus: str
    themes: tuple[str, ...]
    questions: tuple[str, ...]
    asked: tuple[str, ...]
    done: bool
    notes: str
    debrief: tuple[DebriefRecord, ...] = ()


@dataclass(frozen=True)
class ApplicationRecord:
    """One application with its rounds and its stories' angles (stories by uuid)."""

    uuid: str
    company: str
    role: str
    team: str
    status: str
    packs: tuple[str, ...]
    template: str
    applied_on: str
    notes: str
    pitch_intro: str
    pitch_why: str
    created_at: datetime
    updated_at: datetime
    rounds: tuple[RoundRecord, ...] = ()
    #: (story uuid, angle), in the order stories were given one.
    angles: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DismissedRecord:
    """A coach finding the user dismissed for a story."""

    story_uuid: str
    key: str


@dataclass(frozen=True)
class TellingRecord:
    """A story told to a length (30, 120 or 180 seconds), by the story's uuid."""

    story_uuid: str
    seconds: int
    text: str


@dataclass(frozen=True)
class ImportBundle:
    """Everything one import offers: stories, and (from JSON) the rest of a bank."""

    source: str
    stories: tuple[SourceStory, ...] = ()
    packs: tuple[PackRecord, ...] = ()
    prompts: tuple[PromptRecord, ...] = ()
    attempts: tuple[AttemptRecord, ...] = ()
    reviews: tuple[ReviewState, ...] = ()
    dismissed: tuple[DismissedRecord, ...] = ()
    applications: tuple[ApplicationRecord, ...] = ()
    #: Questions to ask the user wrote or changed (bank uuids, as the bank keeps them).
    questions: tuple[QuestionToAsk, ...] = ()
    tellings: tuple[TellingRecord, ...] = ()
    #: Entries of a folder left unread, each with why (links, pipes ...).
    skipped: tuple[str, ...] = ()

    @property
    def extra_count(self) -> int:
        """How many records besides stories (each one step of progress)."""
        return (
            len(self.packs)
            + len(self.prompts)
            + len(self.attempts)
            + len(self.reviews)
            + len(self.dismissed)
            + len(self.applications)
            + len(self.questions)
            + len(self.tellings)
        )


# --- plans and results ----------------------------------------------------------


class ItemKind(StrEnum):
    """What importing one story would do to the bank."""

    NEW = "new"  # no story with its uuid (or it has none)
    UNCHANGED = "unchanged"  # the bank already holds the same content
    UPDATED = "updated"  # the file's copy is newer: it replaces the bank's
    CONFLICT = "conflict"  # both differ, and the bank's copy is as new or newer
    DUPLICATE = "duplicate"  # its uuid appears earlier in the same import: skipped


class Choice(StrEnum):
    """What to do with a conflict."""

    KEEP_BOTH = "keep-both"  # import as a new story, titled "... (imported)"
    KEEP_NEWER = "keep-newer"  # the copy with the later updated time wins
    REPLACE = "replace"  # the imported copy wins
    SKIP = "skip"  # the bank's copy stays, the imported one is dropped


ValueRef = tuple[str, str]  # (pack key, value key): a value, the same in any bank


@dataclass(frozen=True)
class BankStory:
    """A story already in the bank (the trash too), as an import is matched against it."""

    id: int
    uuid: str
    updated_at: datetime
    archived: bool
    trashed: bool
    fields: dict[str, str]
    values: tuple[tuple[ValueRef, Strength], ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportItem:
    """One story of a plan: what it is, what importing it would do, and why."""

    story: SourceStory
    kind: ItemKind
    bank_id: int | None = None
    bank_title: str = ""
    bank_updated_at: datetime | None = None
    values: tuple[tuple[ValueRef, Strength], ...] = ()
    tags: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do, story by story; nothing is written yet."""

    bundle: ImportBundle
    items: tuple[ImportItem, ...]
    problems: tuple[str, ...] = ()
    #: What the import does to the packs in use ("Turns on the pack “…”"), in words.
    pack_changes: tuple[str, ...] = ()

    def summary(self) -> dict[ItemKind, int]:
        """How many stories of each kind (every kind present, zeros included)."""
        counts = dict.fromkeys(ItemKind, 0)
        for item in self.items:
            counts[item.kind] += 1
        return counts

    @property
    def conflicts(self) -> tuple[ImportItem, ...]:
        return tuple(item for item in self.items if item.kind is ItemKind.CONFLICT)


@dataclass(frozen=True)
class StoryWrite:
    """One story change of an import, as :func:`storybank.core.writes.apply_import` runs it."""

    uuid: str
    fields: dict[str, str]
    values: tuple[tuple[ValueRef, Strength], ...]
    tags: tuple[str, ...]
    created_at: datetime | None
    updated_at: datetime | None
    archived: bool | None
    bank_id: int | None = None  # None: a new story
    expect_updated_at: datetime | None = None  # the bank's copy as planned
    kept_both: bool = False


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    added: int = 0
    updated: int = 0
    kept_both: int = 0
    unchanged: int = 0
    skipped: int = 0
    values_added: int = 0
    prompts_saved: int = 0
    attempts_added: int = 0
    reviews_saved: int = 0
    findings_added: int = 0
    applications_added: int = 0
    questions_added: int = 0
    tellings_added: int = 0
    story_ids: tuple[int, ...] = ()  # stories added or changed, for views to refresh
