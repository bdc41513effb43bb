"""Interview loops: the built-in round templates and the questions to ask the interviewer.

Both are versioned TOML files under ``resources/loops/``, read like the prompt
bank and the value packs: a ``[bank]`` head (key, name, version, date,
source), then the entries. Every problem is refused with one line naming the
file, the entry and the reason (tomllib's own reason names the line of a
syntax error). Round themes are checked against the built-in prompt bank and
a template's value pack against the built-in packs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from storybank.core.packs import builtin_packs, read_toml, text_field, value_key
from storybank.core.prompts import builtin_prompt_bank
from storybank.resources import resource_path

#: A round's typical length, in minutes: five minutes to a full working day.
MIN_MINUTES = 5
MAX_MINUTES = 480
#: At most this many prompt-bank themes per round: the ones most likely to come up.
MAX_THEMES = 4
#: The question kind that suits any round, listed after a round's own questions.
GENERAL = "general"


class LoopError(ValueError):
    """A loop templates or questions file is malformed; the message names the file and reason."""


class RoundKind(StrEnum):
    """The kind of interview a round is; ``label`` is its name for people."""

    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring-manager"
    TECHNICAL_SCREEN = "technical-screen"
    CODING = "coding"
    SYSTEM_DESIGN = "system-design"
    BEHAVIORAL = "behavioral"
    BAR_RAISER = "bar-raiser"
    PEER = "peer"
    SENIOR_LEADER = "senior-leader"
    CULTURE = "culture"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The kind's name as the window shows it ("Hiring manager")."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    RoundKind.RECRUITER: "Recruiter",
    RoundKind.HIRING_MANAGER: "Hiring manager",
    RoundKind.TECHNICAL_SCREEN: "Technical screen",
    RoundKind.CODING: "Coding",
    RoundKind.SYSTEM_DESIGN: "System design",
    RoundKind.BEHAVIORAL: "Behavioral",
    RoundKind.BAR_RAISER: "Bar raiser",
    RoundKind.PEER: "Peer",
    RoundKind.SENIOR_LEADER: "Senior leader",
    RoundKind.CULTURE: "Culture",
    RoundKind.OTHER: "Other",
}

_KIND_VALUES = frozenset(kind.value for kind in RoundKind)


@dataclass(frozen=True, slots=True)
class RoundTemplate:
    """One round of a loop template, as its file describes it.

    ``day`` names the day a round shares with others ("Onsite day 1"); a round
    without one is held on its own. ``optional`` marks a round some loops have
    and others do not. ``themes`` are prompt-bank theme keys, most likely first.
    """

    kind: RoundKind
    name: str
    minutes: int
    focus: str
    themes: tuple[str, ...]
    day: str = ""
    optional: bool = False


@dataclass(frozen=True, slots=True)
class LoopTemplate:
    """A loop template: a company's (or any company's) interview rounds, in order.

    ``company`` and ``pack`` (a built-in value pack's key) are empty for a
    generic template.
    """

    key: str
    name: str
    description: str
    company: str
    pack: str
    rounds: tuple[RoundTemplate, ...]


@dataclass(frozen=True, slots=True)
class TemplateBank:
    """The loop templates file: its head and its templates, in the file's order."""

    key: str
    name: str
    version: int
    date: str
    source: str
    templates: tuple[LoopTemplate, ...]

    def template(self, key: str) -> LoopTemplate:
        """The template with this key; KeyError when there is none."""
        for template in self.templates:
            if template.key == key:
                return template
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class QuestionToAsk:
    """A question the candidate asks the interviewer, and the rounds it suits.

    ``general`` questions suit any round; ``why`` is an optional note on what
    the answer tells the candidate. ``own`` marks one the user wrote, ``edited``
    a built-in one the user changed, and ``hidden`` one the user took out.
    """

    uuid: str
    text: str
    kinds: tuple[RoundKind, ...]
    general: bool
    why: str = ""
    own: bool = False
    edited: bool = False
    hidden: bool = False

    @property
    def kind_keys(self) -> list[str]:
        """The kinds as stored: round kinds, then "general" when it suits any round."""
        return [str(kind) for kind in self.kinds] + [GENERAL] * self.general


@dataclass(frozen=True, slots=True)
class QuestionBank:
    """The questions-to-ask file: its head and its questions, in the file's order."""

    key: str
    name: str
    version: int
    date: str
    source: str
    questions: tuple[QuestionToAsk, ...]

    def for_kind(self, kind: RoundKind | str) -> list[QuestionToAsk]:
        """The questions suited to ``kind``, then the general ones; only those for "general".

        ValueError for a kind that is neither a round kind nor "general".
        """
        shown = [q for q in self.questions if not q.hidden]
        if kind == GENERAL:
            return [q for q in shown if q.general]
        try:
            wanted = RoundKind(kind)
        except ValueError:
            raise ValueError(f"unknown round kind '{kind}' ({_kind_choices(GENERAL)})") from None
        suited = [q for q in shown if wanted in q.kinds]
        return suited + [q for q in shown if q.general and wanted not in q.kinds]

    def merged(self, mine: Sequence[QuestionToAsk]) -> QuestionBank:
        """This bank with the user's questions: an edit of a built-in question takes
        its place (marked ``edited``), the user's own come first (marked ``own``)."""
        by_uuid = {q.uuid: q for q in mine}
        built_in = {q.uuid for q in self.questions}
        own = [replace(q, own=True) for q in mine if q.uuid not in built_in]
        kept = [
            replace(by_uuid[q.uuid], edited=True) if q.uuid in by_uuid else q
            for q in self.questions
        ]
        return replace(self, questions=(*own, *kept))


# --- reading -----------------------------------------------------------------------


def _kind_choices(*extra: str) -> str:
    return "one of " + ", ".join([*RoundKind, *extra])


def _table(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise LoopError(f"{where}: must be a table")
    return raw


def _text(table: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> str:
    return text_field(table, name, where, required=required, error=LoopError)


def _strings(table: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    """A list of non-empty, distinct strings (absent: none)."""
    items = table.get(name, [])
    if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
        raise LoopError(f"{where}: '{name}' must be a list of non-empty strings")
    stripped = tuple(s.strip() for s in items)
    if len(set(stripped)) != len(stripped):
        raise LoopError(f"{where}: '{name}' lists the same entry twice")
    return stripped


def _head(data: Mapping[str, Any], name: str) -> tuple[str, str, int, str, str]:
    """A file's ``[bank]`` head: key, name, version, date, source."""
    head = _table(data.get("bank"), f"{name}: [bank]")
    version = head.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LoopError(f"{name}: [bank] 'version' must be a positive whole number")
    return (
        _text(head, "key", f"{name}: [bank]"),
        _text(head, "name", f"{name}: [bank]"),
        version,
        _text(head, "date", f"{name}: [bank]"),
        _text(head, "source", f"{name}: [bank]"),
    )


def _entries(data: Mapping[str, Any], name: str, table: str) -> list[Any]:
    entries = data.get(table)
    if not isinstance(entries, list) or not entries:
        raise LoopError(f"{name}: needs at least one [[{table}]] entry")
    return entries


def _minutes(table: Mapping[str, Any], where: str) -> int:
    minutes = table.get("minutes")
    if minutes is None:
        raise LoopError(f"{where}: 'minutes' is missing")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise LoopError(f"{where}: 'minutes' must be a whole number, not {minutes!r}")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise LoopError(f"{where}: {minutes} minutes is out of {MIN_MINUTES}-{MAX_MINUTES}")
    return minutes


def _round(raw: object, where: str, themes: frozenset[str]) -> RoundTemplate:
    table = _table(raw, where)
    kind = _text(table, "kind", where)
    if kind not in _KIND_VALUES:
        raise LoopError(f"{where}: unknown round kind '{kind}' ({_kind_choices()})")
    name = _text(table, "name", where)
    minutes = _minutes(table, where)
    round_themes = _strings(table, "themes", where)
    for theme in round_themes:
        if theme not in themes:
            raise LoopError(f"{where}: unknown theme '{theme}' (not in the prompt bank)")
    if len(round_themes) > MAX_THEMES:
        raise LoopError(f"{where}: {len(round_themes)} themes, at most {MAX_THEMES}")
    optional = table.get("optional", False)
    if not isinstance(optional, bool):
        raise LoopError(f"{where}: 'optional' must be true or false")
    return RoundTemplate(
        kind=RoundKind(kind),
        name=name,
        minutes=minutes,
        focus=_text(table, "focus", where),
        themes=round_themes,
        day=_text(table, "day", where, required=False),
        optional=optional,
    )


def _template(
    raw: object, where: str, themes: frozenset[str], packs: frozenset[str]
) -> LoopTemplate:
    table = _table(raw, where)
    key = _text(table, "key", where)
    if key != value_key(key):
        raise LoopError(f"{where}: key '{key}' must be lowercase and hyphenated")
    where = f"{where} ('{key}')"
    pack = _text(table, "pack", where, required=False)
    if pack and pack not in packs:
        raise LoopError(
            f"{where}: unknown value pack '{pack}' (built-in: {', '.join(sorted(packs))})"
        )
    rounds = table.get("rounds")
    if not isinstance(rounds, list) or not rounds:
        raise LoopError(f"{where}: needs at least one [[templates.rounds]] entry")
    return LoopTemplate(
        key=key,
        name=_text(table, "name", where),
        description=_text(table, "description", where),
        company=_text(table, "company", where, required=False),
        pack=pack,
        rounds=tuple(
            _round(item, f"{where}, round {number}", themes)
            for number, item in enumerate(rounds, start=1)
        ),
    )


def load_templates(path: Path) -> TemplateBank:
    """Read and validate one loop templates file."""
    data = read_toml(path, LoopError)
    head = _head(data, path.name)
    themes = frozenset(theme.key for theme in builtin_prompt_bank().themes)
    packs = frozenset(pack.key for pack in builtin_packs())
    templates: list[LoopTemplate] = []
    for number, raw in enumerate(_entries(data, path.name, "templates"), start=1):
        template = _template(raw, f"{path.name}: template {number}", themes, packs)
        if any(t.key == template.key for t in templates):
            raise LoopError(f"{path.name}: template {number}: duplicate key '{template.key}'")
        templates.append(template)
    return TemplateBank(*head, templates=tuple(templates))


def _is_uuid4(text: str) -> bool:
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        return False
    return parsed.version == 4 and str(parsed) == text


def _question(raw: object, where: str) -> QuestionToAsk:
    table = _table(raw, where)
    key = _text(table, "uuid", where)
    if not _is_uuid4(key):
        raise LoopError(f"{where}: uuid '{key}' is not a lowercase uuid4")
    kinds = _strings(table, "kinds", where)
    if not kinds:
        raise LoopError(f"{where}: 'kinds' must name at least one round kind or '{GENERAL}'")
    for kind in kinds:
        if kind != GENERAL and kind not in _KIND_VALUES:
            raise LoopError(f"{where}: unknown round kind '{kind}' ({_kind_choices(GENERAL)})")
    return QuestionToAsk(
        uuid=key,
        text=_text(table, "text", where),
        kinds=tuple(RoundKind(kind) for kind in kinds if kind != GENERAL),
        general=GENERAL in kinds,
        why=_text(table, "why", where, required=False),
    )


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def load_questions(path: Path) -> QuestionBank:
    """Read and validate one questions-to-ask file."""
    data = read_toml(path, LoopError)
    head = _head(data, path.name)
    questions: list[QuestionToAsk] = []
    uuids: set[str] = set()
    texts: set[str] = set()
    for number, raw in enumerate(_entries(data, path.name, "questions"), start=1):
        where = f"{path.name}: question {number}"
        question = _question(raw, where)
        if question.uuid in uuids:
            raise LoopError(f"{where}: duplicate uuid '{question.uuid}'")
        if _folded(question.text) in texts:
            raise LoopError(f"{where}: duplicate text '{question.text}'")
        uuids.add(question.uuid)
        texts.add(_folded(question.text))
        questions.append(question)
    return QuestionBank(*head, questions=tuple(questions))


@cache
def builtin_templates() -> TemplateBank:
    """The loop templates shipped in ``resources/loops``."""
    return load_templates(resource_path("loops", "templates.toml"))


@cache
def builtin_questions() -> QuestionBank:
    """The questions to ask shipped in ``resources/loops``."""
    return load_questions(resource_path("loops", "questions-to-ask.toml"))


def questions_for(kind: RoundKind | str) -> list[QuestionToAsk]:
    """The built-in questions suited to a round kind, then the general ones."""
    return builtin_questions().for_kind(kind)


def own_question(
    key: str, text: str, kinds: Sequence[str], why: str = "", *, hidden: bool = False
) -> QuestionToAsk:
    """A question as the user wrote or changed it; ValueError naming what is wrong."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("A question needs its words.")
    unknown = [k for k in kinds if k != GENERAL and k not in _KIND_VALUES]
    if unknown or not kinds:
        raise ValueError("Choose the kinds of round the question suits.")
    return QuestionToAsk(
        uuid=key,
        text=text,
        kinds=tuple(RoundKind(k) for k in kinds if k != GENERAL),
        general=GENERAL in kinds,
        why=" ".join(why.split()),
        hidden=hidden,
    )


def question_texts(keys: Sequence[str], bank: Sequence[QuestionToAsk]) -> list[str]:
    """The text of each chosen question (a bank uuid, or one's own question's text)."""
    texts = {q.uuid: q.text for q in bank}
    return [texts.get(key, key) for key in keys]
