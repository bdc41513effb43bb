"""Start-up: arguments, the Qt application, the crash hook and the main window."""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from storybank import __version__

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from storybank.core.repository import Repository
    from storybank.gui.main_window import MainWindow
    from storybank.gui.single_instance import SingleInstance
    from storybank.services.stories import StoryService

log = logging.getLogger("storybank")

APP_ID = "io.github.storybank.Storybank"

#: How long after the window is shown the ORM starts loading in the background.
WARM_UP_DELAY_MS = 250


def _install_excepthook() -> None:
    """Report unexpected errors in a dialog instead of dying silently.

    The editor keeps its text and autosave keeps running, so nothing typed is
    lost because of a bug elsewhere.
    """

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        import traceback

        text = "".join(traceback.format_exception(kind, exc, tb))
        log.error("unexpected error\n%s", text)
        sys.stderr.write(text)
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Storybank",
                "Something went wrong inside Storybank. Your stories are safe; "
                "what you typed is still in the editor.",
            )
            box.setDetailedText(text)
            box.exec()

    sys.excepthook = hook


def _alert(
    title: str, text: str, *, kind: Literal["critical", "warning", "information"] = "critical"
) -> None:
    """A message box with no window behind it."""
    from PySide6.QtWidgets import QMessageBox  # only when there is something to say

    _use_app_icon()
    getattr(QMessageBox, kind)(None, title, text)


def _collect_from_now_on() -> None:
    """Once the window is up: freeze what start-up made, then collect again.

    Start-up's objects (modules, classes, the window) live as long as the app;
    frozen, they are left out of every later full collection, which would
    otherwise walk them all again while the user types.
    """
    gc.freeze()
    gc.enable()


def _warm_up_write_path() -> None:
    """Import the ORM in the background once the window is up.

    Reads need no ORM, so the window opens without it; this makes the first
    save as quick as the rest without putting the import on the start-up path.
    """

    def warm() -> None:
        import storybank.core.writes  # noqa: F401

        gc.freeze()  # the ORM's modules and schemas too (see _collect_from_now_on)

    threading.Thread(target=warm, name="warm-up", daemon=True).start()


def _open_with_recovery(folder: Path) -> Repository | None:
    """Open the bank in ``folder``; if it is damaged, let the user choose what to do."""
    from storybank.core.bank import open_bank
    from storybank.core.database import DatabaseDamaged, NotABank, StorageError

    try:
        return open_bank(folder)
    except (DatabaseDamaged, NotABank) as exc:
        return _recover(folder, str(exc))
    except (StorageError, OSError) as exc:
        _alert("Storybank cannot open the story bank", str(exc))
        return None


def _recover(folder: Path, problem: str) -> Repository | None:
    """Move a damaged bank aside and restore a backup or start empty, as the user chooses."""
    from storybank.core.backup import (
        backup_dir,
        newest_good_backup,
        quarantine,
        restore_backup,
    )
    from storybank.core.bank import open_bank
    from storybank.core.database import StorageError
    from storybank.gui.dialogs.backups import ask_recovery
    from storybank.paths import database_path

    newest = newest_good_backup(backup_dir(folder))
    _use_app_icon()
    choice = ask_recovery(problem, newest)
    if choice == "quit":
        return None
    try:
        moved = quarantine(database_path(folder))
        if choice == "restore" and newest is not None:
            restore_backup(newest.path, database_path(folder))
        repo = open_bank(folder)
    except (StorageError, OSError) as error:
        _alert("Storybank", str(error))
        return None
    _alert("Storybank", f"The damaged file was moved, unchanged, to {moved}.", kind="information")
    return repo


def _use_app_icon() -> None:
    """Give every window and dialog the app's icon (made once, on first need).

    The main window sets it after its first paint; a dialog shown before the
    window (a damaged bank, a second instance) sets it first.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if isinstance(app, QApplication) and app.windowIcon().isNull():
        app.setWindowIcon(_app_icon())


def _app_icon() -> QIcon:
    """The window icon: storybank.svg, with the pixel-grid drawing at small sizes."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    from storybank.resources import resource_path

    icon = QIcon(str(resource_path("icons", "storybank.svg")))
    # A QIcon keeps a single SVG file, so the small drawing goes in as pixmaps
    # at the sizes it is drawn for; other sizes render from storybank.svg.
    small = QIcon(str(resource_path("icons", "storybank-small.svg")))
    for side in (16, 22, 24, 32):
        icon.addPixmap(small.pixmap(QSize(side, side), 1.0))
    return icon


def run_gui(data_dir: str | None, demo: bool) -> int:
    """Open the main window on the chosen bank and run until it closes."""
    # Start-up makes many objects and frees few, so the cyclic garbage
    # collector's passes until the first paint find next to nothing; it is
    # switched back on once the window is up (_collect_from_now_on) or on the
    # way out.
    gc.disable()
    try:
        return _run_gui(data_dir, demo)
    finally:
        gc.enable()


def _make_app() -> QApplication:
    """The Qt application (or the one a test already made), named for settings."""
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Storybank")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Storybank")
    app.setDesktopFileName(APP_ID)
    return app


def _open_folder_bank(
    data_dir: str | None,
) -> tuple[Repository, Path, SingleInstance] | int:
    """Open the bank in the chosen folder, as its one window; or an exit status."""
    from storybank.core.bank import make_data_folder
    from storybank.core.database import StorageError
    from storybank.gui.single_instance import SingleInstance, ask_running_instance
    from storybank.paths import data_dir as resolve_data_dir

    folder = resolve_data_dir(data_dir)
    try:
        make_data_folder(folder)
    except StorageError as exc:
        _alert("Storybank cannot open the story bank", str(exc))
        return 1
    guard = SingleInstance(folder)
    if not guard.acquire():
        if ask_running_instance(folder):
            print("storybank: already open on this data folder; brought it forward.")
            return 0
        _alert(
            "Storybank is already open",
            f"Another Storybank is using {folder}. Close it first, so that two windows "
            "never write the same stories.",
            kind="warning",
        )
        return 1
    opened = _open_with_recovery(folder)
    if opened is None:
        guard.release()
        return 1
    return opened, folder, guard


def _show_window(service: StoryService, guard: SingleInstance | None) -> MainWindow:
    """Show the main window; what is not needed for its first paint comes after it."""
    from PySide6.QtCore import QTimer

    from storybank.gui.main_window import MainWindow

    window = MainWindow(service)
    if guard is not None:
        guard.activation_requested.connect(window.bring_forward)
    # After the first paint: the window icon (SVG rendering) and the
    # local server that answers a second launch (QtNetwork).
    window.first_painted.connect(_collect_from_now_on)
    window.first_painted.connect(_use_app_icon)
    if guard is not None and guard.server is None:
        window.first_painted.connect(guard.listen)
    window.show()
    # Not before the first paint: its imports would hold the GIL the
    # window's paint code waits for.
    QTimer.singleShot(WARM_UP_DELAY_MS, _warm_up_write_path)
    return window


def _back_up_on_exit(service: StoryService, window: MainWindow, demo: bool) -> None:
    """A backup at exit after a change; never of a damaged bank (recovery restores them)."""
    from storybank.core.database import StorageError
    from storybank.gui.settings import Preferences

    damaged = window.recovery is not None or service.damage() is not None
    if service.changed_since_backup and not demo and not damaged:
        try:
            service.back_up("exit", Preferences.load(window.settings).backups)
        except StorageError as exc:
            log.error("exit backup failed: %s", exc)


def _run_gui(data_dir: str | None, demo: bool) -> int:
    from storybank.core.bank import open_demo_bank
    from storybank.core.database import StorageError
    from storybank.gui.settings import Preferences, app_settings
    from storybank.gui.theme import apply_theme
    from storybank.services.stories import StoryService

    app = _make_app()
    guard: SingleInstance | None = None
    if demo:
        try:
            repo, folder = open_demo_bank()
        except (StorageError, OSError) as exc:
            _alert("Storybank cannot open the story bank", str(exc))
            return 1
    else:
        opened = _open_folder_bank(data_dir)
        if isinstance(opened, int):
            return opened
        repo, folder, guard = opened
    _install_excepthook()
    apply_theme(app, Preferences.load(app_settings(None if demo else folder)).theme)
    try:
        while True:
            service = StoryService(repo, folder, demo=demo)
            window = _show_window(service, guard)
            try:
                code = app.exec()
            finally:
                _back_up_on_exit(service, window, demo)
                service.close()
            if window.recovery is None:
                return code
            # The background check found damage and the user chose to recover.
            problem = window.recovery
            window.deleteLater()  # gone, with its connections, when the loop runs again
            recovered = _recover(folder, problem)
            if recovered is None:
                return 1
            repo = recovered
    finally:
        if guard is not None:
            guard.release()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``storybank`` command."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # Loading the modules makes many objects and frees few: the cyclic
    # collector's passes over them would find next to nothing. It stays off
    # for the window until its first paint (run_gui); a command turns it on.
    gc.disable()
    try:
        _load_core()
        from storybank.cli import build_parser, run

        args = build_parser(argv).parse_args(argv)
    except BaseException:
        gc.enable()
        raise
    if args.command:
        gc.enable()
        return run(args)
    return run_gui(args.data_dir, args.demo)


def _load_core() -> None:
    """Load the Qt-free core the window needs before PySide6 is imported.

    Once imported, PySide6 reads the source of every module imported after it
    (its check for ``from __feature__ import``), which start-up need not pay
    for these.
    """
    import storybank.core.backup
    import storybank.core.bank
    import storybank.core.changes
    import storybank.core.markdown
    import storybank.core.speaking  # noqa: F401
