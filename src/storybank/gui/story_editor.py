"""The story editor: title, context, the STAR sections and reflection, a
preview, and autosave.

Autosave is a mechanism, not scattered calls: every edit marks its field dirty
and restarts a short timer; the timer, a story switch, Ctrl+S and closing all
call :meth:`StoryEditor.save`. If a write fails the text stays in the fields,
the user is told, and the save is retried.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from storybank.core.database import ChangedElsewhere, StorageError
from storybank.core.markdown import clip, escape, to_html
from storybank.core.records import CONTEXT_FIELDS, SECTIONS, StoryRecord
from storybank.services.stories import StoryService

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl  # annotations only

    from storybank.gui.tellings import TellingsPage

AUTOSAVE_MS = 1000
RETRY_MS = 5000
#: Characters a line of story text holds at most on a wide screen.
MEASURE_CHARS = 90
#: Stories shorter than this (all fields) are previewed at once; longer ones on
#: a worker thread. Markdown costs at most ~25 µs a character, so ~0.1 s here.
PREVIEW_THREAD_THRESHOLD = 4_000
RENDERING_NOTE = "<p><i>Rendering the preview…</i></p>"

SECTION_LABELS = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "reflection": "Reflection",
}
SECTION_HINTS = {
    "situation": "Where and when? Set the scene in two or three sentences: the team, "
    "the stakes, what was going wrong.",
    "task": "What was yours to do? The goal or problem you owned.",
    "action": "What did you do, step by step, in the first person (“I …”)? "
    "This is the heart of the story.",
    "result": "What changed because of you? Use numbers: %, time saved, money, users, incidents.",
    "reflection": "What I learned, and what I would do differently next time.",
}
SECTION_HEIGHTS = {"situation": 84, "task": 64, "action": 180, "result": 84, "reflection": 64}
SECTION_STRETCH = {"situation": 2, "task": 1, "action": 5, "result": 2, "reflection": 1}
CONTEXT_LABELS = {"company": "Company", "role": "Role", "period": "When"}
CONTEXT_HINTS = {
    "company": "e.g. Acme Payments",
    "role": "e.g. Senior engineer",
    "period": "e.g. 2023",
}


class SafeTextBrowser(QTextBrowser):
    """A rich-text viewer that loads nothing and opens only https/mailto on click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        return None

    @staticmethod
    def _open(url: QUrl) -> None:
        if url.scheme() in ("https", "mailto"):
            from PySide6.QtGui import QDesktopServices  # on a click: not at start-up

            QDesktopServices.openUrl(url)


def utf16_offset(text: str, index: int) -> int:
    """Qt counts positions in UTF-16 units; Python in code points."""
    prefix = text[: max(0, index)]
    return len(prefix) + sum(1 for char in prefix if ord(char) > 0xFFFF)


def story_html(fields: dict[str, str]) -> str:
    """The preview of a story: title, context and each section from Markdown."""
    title = clip(fields.get("title") or "Untitled story")
    context = clip(
        " · ".join(fields[name] for name in CONTEXT_FIELDS if fields.get(name, "").strip())
    )
    parts = [f"<h1>{escape(title)}</h1>"]
    if context:
        parts.append(f"<p><i>{escape(context)}</i></p>")
    for name in SECTIONS:
        text = fields.get(name, "")
        parts.append(f"<h2>{SECTION_LABELS[name]}</h2>")
        parts.append(to_html(text) if text.strip() else "<p><i>(empty)</i></p>")
    return "\n".join(parts)


class _PreviewReady(QObject):
    """Carries a worker thread's preview HTML back to the GUI thread."""

    ready = Signal(int, str)


def _banner(name: str, background: str, color: str, border: str) -> QLabel:
    """A hidden, word-wrapped message strip above the title."""
    banner = QLabel()
    banner.setObjectName(name)
    banner.setWordWrap(True)
    banner.setStyleSheet(
        f"QLabel {{ background: {background}; color: {color}; border: 1px solid {border};"
        " border-radius: 4px; padding: 6px; }"
    )
    banner.hide()
    return banner


class StoryEditor(QWidget):
    """Edits one story; owns its autosave."""

    #: "saved", "saving", "dirty" or "failed", and a message for the status bar.
    save_state_changed = Signal(str, str)
    #: The text changed (typing or a newly loaded story).
    content_changed = Signal()
    #: Edits that lost a race were kept as a new story: (other version's id, copy's id).
    kept_as_copy = Signal(int, int)
    #: The user asked to see another story (a link in the notice).
    open_requested = Signal(int)
    #: The trash banner's Restore was clicked (the story on screen).
    restore_requested = Signal()

    def __init__(self, service: StoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.record: StoryRecord | None = None
        self.last_saved: datetime | None = None
        #: Whether this window saved the story on screen since it was opened.
        self.saved_here = False
        #: Each field as last read from or written to the bank: what a save
        #: expects to find there (another program may have changed it since).
        self._base: dict[str, str] = {}
        self._dirty: set[str] = set()
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save)

        self.title = self._build_title()
        self._build_banners()
        self.inputs: dict[str, QLineEdit | QPlainTextEdit] = {"title": self.title}
        context = self._build_context()
        scroll = self._build_sections()

        self.preview = SafeTextBrowser()
        self.preview.setObjectName("preview")
        self.preview.setAccessibleName("Story preview")
        # Without a parent: a worker still holding it after the editor is gone
        # emits into nothing instead of into a deleted object.
        self._preview_ready = _PreviewReady()
        self._preview_ready.ready.connect(self._show_preview)
        self._preview_generation = 0

        self.tabs = self._build_tabs(scroll)

        layout = self._measured_column()
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addWidget(self.trash_banner)
        layout.addWidget(self.title)
        layout.addLayout(context)
        layout.addWidget(self.tabs, 1)

        for name, widget in self.inputs.items():
            signal = widget.textChanged
            signal.connect(lambda _=None, name=name: self._on_edited(name))

        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.save)

    def _build_tabs(self, write: QWidget) -> QTabWidget:
        """Write, Preview, and Tellings (its page made the first time it is shown)."""
        tabs = QTabWidget()
        tabs.setObjectName("editorTabs")
        tabs.setDocumentMode(True)
        tabs.addTab(write, "Write")
        tabs.addTab(self.preview, "Preview")
        self.tellings: TellingsPage | None = None
        self._tellings_tab = QWidget()
        QVBoxLayout(self._tellings_tab).setContentsMargins(0, 0, 0, 0)
        tabs.addTab(self._tellings_tab, "Tellings")
        tabs.setTabToolTip(2, "The story told in 30 seconds, 2 minutes and 3 minutes")
        tabs.currentChanged.connect(self._on_tab_changed)
        return tabs

    def set_text_points(self, points: int) -> None:
        """The story text's size (0: the system's); the measure follows it."""
        font = QFont(self.font())
        if points > 0:
            font.setPointSize(points)
        for name, widget in self.inputs.items():
            if name != "title":
                widget.setFont(font)
        self.preview.setFont(font)
        self._fit_measure(font)

    def _fit_measure(self, font: QFont) -> None:
        """About :data:`MEASURE_CHARS` characters of ``font`` a line, at most."""
        self._body.setMaximumWidth(QFontMetrics(font).averageCharWidth() * MEASURE_CHARS + 80)

    def _build_banners(self) -> None:
        """A failed save; a change made elsewhere; a story in the Trash."""
        self.banner = _banner("saveBanner", "#fde7e7", "#7a1010", "#e5a0a0")
        # What happened without the user's doing (a change made elsewhere).
        self.notice = _banner("changedElsewhereNotice", "#fff4d6", "#5c4200", "#e0c27a")
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.linkActivated.connect(self._on_notice_link)
        self.trash_banner = _banner("trashBanner", "#eceff3", "#2b3440", "#b8c2cf")
        self.trash_banner.setTextFormat(Qt.TextFormat.RichText)
        self.trash_banner.setText(
            "This story is in the Trash, so it cannot be edited. "
            "<a href='restore'>Restore it</a> to work on it again."
        )
        self.trash_banner.linkActivated.connect(lambda _link: self.restore_requested.emit())

    def _measured_column(self) -> QVBoxLayout:
        """The editor's column: on a wide screen the text keeps a readable measure
        (about :data:`MEASURE_CHARS` characters a line) and sits in the middle."""
        self._body = body = QWidget()
        body.setObjectName("editorBody")
        self._fit_measure(self.font())
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addStretch(1)
        outer.addWidget(body, 1000)
        outer.addStretch(1)
        return QVBoxLayout(body)

    def _build_title(self) -> QLineEdit:
        title = QLineEdit()
        title.setObjectName("title")
        title.setAccessibleName("Story title")
        title.setPlaceholderText("A short, memorable title for this story")
        title_font = QFont(title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.45)
        title_font.setBold(True)
        title.setFont(title_font)
        title.setFrame(False)
        title.setMaxLength(1_000_000)
        return title

    def _build_context(self) -> QHBoxLayout:
        """Company, role and when, on one row."""
        context = QHBoxLayout()
        context.setSpacing(6)
        for name in CONTEXT_FIELDS:
            line = QLineEdit()
            line.setObjectName(name)
            line.setAccessibleName(CONTEXT_LABELS[name])
            line.setPlaceholderText(f"{CONTEXT_LABELS[name]} — {CONTEXT_HINTS[name]}")
            line.setToolTip(CONTEXT_LABELS[name])
            line.setMaxLength(1_000_000)
            context.addWidget(line, 2 if name != "period" else 1)
            self.inputs[name] = line
        return context

    def _build_sections(self) -> QScrollArea:
        """The STAR sections and the reflection, labelled, in one scrolling column."""
        column = QVBoxLayout()
        column.setContentsMargins(0, 4, 4, 4)
        column.setSpacing(2)
        for name in SECTIONS:
            field = QPlainTextEdit()
            field.setObjectName(name)
            field.setAccessibleName(SECTION_LABELS[name])
            field.setPlaceholderText(SECTION_HINTS[name])
            field.setTabChangesFocus(True)
            field.setMinimumHeight(SECTION_HEIGHTS[name])
            label = QLabel(f"<b>{SECTION_LABELS[name]}</b>")
            label.setBuddy(field)
            column.addSpacing(6)
            column.addWidget(label)
            column.addWidget(field, SECTION_STRETCH[name])
            self.inputs[name] = field
        sections = QWidget()
        sections.setLayout(column)
        scroll = QScrollArea()
        self._scroll = scroll
        scroll.setObjectName("sectionsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields inside
        scroll.setWidget(sections)
        return scroll

    # --- state ------------------------------------------------------------

    @property
    def story_id(self) -> int | None:
        return self.record.id if self.record else None

    def is_dirty(self) -> bool:
        return bool(self._dirty)

    def field_text(self, name: str) -> str:
        widget = self.inputs[name]
        return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()

    def fields(self) -> dict[str, str]:
        return {name: self.field_text(name) for name in self.inputs}

    # --- loading ----------------------------------------------------------

    def load(self, record: StoryRecord | None) -> None:
        """Show a story (saving the current one is the caller's job)."""
        self._timer.stop()
        self._retry.stop()
        self._dirty.clear()
        self.banner.hide()
        self.notice.hide()
        self.record = record
        self.last_saved = record.updated_at if record else None
        self.saved_here = False
        self._base = {name: record.text(name) for name in self.inputs} if record else {}
        self._loading = True
        try:
            for name, widget in self.inputs.items():
                text = record.text(name) if record else ""
                if isinstance(widget, QLineEdit):
                    widget.setText(text)
                    widget.setCursorPosition(0)
                else:
                    widget.setPlainText(text)  # which starts a fresh undo history
        finally:
            self._loading = False
        self._show_trashed(record)
        if self.tabs.currentWidget() is self.preview:
            self.render_preview()
        if self.tellings is not None:
            self.tellings.load(record)
        self.save_state_changed.emit("saved", "")
        self.content_changed.emit()

    def _show_trashed(self, record: StoryRecord | None) -> None:
        """A story in the Trash is shown read-only, under a banner that can restore it."""
        self.setEnabled(record is not None)
        trashed = record is not None and record.deleted
        for widget in self.inputs.values():
            widget.setReadOnly(trashed)
        self.trash_banner.setVisible(trashed)

    def select_span(self, name: str, start: int, end: int) -> None:
        """Show and select characters ``start:end`` (Python indices) of a field."""
        from PySide6.QtGui import QTextCursor  # not needed to open the window

        widget = self.inputs.get(name)
        if not isinstance(widget, QPlainTextEdit):
            return
        self.tabs.setCurrentIndex(0)
        text = widget.toPlainText()
        cursor = widget.textCursor()
        cursor.setPosition(utf16_offset(text, start))
        cursor.setPosition(utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
        widget.setTextCursor(cursor)
        widget.ensureCursorVisible()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self._scroll.ensureWidgetVisible(widget, 0, 0)

    def focus_title(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.title.selectAll()

    # --- autosave ---------------------------------------------------------

    def _on_edited(self, name: str) -> None:
        if self._loading or self.record is None:
            return
        self._dirty.add(name)
        self._timer.start()
        self.save_state_changed.emit("dirty", "")
        self.content_changed.emit()

    def save(self) -> bool:
        """Write the changed fields (and tellings) now; False (text kept) on failure."""
        self._timer.stop()
        self._retry.stop()
        if self.tellings is not None and not self.tellings.flush():
            return False
        if self.record is None or not self._dirty:
            return True
        names = set(self._dirty)
        changes = {name: self.field_text(name) for name in names}
        self.save_state_changed.emit("saving", "")
        try:
            self.last_saved = self.service.save_story(self.record.id, changes, expect=self._base)
            self.saved_here = True
        except ChangedElsewhere:
            return self._keep_as_copy()
        except StorageError as exc:
            return self._save_failed(exc)
        self._base.update(changes)
        # Fields edited during the write stay dirty; the rest are stored.
        self._dirty -= {name for name in names if self.field_text(name) == changes[name]}
        self.banner.hide()
        self.save_state_changed.emit("dirty" if self._dirty else "saved", "")
        if self._dirty:
            self._timer.start()
        return True

    # --- changes made elsewhere --------------------------------------------

    def refresh_from_elsewhere(self) -> bool:
        """Show what another program changed in this story; return whether it did.

        Fields the user is editing are left alone: their next save finds the
        change and keeps the user's version as a new story
        (:meth:`_keep_as_copy`). The other fields take the stored text, with
        the cursor kept where it was.
        """
        if self.record is None:
            return False
        try:
            stored = self.service.get_story(self.record.id)
        except StorageError:
            return False  # gone elsewhere: the list no longer shows it either
        changed = [
            name
            for name in self.inputs
            if name not in self._dirty and stored.text(name) != self._base.get(name)
        ]
        if stored.deleted != self.record.deleted:
            self.record = stored
            self._show_trashed(stored)
        if not changed:
            return False
        self._loading = True
        try:
            for name in changed:
                self._set_text_keeping_cursor(name, stored.text(name))
                self._base[name] = stored.text(name)
        finally:
            self._loading = False
        self.record = stored
        if not self._dirty:
            self.last_saved = stored.updated_at
        if self.tabs.currentWidget() is self.preview:
            self.render_preview()
        self.content_changed.emit()
        return True

    def _set_text_keeping_cursor(self, name: str, text: str) -> None:
        widget = self.inputs[name]
        if isinstance(widget, QLineEdit):
            position = widget.cursorPosition()
            widget.setText(text)
            widget.setCursorPosition(min(position, len(text)))
        else:
            position = widget.textCursor().position()
            widget.setPlainText(text)
            cursor = widget.textCursor()
            cursor.setPosition(min(position, widget.document().characterCount() - 1))
            widget.setTextCursor(cursor)

    def _save_failed(self, exc: StorageError) -> bool:
        """Keep the text, say why in the banner, and try again later."""
        self.banner.setText(
            f"<b>Not saved.</b> {escape(str(exc))} Your text is still here; "
            "Storybank will keep trying."
        )
        self.banner.show()
        self._retry.start()
        self.save_state_changed.emit("failed", str(exc))
        return False

    def _keep_as_copy(self) -> bool:
        """Save the user's version as a new story beside the one changed elsewhere."""
        assert self.record is not None
        other = self.record
        try:
            copy = self.service.keep_as_copy(other.id, self.fields())
        except StorageError as exc:
            return self._save_failed(exc)
        self._load_keeping_cursor(copy)
        title = escape(other.title or "Untitled story")
        self.notice.setText(
            f"“{title}” was changed by another program while you were editing it. "
            "Nothing was overwritten: your version is kept as this new story, and the "
            f'other version is unchanged. <a href="story:{other.id}">Open the other '
            'version</a> · <a href="dismiss">Dismiss</a>'
        )
        self.notice.show()
        self.kept_as_copy.emit(other.id, copy.id)
        return True

    def _load_keeping_cursor(self, record: StoryRecord) -> None:
        """Load ``record`` (the same text) with the focus and cursors where they were."""
        focused = next((n for n, w in self.inputs.items() if w.hasFocus()), None)
        positions = {
            name: w.cursorPosition() if isinstance(w, QLineEdit) else w.textCursor().position()
            for name, w in self.inputs.items()
        }
        self.load(record)
        for name, widget in self.inputs.items():
            if isinstance(widget, QLineEdit):
                widget.setCursorPosition(positions[name])
            else:
                cursor = widget.textCursor()
                cursor.setPosition(min(positions[name], widget.document().characterCount() - 1))
                widget.setTextCursor(cursor)
        if focused is not None:
            self.inputs[focused].setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_notice_link(self, link: str) -> None:
        self.notice.hide()
        if link.startswith("story:"):
            self.open_requested.emit(int(link.removeprefix("story:")))

    # --- preview ----------------------------------------------------------

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.preview:
            self.render_preview()
        elif self.tabs.currentWidget() is self._tellings_tab and self.tellings is None:
            from storybank.gui.tellings import TellingsPage

            self.tellings = TellingsPage(self.service, self.fields)
            layout = self._tellings_tab.layout()
            assert layout is not None
            layout.addWidget(self.tellings)
            self.tellings.load(self.record)

    def render_preview(self) -> None:
        """Show the preview of the fields; long text renders off the GUI thread."""
        self._preview_generation += 1
        generation = self._preview_generation
        if self.record is None:
            self.preview.clear()
            return
        fields = self.fields()
        if sum(len(text) for text in fields.values()) < PREVIEW_THREAD_THRESHOLD:
            self._show_preview(generation, story_html(fields))
            return
        self.preview.setHtml(RENDERING_NOTE)
        ready = self._preview_ready

        def work() -> None:
            ready.ready.emit(generation, story_html(fields))  # queued to the GUI thread

        QThreadPool.globalInstance().start(work)

    def _show_preview(self, generation: int, html: str) -> None:
        if generation == self._preview_generation:  # else a newer render is on its way
            self.preview.setHtml(html)

    def toggle_preview(self) -> None:
        self.tabs.setCurrentIndex(0 if self.tabs.currentIndex() == 1 else 1)
