"""A story told to three lengths: drafted from the full story, timed, read by the
coach, kept in the bank, asked for in Practice and printed on the cheat sheet."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QRadioButton
from pytestqt.qtbot import QtBot

from storybank.core.speaking import clock
from storybank.gui.dialogs.sheet import SheetDialog
from storybank.gui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def open_tellings(qtbot: QtBot, window: MainWindow):  # type: ignore[no-untyped-def]
    tabs = window.editor.tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(2).center())
    assert tabs.currentIndex() == 2 and window.editor.tellings is not None
    return window.editor.tellings


def test_three_tellings_drafted_timed_kept_asked_for_and_printed(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, boxes: object, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page = open_tellings(qtbot, window)
    story = window.current.story_id
    assert story is not None
    for seconds in (30, 120, 180):
        qtbot.mouseClick(page.boxes[seconds].draft_button, LEFT)
    times = {s: box.gauge.seconds for s, box in page.boxes.items()}
    assert times[30] < times[120] < times[180], times  # three different speaking times
    assert times[30] <= 45 and 90 <= times[120] <= 150, times
    assert page.boxes[30].spoken.text() == f"about {clock(times[30])}"
    short = page.boxes[30].text
    short.selectAll()
    qtbot.keyClicks(short, "Pelican summary: I cut the bill by 40% in six weeks.")
    qtbot.waitUntil(lambda: "“I” 1×" in page.boxes[30].reading.text())
    # Kept in the bank as typed: another story, then back.
    qtbot.waitUntil(lambda: "Pelican" in window.service.tellings(story).get(30, ""))
    window.list_panel.select_row(1)
    window.show_story(story)
    assert page.boxes[30].text.toPlainText().startswith("Pelican summary")
    assert page.boxes[180].text.toPlainText() == window.service.tellings(story)[180]
    # A draft over text asks first; No keeps the text.
    boxes.answer = QMessageBox.StandardButton.No  # type: ignore[attr-defined]
    qtbot.mouseClick(page.boxes[30].draft_button, LEFT)
    assert page.boxes[30].text.toPlainText().startswith("Pelican summary")

    # The cheat sheet prints the short telling in place of the STAR lines.
    target = tmp_path / "cheat.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    def cheat_of_this_story(dialog: SheetDialog) -> int:
        dialog.show()
        button = dialog.findChild(QRadioButton, "scope-current")
        qtbot.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))  # type: ignore[union-attr]
        dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("cheat"))
        dialog.accept()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(SheetDialog, "exec", cheat_of_this_story)
    window.main_menu.pdf_action.trigger()
    said = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "Pelican summary" in said

    # Practice asked for 30 seconds: the target is 0:30.
    window.set_mode("practice")
    chooser = window.practice_view.chooser  # type: ignore[union-attr]
    qtbot.mouseClick(chooser.length, LEFT)
    qtbot.keyClick(chooser.length.view(), Qt.Key.Key_Down)
    qtbot.keyClick(chooser.length.view(), Qt.Key.Key_Return)
    assert chooser.length.currentData() == 30
    assert chooser.target.value() == 30 and chooser.target.text() == "0:30"
