"""Table models (SQLModel): the schema, in one place.

Only the write path imports this module (it pulls in SQLAlchemy and
pydantic); reads use plain SQL and return the snapshots in ``records``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storybank.core.records import Strength, utcnow


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
    coach_score: int | None = None
    speaking_seconds: float | None = None
    coach_version: int | None = None


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


class DismissedFinding(SQLModel, table=True):
    """A coach finding the user dismissed for one story (by its stable key)."""

    __tablename__ = "dismissed_finding"

    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("story.id", ondelete="CASCADE"), primary_key=True)
    )
    key: str = Field(sa_column=Column(String, primary_key=True))


class Prompt(SQLModel, table=True):
    """An interview prompt: built-in (from resources/prompts) or the user's own."""

    __tablename__ = "prompt"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    text: str
    theme: str = ""
    follow_ups: str = ""
    builtin: bool = False
    hidden: bool = False
    edited: bool = False
    bank_version: int = 0


class PromptValue(SQLModel, table=True):
    """Link: a prompt probes a value (by key, across packs)."""

    __tablename__ = "prompt_value"

    prompt_id: int = Field(
        sa_column=Column(Integer, ForeignKey("prompt.id", ondelete="CASCADE"), primary_key=True)
    )
    value_key: str = Field(sa_column=Column(String, primary_key=True))


class ReviewState(SQLModel, table=True):
    """A prompt's spaced-repetition state (an FSRS card, as JSON)."""

    __tablename__ = "review_state"

    prompt_id: int = Field(
        sa_column=Column(Integer, ForeignKey("prompt.id", ondelete="CASCADE"), primary_key=True)
    )
    due: datetime
    card_json: str
    reps: int = 0
    lapses: int = 0
    last_rating: int | None = None


class Attempt(SQLModel, table=True):
    """One answer given out loud: which prompt, which story, how long, how it went."""

    __tablename__ = "attempt"

    id: int | None = Field(default=None, primary_key=True)
    prompt_id: int = Field(
        sa_column=Column(Integer, ForeignKey("prompt.id", ondelete="CASCADE"), nullable=False)
    )
    story_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("story.id", ondelete="SET NULL"), nullable=True),
    )
    started_at: datetime
    duration: float = 0.0
    rating: int | None = None
    notes: str = ""
    session: str = ""
    #: The candidate's own rubric ratings and the coach's readings of the story
    #: told, as JSON (see core/self_rating.py); None when there are none.
    self_rubric: str | None = None
    coach_rubric: str | None = None
    #: The recorded take's file name in the recordings folder and the delivery
    #: measured from it, as JSON (see core/recordings.py); None when not recorded.
    recording: str | None = None
    delivery: str | None = None
