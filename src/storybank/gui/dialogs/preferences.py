"""Preferences: timing, theme, backups, value packs, recordings and confidential details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from storybank.core.backup import BackupPolicy
from storybank.gui.dialogs.confidential_page import ConfidentialPage
from storybank.gui.dialogs.packs_page import ValuePacksPage
from storybank.gui.duration_spin import DurationSpin
from storybank.gui.settings import Preferences
from storybank.services.stories import StoryService

if TYPE_CHECKING:
    from storybank.gui.dialogs.recordings_page import RecordingsPage
    from storybank.services.practice import PracticeService

ID_ROLE = Qt.ItemDataRole.UserRole


def _spin(name: str, low: int, high: int, value: int, suffix: str, step: int = 1) -> QSpinBox:
    """A named spin box for one number of the General page."""
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setMaximumWidth(150)
    return box


def _duration(name: str, low: int, high: int, value: int, step: int) -> DurationSpin:
    """A named m:ss time of the General page."""
    box = DurationSpin(low, high, value, step)
    box.setObjectName(name)
    box.setMaximumWidth(150)
    return box


class GeneralPage(QWidget):
    """Coach and practice timing, appearance, backups and the data folder."""

    def __init__(self, service: StoryService, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        prefs = Preferences.load(settings)
        self._build_timing(prefs)
        self._build_theme(prefs)
        self._build_backups(prefs)
        where = self._build_data_folder(service)
        self._lay_out(where)

    def _build_timing(self, prefs: Preferences) -> None:
        """The coach's speaking rate and answer band, the practice target and preparation."""
        self.wpm = _spin("wordsPerMinute", 80, 250, prefs.words_per_minute, " words/min", 5)
        self.wpm.setAccessibleName("Speaking rate")
        self.band_min = _duration("bandMin", 30, 600, prefs.band_min, 15)
        self.band_min.setAccessibleName("Shortest good answer")
        self.band_max = _duration("bandMax", 30, 900, prefs.band_max, 15)
        self.band_max.setAccessibleName("Longest good answer")
        self.target = _duration("practiceTarget", 30, 600, prefs.practice_target, 15)
        self.target.setAccessibleName("Practice target answer time")
        self.prep = _duration("practicePrep", 0, 300, prefs.practice_prep, 5)
        self.prep.setSpecialValueText("no preparation")
        self.prep.setAccessibleName("Practice preparation time")

    def _build_theme(self, prefs: Preferences) -> None:
        self.theme = QComboBox()
        self.theme.setObjectName("theme")
        self.theme.setAccessibleName("Appearance")
        for key, label in (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")):
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(prefs.theme)))
        self.theme.setMaximumWidth(260)  # in line with the other fields
        self.editor_points = _spin("editorPoints", 0, 32, prefs.editor_points, " pt", 1)
        self.editor_points.setSpecialValueText("as the system")
        self.editor_points.setAccessibleName("Story text size")
        self.editor_points.setToolTip("The size of the story text in the editor")

    def _build_backups(self, prefs: Preferences) -> None:
        """How many recent, daily and weekly backups are kept."""
        self.recent = _spin("backupsRecent", 1, 50, prefs.backups.recent, " recent")
        self.recent.setAccessibleName("Recent backups kept")
        self.daily = _spin("backupsDaily", 0, 60, prefs.backups.daily, " daily")
        self.daily.setAccessibleName("Daily backups kept")
        self.weekly = _spin("backupsWeekly", 0, 52, prefs.backups.weekly, " weekly")
        self.weekly.setAccessibleName("Weekly backups kept")

    def _build_data_folder(self, service: StoryService) -> QHBoxLayout:
        """The data folder's path, selectable, and a button that opens it."""
        folder = QLabel(str(service.data_dir))
        folder.setObjectName("dataFolderPath")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder.setWordWrap(True)
        open_folder = QPushButton("Open folder")
        open_folder.setObjectName("openDataFolder")
        open_folder.setAccessibleName("Open the data folder")
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(service.data_dir)))
        )
        where = QHBoxLayout()
        where.addWidget(folder, 1)
        where.addWidget(open_folder)
        return where

    def _lay_out(self, where: QHBoxLayout) -> None:
        """One form: a bold heading, then the fields, for each section."""
        band = QHBoxLayout()
        band.addWidget(self.band_min)
        band.addWidget(QLabel("to"))
        band.addWidget(self.band_max)
        band.addStretch(1)
        backups = QHBoxLayout()
        for box in (self.recent, self.daily, self.weekly):
            backups.addWidget(box)
        backups.addStretch(1)
        form = QFormLayout(self)
        form.addRow("<b>Coach</b>", QLabel())
        form.addRow("Speaking rate:", self.wpm)
        form.addRow("A good answer lasts:", band)
        form.addRow("<b>Practice</b>", QLabel())
        form.addRow("Target answer time:", self.target)
        form.addRow("Preparation time:", self.prep)
        form.addRow("<b>Appearance</b>", QLabel())
        form.addRow("Theme:", self.theme)
        form.addRow("Story text size:", self.editor_points)
        form.addRow("<b>Backups</b>", QLabel())
        form.addRow("Keep:", backups)
        form.addRow("<b>Data folder</b>", QLabel())
        form.addRow(where)

    def preferences(self) -> Preferences:
        low, high = sorted((self.band_min.value(), self.band_max.value()))
        return Preferences(
            words_per_minute=self.wpm.value(),
            band_min=low,
            band_max=max(high, low + 15),
            practice_target=self.target.value(),
            practice_prep=self.prep.value(),
            theme=str(self.theme.currentData()),
            editor_points=self.editor_points.value(),
            backups=BackupPolicy(self.recent.value(), self.daily.value(), self.weekly.value()),
        )


class PreferencesDialog(QDialog):
    """Storybank's preferences."""

    def __init__(
        self,
        service: StoryService,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        practice: Callable[[], PracticeService] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferences")
        self.settings = settings
        self.packs_page = ValuePacksPage(service)
        self.general_page = GeneralPage(service, settings)
        self.confidential_page = ConfidentialPage(service)
        tabs = QTabWidget()
        tabs.setObjectName("preferenceTabs")
        tabs.addTab(self.general_page, "General")
        tabs.addTab(self.packs_page, "Value packs")
        tabs.addTab(self.confidential_page, "Confidential")
        self.recordings_page: RecordingsPage | None = None
        if practice is not None:
            from storybank.gui.dialogs.recordings_page import RecordingsPage

            self.recordings_page = RecordingsPage(practice, Preferences.load(settings))
            tabs.addTab(self.recordings_page, "Recordings")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)  # Close keeps what was set
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.resize(760, 520)

    def done(self, result: int) -> None:
        prefs = self.general_page.preferences()
        page = self.recordings_page
        if page is not None:
            prefs = replace(prefs, recordings_keep=page.apply(), transcript_model=page.model)
        else:
            kept = Preferences.load(self.settings)
            prefs = replace(
                prefs,
                recordings_keep=kept.recordings_keep,
                transcript_model=kept.transcript_model,
            )
        prefs.save(self.settings)
        super().done(result)
