"""The HTML of a story sheet, in three layouts, for Qt's rich-text printer.

Built here, as text, so every layout is tested without a window; gui/print.py
turns it into a QTextDocument and paginates it with a header and a footer.
Story text goes through the same Markdown -> nh3 path as the preview, so no
script runs and nothing is fetched. The HTML keeps to the subset Qt renders
(tables, inline styles, page-break-before).

A cheat-sheet card is plain text picked to fit: whole sentences (the most
telling of the Action and Result), the Result's key number with a few words,
and cuts only at a word. Room is reckoned from the widths of DejaVu Sans,
the sheets' font, so no font metrics are needed here; the matrix sizes its
value columns the same way, so that no value name breaks inside a word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import pairwise

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

#: Cards side by side on a cheat sheet.
CARD_COLUMNS = 2
#: Width of a line of card text at 9 pt, in em of DejaVu Sans (the sheets' font):
#: a card is half the text width of A4 (the narrower of A4 and Letter), 26.6 em,
#: less what a line loses by breaking at a space.
CARD_LINE = 25.0
#: The one-line context under a card's title (company · role · period), cut to fit.
CARD_CONTEXT = 26.0
#: A line of the bold key number (measured in the regular face's em).
KEY_LINE = 22.5
#: A card's title: two lines at 11 pt bold (measured in the regular face's em).
CARD_TITLE = 36.0
#: Lines of a card below its title (context, values, S, T, A, R and the key
#: number): three rows of cards fit on a Letter page, and on A4 with a little
#: to spare. A row of cards is never split across pages (gui/print.py).
CARD_LINES = 15
#: The width of a section's letter before its line ("A  ").
_LABEL = 1.3
#: Characters of a section read for a card: its sentences are ranked, and a
#: card shows a few hundred characters, so a megabyte is never scanned.
CARD_SCAN = 20_000
#: Story rows per matrix page.
MATRIX_ROWS_PER_PAGE = 28
#: More value columns than this and the matrix is printed landscape.
PORTRAIT_MAX_VALUES = 8
#: Longest story title in a matrix row, cut at a word.
MATRIX_TITLE = 90
#: Point size of the value names heading the matrix's columns.
MATRIX_HEAD_PT = 7

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
# Sentence ends: terminal punctuation, perhaps a closing quote or bracket, then
# a space; or a CJK full stop, which needs no space after it.
_SENTENCE = re.compile(r"(?<=[.!?…。！？؟])\s+|(?<=[.!?…。！？؟][\"'”’)\]])\s+|(?<=[。！？])(?=\S)")
_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"\s{0,3}#")
_DIGIT = re.compile(r"\d|[%‰$€£¥₹₩₽¢]")
_FIRST_PERSON = re.compile(r"(?<![\w'’])(?:I|[Mm]y|[Mm]e|[Mm]yself|[Mm]ine)(?!\w)")
_FIRST_PLURAL = re.compile(r"(?<![\w'’])(?:[Ww]e|[Oo]ur|[Uu]s|[Oo]urselves)(?!\w)")
# Where a sentence falls into clauses, to find the few words around a number.
_CLAUSE = re.compile(r"\s*[;:]\s+|,\s+|\s+[–—-]\s+|\s+(?:and|but|so|while|whereas|which|yet)\s+")
# Words a key-number phrase neither starts on (when cut) nor ends on.
_WEAK = frozenset({
    "a", "an", "the", "it", "its", "they", "their", "we", "our", "he", "she", "his", "her",
    "of", "to", "from", "and", "or", "but", "so", "that", "this", "with", "in", "on", "at",
    "by", "for",
})  # fmt: skip
# Words that open a new phrase after a number, unless a number follows ("to 7").
_BREAK = frozenset({
    "with", "in", "within", "for", "by", "after", "before", "over", "during", "because",
    "since", "while", "when", "across", "among", "at", "on", "through", "despite", "as",
    "thanks",
})  # fmt: skip
_CUT_AFTER = " ,;:·–—-("
_TERMINAL = ".!?…:。！？؟"


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
    #: The story's 30-second telling, which its card prints when there is one.
    short: str = ""


def sheet_stories(
    records: Sequence[StoryRecord],
    values: Sequence[ValueInfo],
    short: Mapping[int, str] | None = None,
) -> list[SheetStory]:
    """Attach value names (in the packs' order), and any short telling, to each story."""
    result = []
    for record in records:
        primary = tuple(v.name for v in values if record.values.get(v.id) is Strength.PRIMARY)
        supporting = tuple(v.name for v in values if record.values.get(v.id) is Strength.SUPPORTING)
        told = (short or {}).get(record.id, "")
        result.append(SheetStory(record, primary, supporting, told))
    return result


def needs_landscape(layout: Layout, value_count: int) -> bool:
    """Whether the sheet reads better on a landscape page."""
    return layout is Layout.MATRIX and value_count > PORTRAIT_MAX_VALUES


# --- Text for cards: sentences, the telling ones, cuts at a word ------------------------------


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence of a section as plain text, with its place and whether it is a list item."""

    text: str
    index: int
    item: bool


def _cell(char: str) -> int:
    """Cells a character takes in a line: two for East Asian wide ones (CJK, emoji)."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


# Advance widths of DejaVu Sans (the sheets' font) in em, rounded up, to tell how
# wide a value name prints; other characters count 0.72 and East Asian wide ones 1.1.
_EM_WIDTHS = {
    char: width
    for width, chars in (
        (0.28, "ijl"),
        (0.32, "IJ'., :;!|"),
        (0.36, "f-/()"),
        (0.42, "rt"),
        (0.53, "sz"),
        (0.56, "cL"),
        (0.58, "Fk"),
        (0.6, "vxy"),
        (0.62, "aeoPTY"),
        (0.64, "bdghnpquES0123456789"),
        (0.7, "ABCKRVXZ"),
        (0.79, "DGHNOQU"),
        (0.82, "w"),
        (0.86, "M"),
        (1.0, "mW%&@"),
    )
    for char in chars
}


def _em(char: str) -> float:
    """How wide ``char`` prints in DejaVu Sans, in em, rounded up."""
    return 1.1 if _cell(char) == 2 else _EM_WIDTHS.get(char, 0.72)


def _width(text: str) -> float:
    """How wide ``text`` prints in DejaVu Sans, in em, a little over."""
    return sum(_em(char) for char in text)


def _joins_previous(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (an accent, an emoji modifier)."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in "\u200d\ufe0e\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
    )


def _cut(text: str, end: int) -> str:
    """``text[:end]`` pulled back to the last word boundary, and before a small word.

    One word longer than the room (an address, a line of symbols) is cut
    between two characters, never inside an accented letter or an emoji.
    """
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", 0, end)
        if space <= 0:
            while end > 1 and (_joins_previous(text[end]) or text[end - 1] == "\u200d"):
                end -= 1
            return text[:end]
        end = space
    # Not "…to migrate to the…": a cut after small words drops them too.
    for _ in range(3):
        before = text.rfind(" ", 0, end)
        if before <= 0 or text[before + 1 : end].casefold() not in _WEAK:
            break
        end = before
    return text[:end].rstrip(_CUT_AFTER) or text[:end]


def shorten(text: str, limit: float, measure: Callable[[str], float] = _cell) -> str:
    """``text`` within ``limit`` (by default in cells, as a terminal counts), else cut
    at a word and ended with "…"."""
    room = limit - measure("…")
    used = 0.0
    fits = 0
    for position, char in enumerate(text):
        used += measure(char)
        if used > limit:
            return _cut(text, fits) + "…"
        if used <= room:
            fits = position + 1
    return text


def _flatten(text: str) -> str:
    """Markdown ``text`` as plain text on one line."""
    return " ".join(
        _MARKDOWN_NOISE.sub(lambda m: f"{m.group(1) or ''}{m.group(2) or ''}", text).split()
    )


def _units(text: str) -> list[tuple[str, bool]]:
    """The paragraphs, headings and list items of Markdown ``text``, each with whether it
    is a list item; only the first :data:`CARD_SCAN` characters are read."""
    units: list[tuple[str, bool]] = []
    lines: list[str] = []
    item = False
    for line in text[:CARD_SCAN].splitlines():
        marker = _LIST_ITEM.match(line)
        if marker or not line.strip() or _HEADING.match(line):
            if lines:
                units.append((" ".join(lines), item))
            lines, item = [], bool(marker)
            line = line[marker.end() :] if marker else line
        if line.strip():
            lines.append(line)
    if lines:
        units.append((" ".join(lines), item))
    return units


def _sentences(text: str) -> list[_Sentence]:
    """The sentences of Markdown ``text``; a list item reads as a sentence of its own.

    Past :data:`CARD_SCAN` characters the text is not read, and the sentence
    it would cut is left out rather than shown as if whole.
    """
    sentences: list[_Sentence] = []
    for unit, item in _units(text):
        parts = [part for part in _SENTENCE.split(_flatten(unit)) if part]
        if item and parts:
            parts[0] = parts[0][:1].upper() + parts[0][1:]
            last = parts[-1].rstrip(",;")
            parts[-1] = last if not last or last[-1] in _TERMINAL else last + "."
        sentences += [_Sentence(p, len(sentences) + n, item) for n, p in enumerate(parts) if p]
    if len(text) > CARD_SCAN and len(sentences) > 1:
        sentences.pop()
    return sentences


def _joined(sentences: Sequence[_Sentence], chosen: Sequence[int]) -> str:
    """The chosen sentences in their order, " … " standing for those left out between."""
    parts = []
    for previous, index in zip([None, *chosen], chosen, strict=False):
        if previous is not None:
            parts.append(" " if index == previous + 1 else " … ")
        parts.append(sentences[index].text)
    return "".join(parts)


def _pick(
    sentences: Sequence[_Sentence], limit: float, score: Callable[[_Sentence], int] | None = None
) -> str:
    """Whole sentences that fit in ``limit`` em, in their order.

    With ``score``: the best-scoring ones that fit (the earlier of equals;
    none that scores nothing), a gap between them marked with "…"; without:
    the first ones, up to the first that does not fit. When none fits whole,
    the best one is cut at a word.
    """
    if not sentences:
        return ""
    ranked = list(range(len(sentences)))
    if score is not None:
        scores = [score(sentence) for sentence in sentences]
        ranked.sort(key=lambda index: (-scores[index], index))
        # A sentence that scores nothing is not worth the room; the best one is kept.
        ranked = [index for index in ranked if scores[index] > 0] or ranked[:1]
    widths = [_width(sentence.text) for sentence in sentences]
    chosen: list[int] = []
    for index in ranked:
        trial = sorted([*chosen, index])
        gaps = sum(_width(" ") if b == a + 1 else _width(" … ") for a, b in pairwise(trial))
        if sum(widths[i] for i in trial) + gaps <= limit:
            chosen = trial
        elif score is None:
            break
    # A lead-in ("I changed three things:") says nothing without what it leads to.
    chosen = [i for i in chosen if not sentences[i].text.endswith(":") or i + 1 in chosen]
    if not chosen:
        return shorten(sentences[ranked[0]].text, limit, _em)
    return _joined(sentences, chosen)


def _action_score(sentence: _Sentence) -> int:
    """How telling a sentence of Action is: the teller's own concrete step, not a lead-in
    (the team's counts for less, a scene-setter for nothing)."""
    text = sentence.text
    words = len(text.split())
    score = 3 if _FIRST_PERSON.search(text) else 1 if _FIRST_PLURAL.search(text) else 0
    score += 2 if sentence.item else 0
    score += 1 if _DIGIT.search(text) else 0
    score += 2 if sentence.index == 0 else 0
    score -= 1 if words < 5 or words > 40 else 0
    score -= 4 if text.endswith(":") else 0
    return score


def _unread_action_score(sentence: _Sentence) -> int:
    """:func:`_action_score` for an Action with no English pronoun in it: a language
    the pronouns cannot read, so no sentence is left out for lacking one."""
    return _action_score(sentence) + 2


def _result_score(sentence: _Sentence) -> int:
    """How telling a sentence of Result is: a measured outcome, the first one said."""
    text = sentence.text
    score = 3 if _DIGIT.search(text) else 2 if key_result(text) else 0
    score += 2 if sentence.index == 0 else 0
    score -= 4 if text.endswith(":") else 0
    return score


def _around_number(clause: str) -> str:
    """The first number in ``clause`` with a few words of context either side."""
    words = clause.split()
    at = next((i for i, word in enumerate(words) if _DIGIT.search(word)), None)
    if at is None:
        return clause
    start = 0 if at <= 5 else at - 3
    while 0 < start < at and words[start].casefold() in _WEAK:
        start += 1
    end = at + 1
    while end < len(words) and end - at <= 5:
        following = words[end + 1] if end + 1 < len(words) else ""
        if words[end].casefold().strip(".,;:!?") in _BREAK and not _DIGIT.search(following):
            break
        end += 1
    while end - 1 > at and words[end - 1].casefold().strip(".,;:!?") in _WEAK:
        end -= 1
    return " ".join(words[start:end])


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def key_number(result: str, shown: str = "") -> str | None:
    """The Result's key number with its few words of context ("kept 92% of sign-up volume").

    From the sentence :func:`~storybank.core.coach.key_result` picks, the
    clause with its first number (digits before written ones), narrowed to a
    few words either side. None when the Result has no number, or when the
    phrase would say no more than ``shown`` (the card's R line) says in full.
    """
    text = result[:CARD_SCAN]
    sentence = key_result(text, limit=len(text) + 1)
    if sentence is None:
        return None
    clauses = [clause for clause in _CLAUSE.split(_flatten(sentence)) if clause.strip()]
    if not clauses:
        return None
    clause = next((c for c in clauses if _DIGIT.search(c)), None)
    if clause is None:
        clause = next((c for c in clauses if key_result(c)), clauses[0])
    phrase = shorten(_around_number(clause).rstrip(".,;:!?"), 2 * KEY_LINE - _LABEL, _em)
    if not phrase or _words(phrase) == _words(shown):
        return None
    return phrase[:1].upper() + phrase[1:]


def plain_line(text: str, limit: int = 100) -> str:
    """The first sentence of Markdown text as plain text, cut at a word to ``limit``."""
    sentences = _sentences(text)
    return shorten(sentences[0].text, limit) if sentences else ""


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
.card { font-size: 9pt; margin-top: 0px; margin-bottom: 2px; }
.key { font-weight: bold; color: #2d6a44; }
.gap { background-color: #fde3b5; }
.empty { color: #888888; font-style: italic; }
</style>
"""


def _document(body: str) -> str:
    return f"<html><head>{_STYLE}</head><body>{body}</body></html>"


def _room(lines: int) -> float:
    """The width of text in ``lines`` lines of a card, after the section's letter, in em."""
    return lines * CARD_LINE - _LABEL


def _lines(text: str | None, per: float = CARD_LINE) -> int:
    """Lines a card paragraph takes: none when absent, one when empty ("(empty)")."""
    if text is None:
        return 0
    return max(1, math.ceil((_width(text) + _LABEL) / per))


def _card_text(record: StoryRecord, room: int) -> tuple[dict[str, str], str | None]:
    """A card's S, T, A and R lines and its key number, in about ``room`` lines.

    Situation and Task get two lines each and Result three; the Action, a
    story's substance, gets the rest (three at least), and any lines it leaves
    go to the Result.
    """
    lines = {name: _pick(_sentences(record.text(name)), _room(2)) for name in ("situation", "task")}
    results = _sentences(record.result)
    lines["result"] = _pick(results, _room(3), _result_score)
    key = key_number(record.result, lines["result"])
    left = room - sum(_lines(lines[name]) for name in lines) - _lines(key, KEY_LINE)
    actions = _sentences(record.action)
    english = any(_FIRST_PERSON.search(s.text) or _FIRST_PLURAL.search(s.text) for s in actions)
    score = _action_score if english else _unread_action_score
    lines["action"] = _pick(actions, _room(max(3, left)), score)
    spare = left - _lines(lines["action"])
    if spare > 0:
        lines["result"] = _pick(results, _room(3 + spare), _result_score)
        key = key_number(record.result, lines["result"])
    return lines, key


def _card(story: SheetStory) -> str:
    """One story's card: title, context, values, a line or more per STAR section, key number."""
    record = story.record
    title = " ".join((record.title or "Untitled story")[:CARD_SCAN].split())
    parts = [f"<p class='card-title'>{escape(shorten(title, CARD_TITLE, _em))}</p>"]
    room = CARD_LINES
    context = " · ".join(
        " ".join(record.text(name)[:CARD_SCAN].split())
        for name in CONTEXT_FIELDS
        if record.text(name).strip()
    )
    if context:
        parts.append(f"<p class='card context'>{escape(shorten(context, CARD_CONTEXT, _em))}</p>")
        room -= 1
    values = _values_line(story)
    if values:
        parts.append(f"<p class='card values'>{values}</p>")
        room -= _lines("".join(f"●  {name} " for name in (*story.primary, *story.supporting)))
    if story.short.strip():  # the candidate's own 30-second telling, as written
        key = key_number(record.result, story.short)
        told = shorten(" ".join(story.short[:CARD_SCAN].split()), _room(room - 1), _em)
        parts.append(f"<p class='card'><b>30 s</b>&nbsp; {escape(told)}</p>")
    else:
        lines, key = _card_text(record, room)
        for name in STAR_SECTIONS:
            shown = escape(lines[name]) if lines[name] else "<span class='empty'>(empty)</span>"
            parts.append(f"<p class='card'><b>{name[0].upper()}</b>&nbsp; {shown}</p>")
    if key:
        parts.append(f"<p class='card key'>★ {escape(key)}</p>")
    return "".join(parts)


_CARD_CELL = "width='50%' valign='top' style='border: 1px solid #8c8c8c'"


def cheat_sheet(stories: Sequence[SheetStory]) -> str:
    """Cards two to a row, each as tall as its story needs.

    Each row is a table of its own, with no header row: gui/print.py moves a
    row that would cross a page edge to the next page, so a card is never split.
    """
    rows = []
    for first in range(0, len(stories), CARD_COLUMNS):
        cells = [
            f"<td {_CARD_CELL}>{_card(story)}</td>"
            for story in stories[first : first + CARD_COLUMNS]
        ]
        cells += ["<td width='50%'></td>"] * (CARD_COLUMNS - len(cells))
        rows.append(
            f"<table width='100%' cellspacing='5' cellpadding='6'><tr>{''.join(cells)}</tr></table>"
        )
    return _document("".join(rows) or "<p class='empty'>No stories to print.</p>")


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


#: The narrowest text width a matrix is printed in, in mm: Letter landscape, A4 portrait.
_MATRIX_PAGE_MM = {True: 249.0, False: 180.0}
#: The story column's least width, and what a cell adds to its text (padding, borders), in mm.
_STORY_COLUMN_MM = 45.0
_CELL_MM = 2.0
_COUNT_PT = 11.0  # a bold count at the body's 10 pt, counted a little wider
_PT_MM = 25.4 / 72


def _text_mm(text: str, points: float) -> float:
    """How wide ``text`` prints at ``points`` in DejaVu Sans, a little over, in mm."""
    return _width(text) * points * _PT_MM * 1.03


def _abbreviation(word: str, room: float) -> str:
    """``word`` shortened with a full stop to fit ``room`` mm, ending before a vowel if it can."""
    fitting = [
        end
        for end in range(len(word) - 1, 1, -1)
        if _text_mm(word[:end] + ".", MATRIX_HEAD_PT) <= room
    ]
    for end in fitting:
        if word[end - 1].casefold() not in "aeiouy" and word[end].casefold() in "aeiouy":
            return word[:end] + "."
    return word[: fitting[0] if fitting else 2] + "."


def _column_mm(head: str, count: str) -> float:
    longest = max((_text_mm(word, MATRIX_HEAD_PT) for word in head.split()), default=0.0)
    return max(longest, _text_mm(count, _COUNT_PT)) + _CELL_MM


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    """One value's column in the matrix: its name, its heading and its width in % of the table."""

    name: str
    head: str
    width: float


def matrix_bands(
    names: Sequence[str], counts: Sequence[str], landscape: bool
) -> list[list[MatrixColumn]]:
    """The value columns, in bands that each fit across the page with whole words.

    A column is as wide as the longest word of its value's name at
    :data:`MATRIX_HEAD_PT` (or as its count line), so no name breaks inside a
    word. When the columns would leave the story column less than its least
    width, they are shared out evenly among as few bands as fit, each printed
    on pages of its own. Only a word wider than a quarter of the room is
    abbreviated ("Extraordin."), and the legend spells it out.
    """
    page = _MATRIX_PAGE_MM[landscape]
    room = page - _STORY_COLUMN_MM
    widest = room / 4 - _CELL_MM
    columns = []
    for name, count in zip(names, counts, strict=True):
        head = " ".join(
            _abbreviation(word, widest) if _text_mm(word, MATRIX_HEAD_PT) > widest else word
            for word in name.split()
        )
        columns.append((MatrixColumn(name, head, 0.0), _column_mm(head, count)))
    for size in range(1, len(columns) + 1):
        bands = _share(columns, size, room)
        if bands is not None:
            return [[replace(c, width=mm / page * 100) for c, mm in band] for band in bands]
    return [[]]


_Measured = tuple[MatrixColumn, float]


def _share(columns: Sequence[_Measured], count: int, room: float) -> list[list[_Measured]] | None:
    """``columns`` in order in ``count`` bands of about equal width, or None if one is
    wider than ``room``."""
    share = sum(mm for _column, mm in columns) / count
    bands: list[list[_Measured]] = [[] for _ in range(count)]
    done = 0.0
    for column in columns:
        bands[min(count - 1, int((done + column[1] / 2) // share))].append(column)
        done += column[1]
    if any(sum(mm for _column, mm in band) > room for band in bands):
        return None
    return [band for band in bands if band]


def _matrix_table(
    stories: Sequence[SheetStory],
    band: Sequence[MatrixColumn],
    gaps: set[str],
    totals: str,
    first: bool,
) -> str:
    """One page of the matrix: a band of value columns for some stories, ``totals`` last."""
    shade = {column.name: " class=gap" if column.name in gaps else "" for column in band}
    head = "".join(
        f"<td width='{column.width:.2f}%' align='center'{shade[column.name]}>"
        f"<span style='font-size: {MATRIX_HEAD_PT}pt'>{escape(column.head)}</span></td>"
        for column in band
    )
    story_width = 100 - sum(column.width for column in band)
    rows = []
    for story in stories:
        marks = {**dict.fromkeys(story.supporting, "○"), **dict.fromkeys(story.primary, "●")}
        cells = "".join(
            f"<td align='center'{shade[column.name]}>{marks.get(column.name, '')}</td>"
            for column in band
        )
        title = " ".join((story.record.title or "Untitled story")[:CARD_SCAN].split())
        title = escape(shorten(title, MATRIX_TITLE))
        rows.append(f"<tr><td><small>{title}</small></td>{cells}</tr>")
    brk = "" if first else " style='page-break-before: always'"
    return (
        f"<table width='100%' border='1' cellspacing='0' cellpadding='2'{brk} "
        "style='border-collapse: collapse; border-color: #bbbbbb'>"
        f"<thead><tr><th align='left' width='{story_width:.2f}%'>Story</th>{head}</tr></thead>"
        f"{''.join(rows)}{totals}</table>"
    )


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
    names = [v.name for v in values]
    bands = matrix_bands(
        names,
        [f"{primary[name]}/{total[name]}" for name in names],
        needs_landscape(Layout.MATRIX, len(values)),
    )
    tables: list[str] = []
    for band in bands:
        counts = "".join(
            f"<td align='center'{' class=gap' if c.name in gaps else ''}>"
            f"<b>{primary[c.name]}</b>/{total[c.name]}</td>"
            for c in band
        )
        totals = f"<tr><td><b>Primary / all stories</b></td>{counts}</tr>"
        for start in range(0, max(1, len(stories)), MATRIX_ROWS_PER_PAGE):
            end = start + MATRIX_ROWS_PER_PAGE
            last = totals if end >= len(stories) else ""
            tables.append(_matrix_table(stories[start:end], band, gaps, last, not tables))
    return _document(_matrix_legend(bands) + "".join(tables))


def _matrix_legend(bands: Sequence[Sequence[MatrixColumn]]) -> str:
    """The marks explained, and any abbreviated value names spelled out."""
    legend = (
        "<p>● primary · ○ supporting · shaded: a value with no primary story or fewer "
        "than two stories.</p>"
    )
    short = [f"{escape(c.head)} {escape(c.name)}" for b in bands for c in b if c.head != c.name]
    return legend + (f"<p class='tags'>{' · '.join(short)}</p>" if short else "")


def build_sheet(
    layout: Layout,
    records: Sequence[StoryRecord],
    values: Sequence[ValueInfo],
    short: Mapping[int, str] | None = None,
) -> str:
    """The HTML body of a sheet in ``layout``; the cheat sheet prints a story's
    30-second telling (``short``, by story id) in place of its STAR lines."""
    stories = sheet_stories(records, values, short)
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
