"""The Markdown story reader."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storybank.core.interchange import InterchangeError, parse_story_markdown
from storybank.core.records import Strength
from storybank.resources import resource_files


def test_full_file_with_front_matter() -> None:
    story = parse_story_markdown(
        "---\ntitle: 'Billing: the rewrite'\nuuid: 6f1c\ncompany: Acme\nrole: Engineer\n"
        "period: 2023\nvalues: {candor: primary, responsibility: supporting}\n"
        "tags: [failure, feedback]\n---\n## Situation\nS text\n## Task\nT text\n"
        "## Action\nA text\n\n- step\n## Result\nR 40%\n## Reflection\nLearned.\n"
    )
    assert story.title == "Billing: the rewrite"
    assert (story.uuid, story.company, story.role, story.period) == (
        "6f1c",
        "Acme",
        "Engineer",
        "2023",
    )
    assert story.values == {"candor": Strength.PRIMARY, "responsibility": Strength.SUPPORTING}
    assert story.tags == ["failure", "feedback"]
    assert story.sections == {
        "situation": "S text",
        "task": "T text",
        "action": "A text\n\n- step",
        "result": "R 40%",
        "reflection": "Learned.",
    }


def test_headings_forgiven_and_title_from_h1() -> None:
    story = parse_story_markdown(
        "# My story\n\n### S — Situation\nx\n## ACTIONS:\ny\n## 4. Results\nz\n"
        "## Notes\nkept under results\n```\n## Task\n```\n"
    )
    assert story.title == "My story"
    assert story.sections["situation"] == "x"
    assert story.sections["action"] == "y"
    assert story.sections["result"].startswith("z\n## Notes\nkept under results")
    assert "## Task" in story.sections["result"]  # inside a code fence: not a heading
    assert story.sections["task"] == ""


def test_text_without_headings_is_the_situation() -> None:
    story = parse_story_markdown("Just some notes\nover two lines")
    assert story.sections["situation"] == "Just some notes\nover two lines"
    assert story.title == ""


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("---\ntitle: [oops\n---\n", "front matter", 2),
        ("---\ntitle: x\n", "never closed", 1),
        ("---\n- a\n- b\n---\n", "key: value", 2),
        ("---\nvalues: {candor: strongest}\n---\n", "primary or supporting", None),
        ("---\ntags: 7\n---\n", "tags", None),
    ],
)
def test_malformed_front_matter_names_line_and_reason(
    text: str, message: str, line: int | None
) -> None:
    with pytest.raises(InterchangeError, match=message) as caught:
        parse_story_markdown(text)
    assert caught.value.line == line


def test_yaml_is_loaded_safely() -> None:
    with pytest.raises(InterchangeError):
        parse_story_markdown("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n")


@given(st.text())
def test_reader_raises_only_its_own_error(text: str) -> None:
    with contextlib.suppress(InterchangeError):
        parse_story_markdown(text)


def test_demo_files_parse_with_title_and_sections() -> None:
    files = resource_files("demo", "*.md")
    assert len(files) >= 6
    for path in files:
        story = parse_story_markdown(path.read_text(encoding="utf-8"))
        assert story.title and story.values and story.tags, path.name
        assert all(story.sections[name] for name in ("situation", "task", "action", "result"))
