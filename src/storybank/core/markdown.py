"""Markdown -> sanitized HTML for previews and sheets.

Raw HTML typed into a story is shown as text, never interpreted: the Markdown
parser's HTML passes are removed, and nh3 cleans the result with an allow-list
as a second guard. No element that loads anything (img, iframe, ...) survives.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import markdown

#: Longest text rendered in a preview; the rest is summarised, not rendered.
PREVIEW_LIMIT = 100_000

_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead",
    "tbody", "tr", "th", "td", "del", "sup", "sub", "div", "span",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"https", "http", "mailto"}


@cache
def _parser() -> markdown.Markdown:
    """The Markdown parser, built (and imported) on first use, off the start-up path."""
    import markdown

    parser = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    return parser


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


def to_html(text: str, *, limit: int = PREVIEW_LIMIT) -> str:
    """Render Markdown text to sanitized HTML, capping very long input."""
    extra = ""
    if len(text) > limit:
        hidden = len(text) - limit
        text = text[:limit]
        extra = f"<p><em>… {hidden:,} more characters not shown in the preview.</em></p>"
    parser = _parser()
    parser.reset()
    return sanitize(parser.convert(text)) + extra


def escape(text: str) -> str:
    """Escape plain text for HTML."""
    import html  # not at start-up: its entity table is large

    return html.escape(text, quote=True)
