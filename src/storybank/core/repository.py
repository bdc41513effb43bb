"""Queries and changes on the story bank, returning plain snapshots.

Every method runs one short transaction. Errors from SQLite surface as
:class:`~storybank.core.database.StorageError` with a message a user can read.
"""

from __future__ import annotations

import re
import sqlite3
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal, TypeVar

from sqlalchemy import func, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from storybank.core.database import Database, StorageError
from storybank.core.interchange import ParsedStory
from storybank.core.models import (
    TEXT_FIELDS,
    Framework,
    PackInfo,
    Story,
    StoryRecord,
    StoryRow,
    StoryTag,
    StoryValue,
    Strength,
    Tag,
    Value,
    ValueInfo,
    utcnow,
)
from storybank.core.packs import Pack, value_key

T = TypeVar("T")
SortKey = Literal["updated", "title"]
ShowKey = Literal["active", "archived", "trash"]

MAX_TAG_LENGTH = 60
_WORD = re.compile(r"\w+", re.UNICODE)


class NotFound(StorageError):
    """The story or value no longer exists."""


def fts_query(query: str) -> str | None:
    """Turn what the user typed into an FTS5 query: every word, as a prefix."""
    words = _WORD.findall(query)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def _value_info(value: Value) -> ValueInfo:
    assert value.id is not None
    return ValueInfo(
        id=value.id,
        framework_id=value.framework_id,
        key=value.key,
        name=value.name,
        description=value.description,
        keywords=tuple(k for k in value.keywords.split("\n") if k),
        position=value.position,
        hidden=value.hidden,
        builtin=value.builtin,
    )


def _parse_time(raw: str | datetime) -> datetime:
    when = raw if isinstance(raw, datetime) else datetime.fromisoformat(raw)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def clean_tag(name: str) -> str:
    """Normalise a tag as typed: trimmed, inner spaces folded, length capped."""
    return " ".join(name.split())[:MAX_TAG_LENGTH]


class Repository:
    """All reads and writes of stories, packs, values and tags."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- transactions -----------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with _plain_errors(), self.db.write() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with _plain_errors(), self.db.read() as session:
            yield session

    # --- packs and values -------------------------------------------------

    def sync_packs(self, packs: Iterable[Pack]) -> None:
        """Bring built-in packs up to date without touching the user's choices.

        New packs and values are added; a value the user renamed keeps its
        name; position, hidden state and every story's tagging are kept. A
        value dropped from a newer pack is hidden, never deleted.
        """
        with self._write() as session:
            existing = {f.key: f for f in session.exec(select(Framework))}
            for position, pack in enumerate(packs):
                framework = existing.get(pack.key)
                if framework is not None and framework.version >= pack.version:
                    continue
                if framework is None:
                    framework = Framework(
                        key=pack.key, name=pack.name, active=pack.default_active, position=position
                    )
                framework.name = pack.name
                framework.version = pack.version
                framework.date = pack.date
                framework.source = pack.source
                framework.description = pack.description
                framework.builtin = True
                session.add(framework)
                session.flush()
                values = {
                    v.key: v
                    for v in session.exec(select(Value).where(Value.framework_id == framework.id))
                }
                keys = {pv.key for pv in pack.values}
                for index, pack_value in enumerate(pack.values):
                    value = values.get(pack_value.key)
                    if value is None:
                        assert framework.id is not None
                        value = Value(
                            framework_id=framework.id,
                            key=pack_value.key,
                            name=pack_value.name,
                            position=index,
                        )
                    elif not value.renamed:
                        value.name = pack_value.name
                    value.description = pack_value.description
                    value.keywords = "\n".join(pack_value.keywords)
                    value.builtin = True
                    session.add(value)
                for key, value in values.items():
                    if value.builtin and key not in keys:
                        value.hidden = True
                        session.add(value)

    def packs(self) -> list[PackInfo]:
        """Every pack with all its values (hidden ones too), in display order."""
        with self._read() as session:
            frameworks = session.exec(
                select(Framework).order_by(col(Framework.position), col(Framework.id))
            ).all()
            values: dict[int, list[ValueInfo]] = defaultdict(list)
            for value in session.exec(select(Value).order_by(col(Value.position), col(Value.id))):
                values[value.framework_id].append(_value_info(value))
            return [
                PackInfo(
                    id=f.id or 0,
                    key=f.key,
                    name=f.name,
                    version=f.version,
                    date=f.date,
                    source=f.source,
                    description=f.description,
                    builtin=f.builtin,
                    active=f.active,
                    values=tuple(values[f.id or 0]),
                )
                for f in frameworks
            ]

    def active_values(self) -> list[ValueInfo]:
        """Visible values of the active packs, in display order."""
        return [
            value
            for pack in self.packs()
            if pack.active
            for value in pack.values
            if not value.hidden
        ]

    def set_pack_active(self, pack_id: int, active: bool) -> None:
        with self._write() as session:
            framework = _get(session, Framework, pack_id)
            framework.active = active
            session.add(framework)

    def add_value(self, pack_id: int, name: str, description: str = "") -> ValueInfo:
        """Add a value of the user's own to a pack, at the end."""
        name = " ".join(name.split())
        if not name:
            raise StorageError("A value needs a name.")
        with self._write() as session:
            _get(session, Framework, pack_id)
            taken = set(session.exec(select(Value.key).where(Value.framework_id == pack_id)))
            base = key = value_key(name)
            suffix = 2
            while key in taken:
                key, suffix = f"{base}-{suffix}", suffix + 1
            last = session.exec(
                select(func.max(Value.position)).where(Value.framework_id == pack_id)
            ).one()
            value = Value(
                framework_id=pack_id,
                key=key,
                name=name,
                description=description,
                position=(last or 0) + 1,
            )
            session.add(value)
            session.flush()
            return _value_info(value)

    def rename_value(self, value_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise StorageError("A value needs a name.")
        with self._write() as session:
            value = _get(session, Value, value_id)
            value.name = name
            value.renamed = True
            session.add(value)

    def set_value_hidden(self, value_id: int, hidden: bool) -> None:
        with self._write() as session:
            value = _get(session, Value, value_id)
            value.hidden = hidden
            session.add(value)

    def move_value(self, value_id: int, delta: int) -> None:
        """Move a value up (negative) or down (positive) within its pack."""
        with self._write() as session:
            value = _get(session, Value, value_id)
            siblings = list(
                session.exec(
                    select(Value)
                    .where(Value.framework_id == value.framework_id)
                    .order_by(col(Value.position), col(Value.id))
                )
            )
            index = next(i for i, v in enumerate(siblings) if v.id == value_id)
            target = max(0, min(len(siblings) - 1, index + delta))
            siblings.insert(target, siblings.pop(index))
            for position, sibling in enumerate(siblings):
                if sibling.position != position:
                    sibling.position = position
                    session.add(sibling)

    # --- stories ----------------------------------------------------------

    def list_stories(
        self,
        query: str = "",
        *,
        value_id: int | None = None,
        tag: str | None = None,
        sort: SortKey = "updated",
        show: ShowKey = "active",
    ) -> list[StoryRow]:
        """The stories matching a search and filters, as list rows."""
        where = {
            "active": "s.deleted_at IS NULL AND s.archived = 0",
            "archived": "s.deleted_at IS NULL AND s.archived = 1",
            "trash": "s.deleted_at IS NOT NULL",
        }[show]
        clauses = [where]
        params: dict[str, object] = {}
        join = ""
        if query.strip():
            match = fts_query(query)
            if match is None:
                clauses.append("(s.title LIKE :like OR s.action LIKE :like)")
                params["like"] = f"%{query.strip()}%"
            else:
                join = "JOIN story_fts ON story_fts.rowid = s.id"
                clauses.append("story_fts MATCH :match")
                params["match"] = match
        if value_id is not None:
            clauses.append("s.id IN (SELECT story_id FROM story_value WHERE value_id = :value)")
            params["value"] = value_id
        if tag:
            clauses.append(
                "s.id IN (SELECT st.story_id FROM story_tag st JOIN tag t ON t.id = st.tag_id "
                "WHERE t.name = :tag)"
            )
            params["tag"] = tag
        order = "s.title COLLATE NOCASE, s.id" if sort == "title" else "s.updated_at DESC, s.id"
        sql = (
            "SELECT s.id, s.title, s.company, s.role, s.period, s.updated_at, s.archived, "
            f"s.deleted_at IS NOT NULL FROM story s {join} "
            f"WHERE {' AND '.join(clauses)} ORDER BY {order}"
        )
        with self._read() as session:
            rows = session.connection().execute(text(sql), params).all()
            values = self._row_values(session)
            tags = self._row_tags(session)
        return [
            StoryRow(
                id=row[0],
                title=row[1],
                company=row[2],
                role=row[3],
                period=row[4],
                updated_at=_parse_time(row[5]),
                archived=bool(row[6]),
                deleted=bool(row[7]),
                primary_values=tuple(values[row[0]][Strength.PRIMARY]),
                supporting_values=tuple(values[row[0]][Strength.SUPPORTING]),
                tags=tuple(tags[row[0]]),
            )
            for row in rows
        ]

    @staticmethod
    def _row_values(session: Session) -> dict[int, dict[Strength, list[str]]]:
        sql = (
            "SELECT sv.story_id, sv.strength, v.name FROM story_value sv "
            "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id "
            "WHERE f.active = 1 AND v.hidden = 0 ORDER BY f.position, v.position"
        )
        result: dict[int, dict[Strength, list[str]]] = defaultdict(
            lambda: {Strength.PRIMARY: [], Strength.SUPPORTING: []}
        )
        for story_id, strength, name in session.connection().execute(text(sql)):
            result[story_id][Strength(strength)].append(name)
        return result

    @staticmethod
    def _row_tags(session: Session) -> dict[int, list[str]]:
        sql = (
            "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id "
            "ORDER BY t.name COLLATE NOCASE"
        )
        result: dict[int, list[str]] = defaultdict(list)
        for story_id, name in session.connection().execute(text(sql)):
            result[story_id].append(name)
        return result

    def count_stories(self, show: ShowKey = "active") -> int:
        return len(self._story_ids(show))

    def _story_ids(self, show: ShowKey) -> list[int]:
        with self._read() as session:
            statement = select(Story.id)
            if show == "trash":
                statement = statement.where(col(Story.deleted_at).is_not(None))
            else:
                statement = statement.where(
                    col(Story.deleted_at).is_(None), Story.archived == (show == "archived")
                )
            return [i for i in session.exec(statement) if i is not None]

    def get_story(self, story_id: int) -> StoryRecord:
        with self._read() as session:
            return self._record(session, _get(session, Story, story_id))

    @staticmethod
    def _record(session: Session, story: Story) -> StoryRecord:
        values = {
            link.value_id: Strength(link.strength)
            for link in session.exec(select(StoryValue).where(StoryValue.story_id == story.id))
        }
        tags = session.exec(
            select(Tag.name)
            .join(StoryTag, col(StoryTag.tag_id) == col(Tag.id))
            .where(StoryTag.story_id == story.id)
            .order_by(func.lower(Tag.name))
        ).all()
        assert story.id is not None
        return StoryRecord(
            id=story.id,
            uuid=story.uuid,
            title=story.title,
            company=story.company,
            role=story.role,
            period=story.period,
            situation=story.situation,
            task=story.task,
            action=story.action,
            result=story.result,
            reflection=story.reflection,
            created_at=story.created_at,
            updated_at=story.updated_at,
            archived=story.archived,
            deleted=story.deleted_at is not None,
            values=values,
            tags=tuple(tags),
        )

    def create_story(self, **fields: str) -> StoryRecord:
        """Create a story from text fields (all optional)."""
        unknown = set(fields) - set(TEXT_FIELDS)
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        with self._write() as session:
            story = Story(uuid=str(uuid_module.uuid4()), **fields)
            session.add(story)
            session.flush()
            return self._record(session, story)

    def update_story(self, story_id: int, fields: dict[str, str]) -> datetime:
        """Store changed text fields; return the new update time."""
        unknown = set(fields) - set(TEXT_FIELDS)
        if unknown:
            raise ValueError(f"unknown story fields: {sorted(unknown)}")
        with self._write() as session:
            story = _get(session, Story, story_id)
            for name, value in fields.items():
                setattr(story, name, value)
            story.updated_at = utcnow()
            session.add(story)
            return story.updated_at

    def set_story_value(self, story_id: int, value_id: int, strength: Strength | None) -> None:
        """Tag a story with a value (or untag it with ``None``)."""
        with self._write() as session:
            story = _get(session, Story, story_id)
            _get(session, Value, value_id)
            link = session.get(StoryValue, (story_id, value_id))
            if strength is None:
                if link is not None:
                    session.delete(link)
            elif link is None:
                session.add(
                    StoryValue(story_id=story_id, value_id=value_id, strength=strength.value)
                )
            else:
                link.strength = strength.value
                session.add(link)
            story.updated_at = utcnow()
            session.add(story)

    def set_story_tags(self, story_id: int, names: Iterable[str]) -> tuple[str, ...]:
        """Replace a story's tags; return them as stored. Unused tags are dropped."""
        wanted: dict[str, str] = {}
        for name in names:
            cleaned = clean_tag(name)
            if cleaned:
                wanted.setdefault(cleaned.casefold(), cleaned)
        with self._write() as session:
            story = _get(session, Story, story_id)
            self._replace_tags(session, story_id, wanted.values())
            story.updated_at = utcnow()
            session.add(story)
            session.flush()
            self._drop_unused_tags(session)
            return self._record(session, story).tags

    @staticmethod
    def _replace_tags(session: Session, story_id: int, names: Iterable[str]) -> None:
        for link in session.exec(select(StoryTag).where(StoryTag.story_id == story_id)):
            session.delete(link)
        session.flush()
        for name in names:
            tag = session.exec(select(Tag).where(Tag.name == name)).first()
            if tag is None:
                tag = Tag(name=name)
                session.add(tag)
                session.flush()
            assert tag.id is not None
            session.add(StoryTag(story_id=story_id, tag_id=tag.id))

    @staticmethod
    def _drop_unused_tags(session: Session) -> None:
        session.connection().execute(
            text("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM story_tag)")
        )

    def tag_names(self) -> list[str]:
        """Every tag in use, alphabetically."""
        with self._read() as session:
            return list(session.exec(select(Tag.name).order_by(func.lower(Tag.name))))

    def duplicate_story(self, story_id: int) -> StoryRecord:
        """Copy a story with its values and tags, as a new active story."""
        with self._write() as session:
            source = _get(session, Story, story_id)
            fields = {name: getattr(source, name) for name in TEXT_FIELDS}
            fields["title"] = f"{source.title or 'Untitled story'} (copy)"
            copy = Story(uuid=str(uuid_module.uuid4()), **fields)
            session.add(copy)
            session.flush()
            assert copy.id is not None
            for link in session.exec(select(StoryValue).where(StoryValue.story_id == story_id)):
                session.add(
                    StoryValue(story_id=copy.id, value_id=link.value_id, strength=link.strength)
                )
            for link in session.exec(select(StoryTag).where(StoryTag.story_id == story_id)):
                session.add(StoryTag(story_id=copy.id, tag_id=link.tag_id))
            session.flush()
            return self._record(session, copy)

    def set_trashed(self, story_id: int, trashed: bool) -> None:
        """Move a story to the trash, or bring it back."""
        with self._write() as session:
            story = _get(session, Story, story_id)
            story.deleted_at = utcnow() if trashed else None
            session.add(story)

    def set_archived(self, story_id: int, archived: bool) -> None:
        with self._write() as session:
            story = _get(session, Story, story_id)
            story.archived = archived
            session.add(story)

    def purge_story(self, story_id: int) -> None:
        """Delete a story for good (its links go with it)."""
        with self._write() as session:
            session.delete(_get(session, Story, story_id))
            session.flush()
            self._drop_unused_tags(session)

    def add_parsed_story(self, parsed: ParsedStory) -> StoryRecord:
        """Store a story read from a file, matching values by key or name."""
        lookup: dict[str, int] = {}
        for pack in self.packs():
            for value in pack.values:
                lookup.setdefault(value.key, value.id)
                lookup.setdefault(value.name.casefold(), value.id)
                lookup.setdefault(value_key(value.name), value.id)
        with self._write() as session:
            story = Story(
                uuid=parsed.uuid or str(uuid_module.uuid4()),
                title=parsed.title,
                company=parsed.company,
                role=parsed.role,
                period=parsed.period,
                **parsed.sections,
            )
            session.add(story)
            session.flush()
            assert story.id is not None
            for name, strength in parsed.values.items():
                value_id = lookup.get(name) or lookup.get(name.casefold())
                if value_id is None:
                    value_id = lookup.get(value_key(name))
                if value_id is None:
                    raise StorageError(f"Unknown value '{name}' in story '{parsed.title}'.")
                session.add(StoryValue(story_id=story.id, value_id=value_id, strength=strength))
            self._replace_tags(session, story.id, {clean_tag(t) for t in parsed.tags} - {""})
            session.flush()
            return self._record(session, story)


def _get(session: Session, model: type[T], key: int) -> T:
    item = session.get(model, key)
    if item is None:
        raise NotFound(f"{model.__name__} {key} no longer exists.")
    return item


@contextmanager
def _plain_errors() -> Iterator[None]:
    """Turn driver errors into a StorageError a user can read."""
    try:
        yield
    except StorageError:
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise StorageError(_explain(exc)) from exc


def _explain(exc: BaseException) -> str:
    """A plain-words reason for a storage failure."""
    message = str(getattr(exc, "orig", None) or exc)
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return "The story bank is read-only, so changes cannot be saved."
    if "disk" in lowered and "full" in lowered:
        return "The disk is full, so changes cannot be saved."
    if "locked" in lowered or "busy" in lowered:
        return "The story bank is busy in another program; try again in a moment."
    return f"The story bank could not be updated: {message}"
