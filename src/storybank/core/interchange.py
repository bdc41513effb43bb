"""Reading and writing stories as Markdown files (the format in ARCHITECTURE.md).

One reader, shared by the demo bank, ``storybank coach`` and import: optional
YAML front matter, then sections found by their headings, with case and minor
wording forgiven ("S — Situation", "Actions"). Text before the first heading
is the Situation when the file has no section headings at all.

The writer (:func:`format_story_markdown`) marks its files with
``storybank: 1`` in the front matter. Such a file is read *exactly*: text
fields keep their surrounding spaces and blank lines, and section lines that
the writer escaped (see :func:`escape_section`) are restored, so that any
story survives an export and an import unchanged. Files without the mark are
read forgivingly, as notes written by hand or by another app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import yaml

from storybank.core.records import SECTIONS, Strength

if TYPE_CHECKING:
    from storybank.core.transfer.records import ExportStory

MAX_FRONT_MATTER = 64 * 1024
#: The front matter key (and its value) that marks a file written by Storybank.
FORMAT_KEY = "storybank"
FORMAT_VERSION = 1

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
_ESCAPED = re.compile(r"\\([\\r])")
# Wide enough that PyYAML never folds a value over several lines.
_NO_WRAP = 1 << 30
# Characters that end a line for YAML (or for the reader): a front matter
# value written with one of them raw would not stay on its own line.
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_SCALARS = (str, int, float, bool, date)
# Half of a UTF-16 pair on its own: a "\\ud800" escape in YAML or JSON decodes to
# one, and it is no character at all (it cannot be written out as UTF-8).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Why a date and time is refused when it parses but UTC cannot hold it.
OUTSIDE_CALENDAR = "is outside the years 1 to 9999 once moved to UTC"


class TransferError(ValueError):
    """An import or export failed: says which file, which line (when known) and why."""

    def __init__(self, reason: str, line: int | None = None, path: str | None = None) -> None:
        self.reason = reason
        self.line = line
        self.path = path
        where = ", ".join(part for part in (path, f"line {line}" if line else None) if part)
        super().__init__(f"{where}: {reason}" if where else reason)


class InterchangeError(TransferError):
    """A story file could not be read; says where (line) and why."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, line)


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
    created: datetime | None = None
    updated: datetime | None = None
    #: None when the file does not say (a note written by hand).
    archived: bool | None = None


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
            except (ValueError, OverflowError, RecursionError) as exc:
                # PyYAML builds dates and numbers with Python's own constructors
                # (a 13th month, a 5,000-digit number) and nests recursively.
                reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
                raise InterchangeError(f"front matter: {reason}", 2) from exc
            if not isinstance(data, dict):
                raise InterchangeError("front matter must be a set of 'key: value' lines", 2)
            return data, "\n".join(lines[index + 1 :]), index + 1
    raise InterchangeError("front matter starts with '---' but is never closed", 1)


def _join_pairs(text: str, what: str) -> str:
    """``text`` with its UTF-16 surrogate pairs made whole characters, as JSON does.

    PyYAML reads ``"\\ud83d\\ude00"`` as two halves of a pair; one half alone
    is no character at all, and no file, database or terminal can hold it.
    """
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise InterchangeError(
            f"front matter: {what} holds a lone surrogate, which is not text"
        ) from None


def _text_of(value: object, what: str) -> str:
    """A scalar from the front matter as text; anything nested is refused.

    Refusing lists and mappings before calling ``str`` matters: YAML aliases
    can make a small file describe a structure whose text is gigabytes long.
    """
    if not isinstance(value, _SCALARS):
        raise InterchangeError(f"front matter: {what} must be text")
    if isinstance(value, str) and LONE_SURROGATE.search(value):
        value = _join_pairs(value, what)
    try:
        return str(value)
    except ValueError as exc:  # an integer too long to print in decimal
        raise InterchangeError(f"front matter: {what}: {exc}") from None


def _scalar(data: dict[str, object], key: str, *, exact: bool = False) -> str:
    value = data.get(key)
    if value is None:
        return ""
    text = _text_of(value, f"'{key}'")
    return text if exact and isinstance(value, str) else text.strip()


def _values(raw: object) -> dict[str, Strength]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        names = [_text_of(item, "each value") for item in raw]
        raw = {name: Strength.PRIMARY.value for name in names}
    if not isinstance(raw, dict):
        raise InterchangeError("front matter: 'values' must map value to primary or supporting")
    values: dict[str, Strength] = {}
    for key, strength in raw.items():
        name = _text_of(key, "each value").strip()
        level = _text_of(strength, f"value '{name}'") if strength else "primary"
        try:
            values[name] = Strength(level.strip().lower())
        except ValueError:
            raise InterchangeError(
                f"front matter: value '{name}' must be primary or supporting, not '{level}'"
            ) from None
    return values


def _tags(raw: object, *, exact: bool = False) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list):
        raise InterchangeError("front matter: 'tags' must be a list")
    tags = [_text_of(tag, "each tag") for tag in raw]
    return [tag if exact else tag.strip() for tag in tags if tag.strip()]


def in_utc(when: datetime) -> datetime:
    """``when`` moved to UTC (a naive time is taken as UTC already).

    Raises OverflowError when UTC has no such time: an offset can push
    0001-01-01 or 9999-12-31 out of the calendar Python knows.
    """
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _when(data: dict[str, object], *keys: str) -> datetime | None:
    """A date and time from the front matter, in UTC.

    Lenient on purpose: notes apps write these keys in many shapes, and they
    only inform the merge, so one that cannot be read counts as absent. One
    that reads as a date but that UTC cannot hold is refused, as JSON's is:
    silently dropping a date the file plainly states would be a guess.
    """
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                continue
        if isinstance(value, datetime):
            try:
                return in_utc(value)
            except OverflowError:
                raise InterchangeError(
                    f"front matter: '{key}': {str(value)[:40]} {OUTSIDE_CALENDAR}"
                ) from None
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _archived(data: dict[str, object], exact: bool) -> bool | None:
    value = data.get("archived")
    if value is None:
        return False if exact else None
    if not isinstance(value, bool):
        raise InterchangeError("front matter: 'archived' must be true or false")
    return value


def _is_exact(data: dict[str, object]) -> bool:
    mark = data.get(FORMAT_KEY)
    return type(mark) is int and mark == FORMAT_VERSION


def written_for(text: str) -> str | None:
    """The uuid of the story a file written by :func:`format_story_markdown` holds.

    None for any other file (no front matter, no mark, no uuid, or not readable).
    """
    try:
        data, _body, _offset = _split_front_matter(
            text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        )
    except InterchangeError:
        return None
    uuid = data.get("uuid")
    return uuid if _is_exact(data) and isinstance(uuid, str) else None


def _unescape_line(line: str) -> str:
    if not line.startswith("\\"):
        return line
    return _ESCAPED.sub(lambda m: "\\" if m.group(1) == "\\" else "\r", line[1:])


def _exact_section(lines: list[str]) -> str:
    text = "\n".join(lines)
    # The writer ends every section with one newline, then a blank line.
    text = text.removesuffix("\n")
    return "\n".join(_unescape_line(line) for line in text.split("\n"))


def parse_story_markdown(text: str) -> ParsedStory:
    """Parse one story file; raise :class:`InterchangeError` if it is malformed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    data, body, _offset = _split_front_matter(text)
    exact = _is_exact(data)
    story = ParsedStory(
        title=_scalar(data, "title", exact=exact),
        uuid=_scalar(data, "uuid") or None,
        company=_scalar(data, "company", exact=exact),
        role=_scalar(data, "role", exact=exact),
        period=_scalar(data, "period", exact=exact) or _scalar(data, "when"),
        values=_values(data.get("values")),
        tags=_tags(data.get("tags"), exact=exact),
        created=_when(data, "created", "created_at", "date"),
        updated=_when(data, "updated", "updated_at", "modified"),
        archived=_archived(data, exact),
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
        story.sections[name] = _exact_section(lines) if exact else "\n".join(lines).strip()
    return story


# --- writing ----------------------------------------------------------------


def _is_section_heading(line: str) -> bool:
    match = _HEADING.match(line)
    return match is not None and section_for_heading(match.group(2)) is not None


def _escape_line(line: str) -> str:
    return "\\" + line.replace("\\", "\\\\").replace("\r", "\\r")


def escape_section(text: str) -> str:
    """A section's text as the writer puts it under its heading.

    A line the reader would take for a section heading ("## Result") gets a
    backslash in front, as Markdown itself escapes it; so does a line that
    already starts with a backslash, so that the escape can be undone
    unambiguously, and a line holding a carriage return (written as ``\\r``,
    since readers turn raw ones into line breaks). A code fence left open at
    the end is escaped too: it would hide the next section's heading.
    """
    lines = [
        _escape_line(line)
        if line.startswith("\\") or "\r" in line or _is_section_heading(line)
        else line
        for line in text.split("\n")
    ]
    open_fence: int | None = None
    for index, line in enumerate(lines):
        if _FENCE.match(line.strip()):
            open_fence = index if open_fence is None else None
    if open_fence is not None:
        lines[open_fence] = _escape_line(lines[open_fence])
    return "\n".join(lines)


def _inline_yaml(key: str, value: object) -> str:
    """``key: value`` on one line, plain where YAML allows it, quoted otherwise."""
    for style in (None, '"'):
        dumped = yaml.safe_dump(
            [value],
            allow_unicode=True,
            default_flow_style=True,
            default_style=style,
            width=_NO_WRAP,
        )
        inline = dumped.removesuffix("\n").removeprefix("[").removesuffix("]")
        line = f"{key}: {inline}"
        if any(mark in inline for mark in _LINE_BREAKS):
            continue
        try:
            if yaml.safe_load(line) == {key: value}:
                return line
        except yaml.YAMLError:
            continue
    raise ValueError(f"cannot write {key!r} as one line of YAML")  # pragma: no cover


def _iso(when: datetime) -> str:
    return in_utc(when).isoformat().replace("+00:00", "Z")


def format_story_markdown(story: ExportStory) -> str:
    """One story as a Markdown file that :func:`parse_story_markdown` reads back exactly."""
    front = [
        _inline_yaml("title", story.title),
        _inline_yaml("uuid", story.uuid),
        _inline_yaml("company", story.company),
        _inline_yaml("role", story.role),
        _inline_yaml("period", story.period),
        _inline_yaml("values", {key: str(strength) for key, strength in story.values.items()}),
        _inline_yaml("tags", list(story.tags)),
        f"created: {_iso(story.created_at)}",
        f"updated: {_iso(story.updated_at)}",
    ]
    if story.archived:
        front.append("archived: true")
    front.append(f"{FORMAT_KEY}: {FORMAT_VERSION}")
    sections = [
        f"## {name.capitalize()}\n{escape_section(getattr(story, name))}\n" for name in SECTIONS
    ]
    return "---\n" + "\n".join(front) + "\n---\n" + "\n".join(sections)
