"""Light and dark appearance: follow the system, or the user's override."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")


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
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8085"))
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
        app.setStyle(QStyleFactory.create("Fusion"))
        style = app.style()
        app.setPalette(dark_palette() if dark else style.standardPalette())
    else:
        app.setPalette(app.style().standardPalette())
    # Style sheets resolve palette(...) when a widget is polished; polish the
    # open windows' styled widgets again so that they take the new colours.
    for widget in app.allWidgets():
        if widget.styleSheet():
            widget.setStyleSheet(widget.styleSheet())
    return dark


def _scheme_changed(app: QApplication) -> None:
    if app.property("storybankTheme") == "system":
        apply_theme(app, "system")
