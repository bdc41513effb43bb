"""The settings file (QSettings, INI format) in the user's config folder."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from storybank.paths import config_dir


def app_settings() -> QSettings:
    """Settings for window layout and view choices."""
    return QSettings(str(config_dir() / "storybank.ini"), QSettings.Format.IniFormat)
