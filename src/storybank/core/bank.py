"""Opening a story bank in a data folder: the folder, the file, the packs."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from storybank.core.database import Database
from storybank.core.packs import builtin_pack_versions, builtin_packs
from storybank.core.repository import Repository
from storybank.paths import data_dir, database_path, ensure_private_dir


def open_bank(folder: Path) -> Repository:
    """Open (creating if needed) the bank in ``folder``; raise StorageError if refused."""
    ensure_private_dir(folder)
    db = Database.open(database_path(folder), backup_dir=folder / "backups")
    repo = Repository(db)
    stored = repo.pack_versions()
    shipped = builtin_pack_versions()
    if any(version is None or stored.get(key, 0) < version for key, version in shipped.items()):
        repo.sync_packs(builtin_packs())  # a pack is new or moved on: read them in full
    return repo


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
    return open_bank(chosen), chosen
