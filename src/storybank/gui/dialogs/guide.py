"""The getting-started guide, from Help and from the empty bank."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from storybank.core.markdown import to_html
from storybank.resources import resource_path

GUIDE = ("guide", "getting-started.md")


def guide_html() -> str:
    """The guide as sanitized HTML (it ships as Markdown in resources/)."""
    return to_html(resource_path(*GUIDE).read_text(encoding="utf-8"))


class GuideDialog(QDialog):
    """A readable, resizable window with the getting-started guide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle("Getting Started with Storybank")
        self.text = QTextBrowser()
        self.text.setObjectName("guideText")
        self.text.setOpenLinks(False)  # nothing in it is fetched or opened
        self.text.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        width = self.fontMetrics().averageCharWidth() * 84
        self.resize(width, min(640, self.screen().availableGeometry().height() - 80))
