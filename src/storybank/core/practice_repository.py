"""Prompts, review states and attempts in the bank: reads in plain SQL, writes
through :mod:`storybank.core.writes` (like :class:`~storybank.core.repository.Repository`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from storybank.core.practice import AttemptInfo, Candidate, DeliverySummary, ReviewState
from storybank.core.prompts import Prompt, PromptBank
from storybank.core.recordings import Take, is_take_name
from storybank.core.repository import Store, _time
from storybank.core.self_rating import (
    coach_readings_json,
    parse_coach_readings,
    parse_self_ratings,
    self_ratings_json,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from storybank.core.transfer.records import AttemptRecord, PromptRecord


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _stored(when: datetime) -> str:
    """Times are stored as naive UTC text, like the ORM stores them."""
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _write_review(session: Session, state: ReviewState) -> None:
    """Store a prompt's schedule (inside the caller's transaction)."""
    from storybank.core import writes

    writes.save_review(
        session,
        state.prompt_uuid,
        _aware(state.due),
        state.card_json,
        state.reps,
        state.lapses,
        state.last_rating,
    )


class PracticeRepository(Store):
    """All reads and writes of prompts, spaced-repetition state and attempts."""

    # --- prompts ----------------------------------------------------------

    def sync_prompts(self, bank: PromptBank) -> None:
        """Load a newer built-in prompt bank; one query when already current."""
        stored = self.builtin_prompt_version()
        if stored is not None and stored >= bank.version:
            return
        from storybank.core import writes

        self._run(writes.sync_prompts, bank)

    def builtin_prompt_version(self) -> int | None:
        """The version of the built-in prompt bank held, or None before the first sync."""
        version: int | None = self._rows("SELECT max(bank_version) FROM prompt WHERE builtin = 1")[
            0
        ][0]
        return version

    def prompt_uuids(self) -> set[str]:
        """The uuid of every prompt in the bank (hidden ones too)."""
        return {uuid for (uuid,) in self._rows("SELECT uuid FROM prompt")}

    def export_prompts(self) -> list[PromptRecord]:
        """The user's prompts, and built-in ones they edited or hid (the rest ship with the app)."""
        from storybank.core.transfer.records import PromptRecord

        where = "WHERE builtin = 0 OR edited = 1 OR hidden = 1 ORDER BY uuid"
        return [PromptRecord.of(prompt) for prompt in self._prompts(where)]

    def _prompt_value_keys(self, *, mapped: bool = False) -> dict[int, list[str]]:
        """Each prompt's value keys, in the order stored; with ``mapped``, then the
        values whose pack maps the prompt's theme to them (so that a pack no
        prompt names still has its gap decks and suggestions)."""
        keys: dict[int, list[str]] = defaultdict(list)
        for prompt_id, key in self._rows(
            "SELECT prompt_id, value_key FROM prompt_value ORDER BY rowid"
        ):
            keys[prompt_id].append(key)
        if not mapped:
            return keys
        for prompt_id, key in self._rows(
            "SELECT p.id, v.key FROM value v JOIN json_each(v.themes) t "
            "JOIN prompt p ON p.theme = t.value WHERE v.hidden = 0 ORDER BY v.position, v.id"
        ):
            if key not in keys[prompt_id]:
                keys[prompt_id].append(key)
        return keys

    def prompts(self, *, include_hidden: bool = False) -> list[Prompt]:
        """Prompts in a stable order (theme, then text)."""
        where = "" if include_hidden else "WHERE hidden = 0"
        return self._prompts(f"{where} ORDER BY theme, text COLLATE NOCASE")

    def _prompts(self, where: str) -> list[Prompt]:
        """The prompts that ``where`` (a fixed WHERE and ORDER BY clause) picks."""
        values, probes = self._prompt_value_keys(), self._prompt_value_keys(mapped=True)
        return [
            Prompt(
                uuid=row[1],
                text=row[2],
                theme=row[3],
                values=tuple(values[row[0]]),
                follow_ups=tuple(line for line in row[4].split("\n") if line.strip()),
                builtin=bool(row[5]),
                hidden=bool(row[6]),
                edited=bool(row[7]),
                mapped=tuple(k for k in probes[row[0]] if k not in values[row[0]]),
            )
            for row in self._rows(
                "SELECT id, uuid, text, theme, follow_ups, builtin, hidden, edited "
                f"FROM prompt {where}"
            )
        ]

    def save_prompt(
        self,
        uuid: str | None,
        text: str,
        theme: str,
        values: list[str],
        follow_ups: list[str],
    ) -> str:
        from storybank.core import writes

        return self._run(writes.save_prompt, uuid, text, theme, values, follow_ups)

    def set_prompt_hidden(self, uuid: str, hidden: bool) -> None:
        from storybank.core import writes

        self._run(writes.set_prompt_hidden, uuid, hidden)

    # --- review state -----------------------------------------------------

    def review_states(self) -> dict[str, ReviewState]:
        result = {}
        for uuid, due, card_json, reps, lapses, last in self._rows(
            "SELECT p.uuid, r.due, r.card_json, r.reps, r.lapses, r.last_rating "
            "FROM review_state r JOIN prompt p ON p.id = r.prompt_id"
        ):
            when = _time(due)
            assert when is not None
            result[uuid] = ReviewState(
                prompt_uuid=uuid,
                due=when,
                card_json=card_json,
                reps=reps,
                lapses=lapses,
                last_rating=last,
            )
        return result

    def save_review(self, state: ReviewState) -> None:
        self._run(_write_review, state)

    # --- attempts ---------------------------------------------------------

    def add_attempt(
        self,
        uuid: str,
        *,
        story_id: int | None,
        started_at: datetime,
        duration: float,
        rating: int | None,
        notes: str = "",
        session_key: str = "",
        self_rubric: Mapping[str, int] | None = None,
        coach_rubric: Mapping[str, float] | None = None,
    ) -> int:
        from storybank.core import writes

        return self._run(
            writes.add_attempt,
            uuid,
            story_id,
            _aware(started_at),
            duration,
            rating,
            notes,
            session_key,
            self_rubric=self_ratings_json(self_rubric or {}),
            coach_rubric=coach_readings_json(coach_rubric or {}),
        )

    def save_answer(
        self,
        attempt_id: int | None,
        state: ReviewState | None,
        *,
        prompt_uuid: str,
        story_id: int | None,
        started_at: datetime,
        duration: float,
        rating: int | None,
        notes: str = "",
        session_key: str = "",
        self_rubric: Mapping[str, int] | None = None,
        coach_rubric: Mapping[str, float] | None = None,
    ) -> int:
        """Store an answer (a new attempt, or the one ``attempt_id`` names) and,
        with ``state``, its prompt's new schedule, in one transaction.

        ``self_rubric`` holds the candidate's own ratings, ``coach_rubric`` the
        coach's readings of the story told (see :mod:`storybank.core.self_rating`).
        """

        from storybank.core import writes

        rubrics = {
            "self_rubric": self_ratings_json(self_rubric or {}),
            "coach_rubric": coach_readings_json(coach_rubric or {}),
        }

        def change(s: Session) -> int:
            if attempt_id is None:
                stored = writes.add_attempt(
                    s, prompt_uuid, story_id, _aware(started_at), duration, rating, notes,
                    session_key, **rubrics,
                )  # fmt: skip
            else:
                stored = attempt_id
                writes.update_attempt(s, attempt_id, story_id, duration, rating, notes, **rubrics)
            if state is not None:
                _write_review(s, state)
            return stored

        return self._run(change)

    def latest_session(self) -> str | None:
        """The key of the latest practice session with a stored answer, if any."""
        rows = self._rows(
            "SELECT session FROM attempt WHERE session != '' ORDER BY started_at DESC, id DESC "
            "LIMIT 1"
        )
        return rows[0][0] if rows else None

    def set_attempt_story(self, attempt_id: int, story_id: int | None) -> None:
        from storybank.core import writes

        self._run(writes.set_attempt_story, attempt_id, story_id)

    def attempts(
        self,
        since: datetime | None = None,
        *,
        prompt_uuid: str | None = None,
        story_id: int | None = None,
        session: str | None = None,
    ) -> list[AttemptInfo]:
        """Attempts, oldest first, with their prompt's theme and values; only those
        since a time, of one prompt, with one story or of one session, if asked."""
        values = self._prompt_value_keys(mapped=True)
        conditions: list[str] = []
        params: tuple[str | int, ...] = ()
        for condition, param in (
            ("a.started_at >= ?", None if since is None else _stored(since)),
            ("p.uuid = ?", prompt_uuid),
            ("a.story_id = ?", story_id),
            ("a.session = ?", session),
        ):
            if param is not None:
                conditions.append(condition)
                params += (param,)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        result = []
        for row in self._rows(
            "SELECT p.uuid, p.theme, p.id, a.story_id, a.started_at, a.duration, a.rating, "
            "a.id, a.notes, a.session, a.self_rubric, a.coach_rubric, a.recording, a.delivery "
            f"FROM attempt a JOIN prompt p ON p.id = a.prompt_id {where} "
            "ORDER BY a.started_at, a.id",
            params,
        ):
            started = _time(row[4])
            assert started is not None
            result.append(
                AttemptInfo(
                    prompt_uuid=row[0],
                    theme=row[1],
                    values=tuple(values[row[2]]),
                    story_id=row[3],
                    started_at=started,
                    duration_seconds=row[5],
                    rating=row[6],
                    attempt_id=row[7],
                    notes=row[8],
                    session=row[9],
                    self_rubric=parse_self_ratings(row[10]),
                    coach_rubric=parse_coach_readings(row[11]),
                    recording=row[12] if row[12] and is_take_name(row[12]) else None,
                    delivery=DeliverySummary.parse(row[13]),
                )
            )
        return result

    # --- recordings -------------------------------------------------------

    def set_recording(self, attempt_id: int, name: str | None, delivery: str | None) -> None:
        """Tie a take and its delivery (JSON) to an answer; None unties the take."""
        from storybank.core import writes

        self._run(writes.set_recording, attempt_id, name, delivery)

    def untie_takes(self, attempt_ids: Sequence[int]) -> None:
        """Untie the takes of these answers, in one transaction (their delivery stays)."""
        from storybank.core import writes

        def change(s: Session) -> None:
            for attempt_id in attempt_ids:
                writes.set_recording(s, attempt_id, None, None)

        if attempt_ids:
            self._run(change)

    def takes(self) -> list[Take]:
        """Every take tied to an answer, oldest first."""
        return [
            Take(attempt_id, prompt_uuid, started, name)
            for attempt_id, prompt_uuid, at, name in self._rows(
                "SELECT a.id, p.uuid, a.started_at, a.recording FROM attempt a "
                "JOIN prompt p ON p.id = a.prompt_id WHERE a.recording IS NOT NULL "
                "ORDER BY a.started_at, a.id"
            )
            if is_take_name(name) and (started := _time(at)) is not None
        ]

    def rubric_readings(self) -> list[tuple[dict[str, int], dict[str, float]]]:
        """(own ratings, coach's readings) of every answer the candidate rated on the
        rubric, oldest first (the coach's are empty where no story was told)."""
        return [
            (parse_self_ratings(mine), parse_coach_readings(coach))
            for mine, coach in self._rows(
                "SELECT self_rubric, coach_rubric FROM attempt WHERE self_rubric IS NOT NULL "
                "ORDER BY started_at, id"
            )
        ]

    def export_attempts(self) -> list[AttemptRecord]:
        """Every attempt, oldest first, naming its prompt and story by uuid.

        A story in the trash is not exported, so neither is the link to it.
        """
        from storybank.core.transfer.records import AttemptRecord

        result = []
        for row in self._rows(
            "SELECT p.uuid, s.uuid, a.started_at, a.duration, a.rating, a.notes, a.session, "
            "a.self_rubric, a.coach_rubric "
            "FROM attempt a JOIN prompt p ON p.id = a.prompt_id "
            "LEFT JOIN story s ON s.id = a.story_id AND s.deleted_at IS NULL "
            "ORDER BY a.started_at, a.id"
        ):
            started = _time(row[2])
            assert started is not None
            result.append(
                AttemptRecord(
                    prompt_uuid=row[0],
                    story_uuid=row[1],
                    started_at=started,
                    duration=row[3],
                    rating=row[4],
                    notes=row[5],
                    session=row[6],
                    self_rubric=parse_self_ratings(row[7]),
                    coach_rubric=parse_coach_readings(row[8]),
                )
            )
        return result

    # --- suggestions ------------------------------------------------------

    def candidates(self, match: str | None) -> list[Candidate]:
        """Active stories with their value keys, tags and text relevance (bm25)."""
        relevance: dict[int, float] = {}
        if match:
            relevance = dict(
                self._rows(
                    "SELECT rowid, bm25(story_fts) FROM story_fts WHERE story_fts MATCH ?",
                    (match,),
                )
            )
        primary: dict[int, set[str]] = defaultdict(set)
        supporting: dict[int, set[str]] = defaultdict(set)
        for story_id, key, strength in self._rows(
            "SELECT sv.story_id, v.key, sv.strength FROM story_value sv "
            "JOIN value v ON v.id = sv.value_id"
        ):
            (primary if strength == "primary" else supporting)[story_id].add(key)
        tags: dict[int, set[str]] = defaultdict(set)
        for story_id, name in self._rows(
            "SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id"
        ):
            tags[story_id].add(name)
        return [
            Candidate(
                story_id=story_id,
                title=title,
                primary_values=frozenset(primary[story_id]),
                supporting_values=frozenset(supporting[story_id]),
                tags=frozenset(tags[story_id]),
                bm25=relevance.get(story_id),
            )
            for story_id, title in self._rows(
                "SELECT id, title FROM story WHERE deleted_at IS NULL AND archived = 0"
            )
        ]
