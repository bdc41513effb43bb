"""Coverage rules and the prompt bank loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from storybank.core.coverage import (
    Coverage,
    CoverageStory,
    story_covers_theme,
    theme_summary,
    value_summary,
)
from storybank.core.prompts import (
    PromptBankError,
    PromptTheme,
    builtin_prompt_bank,
    load_prompt_bank,
)
from storybank.core.records import Strength

THEME = PromptTheme("feedback-received", "Negative feedback received", "")


def coverage(links: dict[tuple[int, int], Strength], tags: tuple[str, ...] = ()) -> Coverage:
    stories = (CoverageStory(1, "One", tags), CoverageStory(2, "Two"))
    return Coverage(stories=stories, values=(), links=links)


def test_value_gaps() -> None:
    assert value_summary(coverage({}), 7, "Candor").gap == (
        "No story shows Candor as its primary value."
    )
    assert value_summary(coverage({(1, 7): Strength.SUPPORTING}), 7, "Candor").gap
    one = value_summary(coverage({(1, 7): Strength.PRIMARY}), 7, "Candor")
    assert one.gap and "Only one story" in one.gap
    both = value_summary(coverage({(1, 7): Strength.PRIMARY, (2, 7): Strength.SUPPORTING}), 7, "C")
    assert (both.primary, both.supporting, both.gap) == (1, 1, None)


def test_theme_coverage_by_tag_key_or_name() -> None:
    assert story_covers_theme(["Feedback-Received"], THEME)
    assert story_covers_theme(["negative feedback received"], THEME)
    assert not story_covers_theme(["feedback"], THEME)
    assert theme_summary(coverage({}, ("feedback-received",)), THEME).primary == 1


def test_builtin_prompt_bank_loads() -> None:
    bank = builtin_prompt_bank()
    assert len(bank.prompts) >= 150
    assert {p.theme for p in bank.prompts} <= {t.key for t in bank.themes}


def test_malformed_prompt_bank_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bank.toml"
    path.write_text("[bank]\nkey = 'x'\n")
    with pytest.raises(PromptBankError, match=r"bank\.toml"):
        load_prompt_bank(path)


def test_batched_summaries_agree_with_one_column_at_a_time() -> None:
    from storybank.core.coverage import theme_cells, theme_summaries, value_summaries
    from storybank.core.records import ValueInfo

    values = tuple(ValueInfo(i, 1, f"v{i}", f"V{i}", "", (), i, False, True) for i in (1, 2, 3))
    links = {(1, 1): Strength.PRIMARY, (2, 1): Strength.SUPPORTING, (2, 2): Strength.PRIMARY}
    stories = (
        CoverageStory(1, "One", ("feedback-received", "x")),
        CoverageStory(2, "Two", ("Negative Feedback Received",)),
        CoverageStory(3, "Three"),
    )
    data = Coverage(stories=stories, values=values, links=links)
    assert value_summaries(data) == [value_summary(data, v.id, v.name) for v in values]
    other = PromptTheme("conflict", "Conflict", "")
    cells = theme_cells(data, (THEME, other))
    assert cells == [frozenset({0}), frozenset({0}), frozenset()]
    assert theme_summaries((THEME, other), cells) == [
        theme_summary(data, THEME),
        theme_summary(data, other),
    ]
