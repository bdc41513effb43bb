"""Opening a story bank in a data folder: the folder, the file, the packs."""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from pathlib import Path

from storybank.core.backup import make_backup
from storybank.core.database import Database, DatabaseRefused, NoBank, StorageError
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
    make_data_folder(folder)
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


def make_data_folder(folder: Path) -> Path:
    """Create the data folder if needed (private); raise StorageError in plain words."""
    _folder_exists(folder)
    try:
        return ensure_private_dir(folder)
    except OSError as exc:
        raise StorageError(f"Cannot use the data folder {folder}: {_reason(exc)}") from exc


def has_bank(folder: Path) -> bool:
    """Whether ``folder`` holds a bank file; nothing is created or opened.

    Raises StorageError when ``folder``, or a folder above it, is a file: a
    mistyped path is said as such, never taken for an empty bank.
    """
    if not _folder_exists(folder):
        return False
    # A link or a folder in the file's place counts: opening it says what is wrong.
    return os.path.lexists(database_path(folder))


def _folder_exists(folder: Path) -> bool:
    """Whether ``folder`` exists; raise StorageError if it or what holds it is no folder."""
    for path in (folder, *folder.parents):
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # not there yet; what holds it is asked next
        except OSError as exc:
            raise StorageError(f"Cannot use the data folder {folder}: {_reason(exc)}") from exc
        if not stat.S_ISDIR(mode):
            what = "a file, not a folder" if stat.S_ISREG(mode) else "not a folder"
            raise StorageError(f"{path} is {what}")
        return path == folder
    return False


def _throwaway_folder(prefix: str) -> Path:
    """A private temp folder, deleted at exit."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def open_demo_bank() -> tuple[Repository, Path]:
    """Open a throwaway bank filled with the demo stories; it is deleted at exit."""
    folder = _throwaway_folder("storybank-demo-")
    from storybank.core.demo import load_demo

    repo = open_bank(folder)
    load_demo(repo)
    return repo, folder


def open_scratch_bank() -> tuple[Repository, Path]:
    """Open a throwaway empty bank (with the built-in packs); it is deleted at exit.

    What a dry run plans against when the bank it names is not made yet.
    """
    folder = _throwaway_folder("storybank-scratch-")
    return open_bank(folder, verified=True), folder


def open_chosen_bank(
    folder: str | None, demo: bool, *, create: bool = False
) -> tuple[Repository, Path]:
    """Open the bank the command line asked for: the demo, ``folder`` or the default.

    Only with ``create`` is a bank made where there is none (the window and
    ``import`` make banks); otherwise that raises :class:`NoBank` and nothing,
    not even the folder, is made: a mistyped path must not look like an
    empty bank.
    """
    if demo:
        return open_demo_bank()
    chosen = data_dir(folder)
    if not create and not has_bank(chosen):
        raise NoBank(f"no Storybank bank in {chosen}")
    # A command finishes before anyone could read a verdict given later: it
    # works on a file that passed the check, or not at all.
    return open_bank(chosen, verified=True), chosen
