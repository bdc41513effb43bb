"""Export and import: round trips, fuzzing, merging, safe file names."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storybank.core import writes
from storybank.core.bank import open_bank
from storybank.core.interchange import TransferError
from storybank.core.packs import builtin_packs
from storybank.core.practice import ReviewState
from storybank.core.practice_repository import PracticeRepository
from storybank.core.prompts import builtin_prompt_bank
from storybank.core.records import SECTIONS, Strength
from storybank.core.repository import Repository
from storybank.core.rubric import KEYS as DIMENSIONS
from storybank.core.transfer import reading
from storybank.core.transfer.export import export_json, export_markdown
from storybank.core.transfer.files import file_names
from storybank.core.transfer.plan import apply_import, plan_import
from storybank.core.transfer.reading import (
    read_import,
    read_json,
    read_markdown_file,
    read_markdown_folder,
)
from storybank.core.transfer.records import Choice, ImportResult, ItemKind

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
KEYS = ("freedom", "responsibility", "candor", "context-over-control", "judgment", "impact")
TRICKY = (
    "## Result",
    "### S — Situation",
    "# Title",
    "```",
    "~~~",
    "\\",
    "\\## Task",
    "\r",
    "\r\n",
    "\n",
    "---",
    "...",
    " ",
    "\t",
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
    "🙂",
    "مرحبا",
    "'",
    '"',
    ": ",
    "- ",
    "#",
    "{",
    "[",
    "yes",
    "2023",
    "null",
)
SAFE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.md")

HEADING_LINES = (
    "## Result",
    "### S — Situation",
    "## 4. Results ##",
    "# Title",
    "## Notes",
    "```",
    "~~~ python",
    "\\## Task",
    "\\",
    " ## Task",
    "---",
)
# Any Unicode text, made of lines so that whole-line troublemakers (a heading,
# a code fence, a backslash) turn up often, not once in a million draws.
_pieces = st.one_of(st.text(max_size=12), st.sampled_from(TRICKY))
_lines = st.one_of(
    st.lists(_pieces, max_size=4).map("".join), st.text(max_size=20), st.sampled_from(HEADING_LINES)
)
texts = st.lists(_lines, max_size=5).map("\n".join)
times = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
stories = st.fixed_dictionaries(
    {
        "fields": st.fixed_dictionaries(
            {name: texts for name in ("title", "company", "role", "period", *SECTIONS)}
        ),
        "values": st.dictionaries(st.sampled_from(KEYS), st.sampled_from(Strength), max_size=3),
        "tags": st.lists(texts, max_size=3),
        "created": times,
        "updated": times,
        "archived": st.booleans(),
    }
)
fast = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- banks ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bank folder with packs and prompts loaded, copied for each example."""
    folder = tmp_path_factory.mktemp("template") / "bank"
    repo = open_bank(folder)
    PracticeRepository(repo.db).sync_prompts(builtin_prompt_bank())
    repo.db.close()
    return folder


@contextmanager
def fresh_bank(template: Path) -> Iterator[Repository]:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "bank"
        shutil.copytree(template, folder)
        repo = open_bank(folder)
        try:
            yield repo
        finally:
            repo.db.close()


def _stored(when: datetime) -> str:
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def add_story(repo: Repository, story: dict[str, Any]) -> int:
    """Store a drawn story, times and all (times are set in SQL: the API stamps now)."""
    record = repo.create_story(**story["fields"])
    lookup = repo.value_lookup()
    for key, strength in story["values"].items():
        repo.set_story_value(record.id, lookup[key], strength)
    repo.set_story_tags(record.id, story["tags"])
    repo.set_archived(record.id, story["archived"])
    with repo.db.write() as session:  # the reader is read-only
        session.connection().exec_driver_sql(
            "UPDATE story SET created_at = ?, updated_at = ? WHERE id = ?",
            (_stored(story["created"]), _stored(story["updated"]), record.id),
        )
    return record.id


def snapshot(repo: Repository) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that an import writes."""
    tables = (
        "story",
        "story_value",
        "story_tag",
        "tag",
        "framework",
        "value",
        "prompt",
        "prompt_value",
        "attempt",
        "review_state",
        "dismissed_finding",
    )
    reader = repo.db.reader()
    return {
        table: sorted(reader.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
        for table in tables
    }


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _strip_time(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("exported_at")
    return data


# --- round trips ---------------------------------------------------------------


@settings(fast, max_examples=110)
@given(drawn=st.lists(stories, max_size=3))
@example(  # a tag cut at 60 characters just after a space keeps that space
    drawn=[
        {
            "fields": dict.fromkeys(("title", "company", "role", "period", *SECTIONS), ""),
            "values": {},
            "tags": ["x" * 59 + "\ny"],
            "created": NOW,
            "updated": NOW,
            "archived": False,
        }
    ]
)
def test_markdown_round_trip_is_byte_identical(template: Path, drawn: list[dict[str, Any]]) -> None:
    with (
        tempfile.TemporaryDirectory() as temp,
        fresh_bank(template) as source,
        fresh_bank(template) as target,
    ):
        for story in drawn:
            add_story(source, story)
        first = export_markdown(source, Path(temp) / "first")
        assert len(first) == len(drawn)
        plan = plan_import(target, read_markdown_folder(Path(temp) / "first"))
        assert [item.kind for item in plan.items] == [ItemKind.NEW] * len(drawn)
        assert not any(item.problems for item in plan.items)
        apply_import(target, plan)
        export_markdown(target, Path(temp) / "second")
        assert folder_bytes(Path(temp) / "first") == folder_bytes(Path(temp) / "second")


practice = st.fixed_dictionaries(
    {
        "stories": st.lists(stories, max_size=3),
        "value_name": st.none() | texts.filter(lambda s: bool(s.split())),
        "rename": st.none() | texts.filter(lambda s: bool(s.split())),
        "hide": st.booleans(),
        "move": st.integers(-3, 3),
        "prompt": st.tuples(texts, texts, st.lists(st.sampled_from(KEYS)), st.lists(texts)),
        "edit_builtin": st.booleans(),
        "attempts": st.lists(
            st.tuples(
                times,
                st.floats(0, 1e6, allow_nan=False),
                st.none() | st.integers(1, 4),
                texts,
                st.integers(0, 3),
                st.dictionaries(st.sampled_from(DIMENSIONS), st.integers(1, 5)),
                st.dictionaries(st.sampled_from(DIMENSIONS), st.floats(1, 5)),
            ),
            max_size=3,
            unique_by=lambda a: a[0],
        ),
        "review": st.tuples(times, texts, st.integers(0, 999), st.integers(0, 99)),
        "dismissed": st.lists(texts, max_size=2),
    }
)


@settings(fast, max_examples=100)
@given(drawn=practice)
def test_json_round_trip_is_byte_identical(template: Path, drawn: dict[str, Any]) -> None:
    with (
        tempfile.TemporaryDirectory() as temp,
        fresh_bank(template) as source,
        fresh_bank(template) as target,
    ):
        ids = [add_story(source, story) for story in drawn["stories"]]
        pack = source.packs()[0]
        if drawn["value_name"]:
            value = source.add_value(pack.id, drawn["value_name"], "my own")
            if ids:
                source.set_story_value(ids[0], value.id, Strength.SUPPORTING)
        if drawn["rename"]:
            source.rename_value(pack.values[0].id, drawn["rename"])
        source.set_value_hidden(pack.values[1].id, drawn["hide"])
        source.move_value(pack.values[2].id, drawn["move"])
        source.set_pack_active(source.packs()[1].id, True)
        store = PracticeRepository(source.db)
        text, theme, keys, follow_ups = drawn["prompt"]
        mine = store.save_prompt(None, text, theme, keys, follow_ups)
        builtin = builtin_prompt_bank().prompts[0].uuid
        if drawn["edit_builtin"]:
            store.save_prompt(builtin, text, theme, keys, follow_ups)
        store.set_prompt_hidden(builtin_prompt_bank().prompts[1].uuid, True)
        for started, duration, rating, notes, story, mine_rubric, coach in drawn["attempts"]:
            store.add_attempt(
                mine if story % 2 else builtin,
                story_id=ids[story] if story < len(ids) else None,
                started_at=started,
                duration=duration,
                rating=rating,
                notes=notes,
                self_rubric=mine_rubric,
                coach_rubric=coach,
            )
        due, card, reps, lapses = drawn["review"]
        store.save_review(ReviewState(mine, due, card, reps, lapses, None))
        for key in drawn["dismissed"]:
            if ids:
                source.set_dismissed(ids[0], key, True)

        first, second = Path(temp) / "first.json", Path(temp) / "second.json"
        export_json(source, first, now=NOW)
        plan = plan_import(target, read_json(first))
        assert plan.problems == ()
        apply_import(target, plan)
        export_json(target, second, now=NOW)
        assert first.read_bytes() == second.read_bytes()
        readings = [(a.self_rubric, a.coach_rubric) for a in store.attempts()]
        assert [
            (a.self_rubric, a.coach_rubric) for a in PracticeRepository(target.db).attempts()
        ] == readings
        assert sum(map(bool, (r for pair in readings for r in pair))) == sum(
            map(bool, (r for a in drawn["attempts"] for r in a[5:]))
        )  # every drawn reading was stored and travelled


def test_json_export_holds_everything(repo: Repository, tmp_path: Path) -> None:
    story = repo.create_story(title="Billing", situation="S")
    repo.set_story_value(story.id, repo.value_lookup()["candor"], Strength.PRIMARY)
    repo.set_dismissed(story.id, "no-number", True)
    trashed = repo.create_story(title="Gone")
    repo.set_trashed(trashed.id, True)
    store = PracticeRepository(repo.db)
    store.sync_prompts(builtin_prompt_bank())
    mine = store.save_prompt(
        None, "Tell me about a night shift.", "ownership", ["candor"], ["Why?"]
    )
    store.add_attempt(
        mine,
        story_id=story.id,
        started_at=NOW,
        duration=95.5,
        rating=3,
        notes="ok",
        self_rubric={"result": 4, "ownership": 5},
        coach_rubric={"ownership": 3.25, "fit": 2.0},
    )
    path = tmp_path / "out" / "bank.json"
    export_json(repo, path, now=NOW)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["exported_at"]) == (
        "storybank",
        1,
        "2026-11-24T09:00:00Z",
    )
    assert [s["title"] for s in data["stories"]] == ["Billing"]  # the trash stays behind
    assert data["stories"][0]["values"] == {"candor": "primary"}
    assert [p["uuid"] for p in data["prompts"]] == [mine]
    assert data["attempts"][0] == {
        "prompt": mine,
        "story": story.uuid,
        "started_at": "2026-11-24T09:00:00Z",
        "duration": 95.5,
        "rating": 3,
        "notes": "ok",
        "session": "",
        "self_rubric": {"ownership": 5, "result": 4},
        "coach_rubric": {"ownership": 3.25, "fit": 2.0},
    }
    assert data["dismissed_findings"] == [{"story": story.uuid, "key": "no-number"}]
    assert {p["key"] for p in data["packs"]} == {pack.key for pack in builtin_packs()}


def test_import_loads_builtin_prompts_into_a_bank_that_never_practised(
    repo: Repository, make_repo: Any, tmp_path: Path
) -> None:
    store = PracticeRepository(repo.db)
    store.sync_prompts(builtin_prompt_bank())
    prompt = builtin_prompt_bank().prompts[0].uuid
    store.add_attempt(prompt, story_id=None, started_at=NOW, duration=60, rating=4)
    export_json(repo, tmp_path / "bank.json")
    target = open_bank(tmp_path / "elsewhere")
    try:
        assert target._rows("SELECT count(*) FROM prompt")[0][0] == 0
        result = apply_import(target, plan_import(target, read_json(tmp_path / "bank.json")))
        assert result.attempts_added == 1
        assert [a.prompt_uuid for a in PracticeRepository(target.db).attempts()] == [prompt]
    finally:
        target.db.close()


def test_values_shared_by_two_packs_export_with_their_pack(
    repo: Repository, tmp_path: Path
) -> None:
    behaviours = next(p for p in repo.packs() if p.key == "netflix-behaviours")
    twin = repo.add_value(behaviours.id, "Candor")  # key "candor", like the culture pack's
    story = repo.create_story(title="Twin")
    repo.set_story_value(story.id, twin.id, Strength.PRIMARY)
    export_json(repo, tmp_path / "bank.json")
    data = json.loads((tmp_path / "bank.json").read_text(encoding="utf-8"))
    assert data["stories"][0]["values"] == {"netflix-behaviours/candor": "primary"}
    item = plan_import(repo, read_json(tmp_path / "bank.json")).items[0]
    assert item.kind is ItemKind.UNCHANGED and item.values == (
        (("netflix-behaviours", "candor"), Strength.PRIMARY),
    )


# --- merging --------------------------------------------------------------------


def _export_dict(repo: Repository, tmp_path: Path) -> dict[str, Any]:
    export_json(repo, tmp_path / "bank.json", now=NOW)
    return json.loads((tmp_path / "bank.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict[str, Any], name: str = "edited.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _by_title(repo: Repository) -> dict[str, Any]:
    return {row.title: repo.get_story(row.id) for row in repo.list_stories(sort="title")}


def test_plan_classifies_new_unchanged_updated_and_conflict(
    repo: Repository, tmp_path: Path
) -> None:
    for title in ("same", "theirs newer", "ours newer"):
        repo.create_story(title=title, situation="original")
    data = _export_dict(repo, tmp_path)
    later = (NOW + timedelta(days=400)).isoformat()
    earlier = "2001-01-01T00:00:00Z"
    for story in data["stories"]:
        if story["title"] == "theirs newer":
            story.update(situation="edited elsewhere", updated_at=later)
        if story["title"] == "ours newer":
            story.update(situation="edited elsewhere too", updated_at=earlier)
    data["stories"].append({"uuid": "6f1c", "title": "brand new", "values": {"Grit": "primary"}})
    data["stories"].append({"title": "no uuid", "values": {"CANDOR": "supporting"}})
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    kinds = {item.story.title: item.kind for item in plan.items}
    assert kinds == {
        "same": ItemKind.UNCHANGED,
        "theirs newer": ItemKind.UPDATED,
        "ours newer": ItemKind.CONFLICT,
        "brand new": ItemKind.NEW,
        "no uuid": ItemKind.NEW,
    }
    assert plan.summary() == {
        ItemKind.NEW: 2,
        ItemKind.UNCHANGED: 1,
        ItemKind.UPDATED: 1,
        ItemKind.CONFLICT: 1,
        ItemKind.DUPLICATE: 0,
    }
    problems = {item.story.title: item.problems for item in plan.items}
    assert problems["brand new"] == ("unknown value 'Grit' (left out)",)
    assert problems["no uuid"] == ()  # a value's key in any case is known

    result = apply_import(repo, plan)  # conflicts: keep both, by default
    assert (result.added, result.updated, result.kept_both, result.unchanged) == (2, 1, 1, 1)
    stories = _by_title(repo)
    assert stories["theirs newer"].situation == "edited elsewhere"
    assert stories["ours newer"].situation == "original"
    assert stories["ours newer (imported)"].situation == "edited elsewhere too"
    assert stories["ours newer (imported)"].uuid != stories["ours newer"].uuid
    assert stories["brand new"].uuid == "6f1c" and stories["brand new"].values == {}
    candor = repo.value_lookup()["candor"]
    assert stories["no uuid"].values == {candor: Strength.SUPPORTING}

    again = plan_import(repo, read_json(_write(tmp_path, data)))
    assert again.summary()[ItemKind.UNCHANGED] == 5  # the kept copy is recognised
    before = snapshot(repo)
    apply_import(repo, again)
    assert snapshot(repo) == before


def test_conflict_choices(repo: Repository, tmp_path: Path) -> None:
    first = repo.create_story(title="first", situation="ours")
    second = repo.create_story(title="second", situation="ours")
    third = repo.create_story(title="third", situation="ours")
    data = _export_dict(repo, tmp_path)
    for story in data["stories"]:
        story.update(situation="theirs", updated_at="2001-01-01T00:00:00Z")
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    assert len(plan.conflicts) == 3
    choices = {first.uuid: Choice.KEEP_NEWER, second.uuid: Choice.REPLACE}
    result = apply_import(repo, plan, choices, default=Choice.SKIP)
    assert (result.updated, result.skipped, result.added) == (1, 2, 0)
    assert repo.get_story(first.id).situation == "ours"  # the bank's copy is newer
    assert repo.get_story(second.id).situation == "theirs"
    assert repo.get_story(third.id).situation == "ours"
    assert repo.count_stories() == 3


def test_a_conflict_says_what_differs(repo: Repository, tmp_path: Path) -> None:
    story = repo.create_story(title="Outage", action="Rolled back.", result="Fine.")
    repo.set_story_tags(story.id, ["ops", "failure"])
    lone = repo.create_story(title="Lone", action="Same.")
    data = _export_dict(repo, tmp_path)
    edited, other = sorted(data["stories"], key=lambda item: item["title"] != "Outage")
    edited.update(
        title="The outage",
        action="Rolled forward.",
        tags=["OPS", "pager", "night"],
        updated_at="2001-01-01T00:00:00Z",
    )
    other.update(values={"candor": "primary"}, archived=True, updated_at="2999-01-01T00:00:00Z")
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    notes = {item.story.uuid: (item.kind, item.note) for item in plan.items}
    assert notes == {
        story.uuid: (ItemKind.CONFLICT, "title, action and 3 tags differ"),
        lone.uuid: (ItemKind.UPDATED, "1 value and archived state differ"),
    }
    other.update(values={}, archived=False, reflection="New.")
    edited.update(title="Outage", action="Rolled back.", tags=["ops", "failure", "x"])
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    notes = {item.story.uuid: item.note for item in plan.items}
    assert notes == {story.uuid: "1 tag differs", lone.uuid: "reflection differs"}


def test_a_json_import_says_which_packs_it_turns_on(
    repo: Repository, tmp_path: Path, template: Path
) -> None:
    behaviours = next(p for p in repo.packs() if p.key == "netflix-behaviours")
    culture = next(p for p in repo.packs() if p.key == "netflix-culture")
    assert culture.active and not behaviours.active
    repo.set_pack_active(behaviours.id, True)
    export_json(repo, tmp_path / "bank.json")
    with fresh_bank(template) as target:
        plan = plan_import(target, read_json(tmp_path / "bank.json"))
        assert plan.pack_changes == ("Turns on the pack “Netflix valued behaviours”",)
        apply_import(target, plan)
        assert plan_import(target, read_json(tmp_path / "bank.json")).pack_changes == ()
    data = _export_dict(repo, tmp_path)
    for pack in data["packs"]:
        if pack["key"] == "netflix-culture":
            pack["active"] = False
    data["packs"].append(
        {**data["packs"][0], "key": "mine", "name": "Mine", "active": True, "values": []}
    )
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    assert plan.pack_changes == (
        "Turns off the pack “Netflix culture”",
        "Adds the pack “Mine” and turns it on",
    )


def test_keep_newer_takes_the_newer_file(repo: Repository, tmp_path: Path) -> None:
    story = repo.create_story(title="mine", situation="old")
    data = _export_dict(repo, tmp_path)
    data["stories"][0].update(situation="new", updated_at="2999-01-01T00:00:00Z")
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    assert plan.items[0].kind is ItemKind.UPDATED
    apply_import(repo, plan, default=Choice.KEEP_NEWER)
    assert repo.get_story(story.id).situation == "new"
    assert repo.get_story(story.id).updated_at == datetime(2999, 1, 1, tzinfo=UTC)


def test_importing_the_same_json_twice_changes_nothing(
    repo: Repository, tmp_path: Path, template: Path
) -> None:
    story = repo.create_story(title="Outage", result="Cut pages by 40%")
    repo.set_story_tags(story.id, ["failure", "ops"])
    repo.set_dismissed(story.id, "hedges", True)
    behaviours = next(p for p in repo.packs() if p.key == "netflix-behaviours")
    repo.add_value(behaviours.id, "Grit")
    repo.rename_value(behaviours.values[0].id, "Good judgment")
    store = PracticeRepository(repo.db)
    store.sync_prompts(builtin_prompt_bank())
    mine = store.save_prompt(None, "Night shift?", "ownership", ["grit"], ["Why?"])
    store.add_attempt(mine, story_id=story.id, started_at=NOW, duration=80, rating=2)
    store.save_review(ReviewState(mine, NOW, "{}", 3, 1, 2))
    export_json(repo, tmp_path / "bank.json")
    with fresh_bank(template) as target:
        first = apply_import(target, plan_import(target, read_json(tmp_path / "bank.json")))
        assert (first.added, first.values_added, first.prompts_saved) == (1, 1, 1)
        assert (first.attempts_added, first.reviews_saved, first.findings_added) == (1, 1, 1)
        before = snapshot(target)
        plan = plan_import(target, read_json(tmp_path / "bank.json"))
        assert plan.summary()[ItemKind.UNCHANGED] == 1
        second = apply_import(target, plan)
        assert second == ImportResult(unchanged=1)
        assert snapshot(target) == before


def test_a_repeated_uuid_in_one_import_is_skipped(repo: Repository, tmp_path: Path) -> None:
    text = "---\nuuid: 6f1c\ntitle: {title}\n---\nbody\n"
    (tmp_path / "a.md").write_text(text.format(title="one"), encoding="utf-8")
    (tmp_path / "b.md").write_text(text.format(title="two"), encoding="utf-8")
    plan = plan_import(repo, read_markdown_folder(tmp_path))
    assert [item.kind for item in plan.items] == [ItemKind.NEW, ItemKind.DUPLICATE]
    apply_import(repo, plan)
    assert [row.title for row in repo.list_stories()] == ["one"]


def test_importing_hand_written_notes_twice_adds_them_once(
    repo: Repository, tmp_path: Path
) -> None:
    (tmp_path / "note.md").write_text("## Situation\nS\n## Result\nR", encoding="utf-8")
    apply_import(repo, plan_import(repo, read_markdown_folder(tmp_path)))
    plan = plan_import(repo, read_markdown_folder(tmp_path))
    assert plan.items[0].kind is ItemKind.UNCHANGED
    apply_import(repo, plan)
    assert repo.count_stories() == 1


def test_progress_is_reported_per_item(repo: Repository, tmp_path: Path) -> None:
    for index in range(3):
        repo.create_story(title=f"story {index}")
    repo.set_dismissed(repo.list_stories()[0].id, "hedges", True)
    export_json(repo, tmp_path / "bank.json")
    calls: list[tuple[int, int]] = []
    with tempfile.TemporaryDirectory() as temp:
        target = open_bank(Path(temp))
        try:
            plan = plan_import(target, read_json(tmp_path / "bank.json"))
            apply_import(target, plan, progress=lambda done, total: calls.append((done, total)))
        finally:
            target.db.close()
    total = 3 + len(builtin_packs()) + 1  # stories, packs, the dismissed finding
    assert calls == [(done, total) for done in range(1, total + 1)]


# --- all or nothing -----------------------------------------------------------------


def test_a_failure_mid_import_writes_nothing(
    repo: Repository, tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(5):
        story = repo.create_story(title=f"story {index}")
        repo.set_story_tags(story.id, [f"tag {index}"])
    store = PracticeRepository(repo.db)
    store.sync_prompts(builtin_prompt_bank())
    store.add_attempt(
        builtin_prompt_bank().prompts[0].uuid, story_id=None, started_at=NOW, duration=1, rating=1
    )
    export_json(repo, tmp_path / "bank.json")
    real = writes._import_story
    calls = 0

    def flaky(*args: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("disk unplugged")
        return real(*args)

    monkeypatch.setattr(writes, "_import_story", flaky)
    with fresh_bank(template) as target:
        target.create_story(title="already here")
        before = snapshot(target)
        plan = plan_import(target, read_json(tmp_path / "bank.json"))
        with pytest.raises(Exception, match="disk unplugged"):
            apply_import(target, plan)
        assert calls == 3
        assert snapshot(target) == before


def test_a_bank_changed_after_planning_is_refused(repo: Repository, tmp_path: Path) -> None:
    story = repo.create_story(title="mine", situation="old")
    data = _export_dict(repo, tmp_path)
    data["stories"][0].update(situation="new", updated_at="2999-01-01T00:00:00Z")
    data["stories"].append({"title": "also new"})
    plan = plan_import(repo, read_json(_write(tmp_path, data)))
    repo.update_story(story.id, {"situation": "edited meanwhile"})
    before = snapshot(repo)
    with pytest.raises(TransferError, match="plan it again"):
        apply_import(repo, plan)
    assert snapshot(repo) == before


# --- fuzzing -------------------------------------------------------------------------


def _read_only_transfer_errors(path: Path, reader: Any) -> Any:
    try:
        return reader(path)
    except TransferError as exc:
        assert exc.path and str(path) in str(exc)
        return None


@settings(fast, max_examples=150)
@given(content=st.binary(max_size=300) | texts.map(lambda s: s.encode("utf-8")))
def test_any_markdown_file_reads_or_raises_transfer_error(template: Path, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "story.md"
        path.write_bytes(content)
        _read_only_transfer_errors(path, read_markdown_folder)


yaml_junk = st.lists(
    st.sampled_from(
        [
            "title: x",
            "title: [a, b]",
            "values: {candor: strongest}",
            "values: [[a]]",
            "values: {candor: *a}",
            "tags: &a [x, *a]",
            "tags: 7",
            "uuid: ' '",
            "uuid: 6f1c/../../x",
            "created: 2024-99-99",
            "updated: 2024-01-01 10:00:00",
            "archived: maybe",
            "storybank: 1",
            "period: 0x" + "f" * 5000,
            "!!python/object/apply:os.system ['echo']",
            "a: !!binary zz",
            "[" * 200,
            "{",
            ": :",
            "\t- x",
            "? [a]\n: b",
        ]
    )
    | texts,
    max_size=6,
).map("\n".join)


@settings(fast, max_examples=200)
@given(front=yaml_junk, body=texts)
def test_any_front_matter_reads_or_raises_transfer_error(
    template: Path, front: str, body: str
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "story.md"
        path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
        _read_only_transfer_errors(path, read_markdown_folder)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _valid_export() -> dict[str, Any]:
    story = {
        "uuid": "6f1c",
        "title": "t",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-02T00:00:00Z",
        "archived": False,
        "values": {"candor": "primary"},
        "tags": ["a"],
    }
    prompt = builtin_prompt_bank().prompts[0].uuid
    return {
        "format": "storybank",
        "version": 1,
        "exported_at": "2026-01-01T00:00:00Z",
        "stories": [story, {**story, "uuid": "7a2b", "title": "u"}],
        "packs": [
            {
                "key": "netflix-culture",
                "active": True,
                "values": [{"key": "grit", "name": "Grit", "position": 9}],
            }
        ],
        "prompts": [{"uuid": "p-1", "text": "Why?", "values": ["grit"]}],
        "attempts": [
            {
                "prompt": prompt,
                "story": "6f1c",
                "started_at": "2026-01-01T00:00:00Z",
                "self_rubric": {"ownership": 4, "fit": 2},
                "coach_rubric": {"ownership": 3.5, "result": 1.25},
            },
            {"prompt": "p-1", "story": None, "started_at": "2026-01-02T00:00:00Z"},
        ],
        "reviews": [{"prompt": "p-1", "due": "2026-01-01T00:00:00Z", "card_json": "{}"}],
        "dismissed_findings": [{"story": "6f1c", "key": "hedges"}],
    }


# Values that pass some checks and not others: ids that exist elsewhere in the
# file, times, counts, strengths.
PLAUSIBLE = ("6f1c", "7a2b", "p-1", "grit", "candor", "primary", "2026-01-01T00:00:00Z", 0, 3)
plausible = st.sampled_from((*PLAUSIBLE, -1, True, False, None, "", "[]")).map(
    lambda value: [] if value == "[]" else value
)


@st.composite
def mutated_exports(draw: st.DrawFn) -> dict[str, Any]:
    """A valid export with one or two values somewhere inside replaced or removed."""
    data = _valid_export()
    for _ in range(draw(st.integers(1, 2))):
        node: Any = data
        key: Any = draw(st.sampled_from([k for k in data if k not in ("format", "version")]))
        while True:
            child = node[key]
            if isinstance(child, dict | list) and child and draw(st.integers(0, 5)):
                node = child
                keys = list(node) if isinstance(node, dict) else list(range(len(node)))
                key = draw(st.sampled_from(keys))
                continue
            if isinstance(node, dict) and draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(st.one_of(plausible, plausible, json_values))
            break
    return data


@settings(fast, max_examples=150)
@given(data=mutated_exports() | mutated_exports() | json_values)
def test_any_json_reads_or_raises_and_never_imports_half(template: Path, data: Any) -> None:
    with tempfile.TemporaryDirectory() as temp, fresh_bank(template) as repo:
        path = Path(temp) / "bank.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        bundle = _read_only_transfer_errors(path, read_json)
        if bundle is None:
            return
        before = snapshot(repo)
        try:
            apply_import(repo, plan_import(repo, bundle))
        except TransferError:
            assert snapshot(repo) == before


HEAD = '{"format": "storybank", "version": 1'


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ('{"format": "storybank",\n "version": 1,\n "stories": [}', "Expecting value", 3),
        ('{"format": "storybank", "version": 2}', "newer Storybank", None),
        ('{"format": "other", "version": 1}', "not a Storybank export", None),
        (
            '{"format": "storybank", "version": 1, "stories": [{"title": 3}]}',
            "stories[0].title",
            None,
        ),
        (
            '{"format": "storybank", "version": 1, "attempts": [{"prompt": "p"}]}',
            "started_at",
            None,
        ),
        ('{"format": "storybank", "version": 1, "stories": NaN}', "NaN", None),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply", None),
    ],
)
def test_malformed_json_names_file_line_and_reason(
    tmp_path: Path, text: str, reason: str, line: int | None
) -> None:
    path = tmp_path / "bank.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TransferError, match=re.escape(reason)) as caught:
        read_json(path)
    assert caught.value.path == str(path) and caught.value.line == line


def test_malformed_markdown_names_file_line_and_reason(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("fine", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: ok\nvalues: [oops\n---\n", encoding="utf-8")
    with pytest.raises(TransferError) as caught:
        read_markdown_folder(tmp_path)
    assert caught.value.path == str(tmp_path / "b.md") and caught.value.line == 3
    assert str(caught.value).startswith(f"{tmp_path / 'b.md'}, line 3: front matter")
    (tmp_path / "b.md").write_bytes(b"---\ntitle: ok\n---\n\xff\n")
    with pytest.raises(TransferError, match="not UTF-8") as caught:
        read_markdown_folder(tmp_path)
    assert caught.value.line == 4


def test_limits_are_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.md"
    path.write_text("x" * 200, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_MARKDOWN_BYTES", 100)
    with pytest.raises(TransferError, match="larger than"):
        read_markdown_folder(path)
    monkeypatch.setattr(reading, "MAX_MARKDOWN_BYTES", 10_000)
    monkeypatch.setattr(reading, "MAX_FIELD_CHARS", 50)
    with pytest.raises(TransferError, match="situation is longer than"):
        read_markdown_folder(path)
    monkeypatch.setattr(reading, "MAX_FILES", 2)
    for index in range(3):
        (tmp_path / f"{index}.md").write_text("x", encoding="utf-8")
    with pytest.raises(TransferError, match="more than 2 story files"):
        read_markdown_folder(tmp_path)
    (tmp_path / "big.json").write_text('{"format": "storybank"}' + " " * 100, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_JSON_BYTES", 100)
    with pytest.raises(TransferError, match="larger than"):
        read_json(tmp_path / "big.json")


# --- hand-written Markdown ------------------------------------------------------------


def test_hand_written_markdown_imports(repo: Repository, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "plain.md").write_text(
        "# Rolling back the release\n\n### S — Situation\nFriday deploy.\n\n**T**\n"
        "## 2. Task\nKeep checkout up.\n## Actions:\nRolled back.\n## Outcome\n"
        "Zero lost orders.\n## Lessons learned\nDeploy earlier.\n",
        encoding="utf-8",
    )
    (notes / "obsidian.md").write_text(
        "---\ntags:\n  - failure\n  - Feedback\nvalues: [Candor, Context over control]\n"
        "created: 2024-01-05 10:30\n---\n## Situation\nThe review.\n## Result\nBetter.\n",
        encoding="utf-8",
    )
    (notes / "comma.md").write_text(
        "---\ntitle: Comma tags\ntags: ops, on-call\n---\nJust notes, no headings.",
        encoding="utf-8",
    )
    (notes / ".hidden.md").write_text("---\n[broken", encoding="utf-8")  # skipped
    (notes / "readme.txt").write_text("---\n[broken", encoding="utf-8")  # skipped
    plan = plan_import(repo, read_markdown_folder(notes))
    assert [item.kind for item in plan.items] == [ItemKind.NEW] * 3
    assert all(item.problems == () for item in plan.items)
    apply_import(repo, plan)
    stories = {repo.get_story(row.id).title: repo.get_story(row.id) for row in repo.list_stories()}
    plain = stories["Rolling back the release"]
    assert (plain.situation, plain.task, plain.action) == (
        "Friday deploy.\n\n**T**",
        "Keep checkout up.",
        "Rolled back.",
    )
    assert (plain.result, plain.reflection) == ("Zero lost orders.", "Deploy earlier.")
    tagged = stories["Obsidian"]  # no title: the file's name
    assert tagged.tags == ("failure", "Feedback")
    lookup = repo.value_lookup()
    assert tagged.values == {
        lookup["candor"]: Strength.PRIMARY,
        lookup["context-over-control"]: Strength.PRIMARY,
    }
    assert tagged.created_at == datetime(2024, 1, 5, 10, 30, tzinfo=UTC)
    assert (tagged.situation, tagged.result) == ("The review.", "Better.")
    assert stories["Comma tags"].tags == ("on-call", "ops")
    assert stories["Comma tags"].situation == "Just notes, no headings."


COLLECTION = Path(__file__).parent.parent / "data" / "story-bank-collection.md"


def test_a_story_bank_file_imports_one_story_per_h2(repo: Repository, tmp_path: Path) -> None:
    bundle = read_import(COLLECTION)
    assert [story.origin for story in bundle.stories] == [
        f"{COLLECTION} (story {n})" for n in (1, 2, 3)
    ]
    plan = plan_import(repo, bundle)
    assert [item.kind for item in plan.items] == [ItemKind.NEW] * 3
    assert all(item.problems == () for item in plan.items)
    apply_import(repo, plan)
    stories = _by_title(repo)
    assert sorted(stories) == [
        "Billing rewrite after a failed launch",
        "Cutting on-call pages in half",
        "Saying no to a pet feature",
    ]
    billing = stories["Billing rewrite after a failed launch"]
    assert (billing.company, billing.role, billing.period) == (
        "Acme Payments",
        "Senior backend engineer",
        "2023",
    )
    assert billing.situation == (
        "Our new billing service went live on a Monday and charged about 1,200\n"
        "customers twice before we rolled it back.\n\n**Tension:**\n"
        "Finance wanted to keep the old system for good; product wanted the rewrite\n"
        "back within a month."
    )
    assert billing.task == ""
    assert billing.action == (
        "I wrote a replay harness that ran a week of real invoices through both\n"
        "systems and compared every line.\n\n**Turn:**\n"
        "The comparison showed the bug was in proration rounding, not in the new\n"
        "design, so I argued for a second launch behind a flag."
    )
    assert billing.result == (
        "We relaunched six weeks later with no billing incidents, and invoice\ntickets fell by 40%."
    )
    assert billing.reflection == (
        "Compare systems on real traffic before arguing about them.\n\n"
        "**Notes from import**\n\n"
        "**From the top of the file “Interview story bank”:**\n"
        "Stories for the senior engineering loops. Open with the Point, say the\n"
        'Anchors out loud, and never say anything under "Do not claim".\n\n'
        "**Team size:** 6\n\n"
        "**Point:**\n"
        "I turned a failed launch into the staged rollout the company still uses.\n\n"
        "**Anchors:**\n- 1,200 customers charged twice\n- 6 weeks to relaunch\n"
        "- 40% fewer invoice tickets\n\n"
        "**Do not claim:**\n- That I designed the original billing service"
    )

    pet = stories["Saying no to a pet feature"]
    assert (pet.company, pet.role, pet.period) == ("Northwind Health", "Tech lead", "Spring 2022")
    assert pet.situation == (
        "A vice president asked my team to build a patient chat feature in the same\n"
        "quarter as a compliance deadline."
    )
    assert pet.task == "Meet the audit date without losing the sponsor's trust."
    assert pet.action == (
        "I costed both pieces of work on one page and offered a smaller pilot that\n"
        "reused the existing messaging service.\n\n"
        "```\n## Not a story: inside a code fence\n```"
    )
    assert pet.result == (
        "We passed the audit on time, and the pilot shipped a month later to one\nclinic."
    )
    assert pet.reflection == (
        "A clear trade-off on one page beats a long argument in a meeting.\n\n"
        "**Notes from import**\n\n"
        "Best told in under two minutes.\n\n"
        "**Point:**\nSaying no with numbers kept the relationship intact."
    )

    pages = stories["Cutting on-call pages in half"]
    assert (pages.company, pages.role, pages.period) == (
        "Orbital Logistics",
        "Site reliability engineer",
        "2021 to 2022",
    )
    assert pages.situation == (
        "Our on-call rotation got about 90 pages a week, most of them from alerts\nnobody acted on."
    )
    assert pages.task == "Halve the pages without missing a real outage."
    assert pages.action == (
        "I tagged every page for a month with whether anyone acted on it, then\n"
        "deleted or merged the alerts that never led to action."
    )
    assert pages.result == "Pages fell to 40 a week, and the next quarter had no missed incidents."
    assert pages.reflection == (
        "An alert nobody acts on is a cost, not a safety net.\n\n"
        "**Notes from import**\n\n"
        "**Interviewer focus:** Ownership\n\n"
        "**Anchors:**\n- 90 pages a week before, 40 after"
    )
    for story in stories.values():
        assert (story.values, story.tags, story.archived) == ({}, (), False)

    again = plan_import(repo, read_import(COLLECTION))
    assert [item.kind for item in again.items] == [ItemKind.UNCHANGED] * 3
    shutil.copy(COLLECTION, tmp_path / "bank.md")
    (tmp_path / "billing-rewrite.md").write_text("## Situation\nS", encoding="utf-8")
    in_folder = read_markdown_folder(tmp_path)
    assert [story.title for story in in_folder] == [
        "Billing rewrite after a failed launch",
        "Saying no to a pet feature",
        "Cutting on-call pages in half",
        "Billing rewrite",  # bank.md first, then a story named by its file
    ]
    with pytest.raises(TransferError, match="holds 3 stories"):
        read_markdown_file(COLLECTION)


# --- where exported files go ------------------------------------------------------------

HOSTILE_TITLES = [
    "../../etc/passwd",
    "/abs/path",
    "C:\\Windows\\system32",
    "CON",
    "aux.txt",
    "lpt9",
    "..",
    ".",
    ".hidden",
    "",
    "x" * 300,
    "é" * 150,
    "🙂🙂🙂",
    "🎉",
    "Same title",
    "same TITLE",
    "same-title",
    "nul\x00byte",
]


def test_export_file_names_are_safe_and_stay_inside(repo: Repository, tmp_path: Path) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    (parent / "sentinel").write_text("keep", encoding="utf-8")
    for title in HOSTILE_TITLES:
        repo.create_story(title=title)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    out = parent / "out"
    written = export_markdown(repo, out)
    assert len(written) == len(HOSTILE_TITLES)
    names = [path.name for path in written]
    assert len(set(names)) == len(names)
    for path in written:
        assert path.parent == out.resolve()
        assert SAFE_NAME.fullmatch(path.name), path.name
        assert len(path.name.encode()) <= 100
        assert path.name.split(".")[0] not in {"con", "aux", "lpt9", "nul", "prn"}
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no temp files left
    after = sorted(str(p) for p in tmp_path.rglob("*"))
    assert sorted(set(after) - set(before)) == sorted([str(out), *(str(p) for p in written)])
    assert (parent / "sentinel").read_text(encoding="utf-8") == "keep"
    by_title = {p.title: p for p in read_markdown_folder(out)}
    assert set(by_title) == set(HOSTILE_TITLES)


@given(st.lists(texts, max_size=20))
def test_file_names_are_always_safe_and_unique(titles: list[str]) -> None:
    names = file_names(titles)
    assert len(set(names)) == len(names) == len(titles)
    for name in names:
        assert SAFE_NAME.fullmatch(name) and len(name) <= 100
        assert name.removesuffix(".md") not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


def test_export_neither_follows_nor_replaces_a_symlink(repo: Repository, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("symlinks need privileges on Windows")
    outside = tmp_path / "outside.txt"
    outside.write_text("precious", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "story.md").symlink_to(outside)
    repo.create_story(title="")
    assert export_markdown(repo, out) == [out.resolve() / "story-2.md"]
    assert outside.read_text(encoding="utf-8") == "precious"
    assert (out / "story.md").is_symlink()


def test_export_replaces_only_the_files_it_wrote(repo: Repository, tmp_path: Path) -> None:
    first = repo.create_story(title="Leadership")
    out = tmp_path / "notes"
    out.mkdir()
    (out / "leadership.md").write_text("my own notes", encoding="utf-8")
    (written,) = export_markdown(repo, out)
    assert written.name == "leadership-2.md"
    assert (out / "leadership.md").read_text(encoding="utf-8") == "my own notes"
    # A second story of the same title: the first keeps its file, the name after is free.
    repo.create_story(title="Leadership")
    again = export_markdown(repo, out)
    assert sorted(p.name for p in again) == ["leadership-2.md", "leadership-3.md"]
    by_name = {p.name: read_markdown_file(p).uuid for p in again}
    assert by_name["leadership-2.md"] == first.uuid
    assert sorted(p.name for p in out.iterdir()) == [
        "leadership-2.md",
        "leadership-3.md",
        "leadership.md",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_exported_files_are_private(repo: Repository, tmp_path: Path) -> None:
    repo.create_story(title="Private")
    old = os.umask(0o022)
    try:
        files = export_markdown(repo, tmp_path / "md")
        export_json(repo, tmp_path / "bank.json")
    finally:
        os.umask(old)
    for path in [*files, tmp_path / "bank.json"]:
        assert path.stat().st_mode & 0o777 == 0o600, path


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('"stories": [{"title": "\\ud800"}]', "stories[0].title"),
        ('"stories": [], "packs": [{"values": [{"x": ["\\udfff"]}]}]', "packs[0].values[0].x[0]"),
        ('"stories": [{"values": {"\\ud800": "primary"}}]', "a key of stories[0].values"),
    ],
)
def test_a_lone_surrogate_in_json_is_refused_by_place(
    tmp_path: Path, text: str, where: str
) -> None:
    path = tmp_path / "bank.json"
    path.write_text(f'{{"format": "storybank", "version": 1, {text}}}', encoding="utf-8")
    with pytest.raises(TransferError, match=re.escape(f"{where}: holds a lone surrogate")):
        read_json(path)


def test_json_surrogate_pairs_and_escaped_backslashes_are_text(tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    title = "\U0001f600 \\ud800"
    path.write_text(
        json.dumps({"format": "storybank", "version": 1, "stories": [{"title": title}]}),
        encoding="utf-8",
    )
    assert read_json(path).stories[0].title == title


@pytest.mark.parametrize("key", ["created_at", "updated_at"])
def test_a_json_time_utc_cannot_hold_is_refused_by_place(tmp_path: Path, key: str) -> None:
    path = tmp_path / "bank.json"
    story = {"title": "t", key: "0001-01-01T00:00:00+05:00"}
    path.write_text(
        json.dumps({"format": "storybank", "version": 1, "stories": [story]}), encoding="utf-8"
    )
    with pytest.raises(TransferError, match=f"stories\\[0\\].{key}: .* outside the years"):
        read_json(path)


def test_a_folder_import_skips_links_and_says_so(repo: Repository, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("symlinks need privileges on Windows")
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "inside.md").write_text("# Inside\n", encoding="utf-8")
    (notes / "out.md").symlink_to(outside)
    (notes / "again.md").symlink_to(notes / "inside.md")
    bundle = read_import(notes)
    assert [story.title for story in bundle.stories] == ["Inside"]
    assert [story.title for story in read_markdown_folder(notes)] == ["Inside"]
    plan = plan_import(repo, bundle)
    assert [p.split(":")[0] for p in plan.problems] == ["again.md", "out.md"]


def test_attempts_of_an_older_export_import_without_rubric_readings(
    repo: Repository, tmp_path: Path
) -> None:
    """A file written before self-ratings existed, and one whose readings are spoilt:
    both import; what is not a reading is dropped, not refused."""
    store = PracticeRepository(repo.db)
    store.sync_prompts(builtin_prompt_bank())
    prompt = builtin_prompt_bank().prompts[0].uuid
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {
                "format": "storybank",
                "version": 1,
                "attempts": [
                    {"prompt": prompt, "started_at": "2026-01-01T00:00:00Z", "rating": 3},
                    {
                        "prompt": prompt,
                        "started_at": "2026-01-02T00:00:00Z",
                        "self_rubric": {"ownership": 6, "result": 2, "charm": 5, "fit": "4"},
                        "coach_rubric": ["3.5"],
                    },
                    {
                        "prompt": prompt,
                        "started_at": "2026-01-03T00:00:00Z",
                        "self_rubric": None,
                        "coach_rubric": {"structure": 4, "result": 0.5},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    result = apply_import(repo, plan_import(repo, read_json(path)))
    assert result.attempts_added == 3
    assert [(a.self_rubric, a.coach_rubric) for a in store.attempts()] == [
        ({}, {}),
        ({"result": 2}, {}),
        ({}, {"structure": 4.0}),
    ]
