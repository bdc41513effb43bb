"""Every operation announces exactly one change set, naming what it changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storybank.core.changes import ChangeSet
from storybank.core.practice import Rating
from storybank.core.records import Strength
from storybank.core.repository import Repository
from storybank.services.practice import PracticeService
from storybank.services.stories import StoryService

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Bank:
    """A story service and a practice service over one bank, with one story in it."""

    def __init__(self, repo: Repository) -> None:
        self.stories = StoryService(repo, repo.db.path.parent)
        self.practice = PracticeService(self.stories, now=lambda: NOW)
        self.story = repo.create_story(title="Billing", action="I rebuilt the pipeline.")
        self.value = repo.active_values()[0]
        self.pack = repo.packs()[0]
        self.prompt = self.practice.prompts()[0]


def answer(bank: Bank) -> None:
    bank.practice.record_answer(
        bank.prompt,
        started_at=NOW,
        duration=80.0,
        rating=Rating.GOOD,
        story_id=bank.story.id,
        notes="Lead with the number.",
    )


def story(bank: Bank) -> frozenset[int]:
    return frozenset([bank.story.id])


OPERATIONS: dict[str, tuple[Callable[[Bank], object], Callable[[Bank], ChangeSet]]] = {
    "create": (lambda b: b.stories.create_story(title="New"), lambda b: ChangeSet(story_list=True)),
    "autosave": (
        lambda b: b.stories.save_story(b.story.id, {"result": "Bills went out on time."}),
        lambda b: ChangeSet(stories=story(b)),
    ),
    "tag a value": (
        lambda b: b.stories.set_story_value(b.story.id, b.value.id, Strength.PRIMARY),
        lambda b: ChangeSet(stories=story(b)),
    ),
    "tags": (
        lambda b: b.stories.set_story_tags(b.story.id, ["conflict"]),
        lambda b: ChangeSet(stories=story(b), tags=True),
    ),
    "dismiss": (
        lambda b: b.stories.set_dismissed(b.story.id, "hedge:0", True),
        lambda b: ChangeSet(dismissed=story(b)),
    ),
    "duplicate": (
        lambda b: b.stories.duplicate_story(b.story.id),
        lambda b: ChangeSet(story_list=True),
    ),
    "trash": (
        lambda b: b.stories.set_trashed(b.story.id, True),
        lambda b: ChangeSet(story_list=True),
    ),
    "archive": (
        lambda b: b.stories.set_archived(b.story.id, True),
        lambda b: ChangeSet(story_list=True),
    ),
    "purge": (
        lambda b: b.stories.purge_story(b.story.id),
        lambda b: ChangeSet(story_list=True, tags=True, attempts=True),
    ),
    "pack": (
        lambda b: b.stories.set_pack_active(b.pack.id, False),
        lambda b: ChangeSet(values=True),
    ),
    "add value": (
        lambda b: b.stories.add_value(b.pack.id, "Curiosity"),
        lambda b: ChangeSet(values=True),
    ),
    "rename value": (
        lambda b: b.stories.rename_value(b.value.id, "Straight talk"),
        lambda b: ChangeSet(values=True),
    ),
    "move value": (
        lambda b: b.stories.move_value(b.value.id, 1),
        lambda b: ChangeSet(values=True),
    ),
    "hide value": (
        lambda b: b.stories.set_value_hidden(b.value.id, True),
        lambda b: ChangeSet(values=True),
    ),
    "prompt": (
        lambda b: b.practice.save_prompt(None, "Tell me about a launch.", "ownership", [], []),
        lambda b: ChangeSet(prompts=True),
    ),
    "hide prompt": (
        lambda b: b.practice.set_prompt_hidden(b.prompt.uuid, True),
        lambda b: ChangeSet(prompts=True),
    ),
    "rate an answer": (answer, lambda b: ChangeSet(attempts=True)),
    "list a confidential term": (
        lambda b: b.stories.add_sensitive_term("Acme Corp", "a retailer"),
        lambda b: ChangeSet(confidential=True),
    ),
    "edit a confidential term": (
        lambda b: b.stories.update_sensitive_term(
            b.stories.repo.add_sensitive_term("Acme").id or 0, "Acme Corp", ""
        ),
        lambda b: ChangeSet(confidential=True),
    ),
    "remove a confidential term": (
        lambda b: b.stories.remove_sensitive_term(
            b.stories.repo.add_sensitive_term("Acme").id or 0
        ),
        lambda b: ChangeSet(confidential=True),
    ),
    "turn a pattern on": (
        lambda b: b.stories.set_sensitive_pattern("currency", True, "~$XM"),
        lambda b: ChangeSet(confidential=True),
    ),
}


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_each_operation_announces_one_change_set_naming_what_changed(
    repo: Repository, name: str
) -> None:
    bank = Bank(repo)
    heard: list[ChangeSet] = []
    bank.stories.changed.connect(heard.append)
    bank.stories.changed_since_backup = False
    run, expected = OPERATIONS[name]
    run(bank)
    assert heard == [expected(bank)]
    assert bank.stories.changed_since_backup  # the exit backup is owed


def test_an_import_names_everything_once(repo: Repository, tmp_path: Path) -> None:
    bank = Bank(repo)
    answer(bank)
    bank.stories.export_json(tmp_path / "bank.json")
    heard: list[ChangeSet] = []
    bank.stories.changed.connect(heard.append)
    bank.stories.apply_import(bank.stories.plan_import(tmp_path / "bank.json"))
    assert heard == [ChangeSet.everything()]


def test_a_write_by_another_program_is_announced_as_made_elsewhere(qtbot, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    bank = Bank(repo)
    bank.stories.watch_for_changes(interval_ms=60_000)
    heard: list[ChangeSet] = []
    bank.stories.changed.connect(heard.append)
    assert not bank.stories.check_for_changes()  # its own writes are not "elsewhere"
    bank.stories.save_story(bank.story.id, {"title": "Mine"})
    assert not bank.stories.check_for_changes()
    with closing(sqlite3.connect(repo.db.path)) as conn, conn:
        conn.execute("UPDATE story SET title = 'Theirs' WHERE id = ?", (bank.story.id,))
    assert bank.stories.check_for_changes()
    assert heard[-1] == ChangeSet.everything(elsewhere=True)
    assert len(heard) == 2
    bank.stories.close()


def test_figures_filled_in_the_background_owe_no_backup(qtbot, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    bank = Bank(repo)
    bank.stories.changed_since_backup = False
    heard: list[ChangeSet] = []
    bank.stories.changed.connect(heard.append)
    bank.stories.start_coach_backfill()
    qtbot.waitUntil(lambda: bool(heard), timeout=10_000)
    assert heard == [ChangeSet(stories=story(bank), derived=True)]
    assert not bank.stories.changed_since_backup


def test_change_sets_merge_and_say_whether_user_data_changed() -> None:
    edit = ChangeSet(stories=frozenset([1]))
    figures = ChangeSet(stories=frozenset([2]), derived=True)
    both = edit | figures
    assert both.stories == {1, 2} and not both.derived and both.user_data
    assert (figures | figures).derived and not figures.user_data
    assert not ChangeSet(settings=True).user_data
    assert ChangeSet.everything().stories_shown and not ChangeSet(attempts=True).stories_shown
