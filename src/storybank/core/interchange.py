"""Reading stories written as Markdown files (the format in DESIGN.md).

One reader, shared by the demo bank, ``storybank coach`` and import: optional
YAML front matter, then sections found by their headings, with case and minor
wording forgiven ("S — Situation", "Actions"). Text before the first heading
is the Situation when the file has no section headings at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from storybank.core.records import SECTIONS, Strength

MAX_FRONT_MATTER = 64 * 1024

_SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "situation": ("situation", "context", "background"),
    "task": ("task", "tasks", "goal", "objective", "challenge"),
    "action": ("action", "actions", "what i did", "approach"),
    "result": ("result", "results", "outcome", "outcomes"),
    "reflection": (
        "reflection",
        "reflections",
        "lessons",
        "lessons learned",
        "what i learned",
        "learnings",
    ),
}
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^(```|~~~)")
_PREFIX = re.compile(r"^(?:\d+[.)]\s*|[stars]\s*[—–:\-.)]\s*)", re.IGNORECASE)


class InterchangeError(ValueError):
    """A story file could not be read; says where (line) and why."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class ParsedStory:
    """A story read from a file, before its values are matched to the bank."""

    title: str = ""
    uuid: str | None = None
    company: str = ""
    role: str = ""
    period: str = ""
    sections: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SECTIONS, ""))
    values: dict[str, Strength] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def section_for_heading(heading: str) -> str | None:
    """Return the section a heading names, or None."""
    text = _PREFIX.sub("", heading.strip()).strip(" :*_").lower()
    for section, words in _SECTION_WORDS.items():
        if text in words:
            return section
    return None


def _split_front_matter(text: str) -> tuple[dict[str, object], str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            raw = "\n".join(lines[1:index])
            if len(raw) > MAX_FRONT_MATTER:
                raise InterchangeError("front matter is larger than 64 KiB", 1)
            try:
                data = yaml.safe_load(raw) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                reason = getattr(exc, "problem", None) or "invalid YAML"
                raise InterchangeError(f"front matter: {reason}", line) from exc
            if not isinstance(data, dict):
                raise InterchangeError("front matter must be a set of 'key: value' lines", 2)
            return data, "\n".join(lines[index + 1 :]), index + 1
    raise InterchangeError("front matter starts with '---' but is never closed", 1)


def _scalar(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise InterchangeError(f"front matter: '{key}' must be text")
    return str(value).strip()


def _values(raw: object) -> dict[str, Strength]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        raw = {item: Strength.PRIMARY.value for item in raw}
    if not isinstance(raw, dict):
        raise InterchangeError("front matter: 'values' must map value to primary or supporting")
    values: dict[str, Strength] = {}
    for key, strength in raw.items():
        try:
            values[str(key).strip()] = Strength(str(strength or "primary").strip().lower())
        except ValueError:
            raise InterchangeError(
                f"front matter: value '{key}' must be primary or supporting, not '{strength}'"
            ) from None
    return values


def _tags(raw: object) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list):
        raise InterchangeError("front matter: 'tags' must be a list")
    return [str(tag).strip() for tag in raw if str(tag).strip()]


def parse_story_markdown(text: str) -> ParsedStory:
    """Parse one story file; raise :class:`InterchangeError` if it is malformed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    data, body, _offset = _split_front_matter(text)
    story = ParsedStory(
        title=_scalar(data, "title"),
        uuid=_scalar(data, "uuid") or None,
        company=_scalar(data, "company"),
        role=_scalar(data, "role"),
        period=_scalar(data, "period") or _scalar(data, "when"),
        values=_values(data.get("values")),
        tags=_tags(data.get("tags")),
    )
    chunks: dict[str, list[str]] = {name: [] for name in SECTIONS}
    preamble: list[str] = []
    current: list[str] = preamble
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            section = section_for_heading(match.group(2))
            if section is not None:
                current = chunks[section]
                continue
            if match.group(1) == "#" and not story.title and current is preamble:
                story.title = match.group(2).strip()
                continue
        current.append(line)
    if any(line.strip() for line in preamble):
        chunks["situation"] = [*preamble, "", *chunks["situation"]]
    for name, lines in chunks.items():
        story.sections[name] = "\n".join(lines).strip()
    return story
