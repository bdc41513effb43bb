"""The prompt bank: versioned TOML files of behavioral interview prompts."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from storybank.resources import resource_path


class PromptBankError(ValueError):
    """A prompt bank file is malformed; the message names the file and reason."""


@dataclass(frozen=True, slots=True)
class PromptTheme:
    """A question theme, e.g. "Negative feedback received"."""

    key: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """One interview prompt with the values it probes and its follow-ups."""

    uuid: str
    text: str
    theme: str
    values: tuple[str, ...]
    follow_ups: tuple[str, ...]
    builtin: bool = True
    hidden: bool = False
    #: A built-in prompt the user changed (an upgrade of the bank keeps it).
    edited: bool = False
    #: Values whose pack maps this prompt's theme to them (not stored with it).
    mapped: tuple[str, ...] = ()

    @property
    def probes(self) -> tuple[str, ...]:
        """Every value the prompt probes: its own, then those mapped to its theme."""
        return tuple(dict.fromkeys((*self.values, *self.mapped)))


@dataclass(frozen=True, slots=True)
class PromptBank:
    """A prompt bank as its file defines it."""

    key: str
    name: str
    version: int
    date: str
    source: str
    themes: tuple[PromptTheme, ...]
    prompts: tuple[Prompt, ...]


def load_prompt_bank(path: Path) -> PromptBank:
    """Read one prompt bank file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        head = data["bank"]
        themes = tuple(
            PromptTheme(key=t["key"], name=t["name"], description=t.get("description", ""))
            for t in data.get("themes", [])
        )
        prompts = tuple(
            Prompt(
                uuid=p["uuid"],
                text=p["text"],
                theme=p["theme"],
                values=tuple(p.get("values", ())),
                follow_ups=tuple(p.get("follow_ups", ())),
            )
            for p in data.get("prompts", [])
        )
        return PromptBank(
            key=head["key"],
            name=head["name"],
            version=int(head["version"]),
            date=head["date"],
            source=head["source"],
            themes=themes,
            prompts=prompts,
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PromptBankError(f"{path.name}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise PromptBankError(f"{path.name}: missing or malformed entry {exc}") from exc


@cache
def builtin_prompt_bank() -> PromptBank:
    """The prompt bank shipped in ``resources/prompts``."""
    return load_prompt_bank(resource_path("prompts", "behavioral.toml"))
