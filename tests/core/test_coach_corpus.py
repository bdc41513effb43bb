"""The coach against the project's labelled corpora (tests/data/coach_corpus, coach_heldout).

The floors are the issue's bar: a strong answer outscores a weak one with
probability 0.95 or more, every same-story triple comes out strong > medium
> weak, each flaw is caught in at least 9 of 10 of its answers, and no more
than one strong answer in ten carries a warning or a problem. And form alone
must not buy a score: a vague answer padded with figures, filled-in headings
or twice the words stays below the median strong answer.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach_corpus import CORPUS, FLAW_RULES, HELDOUT, Answer, evaluate, load
from storybank.core.coach import analyze
from storybank.core.records import SECTIONS
from storybank.core.rubric import KEYS


@pytest.fixture(scope="module")
def answers() -> list[Answer]:
    """Both corpora: the first one written for this project and the later held-out one."""
    return load(CORPUS) + load(HELDOUT)


def test_the_corpus_is_what_its_readme_says(answers: list[Answer]) -> None:
    assert len(answers) >= 60
    levels = [a.level for a in answers]
    assert levels.count("strong") == levels.count("medium") == levels.count("weak")
    for flaw in FLAW_RULES:
        assert sum(flaw in a.flaws for a in answers) >= 10, flaw
    assert all(not a.flaws for a in answers if a.level == "strong")


def test_strong_answers_outscore_weak_ones(answers: list[Answer]) -> None:
    assert evaluate(answers).strong_above_weak >= 0.95


def test_every_triple_is_ordered(answers: list[Answer]) -> None:
    figures = evaluate(answers)
    assert figures.ordered == figures.stories


@pytest.mark.parametrize("flaw", sorted(FLAW_RULES))
def test_each_flaw_is_caught(answers: list[Answer], flaw: str) -> None:
    hits, total = evaluate(answers).caught[flaw]
    assert hits >= 0.9 * total, f"{flaw}: {hits}/{total}"


def test_strong_answers_are_left_alone(answers: list[Answer]) -> None:
    figures = evaluate(answers)
    assert figures.strong_flagged <= figures.strong / 10


def test_the_rubric_is_read_for_every_answer(answers: list[Answer]) -> None:
    for answer in answers:
        rubric = answer.report.rubric
        assert set(rubric) == set(KEYS)
        assert all(1 <= reading <= 5 for reading in rubric.values())


# -- form alone buys nothing --------------------------------------------------------

_SENTENCE_END = re.compile(r"([.!?])(\s|$)")
_FILLER = "This part went well and the whole team learned a great deal from it."


def with_figures(sections: dict[str, str]) -> dict[str, str]:
    """A figure in every sentence of the Action, and a percentage in the Result."""
    padded = dict(sections)
    padded["action"] = _SENTENCE_END.sub(r" over 3 weeks\1\2", sections["action"])
    padded["result"] = (sections["result"] + " We improved it by 62% and saved $40,000.").strip()
    return padded


def with_headings(sections: dict[str, str]) -> dict[str, str]:
    """Every section filled in, with words that say nothing."""
    return {name: sections[name].strip() or _FILLER for name in SECTIONS}


def with_length(sections: dict[str, str]) -> dict[str, str]:
    """Twice the words in the Action and the Situation."""
    padded = dict(sections)
    for name in ("situation", "action"):
        padded[name] = f"{sections[name]} {sections[name]}".strip()
    return padded


def everything(sections: dict[str, str]) -> dict[str, str]:
    return with_length(with_headings(with_figures(sections)))


@pytest.mark.parametrize("padding", [with_figures, with_headings, with_length, everything])
def test_padding_a_vague_answer_does_not_lift_it(answers: list[Answer], padding) -> None:
    median_strong = statistics.median(a.report.score for a in answers if a.level == "strong")
    vague = [a for a in answers if "vague-action" in a.flaws]
    assert vague
    for answer in vague:
        padded = analyze(padding(dict(answer.sections)))
        assert padded.score < median_strong, (answer.story, answer.level, padded.score)
