"""The applications service: the interview loops the candidate prepares for.

Like the other services it is the one writer for its tables: one short
transaction per operation, then one change set (``applications``) on the
story service's ``changed`` signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from storybank.core.applications import (
    ApplicationInfo,
    ApplicationRepository,
    DebriefItem,
    RoundInfo,
    Status,
    Telling,
)
from storybank.core.changes import ChangeSet

if TYPE_CHECKING:
    from storybank.core.loops import QuestionBank, QuestionToAsk
    from storybank.core.prep_sheet import PrepRound
    from storybank.core.prompts import Prompt
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

    def prompt_texts(self, themes: Iterable[str] = (), *, only: bool = False) -> list[str]:
        """The bank's prompts, those of ``themes`` first (for a debrief's questions);
        with ``only``, those of ``themes`` alone (for a prep sheet)."""
        import itertools

        order = list(dict.fromkeys(themes))
        prompts = self._prompts()
        # Theme by theme in turn, the likeliest theme first, so that a short list
        # still covers every theme of the round.
        groups = [[p.text for p in prompts if p.theme == theme] for theme in order]
        first = [t for layer in itertools.zip_longest(*groups) for t in layer if t is not None]
        return first if only else first + [p.text for p in prompts if p.theme not in order]

    def _prompts(self, *, include_hidden: bool = False) -> list[Prompt]:
        """The bank's prompts, the built-in ones loaded first if Practice never has."""
        from storybank.core.practice_repository import PracticeRepository
        from storybank.core.prompts import builtin_prompt_bank

        store = PracticeRepository(self.stories.repo.db)
        store.sync_prompts(builtin_prompt_bank())
        return store.prompts(include_hidden=include_hidden)

    def prep_round(self, round_id: int) -> PrepRound:
        """What the prep sheet of one round shows, gathered from the bank."""
        from storybank.core.loops import question_texts
        from storybank.core.prep_sheet import PrepRound

        app = next(a for a in self.applications() if any(r.id == round_id for r in a.rounds))
        found = next(r for r in app.rounds if r.id == round_id)
        repo = self.stories.repo
        packs = [p for p in repo.packs() if p.key in app.packs] or [
            p for p in repo.packs() if p.active
        ]
        values = [v for p in packs for v in p.values if not v.hidden]
        ids = sorted({i for v in values for i in repo.story_ids(value_id=v.id)})
        bank = self.questions_for(found.kind)
        chosen = question_texts(found.questions, self.question_bank().questions) or [
            q.text for q in bank[:3]
        ]
        return PrepRound(
            application=app,
            round=found,
            values=values,
            stories=[repo.get_story(i) for i in ids],
            told=self.told_to(app.company),
            angles=self.angles(app.id),
            prompts=self.prompt_texts(found.themes, only=True),
            questions=chosen,
        )

    def angle_rows(self, application_id: int, limit: int = 200) -> list[tuple[int, str, str, str]]:
        """(story id, title, its values among the application's, angle) for the stories
        tagged with the application's values, most values first, then by title."""
        app = self.application(application_id)
        if app is None:
            return []
        repo = self.stories.repo
        packs = [p for p in repo.packs() if p.key in app.packs] or [
            p for p in repo.packs() if p.active
        ]
        names = {v.id: v.name for p in packs for v in p.values if not v.hidden}
        tagged: dict[int, list[str]] = {}
        for value_id, name in names.items():
            for story_id in repo.story_ids(value_id=value_id):
                tagged.setdefault(story_id, []).append(name)
        rows = repo.story_rows(list(tagged))
        angles = self.angles(application_id)
        found = [
            (i, rows[i].title, ", ".join(v), angles.get(i, ""))
            for i, v in tagged.items()
            if i in rows
        ]
        found.sort(key=lambda r: (-len(tagged[r[0]]), r[1].casefold()))
        return found[:limit]

    def angles(self, application_id: int) -> dict[int, str]:
        return self.store.angles(application_id)

    def question_bank(self) -> QuestionBank:
        """The questions to ask: the built-in ones with the user's edits, and their own."""
        from storybank.core.loops import builtin_questions

        return builtin_questions().merged(self.store.my_questions())

    def questions_for(self, kind: str) -> list[QuestionToAsk]:
        """The questions to ask that suit a round kind (its own first), none hidden."""
        return self.question_bank().for_kind(kind)

    def told_to(self, company: str) -> dict[int, list[Telling]]:
        """The stories already told to ``company`` (any of its applications), and where."""
        return self.store.told(company)

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
        # A question that is one of the bank's prompts is kept as that prompt, so
        # that a missed one comes back sooner in Practice.
        prompts = {
            " ".join(p.text.casefold().split()): p.uuid for p in self._prompts(include_hidden=True)
        }
        items = [
            replace(
                i, prompt_uuid=i.prompt_uuid or prompts.get(" ".join(i.question.casefold().split()))
            )
            for i in items
        ]
        self.store.save_debrief(found.id, items, asked=asked, done=True)
        self._done()

    def set_angle(self, application_id: int, story_id: int, text: str) -> None:
        self.store.set_angle(application_id, story_id, text)
        self._done()

    def save_question(self, question: QuestionToAsk) -> None:
        """Keep a question to ask in the bank: one's own, an edit, or a hidden one.
        A built-in question changed back to its shipped words is its own again."""
        self._keep_question(question)
        self._done()

    def restore_questions(self) -> None:
        """Every question taken out of the bank's lists, back in them (edits kept)."""
        for question in self.question_bank().questions:
            if question.hidden:
                self._keep_question(replace(question, hidden=False))
        self._done()

    def _keep_question(self, question: QuestionToAsk) -> None:
        from storybank.core.loops import builtin_questions

        shipped = {q.uuid: q for q in builtin_questions().questions}.get(question.uuid)
        if shipped is not None and replace(question, own=False, edited=False) == shipped:
            self.store.forget_question(question.uuid)
        else:
            self.store.save_question(question)

    def forget_question(self, uuid: str) -> None:
        """Delete one's own question, or bring a built-in one back as shipped."""
        self.store.forget_question(uuid)
        self._done()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)
