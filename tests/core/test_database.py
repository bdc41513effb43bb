"""Opening banks: pragmas, migrations, the fast path, and refused files."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from storybank.core.bank import open_bank
from storybank.core.database import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    SCHEMA_REVISIONS,
    Database,
    DatabaseRefused,
    inspect_file,
)
from storybank.paths import database_path

FIXTURES = Path(__file__).parent.parent / "data"


def no_backup_expected(path: Path, reason: str) -> None:
    raise AssertionError(f"no migration was expected: {reason}")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_known_revisions_match_the_alembic_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert tuple(chain) == SCHEMA_REVISIONS
    assert scripts.get_current_head() == HEAD_REVISION


def test_new_bank_is_created_at_head_with_pragmas(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "bank.sqlite3", backup=no_backup_expected)
    try:
        with db.write() as session:
            conn = session.connection()
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        db.close()
    assert inspect_file(tmp_path / "bank.sqlite3") == HEAD_REVISION


def test_write_transactions_begin_immediate(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "bank.sqlite3", backup=no_backup_expected)
    statements: list[str] = []
    from sqlalchemy import event

    @event.listens_for(db.engine, "before_cursor_execute")
    def remember(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    try:
        with db.write() as session:
            session.connection().execute(text("SELECT 1"))
    finally:
        db.close()
    assert "BEGIN IMMEDIATE" in statements


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_data_folder_and_database_are_private(data_dir: Path) -> None:
    repo = open_bank(data_dir)
    repo.db.close()
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert database_path(data_dir).stat().st_mode & 0o777 == 0o600


def test_bank_at_head_opens_without_importing_alembic(data_dir: Path) -> None:
    open_bank(data_dir).db.close()
    code = (
        "import sys\nfrom pathlib import Path\nfrom storybank.core.bank import open_bank\n"
        f"open_bank(Path({str(data_dir)!r})).db.close()\n"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_fixture_of_first_schema_migrates_to_head_with_data_intact(tmp_path: Path) -> None:
    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0001.sqlite3", target)
    repo = open_bank(tmp_path)
    try:
        assert inspect_file(target) == HEAD_REVISION
        titles = {row.title for row in repo.list_stories()}
        assert "Hearing that my code reviews were discouraging the team" in titles
        edge = next(r for r in repo.list_stories("emoji") if "🚀" in r.title)
        record = repo.get_story(edge.id)
        assert record.action.startswith("مرحبا")
        assert "<script>alert(1)</script>" in record.result
        assert record.tags == ("edge", "unicode")
        assert repo.list_stories("retention")  # the full-text index still answers
    finally:
        repo.db.close()


def test_older_bank_is_backed_up_before_migrating(tmp_path: Path) -> None:
    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0001.sqlite3", target)
    with closing(sqlite3.connect(target)) as conn, conn:  # pretend it predates revision 0001
        conn.execute("DELETE FROM alembic_version")
        conn.execute("DROP TABLE story_fts")
        for name in ("story", "framework", "value", "story_value", "tag", "story_tag"):
            conn.execute(f"DROP TABLE {name}")
    conn.close()
    assert inspect_file(target) is None
    open_bank(tmp_path).db.close()
    assert inspect_file(target) == HEAD_REVISION


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0001.sqlite3", target)
    with closing(sqlite3.connect(target)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = digest(target)
    with pytest.raises(DatabaseRefused, match="newer version"):
        open_bank(tmp_path)
    assert digest(target) == before
    assert not (tmp_path / "backups").exists()


def test_non_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "storybank.sqlite3"
    target.write_text("these are my notes, not a database\n" * 100)
    before = digest(target)
    with pytest.raises(DatabaseRefused, match="not an SQLite file"):
        open_bank(tmp_path)
    assert digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["storybank.sqlite3"]


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "storybank.sqlite3"
    with closing(sqlite3.connect(target)) as conn, conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    before = digest(target)
    with pytest.raises(DatabaseRefused, match="not a Storybank database"):
        open_bank(tmp_path)
    assert digest(target) == before


def test_damaged_sqlite_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "storybank.sqlite3"
    target.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = digest(target)
    with pytest.raises(DatabaseRefused, match="damaged"):
        open_bank(tmp_path)
    assert digest(target) == before


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "storybank.sqlite3"
    open_bank(tmp_path).db.close()
    before = digest(target)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == target else real_access(p, mode)
    )
    with pytest.raises(DatabaseRefused, match="cannot read and write"):
        open_bank(tmp_path)
    assert digest(target) == before


def test_fts_index_follows_inserts_updates_and_deletes(repo) -> None:  # type: ignore[no-untyped-def]
    story = repo.create_story(title="Kiwi launch", action="I negotiated with finance")
    assert [r.id for r in repo.list_stories("negotia")] == [story.id]
    repo.update_story(story.id, {"action": "I rebuilt the pipeline"})
    assert repo.list_stories("negotia") == []
    assert [r.id for r in repo.list_stories("pipeline")] == [story.id]
    repo.purge_story(story.id)
    assert repo.list_stories("pipeline") == []
    # The FTS5 check is an INSERT: it runs on a write connection (the reader is read-only).
    with repo.db.write() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO story_fts(story_fts, rank) VALUES ('integrity-check', 1)"
        )


def test_start_up_and_reads_import_no_orm(data_dir: Path) -> None:
    repo = open_bank(data_dir)
    repo.create_story(title="Warm", action="I did it")
    repo.db.close()
    code = (
        "import sys\nfrom pathlib import Path\nfrom storybank.core.bank import open_bank\n"
        f"repo = open_bank(Path({str(data_dir)!r}))\n"
        "rows = repo.list_stories('did')\n"
        "repo.get_story(rows[0].id); repo.packs(); repo.tag_names(); repo.count_stories()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', "
        "'pydantic', 'alembic', 'markdown', 'yaml'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fixture_of_schema_0003_opens_with_practice_data(tmp_path: Path) -> None:
    from storybank.core.practice_repository import PracticeRepository

    shutil.copy(FIXTURES / "schema-0003.sqlite3", tmp_path / "storybank.sqlite3")
    repo = open_bank(tmp_path)
    try:
        practice = PracticeRepository(repo.db)
        (attempt,) = practice.attempts()
        assert (attempt.duration_seconds, attempt.rating) == (101.5, 3)
        assert len(practice.review_states()) == 1
        assert len(practice.prompts()) >= 150
        assert repo.dismissed_keys(attempt.story_id) == {"reflection:reflection"}
    finally:
        repo.db.close()


def test_search_index_of_an_old_bank_is_rebuilt_with_one_letter_prefixes(
    tmp_path: Path,
) -> None:
    shutil.copy(FIXTURES / "schema-0003.sqlite3", tmp_path / "storybank.sqlite3")
    repo = open_bank(tmp_path)
    try:
        (definition,) = repo._rows("SELECT sql FROM sqlite_master WHERE name = 'story_fts'")
        assert "prefix='1 2 3'" in definition[0]
        # Every story is found again by the first letter of its title.
        for story_id in repo.story_ids():
            letter = next(c for c in repo.get_story(story_id).title if c.isalnum())
            assert story_id in repo.story_ids(letter)
        # The triggers still keep the rebuilt index in step.
        new = repo.create_story(title="Quokka wrangling", action="zebra crossing").id
        assert new in repo.story_ids("q")
        assert repo.story_ids("zebra") == [new]
    finally:
        repo.db.close()


def _migrate_to(path: Path, revision: str) -> None:
    """Bring the bank at ``path`` to ``revision`` exactly, not to the head."""
    from storybank.core.database import upgrade

    upgrade(path, revision)


def test_a_bank_of_the_previous_head_gains_rubric_readings_on_its_attempts(
    tmp_path: Path,
) -> None:
    from storybank.core.practice_repository import PracticeRepository

    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0003.sqlite3", target)
    _migrate_to(target, "0005")
    assert inspect_file(target) == "0005"
    backups: list[str] = []
    db = Database.open(target, backup=lambda _path, reason: backups.append(reason))
    try:
        assert backups == ["before-migration-0005"]
        assert inspect_file(target) == HEAD_REVISION
        with closing(sqlite3.connect(target)) as conn:
            columns = {row[1]: row for row in conn.execute("PRAGMA table_info(attempt)")}
        assert columns["self_rubric"][2:4] == ("VARCHAR", 0)  # text, nullable
        assert columns["coach_rubric"][2:4] == ("VARCHAR", 0)
        practice = PracticeRepository(db)
        (old,) = practice.attempts()
        assert (old.duration_seconds, old.rating) == (101.5, 3)  # kept as it was
        assert (old.self_rubric, old.coach_rubric) == ({}, {})
        assert practice.rubric_readings() == []
        new = practice.add_attempt(
            old.prompt_uuid,
            story_id=old.story_id,
            started_at=old.started_at,
            duration=60,
            rating=None,
            self_rubric={"ownership": 4},
            coach_rubric={"ownership": 2.5},
        )
        assert practice.attempts()[-1].attempt_id == new
        assert practice.rubric_readings() == [({"ownership": 4}, {"ownership": 2.5})]
    finally:
        db.close()


def test_fixture_of_schema_0006_opens_with_rubric_readings(tmp_path: Path) -> None:
    from storybank.core.practice_repository import PracticeRepository

    shutil.copy(FIXTURES / "schema-0006.sqlite3", tmp_path / "storybank.sqlite3")
    repo = open_bank(tmp_path)
    try:
        old, rated = PracticeRepository(repo.db).attempts()
        assert (old.self_rubric, old.coach_rubric) == ({}, {})
        assert (rated.duration_seconds, rated.rating, rated.session) == (118.0, 4, "fixture-0006")
        assert rated.self_rubric == {"ownership": 5, "specificity": 3, "result": 4, "structure": 2}
        assert rated.coach_rubric == {
            "ownership": 3.5,
            "specificity": 2.75,
            "result": 4.0,
            "reflection": 1.0,
            "structure": 3.25,
        }
        assert rated.story_id == old.story_id
    finally:
        repo.db.close()


def test_a_bank_of_schema_0006_gains_recordings_on_its_attempts(tmp_path: Path) -> None:
    from storybank.core.practice_repository import PracticeRepository

    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0006.sqlite3", target)
    backups: list[str] = []
    db = Database.open(target, backup=lambda _path, reason: backups.append(reason))
    try:
        assert backups == ["before-migration-0006"]
        assert inspect_file(target) == HEAD_REVISION
        with closing(sqlite3.connect(target)) as conn:
            columns = {row[1]: row for row in conn.execute("PRAGMA table_info(attempt)")}
        assert columns["recording"][2:4] == ("VARCHAR", 0)  # text, nullable
        assert columns["delivery"][2:4] == ("VARCHAR", 0)
        practice = PracticeRepository(db)
        old, rated = practice.attempts()
        assert (rated.duration_seconds, rated.rating, rated.self_rubric["ownership"]) == (118, 4, 5)
        assert (old.recording, old.delivery, rated.recording, rated.delivery) == (None,) * 4
        assert practice.takes() == []
    finally:
        db.close()


def test_fixture_of_schema_0007_opens_with_a_recorded_answer(tmp_path: Path) -> None:
    from storybank.core.practice_repository import PracticeRepository

    shutil.copy(FIXTURES / "schema-0007.sqlite3", tmp_path / "storybank.sqlite3")
    repo = open_bank(tmp_path)
    try:
        practice = PracticeRepository(repo.db)
        old, rated = practice.attempts()
        assert old.recording is None and old.delivery is None
        assert rated.recording == "0123456789abcdef0123456789abcdef.wav"
        assert rated.delivery is not None
        assert (rated.delivery.pauses, rated.delivery.long_pauses) == (6, 1)
        assert rated.delivery.words_per_minute == 141.0
        [take] = practice.takes()
        assert (take.attempt_id, take.name) == (rated.attempt_id, rated.recording)
        practice.untie_takes([rated.attempt_id])
        assert practice.takes() == [] and practice.attempts()[1].delivery == rated.delivery
    finally:
        repo.db.close()


def test_fixture_of_schema_0008_opens_with_an_application_told_a_story(tmp_path: Path) -> None:
    from storybank.core.applications import ApplicationRepository, Outcome, Status

    shutil.copy(FIXTURES / "schema-0008.sqlite3", tmp_path / "storybank.sqlite3")
    repo = open_bank(tmp_path)
    try:
        loops = ApplicationRepository(repo.db)
        (app,) = loops.applications()
        assert (app.company, app.status, app.packs, app.notes) == (
            "Netflix", Status.INTERVIEWING, ("netflix-culture",), "fixture-0008",
        )  # fmt: skip
        assert [(r.name, r.done, r.interviewer) for r in app.rounds] == [
            ("Recruiter call", True, "Dana, recruiter"), ("Hiring-manager screen", False, ""),
        ]  # fmt: skip
        (telling,) = loops.tellings()
        assert (telling.company, telling.outcome) == ("Netflix", Outcome.STRONG)
        assert loops.angles(app.id) == {telling.story_id: "lead with the candor part"}
    finally:
        repo.db.close()


def test_fixture_of_schema_0009_opens_with_questions_of_ones_own(tmp_path: Path) -> None:
    from storybank.core.applications import ApplicationRepository
    from storybank.core.loops import builtin_questions

    shutil.copy(FIXTURES / "schema-0009.sqlite3", tmp_path / "storybank.sqlite3")
    repo = open_bank(tmp_path)
    try:
        mine, hidden = ApplicationRepository(repo.db).my_questions()
        assert mine.text.endswith("fixture-0009") and mine.kind_keys == ["recruiter", "general"]
        assert hidden.hidden and hidden.uuid == builtin_questions().questions[0].uuid
        bank = builtin_questions().merged([mine, hidden])
        assert bank.for_kind("recruiter")[0] == replace(mine, own=True)
        assert hidden.uuid not in {q.uuid for q in bank.for_kind("recruiter")}
        assert "fixture-pack" not in {p.key for p in repo.packs()}
        (own,) = [p for p in repo.packs(removed=True) if p.removed]
        assert (own.key, own.values[0].themes) == ("fixture-pack", ("ownership", "failure"))
        amazon = next(p for p in repo.packs() if p.key == "amazon-leadership-principles")
        assert amazon.checked and amazon.values[0].themes
        reader = repo.db.reader()
        (telling,) = reader.execute("SELECT seconds, text FROM story_version").fetchall()
        assert telling == (30, "The 30-second telling. fixture-0009")
        terms = reader.execute("SELECT kind, term, alias FROM sensitive_term ORDER BY position")
        assert terms.fetchall() == [
            ("term", "Acme Corp", "a top-5 US retailer"), ("pattern", "currency", "~$XM"),
        ]  # fmt: skip
    finally:
        repo.db.close()


def test_a_bank_of_schema_0008_gains_an_empty_questions_table(tmp_path: Path) -> None:
    from storybank.core.applications import ApplicationRepository

    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0008.sqlite3", target)
    backups: list[str] = []
    db = Database.open(target, backup=lambda _path, reason: backups.append(reason))
    try:
        assert backups == ["before-migration-0008"] and inspect_file(target) == "0009"
        assert ApplicationRepository(db).my_questions() == []
        assert len(ApplicationRepository(db).applications()) == 1
    finally:
        db.close()


def test_a_bank_of_schema_0007_gains_empty_application_tables(tmp_path: Path) -> None:
    from storybank.core.applications import ApplicationRepository

    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0007.sqlite3", target)
    backups: list[str] = []
    db = Database.open(target, backup=lambda _path, reason: backups.append(reason))
    try:
        assert backups == ["before-migration-0007"] and inspect_file(target) == HEAD_REVISION
        assert ApplicationRepository(db).applications() == []
        assert ApplicationRepository(db).tellings() == []
    finally:
        db.close()


def test_rubric_readings_a_hand_edited_bank_spoilt_are_dropped_on_read(tmp_path: Path) -> None:
    from storybank.core.practice_repository import PracticeRepository

    target = tmp_path / "storybank.sqlite3"
    shutil.copy(FIXTURES / "schema-0006.sqlite3", target)
    with closing(sqlite3.connect(target)) as conn, conn:
        conn.execute(
            "UPDATE attempt SET self_rubric = ?, coach_rubric = ? WHERE id = 1",
            ('{"ownership": 9, "result": 2, "charisma": 5, "fit": 2.5}', "{not json"),
        )
        conn.execute("UPDATE attempt SET coach_rubric = '[3, 4]' WHERE id = 2")
    conn.close()
    repo = open_bank(tmp_path)
    try:
        practice = PracticeRepository(repo.db)
        first, second = practice.attempts()
        assert (first.self_rubric, first.coach_rubric) == ({"result": 2}, {})
        assert second.coach_rubric == {}
        assert practice.rubric_readings() == [({"result": 2}, {}), (second.self_rubric, {})]
        assert [a.self_rubric for a in practice.export_attempts()] == [
            {"result": 2},
            second.self_rubric,
        ]
    finally:
        repo.db.close()
