"""The practice service: decks, suggestions, answers and progress.

Like :class:`~storybank.services.stories.StoryService` it is the one writer
for its tables: it runs a change in one short transaction and announces its
change set on the story service's ``changed`` signal, the one every view hears.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storybank.core import recordings
from storybank.core.changes import ChangeSet
from storybank.core.coverage import (
    ColumnSummary,
    story_covers_theme,
    theme_cells,
    theme_summaries,
    value_summaries,
)
from storybank.core.database import NotFound
from storybank.core.practice import (
    MOCK_OPENER_THEME,
    AttemptInfo,
    DeckKind,
    DeckSpec,
    Rating,
    ReviewState,
    Suggestion,
    build_deck,
    is_due,
    new_review_state,
    prompt_match_query,
    rank_stories,
    review,
)
from storybank.core.practice_repository import PracticeRepository
from storybank.core.prompts import Prompt, PromptTheme, builtin_prompt_bank
from storybank.core.recordings import DeliverySummary, Take, Usage, expired, usage
from storybank.core.self_rating import RubricDrift, rubric_drift
from storybank.core.session import DRILL_DECK_SIZE, Answer, DeckEntry, drill_deck
from storybank.services.stories import StoryService

if TYPE_CHECKING:
    from storybank.core.applications import ApplicationInfo, RoundInfo, Telling


#: An application's deck: about an hour of answers, its likeliest prompts first.
LOOP_DECK_SIZE = 10


def gap_weight(summary: ColumnSummary) -> float:
    """How much a gap weighs in "My gaps": no story at all counts double."""
    return 2.0 if summary.primary == 0 else 1.0


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

    def weak_spots(self) -> tuple[dict[str, ColumnSummary], dict[str, ColumnSummary]]:
        """Value keys and theme keys that the stories cover weakly, each with its
        summary (which says why)."""
        coverage = self.stories.coverage()
        values = {
            v.key: s
            for v, s in zip(coverage.values, value_summaries(coverage), strict=True)
            if s.gap
        }
        themes = self.bank.themes
        summaries = theme_summaries(themes, theme_cells(coverage, themes))
        weak_themes = {t.key: s for t, s in zip(themes, summaries, strict=True) if s.gap}
        return values, weak_themes

    def deck(self, spec: DeckSpec) -> list[Prompt]:
        return [entry.prompt for entry in self.session_deck(spec)]

    def session_deck(self, spec: DeckSpec) -> list[DeckEntry]:
        """The prompts of a deck in the order to ask them, each with why it is there."""
        if spec.kind is DeckKind.APPLICATION:
            return self.loop_deck(int(spec.key or 0), spec.size or LOOP_DECK_SIZE)
        weak_values, weak_themes = self.weak_spots()
        states = self.store.review_states()
        now = self.now()
        prompts = build_deck(
            spec,
            self.prompts(),
            states=states,
            now=now,
            weak_values={key: gap_weight(s) for key, s in weak_values.items()},
            weak_themes={key: gap_weight(s) for key, s in weak_themes.items()},
            rng=self.rng,
        )
        themes = self.theme_names()
        values = {v.key: v.name for v in self.stories.active_values()}

        def reason(prompt: Prompt) -> str:
            if spec.kind is DeckKind.GAPS:
                weak = [weak_themes.get(prompt.theme)]
                weak += [weak_values.get(v) for v in prompt.probes]
                return "gap: " + " ".join(s.gap for s in weak if s is not None and s.gap)
            state = states.get(prompt.uuid)
            probes = ", ".join(values[v] for v in prompt.probes if v in values)
            parts = [
                "never practised"
                if state is None
                else "due for review"
                if is_due(state, now)
                else f"from the theme “{themes.get(prompt.theme, prompt.theme)}”"
            ]
            if probes:
                parts.append(f"probes {probes}")
            return "; ".join(parts)

        entries = [DeckEntry(prompt, reason(prompt)) for prompt in prompts]
        if spec.kind in (DeckKind.DUE, DeckKind.MOCK, DeckKind.ALL):
            entries = self._missed_first(entries, spec)
        return entries

    def _missed_first(
        self, entries: list[DeckEntry], spec: DeckSpec, application_id: int | None = None
    ) -> list[DeckEntry]:
        """Prompts missed in a real round (of one application, or any) and not
        practised since come first."""
        from storybank.core.applications import ApplicationRepository

        by_uuid = {p.uuid: p for p in self.prompts()}
        first: dict[str, DeckEntry] = {}
        loops = ApplicationRepository(self.stories.repo.db)
        for uuid, where, when in loops.missed(application_id):
            if uuid in first or uuid not in by_uuid:
                continue
            since = [a for a in self.store.attempts(prompt_uuid=uuid)
                     if when is None or a.started_at >= when]  # fmt: skip
            if not since:
                first[uuid] = DeckEntry(by_uuid[uuid], f"missed in {where}: again, sooner")
        if not first:
            return entries
        merged = [*first.values(), *(e for e in entries if e.prompt.uuid not in first)]
        # A mock keeps its length; the other decks grow by the missed prompts.
        return merged[: len(entries) or len(first)] if spec.kind is DeckKind.MOCK else merged

    def round_deck(self, company: str, found: RoundInfo, size: int = 6) -> list[DeckEntry]:
        """A real round rehearsed: "why this company" first where the round will ask
        it (a recruiter or a hiring manager), then prompts of the round's themes,
        those due or missed first."""
        why = found.kind in ("recruiter", "hiring-manager")
        themes = [MOCK_OPENER_THEME] * why + [t for t in found.themes if t != MOCK_OPENER_THEME]
        states, now = self.store.review_states(), self.now()
        chosen: list[DeckEntry] = []
        for theme in themes:
            prompts = [p for p in self.prompts() if p.theme == theme]
            self.rng.shuffle(prompts)
            prompts.sort(key=lambda p: not is_due(states.get(p.uuid), now))
            chosen += [DeckEntry(p, f"for the {company} {found.name}") for p in prompts[:2]]
        return chosen[:size]

    def loop_deck(self, application_id: int, size: int = LOOP_DECK_SIZE) -> list[DeckEntry]:
        """One application's coming rounds rehearsed (every round when all are done):
        prompts missed in its real rounds first, then each round's likely prompts."""
        from storybank.core.applications import ApplicationRepository

        app = ApplicationRepository(self.stories.repo.db).application(application_id)
        if app is None:
            return []
        rounds = [r for r in app.rounds if not r.done] or list(app.rounds)
        entries: dict[str, DeckEntry] = {}
        per_round = [self.round_deck(app.company, found) for found in rounds]
        # Round by round, so that a long loop's later rounds are not cut off.
        for layer in itertools.zip_longest(*per_round):
            for entry in layer:
                if entry is not None:
                    entries.setdefault(entry.prompt.uuid, entry)
        deck = self._missed_first(list(entries.values()), DeckSpec(DeckKind.ALL), app.id)
        return deck[:size]

    def open_applications(self) -> list[ApplicationInfo]:
        """The applications still being prepared for or interviewed with."""
        from storybank.core.applications import ApplicationRepository

        return [a for a in ApplicationRepository(self.stories.repo.db).applications() if a.is_open]

    def drill_deck(self, story_id: int, size: int = DRILL_DECK_SIZE) -> list[DeckEntry]:
        """The prompts one story answers best (its tagged themes, its values)."""
        record = self.stories.get_story(story_id)
        active = {v.id: v for v in self.stories.active_values()}
        return drill_deck(
            self.prompts(),
            themes=[t.key for t in self.bank.themes if story_covers_theme(record.tags, t)],
            values=[active[v].key for v in record.values if v in active],
            value_names={v.key: v.name for v in active.values()},
            theme_names=self.theme_names(),
            size=size,
        )

    def due_count(self) -> int:
        states = self.store.review_states()
        now = self.now()
        return sum(1 for s in states.values() if s.due <= now)

    # --- answering --------------------------------------------------------

    def suggestions(self, prompt: Prompt, limit: int = 5) -> list[Suggestion]:
        candidates = self.store.candidates(prompt_match_query(prompt))
        return rank_stories(prompt, candidates, theme_names=self.theme_names(), limit=limit)

    def no_suggestion_reason(self, prompt: Prompt) -> str:
        """Why no story is suggested for ``prompt``, and what would change that."""
        if self.stories.count_stories() == 0:
            return "No stories yet: write one in the Stories mode (Ctrl+1)."
        values = {v.key: v.name for v in self.stories.active_values()}
        wanted = [f"“{values[v]}”" for v in prompt.probes if v in values]
        shown = f" or shows {' or '.join(wanted)}" if wanted else ""
        return (
            f"No story is tagged “{prompt.theme}”{shown}, and none shares this prompt's "
            "words. Tag a story in the Stories mode to see it here."
        )

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
        """Store a rated answer and schedule the prompt again; return its new state."""
        answer = Answer(
            DeckEntry(prompt, ""),
            started_at=started_at,
            duration=duration,
            rating=rating,
            story_id=story_id,
            notes=notes,
        )
        self.save_answer(answer, session_key)
        state = self.review_state(prompt)
        assert state is not None  # just stored with the answer
        return state

    def save_answer(self, answer: Answer, session_key: str = "") -> Answer:
        """Store an answer as it stands, in one transaction; return it as stored.

        The first time it is stored it becomes an attempt; later calls change
        that attempt. A rating that changed schedules the prompt again from
        its schedule before this answer.
        """
        if answer.duration is None:
            return answer  # nothing was said: nothing to keep
        coach = self._coach_readings(answer)
        before = answer.before
        if answer.attempt_id is None:
            before = self.review_state(answer.prompt)
        state = None
        if answer.rating is not None and answer.rating != answer.stored_rating:
            started = answer.started_at or self.now()
            start = before or new_review_state(answer.prompt.uuid, started)
            state = review(start, answer.rating, self.now())
        attempt_id = self.store.save_answer(
            answer.attempt_id,
            state,
            prompt_uuid=answer.prompt.uuid,
            story_id=answer.story_id,
            started_at=answer.started_at or self.now(),
            duration=answer.duration,
            rating=None if answer.rating is None else int(answer.rating),
            notes=answer.notes,
            session_key=session_key,
            self_rubric=answer.self_rubric,
            coach_rubric=coach,
        )
        self.stories.announce(ChangeSet(attempts=True))
        return dataclasses.replace(
            answer,
            attempt_id=attempt_id,
            stored_rating=answer.rating,
            before=before,
            coach_rubric=coach,
        )

    def _coach_readings(self, answer: Answer) -> Mapping[str, float]:
        """The coach's rubric of the story told, as the story stands now (empty without
        one). A story gone since keeps the readings stored with the answer before."""
        if answer.story_id is None:
            return {}
        try:
            record = self.stories.get_story(answer.story_id)
        except NotFound:
            return answer.coach_rubric
        return self.stories.story_report(record).rubric

    def review_state(self, prompt: Prompt) -> ReviewState | None:
        return self.store.review_states().get(prompt.uuid)

    def attempts(self) -> list[AttemptInfo]:
        return self.store.attempts()

    def rubric_drift(self) -> RubricDrift:
        """The candidate's own rubric ratings against the coach's readings, over time."""
        return rubric_drift(self.store.rubric_readings())

    def prompt_history(self, prompt: Prompt, limit: int = 3) -> list[AttemptInfo]:
        """The latest answers to one prompt, newest first."""
        return self.store.attempts(prompt_uuid=prompt.uuid)[::-1][:limit]

    def story_history(self, story_id: int) -> list[AttemptInfo]:
        """Every answer told with one story, newest first."""
        return self.store.attempts(story_id=story_id)[::-1]

    def story_titles(self, ids: Iterable[int | None]) -> dict[int, str]:
        """The titles of these stories (those that still exist), by id."""
        wanted = sorted({i for i in ids if i is not None})
        return {i: row.title for i, row in self.stories.story_rows(wanted).items()}

    def has_sessions(self) -> bool:
        return self.store.latest_session() is not None

    def last_session(self) -> list[Answer]:
        """The answers of the latest session, as its review lists them (skips are not
        stored, so they are not among them); empty before any session."""
        latest = self.store.latest_session()
        if latest is None:
            return []
        attempts = self.store.attempts(session=latest)
        prompts = {p.uuid: p for p in self.prompts(include_hidden=True)}
        titles = self.story_titles(a.story_id for a in attempts)
        return [
            Answer(
                DeckEntry(prompts[a.prompt_uuid], ""),
                started_at=a.started_at,
                duration=a.duration_seconds,
                rating=None if a.rating is None else Rating(a.rating),
                story_id=a.story_id,
                story_title=titles.get(a.story_id, "") if a.story_id is not None else "",
                notes=a.notes,
                attempt_id=a.attempt_id,
                self_rubric=a.self_rubric,
                coach_rubric=a.coach_rubric,
                recording=a.recording,
                delivery=a.delivery,
            )
            for a in attempts
            if a.prompt_uuid in prompts
        ]

    def told(self) -> dict[int, list[Telling]]:
        """Stories already told in a real round to a company still being interviewed
        with (panel members compare notes), by story."""
        from storybank.core.applications import ApplicationRepository

        return ApplicationRepository(self.stories.repo.db).told()

    def attempt(self, attempt_id: int) -> AttemptInfo | None:
        """One stored answer, or None if it is gone."""
        return next((a for a in self.store.attempts() if a.attempt_id == attempt_id), None)

    # --- recordings -------------------------------------------------------

    def recordings_folder(self) -> Path:
        """The private folder beside the bank that holds the recorded takes."""
        return recordings.folder(self.stories.repo.db.path.parent)

    def take_path(self, name: str | None) -> Path | None:
        """Where a take tied to an answer is on disk, if it is there."""
        if not name or not recordings.is_take_name(name):
            return None
        path = self.recordings_folder() / name
        return path if path.is_file() else None

    def attach_take(self, answer: Answer, name: str, keep: int | None = None) -> Answer:
        """Tie a finished take to its stored answer, with the delivery measured from
        it; then let go of the takes the retention setting (``keep`` per prompt)
        no longer keeps. A take that cannot be measured is kept unmeasured.

        Raises StorageError (the take stays on disk, not tied) if the bank
        cannot be written.
        """
        from storybank.core.delivery import DeliveryError, measure_file

        assert answer.attempt_id is not None
        path = self.recordings_folder() / name
        try:
            summary: DeliverySummary | None = DeliverySummary.of(
                measure_file(path, self.stories.coach_settings)
            )
        except DeliveryError:
            summary = None
        self.store.set_recording(
            answer.attempt_id, name, None if summary is None else summary.to_json()
        )
        self._let_go(expired(self.store.takes(), keep))
        self.stories.announce(ChangeSet(attempts=True))
        return dataclasses.replace(answer, recording=name, delivery=summary)

    def delete_take(self, attempt_id: int) -> None:
        """Delete one answer's take; its measured delivery stays."""
        self._let_go([t for t in self.store.takes() if t.attempt_id == attempt_id])
        self.stories.announce(ChangeSet(attempts=True))

    def delete_all_takes(self) -> int:
        """Delete every take (those no answer names too); return how many files went."""
        takes = self.store.takes()
        self._let_go(takes)
        folder = self.recordings_folder()
        loose = [p for p in folder.iterdir() if recordings.is_take_name(p.name)]
        for path in loose:
            path.unlink(missing_ok=True)
        self.stories.announce(ChangeSet(attempts=True))
        return len({t.name for t in takes} | {p.name for p in loose})

    def apply_retention(self, keep: int | None) -> int:
        """Let go of the takes beyond the latest ``keep`` per prompt; return how many."""
        gone = expired(self.store.takes(), keep)
        if gone:
            self._let_go(gone)
            self.stories.announce(ChangeSet(attempts=True))
        return len(gone)

    def _let_go(self, takes: Iterable[Take]) -> None:
        """Untie each take in the bank, then delete its file (a file left by a failed
        delete is loose, counted by ``storybank check`` and removed by delete all)."""
        takes = list(takes)
        self.store.untie_takes([t.attempt_id for t in takes])
        folder = self.recordings_folder()
        for take in takes:
            (folder / take.name).unlink(missing_ok=True)

    def recording_usage(self) -> Usage:
        """How many takes there are and what they weigh."""
        return usage(self.recordings_folder(), [t.name for t in self.store.takes()])
