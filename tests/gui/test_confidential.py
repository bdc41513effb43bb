"""Confidential details from the window: listed in Preferences ▸ Confidential, marked
in the editor as typed, and left out of a PDF made through the real sheet dialog
and of an export from the File menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
)
from pytestqt.qtbot import QtBot

from storybank.core.bank import open_bank
from storybank.gui.dialogs.preferences import PreferencesDialog
from storybank.gui.dialogs.sheet import SheetDialog
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]
LEFT = Qt.MouseButton.LeftButton
CUSTOMER, ALIAS = "Acme Corp", "a top-5 US retailer"


@pytest.fixture
def window(make_window: MakeWindow, data_dir: Path) -> MainWindow:
    repo = open_bank(data_dir)
    repo.create_story(
        title="Winning the account back",
        company=CUSTOMER,
        situation="The customer was leaving after two outages.",
        action="I met their CTO every week.",
        result=f"{CUSTOMER} renewed: $4.2M a year, kept.",
    )
    repo.db.close()
    return make_window()


def marks(field: QPlainTextEdit) -> list[tuple[int, int]]:
    """The dotted underlines the highlighter put on a field: (start, length) per block."""
    found = []
    block = field.document().firstBlock()
    while block.isValid():
        for style in block.layout().formats():
            if style.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine:
                found.append((block.position() + style.start, style.length))
        block = block.next()
    return found


def click(qtbot: QtBot, button: QPushButton | QCheckBox) -> None:
    # A check box answers clicks on its box and label, not its empty right side.
    qtbot.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))


def fill_in_preferences(qtbot: QtBot, dialog: PreferencesDialog) -> list[str]:
    """List the customer (after three refusals) and turn on currency amounts, all
    through the page's widgets; return the messages it showed."""
    dialog.show()
    qtbot.waitExposed(dialog)
    tabs = dialog.findChild(QTabWidget, "preferenceTabs")
    tabs.setCurrentWidget(dialog.confidential_page)
    page = dialog.confidential_page
    term = page.findChild(QLineEdit, "termInput")
    alias = page.findChild(QLineEdit, "aliasInput")
    add = page.findChild(QPushButton, "addTerm")
    message = page.findChild(QLabel, "confidentialMessage")
    said = []
    for typed in ("", "   ", CUSTOMER):
        term.clear()
        qtbot.keyClicks(term, typed)
        if typed == CUSTOMER:
            qtbot.keyClicks(alias, ALIAS)
        click(qtbot, add)
        said.append(message.text() if message.isVisible() else "")
    qtbot.keyClicks(term, "acme  CORP")
    qtbot.keyClick(term, Qt.Key.Key_Return)
    said.append(message.text())
    term.clear()
    click(qtbot, page.findChild(QCheckBox, "pattern-currency"))
    return said


def test_a_term_listed_in_preferences_is_marked_and_kept_out_of_a_pdf(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    said: list[str] = []

    def drive(dialog: PreferencesDialog) -> int:
        said.extend(fill_in_preferences(qtbot, dialog))
        dialog.done(0)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", drive)
    window.main_menu.preferences_action.trigger()
    assert said[0].startswith("The term is empty") and said[1].startswith("The term is only spaces")
    assert said[2] == "" and said[3] == "“acme CORP” is already in the list."
    assert all("\n" not in line for line in said)
    assert [(r.term, r.alias) for r in window.service.sensitive_terms()] == [
        (CUSTOMER, ALIAS),
        ("currency", ""),
    ]

    # The editor marks the listed customer and the figure, and what is typed next.
    result = window.editor.inputs["result"]
    assert isinstance(result, QPlainTextEdit)
    qtbot.waitUntil(lambda: marks(result) == [(0, 9), (19, 5)])
    situation = window.editor.inputs["situation"]
    assert isinstance(situation, QPlainTextEdit)
    situation.setFocus()
    situation.moveCursor(situation.textCursor().MoveOperation.End)
    qtbot.keyClicks(situation, " Then acme corp stayed.")
    situation.insertPlainText(" مع Acme Corp 😀")  # QTest types ASCII only
    text = situation.toPlainText()
    assert marks(situation) == [
        (text.index("acme corp"), 9), (text.index("Acme Corp"), 9)
    ]  # fmt: skip

    # A PDF through the real sheet dialog, its redaction asked for by a click.
    target = tmp_path / "shared.pdf"
    named: list[str] = []

    def save_as(*args: object, **kwargs: object) -> tuple[str, str]:
        named.append(str(args[2]))
        return str(target), ""

    def choose(dialog: SheetDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        box = dialog.findChild(QCheckBox, "sheetRedact")
        assert box.isEnabled() and not box.isChecked()
        click(qtbot, box)
        dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("full"))
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(SheetDialog, "exec", choose)
    window.main_menu.pdf_action.trigger()
    assert "(redacted)" in Path(named[0]).name and "Acme" not in named[0]
    reader = PdfReader(target)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Acme" not in text and "acme" not in text and "4.2M" not in text
    assert ALIAS in text and "~$XM" in text
    assert "Acme" not in str((reader.metadata or {}).get("/Title", ""))
    assert window.settings.value("sheet/redact", False, type=bool) is True


def test_details_listed_before_the_window_opens_are_marked_at_once(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path
) -> None:
    """A bank with details listed marks them when it opens; one without has
    nothing to mark, and the window reads no rules for it."""
    repo = open_bank(data_dir)
    repo.create_story(title="Quiet story", result="Acme Corp renewed.")
    repo.db.close()
    plain = make_window()
    assert plain.file_ops.confidential_marks.redactor is None
    plain.close()
    repo = open_bank(data_dir)
    repo.add_sensitive_term(CUSTOMER, ALIAS)
    repo.db.close()
    window = make_window()
    result = window.editor.inputs["result"]
    assert isinstance(result, QPlainTextEdit)
    qtbot.waitUntil(lambda: marks(result) == [(0, 9)])


def test_an_export_asks_and_remembers_whether_to_redact(
    qtbot: QtBot,
    window: MainWindow,
    boxes: Any,  # tests/conftest.py's Boxes
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.main_menu.export_md_action.trigger()  # nothing listed: no question
    assert boxes.shown == []
    assert CUSTOMER in next(folder.iterdir()).read_text(encoding="utf-8")
    window.service.add_sensitive_term(CUSTOMER, ALIAS)
    window.service.set_sensitive_pattern("currency", True)
    boxes.answer = QMessageBox.StandardButton.Yes
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(shared))
    window.main_menu.export_md_action.trigger()
    assert boxes.shown[-1][1].startswith("Redact confidential details?")
    [written] = shared.iterdir()
    text = written.read_text(encoding="utf-8")
    assert "Acme" not in text and "4.2M" not in text and ALIAS in text
    assert window.settings.value("export/redact", False, type=bool) is True
    # JSON: the question says what a redacted file is for, and no recording is asked about.
    path = tmp_path / "shared.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.main_menu.export_json_action.trigger()
    assert "for sharing, not a backup" in boxes.shown[-1][1]
    assert "Acme" not in path.read_text(encoding="utf-8")
    boxes.answer = QMessageBox.StandardButton.Cancel
    count = len(boxes.shown)
    path.unlink()
    window.main_menu.export_json_action.trigger()  # cancelled: nothing written
    assert len(boxes.shown) == count + 1 and not path.exists()


def test_terms_are_edited_in_place_and_removed(qtbot: QtBot, window: MainWindow) -> None:
    window.service.add_sensitive_term(CUSTOMER, ALIAS)
    window.service.add_sensitive_term("Globex")
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(QTabWidget, "preferenceTabs").setCurrentWidget(dialog.confidential_page)
    page = dialog.confidential_page
    table = page.findChild(QTableWidget, "confidentialTerms")
    qtbot.waitExposed(table)
    cell = table.item(1, 1)
    assert cell is not None
    centre = table.visualItemRect(cell).center()
    qtbot.mouseClick(table.viewport(), LEFT, pos=centre)
    qtbot.mouseDClick(table.viewport(), LEFT, pos=centre)
    editor = table.viewport().focusWidget() or table.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "a supplier")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: [r.alias for r in window.service.sensitive_terms()] == [ALIAS, "a supplier"]
    )
    # An edit that would make a duplicate is put back, with the reason.
    term = table.item(1, 0)
    assert term is not None
    term.setText("ACME corp")
    assert page.message.text() == "“ACME corp” is already in the list."
    assert table.item(1, 0).text() == "Globex"  # type: ignore[union-attr]
    table.selectRow(0)
    click(qtbot, page.findChild(QPushButton, "removeTerm"))
    assert [r.term for r in window.service.sensitive_terms()] == ["Globex"]
    # The marks follow: the customer is no longer underlined.
    result = window.editor.inputs["result"]
    assert isinstance(result, QPlainTextEdit)
    qtbot.waitUntil(lambda: marks(result) == [])
