"""Queries and changes on the story bank, returning plain snapshots.

Reads are plain SQL on the bank's read connection: they import no ORM, so the
window opens fast. Writes run in one short IMMEDIATE transaction each, through
the ORM operations in :mod:`storybank.core.writes` (imported on first write).
Errors surface as :class:`~storybank.core.database.StorageError` with a
message a user can read.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Concatenate, Literal, ParamSpec, TypeVar

from storybank.core.database import Database, NotFound, StorageError
from storybank.core.packs import Pack, PackError, value_key
from storybank.core.records import (
    TEXT_FIELDS,
    CoachFigures,
    PackInfo,
    StoryAnswer,
    StoryRecord,
    StoryRow,
    Strength,
    ValueInfo,
    json_list,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from storybank.core.coverage import Coverage
    from storybank.core.interchange import ParsedStory
    from storybank.core.prompts import PromptBank
    from storybank.core.redaction import SensitiveRule
    from storybank.core.transfer.records import (
        BankStory,
        DismissedRecord,
        ExportStory,
        ImportBundle,
        PackRecord,
        StoryWrite,
        ValueRef,
    )

T = TypeVar("T")
P = ParamSpec("P")
SortKey = Literal["updated", "title"]
ShowKey = Literal["active", "archived", "trash"]

MAX_TAG_LENGTH = 60
_BATCH = 500  # ids per query: well under SQLite's limit on bound parameters
_WORD = re.compile(r"\w+", re.UNICODE)
_SHOW = {
    "active": "s.deleted_at IS NULL AND s.archived = 0",
    "archived": "s.deleted_at IS NULL AND s.archived = 1",
    "trash": "s.deleted_at IS NOT NULL",
}


def fts_query(query: str) -> str | None:
    """Turn what the user typed into an FTS5 query: every word, as a prefix."""
    words = _WORD.findall(query)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def clean_tag(name: str) -> str:
    """Normalise a tag as typed: trimmed, inner spaces folded, length capped."""
    return " ".join(name.split())[:MAX_TAG_LENGTH].rstrip()


def clean_name(name: str, what: str = "A value") -> str:
    """A value's (or ``what``'s) name as typed, trimmed; refused when empty."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise StorageError(f"{what} needs a name.")
    return cleaned


def _time(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    when = datetime.fromisoformat(raw)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _check_fields(fields: Iterable[str]) -> None:
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown story fields: {sorted(unknown)}")


@contextmanager
def _plain_errors() -> Iterator[None]:
    """Turn driver errors into a StorageError a user can read."""
    from_driver: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
    try:
        yield
    except StorageError:
        raise
    except Exception as exc:
        if isinstance(exc, from_driver) or type(exc).__module__.startswith("sqlalchemy"):
            raise StorageError(_explain(exc)) from exc
        raise


_BUSY = "The story bank is busy in another program; try again in a moment."
_FULL = "The disk is full, so changes cannot be saved."
_READ_ONLY = "The story bank is read-only, so changes cannot be saved."
_NOT_ALLOWED = "Storybank is not allowed to write the story bank; check its permissions."
#: SQLite's primary result codes that a user can act on, and what to tell them.
_KNOWN_CODES = {
    sqlite3.SQLITE_FULL: _FULL,
    sqlite3.SQLITE_READONLY: _READ_ONLY,
    sqlite3.SQLITE_BUSY: _BUSY,
    sqlite3.SQLITE_LOCKED: _BUSY,
    sqlite3.SQLITE_PERM: _NOT_ALLOWED,
    sqlite3.SQLITE_AUTH: _NOT_ALLOWED,
    sqlite3.SQLITE_CANTOPEN: "The story bank cannot be opened: its file or folder is gone "
    "or out of reach.",
    sqlite3.SQLITE_IOERR: "The disk could not read or write the story bank ({detail}).",
    sqlite3.SQLITE_CORRUPT: "The story bank is damaged ({detail}); nothing more is written.",
    sqlite3.SQLITE_NOTADB: "The story bank is damaged ({detail}); nothing more is written.",
}
#: The same for errors the operating system reports.
_KNOWN_ERRNOS = {
    errno.ENOSPC: _FULL,
    errno.EDQUOT: _FULL,
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _NOT_ALLOWED,
    errno.EPERM: _NOT_ALLOWED,
}


def _explain(exc: BaseException) -> str:
    """A plain-words reason for a storage failure, told apart by its error code.

    A full disk, a read-only or locked file and the like are known: the user
    can act on them. Anything else is a bug in Storybank, and says so.
    """
    cause = getattr(exc, "orig", None) or exc
    detail = str(cause)
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _KNOWN_CODES:
        return _KNOWN_CODES[code & 0xFF].format(detail=detail)
    if isinstance(cause, OSError) and cause.errno in _KNOWN_ERRNOS:
        return _KNOWN_ERRNOS[cause.errno]
    return f"The story bank could not be updated because of a bug in Storybank: {detail}"


class Store:
    """Shared plumbing: plain-SQL reads and short ORM write transactions."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: SQLite's ``data_version`` as of this bank's own last write or look.
        self._seen_version: int | None = None
        #: Another program's commit was seen just before one of ours.
        self._missed = False

    def _data_version(self) -> int:
        with _plain_errors():
            return int(self.db.reader().execute("PRAGMA data_version").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """Whether another program committed to the bank since the last look.

        SQLite's ``data_version`` moves with every commit made through another
        connection; this bank's own writes are noted as they finish, so only
        a change made elsewhere (the command line, a second process) counts.
        """
        version = self._data_version()
        changed = self._missed or (self._seen_version is not None and version != self._seen_version)
        self._seen_version = version
        self._missed = False
        return changed

    def _rows(self, sql: str, params: dict[str, Any] | Sequence[Any] = ()) -> list[Any]:
        with _plain_errors():
            return self.db.reader().execute(sql, params).fetchall()

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with _plain_errors(), self.db.write() as session:
            if self._seen_version is not None:
                # BEGIN IMMEDIATE now: while this transaction holds the write
                # lock nobody else commits, so a version moved on from the last
                # look was another program's, and only our commit moves it next.
                session.connection()
                if self._data_version() != self._seen_version:
                    self._missed = True
            yield session
        if self._seen_version is not None:
            self._seen_version = self._data_version()

    def _run(
        self, change: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run the write operation ``change(session, *args)`` in one transaction.

        The operations live in :mod:`storybank.core.writes`, which each caller
        imports inside the method: the ORM loads on the first write, never at
        start-up, and every call is checked against the operation's signature.
        """
        with self._write() as session:
            return change(session, *args, **kwargs)


class Repository(Store):
    """All reads and writes of stories, packs, values and tags."""

    # --- packs and values -------------------------------------------------

    def sync_packs(self, packs: Iterable[Pack]) -> None:
        """Bring built-in packs up to date without touching the user's choices.

        Costs one query when every pack is already at its version.
        """
        packs = list(packs)
        stored = self.pack_versions()
        if all(stored.get(pack.key, 0) >= pack.version for pack in packs):
            return
        from storybank.core import writes

        self._run(writes.sync_packs, packs)

    def tellings(
        self, story_ids: Iterable[int], seconds: int | None = None
    ) -> dict[int, dict[int, str]]:
        """Each story's tellings by target length (only those of ``seconds``, if given)."""
        ids = list(story_ids)
        found: dict[int, dict[int, str]] = defaultdict(dict)
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            marks = ",".join("?" * len(chunk))
            length = "" if seconds is None else f" AND seconds = {int(seconds)}"
            for story_id, length_s, text_ in self._rows(
                f"SELECT story_id, seconds, text FROM story_version WHERE story_id IN ({marks})"
                f"{length}",
                chunk,
            ):
                found[story_id][length_s] = text_
        return dict(found)

    def export_tellings(self) -> list[tuple[str, int, str]]:
        """Every telling of a story not in the trash: (story uuid, seconds, text)."""
        return [
            (row[0], row[1], row[2])
            for row in self._rows(
                "SELECT s.uuid, v.seconds, v.text FROM story_version v JOIN story s "
                "ON s.id = v.story_id WHERE s.deleted_at IS NULL ORDER BY s.uuid, v.seconds"
            )
        ]

    def set_telling(self, story_id: int, seconds: int, text_: str) -> None:
        """Keep a story's telling of ``seconds``; an empty one is removed."""
        from storybank.core import writes

        self._run(writes.set_telling, story_id, seconds, text_)

    def has_applications(self) -> bool:
        """Whether the bank holds any application (one indexed lookup)."""
        return bool(self._rows("SELECT 1 FROM application LIMIT 1"))

    def pack_versions(self) -> dict[str, int]:
        """The version of each pack the bank holds, by key."""
        return dict(self._rows("SELECT key, version FROM framework"))

    def story_answers(self, story_id: int) -> list[StoryAnswer]:
        """The practice answers told with one story, newest first."""
        return [
            StoryAnswer(prompt=row[0], started_at=started, duration=row[2], rating=row[3])
            for row in self._rows(
                "SELECT p.text, a.started_at, a.duration, a.rating FROM attempt a "
                "JOIN prompt p ON p.id = a.prompt_id WHERE a.story_id = ? "
                "ORDER BY a.started_at DESC, a.id DESC",
                (story_id,),
            )
            if (started := _time(row[1])) is not None
        ]

    def packs(self, *, removed: bool = False) -> list[PackInfo]:
        """Every pack with all its values (hidden ones too), in display order; the
        packs the user deleted only when ``removed`` is asked."""
        values: dict[int, list[ValueInfo]] = defaultdict(list)
        for row in self._rows(
            "SELECT id, framework_id, key, name, description, keywords, position, hidden, "
            "builtin, renamed, themes FROM value ORDER BY position, id"
        ):
            values[row[1]].append(
                ValueInfo(
                    id=row[0],
                    framework_id=row[1],
                    key=row[2],
                    name=row[3],
                    description=row[4],
                    keywords=tuple(k for k in row[5].split("\n") if k),
                    position=row[6],
                    hidden=bool(row[7]),
                    builtin=bool(row[8]),
                    renamed=bool(row[9]),
                    themes=json_list(row[10]),
                )
            )
        return [
            PackInfo(
                id=row[0],
                key=row[1],
                name=row[2],
                version=row[3],
                date=row[4],
                source=row[5],
                description=row[6],
                builtin=bool(row[7]),
                active=bool(row[8]),
                values=tuple(values[row[0]]),
                position=row[9],
                url=row[10],
                published=row[11],
                checked=bool(row[12]),
                note=row[13],
                removed=bool(row[14]),
            )
            for row in self._rows(
                "SELECT id, key, name, version, date, source, description, builtin, active, "
                "position, url, published, checked, note, removed FROM framework "
                f"{'' if removed else 'WHERE removed = 0 '}ORDER BY position, id"
            )
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

    def value_lookup(self) -> dict[str, int]:
        """Value id by key, by name in any case, and by name turned into a key."""
        lookup: dict[str, int] = {}
        values = [value for pack in self.packs() for value in pack.values]
        for value in values:  # keys first: a key always beats another value's name
            lookup.setdefault(value.key, value.id)
        for value in values:
            for alias in (value.name.casefold(), value_key(value.name)):
                lookup.setdefault(alias, value.id)
        return lookup

    def create_pack(self, name: str, description: str = "") -> int:
        """A pack of one's own, on, with no values yet; its key made from its name."""
        from storybank.core import writes

        return self._run(writes.create_pack, clean_name(name, "A pack"), description.strip())

    def update_pack(self, pack_id: int, name: str, description: str) -> None:
        from storybank.core import writes

        self._run(writes.update_pack, pack_id, clean_name(name, "A pack"), description.strip())

    def remove_pack(self, pack_id: int) -> None:
        """Delete a pack of one's own (kept out of sight with the stories' tagging)."""
        from storybank.core import writes

        self._run(writes.remove_pack, pack_id)

    def import_pack(self, pack: Pack) -> int:
        """Read a pack file in as one's own; PackError when the bank already has a
        pack with its key in sight (a deleted one of one's own comes back)."""
        from storybank.core import writes

        for found in self.packs(removed=True):
            if found.key == pack.key and (found.builtin or not found.removed):
                raise PackError(f"The bank already has the pack “{found.name}” ({pack.key}).")
        return self._run(writes.import_pack, pack)

    def pack_story_count(self, pack_id: int) -> int:
        """How many stories (not in the trash) are tagged with a value of the pack."""
        return int(self._rows(
            "SELECT count(DISTINCT sv.story_id) FROM story_value sv "
            "JOIN value v ON v.id = sv.value_id JOIN story s ON s.id = sv.story_id "
            "WHERE v.framework_id = ? AND s.deleted_at IS NULL",
            (pack_id,),
        )[0][0])  # fmt: skip

    def set_pack_active(self, pack_id: int, active: bool) -> None:
        from storybank.core import writes

        self._run(writes.set_pack_active, pack_id, active)

    def add_value(self, pack_id: int, name: str, description: str = "") -> ValueInfo:
        """Add a value of the user's own to a pack, at the end."""
        name = clean_name(name)
        from storybank.core import writes

        value_id = self._run(writes.add_value, pack_id, name, description)
        return next(v for p in self.packs() for v in p.values if v.id == value_id)

    def rename_value(self, value_id: int, name: str) -> None:
        name = clean_name(name)
        from storybank.core import writes

        self._run(writes.rename_value, value_id, name)

    def set_value_hidden(self, value_id: int, hidden: bool) -> None:
        from storybank.core import writes

        self._run(writes.set_value_hidden, value_id, hidden)

    def move_value(self, value_id: int, delta: int) -> None:
        """Move a value up (negative) or down (positive) within its pack."""
        from storybank.core import writes

        self._run(writes.move_value, value_id, delta)

    # --- confidential details ----------------------------------------------

    def sensitive_terms(self) -> list[SensitiveRule]:
        """The confidential terms and the built-in patterns turned on, in list order."""
        from storybank.core.redaction import SensitiveRule

        return [
            SensitiveRule(kind=kind, term=term, alias=alias, id=row_id, position=position)
            for row_id, kind, term, alias, position in self._rows(
                "SELECT id, kind, term, alias, position FROM sensitive_term ORDER BY position, id"
            )
        ]

    def has_sensitive_terms(self) -> bool:
        """Whether any confidential term or pattern is listed (most banks: none)."""
        return bool(self._rows("SELECT EXISTS (SELECT 1 FROM sensitive_term)")[0][0])

    def add_sensitive_term(self, term: str, alias: str = "") -> SensitiveRule:
        """List a term to hide, after the others; TermError when it cannot be."""
        from storybank.core import writes

        term_id = self._run(writes.add_sensitive_term, term, alias)
        return next(rule for rule in self.sensitive_terms() if rule.id == term_id)

    def update_sensitive_term(self, term_id: int, term: str, alias: str) -> None:
        """Change a listed term or its alias; TermError when it cannot be."""
        from storybank.core import writes

        self._run(writes.update_sensitive_term, term_id, term, alias)

    def remove_sensitive_term(self, term_id: int) -> None:
        from storybank.core import writes

        self._run(writes.remove_sensitive_term, term_id)

    def set_sensitive_pattern(self, key: str, on: bool, alias: str = "") -> None:
        """Turn a built-in pattern on (with its alias, "" for the default) or off."""
        from storybank.core import writes

        self._run(writes.set_sensitive_pattern, key, on, alias)

    # --- story reads ------------------------------------------------------

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
        ids = self.story_ids(query, value_id=value_id, tag=tag, sort=sort, show=show)
        rows = self.story_rows(ids)
        return [rows[story_id] for story_id in ids]

    def story_ids(
        self,
        query: str = "",
        *,
        value_id: int | None = None,
        tag: str | None = None,
        sort: SortKey = "updated",
        show: ShowKey = "active",
        told: tuple[str, bool] | None = None,
        limit: int | None = None,
    ) -> list[int]:
        """The ids of the stories matching a search and filters, in list order (the
        first ``limit``, if given); ``told`` (company, True/False) keeps those told
        / not yet told to it.

        Cheap at any size: the full-text index and the list indexes answer it
        without reading story text; the list fetches rows only as it shows them.
        """
        clauses = [_SHOW[show]]
        params: dict[str, Any] = {}
        if query.strip():
            match = fts_query(query)
            if match is None:
                clauses.append("(s.title LIKE :like OR s.action LIKE :like)")
                params["like"] = f"%{query.strip()}%"
            else:
                clauses.append("s.id IN (SELECT rowid FROM story_fts WHERE story_fts MATCH :match)")
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
        if told is not None:
            company, was = told
            clauses.append(
                f"s.id {'IN' if was else 'NOT IN'} (SELECT d.story_id FROM debrief d "
                "JOIN interview_round r ON r.id = d.round_id JOIN application a "
                "ON a.id = r.application_id WHERE d.story_id IS NOT NULL "
                "AND lower(trim(a.company)) = :company)"
            )
            params["company"] = " ".join(company.split()).lower()
        # Each order is the list index's own (rowid last), so no sort step:
        # a tie in updated_at puts the newer story first.
        order = (
            "s.title COLLATE NOCASE, s.id" if sort == "title" else "s.updated_at DESC, s.id DESC"
        )
        if limit is not None:
            params["limit"] = limit
        rows = self._rows(
            f"SELECT s.id FROM story s WHERE {' AND '.join(clauses)} ORDER BY {order}"
            + (" LIMIT :limit" if limit is not None else ""),
            params,
        )
        return [row[0] for row in rows]

    def story_rows(self, ids: Iterable[int]) -> dict[int, StoryRow]:
        """List rows (title, context, values, tags, coach figures) for some stories."""
        result: dict[int, StoryRow] = {}
        ids = list(ids)
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            marks = ",".join("?" * len(chunk))
            values = self._story_values(marks, chunk)
            tags = self._story_tags(marks, chunk)
            empty: dict[Strength, list[str]] = {Strength.PRIMARY: [], Strength.SUPPORTING: []}
            for row in self._rows(
                "SELECT id, title, company, role, period, updated_at, archived, "
                "deleted_at IS NOT NULL, coach_score, speaking_seconds, coach_version "
                f"FROM story WHERE id IN ({marks})",
                chunk,
            ):
                named = values.get(row[0], empty)
                updated = _time(row[5])
                assert updated is not None
                result[row[0]] = StoryRow(
                    id=row[0],
                    title=row[1],
                    company=row[2],
                    role=row[3],
                    period=row[4],
                    updated_at=updated,
                    archived=bool(row[6]),
                    deleted=bool(row[7]),
                    primary_values=tuple(named[Strength.PRIMARY]),
                    supporting_values=tuple(named[Strength.SUPPORTING]),
                    tags=tuple(tags.get(row[0], ())),
                    score=row[8],
                    speaking_seconds=row[9],
                    coach_version=row[10],
                )
        return result

    def _story_values(self, marks: str, ids: list[int]) -> dict[int, dict[Strength, list[str]]]:
        result: dict[int, dict[Strength, list[str]]] = defaultdict(
            lambda: {Strength.PRIMARY: [], Strength.SUPPORTING: []}
        )
        primary = Strength.PRIMARY.value
        for story_id, strength, name in self._rows(
            "SELECT sv.story_id, sv.strength, v.name FROM story_value sv "
            "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id "
            f"WHERE f.active = 1 AND v.hidden = 0 AND sv.story_id IN ({marks}) "
            "ORDER BY f.position, v.position",
            ids,
        ):
            key = Strength.PRIMARY if strength == primary else Strength.SUPPORTING
            result[story_id][key].append(name)
        return result

    def _story_tags(self, marks: str, ids: list[int]) -> dict[int, list[str]]:
        result: dict[int, list[str]] = defaultdict(list)
        for story_id, name in self._rows(
            "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id "
            f"WHERE st.story_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
            ids,
        ):
            result[story_id].append(name)
        return result

    def count_stories(self, show: ShowKey = "active") -> int:
        return int(self._rows(f"SELECT count(*) FROM story s WHERE {_SHOW[show]}")[0][0])

    def get_story(self, story_id: int) -> StoryRecord:
        rows = self._rows(
            "SELECT id, uuid, title, company, role, period, situation, task, action, result, "
            "reflection, created_at, updated_at, archived, deleted_at FROM story WHERE id = ?",
            (story_id,),
        )
        if not rows:
            raise NotFound(f"Story {story_id} no longer exists.")
        row = rows[0]
        values = {
            value_id: Strength(strength)
            for value_id, strength in self._rows(
                "SELECT value_id, strength FROM story_value WHERE story_id = ?", (story_id,)
            )
        }
        tags = tuple(
            name
            for (name,) in self._rows(
                "SELECT t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id "
                "WHERE st.story_id = ? ORDER BY t.name COLLATE NOCASE",
                (story_id,),
            )
        )
        created, updated = _time(row[11]), _time(row[12])
        assert created is not None and updated is not None
        return StoryRecord(
            id=row[0],
            uuid=row[1],
            title=row[2],
            company=row[3],
            role=row[4],
            period=row[5],
            situation=row[6],
            task=row[7],
            action=row[8],
            result=row[9],
            reflection=row[10],
            created_at=created,
            updated_at=updated,
            archived=bool(row[13]),
            deleted=row[14] is not None,
            values=values,
            tags=tags,
        )

    def coverage(self) -> Coverage:
        """Active stories (by title) × visible values of the active packs."""
        from storybank.core.coverage import Coverage, CoverageStory

        values = tuple(self.active_values())
        tags = self._story_tags_all()
        stories = tuple(
            CoverageStory(id=row[0], title=row[1], tags=tuple(tags.get(row[0], ())))
            for row in self._rows(
                f"SELECT s.id, s.title FROM story s WHERE {_SHOW['active']} "
                "ORDER BY s.title COLLATE NOCASE, s.id"
            )
        )
        wanted = {value.id for value in values}
        links = {
            (story_id, value_id): Strength(strength)
            for story_id, value_id, strength in self._rows(
                f"SELECT sv.story_id, sv.value_id, sv.strength FROM story_value sv "
                f"JOIN story s ON s.id = sv.story_id WHERE {_SHOW['active']}"
            )
            if value_id in wanted
        }
        return Coverage(stories=stories, values=values, links=links)

    def _story_tags_all(self) -> dict[int, list[str]]:
        result: dict[int, list[str]] = defaultdict(list)
        for story_id, name in self._rows(
            "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id"
        ):
            result[story_id].append(name)
        return result

    def tag_names(self) -> list[str]:
        """Every tag in use, alphabetically."""
        return [name for (name,) in self._rows("SELECT name FROM tag ORDER BY name COLLATE NOCASE")]

    # --- story writes -----------------------------------------------------

    def create_story(
        self, *, tags: Sequence[str] = (), primary_value: int | None = None, **fields: str
    ) -> StoryRecord:
        """Create a story from text fields (all optional), with tags and a primary
        value if asked, in one transaction."""
        _check_fields(fields)
        from storybank.core import writes

        wanted = [cleaned for name in tags if (cleaned := clean_tag(name))]
        story_id = self._run(writes.create_story, fields, wanted, primary_value)
        return self.get_story(story_id)

    def update_story(
        self,
        story_id: int,
        fields: dict[str, str],
        coach: CoachFigures | None = None,
        *,
        expect: dict[str, str] | None = None,
    ) -> datetime:
        """Store changed text fields (and the coach figures for the new text).

        With ``expect`` (each field as last read), raise :class:`ChangedElsewhere`
        instead of overwriting a field another program changed since.
        """
        _check_fields(fields)
        from storybank.core import writes

        return self._run(writes.update_story, story_id, fields, coach, expect)

    def set_coach_figures(self, figures: dict[int, CoachFigures]) -> None:
        """Store recomputed coach figures for several stories in one transaction."""
        from storybank.core import writes

        self._run(writes.set_coach_figures, figures)

    def outdate_coach_figures(self) -> None:
        """Mark every story's cached figures as needing a recomputation."""
        from storybank.core import writes

        self._run(writes.outdate_coach_figures)

    def stories_needing_coach(self, version: int, limit: int, *, after: int = 0) -> list[int]:
        """Stories (by id, above ``after``) whose coach figures are missing or outdated."""
        # Each term can use ix_story_coach_version, so "none" is answered at once;
        # when there are some, walking the ids finds a batch without sorting them all.
        outdated = "(coach_version IS NULL OR coach_version < :v OR coach_version > :v)"
        if not self._rows(f"SELECT 1 FROM story WHERE {outdated} LIMIT 1", {"v": version}):
            return []
        return [
            story_id
            for (story_id,) in self._rows(
                f"SELECT id FROM story WHERE id > :after AND {outdated} ORDER BY id LIMIT :limit",
                {"v": version, "after": after, "limit": limit},
            )
        ]

    def dismissed_keys(self, story_id: int) -> set[str]:
        """Keys of the coach findings the user dismissed for a story."""
        return {
            key
            for (key,) in self._rows(
                "SELECT key FROM dismissed_finding WHERE story_id = ?", (story_id,)
            )
        }

    def set_dismissed(self, story_id: int, key: str, dismissed: bool) -> None:
        from storybank.core import writes

        self._run(writes.set_dismissed, story_id, key, dismissed)

    def set_story_value(
        self,
        story_id: int,
        value_id: int,
        strength: Strength | None,
        coach: CoachFigures | None = None,
    ) -> None:
        """Tag a story with a value (or untag it with ``None``), with its new coach figures."""
        from storybank.core import writes

        self._run(writes.set_story_value, story_id, value_id, strength, coach)

    def set_story_tags(self, story_id: int, names: Iterable[str]) -> tuple[str, ...]:
        """Replace a story's tags; return them as stored. Unused tags are dropped."""
        wanted: dict[str, str] = {}
        for name in names:
            cleaned = clean_tag(name)
            if cleaned:
                wanted.setdefault(cleaned.casefold(), cleaned)
        from storybank.core import writes

        self._run(writes.set_story_tags, story_id, list(wanted.values()))
        return self.get_story(story_id).tags

    def duplicate_story(
        self, story_id: int, changes: dict[str, str] | None = None, suffix: str = "copy"
    ) -> StoryRecord:
        """Copy a story with its values and tags (and ``changes``), as a new active story."""
        if changes:
            _check_fields(changes)
        from storybank.core import writes

        copy_id = self._run(writes.duplicate_story, story_id, changes, suffix)
        return self.get_story(copy_id)

    def set_trashed(self, story_id: int, trashed: bool) -> None:
        """Move a story to the trash, or bring it back."""
        from storybank.core import writes

        self._run(writes.set_trashed, story_id, trashed)

    def set_archived(self, story_id: int, archived: bool) -> None:
        from storybank.core import writes

        self._run(writes.set_archived, story_id, archived)

    def purge_story(self, story_id: int) -> None:
        """Delete a story for good (its links go with it)."""
        from storybank.core import writes

        self._run(writes.purge_story, story_id)

    # --- export and import ------------------------------------------------

    def export_stories(self) -> list[ExportStory]:
        """Every story not in the trash (active and archived), in uuid order.

        A value is named by its key, or by ``pack/key`` when two packs share the key.
        """
        from storybank.core.transfer.records import ExportStory

        shared = {
            key for (key,) in self._rows("SELECT key FROM value GROUP BY key HAVING count(*) > 1")
        }
        values: dict[int, dict[str, Strength]] = defaultdict(dict)
        for story_id, pack, key, strength in self._rows(
            "SELECT sv.story_id, f.key, v.key, sv.strength FROM story_value sv "
            "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id "
            "ORDER BY f.position, f.key, v.position, v.key"
        ):
            values[story_id][f"{pack}/{key}" if key in shared else key] = Strength(strength)
        tags: dict[int, list[str]] = defaultdict(list)
        for story_id, name in self._rows(
            "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id "
            "ORDER BY t.name COLLATE NOCASE"
        ):
            tags[story_id].append(name)
        stories = []
        for row in self._rows(
            "SELECT id, uuid, title, company, role, period, situation, task, action, result, "
            "reflection, created_at, updated_at, archived FROM story "
            "WHERE deleted_at IS NULL ORDER BY uuid"
        ):
            created, updated = _time(row[11]), _time(row[12])
            assert created is not None and updated is not None
            stories.append(
                ExportStory(
                    uuid=row[1],
                    title=row[2],
                    company=row[3],
                    role=row[4],
                    period=row[5],
                    situation=row[6],
                    task=row[7],
                    action=row[8],
                    result=row[9],
                    reflection=row[10],
                    created_at=created,
                    updated_at=updated,
                    archived=bool(row[13]),
                    values=values.get(row[0], {}),
                    tags=tuple(tags.get(row[0], ())),
                )
            )
        return stories

    def stories_by_uuid(self) -> dict[str, BankStory]:
        """Every story in the bank (the trash too) by uuid: its text, values and tags."""
        from storybank.core.transfer.records import BankStory

        values: dict[int, list[tuple[ValueRef, Strength]]] = defaultdict(list)
        for story_id, pack, key, strength in self._rows(
            "SELECT sv.story_id, f.key, v.key, sv.strength FROM story_value sv "
            "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id"
        ):
            values[story_id].append(((pack, key), Strength(strength)))
        tags: dict[int, list[str]] = defaultdict(list)
        for story_id, name in self._rows(
            "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id"
        ):
            tags[story_id].append(name)
        bank = {}
        columns = ", ".join(TEXT_FIELDS)
        for row in self._rows(
            f"SELECT id, uuid, updated_at, archived, deleted_at IS NOT NULL, {columns} FROM story"
        ):
            updated = _time(row[2])
            assert updated is not None
            bank[row[1]] = BankStory(
                id=row[0],
                uuid=row[1],
                updated_at=updated,
                archived=bool(row[3]),
                trashed=bool(row[4]),
                fields=dict(zip(TEXT_FIELDS, row[5:], strict=True)),
                values=tuple(values.get(row[0], ())),
                tags=tuple(tags.get(row[0], ())),
            )
        return bank

    def export_packs(self) -> list[PackRecord]:
        """Every pack with all its values (hidden ones too), in the order shown."""
        from storybank.core.transfer.records import PackRecord

        return [PackRecord.of(pack) for pack in self.packs(removed=True)]

    def dismissed_findings(self) -> list[DismissedRecord]:
        """The coach findings dismissed for stories not in the trash, by story uuid and key."""
        from storybank.core.transfer.records import DismissedRecord

        return [
            DismissedRecord(story_uuid=story, key=key)
            for story, key in self._rows(
                "SELECT s.uuid, d.key FROM dismissed_finding d JOIN story s ON s.id = d.story_id "
                "WHERE s.deleted_at IS NULL ORDER BY s.uuid, d.key"
            )
        ]

    def write_import(
        self,
        stories: Sequence[StoryWrite | None],
        bundle: ImportBundle,
        prompt_bank: PromptBank | None,
        progress: Callable[[int, int], None] | None,
    ) -> dict[str, Any]:
        """Write a planned import in one transaction: all of it or nothing.

        See :func:`storybank.core.transfer.plan.apply_import`; returns how many
        of each record were written, and the ids of the stories written.
        """
        from storybank.core import writes

        return self._run(writes.apply_import, stories, bundle, prompt_bank, progress)

    def add_parsed_story(self, parsed: ParsedStory) -> StoryRecord:
        """Store a story read from a file, matching values by key or name."""
        lookup = self.value_lookup()
        values: dict[int, Strength] = {}
        for name, strength in parsed.values.items():
            value_id = lookup.get(name) or lookup.get(name.casefold())
            if value_id is None:
                value_id = lookup.get(value_key(name))
            if value_id is None:
                raise StorageError(f"Unknown value '{name}' in story '{parsed.title}'.")
            values[value_id] = strength
        tags = list(dict.fromkeys(t for t in map(clean_tag, parsed.tags) if t))
        from storybank.core import writes

        story_id = self._run(writes.add_parsed_story, parsed, values, tags)
        return self.get_story(story_id)
