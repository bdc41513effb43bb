"""Start-up: arguments, the Qt application, the crash hook and the main window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from types import TracebackType

from storybank import __version__
from storybank.cli import build_parser, run

log = logging.getLogger("storybank")

APP_ID = "io.github.storybank.Storybank"


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


def _warm_up_write_path() -> None:
    """Import the ORM in the background once the window is up.

    Reads need no ORM, so the window opens without it; this makes the first
    save as quick as the rest without putting the import on the start-up path.
    """

    def warm() -> None:
        import storybank.core.writes  # noqa: F401

    threading.Thread(target=warm, name="warm-up", daemon=True).start()


def run_gui(data_dir: str | None, demo: bool) -> int:
    """Open the main window on the chosen bank and run until it closes."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from storybank.core.bank import open_chosen_bank
    from storybank.core.database import StorageError
    from storybank.gui.main_window import MainWindow
    from storybank.resources import resource_path
    from storybank.services.stories import StoryService

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Storybank")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Storybank")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(resource_path("icons", "storybank.svg"))))
    try:
        repo, folder = open_chosen_bank(data_dir, demo)
    except (StorageError, OSError) as exc:
        QMessageBox.critical(None, "Storybank cannot open the story bank", str(exc))
        return 1
    _install_excepthook()
    service = StoryService(repo, folder, demo=demo)
    window = MainWindow(service)
    window.show()
    _warm_up_write_path()
    try:
        return app.exec()
    finally:
        service.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``storybank`` command."""
    args = build_parser().parse_args(argv)
    if args.command:
        return run(args)
    return run_gui(args.data_dir, args.demo)
