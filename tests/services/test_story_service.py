"""The story service: one transaction per change, cached coach figures, signals."""

from __future__ import annotations

import dataclasses

from storybank.core.changes import ChangeSet
from storybank.core.coach import ANALYZER_VERSION
from storybank.core.records import SECTIONS, CoachFigures, Strength
from storybank.core.repository import Repository
from storybank.services.stories import StoryService


def test_tagging_a_value_stores_the_score_in_the_same_write(repo: Repository) -> None:
    service = StoryService(repo, repo.db.path.parent)
    story = repo.create_story(title="t", action="I rebuilt the billing pipeline.")
    candor = next(v.id for v in repo.active_values() if v.key == "candor")
    changed: list[ChangeSet] = []
    service.changed.connect(changed.append)
    writes: list[str] = []
    original = repo._run

    def counting(change, *args, **kwargs):  # type: ignore[no-untyped-def]
        writes.append("write")
        return original(change, *args, **kwargs)

    repo._run = counting  # type: ignore[method-assign]
    service.set_story_value(story.id, candor, Strength.PRIMARY)
    assert writes == ["write"]  # the link and the score together
    record = repo.get_story(story.id)
    expected = service.coach_report({n: record.text(n) for n in SECTIONS}, record.values)
    assert any(f.rule == "value-evidence" for f in expected.findings)
    (row,) = repo.story_rows([story.id]).values()
    assert row.score == expected.score
    assert changed == [ChangeSet(stories=frozenset([story.id]))]  # one operation, one change set
    assert service.changed_since_backup


def test_backfill_fills_in_every_story_off_the_gui_thread(qtbot, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    service = StoryService(repo, repo.db.path.parent)
    ids = [
        repo.create_story(title=f"Story {n}", action="I cut the bill by 30% in May.").id
        for n in range(120)
    ]
    assert len(repo.stories_needing_coach(ANALYZER_VERSION, 1000)) == 120
    filled: list[int] = []
    service.changed.connect(lambda changes: filled.extend(changes.stories))
    service.start_coach_backfill()
    assert filled == []  # nothing is analysed before the event loop runs again
    qtbot.waitUntil(lambda: len(filled) == 120, timeout=20_000)
    assert sorted(filled) == sorted(ids)
    assert repo.stories_needing_coach(ANALYZER_VERSION, 1000) == []
    rows = repo.story_rows(ids)
    assert all(rows[i].score is not None and rows[i].speaking_seconds for i in ids)


def test_backfill_never_overwrites_figures_saved_meanwhile(repo: Repository) -> None:
    story = repo.create_story(title="t", action="old text")
    repo.update_story(story.id, {"action": "new text"}, CoachFigures(77, 42, ANALYZER_VERSION))
    repo.set_coach_figures({story.id: CoachFigures(1, 1, ANALYZER_VERSION)})  # computed earlier
    assert repo.story_rows([story.id])[story.id].score == 77


def test_a_new_speaking_rate_recomputes_every_list_figure(qtbot, repo: Repository) -> None:  # type: ignore[no-untyped-def]
    service = StoryService(repo, repo.db.path.parent)
    ids = [repo.create_story(title=f"S{n}", action="word " * 300).id for n in range(30)]
    filled: list[int] = []
    service.changed.connect(lambda changes: filled.extend(changes.stories))
    service.start_coach_backfill()
    qtbot.waitUntil(lambda: len(filled) == 30, timeout=20_000)
    before = repo.story_rows(ids)
    rate = service.coach_settings.words_per_minute
    filled.clear()
    # A backfill still under way with the old rate is dropped, not stored.
    service.start_coach_backfill()
    faster = dataclasses.replace(service.coach_settings, words_per_minute=rate * 2)
    service.use_coach_settings(faster)
    qtbot.waitUntil(lambda: len(set(filled)) == 30, timeout=20_000)
    qtbot.wait(100)  # any batch of the dropped backfill has come back by now
    after = repo.story_rows(ids)
    for story_id in ids:
        old, new = before[story_id].speaking_seconds, after[story_id].speaking_seconds
        assert old is not None and new is not None
        assert abs(new - old / 2) < 1
    filled.clear()
    service.use_coach_settings(service.coach_settings)  # the same settings: nothing to redo
    qtbot.wait(100)
    assert filled == []


def test_imported_stories_get_their_list_figures_without_a_restart(
    qtbot,
    repo: Repository,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from storybank.core.bank import open_bank

    source = open_bank(tmp_path / "source")
    for n in range(5):
        source.create_story(title=f"Story {n}", action="I cut the bill by 30% in May.")
    StoryService(source, tmp_path / "source").export_json(tmp_path / "bank.json")
    source.db.close()
    service = StoryService(repo, repo.db.path.parent)
    service.apply_import(service.plan_import(tmp_path / "bank.json"))
    qtbot.waitUntil(lambda: repo.stories_needing_coach(ANALYZER_VERSION, 100) == [], timeout=20_000)
