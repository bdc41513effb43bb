"""The coverage map, through the real window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.coverage import Coverage, CoverageStory, value_summary
from storybank.core.records import Strength, ValueInfo
from storybank.gui.coverage import CoverageModel
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def column_of(window: MainWindow, name: str) -> int:
    model = window.coverage_view.values_model  # type: ignore[union-attr]
    for column in range(model.columnCount()):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if str(header).replace("\n", " ").startswith(name):
            return column
    raise AssertionError(f"no column {name}")


def is_gap(window: MainWindow, name: str) -> bool:
    model = window.coverage_view.values_model  # type: ignore[union-attr]
    column = column_of(window, name)
    gap = name in model.gaps()
    coloured = (
        model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.BackgroundRole)
        is not None
    )
    # A gap is coloured unless every column is one (then colour would tell nothing).
    assert coloured == (gap and model.highlight)
    return gap


def test_gap_disappears_when_a_value_is_tagged(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    repo = open_bank(data_dir)
    first = repo.create_story(title="First story").id
    second = repo.create_story(title="Second story").id
    repo.db.close()
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.coverage_view
    assert view is not None and window.modes.currentWidget() is view
    assert is_gap(window, "Freedom")
    assert "Freedom" in view.summary.text()

    # Tag both stories in the Stories mode, through the values panel.
    for story_id, strength in ((first, "primary"), (second, "supporting")):
        window.show_story(story_id)
        button = window.values_panel.findChild(
            type(window.main_status.undo_trash_button), f"value-freedom-{strength}"
        )
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window.set_mode("coverage")
    assert not is_gap(window, "Freedom")
    assert "Freedom" not in view.summary.text().split("<br>")[0]
    assert is_gap(window, "Candor")


def test_clicking_a_cell_opens_its_story(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    repo = open_bank(data_dir)
    repo.create_story(title="Alpha")
    beta = repo.create_story(title="Beta").id
    repo.db.close()
    window = make_window()
    window.set_mode("coverage")
    table = window.coverage_view.values_table  # type: ignore[union-attr]
    index = table.model().index(1, 1)
    assert table.model().headerData(1, Qt.Orientation.Vertical) == "Beta"
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    assert window.modes.currentWidget() is window.splitter
    assert window.editor.story_id == beta


def test_themes_tab_follows_tags(qtbot: QtBot, make_window: MakeWindow, data_dir: Path) -> None:
    repo = open_bank(data_dir)
    story = repo.create_story(title="Hard feedback").id
    repo.set_story_tags(story, ["feedback-received"])
    repo.db.close()
    window = make_window()
    window.set_mode("coverage")
    model = window.coverage_view.themes_model  # type: ignore[union-attr]
    names = [
        str(model.headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
        for c in range(model.columnCount())
    ]
    column = next(i for i, n in enumerate(names) if n.startswith("Negative feedback"))
    assert model.index(0, column).data() == "●"
    assert model.index(0, 0).data() == 1  # the story's total


def test_model_passes_the_qt_model_tester(qtbot: QtBot) -> None:
    values = tuple(
        ValueInfo(i, 1, f"v{i}", f"Value {i}", "", (), i, False, True) for i in range(1, 15)
    )
    stories = tuple(CoverageStory(i, f"Story {i}") for i in range(1, 31))
    links = {(s.id, v.id): Strength.PRIMARY for s in stories for v in values if s.id % v.id == 0}
    coverage = Coverage(stories, values, links)
    model = CoverageModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.show_values(coverage)
    assert (model.rowCount(), model.columnCount()) == (30, 15)
    assert value_summary(coverage, 1, "Value 1").primary == 30


def test_map_keeps_the_stories_order_until_a_header_is_clicked(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    repo = open_bank(data_dir)
    for title, tags in (("Alpha", []), ("Beta", ["feedback-received"]), ("Gamma", [])):
        repo.set_story_tags(repo.create_story(title=title).id, tags)
    repo.db.close()
    window = make_window()
    window.set_mode("coverage")
    table = window.coverage_view.themes_table  # type: ignore[union-attr]
    view = table.model()

    def titles() -> list[str]:
        return [view.headerData(r, Qt.Orientation.Vertical) for r in range(view.rowCount())]

    assert titles() == ["Alpha", "Beta", "Gamma"]  # not sorted by the Total column
    assert table.horizontalHeader().sortIndicatorSection() == -1
    header = table.horizontalHeader()
    spot = QPoint(header.sectionViewportPosition(0) + 3, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert table.horizontalHeader().sortIndicatorSection() == 0
    assert set(titles()) == {"Alpha", "Beta", "Gamma"}
    totals = [view.index(r, 0).data() for r in range(view.rowCount())]
    assert totals == sorted(totals) or totals == sorted(totals, reverse=True)


def test_a_gap_leads_to_a_new_story_that_fills_it(qtbot, make_window, data_dir) -> None:  # type: ignore[no-untyped-def]
    from storybank.core.bank import open_bank

    repo = open_bank(data_dir)
    repo.create_story(title="Only story", action="I did a thing.")
    repo.db.close()
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.coverage_view
    view.tabs.setCurrentIndex(1)  # question themes: every one is a gap
    text = view.summary.text()
    assert "No theme has two stories yet" in text
    assert text.count(",") < 12  # names a few, not all 25
    header = view.themes_table.horizontalHeader()
    model = view.themes_model
    first = model.first_gap()
    assert "tag " in model.headerData(first, Qt.Orientation.Horizontal)
    view.summary.linkActivated.emit("write")
    assert window.modes.currentWidget() is window.splitter
    record = window.current.record
    assert record is not None and record.tags == (model.needs[first - 1][1],)
    assert header.count() == model.columnCount()


def test_a_value_gap_makes_a_story_with_that_value_primary(qtbot, make_window, data_dir) -> None:  # type: ignore[no-untyped-def]
    from storybank.core.bank import open_bank
    from storybank.core.records import Strength

    repo = open_bank(data_dir)
    repo.create_story(title="Only story")
    repo.db.close()
    window = make_window()
    window.set_mode("coverage")
    view = window.coverage_view
    view.tabs.setCurrentIndex(0)
    view.values_table.write_for.emit(2)  # the second value's column
    record = window.current.record
    kind, value_id = view.values_model.needs[1]
    assert kind == "value" and record is not None
    assert record.values == {value_id: Strength.PRIMARY}
