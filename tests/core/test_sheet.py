"""The HTML of story sheets, as text."""

from __future__ import annotations

from datetime import UTC, datetime

from storybank.core.records import StoryRecord, Strength, ValueInfo
from storybank.core.sheet import (
    CARDS_PER_PAGE,
    Layout,
    breakable,
    build_sheet,
    needs_landscape,
    plain_line,
    sheet_header,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
VALUES = [
    ValueInfo(1, 1, "candor", "Candor", "", (), 0, False, True),
    ValueInfo(2, 1, "freedom", "Freedom", "", (), 1, False, True),
]


def story(number: int, **text: str) -> StoryRecord:
    fields = dict.fromkeys(
        ("company", "role", "period", "situation", "task", "action", "result", "reflection"), ""
    )
    fields.update(text)
    return StoryRecord(
        id=number,
        uuid=f"u{number}",
        title=text.get("title", f"Story {number}"),
        created_at=NOW,
        updated_at=NOW,
        archived=False,
        deleted=False,
        values={1: Strength.PRIMARY} if number % 2 else {2: Strength.SUPPORTING},
        tags=("feedback",),
        **{k: v for k, v in fields.items() if k != "title"},
    )


def test_cheat_sheet_pages_cards_and_key_number() -> None:
    records = [story(i, result=f"Churn fell {i}% in a quarter. Good.") for i in range(1, 14)]
    html = build_sheet(Layout.CHEAT, records, VALUES)
    assert html.count("page-break-before: always") == 13 // CARDS_PER_PAGE
    assert html.count("class='card-title'") == 13
    assert "★ Churn fell 7% in a quarter." in html
    assert "● Candor" in html and "○ Freedom" in html


def test_full_layout_starts_each_story_on_a_new_page() -> None:
    html = build_sheet(Layout.FULL, [story(1), story(2), story(3)], VALUES)
    assert html.count("<h1") == 3
    assert html.count("page-break-before: always") == 2
    assert "#feedback" in html
    assert html.count("(empty)") == 15  # five empty sections per story


def test_matrix_marks_and_gaps() -> None:
    html = build_sheet(Layout.MATRIX, [story(1), story(2)], VALUES)
    assert "●" in html and "○" in html
    # Freedom has no primary story: its column is shaded.
    assert "class=gap" in html
    assert "<b>1</b>/1" in html and "<b>0</b>/1" in html


def test_html_in_stories_is_inert() -> None:
    payload = "<script>alert(1)</script><img src='https://example.com/x.png'>"
    record = story(1, title=payload, action=payload, situation=payload)
    for layout in Layout:
        html = build_sheet(layout, [record], VALUES)
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_helpers() -> None:
    assert plain_line("**Bold** [link](https://x) move. Next sentence.") == "Bold link move."
    assert plain_line("word " * 100, limit=20).endswith("…")
    assert breakable("Responsibility") == "Respons&shy;ibility"
    assert breakable("Context over control") == "Context over control"
    assert needs_landscape(Layout.MATRIX, 14) and not needs_landscape(Layout.MATRIX, 4)
    assert not needs_landscape(Layout.CHEAT, 14)
    assert sheet_header(Layout.CHEAT, "Candor") == "Storybank — Cheat sheet · Candor"
