"""The STAR analyzer: a live, explainable check of one story's text.

Pure Python, no Qt and no ORM, so the coach panel, ``storybank coach`` and the
story list's scores all share it. :func:`analyze` takes a story's sections
(name -> text) and returns a :class:`CoachReport`: word counts, estimated
speaking time, section shares, a 0-100 readiness score and a list of
:class:`Finding` objects. Every finding names its rule, says in one line why it
matters, and points at a ``[start, end)`` span of the section text exactly as
given (Python ``str`` indices), so the GUI can highlight the words.

All thresholds and score weights live in :class:`Thresholds`, :data:`WEIGHTS`
and :data:`WEIGHT_CAPS` below; change them there and bump
:data:`ANALYZER_VERSION` so stored scores are recomputed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from storybank.core.records import SECTIONS, STAR_SECTIONS
from storybank.core.rubric import HIGH, KEYS, clamp
from storybank.core.speaking import CoachSettings, clock, counted
from storybank.resources import resource_path

Severity = Literal["info", "warning", "problem"]

RULES: tuple[str, ...] = (
    "length",
    "balance",
    "result-metric",
    "ownership",
    "hedges",
    "missing-section",
    "reflection",
    "long-sentence",
    "value-evidence",
)

# Bump whenever a rule, threshold or weight changes: stored scores carry the
# version they were computed with and are recomputed when it differs.
ANALYZER_VERSION: int = 1


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

    # [length] Under half the target minimum (45 s by default) an answer is barely
    # a Situation and one step: a problem, not just a warning.
    length_severe_short: float = 0.5
    # [length] Past 1.5x the target maximum (3:45 by default) interviewers
    # usually cut in; a problem rather than a warning.
    length_severe_long: float = 1.5
    # [balance] Below ~60 words (about 25 s spoken) one sentence swings every
    # share by 10 points or more, so shares say nothing yet.
    balance_min_words: int = 60
    # [balance] Coaches cite Action at 50-60 % of a STAR answer; under 40 % the
    # part about what you did is too thin to carry the story.
    action_min_share: float = 0.40
    # [balance] Coaches cite Result at 15-20 %; under 10 % the outcome is a footnote.
    result_min_share: float = 0.10
    # [missing-section] Eight words is about one short sentence, the least that
    # can carry a STAR part on its own.
    section_min_words: int = 8
    # [ownership] One or two "we"s are natural team context; from three on,
    # with fewer "I"s than "we"s, the listener cannot tell what you did.
    ownership_min_we: int = 3
    # [long-sentence] 35 words is about 14 s at 150 wpm, longer than a listener
    # holds in mind (plain-language guides put the limit at 25-35 words).
    long_sentence_words: int = 35
    # [long-sentence] From 55 words (over 20 s in one breath) it is a warning.
    very_long_sentence_words: int = 55
    # Every rule: beyond 30 findings of one rule, more highlights add noise,
    # not information, and reports stay small for storage and JSON.
    max_findings_per_rule: int = 30


THRESHOLDS = Thresholds()

# Score: start at 100 and subtract a weight per finding. The weights rank how
# much each issue hurts a spoken answer: an absent STAR part or a badly wrong
# length is worst; "we" instead of "I" and a result without a number are the two
# things interviewers probe hardest; style hints (hedges, long sentences, value
# hints) are small and capped in total so a chatty but sound story keeps a
# passing score.
WEIGHTS: Mapping[tuple[str, Severity], int] = {
    ("missing-section", "problem"): 25,
    ("missing-section", "warning"): 10,
    ("length", "problem"): 15,
    ("length", "warning"): 8,
    ("balance", "warning"): 8,
    ("result-metric", "warning"): 12,
    ("ownership", "warning"): 12,
    ("reflection", "warning"): 6,
    ("long-sentence", "info"): 2,
    ("long-sentence", "warning"): 4,
    ("hedges", "info"): 2,
    ("value-evidence", "info"): 3,
}
# Most points one rule can take off in total (rules not listed are uncapped).
WEIGHT_CAPS: Mapping[str, int] = {"hedges": 15, "long-sentence": 10, "value-evidence": 9}

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
_NUMBER_WORDS = (
    "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    "|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
    "|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?"
    "|half|halved|halving|twice|thrice|doubled?|doubles|doubling|tripled?|triples|tripling"
    "|quadrupled?|(?:two|three|four|five|six|ten|hundred|thousand)-?fold"
    "|percent|per\\s+cent|a\\s+(?:third|quarter|fifth|tenth)"
)
_METRIC = re.compile(
    r"\d|[%‰$€£¥₹₩₽¢]|\b(?:" + _NUMBER_WORDS + r")\b",
    re.IGNORECASE,
)


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
    """
    return text.replace("\u0130", "i").lower()


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


@cache
def _phrase_matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    """The regex for every listed phrase (run on folded text), and each phrase's list."""
    phrases = load_phrases()
    kinds = {_phrase_key(p): "vague" for p in phrases.vague if len(p) <= _MAX_PHRASE}
    kinds |= {_phrase_key(p): "hedge" for p in phrases.hedges if len(p) <= _MAX_PHRASE}
    kinds.pop("", None)
    body = _trie_pattern([_tokens(key, inflect=False) for key in kinds])
    return re.compile(_LEFT + body + _RIGHT), kinds


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
    sentences = []
    position = 0
    for end in [*(match.end() for match in _SENTENCE_END.finditer(text)), len(text)]:
        if end > position:
            sentences.append((position, end, len(_WORD.findall(text, position, end))))
            position = end
    return sentences


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    first = start + len(chunk) - len(chunk.lstrip())
    return first, max(first, start + len(chunk.rstrip()))


class _Analysis:
    """Working state for one :func:`analyze` call: the texts, counts and findings so far."""

    def __init__(self, sections: Mapping[str, str], settings: CoachSettings) -> None:
        self.texts: dict[str, str] = {}
        for name in SECTIONS:
            value = sections.get(name)
            self.texts[name] = value if isinstance(value, str) else ""
        self.settings = settings
        self.folded = {name: _fold(text) for name, text in self.texts.items()}
        self.sentences = {name: _sentences(text) for name, text in self.texts.items()}
        self.words = {name: sum(s[2] for s in spans) for name, spans in self.sentences.items()}
        self.total_words = sum(self.words[name] for name in STAR_SECTIONS)
        rate = settings.words_per_minute if settings.words_per_minute > 0 else _DEFAULT_RATE
        self.speaking_seconds = self.total_words * 60.0 / rate
        self.shares = {
            name: (self.words[name] / self.total_words if self.total_words else 0.0)
            for name in STAR_SECTIONS
        }
        self.findings: list[Finding] = []
        self.thin: set[str] = set()  # STAR sections already flagged as missing or near-empty

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

    # -- rules ---------------------------------------------------------------

    def missing_sections(self) -> None:
        minimum = THRESHOLDS.section_min_words
        for name in STAR_SECTIONS:
            count, label = self.words[name], _LABEL[name]
            if count == 0:
                self.thin.add(name)
                why = {
                    "situation": "the listener needs the setting before anything else makes sense",
                    "task": "without your goal or responsibility the actions have no stakes",
                    "action": "what you did is the part interviewers score",
                    "result": "an answer without an outcome leaves the interviewer guessing",
                }[name]
                self.whole("missing-section", "problem", f"{label} is empty — {why}.", name)
            elif count < minimum:
                self.thin.add(name)
                self.whole(
                    "missing-section",
                    "warning",
                    f"{label} has only {counted(count, 'word')} — give it at "
                    f"least a full sentence ({minimum}+ words) so it can stand on its own.",
                    name,
                )

    def reflection(self) -> None:
        if self.words["reflection"] == 0:
            self.whole(
                "reflection",
                "warning",
                "No reflection — interviewers often ask what you learned or would do "
                "differently; prepare one or two sentences.",
                "reflection",
            )

    def length(self) -> None:
        if self.total_words == 0:
            return
        low = max(0, self.settings.target_min_seconds)
        high = max(low, self.settings.target_max_seconds)
        seconds = self.speaking_seconds
        band = f"{clock(low)}–{clock(high)}"
        spoken = f"About {clock(seconds)} spoken ({self.total_words} words)"
        if seconds < low:
            severity: Severity = (
                "problem" if seconds < low * THRESHOLDS.length_severe_short else "warning"
            )
            self.add(
                "length",
                severity,
                f"{spoken} — aim for {band} so there is room for results and detail.",
            )
        elif seconds > high:
            severity = "problem" if seconds > high * THRESHOLDS.length_severe_long else "warning"
            longest = max(STAR_SECTIONS, key=lambda n: self.words[n])
            self.add(
                "length",
                severity,
                f"{spoken} — aim for {band}; interviewers lose the thread in long answers, "
                f"so trim first where it is longest ({_LABEL[longest]}, "
                f"{self.words[longest]} words).",
            )

    def balance(self) -> None:
        if self.total_words < THRESHOLDS.balance_min_words:
            return
        shares = self.shares
        setup = shares["situation"] + shares["task"]
        action = shares["action"]
        target = "coaches suggest roughly S 15–20%, T 10–15%, A 50–60%, R 15–20%"
        if "action" not in self.thin and setup > action:
            section = "situation" if self.words["situation"] else "task"
            self.whole(
                "balance",
                "warning",
                f"Set-up (Situation + Task) is {_percent(setup)} of the story and Action "
                f"{_percent(action)} — spend most of the time on what you did; {target}.",
                section,
            )
        elif "action" not in self.thin and action < THRESHOLDS.action_min_share:
            self.whole(
                "balance",
                "warning",
                f"Action is only {_percent(action)} of the story — it is the part interviewers "
                f"score, so it should carry the most words; {target}.",
                "action",
            )
        if "result" not in self.thin and shares["result"] < THRESHOLDS.result_min_share:
            self.whole(
                "balance",
                "warning",
                f"Result is only {_percent(shares['result'])} of the story — say what changed "
                f"and how you know; {target}.",
                "result",
            )

    def result_metric(self) -> None:
        text = self.texts["result"]
        if self.words["result"] == 0 or _METRIC.search(text):
            return
        self.whole(
            "result-metric",
            "warning",
            "The Result has no number — a percentage, amount, time or count "
            "(“cut churn 12%”, “3 weeks early”) makes the outcome credible and memorable.",
            "result",
        )

    def ownership(self) -> None:
        singular = plural = 0
        first_we: tuple[int, int] | None = None
        text = self.texts["action"]
        for match in _PRONOUN.finditer(self.folded["action"]):
            if match.group()[0] in "im":
                singular += 1
            elif text[match.start() : match.end()] != "US":  # the country, not "us"
                plural += 1
                if first_we is None:
                    first_we = match.span()
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
        pattern, kinds = _phrase_matcher()
        limit = THRESHOLDS.max_findings_per_rule
        count = 0
        for name in SECTIONS:
            folded = self.folded[name]
            for match in pattern.finditer(folded):
                start, end = match.span()
                key = _phrase_key(match.group())
                if key.startswith(("kind ", "sort ", "type ")) and _NOUN_USE.search(
                    folded, max(0, start - 12), start
                ):
                    continue
                if count >= limit:
                    return
                count += 1
                phrase = _quoted(self.texts[name][start:end])
                if kinds.get(key) == "vague":
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
                if count >= limit:
                    return
                count += 1
                severity: Severity = (
                    "warning" if words >= THRESHOLDS.very_long_sentence_words else "info"
                )
                self.add(
                    "long-sentence",
                    severity,
                    f"A {words}-word sentence — hard to say in one breath and to follow by ear; "
                    f"split it (under {THRESHOLDS.long_sentence_words} words).",
                    name,
                    *_trimmed(self.texts[name], start, end),
                )

    def value_evidence(self, value_keywords: Mapping[str, Sequence[str]] | None) -> None:
        if not value_keywords:
            return
        story = "\n\n".join(self.folded.values())
        if not story.strip():
            return
        for name, raw in list(value_keywords.items())[: THRESHOLDS.max_findings_per_rule]:
            # Be lenient with what callers pass: a lone string is one keyword.
            items = (raw,) if isinstance(raw, str) else raw if isinstance(raw, Iterable) else ()
            keywords = tuple(k for k in items if isinstance(k, str) and k.strip())
            pattern = _keyword_pattern(keywords)
            if pattern is None or pattern.search(story):
                continue
            shown = [" ".join(k.split()) for k in keywords[:4]]
            examples = ", ".join(shown) + (", …" if len(keywords) > 4 else "")
            self.add(
                "value-evidence",
                "info",
                f"Tagged primary for {' '.join(str(name).split())}, but none of its signal words "
                f"({examples}) appear — name the moment the story shows it.",
            )

    # -- result --------------------------------------------------------------

    def score(self) -> int:
        if not any(self.words.values()):
            return 0
        taken: dict[str, int] = {}
        for finding in self.findings:
            weight = WEIGHTS.get((finding.rule, finding.severity), 0)
            taken[finding.rule] = taken.get(finding.rule, 0) + weight
        penalty = sum(
            min(points, WEIGHT_CAPS[rule]) if rule in WEIGHT_CAPS else points
            for rule, points in taken.items()
        )
        return max(0, min(100, 100 - penalty))

    def readings(self, tagged: bool) -> dict[str, float]:
        """The rubric readings the findings add up to (interim: refined with the rules)."""
        if not any(self.words.values()):
            return {}
        taken: dict[str, float] = {}
        where = {
            "missing-section": "structure",
            "length": "structure",
            "balance": "structure",
            "long-sentence": "structure",
            "result-metric": "result",
            "ownership": "ownership",
            "hedges": "specificity",
            "reflection": "reflection",
            "value-evidence": "fit",
        }
        for finding in self.findings:
            key = where[finding.rule]
            taken[key] = taken.get(key, 0.0) + {"problem": 2.0, "warning": 1.0}.get(
                finding.severity, 0.25
            )
        readings = {key: clamp(HIGH - taken.get(key, 0.0)) for key in KEYS}
        if not tagged:
            readings.pop("fit")
        return readings

    def report(self, tagged: bool = False) -> CoachReport:
        findings = sorted(
            self.findings,
            key=lambda f: (_SEVERITY_RANK[f.severity], _SECTION_RANK[f.section], f.start),
        )
        return CoachReport(
            score=self.score(),
            findings=tuple(findings),
            words=dict(self.words),
            total_words=self.total_words,
            speaking_seconds=self.speaking_seconds,
            shares=self.shares,
            rubric=self.readings(tagged),
        )


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
    state = _Analysis(sections, settings)
    state.missing_sections()
    state.reflection()
    state.length()
    state.balance()
    state.result_metric()
    state.ownership()
    state.hedges()
    state.long_sentences()
    state.value_evidence(value_keywords)
    return state.report(tagged=bool(value_keywords))


def report_to_json(report: CoachReport) -> dict[str, object]:
    """The report as plain JSON-ready data (for ``storybank coach --json``)."""
    return {
        "score": report.score,
        "speaking_seconds": round(report.speaking_seconds, 1),
        "words": dict(report.words),
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


_DIGITS = re.compile(r"\d|[%‰$€£¥₹₩₽¢]")


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
