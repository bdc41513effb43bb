"""The practice service: decks, suggestions and answers, one transaction each."""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from storybank.core.changes import ChangeSet
from storybank.core.database import StorageError
from storybank.core.practice import DeckSpec, Rating
from storybank.core.records import Strength
from storybank.core.repository import Repository
from storybank.core.session import Answer, DeckEntry
from storybank.services.practice import PracticeService
from storybank.services.stories import StoryService

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def practice(repo: Repository) -> PracticeService:
    return PracticeService(StoryService(repo, repo.db.path.parent), now=lambda: NOW)


def stored_counts(repo: Repository) -> tuple[int, int]:
    with closing(sqlite3.connect(repo.db.path)) as conn, conn:
        attempts = conn.execute("SELECT count(*) FROM attempt").fetchone()[0]
        states = conn.execute("SELECT count(*) FROM review_state").fetchone()[0]
    return attempts, states


def test_rating_an_answer_stores_the_attempt_and_the_schedule(repo: Repository) -> None:
    service = practice(repo)
    story = repo.create_story(title="Billing", action="I rebuilt it.")
    prompt = service.prompts()[0]
    announced: list[ChangeSet] = []
    service.changed.connect(announced.append)
    state = service.record_answer(
        prompt,
        started_at=NOW - timedelta(minutes=2),
        duration=95.0,
        rating=Rating.GOOD,
        story_id=story.id,
        notes="Lead with the number.",
    )
    assert stored_counts(repo) == (1, 1)
    assert state.due > NOW
    (attempt,) = service.attempts()
    assert (attempt.prompt_uuid, attempt.story_id, attempt.rating) == (prompt.uuid, story.id, 3)
    assert service.review_state(prompt) == state
    assert announced == [ChangeSet(attempts=True)]


def test_a_failing_last_write_of_a_rating_stores_none_of_it(repo: Repository) -> None:
    service = practice(repo)
    prompt = service.prompts()[0]
    # A real SQLite failure in the schedule's write, the last part of the rating.
    with closing(sqlite3.connect(repo.db.path)) as conn, conn:
        conn.execute(
            "CREATE TRIGGER refuse_review BEFORE INSERT ON review_state "
            "BEGIN SELECT RAISE(ABORT, 'the schedule cannot be written'); END"
        )
    with pytest.raises(StorageError, match="schedule cannot be written"):
        service.record_answer(
            prompt, started_at=NOW, duration=60.0, rating=Rating.HARD, story_id=None
        )
    assert stored_counts(repo) == (0, 0)
    assert service.attempts() == []


def test_an_all_prompts_deck_holds_every_visible_prompt(repo: Repository) -> None:
    service = practice(repo)
    deck = service.deck(DeckSpec(kind="all"))
    assert {p.uuid for p in deck} == {p.uuid for p in service.prompts()}


def test_suggestions_rank_a_tagged_story_for_its_prompt(repo: Repository) -> None:
    service = practice(repo)
    prompt = next(p for p in service.prompts() if "feedback" in p.text.lower())
    story = repo.create_story(
        title="Hard feedback from my manager",
        action="I asked for specific feedback, then changed how I ran reviews.",
    )
    ranked = service.suggestions(prompt)
    assert ranked and ranked[0].story_id == story.id


def test_a_drill_holds_only_prompts_of_the_story_s_themes_and_values(repo: Repository) -> None:
    service = practice(repo)
    story = repo.create_story(title="Pushback", action="I told the VP the plan would slip.")
    candor = next(v for v in repo.active_values() if v.key == "candor")
    repo.set_story_value(story.id, candor.id, Strength.PRIMARY, None)
    repo.set_story_tags(story.id, ["peer-conflict"])
    deck = service.drill_deck(story.id, size=50)
    assert deck
    for entry in deck:
        assert entry.prompt.theme == "peer-conflict" or "candor" in entry.prompt.probes
    # Prompts matching both come first.
    both = [e.prompt.theme == "peer-conflict" and "candor" in e.prompt.probes for e in deck]
    assert both == sorted(both, reverse=True)


def test_answers_are_one_attempt_however_often_they_change(repo: Repository) -> None:
    service = practice(repo)
    story = repo.create_story(title="Billing", action="I rebuilt it.")
    prompt = service.prompts()[0]
    answer = Answer(DeckEntry(prompt, ""), started_at=NOW, duration=61.0)
    answer = service.save_answer(answer, "s1")
    assert stored_counts(repo) == (1, 0)  # timed, not rated: no schedule yet
    answer = service.save_answer(dataclasses.replace(answer, rating=Rating.AGAIN), "s1")
    first_due = service.review_state(prompt).due  # type: ignore[union-attr]
    answer = service.save_answer(
        dataclasses.replace(answer, rating=Rating.EASY, story_id=story.id, notes="n"), "s1"
    )
    assert stored_counts(repo) == (1, 1)
    (attempt,) = service.attempts()
    assert attempt.rating == 4 and attempt.story_id == story.id
    # Re-rating schedules from the state before the answer, not on top of Again.
    assert service.review_state(prompt).due > first_due  # type: ignore[union-attr]


def test_an_answer_keeps_its_self_ratings_and_the_coach_s_reading_of_the_story_then(
    repo: Repository,
) -> None:
    service = practice(repo)
    story = repo.create_story(
        title="Billing",
        situation="Invoices went out late every month.",
        action="I rebuilt the billing pipeline and moved the batch to the morning.",
        result="Invoices went out on time for six months; support tickets fell by 40%.",
    )
    candor = next(v for v in repo.active_values() if v.key == "candor")
    service.stories.set_story_value(story.id, candor.id, Strength.PRIMARY)
    prompt = service.prompts()[0]
    coach_then = service.stories.story_report(repo.get_story(story.id)).rubric
    assert "fit" in coach_then  # a primary value tagged: the coach reads fit too

    # Self-ratings alone, before any story is named: no coach reading.
    answer = Answer(DeckEntry(prompt, ""), started_at=NOW, duration=90.0)
    answer = service.save_answer(dataclasses.replace(answer, self_rubric={"ownership": 5}))
    (attempt,) = service.attempts()
    assert (attempt.self_rubric, attempt.coach_rubric) == ({"ownership": 5}, {})
    assert service.rubric_drift().compared == 0

    # Naming the story stores the coach's reading of it as it stands.
    answer = service.save_answer(
        dataclasses.replace(answer, story_id=story.id, self_rubric={"ownership": 5, "result": 2})
    )
    (attempt,) = service.attempts()
    assert attempt.self_rubric == {"ownership": 5, "result": 2}
    assert attempt.coach_rubric == pytest.approx(coach_then, abs=0.005)
    assert answer.coach_rubric == attempt.coach_rubric

    # Editing the story later does not rewrite the reading stored with the answer.
    service.stories.save_story(story.id, {"result": "It went well.", "action": "We helped."})
    assert service.stories.story_report(repo.get_story(story.id)).rubric != coach_then
    assert service.attempts()[0].coach_rubric == attempt.coach_rubric

    # A story deleted while the answer is still on screen keeps the reading stored.
    repo.purge_story(story.id)
    service.save_answer(dataclasses.replace(answer, notes="after the purge"))
    (after,) = service.attempts()
    assert after.story_id is None and after.notes == "after the purge"
    assert after.coach_rubric == attempt.coach_rubric

    drift = service.rubric_drift()
    assert (drift.rated, drift.compared) == (1, 1)
    ownership = next(d for d in drift.dimensions if d.key == "ownership")
    assert ownership.gap == pytest.approx(5 - attempt.coach_rubric["ownership"])
