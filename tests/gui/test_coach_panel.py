"""The coach panel, driven through the real window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.rubric import DIMENSIONS
from storybank.gui.coach_panel import FINDING_ROLE
from storybank.gui.main_window import MainWindow
from storybank.gui.story_editor import utf16_offset

MakeWindow = Callable[..., MainWindow]

GOOD = {
    "situation": "Our billing service failed twice a week and support tickets doubled.",
    "task": "I owned the fix as the on-call lead for the payments team that quarter.",
    "action": " ".join(
        [
            "I traced the failures to a retry storm, wrote a design for idempotent retries,",
            "reviewed it with two senior engineers, and shipped it behind a flag.",
        ]
        * 6
    ),
    "result": "Failures fell 90% within a month and tickets dropped by 400 a week.",
    "reflection": "I now add load tests before launch.",
}


def open_story(qtbot: QtBot, make_window: MakeWindow, data_dir: Path, **fields: str) -> MainWindow:
    repo = open_bank(data_dir)
    repo.create_story(title="Story", **fields)
    repo.db.close()
    window = make_window()
    assert window.editor.story_id is not None
    # The first analysis may run on a worker thread while the word lists load.
    qtbot.waitUntil(lambda: window.coach_panel.report is not None, timeout=10_000)
    return window


def rules(window: MainWindow) -> set[str]:
    return {f.rule for f in window.coach_panel.visible_findings()}


def test_typing_updates_the_panel(qtbot: QtBot, make_window: MakeWindow, data_dir: Path) -> None:
    window = open_story(qtbot, make_window, data_dir, **dict(GOOD, action="I led the fix."))
    panel = window.coach_panel
    score = int(panel.score_label.text())
    assert "ownership" not in rules(window)
    action = window.editor.inputs["action"]
    action.moveCursor(action.textCursor().MoveOperation.End)
    qtbot.keyClicks(action, " Then we met and we agreed and we shipped and we celebrated.")
    qtbot.waitUntil(lambda: "ownership" in rules(window), timeout=3000)
    assert int(panel.score_label.text()) < score
    assert "spoken" in panel.time_label.text()


def test_clicking_a_finding_selects_its_words(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    fields = dict(GOOD, situation="🚀 Our billing service basically failed twice a week.")
    window = open_story(qtbot, make_window, data_dir, **fields)
    panel = window.coach_panel
    item = next(
        panel.findings.item(i)
        for i in range(panel.findings.count())
        if panel.findings.item(i).data(FINDING_ROLE).rule == "hedges"
    )
    rect = panel.findings.visualItemRect(item)
    qtbot.mouseClick(panel.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    field = window.editor.inputs["situation"]
    assert field.hasFocus()
    assert field.textCursor().selectedText() == "basically"


def test_dismissed_finding_is_stored(qtbot: QtBot, make_window: MakeWindow, data_dir: Path) -> None:
    window = open_story(qtbot, make_window, data_dir, **dict(GOOD, reflection=""))
    panel = window.coach_panel
    row = next(
        i
        for i in range(panel.findings.count())
        if panel.findings.item(i).data(FINDING_ROLE).rule == "reflection"
    )
    panel.findings.setCurrentRow(row)
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert "reflection" not in rules(window)
    assert panel.show_dismissed.text() == "Show dismissed (1)"
    window.close()

    again = make_window()
    assert "reflection" not in rules(again)
    again.coach_panel.show_dismissed.setChecked(True)
    assert "reflection" in rules(again)


def test_list_shows_score_after_save(qtbot: QtBot, make_window: MakeWindow, data_dir: Path) -> None:
    window = open_story(qtbot, make_window, data_dir, **GOOD)
    qtbot.waitUntil(lambda: window.list_panel.model.row_data(0).score is not None, timeout=3000)
    row = window.list_panel.model.row_data(0)
    assert row.score == int(window.coach_panel.score_label.text())
    assert row.speaking_seconds and row.speaking_seconds > 30


def test_utf16_offset() -> None:
    assert utf16_offset("a🚀b", 2) == 3
    assert utf16_offset("abc", 2) == 2


def test_severity_marks_are_drawn_not_taken_from_a_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    from storybank.gui.coach_panel import SEVERITIES, severity_icon

    images = {name: severity_icon(name).pixmap(32, 32).toImage() for name in SEVERITIES}
    for image in images.values():
        assert not image.isNull()
        assert image.pixelColor(16, 20).alpha() > 0  # something is drawn in the middle
    problem, warning, note = images.values()
    assert problem != warning and warning != note and problem != note


def test_the_rubric_follows_the_story(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    window = open_story(qtbot, make_window, data_dir, **GOOD)
    panel = window.coach_panel
    report = panel.report
    assert report is not None
    assert panel.rubric.readings == report.rubric
    assert set(report.rubric) == {"ownership", "specificity", "result", "reflection", "structure"}
    description = panel.rubric.accessibleDescription()
    assert "Ownership: " in description and "Fit to values: not read" in description
    # Hovering a dimension tells its reading and question; the other column, its own.
    rubric = panel.rubric
    qtbot.mouseMove(rubric, rubric._cell(0).center().toPoint())
    qtbot.waitUntil(lambda: rubric.toolTip().startswith("Ownership: "), timeout=2000)
    fit = next(i for i, d in enumerate(DIMENSIONS) if d.name == "Fit to values")
    qtbot.mouseMove(rubric, rubric._cell(fit).center().toPoint())
    qtbot.waitUntil(lambda: rubric.toolTip().startswith("Fit to values: not read"), timeout=2000)
    specific = report.rubric["specificity"]
    # Rewrite the Action as busy words with nothing concrete: specificity falls
    # and the coach names the vague words.
    action = window.editor.inputs["action"]
    action.selectAll()
    qtbot.keyClicks(
        action,
        "I helped the team and worked closely with everyone. I stayed organized and made "
        "sure everything was handled.",
    )
    qtbot.waitUntil(lambda: "vague-action" in rules(window), timeout=3000)
    assert panel.rubric.readings["specificity"] < specific
    assert panel.rubric.readings == panel.report.rubric  # type: ignore[union-attr]
    assert int(panel.score_label.text()) < report.score
