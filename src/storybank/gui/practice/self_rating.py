"""Rating one's own answer on the rubric, in Practice: a row per dimension.

Each row is the dimension's name (its question as the tooltip) and five small
buttons 1–5; the anchored description of a reading is the button's tooltip and
shows on the line under the rows for the row in focus or just changed. A row is
one Tab stop: in it 1–5 rate, Left and Right step (from 3 when there is no
reading yet), Home and End go to 1 and 5, 0, Delete or Backspace clear,
Up and Down move between rows and Esc gives the keys back to the page. Clicking
the reading already chosen clears it. The rows fold away under a toggle.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QRectF, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from storybank.core.rubric import DIMENSIONS, HIGH, LOW, Dimension
from storybank.gui.theme import mark_secondary

#: The rows in two columns of three: the practice view is short at 1024×640.
COLUMNS = 2
READING_STYLE = """
QToolButton[reading] {
    border: 1px solid palette(mid); border-radius: 3px; padding: 0px;
    background: palette(base); color: palette(text);
    min-width: 22px; max-width: 22px; min-height: 18px; max-height: 18px;
}
QToolButton[reading]:hover { border-color: palette(highlight); }
QToolButton[reading]:disabled { background: palette(window); color: palette(mid); }
QToolButton[reading]:checked {
    background: palette(highlight); color: palette(highlighted-text);
    border-color: palette(highlight); font-weight: bold;
}
"""
PROMPT_TEXT = "As an interviewer would: 1 weak, 3 fair, 5 strong. Hover a number for what it means."
MIDDLE = (LOW + HIGH) // 2
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(LOW, HIGH + 1)}
CLEAR_KEYS = (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
#: Keys a row keeps for itself rather than letting the page's shortcuts have them.
ROW_KEYS = (
    *DIGITS,
    *CLEAR_KEYS,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_Escape,
)


def reading_tip(dimension: Dimension, reading: int) -> str:
    """What a reading of one dimension means, in its anchors' words."""
    if reading in (1, 3, 5):
        return f"{reading}: {dimension.anchor(reading)}"
    nearest = dimension.anchor(reading)
    return f"{reading}: between {reading - 1} and {reading + 1}, nearest “{nearest}”"


class RubricRow(QWidget):
    """One dimension: its name and the readings 1–5; one Tab stop."""

    #: The reading changed by the user: (dimension key, 1–5 or None).
    changed = Signal(str, object)
    #: The row took focus or its reading changed: show its anchor.
    shown = Signal(str)
    #: Up or Down: move to the row before (-1) or after (+1).
    step = Signal(int)
    #: Esc: give the keys back to the page.
    leave = Signal()

    def __init__(self, dimension: Dimension) -> None:
        super().__init__()
        self.dimension = dimension
        self.reading: int | None = None
        self.setObjectName(f"rubric-{dimension.key}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleDescription(dimension.question)
        self.name = QLabel(dimension.name)
        self.name.setToolTip(dimension.question)
        self.buttons: dict[int, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.name)
        layout.addSpacing(4)
        for reading in range(LOW, HIGH + 1):
            button = QToolButton()
            button.setText(str(reading))
            button.setProperty("reading", reading)
            button.setObjectName(f"rubric-{dimension.key}-{reading}")
            button.setAccessibleName(f"{dimension.name} {reading}")
            button.setToolTip(reading_tip(dimension, reading))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the row is the Tab stop
            button.clicked.connect(lambda _=False, r=reading: self._clicked(r))
            self.buttons[reading] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self._describe()

    def set_reading(self, reading: int | None) -> None:
        """Show ``reading`` (None: not rated), without announcing it."""
        self.reading = reading
        for value, button in self.buttons.items():
            button.setChecked(value == reading)
        self._describe()

    def anchor_text(self) -> str:
        """The line under the rows while this row is in focus or just changed."""
        name = self.dimension.name
        if self.reading is None:
            return f"{name}: {self.dimension.question}"
        return f"{name} {reading_tip(self.dimension, self.reading)}"

    def _describe(self) -> None:
        name = self.dimension.name
        if self.reading is None:
            self.setAccessibleName(f"{name}: not rated (1 to 5)")
            self.setToolTip(f"{self.dimension.question} Type 1–5, or click a number.")
        else:
            self.setAccessibleName(f"{name}: {self.reading} of 5")
            self.setToolTip(reading_tip(self.dimension, self.reading))

    def _choose(self, reading: int | None) -> None:
        if reading == self.reading:
            return
        self.set_reading(reading)
        self.changed.emit(self.dimension.key, reading)
        self.shown.emit(self.dimension.key)

    def _clicked(self, reading: int) -> None:
        """A click rates; a click on the reading already chosen clears it."""
        self._choose(None if reading == self.reading else reading)
        if self.isEnabled():
            self.setFocus(Qt.FocusReason.MouseFocusReason)

    def event(self, event: QEvent) -> bool:
        # The row's keys are its own while it has focus: the page's shortcuts
        # (1–4 rate the answer, Esc ends the session) must not take them.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in ROW_KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        current = self.reading
        if key in DIGITS:
            self._choose(DIGITS[key])
        elif key in CLEAR_KEYS:
            self._choose(None)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            # From no reading the arrows start in the middle, at "fair".
            delta = 1 if key == Qt.Key.Key_Right else -1
            self._choose(MIDDLE if current is None else min(HIGH, max(LOW, current + delta)))
        elif key == Qt.Key.Key_Home:
            self._choose(LOW)
        elif key == Qt.Key.Key_End:
            self._choose(HIGH)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.step.emit(-1 if key == Qt.Key.Key_Up else 1)
        elif key == Qt.Key.Key_Escape:
            self.leave.emit()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        self.shown.emit(self.dimension.key)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A focus ring around the row in focus (its buttons take no focus)."""
        super().paintEvent(event)
        if not self.hasFocus():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 1.5))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)


class RubricRating(QWidget):
    """The six rows under a toggle, and the line saying what the reading means.

    :attr:`toggle` is placed by the page (beside the answer's rating); this
    widget is the part it folds away.
    """

    #: The user changed a reading: (dimension key, 1–5 or None).
    changed = Signal(str, object)
    #: Esc in a row: the keys go back to the page.
    leave = Signal()
    #: The rows were opened (True) or folded away (False) by the user.
    toggled = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("rubricRating")
        self.setStyleSheet(READING_STYLE)
        self.toggle = QToolButton()
        self.toggle.setObjectName("rubricToggle")
        self.toggle.setText("Rate yourself on the rubric")
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(
            "Score your own answer on the interviewer's rubric (Alt+R); Progress "
            "compares it with the coach's reading of the story told"
        )
        self.toggle.clicked.connect(self._on_clicked)
        self._open = False
        self.rows = {d.key: RubricRow(d) for d in DIMENSIONS}
        self.anchor = QLabel(PROMPT_TEXT)
        self.anchor.setObjectName("rubricAnchor")
        self.anchor.setTextFormat(Qt.TextFormat.PlainText)
        self.anchor.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        mark_secondary(self.anchor)
        self._anchor_text = PROMPT_TEXT
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(0)
        per_column = -(-len(self.rows) // COLUMNS)
        names = [row.name for row in self.rows.values()]
        width = max(name.fontMetrics().horizontalAdvance(name.text()) for name in names)
        for index, row in enumerate(self.rows.values()):
            row.name.setFixedWidth(width + 6)  # the buttons line up down a column
            grid.addWidget(row, index % per_column, index // per_column)
            row.changed.connect(self.changed)
            row.shown.connect(self._show_anchor)
            row.step.connect(lambda delta, key=row.dimension.key: self._step(key, delta))
            row.leave.connect(self.leave)
        grid.setColumnStretch(COLUMNS, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(grid)
        layout.addWidget(self.anchor)
        self.setVisible(False)

    # --- state --------------------------------------------------------------

    def is_open(self) -> bool:
        return self._open

    def set_open(self, open_: bool) -> None:
        """Show or fold away the rows (a disclosure: its arrow points down when open)."""
        self._open = open_
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleDescription("open" if open_ else "folded")
        self.setVisible(open_)

    def _on_clicked(self) -> None:
        self.set_open(not self._open)
        self.toggled.emit(self._open)

    def ratings(self) -> dict[str, int]:
        """The readings given, in rubric order."""
        return {key: row.reading for key, row in self.rows.items() if row.reading is not None}

    def set_ratings(self, ratings: Mapping[str, int]) -> None:
        """Show ``ratings`` (a new prompt: none), without announcing them."""
        for key, row in self.rows.items():
            row.set_reading(ratings.get(key))
        self._set_anchor(PROMPT_TEXT)

    def set_answerable(self, answerable: bool) -> None:
        """The rows take readings only once the answer is given."""
        for row in self.rows.values():
            row.setEnabled(answerable)

    def focus_first(self) -> None:
        """Open the rows and put the first one in focus (the keyboard's way in)."""
        if not self.is_open():
            self.set_open(True)
            self.toggled.emit(True)
        first = next(iter(self.rows.values()))
        if first.isEnabled():
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def tab_stops(self) -> list[QWidget]:
        """The toggle, then the rows in rubric order (the page chains them)."""
        return [self.toggle, *self.rows.values()]

    # --- the anchor line -------------------------------------------------------

    def _step(self, key: str, delta: int) -> None:
        keys = list(self.rows)
        index = keys.index(key) + delta
        if 0 <= index < len(keys):
            self.rows[keys[index]].setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_anchor(self, key: str) -> None:
        self._set_anchor(self.rows[key].anchor_text())

    def _set_anchor(self, text: str) -> None:
        self._anchor_text = text
        self.anchor.setToolTip(text)
        self._elide()

    def _elide(self) -> None:
        metrics = self.anchor.fontMetrics()
        self.anchor.setText(
            metrics.elidedText(self._anchor_text, Qt.TextElideMode.ElideRight, self.anchor.width())
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()
