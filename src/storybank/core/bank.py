"""Opening a story bank in a data folder: the folder, the file, the packs."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from storybank.core.backup import make_backup
from storybank.core.database import Database, DatabaseRefused, StorageError
from storybank.core.packs import builtin_pack_versions, builtin_packs
from storybank.core.repository import Repository
from storybank.paths import data_dir, database_path, ensure_private_dir


def open_bank(folder: Path, *, verified: bool = False) -> Repository:
    """Open (creating if needed) the bank in ``folder``; raise StorageError if refused.

    ``verified`` waits for the structural check (the window does not: it
    opens while the check runs). A start-up read that fails on a damaged file
    raises :class:`~storybank.core.database.DatabaseDamaged`, wherever the
    damage is, so that recovery is offered.
    """
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise StorageError(f"Cannot use the data folder {folder}: {_reason(exc)}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseRefused(
            f"Storybank cannot write in {folder}. Check the folder's permissions "
            "(Storybank left them as they are)."
        )
    db = Database.open(
        database_path(folder),
        backup=lambda path, reason: make_backup(path, folder / "backups", reason),
    )
    try:
        if verified:
            db.verify()
        repo = Repository(db)
        stored = repo.pack_versions()
        shipped = builtin_pack_versions()
        if any(version is None or stored.get(key, 0) < version for key, version in shipped.items()):
            repo.sync_packs(builtin_packs())  # a pack is new or moved on: read them in full
    except StorageError as exc:
        damaged = exc if isinstance(exc, DatabaseRefused) else db.damage_behind(exc)
        db.close()
        if damaged is not None and damaged is not exc:
            raise damaged from exc
        raise
    except BaseException:
        db.close()
        raise
    return repo


def _reason(exc: OSError) -> str:
    return f"{exc.strerror}." if exc.strerror else str(exc)


def open_demo_bank() -> tuple[Repository, Path]:
    """Open a throwaway bank filled with the demo stories; it is deleted at exit."""
    folder = Path(tempfile.mkdtemp(prefix="storybank-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    from storybank.core.demo import load_demo

    repo = open_bank(folder)
    load_demo(repo)
    return repo, folder


def open_chosen_bank(folder: str | None, demo: bool) -> tuple[Repository, Path]:
    """Open the bank the command line asked for: the demo, ``folder`` or the default."""
    if demo:
        return open_demo_bank()
    chosen = data_dir(folder)
    # A command finishes before anyone could read a verdict given later: it
    # works on a file that passed the check, or not at all.
    return open_bank(chosen, verified=True), chosen
