"""The main window's file operations: sheets, import and export (redacted when
asked, with the editor's marks on what a redaction hides), backups, damage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QToolBar

from storybank.core.database import StorageError
from storybank.core.speaking import counted
from storybank.gui.confidential_marks import ConfidentialMarks
from storybank.gui.errors import ask_yes, report_error
from storybank.gui.settings import Preferences

if TYPE_CHECKING:
    from storybank.core.sheet import Layout
    from storybank.gui.dialogs.sheet import SheetDialog
    from storybank.gui.main_window import MainWindow


#: How a sheet's PDF is named by default, after its layout.
SHEET_NAMES = {"cheat": "cheat sheet", "full": "stories", "matrix": "value matrix"}


class FileOps(QObject):
    """Print, preview and PDF sheets; import, export, back up and restore the bank;
    the damaged-bank dialog and banner; the confidential details marked in the editor."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.service = window.service
        self.settings = window.settings
        self.current = window.current
        self.list_panel = window.list_panel
        self.status = window.main_status
        #: What a redacted rendering hides, underlined in the editor as it is typed.
        self.confidential_marks = ConfidentialMarks(window.editor, window.service)
        self._integrity_timer = QTimer(self, interval=100)
        self._integrity_timer.timeout.connect(self.check_integrity)

    def start_integrity_watch(self) -> None:
        """Poll for the background integrity check's verdict."""
        self._integrity_timer.start()

    def sheet_contents(
        self, scope: str, layout: Layout, *, redact: bool = False
    ) -> tuple[str, str, bool]:
        """The HTML, header and orientation of a sheet of the chosen stories; with
        ``redact``, every confidential detail replaced by its alias before layout."""
        from storybank.core.sheet import build_sheet, needs_landscape, sheet_header

        if scope == "current" and self.current.story_id is not None:
            ids = [self.current.story_id]
            filter_text = self.current.title()
        elif scope == "list":
            ids = self.list_panel.model.ids()
            filter_text = self.list_panel.filter_text()
        else:
            ids = self.service.story_ids(sort="title")
            filter_text = ""
        records = [self.service.get_story(story_id) for story_id in ids]
        values = self.service.active_values()
        landscape = needs_landscape(layout, len(values))
        header = sheet_header(layout, filter_text)
        short = {i: t.get(30, "") for i, t in self.service.repo.tellings(ids, 30).items()}
        if not redact:
            return build_sheet(layout, records, values, short), header, landscape
        redactor = self.service.redactor()
        records, values = redactor.redact_sheet_inputs(records, values)
        short = {i: redactor.redact(text) for i, text in short.items()}
        html = redactor.redact_html(build_sheet(layout, records, values, short))
        return html, redactor.redact(header), landscape

    def print_sheet(self, mode: str) -> None:
        """Print, preview or export a sheet ("print", "preview" or "pdf")."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

        from storybank.gui.dialogs.sheet import SheetDialog
        from storybank.gui.print import render_sheet, setup_printer

        if not self.current.flush():
            return
        action = {"print": "Print", "preview": "Preview", "pdf": "Export"}[mode]
        dialog = SheetDialog(
            self.settings,
            action=action,
            has_current=self.current.story_id is not None,
            list_count=self.list_panel.model.rowCount(),
            all_count=self.service.count_stories(),
            confidential=len(self.service.sensitive_terms()),
            parent=self.window,
        )
        if not dialog.exec():
            return
        html, header, landscape = self.sheet_contents(
            dialog.scope(), dialog.layout_choice(), redact=dialog.redact()
        )
        if mode == "pdf":
            self._save_pdf(dialog, html, header, landscape)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, dialog.page_size(), landscape)
        printer.setDocName(header)
        if mode == "preview":
            preview = QPrintPreviewDialog(printer, self.window)
            preview.setObjectName("printPreview")
            preview.paintRequested.connect(lambda target: render_sheet(target, html, header))
            preview.resize(900, 760)
            preview.exec()
            return
        chooser = QPrintDialog(printer, self.window)
        if chooser.exec():
            try:
                pages = render_sheet(printer, html, header)
            except OSError as exc:
                report_error(self.window, exc, "Could not print:")
                return
            self.status.message(f"Sent {counted(pages, 'page')} to the printer.", 8000)

    def _save_pdf(self, dialog: SheetDialog, html: str, header: str, landscape: bool) -> None:
        """Ask where, then write the sheet as a PDF (its name says when it is redacted)."""
        from PySide6.QtWidgets import QFileDialog

        from storybank.gui.print import export_pdf

        folder = Path(str(self.settings.value("sheet/last_pdf", Path.home() / "x"))).parent
        redacted = " (redacted)" if dialog.redact() else ""
        name = f"Storybank {SHEET_NAMES[dialog.layout_choice()]}{redacted} {date.today()}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export PDF", str(folder / name), "PDF files (*.pdf)"
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            pages = export_pdf(
                path, html, header, page_size=dialog.page_size(), landscape=landscape
            )
        except OSError as exc:
            report_error(self.window, exc, f"Could not write {path}:")
            return
        self.settings.setValue("sheet/last_pdf", path)
        self.status.offer_open(f"Saved {counted(pages, 'page')} to {path}", Path(path))

    def export_data(self, kind: str) -> None:
        """Export as a Markdown folder ("md") or one JSON file ("json")."""
        from PySide6.QtWidgets import QFileDialog

        from storybank.core.interchange import TransferError

        if not self.current.flush():
            return
        redact = self._redact_export(kind)
        if redact is None:
            return
        home = str(self.settings.value("export/last", str(Path.home())))
        try:
            if kind == "md":
                folder = QFileDialog.getExistingDirectory(self.window, "Export to folder", home)
                if not folder:
                    return
                written = self.service.export_markdown(Path(folder), redact=redact)
                where, what = folder, f"{len(written)} story files"
            else:
                path, _ = QFileDialog.getSaveFileName(
                    self.window, "Export everything",
                    str(Path(home) / f"storybank-{'redacted-' * redact}{date.today()}.json"),
                    "JSON files (*.json)",
                )  # fmt: skip
                if not path:
                    return
                takes = not redact and self._with_recordings()
                copied = self.service.export_json(Path(path), recordings=takes, redact=redact)
                where, what = path, "everything"
                if copied:
                    what += f" and {counted(copied, 'recording')} (beside it)"
        except (TransferError, StorageError, OSError) as exc:
            report_error(self.window, exc, "The export failed:")
            return
        self.settings.setValue("export/last", str(Path(where).parent if kind == "json" else where))
        what += ", redacted," if redact else ""
        self.status.offer_open(f"Exported {what} to {where}", Path(where))

    def _redact_export(self, kind: str) -> bool | None:
        """Whether to redact an export: asked when confidential details are listed
        (last time's answer is the default); None when the candidate cancels."""
        from PySide6.QtWidgets import QMessageBox

        listed = len(self.service.sensitive_terms())
        if not listed:
            return False
        buttons = QMessageBox.StandardButton
        last = self.settings.value("export/redact", False, type=bool) is True
        sharing = (
            " A redacted JSON is for sharing, not a backup: importing it would bring in "
            "the aliases."
            if kind == "json"
            else ""
        )
        choice = QMessageBox.question(
            self.window,
            "Redact confidential details?",
            f"You list {counted(listed, 'confidential detail')} (Preferences ▸ Confidential). "
            "Yes: each is replaced by its alias, and the original text is not written. "
            f"No: everything as you wrote it.{sharing}",
            buttons.Yes | buttons.No | buttons.Cancel,
            buttons.Yes if last else buttons.No,
        )
        if choice not in (buttons.Yes, buttons.No):
            return None
        self.settings.setValue("export/redact", choice == buttons.Yes)
        return choice == buttons.Yes

    def _with_recordings(self) -> bool:
        """Recorded answers stay out of an export unless the candidate asks for them."""

        takes = self.service.take_count()
        if not takes:
            return False
        return ask_yes(
            self.window,
            "Include your recordings?",
            f"You have {counted(takes, 'recorded answer')}. The export leaves the audio out. "
            "Copy the recordings into a folder beside the file too?",
        )

    def import_data(self, *, folder: bool) -> None:
        """Read, preview and (if the user agrees) import stories."""
        from PySide6.QtWidgets import QFileDialog, QProgressDialog

        from storybank.core.interchange import TransferError
        from storybank.gui.dialogs.import_preview import ImportPreview

        if not self.current.flush():
            return
        home = str(self.settings.value("import/last", str(Path.home())))
        if folder:
            chosen = QFileDialog.getExistingDirectory(
                self.window, "Import a folder of stories", home
            )
        else:
            chosen, _ = QFileDialog.getOpenFileName(
                self.window,
                "Import",
                home,
                "Storybank exports and stories (*.json *.md *.markdown)",
            )
        if not chosen:
            return
        self.settings.setValue("import/last", str(Path(chosen).parent))
        try:
            plan = self.service.plan_import(Path(chosen))
        except (TransferError, StorageError, OSError) as exc:
            report_error(self.window, exc, title="Nothing was imported")
            return
        preview = ImportPreview(plan, chosen, self.window)
        if not preview.exec():
            return
        progress = QProgressDialog("Importing…", "", 0, max(1, len(plan.items)), self.window)
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> None:
            progress.setMaximum(max(1, total))
            progress.setValue(done)

        self.window.show_nothing()
        try:
            result = self.service.apply_import(plan, preview.choices(), progress=step)
        except (TransferError, StorageError) as exc:
            progress.close()
            report_error(self.window, exc, title="Nothing was imported")
            self.window.window_state.open_last_story()
            return
        progress.close()
        self.window.refresh_filters()
        self.window.values_panel.refresh_values()
        self.window.window_state.open_last_story()
        self.status.message(
            f"Imported: {result.added} new, {result.updated} updated, {result.kept_both} kept "
            f"both, {result.unchanged} unchanged, {result.skipped} skipped.",
            10000,
        )

    def back_up_now(self) -> None:
        if not self.current.flush():
            return
        try:
            path = self.service.back_up("manual", Preferences.load(self.settings).backups)
        except StorageError as exc:
            report_error(self.window, exc)
            return
        self.status.message(f"Backed up to {path}", 8000)

    def restore_from_backup(self) -> None:
        from storybank.gui.dialogs.backups import RestoreDialog

        if not self.current.flush():
            return
        dialog = RestoreDialog(self.service.backup_folder(), self.window)
        if not dialog.exec() or dialog.chosen() is None:
            return
        backup = dialog.chosen()
        assert backup is not None
        self.window.show_nothing()
        try:
            safety = self.service.restore(backup)
        except StorageError as exc:
            report_error(self.window, exc)
            return
        self.window.refresh_filters()
        self.window.values_panel.refresh_values()
        self.window.reload_list()
        self.window.window_state.open_last_story()
        self.status.message(
            f"Restored the backup. The state before it is kept in {safety.name}.", 10000
        )

    def check_integrity(self) -> None:
        """Show the verdict of the background integrity check once it is in (the
        first poll, just after the window's first paint, starts it)."""
        self.service.start_integrity_check()
        if not self.service.integrity_checked():
            return
        self._integrity_timer.stop()
        damage = self.service.damage()
        if damage is None:
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "The story bank is damaged",
            "Storybank found damage in your story bank, so it will not write "
            "anything more into it.",
            parent=self.window,
        )
        box.setInformativeText(
            "Recover now: Storybank moves the damaged file aside, unchanged, and "
            "offers to restore your newest good backup.\n\n"
            "Later: the window stays open so that you can copy any text you need; "
            "Storybank asks again at the next start."
        )
        box.setDetailedText(damage)
        recover = box.addButton("Recover Now", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(recover)
        box.exec()
        if box.clickedButton() is recover:
            self.recover_now(damage)
        if self.window.recovery is None:
            self.show_damage(damage)

    def recover_now(self, damage: str) -> None:
        """Close, so that run_gui moves the damaged file aside and offers a backup."""
        self.window.recovery = damage
        if not self.window.close():
            self.window.recovery = None  # the user kept the window for unsaved text

    def show_damage(self, damage: str) -> None:
        """After "Later": the window stays, read-only, with one banner that says why.

        Reads that fail show in the list and the status bar; nothing more pops up.
        """
        if self.window.findChild(QToolBar, "damageBar") is not None:
            return
        bar = QToolBar("Damaged story bank", self.window)
        bar.setObjectName("damageBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setStyleSheet("QToolBar#damageBar { background: #f7d9d5; }")
        banner = QLabel(
            "This story bank is damaged, so Storybank saves nothing into it. Copy out "
            "what you need; Recover Now moves the file aside, unchanged, and offers "
            "your newest good backup."
        )
        banner.setObjectName("damageBanner")
        banner.setWordWrap(True)
        banner.setToolTip(damage)
        banner.setStyleSheet("color: #5c1a12; padding: 4px;")
        banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        recover = QPushButton("Recover Now…")
        recover.setObjectName("damageRecover")
        recover.clicked.connect(lambda: self.recover_now(damage))
        bar.addWidget(banner)
        bar.addWidget(recover)
        self.window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
