"""Speaking time: the user's rate and target band, and how a duration or a count
is shown (one unit system and one way of counting in every message).

Apart from the coach, so that the window can start without loading the
analyzer; its rules, phrase lists and patterns load with the first analysis.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CoachSettings:
    """The user's speaking rate and target answer length (from preferences)."""

    words_per_minute: int = 150
    target_min_seconds: int = 90
    target_max_seconds: int = 150


def clock(seconds: float) -> str:
    """Seconds as m:ss, rounded to the nearest second (never negative)."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def counted(number: int, word: str, plural: str = "") -> str:
    """``number`` and ``word``, in the plural unless it is one: "1 story", "3 stories"."""
    if number == 1:
        return f"1 {word}"
    return f"{number} {plural or word + 's'}"
