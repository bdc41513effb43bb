"""Reading an import: a folder of Markdown stories, one story file, or a JSON export.

Every file is checked before anything is planned: regular files only, sizes
capped, links in a folder skipped, YAML and JSON parsed safely; anything
wrong raises :class:`~storybank.core.interchange.TransferError` naming the
file, the line where known, and why.
"""

from __future__ import annotations

import json
import math
import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storybank.core.interchange import (
    LONE_SURROGATE,
    OUTSIDE_CALENDAR,
    InterchangeError,
    ParsedStory,
    TransferError,
    in_utc,
    parse_stories_markdown,
)
from storybank.core.packs import value_key
from storybank.core.practice import ReviewState
from storybank.core.records import TEXT_FIELDS, Strength
from storybank.core.self_rating import coach_readings, self_ratings
from storybank.core.transfer.files import MIB, read_capped
from storybank.core.transfer.records import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ApplicationRecord,
    AttemptRecord,
    DebriefRecord,
    DismissedRecord,
    ImportBundle,
    PackRecord,
    PackValueRecord,
    PromptRecord,
    RoundRecord,
    SourceStory,
    TellingRecord,
)

if TYPE_CHECKING:
    from storybank.core.loops import QuestionToAsk

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_FILES",
    "MAX_JSON_BYTES",
    "MAX_MARKDOWN_BYTES",
    "read_import",
    "read_json",
    "read_markdown_file",
    "read_markdown_folder",
    "read_markdown_stories",
    "read_story_text",
]

# --- limits: every cap on what an import reads, in one place -----------------

#: Largest story file read (import, ``storybank coach``); far above any story.
MAX_MARKDOWN_BYTES = 5 * MIB
#: Largest JSON export read: room for a bank of fields a megabyte long each,
#: since refusing an export Storybank itself wrote would strand its data.
MAX_JSON_BYTES = 200 * MIB
#: Longest text of one field (a title, a section, a note), in characters.
MAX_FIELD_CHARS = 2_000_000
#: Most story files read from one folder.
MAX_FILES = 10_000
_MAX_UUID = 36  # the story.uuid column is String(36)
_MAX_COUNT = 2**31  # positions, repetitions: far beyond use, well inside SQLite's integers

_UUID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


def _check_uuid(raw: str, origin: str, where: str) -> str:
    text = raw.strip()
    if len(text) > _MAX_UUID or not _UUID.fullmatch(text):
        raise TransferError(
            f"{where}: a uuid is 1 to {_MAX_UUID} letters, digits, dashes or dots", path=origin
        )
    return text


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


def read_markdown_stories(path: Path, *, follow_links: bool = True) -> tuple[SourceStory, ...]:
    """Read the stories of one file (most hold one; see ``parse_stories_markdown``).

    Raises :class:`TransferError` naming the file if it is malformed. Each of
    several stories is named as the file and its place in it ("(story 2)").
    """
    text = read_story_text(path, follow_links=follow_links)
    try:
        parsed = parse_stories_markdown(text, name=path.name)
    except InterchangeError as exc:
        raise TransferError(exc.reason, exc.line, str(path)) from exc
    if len(parsed) == 1:
        return (_source_story(parsed[0], str(path)),)
    return tuple(
        _source_story(story, f"{path} (story {number})")
        for number, story in enumerate(parsed, start=1)
    )


def read_markdown_file(path: Path, *, follow_links: bool = True) -> SourceStory:
    """Read a file that holds one story; raise :class:`TransferError` naming it if it
    is malformed or holds several (read those with :func:`read_markdown_stories`)."""
    stories = read_markdown_stories(path, follow_links=follow_links)
    if len(stories) != 1:
        raise TransferError(f"holds {len(stories)} stories, not one", path=str(path))
    return stories[0]


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
        return ImportBundle(source=str(path), stories=read_markdown_stories(path))
    files, skipped = _story_files(path)
    stories = tuple(
        story for file in files for story in read_markdown_stories(file, follow_links=False)
    )
    return ImportBundle(source=str(path), stories=stories, skipped=tuple(skipped))


def read_markdown_folder(path: Path) -> list[SourceStory]:
    """Read every story file (``*.md``) in a folder, by name; or one file (a file
    may hold several stories, one per ``##`` heading).

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
            themes=value.texts("themes"),
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
        url=item.text("url"),
        published=item.text("published"),
        checked=item.flag("checked"),
        note=item.text("note"),
        removed=item.flag("removed"),
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
        # Checked like the bank's own: what is not a reading in range is dropped.
        self_rubric=self_ratings(item.data.get("self_rubric")),
        coach_rubric=coach_readings(item.data.get("coach_rubric")),
    )


def _json_application(item: _Object) -> ApplicationRecord:
    """An application with its rounds and angles; status and kinds checked."""
    uuid, created, updated = item.uuid("uuid"), item.time("created_at"), item.time("updated_at")
    assert uuid is not None and created is not None and updated is not None
    status = item.text("status", "preparing")
    if status not in ("preparing", "interviewing", "offer", "closed"):
        raise item.error("status", "must be preparing, interviewing, offer or closed")
    return ApplicationRecord(
        uuid=uuid, company=item.text("company"), role=item.text("role"),
        team=item.text("team"), status=status, packs=item.texts("packs"),
        template=item.text("template"), applied_on=item.text("applied_on"),
        notes=item.text("notes"), pitch_intro=item.text("pitch_intro"),
        pitch_why=item.text("pitch_why"), created_at=created, updated_at=updated,
        rounds=tuple(_json_round(r) for r in item.objects("rounds")),
        angles=tuple(
            (story, a.text("text"))
            for a in item.objects("angles")
            if (story := a.uuid("story")) is not None
        ),
    )  # fmt: skip


def _json_question(item: _Object) -> QuestionToAsk:
    """A question to ask the user wrote or changed: words and round kinds checked."""
    from storybank.core.loops import own_question

    uuid = item.uuid("uuid")
    assert uuid is not None
    words, kinds, why = item.text("text"), item.texts("kinds"), item.text("why")
    hidden = item.flag("hidden")
    try:
        return own_question(uuid, words, kinds, why, hidden=hidden)
    except ValueError as exc:
        raise item.error("text", str(exc).rstrip(".").lower()) from None


def _json_round(item: _Object) -> RoundRecord:
    from storybank.core.loops import RoundKind

    uuid = item.uuid("uuid")
    assert uuid is not None
    kind = item.text("kind", "other")
    if kind not in set(RoundKind):
        raise item.error("kind", f"'{kind[:40]}' is not a kind of round")
    minutes = item.count("minutes", 45)
    if not 1 <= minutes <= 24 * 60:
        raise item.error("minutes", "must be a length in minutes")
    return RoundRecord(
        uuid=uuid, kind=kind, name=item.text("name"),
        scheduled_at=item.time("scheduled_at", required=False), minutes=minutes,
        interviewer_name=item.text("interviewer_name"),
        interviewer_role=item.text("interviewer_role"), focus=item.text("focus"),
        themes=item.texts("themes"), questions=item.texts("questions"),
        asked=item.texts("asked"), done=item.flag("done"), notes=item.text("notes"),
        debrief=tuple(_json_debrief(d) for d in item.objects("debrief")),
    )  # fmt: skip


def _json_debrief(item: _Object) -> DebriefRecord:
    outcome = item.text("outcome", "okay")
    if outcome not in ("strong", "okay", "missed"):
        raise item.error("outcome", "must be strong, okay or missed")
    return DebriefRecord(
        question=item.text("question"),
        story_uuid=item.uuid("story", required=False),
        outcome=outcome,
        notes=item.text("notes"),
        prompt_uuid=item.uuid("prompt", required=False),
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


def _json_telling(item: _Object) -> TellingRecord:
    """A story told to a length: 30, 120 or 180 seconds."""
    from storybank.core.tellings import LENGTHS

    story = item.uuid("story")
    assert story is not None
    seconds = item.count("seconds", None)
    if seconds not in LENGTHS:
        raise item.error("seconds", f"must be one of {', '.join(map(str, LENGTHS))}")
    return TellingRecord(story_uuid=story, seconds=seconds, text=item.text("text"))


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
        applications=tuple(_json_application(item) for item in top.objects("applications")),
        questions=tuple(_json_question(item) for item in top.objects("questions_to_ask")),
        tellings=tuple(_json_telling(item) for item in top.objects("tellings")),
    )
