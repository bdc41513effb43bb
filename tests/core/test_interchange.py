"""The Markdown story reader."""

from __future__ import annotations

import contextlib
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from storybank.core.interchange import (
    NOTES_MARKER,
    InterchangeError,
    TransferError,
    format_story_markdown,
    parse_stories_markdown,
    parse_story_markdown,
    section_for_heading,
    title_from_name,
)
from storybank.core.records import SECTIONS, Strength
from storybank.core.transfer.records import ExportStory
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


# --- the writer ---------------------------------------------------------------

CREATED = datetime(2023, 5, 1, 9, 30, tzinfo=UTC)
UPDATED = datetime(2024, 2, 3, 4, 5, 6, 789, tzinfo=UTC)


def _story(**fields: object) -> ExportStory:
    base: dict[str, object] = {
        "uuid": "6f1c",
        "title": "",
        "company": "",
        "role": "",
        "period": "",
        **dict.fromkeys(SECTIONS, ""),
        "created_at": CREATED,
        "updated_at": UPDATED,
        "archived": False,
    }
    return ExportStory(**{**base, **fields})  # type: ignore[arg-type]


def test_writer_produces_the_design_format() -> None:
    story = _story(
        title="Shipping the billing rewrite after a failed launch",
        company="Acme",
        role="Senior engineer",
        period="2023",
        situation="S",
        task="T",
        action="A",
        result="R",
        reflection="L",
        values={"candor": Strength.PRIMARY, "responsibility": Strength.SUPPORTING},
        tags=("failure", "feedback"),
    )
    assert format_story_markdown(story) == (
        "---\n"
        "title: Shipping the billing rewrite after a failed launch\n"
        "uuid: 6f1c\n"
        "company: Acme\n"
        "role: Senior engineer\n"
        "period: '2023'\n"
        "values: {candor: primary, responsibility: supporting}\n"
        "tags: [failure, feedback]\n"
        "created: 2023-05-01T09:30:00Z\n"
        "updated: 2024-02-03T04:05:06.000789Z\n"
        "storybank: 1\n"
        "---\n"
        "## Situation\nS\n\n## Task\nT\n\n## Action\nA\n\n## Result\nR\n\n## Reflection\nL\n"
    )


def test_writer_escapes_lines_that_look_like_headings() -> None:
    story = _story(title="x", situation="Before\n## Result\n\\done\n```\nopen fence")
    text = format_story_markdown(story)
    assert "\n\\## Result\n" in text and "\n\\\\\\done\n" in text and "\n\\```\n" in text
    assert parse_story_markdown(text).sections["situation"] == story.situation


def test_balanced_code_fences_are_left_alone() -> None:
    code = "```\n## Task\n## Not a section\n```"
    text = format_story_markdown(_story(action=code))
    assert "\n```\n\\## Task\n## Not a section\n```\n" in text
    assert parse_story_markdown(text).sections["action"] == code


LINES = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["## Result", "### S — Situation", "# T", "```", "~~~", "\\", "\\## Task"]),
    st.sampled_from(["---", "...", " ", "\r", "\x85", "\u2028", "\ufeff", "\x00", "yes", "🙂"]),
)
ANY_TEXT = st.lists(LINES, max_size=6).map("\n".join) | st.text()


@settings(max_examples=400, deadline=None)
@given(
    fields=st.fixed_dictionaries(
        {name: ANY_TEXT for name in ("title", "company", "role", "period", *SECTIONS)}
    ),
    values=st.dictionaries(
        st.text(min_size=1).map(str.strip).filter(bool), st.sampled_from(Strength), max_size=3
    ),
    tags=st.lists(st.text(min_size=1).map(str.strip).filter(bool), max_size=4),
    archived=st.booleans(),
)
@example(
    fields={
        "title": " padded ",
        "company": "a: b",
        "role": "'quoted'",
        "period": "2023",
        "situation": "\n\nstarts blank\n## Result\nends blank\n\n",
        "task": "\r\nwindows\r\n",
        "action": "```\n## Task\n",
        "result": "---\n...\n---",
        "reflection": "مرحبا 🙂 \u2028 \x00",
    },
    values={"yes": Strength.PRIMARY},
    tags=["a, b", "null"],
    archived=True,
)
def test_written_story_reads_back_exactly(
    fields: dict[str, str], values: dict[str, Strength], tags: list[str], archived: bool
) -> None:
    story = _story(**fields, values=values, tags=tuple(tags), archived=archived)
    parsed = parse_story_markdown(format_story_markdown(story))
    assert (parsed.title, parsed.company, parsed.role, parsed.period) == (
        story.title,
        story.company,
        story.role,
        story.period,
    )
    assert parsed.sections == {name: getattr(story, name) for name in SECTIONS}
    assert (parsed.uuid, parsed.values, parsed.tags) == ("6f1c", values, tags)
    assert (parsed.created, parsed.updated, parsed.archived) == (CREATED, UPDATED, archived)


def test_files_without_the_mark_are_still_read_forgivingly() -> None:
    story = parse_story_markdown("---\ntitle: '  spaced  '\n---\n## Situation\n\n  text  \n\n")
    assert (story.title, story.sections["situation"], story.archived) == ("spaced", "text", None)


@pytest.mark.parametrize(
    "front",
    [
        "created: 2024-99-99",  # a date Python refuses
        "period: 0x" + "f" * 5000,  # a number too long to print
        "values: [[a]]",
        "values: {candor: [primary]}",
        "tags: [[a]]",
        "title: " + "[" * 5000 + "]" * 5000,
        "archived: maybe",
    ],
)
def test_hostile_front_matter_is_refused(front: str) -> None:
    with pytest.raises(InterchangeError):
        parse_story_markdown(f"---\n{front}\n---\n")


def test_alias_bombs_are_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.perf_counter()
    for key in ("tags", "title", "values"):
        with pytest.raises(InterchangeError):
            parse_story_markdown("---\n" + "\n".join(lines) + f"\n{key}: *a8\n---\n")
    assert time.perf_counter() - start < 5


def test_interchange_error_is_a_transfer_error() -> None:
    assert issubclass(InterchangeError, TransferError)
    assert issubclass(InterchangeError, ValueError)


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "'9999-12-31T23:59:59-05:00'"])
def test_a_date_utc_cannot_hold_is_refused_by_name(when: str) -> None:
    with pytest.raises(InterchangeError, match=r"'updated'.*outside the years 1 to 9999"):
        parse_story_markdown(f"---\ntitle: t\nupdated: {when}\n---\nText.\n")


def test_a_date_at_the_edge_of_the_calendar_in_utc_is_kept() -> None:
    story = parse_story_markdown("---\ncreated: 9999-12-31T23:59:59Z\n---\n")
    assert story.created == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    "front", ['title: "\\ud800"', "tags: ['a', \"b\\udfff\"]", 'values: {"\\udc00x": primary}']
)
def test_a_lone_surrogate_in_front_matter_is_refused(front: str) -> None:
    with pytest.raises(InterchangeError, match="lone surrogate"):
        parse_story_markdown(f"---\n{front}\n---\n")


def test_a_surrogate_pair_is_one_character() -> None:
    assert parse_story_markdown('---\ntitle: "\\ud83d\\ude00"\n---\n').title == "\U0001f600"


# --- notes written by hand or by other apps -------------------------------------------


def test_a_story_without_a_title_takes_the_file_name() -> None:
    assert parse_story_markdown("## Situation\nS", name="billing-rewrite.md").title == (
        "Billing rewrite"
    )
    assert parse_story_markdown("Notes", name="on_call__pages.markdown").title == "On call pages"
    assert parse_story_markdown("# From H1\nS", name="x.md").title == "From H1"
    assert parse_story_markdown("---\ntitle: Front\n---\nS", name="x.md").title == "Front"
    assert title_from_name("API-migration.md") == "API migration"


def test_a_storybank_file_keeps_its_empty_title() -> None:
    text = format_story_markdown(_story(title="", situation="S"))
    assert parse_story_markdown(text, name="billing-rewrite.md").title == ""


@pytest.mark.parametrize(
    ("word", "section"),
    [
        *[(word, "situation") for word in ("Situation", "Tension", "Context", "Background")],
        *[(word, "task") for word in ("Task", "Goal", "Objective", "Challenge")],
        *[(word, "action") for word in ("Action", "Actions", "What I did", "Turn")],
        *[(word, "result") for word in ("Result", "Outcome", "Impact", "Results")],
        *[
            (word, "reflection")
            for word in ("Reflection", "Lesson", "Lessons", "Learnings", "What I learned")
        ],
    ],
)
@pytest.mark.parametrize(
    "line",
    [
        "## {word}\ntext",
        "### {upper}:\ntext",
        "**{word}:** text",
        "**{lower}**: text",
        "{word}: text",
    ],
)
def test_section_words_as_headings_and_labels(word: str, section: str, line: str) -> None:
    text = "Before.\n\n" + line.format(word=word, upper=word.upper(), lower=word.lower())
    story = parse_story_markdown(text)
    assert story.sections[section].endswith("text")
    if section != "situation":
        assert story.sections["situation"] == "Before."


def test_labels_start_sections_like_headings() -> None:
    story = parse_story_markdown(
        "**Situation:** The launch failed.\nIt was a Monday.\n\n"
        "Task: Ship it again.\nAction: Built a replay harness.\n"
        "**Result**\nNo incidents.\n\n__Lessons:__ Test on real traffic."
    )
    assert story.sections == {
        "situation": "The launch failed.\nIt was a Monday.",
        "task": "Ship it again.",
        "action": "Built a replay harness.",
        "result": "No incidents.",
        "reflection": "Test on real traffic.",
    }


def test_a_plain_label_inside_a_paragraph_is_prose() -> None:
    story = parse_story_markdown(
        "## Action\nI listed the options.\nResult: the one we chose\n\n"
        "- Impact: a list item\n1. Outcome: a numbered item\n\n"
        "**Note:** a bold aside in a section stays\nhttps://example.com: a link"
    )
    assert story.sections["action"] == (
        "I listed the options.\nResult: the one we chose\n\n"
        "- Impact: a list item\n1. Outcome: a numbered item\n\n"
        "**Note:** a bold aside in a section stays\nhttps://example.com: a link"
    )
    assert story.sections["result"] == ""


def test_two_parts_of_one_section_keep_the_second_label() -> None:
    story = parse_story_markdown("## Situation\nCalm.\n\n## Tension\nNot calm.\n## Action\nA")
    assert story.sections["situation"] == "Calm.\n\n**Tension:**\nNot calm."


def test_labels_are_not_read_in_a_storybank_file() -> None:
    situation = "**Action:** not a section\nTask: nor this\n**Company:** nor this\n### Tension"
    story = _story(title="t", situation=situation)
    text = format_story_markdown(story)
    assert "\n### Tension\n" in text  # a heading format 1 did not know is written as it is
    parsed = parse_story_markdown(text)
    assert parsed.sections["situation"] == situation
    assert (parsed.company, parsed.sections["action"]) == ("", "")


def test_every_word_format_1_knew_names_the_same_section() -> None:
    before = {
        "situation": ("situation", "context", "background"),
        "task": ("task", "tasks", "goal", "objective", "challenge"),
        "action": ("action", "actions", "what i did", "approach"),
        "result": ("result", "results", "outcome", "outcomes"),
        "reflection": (
            *("reflection", "reflections", "lessons", "lessons learned"),
            *("what i learned", "learnings"),
        ),
    }
    for section, words in before.items():
        for word in words:
            assert section_for_heading(word) == section, word
            assert (
                parse_story_markdown(f"---\nstorybank: 1\n---\n## {word}\nx").sections[section]
                == "x"
            )
    assert section_for_heading("Tension") == "situation"
    assert (
        parse_story_markdown("---\nstorybank: 1\n---\n## Tension\nx").sections["situation"]
        == "## Tension\nx"
    )


def test_key_lines_fill_the_context_fields_and_the_rest_is_kept() -> None:
    story = parse_story_markdown(
        "---\ncompany: Acme\n---\n# Billing\n"
        "**Company:** Acme\n**Role:** Lead · **When:** 2023 · **Team size:** 6\n"
        "**Company:** Globex\nOrganisation: Ignored? No: kept\n\n### Point\nOne line.\n"
        "## Situation\nS\n## Reflection\nR"
    )
    assert (story.title, story.company, story.role, story.period) == (
        "Billing",
        "Acme",
        "Lead",
        "2023",
    )
    assert story.sections["situation"] == "S"
    assert story.sections["reflection"] == (
        f"R\n\n{NOTES_MARKER}\n\n**Team size:** 6\n\n**Company:** Globex\n\n"
        "Organisation: Ignored? No: kept\n\n**Point:**\nOne line."
    )


def test_text_before_the_sections_of_one_story_is_still_the_situation() -> None:
    story = parse_story_markdown("Some intro.\n**Why:** it matters\n## Situation\nS")
    assert story.sections["situation"] == "Some intro.\n\nS"
    assert story.sections["reflection"] == f"{NOTES_MARKER}\n\n**Why:** it matters"


def test_one_file_with_section_headings_is_one_story() -> None:
    text = "# Mine\n## Situation\nS\n## Notes\nN\n### Action\nA"
    (story,) = parse_stories_markdown(text)
    assert story.title == "Mine"
    assert story.sections["situation"] == "S\n## Notes\nN"
    assert story.sections["action"] == "A"
    assert parse_stories_markdown("# Only\n## A heading\nprose")[0].title == "Only"


def test_a_file_with_one_story_per_h2_heading() -> None:
    stories = parse_stories_markdown(
        "# Bank\nIntro.\n\n## First\n### Situation\nS1\n**Result:** R1\n"
        "## Second\n**Company:** Acme\nSituation: S2\n\n## Third\nJust prose.\n",
        name="bank.md",
    )
    assert [story.title for story in stories] == ["First", "Second", "Third"]
    first, second, third = stories
    assert (first.sections["situation"], first.sections["result"]) == ("S1", "R1")
    assert first.sections["reflection"] == (
        f"{NOTES_MARKER}\n\n**From the top of the file “Bank”:**\nIntro."
    )
    assert (second.company, second.sections["situation"]) == ("Acme", "S2")
    assert second.sections["reflection"] == ""
    assert third.sections["situation"] == "Just prose."


def test_the_collection_fixture_reads_as_three_stories() -> None:
    text = (Path(__file__).parent.parent / "data" / "story-bank-collection.md").read_text(
        encoding="utf-8"
    )
    stories = parse_stories_markdown(text, name="story-bank-collection.md")
    assert len(stories) == 3
    assert parse_story_markdown(text).title == "Interview story bank"  # one story, if asked


# Prose words that name nothing; every one must come out of the reader somewhere.
_WORD = st.integers(0, 999).map(lambda n: f"w{n}")
_LABEL = (
    st.sampled_from(
        [
            *("Situation", "Tension", "what I did", "Impact", "Lesson", "Company", "When"),
            *("Point", "Anchors", "Do not claim", "Notes", "S — Situation", "1. Task"),
        ]
    )
    | _WORD
)
_PROSE = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_HAND_LINES = st.one_of(
    _PROSE,
    st.just(""),
    st.sampled_from(["```", "---", "- ", "> "]),
    st.tuples(st.sampled_from(["# ", "## ", "### "]), _LABEL).map("".join),
    st.tuples(_LABEL, _PROSE).map(lambda p: f"**{p[0]}:** {p[1]}"),
    st.tuples(_LABEL, _PROSE).map(lambda p: f"{p[0]}: {p[1]}"),
    st.tuples(_LABEL, _PROSE, _LABEL, _PROSE).map(
        lambda p: f"**{p[0]}:** {p[1]} · **{p[2]}:** {p[3]}"
    ),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_HAND_LINES, max_size=25), front=st.booleans())
def test_no_word_of_a_hand_written_file_is_lost(lines: list[str], front: bool) -> None:
    body = "\n".join(lines)
    text = f"---\ntitle: w1000\ncompany: w1001\n---\n{body}" if front else f"w2000\n{body}"
    stories = parse_stories_markdown(text, name="notes.md")
    out = " ".join(
        " ".join([story.title, story.company, story.role, story.period, *story.sections.values()])
        for story in stories
    )
    found = set(re.findall(r"w\d+", out))
    assert set(re.findall(r"w\d+", text)) <= found


def test_a_hostile_hand_written_file_reads_in_linear_time() -> None:
    text = "## Situation\n" + "\n" * 100_000 + "**Situation:**\n" * 50_000
    text += "## Tension\nx\n" * 20_000 + "**a:** b " * 50_000
    start = time.perf_counter()
    (story,) = parse_stories_markdown(text)
    assert story.sections["situation"].count("**Tension:**") == 19_999  # the first one starts it
    assert time.perf_counter() - start < 5
