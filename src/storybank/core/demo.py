"""The demo bank: realistic example stories shipped in ``resources/demo``."""

from __future__ import annotations

from storybank.core.interchange import parse_story_markdown
from storybank.core.repository import Repository
from storybank.resources import resource_files


def load_demo(repo: Repository) -> int:
    """Activate every pack and add the demo stories; return how many were added."""
    for pack in repo.packs():
        repo.set_pack_active(pack.id, True)
    count = 0
    for path in resource_files("demo", "*.md"):
        repo.add_parsed_story(parse_story_markdown(path.read_text(encoding="utf-8")))
        count += 1
    return count
