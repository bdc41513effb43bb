"""Tellings by length: word targets at the user's rate, drafts cut from the full
story, and the bank keeping one per length."""

from __future__ import annotations

import pytest

from storybank.core.repository import Repository
from storybank.core.tellings import draft, spoken_seconds, target_words, word_count

STORY = {
    "situation": "Our billing pipeline failed every month-end. Finance waited three days. "
    "Nobody owned the reconciliation job.",
    "task": "I was asked to make month-end boring again.",
    "action": "I traced the failures to a batch job that retried forever. I rewrote it as "
    "an event-sourced service. I paired with finance on the cut-over. I wrote the runbook.",
    "result": "Reconciliation went from three days to four hours. Support tickets fell 40%.",
    "reflection": "I learned to ask who waits on a job before I ask how it runs.",
}


@pytest.mark.parametrize(("seconds", "words"), [(30, 75), (120, 300), (180, 450)])
def test_a_telling_holds_its_length_in_words_at_the_users_rate(seconds: int, words: int) -> None:
    assert target_words(seconds, 150) == words
    assert target_words(seconds, 120) == words * 4 // 5


def test_a_draft_keeps_whole_sentences_and_the_results_figures() -> None:
    short = draft(STORY, 30)
    assert "40%" in short or "four hours" in short
    assert "learned" not in short  # no room for the lesson in a short telling
    assert all(part.rstrip().endswith(".") for part in short.split("\n\n"))
    longer = draft(STORY, 300)
    assert word_count(short) < word_count(longer) and "learned" in longer
    assert spoken_seconds(longer, 150) == pytest.approx(word_count(longer) * 0.4)
    assert draft({}, 75) == ""


def test_the_bank_keeps_one_telling_per_length(repo: Repository) -> None:
    story = repo.create_story(title="x", action="I did it.")
    repo.set_telling(story.id, 30, "Short — קצר 🚀")
    repo.set_telling(story.id, 120, "Longer.")
    repo.set_telling(story.id, 30, "Short, again.")
    assert repo.tellings([story.id]) == {story.id: {30: "Short, again.", 120: "Longer."}}
    assert repo.tellings([story.id], 30) == {story.id: {30: "Short, again."}}
    repo.set_telling(story.id, 120, "   ")
    assert repo.tellings([story.id]) == {story.id: {30: "Short, again."}}
