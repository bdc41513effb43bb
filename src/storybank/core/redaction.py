"""Confidential details: the terms and built-in patterns a redacted rendering
hides, and the redaction itself (no Qt).

A term (a customer, a partner, a project, a figure) is matched in any case, on
word boundaries, longest first; its words may be split by any run of spaces,
a line break or Markdown emphasis ("**Acme** Corp"). Scripts written without
spaces between words (Chinese, Japanese, Korean, Thai…) have no boundaries to
keep, so a term next to them is matched too. A built-in pattern (currency
amounts, e-mail addresses) is matched by its regular expression. Every match
is replaced by its alias; all of them are one precompiled expression, so the
editor can mark what it finds while the candidate types.

Redaction works on the text before it is escaped into HTML or written to a
file, and checks its own output: an alias that would show a hidden detail is
replaced by the default one, and text that still matches after three passes
loses what matches. So a redacted rendering never holds the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, TypeVar

from storybank.core.records import TEXT_FIELDS, StoryRecord, ValueInfo

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")

TERM = "term"
PATTERN = "pattern"
#: What a term with no alias of its own is replaced by.
DEFAULT_ALIAS = "[redacted]"
MAX_TERM = 200
MAX_ALIAS = 200

# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, CJK
# (with kana), Hangul (its particles join the noun), half-width kana.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003134f"
)
#: Not just after (or before) a letter or digit of a script that spaces its words.
_BEFORE = rf"(?<![^\W{_UNSPACED}])"
_AFTER = rf"(?![^\W{_UNSPACED}])"
#: What may stand between a term's words: spaces, line breaks, Markdown emphasis.
_GAP = r"[\s*_~`]+"
_APOSTROPHES = "'’ʼ"
_HYPHENS = "-‐‑"

_NUMBER = r"(?:\d{1,3}(?:[,. \u00a0\u202f\u2009']\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
_SYMBOL = r"(?:R|US|U\.S\.|A|AU|C|CA|NZ|HK|S|NT)?\$|[€£¥₹₩₽₪₫₦₱฿₴₿¢]"
_CODE = (
    r"(?:USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|NZD|HKD|SGD|INR|SEK|NOK|DKK|PLN|BRL|"
    r"MXN|ZAR|KRW|ILS|AED|SAR|Rs\.?)"
)
_SCALE_WORD = (
    r"thousand|million|billion|trillion|mln|mio\.?|mrd\.?|bn|mn|mm|tn|lakhs?|crores?|[kmbt]"
)
_SCALE = rf"(?:[\s\u00a0]?(?:{_SCALE_WORD}){_AFTER}|[万萬億亿千])"
_AMOUNT = rf"{_NUMBER}(?:\s?(?:-|–|—|to)\s?(?:{_SYMBOL})?{_NUMBER})?{_SCALE}?"
_CURRENCY_WORD = (
    r"(?:(?:US|U\.S\.|Canadian|Australian)\s)?dollars?|euros?|pounds?(?:\ssterling)?|"
    r"yen|yuan|rupees?|francs?|kronor|kroner|[元円]"
)
_CURRENCY = (
    rf"(?:{_SYMBOL})\s?{_AMOUNT}"
    rf"|{_BEFORE}{_CODE}\s?{_AMOUNT}"
    rf"|{_BEFORE}(?<![.,]){_AMOUNT}\s?(?:[€£¥₹₩₽₪₫₦₱฿₴₿¢$]|(?:{_CODE}|{_CURRENCY_WORD}){_AFTER})"
)
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


@dataclass(frozen=True, slots=True)
class BuiltinPattern:
    """One built-in pattern a candidate can turn on: its label, expression and alias."""

    key: str
    label: str
    source: str
    alias: str


PATTERNS: dict[str, BuiltinPattern] = {
    pattern.key: pattern
    for pattern in (
        BuiltinPattern(
            "currency", "Currency amounts ($4.2M, $120,000, USD 3 million, €5m, £2bn)",
            _CURRENCY, "~$XM",
        ),
        BuiltinPattern("email", "E-mail addresses", _EMAIL, "[email]"),
    )
}  # fmt: skip


class TermError(ValueError):
    """A confidential term or alias that cannot be kept, with a one-line reason."""


@dataclass(frozen=True, slots=True)
class SensitiveRule:
    """One confidential detail as stored: a term (``kind`` "term") or a built-in
    pattern (``kind`` "pattern", ``term`` its key), and the alias shown instead."""

    kind: str
    term: str
    alias: str = ""
    id: int | None = None
    position: int = 0

    @property
    def default_alias(self) -> str:
        """The alias used when none is given."""
        pattern = PATTERNS.get(self.term) if self.kind == PATTERN else None
        return pattern.alias if pattern else DEFAULT_ALIAS

    @property
    def shown_alias(self) -> str:
        """The alias a redacted rendering shows: its own, else the default."""
        return self.alias or self.default_alias


@dataclass(frozen=True, slots=True)
class Span:
    """Where a confidential detail is in a text (code points), and its alias."""

    start: int
    end: int
    alias: str


def term_key(text: str) -> str:
    """A term as compared: NFC, one kind of apostrophe and hyphen, no Markdown
    emphasis, spaces folded, case folded."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(f"[{_APOSTROPHES}]", "'", re.sub(f"[{_HYPHENS}]", "-", text))
    return " ".join(re.sub(r"[*_~`]", " ", text).split()).casefold()


def _term_source(term: str) -> str:
    """The expression of one term: its words with any gap between, apostrophes and
    hyphens in any form, boundaries where its ends are letters or digits."""
    words = []
    for word in unicodedata.normalize("NFC", term).split():
        escaped = "".join(
            f"[{_APOSTROPHES}]" if char in _APOSTROPHES
            else f"[{_HYPHENS}]" if char in _HYPHENS
            else re.escape(char)
            for char in word
        )  # fmt: skip
        words.append(escaped)
    body = _GAP.join(words)
    stripped = term.strip()
    start = _BEFORE if re.match(r"\w", stripped) else ""
    end = _AFTER if re.search(r"\w$", stripped) else ""
    return f"{start}{body}{end}"


def clean_alias(alias: str) -> str:
    """An alias as typed, on one line, trimmed; refused when too long."""
    cleaned = " ".join(alias.split())
    if len(cleaned) > MAX_ALIAS:
        raise TermError(f"An alias is at most {MAX_ALIAS} characters.")
    return cleaned


def clean_term(term: str, taken: Iterable[str] = ()) -> str:
    """A term as typed, trimmed and checked; ``taken`` are the terms already listed.

    Refused with a one-line reason: empty, only spaces, no letter or digit (it
    would hide punctuation everywhere), too long, or already listed.
    """
    if not term:
        raise TermError("The term is empty: type the name or words to hide.")
    cleaned = " ".join(term.split())
    if not cleaned:
        raise TermError("The term is only spaces: type the name or words to hide.")
    if len(cleaned) > MAX_TERM:
        raise TermError(f"A term is at most {MAX_TERM} characters.")
    if not re.search(r"\w", cleaned) or not term_key(cleaned):
        raise TermError(f"“{cleaned}” has no letter or digit to look for.")
    if term_key(cleaned) in {term_key(other) for other in taken}:
        raise TermError(f"“{cleaned}” is already in the list.")
    return cleaned


def check_rule(rule: SensitiveRule, others: Sequence[SensitiveRule]) -> SensitiveRule:
    """``rule`` cleaned and checked against the ``others`` listed; TermError if not.

    A term's alias may not show the term itself (it would print what it hides).
    """
    alias = clean_alias(rule.alias)
    if rule.kind == PATTERN:
        if rule.term not in PATTERNS:
            raise TermError(f"There is no built-in pattern “{rule.term}”.")
        checked = replace(rule, alias=alias)
    elif rule.kind == TERM:
        taken = [other.term for other in others if other.kind == TERM and other.id != rule.id]
        checked = replace(rule, term=clean_term(rule.term, taken), alias=alias)
    else:
        raise TermError(f"Unknown kind of confidential detail: {rule.kind}.")
    if alias and Redactor([replace(checked, alias="")]).spans(alias):
        raise TermError(f"The alias “{alias}” would show what it hides.")
    return checked


class Redactor:
    """The confidential details as one precompiled expression: finds them (for
    the editor's marks) and replaces each with its alias (for a redacted rendering)."""

    def __init__(self, rules: Iterable[SensitiveRule]) -> None:
        self.rules = tuple(rules)
        terms = sorted(
            {
                term_key(r.term): r for r in self.rules if r.kind == TERM and term_key(r.term)
            }.items(),
            key=lambda item: (-len(item[0]), item[0]),
        )
        patterns = list(
            {r.term: r for r in self.rules if r.kind == PATTERN and r.term in PATTERNS}.values()
        )
        groups = []
        if terms:
            groups.append(f"(?P<term>(?i:{'|'.join(_term_source(r.term) for _k, r in terms)}))")
        for rule in patterns:
            groups.append(f"(?P<p_{rule.term}>(?i:{PATTERNS[rule.term].source}))")
        self.regex = re.compile("|".join(groups)) if groups else None
        aliases = {key: (rule.shown_alias, rule.default_alias) for key, rule in terms}
        aliases |= {f"p_{r.term}": (r.shown_alias, r.default_alias) for r in patterns}
        #: Each term's (by :func:`term_key`) and each pattern's (``p_key``) alias,
        #: safe: one that would show a detail gives way to its default, or to nothing.
        self.aliases = {key: self._safe(*pair) for key, pair in aliases.items()}

    def _safe(self, alias: str, default: str) -> str:
        for candidate in (alias, default):
            if self.regex is None or not self.regex.search(candidate):
                return candidate
        return ""

    @property
    def active(self) -> bool:
        """Whether anything is listed to hide."""
        return self.regex is not None

    def _alias(self, match: re.Match[str]) -> str:
        group = match.lastgroup or ""
        if group != "term":
            return self.aliases.get(group, DEFAULT_ALIAS)
        return _emphasis(match.group(), self.aliases.get(term_key(match.group()), DEFAULT_ALIAS))

    def spans(self, text: str) -> list[Span]:
        """Every confidential detail in ``text``, in order, with its alias."""
        if self.regex is None or not text:
            return []
        return [Span(m.start(), m.end(), self._alias(m)) for m in self.regex.finditer(text)]

    def redact(self, text: str) -> str:
        """``text`` with every confidential detail replaced by its alias."""
        if self.regex is None or not text:
            return text
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        for _ in range(3):
            if not self.regex.search(text):
                return text
            text = self.regex.sub(self._alias, text)
        while self.regex.search(text):  # each pass shortens the text: it ends
            text = self.regex.sub("", text)
        return text

    def redact_fields(self, item: T, names: Iterable[str]) -> T:
        """A dataclass ``item`` with the text fields ``names`` redacted (a tuple of
        strings, such as tags, item by item)."""
        if self.regex is None:
            return item
        changes: dict[str, object] = {}
        for name in names:
            value = getattr(item, name)
            if isinstance(value, str):
                changes[name] = self.redact(value)
            elif isinstance(value, tuple):
                changes[name] = tuple(self.redact(v) if isinstance(v, str) else v for v in value)
        return replace(item, **changes)

    def redact_story(self, item: T) -> T:
        """A story snapshot (a :class:`~storybank.core.records.StoryRecord` or an
        export's story) with its title, context, every section and its tags redacted."""
        names = [f.name for f in fields(item)]
        return self.redact_fields(item, [n for n in (*TEXT_FIELDS, "tags") if n in names])

    def redact_sheet_inputs(
        self, records: Iterable[StoryRecord], values: Iterable[ValueInfo]
    ) -> tuple[list[StoryRecord], list[ValueInfo]]:
        """What a story sheet is made of, redacted before its layout: the stories,
        and the values' names and descriptions (a pack of one's own may name a
        customer)."""
        return (
            [self.redact_story(record) for record in records],
            [self.redact_fields(value, ("name", "description")) for value in values],
        )

    def redact_html(self, markup: str) -> str:
        """Finished HTML with its text and its text-bearing attributes redacted.

        A safety pass over what a renderer is handed: text is unescaped, redacted
        and escaped again only where something matched; tags are left whole.
        """
        if self.regex is None:
            return markup
        parts = []
        last = 0
        for tag in _TAG.finditer(markup):
            parts.append(self._html_text(markup[last : tag.start()]))
            parts.append(_ATTRIBUTE.sub(self._attribute, tag.group()))
            last = tag.end()
        parts.append(self._html_text(markup[last:]))
        return "".join(parts)

    def _html_text(self, segment: str) -> str:
        import html  # printing and export need it; start-up (this module) does not

        plain = html.unescape(segment)
        if not segment or self.regex is None or not self.regex.search(plain):
            return segment
        return html.escape(self.redact(plain), quote=False)

    def _attribute(self, match: re.Match[str]) -> str:
        import html

        name, quote, value = match.group(1), match.group(2), match.group(3)
        plain = html.unescape(value)
        if self.regex is None or not self.regex.search(plain):
            return match.group()
        return f"{name}={quote}{html.escape(self.redact(plain))}{quote}"


def _emphasis(found: str, alias: str) -> str:
    """``alias`` in place of the term ``found``, keeping the Markdown emphasis marks
    inside it ("**Acme** Corp"): those that close a mark opened before the term
    after the alias, those that open one closed after it before, so that the text
    around stays balanced."""
    opening, closing = [], []
    for run in _MARKS.finditer(found):
        before = found[run.start() - 1] if run.start() else " "
        after = found[run.end()] if run.end() < len(found) else " "
        if before.isspace() and not after.isspace():
            opening.append(run.group())
        elif after.isspace() and not before.isspace():
            closing.append(run.group())
    return "".join(opening) + alias + "".join(closing)


_MARKS = re.compile(r"[*_~`]+")
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r"""\b(title|alt|href|name|id|src)\s*=\s*(['"])(.*?)\2""", re.I | re.S)
