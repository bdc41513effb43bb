"""Manual check: print a sheet from the real print dialog to a CUPS queue.

Not collected by pytest (it needs a CUPS server and a queue, e.g. cups-pdf).
Run under a real X server: ``xvfb-run -a uv run python tests/print_to_cups.py
PRINTER``. It opens the main window on the demo bank, chooses File → Print…, accepts
the sheet dialog, picks PRINTER in Qt's print dialog and presses its Print
button, then waits for the CUPS job to finish and prints its outcome.
"""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox

from storybank.core.bank import open_demo_bank
from storybank.gui.dialogs.sheet import SheetDialog
from storybank.gui.main_window import MainWindow
from storybank.services.stories import StoryService


def main() -> int:
    printer = sys.argv[1] if len(sys.argv) > 1 else "PDF"
    app = QApplication(sys.argv[:1])
    repo, folder = open_demo_bank()
    window = MainWindow(StoryService(repo, folder, demo=True))
    window.show()
    before = subprocess.run(["lpstat", "-W", "completed", "-o"], capture_output=True, text=True)
    outcome: dict[str, str] = {}

    def answer_dialogs() -> None:
        for widget in app.topLevelWidgets():
            if isinstance(widget, SheetDialog) and widget.isVisible():
                widget.accept()
            elif isinstance(widget, QPrintDialog) and widget.isVisible():
                names = widget.findChildren(QComboBox)
                box = next(b for b in names if b.findText(printer) >= 0)
                box.setCurrentIndex(box.findText(printer))
                outcome["printer"] = box.currentText()
                buttons = widget.findChild(QDialogButtonBox)
                ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
                QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
                return
        QTimer.singleShot(200, answer_dialogs)

    QTimer.singleShot(500, answer_dialogs)
    QTimer.singleShot(
        300, lambda: window.main_menu.print_action.trigger()
    )  # File → Print… (Ctrl+P)
    QTimer.singleShot(8000, app.quit)
    app.exec()
    print("status bar:", window.statusBar().currentMessage())
    print("printer chosen in the dialog:", outcome.get("printer"))
    for _ in range(30):
        after = subprocess.run(["lpstat", "-W", "completed", "-o"], capture_output=True, text=True)
        if after.stdout != before.stdout:
            print("completed CUPS jobs:\n" + after.stdout)
            return 0
        time.sleep(1)
    print("no CUPS job completed", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
