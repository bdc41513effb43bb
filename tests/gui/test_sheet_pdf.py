"""Sheets rendered to real PDF files and read back with pypdf."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from storybank.core.demo import load_demo
from storybank.core.records import SECTIONS
from storybank.core.repository import Repository
from storybank.core.sheet import Layout, build_sheet, needs_landscape, sheet_header
from storybank.gui.print import MARGIN_MM, default_page_size, export_pdf

MM = 72 / 25.4


@pytest.fixture
def demo(repo: Repository) -> Repository:
    load_demo(repo)
    return repo


def render(repo: Repository, layout: Layout, path: Path, ids: list[int] | None = None) -> int:
    ids = ids if ids is not None else repo.story_ids(sort="title")
    records = [repo.get_story(i) for i in ids]
    values = repo.active_values()
    html = build_sheet(layout, records, values)
    return export_pdf(
        path,
        html,
        sheet_header(layout, "demo"),
        page_size="A4",
        landscape=needs_landscape(layout, len(values)),
    )


def text_of(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Extracted text without ligatures, soft hyphens or line breaks."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(re.sub(r"(\w)-\s+", r"\1-", text).split())  # "on-\ncall" wraps


def positions_inside_margins(path: Path) -> None:
    for page in PdfReader(path).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        points: list[tuple[float, float]] = []

        def visit(text, cm, tm, _font, _size, points=points) -> None:  # type: ignore[no-untyped-def]
            if text.strip():  # the text origin: tm, then the page transformation cm
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                points.append((x, y))

        page.extract_text(visitor_text=visit)
        assert points
        margin = MARGIN_MM * MM - 2
        for x, y in points:
            assert margin <= x <= width - margin, (x, width)
            assert margin <= y <= height - margin, (y, height)


@pytest.mark.parametrize(
    ("layout", "pages"), [(Layout.CHEAT, 2), (Layout.FULL, 9), (Layout.MATRIX, 1)]
)
def test_each_layout(qapp, demo: Repository, tmp_path: Path, layout: Layout, pages: int) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{layout}.pdf"
    assert render(demo, layout, path) == pages
    assert len(PdfReader(path).pages) == pages
    text = flat(text_of(path))
    for row in demo.list_stories():
        if layout is Layout.MATRIX:
            # Titles wrap in narrow cells; their first words are still there.
            assert " ".join(row.title.split()[:3]) in text
        else:
            assert flat(row.title) in text, row.title
    squeezed = re.sub(r"[\s\-]", "", text)  # names hyphenate in narrow matrix columns
    for value in demo.active_values():
        assert re.sub(r"[\s\-]", "", value.name) in squeezed, value.name
    assert "Storybank —" in text and f"Page 1 of {pages}" in text
    positions_inside_margins(path)


def test_long_action_flows_over_pages(qapp, repo: Repository, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paragraphs = "\n\n".join(
        f"Paragraph {n}: I rebuilt the pipeline step by step and wrote it down. " * 6
        for n in range(1, 400)
    )
    story = repo.create_story(title="Very long", action=paragraphs + "\n\nTHE END MARKER")
    path = tmp_path / "long.pdf"
    pages = render(repo, Layout.FULL, path, [story.id])
    assert pages >= 20
    reader = PdfReader(path)
    assert "THE END MARKER" in flat(reader.pages[-1].extract_text())
    # Every paragraph made it onto some page: nothing was cut away at an edge.
    text = flat(text_of(path))
    assert all(f"Paragraph {n}:" in text for n in range(1, 400))
    positions_inside_margins(path)


def test_payload_comes_out_as_text(qapp, repo: Repository, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    payload = "<script>alert('x')</script> <img src=https://example.com/tracker.png>"
    story = repo.create_story(title="Payload", action=payload, result=payload)
    path = tmp_path / "payload.pdf"
    render(repo, Layout.FULL, path, [story.id])
    text = flat(text_of(path))
    assert "<script>alert('x')</script>" in text
    assert "<img src=https://example.com/tracker.png>" in text
    assert b"/Subtype /Image" not in path.read_bytes()


def test_export_is_atomic_and_private(qapp, repo: Repository, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "sheet.pdf"
    target.write_text("old")
    render(repo, Layout.CHEAT, target, [])
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(OSError, match="does not exist"):
        render(repo, Layout.CHEAT, tmp_path / "missing" / "x.pdf", [])


def test_default_page_size_follows_the_locale() -> None:
    from PySide6.QtCore import QLocale

    assert default_page_size(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == (
        "Letter"
    )
    assert default_page_size(QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "A4"
    assert re.fullmatch("A4|Letter", default_page_size())


def page_texts(path: Path) -> list[str]:
    """Each page's text, ligatures undone, words apart (pypdf puts tabs between them)."""
    return [
        unicodedata.normalize("NFKC", page.extract_text()).replace("\t", " ")
        for page in PdfReader(path).pages
    ]


def test_demo_cheat_sheet_has_whole_words_and_its_own_key_numbers(  # type: ignore[no-untyped-def]
    qapp, demo: Repository, tmp_path: Path
) -> None:
    path = tmp_path / "cheat.pdf"
    render(demo, Layout.CHEAT, path)
    records = [demo.get_story(i) for i in demo.story_ids()]
    source = unicodedata.normalize(
        "NFKC", " ".join(r.text(n) for r in records for n in ("title", "company", *SECTIONS))
    )
    words = set(re.findall(r"\w+", source))
    titles = [" ".join(r.title.split()[:4]) for r in records]
    keys = 0
    for text in page_texts(path):
        # An ellipsis follows a space, a sentence's end or a whole word: never "top-thr…".
        for line in text.splitlines():
            for match in re.finditer(r"(\w*)(?:…|\.\.\.)", line):
                assert not match.group(1) or match.group(1) in words, line
        # Each card, from its title to the next: its R line and its key number differ.
        starts = sorted(p for p in (" ".join(text.split()).find(t) for t in titles) if p >= 0)
        flat_text = " ".join(text.split())
        for start, end in zip(starts, [*starts[1:], len(flat_text)], strict=True):
            card = flat_text[start:end]
            result = re.search(r" R (.*?)(?: ★ (.*))?$", card)
            assert result, card
            if result.group(2):
                keys += 1
                assert result.group(2) != result.group(1), card
                assert re.search(r"\d", result.group(2)), card
    assert keys >= 7


def test_matrix_value_names_are_whole_words(  # type: ignore[no-untyped-def]
    qapp, demo: Repository, tmp_path: Path
) -> None:
    pack = demo.packs()[0].id
    for name in ("Extraordinary accountability", "Psychological safety", "Internationalization"):
        demo.add_value(pack, name)
    for extra in range(8):  # enough values for two bands of columns
        demo.add_value(pack, f"Customer obsession {extra}")
    for page_size in ("A4", "Letter"):
        path = tmp_path / f"matrix-{page_size}.pdf"
        values = demo.active_values()
        records = [demo.get_story(i) for i in demo.story_ids(sort="title")]
        pages = export_pdf(
            path,
            build_sheet(Layout.MATRIX, records, values),
            sheet_header(Layout.MATRIX),
            page_size=page_size,
            landscape=needs_landscape(Layout.MATRIX, len(values)),
        )
        assert pages == 2  # two bands of value columns, a page each
        text = " ".join(page_texts(path))
        assert "\u00ad" not in text
        tokens = set(re.findall(r"\w+", text))
        for value in values:
            for word in re.findall(r"\w+", value.name):
                assert word in tokens, (word, page_size)  # not "Communic ation"
        positions_inside_margins(path)


HOSTILE_STORIES = {
    "Emoji 🚀 launch 👩\u200d💻 with 👍🏽 and 🇫🇷": {
        "company": "Rocket 🚀 Co",
        "action": "I 👩\u200d💻 coded it all, then I reviewed 👍🏽 every change. " * 8,
        "result": "Revenue grew 25% 📈 in a month. Everyone was happy 😀.",
    },
    "עברית: סיפור על מנהיגות": {
        "situation": "הצוות היה בלחץ גדול לפני ההשקה. " * 3,
        "action": "שוחחתי עם כל אחד מהצוות בנפרד. " * 6,
        "result": "השקנו בזמן, והתקלות ירדו ב-40% ברבעון הראשון.",
    },
    "عربي: قصة عن القيادة": {
        "action": "تحدثت مع كل عضو في الفريق على حدة. " * 6,
        "result": "انخفضت الأعطال بنسبة 40٪ في الربع الأول.",
    },
    "Megabyte fields": {
        "company": "c" * 1_000_000,
        "situation": "word " * 200_000,
        "action": "I did a thing that mattered a lot. " * 30_000,
        "result": "9" * 1_000_000,
    },
}


@pytest.mark.parametrize("layout", [Layout.CHEAT, Layout.MATRIX])
def test_emoji_right_to_left_and_megabyte_fields_stay_on_the_page(  # type: ignore[no-untyped-def]
    qapp, demo: Repository, tmp_path: Path, layout: Layout
) -> None:
    for title, fields in HOSTILE_STORIES.items():
        demo.create_story(title=title, **fields)
    path = tmp_path / "hostile.pdf"
    render(demo, layout, path)
    text = " ".join(page_texts(path))
    assert "Revenue grew 25%" in text or layout is Layout.MATRIX
    assert "Megabyte" in text
    # Right-to-left words come out of the PDF in visual order: either way round.
    for word in ("סיפור", "القيادة"):
        assert word in text or word[::-1] in text, word
    positions_inside_margins(path)


def test_a_row_of_cards_never_splits_across_pages(  # type: ignore[no-untyped-def]
    qapp, repo: Repository, tmp_path: Path
) -> None:
    for number in range(1, 21):
        repo.create_story(
            title=f"Card{number} title",
            situation="We were late. " * (number % 4 + 1),
            action="I rebuilt the pipeline and wrote it down. " * (number % 7 + 1),
            result=f"It went well. Lead time fell {number}% in a quarter.",
        )
    path = tmp_path / "cards.pdf"
    assert render(repo, Layout.CHEAT, path) >= 2
    texts = page_texts(path)
    for number in range(1, 21):
        (page,) = [i for i, t in enumerate(texts) if re.search(rf"\bCard{number} title", t)]
        # The card's last line, its key number, is on the page of its title.
        assert f"★ Lead time fell {number}%" in texts[page], number
    positions_inside_margins(path)


def test_tables_without_a_header_row_are_kept_on_one_page(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QTextDocument

    from storybank.gui.print import keep_tables_whole

    row = "<table><tr><td>{}</td><td>x</td></tr></table>"
    matrix = "<table><thead><tr><th>head</th></tr></thead>{}</table>"
    document = QTextDocument()
    document.setHtml(
        "".join(row.format("<p>line</p>" * (n % 5 + 2)) for n in range(40))
        + matrix.format("<tr><td>cell</td></tr>" * 60)
    )
    document.setPageSize(QSizeF(300, 400))
    assert keep_tables_whole(document) > 0
    height = document.pageSize().height()
    layout = document.documentLayout()
    crossing = []
    for frame in document.rootFrame().childFrames():
        box = layout.frameBoundingRect(frame)
        crossing.append(int(box.top() // height) != int((box.bottom() - 1) // height))
    assert not any(crossing[:-1])  # every row of cards whole on its page
    assert crossing[-1]  # the long table with a header row flows on, repeating it
