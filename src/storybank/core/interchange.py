"""Reading and writing stories as Markdown files (the format in ARCHITECTURE.md).

One reader, shared by the demo bank, ``storybank coach`` and import: optional
YAML front matter, then sections found by their headings or labels
(``**Situation:** text``), with case, synonyms and minor wording forgiven
("S — Situation", "Actions", "Tension"); all the words are in one table,
:data:`_WORDS`. What has no field of its own (a "Point", "Anchors", an
unknown ``**Key:** value``) is kept as notes at the end of the Reflection.
:func:`parse_stories_markdown` also reads a file holding one story per
``##`` heading.

The writer (:func:`format_story_markdown`) marks its files with
``storybank: 1`` in the front matter. Such a file is read *exactly*: text
fields keep their surrounding spaces and blank lines, and section lines that
the writer escaped (see :func:`escape_section`) are restored, so that any
story survives an export and an import unchanged. Files without the mark are
read forgivingly, as notes written by hand or by another app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import yaml

from storybank.core.records import CONTEXT_FIELDS, SECTIONS, Strength

if TYPE_CHECKING:
    from storybank.core.transfer.records import ExportStory

MAX_FRONT_MATTER = 64 * 1024
#: The front matter key (and its value) that marks a file written by Storybank.
FORMAT_KEY = "storybank"
FORMAT_VERSION = 1
#: What :data:`_WORDS` calls the parts of a story that have no field of their own.
NOTES = "notes"
#: The line that opens, at the end of the Reflection, what an import kept that
#: has no field of its own (the story has no notes field).
NOTES_MARKER = "**Notes from import**"

#: Every word a heading or a label may use, in one table, by what it names: a
#: section, a context field, or :data:`NOTES` (a part of a story with no field of
#: its own, kept in the notes). Case, a trailing colon and a "1." or "S —" prefix
#: are forgiven.
_WORDS: dict[str, tuple[str, ...]] = {
    "situation": ("situation", "context", "background", "tension", "setting"),
    "task": ("task", "tasks", "goal", "goals", "objective", "objectives", "challenge"),
    "action": ("action", "actions", "what i did", "approach", "turn"),
    "result": ("result", "results", "outcome", "outcomes", "impact"),
    "reflection": (
        "reflection",
        "reflections",
        "lesson",
        "lessons",
        "lesson learned",
        "lessons learned",
        "what i learned",
        "what i learnt",
        "learnings",
    ),
    "company": ("company", "employer", "organisation", "organization"),
    "role": ("role", "position"),
    "period": ("period", "when", "dates", "timeframe"),
    NOTES: ("point", "anchors", "anchor", "do not claim", "don't claim"),
}
_TARGETS = {word: target for target, words in _WORDS.items() for word in words}
#: The section words of format version 1, frozen: a file marked ``storybank: 1``
#: is read, and its lines escaped, with exactly these, so that every file already
#: exported reads back as it was written.
_FORMAT_1_WORDS = frozenset(
    {
        *("situation", "context", "background", "task", "tasks", "goal", "objective"),
        *("challenge", "action", "actions", "what i did", "approach", "result", "results"),
        *("outcome", "outcomes", "reflection", "reflections", "lessons", "lessons learned"),
        *("what i learned", "learnings"),
    }
)
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


def _label_word(label: str) -> str:
    """A heading's or a label's words as :data:`_WORDS` holds them."""
    text = _PREFIX.sub("", label.strip()).strip(" :*_").replace("\u2019", "'")
    return " ".join(text.lower().split())


def _label_text(label: str) -> str:
    """A heading's or a label's words as written, without prefix or marks."""
    return _PREFIX.sub("", label.strip()).strip(" :*_")


def _target(label: str) -> str | None:
    """What a heading or a label names: a section, a context field, :data:`NOTES`, or None."""
    return _TARGETS.get(_label_word(label))


def section_for_heading(heading: str) -> str | None:
    """Return the section a heading names, or None."""
    target = _target(heading)
    return target if target in SECTIONS else None


def _format_1_section(heading: str) -> str | None:
    """The section a heading names in a file written by Storybank (format 1), or None."""
    text = _PREFIX.sub("", heading.strip()).strip(" :*_").lower()
    return _TARGETS[text] if text in _FORMAT_1_WORDS else None


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


def _front(data: dict[str, object], exact: bool) -> ParsedStory:
    """A story holding what the front matter says, with no section text yet."""
    return ParsedStory(
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


def _read_exact(story: ParsedStory, body: str) -> None:
    """Fill the sections of a file written by Storybank, exactly as written."""
    chunks: dict[str, list[str]] = {name: [] for name in SECTIONS}
    preamble: list[str] = []
    current: list[str] = preamble
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            section = _format_1_section(match.group(2))
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
        story.sections[name] = _exact_section(lines)


def _open(text: str) -> tuple[dict[str, object], str]:
    """A file's front matter and its body, line ends made ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    data, body, _offset = _split_front_matter(text)
    return data, body


def title_from_name(name: str) -> str:
    """A title made of a file's name: ``billing-rewrite.md`` -> "Billing rewrite"."""
    stem = re.sub(r"\.(?:md|markdown|txt)$", "", name.strip(), flags=re.IGNORECASE)
    words = " ".join(re.sub(r"[-_]+", " ", stem).split())
    return words[:1].upper() + words[1:]


def _read_one(data: dict[str, object], body: str, name: str) -> ParsedStory:
    story = _front(data, _is_exact(data))
    if _is_exact(data):
        _read_exact(story, body)
        return story
    _Sorter(story, in_collection=False).read(body.split("\n")).finish()
    if not story.title:
        story.title = title_from_name(name)
    return story


def parse_story_markdown(text: str, *, name: str = "") -> ParsedStory:
    """Parse one story file; raise :class:`InterchangeError` if it is malformed.

    ``name`` is the file's name: a file written by hand that gives no title is
    titled after it. The whole file is one story, whatever its headings.
    """
    data, body = _open(text)
    return _read_one(data, body, name)


def parse_stories_markdown(text: str, *, name: str = "") -> list[ParsedStory]:
    """Parse a story file that may hold several stories, one per ``##`` heading.

    A file written by hand whose ``##`` headings are not sections, with the
    sections of each story below them (``### Situation``, ``**Action:**``), holds
    one story per such heading; any other file holds one story, as
    :func:`parse_story_markdown` reads it.
    """
    data, body = _open(text)
    if not _is_exact(data) and data.get("uuid") is None:
        stories = _read_collection(data, body)
        if stories is not None:
            return stories
    return [_read_one(data, body, name)]


# --- files written by hand or by other apps ---------------------------------

# "**Situation:** text", "**Situation**: text" or "**Situation**" alone.
_BOLD_LABEL = re.compile(
    r"^ {0,3}(\*\*|__)(?P<label>[^*_\n]{1,40}?)(?P<colon>\s*:)?\s*\1(?P<after>\s*:)?(?P<rest>.*)$"
)
# "Situation: text" at the start of a paragraph.
_PLAIN_LABEL = re.compile(
    r"^ {0,3}(?P<label>[^\s\d:*_#`>|\-][^:*_#`\n]{0,39}?)\s*:(?:\s+(?P<rest>.*))?$"
)
# Where a line of "**Key:** value" pairs starts its next pair.
_NEXT_KEY = re.compile(r"\s*(?:[·•|;,]\s*)?(?=(?:\*\*|__)[^*_\n]{1,40}?:\s*(?:\*\*|__))")


def _label_line(line: str, *, plain: bool) -> tuple[str, str, bool] | None:
    """A line that starts with a label: (label, the text after it, bold), or None.

    Bold labels count at the start of any line, plain ones only where ``plain``
    (the start of a paragraph): "Result: …" in the middle of one is prose.
    """
    match = _BOLD_LABEL.match(line)
    if match is not None:
        rest = match.group("rest").strip()
        if match.group("colon") or match.group("after") or not rest:
            return match.group("label"), rest, True
        return None
    match = _PLAIN_LABEL.match(line) if plain else None
    if match is not None:
        return match.group("label"), (match.group("rest") or "").strip(), False
    return None


@dataclass
class _Note:
    """Text of a story with no field of its own, under the label it came with."""

    head: str
    lines: list[str] = field(default_factory=list)
    #: The head is a label alone: the note is empty without lines.
    bare: bool = False

    def text(self) -> str:
        body = "\n".join(self.lines).strip()
        if self.bare and not body:
            return ""
        return "\n".join(part for part in (self.head, body) if part)


class _Sorter:
    """Sorts the lines of one story read forgivingly into its sections, its
    context fields (``**Company:** Acme``) and notes: what has no field of its
    own, kept under :data:`NOTES_MARKER` at the end of the Reflection."""

    def __init__(self, story: ParsedStory, *, in_collection: bool) -> None:
        self.story = story
        #: One of several stories in a file: text before its first section is a
        #: note, not the Situation.
        self.in_collection = in_collection
        self.chunks: dict[str, list[str]] = {name: [] for name in SECTIONS}
        self.preamble: list[str] = []
        self.notes: list[_Note] = []
        self.current = self.preamble
        #: The section being read (None: the preamble or a note), and those holding text.
        self.section: str | None = None
        self.filled: set[str] = set()
        self.found_section = False
        self.in_fence = False
        self.paragraph_start = True

    def read(self, lines: Iterable[str]) -> _Sorter:
        for line in lines:
            if _FENCE.match(line.strip()):
                self.in_fence = not self.in_fence
            elif not self.in_fence and (self._heading(line) or self._label(line)):
                self.paragraph_start = True
                continue
            self._keep(line)
            self.paragraph_start = not line.strip()
        return self

    def _keep(self, line: str) -> None:
        self.current.append(line)
        if self.section is not None and line.strip():
            self.filled.add(self.section)

    def _heading(self, line: str) -> bool:
        match = _HEADING.match(line)
        if match is None:
            return False
        text = match.group(2)
        target = _target(text)
        if target in SECTIONS:
            self._enter_section(target, text)
        elif target == NOTES:
            self._enter_note(text, "")
        elif match.group(1) == "#" and not self.story.title and self.current is self.preamble:
            self.story.title = text.strip()
        else:
            return False
        return True

    def _label(self, line: str) -> bool:
        found = _label_line(line, plain=self.paragraph_start)
        if found is None:
            return False
        label, rest, bold = found
        target = _target(label)
        if target in SECTIONS:
            self._enter_section(target, label)
            if rest:
                self._keep(rest)
        elif target == NOTES:
            self._enter_note(label, rest)
        elif self.current is not self.preamble or not rest:
            return False
        elif bold:
            for pair in _NEXT_KEY.split(line.strip()):
                self._key(pair)
        elif target in CONTEXT_FIELDS:
            self._context(target, rest, line.strip())
        else:
            return False
        return True

    def _key(self, pair: str) -> None:
        """One ``**Key:** value`` pair heading a story: a context field, or a note."""
        found = _label_line(pair, plain=False)
        target = _target(found[0]) if found else None
        if found is not None and target in CONTEXT_FIELDS and found[1]:
            self._context(target, found[1], pair)
        elif pair.strip():
            self.notes.append(_Note(pair.strip()))

    def _context(self, name: str, value: str, line: str) -> None:
        """Fill a context field; a second, different value is kept as a note."""
        held = getattr(self.story, name)
        if not held:
            setattr(self.story, name, value)
        elif held != value:
            self.notes.append(_Note(line))

    def _enter_section(self, name: str, label: str) -> None:
        lines = self.chunks[name]
        if name in self.filled and _label_word(label) != name:
            # A second part of one section ("Tension" after "Situation") keeps its label.
            while not lines[-1].strip():
                lines.pop()
            lines += ["", f"**{_label_text(label)}:**"]
        self.current, self.section = lines, name
        self.found_section = True

    def _enter_note(self, label: str, rest: str) -> None:
        head = f"**{_label_text(label)}:**"
        note = _Note(f"{head} {rest}" if rest else head, bare=not rest)
        self.notes.append(note)
        self.current, self.section = note.lines, None

    def finish(self, lead: _Note | None = None) -> None:
        """Write the sorted text into the story; ``lead`` is a note to put first."""
        notes = [lead] if lead is not None else []
        if any(line.strip() for line in self.preamble):
            if self.in_collection and self.found_section:
                notes.append(_Note("", self.preamble))
            else:
                self.chunks["situation"] = [*self.preamble, "", *self.chunks["situation"]]
        for name, lines in self.chunks.items():
            self.story.sections[name] = "\n".join(lines).strip()
        kept = "\n\n".join(text for text in (note.text() for note in [*notes, *self.notes]) if text)
        if kept:
            parts = (self.story.sections["reflection"], NOTES_MARKER, kept)
            self.story.sections["reflection"] = "\n\n".join(part for part in parts if part)


def _split_stories(body: str) -> tuple[list[str], list[tuple[str, list[str]]]] | None:
    """The lines before the first story, and each story's ``##`` title and lines.

    None when the file is one story: it has no ``##`` heading that is not a
    section, or it has a section heading at the ``#`` or ``##`` level.
    """
    top: list[str] = []
    stories: list[tuple[str, list[str]]] = []
    current = top
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is not None and len(match.group(1)) <= 2:
            target = _target(match.group(2))
            if target in SECTIONS:
                return None
            if len(match.group(1)) == 2 and target is None:
                current = []
                stories.append((match.group(2).strip(), current))
                continue
        current.append(line)
    return (top, stories) if stories else None


def _file_top(data: dict[str, object], top: list[str]) -> _Note | None:
    """The file's own title and introduction, as a note for its first story."""
    title = _scalar(data, "title")
    lines = list(top)
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match is not None and match.group(1) == "#":
            if not title:
                title = match.group(2).strip()
                del lines[index]
            break
    if not title and not any(line.strip() for line in lines):
        return None
    head = f"**From the top of the file “{title}”:**" if title else "**From the top of the file:**"
    return _Note(head, lines)


def _read_collection(data: dict[str, object], body: str) -> list[ParsedStory] | None:
    """The stories of a file holding one per ``##`` heading, or None if it holds one."""
    split = _split_stories(body)
    if split is None:
        return None
    top, blocks = split
    sorters = []
    for title, lines in blocks:
        story = _front(data, exact=False)
        story.uuid, story.title = None, title
        sorters.append(_Sorter(story, in_collection=True).read(lines))
    if not any(sorter.found_section for sorter in sorters):
        return None
    for index, sorter in enumerate(sorters):
        sorter.finish(_file_top(data, top) if index == 0 else None)
    return [sorter.story for sorter in sorters]


# --- writing ----------------------------------------------------------------


def _is_section_heading(line: str) -> bool:
    match = _HEADING.match(line)
    return match is not None and _format_1_section(match.group(2)) is not None


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
