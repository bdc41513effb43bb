"""Markdown rendering: useful formatting, inert HTML, nothing fetched."""

from __future__ import annotations

from storybank.core.markdown import to_html


def test_markdown_formatting_survives() -> None:
    html = to_html("**bold** and *em*\n\n- one\n- two\n\n[site](https://example.com)")
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.com"' in html


def test_html_and_scripts_are_shown_as_text() -> None:
    html = to_html("<script>alert(1)</script>\n\n<div onclick='x()'>hi</div> <b>b</b>")
    assert "<script" not in html and "onclick=" not in html.replace("&#39;", "'").split("&lt;")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;b&lt;/b&gt;" in html


def test_dangerous_links_and_images_are_dropped() -> None:
    html = to_html("[x](javascript:alert(1)) ![pic](https://example.com/p.png) [f](file:///etc)")
    # Refused links stay visible as their own text; none of them is a link.
    assert "href" not in html
    assert "<img" not in html


def test_huge_text_is_capped() -> None:
    html = to_html("word " * 100_000, limit=1000)
    assert len(html) < 5000
    assert "more characters not shown" in html
