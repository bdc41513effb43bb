"""Interview loops: the built-in templates and questions load; malformed files are named."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from storybank.core.loops import (
    GENERAL,
    LoopError,
    QuestionToAsk,
    RoundKind,
    builtin_questions,
    builtin_templates,
    load_questions,
    load_templates,
    questions_for,
)
from storybank.core.packs import builtin_packs
from storybank.core.prompts import builtin_prompt_bank
from storybank.resources import resource_path

#: The groups the questions are written for, each with at least MIN_PER_KIND questions.
QUESTION_GROUPS = ("recruiter", "hiring-manager", "peer", "senior-leader", GENERAL)
MIN_PER_KIND = 12
#: Pay is a recruiter's subject; no other round's questions mention it.
MONEY = re.compile(r"\b(salary|salaries|pay|compensation|equity|bonus|stock|raise)\b", re.I)

HEAD = """\
[bank]
key = "test"
name = "Test"
version = 1
date = "2026-12-03"
source = "Written for the tests"
"""

ROUND = """
[[templates.rounds]]
kind = "{kind}"
name = "A round"
minutes = {minutes}
focus = "What it judges."
themes = {themes}
"""


def _template(key: str = "a", *, pack: str = "", **round_: object) -> str:
    fields: dict[str, object] = {"kind": "coding", "minutes": 45, "themes": '["failure"]'}
    fields.update(round_)
    return (
        f'\n[[templates]]\nkey = "{key}"\nname = "A loop"\ncompany = ""\n'
        f'pack = "{pack}"\ndescription = "A loop for the tests."\n' + ROUND.format(**fields)
    )


def _question(text: str = "What is it?", *, key: str = "", kinds: str = '["peer"]') -> str:
    key = key or str(uuid.uuid4())
    return f'\n[[questions]]\nuuid = "{key}"\ntext = "{text}"\nkinds = {kinds}\n'


def _write(tmp_path: Path, text: str, name: str = "loops.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(load: Callable[[Path], object], path: Path, *needles: str) -> str:
    with pytest.raises(LoopError) as caught:
        load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: "), message
    for needle in needles:
        assert needle in message, message
    return message


# --- the built-in templates ----------------------------------------------------------


def test_every_builtin_template_loads_and_validates() -> None:
    bank = builtin_templates()
    assert bank.version >= 1 and bank.date and bank.source
    assert [t.key for t in bank.templates] == [
        "netflix",
        "generic-software",
        "amazon-bar-raiser",
        "generic-non-engineering",
    ]
    themes = {theme.key for theme in builtin_prompt_bank().themes}
    packs = {pack.key for pack in builtin_packs()}
    for template in bank.templates:
        assert template.name and template.description and template.rounds
        assert not template.pack or template.pack in packs
        for round_ in template.rounds:
            assert round_.name and round_.focus, (template.key, round_)
            assert 5 <= round_.minutes <= 480
            assert set(round_.themes) <= themes and len(round_.themes) <= 4
    assert builtin_templates() is bank  # read once


def test_the_netflix_template_opens_with_the_screens_then_an_onsite() -> None:
    netflix = builtin_templates().template("netflix")
    assert netflix.company == "Netflix"
    assert netflix.pack == "netflix-culture"
    assert "vary by team" in netflix.description
    first = [r.kind for r in netflix.rounds[:3]]
    assert first == [RoundKind.RECRUITER, RoundKind.HIRING_MANAGER, RoundKind.TECHNICAL_SCREEN]
    assert [r.minutes for r in netflix.rounds[:2]] == [30, 30]
    assert 45 <= netflix.rounds[2].minutes <= 60
    onsite = [r for r in netflix.rounds if r.day.startswith("Onsite")]
    assert onsite == list(netflix.rounds[3:])
    assert 6 <= len(onsite) <= 9
    assert {r.day for r in onsite} <= {"Onsite day 1", "Onsite day 2"}
    kinds = {r.kind for r in onsite}
    assert {RoundKind.CODING, RoundKind.SYSTEM_DESIGN, RoundKind.HIRING_MANAGER} <= kinds


def test_the_amazon_template_has_exactly_one_bar_raiser_in_its_loop() -> None:
    amazon = builtin_templates().template("amazon-bar-raiser")
    raisers = [r for r in amazon.rounds if r.kind is RoundKind.BAR_RAISER]
    assert len(raisers) == 1
    assert raisers[0].day == "Onsite loop"
    assert len([r for r in amazon.rounds if r.day == "Onsite loop"]) == 5
    assert "behavioral-heavy" in amazon.description
    assert amazon.pack == ""  # no Leadership Principles pack yet
    # Every interview asks stories: each round has themes from the prompt bank.
    assert all(r.themes for r in amazon.rounds)


def test_every_round_kind_has_a_human_name() -> None:
    used = {r.kind for t in builtin_templates().templates for r in t.rounds}
    assert used <= set(RoundKind)
    for kind in RoundKind:
        assert kind.label and kind.label[0].isupper() and kind.label != kind.value, kind
    assert RoundKind.HIRING_MANAGER.label == "Hiring manager"


def test_an_unknown_template_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        builtin_templates().template("nowhere")


# --- the built-in questions ----------------------------------------------------------


def _in_group(question: QuestionToAsk, group: str) -> bool:
    return question.general if group == GENERAL else RoundKind(group) in question.kinds


@pytest.mark.parametrize("group", QUESTION_GROUPS)
def test_every_question_group_has_enough_questions(group: str) -> None:
    questions = [q for q in builtin_questions().questions if _in_group(q, group)]
    assert len(questions) >= MIN_PER_KIND


def test_questions_are_unique_and_well_formed() -> None:
    questions = builtin_questions().questions
    ids = [q.uuid for q in questions]
    assert len(ids) == len(set(ids))
    for raw in ids:
        assert uuid.UUID(raw).version == 4 and str(uuid.UUID(raw)) == raw
    texts = Counter(" ".join(q.text.casefold().split()) for q in questions)
    assert [text for text, n in texts.items() if n > 1] == []
    for question in questions:
        assert question.text.endswith("?"), question.text
        assert question.kinds or question.general, question.text
        assert not question.why or question.why.endswith("."), question.why


def test_pay_is_asked_of_recruiters_only() -> None:
    for question in builtin_questions().questions:
        if MONEY.search(question.text):
            assert question.kinds == (RoundKind.RECRUITER,) and not question.general


def test_every_round_kind_has_questions() -> None:
    for kind in RoundKind:
        assert questions_for(kind), kind


def test_questions_for_puts_the_kind_first_and_general_after() -> None:
    questions = questions_for("hiring-manager")
    suited = [q for q in questions if RoundKind.HIRING_MANAGER in q.kinds]
    assert len(suited) >= MIN_PER_KIND
    assert questions[: len(suited)] == suited
    rest = questions[len(suited) :]
    assert rest and all(q.general for q in rest)
    assert len({q.uuid for q in questions}) == len(questions)
    general = [q for q in builtin_questions().questions if q.general]
    assert questions_for(GENERAL) == general
    assert questions_for(RoundKind.HIRING_MANAGER) == questions


def test_questions_for_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown round kind 'lunch'"):
        questions_for("lunch")


# --- malformed files -----------------------------------------------------------------


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    bank = load_templates(_write(tmp_path, HEAD + _template(pack="netflix-culture")))
    assert bank.key == "test"
    (template,) = bank.templates
    assert template.pack == "netflix-culture"
    assert template.rounds[0].kind is RoundKind.CODING
    assert template.rounds[0].day == "" and not template.rounds[0].optional
    questions = load_questions(_write(tmp_path, HEAD + _question(kinds='["peer", "general"]')))
    (question,) = questions.questions
    assert question.kinds == (RoundKind.PEER,) and question.general and question.why == ""


def test_bad_toml_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + _template() + "minutes = = 3\n")
    line = (HEAD + _template()).count("\n") + 1
    _refused(load_templates, path, f"line {line}")
    _refused(load_questions, _write(tmp_path, HEAD + "[[questions]\n"), "line 7")


def test_an_unknown_round_kind_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + _template(kind="lunch"))
    message = _refused(load_templates, path, "template 1 ('a'), round 1", "unknown round kind")
    assert "'lunch'" in message and "hiring-manager" in message


def test_an_unknown_theme_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + _template(themes='["failure", "juggling"]'))
    _refused(load_templates, path, "round 1", "unknown theme 'juggling'")


def test_too_many_themes_are_refused(tmp_path: Path) -> None:
    themes = '["failure", "ownership", "integrity", "risk-taken", "ambiguity"]'
    _refused(load_templates, _write(tmp_path, HEAD + _template(themes=themes)), "at most 4")


@pytest.mark.parametrize(("minutes", "reason"), [(4, "out of 5-480"), (481, "out of 5-480")])
def test_minutes_out_of_range_are_refused(tmp_path: Path, minutes: int, reason: str) -> None:
    path = _write(tmp_path, HEAD + _template(minutes=minutes))
    _refused(load_templates, path, f"{minutes} minutes", reason)


@pytest.mark.parametrize("minutes", ['"45"', "45.5", "true"])
def test_minutes_that_are_no_whole_number_are_refused(tmp_path: Path, minutes: str) -> None:
    path = _write(tmp_path, HEAD + _template(minutes=minutes))
    _refused(load_templates, path, "'minutes' must be a whole number")


def test_missing_minutes_are_refused(tmp_path: Path) -> None:
    text = (HEAD + _template()).replace("minutes = 45\n", "")
    _refused(load_templates, _write(tmp_path, text), "'minutes' is missing")


def test_a_duplicate_template_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + _template("a") + _template("b") + _template("a"))
    _refused(load_templates, path, "template 3", "duplicate key 'a'")


def test_an_unknown_pack_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + _template(pack="acme-values"))
    _refused(load_templates, path, "unknown value pack 'acme-values'", "netflix-culture")


def test_empty_names_are_refused(tmp_path: Path) -> None:
    text = (HEAD + _template()).replace('name = "A round"', 'name = "  "')
    _refused(load_templates, _write(tmp_path, text), "round 1", "'name' must be a non-empty")
    text = (HEAD + _template()).replace('name = "A loop"', 'name = ""')
    _refused(load_templates, _write(tmp_path, text), "template 1 ('a')", "'name'")


def test_a_file_without_templates_or_head_is_refused(tmp_path: Path) -> None:
    _refused(load_templates, _write(tmp_path, HEAD), "at least one [[templates]]")
    _refused(load_templates, _write(tmp_path, _template()), "[bank]", "must be a table")
    text = (HEAD + _template()).replace("version = 1", "version = 0")
    _refused(load_templates, _write(tmp_path, text), "'version'")


def test_a_template_without_rounds_is_refused(tmp_path: Path) -> None:
    text = HEAD + '[[templates]]\nkey = "a"\nname = "A"\ndescription = "D."\n'
    _refused(load_templates, _write(tmp_path, text), "template 1 ('a')", "[[templates.rounds]]")


def test_a_duplicate_question_uuid_is_refused(tmp_path: Path) -> None:
    key = str(uuid.uuid4())
    text = HEAD + _question("One?", key=key) + _question("Two?", key=key)
    _refused(load_questions, _write(tmp_path, text), "question 2", f"duplicate uuid '{key}'")


def test_a_duplicate_question_text_is_refused(tmp_path: Path) -> None:
    text = HEAD + _question("What is it?") + _question("what  IS it?")
    _refused(load_questions, _write(tmp_path, text), "question 2", "duplicate text")


@pytest.mark.parametrize(
    "key", [str(uuid.uuid1()), "not-a-uuid", str(uuid.uuid4()).upper(), uuid.uuid4().hex]
)
def test_a_uuid_that_is_not_a_uuid4_is_refused(tmp_path: Path, key: str) -> None:
    path = _write(tmp_path, HEAD + _question(key=key))
    _refused(load_questions, path, "question 1", "not a lowercase uuid4")


@pytest.mark.parametrize(
    ("kinds", "reason"),
    [
        ('["lunch"]', "unknown round kind 'lunch'"),
        ("[]", "at least one round kind"),
        ('"peer"', "must be a list"),
        ('["peer", "peer"]', "the same entry twice"),
    ],
)
def test_bad_question_kinds_are_refused(tmp_path: Path, kinds: str, reason: str) -> None:
    path = _write(tmp_path, HEAD + _question(kinds=kinds))
    _refused(load_questions, path, "question 1", reason)


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    _refused(load_templates, tmp_path / "absent.toml")


def test_the_builtin_files_are_where_the_loaders_look() -> None:
    assert resource_path("loops", "templates.toml").is_file()
    assert resource_path("loops", "questions-to-ask.toml").is_file()
