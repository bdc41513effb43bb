"""Export and import: a folder of Markdown stories, or one JSON file with everything.

Export reads the bank with plain SQL and writes every file atomically (a temp
file in the same folder, fsync, ``os.replace``), readable by its owner only.
A Markdown export never replaces a file it did not write for the same story.

Import is three steps, so that the window can show what will happen before
anything changes:

1. read: :func:`read_import` (:func:`read_markdown_folder`, :func:`read_json`)
   parse and check the files (regular files only, sizes capped, links in a
   folder skipped, YAML and JSON parsed safely) and raise
   :class:`TransferError` naming the file, the line where known, and why;
2. plan: :func:`plan_import` matches stories by uuid and sorts each into new,
   unchanged, updated or conflict, without writing;
3. apply: :func:`apply_import` writes the plan, with the user's choice for
   each conflict, in ONE transaction: all of it or nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import stat
import tempfile
import unicodedata
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from storybank.core.interchange import (
    LONE_SURROGATE,
    MAX_FRONT_MATTER,
    OUTSIDE_CALENDAR,
    InterchangeError,
    ParsedStory,
    TransferError,
    format_story_markdown,
    in_utc,
    parse_story_markdown,
    written_for,
)
from storybank.core.packs import value_key
from storybank.core.practice import ReviewState
from storybank.core.practice_repository import PracticeRepository
from storybank.core.records import TEXT_FIELDS, Strength, utcnow
from storybank.core.repository import MAX_TAG_LENGTH, Repository, _time, clean_tag
from storybank.paths import make_private

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_FILES",
    "MAX_FRONT_MATTER",
    "MAX_JSON_BYTES",
    "MAX_MARKDOWN_BYTES",
    "MAX_NAME_BYTES",
    "AttemptRecord",
    "Choice",
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
    "SourceStory",
    "StoryWrite",
    "TransferError",
    "apply_import",
    "bundle_json",
    "export_json",
    "export_markdown",
    "export_stories",
    "file_names",
    "file_stem",
    "plan_import",
    "read_capped",
    "read_import",
    "read_json",
    "read_markdown_file",
    "read_markdown_folder",
    "read_story_text",
    "write_atomic",
]

# --- limits: every cap on what an import reads, in one place -----------------

_MIB = 1024 * 1024
#: Largest story file read (import, ``storybank coach``); far above any story.
MAX_MARKDOWN_BYTES = 5 * _MIB
#: Largest JSON export read: room for a bank of fields a megabyte long each,
#: since refusing an export Storybank itself wrote would strand its data.
MAX_JSON_BYTES = 200 * _MIB
#: Longest text of one field (a title, a section, a note), in characters.
MAX_FIELD_CHARS = 2_000_000
#: Most story files read from one folder.
MAX_FILES = 10_000
#: Longest file name stem an export makes, in bytes (ASCII: one byte a character).
MAX_NAME_BYTES = 80
_MAX_UUID = 36  # the story.uuid column is String(36)
_MAX_COUNT = 2**31  # positions, repetitions: far beyond use, well inside SQLite's integers

FORMAT_NAME = "storybank"
FORMAT_VERSION = 1
IMPORTED_SUFFIX = " (imported)"

_UUID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
# Names Windows refuses for a file, whatever the extension.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{digit}" for digit in range(10)]
    + [f"lpt{digit}" for digit in range(10)]
)
# SQLite's NOCASE folds ASCII letters only; tags compare the way the tag table does.
_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

Progress = Callable[[int, int], None]


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


@dataclass(frozen=True)
class DismissedRecord:
    """A coach finding the user dismissed for a story."""

    story_uuid: str
    key: str


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
    story_ids: tuple[int, ...] = ()  # stories added or changed, for views to refresh


# --- small helpers ----------------------------------------------------------------


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _nocase(name: str) -> str:
    return name.translate(_NOCASE)


def _as_stored(name: str) -> str:
    """A tag as the bank would store it.

    ``clean_tag`` cuts a tag at :data:`MAX_TAG_LENGTH` after folding its
    spaces, which can leave one trailing space; such a tag came from a bank,
    and is kept as it is so that an export imports back unchanged.
    """
    cleaned = clean_tag(name)
    if len(name) == MAX_TAG_LENGTH and name.endswith(" ") and cleaned == name[:-1]:
        return name
    return cleaned


def _clean_tags(names: Iterable[str]) -> tuple[str, ...]:
    """Tags as :meth:`Repository.set_story_tags` would store them."""
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = _as_stored(name)
        if cleaned:
            wanted.setdefault(cleaned.casefold(), cleaned)
    return tuple(wanted.values())


def _digest(
    fields: Mapping[str, str], values: Iterable[tuple[ValueRef, Strength]], tags: Iterable[str]
) -> str:
    """A fingerprint of a story's content (text, values, tags; not its times)."""
    content = [
        [fields[name] for name in TEXT_FIELDS],
        sorted([*ref, str(strength)] for ref, strength in values),
        sorted({_nocase(tag) for tag in tags}),
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _check_uuid(raw: str, origin: str, where: str) -> str:
    text = raw.strip()
    if len(text) > _MAX_UUID or not _UUID.fullmatch(text):
        raise TransferError(
            f"{where}: a uuid is 1 to {_MAX_UUID} letters, digits, dashes or dots", path=origin
        )
    return text


# --- export -------------------------------------------------------------------------


def export_stories(repo: Repository) -> list[ExportStory]:
    """Every story not in the trash (active and archived), in uuid order.

    A value is named by its key, or by ``pack/key`` when two packs share the key.
    """
    shared = {
        key for (key,) in repo._rows("SELECT key FROM value GROUP BY key HAVING count(*) > 1")
    }
    values: dict[int, dict[str, Strength]] = defaultdict(dict)
    for story_id, pack, key, strength in repo._rows(
        "SELECT sv.story_id, f.key, v.key, sv.strength FROM story_value sv "
        "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id "
        "ORDER BY f.position, f.key, v.position, v.key"
    ):
        values[story_id][f"{pack}/{key}" if key in shared else key] = Strength(strength)
    tags: dict[int, list[str]] = defaultdict(list)
    for story_id, name in repo._rows(
        "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id "
        "ORDER BY t.name COLLATE NOCASE"
    ):
        tags[story_id].append(name)
    stories = []
    for row in repo._rows(
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


def file_stem(title: str) -> str:
    """A safe file name stem for a title: an ASCII slug, never empty or reserved."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    slug = slug[:MAX_NAME_BYTES].rstrip("-") or "story"
    return f"{slug}-story" if slug in _RESERVED else slug


def file_names(titles: Iterable[str]) -> list[str]:
    """One unique ``.md`` name per title, in order (a repeat gets -2, -3 ...)."""
    taken: set[str] = set()
    names = []
    for title in titles:
        stem = name = file_stem(title)
        number = 2
        while name in taken:
            name, number = f"{stem}-{number}", number + 1
        taken.add(name)
        names.append(f"{name}.md")
    return names


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _place_new(temp: str, target: Path) -> None:
    """Give the finished ``temp`` the name ``target``; FileExistsError if it is taken.

    A hard link refuses an existing name atomically, so a file that appears
    meanwhile is never replaced; where links are not supported (some network
    and FAT file systems) the name is checked just before the rename.
    """
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(f"{target} exists") from None
        os.replace(temp, target)
    else:
        os.unlink(temp)


def write_atomic(target: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``target`` whole or not at all: temp file beside it, fsync, rename; 0600.

    With ``overwrite=False`` an existing ``target`` is left alone and
    FileExistsError raised.
    """
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".storybank-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temp, target)
        else:
            _place_new(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    make_private(target)
    _sync_folder(target.parent)


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused unless it is a plain name directly inside ``folder``."""
    target = folder / name
    if (
        name in ("", ".", "..")
        or Path(name).name != name
        or os.sep in name
        or (os.altsep is not None and os.altsep in name)
        or Path(os.path.normpath(target)).parent != folder
    ):
        raise TransferError(f"refusing to write {name!r} outside the export folder")
    return target


def _holds_story(path: Path, uuid: str) -> bool:
    """Whether ``path`` is a plain file an export wrote for the story ``uuid``."""
    try:
        text = read_story_text(path, follow_links=False)
    except TransferError:
        return False
    return written_for(text) == uuid


def _write_story_file(base: Path, stem: str, data: bytes, uuid: str, taken: set[str]) -> Path:
    """Write one story as ``stem.md``, or ``stem-2.md`` ... when that name is not ours.

    A name is reused only when the file there is one an export wrote for this
    same story; the user's own notes (or links, or another story's file)
    keep theirs, and the story takes the next free name instead.
    """
    number = 1
    while True:
        name = f"{stem}.md" if number == 1 else f"{stem}-{number}.md"
        number += 1
        if name in taken:
            continue
        target = _inside(base, name)
        exists = os.path.lexists(target)
        if exists and not _holds_story(target, uuid):
            continue
        try:
            write_atomic(target, data, overwrite=exists)
        except FileExistsError:
            continue  # made by someone else since we looked: leave it be
        except OSError as exc:
            raise TransferError(f"cannot write: {exc.strerror}", path=str(target)) from exc
        taken.add(name)
        return target


def export_markdown(repo: Repository, folder: Path) -> list[Path]:
    """Write one Markdown file per story (not in the trash) into ``folder``.

    The folder is created if missing. A file already there is replaced only
    when an earlier export wrote it for the same story (its front matter
    says so); any other file is left as it is, and the story goes under the
    next free name (``title-2.md``). Returns the files written, in uuid order.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        base = folder.resolve()
    except OSError as exc:
        raise TransferError(f"cannot create the folder: {exc.strerror}", path=str(folder)) from exc
    taken: set[str] = set()
    return [
        _write_story_file(
            base,
            file_stem(story.title),
            format_story_markdown(story).encode("utf-8"),
            story.uuid,
            taken,
        )
        for story in export_stories(repo)
    ]


def _story_json(story: ExportStory) -> dict[str, Any]:
    return {
        "uuid": story.uuid,
        **{name: getattr(story, name) for name in TEXT_FIELDS},
        "created_at": _iso(story.created_at),
        "updated_at": _iso(story.updated_at),
        "archived": story.archived,
        "values": {key: str(strength) for key, strength in story.values.items()},
        "tags": list(story.tags),
    }


def _packs_json(repo: Repository) -> list[dict[str, Any]]:
    values: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in repo._rows(
        "SELECT framework_id, key, name, description, position, hidden, builtin, renamed "
        "FROM value ORDER BY position, id"
    ):
        values[row[0]].append(
            {
                "key": row[1],
                "name": row[2],
                "description": row[3],
                "position": row[4],
                "hidden": bool(row[5]),
                "builtin": bool(row[6]),
                "renamed": bool(row[7]),
            }
        )
    return [
        {
            "key": row[1],
            "name": row[2],
            "version": row[3],
            "date": row[4],
            "source": row[5],
            "description": row[6],
            "builtin": bool(row[7]),
            "active": bool(row[8]),
            "position": row[9],
            "values": values[row[0]],
        }
        for row in repo._rows(
            "SELECT id, key, name, version, date, source, description, builtin, active, position "
            "FROM framework ORDER BY position, id"
        )
    ]


def _prompts_json(repo: Repository) -> list[dict[str, Any]]:
    """The user's prompts, and built-in ones they edited or hid (the rest ship with the app)."""
    keys: dict[int, list[str]] = defaultdict(list)
    for prompt_id, key in repo._rows(
        "SELECT prompt_id, value_key FROM prompt_value ORDER BY rowid"
    ):
        keys[prompt_id].append(key)
    return [
        {
            "uuid": row[1],
            "text": row[2],
            "theme": row[3],
            "values": keys[row[0]],
            "follow_ups": [line for line in row[4].split("\n") if line.strip()],
            "builtin": bool(row[5]),
            "hidden": bool(row[6]),
            "edited": bool(row[7]),
        }
        for row in repo._rows(
            "SELECT id, uuid, text, theme, follow_ups, builtin, hidden, edited FROM prompt "
            "WHERE builtin = 0 OR edited = 1 OR hidden = 1 ORDER BY uuid"
        )
    ]


def _attempts_json(repo: Repository) -> list[dict[str, Any]]:
    result = []
    for row in repo._rows(
        "SELECT p.uuid, s.uuid, a.started_at, a.duration, a.rating, a.notes, a.session "
        "FROM attempt a JOIN prompt p ON p.id = a.prompt_id "
        # A story in the trash is not exported, so neither is the link to it.
        "LEFT JOIN story s ON s.id = a.story_id AND s.deleted_at IS NULL "
        "ORDER BY a.started_at, a.id"
    ):
        started = _time(row[2])
        assert started is not None
        result.append(
            {
                "prompt": row[0],
                "story": row[1],
                "started_at": _iso(started),
                "duration": row[3],
                "rating": row[4],
                "notes": row[5],
                "session": row[6],
            }
        )
    return result


def bundle_json(repo: Repository, now: datetime | None = None) -> dict[str, Any]:
    """Everything in the bank, as the JSON export writes it."""
    reviews = PracticeRepository(repo.db).review_states()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _iso(now or utcnow()),
        "stories": [_story_json(story) for story in export_stories(repo)],
        "packs": _packs_json(repo),
        "prompts": _prompts_json(repo),
        "attempts": _attempts_json(repo),
        "reviews": [
            {
                "prompt": state.prompt_uuid,
                "due": _iso(state.due),
                "card_json": state.card_json,
                "reps": state.reps,
                "lapses": state.lapses,
                "last_rating": state.last_rating,
            }
            for _uuid, state in sorted(reviews.items())
        ],
        "dismissed_findings": [
            {"story": story, "key": key}
            for story, key in repo._rows(
                "SELECT s.uuid, d.key FROM dismissed_finding d JOIN story s ON s.id = d.story_id "
                "WHERE s.deleted_at IS NULL ORDER BY s.uuid, d.key"
            )
        ],
    }


def export_json(repo: Repository, path: Path, *, now: datetime | None = None) -> None:
    """Write the whole bank (stories, packs, prompts, practice) to one JSON file."""
    data = json.dumps(bundle_json(repo, now), ensure_ascii=False, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data.encode("utf-8"))
    except OSError as exc:
        raise TransferError(f"cannot write: {exc.strerror}", path=str(path)) from exc


# --- reading files ----------------------------------------------------------------


def _size(limit: int) -> str:
    return f"{limit // _MIB} MiB" if limit % _MIB == 0 else f"{limit:,} bytes"


# Opening never waits: a FIFO would block open() until a writer came along.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_capped(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; else :class:`TransferError`.

    Pipes, devices and folders are refused before a byte is read (``/dev/zero``
    never ends, a FIFO may never answer), and no more than ``limit + 1``
    bytes are read to find out that a file is too large. With
    ``follow_links=False`` a symbolic link is refused too.
    """
    flags = _OPEN_FLAGS | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        if not follow_links and path.is_symlink():
            raise TransferError("a link, not read", path=str(path))
        handle = os.open(path, flags)
    except OSError as exc:
        raise TransferError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    try:
        # Asked of the open file, not the name, so that it cannot change in between.
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise TransferError("a folder, not a file", path=str(path))
        if not stat.S_ISREG(mode):
            raise TransferError("not a regular file (a pipe or a device)", path=str(path))
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise TransferError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    finally:
        os.close(handle)
    if len(data) > limit:
        raise TransferError(f"larger than {_size(limit)}, the most read", path=str(path))
    return data


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TransferError("not UTF-8 text", line, str(path)) from None


def _source_story(parsed: ParsedStory, origin: str) -> SourceStory:
    fields = {
        "title": parsed.title,
        "company": parsed.company,
        "role": parsed.role,
        "period": parsed.period,
        **parsed.sections,
    }
    for name, text in fields.items():
        if len(text) > MAX_FIELD_CHARS:
            raise TransferError(
                f"{name} is longer than {MAX_FIELD_CHARS:,} characters", path=origin
            )
    uuid = _check_uuid(parsed.uuid, origin, "front matter: 'uuid'") if parsed.uuid else None
    return SourceStory(
        origin=origin,
        uuid=uuid,
        created_at=parsed.created,
        updated_at=parsed.updated,
        archived=parsed.archived,
        values=dict(parsed.values),
        tags=tuple(parsed.tags),
        **fields,
    )


def read_story_text(path: Path, *, follow_links: bool = True) -> str:
    """The text of one story file, read within :data:`MAX_MARKDOWN_BYTES`."""
    return _decode(read_capped(path, MAX_MARKDOWN_BYTES, follow_links=follow_links), path)


def read_markdown_file(path: Path, *, follow_links: bool = True) -> SourceStory:
    """Read one story file; raise :class:`TransferError` naming it if it is malformed."""
    text = read_story_text(path, follow_links=follow_links)
    try:
        parsed = parse_story_markdown(text)
    except InterchangeError as exc:
        raise TransferError(exc.reason, exc.line, str(path)) from exc
    return _source_story(parsed, str(path))


def _story_files(folder: Path) -> tuple[list[Path], list[str]]:
    """The story files (``*.md``) directly in ``folder``, by name, and those skipped.

    Only plain files inside the folder are read. A link is skipped, wherever
    it points: following it could read a file the user never chose. So is
    anything that is not a regular file (a pipe would never answer).
    """
    files: list[Path] = []
    skipped: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or Path(entry.name).suffix.lower() not in (
                    ".md",
                    ".markdown",
                ):
                    continue
                if entry.is_symlink():
                    skipped.append(f"{entry.name}: a link, skipped (only files in the folder)")
                elif not entry.is_file(follow_symlinks=False):
                    skipped.append(f"{entry.name}: not a regular file, skipped")
                else:
                    files.append(Path(entry.path))
                    if len(files) > MAX_FILES:
                        raise TransferError(
                            f"more than {MAX_FILES:,} story files in one folder", path=str(folder)
                        )
    except OSError as exc:
        raise TransferError(f"cannot list: {exc.strerror or exc}", path=str(folder)) from exc
    return sorted(files), sorted(skipped)


def _read_markdown(path: Path) -> ImportBundle:
    if not path.is_dir():
        return ImportBundle(source=str(path), stories=(read_markdown_file(path),))
    files, skipped = _story_files(path)
    stories = tuple(read_markdown_file(file, follow_links=False) for file in files)
    return ImportBundle(source=str(path), stories=stories, skipped=tuple(skipped))


def read_markdown_folder(path: Path) -> list[SourceStory]:
    """Read every story file (``*.md``) in a folder, by name; or one file.

    Links and other entries that are not plain files are skipped; see
    :func:`read_import` for a bundle that says which.
    """
    return list(_read_markdown(path).stories)


def read_import(path: Path) -> ImportBundle:
    """Read what an import of ``path`` offers: a JSON export, one story file or a folder."""
    return read_json(path) if path.suffix.lower() == ".json" else _read_markdown(path)


class _Object:
    """One JSON object being checked; a bad field is named by where it sits."""

    def __init__(self, data: object, where: str, origin: str) -> None:
        self.where = where
        self.origin = origin
        if not isinstance(data, dict):
            raise self.error("", "must be an object")
        self.data: dict[str, Any] = data

    def error(self, key: str, reason: str) -> TransferError:
        where = ".".join(part for part in (self.where, key) if part) or "the file"
        return TransferError(f"{where}: {reason}", path=self.origin)

    def text(self, key: str, default: str | None = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, "must be text")
        if len(value) > MAX_FIELD_CHARS:
            raise self.error(key, f"is longer than {MAX_FIELD_CHARS:,} characters")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false")
        return value

    def count(self, key: str, default: int | None = 0) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= _MAX_COUNT:
            raise self.error(key, "must be a whole number")
        return value

    def rating(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or value not in (1, 2, 3, 4):
            raise self.error(key, "must be 1, 2, 3, 4 or null")
        return int(value)

    def seconds(self, key: str) -> float:
        value = self.data.get(key, 0.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 <= value < _MAX_COUNT
        ):
            raise self.error(key, "must be a number of seconds")
        return float(value)

    def time(self, key: str, *, required: bool = True) -> datetime | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.error(key, "must be a date and time (ISO 8601)")
        try:
            return in_utc(datetime.fromisoformat(value))
        except ValueError:
            raise self.error(key, f"'{value[:40]}' is not a date and time (ISO 8601)") from None
        except OverflowError:
            raise self.error(key, f"'{value[:40]}' {OUTSIDE_CALENDAR}") from None

    def uuid(self, key: str, *, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.error(key, "must be a uuid")
        return _check_uuid(value, self.origin, ".".join(p for p in (self.where, key) if p))

    def array(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.error(key, "must be a list")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        items = self.array(key)
        for index, item in enumerate(items):
            if not isinstance(item, str) or len(item) > MAX_FIELD_CHARS:
                raise self.error(f"{key}[{index}]", "must be text")
        return tuple(items)

    def objects(self, key: str) -> list[_Object]:
        prefix = f"{self.where}.{key}" if self.where else key
        return [
            _Object(item, f"{prefix}[{index}]", self.origin)
            for index, item in enumerate(self.array(key))
        ]


def _json_story(item: _Object) -> SourceStory:
    raw_values = item.data.get("values", {})
    if not isinstance(raw_values, dict):
        raise item.error("values", "must map value keys to primary or supporting")
    values = {}
    for key, strength in raw_values.items():
        if strength not in ("primary", "supporting"):
            raise item.error(f"values.{key}", "must be primary or supporting")
        values[key] = Strength(strength)
    return SourceStory(
        origin=f"{item.origin} ({item.where})",
        uuid=item.uuid("uuid", required=False),
        created_at=item.time("created_at", required=False),
        updated_at=item.time("updated_at", required=False),
        archived=item.flag("archived"),
        values=values,
        tags=item.texts("tags"),
        **{name: item.text(name) for name in TEXT_FIELDS},
    )


def _json_pack(item: _Object) -> PackRecord:
    for value in item.objects("values"):
        key = value.text("key", None)
        if not key or key != value_key(key):
            raise value.error("key", "must be lowercase words joined by hyphens")
    values = tuple(
        PackValueRecord(
            key=value.text("key", None),
            name=value.text("name", None),
            description=value.text("description"),
            position=value.count("position"),
            hidden=value.flag("hidden"),
            builtin=value.flag("builtin"),
            renamed=value.flag("renamed"),
        )
        for value in item.objects("values")
    )
    for record in values:
        if not record.name.strip():
            raise item.error("values", f"value '{record.key}' needs a name")
    key = item.text("key", None)
    if not key or key != value_key(key):
        raise item.error("key", "must be lowercase words joined by hyphens")
    return PackRecord(
        key=key,
        name=item.text("name", key),
        version=item.count("version", 1),
        date=item.text("date"),
        source=item.text("source"),
        description=item.text("description"),
        builtin=item.flag("builtin"),
        active=item.flag("active"),
        position=item.count("position"),
        values=values,
    )


def _json_prompt(item: _Object) -> PromptRecord:
    uuid = item.uuid("uuid")
    assert uuid is not None
    return PromptRecord(
        uuid=uuid,
        text=item.text("text", None),
        theme=item.text("theme"),
        values=item.texts("values"),
        follow_ups=item.texts("follow_ups"),
        builtin=item.flag("builtin"),
        hidden=item.flag("hidden"),
        edited=item.flag("edited"),
    )


def _json_attempt(item: _Object) -> AttemptRecord:
    prompt, started = item.uuid("prompt"), item.time("started_at")
    assert prompt is not None and started is not None
    return AttemptRecord(
        prompt_uuid=prompt,
        story_uuid=item.uuid("story", required=False),
        started_at=started,
        duration=item.seconds("duration"),
        rating=item.rating("rating"),
        notes=item.text("notes"),
        session=item.text("session")[:_MAX_UUID],
    )


def _json_review(item: _Object) -> ReviewState:
    prompt, due = item.uuid("prompt"), item.time("due")
    assert prompt is not None and due is not None
    return ReviewState(
        prompt_uuid=prompt,
        due=due,
        card_json=item.text("card_json", None),
        reps=item.count("reps"),
        lapses=item.count("lapses"),
        last_rating=item.rating("last_rating"),
    )


def _json_dismissed(item: _Object) -> DismissedRecord:
    story = item.uuid("story")
    assert story is not None
    return DismissedRecord(story_uuid=story, key=item.text("key", None))


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


# A JSON escape of half a UTF-16 pair: the only way a lone surrogate gets in.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate_at(data: object) -> str | None:
    """Where parsed JSON holds a lone surrogate (``stories[0].title``), or None.

    Walked with a list, not recursion: the parser accepts nesting deeper
    than Python's recursion limit.
    """
    pending: list[tuple[object, str]] = [(data, "")]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            if LONE_SURROGATE.search(item):
                return where or "the file"
        elif isinstance(item, dict):
            for key, value in item.items():
                if LONE_SURROGATE.search(key):
                    return f"a key of {where or 'the file'}"
                pending.append((value, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            pending.extend((value, f"{where}[{index}]") for index, value in enumerate(item))
    return None


def read_json(path: Path) -> ImportBundle:
    """Read a JSON export; raise :class:`TransferError` naming the file if it is malformed."""
    text = _decode(read_capped(path, MAX_JSON_BYTES), path).removeprefix("\ufeff")
    origin = str(path)
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise TransferError(exc.msg, exc.lineno, origin) from None
    except RecursionError:
        raise TransferError("nested too deeply", path=origin) from None
    except ValueError as exc:  # a constant refused above, or a number too long to read
        raise TransferError(str(exc), path=origin) from None
    # Only text that escapes half of a UTF-16 pair can hold a lone one: most
    # files need no walk.
    if _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate_at(data)
        if where is not None:
            raise TransferError(f"{where}: holds a lone surrogate, which is not text", path=origin)
    top = _Object(data, "", origin)
    if top.data.get("format") != FORMAT_NAME:
        raise TransferError('not a Storybank export (no "format": "storybank")', path=origin)
    version = top.count("version", None)
    if version > FORMAT_VERSION:
        raise TransferError(
            f"written by a newer Storybank (format version {version}); update to import it",
            path=origin,
        )
    if version < 1:
        raise top.error("version", "must be 1 or more")
    return ImportBundle(
        source=origin,
        stories=tuple(_json_story(item) for item in top.objects("stories")),
        packs=tuple(_json_pack(item) for item in top.objects("packs")),
        prompts=tuple(_json_prompt(item) for item in top.objects("prompts")),
        attempts=tuple(_json_attempt(item) for item in top.objects("attempts")),
        reviews=tuple(_json_review(item) for item in top.objects("reviews")),
        dismissed=tuple(_json_dismissed(item) for item in top.objects("dismissed_findings")),
    )


# --- planning -----------------------------------------------------------------------


@dataclass(frozen=True)
class _BankStory:
    id: int
    title: str
    updated_at: datetime
    archived: bool
    trashed: bool
    digest: str


def _bank_stories(repo: Repository) -> dict[str, _BankStory]:
    """Every story in the bank (the trash too) by uuid, with a fingerprint of its content."""
    values: dict[int, list[tuple[ValueRef, Strength]]] = defaultdict(list)
    for story_id, pack, key, strength in repo._rows(
        "SELECT sv.story_id, f.key, v.key, sv.strength FROM story_value sv "
        "JOIN value v ON v.id = sv.value_id JOIN framework f ON f.id = v.framework_id"
    ):
        values[story_id].append(((pack, key), Strength(strength)))
    tags: dict[int, list[str]] = defaultdict(list)
    for story_id, name in repo._rows(
        "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id"
    ):
        tags[story_id].append(name)
    bank = {}
    columns = ", ".join(TEXT_FIELDS)
    for row in repo._rows(
        f"SELECT id, uuid, updated_at, archived, deleted_at IS NOT NULL, {columns} FROM story"
    ):
        updated = _time(row[2])
        assert updated is not None
        fields = dict(zip(TEXT_FIELDS, row[5:], strict=True))
        bank[row[1]] = _BankStory(
            id=row[0],
            title=fields["title"],
            updated_at=updated,
            archived=bool(row[3]),
            trashed=bool(row[4]),
            digest=_digest(fields, values.get(row[0], ()), tags.get(row[0], ())),
        )
    return bank


class _ValueLookup:
    """Values by what a file may call them: ``pack/key``, key, or name in any case.

    A key always wins over a name that happens to slugify to it, so a value
    exported by key comes back as that value even if another is named alike.
    """

    def __init__(self, repo: Repository, packs: Iterable[PackRecord]) -> None:
        known: list[tuple[ValueRef, str]] = [
            ((pack.key, value.key), value.name) for pack in repo.packs() for value in pack.values
        ]
        # Values an import brings with it (JSON) count as known: they exist by the
        # time its stories are written.
        known += [((pack.key, value.key), value.name) for pack in packs for value in pack.values]
        self.refs: dict[str, ValueRef] = {}
        for ref, _name in known:
            self.refs.setdefault(f"{ref[0]}/{ref[1]}", ref)
        for ref, _name in known:
            self.refs.setdefault(ref[1], ref)
        for ref, name in known:
            self.refs.setdefault(name.casefold(), ref)
        for ref, name in known:
            self.refs.setdefault(value_key(name), ref)

    def resolve(
        self, values: Mapping[str, Strength]
    ) -> tuple[tuple[tuple[ValueRef, Strength], ...], tuple[str, ...]]:
        found: dict[ValueRef, Strength] = {}
        unknown = []
        for name, strength in values.items():
            ref = (
                self.refs.get(name)
                or self.refs.get(name.strip().casefold())
                or self.refs.get(value_key(name))
            )
            if ref is None:
                unknown.append(f"unknown value '{name}' (left out)")
            else:
                found.setdefault(ref, strength)
        return tuple(found.items()), tuple(unknown)


def _extra_problems(repo: Repository, bundle: ImportBundle, story_uuids: set[str]) -> list[str]:
    """Practice records that point at prompts or stories nowhere to be found."""
    from storybank.core.prompts import builtin_prompt_bank

    prompts = {uuid for (uuid,) in repo._rows("SELECT uuid FROM prompt")}
    prompts |= {p.uuid for p in builtin_prompt_bank().prompts} | {p.uuid for p in bundle.prompts}
    problems = []
    lost = sum(1 for a in bundle.attempts if a.prompt_uuid not in prompts)
    lost += sum(1 for r in bundle.reviews if r.prompt_uuid not in prompts)
    if lost:
        problems.append(f"{lost} practice records name prompts this bank lacks (left out)")
    orphans = sum(1 for d in bundle.dismissed if d.story_uuid not in story_uuids)
    if orphans:
        problems.append(f"{orphans} dismissed findings name stories not found (left out)")
    return problems


def plan_import(repo: Repository, bundle: ImportBundle | Sequence[SourceStory]) -> ImportPlan:
    """Match an import against the bank, story by story; write nothing."""
    if not isinstance(bundle, ImportBundle):
        bundle = ImportBundle(source="", stories=tuple(bundle))
    bank = _bank_stories(repo)
    by_digest = {story.digest: story for story in bank.values() if not story.trashed}
    lookup = _ValueLookup(repo, bundle.packs)
    seen: set[str] = set()
    items = []
    for story in bundle.stories:
        values, problems = lookup.resolve(story.values)
        tags = _clean_tags(story.tags)
        fields = story.text_fields()
        digest = _digest(fields, values, tags)
        found = bank.get(story.uuid) if story.uuid else None
        item = ImportItem(story=story, kind=ItemKind.NEW, values=values, tags=tags)
        if found is not None:
            item = replace(
                item, bank_id=found.id, bank_title=found.title, bank_updated_at=found.updated_at
            )
            if found.trashed:
                problems += ("the bank's copy is in the trash",)
        if story.uuid is not None and story.uuid in seen:
            item = replace(item, kind=ItemKind.DUPLICATE, note="its uuid appears earlier")
        elif found is None:
            twin = by_digest.get(digest) if story.uuid is None else None
            if twin is not None:
                item = replace(
                    item, kind=ItemKind.UNCHANGED, bank_id=twin.id, note="already in the bank"
                )
        elif found.digest == digest and story.archived in (None, found.archived):
            item = replace(item, kind=ItemKind.UNCHANGED)
        elif story.updated_at is not None and story.updated_at > found.updated_at:
            item = replace(item, kind=ItemKind.UPDATED)
        else:
            copy = _digest({**fields, "title": _copy_title(story.title)}, values, tags)
            twin = by_digest.get(copy)
            if twin is not None:
                item = replace(
                    item,
                    kind=ItemKind.UNCHANGED,
                    bank_id=twin.id,
                    note="already imported as a copy",
                )
            else:
                item = replace(item, kind=ItemKind.CONFLICT)
        if story.uuid is not None:
            seen.add(story.uuid)
        items.append(replace(item, problems=problems))
    story_uuids = set(bank) | seen
    return ImportPlan(
        bundle=bundle,
        items=tuple(items),
        problems=(*bundle.skipped, *_extra_problems(repo, bundle, story_uuids)),
    )


# --- applying -----------------------------------------------------------------------


def _copy_title(title: str) -> str:
    return f"{title or 'Untitled story'}{IMPORTED_SUFFIX}"


def _write_for(item: ImportItem, *, replacing: bool, copy: bool = False) -> StoryWrite:
    story = item.story
    fields = story.text_fields()
    if copy:
        fields["title"] = _copy_title(story.title)
    return StoryWrite(
        uuid=str(uuid_module.uuid4()) if copy or story.uuid is None else story.uuid,
        fields=fields,
        values=item.values,
        tags=item.tags,
        created_at=story.created_at,
        updated_at=story.updated_at,
        archived=story.archived,
        bank_id=item.bank_id if replacing else None,
        expect_updated_at=item.bank_updated_at if replacing else None,
        kept_both=copy,
    )


def _decide(item: ImportItem, choice: Choice) -> StoryWrite | None:
    """The write for one planned story (None: leave the bank as it is)."""
    if item.kind is ItemKind.NEW:
        return _write_for(item, replacing=False)
    if item.kind is ItemKind.UPDATED:
        return _write_for(item, replacing=True)
    if item.kind is not ItemKind.CONFLICT:
        return None
    if choice is Choice.KEEP_BOTH:
        return _write_for(item, replacing=False, copy=True)
    if choice is Choice.REPLACE:
        return _write_for(item, replacing=True)
    if choice is Choice.KEEP_NEWER:
        incoming, bank = item.story.updated_at, item.bank_updated_at
        if incoming is not None and bank is not None and incoming > bank:
            return _write_for(item, replacing=True)
    return None


def apply_import(
    repo: Repository,
    plan: ImportPlan,
    choices: Mapping[str, Choice] | None = None,
    *,
    default: Choice = Choice.KEEP_BOTH,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a plan in one transaction: everything, or (on any error) nothing.

    ``choices`` gives the choice for a conflict by the story's uuid; other
    conflicts get ``default``. ``progress(done, total)`` is called after each
    story and record, from inside the transaction (it must not touch the bank).
    Raises :class:`TransferError` if the bank changed since the plan was made,
    :class:`~storybank.core.database.StorageError` if it cannot be written.
    """
    choices = choices or {}
    writes = [
        _decide(item, Choice(choices.get(item.story.uuid or "", default))) for item in plan.items
    ]
    bundle = plan.bundle
    prompt_bank = None
    if bundle.prompts or bundle.attempts or bundle.reviews:
        # Practice records name built-in prompts: a bank that has never shown
        # the Practice mode does not hold them yet.
        from storybank.core.prompts import builtin_prompt_bank

        prompt_bank = builtin_prompt_bank()
        stored = repo._rows("SELECT max(bank_version) FROM prompt WHERE builtin = 1")[0][0]
        if stored is not None and stored >= prompt_bank.version:
            prompt_bank = None
    counts = repo._run(lambda w, s: w.apply_import(s, writes, bundle, prompt_bank, progress))
    kinds = plan.summary()
    return ImportResult(
        added=sum(1 for w in writes if w is not None and w.bank_id is None and not w.kept_both),
        updated=sum(1 for w in writes if w is not None and w.bank_id is not None),
        kept_both=sum(1 for w in writes if w is not None and w.kept_both),
        unchanged=kinds[ItemKind.UNCHANGED],
        skipped=sum(
            1
            for item, w in zip(plan.items, writes, strict=True)
            if w is None and item.kind is not ItemKind.UNCHANGED
        ),
        values_added=counts["values"],
        prompts_saved=counts["prompts"],
        attempts_added=counts["attempts"],
        reviews_saved=counts["reviews"],
        findings_added=counts["findings"],
        story_ids=tuple(counts["story_ids"]),
    )
