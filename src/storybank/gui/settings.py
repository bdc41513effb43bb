"""The settings file (QSettings, INI format): in the config folder ``paths`` chooses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from storybank.core.backup import BackupPolicy
from storybank.core.speaking import CoachSettings
from storybank.paths import config_dir

if TYPE_CHECKING:
    from storybank.services.stories import StoryService


def app_settings(data_folder: Path | None = None) -> QSettings:
    """Settings for window layout and view choices of the bank in ``data_folder``.

    A bank in a folder of the user's choosing keeps them beside it (see
    :func:`storybank.paths.config_dir`); None is the default bank (or the demo).
    """
    return QSettings(str(config_dir(data_folder) / "storybank.ini"), QSettings.Format.IniFormat)


def service_settings(service: StoryService) -> QSettings:
    """The settings of the bank a story service has open (the demo's are the default's)."""
    return app_settings(None if service.demo else service.data_dir)


#: The most recordings the Preferences keep per prompt short of all of them.
MAX_KEEP = 99


@dataclass(frozen=True, slots=True)
class Preferences:
    """Every preference, read from and written to QSettings in one place."""

    words_per_minute: int = 150
    band_min: int = 90
    band_max: int = 150
    practice_target: int = 120
    practice_prep: int = 30
    theme: str = "system"
    #: The story text's size in points; 0 follows the system font.
    editor_points: int = 0
    backups: BackupPolicy = field(default_factory=BackupPolicy)
    #: Recorded answers kept per prompt, the latest first; None keeps them all.
    recordings_keep: int | None = None
    #: A CTranslate2 Whisper model folder chosen for transcripts; "" is the bundled one.
    transcript_model: str = ""

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        default = cls()

        def number(key: str, fallback: int) -> int:
            try:
                return int(str(settings.value(key, fallback)))
            except (TypeError, ValueError):
                return fallback

        theme = str(settings.value("appearance/theme", default.theme))
        keep = number("recordings/keep", -1)  # -1: all
        return cls(
            words_per_minute=number("coach/words_per_minute", default.words_per_minute),
            band_min=number("coach/band_min", default.band_min),
            band_max=number("coach/band_max", default.band_max),
            practice_target=number("practice/target", default.practice_target),
            practice_prep=number("practice/prep", default.practice_prep),
            theme=theme if theme in ("system", "light", "dark") else "system",
            editor_points=min(max(number("appearance/editor_points", 0), 0), 32),
            backups=BackupPolicy(
                number("backups/recent", default.backups.recent),
                number("backups/daily", default.backups.daily),
                number("backups/weekly", default.backups.weekly),
            ),
            recordings_keep=None if keep < 0 else min(keep, MAX_KEEP),
            transcript_model=str(settings.value("recordings/model", "")),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("coach/words_per_minute", self.words_per_minute)
        settings.setValue("coach/band_min", self.band_min)
        settings.setValue("coach/band_max", self.band_max)
        settings.setValue("practice/target", self.practice_target)
        settings.setValue("practice/prep", self.practice_prep)
        settings.setValue("appearance/theme", self.theme)
        settings.setValue("appearance/editor_points", self.editor_points)
        settings.setValue("backups/recent", self.backups.recent)
        settings.setValue("backups/daily", self.backups.daily)
        settings.setValue("backups/weekly", self.backups.weekly)
        keep = self.recordings_keep
        settings.setValue("recordings/keep", -1 if keep is None else keep)
        settings.setValue("recordings/model", self.transcript_model)
        settings.sync()

    def coach_settings(self) -> CoachSettings:
        return CoachSettings(self.words_per_minute, self.band_min, self.band_max)
