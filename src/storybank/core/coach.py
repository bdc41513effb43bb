"""The STAR analyzer: a live, explainable check of one story's text.

Pure Python, no Qt and no ORM, so the coach panel, ``storybank coach`` and the
story list's scores all share it. :func:`analyze` takes a story's sections
(name -> text) and returns a :class:`CoachReport`: word counts, estimated
speaking time, section shares, a reading of each rubric dimension
(``core/rubric.py``), the 0-100 readiness score derived from them, and a list
of :class:`Finding` objects. Every finding names its rule, says in one line
why it matters and what to do, and points at a ``[start, end)`` span of the
section text exactly as given (Python ``str`` indices), so the GUI can
highlight the words.

Two kinds of rule: form (length, balance, missing parts, long sentences,
hedges) and substance (vague actions, blame, non-answers, a result nobody
could check, a team result with no share of one's own, a situation with no
stakes, the hard part handed to someone else). The substance rules listen for
the phrases in ``resources/coach/substance.toml`` and ask ``core/lexicon.py``
how common, how negative and what lemma a word is.

Severities mean: a *problem* is what an interviewer would mark down, a
*warning* what weakens the answer, a *note* a hint. All thresholds live in
:class:`Thresholds`; change them there and bump :data:`ANALYZER_VERSION` so
stored scores are recomputed.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import Literal

from storybank.core import lexicon
from storybank.core.records import SECTIONS, STAR_SECTIONS
from storybank.core.rubric import KEYS, clamp, overall, shown
from storybank.core.speaking import CoachSettings, clock, counted
from storybank.resources import resource_path

Severity = Literal["info", "warning", "problem"]

RULES: tuple[str, ...] = (
    "length",
    "balance",
    "result-outcome",
    "ownership",
    "hedges",
    "missing-section",
    "reflection",
    "long-sentence",
    "value-evidence",
    "vague-action",
    "blame",
    "non-answer",
    "team-result",
    "stakes",
    "handed-off",
)

# Bump whenever a rule, threshold or weight changes: stored scores carry the
# version they were computed with and are recomputed when it differs.
ANALYZER_VERSION: int = 2


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the coach noticed: which rule, how serious, why, and where."""

    rule: str
    severity: Severity
    message: str
    section: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CoachReport:
    """The analyzer's result for one story: score, findings and the figures behind them."""

    score: int
    findings: tuple[Finding, ...]
    words: dict[str, int]
    total_words: int
    speaking_seconds: float
    shares: dict[str, float]
    #: The rubric readings (dimension key -> 1.0-5.0; see core/rubric.py); a
    #: dimension that cannot be read (fit, with no value tagged) is absent.
    rubric: dict[str, float]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every number the rules judge by, in one place, each with where it comes from."""

    # [length] Short of the target an answer is only a note: a tight 70-second
    # answer loses nothing. Under 60 % of the target minimum (54 s by default)
    # there is too little room for detail: a warning; under a third, a problem.
    length_short_warning: float = 0.6
    length_short_problem: float = 1 / 3
    # [length] Past the target maximum interviewers start to drift (a
    # warning); past 1.5x (3:45 by default) they usually cut in (a problem).
    length_severe_long: float = 1.5
    # [balance] How far the set-up (Situation + Task) may outweigh the Action
    # before it is flagged: a margin that narrows smoothly as the answer grows
    # (0.05 + 3 / words: 11 points at 50 words, 6.5 at 200), because one
    # sentence swings a short answer's shares a long way. No word count
    # switches the rule on or off.
    balance_margin: float = 0.05
    balance_margin_words: float = 3.0
    # [balance] Coaches cite Action at 50-60 % of a STAR answer; under 40 % the
    # part about what you did is too thin to carry the story.
    action_min_share: float = 0.40
    # [balance] Coaches cite Result at 15-20 %; under 10 % the outcome is a footnote.
    result_min_share: float = 0.10
    # [missing-section] Eight words is about one short sentence, the least that
    # can carry a STAR part on its own.
    section_min_words: int = 8
    # [missing-section] A Situation this long that states the goal carries the
    # Task too: many coaches teach Situation and Task as one step.
    folded_task_words: int = 20
    # [ownership] One or two "we"s are natural team context; from three on,
    # with fewer "I"s than "we"s, the listener cannot tell what you did.
    ownership_min_we: int = 3
    # [long-sentence] 35 words is about 14 s at 150 wpm, longer than a listener
    # holds in mind (plain-language guides put the limit at 25-35 words).
    long_sentence_words: int = 35
    # [long-sentence] From 55 words (over 20 s in one breath) it is a warning.
    very_long_sentence_words: int = 55
    # [vague-action] A generic sentence among concrete ones passes; two or
    # more making up this share of the Action's sentences are a warning, and
    # an Action with nothing concrete at all is a problem.
    vague_share_warning: float = 0.3
    # [stakes] With nothing named at stake, the set-up needs this many concrete
    # details (a number, a name, a rare word) not to be generic.
    stakes_min_details: int = 3
    # [blame] A word at least this negative in the sentiment lexicon (-4..4),
    # in a sentence about someone else, reads as a judgement of them.
    blame_valence: float = -1.5
    # [non-answer] Two habits or hypotheticals in the set-up and Action mean
    # the answer describes a person or a policy, not one occasion.
    non_answer_markers: int = 2
    # Every rule: beyond 30 findings of one rule, more highlights add noise,
    # not information, and reports stay small for storage and JSON.
    max_findings_per_rule: int = 30


THRESHOLDS = Thresholds()

DEFAULT_SETTINGS = CoachSettings()
_DEFAULT_RATE = 150  # words per minute used when settings give a rate <= 0

_SEVERITY_RANK: dict[str, int] = {"problem": 0, "warning": 1, "info": 2}
_SECTION_RANK: dict[str | None, int] = {None: -1, **{n: i for i, n in enumerate(SECTIONS)}}
_LABEL: dict[str, str] = {name: name.capitalize() for name in SECTIONS}

# A word is a run of word characters; an apostrophe inside it ("don't", "I’ve")
# keeps it one word, as a listener hears it.
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Edges for phrase matching: not glued to a word, to a contraction ("'s") or
# to a hyphenated compound ("just" must not match "just-in-time" or "justice"),
# while a quote mark next to a phrase ('basically') is fine.
_LEFT = r"(?<![\w-])(?<!\w['’])"
_RIGHT = r"(?![\w-])(?!['’]\w)"
# Between the words of a listed phrase: any whitespace (line breaks included)
# or a hyphen, so "low hanging fruit" also finds "low-hanging fruit".
_GAP = r"(?:\s+|-)"

# Sentence ends: terminal punctuation (with closing quotes or brackets) before
# whitespace, a blank line, or a line break before a list item or heading;
# Markdown list items are said as separate sentences. The pattern opens with
# one character class so the engine skips straight to candidate characters;
# a run of punctuation is tried once, from its start and without backtracking,
# so "!!!!...x" stays linear.
_SENTENCE_END = re.compile(
    r"[.!?…。！？؟\n](?:"
    r"(?<=[.!?…。！？؟])(?<![.!?…。！？؟]{2})[.!?…。！？؟]*+[\"'”’)\]]*+(?=\s|$)"
    r"|(?<=\n)(?:\s*\n|(?=[ \t]*(?:[-*+•]|\d+[.)]|#)[ \t]))"
    r")"
)

# First person in the Action, singular ("i", "me", "my" ...) versus plural
# ("we", "us", "our" ...), run on folded text (see _fold); the first letter
# tells which. Each branch opens with a plain letter so the engine skips
# straight to candidate letters; the look-behinds after it check that the
# letter starts a word (and is not the tail of a contraction).
_STARTS_WORD = r"(?<!\w.)(?<!\w['’].)"
_PRONOUN = re.compile(
    rf"(?:i{_STARTS_WORD}(?:['’](?:m|ve|d|ll))?"
    rf"|m{_STARTS_WORD}(?:e|y|ine|yself)"
    rf"|w{_STARTS_WORD}e(?:['’](?:re|ve|d|ll))?"
    rf"|u{_STARTS_WORD}s"
    rf"|o{_STARTS_WORD}urs?(?:elves)?"
    r")(?!\w)(?!['’]\w)"
)

# Evidence of a measured result: any digit (every script), a percent or
# currency sign, or a written number, multiple or fraction. "one" is left out:
# "no one" and "one of them" are not measurements.
_NUMBER_WORDS = [
    "zero",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "dozen",
    "dozens",
    "half",
    "halved",
    "halving",
    "twice",
    "thrice",
    "double",
    "doubled",
    "doubles",
    "doubling",
    "triple",
    "tripled",
    "triples",
    "tripling",
    "quadruple",
    "quadrupled",
    "twofold",
    "threefold",
    "fourfold",
    "fivefold",
    "sixfold",
    "tenfold",
    "hundredfold",
    "thousandfold",
    "two fold",
    "three fold",
    "four fold",
    "five fold",
    "six fold",
    "ten fold",
    "hundred fold",
    "thousand fold",
    "percent",
    "per cent",
    "a third",
    "a quarter",
    "a fifth",
    "a tenth",
]
_METRIC = re.compile(
    r"\d|[%‰$€£¥₹₩₽¢]|\b(?:" + "|".join(w.replace(" ", r"[\s-]+") for w in _NUMBER_WORDS) + r")\b",
    re.IGNORECASE,
)
# A figure written in digits or with a percent or currency sign: the strongest
# evidence, preferred over a written number.
_DIGITS = re.compile(r"\d|[%‰$€£¥₹₩₽¢]")


@dataclass(frozen=True, slots=True)
class Phrases:
    """The hedge and vague-phrase lists from ``resources/coach/phrases.toml``."""

    version: int
    date: str
    hedges: tuple[str, ...]
    vague: tuple[str, ...]


@cache
def load_phrases() -> Phrases:
    """Read and check the phrase lists (once per process)."""
    path = resource_path("coach", "phrases.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), int):
        raise ValueError(f"{path.name}: missing [meta] table with an integer 'version'")
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("hedges", "vague"):
        raw = data.get(name)
        if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
            raise ValueError(f"{path.name}: '{name}' must be a non-empty list of strings")
        # Normalised here so a hand edit with stray case or spaces still matches.
        lists[name] = tuple(dict.fromkeys(" ".join(p.lower().split()) for p in raw if p.strip()))
    return Phrases(
        version=meta["version"],
        date=str(meta.get("date", "")),
        hedges=lists["hedges"],
        vague=lists["vague"],
    )


# Pattern building. Phrase and keyword lists become one regex each, shaped as a
# trie (shared prefixes factored out) and run over a lowercased copy of the
# text (see _fold) instead of with re.IGNORECASE: the engine then rejects a
# branch with a single character compare, which makes a pass over a 3,000-word
# story several times faster than a flat case-insensitive alternation.

_MAX_PHRASE = 64  # longer list entries are surely a slip; they would only deepen the trie


def _fold(text: str) -> str:
    """Lowercase ``text`` keeping every index: spans found in the copy fit the original.

    ``str.lower`` maps each character to exactly one character, except "İ"
    (U+0130), which becomes "i" plus a combining dot; it is folded to "i" first.
    The typographic apostrophe becomes the straight one, as in the lists.
    """
    return text.replace("\u0130", "i").lower().replace("’", "'")


def _char(char: str) -> str:
    # Straight and typographic apostrophes are the same to a reader.
    return "['’]" if char in "'’" else re.escape(char)


def _alternatives(options: Sequence[str]) -> str:
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _inflections(word: str) -> tuple[str, tuple[str, ...]]:
    """An English word's stem and the endings that make its simple inflections."""
    if not re.fullmatch(r"[a-z]{3,}", word):
        return word, ("",)
    if word.endswith("e"):  # decide, decides, decided, decider, deciding
        return word[:-1], ("e", "es", "ed", "er", "ers", "ing")
    if word.endswith("y") and word[-2] not in "aeiou":  # apply, applies, applied, applying
        return word[:-1], ("y", "ies", "ied", "ying")
    last = word[-1]  # own, owns, owned, owner, owning; bet, betting (doubled consonant)
    return word, ("", "s", "es", "ed", "er", "ers", "ing", "ly", *(last + e for e in ("ed", "ing")))


def _tokens(phrase: str, *, inflect: bool) -> list[str]:
    """The regex pieces of a folded phrase, in order: one per character, gap or ending."""
    tokens: list[str] = []
    for index, word in enumerate(phrase.split()):
        if index:
            tokens.append(_GAP)
        stem, endings = _inflections(word) if inflect else (word, ("",))
        tokens += [_char(char) for char in stem]
        if endings != ("",):
            # Longest ending first and the empty ending last, so the longer word wins.
            ordered = sorted(endings, key=lambda e: (-len(e), e))
            tokens.append(_alternatives(["".join(_char(c) for c in e) for e in ordered]))
    return tokens


def _trie_pattern(phrases: Sequence[Sequence[str]]) -> str:
    """One regex matching any of the token sequences, common prefixes shared."""
    end = ""  # the key marking "a phrase may end here" (no token is empty)
    root: dict[str, dict] = {}
    for tokens in phrases:
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node[end] = {}

    def emit(node: dict[str, dict]) -> str:
        # Children before the end marker: a longer phrase is tried before its prefix.
        options = [token + emit(child) for token, child in node.items() if token != end]
        if end in node:
            options.append("")
        return _alternatives(options) if options else ""

    return emit(root)


def _phrase_key(text: str) -> str:
    """A phrase as lists and matches are compared: folded, one space between words."""
    return " ".join(w for w in re.split(r"[\s-]+", _fold(text).replace("’", "'")) if w)


# "kind of" and "sort of" hedge only on their own: "this kind of mistake" and
# "what sort of plan" are plain nouns, so a determiner just before rules them out.
_NOUN_USE = re.compile(
    r"(?<!\w)(?:a|the|this|that|what|which|any|some|same|every|these|those)\s+\Z"
)


@lru_cache(maxsize=256)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """The regex (run on folded text) for a value's keywords and their inflections."""
    keys = {_phrase_key(k) for k in keywords if len(k) <= _MAX_PHRASE}
    keys.discard("")
    if not keys:
        return None
    body = _trie_pattern([_tokens(key, inflect=True) for key in sorted(keys)])
    return re.compile(r"(?<!\w)(?<!\w['’])" + body + r"(?!\w)(?!['’]\w)")


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _clipped(text: str, limit: int = 60) -> str:
    """``text`` cut to about ``limit`` characters at a word, with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(maxsplit=1)[0] + "…"


def _quoted(text: str) -> str:
    return "“" + " ".join(text.split()) + "”"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _sentences(text: str) -> list[tuple[int, int, int]]:
    """The sentences of ``text`` as (start, end, words), untrimmed.

    The spans tile the text without splitting a word, so their word counts add
    up to the text's: counting words here, once, serves both the section
    totals and the long-sentence rule.
    """
    return [(start, end, len(words)) for start, end, words in _worded_sentences(text)]


def _worded_sentences(text: str) -> list[tuple[int, int, list[str]]]:
    """The sentences of ``text`` as (start, end, their words)."""
    sentences = []
    position = 0
    for end in [*(match.end() for match in _SENTENCE_END.finditer(text)), len(text)]:
        if end > position:
            sentences.append((position, end, _WORD.findall(text, position, end)))
            position = end
    return sentences


def _count(matches: Iterator[re.Match[str]], limit: int) -> int:
    """How many matches there are, counting no further than ``limit``."""
    return sum(1 for _ in islice(matches, max(0, limit)))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    first = start + len(chunk) - len(chunk.lstrip())
    return first, max(first, start + len(chunk.rstrip()))


# -- substance lists -----------------------------------------------------------

#: The lists in resources/coach/substance.toml, and whether each is matched
#: with its words' simple inflections.
SUBSTANCE_LISTS: Mapping[str, bool] = {
    "generic_actions": True,
    "traits": False,
    "vague_words": False,
    "generic_nouns": False,
    "outcome_markers": False,
    "empty_outcomes": False,
    "stakes": False,
    "dates": False,
    "self_description": False,
    "hypothetical": False,
    "others": False,
    "blame": False,
    "owned": False,
    "handed_off": False,
    "generic_lessons": False,
    "changed_since": False,
    "neutral": False,
    "reported": False,
}


@cache
def load_substance() -> dict[str, tuple[str, ...]]:
    """Read and check the substance rules' phrase lists (once per process)."""
    path = resource_path("coach", "substance.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), int):
        raise ValueError(f"{path.name}: missing [meta] table with an integer 'version'")
    lists: dict[str, tuple[str, ...]] = {}
    for name in SUBSTANCE_LISTS:
        raw = data.get(name)
        if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
            raise ValueError(f"{path.name}: '{name}' must be a non-empty list of strings")
        lists[name] = tuple(dict.fromkeys(" ".join(p.lower().split()) for p in raw if p.strip()))
    return lists


#: Forms of "be" a listed "be ..." phrase also matches ("was proactive").
_BE = ("be", "am", "is", "are", "was", "were", "been", "being")


def _forms(phrase: str) -> tuple[str, ...]:
    """A phrase with its first word's simple verb forms ("help out", "helped out" ...)."""
    first, _, rest = phrase.partition(" ")
    if first == "be":
        heads: tuple[str, ...] = _BE
    else:
        stem, endings = _inflections(first)
        heads = tuple(stem + e for e in endings if e not in _NOT_VERB_ENDINGS)
    return tuple(f"{head} {rest}".strip() for head in heads)


# Endings of _inflections that make a noun or an adverb, not a verb form:
# "manager" is not a form of "manage".
_NOT_VERB_ENDINGS = frozenset({"er", "ers", "ly"})


@cache
def _phrase_index() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One regex for every listed phrase, and the lists each phrase is on.

    Every list (hedges and vague phrases, the substance lists, written
    numbers) goes into one trie, run once over each section's folded text.
    The pattern is a look-ahead, so matches may overlap: "probably" is still
    a hedge inside "I'd probably". Group 1 is the phrase.
    """
    phrases = load_phrases()
    lists: dict[str, Sequence[str]] = {
        "hedges": phrases.hedges,
        "vague": phrases.vague,
        **load_substance(),
        "numbers": _NUMBER_WORDS,
    }
    kinds: dict[str, set[str]] = {}
    for name, entries in lists.items():
        for entry in entries:
            for form in _forms(entry) if SUBSTANCE_LISTS.get(name) else (entry,):
                key = _phrase_key(form)
                if key and len(key) <= _MAX_PHRASE:
                    kinds.setdefault(key, set()).add(name)
    body = _trie_pattern([_tokens(key, inflect=False) for key in sorted(kinds)])
    pattern = re.compile(_LEFT + "(?=(" + body + ")" + _RIGHT + ")")
    return pattern, {key: frozenset(names) for key, names in kinds.items()}


def _phrase_spans(folded: str) -> dict[str, list[tuple[int, int]]]:
    """Where each list's phrases occur in a folded text: list name -> spans, in order."""
    pattern, kinds = _phrase_index()
    spans: dict[str, list[tuple[int, int]]] = {}
    for match in pattern.finditer(folded):
        span, phrase = match.span(1), match.group(1)
        # Most matches are already in the lists' form; the rest have a line
        # break or a hyphen between their words.
        for name in kinds.get(phrase) or kinds.get(_phrase_key(phrase)) or ():
            spans.setdefault(name, []).append(span)
    return spans


@cache
def _generic_words() -> frozenset[str]:
    """Words that never make a sentence concrete: the generic verbs, traits and nouns."""
    lists = load_substance()
    words = {
        word
        for name in ("generic_actions", "traits", "generic_nouns", "vague_words")
        for phrase in lists[name]
        for word in _phrase_key(phrase).split()
    }
    return frozenset(words)


# A name or a product: a capitalised word after a lowercase word (so not a
# sentence's first word), or an acronym of two or more capitals.
_PROPER = re.compile(r"[A-Z](?:(?<=[a-z,;:] [A-Z])\w|(?<!\w[A-Z])[A-Z]+\b)")
# A hard fact in a set-up: a figure, a name or an acronym.
_FACT = re.compile(r"\d|[%‰$€£¥₹₩₽¢]|[A-Z](?:(?<=[a-z,;:] [A-Z])\w|(?<!\w[A-Z])[A-Z]+\b)")
# A phrase quoted as said or written.
_QUOTE = re.compile(r"[“\"][^”\"\n]{3,}[”\"]")
# A name or a quoted phrase: one search per sentence.
_NAMED = re.compile("|".join((_PROPER.pattern, _QUOTE.pattern)))
# Negation just before a word ("weren't actually", "not really").
_NEGATED = re.compile(r"(?:n['’]t|\bnot|\bnever)\s+\Z")

# A Situation that says what the goal was (Task folded in): "I had to",
# "my job was", "I was asked to", "the goal was" ...
_GOAL = re.compile(
    r"\b(?:i|we)\s+(?:had|needed|wanted|was asked|were asked|was supposed|agreed|"
    r"was expected|was responsible|was tasked|was brought in|set out|volunteered|"
    r"decided|took on|offered)\b|\bon me to\b|\bfell to me\b|\bhad to\b|\bneeded to\b"
    r"|\bmy\s+(?:job|role|task|goal|aim|responsibility|brief|mandate)\b"
    r"|\bthe\s+(?:goal|aim|task|brief|target)\b|\bresponsible for\b|\bin charge of\b"
)
# A Result told as a habit: "usually by the end they see the value".
_HABITUAL = re.compile(r"\b(?:usually|often|sometimes|typically|generally|normally|tends? to)\b")
# "The team" and its kin in a Result, claiming the outcome for a group.
_TEAM = re.compile(r"\b(?:the|our|my)\s+(?:team|group|squad|department|org|company)\b")
# Someone else failing, as the subject of a sentence: "they never", "my
# manager hadn't", "the reviewer approved it without".
_FAILED = re.compile(
    r"\b(?:he|she|they|(?:the|my|our|their|his|her)\s+(?:[\w-]+\s+)?[\w-]+)\s+(?:\w+\s+)?"
    r"(?:never|rarely|didn't|did not|wouldn't|weren't|wasn't|hadn't|couldn't|don't really|"
    r"doesn't really|refused|failed to|forgot|ignored|approved it without|was too|were too|"
    r"clearly)\b"
)
# Where a speaker can breathe inside a sentence.
_BREATH = re.compile(r"[:;—–]|\s-\s")
# A concession after a blaming phrase: "wasn't my job, but I did it anyway".
_CONCEDED = re.compile(r"[^.;]*?\bbut\s+(?:i|i'd|i've)\b")
# Owning a share in one's own words: "I'd handled the standup badly" (found
# from the adverb back, which is rare, rather than from every "I").
_BADLY = re.compile(r"\b(?:badly|poorly|wrongly)\b")
_OWNED = re.compile(r"\bi(?:'d| had)?\s+(?:\w+\s+){0,4}?(?:badly|poorly|wrongly)\b")
# Asking or letting someone else do the hard part: "asked my manager to raise
# it", "let him take it up with her", "left it to HR to sort out".
_HANDOFF = re.compile(
    r"\b(?:asked|got|had|let|left|leave)\s+(?:\S+\s+){0,4}?"
    r"(?:to\s+)?(?:raise it|take it up|take it on|take over|make the call|do the talking|"
    r"break the news|talk to (?:him|her|them)|speak to (?:him|her|them)|"
    r"tell (?:him|her|them)|have the conversation|confront|push back|bring it up|step in|"
    r"deal with (?:it|him|her|them)|sort (?:it|out|things)|handle it|apologi[sz]e)\b"
    r"|\basked\s+(?:\S+\s+){1,5}?to\s+(?:\S+\s+){1,8}?instead\b"
    r"|\bi\s+(?:flagged|raised|passed|escalated|mentioned|reported|sent|forwarded)\s+"
    r"(?:\S+\s+){0,8}?(?:and|so|then)\s+(?:he|she|they)\s+(?:dealt with|handled|sorted|"
    r"took care of|took over|took it up|spoke to|talked to)\b"
)
# Negative words that describe a situation, not a person: naming them is no blame.
_SITUATIONAL = frozenset(
    {
        "problem",
        "problems",
        "issue",
        "issues",
        "mistake",
        "mistakes",
        "failed",
        "fail",
        "failure",
        "failing",
        "risk",
        "risks",
        "crisis",
        "worried",
        "worry",
        "stress",
        "stressed",
        "pressure",
        "frustrated",
        "frustrating",
        "frustration",
        "urgent",
        "broken",
        "broke",
        "bug",
        "bugs",
        "error",
        "errors",
        "wrong",
        "lost",
        "lose",
        "loss",
        "losing",
        "missed",
        "miss",
        "angry",
        "upset",
        "panic",
        "emergency",
        "outage",
        "hurt",
        "pain",
        "painful",
        "concern",
        "concerned",
        "concerns",
        "difficult",
        "hard",
        "tough",
        "late",
        "delay",
        "delayed",
        "disappointed",
        "complaint",
        "complaints",
        "complained",
    }
)


class _Read:
    """One section's text as the rules read it: made once per distinct text.

    A story is analysed again each time typing pauses, and only one
    paragraph of one section has changed. So a section is read paragraph by
    paragraph (split at blank lines), each paragraph's reading cached by its
    text (:func:`_paragraph`), and the section's reading joins them: re-
    analysing a long story costs the paragraph being typed in. What the rules
    ask of one section alone (which sentences are concrete, the pronouns, the
    verbs' tenses, whether a value's keywords appear) is worked out on first
    use and kept; the answers depend on the text only, so sharing them
    across threads is safe.
    """

    __slots__ = (
        "_concrete",
        "_mentions",
        "_parts",
        "_pronouns",
        "_rare",
        "_tenses",
        "folded",
        "sentences",
        "spans",
        "text",
        "worded",
        "words",
    )

    def __init__(self, text: str, parts: Sequence[tuple[int, _Read]] = ()) -> None:
        """Read ``text`` whole, or join the readings of its ``parts`` (offset, reading)."""
        self.text = text
        self.folded = _fold(text)
        # Each part: its character offset, its first sentence's index, its reading.
        self._parts: list[tuple[int, int, _Read]] = []
        self._rare: frozenset[str] | None = None
        self._concrete: list[tuple[bool, bool]] | None = None
        self._pronouns: tuple[int, int, tuple[int, int] | None] | None = None
        self._tenses: list[tuple[int, str]] | None = None
        self._mentions: dict[re.Pattern[str], bool] = {}
        if not parts:
            self.worded = _worded_sentences(self.folded)
            self.spans = _phrase_spans(self.folded)
        else:
            self.worded = []
            self.spans = {}
            for offset, read in parts:
                self._parts.append((offset, len(self.worded), read))
                self.worded += [(start + offset, end + offset, w) for start, end, w in read.worded]
                for name, spans in read.spans.items():
                    self.spans.setdefault(name, []).extend(
                        (start + offset, end + offset) for start, end in spans
                    )
        self.sentences = [(start, end, len(words)) for start, end, words in self.worded]
        self.words = sum(s[2] for s in self.sentences)

    def search(self, name: str, start: int, end: int) -> tuple[int, int] | None:
        """The span of the first phrase of list ``name`` within [start, end), or None."""
        spans = self.spans.get(name)
        if not spans:
            return None
        index = bisect_left(spans, (start, -1))
        if index < len(spans) and spans[index][0] < end:
            return spans[index]
        return None

    def sentence_at(self, position: int) -> tuple[int, int, int]:
        """The sentence (start, end, words) holding the character at ``position``."""
        index = bisect_left(self.sentences, (position + 1, -1, -1)) - 1
        return self.sentences[max(0, index)]

    def rare_words(self) -> frozenset[str]:
        """The words that are rare in everyday English and not generic (see lexicon)."""
        if self._rare is None:
            if self._parts:
                self._rare = frozenset().union(*(read.rare_words() for _o, _i, read in self._parts))
            else:
                every = {word for _start, _end, words in self.worded for word in words}
                self._rare = frozenset(filter(_detail_word, every))
        return self._rare

    def concrete(self) -> list[tuple[bool, bool]]:
        """For each sentence: whether it names something, and whether it has a figure.

        Naming something is a name or acronym, a quoted phrase, or a word
        rare in everyday English that is not on the generic lists; a figure
        is a number in digits or words. A figure makes a plain sentence
        concrete, but not a generic one: "helped the team for 3 weeks" is
        as vague as "helped the team".
        """
        if self._concrete is None and self._parts:
            self._concrete = [flags for _o, _i, read in self._parts for flags in read.concrete()]
        if self._concrete is None:
            text, rare = self.text, self.rare_words()
            self._concrete = [
                (
                    bool(_NAMED.search(text, start, end) or (rare and not rare.isdisjoint(words))),
                    bool(_DIGITS.search(text, start, end) or self.search("numbers", start, end)),
                )
                for start, end, words in self.worded
            ]
        return self._concrete

    def pronouns(self) -> tuple[int, int, tuple[int, int] | None]:
        """First person singular and plural counts, and where the first "we" is."""
        if self._pronouns is None and self._parts:
            singular = plural = 0
            first: tuple[int, int] | None = None
            for offset, _index, read in self._parts:
                one, many, we = read.pronouns()
                singular, plural = singular + one, plural + many
                if first is None and we is not None:
                    first = (we[0] + offset, we[1] + offset)
            self._pronouns = (singular, plural, first)
        if self._pronouns is None:
            singular = plural = 0
            first_we: tuple[int, int] | None = None
            for match in _PRONOUN.finditer(self.folded):
                if match.group()[0] in "im":
                    singular += 1
                elif self.text[match.start() : match.end()] != "US":  # the country
                    plural += 1
                    if first_we is None:
                        first_we = match.span()
            self._pronouns = (singular, plural, first_we)
        return self._pronouns

    def tenses(self) -> list[tuple[int, str]]:
        """Each verb said after "I", as (sentence index, tense); see :func:`_tense`."""
        if self._tenses is None and self._parts:
            self._tenses = [
                (index + first, tense)
                for _offset, first, read in self._parts
                for index, tense in read.tenses()
            ]
        if self._tenses is None:
            starts = [start for start, _end, _words in self.sentences]
            self._tenses = []
            for match in _I_VERB.finditer(self.folded):
                tense = _tense(match.group(1), match.group(2))
                if tense is not None:
                    index = max(0, bisect_left(starts, match.start() + 1) - 1)
                    self._tenses.append((index, tense))
        return self._tenses

    def mentions(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` (a value's keywords) matches anywhere in the section."""
        found = self._mentions.get(pattern)
        if found is None:
            found = self._mentions[pattern] = (
                self._mentioned_in_parts(pattern)
                if self._parts
                else pattern.search(self.folded) is not None
            )
        return found

    def _mentioned_in_parts(self, pattern: re.Pattern[str]) -> bool:
        """:meth:`mentions` for a joined reading, asking as few regex searches as it can.

        Paragraphs already asked answer from what they remember. When none
        has been asked (a story read for the first time), one search over
        the whole section answers, and tells the paragraph it matched in, or
        every paragraph that it has no match.
        """
        known = [read._mentions.get(pattern) for _o, _i, read in self._parts]
        if True in known:
            return True
        if None not in known:
            return False
        if all(answer is None for answer in known):
            match = pattern.search(self.folded)
            if match is None:
                for _offset, _index, read in self._parts:
                    read._mentions[pattern] = False
                return False
            offsets = [offset for offset, _index, _read in self._parts]
            part = self._parts[max(0, bisect_left(offsets, match.start() + 1) - 1)][2]
            part._mentions[pattern] = True
            return True
        return any(
            read.mentions(pattern)
            for (_o, _i, read), answer in zip(self._parts, known, strict=True)
            if answer is None
        )


# Where one paragraph ends and the next begins: a blank line.
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")


@lru_cache(maxsize=64)
def _read(text: str) -> _Read:
    """A section's text read for the rules, paragraph by paragraph, cached by its text."""
    ends = [match.end() for match in _PARAGRAPHS.finditer(text)]
    if not ends:
        return _paragraph(text)
    starts = [0, *ends]
    bounds = zip(starts, [*ends, len(text)], strict=True)
    return _Read(
        text, [(start, _paragraph(text[start:end])) for start, end in bounds if end > start]
    )


@lru_cache(maxsize=4096)
def _paragraph(text: str) -> _Read:
    """One paragraph read whole, cached by its text."""
    return _Read(text)


def forget_readings() -> None:
    """Empty the caches of section and paragraph readings (a benchmark's cold start)."""
    _read.cache_clear()
    _paragraph.cache_clear()


class _Analysis:
    """Working state for one :func:`analyze` call: the texts, counts and findings so far."""

    def __init__(
        self,
        sections: Mapping[str, str],
        settings: CoachSettings,
        value_keywords: Mapping[str, Sequence[str]] | None,
    ) -> None:
        self.texts: dict[str, str] = {}
        for name in SECTIONS:
            value = sections.get(name)
            self.texts[name] = value if isinstance(value, str) else ""
        self.settings = settings
        self.values = _keyword_lists(value_keywords)
        read = {name: _read(text) for name, text in self.texts.items()}
        self.read = read
        self.folded = {name: r.folded for name, r in read.items()}
        self.worded = {name: r.worded for name, r in read.items()}
        self.sentences = {name: r.sentences for name, r in read.items()}
        self.words = {name: r.words for name, r in read.items()}
        self.spans = {name: r.spans for name, r in read.items()}
        self.total_words = sum(self.words[name] for name in STAR_SECTIONS)
        # Candidates say the Reflection aloud too: it counts toward the time.
        self.spoken_words = self.total_words + self.words["reflection"]
        rate = settings.words_per_minute if settings.words_per_minute > 0 else _DEFAULT_RATE
        self.speaking_seconds = self.spoken_words * 60.0 / rate
        self.shares = {
            name: (self.words[name] / self.total_words if self.total_words else 0.0)
            for name in STAR_SECTIONS
        }
        self.findings: list[Finding] = []
        self.thin: set[str] = set()  # STAR sections already flagged as missing or near-empty
        # What the readings are made of, filled in by the rules as they run.
        self.structure_loss = 0.0
        self.specific_share = 0.0  # the share of the Action's sentences with a concrete detail
        self.vague_count = 0
        self.vague_share = 0.0
        self.vague_level = 0  # the vague-action finding: 0 none, 1 note, 2 warning, 3 problem
        self.singular = self.plural = 0
        self.outcome = 0  # 0 none, 1 claimed only, 2 a sign of an outcome, 3 a measured one
        self.fit: float | None = None
        self.reflection_reading = 1.0
        self.not_one_occasion = self.blames = self.hands_off = self.team_only = False

    def add(
        self,
        rule: str,
        severity: Severity,
        message: str,
        section: str | None = None,
        start: int = 0,
        end: int = 0,
    ) -> None:
        self.findings.append(Finding(rule, severity, message, section, start, end))

    def whole(self, rule: str, severity: Severity, message: str, section: str) -> None:
        self.add(rule, severity, message, section, 0, len(self.texts[section]))

    def search(
        self, name: str, section: str, start: int = 0, end: int | None = None
    ) -> tuple[int, int] | None:
        """The span of the first phrase of list ``name`` in a section (or part of it)."""
        read = self.read[section]
        return read.search(name, start, len(read.folded) if end is None else end)

    def all(self, name: str, section: str) -> list[tuple[int, int]]:
        """The spans of every phrase of list ``name`` in a section."""
        return self.spans[section].get(name, [])

    def has(self, name: str, sections: Iterable[str]) -> bool:
        return any(self.search(name, section) for section in sections)

    def rare_count(self, sections: Iterable[str]) -> int:
        """How many words of the sections are rare (see :meth:`rare_words`)."""
        count = 0
        for section in sections:
            rare = self.rare_words(section)
            if rare:
                count += sum(
                    1 for _start, _end, words in self.worded[section] for w in words if w in rare
                )
        return count

    def rare_words(self, section: str) -> frozenset[str]:
        """The section's words that are rare in everyday English and not generic."""
        return self.read[section].rare_words()

    # -- form rules ----------------------------------------------------------

    def missing_sections(self) -> None:
        minimum = THRESHOLDS.section_min_words
        for name in STAR_SECTIONS:
            count, label = self.words[name], _LABEL[name]
            if count == 0:
                if name == "task" and self.task_in_situation():
                    continue  # Situation and Task told as one step
                if name == "task" and self.words["situation"] >= THRESHOLDS.folded_task_words:
                    self.structure_loss += 0.25
                    self.whole(
                        "missing-section",
                        "info",
                        "No Task — fine if the Situation carries it; a sentence saying what "
                        "you had to do (“my job was to …”) makes the stakes yours.",
                        name,
                    )
                    continue
                self.thin.add(name)
                why = {
                    "situation": "the listener needs the setting before anything else makes sense",
                    "task": "without your goal or responsibility the actions have no stakes; "
                    "a sentence in the Situation saying what you had to do is enough",
                    "action": "what you did is the part interviewers score",
                    "result": "an answer without an outcome leaves the interviewer guessing",
                }[name]
                severity: Severity = "warning" if name == "task" else "problem"
                self.structure_loss += 1.0 if name == "task" else 2.0
                self.whole("missing-section", severity, f"{label} is empty — {why}.", name)
            elif count < minimum:
                self.thin.add(name)
                self.structure_loss += 0.75
                self.whole(
                    "missing-section",
                    "warning",
                    f"{label} has only {counted(count, 'word')} — give it at "
                    f"least a full sentence ({minimum}+ words) so it can stand on its own.",
                    name,
                )

    def task_in_situation(self) -> bool:
        """Whether the Situation is long enough to hold the Task and says what the goal was.

        A long Situation that does not say it still may carry the Task: only a
        note then (see :meth:`missing_sections`).
        """
        return self.words["situation"] >= THRESHOLDS.folded_task_words and bool(
            _GOAL.search(self.folded["situation"])
        )

    def length(self) -> None:
        if self.spoken_words == 0:
            return
        low = max(0, self.settings.target_min_seconds)
        high = max(low, self.settings.target_max_seconds)
        seconds = self.speaking_seconds
        band = f"{clock(low)}–{clock(high)}"
        spoken = f"About {clock(seconds)} spoken ({self.spoken_words} words)"
        if seconds < low:
            if seconds < low * THRESHOLDS.length_short_problem:
                severity: Severity = "problem"
                self.structure_loss += 2.0
            elif seconds < low * THRESHOLDS.length_short_warning:
                severity = "warning"
                self.structure_loss += 1.0
            else:
                severity = "info"
                self.structure_loss += 0.25
            self.add(
                "length",
                severity,
                f"{spoken} — aim for {band} so there is room for results and detail.",
            )
        elif seconds > high:
            severity = "problem" if seconds > high * THRESHOLDS.length_severe_long else "warning"
            self.structure_loss += 2.0 if severity == "problem" else 1.0
            longest = max(STAR_SECTIONS, key=lambda n: self.words[n])
            self.add(
                "length",
                severity,
                f"{spoken} — aim for {band}; interviewers lose the thread in long answers, "
                f"so trim first where it is longest ({_LABEL[longest]}, "
                f"{self.words[longest]} words).",
            )

    def balance(self) -> None:
        if not self.total_words:
            return
        shares = self.shares
        setup = shares["situation"] + shares["task"]
        action = shares["action"]
        margin = THRESHOLDS.balance_margin + THRESHOLDS.balance_margin_words / self.total_words
        target = "coaches suggest roughly S 15–20%, T 10–15%, A 50–60%, R 15–20%"
        if "action" in self.thin:
            return
        # The reading falls smoothly with the excess; the finding appears past the margin.
        excess = setup - action
        self.structure_loss += min(1.5, max(0.0, excess) * 3)
        if excess > margin:
            section = "situation" if self.words["situation"] else "task"
            self.whole(
                "balance",
                "warning",
                f"Set-up (Situation + Task) is {_percent(setup)} of the story and Action "
                f"{_percent(action)} — spend most of the time on what you did; {target}.",
                section,
            )
        elif (
            action
            < THRESHOLDS.action_min_share - THRESHOLDS.balance_margin_words / self.total_words
        ):
            self.structure_loss += 0.5
            self.whole(
                "balance",
                "warning",
                f"Action is only {_percent(action)} of the story — it is the part interviewers "
                f"score, so it should carry the most words; {target}.",
                "action",
            )
        if (
            "result" not in self.thin
            and shares["result"]
            < THRESHOLDS.result_min_share - THRESHOLDS.balance_margin_words / self.total_words
        ):
            self.structure_loss += 0.5
            self.whole(
                "balance",
                "info",
                f"Result is only {_percent(shares['result'])} of the story — say what changed "
                f"and how you know; {target}.",
                "result",
            )

    def ownership(self) -> None:
        singular, plural, first_we = self.read["action"].pronouns()
        self.singular, self.plural = singular, plural
        if first_we is not None and plural >= THRESHOLDS.ownership_min_we and plural > singular:
            mine = _times(singular) if singular else "not once"
            self.add(
                "ownership",
                "warning",
                f"The Action says “we” {_times(plural)} but “I” {mine} — interviewers are "
                "hiring you, so say what you did yourself.",
                "action",
                *first_we,
            )

    def hedges(self) -> None:
        limit = THRESHOLDS.max_findings_per_rule
        # A hedge word that is also a tagged value's signal ("honestly" for
        # Candor) is the story showing the value, not the speaker hedging.
        signals = _signals(tuple(self.values.values()))
        count = 0
        for name in SECTIONS:
            folded = self.folded[name]
            found = [(span, "hedge") for span in self.all("hedges", name)]
            found += [(span, "vague") for span in self.all("vague", name)]
            for (start, end), kind in sorted(found):
                key = _phrase_key(folded[start:end])
                before = folded[max(0, start - 12) : start]
                if key.startswith(("kind ", "sort ", "type ")) and _NOUN_USE.search(before):
                    continue
                if key in signals or _NEGATED.search(before):
                    continue  # "weren't actually needed" is a plain negation
                if count >= limit:
                    return
                count += 1
                phrase = _quoted(self.texts[name][start:end])
                if kind == "vague":
                    message = (
                        f"{phrase} is vague — say what you actually did, with whom, and what "
                        "changed."
                    )
                else:
                    message = (
                        f"{phrase} is a hedge or filler — it makes you sound unsure of your own "
                        "work; cut it or say the thing plainly."
                    )
                self.add("hedges", "info", message, name, start, end)

    def long_sentences(self) -> None:
        limit = THRESHOLDS.max_findings_per_rule
        count = 0
        for name in SECTIONS:
            for start, end, words in self.sentences[name]:
                if words <= THRESHOLDS.long_sentence_words:
                    continue
                # A colon, semicolon or dash is a breath: "a short pack: a map, ..."
                words = max(
                    len(_WORD.findall(part)) for part in _BREATH.split(self.texts[name][start:end])
                )
                if words <= THRESHOLDS.long_sentence_words:
                    continue
                if count >= limit:
                    return
                count += 1
                severity: Severity = (
                    "warning" if words >= THRESHOLDS.very_long_sentence_words else "info"
                )
                self.structure_loss += 0.5 if severity == "warning" else 0.1
                self.add(
                    "long-sentence",
                    severity,
                    f"A {words}-word sentence — hard to say in one breath and to follow by ear; "
                    f"split it (under {THRESHOLDS.long_sentence_words} words).",
                    name,
                    *_trimmed(self.texts[name], start, end),
                )

    def value_evidence(self) -> None:
        if not self.values:
            return
        if not any(folded.strip() for folded in self.folded.values()):
            return
        shown = 0
        for name, keywords in list(self.values.items())[: THRESHOLDS.max_findings_per_rule]:
            pattern = _keyword_pattern(keywords)
            if pattern is None or any(read.mentions(pattern) for read in self.read.values()):
                shown += 1
                continue
            examples = ", ".join(" ".join(k.split()) for k in keywords[:4])
            examples += ", …" if len(keywords) > 4 else ""
            self.add(
                "value-evidence",
                "info",
                f"Tagged primary for {' '.join(str(name).split())}, but none of its signal words "
                f"({examples}) appear — name the moment the story shows it.",
            )
        self.fit = 1.0 + 4.0 * shown / min(len(self.values), THRESHOLDS.max_findings_per_rule)

    # -- substance rules -----------------------------------------------------

    def vague_actions(self) -> None:
        """Action sentences that say you were busy without saying what you did.

        A sentence is vague when it has no concrete detail (see
        :meth:`details`) and leans on a generic verb or trait ("helped",
        "team player") or an indefinite stand-in ("went through everything").
        One among concrete sentences passes; two or more making up a third of
        the Action are a warning; an Action with nothing concrete at all, a
        problem.
        """
        text = self.texts["action"]
        vague: list[tuple[int, int]] = []
        counted_sentences = specific = 0
        for index, (start, end, words) in enumerate(self.sentences["action"]):
            if not words:
                continue
            counted_sentences += 1
            named, figure = self.read["action"].concrete()[index]
            if named:
                specific += 1
                continue
            span = (
                self.search("generic_actions", "action", start, end)
                or self.search("traits", "action", start, end)
                or self.search("vague_words", "action", start, end)
            )
            if span is not None:
                vague.append(span)
            elif figure:
                specific += 1
        if not counted_sentences:
            return
        self.specific_share = specific / counted_sentences
        self.vague_count = len(vague)
        self.vague_share = len(vague) / counted_sentences
        if not vague:
            return
        if not specific:
            severity: Severity = "problem"
        elif len(vague) >= 2 and len(vague) / counted_sentences >= THRESHOLDS.vague_share_warning:
            severity = "warning"
        else:
            # One plain sentence among concrete ones is how people talk; and a
            # listed verb may be a noun there ("the hiring plan"). No note.
            self.vague_level = 1
            return
        self.vague_level = {"warning": 2, "problem": 3}[severity]
        for start, end in vague[: THRESHOLDS.max_findings_per_rule]:
            self.add(
                "vague-action",
                severity,
                f"{_quoted(text[start:end])} says you were busy, not what you did — name the "
                "decision, the tool, the person or the number (what exactly, by you, how).",
                "action",
                start,
                end,
            )

    def result_outcome(self) -> None:
        """A Result that states nothing anyone could check.

        A number is the strongest evidence; a date kept, a before and after
        or an adoption ("became the default") also counts. A Result that
        hedges its own outcome ("I believe it was resolved") claims one
        without evidence, unless it gives a number.
        """
        if self.words["result"] == 0:
            return
        text = self.texts["result"]
        measured = bool(_DIGITS.search(text) or self.search("numbers", "result"))
        # A sign of an outcome: a listed one ("became the default", "on time"),
        # a date, or a sentence naming something concrete ("the one-star
        # review was edited") that a listener could check.
        marked = any(self.search(name, "result") for name in ("outcome_markers", "dates")) or any(
            named for named, _figure in self.read["result"].concrete()
        )
        empty = self.search("empty_outcomes", "result")
        habit = _HABITUAL.search(self.folded["result"])
        if habit is not None and empty is None:
            empty, measured = habit.span(), False  # what usually happens, not what did
        if measured:
            self.outcome = 3 if marked or _DIGITS.search(text) else 2
            return
        if marked and empty is None:
            self.outcome = 2
            return
        self.outcome = 1 if empty is not None else 0
        start, end = empty if empty is not None else (0, len(text))
        said = f"{_quoted(text[start:end])} claims" if empty is not None else "The Result states"
        self.add(
            "result-outcome",
            "warning",
            f"{said} no outcome anyone could check — give a number, a date kept, a before "
            "and after, or who adopted it.",
            "result",
            start,
            end,
        )

    def team_result(self) -> None:
        """An outcome claimed for "we" with no share of the candidate's own."""
        folded = self.folded["result"]
        if not folded.strip():
            return
        plural = first = None
        singular = 0
        for match in _PRONOUN.finditer(folded):
            if match.group()[0] in "im":
                singular += 1
            elif plural is None:
                plural = first = match.span()
        team = _TEAM.search(folded)
        if first is None and team is not None:
            first = team.span()
        if singular:
            return
        if first is None:
            # No "we" in the Result, but an Action told without a single "I"
            # ("we arranged ...", "a checklist was put together") leaves the
            # outcome nobody's in particular.
            if self.singular or not (self.plural or self.words["action"]):
                return
            first = (0, len(self.texts["result"]))
        elif self.singular >= max(2, self.plural) and self.vague_level < 2:
            return  # the Action already says who did what, concretely
        self.team_only = True
        self.add(
            "team-result",
            "warning",
            "The Result belongs to the team and the story never says which part was yours — "
            "say what your own work changed (“my rollback script cut …”).",
            "result",
            *first,
        )

    def non_answer(self) -> None:
        """A self-description, a habit or a hypothetical instead of one occasion.

        Listed phrases ("I'm someone who", "usually", "I would") count, and so
        do the verbs after "I": "I'd ask" is a hypothetical, and a set-up and
        Action told mostly in the present ("I page the prescriber") describe a
        routine, not a time it happened.
        """
        found: list[tuple[str, int, int]] = []
        present: list[tuple[str, int, int]] = []
        past = 0
        for section in ("situation", "task", "action"):
            read = self.read[section]
            told_past = {index for index, tense in read.tenses() if tense == "past"}
            for index, tense in read.tenses():
                if tense == "past":
                    past += 1
                    continue
                span = _trimmed(self.texts[section], *self.sentences[section][index][:2])
                (found if tense == "would" else present).append((section, *span))
            found += [(section, *span) for span in self.all("hypothetical", section)]
            for span in self.all("self_description", section):
                # "whenever a thread went past five comments" is a rule the
                # candidate set that time, not a habit: a sentence told in the
                # past is one occasion.
                sentence = read.sentence_at(span[0])
                if read.sentences.index(sentence) not in told_past or _SELF.match(
                    self.folded[section], span[0]
                ):
                    found.append((section, *span))
        if len(present) >= 2 and len(present) > past:
            found += present[:2]  # a routine told in the present
        if len(found) < THRESHOLDS.non_answer_markers:
            return
        self.not_one_occasion = True
        section, start, end = min(found, key=lambda f: (_SECTION_RANK[f[0]], f[1]))
        self.add(
            "non-answer",
            "problem",
            f"{_quoted(_clipped(self.texts[section][start:end]))} describes what you usually or "
            "would do — interviewers want one real occasion: when it was, what you did, what "
            "happened.",
            section,
            start,
            end,
        )

    def stakes(self) -> None:
        """A set-up with no specifics and nothing at stake.

        The set-up (Situation and Task) is specific when it has a hard fact (a
        number, a name, a date) and either names what was at stake (a
        deadline, customers, money, an outage) or holds more concrete
        details. A set-up told as a habit ("I usually ...") is no occasion at
        all, so it has none.
        """
        if self.words["situation"] == 0:
            return
        setup = ("situation", "task")
        if not self.not_one_occasion:
            facts = sum(
                _count(_FACT.finditer(self.texts[section]), 3)
                + len(self.all("numbers", section))
                + len(self.all("dates", section))
                for section in setup
            )
            stakes = sum(len(self.all("stakes", section)) for section in setup)
            if facts and (
                stakes or facts + self.rare_count(setup) >= THRESHOLDS.stakes_min_details
            ):
                return
        self.structure_loss += 0.5
        self.whole(
            "stakes",
            "warning",
            "The Situation could be anyone's — say when and where, and what was at stake "
            "(a deadline, customers, money, a launch) so the listener cares.",
            "situation",
        )

    def blame(self) -> None:
        """Others' failings named with no share owned.

        A listed blaming phrase ("dropped the ball", "should have been") makes
        a sentence blaming; a strongly negative word (from the sentiment
        lexicon) or a failing ("never", "refused") in a sentence about
        someone else makes it half so. Naming others' failings is context when
        the story owns a share, so any owned share ("my mistake", "I should
        have") silences the rule.
        """
        if self.owns_a_share():
            return
        weight = 0.0
        phrased = False
        blamed: list[tuple[str, int, int]] = []
        for section in STAR_SECTIONS:
            folded = self.folded[section]
            for start, end, words in self.sentences[section]:
                if not words:
                    continue
                if self.search("reported", section, start, end):
                    continue  # someone else's words, not the candidate's judgement
                cue = self.search("blame", section, start, end)
                if cue is not None and _CONCEDED.match(folded, cue[1], end):
                    continue  # "wasn't my job, but I ..." takes it on after all
                if cue is not None:
                    weight += 1.0
                    phrased = True
                elif self.search("others", section, start, end) and (
                    _FAILED.search(folded, start, end)
                    or any(
                        lexicon.valence(word) <= THRESHOLDS.blame_valence
                        and word not in _SITUATIONAL
                        for word in _WORD.findall(folded, start, end)
                    )
                ):
                    weight += 0.5
                else:
                    continue
                blamed.append((section, *_trimmed(self.texts[section], start, end)))
        if weight < (1 if phrased else 1.5):
            return
        self.blames = True
        severity: Severity = "problem" if weight >= 2 else "warning"
        for section, start, end in blamed[: THRESHOLDS.max_findings_per_rule]:
            self.add(
                "blame",
                severity,
                "This puts the fault on others and the story owns no share of it — "
                "interviewers hear how you will talk about them; say what you could have "
                "done differently.",
                section,
                start,
                end,
            )

    def owns_a_share(self) -> bool:
        """Whether the candidate owns a share of what went wrong, in their own words.

        An admission inside someone else's reported words ("my manager told
        me I hadn't checked") is their claim, not the candidate's.
        """
        for section in (*STAR_SECTIONS, "reflection"):
            read = self.read[section]
            admissions = [start for start, _end in self.all("owned", section)]
            admissions += [
                match.start()
                for match in _BADLY.finditer(read.folded)
                if _OWNED.search(read.folded, max(0, match.start() - 40), match.end())
            ]
            for position in admissions:
                start, end, _words = read.sentence_at(position)
                if read.search("reported", start, end) is None:
                    return True
        return False

    def handed_off(self) -> None:
        """The hard part passed to someone else, or the hard conversation avoided."""
        for section in ("action", "result"):
            span = self.search("handed_off", section)
            if span is None:
                match = _HANDOFF.search(self.folded[section])
                span = match.span() if match is not None else None
            if span is None:
                continue
            self.hands_off = True
            self.add(
                "handed-off",
                "warning",
                f"{_quoted(self.texts[section][slice(*span)])} hands the hard part to "
                "someone else — interviewers want to hear you handle it: what you said, to "
                "whom, and what you did next.",
                section,
                *span,
            )
            return

    def reflection(self) -> None:
        words = self.words["reflection"]
        if words == 0:
            self.reflection_reading = 1.0
            self.whole(
                "reflection",
                "info",
                "No reflection — interviewers often ask what you learned or would do "
                "differently; prepare one or two sentences.",
                "reflection",
            )
            return
        generic = self.search("generic_lessons", "reflection")
        changed = self.search("changed_since", "reflection")
        if changed is not None:
            self.reflection_reading = 5.0 if words >= THRESHOLDS.section_min_words else 4.0
        elif generic is not None or words < THRESHOLDS.section_min_words:
            self.reflection_reading = 2.0
            self.add(
                "reflection",
                "info",
                "The reflection is a general lesson — say what you do differently since, "
                "or would do next time.",
                "reflection",
                *(generic or (0, len(self.texts["reflection"]))),
            )
        else:
            self.reflection_reading = 3.5

    # -- result --------------------------------------------------------------

    def readings(self) -> dict[str, float]:
        """The rubric readings (1-5) the rules' observations add up to."""
        if not any(self.words.values()):
            return {}
        # Ownership: how much of the Action is "I", less blame and hand-offs.
        mentions = self.singular + self.plural
        ownership = 3.0 if not mentions else 1.5 + 3.5 * min(1.0, self.singular / mentions / 0.7)
        if self.blames:
            ownership = 1.0
        if self.hands_off:
            ownership = min(ownership, 2.5)
        if self.team_only:
            ownership -= 1.0
        # Specificity: half from the Action's sentences with a concrete detail,
        # half from those that are not vague; less a little per vague one.
        concrete = 0.5 * self.specific_share + 0.5 * (1 - self.vague_share)
        specificity = 1.0 + 4.0 * concrete - 0.25 * self.vague_count
        if self.words["action"] == 0:
            specificity = 1.0
        if self.not_one_occasion:
            specificity = min(specificity, 1.5)
        # Result: from none to a measured outcome; a team-only result is half an outcome.
        result = {0: 1.5, 1: 1.5, 2: 4.0, 3: 5.0}[self.outcome]
        if self.words["result"] == 0:
            result = 1.0
        if self.team_only:
            result -= 1.0
        structure = 5.0 - self.structure_loss
        if self.not_one_occasion:
            structure = min(structure, 2.0)
        readings = {
            "ownership": ownership,
            "specificity": specificity,
            "result": result,
            "reflection": self.reflection_reading,
            "structure": structure,
        }
        if self.fit is not None:
            readings["fit"] = self.fit
        return {key: round(clamp(readings[key]), 2) for key in KEYS if key in readings}

    def report(self) -> CoachReport:
        findings = sorted(
            self.findings,
            key=lambda f: (_SEVERITY_RANK[f.severity], _SECTION_RANK[f.section], f.start),
        )
        readings = self.readings()
        return CoachReport(
            score=overall(readings) if readings else 0,
            findings=tuple(findings),
            words=dict(self.words),
            total_words=self.total_words,
            speaking_seconds=self.speaking_seconds,
            shares=self.shares,
            rubric=readings,
        )


@lru_cache(maxsize=256)
def _signals(keyword_lists: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    """Every keyword of the tagged values, in the form phrases are compared."""
    return frozenset(_phrase_key(k) for keywords in keyword_lists for k in keywords)


# A self-description proper ("I'm someone who", "my approach is"), as against
# an adverb of habit ("usually"), which a past-tense sentence overrules.
_SELF = re.compile(r"i\b|i'm\b|my\b|what i\b|people\b")
# Words between "I" and its verb that say nothing about tense.
_ADVERBS = frozenset(
    (
        "then",
        "also",
        "just",
        "usually",
        "always",
        "often",
        "still",
        "really",
        "first",
        "never",
        "normally",
        "typically",
        "generally",
        "simply",
        "actually",
        "now",
        "quickly",
        "immediately",
        "directly",
        "afterwards",
        "sometimes",
        "again",
        "only",
        "even",
        "already",
        "probably",
    )
)
# Verbs whose base form is also their past: their tense cannot be told alone.
_SAME_FORM = frozenset(
    (
        "put",
        "set",
        "read",
        "cut",
        "hit",
        "let",
        "shut",
        "cost",
        "quit",
        "spread",
        "split",
        "hurt",
        "bet",
        "cast",
        "fit",
        "become",
        "come",
        "run",
        "overcome",
    )
)
# After "I", verbs that are not told events: modals and thinking.
_NOT_EVENTS = frozenset(
    (
        "can",
        "will",
        "would",
        "could",
        "should",
        "might",
        "must",
        "may",
        "shall",
        "think",
        "guess",
        "suppose",
        "know",
        "mean",
        "feel",
        "hope",
        "remember",
        "realise",
        "realize",
        "wish",
        "want",
        "need",
    )
)


def _tense(subject: str, verb: str) -> str | None:
    """The tense of ``verb`` said after ``subject`` ("i", "i'd" or "i'll").

    "past", "present" or "would": "I'd ask" and "I'll ask" are what would be
    done ("I'd asked" is a past), "I page" is the present, "I paged" the
    past. The lemmatizer tells a base form from an inflected one. None when
    it cannot be told or is not an event ("I think", "I put").
    """
    if not verb.isalpha() or verb in _NOT_EVENTS:
        return None
    if verb in _SAME_FORM or (verb.startswith("re") and verb[2:] in _SAME_FORM):
        return None  # "I reread" may be either
    base = lexicon.lemma(verb) == verb and not verb.endswith("ed")
    if subject != "i":
        return "would" if base else None
    if verb in ("was", "were", "had", "did") or not base:
        return "past"
    return None if verb in ("am", "have", "do") else "present"


# "I", "I'd" or "I'll" and the verb after it, past any adverbs between.
_I_VERB = re.compile(
    r"(?<![\w'])(i|i'd|i'll)\s+(?:(?:" + "|".join(sorted(_ADVERBS)) + r")\s+){0,2}([a-z]+)\b"
)


@lru_cache(maxsize=65_536)
def _detail_word(word: str) -> bool:
    """Whether a folded word is a concrete detail: rare in everyday English,
    not on the generic lists, and not a verb's past or -ing form."""
    generic = _generic_words()
    return (
        len(word) > 3
        and word.isalpha()
        and word not in generic
        and lexicon.is_rare(word)
        and not _verb_form(word)
        and lexicon.lemma(word) not in generic
    )


def _verb_form(word: str) -> bool:
    """Whether a word is a verb's past or -ing form ("panicked", "escalating").

    A rare verb says how something felt, not what it was; a rare noun
    ("runbook", "dashboards") is a concrete detail.
    """
    return word.endswith(("ed", "ing")) and lexicon.lemma(word) != word


def _keyword_lists(
    value_keywords: Mapping[str, Sequence[str]] | None,
) -> dict[str, tuple[str, ...]]:
    """Each tagged value's keywords, leniently read: a lone string is one keyword."""
    lists: dict[str, tuple[str, ...]] = {}
    for name, raw in (value_keywords or {}).items():
        items = (raw,) if isinstance(raw, str) else raw if isinstance(raw, Iterable) else ()
        lists[str(name)] = tuple(k for k in items if isinstance(k, str) and k.strip())
    return lists


def analyze(
    sections: Mapping[str, str],
    *,
    value_keywords: Mapping[str, Sequence[str]] | None = None,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> CoachReport:
    """Analyze one story (section name -> text) and return its report.

    ``value_keywords`` maps the display name of each value tagged *primary* on
    the story to that value's pack keywords. Missing sections count as empty;
    any text is accepted and spans are indices into the text as given.
    """
    state = _Analysis(sections, settings, value_keywords)
    state.missing_sections()
    state.length()
    state.balance()
    state.ownership()
    state.hedges()
    state.long_sentences()
    state.value_evidence()
    state.vague_actions()
    state.result_outcome()
    state.team_result()
    state.non_answer()
    state.stakes()
    state.blame()
    state.handed_off()
    state.reflection()
    return state.report()


def report_to_json(report: CoachReport) -> dict[str, object]:
    """The report as plain JSON-ready data (for ``storybank coach --json``)."""
    return {
        "score": report.score,
        "speaking_seconds": round(report.speaking_seconds, 1),
        "words": dict(report.words),
        "rubric": {
            key: {"reading": reading, "shown": shown(reading)}
            for key, reading in report.rubric.items()
        },
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "section": f.section,
                "start": f.start,
                "end": f.end,
            }
            for f in report.findings
        ],
    }


#: Rules whose findings point at particular words; the words identify them.
_WORDED_RULES = frozenset({"hedges", "long-sentence", "ownership"})


def finding_key(finding: Finding, sections: Mapping[str, str]) -> str:
    """A stable identity for a finding, to remember that the user dismissed it.

    Word-level findings are known by their words (dismissing one "basically"
    dismisses it wherever it moves as the text is edited); value hints by
    their message (it names the value); the rest by rule and section, since
    their figures change with every edit.
    """
    if finding.rule in _WORDED_RULES and finding.section is not None:
        words = sections.get(finding.section, "")[finding.start : finding.end]
        return f"{finding.rule}:{finding.section}:{' '.join(words.casefold().split())[:80]}"
    if finding.rule == "value-evidence":
        return f"{finding.rule}::{finding.message}"
    return f"{finding.rule}:{finding.section or ''}"


def key_result(text: str, limit: int = 140) -> str | None:
    """The sentence of a Result that carries its number, for a cheat sheet.

    A sentence with a digit, percent or currency sign wins over one with only
    a written number ("doubled"); None when the Result has no number at all.
    """
    best: tuple[int, int] | None = None
    for start, end, _words in _sentences(text):
        chunk = text[start:end]
        if _DIGITS.search(chunk):
            best = (start, end)
            break
        if best is None and _METRIC.search(chunk):
            best = (start, end)
    if best is None:
        return None
    sentence = " ".join(text[best[0] : best[1]].split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
