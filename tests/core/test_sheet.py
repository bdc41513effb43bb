"""The HTML of story sheets, as text."""

from __future__ import annotations

import html as html_module
import re
import time
from datetime import UTC, datetime

from storybank.core.demo import load_demo
from storybank.core.records import StoryRecord, Strength, ValueInfo
from storybank.core.repository import Repository
from storybank.core.sheet import (
    CARD_COLUMNS,
    Layout,
    build_sheet,
    key_number,
    matrix_bands,
    needs_landscape,
    plain_line,
    sheet_header,
    shorten,
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


def test_cheat_sheet_rows_cards_and_key_number() -> None:
    records = [story(i, result=f"Churn fell {i}% in a quarter. Good.") for i in range(1, 14)]
    html = build_sheet(Layout.CHEAT, records, VALUES)
    # One table per row of cards, each card boxed; print keeps a row on one page.
    assert html.count("<table") == -(-13 // CARD_COLUMNS)
    assert html.count("class='card-title'") == 13
    assert html.count("border: 1px solid") == 13
    assert "page-break" not in html
    assert "★ Churn fell 7%</p>" in html
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
    assert plain_line("word " * 100, limit=20) == "word word word word…"
    assert plain_line("- first item\n- second") == "First item."
    assert needs_landscape(Layout.MATRIX, 14) and not needs_landscape(Layout.MATRIX, 4)
    assert not needs_landscape(Layout.CHEAT, 14)
    assert sheet_header(Layout.CHEAT, "Candor") == "Storybank — Cheat sheet · Candor"


def card_lines(html: str) -> dict[str, str]:
    """A one-card sheet's lines by their letter (S, T, A, R, ★), as plain text."""
    lines = {}
    for letter, text in re.findall(
        r"<p class='card(?: key)?'>(?:<b>)?([STAR★])(?:</b>)?(.*?)</p>", html
    ):
        lines[letter] = (
            html_module.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ").strip()
        )
    return lines


def whole_words_only(line: str, source: str) -> None:
    """Every "…" in ``line`` follows a space, a sentence's end or a whole word of ``source``."""
    words = set(re.findall(r"\w+", source))
    for match in re.finditer(r"(\w*)…", line):
        assert not match.group(1) or match.group(1) in words, (match.group(0), line)


def test_shorten_cuts_at_a_word_and_never_inside_a_character() -> None:
    assert shorten("Short enough.", 20) == "Short enough."
    assert shorten("The board saw the corrected number", 22) == "The board saw…"  # not "the…"
    assert shorten("activation became a top-three priority", 25) == "activation became…"
    # One word wider than the room is cut between characters, not inside an emoji.
    family = "\U0001f469\u200d\U0001f4bb"  # woman technologist: three code points
    cut = shorten(family * 10, 7)
    assert cut.endswith("…") and cut[:-1].count(family) * len(family) == len(cut) - 1
    assert shorten("e\u0301" * 20, 6) == "e\u0301" * 2 + "…"
    # Wide characters count two cells.
    assert shorten("漢字" * 10, 9) == "漢字漢字…"


def test_key_number_is_the_number_with_a_few_words() -> None:
    result = (
        "The capped plan kept 92% of sign-up volume and lifted 30-day paid conversion from "
        "3.8% to 5.1%; the no-free-plan group lost 64% of sign-ups."
    )
    assert key_number(result) == "The capped plan kept 92% of sign-up volume"
    assert (
        key_number(
            "Within two months, the median time from opening a pull request to merging it "
            "dropped from 3.1 days to 1.4 days."
        )
        == "Dropped from 3.1 days to 1.4 days"
    )
    assert key_number("Within ten weeks pages fell from 38 a week to 7, and more.") == (
        "Pages fell from 38 a week to 7"
    )
    assert key_number("Travellers opened 210,000 passes offline with a crash rate under 1%.") == (
        "Travellers opened 210,000 passes offline"
    )
    assert key_number("Things got better. Everyone was happy.") is None
    # A number in words only, when it is all the R line says, adds nothing.
    assert key_number("It went twice as fast.", shown="It went twice as fast.") is None
    assert key_number("Churn fell 7%.", shown="Churn fell 7%.") is None
    assert (
        key_number("השקנו בזמן, והתקלות ירדו ב-40% ברבעון הראשון.")
        == "והתקלות ירדו ב-40% ברבעון הראשון"
    )


def test_card_action_shows_its_most_telling_whole_sentences() -> None:
    action = (
        "I started by listening. I met each lead on their own. Their concerns were different. "
        "So I tailored my approach:\n\n"
        "- For bundle size, I measured it and showed the library was 18% smaller.\n"
        "- For styling, I added theming tokens so they could keep their look.\n\n"
        "The weather was nice that week. The office had moved to a new floor. Lunch was late "
        "on most days. The coffee machine broke twice. Everyone was in a good mood about it."
    )
    context = "The team had been busy with other work for most of the year and the year before. "
    record = story(1, situation=context, task=context, action=action, result=context * 3)
    lines = card_lines(build_sheet(Layout.CHEAT, [record], VALUES))
    shown = lines["A"]
    assert shown.startswith("I started by listening.")
    assert "I measured it and showed the library was 18% smaller." in shown
    assert "I added theming tokens so they could keep their look." in shown
    assert "weather" not in shown and "coffee" not in shown
    whole_words_only(shown, action)
    # Every piece between the gap marks is a whole sentence of the Action.
    for piece in shown.split(" … "):
        assert piece.endswith((".", ":")), piece
    # In a language the pronouns cannot read, no sentence is left out for lacking one.
    hebrew = "שוחחתי עם כל אחד מהצוות בנפרד. בניתי תוכנית עבודה חדשה. הצגתי אותה להנהלה."
    assert card_lines(build_sheet(Layout.CHEAT, [story(3, action=hebrew)], VALUES))["A"] == hebrew
    # A lead-in is not shown without what it leads to.
    lead = "I changed three things:\n\n- one\n- two\n\n" + "I wrote it all down first. " * 30
    assert not card_lines(build_sheet(Layout.CHEAT, [story(2, action=lead)], VALUES))["A"].endswith(
        ":"
    )


def test_demo_cards_have_whole_words_and_key_numbers_of_their_own(repo: Repository) -> None:
    load_demo(repo)
    values = repo.active_values()
    keys = 0
    for story_id in repo.story_ids():
        record = repo.get_story(story_id)
        lines = card_lines(build_sheet(Layout.CHEAT, [record], values))
        source = " ".join(record.text(name) for name in ("situation", "task", "action", "result"))
        for letter in "STAR★":
            whole_words_only(lines.get(letter, ""), source)
        if "★" in lines:
            keys += 1
            assert re.search(r"\d", lines["★"]), lines["★"]
            assert lines["★"] != lines["R"]
            assert len(lines["★"].split()) <= 11
        # The Action shows more than its first sentence when it has room.
        assert len(lines["A"]) > 100, lines["A"]
    assert keys >= 7  # every demo Result but the vague one has a number


def test_cards_of_hostile_text_are_bounded_and_cut_at_words() -> None:
    megabyte = "I did a thing that mattered a lot. " * 30_000
    records = [
        story(
            1, title="x" * 1_000_000, company="c" * 1_000_000, action=megabyte, result="9" * 10**6
        ),
        story(2, action="I 👩\u200d💻 coded 🚀 it all. " * 50, result="Revenue grew 25% 📈."),
        story(3, action="שוחחתי עם כל אחד מהצוות בנפרד. " * 20, result="ירדו ב-40% ברבעון."),
        story(4, action="[" * 1_000_000, situation="word " * 200_000),
    ]
    started = time.perf_counter()
    html = build_sheet(Layout.CHEAT, records, VALUES)
    assert time.perf_counter() - started < 2
    assert len(html) < 50_000
    # The megabyte Action shows whole sentences, not the one its reading stopped inside.
    assert "I did a thing t…" not in html and "I did a thing that mattered a lot." in html
    assert "Revenue grew 25%" in html and "ירדו ב-40%" in html


def test_matrix_columns_fit_whole_value_names() -> None:
    names = [
        "Freedom", "Responsibility", "Candor", "Context over control", "Judgment",
        "Communication", "Curiosity", "Courage", "Passion", "Selflessness", "Innovation",
        "Inclusion", "Integrity", "Impact",
    ]  # fmt: skip
    (band,) = matrix_bands(names, ["1/2"] * len(names), landscape=True)
    assert [column.head for column in band] == names  # nothing abbreviated or broken
    assert 0 < sum(column.width for column in band) < 82  # the story column keeps room
    # Columns fit their longest word: Communication's is wider than Candor's.
    widths = {column.name: column.width for column in band}
    assert widths["Communication"] > widths["Candor"]
    # Twice as many values: two bands of about equal width, each fitting the page.
    bands = matrix_bands(names * 2, ["1/2"] * len(names) * 2, landscape=True)
    assert len(bands) == 2 and abs(len(bands[0]) - len(bands[1])) <= 2
    assert all(column.head == column.name for band in bands for column in band)
    # Wide counts too: as many bands as it takes, each leaving the story column room.
    bands = matrix_bands(names * 2, ["10/12"] * len(names) * 2, landscape=True)
    assert all(sum(column.width for column in band) < 82 for band in bands)
    assert sum(len(band) for band in bands) == 2 * len(names)
    # Only a word wider than a quarter of the room is abbreviated, and spelled out.
    long_name = "Pneumonoultramicroscopicsilicovolcanoconiosisandmore"
    (band,) = matrix_bands([long_name, "Candor"], ["0/0", "0/0"], landscape=False)
    assert band[0].head.endswith(".") and len(band[0].head) < len(long_name)
    values = [ValueInfo(1, 1, "long", long_name, "", (), 0, False, True), VALUES[0]]
    html = build_sheet(Layout.MATRIX, [story(1)], values)
    assert f"{band[0].head} {long_name}" in html
