"""Prompts, review state and attempts stored in a real bank."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storybank.core.bank import open_bank
from storybank.core.demo import load_demo
from storybank.core.practice import Rating, new_review_state, prompt_match_query, rank_stories
from storybank.core.practice_repository import PracticeRepository
from storybank.core.prompts import Prompt, builtin_prompt_bank
from storybank.core.repository import Repository

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


def store(repo: Repository) -> PracticeRepository:
    practice = PracticeRepository(repo.db)
    practice.sync_prompts(builtin_prompt_bank())
    return practice


def test_builtin_prompts_load_once(repo: Repository) -> None:
    practice = store(repo)
    prompts = practice.prompts()
    assert len(prompts) == len(builtin_prompt_bank().prompts)
    assert all(p.builtin and p.values and p.follow_ups for p in prompts)
    practice.sync_prompts(builtin_prompt_bank())  # same version: nothing changes
    assert practice.prompts() == prompts


def test_upgrade_keeps_user_prompts_edits_and_history(repo: Repository) -> None:
    practice = store(repo)
    bank = builtin_prompt_bank()
    first, second = bank.prompts[0], bank.prompts[1]
    mine = practice.save_prompt(
        None, "Tell me about a night shift.", "ownership", ["responsibility"], ["Why?"]
    )
    practice.save_prompt(first.uuid, "My own words.", first.theme, ["candor"], ["And then?"])
    practice.add_attempt(
        second.uuid, story_id=None, started_at=NOW, duration=80, rating=int(Rating.GOOD)
    )
    newer = dataclasses.replace(
        bank,
        version=bank.version + 1,
        prompts=tuple(
            dataclasses.replace(p, text=p.text.upper()) for p in bank.prompts if p is not second
        ),
    )
    practice.sync_prompts(newer)
    by_uuid = {p.uuid: p for p in practice.prompts(include_hidden=True)}
    assert by_uuid[mine].text == "Tell me about a night shift." and not by_uuid[mine].builtin
    assert by_uuid[first.uuid].text == "My own words."  # the user's edit wins
    assert by_uuid[first.uuid].values == ("candor",)
    # It probes those the packs map its theme to as well.
    assert by_uuid[first.uuid].probes[0] == "candor" and len(by_uuid[first.uuid].probes) > 1
    assert by_uuid[bank.prompts[2].uuid].text == bank.prompts[2].text.upper()
    assert by_uuid[second.uuid].hidden  # dropped from the bank: hidden, not deleted
    assert [a.prompt_uuid for a in practice.attempts()] == [second.uuid]


def test_review_state_survives_a_restart(data_dir: Path) -> None:
    repo = open_bank(data_dir)
    practice = store(repo)
    prompt = practice.prompts()[0]
    from storybank.core.practice import review

    state = review(new_review_state(prompt.uuid, NOW), Rating.GOOD, NOW)
    practice.save_review(state)
    repo.db.close()

    again = open_bank(data_dir)
    loaded = PracticeRepository(again.db).review_states()[prompt.uuid]
    assert loaded.due == state.due and loaded.reps == state.reps
    later = review(loaded, Rating.GOOD, state.due + timedelta(minutes=1))
    assert later.reps == state.reps + 1 and later.due > state.due
    again.db.close()


def test_suggestions_rank_the_tagged_story_sharing_words_first(repo: Repository) -> None:
    load_demo(repo)
    practice = store(repo)
    prompt = Prompt(
        uuid="p",
        text="Tell me about a time you got feedback on your code reviews that was hard to hear.",
        theme="feedback-received",
        values=("candor",),
        follow_ups=("What changed?",),
    )
    suggestions = rank_stories(prompt, practice.candidates(prompt_match_query(prompt)))
    assert suggestions[0].title == "Hearing that my code reviews were discouraging the team"
    assert suggestions[0].reasons


def test_attempt_keeps_the_story_used(repo: Repository) -> None:
    practice = store(repo)
    story = repo.create_story(title="Used")
    prompt = practice.prompts()[0]
    attempt = practice.add_attempt(
        prompt.uuid, story_id=story.id, started_at=NOW, duration=95.5, rating=3, notes="ok"
    )
    assert practice.attempts()[0].story_id == story.id
    repo.purge_story(story.id)
    assert practice.attempts()[0].story_id is None  # the attempt stays; the link goes
    practice.set_attempt_story(attempt, None)
    assert practice.attempts(since=NOW + timedelta(days=1)) == []


def test_reads_for_the_json_export(repo: Repository) -> None:
    practice = PracticeRepository(repo.db)
    assert practice.builtin_prompt_version() is None
    practice.sync_prompts(builtin_prompt_bank())
    assert practice.builtin_prompt_version() == builtin_prompt_bank().version
    assert practice.export_prompts() == []  # built-in and untouched: they ship with the app
    mine = practice.save_prompt(None, "A night shift?", "ownership", ["candor"], ["Why?", " "])
    assert mine in practice.prompt_uuids()
    (prompt,) = practice.export_prompts()
    assert (prompt.uuid, prompt.values, prompt.follow_ups) == (mine, ("candor",), ("Why?",))
    kept, trashed = repo.create_story(title="Kept"), repo.create_story(title="Trashed")
    for story in (kept, trashed):
        practice.add_attempt(mine, story_id=story.id, started_at=NOW, duration=80, rating=3)
    repo.set_trashed(trashed.id, True)
    attempts = practice.export_attempts()
    assert [(a.prompt_uuid, a.story_uuid) for a in attempts] == [(mine, kept.uuid), (mine, None)]
    assert attempts[0].started_at == NOW
