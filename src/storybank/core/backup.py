"""Backups of the story bank: made with SQLite's online backup API, verified,
rotated, listed and restored.

A backup is written under a temporary name, checked with ``integrity_check``
and only then given its final name, so a half-made backup never looks like a
good one. Rotation keeps the most recent few, the newest of each recent day
and the newest of each recent week.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storybank.core.database import StorageError
from storybank.paths import ensure_private_dir, make_private

BACKUP_DIR_NAME = "backups"
_NAME = re.compile(r"^storybank-(\d{8}-\d{6}-\d{6})-([a-z0-9-]+)\.sqlite3$")


@dataclass(frozen=True, slots=True)
class BackupPolicy:
    """How many backups rotation keeps."""

    recent: int = 5
    daily: int = 7
    weekly: int = 4


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file."""

    path: Path
    made_at: datetime
    reason: str
    size: int


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR_NAME


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def check_file(path: Path, *, quick: bool = False) -> str:
    """``integrity_check`` (or ``quick_check``) of an SQLite file, read-only."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            return str(conn.execute(f"PRAGMA {pragma}").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)


def make_backup(database: Path, folder: Path, reason: str, *, now: datetime | None = None) -> Path:
    """Copy the live bank into ``folder``; verify it; return the backup's path."""
    now = now or datetime.now(UTC)
    ensure_private_dir(folder)
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"storybank-{stamp}-{reason}.sqlite3"
    handle, temporary_name = tempfile.mkstemp(prefix=".backup-", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(temporary)) as dest,
        ):
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        result = check_file(temporary)
        if result != "ok":
            raise StorageError(f"The backup of {database} failed its check: {result}")
        _fsync(temporary)
        make_private(temporary)
        os.replace(temporary, target)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"Could not back up the story bank: {exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return target


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first."""
    result = []
    if not folder.is_dir():
        return result
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match:
            continue
        made = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)
        result.append(BackupInfo(path, made, match.group(2), path.stat().st_size))
    return sorted(result, key=lambda info: info.made_at, reverse=True)


def rotate(folder: Path, policy: BackupPolicy, *, now: datetime | None = None) -> list[Path]:
    """Delete backups the policy does not keep; return what was deleted."""
    now = now or datetime.now(UTC)
    backups = list_backups(folder)
    keep = {info.path for info in backups[: policy.recent]}
    days: set[str] = set()
    weeks: set[tuple[int, int]] = set()
    for info in backups:  # newest first: the first seen of each day/week is kept
        day = info.made_at.date().isoformat()
        recent_day = now - info.made_at < timedelta(days=policy.daily)
        if recent_day and len(days) < policy.daily and day not in days:
            days.add(day)
            keep.add(info.path)
        year, week, _weekday = info.made_at.isocalendar()
        recent_week = now - info.made_at < timedelta(weeks=policy.weekly)
        if recent_week and len(weeks) < policy.weekly and (year, week) not in weeks:
            weeks.add((year, week))
            keep.add(info.path)
    removed = []
    for info in backups:
        if info.path not in keep:
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def newest_good_backup(folder: Path) -> BackupInfo | None:
    """The newest backup that passes ``quick_check``."""
    for info in list_backups(folder):
        if check_file(info.path, quick=True) == "ok":
            return info
    return None


def restore_backup(backup: Path, database: Path) -> None:
    """Copy a backup over the bank (whose connections must be closed).

    The caller backs up the current state first. The copy goes through the
    backup API into the live file, so its -wal is reset consistently.
    """
    result = check_file(backup)
    if result != "ok":
        raise StorageError(f"That backup is damaged ({result}); choose another one.")
    try:
        with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(database)) as dest:
            source.backup(dest)
            dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise StorageError(f"Could not restore the backup: {exc}") from exc
    make_private(database)


def quarantine(database: Path, *, now: datetime | None = None) -> Path:
    """Move a damaged bank (with its -wal and -shm) aside, untouched; return where."""
    now = now or datetime.now(UTC)
    folder = ensure_private_dir(database.parent / "damaged")
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.stem}-{stamp}{database.suffix}"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    return target
