"""The editor's marks on confidential details: a dotted underline under each term
or pattern listed in Preferences ▸ Confidential, in every field, as it is typed.

One precompiled expression (:class:`~storybank.core.redaction.Redactor`) is run
over the paragraph typed in. The STAR sections are marked by a syntax
highlighter; the one-line fields (title, company, role, when) take the same
format the way an input method underlines what it composes. Nothing is made,
nor the redaction module loaded, while no detail is listed, so a bank without
any pays nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from storybank.core.database import StorageError
from storybank.gui.story_editor import utf16_offset
from storybank.gui.theme import attention_color

if TYPE_CHECKING:
    from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument

    from storybank.core.changes import ChangeSet
    from storybank.core.redaction import Redactor
    from storybank.gui.story_editor import StoryEditor
    from storybank.services.stories import StoryService


def marked_format() -> QTextCharFormat:
    """A dotted underline in the theme's attention colour; the text keeps its own colour."""
    from PySide6.QtGui import QTextCharFormat

    mark = QTextCharFormat()
    mark.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    mark.setUnderlineColor(attention_color())
    return mark


def utf16_spans(redactor: Redactor, text: str) -> list[tuple[int, int]]:
    """Where the confidential details are in ``text``, as Qt counts (start, length)."""
    spans = []
    for span in redactor.spans(text):
        start = utf16_offset(text, span.start)
        spans.append((start, utf16_offset(text, span.end) - start))
    return spans


@cache
def highlighter_class() -> Callable[[QTextDocument, ConfidentialMarks], QSyntaxHighlighter]:
    """The highlighter class, made on first use (only once a detail is listed)."""
    from PySide6.QtGui import QSyntaxHighlighter

    class ConfidentialHighlighter(QSyntaxHighlighter):
        """Underlines the confidential details of one text field, a paragraph at a time."""

        def __init__(self, document: QTextDocument, marks: ConfidentialMarks) -> None:
            super().__init__(document)
            self.marks = marks

        def highlightBlock(self, text: str) -> None:
            redactor = self.marks.redactor
            if redactor is None or not redactor.active:
                return
            mark = self.marks.format or marked_format()
            for start, length in utf16_spans(redactor, text):
                self.setFormat(start, length, mark)

    return ConfidentialHighlighter


class ConfidentialMarks(QObject):
    """Keeps the story editor's fields marked with the confidential details listed,
    read again whenever they change and redrawn when the theme does."""

    def __init__(self, editor: StoryEditor, service: StoryService) -> None:
        super().__init__(editor)
        self.editor = editor
        self.service = service
        #: The details listed, once there are any (or were: then maybe none now).
        self.redactor: Redactor | None = None
        #: The marks' format, made with the first (Qt types cost start-up time).
        self.format: QTextCharFormat | None = None
        self._highlighters: list[QSyntaxHighlighter] = []
        service.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        """Read the confidential details again and mark them in every field."""
        try:
            if self.redactor is None and not self.service.has_sensitive_terms():
                return  # none listed, none marked
            redactor = self.service.redactor()
        except StorageError:
            return  # the bank cannot be read: the marks stay as they were
        self.redactor = redactor
        self.refresh()

    def refresh(self) -> None:
        """Mark every field again (a new list, a new theme)."""
        self.format = marked_format()
        if self.redactor is not None and self.redactor.active and not self._highlighters:
            self._attach()
        for highlighter in self._highlighters:
            highlighter.rehighlight()
        for widget in self.editor.inputs.values():
            if isinstance(widget, QLineEdit):
                self.mark_line(widget)

    def _attach(self) -> None:
        """Highlighters on the sections; the one-line fields marked as they change; a
        new theme redraws the marks (watched from now on: until a detail is listed,
        the editor's events need not pass through here)."""
        self.editor.installEventFilter(self)
        make = highlighter_class()
        for widget in self.editor.inputs.values():
            if isinstance(widget, QPlainTextEdit):
                self._highlighters.append(make(widget.document(), self))
            elif isinstance(widget, QLineEdit):
                widget.textChanged.connect(lambda _text, line=widget: self.mark_line(line))

    def mark_line(self, line: QLineEdit) -> None:
        """Underline a one-line field's details: formats sent as an input method sends
        them (relative to the cursor), with no text, so nothing else changes."""
        from PySide6.QtGui import QInputMethodEvent

        if self.redactor is None:
            return
        mark = self.format or marked_format()
        kind = QInputMethodEvent.AttributeType.TextFormat
        cursor = line.cursorPosition()
        attributes = [
            QInputMethodEvent.Attribute(kind, start - cursor, length, mark)
            for start, length in utf16_spans(self.redactor, line.text())
        ]
        QCoreApplication.sendEvent(line, QInputMethodEvent("", attributes))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.confidential:
            self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.redactor is not None and event.type() == QEvent.Type.PaletteChange:
            self.refresh()
        return False
