"""Printing from the window: the sheet dialog, PDF export, preview and print."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QFileDialog, QRadioButton
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.core.demo import load_demo
from storybank.gui.dialogs.sheet import SheetDialog
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def demo_window(make_window: MakeWindow, data_dir: Path) -> MainWindow:
    repo = open_bank(data_dir)
    load_demo(repo)
    repo.db.close()
    return make_window()


def choose(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, scope: str, layout: str) -> list[str]:
    """Answer the sheet dialog through its widgets; return what it showed first."""
    seen: list[str] = []

    def fake_exec(dialog: SheetDialog) -> int:
        seen.append(f"{dialog.scope()}/{dialog.layout_choice().value}/{dialog.page_size()}")
        dialog.show()
        qtbot.waitExposed(dialog)
        button = dialog.findChild(QRadioButton, f"scope-{scope}")
        # A radio button answers clicks on its circle and label, not its empty right side.
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
        dialog.layout_box.setCurrentIndex(dialog.layout_box.findData(layout))
        dialog.page_box.setCurrentIndex(dialog.page_box.findData("A4"))
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SheetDialog, "exec", fake_exec)
    return seen


def test_export_pdf_from_the_menu_and_choices_are_remembered(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "matrix"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    seen = choose(qtbot, monkeypatch, "all", "matrix")
    demo_window.main_menu.pdf_action.trigger()
    pdf = target.with_suffix(".pdf")
    assert len(PdfReader(pdf).pages) == 1
    assert "Saved 1 page to" in demo_window.main_status.note_label.text()
    demo_window.main_menu.pdf_action.trigger()
    assert seen[1] == "all/matrix/A4"  # the dialog remembered the last choice


def test_current_story_cheat_card(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "one.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    choose(qtbot, monkeypatch, "current", "cheat")
    demo_window.main_menu.pdf_action.trigger()
    text = PdfReader(target).pages[0].extract_text()
    title = demo_window.editor.field_text("title")
    assert title.split()[0] in text
    assert text.count("★") <= 1


def test_print_preview_renders_pages(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts: list[int] = []

    def fake_exec(preview: QPrintPreviewDialog) -> int:
        widget = preview.findChild(QPrintPreviewWidget)
        widget.updatePreview()
        counts.append(widget.pageCount())
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    choose(qtbot, monkeypatch, "list", "full")
    demo_window.main_menu.preview_sheet_action.trigger()
    assert counts == [9]


def test_print_through_the_print_dialog(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "printed.pdf"

    def fake_exec(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFileName(str(target))  # a file stands in for the printer
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    choose(qtbot, monkeypatch, "list", "cheat")
    qtbot.keyClick(demo_window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(PdfReader(target).pages) == 2
    assert "Sent 2 pages" in demo_window.statusBar().currentMessage()


def test_print_and_preview_redact_when_asked(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import storybank.gui.print as printing

    demo_window.service.add_sensitive_term("Orbitra Logistics", "a freight startup")
    demo_window.service.add_sensitive_term("Tallyfield")
    target = tmp_path / "printed.pdf"

    def print_to_file(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFileName(str(target))  # a file stands in for the printer
        return QDialog.DialogCode.Accepted

    def redacting(dialog: SheetDialog) -> int:
        dialog.redact_box.setChecked(True)
        dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("full"))
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", print_to_file)
    monkeypatch.setattr(SheetDialog, "exec", redacting)
    demo_window.main_menu.print_action.trigger()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Orbitra" not in text and "Tallyfield" not in text
    assert "a freight startup" in text and "[redacted]" in text
    rendered: list[tuple[str, str]] = []
    real = printing.render_sheet

    def keep(printer, html, header, today=None):  # type: ignore[no-untyped-def]
        rendered.append((html, header))
        return real(printer, html, header, today)

    def fake_exec(preview: QPrintPreviewDialog) -> int:
        preview.findChild(QPrintPreviewWidget).updatePreview()
        return 0

    monkeypatch.setattr(printing, "render_sheet", keep)
    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    demo_window.main_menu.preview_sheet_action.trigger()
    assert rendered and all("Orbitra" not in html for html, _header in rendered)
    assert "a freight startup" in rendered[0][0]
