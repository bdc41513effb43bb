"""Planning an import against the bank, and applying the plan in one transaction."""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from storybank.core.packs import value_key
from storybank.core.practice_repository import PracticeRepository
from storybank.core.records import TEXT_FIELDS, PackInfo, Strength
from storybank.core.repository import MAX_TAG_LENGTH, Repository, clean_tag
from storybank.core.transfer.records import (
    Choice,
    ImportBundle,
    ImportItem,
    ImportPlan,
    ImportResult,
    ItemKind,
    PackRecord,
    SourceStory,
    StoryWrite,
    ValueRef,
)

__all__ = ["IMPORTED_SUFFIX", "Progress", "apply_import", "plan_import"]

IMPORTED_SUFFIX = " (imported)"
# SQLite's NOCASE folds ASCII letters only; tags compare the way the tag table does.
_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

Progress = Callable[[int, int], None]


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


# --- planning -----------------------------------------------------------------------


@dataclass(frozen=True)
class _BankStory:
    """A story of the bank as planning compares it: its content and a fingerprint of it."""

    id: int
    title: str
    updated_at: datetime
    archived: bool
    trashed: bool
    digest: str
    fields: Mapping[str, str]
    values: tuple[tuple[ValueRef, Strength], ...]
    tags: tuple[str, ...]


def _bank_stories(repo: Repository) -> dict[str, _BankStory]:
    """Every story in the bank (the trash too) by uuid, with a fingerprint of its content."""
    return {
        uuid: _BankStory(
            id=story.id,
            title=story.fields["title"],
            updated_at=story.updated_at,
            archived=story.archived,
            trashed=story.trashed,
            digest=_digest(story.fields, story.values, story.tags),
            fields=story.fields,
            values=story.values,
            tags=story.tags,
        )
        for uuid, story in repo.stories_by_uuid().items()
    }


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _differences(item: ImportItem, bank: _BankStory) -> str:
    """What differs between an imported story and the bank's copy, in words.

    "title, action and 2 tags differ": the text fields by name, then how many
    values and tags one copy has and the other lacks (or holds at another
    strength), then whether it is archived.
    """
    story = item.story
    fields = story.text_fields()
    parts = [name for name in TEXT_FIELDS if fields[name] != bank.fields[name]]
    changed_values = set(item.values) ^ set(bank.values)
    if changed_values:
        parts.append(_counted(len({ref for ref, _strength in changed_values}), "value"))
    changed_tags = {_nocase(tag) for tag in item.tags} ^ {_nocase(tag) for tag in bank.tags}
    if changed_tags:
        parts.append(_counted(len(changed_tags), "tag"))
    if story.archived is not None and story.archived != bank.archived:
        parts.append("archived state")
    if not parts:
        return ""
    if len(parts) == 1:
        one = parts[0]
        return f"{one} {'differ' if one[0].isdigit() and not one.startswith('1 ') else 'differs'}"
    return f"{', '.join(parts[:-1])} and {parts[-1]} differ"


class _ValueLookup:
    """Values by what a file may call them: ``pack/key``, key, or name in any case.

    A key always wins over a name that happens to slugify to it, so a value
    exported by key comes back as that value even if another is named alike.
    """

    def __init__(self, bank: Iterable[PackInfo], packs: Iterable[PackRecord]) -> None:
        known: list[tuple[ValueRef, str]] = [
            ((pack.key, value.key), value.name) for pack in bank for value in pack.values
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


def _pack_changes(bank: Iterable[PackInfo], packs: Iterable[PackRecord]) -> tuple[str, ...]:
    """What an import does to the packs in use: each one it adds, turns on or turns off.

    A JSON export says which packs were on; importing it switches the bank's
    packs to match, which changes the values every view shows.
    """
    held = {pack.key: pack for pack in bank}
    changes = []
    for record in packs:
        pack = held.get(record.key)
        if pack is None:
            state = "and turns it on" if record.active else "(left off)"
            changes.append(f"Adds the pack “{record.name}” {state}")
        elif record.active and not pack.active:
            changes.append(f"Turns on the pack “{pack.name}”")
        elif pack.active and not record.active:
            changes.append(f"Turns off the pack “{pack.name}”")
    return tuple(changes)


def _extra_problems(repo: Repository, bundle: ImportBundle, story_uuids: set[str]) -> list[str]:
    """Practice records that point at prompts or stories nowhere to be found."""
    from storybank.core.prompts import builtin_prompt_bank

    prompts = PracticeRepository(repo.db).prompt_uuids()
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
    bank_packs = repo.packs()
    lookup = _ValueLookup(bank_packs, bundle.packs)
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
            item = replace(item, kind=ItemKind.UPDATED, note=_differences(item, found))
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
                item = replace(item, kind=ItemKind.CONFLICT, note=_differences(item, found))
        if story.uuid is not None:
            seen.add(story.uuid)
        items.append(replace(item, problems=problems))
    story_uuids = set(bank) | seen
    return ImportPlan(
        bundle=bundle,
        items=tuple(items),
        problems=(*bundle.skipped, *_extra_problems(repo, bundle, story_uuids)),
        pack_changes=_pack_changes(bank_packs, bundle.packs),
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
        stored = PracticeRepository(repo.db).builtin_prompt_version()
        if stored is not None and stored >= prompt_bank.version:
            prompt_bank = None
    counts = repo.write_import(writes, bundle, prompt_bank, progress)
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
        applications_added=counts["applications"],
        questions_added=counts["questions"],
        tellings_added=counts["tellings"],
        story_ids=tuple(counts["story_ids"]),
    )
