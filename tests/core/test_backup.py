"""Backups: verified copies, rotation, restore and quarantine."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storybank.core.backup import (
    BackupPolicy,
    backup_dir,
    check_file,
    list_backups,
    make_backup,
    newest_good_backup,
    quarantine,
    restore_backup,
    rotate,
)
from storybank.core.bank import open_bank
from storybank.core.database import StorageError
from storybank.core.repository import Repository

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def test_backup_is_a_verified_private_copy(repo: Repository, data_dir: Path) -> None:
    story = repo.create_story(title="Keep me 🚀")
    path = make_backup(repo.db.path, backup_dir(data_dir), "manual")
    assert check_file(path) == "ok"
    assert path.stat().st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("SELECT title FROM story WHERE id = ?", (story.id,)).fetchone() == (
            "Keep me 🚀",
        )
    conn.close()
    (info,) = list_backups(backup_dir(data_dir))
    assert info.reason == "manual" and info.path == path
    assert [p.name for p in backup_dir(data_dir).iterdir() if p.name.endswith(".tmp")] == []


def test_rotation_keeps_recent_daily_and_weekly(tmp_path: Path, repo: Repository) -> None:
    folder = tmp_path / "rotating"
    made = []
    for hours in range(0, 24 * 40, 6):  # every six hours for forty days
        made.append(make_backup(repo.db.path, folder, "exit", now=NOW - timedelta(hours=hours)))
    removed = rotate(folder, BackupPolicy(recent=3, daily=5, weekly=3), now=NOW)
    kept = list_backups(folder)
    assert len(kept) + len(removed) == len(made)
    assert [k.path for k in kept[:3]] == made[:3]  # the three most recent
    days = {k.made_at.date() for k in kept}
    assert {(NOW - timedelta(days=d)).date() for d in range(5)} <= days
    assert len(kept) <= 3 + 5 + 3
    assert kept[-1].made_at > NOW - timedelta(weeks=3)


def test_restore_brings_back_the_old_state(data_dir: Path) -> None:
    repo = open_bank(data_dir)
    repo.create_story(title="Before")
    backup = make_backup(repo.db.path, backup_dir(data_dir), "manual")
    repo.create_story(title="After")
    repo.db.close()
    restore_backup(backup, repo.db.path)
    again = open_bank(data_dir)
    assert [row.title for row in again.list_stories()] == ["Before"]
    again.db.close()


def test_damaged_backups_are_refused_and_skipped(repo: Repository, data_dir: Path) -> None:
    good = make_backup(repo.db.path, backup_dir(data_dir), "manual", now=NOW)
    bad = make_backup(repo.db.path, backup_dir(data_dir), "manual", now=NOW + timedelta(hours=1))
    data = bytearray(bad.read_bytes())
    data[100:3000] = b"\x00" * 2900
    bad.write_bytes(bytes(data))
    newest = newest_good_backup(backup_dir(data_dir))
    assert newest is not None and newest.path == good
    with pytest.raises(StorageError, match="damaged"):
        restore_backup(bad, repo.db.path)


def test_quarantine_moves_the_file_and_its_journal(tmp_path: Path) -> None:
    bank = tmp_path / "storybank.sqlite3"
    bank.write_bytes(b"garbage")
    Path(f"{bank}-wal").write_bytes(b"wal")
    moved = quarantine(bank, now=NOW)
    assert not bank.exists() and not Path(f"{bank}-wal").exists()
    assert moved.read_bytes() == b"garbage"
    assert Path(f"{moved}-wal").read_bytes() == b"wal"
    assert moved.parent == tmp_path / "damaged"


def test_damaged_bank_is_refused_untouched(data_dir: Path) -> None:
    from storybank.core.database import DatabaseDamaged, inspect_file

    repo = open_bank(data_dir)
    for n in range(50):
        repo.create_story(title=f"Story {n}", action="x" * 2000)
    repo.db.close()
    bank = data_dir / "storybank.sqlite3"
    data = bytearray(bank.read_bytes())
    data[8192:12288] = b"\xaa" * 4096  # a wrecked page in the middle
    bank.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged):
        inspect_file(bank)  # the full check, as `storybank check` runs it
    # The app opens at once and checks in the background; no write gets in.
    damaged = open_bank(data_dir)
    assert damaged.db.integrity is not None
    with pytest.raises(DatabaseDamaged, match="damaged"):
        damaged.create_story(title="Lost?")
    assert damaged.db.integrity.done() and damaged.db.integrity.problem
    damaged.db.close()
    assert bank.read_bytes() == bytes(data)


def test_a_backup_says_how_many_stories_it_holds_without_changing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from storybank.core.backup import stories_in

    bank = open_bank(tmp_path / "bank")
    for title in ("One", "Two", "Three"):
        bank.create_story(title=title)
    trashed = bank.create_story(title="Gone")
    bank.set_trashed(trashed.id, True)
    copy = make_backup(bank.db.path, tmp_path / "backups", "manual")
    bank.db.close()
    before = copy.read_bytes()
    assert stories_in(copy) == 3
    assert copy.read_bytes() == before
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    assert stories_in(junk) is None
