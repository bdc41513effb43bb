"""The write path: every change to the bank, as ORM operations on one session.

Only :class:`~storybank.core.repository.Repository` calls these, inside its
write transaction. This module imports SQLModel, so the repository imports it
on the first write, not at start-up.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from storybank.core.database import NotFound
from storybank.core.interchange import ParsedStory
from storybank.core.models import (
    Attempt,
    DismissedFinding,
    Framework,
    Prompt,
    PromptValue,
    ReviewState,
    Story,
    StoryTag,
    StoryValue,
    Tag,
    Value,
)
from storybank.core.packs import Pack, value_key
from storybank.core.prompts import PromptBank
from storybank.core.records import TEXT_FIELDS, CoachFigures, Strength, utcnow

T = TypeVar("T")


def get(session: Session, model: type[T], key: int) -> T:
    item = session.get(model, key)
    if item is None:
        raise NotFound(f"{model.__name__} {key} no longer exists.")
    return item


def _new_story(**fields: str) -> Story:
    return Story(uuid=str(uuid_module.uuid4()), **fields)


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
            value.builtin = True
            session.add(value)
        for key, value in values.items():
            if value.builtin and key not in keys:
                value.hidden = True
                session.add(value)


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


# --- stories ---------------------------------------------------------------


def create_story(session: Session, fields: dict[str, str]) -> int:
    story = _new_story(**fields)
    session.add(story)
    session.flush()
    assert story.id is not None
    return story.id


def update_story(
    session: Session, story_id: int, fields: dict[str, str], coach: CoachFigures | None
) -> datetime:
    story = get(session, Story, story_id)
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
    """Store recomputed figures without touching the stories' update times."""
    for story_id, coach in figures.items():
        story = session.get(Story, story_id)
        if story is not None:
            _set_coach(story, coach)
            session.add(story)


def set_dismissed(session: Session, story_id: int, key: str, dismissed: bool) -> None:
    get(session, Story, story_id)
    link = session.get(DismissedFinding, (story_id, key))
    if dismissed and link is None:
        session.add(DismissedFinding(story_id=story_id, key=key))
    elif not dismissed and link is not None:
        session.delete(link)


def set_story_value(
    session: Session, story_id: int, value_id: int, strength: Strength | None
) -> None:
    story = get(session, Story, story_id)
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


def duplicate_story(session: Session, story_id: int) -> int:
    source = get(session, Story, story_id)
    fields = {name: getattr(source, name) for name in TEXT_FIELDS}
    fields["title"] = f"{source.title or 'Untitled story'} (copy)"
    copy_id = create_story(session, fields)
    for link in session.exec(select(StoryValue).where(StoryValue.story_id == story_id)):
        session.add(StoryValue(story_id=copy_id, value_id=link.value_id, strength=link.strength))
    for link in session.exec(select(StoryTag).where(StoryTag.story_id == story_id)):
        session.add(StoryTag(story_id=copy_id, tag_id=link.tag_id))
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
) -> int:
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
    )
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    return attempt.id


def set_attempt_story(session: Session, attempt_id: int, story_id: int | None) -> None:
    attempt = get(session, Attempt, attempt_id)
    attempt.story_id = story_id
    session.add(attempt)
