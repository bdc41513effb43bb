"""Backups of the story bank: made with SQLite's online backup API, verified,
rotated, listed and restored.

A backup is written under a temporary name, checked with ``integrity_check``
and only then given its final name, so a half-made backup never looks like a
good one. A temporary file left by a backup that was killed is removed by the
next one. Rotation keeps the most recent few, the newest of each recent day
and the newest of each recent week. Only regular files with a backup's exact
name (and a real date in it) count as backups: nothing else in the folder is
listed, and rotation deletes nothing else.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storybank.core.database import StorageError, connect_read_only
from storybank.paths import ensure_private_dir, make_private

BACKUP_DIR_NAME = "backups"
_NAME = re.compile(r"^storybank-(\d{8}-\d{6}-\d{6})-([a-z0-9-]+)\.sqlite3$")
#: A backup's temporary file (and SQLite's files beside it): ``.backup-PID-XXXXXXXX.tmp``.
_TEMPORARY = re.compile(r"^\.backup-(?:(\d+)-)?[a-z0-9_]{8}\.tmp(?:-journal|-wal|-shm)?$")
#: A temporary file whose writer cannot be told (older versions put no
#: process id in the name; another system's process cannot be looked up) is
#: left alone until it is this old.
STALE_AFTER_SECONDS = 3600


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
        with closing(connect_read_only(path)) as conn:
            return str(conn.execute(f"PRAGMA {pragma}").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def make_backup(database: Path, folder: Path, reason: str, *, now: datetime | None = None) -> Path:
    """Copy the live bank into ``folder``; verify it; return the backup's path.

    The bank is read through a read-only connection: a backup never writes
    to it. Every failure is a :class:`StorageError` with a one-line message.
    """
    now = now or datetime.now(UTC)
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise StorageError(f"Could not back up the story bank: {folder}: {_reason(exc)}") from exc
    remove_stale_temporaries(folder)
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"storybank-{stamp}-{reason}.sqlite3"
    try:
        handle, temporary_name = tempfile.mkstemp(
            prefix=f".backup-{os.getpid()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise StorageError(f"Could not back up the story bank: {folder}: {_reason(exc)}") from exc
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        with (
            closing(connect_read_only(database)) as source,
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
    except OSError as exc:
        raise StorageError(f"Could not back up the story bank: {_reason(exc)}") from exc
    except sqlite3.Error as exc:
        raise StorageError(f"Could not back up the story bank: {exc}") from exc
    finally:
        for suffix in ("", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    return target


def _process_alive(pid: int) -> bool | None:
    """Whether process ``pid`` runs on this computer; None where that cannot be told."""
    if sys.platform == "win32":
        return None  # os.kill(pid, 0) would end the process there
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or not allowed to ask
        return True
    return True


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> list[Path]:
    """Delete temporary files of backups that were killed; return what was deleted.

    Only regular files named the way :func:`make_backup` names them are
    touched: those of a process that has ended, or older than
    :data:`STALE_AFTER_SECONDS` when that cannot be told.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        alive = _process_alive(int(match.group(1))) if match.group(1) else None
        old = now - info.st_mtime > STALE_AFTER_SECONDS
        if alive is False or (alive is None and old):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed


def stories_in(backup: Path) -> int | None:
    """How many stories (not archived, not in the Trash) a backup holds; None if
    it cannot be read. Read-only: a backup is never changed by looking at it."""
    try:
        with closing(connect_read_only(backup, timeout=1)) as conn:
            row = conn.execute(
                "SELECT count(*) FROM story WHERE deleted_at IS NULL AND archived = 0"
            ).fetchone()
    except sqlite3.Error:
        return None
    return int(row[0])


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first.

    A backup is a regular file named like one, with a real date in its name;
    anything else (a link, a folder, a file named for month 13) is not
    listed. A folder that is missing, not a folder or unreadable has none.
    """
    result: list[BackupInfo] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return result
    for entry in entries:
        match = _NAME.match(entry.name)
        if not match:
            continue
        try:
            made = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)
            info = entry.stat(follow_symlinks=False)
        except (ValueError, OSError):
            continue
        if stat.S_ISREG(info.st_mode):
            result.append(BackupInfo(Path(entry.path), made, match.group(2), info.st_size))
    return sorted(result, key=lambda info: info.made_at, reverse=True)


def rotate(folder: Path, policy: BackupPolicy, *, now: datetime | None = None) -> list[Path]:
    """Delete backups the policy does not keep; return what was deleted.

    A backup that cannot be deleted is left (and not returned); rotation
    never fails a backup that was made.
    """
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
            try:
                info.path.unlink(missing_ok=True)
            except OSError:
                continue
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
        # A bank moved aside is restored into a new file: private from the start.
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise StorageError(f"Could not restore the backup: {_reason(exc)}") from exc
    try:
        with (
            closing(connect_read_only(backup)) as source,
            closing(sqlite3.connect(database)) as dest,
        ):
            source.backup(dest)
            dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise StorageError(f"Could not restore the backup: {exc}") from exc
    make_private(database)


def quarantine(database: Path, *, now: datetime | None = None) -> Path:
    """Move a damaged bank (with its -wal and -shm) aside, untouched; return where.

    The caller has closed every connection to it that could write; nothing
    already in ``damaged/`` is replaced.
    """
    now = now or datetime.now(UTC)
    folder = ensure_private_dir(database.parent / "damaged")
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.stem}-{stamp}{database.suffix}"
    number = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        number += 1
        target = folder / f"{database.stem}-{stamp}-{number}{database.suffix}"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    return target
