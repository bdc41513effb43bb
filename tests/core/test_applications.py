"""Applications, their rounds, debriefs and angles: stored in one transaction
each, read back in order, and which story was told to which company."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest

from storybank.core.applications import (
    DebriefItem,
    Outcome,
    Status,
    json_list,
    next_round,
    same_company,
)
from storybank.core.changes import ChangeSet
from storybank.core.database import NotFound
from storybank.core.repository import Repository
from storybank.services.applications import ApplicationService
from storybank.services.stories import StoryService

MONDAY = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
LOOP = [
    {"kind": "recruiter", "name": "Recruiter call", "minutes": 30, "themes": ["motivation"]},
    {"kind": "hiring-manager", "name": "Hiring-manager screen", "minutes": 30},
    {"kind": "technical-screen", "name": "Technical phone screen", "minutes": 60},
]


def service(repo: Repository) -> ApplicationService:
    return ApplicationService(StoryService(repo, repo.db.path.parent))


def test_an_application_keeps_its_rounds_in_order_and_its_fields(repo: Repository) -> None:
    apps = service(repo)
    heard: list[ChangeSet] = []
    apps.changed.connect(heard.append)
    made = apps.create("Netflix", "Senior engineer", template="netflix", rounds=LOOP,
                       packs=["netflix-culture"], team="Studio tools")  # fmt: skip
    assert heard == [ChangeSet(applications=True)]
    (app,) = apps.applications()
    assert (app.id, app.company, app.role, app.team, app.status) == (
        made, "Netflix", "Senior engineer", "Studio tools", Status.PREPARING,
    )  # fmt: skip
    assert app.packs == ("netflix-culture",) and app.template == "netflix"
    assert [r.name for r in app.rounds] == [r["name"] for r in LOOP]
    assert app.rounds[0].themes == ("motivation",) and app.rounds[2].minutes == 60
    apps.update(made, status="interviewing", pitch_intro="I build tools.", notes="n")
    extra = apps.add_round(made, kind="behavioral", name="Onsite: culture", minutes=45,
                           interviewer_name="Dana", interviewer_role="director")  # fmt: skip
    apps.update_round(app.rounds[0].id, scheduled_at=MONDAY, interviewer_name="Sam")
    app = apps.application(made)  # type: ignore[assignment]
    assert app is not None and app.status is Status.INTERVIEWING
    assert app.pitch_intro == "I build tools." and app.rounds[-1].id == extra
    assert app.rounds[-1].interviewer == "Dana, director" and app.rounds[-1].position == 3
    assert app.rounds[0].scheduled_at == MONDAY and app.rounds[0].interviewer == "Sam"
    with pytest.raises(ValueError, match="unknown application fields"):
        apps.update(made, salary="lots")
    with pytest.raises(ValueError):
        apps.update(made, status="ghosted")
    with pytest.raises(NotFound):
        apps.update_round(10_000, name="x")


def test_a_debrief_says_which_story_was_told_to_whom(repo: Repository) -> None:
    apps = service(repo)
    told = repo.create_story(title="The outage", action="I rolled it back.")
    other = repo.create_story(title="The migration", action="I planned it.")
    netflix = apps.create("Netflix", "Engineer", rounds=LOOP)
    again = apps.create("  netflix ", "Manager", rounds=LOOP[:1])  # the same company
    elsewhere = apps.create("Stripe", "Engineer", rounds=LOOP[:1])
    first = apps.application(netflix).rounds[0]  # type: ignore[union-attr]
    first_id = first.id
    apps.update_round(first_id, interviewer_name="Dana", interviewer_role="recruiter")
    first = apps.application(netflix).rounds[0]  # type: ignore[union-attr]
    apps.save_debrief(first, [
        DebriefItem("Tell me about a time you failed", told.id, Outcome.STRONG, "went well"),
        DebriefItem("", None),  # an empty line is not kept
        DebriefItem("Why Netflix?", None, Outcome.MISSED),
    ], asked=["q-1", "q-1", "q-2"])  # fmt: skip
    first = apps.application(netflix).rounds[0]  # type: ignore[union-attr]
    assert first.done and first.asked == ("q-1", "q-2")
    assert [(i.question, i.story_id, i.outcome) for i in apps.debrief(first.id)] == [
        ("Tell me about a time you failed", told.id, Outcome.STRONG),
        ("Why Netflix?", None, Outcome.MISSED),
    ]
    to_netflix = apps.told_to("NETFLIX")
    assert list(to_netflix) == [told.id] and other.id not in to_netflix
    (telling,) = to_netflix[told.id]
    assert telling.text() == "told to Netflix in the Recruiter call (Dana, recruiter)"
    assert apps.told_to("Stripe") == {}
    assert same_company("Netflix", " netflix ") and not same_company("", "")
    assert {a.id for a in apps.applications()} == {netflix, again, elsewhere}
    # A story in the trash is told to nobody; deleted for good, the line stays without it.
    repo.set_trashed(told.id, True)
    assert apps.told_to("Netflix") == {}
    repo.purge_story(told.id)
    assert [i.story_id for i in apps.debrief(first.id)] == [None, None]
    # Deleting an application takes its rounds, debriefs and angles; stories stay.
    apps.set_angle(netflix, other.id, "lead with the candor part")
    assert apps.angles(netflix) == {other.id: "lead with the candor part"}
    apps.set_angle(netflix, other.id, "  ")
    assert apps.angles(netflix) == {}
    apps.set_angle(netflix, other.id, "again")
    apps.delete(netflix)
    with closing(sqlite3.connect(repo.db.path)) as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("interview_round", "debrief", "angle", "story")]  # fmt: skip
    assert counts[:3] == [2, 0, 0] and counts[3] >= 1


def test_the_next_round_is_the_soonest_not_done() -> None:
    from storybank.core.applications import ApplicationInfo, RoundInfo

    def one(position: int, when: datetime | None, done: bool = False) -> RoundInfo:
        return RoundInfo(position, "", 1, position, "other", f"r{position}", when, 30, "", "",
                         "", (), (), (), done, "")  # fmt: skip

    def app(*rounds: RoundInfo) -> ApplicationInfo:
        return ApplicationInfo(1, "", "c", "r", "", Status.PREPARING, (), "", "", "", "", "",
                               MONDAY, rounds)  # fmt: skip

    later = MONDAY + timedelta(days=3)
    assert next_round(app(one(0, None, True), one(1, None), one(2, later)), MONDAY).position == 2  # type: ignore[union-attr]
    assert next_round(app(one(0, None), one(1, None)), MONDAY).position == 0  # type: ignore[union-attr]
    assert next_round(app(one(0, MONDAY, True)), MONDAY) is None


def test_stored_lists_are_read_forgivingly() -> None:
    assert json_list('["a", 3, "b"]') == ("a", "b")
    for bad in (None, "", "{", '{"a": 1}', "3"):
        assert json_list(bad) == ()
