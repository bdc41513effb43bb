"""The practice service: decks, suggestions, answers and progress.

Like :class:`~storybank.services.stories.StoryService` it is the one writer
for its tables: it runs a change in one short transaction and announces its
change set on the story service's ``changed`` signal, the one every view hears.
"""

from __future__ import annotations

import random
import uuid as uuid_module
from collections.abc import Callable
from datetime import UTC, datetime

from storybank.core.changes import ChangeSet
from storybank.core.coverage import theme_cells, theme_summaries, value_summaries
from storybank.core.practice import (
    AttemptInfo,
    DeckSpec,
    Rating,
    ReviewState,
    Suggestion,
    build_deck,
    new_review_state,
    prompt_match_query,
    rank_stories,
    review,
)
from storybank.core.practice_repository import PracticeRepository
from storybank.core.prompts import Prompt, PromptTheme, builtin_prompt_bank
from storybank.services.stories import StoryService


def utc_now() -> datetime:
    return datetime.now(UTC)


class PracticeService:
    """Operations of the Practice and Progress modes."""

    def __init__(
        self,
        stories: StoryService,
        *,
        now: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.stories = stories
        self.store = PracticeRepository(stories.repo.db)
        self.now = now
        self.rng = rng or random.Random()
        self.bank = builtin_prompt_bank()
        self.store.sync_prompts(self.bank)
        #: The one signal that carries every operation's change set.
        self.changed = stories.changed

    # --- prompts ----------------------------------------------------------

    def themes(self) -> tuple[PromptTheme, ...]:
        return self.bank.themes

    def theme_names(self) -> dict[str, str]:
        return {theme.key: theme.name for theme in self.bank.themes}

    def prompts(self, *, include_hidden: bool = False) -> list[Prompt]:
        return self.store.prompts(include_hidden=include_hidden)

    def save_prompt(
        self, uuid: str | None, text: str, theme: str, values: list[str], follow_ups: list[str]
    ) -> str:
        saved = self.store.save_prompt(uuid, text, theme, values, follow_ups)
        self.stories.announce(ChangeSet(prompts=True))
        return saved

    def set_prompt_hidden(self, uuid: str, hidden: bool) -> None:
        self.store.set_prompt_hidden(uuid, hidden)
        self.stories.announce(ChangeSet(prompts=True))

    # --- decks ------------------------------------------------------------

    def weak_spots(self) -> tuple[set[str], set[str]]:
        """Value keys and theme keys that the stories cover weakly (the gaps)."""
        coverage = self.stories.coverage()
        values = {
            v.key for v, s in zip(coverage.values, value_summaries(coverage), strict=True) if s.gap
        }
        themes = self.bank.themes
        summaries = theme_summaries(themes, theme_cells(coverage, themes))
        weak_themes = {t.key for t, s in zip(themes, summaries, strict=True) if s.gap}
        return values, weak_themes

    def deck(self, spec: DeckSpec) -> list[Prompt]:
        weak_values, weak_themes = self.weak_spots()
        return build_deck(
            spec,
            self.prompts(),
            states=self.store.review_states(),
            now=self.now(),
            weak_values=weak_values,
            weak_themes=weak_themes,
            rng=self.rng,
        )

    def due_count(self) -> int:
        states = self.store.review_states()
        now = self.now()
        return sum(1 for s in states.values() if s.due <= now)

    # --- answering --------------------------------------------------------

    def suggestions(self, prompt: Prompt, limit: int = 5) -> list[Suggestion]:
        candidates = self.store.candidates(prompt_match_query(prompt))
        return rank_stories(prompt, candidates, theme_names=self.theme_names(), limit=limit)

    def new_session_key(self) -> str:
        return str(uuid_module.uuid4())

    def record_answer(
        self,
        prompt: Prompt,
        *,
        started_at: datetime,
        duration: float,
        rating: Rating,
        story_id: int | None,
        notes: str = "",
        session_key: str = "",
    ) -> ReviewState:
        """Store the attempt and schedule the prompt again; return its new state."""
        state = self.store.review_states().get(prompt.uuid) or new_review_state(
            prompt.uuid, started_at
        )
        state = review(state, rating, self.now())
        self.store.record_answer(
            state,
            story_id=story_id,
            started_at=started_at,
            duration=duration,
            rating=int(rating),
            notes=notes,
            session_key=session_key,
        )
        self.stories.announce(ChangeSet(attempts=True))
        return state

    def review_state(self, prompt: Prompt) -> ReviewState | None:
        return self.store.review_states().get(prompt.uuid)

    def attempts(self) -> list[AttemptInfo]:
        return self.store.attempts()
