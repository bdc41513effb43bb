"""Shared helpers for the benchmarks: generated banks of realistic stories."""

from __future__ import annotations

import random
from pathlib import Path

from storybank.core.bank import open_bank
from storybank.core.interchange import parse_story_markdown
from storybank.core.repository import Repository
from storybank.resources import resource_files

WORDS = [
    "migration",
    "billing",
    "launch",
    "outage",
    "feedback",
    "mentor",
    "budget",
    "roadmap",
    "customer",
    "churn",
    "latency",
    "incident",
    "hiring",
    "onboarding",
    "pricing",
    "dashboard",
    "experiment",
    "retention",
    "backlog",
    "release",
    "contract",
    "vendor",
    "security",
    "audit",
    "compliance",
    "analytics",
    "forecast",
    "negotiation",
]


def make_bank(folder: Path, stories: int, seed: int = 7) -> Repository:
    """A bank of ``stories`` stories built from the demo texts with varied words."""
    rng = random.Random(seed)
    repo = open_bank(folder)
    demo = [parse_story_markdown(p.read_text()) for p in resource_files("demo", "*.md")]
    from storybank.core import writes

    with repo.db.write() as session:
        lookup = repo.value_lookup()
        for number in range(stories):
            story = demo[number % len(demo)]
            extra = " ".join(rng.choices(WORDS, k=12))
            story_id = writes.create_story(
                session,
                {
                    "title": f"{story.title} #{number}",
                    "company": story.company,
                    "role": story.role,
                    "period": story.period,
                    **story.sections,
                    "action": f"{story.sections['action']} {extra}",
                },
            )
            values = {lookup[k]: s for k, s in story.values.items() if k in lookup}
            for value_id, strength in values.items():
                writes.set_story_value(session, story_id, value_id, strength)
    fill_coach_figures(repo)
    return repo


def fill_coach_figures(repo: Repository, batch: int = 2000) -> None:
    """Store every story's list figures, as saving it in the app would."""
    from storybank.core.coach import ANALYZER_VERSION, analyze
    from storybank.core.records import SECTIONS
    from storybank.services.stories import figures_of

    while ids := repo.stories_needing_coach(ANALYZER_VERSION, batch):
        figures = {}
        for story_id in ids:
            record = repo.get_story(story_id)
            figures[story_id] = figures_of(analyze({n: record.text(n) for n in SECTIONS}))
        repo.set_coach_figures(figures)
