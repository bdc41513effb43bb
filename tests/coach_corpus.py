"""The coach measured on the project's own labelled corpora (tests/data/coach_*).

Imported by tests/core/test_coach_corpus.py (which holds the figures above a
floor) and by bench/coach_corpus.py (which prints them). Each corpus file is
one story told three ways, strong, medium and weak, each answer labelled with
the flaws it has. The figures:

- the probability that a strong answer outscores a weak one, over every
  strong/weak pair in the corpus (ties count half, as in the AUC);
- how many same-story triples come out strictly ordered strong > medium > weak;
- for each flaw, the share of its answers where the coach's matching rule
  fires as a warning or a problem;
- the share of strong answers with any warning or problem at all.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storybank.core.coach import CoachReport, analyze
from storybank.core.packs import builtin_packs
from storybank.core.records import SECTIONS

CORPUS = Path(__file__).resolve().parent / "data" / "coach_corpus"
#: Written later, independently, and first measured with the rules untouched
#: (README gives those figures); since then it has informed the rules too.
HELDOUT = Path(__file__).resolve().parent / "data" / "coach_heldout"
LEVELS = ("strong", "medium", "weak")
#: Each flaw label and the coach rule that should catch it.
FLAW_RULES: Mapping[str, str] = {
    "vague-action": "vague-action",
    "no-outcome": "result-outcome",
    "no-stakes": "stakes",
    "non-answer": "non-answer",
    "blame": "blame",
    "handed-off": "handed-off",
    "team-result": "team-result",
}


_EMPTY_RESULT = ("result-outcome", "missing-section", "result")


@dataclass(frozen=True)
class Answer:
    """One labelled answer of the corpus and the coach's report on it."""

    story: str
    level: str
    flaws: tuple[str, ...]
    sections: Mapping[str, str]
    report: CoachReport

    def fires(self, rule: str) -> bool:
        """Whether ``rule`` has a warning or a problem in this answer.

        An empty Result is caught as "no outcome" by the missing-section rule.
        """
        return any(
            f.severity != "info" and (f.rule == rule or (rule, f.rule, f.section) == _EMPTY_RESULT)
            for f in self.report.findings
        )

    @property
    def flagged(self) -> tuple[str, ...]:
        """The rules with a warning or a problem here."""
        return tuple(sorted({f.rule for f in self.report.findings if f.severity != "info"}))


@dataclass
class Evaluation:
    """The figures of one run over the corpus."""

    strong_above_weak: float
    ordered: int
    stories: int
    caught: dict[str, tuple[int, int]] = field(default_factory=dict)
    strong_flagged: int = 0
    strong: int = 0

    def catch_rate(self, flaw: str) -> float:
        hits, total = self.caught[flaw]
        return hits / total if total else 1.0


def value_keywords(keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The built-in keywords of the tagged value keys, by value name."""
    values = {value.key: value for pack in builtin_packs() for value in pack.values}
    return {values[key].name: values[key].keywords for key in keys}


def load(folder: Path = CORPUS, files: Sequence[str] | None = None) -> list[Answer]:
    """Every answer of the corpus (or of the named files), analysed."""
    answers = []
    for path in sorted(folder.glob("*.toml")):
        if files is not None and path.stem not in files:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        keywords = value_keywords(data["story"]["values"])
        for entry in data["answer"]:
            sections = {name: entry.get(name, "") for name in SECTIONS}
            answers.append(
                Answer(
                    story=f"{folder.name}/{path.stem}",
                    level=entry["level"],
                    flaws=tuple(entry["flaws"]),
                    sections=sections,
                    report=analyze(sections, value_keywords=keywords),
                )
            )
    return answers


def evaluate(answers: Sequence[Answer]) -> Evaluation:
    """The figures for a set of analysed answers."""
    strong = [a for a in answers if a.level == "strong"]
    weak = [a for a in answers if a.level == "weak"]
    wins = sum(
        1.0 if s.report.score > w.report.score else 0.5 if s.report.score == w.report.score else 0
        for s in strong
        for w in weak
    )
    by_story: dict[str, dict[str, int]] = {}
    for answer in answers:
        by_story.setdefault(answer.story, {})[answer.level] = answer.report.score
    ordered = sum(
        1 for scores in by_story.values() if scores["strong"] > scores["medium"] > scores["weak"]
    )
    caught = {}
    for flaw, rule in FLAW_RULES.items():
        having = [a for a in answers if flaw in a.flaws]
        caught[flaw] = (sum(a.fires(rule) for a in having), len(having))
    return Evaluation(
        strong_above_weak=wins / (len(strong) * len(weak)) if strong and weak else 0.0,
        ordered=ordered,
        stories=len(by_story),
        caught=caught,
        strong_flagged=sum(1 for a in strong if a.flagged),
        strong=len(strong),
    )
