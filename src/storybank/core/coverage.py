"""Coverage: which values and question themes your stories prove, and the gaps.

Pure functions over a :class:`~storybank.core.records.Coverage` snapshot, so
the rules are tested without a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storybank.core.prompts import PromptTheme
from storybank.core.records import Coverage, Strength

#: A value or theme is thin when fewer stories than this show it.
MIN_STORIES = 2


@dataclass(frozen=True, slots=True)
class ColumnSummary:
    """Totals for one value or theme, and why it is a gap (None if it is not)."""

    primary: int
    supporting: int
    gap: str | None


def value_summary(coverage: Coverage, value_id: int, name: str) -> ColumnSummary:
    """How many stories show a value, and whether that is a gap."""
    strengths = [s for (story_id, v), s in coverage.links.items() if v == value_id]
    primary = sum(1 for s in strengths if s is Strength.PRIMARY)
    supporting = len(strengths) - primary
    gap = None
    if primary == 0:
        gap = f"No story shows {name} as its primary value."
    elif primary + supporting < MIN_STORIES:
        gap = f"Only one story shows {name}; interviewers often ask for a second example."
    return ColumnSummary(primary, supporting, gap)


def story_covers_theme(tags: Sequence[str], theme: PromptTheme) -> bool:
    """A story covers a theme when one of its tags names the theme (key or name)."""
    wanted = {theme.key.casefold(), theme.name.casefold()}
    return any(tag.casefold() in wanted for tag in tags)


def theme_summary(coverage: Coverage, theme: PromptTheme) -> ColumnSummary:
    """How many stories are tagged with a theme, and whether that is a gap."""
    count = sum(1 for story in coverage.stories if story_covers_theme(story.tags, theme))
    gap = None
    if count == 0:
        gap = f"No story is tagged “{theme.key}” for “{theme.name}”."
    elif count < MIN_STORIES:
        gap = f"Only one story covers “{theme.name}”."
    return ColumnSummary(count, 0, gap)
