"""How the coach reads a story's text: words, sentences, listed phrases, tenses.

The rules in ``core/coach.py`` judge; this module reads, and keeps what it
read. A section is read paragraph by paragraph (:func:`read_section`), each
paragraph's :class:`Reading` cached by its text, so a story analysed again
while it is typed costs the paragraph that changed. A reading holds the
folded text (lowercased, indices kept), the sentences and their words, where
every listed phrase occurs (hedges and vague phrases from
``resources/coach/phrases.toml``, the substance lists from
``resources/coach/substance.toml``, written numbers: one trie, one pass),
and, worked out on first use, which sentences name something concrete, the
first-person pronouns, the verbs' tenses and whether a value's keywords
appear. What single words are (common or rare, their lemma) comes from
``core/lexicon.py``. No Qt.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

from storybank.core import lexicon
from storybank.resources import resource_path

# A word is a run of word characters; an apostrophe inside it ("don't", "I’ve")
# keeps it one word, as a listener hears it.
WORD = re.compile(r"\w+(?:['’]\w+)*")
# Edges for phrase matching: not glued to a word, to a contraction ("'s") or
# to a hyphenated compound ("just" must not match "just-in-time" or "justice"),
# while a quote mark next to a phrase ('basically') is fine.
LEFT = r"(?<![\w-])(?<!\w['’])"
RIGHT = r"(?![\w-])(?!['’]\w)"
# Between the words of a listed phrase: any whitespace (line breaks included)
# or a hyphen, so "low hanging fruit" also finds "low-hanging fruit".
GAP = r"(?:\s+|-)"

# Sentence ends: terminal punctuation (with closing quotes or brackets) before
# whitespace, a blank line, or a line break before a list item or heading;
# Markdown list items are said as separate sentences. The pattern opens with
# one character class so the engine skips straight to candidate characters;
# a run of punctuation is tried once, from its start and without backtracking,
# so "!!!!...x" stays linear.
SENTENCE_END = re.compile(
    r"[.!?…。！？؟\n](?:"
    r"(?<=[.!?…。！？؟])(?<![.!?…。！？؟]{2})[.!?…。！？؟]*+[\"'”’)\]]*+(?=\s|$)"
    r"|(?<=\n)(?:\s*\n|(?=[ \t]*(?:[-*+•]|\d+[.)]|#)[ \t]))"
    r")"
)

# First person in the Action, singular ("i", "me", "my" ...) versus plural
# ("we", "us", "our" ...), run on folded text (see fold); the first letter
# tells which. Each branch opens with a plain letter so the engine skips
# straight to candidate letters; the look-behinds after it check that the
# letter starts a word (and is not the tail of a contraction).
STARTS_WORD = r"(?<!\w.)(?<!\w['’].)"
PRONOUN = re.compile(
    rf"(?:i{STARTS_WORD}(?:['’](?:m|ve|d|ll))?"
    rf"|m{STARTS_WORD}(?:e|y|ine|yself)"
    rf"|w{STARTS_WORD}e(?:['’](?:re|ve|d|ll))?"
    rf"|u{STARTS_WORD}s"
    rf"|o{STARTS_WORD}urs?(?:elves)?"
    r")(?!\w)(?!['’]\w)"
)

#: The numbers written as one word, zero to nineteen, then the tens.
UNIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
              "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
              "seventeen", "eighteen", "nineteen")  # fmt: skip
TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# Evidence of a measured result: any digit (every script), a percent or
# currency sign, or a written number, multiple or fraction. "one" is left out:
# "no one" and "one of them" are not measurements.
NUMBER_WORDS = [
    *(word for word in UNIT_WORDS if word != "one"),
    *TENS_WORDS,
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
METRIC = re.compile(
    r"\d|[%‰$€£¥₹₩₽¢]|\b(?:" + "|".join(w.replace(" ", r"[\s-]+") for w in NUMBER_WORDS) + r")\b",
    re.IGNORECASE,
)
# A figure written in digits or with a percent or currency sign: the strongest
# evidence, preferred over a written number.
DIGITS = re.compile(r"\d|[%‰$€£¥₹₩₽¢]")

# "kind of" and "sort of" hedge only on their own: "this kind of mistake" and
# "what sort of plan" are plain nouns, so a determiner just before (the folded
# text up to the phrase) rules them out.
NOUN_USE = re.compile(r"(?<!\w)(?:a|the|this|that|what|which|any|some|same|every|these|those)\s+\Z")


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
# text (see fold) instead of with re.IGNORECASE: the engine then rejects a
# branch with a single character compare, which makes a pass over a 3,000-word
# story several times faster than a flat case-insensitive alternation.

MAX_PHRASE = 64  # longer list entries are surely a slip; they would only deepen the trie


def fold(text: str) -> str:
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
            tokens.append(GAP)
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


def phrase_key(text: str) -> str:
    """A phrase as lists and matches are compared: folded, one space between words."""
    return " ".join(w for w in re.split(r"[\s-]+", fold(text).replace("’", "'")) if w)


@lru_cache(maxsize=256)
def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """The regex (run on folded text) for a value's keywords and their inflections."""
    keys = {phrase_key(k) for k in keywords if len(k) <= MAX_PHRASE}
    keys.discard("")
    if not keys:
        return None
    body = _trie_pattern([_tokens(key, inflect=True) for key in sorted(keys)])
    return re.compile(r"(?<!\w)(?<!\w['’])" + body + r"(?!\w)(?!['’]\w)")


def sentence_spans(text: str) -> list[tuple[int, int, int]]:
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
    for end in [*(match.end() for match in SENTENCE_END.finditer(text)), len(text)]:
        if end > position:
            sentences.append((position, end, WORD.findall(text, position, end)))
            position = end
    return sentences


def count_up_to(matches: Iterator[re.Match[str]], limit: int) -> int:
    """How many matches there are, counting no further than ``limit``."""
    return sum(1 for _ in islice(matches, max(0, limit)))


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
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
    "fillers": False,
}


#: Lists of single words the rules look words up in, not phrases searched for.
WORD_LISTS: tuple[str, ...] = ("situational",)


@cache
def word_list(name: str) -> frozenset[str]:
    """One of :data:`WORD_LISTS`, as a set."""
    return frozenset(load_substance()[name])


@cache
def load_substance() -> dict[str, tuple[str, ...]]:
    """Read and check the substance rules' phrase lists (once per process)."""
    path = resource_path("coach", "substance.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), int):
        raise ValueError(f"{path.name}: missing [meta] table with an integer 'version'")
    lists: dict[str, tuple[str, ...]] = {}
    for name in (*SUBSTANCE_LISTS, *WORD_LISTS):
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
        **{name: load_substance()[name] for name in SUBSTANCE_LISTS},
        "numbers": NUMBER_WORDS,
    }
    kinds: dict[str, set[str]] = {}
    for name, entries in lists.items():
        for entry in entries:
            for form in _forms(entry) if SUBSTANCE_LISTS.get(name) else (entry,):
                key = phrase_key(form)
                if key and len(key) <= MAX_PHRASE:
                    kinds.setdefault(key, set()).add(name)
    body = _trie_pattern([_tokens(key, inflect=False) for key in sorted(kinds)])
    pattern = re.compile(LEFT + "(?=(" + body + ")" + RIGHT + ")")
    return pattern, {key: frozenset(names) for key, names in kinds.items()}


def _phrase_spans(folded: str) -> dict[str, list[tuple[int, int]]]:
    """Where each list's phrases occur in a folded text: list name -> spans, in order."""
    pattern, kinds = _phrase_index()
    spans: dict[str, list[tuple[int, int]]] = {}
    for match in pattern.finditer(folded):
        span, phrase = match.span(1), match.group(1)
        # Most matches are already in the lists' form; the rest have a line
        # break or a hyphen between their words.
        for name in kinds.get(phrase) or kinds.get(phrase_key(phrase)) or ():
            spans.setdefault(name, []).append(span)
    return spans


@cache
def generic_words() -> frozenset[str]:
    """Words that never make a sentence concrete: the generic verbs, traits and nouns."""
    lists = load_substance()
    words = {
        word
        for name in ("generic_actions", "traits", "generic_nouns", "vague_words")
        for phrase in lists[name]
        for word in phrase_key(phrase).split()
    }
    return frozenset(words)


# A name or a product: a capitalised word after a lowercase word (so not a
# sentence's first word), or an acronym of two or more capitals.
PROPER = re.compile(r"[A-Z](?:(?<=[a-z,;:] [A-Z])\w|(?<!\w[A-Z])[A-Z]+\b)")
# A phrase quoted as said or written.
_QUOTE = re.compile(r"[“\"][^”\"\n]{3,}[”\"]")
# A name or a quoted phrase: one search per sentence.
_NAMED = re.compile("|".join((PROPER.pattern, _QUOTE.pattern)))


class Reading:
    """One section's text as the rules read it: made once per distinct text.

    A story is analysed again each time typing pauses, and only one
    paragraph of one section has changed. So a section is read paragraph by
    paragraph (split at blank lines), each paragraph's reading cached by its
    text (:func:`read_paragraph`), and the section's reading joins them: re-
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

    def __init__(self, text: str, parts: Sequence[tuple[int, Reading]] = ()) -> None:
        """Read ``text`` whole, or join the readings of its ``parts`` (offset, reading)."""
        self.text = text
        self.folded = fold(text)
        # Each part: its character offset, its first sentence's index, its reading.
        self._parts: list[tuple[int, int, Reading]] = []
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
                    bool(DIGITS.search(text, start, end) or self.search("numbers", start, end)),
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
            for match in PRONOUN.finditer(self.folded):
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
            offsets = [offset for offset, _index, read_section in self._parts]
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
def read_section(text: str) -> Reading:
    """A section's text read for the rules, paragraph by paragraph, cached by its text."""
    ends = [match.end() for match in _PARAGRAPHS.finditer(text)]
    if not ends:
        return read_paragraph(text)
    starts = [0, *ends]
    bounds = zip(starts, [*ends, len(text)], strict=True)
    return Reading(
        text, [(start, read_paragraph(text[start:end])) for start, end in bounds if end > start]
    )


@lru_cache(maxsize=4096)
def read_paragraph(text: str) -> Reading:
    """One paragraph read whole, cached by its text."""
    return Reading(text)


def forget_readings() -> None:
    """Empty the caches of section and paragraph readings (a benchmark's cold start)."""
    read_section.cache_clear()
    read_paragraph.cache_clear()


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
    generic = generic_words()
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
