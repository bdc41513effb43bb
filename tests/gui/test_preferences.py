"""Preferences: saved through QSettings, applied to the coach, practice and theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from storybank.core.backup import BackupPolicy
from storybank.core.speaking import clock
from storybank.gui.dialogs.preferences import PreferencesDialog
from storybank.gui.main_window import MainWindow
from storybank.gui.settings import Preferences, app_settings
from storybank.gui.theme import apply_theme

MakeWindow = Callable[..., MainWindow]
LEFT = Qt.MouseButton.LeftButton


def test_preferences_round_trip_through_qsettings() -> None:
    prefs = Preferences(
        words_per_minute=170,
        band_min=60,
        band_max=180,
        practice_target=150,
        practice_prep=10,
        theme="dark",
        backups=BackupPolicy(3, 2, 1),
        recordings_keep=4,
    )
    prefs.save(app_settings())
    assert Preferences.load(app_settings()) == prefs
    for keep in (None, 0):
        Preferences(recordings_keep=keep).save(app_settings())
        assert Preferences.load(app_settings()).recordings_keep == keep


def test_garbage_in_the_settings_file_falls_back_to_defaults() -> None:
    settings = app_settings()
    settings.setValue("coach/words_per_minute", "fast")
    settings.setValue("appearance/theme", "neon")
    prefs = Preferences.load(settings)
    assert prefs.words_per_minute == 150 and prefs.theme == "system"


def test_dialog_applies_to_coach_practice_and_theme(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.service.create_story(title="x", action="I did it.")
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    page = dialog.general_page
    page.wpm.setValue(100)
    page.target.setValue(90)
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    dialog.done(0)
    window.apply_preferences()
    assert window.service.coach_settings.words_per_minute == 100
    window.set_mode("practice")
    assert window.practice_view is not None
    assert window.practice_view.chooser.target.value() == 90
    palette = QApplication.instance().palette()  # type: ignore[union-attr]
    assert palette.color(QPalette.ColorRole.Window).lightness() < 80
    assert palette.color(QPalette.ColorRole.Text).lightness() > 180
    # The values panel (whose buttons have a style sheet) took the new colours
    # too, once the palette change has reached its widgets.
    hint = window.findChild(QLabel, "valuesHint")
    tags = window.findChild(QLineEdit, "tags")
    button = window.findChild(QToolButton, "value-freedom-primary")
    active = QPalette.ColorGroup.Active
    qtbot.waitUntil(
        lambda: (
            hint.palette().color(active, QPalette.ColorRole.WindowText).lightness() > 180
            and tags.palette().color(active, QPalette.ColorRole.Base).lightness() < 80
            and button.palette().color(active, QPalette.ColorRole.Base).lightness() < 80
        )
    )
    apply_theme(QApplication.instance(), "light")  # type: ignore[arg-type]
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() > 180  # type: ignore[union-attr]


def test_system_theme_follows_the_desktop_while_running(
    qapp, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from storybank.gui import theme

    def window_lightness() -> int:
        return QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness()  # type: ignore[union-attr]

    monkeypatch.setattr(theme, "system_prefers_dark", lambda: False)
    theme.apply_theme(qapp, "system")
    assert window_lightness() > 180
    monkeypatch.setattr(theme, "system_prefers_dark", lambda: True)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop
    assert window_lightness() < 80
    theme.apply_theme(qapp, "light")  # an explicit choice is not overridden by the desktop
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window_lightness() > 180


def test_a_new_speaking_rate_reaches_the_story_list(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.service.create_story(title="Three hundred words", action="word " * 300)
    window.reload_list()
    model = window.list_panel.model

    def tooltip() -> str:
        return str(model.data(model.index(0), Qt.ItemDataRole.ToolTipRole))

    window.service.start_coach_backfill()  # a new story's figures come from the backfill
    rate = window.service.coach_settings.words_per_minute
    qtbot.waitUntil(lambda: f"about {clock(300 / rate * 60)} spoken" in tooltip())
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    dialog.general_page.wpm.setValue(100)
    dialog.done(0)
    window.apply_preferences()
    qtbot.waitUntil(lambda: "about 3:00 spoken" in tooltip(), timeout=10_000)


def test_the_story_text_size_is_a_preference(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window()
    window.service.create_story(title="x", action="I did it.")
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    page = dialog.general_page
    page.editor_points.setFocus()
    qtbot.keyClick(page.editor_points, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.editor_points, "18")
    dialog.done(0)
    window.apply_preferences()
    action = window.editor.inputs["action"]
    assert action.font().pointSize() == 18
    body = window.editor.findChild(QWidget, "editorBody")
    assert body is not None and body.maximumWidth() > 18 * 50  # the measure grew with it
    assert Preferences.load(window.settings).editor_points == 18


def test_a_pack_of_ones_own_made_tagged_exported_deleted_and_imported_back(
    qtbot: QtBot,
    make_window: MakeWindow,
    monkeypatch: pytest.MonkeyPatch,
    boxes: object,
    tmp_path: Path,
) -> None:
    """A pack made from scratch in Preferences, a story tagged with its value, the
    pack exported, deleted (after asking) and imported back: the tagging is intact."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QPushButton

    from storybank.gui.dialogs.packs_page import PackEditor

    window = make_window()
    story = window.service.create_story(title="Shipping through the outage", action="I led it.")
    window.show_story(story.id)
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.packs_page

    def name_it(editor: PackEditor) -> int:
        editor.show()
        qtbot.keyClicks(editor.name, "Acme values ")
        editor.name.insert("✓")  # QTest types ASCII only
        qtbot.keyClicks(editor.description, "What Acme hires for ")
        editor.description.insertPlainText("— עברית")
        editor.accept()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PackEditor, "exec", name_it)
    qtbot.mouseClick(page.new_pack_button, LEFT)
    assert page.packs_list.currentItem().text() == "Acme values ✓"  # type: ignore[union-attr]
    assert page.packs_list.currentItem().checkState() == Qt.CheckState.Checked  # type: ignore[union-attr]
    assert page.delete_pack_button.isEnabled() and page.edit_pack_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Grit", True))
    qtbot.mouseClick(page.add_button, LEFT)
    assert page.values_list.item(0).text() == "Grit  (yours)"  # type: ignore[union-attr]
    dialog.done(0)

    # The story is tagged with the new value from the values panel.
    grit = window.findChild(QPushButton, "value-grit-primary") or window.findChild(
        QWidget, "value-grit-primary"
    )
    assert grit is not None
    qtbot.mouseClick(grit, LEFT)
    qtbot.waitUntil(lambda: bool(window.service.get_story(story.id).values))

    def tagging() -> list[str]:
        record = window.service.get_story(story.id)
        names = {v.id: v.name for p in window.service.packs() for v in p.values}
        return [names[value_id] for value_id in record.values if value_id in names]

    assert tagging() == ["Grit"]

    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.packs_page
    row = next(i for i in range(page.packs_list.count())
               if page.packs_list.item(i).text() == "Acme values ✓")  # type: ignore[union-attr]  # fmt: skip
    page.packs_list.setCurrentRow(row)

    # Renamed and described again: the key, and so the tagging, stay.
    def rename(editor: PackEditor) -> int:
        editor.show()
        editor.name.selectAll()
        qtbot.keyClicks(editor.name, "Acme principles")
        editor.accept()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PackEditor, "exec", rename)
    qtbot.mouseClick(page.edit_pack_button, LEFT)
    assert page.packs_list.currentItem().text() == "Acme principles"  # type: ignore[union-attr]
    assert tagging() == ["Grit"]
    exported = tmp_path / "acme.toml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(exported), ""))
    qtbot.mouseClick(page.export_pack_button, LEFT)
    assert 'name = "Grit"' in exported.read_text(encoding="utf-8")
    # Built-in packs cannot be deleted; one's own can, after a question naming the story.
    boxes.answer = QMessageBox.StandardButton.Yes  # type: ignore[attr-defined]
    qtbot.mouseClick(page.delete_pack_button, LEFT)
    assert "1 story is tagged with its values" in boxes.shown[-1][1]  # type: ignore[attr-defined]
    names = [page.packs_list.item(i).text() for i in range(page.packs_list.count())]  # type: ignore[union-attr]
    assert "Acme principles" not in names
    page.packs_list.setCurrentRow(0)
    assert not page.delete_pack_button.isEnabled()
    assert tagging() == []  # out of sight with its pack
    assert window.service.get_story(story.id).title == "Shipping through the outage"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(exported), ""))
    qtbot.mouseClick(page.import_pack_button, LEFT)
    assert page.packs_list.currentItem().text() == "Acme principles"  # type: ignore[union-attr]
    assert tagging() == ["Grit"]
    # Importing it again while it is in the bank is refused in one line.
    qtbot.mouseClick(page.import_pack_button, LEFT)
    kind, said = boxes.shown[-1]  # type: ignore[attr-defined]
    assert kind == "warning" and "already has the pack" in said and "\n" not in said


def test_a_malformed_pack_file_is_refused_with_its_line_and_reason(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, boxes: object,
    tmp_path: Path,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QFileDialog

    window = make_window()
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[pack]\nkey = "x"\nname = "X"\nversion = 1\ndate = "2026"\nsource = "me"\n\n'
        '[[values]]\nkey = "a"\nname = "A"\n\n[[values]]\nkey = "b"\nname = "B"\n'
        'themes = ["Not A Key"]\n',
        encoding="utf-8",
    )
    dialog = PreferencesDialog(window.service, window.settings, window)
    qtbot.addWidget(dialog)
    before = len(window.service.packs())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(bad), ""))
    qtbot.mouseClick(dialog.packs_page.import_pack_button, LEFT)
    kind, said = boxes.shown[-1]  # type: ignore[attr-defined]
    assert kind == "warning" and "bad.toml, line 12: value 2 ('b'): 'themes' must be" in said
    assert len(window.service.packs()) == before
