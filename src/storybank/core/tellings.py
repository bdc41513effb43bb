"""A story told to a length: the three target lengths, the words each takes at
the user's speaking rate, and a first draft cut from the full story.

A candidate tells the same story in about 30 seconds in a recruiter call, in
two minutes in a behavioral round and in three when the interviewer digs in.
The tellings are kept beside the full story (``story_version``), written by
the candidate; :func:`draft` only gives them a start.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The target lengths, in seconds, and their names.
LENGTHS = (30, 120, 180)
LABELS = {30: "30 seconds", 120: "2 minutes", 180: "3 minutes"}
#: How a draft shares its words among the parts: the Action is the substance.
SHARES = {"situation": 0.15, "task": 0.1, "action": 0.45, "result": 0.25, "reflection": 0.05}
_WORD = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def target_words(seconds: int, words_per_minute: int) -> int:
    """The words a telling of ``seconds`` holds at the user's rate (75 in 30 s at 150)."""
    return round(seconds * words_per_minute / 60)


def spoken_seconds(text: str, words_per_minute: int) -> float:
    """How long ``text`` takes to say at the user's rate."""
    return word_count(text) * 60 / max(1, words_per_minute)


def _sentences(text: str) -> list[str]:
    from storybank.core.coach_text import sentence_spans  # the coach's own splitting

    found = [" ".join(text[start:end].split()) for start, end, _words in sentence_spans(text)]
    return [sentence for sentence in found if sentence]


def _part(text: str, budget: int, *, figures_first: bool = False) -> str:
    """Whole sentences of one part, from its start, until ``budget`` words are
    used (its first sentence at least); the Result's sentences with a figure first."""
    sentences = _sentences(text)
    if figures_first:
        order = sorted(range(len(sentences)), key=lambda i: not _DIGIT.search(sentences[i]))
    else:
        order = list(range(len(sentences)))
    chosen: list[int] = []
    used = 0
    for index in order:
        words = word_count(sentences[index])
        if chosen and used + words > budget:
            break
        chosen.append(index)
        used += words
    return " ".join(sentences[i] for i in sorted(chosen))


def draft(fields: Mapping[str, str], words: int) -> str:
    """A first telling of about ``words`` words, cut from the story's parts in order
    (a paragraph each): whole sentences, the Result's figures kept first."""
    parts = []
    for name, share in SHARES.items():
        text = fields.get(name, "")
        if not text.strip() or (name == "reflection" and words < 150):
            continue  # a 30-second telling has no room for the lesson
        budget = max(1, round(words * share))
        chosen = _part(text, budget, figures_first=name == "result")
        if chosen:
            parts.append(chosen)
    return "\n\n".join(parts)
