"""Stories, values and tags through the repository, on a real SQLite file."""

from __future__ import annotations

import dataclasses
import errno
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storybank.core.database import StorageError
from storybank.core.demo import load_demo
from storybank.core.packs import Pack, PackValue, builtin_packs
from storybank.core.records import TEXT_FIELDS, Strength
from storybank.core.repository import Repository, SortKey, fts_query


def value_id(repo: Repository, key: str) -> int:
    return next(v.id for p in repo.packs() for v in p.values if v.key == key)


def test_new_bank_has_default_pack_active_and_second_inactive(repo: Repository) -> None:
    packs = {p.key: p for p in repo.packs()}
    assert packs["netflix-culture"].active
    assert [v.key for v in packs["netflix-culture"].values] == [
        "freedom",
        "responsibility",
        "candor",
        "context-over-control",
    ]
    assert not packs["netflix-behaviours"].active
    assert len(packs["netflix-behaviours"].values) == 10
    assert [v.name for v in repo.active_values()] == [
        "Freedom",
        "Responsibility",
        "Candor",
        "Context over control",
    ]


def test_create_update_and_read_back(repo: Repository) -> None:
    story = repo.create_story(title="Billing rewrite", company="Acme")
    updated = repo.update_story(story.id, {"action": "I wrote the plan", "result": "-40 %"})
    record = repo.get_story(story.id)
    assert (record.title, record.company, record.action, record.result) == (
        "Billing rewrite",
        "Acme",
        "I wrote the plan",
        "-40 %",
    )
    assert record.updated_at == updated >= story.updated_at
    with pytest.raises(ValueError):
        repo.update_story(story.id, {"nonsense": "x"})


EDGE_TEXT = [
    "x" * 1_000_000,
    "Shipped it 🚀🔥 with 👩🏽‍💻 and flags 🇳🇱",
    "מנהל המוצר ביקש — and then English",
    "مرحبا بالعالم",
    "<script>alert('x')</script><b>bold</b> & &amp; <img src=https://e.com/x.png>",
    "line one\r\nline two\n\ttabbed\u0000nul?",
    "e\u0301 combining, zero\u200bwidth",
]


@pytest.mark.parametrize("text", EDGE_TEXT, ids=range(len(EDGE_TEXT)))
def test_any_text_in_any_field_is_stored_exactly(repo: Repository, text: str) -> None:
    story = repo.create_story()
    repo.update_story(story.id, dict.fromkeys(TEXT_FIELDS, text))
    record = repo.get_story(story.id)
    assert all(record.text(name) == text for name in TEXT_FIELDS)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_search_never_fails_on_any_input(repo: Repository, query: str) -> None:
    # The bank is shared across examples on purpose: searching never writes.
    repo.list_stories(query)


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('neg "feed back" OR x*') == '"neg"* "feed"* "back"* "OR"* "x"*'
    assert fts_query("  !!  ") is None


def test_search_filters_and_sorting(repo: Repository) -> None:
    load_demo(repo)
    hits = [r.title for r in repo.list_stories("code review")]
    assert "Hearing that my code reviews were discouraging the team" in hits
    assert [r.title for r in repo.list_stories("board retent")] == [
        "Refusing to present a flattering retention number to the board"
    ]
    candor = value_id(repo, "candor")
    assert {r.title for r in repo.list_stories(value_id=candor)} >= {
        "Hearing that my code reviews were discouraging the team",
        "Disagreeing with my director about removing the free tier",
    }
    assert all("failure" in r.tags for r in repo.list_stories(tag="FAILURE"))
    assert repo.list_stories(tag="failure")
    titles = [r.title for r in repo.list_stories(sort="title")]
    assert titles == sorted(titles, key=str.casefold)
    newest = repo.list_stories()[-1]
    repo.update_story(newest.id, {"task": "touched"})
    assert repo.list_stories()[0].id == newest.id


def test_values_primary_supporting_and_untag(repo: Repository) -> None:
    story = repo.create_story(title="t")
    candor, freedom = value_id(repo, "candor"), value_id(repo, "freedom")
    repo.set_story_value(story.id, candor, Strength.PRIMARY)
    repo.set_story_value(story.id, freedom, Strength.SUPPORTING)
    assert repo.get_story(story.id).values == {
        candor: Strength.PRIMARY,
        freedom: Strength.SUPPORTING,
    }
    row = repo.list_stories()[0]
    assert row.primary_values == ("Candor",)
    assert row.supporting_values == ("Freedom",)
    repo.set_story_value(story.id, candor, Strength.SUPPORTING)
    repo.set_story_value(story.id, freedom, None)
    assert repo.get_story(story.id).values == {candor: Strength.SUPPORTING}


def test_tags_are_cleaned_deduplicated_and_completed(repo: Repository) -> None:
    a = repo.create_story(title="a")
    b = repo.create_story(title="b")
    assert repo.set_story_tags(a.id, ["Failure", " failure ", "", "team   work"]) == (
        "Failure",
        "team work",
    )
    repo.set_story_tags(b.id, ["failure", "deadline"])
    assert repo.tag_names() == ["deadline", "Failure", "team work"]
    repo.set_story_tags(a.id, [])
    assert repo.tag_names() == ["deadline", "Failure"]


def test_duplicate_trash_restore_archive_and_purge(repo: Repository) -> None:
    story = repo.create_story(title="Original", action="did things")
    repo.set_story_value(story.id, value_id(repo, "candor"), Strength.PRIMARY)
    repo.set_story_tags(story.id, ["feedback"])
    copy = repo.duplicate_story(story.id)
    assert copy.title == "Original (copy)"
    assert copy.uuid != story.uuid
    assert (copy.action, copy.tags) == ("did things", ("feedback",))
    assert copy.values == repo.get_story(story.id).values

    repo.set_trashed(story.id, True)
    assert [r.id for r in repo.list_stories()] == [copy.id]
    assert [r.id for r in repo.list_stories(show="trash")] == [story.id]
    repo.set_trashed(story.id, False)
    repo.set_archived(copy.id, True)
    assert [r.id for r in repo.list_stories()] == [story.id]
    assert [r.id for r in repo.list_stories(show="archived")] == [copy.id]
    assert repo.count_stories() == 1

    repo.purge_story(copy.id)
    with pytest.raises(StorageError):
        repo.get_story(copy.id)
    assert repo.tag_names() == ["feedback"]


def test_reads_for_export_and_import_planning(repo: Repository) -> None:
    kept = repo.create_story(title="Kept", action="did things")
    repo.set_story_value(kept.id, value_id(repo, "candor"), Strength.PRIMARY)
    repo.set_story_tags(kept.id, ["feedback"])
    trashed = repo.create_story(title="Trashed")
    repo.set_trashed(trashed.id, True)
    repo.set_dismissed(kept.id, "no-result", True)
    repo.set_dismissed(trashed.id, "no-result", True)

    (story,) = repo.export_stories()
    assert (story.uuid, story.title, story.action) == (kept.uuid, "Kept", "did things")
    assert (story.values, story.tags) == ({"candor": Strength.PRIMARY}, ("feedback",))
    assert [(d.story_uuid, d.key) for d in repo.dismissed_findings()] == [(kept.uuid, "no-result")]
    bank = repo.stories_by_uuid()
    assert set(bank) == {kept.uuid, trashed.uuid}
    assert bank[trashed.uuid].trashed and not bank[kept.uuid].trashed
    assert bank[kept.uuid].fields["title"] == "Kept"
    assert bank[kept.uuid].values == ((("netflix-culture", "candor"), Strength.PRIMARY),)
    assert bank[kept.uuid].tags == ("feedback",)
    packs = {pack.key: pack for pack in repo.export_packs()}
    assert [v.key for v in packs["netflix-culture"].values] == [
        "freedom",
        "responsibility",
        "candor",
        "context-over-control",
    ]


def test_user_values_add_rename_reorder_hide(repo: Repository) -> None:
    pack = next(p for p in repo.packs() if p.key == "netflix-culture")
    added = repo.add_value(pack.id, "  Customer   obsession ")
    assert (added.key, added.name, added.builtin) == (
        "customer-obsession",
        "Customer obsession",
        False,
    )
    assert repo.add_value(pack.id, "Customer obsession").key == "customer-obsession-2"
    repo.rename_value(value_id(repo, "candor"), "Radical candor")
    repo.move_value(added.id, -10)
    repo.set_value_hidden(value_id(repo, "freedom"), True)
    names = [v.name for v in repo.active_values()]
    assert names[0] == "Customer obsession"
    assert "Radical candor" in names
    assert "Freedom" not in names
    with pytest.raises(StorageError):
        repo.add_value(pack.id, "   ")


def test_pack_upgrade_keeps_user_tagging_and_names(repo: Repository) -> None:
    story = repo.create_story(title="t")
    candor, freedom = value_id(repo, "candor"), value_id(repo, "freedom")
    repo.set_story_value(story.id, candor, Strength.PRIMARY)
    repo.set_story_value(story.id, freedom, Strength.SUPPORTING)
    repo.rename_value(candor, "Honesty")
    old = next(p for p in builtin_packs() if p.key == "netflix-culture")
    kept = tuple(v for v in old.values if v.key != "freedom")
    upgraded = dataclasses.replace(
        old,
        version=old.version + 1,
        values=(
            *(dataclasses.replace(v, name=v.name.upper()) for v in kept),
            PackValue(key="speed", name="Speed", description="Fast.", keywords=()),
        ),
    )
    repo.sync_packs([upgraded])
    assert repo.get_story(story.id).values == {
        candor: Strength.PRIMARY,
        freedom: Strength.SUPPORTING,
    }
    names = {v.key: v.name for v in repo.active_values()}
    assert names["candor"] == "Honesty"  # the user's rename wins
    assert names["responsibility"] == "RESPONSIBILITY"
    assert "speed" in names
    assert "freedom" not in names  # retired: hidden, never deleted
    repo.sync_packs([upgraded])  # same version again: nothing changes
    assert {v.key: v.name for v in repo.active_values()} == names


def test_unknown_pack_value_in_story_file_is_an_error(repo: Repository) -> None:
    from storybank.core.interchange import parse_story_markdown

    parsed = parse_story_markdown("---\ntitle: x\nvalues: {telepathy: primary}\n---\nHi")
    with pytest.raises(StorageError, match="telepathy"):
        repo.add_parsed_story(parsed)
    assert repo.count_stories() == 0


def test_values_matched_by_key_or_name_in_any_case(repo: Repository) -> None:
    from storybank.core.interchange import parse_story_markdown

    parsed = parse_story_markdown(
        "---\nvalues: {Context Over Control: primary, CANDOR: supporting}\n---\nHi"
    )
    record = repo.add_parsed_story(parsed)
    assert record.values == {
        value_id(repo, "context-over-control"): Strength.PRIMARY,
        value_id(repo, "candor"): Strength.SUPPORTING,
    }


def test_demo_bank_covers_every_culture_value(repo: Repository) -> None:
    assert load_demo(repo) >= 6
    rows = repo.list_stories()
    primaries = {name for row in rows for name in row.primary_values}
    assert {"Freedom", "Responsibility", "Candor", "Context over control"} <= primaries
    assert all(r.title and r.company and r.tags for r in rows)


def test_pack_dataclass_is_frozen() -> None:
    pack = builtin_packs()[0]
    assert isinstance(pack, Pack)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pack.name = "x"  # type: ignore[misc]


def test_tag_cut_at_the_limit_has_no_trailing_space() -> None:
    from storybank.core.repository import MAX_TAG_LENGTH, clean_tag

    tag = clean_tag("a" * (MAX_TAG_LENGTH - 1) + " tail")
    assert tag == "a" * (MAX_TAG_LENGTH - 1)
    assert clean_tag(tag) == tag


def test_value_keys_beat_names_of_other_values(repo: Repository) -> None:
    culture = next(p for p in repo.packs() if p.key == "netflix-culture")
    renamed = value_id(repo, "freedom")
    repo.rename_value(renamed, "Candor")  # a name that is another value's key
    assert repo.value_lookup()["candor"] == value_id(repo, "candor")
    assert culture.key == "netflix-culture"


def test_asking_for_outdated_coach_figures_reads_the_index_not_the_stories(
    repo: Repository,
) -> None:
    plan = repo._rows(
        "EXPLAIN QUERY PLAN SELECT 1 FROM story WHERE "
        "(coach_version IS NULL OR coach_version < 1 OR coach_version > 1) LIMIT 1"
    )
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_story_coach_version" in details and "SCAN story" not in details
    first = repo.create_story(title="a").id
    second = repo.create_story(title="b").id
    assert repo.stories_needing_coach(1, 10) == [first, second]
    assert repo.stories_needing_coach(1, 10, after=first) == [second]


@pytest.mark.parametrize("sort", ["updated", "title"])
@pytest.mark.parametrize("query", ["", "b"])
def test_story_list_order_comes_from_an_index_without_a_sort_step(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, sort: SortKey, query: str
) -> None:
    for title in ("b one", "a two", "b three"):
        repo.create_story(title=title)
    asked: list[tuple[str, object]] = []
    rows = repo._rows
    monkeypatch.setattr(
        repo, "_rows", lambda sql, params=(): asked.append((sql, params)) or rows(sql, params)
    )
    ids = repo.story_ids(query, sort=sort)
    sql, params = asked[-1]
    plan = " ".join(str(row[-1]) for row in rows(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "ix_story_list" in plan and "TEMP B-TREE" not in plan
    assert len(ids) == (2 if query else 3)


def _sqlite_error(tmp_path: Path, statements: list[str], *, read_only: bool = False) -> Exception:
    """Run ``statements`` on a real database until SQLite refuses one; return its error."""
    path = tmp_path / "errors.sqlite3"
    sqlite3.connect(path).execute(
        "CREATE TABLE IF NOT EXISTS t (x TEXT NOT NULL)"
    ).connection.close()
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite accepted every statement")


def test_storage_errors_are_told_apart_by_their_codes(tmp_path: Path) -> None:
    from storybank.core.repository import _explain

    full = _sqlite_error(
        tmp_path,
        ["PRAGMA max_page_count = 2", "INSERT INTO t VALUES (hex(randomblob(20000)))"],
    )
    assert _explain(full) == "The disk is full, so changes cannot be saved."
    read_only = _sqlite_error(tmp_path, ["INSERT INTO t VALUES ('x')"], read_only=True)
    assert _explain(read_only) == "The story bank is read-only, so changes cannot be saved."
    assert "full" in _explain(OSError(errno.ENOSPC, "No space left on device"))
    # Anything else is Storybank's own fault, and the message says so.
    bug = _sqlite_error(tmp_path, ["INSERT INTO t VALUES (NULL)"])
    assert "a bug in Storybank" in _explain(bug)
    assert "NOT NULL" in _explain(bug)
