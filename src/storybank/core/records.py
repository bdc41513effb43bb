"""Plain data shared by every layer: field names, strengths and the frozen
snapshots that services hand to the GUI (never live ORM objects).

Importing this module is cheap: it pulls in no ORM, so the start-up path and
the read path stay fast.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

STAR_SECTIONS: tuple[str, ...] = ("situation", "task", "action", "result")
SECTIONS: tuple[str, ...] = (*STAR_SECTIONS, "reflection")
CONTEXT_FIELDS: tuple[str, ...] = ("company", "role", "period")
TEXT_FIELDS: tuple[str, ...] = ("title", *CONTEXT_FIELDS, *SECTIONS)


def utcnow() -> datetime:
    """Now, in UTC: every stored time is UTC."""
    return datetime.now(UTC)


class Strength(StrEnum):
    """How strongly a story shows a value."""

    PRIMARY = "primary"
    SUPPORTING = "supporting"


@dataclass(frozen=True, slots=True)
class ValueInfo:
    """A value as the GUI shows it."""

    id: int
    framework_id: int
    key: str
    name: str
    description: str
    keywords: tuple[str, ...]
    position: int
    hidden: bool
    builtin: bool
    #: The user renamed it (a pack upgrade keeps their name).
    renamed: bool = False
    #: The prompt themes that probe it, likeliest first.
    themes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PackInfo:
    """A value pack with its values, in display order."""

    id: int
    key: str
    name: str
    version: int
    date: str
    source: str
    description: str
    builtin: bool
    active: bool
    values: tuple[ValueInfo, ...] = ()
    #: Where it stands among the packs.
    position: int = 0
    #: Where its names come from: the page, when published, whether they were
    #: checked against it, and a note on what could not be.
    url: str = ""
    published: str = ""
    checked: bool = False
    note: str = ""
    #: Deleted by the user (kept out of sight, so a re-import finds its tagging).
    removed: bool = False


#: The self-ratings of a practice answer (1-4, as stored), by name.
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@dataclass(frozen=True, slots=True)
class StoryAnswer:
    """One practice answer told with a story: the prompt, when and how it went."""

    prompt: str
    started_at: datetime
    duration: float
    rating: int | None


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One line of the story list: enough to show and sort, not the full text."""

    id: int
    title: str
    company: str
    role: str
    period: str
    updated_at: datetime
    archived: bool
    deleted: bool
    primary_values: tuple[str, ...] = ()
    supporting_values: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    score: int | None = None
    speaking_seconds: float | None = None
    coach_version: int | None = None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A whole story: its text, its values (value id -> strength) and its tags."""

    id: int
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
    deleted: bool
    values: dict[int, Strength] = field(default_factory=dict)
    tags: tuple[str, ...] = ()

    def text(self, name: str) -> str:
        """The text of one of :data:`TEXT_FIELDS`."""
        if name not in TEXT_FIELDS:
            raise KeyError(name)
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class CoachFigures:
    """A story's cached coach figures, and the analyzer version that made them."""

    score: int
    speaking_seconds: float
    version: int


def json_list(raw: str | None) -> tuple[str, ...]:
    """A stored JSON list of strings; anything else reads as empty."""
    try:
        data = json.loads(raw or "[]")
    except ValueError:
        return ()
    if not isinstance(data, list):
        return ()
    return tuple(item for item in data if isinstance(item, str))


def dump_list(items: Iterable[str]) -> str:
    return json.dumps(list(dict.fromkeys(items)), ensure_ascii=False)
