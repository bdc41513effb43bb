"""Export and import through the window: menus, preview, progress, backup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from storybank.core.backup import backup_dir, list_backups
from storybank.core.bank import open_bank
from storybank.core.demo import load_demo
from storybank.gui.dialogs.import_preview import ImportPreview
from storybank.gui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def titles(window: MainWindow) -> list[str]:
    model = window.list_panel.model
    return sorted(model.index(r).data() for r in range(model.rowCount()))


def test_export_json_then_import_into_another_bank(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_dir = tmp_path / "source"
    repo = open_bank(source_dir)
    load_demo(repo)
    repo.db.close()
    source = make_window(source_dir)
    target = tmp_path / "export.json"
    proposed: list[str] = []

    def save_as(_parent, _title, suggestion, _filter):  # type: ignore[no-untyped-def]
        proposed.append(suggestion)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    source.main_menu.export_json_action.trigger()
    status = source.main_status
    assert target.exists() and "Exported everything" in status.note_label.text()
    assert Path(proposed[0]).name == f"storybank-{date.today()}.json"  # a name that says when
    # The next export starts in the folder chosen last time.
    source.main_menu.export_json_action.trigger()
    assert Path(proposed[1]).parent == tmp_path
    # The file can be opened, or its folder shown, from the status bar.
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    assert status.open_button.isVisible() and status.folder_button.isVisible()
    qtbot.mouseClick(status.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [str(tmp_path)]

    other = make_window(tmp_path / "other")
    assert titles(other) == []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    seen: list[str] = []

    def accept(preview: ImportPreview) -> int:
        seen.append(preview.findChild(type(preview.table), "importTable").item(0, 1).text())
        preview.accept()
        return preview.result()

    monkeypatch.setattr(ImportPreview, "exec", accept)
    other.main_menu.import_file_action.trigger()
    assert seen == ["New"]
    assert titles(other) == titles(source)
    assert "9 new" in other.statusBar().currentMessage()
    (backup,) = list_backups(backup_dir(tmp_path / "other"))
    assert backup.reason == "before-import"


def test_markdown_folder_round_trip_and_conflict_choice(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    repo = open_bank(data_dir)
    story = repo.create_story(title="Shared story", action="Original action.")
    repo.db.close()
    window = make_window()
    folder = tmp_path / "md"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.main_menu.export_md_action.trigger()
    (exported,) = folder.glob("*.md")
    exported.write_text(
        exported.read_text(encoding="utf-8").replace("Original action.", "Edited elsewhere."),
        encoding="utf-8",
    )
    # Edit the bank's copy too, so both differ: a conflict.
    window.editor.inputs["action"].setPlainText("Edited here.")
    assert window.editor.save()

    def keep_both(preview: ImportPreview) -> int:
        assert len(preview.choice_boxes) == 1
        assert preview.table.item(0, 2).text() == "action differs"
        preview.default_box.setCurrentIndex(preview.default_box.findData("keep-both"))
        preview.accept()
        return preview.result()

    monkeypatch.setattr(ImportPreview, "exec", keep_both)
    window.main_menu.import_folder_action.trigger()
    assert titles(window) == ["Shared story", "Shared story (imported)"]
    again = open_bank(data_dir)
    assert again.get_story(story.id).action == "Edited here."
    again.db.close()


def test_malformed_import_is_named_and_changes_nothing(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "storybank", "stories": [', encoding="utf-8")
    window = make_window()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.main_menu.import_file_action.trigger()
    ((kind, text),) = boxes.shown
    assert kind == "warning" and "broken.json" in text
    assert titles(window) == []


def test_markdown_export_from_the_window_keeps_the_users_files(
    qtbot: QtBot, make_window: MakeWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    repo = open_bank(data_dir)
    repo.create_story(title="Leadership", action="Led.")
    repo.db.close()
    window = make_window()
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "leadership.md").write_text("my own notes\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.main_menu.export_md_action.trigger()
    assert (folder / "leadership.md").read_text(encoding="utf-8") == "my own notes\n"
    assert "Led." in (folder / "leadership-2.md").read_text(encoding="utf-8")
    window.main_menu.export_md_action.trigger()
    assert sorted(p.name for p in folder.iterdir()) == ["leadership-2.md", "leadership.md"]


def test_import_preview_names_the_links_it_skipped(
    qtbot: QtBot, make_window: MakeWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    if sys.platform == "win32":
        pytest.skip("symlinks need privileges on Windows")
    private = tmp_path / "diary.md"
    private.write_text("# Private diary\n", encoding="utf-8")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "story.md").write_text("# A story\n## Situation\nThen.\n", encoding="utf-8")
    (folder / "diary.md").symlink_to(private)
    window = make_window()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    seen: list[list[str]] = []

    def look(preview: ImportPreview) -> int:
        table = preview.table
        seen.append([table.item(row, 0).text() for row in range(table.rowCount())])
        seen.append([label.text() for label in preview.findChildren(QLabel)])
        preview.reject()
        return preview.result()

    monkeypatch.setattr(ImportPreview, "exec", look)
    window.main_menu.import_folder_action.trigger()
    stories, labels = seen
    assert stories == ["A story"]
    assert any("diary.md: a link, skipped" in label for label in labels)


def test_import_preview_names_the_packs_an_import_turns_on(qtbot: QtBot) -> None:
    from storybank.core.transfer.records import (
        ImportBundle,
        ImportItem,
        ImportPlan,
        ItemKind,
        SourceStory,
    )

    story = SourceStory(origin="bank.json", uuid="6f1c", title="Outage")
    plan = ImportPlan(
        bundle=ImportBundle(source="bank.json", stories=(story,)),
        items=(ImportItem(story=story, kind=ItemKind.CONFLICT, note="title differs"),),
        pack_changes=("Turns on the pack “<Behaviours>”",),
    )
    preview = ImportPreview(plan, "bank.json")
    qtbot.addWidget(preview)
    packs = preview.findChild(QLabel, "importPacks")
    assert not packs.isHidden()
    assert packs.text() == "Turns on the pack “&lt;Behaviours&gt;”"
    assert preview.table.item(0, 2).text() == "title differs"
    empty = ImportPreview(ImportPlan(bundle=plan.bundle, items=()), "bank.json")
    qtbot.addWidget(empty)
    assert empty.findChild(QLabel, "importPacks").isHidden()
