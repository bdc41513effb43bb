"""A child process: the real window on a bank, and a long walk of key presses.

``python qt_walk.py DATA_DIR PRESSES`` opens the main window offscreen on the
bank in DATA_DIR, then presses Down to the end of the story list and Up back to
the top, again and again, until PRESSES keys were pressed. Each press repaints
the list and loads a story into the editor: thousands of Qt calls that return
nothing. Exit 0 and a line ``walked N`` when it held.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from storybank.core.bank import open_bank
from storybank.gui.main_window import MainWindow
from storybank.services.stories import StoryService


def main() -> int:
    folder, presses = Path(sys.argv[1]), int(sys.argv[2])
    app = QApplication(["storybank"])
    service = StoryService(open_bank(folder), folder)
    window = MainWindow(service)
    window.resize(1240, 780)
    window.show()
    view = window.list_panel.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    rows = view.model().rowCount()
    key = Qt.Key.Key_Down
    for _ in range(presses):
        row = view.currentIndex().row()
        if row >= rows - 1:
            key = Qt.Key.Key_Up
        elif row <= 0:
            key = Qt.Key.Key_Down
        QTest.keyClick(view, key)
        app.processEvents()
    last = view.currentIndex().row()
    window.close()
    service.close()
    print(f"walked {presses} presses over {rows} rows, ended on row {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
