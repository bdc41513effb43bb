"""Export: every story (not in the trash) as Markdown files, or the whole bank as JSON."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storybank.core.interchange import TransferError, format_story_markdown, written_for
from storybank.core.practice_repository import PracticeRepository
from storybank.core.records import TEXT_FIELDS, Strength, utcnow
from storybank.core.repository import Repository, _time
from storybank.core.transfer.files import file_stem, write_atomic
from storybank.core.transfer.reading import read_story_text
from storybank.core.transfer.records import FORMAT_NAME, FORMAT_VERSION, ExportStory

__all__ = ["bundle_json", "export_json", "export_markdown", "export_stories"]


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


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
