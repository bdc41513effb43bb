"""The story service: one transaction per change, cached coach figures, signals."""

from __future__ import annotations

from storybank.core.records import SECTIONS, Strength
from storybank.core.repository import Repository
from storybank.services.stories import StoryService


def test_tagging_a_value_stores_the_score_in_the_same_write(repo: Repository) -> None:
    service = StoryService(repo, repo.db.path.parent)
    story = repo.create_story(title="t", action="I rebuilt the billing pipeline.")
    candor = next(v.id for v in repo.active_values() if v.key == "candor")
    changed: list[int] = []
    service.story_changed.connect(changed.append)
    writes: list[str] = []
    original = repo._run

    def counting(change):  # type: ignore[no-untyped-def]
        writes.append("write")
        return original(change)

    repo._run = counting  # type: ignore[method-assign]
    service.set_story_value(story.id, candor, Strength.PRIMARY)
    assert writes == ["write"]  # the link and the score together
    record = repo.get_story(story.id)
    expected = service.coach_report({n: record.text(n) for n in SECTIONS}, record.values)
    assert any(f.rule == "value-evidence" for f in expected.findings)
    (row,) = repo.story_rows([story.id]).values()
    assert row.score == expected.score
    assert changed == [story.id]
    assert service.changed_since_backup
