"""Practice mode's core: the app plays the interviewer.

Pure Python, no Qt and no ORM, so every rule is tested without a window:

- :class:`AnswerTimer`, the prep countdown and answer stopwatch, read from an
  injected monotonic clock so it never drifts and is tested without sleeping;
- the spaced-repetition schedule (:func:`review`), a thin wrapper over FSRS
  whose card state is stored as JSON;
- decks (:func:`build_deck`): which prompts to practise, in what order;
- story suggestions for a prompt (:func:`rank_stories`), explained in words;
- the figures behind the progress charts (:func:`daily_stats`,
  :func:`value_readiness`, :func:`summarize_session`).

Time is always injected: functions that need "now" take an aware ``now`` or a
``clock``; nothing here reads the wall clock except as a default argument.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import IntEnum, StrEnum

import fsrs

from storybank.core.coverage import MIN_STORIES, story_covers_theme
from storybank.core.prompts import Prompt, PromptTheme
from storybank.core.recordings import DeliverySummary
from storybank.core.speaking import clock

# --------------------------------------------------------------------------
# Answer timer
# --------------------------------------------------------------------------


class TimerPhase(StrEnum):
    """Where the answer timer is: before, preparing, answering, paused or done."""

    IDLE = "idle"
    PREP = "prep"
    ANSWER = "answer"
    PAUSED = "paused"
    DONE = "done"


class TimerZone(StrEnum):
    """The answer time against the target: comfortably before, near the end, over."""

    BEFORE = "before"
    NEAR = "near"
    OVER = "over"


@dataclass(frozen=True, slots=True)
class TimerSettings:
    """The user's prep time, target answer length and "nearly there" window, in seconds."""

    # 30 s is the pause an interviewer will usually allow to think before
    # answering; 0 skips the countdown and starts the answer at once.
    prep_seconds: int = 30
    # Coaches aim for a STAR answer of about two minutes: the default target is 2:00.
    target_seconds: int = 120
    # The last 20 s before the target: time to land the Result, not start a new point.
    near_seconds: int = 20

    def __post_init__(self) -> None:
        if self.prep_seconds < 0 or self.target_seconds <= 0 or self.near_seconds < 0:
            raise ValueError(
                "Prep and near times must be 0 or more, and the target more than 0 seconds."
            )


# Clock readings are floats: 30.000000000004 must not show as "0:31", nor
# 64.99999999997 as "1:04". Rounding to a microsecond first removes that noise.
_CLOCK_NOISE_DIGITS = 6


class AnswerTimer:
    """The prep countdown and answer stopwatch of one prompt, driven by key presses.

    Every figure is computed from clock readings (when the running stretch began
    plus the time banked before a pause), never by counting ticks, so a late or
    missed GUI tick cannot make it drift. Reads catch up by themselves: when the
    prep countdown has run out, the phase is ANSWER even if :meth:`tick` was not
    called, and the answer is timed from the moment prep ended.
    """

    def __init__(
        self,
        settings: TimerSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings if settings is not None else TimerSettings()
        self._clock = clock
        self._phase = TimerPhase.IDLE
        self._paused_from: TimerPhase | None = None
        self._since = 0.0  # clock reading when the running stretch (prep or answer) began
        self._prep_spent = 0.0  # prep seconds banked before the running stretch
        self._answer_spent = 0.0  # answer seconds banked before the running stretch
        self._answer_started = False

    # -- state --------------------------------------------------------------

    def _now(self) -> float:
        """Read the clock once and catch up with a prep countdown that ran out."""
        now = self._clock()
        if self._phase is TimerPhase.PREP:
            spent = self._prep_spent + now - self._since
            overrun = spent - self.settings.prep_seconds
            if overrun >= 0:
                # The answer began when prep ended, not when a tick noticed.
                self._prep_spent = float(self.settings.prep_seconds)
                self._begin_answer(now - overrun)
        return now

    def _begin_answer(self, at: float) -> None:
        self._phase = TimerPhase.ANSWER
        self._since = at
        self._answer_started = True

    @property
    def phase(self) -> TimerPhase:
        self._now()
        return self._phase

    @property
    def prep_remaining(self) -> float:
        """Seconds left to prepare (the full prep time before start, 0 once answering)."""
        now = self._now()
        prep = float(self.settings.prep_seconds)
        if self._phase is TimerPhase.IDLE:
            return prep
        if self._phase is TimerPhase.PREP:
            return max(prep - self._prep_spent - (now - self._since), 0.0)
        if self._phase is TimerPhase.PAUSED and self._paused_from is TimerPhase.PREP:
            return max(prep - self._prep_spent, 0.0)
        return 0.0

    @property
    def answer_elapsed(self) -> float:
        """Seconds spent answering so far, paused time excluded."""
        now = self._now()
        if self._phase is TimerPhase.ANSWER:
            return self._answer_spent + now - self._since
        return self._answer_spent

    @property
    def zone(self) -> TimerZone:
        """The answer time against the target: NEAR from the last ``near_seconds``,
        OVER once past the target."""
        elapsed = self.answer_elapsed
        target = self.settings.target_seconds
        if not self._answer_started or elapsed < target - self.settings.near_seconds:
            return TimerZone.BEFORE
        return TimerZone.OVER if elapsed > target else TimerZone.NEAR

    def _in_prep(self) -> bool:
        return self._phase is TimerPhase.PREP or (
            self._phase is TimerPhase.PAUSED and self._paused_from is TimerPhase.PREP
        )

    def display(self) -> str:
        """The clock face: the prep countdown ("0:23", rounded up, as countdowns
        are) while preparing, else the answer time ("1:05", rounded down)."""
        self._now()
        if self._in_prep() or (self._phase is TimerPhase.IDLE and self.settings.prep_seconds):
            remaining = round(self.prep_remaining, _CLOCK_NOISE_DIGITS)
            return clock(math.ceil(remaining))
        return clock(math.floor(round(self.answer_elapsed, _CLOCK_NOISE_DIGITS)))

    # -- actions --------------------------------------------------------------

    def start(self) -> None:
        """Start the prep countdown (or the answer when there is no prep); only from IDLE."""
        self._start(self._now())

    def _start(self, now: float) -> None:
        if self._phase is not TimerPhase.IDLE:
            return
        if self.settings.prep_seconds > 0:
            self._phase = TimerPhase.PREP
            self._since = now
        else:
            self._begin_answer(now)

    def toggle(self) -> None:
        """What the Space key does: start; skip the rest of prep; finish the answer;
        resume after a pause; nothing once done."""
        now = self._now()
        match self._phase:
            case TimerPhase.IDLE:
                self._start(now)
            case TimerPhase.PREP:
                self._bank(now)
                self._begin_answer(now)
            case TimerPhase.ANSWER:
                self._stop(now)
            case TimerPhase.PAUSED:
                self._resume(now)
            case TimerPhase.DONE:
                pass

    def pause(self) -> None:
        """Freeze the running countdown or stopwatch (no-op unless PREP or ANSWER)."""
        now = self._now()
        if self._phase not in (TimerPhase.PREP, TimerPhase.ANSWER):
            return
        self._bank(now)
        self._paused_from = self._phase
        self._phase = TimerPhase.PAUSED

    def resume(self) -> None:
        """Carry on where :meth:`pause` stopped (no-op unless PAUSED)."""
        self._resume(self._now())

    def _resume(self, now: float) -> None:
        if self._phase is not TimerPhase.PAUSED or self._paused_from is None:
            return
        self._phase = self._paused_from
        self._paused_from = None
        self._since = now

    def stop(self) -> float:
        """Finish: the timer is DONE and the answer time (0 if never started) is returned.
        Stopping again returns the same time."""
        return self._stop(self._now())

    def _stop(self, now: float) -> float:
        self._bank(now)
        self._phase = TimerPhase.DONE
        self._paused_from = None
        return self._answer_spent

    def _bank(self, now: float) -> None:
        """Add the running stretch to the time spent in its phase."""
        if self._phase is TimerPhase.PREP:
            self._prep_spent += now - self._since
        elif self._phase is TimerPhase.ANSWER:
            self._answer_spent += now - self._since

    def tick(self) -> None:
        """Let a GUI timer move prep on to the answer when the countdown reaches 0."""
        self._now()

    def reset(self) -> None:
        """Back to IDLE for the next prompt, same settings and clock."""
        self._phase = TimerPhase.IDLE
        self._paused_from = None
        self._since = self._prep_spent = self._answer_spent = 0.0
        self._answer_started = False


# --------------------------------------------------------------------------
# Spaced repetition (FSRS)
# --------------------------------------------------------------------------


class Rating(IntEnum):
    """The self-rating after an answer; the numbers are FSRS's (and the 1-4 keys)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


_FSRS_RATING: dict[Rating, fsrs.Rating] = {
    Rating.AGAIN: fsrs.Rating.Again,
    Rating.HARD: fsrs.Rating.Hard,
    Rating.GOOD: fsrs.Rating.Good,
    Rating.EASY: fsrs.Rating.Easy,
}

# One scheduler for the whole app. Fuzzing (a random jitter of intervals that
# spreads out cards learnt together) is off: a bank holds a few hundred prompts
# at most, and a schedule that is the same on every run can be tested and
# explained. The learning steps are FSRS's own (1 min, 10 min): a flubbed
# answer comes back later in the same session, as Anki does, and past them
# reviews are spaced out in days aiming at 90 % recall.
_SCHEDULER = fsrs.Scheduler(
    desired_retention=0.9,
    learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)


@dataclass(frozen=True, slots=True)
class ReviewState:
    """A prompt's place in the spaced-repetition schedule, as stored (card as JSON)."""

    prompt_uuid: str
    due: datetime
    card_json: str
    reps: int
    lapses: int
    last_rating: int | None


def _utc(when: datetime) -> datetime:
    """An aware time in UTC; a naive one is refused (its zone would be a guess)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware time, got {when!r}")
    return when.astimezone(UTC)


def _stored_utc(when: datetime) -> datetime:
    """A stored time: naive ones are UTC, as every stored time is."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _new_card(now: datetime) -> fsrs.Card:
    # An explicit id and due time: fsrs would otherwise read the wall clock
    # (and sleep a millisecond to keep ids apart).
    return fsrs.Card(card_id=int(now.timestamp() * 1000), due=now)


def new_review_state(prompt_uuid: str, now: datetime) -> ReviewState:
    """The state of a prompt never practised: due now."""
    now = _utc(now)
    return ReviewState(
        prompt_uuid=prompt_uuid,
        due=now,
        card_json=_new_card(now).to_json(),
        reps=0,
        lapses=0,
        last_rating=None,
    )


def review(state: ReviewState, rating: Rating | int, now: datetime) -> ReviewState:
    """The state after answering the prompt at ``now`` and rating the answer."""
    now = _utc(now)
    rating = Rating(rating)
    try:
        card = fsrs.Card.from_json(state.card_json)
    except (ValueError, KeyError, TypeError):
        # A damaged card (hand-edited database, say) must not block practice:
        # start its schedule again, keeping the counts.
        card = _new_card(now)
    # A lapse is forgetting a prompt that had graduated to day-long intervals.
    lapsed = card.state is fsrs.State.Review and rating is Rating.AGAIN
    card, _log = _SCHEDULER.review_card(card, _FSRS_RATING[rating], review_datetime=now)
    return ReviewState(
        prompt_uuid=state.prompt_uuid,
        due=card.due,
        card_json=card.to_json(),
        reps=state.reps + 1,
        lapses=state.lapses + int(lapsed),
        last_rating=int(rating),
    )


def is_due(state: ReviewState | None, now: datetime) -> bool:
    """Whether a prompt should be practised: never practised, or its due time has come."""
    return state is None or _stored_utc(state.due) <= _utc(now)


# --------------------------------------------------------------------------
# Decks
# --------------------------------------------------------------------------


class DeckKind(StrEnum):
    """Which prompts a practice session draws from."""

    ALL = "all"
    THEME = "theme"
    VALUE = "value"
    GAPS = "gaps"
    DUE = "due"
    MOCK = "mock"
    #: One application's coming rounds; the service builds it from the loop.
    APPLICATION = "application"


# At most 20 prompts in the due deck: about an hour of answers with prep, as
# much as one sitting holds; the rest stay due for the next.
DUE_DECK_SIZE = 20
# "My gaps" asks the 10 weakest prompts by default: one sitting, not the bank.
GAPS_DECK_SIZE = 10
# A mock interview asks 5 prompts: the behavioural part of a 45-60 min loop.
MOCK_DECK_SIZE = 5
# Interviews usually open with motivation, so a mock interview starts with a
# prompt of this theme when the caller passes one (hidden prompts are not passed).
MOCK_OPENER_THEME = "why-this-company"


@dataclass(frozen=True, slots=True)
class DeckSpec:
    """A deck choice: its kind, the theme or value key it needs, and an optional size.

    ``size`` caps any deck; without it DUE holds :data:`DUE_DECK_SIZE` prompts,
    MOCK :data:`MOCK_DECK_SIZE`, and the others every matching prompt. A THEME
    or VALUE deck without a key, or a size below 1, is an empty deck rather than
    an error: a combo box with nothing chosen yet must not crash the window.
    """

    kind: DeckKind
    key: str | None = None
    size: int | None = None


def _weights(keys: Collection[str] | Mapping[str, float]) -> dict[str, float]:
    """Each weak key (case-folded) with its weight; a plain collection weighs 1 each."""
    if isinstance(keys, Mapping):
        return {key.casefold(): float(weight) for key, weight in keys.items()}
    return dict.fromkeys(_fold(keys), 1.0)


def _fold(keys: Collection[str]) -> frozenset[str]:
    return frozenset(key.casefold() for key in keys)


def _shuffled(prompts: Sequence[Prompt], rng: random.Random) -> list[Prompt]:
    deck = list(prompts)
    rng.shuffle(deck)
    return deck


def build_deck(
    spec: DeckSpec,
    prompts: Sequence[Prompt],
    *,
    states: Mapping[str, ReviewState],
    now: datetime,
    weak_values: Collection[str] | Mapping[str, float] = (),
    weak_themes: Collection[str] | Mapping[str, float] = (),
    rng: random.Random,
) -> list[Prompt]:
    """The prompts of a deck, in the order to ask them.

    - ALL: every prompt, due ones first, each group shuffled.
    - THEME / VALUE: prompts of that theme / probing that value; due first.
    - GAPS: prompts touching a weak theme or value, the weakest first (a mapping
      weighs each weak key; a plain collection weighs each 1), then due; at most
      :data:`GAPS_DECK_SIZE` unless ``spec.size`` says otherwise.
    - DUE: overdue practised prompts by due time, then never-practised ones shuffled.
    - MOCK: prompts from distinct themes (repeating a theme only when there are
      fewer themes than the size), opening with :data:`MOCK_OPENER_THEME` if present.

    Keys match case-insensitively. Shuffling happens before a stable sort, so
    prompts that sort equal come out in a random (seeded) order.
    """

    def due(prompt: Prompt) -> bool:
        return is_due(states.get(prompt.uuid), now)

    match spec.kind:
        case DeckKind.ALL:
            deck = sorted(_shuffled(prompts, rng), key=lambda p: not due(p))
        case DeckKind.THEME | DeckKind.VALUE if not spec.key:
            deck = []
        case DeckKind.THEME:
            key = (spec.key or "").casefold()
            chosen = [p for p in prompts if p.theme.casefold() == key]
            deck = sorted(_shuffled(chosen, rng), key=lambda p: not due(p))
        case DeckKind.VALUE:
            key = (spec.key or "").casefold()
            chosen = [p for p in prompts if key in _fold(p.probes)]
            deck = sorted(_shuffled(chosen, rng), key=lambda p: not due(p))
        case DeckKind.GAPS:
            deck = _gaps_deck(prompts, due, _weights(weak_values), _weights(weak_themes), rng)
            if spec.size is None:
                deck = deck[:GAPS_DECK_SIZE]
        case DeckKind.DUE:
            deck = _due_deck(prompts, states, now, rng)[:DUE_DECK_SIZE]
        case DeckKind.MOCK:
            size = MOCK_DECK_SIZE if spec.size is None else spec.size
            deck = _mock_deck(prompts, size, rng) if size > 0 else []
        case DeckKind.APPLICATION:
            deck = []  # a loop's prompts come from its rounds: PracticeService.loop_deck
        case _:
            raise ValueError(f"unknown deck kind {spec.kind!r}")
    return deck if spec.size is None else deck[: max(spec.size, 0)]


def _gaps_deck(
    prompts: Sequence[Prompt],
    due: Callable[[Prompt], bool],
    weak_values: Mapping[str, float],
    weak_themes: Mapping[str, float],
    rng: random.Random,
) -> list[Prompt]:
    def weakness(prompt: Prompt) -> float:
        theme = weak_themes.get(prompt.theme.casefold(), 0.0)
        return theme + sum(weak_values.get(key, 0.0) for key in _fold(prompt.probes))

    chosen = [p for p in _shuffled(prompts, rng) if weakness(p)]
    return sorted(chosen, key=lambda p: (-weakness(p), not due(p)))


def _due_deck(
    prompts: Sequence[Prompt],
    states: Mapping[str, ReviewState],
    now: datetime,
    rng: random.Random,
) -> list[Prompt]:
    # Prompts that slipped come first, most overdue first: they are the ones
    # being forgotten. New prompts follow, so a backlog of new ones never
    # buries the reviews.
    reviewed = [
        p for p in _shuffled(prompts, rng) if p.uuid in states and is_due(states[p.uuid], now)
    ]
    reviewed.sort(key=lambda p: _stored_utc(states[p.uuid].due))
    fresh = [p for p in _shuffled(prompts, rng) if p.uuid not in states]
    return reviewed + fresh


def _mock_deck(prompts: Sequence[Prompt], size: int, rng: random.Random) -> list[Prompt]:
    by_theme: dict[str, list[Prompt]] = {}
    for prompt in prompts:
        by_theme.setdefault(prompt.theme, []).append(prompt)
    for group in by_theme.values():
        rng.shuffle(group)
    themes = list(by_theme)
    rng.shuffle(themes)
    if MOCK_OPENER_THEME in by_theme:
        themes.remove(MOCK_OPENER_THEME)
        themes.insert(0, MOCK_OPENER_THEME)
    # Round robin over the themes: a theme repeats only once all have been asked.
    deck: list[Prompt] = []
    for round_ in range(max((len(g) for g in by_theme.values()), default=0)):
        for theme in themes:
            if round_ < len(by_theme[theme]):
                deck.append(by_theme[theme][round_])
                if len(deck) == size:
                    return deck
    return deck


# --------------------------------------------------------------------------
# Story suggestions
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story that might answer a prompt: its values, tags and text relevance.

    ``bm25`` is SQLite FTS5's ``bm25()`` for the prompt's match query: lower
    (more negative) is more relevant; None when the text did not match.
    """

    story_id: int
    title: str
    primary_values: frozenset[str]
    supporting_values: frozenset[str]
    tags: frozenset[str]
    bm25: float | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested story for a prompt, its score and why, in plain words."""

    story_id: int
    title: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RankWeights:
    """How much each kind of match adds to a story's suggestion score, in one place."""

    # Per prompt value the story shows as primary: the value is what the
    # interviewer probes, and primary means it is the point of the story.
    primary: float = 4.0
    # Per prompt value shown as supporting: on topic, but not the story's point.
    supporting: float = 2.0
    # A tag naming the prompt's theme: the user's own word that the story fits
    # this kind of question, but it says nothing about which value it proves.
    theme_tag: float = 1.5
    # Shared words, scaled 0..1 against the best match: the weakest evidence,
    # since bm25 matches words, not meaning; it mostly breaks ties.
    text: float = 1.0


RANK_WEIGHTS = RankWeights()


def _value_label(key: str, names: Mapping[str, str] | None) -> str:
    if names and key in names:
        return names[key]
    return key.replace("-", " ").capitalize()


def _text_relevance(candidates: Sequence[Candidate]) -> dict[int, float]:
    """Each matched story's relevance in 0..1: its bm25 as a share of the best.

    bm25 adds up a score per matching term, so a ratio to the best match says
    how much of it a story has; a min-max scale would instead give the weakest
    match nothing although it did match.
    """
    scores = {
        c.story_id: c.bm25 for c in candidates if c.bm25 is not None and math.isfinite(c.bm25)
    }
    if not scores:
        return {}
    best = min(scores.values())
    if best >= 0:
        # Not a real bm25 spread (FTS5 scores are negative): every match counts alike.
        return dict.fromkeys(scores, 1.0)
    return {story_id: min(max(score / best, 0.0), 1.0) for story_id, score in scores.items()}


def rank_stories(
    prompt: Prompt,
    candidates: Sequence[Candidate],
    *,
    theme_names: Mapping[str, str] | None = None,
    value_names: Mapping[str, str] | None = None,
    limit: int = 5,
    weights: RankWeights = RANK_WEIGHTS,
) -> list[Suggestion]:
    """The stories best suited to answer ``prompt``, best first, each with its reasons.

    ``theme_names`` maps theme keys to names (a tag may name the theme either
    way); ``value_names`` maps value keys to the names used in reasons. Stories
    with nothing in common with the prompt are left out; ties go by title.
    """
    wanted = list(dict.fromkeys(key.casefold() for key in prompt.probes))
    theme_name = (theme_names or {}).get(prompt.theme, prompt.theme)
    theme = PromptTheme(prompt.theme, theme_name, "")
    relevance = _text_relevance(candidates)
    labels = {key.casefold(): _value_label(key, value_names) for key in prompt.probes}

    suggestions = []
    for candidate in candidates:
        primary = _fold(candidate.primary_values)
        supporting = _fold(candidate.supporting_values) - primary
        score = 0.0
        reasons: list[str] = []
        for key in wanted:
            if key in primary:
                score += weights.primary
                reasons.append(f"shows {labels[key]} (primary)")
        for key in wanted:
            if key in supporting:
                score += weights.supporting
                reasons.append(f"shows {labels[key]} (supporting)")
        tag = next((t for t in sorted(candidate.tags) if story_covers_theme((t,), theme)), None)
        if tag is not None:
            score += weights.theme_tag
            reasons.append(f"tagged {tag}")
        text = relevance.get(candidate.story_id, 0.0)
        if text > 0:
            score += weights.text * text
            reasons.append("shares words with the prompt")
        if score > 0:
            suggestions.append(
                Suggestion(candidate.story_id, candidate.title, score, tuple(reasons))
            )
    suggestions.sort(key=lambda s: (-s.score, s.title.casefold(), s.story_id))
    return suggestions[: max(limit, 0)]


# Words that frame a question rather than say what it is about. Without them
# the query keeps the subject ("negative feedback", "manager", "deadline").
STOP_WORDS: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "either",
        "ever",
        "example",
        "few",
        "for",
        "from",
        "further",
        "get",
        "give",
        "given",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "like",
        "made",
        "make",
        "many",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "please",
        "recall",
        "really",
        "same",
        "share",
        "she",
        "should",
        "so",
        "some",
        "someone",
        "something",
        "such",
        "talk",
        "tell",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "through",
        "time",
        "times",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "walk",
        "was",
        "way",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "describe",
        "explain",
        "situation",
        "moment",
        "instance",
        "occasion",
        "past",
        "remember",
        "think",
    ]
)
# Shorter words are mostly function words the list misses, and as prefixes
# they would match half the vocabulary.
MIN_TERM_LENGTH = 3
# Terms this long are searched as prefixes so "manager" also finds "managers";
# the story index has no stemmer.
PREFIX_TERM_LENGTH = 4
# Letters and digits, as FTS5's unicode61 tokenizer splits them (no underscore).
_TERM = re.compile(r"[^\W_]+")


def prompt_match_query(prompt: Prompt) -> str | None:
    """An FTS5 MATCH expression for the stories that share the prompt's content words.

    Each remaining word is double-quoted (so no word is read as FTS5 syntax) and
    the words are OR-ed; None when only stop words are left.
    """
    terms = []
    for word in dict.fromkeys(_TERM.findall(prompt.text.casefold())):
        if len(word) < MIN_TERM_LENGTH or word in STOP_WORDS or word.isdigit():
            continue
        terms.append(f'"{word}"*' if len(word) >= PREFIX_TERM_LENGTH else f'"{word}"')
    return " OR ".join(terms) or None


# --------------------------------------------------------------------------
# Progress figures
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttemptInfo:
    """One practised answer, with its prompt's theme and values, for the charts and
    the history."""

    prompt_uuid: str
    theme: str
    values: tuple[str, ...]
    story_id: int | None
    started_at: datetime
    duration_seconds: float
    rating: int | None
    #: The attempt's id, its note and the session it was part of.
    attempt_id: int = 0
    notes: str = ""
    session: str = ""
    #: The candidate's own rubric ratings (1–5) and the coach's readings of the
    #: story told (1.0–5.0), by dimension key (see core/self_rating.py).
    self_rubric: Mapping[str, int] = field(default_factory=dict)
    coach_rubric: Mapping[str, float] = field(default_factory=dict)
    #: The take's file name in the recordings folder, if it was recorded and
    #: kept, and the delivery measured from it (kept after the take is deleted).
    recording: str | None = None
    delivery: DeliverySummary | None = None


@dataclass(frozen=True, slots=True)
class DayStat:
    """Answers given on one day and their mean length."""

    day: date
    answers: int
    mean_seconds: float


def daily_stats(
    attempts: Sequence[AttemptInfo], *, days: int, today: date, tz: tzinfo = UTC
) -> list[DayStat]:
    """One entry per day for the ``days`` days ending ``today``, oldest first, days
    without answers included (zero). Days are calendar days in ``tz``."""
    if days <= 0:
        return []
    first = today - timedelta(days=days - 1)
    durations: dict[date, list[float]] = {}
    for attempt in attempts:
        day = _stored_utc(attempt.started_at).astimezone(tz).date()
        if first <= day <= today:
            durations.setdefault(day, []).append(attempt.duration_seconds)
    stats = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        seconds = durations.get(day, [])
        stats.append(DayStat(day, len(seconds), sum(seconds) / len(seconds) if seconds else 0.0))
    return stats


# Readiness for a value is half stories, half practice: a story nobody has
# rehearsed is not ready, and neither is a smooth answer with no story behind it.
READINESS_COVERAGE_SHARE = 0.5
# Ratings that count as a good answer for readiness.
GOOD_RATINGS: frozenset[int] = frozenset({Rating.GOOD, Rating.EASY})


def value_readiness(
    value_keys: Sequence[str],
    primary_counts: Mapping[str, int],
    attempts: Sequence[AttemptInfo],
) -> dict[str, float]:
    """How ready the user is to be asked about each value, 0..1.

    The coverage half counts stories showing the value as primary, full at
    :data:`~storybank.core.coverage.MIN_STORIES` (the same bar as the coverage
    map's gaps). The practice half is the share of good or easy ratings among
    rated attempts on prompts probing the value (an unrated attempt says nothing
    either way); 0 with no rated attempt.
    """
    rated: dict[str, list[bool]] = {}
    for attempt in attempts:
        if attempt.rating is None:
            continue
        for key in _fold(attempt.values):
            rated.setdefault(key, []).append(attempt.rating in GOOD_RATINGS)
    readiness = {}
    for key in value_keys:
        stories = min(max(primary_counts.get(key, 0), 0), MIN_STORIES) / MIN_STORIES
        results = rated.get(key.casefold(), [])
        practice = sum(results) / len(results) if results else 0.0
        readiness[key] = (
            READINESS_COVERAGE_SHARE * stories + (1 - READINESS_COVERAGE_SHARE) * practice
        )
    return readiness


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """The end-of-session figures: answered, skipped, mean length, over target, ratings."""

    answered: int
    skipped: int
    mean_seconds: float
    over_target: int
    ratings: dict[int, int]


def summarize_session(
    durations_and_ratings: Sequence[tuple[float | None, int | None]], target_seconds: int
) -> SessionSummary:
    """Sum up a session from its (answer seconds, rating) pairs; a None duration is
    a skipped prompt. ``ratings`` counts each rating 1-4 (zeros included)."""
    durations = [d for d, _ in durations_and_ratings if d is not None]
    ratings = {int(r): 0 for r in Rating}
    for _, rating in durations_and_ratings:
        if rating is not None:
            ratings[rating] = ratings.get(rating, 0) + 1
    return SessionSummary(
        answered=len(durations),
        skipped=len(durations_and_ratings) - len(durations),
        mean_seconds=sum(durations) / len(durations) if durations else 0.0,
        over_target=sum(1 for d in durations if d > target_seconds),
        ratings=ratings,
    )
