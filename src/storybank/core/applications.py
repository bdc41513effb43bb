"""The interview loop: applications to companies, their rounds in order, what
was told in each (the debrief), and per-story angles; read in plain SQL,
written through :mod:`storybank.core.writes` (like the practice repository).

Panel members compare notes, so a story told to one company should not be told
to it twice: :meth:`ApplicationRepository.tellings` says which story was told
to whom, for the warnings in Practice and in a round's preparation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from storybank.core.records import dump_list, json_list
from storybank.core.repository import Store, _time

if TYPE_CHECKING:
    from storybank.core.loops import QuestionToAsk
    from storybank.core.transfer.records import ApplicationRecord


class Status(StrEnum):
    """Where an application stands."""

    PREPARING = "preparing"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How one answer in a real round went, as the candidate judged it after."""

    STRONG = "strong"
    OKAY = "okay"
    MISSED = "missed"


#: The fields of an application the candidate edits (the table's columns).
APPLICATION_FIELDS = ("company", "role", "team", "status", "applied_on", "notes",
                      "pitch_intro", "pitch_why")  # fmt: skip
#: The fields of a round the candidate edits.
ROUND_FIELDS = ("kind", "name", "scheduled_at", "minutes", "interviewer_name",
                "interviewer_role", "focus", "notes")  # fmt: skip


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """One round of a loop as stored."""

    id: int
    uuid: str
    application_id: int
    position: int
    kind: str
    name: str
    scheduled_at: datetime | None
    minutes: int
    interviewer_name: str
    interviewer_role: str
    focus: str
    themes: tuple[str, ...]
    questions: tuple[str, ...]
    asked: tuple[str, ...]
    done: bool
    notes: str

    @property
    def interviewer(self) -> str:
        return who(self.interviewer_name, self.interviewer_role)


@dataclass(frozen=True, slots=True)
class ApplicationInfo:
    """One application with its rounds, in order."""

    id: int
    uuid: str
    company: str
    role: str
    team: str
    status: Status
    packs: tuple[str, ...]
    template: str
    applied_on: str
    notes: str
    pitch_intro: str
    pitch_why: str
    updated_at: datetime
    rounds: tuple[RoundInfo, ...] = ()

    @property
    def title(self) -> str:
        return " · ".join(part for part in (self.company or "Unnamed company", self.role) if part)

    @property
    def pitches(self) -> list[tuple[str, str]]:
        """The pitches written, titled, to show beside "why this company" prompts."""
        both = [(f"Why {self.company or 'this company'}?", self.pitch_why),
                ("About you", self.pitch_intro)]  # fmt: skip
        return [(title, text) for title, text in both if text.strip()]

    @property
    def is_open(self) -> bool:
        """Still being prepared for or interviewed with."""
        return self.status in (Status.PREPARING, Status.INTERVIEWING)


@dataclass(frozen=True, slots=True)
class DebriefItem:
    """One question of a round as it went."""

    question: str
    story_id: int | None = None
    outcome: Outcome = Outcome.OKAY
    notes: str = ""
    prompt_uuid: str | None = None


@dataclass(frozen=True, slots=True)
class Telling:
    """A story told in a real round: to which company, in which round, to whom, how."""

    story_id: int
    application_id: int
    company: str
    round_id: int
    round_name: str
    interviewer: str
    scheduled_at: datetime | None
    outcome: Outcome
    question: str

    def text(self) -> str:
        """ "told to Netflix in the Recruiter call (Dana, recruiter)"."""
        whom = f" ({self.interviewer})" if self.interviewer else ""
        return f"told to {self.company} in the {self.round_name}{whom}"


def who(name: str, role: str) -> str:
    """ "Dana Reyes, engineering manager"; the role alone, or "" when nobody is named."""
    return ", ".join(part for part in (name.strip(), role.strip()) if part)


def next_round(application: ApplicationInfo, now: datetime) -> RoundInfo | None:
    """The round to prepare for: the first not done, the soonest scheduled first
    (a past date not marked done still counts, it may need its debrief)."""
    waiting = [r for r in application.rounds if not r.done]
    if not waiting:
        return None
    dated = sorted((r for r in waiting if r.scheduled_at), key=lambda r: r.scheduled_at or now)
    return dated[0] if dated else waiting[0]


def same_company(one: str, other: str) -> bool:
    """Two applications are to the same company when the names match, case and spacing aside."""
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split()) != ""


class ApplicationRepository(Store):
    """All reads and writes of applications, rounds, debriefs and angles."""

    def applications(self) -> list[ApplicationInfo]:
        """Every application with its rounds, the latest changed first."""
        rounds: dict[int, list[RoundInfo]] = {}
        for found in self._rounds():
            rounds.setdefault(found.application_id, []).append(found)
        result = []
        for row in self._rows(
            "SELECT id, uuid, company, role, team, status, packs, template, applied_on, notes, "
            "pitch_intro, pitch_why, updated_at FROM application ORDER BY updated_at DESC, id"
        ):
            status = row[5] if row[5] in set(Status) else Status.PREPARING
            updated = _time(row[12]) or datetime.now(UTC)
            result.append(
                ApplicationInfo(
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    Status(status),
                    json_list(row[6]),
                    row[7],
                    row[8],
                    row[9],
                    row[10],
                    row[11],
                    updated,
                    tuple(rounds.get(row[0], ())),
                )
            )
        return result

    def application(self, application_id: int) -> ApplicationInfo | None:
        return next((a for a in self.applications() if a.id == application_id), None)

    def _rounds(self, where: str = "", params: Sequence[Any] = ()) -> list[RoundInfo]:
        return [
            RoundInfo(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                _time(row[6]),
                row[7],
                row[8],
                row[9],
                row[10],
                json_list(row[11]),
                json_list(row[12]),
                json_list(row[13]),
                bool(row[14]),
                row[15],
            )
            for row in self._rows(
                "SELECT id, uuid, application_id, position, kind, name, scheduled_at, minutes, "
                "interviewer_name, interviewer_role, focus, themes, questions, asked, done, "
                f"notes FROM interview_round {where} ORDER BY application_id, position, id",
                params,
            )
        ]

    def round(self, round_id: int) -> RoundInfo | None:
        found = self._rounds("WHERE id = ?", (round_id,))
        return found[0] if found else None

    def debrief(self, round_id: int) -> list[DebriefItem]:
        """A round's debrief, in order."""
        return [
            DebriefItem(
                question=row[0],
                story_id=row[1],
                outcome=Outcome(row[2]) if row[2] in set(Outcome) else Outcome.OKAY,
                notes=row[3],
                prompt_uuid=row[4],
            )
            for row in self._rows(
                "SELECT question, story_id, outcome, notes, prompt_uuid FROM debrief "
                "WHERE round_id = ? ORDER BY position, id",
                (round_id,),
            )
        ]

    def tellings(self) -> list[Telling]:
        """Every story told in a real round, oldest round first."""
        return [
            Telling(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                who(row[5], row[6]),
                _time(row[7]),
                Outcome(row[8]) if row[8] in set(Outcome) else Outcome.OKAY,
                row[9],
            )
            for row in self._rows(
                "SELECT d.story_id, a.id, a.company, r.id, r.name, r.interviewer_name, "
                "r.interviewer_role, r.scheduled_at, d.outcome, d.question FROM debrief d "
                "JOIN interview_round r ON r.id = d.round_id "
                "JOIN application a ON a.id = r.application_id "
                "JOIN story s ON s.id = d.story_id AND s.deleted_at IS NULL "
                "ORDER BY r.scheduled_at IS NULL, r.scheduled_at, r.position, d.position"
            )
        ]

    def told(self, company: str | None = None) -> dict[int, list[Telling]]:
        """The stories already told to ``company`` (any of its applications), by
        story; with None, to any company with an application still open."""
        if company is None:
            companies = [a.company for a in self.applications() if a.is_open]
        else:
            companies = [company]
        told: dict[int, list[Telling]] = {}
        for telling in self.tellings():
            if any(same_company(telling.company, c) for c in companies):
                told.setdefault(telling.story_id, []).append(telling)
        return told

    def missed(self, application_id: int | None = None) -> list[tuple[str, str, datetime | None]]:
        """Prompts missed in a real round (of one application, or any): (prompt uuid,
        "the Netflix Recruiter call", when the round was), the latest round first."""
        where, params = ("AND a.id = ? ", (application_id,)) if application_id else ("", ())
        return [
            (prompt, f"the {company} {name}", _time(when))
            for prompt, company, name, when in self._rows(
                "SELECT d.prompt_uuid, a.company, r.name, r.scheduled_at FROM debrief d "
                "JOIN interview_round r ON r.id = d.round_id "
                "JOIN application a ON a.id = r.application_id "
                f"WHERE d.outcome = 'missed' AND d.prompt_uuid IS NOT NULL {where}"
                "ORDER BY r.scheduled_at DESC, r.position DESC",
                params,
            )
        ]

    def story_notes(self, story_id: int) -> list[str]:
        """What the open applications say of one story: its angle for each, and where
        it was already told ("Angle for Netflix: …", "Told to Netflix in the …")."""
        open_apps = [a for a in self.applications() if a.is_open]
        notes = []
        for app in open_apps:
            angle = self.angles(app.id).get(story_id)
            if angle:
                notes.append(f"Angle for {app.company}: {angle}")
        told = self.told().get(story_id, [])
        notes += [t.text()[0].upper() + t.text()[1:] for t in told]
        return notes

    def angles(self, application_id: int) -> dict[int, str]:
        """The one-line angle of each story that has one for this application."""
        return dict(
            self._rows(
                "SELECT story_id, text FROM angle WHERE application_id = ?", (application_id,)
            )
        )

    def export_records(self) -> list[ApplicationRecord]:
        """Every application as the JSON export writes it, oldest first; stories by uuid
        (a story in the trash is named by nobody)."""
        from storybank.core.transfer.records import ApplicationRecord, DebriefRecord, RoundRecord

        uuids = dict(self._rows("SELECT id, uuid FROM story WHERE deleted_at IS NULL"))
        debriefs: dict[int, list[DebriefRecord]] = {}
        for round_id, question, story_id, outcome, notes, prompt in self._rows(
            "SELECT round_id, question, story_id, outcome, notes, prompt_uuid FROM debrief "
            "ORDER BY round_id, position, id"
        ):
            debriefs.setdefault(round_id, []).append(
                DebriefRecord(question, uuids.get(story_id), outcome, notes, prompt)
            )
        angles: dict[int, list[tuple[str, str]]] = {}
        for application_id, story_id, text in self._rows(
            "SELECT application_id, story_id, text FROM angle ORDER BY id"
        ):
            if story_id in uuids:
                angles.setdefault(application_id, []).append((uuids[story_id], text))
        created = dict(self._rows("SELECT id, created_at FROM application"))
        return [
            ApplicationRecord(
                app.uuid,
                app.company,
                app.role,
                app.team,
                str(app.status),
                app.packs,
                app.template,
                app.applied_on,
                app.notes,
                app.pitch_intro,
                app.pitch_why,
                _time(created[app.id]) or app.updated_at,
                app.updated_at,
                tuple(
                    RoundRecord(
                        r.uuid,
                        r.kind,
                        r.name,
                        r.scheduled_at,
                        r.minutes,
                        r.interviewer_name,
                        r.interviewer_role,
                        r.focus,
                        r.themes,
                        r.questions,
                        r.asked,
                        r.done,
                        r.notes,
                        tuple(debriefs.get(r.id, ())),
                    )
                    for r in app.rounds
                ),
                tuple(angles.get(app.id, ())),
            )
            for app in sorted(self.applications(), key=lambda a: (a.updated_at, a.id))
        ]

    def my_questions(self) -> list[QuestionToAsk]:
        """The questions to ask the user wrote or changed, oldest first."""
        from storybank.core.loops import own_question

        found = []
        for key, text, kinds, why, hidden in self._rows(
            "SELECT uuid, text, kinds, why, hidden FROM ask_question ORDER BY id"
        ):
            try:
                found.append(own_question(key, text, json_list(kinds), why, hidden=bool(hidden)))
            except ValueError:
                continue  # a row another version wrote and this one cannot read
        return found

    # --- writes -----------------------------------------------------------

    def save_question(self, question: QuestionToAsk) -> None:
        """Keep a question to ask: one's own, or one's edit of a built-in one."""
        from storybank.core import writes

        self._run(writes.save_ask_question, {
            "uuid": question.uuid, "text": question.text, "why": question.why,
            "kinds": dump_list(question.kind_keys), "hidden": question.hidden,
        })  # fmt: skip

    def forget_question(self, uuid: str) -> None:
        """Delete one's own question, or bring a built-in one back as it was."""
        from storybank.core import writes

        self._run(writes.forget_ask_question, uuid)

    def add_application(
        self, fields: Mapping[str, Any], rounds: Sequence[Mapping[str, Any]] = ()
    ) -> int:
        from storybank.core import writes

        return self._run(writes.add_application, _application_columns(fields),
                         [_round_columns(r) for r in rounds])  # fmt: skip

    def update_application(self, application_id: int, fields: Mapping[str, Any]) -> None:
        from storybank.core import writes

        self._run(writes.update_application, application_id, _application_columns(fields))

    def delete_application(self, application_id: int) -> None:
        from storybank.core import writes

        self._run(writes.delete_application, application_id)

    def add_round(self, application_id: int, fields: Mapping[str, Any]) -> int:
        from storybank.core import writes

        return self._run(writes.add_round, application_id, _round_columns(fields))

    def update_round(self, round_id: int, fields: Mapping[str, Any]) -> None:
        from storybank.core import writes

        self._run(writes.update_round, round_id, _round_columns(fields))

    def delete_round(self, round_id: int) -> None:
        from storybank.core import writes

        self._run(writes.delete_round, round_id)

    def save_debrief(
        self,
        round_id: int,
        items: Sequence[DebriefItem],
        *,
        asked: Iterable[str] = (),
        done: bool = True,
    ) -> None:
        """Replace a round's debrief, mark the questions asked and the round done."""
        from storybank.core import writes

        rows = [
            {"question": i.question.strip(), "story_id": i.story_id, "outcome": str(i.outcome),
             "notes": i.notes, "prompt_uuid": i.prompt_uuid}
            for i in items
            if i.question.strip() or i.story_id is not None
        ]  # fmt: skip
        self._run(writes.save_debrief, round_id, rows, {"asked": dump_list(asked), "done": done})

    def set_angle(self, application_id: int, story_id: int, text: str) -> None:
        from storybank.core import writes

        self._run(writes.set_angle, application_id, story_id, text)


def _application_columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Only known fields, the packs as JSON; refuses anything else."""
    unknown = set(fields) - {*APPLICATION_FIELDS, "packs", "template"}
    if unknown:
        raise ValueError(f"unknown application fields: {sorted(unknown)}")
    columns = dict(fields)
    if "packs" in columns:
        columns["packs"] = dump_list(columns["packs"])
    if "status" in columns:
        columns["status"] = str(Status(columns["status"]))
    return columns


def _round_columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - {*ROUND_FIELDS, "themes", "questions", "asked", "done"}
    if unknown:
        raise ValueError(f"unknown round fields: {sorted(unknown)}")
    columns = dict(fields)
    for name in ("themes", "questions", "asked"):
        if name in columns:
            columns[name] = dump_list(columns[name])
    when = columns.get("scheduled_at")
    if isinstance(when, datetime) and when.tzinfo is None:
        columns["scheduled_at"] = when.replace(tzinfo=UTC)
    return columns
