"""The rubric an interviewer scores a behavioral answer by, in our own words.

Six dimensions, each read 1–5 against anchored descriptions (what a 1, a 3
and a 5 look like). The coach reads a story's text on them
(:attr:`storybank.core.coach.CoachReport.rubric`) and the candidate rates
their own spoken answers on the same ones in Practice, so the two can be
compared. The overall 0–100 score is derived from the readings
(:func:`overall`), never summed separately. No Qt, nothing loaded: the
window and the command line can both show the anchors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: The lowest and highest reading of a dimension.
LOW, HIGH = 1, 5


@dataclass(frozen=True, slots=True)
class Dimension:
    """One thing an interviewer scores: its name, the question it asks, its anchors."""

    key: str
    name: str
    question: str
    #: What a reading of 1, 3 and 5 looks like; 2 and 4 lie between.
    anchors: tuple[str, str, str]
    #: Its share of the overall score, relative to the others.
    weight: float

    def anchor(self, reading: float) -> str:
        """The anchored description nearest to ``reading``."""
        return self.anchors[0 if reading < 2 else 1 if reading < 4 else 2]


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "ownership",
        "Ownership",
        "Whose decisions and work were these?",
        (
            "Others did the work or get the blame; you are a bystander in your own story.",
            "Your part is there, but it shares the stage with “we” and with others.",
            "Your own decisions and actions are unmistakable, and your share of any "
            "mistake is owned.",
        ),
        1.0,
    ),
    Dimension(
        "specificity",
        "Specificity",
        "Could the listener picture what you did?",
        (
            "Habits, traits or generic verbs (“helped”, “worked closely”) with nothing "
            "concrete: not one real occasion.",
            "Some concrete steps among general statements.",
            "One real occasion, told with the tools, people, numbers and decisions involved.",
        ),
        1.25,
    ),
    Dimension(
        "result",
        "Result",
        "What changed, and how do we know?",
        (
            "No outcome, or one nobody could check (“it went well”).",
            "An outcome, but thin on evidence or not tied to what you did.",
            "A verifiable outcome (a number, a date kept, a before and after, an "
            "adoption) that follows from your actions.",
        ),
        1.25,
    ),
    Dimension(
        "reflection",
        "Reflection",
        "What did you take from it?",
        (
            "Nothing said about what you learned.",
            "A general lesson (“communication matters”).",
            "A specific change in how you work since, or what you would do differently.",
        ),
        0.5,
    ),
    Dimension(
        "fit",
        "Fit to values",
        "Does the story show the values it is tagged with?",
        (
            "None of the tagged values shows in what you did.",
            "Some of the tagged values show.",
            "Every tagged value shows in a moment you name.",
        ),
        0.5,
    ),
    Dimension(
        "structure",
        "Structure",
        "Is it a complete answer of the right length?",
        (
            "Parts of the story are missing, or it runs far out of time.",
            "Complete, but heavy on set-up, long-winded or hard to follow by ear.",
            "Situation, action and result in proportion, within the target time.",
        ),
        1.0,
    ),
)

#: The dimensions by key.
BY_KEY: Mapping[str, Dimension] = {d.key: d for d in DIMENSIONS}
KEYS: tuple[str, ...] = tuple(BY_KEY)


def clamp(reading: float) -> float:
    """``reading`` kept within 1–5."""
    return max(float(LOW), min(float(HIGH), reading))


def overall(readings: Mapping[str, float]) -> int:
    """The 0–100 score of a set of readings: their weighted mean, 1 -> 0 and 5 -> 100.

    Dimensions not read (a story tagged with no value has no fit reading)
    are left out of the mean; no readings at all score 0.
    """
    total = weight = 0.0
    for dimension in DIMENSIONS:
        reading = readings.get(dimension.key)
        if reading is None:
            continue
        total += dimension.weight * (clamp(reading) - LOW)
        weight += dimension.weight
    if not weight:
        return 0
    return round(100 * total / (weight * (HIGH - LOW)))


def shown(reading: float) -> int:
    """A reading as shown and as a person rates: a whole number 1–5."""
    return int(clamp(reading) + 0.5)
