"""Markdown -> sanitized HTML for previews and sheets.

Raw HTML typed into a story is shown as text, never interpreted: the Markdown
parser runs with HTML off, and nh3 cleans the result with an allow-list as a
second guard. No element that loads anything (img, iframe, ...) survives.

Rendering is bounded whatever the text: markdown-it-py parses CommonMark in
linear time (Python-Markdown's regular expressions backtracked for minutes on
a line of ``[``), text longer than :data:`MARKDOWN_LIMIT` is not parsed at all,
and text nested deeper than :data:`MAX_NESTING` (lists, quotes, emphasis) is
shown as plain text rather than cut short at the parser's nesting limit.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: Longest text rendered in a preview; the rest is summarised, not rendered.
PREVIEW_LIMIT = 100_000
#: Longest text formatted as Markdown; longer text is shown as plain paragraphs.
#: The parser's worst case is about 20 µs a character (a line of ``[``), so this
#: keeps one section well under a second; a real STAR section is a few thousand.
MARKDOWN_LIMIT = 30_000
#: Longest title or context line shown: Qt paints a paragraph whole on every
#: page it spans, so a megabyte-long title took minutes to print.
HEADING_LIMIT = 1_000
#: Longest paragraph of the plain-text fallback; longer ones are split.
PLAIN_BLOCK = 2_000
#: Deepest nesting of blocks or inline spans formatted; deeper text is shown plain.
MAX_NESTING = 20

_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead",
    "tbody", "tr", "th", "td", "del", "s", "sup", "sub", "div", "span",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"https", "http", "mailto"}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_PLAIN_NOTE = "<p><em>Shown as plain text: too long or too deeply nested to format.</em></p>"


@cache
def _parser() -> MarkdownIt:
    """The Markdown parser, built (and imported) on first use, off the start-up path."""
    from markdown_it import MarkdownIt

    # The nesting limit is checked by the parser itself (its recursion stops
    # there), so no input can exhaust Python's stack.
    return MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING}).enable(
        ["table", "strikethrough"]
    )


def sanitize(fragment: str) -> str:
    """Clean an HTML fragment with the allow-list."""
    import nh3

    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _pieces(paragraph: str, size: int = PLAIN_BLOCK) -> list[str]:
    """``paragraph`` cut into pieces of at most ``size``, at a line or word end if any."""
    pieces = []
    start = 0
    while len(paragraph) - start > size:
        end = start + size
        cut = paragraph.rfind("\n", start, end)
        if cut <= start:
            cut = paragraph.rfind(" ", start, end)
        if cut <= start:
            cut = end
        pieces.append(paragraph[start:cut])
        start = cut
    pieces.append(paragraph[start:])
    return pieces


def plain_html(text: str) -> str:
    """Text as escaped paragraphs, line breaks kept: the fallback that always works.

    A very long paragraph is split into several: Qt lays out and paints one
    paragraph as a whole on every page it spans, so a megabyte in a single
    paragraph took minutes to print; pieces of a few thousand characters keep
    printing time linear in the length of the text.
    """
    parts = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        for piece in _pieces(paragraph):
            if piece.strip():
                parts.append(f"<p>{escape(piece.strip()).replace(chr(10), '<br>')}</p>")
    return "".join(parts)


def _too_deep(tokens: list[Token]) -> bool:
    """Whether the parser reached its nesting limit, where it drops the rest."""
    for token in tokens:
        if token.level >= MAX_NESTING - 1:
            return True
        if token.children and any(child.level >= MAX_NESTING - 1 for child in token.children):
            return True
    return False


def to_html(text: str, *, limit: int = PREVIEW_LIMIT) -> str:
    """Render Markdown text to sanitized HTML, capping very long input."""
    extra = ""
    if len(text) > limit:
        hidden = len(text) - limit
        text = text[:limit]
        extra = f"<p><em>… {hidden:,} more characters not shown in the preview.</em></p>"
    if len(text) > MARKDOWN_LIMIT:
        return plain_html(text) + _PLAIN_NOTE + extra
    parser = _parser()
    tokens = parser.parse(text)
    if _too_deep(tokens):
        return plain_html(text) + _PLAIN_NOTE + extra
    return sanitize(parser.renderer.render(tokens, parser.options, {})) + extra


def clip(text: str, limit: int = HEADING_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for one-line headings."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape plain text for HTML."""
    import html  # not at start-up: its entity table is large

    return html.escape(text, quote=True)
