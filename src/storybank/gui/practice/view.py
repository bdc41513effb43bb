"""The Practice mode: choose a deck, answer prompts out loud on a timer, rate.

Keyboard first: Space starts and stops the timer (and skips the preparation),
1–4 rate the answer (Again, Hard, Good, Easy), N goes to the next prompt, S
skips it (Ctrl+Z brings it back), P pauses, Esc ends the session. In the note
field keys type; Enter keeps the note and Esc leaves the field. Alt+R goes to
the rubric, where the candidate rates their own answer on each dimension (see
:mod:`storybank.gui.practice.self_rating` for its keys). The timer reads an
injected clock, so it never drifts with the event loop and tests need no
sleeping.

An answer is one record (:class:`~storybank.core.session.Answer`): stored as
soon as the clock stops, and stored again whenever its rating, story, note or
rubric ratings change and whenever the prompt is left, however it is left.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
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
from storybank.core.markdown import escape
from storybank.core.practice import (
    MOCK_OPENER_THEME,
    AnswerTimer,
    DeckKind,
    DeckSpec,
    Rating,
    TimerPhase,
    TimerSettings,
    TimerZone,
)
from storybank.core.prompts import Prompt
from storybank.core.session import Answer, DeckEntry, again_deck
from storybank.core.sheet import plain_line
from storybank.core.speaking import clock, counted
from storybank.core.tellings import LABELS, LENGTHS
from storybank.gui.coach_panel import TimeGauge
from storybank.gui.duration_spin import DurationSpin
from storybank.gui.errors import ask_yes
from storybank.gui.practice.recorder import AnswerRecording
from storybank.gui.practice.review import SessionReview
from storybank.gui.practice.self_rating import RubricRating
from storybank.gui.practice.voice import Voice
from storybank.gui.settings import Preferences
from storybank.gui.theme import mark_secondary
from storybank.services.practice import PracticeService

TICK_MS = 100
NOTE_SAVE_MS = 800
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
TITLE_ROLE = Qt.ItemDataRole.UserRole + 2
#: Whether the self-rating rows are open, remembered between sessions.
RUBRIC_OPEN_KEY = "practice/rubric_open"


def clock_text(seconds: float) -> str:
    """m:ss of whole seconds elapsed, as the stopwatch shows it."""
    return clock(math.floor(seconds))


class DeckChooser(QWidget):
    """The start page: which prompts to practise, and the timer settings."""

    start_requested = Signal()
    manage_requested = Signal()
    review_requested = Signal()

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
        self.loop_box = QComboBox()
        self.loop_box.setObjectName("deckApplication")
        self.loop_box.setAccessibleName("Application")
        self.mock_size = QSpinBox()
        self.mock_size.setRange(1, 20)
        self.mock_size.setValue(5)
        self.mock_size.setAccessibleName("Prompts in the mock interview")
        self.prep = DurationSpin(0, 300, 30, 5)
        self.prep.setObjectName("prepSeconds")
        self.prep.setSpecialValueText("no preparation")
        self.prep.setAccessibleName("Preparation time")
        self.target = DurationSpin(30, 600, 120, 15)
        self.target.setObjectName("targetSeconds")
        self.target.setAccessibleName("Target answer time")
        self.length = QComboBox()
        self.length.setObjectName("answerLength")
        self.length.setAccessibleName("Answer length")
        self.length.addItem("Any (the target below)", 0)
        for seconds in LENGTHS:
            self.length.addItem(
                f"{LABELS[seconds]}: the story's {LABELS[seconds]} telling", seconds
            )
        self.length.activated.connect(self._length_chosen)
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
        self.review_button = QPushButton("Review Last Session")
        self.review_button.setObjectName("reviewLastSession")
        self.review_button.setToolTip("Every answer of your latest session, with what to look at")
        self.review_button.clicked.connect(self.review_requested)

    def _build_decks(self) -> QGridLayout:
        """One radio button per kind of deck, with its field and a hint; the mock is checked."""
        grid = QGridLayout()
        self.hints: dict[DeckKind, QLabel] = {}
        rows = (
            (DeckKind.MOCK, "Mock interview", self.mock_size, "prompts from different themes"),
            (DeckKind.DUE, "Due for review", None, "spaced repetition picks what to rehearse"),
            (DeckKind.GAPS, "My gaps", None, "values and themes your stories cover weakly"),
            (DeckKind.THEME, "One theme", self.theme_box, ""),
            (DeckKind.VALUE, "One value", self.value_box, ""),
            (DeckKind.ALL, "All prompts", None, "due ones first"),
            (DeckKind.APPLICATION, "An application", self.loop_box, "its coming rounds"),
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
                mark_secondary(label)
                grid.addWidget(label, row, 2)
                self.hints[kind] = label
        self.radios[DeckKind.MOCK].setChecked(True)
        grid.setColumnStretch(2, 1)
        return grid

    def _build_form(self) -> QFormLayout:
        """The timer settings and reading aloud; the fields' widths are capped."""
        for spin in (self.mock_size, self.prep, self.target):
            spin.setMaximumWidth(160)
        for box in (self.theme_box, self.value_box, self.loop_box, self.length):
            box.setMaximumWidth(320)
        self.form = QFormLayout()
        self.form.addRow("Answer length:", self.length)
        self.form.addRow("Preparation:", self.prep)
        self.form.addRow("Target answer time:", self.target)
        self.form.addRow("", self.voice)
        return self.form

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
        start_row.addWidget(self.review_button)
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
        self._fill_loops()
        due = self.service.due_count()
        self.due_label.setText(
            f"<b>{counted(due, 'prompt')}</b> due for review."
            if due
            else "Nothing is due for review yet: start with a mock interview."
        )
        self.review_button.setEnabled(self.service.has_sessions())

    def _length_chosen(self, _index: int) -> None:
        """A telling's length asked for: the target follows it (30 seconds: 0:30)."""
        seconds = self.length.currentData()
        if seconds:
            self.target.setValue(seconds)

    def _fill_loops(self) -> None:
        """The open applications, for their loop's deck; the row hides without one."""
        current = self.loop_box.currentData()
        self.applications = {a.id: a for a in self.service.open_applications()}
        self.loop_box.clear()
        for app in self.applications.values():
            self.loop_box.addItem(app.title, app.id)
        if current is not None:
            self.loop_box.setCurrentIndex(max(0, self.loop_box.findData(current)))
        radio = self.radios[DeckKind.APPLICATION]
        if not self.applications and radio.isChecked():
            self.radios[DeckKind.MOCK].setChecked(True)
        for widget in (radio, self.loop_box, self.hints[DeckKind.APPLICATION]):
            widget.setVisible(bool(self.applications))

    def pitches(self) -> list[tuple[str, str]]:
        """The chosen application's pitches, when its loop is the deck."""
        app = self.applications.get(self.loop_box.currentData())
        return app.pitches if app is not None and self.spec().kind is DeckKind.APPLICATION else []

    def spec(self) -> DeckSpec:
        kind = next(k for k, radio in self.radios.items() if radio.isChecked())
        if kind is DeckKind.APPLICATION:
            return DeckSpec(kind, str(self.loop_box.currentData() or ""))
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
        # Tab goes from the answer's rating to the rubric, then to the note.
        chain = [*self.rating_buttons.values(), *self.rubric.tab_stops(), self.notes]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _build_prompt(self) -> None:
        """Where the session is, the prompt's theme, and the prompt in large type."""
        self.progress = QLabel()
        self.progress.setObjectName("sessionProgress")
        self.theme = QLabel()
        mark_secondary(self.theme)
        self.prompt = QLabel()
        self.prompt.setObjectName("promptText")
        self.prompt.setWordWrap(True)
        font = QFont(self.prompt.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        self.prompt.setFont(font)
        self.prompt.setAccessibleName("Prompt")
        for label in (self.progress, self.theme, self.prompt):
            label.setTextFormat(Qt.TextFormat.PlainText)  # prompts may be the user's own

    def _build_timer(self) -> None:
        """The phase, the stopwatch in large bold type, the gauge and the key hint."""
        self.phase = QLabel()
        self.phase.setObjectName("timerPhase")
        self.timer = QLabel("0:00")
        self.timer.setObjectName("timerDisplay")
        timer_font = QFont(self.timer.font())
        timer_font.setPointSizeF(timer_font.pointSizeF() * 3.0)
        timer_font.setBold(True)
        self.timer.setFont(timer_font)
        self.timer.setAccessibleName("Timer")
        self.gauge = TimeGauge()
        self.gauge.setObjectName("answerGauge")
        self.gauge.setMaximumWidth(520)
        self.hint = QLabel()
        self.hint.setObjectName("keyHint")
        mark_secondary(self.hint)

    def show_skipped(self, prompt: str) -> None:
        """Say which prompt was just skipped, with a way back."""
        short = prompt if len(prompt) <= 70 else prompt[:69] + "…"
        self.skipped_label.setText(f"Skipped “{short}”.")
        self.skipped_row.show()

    def _build_skipped(self) -> QWidget:
        """The line that says a prompt was skipped, with Undo (Ctrl+Z)."""
        self.skipped_label = QLabel()
        self.skipped_label.setObjectName("skippedLabel")
        self.skipped_label.setTextFormat(Qt.TextFormat.PlainText)
        self.undo_skip_button = QPushButton("Undo skip (Ctrl+Z)")
        self.undo_skip_button.setObjectName("undoSkip")
        self.skipped_row = QWidget()
        row = QHBoxLayout(self.skipped_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.skipped_label)
        row.addWidget(self.undo_skip_button)
        row.addStretch(1)
        self.skipped_row.hide()
        return self.skipped_row

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
        # The candidate's own scores on the rubric, folded under a toggle at the
        # end of this row: open, they fit under the rating even at 1024×640.
        self.rubric = RubricRating()
        ratings.addWidget(self.rubric.toggle)
        self.rated = QLabel()
        self.rated.setObjectName("ratedLabel")
        self.notes = QLineEdit()
        self.notes.setObjectName("attemptNotes")
        self.notes.setPlaceholderText("A note for next time (optional; Enter keeps it)")
        self.notes.setAccessibleName("Notes on this answer")
        self.notes_label = QLabel("No&te:")
        self.notes_label.setBuddy(self.notes)  # Alt+T: type a note from the keyboard
        return ratings

    def _lay_out_answer(self, controls: QHBoxLayout, ratings: QHBoxLayout) -> QWidget:
        """The left side: the prompt, the timer and its controls, then the rating."""
        main = QWidget()
        left = QVBoxLayout(main)
        left.setContentsMargins(24, 8, 12, 8)
        left.addWidget(self._build_skipped())
        left.addWidget(self.progress)
        left.addWidget(self.theme)
        left.addSpacing(6)
        left.addWidget(self.prompt)
        left.addSpacing(8)
        left.addWidget(self.phase)
        left.addWidget(self.timer)
        left.addWidget(self.gauge)
        left.addWidget(self.hint)
        self.answer_column = left  # the microphone's row goes under the gauge
        left.addLayout(controls)
        left.addSpacing(8)
        left.addWidget(self.follow_up)
        left.addLayout(ratings)
        left.addWidget(self.rated)
        left.addWidget(self.rubric)
        note_row = QHBoxLayout()
        note_row.addWidget(self.notes_label)
        note_row.addWidget(self.notes, 1)
        left.addLayout(note_row)
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
        self.used_button.setText("I used this story (U)")
        self.used_label = QLabel()
        self.used_label.setObjectName("usedLabel")
        self.used_label.setWordWrap(True)
        # Room for two lines at all times, so the button above never jumps.
        self.used_label.setMinimumHeight(2 * self.used_label.fontMetrics().lineSpacing() + 4)
        self.used_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.used_label.setTextFormat(Qt.TextFormat.PlainText)
        self.history = QLabel()
        self.history.setObjectName("promptHistory")
        self.history.setAccessibleName("Your past answers to this prompt")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        # A recorded answer's "replay" link, by mouse or by Tab and Enter.
        self.history.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        side = QWidget()
        right = QVBoxLayout(side)
        right.setContentsMargins(6, 12, 12, 12)
        right.addWidget(self.suggestions, 1)
        right.addWidget(self.used_button)
        right.addWidget(self.used_label)
        right.addWidget(self.history)
        return side


class PracticeView(QWidget):
    """The Practice mode: deck chooser, session and session review."""

    #: Show a story in the Stories mode.
    open_story = Signal(int)

    def __init__(
        self,
        service: PracticeService,
        *,
        clock: Callable[[], float] = time.monotonic,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.clock = clock
        #: Where the view's own choices are kept (the rubric open or folded).
        self.view_settings = settings
        self._build_pages()

        self.voice = Voice()
        self.chooser.voice.setEnabled(self.voice.available)
        self.chooser.voice.setToolTip(self.voice.reason)
        self.recording = AnswerRecording(service.recordings_folder, settings)
        self.chooser.form.addRow("", self.recording.option_row)
        column = self.session.answer_column
        column.insertWidget(column.indexOf(self.session.gauge) + 1, self.recording.row)
        #: How many recordings to keep per prompt (None: all), from the Preferences.
        self.keep: int | None = None

        self.deck: list[DeckEntry] = []
        #: The application's pitches (title, text) while its round is rehearsed.
        self.pitches: list[tuple[str, str]] = []
        self.index = 0
        #: The answers of the prompts already left, in the order asked.
        self.answers: list[Answer] = []
        #: The prompt on screen and what was given for it so far.
        self.answer: Answer | None = None
        self.session_key = ""
        self.timer: AnswerTimer | None = None
        self.settings = TimerSettings()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        # A note is stored a moment after the typing stops, not at every key.
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_MS)
        self._note_timer.timeout.connect(self.flush)
        self._review_seen = False

        self._connect_pages()
        self._add_shortcuts()
        service.changed.connect(self._on_changed)

    def _build_pages(self) -> None:
        """The chooser, the session and the review, stacked."""
        self.chooser = DeckChooser(self.service)
        self.session = SessionPage()
        self.summary = SessionReview()
        self.pages = QStackedWidget()
        for page in (self.chooser, self.session, self.summary):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    def _connect_pages(self) -> None:
        """The pages' buttons, the note field and the suggestions to the session flow."""
        self.chooser.start_requested.connect(self.start_session)
        self.chooser.review_requested.connect(self.show_last_review)
        self.summary.again_button.clicked.connect(self.show_chooser)
        self.summary.again_deck_button.clicked.connect(self.practise_weak_ones)
        self.summary.replay_requested.connect(self.show_attempt)
        page = self.session
        page.toggle_button.clicked.connect(self.toggle_timer)
        page.pause_button.clicked.connect(self.toggle_pause)
        page.skip_button.clicked.connect(self.skip)
        page.next_button.clicked.connect(self.next_prompt)
        page.end_button.clicked.connect(self.end_session)
        page.used_button.clicked.connect(self.use_selected_story)
        page.undo_skip_button.clicked.connect(self.undo_skip)
        page.suggestions.itemDoubleClicked.connect(self._open_story_item)
        page.history.linkActivated.connect(
            lambda link: self.show_attempt(int(link.partition(":")[2]))
        )
        page.notes.textEdited.connect(self._on_note_edited)
        page.notes.returnPressed.connect(self._leave_note)
        page.notes.installEventFilter(self)
        for rating, button in page.rating_buttons.items():
            button.clicked.connect(lambda _=False, r=rating: self.rate(r))
        if self.view_settings is not None:
            open_ = self.view_settings.value(RUBRIC_OPEN_KEY, False, type=bool)
            page.rubric.set_open(open_ is True)
        page.rubric.toggled.connect(self._remember_rubric_open)
        page.rubric.changed.connect(self.set_self_rating)
        page.rubric.leave.connect(lambda: self.session.setFocus())

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.attempts or changes.prompts or changes.values or changes.applications:
            self.chooser.refresh()

    def _add_shortcuts(self) -> None:
        """The session's keys, active while the session page (or a child) has focus.

        The note field types its own keys (a line edit claims every printable
        key); its Esc only leaves the field (see :meth:`eventFilter`).
        """
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
            (Qt.Key.Key_U, self.use_selected_story),
            (Qt.Key.Key_Escape, self.end_session),
            (Qt.KeyboardModifier.AltModifier | Qt.Key.Key_R, self.session.rubric.focus_first),
        ):
            shortcut = QShortcut(QKeySequence(key), self.session)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the note field leaves the field; it never ends the session."""
        escape = isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
        if watched is self.session.notes and escape:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the field takes the key: no shortcut fires
                return True
            if event.type() == QEvent.Type.KeyPress:
                self._leave_note()
                return True
        return super().eventFilter(watched, event)

    def use_preferences(self, prefs: Preferences) -> None:
        """The practice defaults of the Preferences: preparation and target time."""
        self.chooser.prep.setValue(prefs.practice_prep)
        self.chooser.target.setValue(prefs.practice_target)
        self.keep = prefs.recordings_keep

    # --- session flow -----------------------------------------------------

    def show_chooser(self) -> None:
        self.chooser.refresh()
        self.pages.setCurrentWidget(self.chooser)
        self.chooser.start_button.setFocus()

    def show_last_review(self) -> None:
        """The review of the latest session, rebuilt from the answers stored."""
        try:
            answers = self.service.last_session()
        except StorageError as exc:
            self.chooser.due_label.setText(f"Could not read the last session: {exc}")
            return
        if not answers:
            self.chooser.due_label.setText("No session yet: start one below.")
            return
        self.summary.show_review(answers, self.chooser.timer_settings().target_seconds)
        self._review_seen = False
        self.pages.setCurrentWidget(self.summary)
        self.summary.again_deck_button.setFocus()

    def start_session(self) -> None:
        try:
            deck = self.service.session_deck(self.chooser.spec())
        except StorageError as exc:
            self.chooser.due_label.setText(f"Could not build the deck: {exc}")
            return
        if not deck:
            self.chooser.due_label.setText("No prompts in that deck right now. Try another deck.")
            return
        self.start_deck(deck, self.chooser.pitches())

    def start_deck(self, deck: list[DeckEntry], pitches: Sequence[tuple[str, str]] = ()) -> None:
        """Ask the prompts of ``deck`` one by one, with the chooser's timer settings;
        ``pitches`` (title, text) show beside "why this company" prompts."""
        self.flush()
        self.settings = self.chooser.timer_settings()
        self.deck = deck
        self.pitches = [(title, text) for title, text in pitches if text.strip()]
        self.index = 0
        self.answers = []
        self.session_key = self.service.new_session_key()
        self.pages.setCurrentWidget(self.session)
        self._show_prompt()

    def drill(self, story_id: int) -> bool:
        """Rehearse one story against the prompts it answers best; False if none fits."""
        try:
            deck = self.service.drill_deck(story_id)
        except StorageError as exc:
            self.chooser.due_label.setText(f"Could not build the drill: {exc}")
            return False
        if not deck:
            return False
        self.start_deck(deck)
        return True

    def practise_weak_ones(self) -> None:
        """The review's "practise these again": a deck of the answers that need work."""
        deck = again_deck(self.summary.answers, self.summary.target)
        if deck:
            self.start_deck(deck)

    def current(self) -> Prompt | None:
        return self.deck[self.index].prompt if 0 <= self.index < len(self.deck) else None

    def _show_prompt(self) -> None:
        if not 0 <= self.index < len(self.deck):
            self.end_session()
            return
        entry = self.deck[self.index]
        prompt = entry.prompt
        page = self.session
        self.timer = AnswerTimer(self.settings, clock=self.clock)
        self.answer = Answer(entry)
        page.progress.setText(f"Prompt {self.index + 1} of {len(self.deck)}")
        theme = self.service.theme_names().get(prompt.theme, prompt.theme)
        page.theme.setText(f"{theme} · why this prompt: {entry.reason}")
        page.prompt.setText(prompt.text)
        page.skipped_row.hide()
        page.follow_up.clear()
        page.rated.clear()
        page.notes.clear()
        page.rubric.set_ratings({})
        page.used_label.setText("No story chosen for this answer yet.")
        self._fill_suggestions(prompt)
        self._fill_history(prompt)
        self.recording.new_prompt()
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
        try:
            told = self.service.told()
        except StorageError:
            told = {}
        for suggestion in suggestions:
            item = QTreeWidgetItem([suggestion.title or "Untitled story"])
            item.setData(0, STORY_ROLE, suggestion.story_id)
            item.setData(0, TITLE_ROLE, item.text(0))
            item.setToolTip(0, "; ".join(suggestion.reasons))
            why = QTreeWidgetItem([" · ".join(suggestion.reasons)])
            why.setDisabled(True)
            item.addChild(why)
            if suggestion.story_id in told:
                warned = "Already " + "; ".join(t.text() for t in told[suggestion.story_id])
                warning = QTreeWidgetItem([f"⚠ {warned}"])
                warning.setForeground(0, QColor("#b8453b"))
                warning.setToolTip(0, f"{warned}. Panel members compare notes.")
                item.insertChild(0, warning)
                item.setText(0, f"{item.text(0)}  (told)")
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
        if self.pitches and prompt.theme == MOCK_OPENER_THEME:
            self._show_pitches(tree)
        button = self.session.used_button
        button.setEnabled(bool(suggestions))
        if not suggestions:
            missing = self.service.no_suggestion_reason(prompt)
            empty = QTreeWidgetItem([missing])
            empty.setDisabled(True)
            empty.setToolTip(0, missing)
            tree.addTopLevelItem(empty)
            button.setToolTip(f"Nothing to choose: {missing}")
        else:
            button.setToolTip("The selected story is the one you told (U)")
            first = tree.topLevelItem(0)
            if first is not None:
                tree.setCurrentItem(first)
                first.setExpanded(True)  # the best match's outline, as a hint

    def _show_pitches(self, tree: QTreeWidget) -> None:
        """The application's pitches on top of the suggestions, open."""
        top = QTreeWidgetItem(["Your pitches"])
        top.setToolTip(0, "Written in the Applications mode")
        for title, text in self.pitches:
            item = QTreeWidgetItem([title])
            item.addChild(QTreeWidgetItem([text]))
            item.setToolTip(0, text)
            top.addChild(item)
            item.setExpanded(True)
        tree.insertTopLevelItem(0, top)
        top.setExpanded(True)

    def _fill_history(self, prompt: Prompt) -> None:
        """The latest answers to this prompt, beside it: when, time, rating, story, note."""
        try:
            history = self.service.prompt_history(prompt)
            titles = self.service.story_titles(a.story_id for a in history)
        except StorageError:
            history, titles = [], {}
        if not history:
            self.session.history.setText("<i>You have not answered this prompt before.</i>")
            return
        lines = []
        for attempt in history:
            parts = [
                attempt.started_at.astimezone().strftime("%d %b"),
                clock_text(attempt.duration_seconds),
                RATING_LABELS[Rating(attempt.rating)].split(" · ")[1]
                if attempt.rating
                else "not rated",
            ]
            if attempt.story_id in titles:
                parts.append(escape(titles[attempt.story_id]))
            if attempt.recording or attempt.delivery:
                parts.append(f'<a href="attempt:{attempt.attempt_id}">replay</a>'
                             if attempt.recording else "recorded")  # fmt: skip
            note = f"<br><i>“{escape(attempt.notes)}”</i>" if attempt.notes else ""
            lines.append(" · ".join(parts) + note)
        self.session.history.setText(
            "<b>Your past answers to this prompt</b><br>" + "<br>".join(lines)
        )

    def toggle_timer(self) -> None:
        """Space: start, skip the preparation, or stop the answer."""
        if self.timer is None or self.answer is None or not self._in_session():
            return
        phase = self.timer.phase
        if phase is TimerPhase.DONE:
            return
        if phase is TimerPhase.IDLE:
            self.answer = replace(self.answer, started_at=self.service.now())
            self.session.skipped_row.hide()  # answering: the skip before is settled
        was_answering = phase is TimerPhase.ANSWER
        self.timer.toggle()
        if was_answering and self.timer.phase is TimerPhase.DONE:
            self._finish_answer()
        if self.timer.phase in (TimerPhase.PREP, TimerPhase.ANSWER):
            self._ticker.start()
        self._refresh_timer()

    def toggle_pause(self) -> None:
        if self.timer is None or not self._in_session():
            return
        if self.timer.phase is TimerPhase.PAUSED:
            self.timer.resume()
            self._ticker.start()
        elif self.timer.phase in (TimerPhase.PREP, TimerPhase.ANSWER):
            self.timer.pause()
        self._refresh_timer()

    def _finish_answer(self) -> None:
        """The clock stopped: the answer is stored at once, unrated until rated."""
        assert self.timer is not None and self.answer is not None
        self._ticker.stop()
        prompt = self.answer.prompt
        self.answer = replace(self.answer, duration=self.timer.answer_elapsed)
        if prompt.follow_ups:
            self.session.follow_up.setText(f"<b>Follow-up:</b> {escape(prompt.follow_ups[0])}")
        self.session.rated.setText("Rate your answer: 1 Again · 2 Hard · 3 Good · 4 Easy")
        self._store()
        take = self.recording.finish()
        if take is not None:
            self._attach_take(take)

    def _attach_take(self, name: str) -> None:
        """Tie the answer's finished take to it and say how it was delivered."""
        if self.answer is None or self.answer.attempt_id is None:
            self.recording.show_result(
                "The answer was not saved, so its recording stays loose in the recordings folder."
            )
            return
        try:
            self.answer = self.service.attach_take(self.answer, name, self.keep)
        except StorageError as exc:
            self.recording.show_result(f"Recorded, but not tied to the answer: {exc}")
            return
        delivery = self.answer.delivery
        self.recording.show_result(
            "Recorded · "
            + (delivery.short_text() if delivery else "its delivery could not be measured")
            + " · replay it from the session review"
        )

    def rate(self, rating: Rating) -> None:
        """1–4: rate the answer (again, to change it) and schedule the prompt."""
        if self.answer is None or not self.answer.timed or not self._in_session():
            return
        self.answer = replace(self.answer, rating=rating)
        if not self._store():
            return
        state = self.service.review_state(self.answer.prompt)
        days = 0.0 if state is None else (state.due - self.service.now()).total_seconds() / 86400
        when = "later today" if days < 1 else f"in {counted(round(days), 'day')}"
        self.session.rated.setText(
            f"Rated <b>{RATING_LABELS[rating].split(' · ')[1]}</b>; this prompt comes back "
            f"{when}. Add a note or the story you told, then N for the next one."
        )
        self._refresh_timer()

    def set_self_rating(self, key: str, reading: int | None) -> None:
        """The candidate's own reading of the answer on one rubric dimension (None
        clears it), stored at once like the rating; until the next prompt."""
        if self.answer is None or not self.answer.timed or not self._in_session():
            return
        rubric = self.session.rubric
        rubric.rows[key].set_reading(reading)  # the same when the row itself changed
        self.answer = replace(self.answer, self_rubric=rubric.ratings())
        self._store()

    def _remember_rubric_open(self, open_: bool) -> None:
        if self.view_settings is not None:
            self.view_settings.setValue(RUBRIC_OPEN_KEY, open_)

    def _store(self) -> bool:
        """Store the answer on screen as it stands; False (and why, on screen) if it failed."""
        if self.answer is None or not self.answer.timed:
            return True
        self._note_timer.stop()
        try:
            self.answer = self.service.save_answer(self.answer, self.session_key)
        except StorageError as exc:
            self.session.rated.setText(f"Not saved: {exc}. Your answer stays on screen.")
            return False
        return True

    def flush(self) -> bool:
        """Store what was given for the prompt on screen (leaving it, the mode or the app)."""
        if self.answer is not None:
            self.answer = replace(self.answer, notes=self.session.notes.text())
        return self._store()

    def _on_note_edited(self, text: str) -> None:
        if self.answer is not None:
            self.answer = replace(self.answer, notes=text)
            if self.answer.timed:
                self._note_timer.start()

    def _leave_note(self) -> None:
        """Enter or Esc in the note field: keep the note, give the keys back to the page."""
        self.flush()
        self.session.setFocus()

    def next_prompt(self) -> None:
        """N: keep the answer and move on (a prompt never answered counts as skipped)."""
        if not self._in_session() or self.answer is None:
            return
        self._ticker.stop()
        if not self.flush():
            return
        skipped = not self.answer.timed
        self.answers.append(replace(self.answer, skipped=skipped))
        self.answer = None  # left: the next prompt (or the review) starts afresh
        self.index += 1
        self._show_prompt()
        if skipped and self.answer is not None:
            self.session.show_skipped(self.answers[-1].prompt.text)

    def skip(self) -> None:
        """S: move on; an answer given is kept as it is (S then works like N)."""
        self.next_prompt()

    def undo_skip(self) -> None:
        """Ctrl+Z: back to the prompt just skipped (only while nothing was said to this one)."""
        if not self._in_session() or not self.answers or not self.answers[-1].skipped:
            return
        if self.answer is not None and self.answer.timed:
            return
        self.answers.pop()
        self.index -= 1
        self._show_prompt()

    def edit_undo(self) -> None:
        """Edit ▸ Undo (Ctrl+Z) in a session: bring back the prompt just skipped."""
        self.undo_skip()

    def end_session(self) -> None:
        """Esc: stop and show the review (or the chooser if nothing was done).

        An answer not rated yet is kept, unrated, after asking.
        """
        if not self._in_session():
            return
        unrated = self.answer is not None and self.answer.timed and self.answer.rating is None
        if unrated and not ask_yes(
            self,
            "End the session?",
            "This answer has no rating yet. End the session anyway? "
            "Its time and note are kept, unrated.",
        ):
            return
        self._ticker.stop()
        self.voice.stop()
        self.recording.discard()
        self.flush()
        if self.answer is not None and self.answer.timed:
            self.answers.append(self.answer)
        self.answer = None
        self.timer = None
        if not self.answers:
            self.show_chooser()
            return
        self.summary.show_review(self.answers, self.settings.target_seconds)
        self._review_seen = False
        self.pages.setCurrentWidget(self.summary)
        self.summary.again_deck_button.setFocus()

    def _in_session(self) -> bool:
        return self.pages.currentWidget() is self.session

    def showEvent(self, event: QShowEvent) -> None:
        # The review leaves the screen once read: coming back shows the decks.
        if self.pages.currentWidget() is self.summary and self._review_seen:
            self.show_chooser()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._review_seen = self.pages.currentWidget() is self.summary
        self.flush()  # switching mode or quitting keeps the note typed so far
        super().hideEvent(event)

    def show_attempt(self, attempt_id: int) -> None:
        """One stored answer in full, with its recording; it may open its story."""
        from storybank.gui.practice.attempt import open_attempt

        dialog = open_attempt(self, self.service, attempt_id, self.settings.target_seconds)
        if dialog is not None and dialog.open_story_requested:
            answer = self.service.attempt(attempt_id)
            if answer is not None and answer.story_id is not None:
                self.open_story.emit(answer.story_id)

    # --- stories ----------------------------------------------------------

    def use_selected_story(self) -> None:
        """The selected suggestion is the story told, before or after rating."""
        item = self.session.suggestions.currentItem()
        story_id = item.data(0, STORY_ROLE) if item else None
        if item is None or story_id is None or self.answer is None:
            return
        top = item.parent() or item
        title = str(top.data(0, TITLE_ROLE) or top.text(0))
        self.answer = replace(self.answer, story_id=story_id, story_title=title)
        if self._store():
            self.session.used_label.setText(f"Using “{title}” for this answer.")

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
            page.hint.setText("Rate it with 1–4, Alt+R for the rubric, Alt+T for a note, "
                              "U for the story told, then N for the next prompt.")  # fmt: skip
            page.toggle_button.setText("Stopped")
        page.timer.setStyleSheet(style)
        self.recording.follow(phase is TimerPhase.ANSWER, phase is TimerPhase.PAUSED)
        answered = phase is TimerPhase.DONE
        for button in page.rating_buttons.values():
            button.setEnabled(answered)
        page.rubric.set_answerable(answered)
        page.toggle_button.setEnabled(phase is not TimerPhase.DONE)
        page.pause_button.setEnabled(
            phase in (TimerPhase.PREP, TimerPhase.ANSWER, TimerPhase.PAUSED)
        )
        page.pause_button.setText("Resume (P)" if phase is TimerPhase.PAUSED else "Pause (P)")
