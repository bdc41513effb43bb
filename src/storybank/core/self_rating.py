"""The candidate's own rubric ratings of an answer, the coach's readings beside
them, and how far apart the two are (the drift Progress shows). No Qt, no storage.

After answering a prompt in Practice the candidate may rate the answer on the
rubric's dimensions (:mod:`storybank.core.rubric`): whole numbers 1–5, any
subset. When the answer names the story told, the coach's readings of that
story (1.0–5.0) are kept with it as they were at the time, so editing the story
later does not rewrite what the coach said then. Both are stored as JSON text
on the attempt and travel in the JSON export; whatever is read back (from the
bank or a file) is checked here, and anything but a known dimension with a
reading in range is dropped, never raised.

:func:`rubric_drift` compares the two over the answers that have both: per
dimension the mean of each, the gap (self − coach) and whether the gap shrank
from the earlier answers to the later ones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from storybank.core.rubric import BY_KEY, HIGH, KEYS, LOW

#: Below this many answers compared on a dimension, halves of one or two
#: answers each would call noise a trend: no trend is given.
TREND_MIN_ANSWERS = 4
#: A gap within this of zero is "in step"; halves whose gaps differ by less
#: than this are "about the same". A quarter of a point is half the smallest
#: step a person can rate (one whole point) seen as a mean over answers.
STEP = 0.25
#: How readings are kept in the bank: two decimals say more than anyone reads.
_DECIMALS = 2
#: Longest JSON text read back from the bank: six short entries are far shorter.
_MAX_JSON_CHARS = 4096


# --- stored form --------------------------------------------------------------


def _reading(value: object, *, whole: bool) -> float | None:
    """``value`` as a reading 1–5 (a whole number if ``whole``), or None if it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if whole and not isinstance(value, int):
        return None
    if not math.isfinite(value) or not LOW <= value <= HIGH:
        return None
    return value


def self_ratings(raw: object) -> dict[str, int]:
    """The candidate's ratings in ``raw`` (a mapping, as parsed from JSON), in rubric
    order: known dimensions rated with a whole number 1–5; anything else is dropped."""
    if not isinstance(raw, Mapping):
        return {}
    checked = {}
    for key in KEYS:
        reading = _reading(raw.get(key), whole=True)
        if reading is not None:
            checked[key] = int(reading)
    return checked


def coach_readings(raw: object) -> dict[str, float]:
    """The coach's readings in ``raw`` (a mapping, as parsed from JSON), in rubric
    order: known dimensions read 1.0–5.0; anything else is dropped."""
    if not isinstance(raw, Mapping):
        return {}
    checked = {}
    for key in KEYS:
        reading = _reading(raw.get(key), whole=False)
        if reading is not None:
            checked[key] = round(float(reading), _DECIMALS)
    return checked


def _parsed(text: str | None) -> object:
    if not text or len(text) > _MAX_JSON_CHARS:
        return None
    try:
        return json.loads(text)
    except ValueError:  # not JSON (a hand-edited bank, a half-written value)
        return None


def parse_self_ratings(text: str | None) -> dict[str, int]:
    """The candidate's ratings stored as ``text`` (JSON); empty if none or unreadable."""
    return self_ratings(_parsed(text))


def parse_coach_readings(text: str | None) -> dict[str, float]:
    """The coach's readings stored as ``text`` (JSON); empty if none or unreadable."""
    return coach_readings(_parsed(text))


def _dumps(readings: Mapping[str, float]) -> str | None:
    return json.dumps(readings, separators=(",", ":")) if readings else None


def self_ratings_json(ratings: Mapping[str, int]) -> str | None:
    """The text the bank stores for the candidate's ratings (None for none)."""
    return _dumps(self_ratings(ratings))


def coach_readings_json(readings: Mapping[str, float]) -> str | None:
    """The text the bank stores for the coach's readings (None for none)."""
    return _dumps(coach_readings(readings))


# --- drift ----------------------------------------------------------------------


class Trend(StrEnum):
    """How the gap moved from the earlier answers to the later ones, in a word or two."""

    CLOSER = "closer"
    FURTHER = "further"
    STEADY = "steady"

    @property
    def words(self) -> str:
        """The trend in a phrase: "closer to the coach"."""
        return {
            Trend.CLOSER: "closer to the coach",
            Trend.FURTHER: "further from the coach",
            Trend.STEADY: "about the same",
        }[self]


@dataclass(frozen=True, slots=True)
class DimensionDrift:
    """The candidate's ratings against the coach's readings on one dimension (or on
    all of them pooled), over the answers that have both."""

    key: str
    name: str
    #: Answers compared on it.
    answers: int
    self_mean: float
    coach_mean: float
    #: The mean gap (self − coach) of the earlier and of the later half of those
    #: answers, oldest first; None below :data:`TREND_MIN_ANSWERS`.
    earlier_gap: float | None = None
    later_gap: float | None = None

    @property
    def gap(self) -> float:
        """Self − coach: above 0 the candidate rates higher than the coach reads."""
        return self.self_mean - self.coach_mean

    @property
    def trend(self) -> Trend | None:
        """Whether the gap shrank, grew or held between the halves (None: too few answers)."""
        if self.earlier_gap is None or self.later_gap is None:
            return None
        change = abs(self.later_gap) - abs(self.earlier_gap)
        if change <= -STEP:
            return Trend.CLOSER
        if change >= STEP:
            return Trend.FURTHER
        return Trend.STEADY


@dataclass(frozen=True, slots=True)
class RubricDrift:
    """Self-ratings against the coach, per dimension and pooled."""

    #: Answers the candidate rated on the rubric.
    rated: int
    #: Of those, answers with a coach reading on a dimension they rated.
    compared: int
    #: One entry per dimension compared at least once, in rubric order.
    dimensions: tuple[DimensionDrift, ...]
    #: Every compared dimension of every answer pooled; None with nothing compared.
    overall: DimensionDrift | None


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items)


def _drift(key: str, name: str, rows: list[list[tuple[int, float]]]) -> DimensionDrift:
    """The drift of ``rows``: per answer, oldest first, its (self, coach) pairs."""
    pairs = [pair for row in rows for pair in row]
    earlier = later = None
    if len(rows) >= TREND_MIN_ANSWERS:
        half = len(rows) // 2
        earlier = _mean(s - c for row in rows[:half] for s, c in row)
        later = _mean(s - c for row in rows[half:] for s, c in row)
    return DimensionDrift(
        key=key,
        name=name,
        answers=len(rows),
        self_mean=_mean(s for s, _c in pairs),
        coach_mean=_mean(c for _s, c in pairs),
        earlier_gap=earlier,
        later_gap=later,
    )


def rubric_drift(answers: Iterable[tuple[Mapping[str, int], Mapping[str, float]]]) -> RubricDrift:
    """Compare the candidate's ratings with the coach's readings.

    ``answers`` are (self ratings, coach readings) of each answer, oldest
    first. A dimension counts for an answer only when both rated it (a story
    with no value tagged has no coach reading on fit). The earlier half of a
    dimension's answers is the older ``n // 2`` of them, the later half the
    rest.
    """
    per_key: dict[str, list[list[tuple[int, float]]]] = {key: [] for key in KEYS}
    pooled: list[list[tuple[int, float]]] = []
    rated = 0
    for mine, coach in answers:
        ratings, readings = self_ratings(mine), coach_readings(coach)
        if not ratings:
            continue
        rated += 1
        shared = [(key, (ratings[key], readings[key])) for key in ratings if key in readings]
        for key, pair in shared:
            per_key[key].append([pair])
        if shared:
            pooled.append([pair for _key, pair in shared])
    dimensions = tuple(_drift(key, BY_KEY[key].name, rows) for key, rows in per_key.items() if rows)
    overall = _drift("", "All dimensions", pooled) if pooled else None
    return RubricDrift(rated, len(pooled), dimensions, overall)


# --- words ------------------------------------------------------------------------


def signed(gap: float) -> str:
    """A gap to one decimal (halves away from zero) with its sign: "+0.8", "−0.5"
    (a true minus), "0.0"."""
    tenths = math.floor(abs(gap) * 10 + 0.5)
    if tenths == 0:
        return "0.0"
    return f"{'+' if gap > 0 else '−'}{tenths / 10:.1f}"


def gap_side(gap: float) -> str:
    """Which side of the coach a gap (self − coach) puts the candidate, in a word."""
    if abs(gap) < STEP:
        return "in step"
    return "higher" if gap > 0 else "lower"


def gap_words(gap: float) -> str:
    """What a gap (self − coach) means, in a few words."""
    side = gap_side(gap)
    return "in step with the coach" if side == "in step" else f"you rate yourself {side}"


def gap_text(gap: float) -> str:
    """A gap and its meaning: "+0.8 you rate yourself higher"."""
    return f"{signed(gap)} {gap_words(gap)}"
