"""Export: every story (not in the trash) as Markdown files, or the whole bank as JSON."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storybank.core.interchange import TransferError, format_story_markdown, written_for
from storybank.core.practice_repository import PracticeRepository
from storybank.core.records import TEXT_FIELDS, utcnow
from storybank.core.redaction import Redactor
from storybank.core.repository import Repository
from storybank.core.transfer.files import file_stem, write_atomic
from storybank.core.transfer.reading import read_story_text
from storybank.core.transfer.records import FORMAT_NAME, FORMAT_VERSION, ExportStory

__all__ = ["bundle_json", "export_json", "export_markdown", "redacted_json", "redacted_story"]


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


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


def redacted_story(story: ExportStory, redactor: Redactor) -> ExportStory:
    """A story with its text, tags and value keys redacted (the file name follows
    the redacted title)."""
    story = redactor.redact_story(story)
    values = {redactor.redact(key): strength for key, strength in story.values.items()}
    return replace(story, values=values)


def export_markdown(repo: Repository, folder: Path, redactor: Redactor | None = None) -> list[Path]:
    """Write one Markdown file per story (not in the trash) into ``folder``.

    The folder is created if missing. A file already there is replaced only
    when an earlier export wrote it for the same story (its front matter
    says so); any other file is left as it is, and the story goes under the
    next free name (``title-2.md``). Returns the files written, in uuid order.
    With ``redactor``, each story is redacted before its file and its name are
    made.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        base = folder.resolve()
    except OSError as exc:
        raise TransferError(f"cannot create the folder: {exc.strerror}", path=str(folder)) from exc
    taken: set[str] = set()
    stories = repo.export_stories()
    if redactor is not None and redactor.active:
        stories = [redacted_story(story, redactor) for story in stories]
    return [
        _write_story_file(
            base,
            file_stem(story.title),
            format_story_markdown(story).encode("utf-8"),
            story.uuid,
            taken,
        )
        for story in stories
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
    return [
        {
            "key": pack.key,
            "name": pack.name,
            "version": pack.version,
            "date": pack.date,
            "source": pack.source,
            "description": pack.description,
            "builtin": pack.builtin,
            "active": pack.active,
            "position": pack.position,
            "url": pack.url,
            "published": pack.published,
            "checked": pack.checked,
            "note": pack.note,
            "removed": pack.removed,
            "values": [
                {
                    "key": value.key,
                    "name": value.name,
                    "description": value.description,
                    "position": value.position,
                    "hidden": value.hidden,
                    "builtin": value.builtin,
                    "renamed": value.renamed,
                    "themes": list(value.themes),
                }
                for value in pack.values
            ],
        }
        for pack in repo.export_packs()
    ]


def _prompts_json(practice: PracticeRepository) -> list[dict[str, Any]]:
    """The user's prompts, and built-in ones they edited or hid (the rest ship with the app)."""
    return [
        {
            "uuid": prompt.uuid,
            "text": prompt.text,
            "theme": prompt.theme,
            "values": list(prompt.values),
            "follow_ups": list(prompt.follow_ups),
            "builtin": prompt.builtin,
            "hidden": prompt.hidden,
            "edited": prompt.edited,
        }
        for prompt in practice.export_prompts()
    ]


def _attempts_json(
    practice: PracticeRepository, recordings: dict[tuple[str, datetime], str] | None = None
) -> list[dict[str, Any]]:
    """Every attempt; with ``recordings`` (prompt and start -> the copied take's path
    relative to the export), those recorded name their take."""
    found = recordings or {}
    result = []
    for attempt in practice.export_attempts():
        item: dict[str, Any] = {
            "prompt": attempt.prompt_uuid,
            "story": attempt.story_uuid,
            "started_at": _iso(attempt.started_at),
            "duration": attempt.duration,
            "rating": attempt.rating,
            "notes": attempt.notes,
            "session": attempt.session,
            "self_rubric": dict(attempt.self_rubric),
            "coach_rubric": dict(attempt.coach_rubric),
        }
        if taken := found.get((attempt.prompt_uuid, attempt.started_at)):
            item["recording"] = taken
        result.append(item)
    return result


def _applications_json(repo: Repository) -> list[dict[str, Any]]:
    """Every application with its rounds, debriefs and angles (stories by uuid)."""
    from storybank.core.applications import ApplicationRepository

    return [
        {
            "uuid": app.uuid, "company": app.company, "role": app.role, "team": app.team,
            "status": app.status, "packs": list(app.packs), "template": app.template,
            "applied_on": app.applied_on, "notes": app.notes,
            "pitch_intro": app.pitch_intro, "pitch_why": app.pitch_why,
            "created_at": _iso(app.created_at), "updated_at": _iso(app.updated_at),
            "rounds": [
                {
                    "uuid": r.uuid, "kind": r.kind, "name": r.name,
                    "scheduled_at": _iso(r.scheduled_at) if r.scheduled_at else None,
                    "minutes": r.minutes, "interviewer_name": r.interviewer_name,
                    "interviewer_role": r.interviewer_role, "focus": r.focus,
                    "themes": list(r.themes), "questions": list(r.questions),
                    "asked": list(r.asked), "done": r.done, "notes": r.notes,
                    "debrief": [
                        {"question": d.question, "story": d.story_uuid, "outcome": d.outcome,
                         "notes": d.notes, "prompt": d.prompt_uuid}
                        for d in r.debrief
                    ],
                }
                for r in app.rounds
            ],
            "angles": [{"story": story, "text": text} for story, text in app.angles],
        }
        for app in ApplicationRepository(repo.db).export_records()
    ]  # fmt: skip


def _questions_json(repo: Repository) -> list[dict[str, Any]]:
    """The questions to ask the user wrote, changed or hid (the rest ship with Storybank)."""
    from storybank.core.applications import ApplicationRepository

    return [
        {"uuid": q.uuid, "text": q.text, "kinds": q.kind_keys, "why": q.why, "hidden": q.hidden}
        for q in ApplicationRepository(repo.db).my_questions()
    ]


def bundle_json(
    repo: Repository,
    now: datetime | None = None,
    recordings: dict[tuple[str, datetime], str] | None = None,
) -> dict[str, Any]:
    """Everything in the bank, as the JSON export writes it (the recorded audio only
    as the paths of copies made beside it, and only when asked)."""
    practice = PracticeRepository(repo.db)
    reviews = practice.review_states()
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "exported_at": _iso(now or utcnow()),
        "stories": [_story_json(story) for story in repo.export_stories()],
        "packs": _packs_json(repo),
        "prompts": _prompts_json(practice),
        "attempts": _attempts_json(practice, recordings),
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
            {"story": finding.story_uuid, "key": finding.key}
            for finding in repo.dismissed_findings()
        ],
        "applications": _applications_json(repo),
        "questions_to_ask": _questions_json(repo),
        "tellings": [
            {"story": story, "seconds": seconds, "text": told}
            for story, seconds, told in repo.export_tellings()
        ],
    }


#: What a redacted JSON export keeps as it is: references and times, no one's words.
_KEPT = frozenset({
    "format", "version", "exported_at", "uuid", "story", "prompt", "created_at",
    "updated_at", "started_at", "due", "scheduled_at", "card_json", "recording",
})  # fmt: skip


def redacted_json(data: Any, redactor: Redactor, key: str = "") -> Any:
    """A JSON export's ``data`` with every string redacted (and the keys of a map
    of values) but the references and times in :data:`_KEPT`."""
    if isinstance(data, str):
        return data if key in _KEPT else redactor.redact(data)
    if isinstance(data, list):
        return [redacted_json(item, redactor, key) for item in data]
    if isinstance(data, dict):
        return {
            redactor.redact(k) if key == "values" else k: redacted_json(v, redactor, k)
            for k, v in data.items()
        }
    return data


def export_json(
    repo: Repository,
    path: Path,
    *,
    now: datetime | None = None,
    recordings: bool = False,
    redactor: Redactor | None = None,
) -> int:
    """Write the whole bank (stories, packs, prompts, practice) to one JSON file.

    Recorded answers stay out unless ``recordings`` is asked: then each take is
    copied into a private folder beside the file (``<name>-recordings``) and its
    attempt names the copy. Returns how many takes were copied. With
    ``redactor``, every text is redacted (a file for sharing, not a backup) and
    no recording is copied: a take says the confidential details aloud.
    """
    if redactor is not None and recordings:
        raise TransferError(
            "a redacted export cannot hold the recordings: they say the confidential details aloud"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        copied = _copy_takes(repo, path) if recordings else {}
        bundle = bundle_json(repo, now, copied)
        if redactor is not None and redactor.active:
            bundle = redacted_json(bundle, redactor)
        data = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
        write_atomic(path, data.encode("utf-8"))
    except OSError as exc:
        raise TransferError(f"cannot write: {exc.strerror}", path=str(path)) from exc
    return len(copied)


def _copy_takes(repo: Repository, path: Path) -> dict[tuple[str, datetime], str]:
    """Copy every take tied to an answer (and present) beside the export."""
    from storybank.core.recordings import FOLDER_NAME
    from storybank.paths import ensure_private_dir

    source = repo.db.path.parent / FOLDER_NAME
    takes = [t for t in PracticeRepository(repo.db).takes() if (source / t.name).is_file()]
    if not takes:
        return {}
    target = ensure_private_dir(path.with_name(f"{path.stem}-recordings"))
    copied = {}
    for take in takes:
        write_atomic(target / take.name, (source / take.name).read_bytes())
        copied[(take.prompt_uuid, take.started_at)] = f"{target.name}/{take.name}"
    return copied
