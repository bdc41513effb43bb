"""Light and dark appearance: follow the system, or the user's override."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QProxyStyle, QStyleOption, QWidget

THEMES = ("system", "light", "dark")
#: How far secondary text moves from the text colour toward the background:
#: quieter than the text, yet above 4.5:1 contrast in both themes.
SECONDARY_BLEND = 0.4


#: A red for what needs attention (confidential details marked in the editor, a
#: one-line error), by whether the theme is dark: above 4.5:1 on either background.
ATTENTION = {False: "#b3261e", True: "#ff8a80"}


def attention_color() -> QColor:
    """:data:`ATTENTION` for the theme in use (told by the text fields' background)."""
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    return QColor(ATTENTION[base.lightness() < 128])


def blend(one: QColor, other: QColor, share: float) -> QColor:
    """``one`` moved ``share`` of the way toward ``other``."""
    return QColor.fromRgbF(
        one.redF() + (other.redF() - one.redF()) * share,
        one.greenF() + (other.greenF() - one.greenF()) * share,
        one.blueF() + (other.blueF() - one.blueF()) * share,
    )


def mark_secondary(widget: QWidget) -> None:
    """Show a label's text as secondary: quieter, but still easy to read (a
    disabled label is too faint, and reads as "cannot be used")."""
    widget.setProperty("secondaryText", True)
    _tint(widget)


def _tint(widget: QWidget) -> None:
    app_palette = QApplication.palette()
    palette = widget.palette()
    color = blend(
        app_palette.color(QPalette.ColorRole.WindowText),
        app_palette.color(QPalette.ColorRole.Window),
        SECONDARY_BLEND,
    )
    palette.setColor(QPalette.ColorRole.WindowText, color)
    widget.setPalette(palette)


@cache
def contrast_style_class() -> type[QProxyStyle]:
    """The ContrastStyle class, made on first use: a Qt subclass costs start-up
    time to create, and only the dark theme needs it."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QProxyStyle, QStyle

    class ContrastStyle(QProxyStyle):
        """Fusion, with check boxes and radio buttons outlined so they show on a dark
        window (Fusion's own outline is a shade of the window colour)."""

        def drawPrimitive(
            self,
            element: QStyle.PrimitiveElement,
            option: QStyleOption,
            painter: QPainter,
            widget: QWidget | None = None,
        ) -> None:
            super().drawPrimitive(element, option, painter, widget)
            round_mark = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
            if not round_mark and element != QStyle.PrimitiveElement.PE_IndicatorCheckBox:
                return
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(option.palette.color(QPalette.ColorRole.Mid).lighter(150))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
            if round_mark:
                painter.drawEllipse(box)
            else:
                painter.drawRoundedRect(box, 2, 2)
            painter.restore()

    return ContrastStyle


def dark_palette() -> QPalette:
    """A dark palette with enough contrast for text, links and selections."""
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f2023",
        QPalette.ColorRole.AlternateBase: "#2a2c30",
        QPalette.ColorRole.ToolTipBase: "#3a3d42",
        QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.PlaceholderText: "#8c8f94",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#35383c",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#4a4d52",
        QPalette.ColorRole.Midlight: "#3f4247",
        QPalette.ColorRole.Mid: "#5a5e64",
        QPalette.ColorRole.Dark: "#18191b",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: "#3d7bc4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb3ff",
        QPalette.ColorRole.LinkVisited: "#b59cff",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8f9297"))
    return palette


def system_prefers_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> bool:
    """Apply "system", "light" or "dark"; return True when the result is dark.

    With "system", a later change of the desktop's colour scheme is followed
    while the app runs.
    """
    dark = theme == "dark" or (theme == "system" and system_prefers_dark())
    hints = QGuiApplication.styleHints()
    if not app.property("storybankFollowsScheme"):
        app.setProperty("storybankFollowsScheme", True)
        hints.colorSchemeChanged.connect(lambda _scheme: _scheme_changed(app))
    app.setProperty("storybankTheme", theme)
    scheme = {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}
    hints.setColorScheme(scheme.get(theme, Qt.ColorScheme.Unknown))
    if dark or theme == "light":
        # Fusion draws every palette faithfully on every platform.
        fusion = QStyleFactory.create("Fusion")
        app.setStyle(contrast_style_class()(fusion) if dark else fusion)
        style = app.style()
        app.setPalette(dark_palette() if dark else style.standardPalette())
        app.setProperty("storybankPalette", True)
    elif app.property("storybankPalette"):
        # Undo the palette set above. Until then the app has the system's own,
        # and start-up leaves it be (Python would build QStyle's enums to ask).
        app.setPalette(app.style().standardPalette())
        app.setProperty("storybankPalette", False)
    # Style sheets resolve palette(...) when a widget is polished; polish the
    # open windows' styled widgets again so that they take the new colours.
    for widget in app.allWidgets():
        if widget.styleSheet():
            widget.setStyleSheet(widget.styleSheet())
        if widget.property("secondaryText"):
            _tint(widget)
    return dark


def _scheme_changed(app: QApplication) -> None:
    if app.property("storybankTheme") == "system":
        apply_theme(app, "system")
