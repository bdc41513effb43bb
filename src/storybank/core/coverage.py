"""Coverage: which values and question themes your stories prove, and the gaps.

Pure functions over a :class:`Coverage` snapshot, so the rules are tested
without a window. The snapshot's types live here rather than in
:mod:`storybank.core.records`: nothing before the coverage map needs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from storybank.core.prompts import PromptTheme
from storybank.core.records import Strength, ValueInfo

#: A value or theme is thin when fewer stories than this show it.
MIN_STORIES = 2


@dataclass(frozen=True, slots=True)
class CoverageStory:
    """A story as the coverage map shows it."""

    id: int
    title: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage:
    """Active stories × active values, with each story's strength per value."""

    stories: tuple[CoverageStory, ...]
    values: tuple[ValueInfo, ...]
    links: dict[tuple[int, int], Strength] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ColumnSummary:
    """Totals for one value or theme, and why it is a gap (None if it is not)."""

    primary: int
    supporting: int
    gap: str | None


def _value_gap(name: str, primary: int, supporting: int) -> ColumnSummary:
    gap = None
    if primary == 0:
        gap = f"No story shows {name} as its primary value."
    elif primary + supporting < MIN_STORIES:
        gap = f"Only one story shows {name}; interviewers often ask for a second example."
    return ColumnSummary(primary, supporting, gap)


def value_summaries(coverage: Coverage) -> list[ColumnSummary]:
    """Every value's totals and gap, in the coverage's value order (one pass over the links)."""
    counts = Counter(
        (value_id, strength) for (_story, value_id), strength in coverage.links.items()
    )
    return [
        _value_gap(v.name, counts[v.id, Strength.PRIMARY], counts[v.id, Strength.SUPPORTING])
        for v in coverage.values
    ]


def value_summary(coverage: Coverage, value_id: int, name: str) -> ColumnSummary:
    """How many stories show one value, and whether that is a gap."""
    counts = Counter(s for (_story, v), s in coverage.links.items() if v == value_id)
    return _value_gap(name, counts[Strength.PRIMARY], counts[Strength.SUPPORTING])


def story_covers_theme(tags: Sequence[str], theme: PromptTheme) -> bool:
    """A story covers a theme when one of its tags names the theme (key or name)."""
    wanted = {theme.key.casefold(), theme.name.casefold()}
    return any(tag.casefold() in wanted for tag in tags)


def theme_cells(coverage: Coverage, themes: Sequence[PromptTheme]) -> list[frozenset[int]]:
    """For each story, the positions in ``themes`` of the themes it covers.

    One pass over the stories' tags, the same rule as :func:`story_covers_theme`.
    """
    index: dict[str, set[int]] = {}
    for column, theme in enumerate(themes):
        for word in (theme.key, theme.name):
            index.setdefault(word.casefold(), set()).add(column)
    none: frozenset[int] = frozenset()
    return [
        frozenset(c for tag in story.tags for c in index.get(tag.casefold(), ()))
        if story.tags
        else none
        for story in coverage.stories
    ]


def theme_summaries(
    themes: Sequence[PromptTheme], cells: Sequence[frozenset[int]]
) -> list[ColumnSummary]:
    """Every theme's story count and gap, from :func:`theme_cells`."""
    counts = Counter(column for row in cells for column in row)
    result = []
    for column, theme in enumerate(themes):
        count, gap = counts[column], None
        if count == 0:
            gap = f"No story is tagged “{theme.key}” for “{theme.name}”."
        elif count < MIN_STORIES:
            gap = f"Only one story covers “{theme.name}”."
        result.append(ColumnSummary(count, 0, gap))
    return result


def theme_summary(coverage: Coverage, theme: PromptTheme) -> ColumnSummary:
    """How many stories are tagged with one theme, and whether that is a gap."""
    return theme_summaries((theme,), theme_cells(coverage, (theme,)))[0]
