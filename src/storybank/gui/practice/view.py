"""The Practice mode: choose a deck, answer prompts out loud on a timer, rate.

Keyboard first: Space starts and stops the timer (and skips the preparation),
1–4 rate the answer (Again, Hard, Good, Easy), N goes to the next prompt, S
skips it, P pauses, Esc ends the session. The timer reads an injected clock,
so it never drifts with the event loop and tests need no sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storybank.core.changes import ChangeSet
from storybank.core.database import StorageError
from storybank.core.practice import (
    AnswerTimer,
    DeckKind,
    DeckSpec,
    Rating,
    SessionSummary,
    TimerPhase,
    TimerSettings,
    TimerZone,
    summarize_session,
)
from storybank.core.prompts import Prompt
from storybank.core.sheet import plain_line
from storybank.core.speaking import clock
from storybank.gui.coach_panel import TimeGauge
from storybank.gui.practice.voice import Voice
from storybank.services.practice import PracticeService

TICK_MS = 100
RATING_LABELS = {
    Rating.AGAIN: "1 · Again",
    Rating.HARD: "2 · Hard",
    Rating.GOOD: "3 · Good",
    Rating.EASY: "4 · Easy",
}
ZONE_STYLES = {
    TimerZone.BEFORE: "color: #2d7a4b;",
    TimerZone.NEAR: "color: #c7801f;",
    TimerZone.OVER: "color: #b8453b;",
}
ZONE_COLORS = {
    TimerZone.BEFORE: QColor("#2d7a4b"),
    TimerZone.NEAR: QColor("#c7801f"),
    TimerZone.OVER: QColor("#b8453b"),
}
STORY_ROLE = Qt.ItemDataRole.UserRole + 1


def clock_text(seconds: float) -> str:
    """m:ss of whole seconds elapsed, as the stopwatch shows it."""
    return clock(math.floor(seconds))


class DeckChooser(QWidget):
    """The start page: which prompts to practise, and the timer settings."""

    start_requested = Signal()
    manage_requested = Signal()

    def __init__(self, service: PracticeService) -> None:
        super().__init__()
        self.service = service
        self.group = QButtonGroup(self)
        self.radios: dict[DeckKind, QRadioButton] = {}
        self._build_fields()
        self._build_buttons()
        self.due_label = QLabel()
        self.due_label.setObjectName("dueLabel")
        grid = self._build_decks()
        form = self._build_form()
        self._lay_out(grid, form)
        self.refresh()

    def _build_fields(self) -> None:
        """A deck's theme, value and size; the timer settings; reading aloud."""
        self.theme_box = QComboBox()
        self.theme_box.setAccessibleName("Theme")
        self.value_box = QComboBox()
        self.value_box.setAccessibleName("Value")
        self.mock_size = QSpinBox()
        self.mock_size.setRange(1, 20)
        self.mock_size.setValue(5)
        self.mock_size.setAccessibleName("Prompts in the mock interview")
        self.prep = QSpinBox()
        self.prep.setObjectName("prepSeconds")
        self.prep.setRange(0, 300)
        self.prep.setValue(30)
        self.prep.setSuffix(" s")
        self.prep.setSpecialValueText("no preparation")
        self.prep.setAccessibleName("Preparation time")
        self.target = QSpinBox()
        self.target.setObjectName("targetSeconds")
        self.target.setRange(30, 600)
        self.target.setSingleStep(15)
        self.target.setValue(120)
        self.target.setSuffix(" s")
        self.target.setAccessibleName("Target answer time")
        self.voice = QCheckBox("Read each prompt aloud")
        self.voice.setObjectName("readAloud")

    def _build_buttons(self) -> None:
        self.start_button = QPushButton("Start practising")
        self.start_button.setObjectName("startPractice")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start_requested)
        self.manage_button = QPushButton("Prompts…")
        self.manage_button.setObjectName("managePrompts")
        self.manage_button.setToolTip("Add, edit and hide interview prompts")
        self.manage_button.clicked.connect(self.manage_requested)

    def _build_decks(self) -> QGridLayout:
        """One radio button per kind of deck, with its field and a hint; the mock is checked."""
        grid = QGridLayout()
        rows = (
            (DeckKind.MOCK, "Mock interview", self.mock_size, "prompts from different themes"),
            (DeckKind.DUE, "Due for review", None, "spaced repetition picks what to rehearse"),
            (DeckKind.GAPS, "My gaps", None, "values and themes your stories cover weakly"),
            (DeckKind.THEME, "One theme", self.theme_box, ""),
            (DeckKind.VALUE, "One value", self.value_box, ""),
            (DeckKind.ALL, "All prompts", None, "due ones first"),
        )
        for row, (kind, text, extra, hint) in enumerate(rows):
            radio = QRadioButton(text)
            radio.setObjectName(f"deck-{kind.value}")
            self.group.addButton(radio)
            self.radios[kind] = radio
            grid.addWidget(radio, row, 0)
            if extra is not None:
                grid.addWidget(extra, row, 1)
            if hint:
                label = QLabel(hint)
                label.setEnabled(False)
                grid.addWidget(label, row, 2)
        self.radios[DeckKind.MOCK].setChecked(True)
        grid.setColumnStretch(2, 1)
        return grid

    def _build_form(self) -> QFormLayout:
        """The timer settings and reading aloud; the fields' widths are capped."""
        for spin in (self.mock_size, self.prep, self.target):
            spin.setMaximumWidth(160)
        for box in (self.theme_box, self.value_box):
            box.setMaximumWidth(320)
        form = QFormLayout()
        form.addRow("Preparation:", self.prep)
        form.addRow("Target answer time:", self.target)
        form.addRow("", self.voice)
        return form

    def _lay_out(self, grid: QGridLayout, form: QFormLayout) -> None:
        """The title, what is due, the decks, the timer settings, then the buttons."""
        title = QLabel("<h2>Practice</h2><p>Storybank plays the interviewer. Answer each "
                       "prompt out loud, then rate how it went: prompts you found hard come "
                       "back sooner.</p>")  # fmt: skip
        title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(title)
        layout.addWidget(self.due_label)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(8)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_button)
        start_row.addWidget(self.manage_button)
        start_row.addStretch(1)
        layout.addLayout(start_row)
        layout.addStretch(1)

    def refresh(self) -> None:
        current_theme = self.theme_box.currentData()
        self.theme_box.clear()
        for theme in self.service.themes():
            self.theme_box.addItem(theme.name, theme.key)
        if current_theme:
            self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(current_theme)))
        current_value = self.value_box.currentData()
        self.value_box.clear()
        for value in self.service.stories.active_values():
            self.value_box.addItem(value.name, value.key)
        if current_value:
            self.value_box.setCurrentIndex(max(0, self.value_box.findData(current_value)))
        due = self.service.due_count()
        self.due_label.setText(
            f"<b>{due}</b> prompt{'s' if due != 1 else ''} due for review."
            if due
            else "Nothing is due for review yet: start with a mock interview."
        )

    def spec(self) -> DeckSpec:
        kind = next(k for k, radio in self.radios.items() if radio.isChecked())
        if kind is DeckKind.THEME:
            return DeckSpec(kind, self.theme_box.currentData())
        if kind is DeckKind.VALUE:
            return DeckSpec(kind, self.value_box.currentData())
        if kind is DeckKind.MOCK:
            return DeckSpec(kind, size=self.mock_size.value())
        return DeckSpec(kind)

    def timer_settings(self) -> TimerSettings:
        return TimerSettings(prep_seconds=self.prep.value(), target_seconds=self.target.value())


class SessionPage(QWidget):
    """One prompt at a time: the prompt, the timer, suggestions, rating."""

    def __init__(self) -> None:
        super().__init__()
        # The page itself takes focus so that its keys (Space, 1–4, N…) work.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build_prompt()
        self._build_timer()
        controls = self._build_controls()
        ratings = self._build_rating()
        split = QSplitter()
        split.addWidget(self._lay_out_answer(controls, ratings))
        split.addWidget(self._build_suggestions())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def _build_prompt(self) -> None:
        """Where the session is, the prompt's theme, and the prompt in large type."""
        self.progress = QLabel()
        self.progress.setObjectName("sessionProgress")
        self.theme = QLabel()
        self.theme.setEnabled(False)
        self.prompt = QLabel()
        self.prompt.setObjectName("promptText")
        self.prompt.setWordWrap(True)
        font = QFont(self.prompt.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        self.prompt.setFont(font)
        self.prompt.setAccessibleName("Prompt")

    def _build_timer(self) -> None:
        """The phase, the stopwatch in large bold type, the gauge and the key hint."""
        self.phase = QLabel()
        self.phase.setObjectName("timerPhase")
        self.timer = QLabel("0:00")
        self.timer.setObjectName("timerDisplay")
        timer_font = QFont(self.timer.font())
        timer_font.setPointSizeF(timer_font.pointSizeF() * 3.2)
        timer_font.setBold(True)
        self.timer.setFont(timer_font)
        self.timer.setAccessibleName("Timer")
        self.gauge = TimeGauge()
        self.gauge.setObjectName("answerGauge")
        self.gauge.setMaximumWidth(520)
        self.hint = QLabel()
        self.hint.setObjectName("keyHint")
        self.hint.setEnabled(False)

    def _build_controls(self) -> QHBoxLayout:
        """Start, Pause, Skip, Next and End, in one row."""
        self.toggle_button = QPushButton("Start (Space)")
        self.toggle_button.setObjectName("toggleTimer")
        self.pause_button = QPushButton("Pause (P)")
        self.pause_button.setObjectName("pauseTimer")
        self.skip_button = QPushButton("Skip (S)")
        self.skip_button.setObjectName("skipPrompt")
        self.next_button = QPushButton("Next (N)")
        self.next_button.setObjectName("nextPrompt")
        self.end_button = QPushButton("End (Esc)")
        self.end_button.setObjectName("endSession")
        controls = QHBoxLayout()
        for button in (
            self.toggle_button,
            self.pause_button,
            self.skip_button,
            self.next_button,
            self.end_button,
        ):
            controls.addWidget(button)
        controls.addStretch(1)
        return controls

    def _build_rating(self) -> QHBoxLayout:
        """The follow-up question, the row of rating buttons (returned), the rating
        given and a note on the answer."""
        self.follow_up = QLabel()
        self.follow_up.setObjectName("followUp")
        self.follow_up.setWordWrap(True)
        self.rating_buttons: dict[Rating, QPushButton] = {}
        ratings = QHBoxLayout()
        ratings.addWidget(QLabel("How did it go?"))
        for rating, text in RATING_LABELS.items():
            button = QPushButton(text)
            button.setObjectName(f"rate-{rating.name.lower()}")
            self.rating_buttons[rating] = button
            ratings.addWidget(button)
        ratings.addStretch(1)
        self.rated = QLabel()
        self.rated.setObjectName("ratedLabel")
        self.notes = QLineEdit()
        self.notes.setObjectName("attemptNotes")
        self.notes.setPlaceholderText("A note for next time (optional)")
        self.notes.setAccessibleName("Notes on this answer")
        return ratings

    def _lay_out_answer(self, controls: QHBoxLayout, ratings: QHBoxLayout) -> QWidget:
        """The left side: the prompt, the timer and its controls, then the rating."""
        main = QWidget()
        left = QVBoxLayout(main)
        left.setContentsMargins(24, 12, 12, 12)
        left.addWidget(self.progress)
        left.addWidget(self.theme)
        left.addSpacing(6)
        left.addWidget(self.prompt)
        left.addSpacing(12)
        left.addWidget(self.phase)
        left.addWidget(self.timer)
        left.addWidget(self.gauge)
        left.addWidget(self.hint)
        left.addLayout(controls)
        left.addSpacing(12)
        left.addWidget(self.follow_up)
        left.addLayout(ratings)
        left.addWidget(self.rated)
        left.addWidget(self.notes)
        left.addStretch(1)
        return main

    def _build_suggestions(self) -> QWidget:
        """The right side: stories that could answer the prompt, and which one was used."""
        self.suggestions = QTreeWidget()
        self.suggestions.setObjectName("suggestions")
        self.suggestions.setAccessibleName("Suggested stories")
        self.suggestions.setHeaderLabels(["Stories that could answer this"])
        self.suggestions.setWordWrap(True)
        self.used_button = QPushButton("I used this story")
        self.used_button.setObjectName("usedStory")
        self.used_label = QLabel()
        self.used_label.setObjectName("usedLabel")
        self.used_label.setWordWrap(True)
        side = QWidget()
        right = QVBoxLayout(side)
        right.setContentsMargins(6, 12, 12, 12)
        right.addWidget(self.suggestions, 1)
        right.addWidget(self.used_button)
        right.addWidget(self.used_label)
        return side


class SummaryPage(QWidget):
    """The end of a session: what was answered, how long, how it went."""

    def __init__(self) -> None:
        super().__init__()
        self.text = QLabel()
        self.text.setObjectName("sessionSummary")
        self.text.setWordWrap(True)
        self.again_button = QPushButton("Practise again")
        self.again_button.setObjectName("practiseAgain")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.text)
        layout.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def show_summary(self, summary: SessionSummary, target: int) -> None:
        ratings = ", ".join(
            f"{RATING_LABELS[Rating(r)].split(' · ')[1]} {n}"
            for r, n in sorted(summary.ratings.items())
            if n
        )
        self.text.setText(
            "<h2>Session done</h2>"
            f"<p><b>{summary.answered}</b> answered, {summary.skipped} skipped.</p>"
            f"<p>Average answer: <b>{clock_text(summary.mean_seconds)}</b> "
            f"(target {clock_text(target)}); {summary.over_target} over the target.</p>"
            f"<p>Ratings: {ratings or 'none'}.</p>"
            "<p>See the Progress mode (Ctrl+4) for your history.</p>"
        )


class PracticeView(QWidget):
    """The Practice mode: deck chooser, session and summary."""

    #: Show a story in the Stories mode.
    open_story = Signal(int)

    def __init__(
        self,
        service: PracticeService,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.service = service
        self.clock = clock
        self._build_pages()

        self.voice = Voice()
        self.chooser.voice.setEnabled(self.voice.available)
        self.chooser.voice.setToolTip(self.voice.reason)

        self.deck: list[Prompt] = []
        self.index = 0
        self.results: list[tuple[float | None, int | None]] = []
        self.answer: tuple[datetime, float] | None = None
        self.rated: Rating | None = None
        self.used_story: int | None = None
        self.session_key = ""
        self.timer: AnswerTimer | None = None
        self.settings = TimerSettings()
        self._started_at: datetime | None = None
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)

        self._connect_pages()
        self._add_shortcuts()
        service.changed.connect(self._on_changed)

    def _build_pages(self) -> None:
        """The chooser, the session and the summary, stacked."""
        self.chooser = DeckChooser(self.service)
        self.session = SessionPage()
        self.summary = SummaryPage()
        self.pages = QStackedWidget()
        for page in (self.chooser, self.session, self.summary):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def _connect_pages(self) -> None:
        """The pages' buttons and the suggestions list to the session flow."""
        self.chooser.start_requested.connect(self.start_session)
        self.summary.again_button.clicked.connect(self.show_chooser)
        page = self.session
        page.toggle_button.clicked.connect(self.toggle_timer)
        page.pause_button.clicked.connect(self.toggle_pause)
        page.skip_button.clicked.connect(self.skip)
        page.next_button.clicked.connect(self.next_prompt)
        page.end_button.clicked.connect(self.end_session)
        page.used_button.clicked.connect(self.use_selected_story)
        page.suggestions.itemDoubleClicked.connect(self._open_story_item)
        for rating, button in page.rating_buttons.items():
            button.clicked.connect(lambda _=False, r=rating: self.rate(r))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.attempts or changes.prompts or changes.values:
            self.chooser.refresh()

    def _add_shortcuts(self) -> None:
        """The session's keys, active while the session page (or a child) has focus."""
        self._shortcuts = []
        for key, slot in (
            (Qt.Key.Key_Space, self.toggle_timer),
            (Qt.Key.Key_1, lambda: self.rate(Rating.AGAIN)),
            (Qt.Key.Key_2, lambda: self.rate(Rating.HARD)),
            (Qt.Key.Key_3, lambda: self.rate(Rating.GOOD)),
            (Qt.Key.Key_4, lambda: self.rate(Rating.EASY)),
            (Qt.Key.Key_N, self.next_prompt),
            (Qt.Key.Key_S, self.skip),
            (Qt.Key.Key_P, self.toggle_pause),
            (Qt.Key.Key_Escape, self.end_session),
        ):
            shortcut = QShortcut(QKeySequence(key), self.session)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    # --- session flow -----------------------------------------------------

    def show_chooser(self) -> None:
        self.chooser.refresh()
        self.pages.setCurrentWidget(self.chooser)
        self.chooser.start_button.setFocus()

    def start_session(self) -> None:
        self.settings = self.chooser.timer_settings()
        try:
            self.deck = self.service.deck(self.chooser.spec())
        except StorageError as exc:
            self.chooser.due_label.setText(f"Could not build the deck: {exc}")
            return
        if not self.deck:
            self.chooser.due_label.setText("No prompts in that deck right now. Try another deck.")
            return
        self.index = 0
        self.results = []
        self.session_key = self.service.new_session_key()
        self.pages.setCurrentWidget(self.session)
        self._show_prompt()
        self.session.setFocus()

    def current(self) -> Prompt | None:
        return self.deck[self.index] if 0 <= self.index < len(self.deck) else None

    def _show_prompt(self) -> None:
        prompt = self.current()
        if prompt is None:
            self.end_session()
            return
        page = self.session
        self.timer = AnswerTimer(self.settings, clock=self.clock)
        self.answer = None
        self.rated = None
        self.used_story = None
        self._started_at = None
        page.progress.setText(f"Prompt {self.index + 1} of {len(self.deck)}")
        page.theme.setText(self.service.theme_names().get(prompt.theme, prompt.theme))
        page.prompt.setText(prompt.text)
        page.follow_up.clear()
        page.rated.clear()
        page.notes.clear()
        page.used_label.clear()
        self._fill_suggestions(prompt)
        self._refresh_timer()
        self.session.setFocus()
        if self.chooser.voice.isChecked():
            self.voice.say(prompt.text)

    def _fill_suggestions(self, prompt: Prompt) -> None:
        tree = self.session.suggestions
        tree.clear()
        try:
            suggestions = self.service.suggestions(prompt)
        except StorageError:
            suggestions = []
        for suggestion in suggestions:
            item = QTreeWidgetItem([suggestion.title or "Untitled story"])
            item.setData(0, STORY_ROLE, suggestion.story_id)
            item.setToolTip(0, "; ".join(suggestion.reasons))
            why = QTreeWidgetItem([" · ".join(suggestion.reasons)])
            why.setDisabled(True)
            item.addChild(why)
            try:
                record = self.service.stories.get_story(suggestion.story_id)
            except StorageError:
                continue
            for name in ("situation", "task", "action", "result"):
                line = plain_line(record.text(name)) or "(empty)"
                child = QTreeWidgetItem([f"{name[0].upper()}  {line}"])
                child.setData(0, STORY_ROLE, suggestion.story_id)
                item.addChild(child)
            tree.addTopLevelItem(item)
        if not suggestions:
            empty = QTreeWidgetItem(["No story matches yet: tag your stories with values."])
            empty.setDisabled(True)
            tree.addTopLevelItem(empty)
        elif tree.topLevelItemCount():
            first = tree.topLevelItem(0)
            if first is not None:
                tree.setCurrentItem(first)
                first.setExpanded(True)  # the best match's outline, as a hint

    def toggle_timer(self) -> None:
        """Space: start, skip the preparation, or stop the answer."""
        if self.timer is None or self.pages.currentWidget() is not self.session:
            return
        phase = self.timer.phase
        if phase is TimerPhase.DONE:
            return
        if phase in (TimerPhase.IDLE,):
            self._started_at = self.service.now()
        was_answering = phase is TimerPhase.ANSWER
        self.timer.toggle()
        if was_answering and self.timer.phase is TimerPhase.DONE:
            self._finish_answer()
        if self.timer.phase in (TimerPhase.PREP, TimerPhase.ANSWER):
            self._ticker.start()
        self._refresh_timer()

    def toggle_pause(self) -> None:
        if self.timer is None:
            return
        if self.timer.phase is TimerPhase.PAUSED:
            self.timer.resume()
            self._ticker.start()
        elif self.timer.phase in (TimerPhase.PREP, TimerPhase.ANSWER):
            self.timer.pause()
        self._refresh_timer()

    def _finish_answer(self) -> None:
        assert self.timer is not None
        self._ticker.stop()
        prompt = self.current()
        started = self._started_at or self.service.now()
        self.answer = (started, self.timer.answer_elapsed)
        if prompt is not None and prompt.follow_ups:
            self.session.follow_up.setText(f"<b>Follow-up:</b> {prompt.follow_ups[0]}")
        self.session.rated.setText("Rate your answer: 1 Again · 2 Hard · 3 Good · 4 Easy")

    def rate(self, rating: Rating) -> None:
        """1–4: record the answer and schedule the prompt."""
        prompt = self.current()
        if prompt is None or self.answer is None or self.rated is not None:
            return
        started, duration = self.answer
        try:
            state = self.service.record_answer(
                prompt,
                started_at=started,
                duration=duration,
                rating=rating,
                story_id=self.used_story,
                notes=self.session.notes.text(),
                session_key=self.session_key,
            )
        except StorageError as exc:
            self.session.rated.setText(f"Not saved: {exc}")
            return
        self.rated = rating
        self.results.append((duration, int(rating)))
        days = (state.due - self.service.now()).total_seconds() / 86400
        when = (
            "later today" if days < 1 else f"in {round(days)} day{'s' if round(days) != 1 else ''}"
        )
        self.session.rated.setText(
            f"Rated <b>{RATING_LABELS[rating].split(' · ')[1]}</b>; this prompt comes back "
            f"{when}. Press N for the next one."
        )

    def next_prompt(self) -> None:
        """N: move on (an answer that was timed but not rated counts as skipped)."""
        if self.pages.currentWidget() is not self.session:
            return
        if self.rated is None:
            self.results.append((None, None))
        self._ticker.stop()
        self.index += 1
        self._show_prompt()

    def skip(self) -> None:
        if self.pages.currentWidget() is not self.session or self.rated is not None:
            return
        self.next_prompt()

    def end_session(self) -> None:
        """Esc: stop and show the summary (or the chooser if nothing was done)."""
        self._ticker.stop()
        self.voice.stop()
        if self.pages.currentWidget() is not self.session:
            return
        if not self.results:
            self.show_chooser()
            return
        summary = summarize_session(self.results, self.settings.target_seconds)
        self.summary.show_summary(summary, self.settings.target_seconds)
        self.pages.setCurrentWidget(self.summary)
        self.summary.again_button.setFocus()

    # --- stories ----------------------------------------------------------

    def use_selected_story(self) -> None:
        item = self.session.suggestions.currentItem()
        story_id = item.data(0, STORY_ROLE) if item else None
        if item is None or story_id is None:
            return
        self.used_story = story_id
        top = item.parent() or item
        self.session.used_label.setText(f"Using “{top.text(0)}” for this answer.")

    def _open_story_item(self, item: QTreeWidgetItem) -> None:
        story_id = item.data(0, STORY_ROLE)
        if story_id is not None:
            self.open_story.emit(story_id)

    # --- display ----------------------------------------------------------

    def _tick(self) -> None:
        if self.timer is None:
            return
        self.timer.tick()
        if self.timer.phase not in (TimerPhase.PREP, TimerPhase.ANSWER):
            self._ticker.stop()
        self._refresh_timer()

    def _refresh_timer(self) -> None:
        page = self.session
        timer = self.timer
        if timer is None:
            return
        phase = timer.phase
        page.timer.setText(timer.display())
        target = self.settings.target_seconds
        page.gauge.set_time(
            timer.answer_elapsed,
            (max(0, target - self.settings.near_seconds), target),
            ZONE_COLORS[timer.zone],
        )
        style = ""
        if phase is TimerPhase.IDLE:
            page.phase.setText("Ready")
            page.hint.setText("Press Space to start the clock.")
            page.toggle_button.setText("Start (Space)")
        elif phase is TimerPhase.PREP:
            page.phase.setText("Prepare your answer")
            page.hint.setText("Think of your story. Space starts the answer now.")
            page.toggle_button.setText("Answer now (Space)")
            style = "color: #2f5d8a;"
        elif phase is TimerPhase.ANSWER:
            target_text = clock_text(self.settings.target_seconds)
            zone_text = {
                TimerZone.BEFORE: f"Answering — target {target_text}",
                TimerZone.NEAR: f"Wrap up — the target {target_text} is close",
                TimerZone.OVER: f"Over the target {target_text}",
            }[timer.zone]
            page.phase.setText(zone_text)
            page.hint.setText("Space stops the clock when you finish.")
            page.toggle_button.setText("Stop (Space)")
            style = ZONE_STYLES[timer.zone]
        elif phase is TimerPhase.PAUSED:
            page.phase.setText("Paused")
            page.hint.setText("P resumes.")
            style = "color: #777777;"
        else:
            page.phase.setText(f"Done — {clock_text(timer.answer_elapsed)}")
            page.hint.setText("Rate it with 1–4, then N for the next prompt.")
            page.toggle_button.setText("Stopped")
        page.timer.setStyleSheet(style)
        answered = phase is TimerPhase.DONE
        for button in page.rating_buttons.values():
            button.setEnabled(answered and self.rated is None)
        page.toggle_button.setEnabled(phase is not TimerPhase.DONE)
        page.pause_button.setEnabled(
            phase in (TimerPhase.PREP, TimerPhase.ANSWER, TimerPhase.PAUSED)
        )
        page.pause_button.setText("Resume (P)" if phase is TimerPhase.PAUSED else "Pause (P)")
