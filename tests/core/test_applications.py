"""Applications, their rounds, debriefs and angles: stored in one transaction
each, read back in order, and which story was told to which company."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storybank.core.applications import (
    DebriefItem,
    Outcome,
    Status,
    next_round,
    same_company,
)
from storybank.core.changes import ChangeSet
from storybank.core.database import NotFound
from storybank.core.records import json_list
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


def test_applications_travel_in_the_json_export_byte_for_byte(tmp_path: Path) -> None:
    from storybank.core.bank import open_bank
    from storybank.core.demo import load_demo
    from storybank.core.transfer.export import export_json
    from storybank.core.transfer.plan import apply_import, plan_import
    from storybank.core.transfer.reading import read_import

    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    source = open_bank(tmp_path / "source")
    target = open_bank(tmp_path / "target")
    try:
        load_demo(source)
        apps = service(source)
        (demo,) = apps.applications()
        told = next(iter(apps.told_to("Netflix")))
        apps.set_angle(demo.id, told, "lead with the candor part ✓ — עברית")
        apps.update_round(demo.rounds[1].id, questions=["What would success look like?"])
        stripe = apps.create("Stripe", "Engineer", rounds=LOOP, packs=[])
        apps.update(stripe, status="closed", notes="<b>not html</b>")
        from dataclasses import replace

        from storybank.core.loops import own_question

        shipped = apps.questions_for("recruiter")[0]
        apps.save_question(replace(shipped, text="Edited — מה?"))
        apps.save_question(replace(apps.questions_for("peer")[0], hidden=True))
        apps.save_question(own_question("0b6f5e1c-55d4-4c1e-9f43-5f0d3f1d6a12", "Mine?", ["peer"]))
        source.set_telling(told, 30, "The short one — קצר 🚀")
        source.set_telling(told, 180, "The long one.")
        first, second = tmp_path / "first.json", tmp_path / "second.json"
        export_json(source, first, now=now)
        plan = plan_import(target, read_import(first))
        assert plan.problems == ()
        result = apply_import(target, plan)
        assert (result.applications_added, result.questions_added) == (2, 3)
        assert result.tellings_added == 2
        assert service(target).question_bank() == apps.question_bank()
        export_json(target, second, now=now)
        assert first.read_bytes() == second.read_bytes()
        # Importing it again adds nothing.
        assert apply_import(target, plan_import(target, read_import(first))).applications_added == 0
        moved = service(target).applications()
        assert {a.company for a in moved} == {"Netflix", "Stripe"}
        assert list(service(target).told_to("Netflix")) and service(target).angles(
            next(a.id for a in moved if a.company == "Netflix")
        )
    finally:
        source.db.close()
        target.db.close()


def test_a_malformed_application_in_a_json_file_is_refused_by_place(tmp_path: Path) -> None:
    import json

    from storybank.core.interchange import TransferError
    from storybank.core.transfer.reading import read_import

    when = "2026-12-01T10:00:00+00:00"
    base = {"uuid": "0b6f5e1c-55d4-4c1e-9f43-5f0d3f1d6a11", "company": "X",
            "created_at": when, "updated_at": when}  # fmt: skip
    for broken, said in (
        ({**base, "status": "ghosted"}, "applications[0].status: must be preparing"),
        ({**base, "rounds": [{"uuid": base["uuid"], "kind": "lunch"}]},
         "applications[0].rounds[0].kind: 'lunch' is not a kind of round"),
        ({**base, "rounds": [{"uuid": base["uuid"], "debrief": [{"outcome": "meh"}]}]},
         "applications[0].rounds[0].debrief[0].outcome: must be strong, okay or missed"),
    ):  # fmt: skip
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"format": "storybank", "version": 1, "applications": [broken]}))
        with pytest.raises(TransferError) as caught:
            read_import(path)
        assert said in str(caught.value) and "\n" not in str(caught.value)
    for question, said in (
        ({"uuid": base["uuid"], "text": "Why?", "kinds": ["lunch"]},
         "questions_to_ask[0].text: choose the kinds of round the question suits"),
        ({"uuid": base["uuid"], "text": "  ", "kinds": ["peer"]},
         "questions_to_ask[0].text: a question needs its words"),
        ({"uuid": base["uuid"], "text": "Why?", "kinds": ["peer"], "hidden": "yes"},
         "questions_to_ask[0].hidden: must be true or false"),
    ):  # fmt: skip
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"format": "storybank", "version": 1,
                                    "questions_to_ask": [question]}))  # fmt: skip
        with pytest.raises(TransferError) as caught:
            read_import(path)
        assert said in str(caught.value) and "\n" not in str(caught.value)
    for telling, said in (
        (
            {"story": base["uuid"], "seconds": 45, "text": "x"},
            "tellings[0].seconds: must be one of",
        ),
        ({"seconds": 30, "text": "x"}, "tellings[0].story: must be a uuid"),
    ):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"format": "storybank", "version": 1, "tellings": [telling]}))
        with pytest.raises(TransferError) as caught:
            read_import(path)
        assert said in str(caught.value) and "\n" not in str(caught.value)


def test_a_prompt_missed_in_a_real_round_comes_back_first_until_practised(
    repo: Repository,
) -> None:
    from storybank.core.practice import DeckKind, DeckSpec
    from storybank.core.session import Answer, DeckEntry
    from storybank.services.practice import PracticeService

    stories = StoryService(repo, repo.db.path.parent)
    practice = PracticeService(stories, now=lambda: MONDAY + timedelta(days=1))
    apps = ApplicationService(stories)
    prompt = practice.prompts()[7]
    made = apps.create("Netflix", rounds=LOOP[:1])
    apps.update_round(apps.application(made).rounds[0].id, scheduled_at=MONDAY)  # type: ignore[union-attr]
    found = apps.application(made).rounds[0]  # type: ignore[union-attr]
    apps.save_debrief(found, [DebriefItem(f"  {prompt.text.upper()} ", None, Outcome.MISSED)])
    assert apps.debrief(found.id)[0].prompt_uuid == prompt.uuid  # known by its text
    for kind in (DeckKind.DUE, DeckKind.MOCK, DeckKind.ALL):
        deck = practice.session_deck(DeckSpec(kind))
        assert deck[0].prompt.uuid == prompt.uuid
        assert deck[0].reason == "missed in the Netflix Recruiter call: again, sooner"
        assert [e.prompt.uuid for e in deck].count(prompt.uuid) == 1
    practice.save_answer(
        Answer(DeckEntry(prompt, ""), started_at=MONDAY + timedelta(hours=5), duration=80.0)
    )
    assert practice.session_deck(DeckSpec(DeckKind.DUE))[0].reason != (
        "missed in the Netflix Recruiter call: again, sooner"
    )
