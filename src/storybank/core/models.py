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
    #: Where the names come from: the page, when published, checked or not, a note.
    url: str = ""
    published: str = ""
    checked: bool = False
    note: str = ""
    #: A pack of one's own deleted: out of sight, its values and tagging kept.
    removed: bool = False


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
    #: JSON list of the prompt themes that probe it.
    themes: str = "[]"


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


class Application(SQLModel, table=True):
    """One company's interview process the candidate is preparing for."""

    __tablename__ = "application"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    company: str = ""
    role: str = ""
    team: str = ""
    #: preparing, interviewing, offer or closed (core/applications.py).
    status: str = "preparing"
    #: The value packs it is judged against, as a JSON list of pack keys.
    packs: str = "[]"
    #: The loop template its rounds came from ("" when made by hand).
    template: str = ""
    applied_on: str = ""
    notes: str = ""
    #: "Tell me about yourself" and "Why this company?", as the candidate wrote them.
    pitch_intro: str = ""
    pitch_why: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class InterviewRound(SQLModel, table=True):
    """One round of an application's loop, and what was asked in it."""

    __tablename__ = "interview_round"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    application_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int = 0
    kind: str = "other"
    name: str = ""
    scheduled_at: datetime | None = None
    minutes: int = 45
    interviewer_name: str = ""
    interviewer_role: str = ""
    focus: str = ""
    #: JSON lists: the prompt themes likely, the questions to ask chosen and asked.
    themes: str = "[]"
    questions: str = "[]"
    asked: str = "[]"
    done: bool = False
    notes: str = ""


class Debrief(SQLModel, table=True):
    """One question of a round as it went: which story was told, and how it landed."""

    __tablename__ = "debrief"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("interview_round.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    position: int = 0
    prompt_uuid: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))
    question: str = ""
    story_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("story.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    #: strong, okay or missed.
    outcome: str = "okay"
    notes: str = ""


class Angle(SQLModel, table=True):
    """A one-line angle on a story for one application ("lead with the candor part")."""

    __tablename__ = "angle"
    __table_args__ = (UniqueConstraint("application_id", "story_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(
        sa_column=Column(Integer, ForeignKey("application.id", ondelete="CASCADE"), nullable=False)
    )
    story_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("story.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    text: str = ""


class AskQuestion(SQLModel, table=True):
    """A question to ask the interviewer: the user's own, or their edit of a built-in one."""

    __tablename__ = "ask_question"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(sa_column=Column(String(36), unique=True, nullable=False))
    text: str = ""
    #: JSON list of round kinds, "general" for any round.
    kinds: str = "[]"
    why: str = ""
    hidden: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class StoryVersion(SQLModel, table=True):
    """A story told to a target length (30, 120 or 180 seconds), beside the full one."""

    __tablename__ = "story_version"
    __table_args__ = (UniqueConstraint("story_id", "seconds"),)

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("story.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    seconds: int = 120
    text: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class SensitiveTerm(SQLModel, table=True):
    """A confidential detail a redacted rendering replaces with its alias: a term
    (a customer, a project), or a built-in pattern (``kind`` "pattern", ``term``
    its key: currency amounts, e-mail addresses)."""

    __tablename__ = "sensitive_term"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = "term"
    term: str = ""
    alias: str = ""
    position: int = 0
