"""Value packs: versioned TOML files describing a company's culture values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storybank.resources import resource_files

if TYPE_CHECKING:
    from storybank.core.records import PackInfo

DEFAULT_PACK = "netflix-culture"


class PackError(ValueError):
    """A pack file is malformed; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class PackValue:
    """A value as a pack file defines it."""

    key: str
    name: str
    description: str
    keywords: tuple[str, ...]
    #: Prompt-bank theme keys most likely to probe the value, best first.
    themes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pack:
    """A value pack as a file defines it."""

    key: str
    name: str
    version: int
    date: str
    source: str
    description: str
    default_active: bool
    values: tuple[PackValue, ...]
    #: The company's own page for the values, or "".
    url: str = ""
    #: When the company published this version: "2024", "2021-07" or "2022-02-15".
    published: str = ""
    #: The value names were checked against the source text.
    checked: bool = False
    #: What could not be checked (required when ``checked`` is false and the
    #: pack names a ``url`` or ``published``).
    note: str = ""


def value_key(name: str) -> str:
    """Turn a value's name into its key: lowercase words joined by hyphens."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return key or "value"


def read_toml(path: Path, error: type[ValueError] = PackError) -> dict[str, Any]:
    """Parse a resource's TOML file, or raise ``error`` naming the file and the reason.

    tomllib's reason names the line and column of a syntax error.
    """
    import tomllib  # only when a file is read in full

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise error(f"{path.name}: {exc}") from exc


def text_field(
    table: Mapping[str, object],
    name: str,
    where: str,
    *,
    required: bool = True,
    error: type[ValueError] = PackError,
) -> str:
    """A string field of a TOML table, stripped; ``error`` naming ``where`` if it is not one."""
    value = table.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise error(f"{where}: '{name}' must be a non-empty string")
    return value.strip()


_PUBLISHED = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def _themes(raw: Mapping[str, object], where: str) -> tuple[str, ...]:
    """A value's ``themes``: distinct, non-empty hyphenated keys (none if absent).

    They are not checked against the prompt bank here (``core/loops.py``
    imports both); the tests do that for the built-in packs.
    """
    themes = raw.get("themes", [])
    if (
        not isinstance(themes, list)
        or not all(isinstance(t, str) and t and t == value_key(t) for t in themes)
        or len(set(themes)) != len(themes)
    ):
        raise PackError(f"{where}: 'themes' must be a list of distinct, non-empty hyphenated keys")
    return tuple(themes)


def _value(raw: object, where: str, seen: set[str]) -> PackValue:
    """One ``[[values]]`` entry; ``seen`` holds the keys read before it."""
    if not isinstance(raw, dict):
        raise PackError(f"{where}: must be a table")
    key = text_field(raw, "key", where)
    if key != value_key(key) or key in seen:
        raise PackError(f"{where}: key '{key}' must be unique, lowercase and hyphenated")
    seen.add(key)
    where = f"{where} ('{key}')"
    keywords = raw.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise PackError(f"{where}: 'keywords' must be a list of strings")
    return PackValue(
        key=key,
        name=text_field(raw, "name", where),
        description=text_field(raw, "description", where, required=False),
        keywords=tuple(k.strip().lower() for k in keywords if k.strip()),
        themes=_themes(raw, where),
    )


def _provenance(head: Mapping[str, object], where: str) -> dict[str, Any]:
    """The head's ``url``, ``published``, ``checked`` and ``note``, validated.

    All four are optional, so older and user-made packs load unchanged. The
    rule: a pack that names where its values come from (a ``url`` or a
    ``published`` date) and was not ``checked`` against that source says why
    in ``note``; a ``checked`` pack names its ``url``.
    """
    url = text_field(head, "url", where, required=False)
    if url and (not url.startswith("https://") or any(c.isspace() for c in url)):
        raise PackError(f"{where}: 'url' must be an https:// address or empty")
    published = text_field(head, "published", where, required=False)
    if published and not _PUBLISHED.fullmatch(published):
        raise PackError(f"{where}: 'published' must read YYYY, YYYY-MM or YYYY-MM-DD")
    checked = head.get("checked", False)
    if not isinstance(checked, bool):
        raise PackError(f"{where}: 'checked' must be true or false")
    note = text_field(head, "note", where, required=False)
    if checked and not url:
        raise PackError(f"{where}: a checked pack needs the 'url' it was checked against")
    if not checked and (url or published) and not note:
        raise PackError(f"{where}: 'note' must say what could not be checked")
    return {"url": url, "published": published, "checked": checked, "note": note}


def load_pack(path: Path) -> Pack:
    """Read and validate one pack file; see :func:`_provenance` for its source fields."""
    data = read_toml(path)
    head = data.get("pack")
    if not isinstance(head, dict):
        raise PackError(f"{path.name}: missing [pack] table")
    version = head.get("version")
    if not isinstance(version, int) or version < 1:
        raise PackError(f"{path.name}: 'version' must be a positive integer")
    seen: set[str] = set()
    values = []
    for index, raw in enumerate(data.get("values", []), start=1):
        try:
            values.append(_value(raw, f"{path.name}: value {index}", seen))
        except PackError as exc:
            raise PackError(_with_line(path, index, str(exc))) from None
    if not values:
        raise PackError(f"{path.name}: a pack needs at least one [[values]] entry")
    return Pack(
        key=text_field(head, "key", path.name),
        name=text_field(head, "name", path.name),
        version=version,
        date=text_field(head, "date", path.name),
        source=text_field(head, "source", path.name),
        description=text_field(head, "description", path.name, required=False),
        default_active=bool(head.get("default_active", False)),
        values=tuple(values),
        **_provenance(head, path.name),
    )


def _with_line(path: Path, index: int, message: str) -> str:
    """``message`` with the line where the file's ``index``-th ``[[values]]`` starts."""
    starts = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip().replace(" ", "") == "[[values]]"
    ]
    if len(starts) < index:
        return message
    return message.replace(f"{path.name}: ", f"{path.name}, line {starts[index - 1]}: ", 1)


def pack_toml(pack: PackInfo, date: str) -> str:
    """A pack as a TOML file in the built-in packs' format (visible values only), so
    that :func:`load_pack` reads it back; ``date`` is the file's date."""
    import tomli_w  # only when a pack is exported

    head: dict[str, Any] = {
        "key": pack.key,
        "name": pack.name,
        "version": pack.version,
        "date": date,
        "source": pack.source or "Written by its user",
        "description": pack.description,
        "default_active": False,
    }
    for name in ("url", "published", "note"):
        if getattr(pack, name):
            head[name] = getattr(pack, name)
    if pack.checked and pack.url:
        head["checked"] = True
    values = [
        {"key": v.key, "name": v.name, "description": v.description,
         "keywords": list(v.keywords), "themes": list(v.themes)}
        for v in pack.values
        if not v.hidden
    ]  # fmt: skip
    return tomli_w.dumps({"pack": head, "values": values})


_PACK_HEAD = re.compile(
    r"^\[pack\][ \t]*\n(?:(?!\[).*\n)*?key[ \t]*=[ \t]*\"([a-z0-9-]+)\"[ \t]*\n"
    r"(?:(?!\[).*\n)*?version[ \t]*=[ \t]*(\d+)[ \t]*$",
    re.MULTILINE,
)


def builtin_pack_versions() -> dict[str, int | None]:
    """Each built-in pack file's key and version, read without parsing the file.

    Start-up compares these with the bank's and parses (:func:`builtin_packs`)
    only when a pack has moved on. A file whose head does not read plainly maps
    to None, which also means "parse it".
    """
    versions: dict[str, int | None] = {}
    for path in resource_files("values", "*.toml"):
        head = _PACK_HEAD.search(path.read_text(encoding="utf-8"))
        if head is None:
            versions[path.name] = None
        else:
            versions[head.group(1)] = int(head.group(2))
    return versions


def builtin_packs() -> list[Pack]:
    """The packs shipped in ``resources/values``, default pack first."""
    packs = [load_pack(path) for path in resource_files("values", "*.toml")]
    return sorted(packs, key=lambda pack: (pack.key != DEFAULT_PACK, pack.key))
