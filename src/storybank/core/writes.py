"""The write path: every change to the bank, as ORM operations on one session.

Only :class:`~storybank.core.repository.Repository` calls these, inside its
write transaction. This module imports SQLModel, so the repository imports it
on the first write, not at start-up.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from storybank.core.database import ChangedElsewhere, NotFound
from storybank.core.interchange import ParsedStory, TransferError
from storybank.core.models import (
    Attempt,
    DismissedFinding,
    Framework,
    Prompt,
    PromptValue,
    ReviewState,
    SensitiveTerm,
    Story,
    StoryTag,
    StoryValue,
    Tag,
    Value,
)
from storybank.core.packs import Pack, value_key
from storybank.core.prompts import PromptBank
from storybank.core.records import TEXT_FIELDS, CoachFigures, Strength, dump_list, utcnow
from storybank.core.redaction import PATTERN, TERM, SensitiveRule, check_rule
from storybank.core.self_rating import coach_readings_json, self_ratings_json

if TYPE_CHECKING:
    from storybank.core.transfer.records import ImportBundle, PackRecord, PromptRecord, StoryWrite

T = TypeVar("T")


def get(session: Session, model: type[T], key: int) -> T:
    item = session.get(model, key)
    if item is None:
        raise NotFound(f"{model.__name__} {key} no longer exists.")
    return item


def _new_story(**fields: str) -> Story:
    story = Story(uuid=str(uuid_module.uuid4()))
    for name, value in fields.items():
        setattr(story, name, value)
    return story


def _touch(session: Session, story: Story) -> None:
    story.updated_at = utcnow()
    session.add(story)


# --- packs and values ------------------------------------------------------


def sync_packs(session: Session, packs: Iterable[Pack]) -> None:
    """Add or upgrade built-in packs, keeping the user's names, order, visibility
    and every story's tagging; a value dropped from a newer pack is hidden."""
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
        framework.url, framework.published = pack.url, pack.published
        framework.checked, framework.note = pack.checked, pack.note
        framework.builtin = True
        session.add(framework)
        session.flush()
        assert framework.id is not None
        values = {
            v.key: v for v in session.exec(select(Value).where(Value.framework_id == framework.id))
        }
        keys = {pv.key for pv in pack.values}
        for index, pack_value in enumerate(pack.values):
            value = values.get(pack_value.key)
            if value is None:
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
            value.themes = dump_list(pack_value.themes)
            value.builtin = True
            session.add(value)
        for key, value in values.items():
            if value.builtin and key not in keys:
                value.hidden = True
                session.add(value)


def _free_pack_key(session: Session, name: str) -> str:
    """A key for a new pack from its name, not taken by any pack (deleted ones too)."""
    taken = set(session.exec(select(Framework.key)))
    base = key = value_key(name)
    suffix = 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    return key


def _last_position(session: Session) -> int:
    last = session.exec(select(func.max(Framework.position))).one()
    return last if last is not None else -1


def create_pack(session: Session, name: str, description: str) -> int:
    """A pack of the user's own, turned on, after the others; no values yet."""
    framework = Framework(
        key=_free_pack_key(session, name), name=name, description=description,
        source="Written by its user", date=utcnow().date().isoformat(), active=True,
        position=_last_position(session) + 1,
    )  # fmt: skip
    session.add(framework)
    session.flush()
    assert framework.id is not None
    return framework.id


def update_pack(session: Session, pack_id: int, name: str, description: str) -> None:
    """Rename and describe a pack of one's own (its key, and so its tagging, stay)."""
    framework = get(session, Framework, pack_id)
    framework.name, framework.description = name, description
    session.add(framework)


def remove_pack(session: Session, pack_id: int) -> None:
    """Delete a pack of one's own: out of sight and off, its values and the stories'
    tagging kept for an import of the same pack."""
    framework = get(session, Framework, pack_id)
    framework.removed, framework.active = True, False
    session.add(framework)


def import_pack(session: Session, pack: Pack) -> int:
    """A pack file read in as one's own, turned on. A pack deleted before with the
    same key comes back with its values (and so every story's tagging); values are
    matched by key, new ones added."""
    framework = session.exec(select(Framework).where(Framework.key == pack.key)).first()
    if framework is None:
        framework = Framework(key=pack.key, name=pack.name,
                              position=_last_position(session) + 1)  # fmt: skip
    framework.name, framework.version, framework.date = pack.name, pack.version, pack.date
    framework.source, framework.description = pack.source, pack.description
    framework.url, framework.published, framework.note = pack.url, pack.published, pack.note
    framework.checked, framework.removed, framework.active = pack.checked, False, True
    session.add(framework)
    session.flush()
    assert framework.id is not None
    values = {
        v.key: v for v in session.exec(select(Value).where(Value.framework_id == framework.id))
    }
    for position, item in enumerate(pack.values):
        value = values.get(item.key) or Value(framework_id=framework.id, key=item.key, name="")
        value.name, value.description = item.name, item.description
        value.keywords, value.themes = "\n".join(item.keywords), dump_list(item.themes)
        value.position, value.hidden = position, False
        session.add(value)
    return framework.id


def set_pack_active(session: Session, pack_id: int, active: bool) -> None:
    framework = get(session, Framework, pack_id)
    framework.active = active
    session.add(framework)


def add_value(session: Session, pack_id: int, name: str, description: str) -> int:
    get(session, Framework, pack_id)
    taken = set(session.exec(select(Value.key).where(Value.framework_id == pack_id)))
    base = key = value_key(name)
    suffix = 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    last = session.exec(select(func.max(Value.position)).where(Value.framework_id == pack_id)).one()
    value = Value(
        framework_id=pack_id,
        key=key,
        name=name,
        description=description,
        position=(last or 0) + 1,
    )
    session.add(value)
    session.flush()
    assert value.id is not None
    return value.id


def rename_value(session: Session, value_id: int, name: str) -> None:
    value = get(session, Value, value_id)
    value.name = name
    value.renamed = True
    session.add(value)


def set_value_hidden(session: Session, value_id: int, hidden: bool) -> None:
    value = get(session, Value, value_id)
    value.hidden = hidden
    session.add(value)


def move_value(session: Session, value_id: int, delta: int) -> None:
    value = get(session, Value, value_id)
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


# --- confidential details ----------------------------------------------------


def _sensitive_rows(session: Session) -> list[SensitiveTerm]:
    return list(session.exec(select(SensitiveTerm).order_by(col(SensitiveTerm.position))))


def _rule(row: SensitiveTerm) -> SensitiveRule:
    return SensitiveRule(row.kind, row.term, row.alias, row.id, row.position)


def add_sensitive_term(session: Session, term: str, alias: str) -> int:
    """A term to hide, checked against those listed, after them; its id."""
    rows = _sensitive_rows(session)
    rule = check_rule(SensitiveRule(TERM, term, alias), [_rule(row) for row in rows])
    position = max((row.position for row in rows), default=-1) + 1
    row = SensitiveTerm(kind=TERM, term=rule.term, alias=rule.alias, position=position)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def update_sensitive_term(session: Session, term_id: int, term: str, alias: str) -> None:
    """Change a listed term or its alias, checked against the others."""
    row = get(session, SensitiveTerm, term_id)
    others = [_rule(other) for other in _sensitive_rows(session)]
    rule = check_rule(SensitiveRule(row.kind, term, alias, row.id), others)
    row.term, row.alias = rule.term, rule.alias
    session.add(row)


def remove_sensitive_term(session: Session, term_id: int) -> None:
    session.delete(get(session, SensitiveTerm, term_id))


def set_sensitive_pattern(session: Session, key: str, on: bool, alias: str) -> None:
    """A built-in pattern listed (on, with ``alias``) or not (off)."""
    rule = check_rule(SensitiveRule(PATTERN, key, alias), [])
    rows = _sensitive_rows(session)
    found = [row for row in rows if row.kind == PATTERN and row.term == key]
    for row in found[1:] if on else found:
        session.delete(row)
    if not on:
        return
    row = (
        found[0]
        if found
        else SensitiveTerm(
            kind=PATTERN, term=key, position=max((r.position for r in rows), default=-1) + 1
        )
    )
    row.alias = rule.alias
    session.add(row)


# --- stories ---------------------------------------------------------------


def create_story(
    session: Session,
    fields: dict[str, str],
    tags: Sequence[str] = (),
    primary_value: int | None = None,
) -> int:
    """A new story, already tagged and with a primary value if asked (one write)."""
    story = _new_story(**fields)
    session.add(story)
    session.flush()
    assert story.id is not None
    if tags:
        _replace_tags(session, story.id, list(tags))
    if primary_value is not None:
        get(session, Value, primary_value)
        session.add(
            StoryValue(story_id=story.id, value_id=primary_value, strength=Strength.PRIMARY.value)
        )
    return story.id


def update_story(
    session: Session,
    story_id: int,
    fields: dict[str, str],
    coach: CoachFigures | None,
    expect: dict[str, str] | None = None,
) -> datetime:
    """Store ``fields``; refuse if one of them no longer holds its ``expect`` text.

    ``expect`` is each field as the editor last read it: a field another
    program changed since is not overwritten, while changes to other fields
    merge. The check runs inside the write transaction (BEGIN IMMEDIATE), so
    no other program can slip a change in between.
    """
    story = get(session, Story, story_id)
    if expect is not None and any(
        name in expect and getattr(story, name) != expect[name] for name in fields
    ):
        raise ChangedElsewhere(
            f"“{story.title or 'Untitled story'}” was changed by another program "
            "since this window read it."
        )
    for name, value in fields.items():
        setattr(story, name, value)
    if coach is not None:
        _set_coach(story, coach)
    _touch(session, story)
    return story.updated_at


def _set_coach(story: Story, coach: CoachFigures) -> None:
    story.coach_score = coach.score
    story.speaking_seconds = coach.speaking_seconds
    story.coach_version = coach.version


def set_coach_figures(session: Session, figures: dict[int, CoachFigures]) -> None:
    """Store recomputed figures without touching the stories' update times.

    A story already at the figures' analyzer version keeps its own: it was
    saved (with figures of its new text) while these were being computed.
    """
    for story_id, coach in figures.items():
        story = session.get(Story, story_id)
        if story is not None and story.coach_version != coach.version:
            _set_coach(story, coach)
            session.add(story)


def outdate_coach_figures(session: Session) -> None:
    """Mark every story's figures for recomputing; they stay shown until then."""
    session.connection().execute(text("UPDATE story SET coach_version = NULL"))


def set_dismissed(session: Session, story_id: int, key: str, dismissed: bool) -> None:
    get(session, Story, story_id)
    link = session.get(DismissedFinding, (story_id, key))
    if dismissed and link is None:
        session.add(DismissedFinding(story_id=story_id, key=key))
    elif not dismissed and link is not None:
        session.delete(link)


def set_story_value(
    session: Session,
    story_id: int,
    value_id: int,
    strength: Strength | None,
    coach: CoachFigures | None = None,
) -> None:
    story = get(session, Story, story_id)
    if coach is not None:
        _set_coach(story, coach)
    get(session, Value, value_id)
    link = session.get(StoryValue, (story_id, value_id))
    if strength is None:
        if link is not None:
            session.delete(link)
    elif link is None:
        session.add(StoryValue(story_id=story_id, value_id=value_id, strength=strength.value))
    else:
        link.strength = strength.value
        session.add(link)
    _touch(session, story)


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


def _drop_unused_tags(session: Session) -> None:
    session.flush()
    session.connection().execute(
        text("DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM story_tag)")
    )


def set_story_tags(session: Session, story_id: int, names: list[str]) -> None:
    story = get(session, Story, story_id)
    _replace_tags(session, story_id, names)
    _touch(session, story)
    _drop_unused_tags(session)


def duplicate_story(
    session: Session, story_id: int, changes: dict[str, str] | None = None, suffix: str = "copy"
) -> int:
    """Copy a story with its values and tags, with ``changes`` applied to the copy."""
    source = get(session, Story, story_id)
    fields = {name: getattr(source, name) for name in TEXT_FIELDS}
    fields.update(changes or {})
    fields["title"] = f"{fields['title'] or 'Untitled story'} ({suffix})"
    copy_id = create_story(session, fields)
    for link in session.exec(select(StoryValue).where(StoryValue.story_id == story_id)):
        session.add(StoryValue(story_id=copy_id, value_id=link.value_id, strength=link.strength))
    for tag in session.exec(select(StoryTag).where(StoryTag.story_id == story_id)):
        session.add(StoryTag(story_id=copy_id, tag_id=tag.tag_id))
    return copy_id


def set_trashed(session: Session, story_id: int, trashed: bool) -> None:
    story = get(session, Story, story_id)
    story.deleted_at = utcnow() if trashed else None
    session.add(story)


def set_archived(session: Session, story_id: int, archived: bool) -> None:
    story = get(session, Story, story_id)
    story.archived = archived
    session.add(story)


def purge_story(session: Session, story_id: int) -> None:
    session.delete(get(session, Story, story_id))
    _drop_unused_tags(session)


def add_parsed_story(
    session: Session, parsed: ParsedStory, values: dict[int, Strength], tags: list[str]
) -> int:
    story_id = create_story(
        session,
        {
            "title": parsed.title,
            "company": parsed.company,
            "role": parsed.role,
            "period": parsed.period,
            **parsed.sections,
        },
    )
    if parsed.uuid:
        get(session, Story, story_id).uuid = parsed.uuid
    for value_id, strength in values.items():
        session.add(StoryValue(story_id=story_id, value_id=value_id, strength=strength.value))
    _replace_tags(session, story_id, tags)
    return story_id


# --- prompts and practice ------------------------------------------------


def _set_prompt_values(session: Session, prompt_id: int, keys: Iterable[str]) -> None:
    for link in session.exec(select(PromptValue).where(PromptValue.prompt_id == prompt_id)):
        session.delete(link)
    session.flush()
    for key in dict.fromkeys(keys):
        session.add(PromptValue(prompt_id=prompt_id, value_key=key))


def sync_prompts(session: Session, bank: PromptBank) -> None:
    """Add or upgrade built-in prompts by uuid; the user's edits and prompts stay.

    A built-in prompt dropped from a newer bank is hidden, never deleted, so
    its practice history survives.
    """
    existing = {p.uuid: p for p in session.exec(select(Prompt))}
    shipped = set()
    for item in bank.prompts:
        shipped.add(item.uuid)
        prompt = existing.get(item.uuid)
        if prompt is None:
            prompt = Prompt(uuid=item.uuid, text=item.text, builtin=True)
        if not prompt.edited:
            prompt.text = item.text
            prompt.theme = item.theme
            prompt.follow_ups = "\n".join(item.follow_ups)
        prompt.builtin = True
        prompt.bank_version = bank.version
        session.add(prompt)
        session.flush()
        assert prompt.id is not None
        if not prompt.edited:
            _set_prompt_values(session, prompt.id, item.values)
    for uuid, prompt in existing.items():
        if prompt.builtin and uuid not in shipped:
            prompt.hidden = True
            prompt.bank_version = bank.version
            session.add(prompt)


def save_prompt(
    session: Session,
    uuid: str | None,
    text: str,
    theme: str,
    values: Iterable[str],
    follow_ups: Iterable[str],
) -> str:
    """Create a prompt of the user's own (uuid None) or edit one; return its uuid."""
    if uuid is None:
        prompt = Prompt(uuid=str(uuid_module.uuid4()), text=text, builtin=False)
    else:
        found = session.exec(select(Prompt).where(Prompt.uuid == uuid)).first()
        if found is None:
            raise NotFound(f"Prompt {uuid} no longer exists.")
        prompt = found
        prompt.edited = prompt.builtin
    prompt.text = text
    prompt.theme = theme
    prompt.follow_ups = "\n".join(f for f in follow_ups if f.strip())
    session.add(prompt)
    session.flush()
    assert prompt.id is not None
    _set_prompt_values(session, prompt.id, values)
    return prompt.uuid


def _prompt_by_uuid(session: Session, uuid: str) -> Prompt:
    prompt = session.exec(select(Prompt).where(Prompt.uuid == uuid)).first()
    if prompt is None:
        raise NotFound(f"Prompt {uuid} no longer exists.")
    return prompt


def set_prompt_hidden(session: Session, uuid: str, hidden: bool) -> None:
    prompt = _prompt_by_uuid(session, uuid)
    prompt.hidden = hidden
    session.add(prompt)


def save_review(
    session: Session,
    uuid: str,
    due: datetime,
    card_json: str,
    reps: int,
    lapses: int,
    last_rating: int | None,
) -> None:
    prompt = _prompt_by_uuid(session, uuid)
    assert prompt.id is not None
    state = session.get(ReviewState, prompt.id) or ReviewState(
        prompt_id=prompt.id, due=due, card_json=card_json
    )
    state.due = due
    state.card_json = card_json
    state.reps = reps
    state.lapses = lapses
    state.last_rating = last_rating
    session.add(state)


def add_attempt(
    session: Session,
    uuid: str,
    story_id: int | None,
    started_at: datetime,
    duration: float,
    rating: int | None,
    notes: str,
    session_key: str,
    *,
    self_rubric: str | None = None,
    coach_rubric: str | None = None,
) -> int:
    """Store a new answer; the rubric readings are JSON text (see core/self_rating.py)."""
    prompt = _prompt_by_uuid(session, uuid)
    assert prompt.id is not None
    if story_id is not None and session.get(Story, story_id) is None:
        story_id = None
    attempt = Attempt(
        prompt_id=prompt.id,
        story_id=story_id,
        started_at=started_at,
        duration=duration,
        rating=rating,
        notes=notes,
        session=session_key,
        self_rubric=self_rubric,
        coach_rubric=coach_rubric,
    )
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    return attempt.id


def update_attempt(
    session: Session,
    attempt_id: int,
    story_id: int | None,
    duration: float,
    rating: int | None,
    notes: str,
    *,
    self_rubric: str | None = None,
    coach_rubric: str | None = None,
) -> None:
    """Change a stored answer: its story, length, rating, note and rubric readings."""
    attempt = get(session, Attempt, attempt_id)
    if story_id is not None and session.get(Story, story_id) is None:
        story_id = None  # deleted meanwhile: the answer stays, without its story
    attempt.story_id = story_id
    attempt.duration = duration
    attempt.rating = rating
    attempt.notes = notes
    attempt.self_rubric = self_rubric
    attempt.coach_rubric = coach_rubric
    session.add(attempt)


def set_attempt_story(session: Session, attempt_id: int, story_id: int | None) -> None:
    attempt = get(session, Attempt, attempt_id)
    attempt.story_id = story_id
    session.add(attempt)


def set_recording(
    session: Session, attempt_id: int, name: str | None, delivery: str | None
) -> None:
    """Tie a take (its file name) and its measured delivery (JSON) to an answer,
    or untie it (None); the delivery stays when only the audio goes."""
    attempt = get(session, Attempt, attempt_id)
    attempt.recording = name
    if name is not None or delivery is not None:
        attempt.delivery = delivery
    session.add(attempt)


# --- import ------------------------------------------------------------------


def _utc(when: datetime) -> datetime:
    """An aware time in UTC (the bank stores UTC; a naive time is taken as UTC)."""
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _value_ids(session: Session) -> dict[tuple[str, str], int]:
    rows = session.connection().execute(
        text("SELECT v.id, f.key, v.key FROM value v JOIN framework f ON f.id = v.framework_id")
    )
    return {(pack, key): value_id for value_id, pack, key in rows}


def _import_packs(session: Session, packs: Iterable[PackRecord]) -> int:
    """Restore packs: which are active, and the user's values, names, order and hiding.

    Built-in values keep the pack file's description; their name changes only
    where the user renamed them. Returns how many values were added.
    """
    added = 0
    frameworks = {f.key: f for f in session.exec(select(Framework))}
    for record in packs:
        framework = frameworks.get(record.key)
        if framework is None:
            framework = frameworks[record.key] = Framework(
                key=record.key,
                name=record.name,
                version=record.version,
                date=record.date,
                source=record.source,
                description=record.description,
                builtin=record.builtin,
                position=record.position,
                url=record.url,
                published=record.published,
                checked=record.checked,
                note=record.note,
                removed=record.removed,
            )
        framework.active = record.active
        session.add(framework)
        session.flush()
        assert framework.id is not None
        values = {
            v.key: v for v in session.exec(select(Value).where(Value.framework_id == framework.id))
        }
        for item in record.values:
            value = values.get(item.key)
            if value is None:
                value = values[item.key] = Value(
                    framework_id=framework.id,
                    key=item.key,
                    name=item.name,
                    description=item.description,
                    builtin=item.builtin,
                )
                added += 1
            if not value.builtin:
                value.name = item.name
                value.description = item.description
                value.themes = dump_list(item.themes)
            elif item.renamed:
                value.name = item.name
                value.renamed = True
            value.position = item.position
            value.hidden = item.hidden
            session.add(value)
    session.flush()
    return added


def _import_story(
    session: Session, change: StoryWrite, value_ids: dict[tuple[str, str], int]
) -> int:
    """Add or replace one story (its values and tags too); return its id."""
    if change.bank_id is None:
        taken = session.exec(select(Story.id).where(Story.uuid == change.uuid)).first()
        if taken is not None:
            raise TransferError("the bank changed since this import was planned; plan it again")
        story = Story(uuid=change.uuid)
    else:
        found = session.get(Story, change.bank_id)
        expected = change.expect_updated_at
        if (
            found is None
            or found.uuid != change.uuid
            or (expected is not None and found.updated_at != _utc(expected))
        ):
            raise TransferError("the bank changed since this import was planned; plan it again")
        story = found
        # Its text changes: the cached coach figures are recomputed later.
        story.coach_score = story.speaking_seconds = story.coach_version = None
        # The user chose this copy: one that was in the trash comes back.
        story.deleted_at = None
    for name, value in change.fields.items():
        setattr(story, name, value)
    now = utcnow()
    if change.created_at is not None or change.bank_id is None:
        story.created_at = _utc(change.created_at or now)
    story.updated_at = _utc(change.updated_at or now)
    if change.archived is not None:
        story.archived = change.archived
    session.add(story)
    session.flush()
    assert story.id is not None
    for link in session.exec(select(StoryValue).where(StoryValue.story_id == story.id)):
        session.delete(link)
    session.flush()
    for ref, strength in change.values:
        value_id = value_ids.get(ref)
        if value_id is not None:
            session.add(StoryValue(story_id=story.id, value_id=value_id, strength=strength.value))
    _replace_tags(session, story.id, change.tags)
    return story.id


def _import_prompt(session: Session, record: PromptRecord) -> bool:
    """Add a prompt of the user's own, or carry over edits and hiding; True if it changed."""
    prompt = session.exec(select(Prompt).where(Prompt.uuid == record.uuid)).first()
    if prompt is None:
        prompt = Prompt(uuid=record.uuid, text=record.text, builtin=record.builtin)
    # A built-in prompt keeps the shipped words unless the user had edited it.
    rewrite = not prompt.builtin or record.edited
    before = (prompt.id, prompt.text, prompt.theme, prompt.follow_ups, prompt.hidden, prompt.edited)
    keys: list[str] = []
    if prompt.id is not None:
        keys = list(
            session.connection()
            .execute(
                text("SELECT value_key FROM prompt_value WHERE prompt_id = :id ORDER BY rowid"),
                {"id": prompt.id},
            )
            .scalars()
        )
    if rewrite:
        prompt.text = record.text
        prompt.theme = record.theme
        prompt.follow_ups = "\n".join(f for f in record.follow_ups if f.strip())
        prompt.edited = prompt.builtin
    prompt.hidden = record.hidden
    after = (prompt.id, prompt.text, prompt.theme, prompt.follow_ups, prompt.hidden, prompt.edited)
    wanted = list(dict.fromkeys(record.values)) if rewrite else keys
    if prompt.id is not None and before == after and wanted == keys:
        return False
    session.add(prompt)
    session.flush()
    assert prompt.id is not None
    if wanted != keys:
        _set_prompt_values(session, prompt.id, wanted)
    return True


def apply_import(
    session: Session,
    stories: Sequence[StoryWrite | None],
    bundle: ImportBundle,
    prompt_bank: PromptBank | None,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Any]:
    """Write a planned import (see :func:`storybank.core.transfer.plan.apply_import`).

    Packs first (stories may name values they add), then stories, then the
    practice records that point at prompts and stories by uuid. Records
    already in the bank are left alone, so importing a file twice adds nothing.
    """
    total = len(stories) + bundle.extra_count
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    counts: dict[str, Any] = {"story_ids": []}
    if prompt_bank is not None:
        sync_prompts(session, prompt_bank)
    counts["values"] = _import_packs(session, bundle.packs)
    for _pack in bundle.packs:
        step()
    value_ids = _value_ids(session)
    for change in stories:
        if change is not None:
            counts["story_ids"].append(_import_story(session, change, value_ids))
        step()
    _drop_unused_tags(session)

    counts["prompts"] = 0
    for record in bundle.prompts:
        counts["prompts"] += _import_prompt(session, record)
        step()
    session.flush()
    connection = session.connection()
    prompt_ids: dict[str, int] = {
        uuid: id_ for uuid, id_ in connection.execute(text("SELECT uuid, id FROM prompt"))
    }
    story_ids: dict[str, int] = {
        uuid: id_ for uuid, id_ in connection.execute(text("SELECT uuid, id FROM story"))
    }

    counts["attempts"] = _import_attempts(session, bundle, prompt_ids, story_ids, step)
    counts["reviews"] = _import_reviews(session, bundle, prompt_ids, step)
    counts["findings"] = _import_dismissed(session, bundle, story_ids, step)
    counts["applications"] = _import_applications(session, bundle, story_ids, step)
    counts["questions"] = _import_questions(session, bundle, step)
    counts["tellings"] = _import_tellings(session, bundle, story_ids, step)
    return counts


def _import_tellings(
    session: Session, bundle: ImportBundle, story_ids: dict[str, int], step: Callable[[], None]
) -> int:
    """Add the tellings the bank's stories do not have yet; one here stays as it is."""
    from storybank.core.models import StoryVersion

    connection = session.connection()
    held = {
        tuple(row)
        for row in connection.execute(text("SELECT story_id, seconds FROM story_version"))
    }
    added = 0
    for telling in bundle.tellings:
        story_id = story_ids.get(telling.story_uuid)
        if (
            story_id is not None
            and (story_id, telling.seconds) not in held
            and telling.text.strip()
        ):
            held.add((story_id, telling.seconds))
            session.add(StoryVersion(story_id=story_id, seconds=telling.seconds, text=telling.text))
            added += 1
        step()
    return added


def _import_questions(session: Session, bundle: ImportBundle, step: Callable[[], None]) -> int:
    """Add the questions to ask the bank does not hold yet (by uuid); one here stays."""
    from storybank.core.models import AskQuestion

    connection = session.connection()
    known = {row[0] for row in connection.execute(text("SELECT uuid FROM ask_question"))}
    added = 0
    for q in bundle.questions:
        if q.uuid not in known:
            known.add(q.uuid)
            session.add(AskQuestion(uuid=q.uuid, text=q.text, kinds=dump_list(q.kind_keys),
                                    why=q.why, hidden=q.hidden))  # fmt: skip
            added += 1
        step()
    return added


def _import_attempts(
    session: Session,
    bundle: ImportBundle,
    prompt_ids: dict[str, int],
    story_ids: dict[str, int],
    step: Callable[[], None],
) -> int:
    """Add the answers the bank does not hold yet (same prompt, same start)."""
    connection = session.connection()
    seen: set[tuple[int, datetime]] = set()
    for prompt_id, started in connection.execute(text("SELECT prompt_id, started_at FROM attempt")):
        seen.add((prompt_id, _utc(datetime.fromisoformat(started))))
    added = 0
    for attempt in bundle.attempts:
        prompt_id = prompt_ids.get(attempt.prompt_uuid)
        started = _utc(attempt.started_at)
        if prompt_id is not None and (prompt_id, started) not in seen:
            seen.add((prompt_id, started))
            session.add(
                Attempt(
                    prompt_id=prompt_id,
                    story_id=story_ids.get(attempt.story_uuid) if attempt.story_uuid else None,
                    started_at=started,
                    duration=attempt.duration,
                    rating=attempt.rating,
                    notes=attempt.notes,
                    session=attempt.session,
                    self_rubric=self_ratings_json(attempt.self_rubric),
                    coach_rubric=coach_readings_json(attempt.coach_rubric),
                )
            )
            added += 1
        step()
    return added


def _import_applications(
    session: Session, bundle: ImportBundle, story_ids: dict[str, int], step: Callable[[], None]
) -> int:
    """Add the applications the bank does not hold yet (by uuid), with their rounds,
    debriefs and angles; one already here is left as it is."""
    from storybank.core.models import Angle, Application, Debrief, InterviewRound

    connection = session.connection()
    known = {row[0] for row in connection.execute(text("SELECT uuid FROM application"))}
    rounds_known = {row[0] for row in connection.execute(text("SELECT uuid FROM interview_round"))}
    added = 0
    for record in bundle.applications:
        if record.uuid in known:
            step()
            continue
        known.add(record.uuid)
        application = Application(
            uuid=record.uuid, company=record.company, role=record.role, team=record.team,
            status=record.status, packs=dump_list(record.packs), template=record.template,
            applied_on=record.applied_on, notes=record.notes, pitch_intro=record.pitch_intro,
            pitch_why=record.pitch_why, created_at=_utc(record.created_at),
            updated_at=_utc(record.updated_at),
        )  # fmt: skip
        session.add(application)
        session.flush()
        assert application.id is not None
        for position, found in enumerate(record.rounds):
            uuid = found.uuid if found.uuid not in rounds_known else str(uuid_module.uuid4())
            rounds_known.add(uuid)
            row = InterviewRound(
                uuid=uuid, application_id=application.id, position=position, kind=found.kind,
                name=found.name, minutes=found.minutes, focus=found.focus,
                scheduled_at=_utc(found.scheduled_at) if found.scheduled_at else None,
                interviewer_name=found.interviewer_name, interviewer_role=found.interviewer_role,
                themes=dump_list(found.themes), questions=dump_list(found.questions),
                asked=dump_list(found.asked), done=found.done, notes=found.notes,
            )  # fmt: skip
            session.add(row)
            session.flush()
            assert row.id is not None
            for index, item in enumerate(found.debrief):
                session.add(Debrief(
                    round_id=row.id, position=index, prompt_uuid=item.prompt_uuid,
                    question=item.question, outcome=item.outcome, notes=item.notes,
                    story_id=story_ids.get(item.story_uuid) if item.story_uuid else None,
                ))  # fmt: skip
        for story_uuid, angle in record.angles:
            if story_uuid in story_ids and angle.strip():
                session.add(Angle(application_id=application.id,
                                  story_id=story_ids[story_uuid], text=angle))  # fmt: skip
        added += 1
        step()
    return added


def _import_reviews(
    session: Session, bundle: ImportBundle, prompt_ids: dict[str, int], step: Callable[[], None]
) -> int:
    """Take each imported schedule that has more answers behind it than the bank's."""
    added = 0
    states = {state.prompt_id: state for state in session.exec(select(ReviewState))}
    for review in bundle.reviews:
        prompt_id = prompt_ids.get(review.prompt_uuid)
        state = states.get(prompt_id) if prompt_id is not None else None
        # The state with more answers behind it is the better-informed schedule.
        if prompt_id is not None and (state is None or review.reps > state.reps):
            if state is None:
                state = states[prompt_id] = ReviewState(
                    prompt_id=prompt_id, due=review.due, card_json=""
                )
            state.due = _utc(review.due)
            state.card_json = review.card_json
            state.reps = review.reps
            state.lapses = review.lapses
            state.last_rating = review.last_rating
            session.add(state)
            added += 1
        step()
    return added


def _import_dismissed(
    session: Session, bundle: ImportBundle, story_ids: dict[str, int], step: Callable[[], None]
) -> int:
    """Dismiss the imported findings the bank has not dismissed yet."""
    connection = session.connection()
    added = 0
    dismissed: set[tuple[int, str]] = {
        (story_id, key)
        for story_id, key in connection.execute(text("SELECT story_id, key FROM dismissed_finding"))
    }
    for finding in bundle.dismissed:
        story_id = story_ids.get(finding.story_uuid)
        if story_id is not None and (story_id, finding.key) not in dismissed:
            dismissed.add((story_id, finding.key))
            session.add(DismissedFinding(story_id=story_id, key=finding.key))
            added += 1
        step()
    return added


# --- applications --------------------------------------------------------------


def add_application(
    session: Session, fields: dict[str, Any], rounds: Sequence[dict[str, Any]]
) -> int:
    """A new application and its rounds, in order (``fields`` as the table's columns)."""
    from storybank.core.models import Application, InterviewRound

    application = Application(uuid=str(uuid_module.uuid4()), **fields)
    session.add(application)
    session.flush()
    assert application.id is not None
    for position, round_fields in enumerate(rounds):
        session.add(
            InterviewRound(
                uuid=str(uuid_module.uuid4()),
                application_id=application.id,
                position=position,
                **round_fields,
            )
        )
    return application.id


def update_application(session: Session, application_id: int, fields: dict[str, Any]) -> None:
    from storybank.core.models import Application

    application = get(session, Application, application_id)
    for name, value in fields.items():
        setattr(application, name, value)
    application.updated_at = utcnow()
    session.add(application)


def delete_application(session: Session, application_id: int) -> None:
    """Delete an application with its rounds, debriefs and angles (the stories stay)."""
    from storybank.core.models import Application

    session.delete(get(session, Application, application_id))


def add_round(session: Session, application_id: int, fields: dict[str, Any]) -> int:
    """A round added at the end of an application's loop."""
    from storybank.core.models import Application, InterviewRound

    get(session, Application, application_id)
    last = session.exec(
        select(func.max(InterviewRound.position)).where(
            InterviewRound.application_id == application_id
        )
    ).one()
    added = InterviewRound(
        uuid=str(uuid_module.uuid4()),
        application_id=application_id,
        position=(last if last is not None else -1) + 1,
        **fields,
    )
    session.add(added)
    session.flush()
    assert added.id is not None
    return added.id


def update_round(session: Session, round_id: int, fields: dict[str, Any]) -> None:
    from storybank.core.models import InterviewRound

    found = get(session, InterviewRound, round_id)
    for name, value in fields.items():
        setattr(found, name, value)
    session.add(found)


def delete_round(session: Session, round_id: int) -> None:
    from storybank.core.models import InterviewRound

    session.delete(get(session, InterviewRound, round_id))


def save_debrief(
    session: Session, round_id: int, items: Sequence[dict[str, Any]], round_fields: dict[str, Any]
) -> None:
    """Replace a round's debrief with ``items`` (in order) and change the round's
    own fields (done, the questions asked, notes), in the caller's transaction."""
    from storybank.core.models import Debrief, InterviewRound

    update_round(session, round_id, round_fields)
    for old in session.exec(select(Debrief).where(Debrief.round_id == round_id)).all():
        session.delete(old)
    session.flush()
    for position, fields in enumerate(items):
        story_id = fields.get("story_id")
        if story_id is not None and session.get(Story, story_id) is None:
            fields = {**fields, "story_id": None}  # deleted meanwhile: the line stays
        session.add(Debrief(round_id=round_id, position=position, **fields))
    get(session, InterviewRound, round_id)


def set_angle(session: Session, application_id: int, story_id: int, text_: str) -> None:
    """A story's one-line angle for an application; an empty one removes it."""
    from storybank.core.models import Angle

    found = session.exec(
        select(Angle).where(Angle.application_id == application_id, Angle.story_id == story_id)
    ).first()
    _keep_text(session, found, lambda: Angle(application_id=application_id, story_id=story_id),
               text_.strip())  # fmt: skip


def _keep_text(session: Session, found: Any, make: Callable[[], Any], text_: str) -> None:
    """One row's text: ``found`` (or one ``make`` makes) holds ``text_``; removed when empty."""
    if not text_.strip():
        if found is not None:
            session.delete(found)
        return
    found = found if found is not None else make()
    found.text = text_
    if hasattr(found, "updated_at"):
        found.updated_at = utcnow()
    session.add(found)


# --- questions to ask ------------------------------------------------------------


def save_ask_question(session: Session, fields: dict[str, Any]) -> None:
    """Keep a question to ask as the user wrote it (``fields`` by column), by its uuid."""
    from storybank.core.models import AskQuestion

    found = session.exec(select(AskQuestion).where(AskQuestion.uuid == fields["uuid"])).first()
    if found is None:
        found = AskQuestion(uuid=fields["uuid"])
    for name, value in fields.items():
        setattr(found, name, value)
    found.updated_at = utcnow()
    session.add(found)


def forget_ask_question(session: Session, uuid: str) -> None:
    """Delete one's own question, or undo one's edit of a built-in one."""
    from storybank.core.models import AskQuestion

    found = session.exec(select(AskQuestion).where(AskQuestion.uuid == uuid)).first()
    if found is not None:
        session.delete(found)


def set_telling(session: Session, story_id: int, seconds: int, text_: str) -> None:
    """A story's telling of ``seconds`` (30, 120 or 180); an empty one is removed."""
    from storybank.core.models import StoryVersion

    get(session, Story, story_id)
    found = session.exec(
        select(StoryVersion).where(
            StoryVersion.story_id == story_id, StoryVersion.seconds == seconds
        )
    ).first()
    _keep_text(session, found, lambda: StoryVersion(story_id=story_id, seconds=seconds), text_)
