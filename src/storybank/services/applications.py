"""The applications service: the interview loops the candidate prepares for.

Like the other services it is the one writer for its tables: one short
transaction per operation, then one change set (``applications``) on the
story service's ``changed`` signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from storybank.core.applications import (
    ApplicationInfo,
    ApplicationRepository,
    DebriefItem,
    RoundInfo,
    Status,
    Telling,
)
from storybank.core.changes import ChangeSet
from storybank.services.stories import StoryService


class ApplicationService:
    """Operations of the Applications mode, and who heard which story."""

    def __init__(self, stories: StoryService) -> None:
        self.stories = stories
        self.store = ApplicationRepository(stories.repo.db)
        self.changed = stories.changed

    def _done(self) -> None:
        self.stories.announce(ChangeSet(applications=True))

    # --- reads ------------------------------------------------------------

    def applications(self) -> list[ApplicationInfo]:
        return self.store.applications()

    def application(self, application_id: int) -> ApplicationInfo | None:
        return self.store.application(application_id)

    def debrief(self, round_id: int) -> list[DebriefItem]:
        return self.store.debrief(round_id)

    def prompt_texts(self, themes: Iterable[str] = ()) -> list[str]:
        """The bank's prompts, those of ``themes`` first (for a debrief's questions)."""
        from storybank.core.practice_repository import PracticeRepository

        wanted = set(themes)
        prompts = PracticeRepository(self.stories.repo.db).prompts()
        first = [p.text for p in prompts if p.theme in wanted]
        return first + [p.text for p in prompts if p.theme not in wanted]

    def angles(self, application_id: int) -> dict[int, str]:
        return self.store.angles(application_id)

    def told_to(self, company: str) -> dict[int, list[Telling]]:
        """The stories already told to ``company`` (any of its applications), and where."""
        return self.store.told(company)

    def active(self) -> ApplicationInfo | None:
        """The application being prepared: the latest changed one still open."""
        return next(
            (a for a in self.applications() if a.status in (Status.PREPARING, Status.INTERVIEWING)),
            None,
        )

    # --- writes -----------------------------------------------------------

    def create(
        self,
        company: str,
        role: str = "",
        *,
        template: str = "",
        rounds: Sequence[Mapping[str, Any]] = (),
        packs: Iterable[str] = (),
        team: str = "",
    ) -> int:
        """A new application, its rounds (from a template or given) in order."""
        created = self.store.add_application(
            {"company": company.strip(), "role": role.strip(), "team": team.strip(),
             "template": template, "packs": list(packs), "status": Status.PREPARING},
            rounds,
        )  # fmt: skip
        self._done()
        return created

    def update(self, application_id: int, **fields: Any) -> None:
        self.store.update_application(application_id, fields)
        self._done()

    def delete(self, application_id: int) -> None:
        self.store.delete_application(application_id)
        self._done()

    def add_round(self, application_id: int, **fields: Any) -> int:
        added = self.store.add_round(application_id, fields)
        self._done()
        return added

    def update_round(self, round_id: int, **fields: Any) -> None:
        self.store.update_round(round_id, fields)
        self._done()

    def delete_round(self, round_id: int) -> None:
        self.store.delete_round(round_id)
        self._done()

    def save_debrief(
        self, found: RoundInfo, items: Sequence[DebriefItem], asked: Iterable[str] = ()
    ) -> None:
        """A round's debrief: what was asked, the story told for each, how it went;
        the round is done from then on."""
        self.store.save_debrief(found.id, items, asked=asked, done=True)
        self._done()

    def set_angle(self, application_id: int, story_id: int, text: str) -> None:
        self.store.set_angle(application_id, story_id, text)
        self._done()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)
