"""Telling the user that something they asked for could not be done, and why; and
asking before something that cannot be taken back."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def report_error(
    parent: QWidget, error: BaseException | str, lead: str = "", *, title: str = "Storybank"
) -> None:
    """Show a known error (StorageError, TransferError, OSError) in a warning box.

    ``lead`` says what failed ("Could not create a story."); the error's own
    message follows it.
    """
    from PySide6.QtWidgets import QMessageBox  # dialogs load on first use

    QMessageBox.warning(parent, title, f"{lead} {error}" if lead else str(error))


def ask_yes(parent: QWidget, title: str, text: str) -> bool:
    """Ask a yes-or-no question whose safe answer, No, is the default; True for Yes."""
    from PySide6.QtWidgets import QMessageBox

    choice = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return choice == QMessageBox.StandardButton.Yes
