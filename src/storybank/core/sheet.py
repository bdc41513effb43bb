"""The HTML of a story sheet, in three layouts, for Qt's rich-text printer.

Built here, as text, so every layout is tested without a window; gui/print.py
turns it into a QTextDocument and paginates it with a header and a footer.
Story text goes through the same Markdown -> nh3 path as the preview, so no
script runs and nothing is fetched. The HTML keeps to the subset Qt renders
(tables, inline styles, page-break-before).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from storybank.core.coach import key_result
from storybank.core.markdown import clip, escape, to_html
from storybank.core.records import (
    CONTEXT_FIELDS,
    SECTIONS,
    STAR_SECTIONS,
    StoryRecord,
    Strength,
    ValueInfo,
)

#: Cards on one cheat-sheet page: two columns, three rows.
CARDS_PER_PAGE = 6
CARD_COLUMNS = 2
#: Characters of each STAR line on a card: at most two lines at 9 pt in half a
#: page width, so six cards fit on A4 and on US Letter.
CARD_LINE = 100
#: Story rows per matrix page.
MATRIX_ROWS_PER_PAGE = 28
#: More value columns than this and the matrix is printed landscape.
PORTRAIT_MAX_VALUES = 8

SECTION_TITLES = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "reflection": "Reflection",
}
# A link's text and address stop at the next bracket, so a line of "[" or "[a]("
# is scanned once, not once from every bracket (which took minutes on 1 MB).
_MARKDOWN_NOISE = re.compile(r"(^|\s)[#>*+-]+\s|[*_`~]+|\[([^\[\]]*)\]\([^()]*\)", re.MULTILINE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class Layout(StrEnum):
    """The three kinds of sheet."""

    CHEAT = "cheat"
    FULL = "full"
    MATRIX = "matrix"


@dataclass(frozen=True, slots=True)
class SheetStory:
    """A story with its values' names, ready to print."""

    record: StoryRecord
    primary: tuple[str, ...]
    supporting: tuple[str, ...]


def sheet_stories(records: Sequence[StoryRecord], values: Sequence[ValueInfo]) -> list[SheetStory]:
    """Attach value names (in the packs' order) to each story."""
    result = []
    for record in records:
        primary = tuple(v.name for v in values if record.values.get(v.id) is Strength.PRIMARY)
        supporting = tuple(v.name for v in values if record.values.get(v.id) is Strength.SUPPORTING)
        result.append(SheetStory(record, primary, supporting))
    return result


_SUFFIXES = ("ibility", "ility", "ation", "ness", "ment", "sion", "tion", "ity")


def breakable(name: str, longest: int = 9) -> str:
    """Escaped ``name`` with soft hyphens in long words, for narrow matrix columns."""
    words = []
    for word in name.split(" "):
        if len(word) > longest:
            for suffix in _SUFFIXES:
                if word.lower().endswith(suffix) and len(word) - len(suffix) >= 3:
                    cut = len(word) - len(suffix)
                    word = f"{escape(word[:cut])}&shy;{escape(word[cut:])}"
                    break
            else:
                word = escape(word)
        else:
            word = escape(word)
        words.append(word)
    return " ".join(words)


def needs_landscape(layout: Layout, value_count: int) -> bool:
    """Whether the sheet reads better on a landscape page."""
    return layout is Layout.MATRIX and value_count > PORTRAIT_MAX_VALUES


def plain_line(text: str, limit: int = CARD_LINE) -> str:
    """The first sentence of Markdown text as plain text, cut to ``limit``."""
    flat = " ".join(
        _MARKDOWN_NOISE.sub(lambda m: f"{m.group(1) or ''}{m.group(2) or ''}", text).split()
    )
    first = _SENTENCE.split(flat, maxsplit=1)[0] if flat else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _context(record: StoryRecord) -> str:
    return clip(
        " · ".join(record.text(name) for name in CONTEXT_FIELDS if record.text(name).strip())
    )


def _title(record: StoryRecord) -> str:
    return escape(clip(record.title or "Untitled story"))


def _values_line(story: SheetStory) -> str:
    marks = [f"● {escape(name)}" for name in story.primary]
    marks += [f"○ {escape(name)}" for name in story.supporting]
    return "&nbsp;&nbsp; ".join(marks)


_STYLE = """
<style>
body { font-family: 'DejaVu Sans', 'Helvetica', sans-serif; font-size: 10pt; color: #1d1d1d; }
h1 { font-size: 16pt; margin-top: 0; margin-bottom: 4px; }
h2 { font-size: 12pt; margin-top: 10px; margin-bottom: 2px; color: #2f5d8a; }
p { margin-top: 2px; margin-bottom: 4px; }
.context { color: #555555; font-style: italic; }
.values { color: #2f5d8a; }
.tags { color: #555555; }
.card-title { font-size: 11pt; font-weight: bold; margin-bottom: 1px; }
.card { font-size: 9pt; }
.key { font-weight: bold; color: #2d6a44; }
.gap { background-color: #fde3b5; }
.empty { color: #888888; font-style: italic; }
</style>
"""


def _document(body: str) -> str:
    return f"<html><head>{_STYLE}</head><body>{body}</body></html>"


def _card(story: SheetStory) -> str:
    record = story.record
    parts = [f"<p class='card-title'>{_title(record)}</p>"]
    context = _context(record)
    if context:
        parts.append(f"<p class='card context'>{escape(context)}</p>")
    values = _values_line(story)
    if values:
        parts.append(f"<p class='card values'>{values}</p>")
    for name in STAR_SECTIONS:
        line = plain_line(record.text(name))
        shown = escape(line) if line else "<span class='empty'>(empty)</span>"
        parts.append(f"<p class='card'><b>{name[0].upper()}</b>&nbsp; {shown}</p>")
    key = key_result(record.result, limit=CARD_LINE)
    if key:
        parts.append(f"<p class='card key'>★ {escape(key)}</p>")
    return "".join(parts)


def cheat_sheet(stories: Sequence[SheetStory]) -> str:
    """Compact cards, six to a page."""
    pages = []
    for first in range(0, len(stories), CARDS_PER_PAGE):
        page = stories[first : first + CARDS_PER_PAGE]
        rows = []
        for row_start in range(0, len(page), CARD_COLUMNS):
            cells = [
                f"<td width='50%' valign='top'>{_card(story)}</td>"
                for story in page[row_start : row_start + CARD_COLUMNS]
            ]
            cells += ["<td width='50%'></td>"] * (CARD_COLUMNS - len(cells))
            rows.append(f"<tr>{''.join(cells)}</tr>")
        brk = " style='page-break-before: always'" if first else ""
        pages.append(
            f"<table width='100%' border='1' cellspacing='0' cellpadding='7'{brk} "
            f"style='border-collapse: collapse; border-color: #bbbbbb'>{''.join(rows)}</table>"
        )
    return _document("".join(pages) or "<p class='empty'>No stories to print.</p>")


def full_stories(stories: Sequence[SheetStory]) -> str:
    """Every story in full, each starting on a new page."""
    parts = []
    for number, story in enumerate(stories):
        record = story.record
        brk = " style='page-break-before: always'" if number else ""
        parts.append(f"<h1{brk}>{_title(record)}</h1>")
        context = _context(record)
        if context:
            parts.append(f"<p class='context'>{escape(context)}</p>")
        values = _values_line(story)
        if values:
            parts.append(f"<p class='values'>{values}</p>")
        if record.tags:
            parts.append(f"<p class='tags'>{escape(' '.join('#' + t for t in record.tags))}</p>")
        for name in SECTIONS:
            text = record.text(name)
            parts.append(f"<h2>{SECTION_TITLES[name]}</h2>")
            # Sheets print everything: no preview cap.
            parts.append(
                to_html(text, limit=len(text) + 1)
                if text.strip()
                else "<p class='empty'>(empty)</p>"
            )
    return _document("".join(parts) or "<p class='empty'>No stories to print.</p>")


def value_matrix(stories: Sequence[SheetStory], values: Sequence[ValueInfo]) -> str:
    """Stories × values with primary/supporting marks and the gaps shaded."""
    primary = {v.name: 0 for v in values}
    total = {v.name: 0 for v in values}
    for story in stories:
        for name in story.primary:
            primary[name] = primary.get(name, 0) + 1
        for name in (*story.primary, *story.supporting):
            total[name] = total.get(name, 0) + 1
    gaps = {v.name for v in values if primary[v.name] == 0 or total[v.name] < 2}
    column = f"{78 / max(1, len(values)):.1f}%"
    head = "".join(
        f"<td width='{column}' align='center'{' class=gap' if v.name in gaps else ''}>"
        f"<span style='font-size: 7pt'>{breakable(v.name)}</span></td>"
        for v in values
    )
    tables = []
    for first in range(0, max(1, len(stories)), MATRIX_ROWS_PER_PAGE):
        rows = []
        for story in stories[first : first + MATRIX_ROWS_PER_PAGE]:
            cells = []
            for value in values:
                mark = (
                    "●"
                    if value.name in story.primary
                    else "○"
                    if value.name in story.supporting
                    else ""
                )
                gap = " class=gap" if value.name in gaps else ""
                cells.append(f"<td align='center'{gap}>{mark}</td>")
            title = _title(story.record)
            rows.append(f"<tr><td><small>{title}</small></td>{''.join(cells)}</tr>")
        last = first + MATRIX_ROWS_PER_PAGE >= len(stories)
        if last:
            counts = "".join(
                f"<td align='center'{' class=gap' if v.name in gaps else ''}>"
                f"<b>{primary[v.name]}</b>/{total[v.name]}</td>"
                for v in values
            )
            rows.append(f"<tr><td><b>Primary / all stories</b></td>{counts}</tr>")
        brk = " style='page-break-before: always'" if first else ""
        tables.append(
            f"<table width='100%' border='1' cellspacing='0' cellpadding='2'{brk} "
            "style='border-collapse: collapse; border-color: #bbbbbb'>"
            f"<thead><tr><th align='left' width='22%'>Story</th>{head}</tr></thead>"
            f"{''.join(rows)}</table>"
        )
    legend = (
        "<p>● primary · ○ supporting · shaded: a value with no primary story or fewer "
        "than two stories.</p>"
    )
    return _document(legend + "".join(tables))


def build_sheet(layout: Layout, records: Sequence[StoryRecord], values: Sequence[ValueInfo]) -> str:
    """The HTML body of a sheet in ``layout``."""
    stories = sheet_stories(records, values)
    if layout is Layout.CHEAT:
        return cheat_sheet(stories)
    if layout is Layout.FULL:
        return full_stories(stories)
    return value_matrix(stories, values)


def sheet_header(layout: Layout, filter_text: str = "") -> str:
    """The running header: the sheet's title and what it was filtered by."""
    names = {Layout.CHEAT: "Cheat sheet", Layout.FULL: "Stories", Layout.MATRIX: "Value matrix"}
    title = f"Storybank — {names[layout]}"
    return f"{title} · {filter_text}" if filter_text else title
