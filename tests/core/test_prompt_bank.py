"""The behavioral prompt bank: well-formed, varied, and tied to the built-in value packs."""

from __future__ import annotations

import re
import tomllib
import uuid
from collections import Counter
from functools import cache
from typing import Any

import pytest

from storybank.core.packs import builtin_packs, value_key
from storybank.resources import resource_path

REQUIRED_THEMES = (
    "feedback-received",
    "feedback-given",
    "manager-disagreement",
    "peer-conflict",
    "failure",
    "mistake-admitted",
    "incomplete-information",
    "quick-fix-vs-root-cause",
    "risk-taken",
    "influence-without-authority",
    "context-not-control",
    "ownership",
    "saying-no",
    "learning-fast",
    "challenging-status-quo",
    "team-first",
    "inclusion",
    "integrity",
    "low-performer",
    "tight-deadline",
    "proudest-impact",
    "why-this-company",
)
MIN_PROMPTS = 150
MIN_PER_THEME = 6
MIN_PER_VALUE = 5


@cache
def _bank() -> dict[str, Any]:
    return tomllib.loads(resource_path("prompts", "behavioral.toml").read_text(encoding="utf-8"))


def _prompts() -> list[dict[str, Any]]:
    return _bank()["prompts"]


def _pack_value_keys() -> set[str]:
    return {value.key for pack in builtin_packs() for value in pack.values}


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _word_distance(a: list[str], b: list[str]) -> int:
    """Word-level edit distance between two token lists."""
    previous = list(range(len(b) + 1))
    for i, word_a in enumerate(a, start=1):
        current = [i]
        for j, word_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word_a != word_b))
            )
        previous = current
    return previous[-1]


def _non_empty_strings(items: object) -> bool:
    return isinstance(items, list) and all(isinstance(s, str) and s.strip() for s in items)


def test_bank_header() -> None:
    head = _bank()["bank"]
    for field in ("key", "name", "date", "source"):
        assert isinstance(head.get(field), str) and head[field].strip(), field
    version = head.get("version")
    assert isinstance(version, int) and not isinstance(version, bool) and version >= 1


def test_themes_are_unique_and_described() -> None:
    themes = _bank()["themes"]
    keys = [theme["key"] for theme in themes]
    assert len(keys) == len(set(keys)), [k for k, n in Counter(keys).items() if n > 1]
    for theme in themes:
        key = theme["key"]
        assert key == value_key(key), f"theme key '{key}' must be lowercase and hyphenated"
        assert theme.get("name", "").strip(), key
        assert theme.get("description", "").strip(), key
    assert set(REQUIRED_THEMES) <= set(keys)


def test_prompt_count() -> None:
    assert len(_prompts()) >= MIN_PROMPTS


@pytest.mark.parametrize("field", ["uuid", "text", "theme", "values", "follow_ups"])
def test_every_prompt_has_field(field: str) -> None:
    missing = [p.get("text", p.get("uuid")) for p in _prompts() if field not in p]
    assert not missing


def test_uuids_are_valid_and_unique() -> None:
    ids = [p["uuid"] for p in _prompts()]
    for raw in ids:
        assert str(uuid.UUID(raw)) == raw.lower(), raw
    assert len(ids) == len(set(ids))


def test_prompt_fields_are_well_formed() -> None:
    theme_keys = {theme["key"] for theme in _bank()["themes"]}
    value_keys = _pack_value_keys()
    for prompt in _prompts():
        text = prompt["text"]
        assert isinstance(text, str) and text.strip(), prompt["uuid"]
        assert text.rstrip().endswith((".", "?")), text
        assert prompt["theme"] in theme_keys, text
        values = prompt["values"]
        assert _non_empty_strings(values) and 1 <= len(values) <= 3, text
        assert len(set(values)) == len(values), text
        assert set(values) <= value_keys, (text, set(values) - value_keys)
        follow_ups = prompt["follow_ups"]
        assert _non_empty_strings(follow_ups) and 1 <= len(follow_ups) <= 3, text


def test_no_duplicate_texts() -> None:
    counts = Counter(_normalised(p["text"]) for p in _prompts())
    assert not [text for text, n in counts.items() if n > 1]


def test_no_near_duplicate_texts() -> None:
    tokens = [re.findall(r"[\w']+", _normalised(p["text"])) for p in _prompts()]
    close = [
        (" ".join(a), " ".join(b))
        for index, a in enumerate(tokens)
        for b in tokens[index + 1 :]
        if _word_distance(a, b) <= 2
    ]
    assert not close


def test_required_themes_are_well_covered() -> None:
    counts = Counter(p["theme"] for p in _prompts())
    thin = {key: counts[key] for key in REQUIRED_THEMES if counts[key] < MIN_PER_THEME}
    assert not thin


def test_every_pack_value_is_used() -> None:
    """The packs the prompts are tagged with: each value on enough prompts. Every
    other built-in pack reaches the prompts through its values' themes instead."""
    counts = Counter(value for p in _prompts() for value in p["values"])
    themes = Counter(p["theme"] for p in _prompts())
    for pack in builtin_packs():
        keys = [value.key for value in pack.values]
        if any(counts[key] for key in keys):
            rare = {key: counts[key] for key in keys if counts[key] < MIN_PER_VALUE}
        else:
            reach = {v.key: sum(themes[t] for t in v.themes) for v in pack.values}
            rare = {key: n for key, n in reach.items() if n < MIN_PER_VALUE}
        assert not rare, pack.key
