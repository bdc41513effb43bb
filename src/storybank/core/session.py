"""One practice session as it is answered, and its review. No Qt, no storage.

An :class:`Answer` is everything the candidate gives for one prompt: the time
it took, the rating, the story used, a note and their own rubric ratings. It
stays editable until the next prompt and is stored as one attempt, however the
prompt is left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from storybank.core.practice import Rating, ReviewState
from storybank.core.prompts import Prompt
from storybank.core.recordings import DeliverySummary

#: Below this many seconds an answer cannot hold a story at all.
FAR_TOO_SHORT_SECONDS = 20
#: Shares of the target time that bound an answer of a good length.
SHORT_SHARE = 0.5
LONG_SHARE = 1.25


@dataclass(frozen=True, slots=True)
class DeckEntry:
    """A prompt of a deck and why it is in it, in a few plain words."""

    prompt: Prompt
    reason: str


@dataclass(frozen=True, slots=True)
class Answer:
    """One prompt of a session and what the candidate gave for it.

    ``attempt_id`` is set once it is stored; ``stored_rating`` is the rating the
    stored schedule was computed from, and ``before`` the prompt's schedule
    before this answer, so a changed rating schedules the prompt from there.
    """

    entry: DeckEntry
    started_at: datetime | None = None
    duration: float | None = None
    rating: Rating | None = None
    story_id: int | None = None
    story_title: str = ""
    notes: str = ""
    skipped: bool = False
    attempt_id: int | None = None
    stored_rating: Rating | None = None
    before: ReviewState | None = None
    #: The candidate's own rubric ratings (dimension key -> 1–5, any subset).
    self_rubric: Mapping[str, int] = field(default_factory=dict)
    #: The coach's readings of the story told, as stored with the answer.
    coach_rubric: Mapping[str, float] = field(default_factory=dict)
    #: The answer's recorded take (a file name in the recordings folder) while
    #: it is kept, and the delivery measured from it.
    recording: str | None = None
    delivery: DeliverySummary | None = None

    @property
    def prompt(self) -> Prompt:
        return self.entry.prompt

    @property
    def timed(self) -> bool:
        """Whether the candidate answered (the clock ran and stopped)."""
        return self.duration is not None


class Length(StrEnum):
    """How an answer's length compares with the target time."""

    FAR_TOO_SHORT = "far too short"
    SHORT = "short"
    GOOD = "good"
    LONG = "long"


def length_of(seconds: float, target_seconds: int) -> Length:
    """Whether an answer of ``seconds`` is too short, too long, or about right."""
    if seconds < min(FAR_TOO_SHORT_SECONDS, target_seconds * SHORT_SHARE):
        return Length.FAR_TOO_SHORT
    if seconds < target_seconds * SHORT_SHARE:
        return Length.SHORT
    if seconds > target_seconds * LONG_SHARE:
        return Length.LONG
    return Length.GOOD


def needs_work(answer: Answer, target_seconds: int) -> bool:
    """Whether an answer belongs in "practise these again": skipped, unrated,
    rated Again or Hard, or well off the target length."""
    if answer.duration is None or answer.rating is None:
        return True
    if answer.rating in (Rating.AGAIN, Rating.HARD):
        return True
    return length_of(answer.duration, target_seconds) is not Length.GOOD


def again_deck(answers: Sequence[Answer], target_seconds: int) -> list[DeckEntry]:
    """The prompts of a session worth another go, each once, with the reason."""
    seen: set[str] = set()
    deck = []
    for answer in answers:
        if answer.prompt.uuid in seen or not needs_work(answer, target_seconds):
            continue
        seen.add(answer.prompt.uuid)
        deck.append(DeckEntry(answer.prompt, f"again: {review_note(answer, target_seconds)}"))
    return deck


def review_note(answer: Answer, target_seconds: int) -> str:
    """What to look at in one answer, in a few words (empty when nothing stands out)."""
    if answer.skipped or answer.duration is None:
        return "skipped"
    notes = []
    if answer.rating is None:
        notes.append("not rated")
    elif answer.rating in (Rating.AGAIN, Rating.HARD):
        notes.append(f"rated {answer.rating.name.title()}")
    length = length_of(answer.duration, target_seconds)
    if length is not Length.GOOD:
        notes.append(length.value)
    return ", ".join(notes)


#: A drill asks this many prompts: several wordings of one story's question.
DRILL_DECK_SIZE = 5


def drill_deck(
    prompts: Sequence[Prompt],
    *,
    themes: Sequence[str],
    values: Sequence[str],
    value_names: dict[str, str],
    theme_names: dict[str, str],
    size: int = DRILL_DECK_SIZE,
) -> list[DeckEntry]:
    """The prompts one story answers best: those of a theme it is tagged with or
    probing a value it shows, the most matches first (ties keep the bank's order).

    ``themes`` are the theme keys the story covers, ``values`` its value keys.
    """
    wanted_themes = {t.casefold() for t in themes}
    wanted_values = {v.casefold() for v in values}
    ranked = []
    for position, prompt in enumerate(prompts):
        theme = prompt.theme.casefold() in wanted_themes
        shared = [v for v in prompt.probes if v.casefold() in wanted_values]
        if not theme and not shared:
            continue
        reasons = []
        if theme:
            reasons.append(f"its theme “{theme_names.get(prompt.theme, prompt.theme)}”")
        if shared:
            names = ", ".join(value_names.get(v, v) for v in shared)
            reasons.append(f"probes {names}")
        score = 2 * theme + len(shared)
        ranked.append((-score, position, DeckEntry(prompt, "drill: " + "; ".join(reasons))))
    ranked.sort(key=lambda item: item[:2])
    return [entry for _score, _position, entry in ranked[: max(size, 0)]]
