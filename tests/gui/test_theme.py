"""Both themes stay readable: secondary text, check boxes and radio buttons."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QRadioButton
from pytestqt.qtbot import QtBot

from storybank.gui.theme import apply_theme, mark_secondary


def luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(one: QColor, other: QColor) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    apply_theme(qapp, "light")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_secondary_text_is_quieter_but_readable(
    qtbot: QtBot, app: QApplication, theme: str
) -> None:
    apply_theme(app, theme)
    label = QLabel("readiness")
    qtbot.addWidget(label)
    mark_secondary(label)
    window = app.palette().color(QPalette.ColorRole.Window)
    text = app.palette().color(QPalette.ColorRole.WindowText)
    quiet = label.palette().color(QPalette.ColorRole.WindowText)
    assert contrast(quiet, window) >= 4.5
    assert contrast(quiet, window) < contrast(text, window)
    # Switching theme tints it again for the new background.
    apply_theme(app, "dark" if theme == "light" else "light")
    window = app.palette().color(QPalette.ColorRole.Window)
    assert contrast(label.palette().color(QPalette.ColorRole.WindowText), window) >= 4.5


@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_check_marks_show_on_a_dark_window(
    qtbot: QtBot, app: QApplication, kind: type[QCheckBox] | type[QRadioButton]
) -> None:
    apply_theme(app, "dark")
    box = kind("Read each prompt aloud")
    qtbot.addWidget(box)
    box.resize(box.sizeHint())
    image = box.grab().toImage()
    window = app.palette().color(QPalette.ColorRole.Window)
    # The unchecked indicator's outline stands out from the window around it.
    best = max(
        contrast(image.pixelColor(x, y), window)
        for x in range(min(20, image.width()))
        for y in range(image.height())
    )
    assert best >= 3.0
