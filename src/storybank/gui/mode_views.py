"""The window's modes besides Stories, each built the first time it is shown:
Coverage, Practice, Progress and Applications (their services and data load
with them, never at start-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storybank.gui.settings import Preferences

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from storybank.gui.applications.view import ApplicationsView
    from storybank.gui.coverage import CoverageView
    from storybank.gui.main_window import MainWindow
    from storybank.gui.practice.progress import ProgressView
    from storybank.gui.practice.view import PracticeView
    from storybank.services.applications import ApplicationService


class ModeViews:
    """Makes each mode's view on first use, wired to the window, and shows it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.coverage: CoverageView | None = None
        self.practice: PracticeView | None = None
        self.progress: ProgressView | None = None
        self.applications: ApplicationsView | None = None
        self._application_service: ApplicationService | None = None

    def application_service(self) -> ApplicationService:
        if self._application_service is None:
            from storybank.services.applications import ApplicationService

            self._application_service = ApplicationService(self.window.service)
        return self._application_service

    def show(self, mode: str) -> QWidget:
        """The view of ``mode`` ("coverage", "practice", "progress", "applications")."""
        view: QWidget = {
            "coverage": self._coverage,
            "practice": self._practice,
            "progress": self._progress,
            "applications": self._applications,
        }[mode]()
        self.window.modes.setCurrentWidget(view)
        return view

    def _add(self, view: QWidget, name: str) -> None:
        view.setObjectName(name)
        self.window.modes.addWidget(view)

    def _coverage(self) -> CoverageView:
        if self.coverage is None:
            from storybank.core.prompts import builtin_prompt_bank
            from storybank.gui.coverage import CoverageView

            window = self.window
            self.coverage = CoverageView(window.service, builtin_prompt_bank().themes)
            self.coverage.open_story.connect(window.show_story)
            self.coverage.write_requested.connect(window.commands.new_story_for)
            self._add(self.coverage, "coverageView")
        return self.coverage

    def _practice(self) -> PracticeView:
        window = self.window
        if self.practice is None:
            from storybank.gui.practice.view import PracticeView

            self.practice = PracticeView(window.practice_service(), settings=window.settings)
            self.practice.use_preferences(Preferences.load(window.settings))
            self.practice.open_story.connect(window.show_story)
            self.practice.chooser.manage_requested.connect(window.open_prompts)
            self._add(self.practice, "practiceView")
        if self.practice.pages.currentWidget() is self.practice.chooser:
            self.practice.show_chooser()
        return self.practice

    def _progress(self) -> ProgressView:
        if self.progress is None:
            from storybank.gui.practice.progress import ProgressView

            self.progress = ProgressView(self.window.practice_service())
            self.progress.open_story.connect(self.window.show_story)
            self._add(self.progress, "progressView")
        if self.practice is not None:
            self.progress.times.set_target(self.practice.settings.target_seconds)
        return self.progress

    def _applications(self) -> ApplicationsView:
        if self.applications is None:
            from storybank.gui.applications.view import ApplicationsView

            self.applications = ApplicationsView(self.application_service())
            self.applications.open_story.connect(self.window.show_story)
            self.applications.practise_round.connect(self.practise_round)
            self._add(self.applications, "applicationsView")
        return self.applications

    def practise_round(self, application_id: int, round_id: int) -> None:
        """Rehearse a real round in Practice: its likely prompts, the pitches beside."""
        app = self.application_service().application(application_id)
        found = next((r for r in app.rounds if r.id == round_id), None) if app else None
        if app is None or found is None:
            return
        deck = self.window.practice_service().round_deck(app.company, found)
        if not deck:
            self.window.main_status.message(
                f"No prompts to rehearse for the {found.name}: it names no themes.", 8000
            )
            return
        self.window.set_mode("practice")
        assert self.practice is not None
        self.practice.start_deck(deck, app.pitches)
