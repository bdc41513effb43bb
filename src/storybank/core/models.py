"""Table models (SQLModel) and the plain snapshots handed to the GUI.

Tables live here and nowhere else. Services never hand out live ORM objects:
they return the frozen dataclasses at the end of this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

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


class Story(SQLModel, table=True):
    """A career story in STAR form."""

    __tablename__ = "story"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    title: str = ""
    company: str = ""
    role: str = ""
    period: str = ""
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    reflection: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    archived: bool = False
    deleted_at: datetime | None = None


class Framework(SQLModel, table=True):
    """A value pack: a company's culture values (built-in or the user's own)."""

    __tablename__ = "framework"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String, unique=True, nullable=False))
    name: str
    version: int = 1
    date: str = ""
    source: str = ""
    description: str = ""
    builtin: bool = False
    active: bool = False
    position: int = 0


class Value(SQLModel, table=True):
    """One value of a pack, e.g. candor."""

    __tablename__ = "value"
    __table_args__ = (UniqueConstraint("framework_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(
        sa_column=Column(Integer, ForeignKey("framework.id", ondelete="CASCADE"), nullable=False)
    )
    key: str
    name: str
    description: str = ""
    keywords: str = ""
    position: int = 0
    hidden: bool = False
    builtin: bool = False
    renamed: bool = False


class StoryValue(SQLModel, table=True):
    """Link: a story shows a value, as primary or supporting evidence."""

    __tablename__ = "story_value"
    __table_args__ = (CheckConstraint("strength IN ('primary', 'supporting')"),)

    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    value_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("value.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    strength: str = Strength.PRIMARY.value


class Tag(SQLModel, table=True):
    """A free theme such as "failure" or "feedback"."""

    __tablename__ = "tag"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(collation="NOCASE"), unique=True, nullable=False))


class StoryTag(SQLModel, table=True):
    """Link: a story carries a tag."""

    __tablename__ = "story_tag"

    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


# --- Snapshots: plain, immutable data handed across the service boundary ---


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
