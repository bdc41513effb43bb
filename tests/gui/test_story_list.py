"""The lazy story list model."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from storybank.core.records import StoryRow
from storybank.gui.story_list import ID_ROLE, StoryListModel, relative_time


def fake_rows(requested: list[list[int]]):  # type: ignore[no-untyped-def]
    def fetch(ids: list[int]) -> dict[int, StoryRow]:
        requested.append(ids)
        now = datetime.now(UTC)
        return {
            i: StoryRow(i, f"Story {i}", "Acme", "Engineer", "2024", now, False, False) for i in ids
        }

    return fetch


def test_model_passes_the_qt_model_tester(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = StoryListModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_ids(list(range(1, 301)), fake_rows([]))
    assert model.rowCount() == 300
    assert model.index(5).data() == "Story 6"
    assert model.index(5).data(ID_ROLE) == 6
    assert "Acme · Engineer · 2024" in model.index(5).data(Qt.ItemDataRole.ToolTipRole)
    assert model.row_of(42) == 41
    assert model.row_of(999) == -1
    model.update_story(42, to_top=True)  # the tester checks the move's signals
    assert model.ids()[:3] == [42, 1, 2]
    assert model.index(0).data() == "Story 42"


def test_an_autosave_moves_one_row_and_never_resets_the_list(
    qtbot,
    make_window,
    data_dir,  # type: ignore[no-untyped-def]
) -> None:
    from storybank.core.bank import open_bank

    repo = open_bank(data_dir)
    first = repo.create_story(title="Older story", action="a")
    repo.create_story(title="Newer story", action="b")
    repo.db.close()
    window = make_window()
    model = window.list_panel.model
    view = window.list_panel.view
    view.setCurrentIndex(model.index(model.row_of(first.id)))
    qtbot.waitUntil(lambda: window.editor.story_id == first.id)
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    qtbot.keyClicks(window.editor.inputs["result"], "Saved 3 hours a week.")
    qtbot.waitUntil(lambda: not window.editor.is_dirty(), timeout=3000)
    assert resets == []
    assert model.ids()[0] == first.id  # the newest first: it moved to the top
    assert view.currentIndex().data(ID_ROLE) == first.id  # and stayed selected


def test_rows_are_fetched_lazily_in_batches() -> None:
    requested: list[list[int]] = []
    model = StoryListModel()
    model.set_ids(list(range(100_000)), fake_rows(requested))
    assert requested == []  # nothing is fetched until a row is shown
    model.index(50_000).data()
    assert len(requested) == 1 and 50_000 in requested[0]
    assert len(requested[0]) <= StoryListModel.PREFETCH + StoryListModel.PREFETCH // 4
    model.index(50_001).data()
    assert len(requested) == 1  # a neighbour came with the batch


def test_relative_time() -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert relative_time(now, now) == "just now"
    assert relative_time(datetime(2026, 5, 1, 11, 30, tzinfo=UTC), now) == "30 min ago"
    assert relative_time(datetime(2026, 4, 30, 12, tzinfo=UTC), now) == "1 d ago"


def test_search_keys_reach_the_results_and_the_editor_follows(
    qtbot,
    make_window,
    data_dir,  # type: ignore[no-untyped-def]
) -> None:
    from storybank.core.bank import open_bank
    from storybank.core.demo import load_demo

    repo = open_bank(data_dir)
    load_demo(repo)
    repo.db.close()
    window = make_window()
    shown = window.current.record
    assert shown is not None
    search = window.list_panel.search
    search.setFocus()
    qtbot.keyClicks(search, "retention")
    qtbot.keyClick(search, Qt.Key.Key_Down)  # the results at once, no waiting
    view = window.list_panel.view
    assert view.hasFocus()
    ids = window.list_panel.model.ids()
    assert ids and window.current.story_id in ids  # the editor shows a result
    record = window.current.record
    assert record is not None and "retention" in (record.title + record.text("situation")).lower()
    # A search that matches nothing leaves no story on screen that the list hides.
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "zzzqqq")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.list_panel.model.ids() == []
    assert window.current.record is None
