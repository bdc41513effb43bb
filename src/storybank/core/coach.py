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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from storybank.core import lexicon
from storybank.core.coach_text import (
    DIGITS,
    METRIC,
    NOUN_USE,
    PRONOUN,
    PROPER,
    WORD,
    count_up_to,
    keyword_pattern,
    phrase_key,
    read_section,
    sentence_spans,
    trimmed,
    word_list,
)
from storybank.core.records import SECTIONS, STAR_SECTIONS
from storybank.core.rubric import KEYS, clamp, overall, shown
from storybank.core.speaking import CoachSettings, clock, counted

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

# A hard fact in a set-up: a figure, a name or an acronym.
_FACT = re.compile(f"{DIGITS.pattern}|{PROPER.pattern}")
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
        read = {name: read_section(text) for name, text in self.texts.items()}
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
                key = phrase_key(folded[start:end])
                before = folded[max(0, start - 12) : start]
                if key.startswith(("kind ", "sort ", "type ")) and NOUN_USE.search(before):
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
                    len(WORD.findall(part)) for part in _BREATH.split(self.texts[name][start:end])
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
                    *trimmed(self.texts[name], start, end),
                )

    def value_evidence(self) -> None:
        if not self.values:
            return
        if not any(folded.strip() for folded in self.folded.values()):
            return
        shown = 0
        for name, keywords in list(self.values.items())[: THRESHOLDS.max_findings_per_rule]:
            pattern = keyword_pattern(keywords)
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
        measured = bool(DIGITS.search(text) or self.search("numbers", "result"))
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
            self.outcome = 3 if marked or DIGITS.search(text) else 2
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
        for match in PRONOUN.finditer(folded):
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
                span = trimmed(self.texts[section], *self.sentences[section][index][:2])
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
                count_up_to(_FACT.finditer(self.texts[section]), 3)
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
                        and word not in word_list("situational")
                        for word in WORD.findall(folded, start, end)
                    )
                ):
                    weight += 0.5
                else:
                    continue
                blamed.append((section, *trimmed(self.texts[section], start, end)))
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
    return frozenset(phrase_key(k) for keywords in keyword_lists for k in keywords)


# A self-description proper ("I'm someone who", "my approach is"), as against
# an adverb of habit ("usually"), which a past-tense sentence overrules.
_SELF = re.compile(r"i\b|i'm\b|my\b|what i\b|people\b")


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
    for start, end, _words in sentence_spans(text):
        chunk = text[start:end]
        if DIGITS.search(chunk):
            best = (start, end)
            break
        if best is None and METRIC.search(chunk):
            best = (start, end)
    if best is None:
        return None
    sentence = " ".join(text[best[0] : best[1]].split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"
