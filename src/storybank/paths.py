"""Where Storybank keeps its data and settings.

The data folder holds the SQLite file and its backups. It is chosen, in order,
by ``--data-dir``, the ``STORYBANK_DATA_DIR`` environment variable, and the
platform's user data folder. Settings live in ``STORYBANK_CONFIG_DIR`` if it
is set; otherwise a bank in a folder of the user's choosing keeps them beside
it (so that two banks never share a window layout or a last-opened story),
and the bank in the platform's data folder keeps them in the platform's
config folder (tests always point both variables at temp folders).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import platformdirs

APP_NAME = "storybank"
DATA_ENV = "STORYBANK_DATA_DIR"
CONFIG_ENV = "STORYBANK_CONFIG_DIR"
DATABASE_NAME = "storybank.sqlite3"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder (not created)."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def default_data_dir() -> Path:
    """The platform's user data folder: the data folder nobody chose."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir(data_folder: Path | None = None) -> Path:
    """Return the folder that holds the settings of the bank in ``data_folder`` (not created).

    ``STORYBANK_CONFIG_DIR`` wins. Else a bank in a chosen folder (by
    ``--data-dir`` or ``STORYBANK_DATA_DIR``) keeps its settings in that folder,
    and the bank in the default one (or none given: the demo) in the
    platform's user config folder.
    """
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser().resolve()
    if data_folder is not None and data_folder.resolve() != default_data_dir().resolve():
        return data_folder
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` if needed; on POSIX take away every permission of others.

    Permissions are only ever narrowed: a folder its owner made read-only
    stays read-only (writing into it then fails, with a message, instead of
    Storybank quietly making it writable again).
    """
    path.mkdir(parents=True, exist_ok=True)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder.")
    _narrow(path)
    return path


def make_private(path: Path) -> None:
    """Take away every permission of others from a file on POSIX (never widens).

    A no-op elsewhere, or if the file is missing.
    """
    _narrow(path)


def _narrow(path: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        path.chmod(mode & 0o700)


def database_path(folder: Path) -> Path:
    """The story bank file inside a data folder."""
    return folder / DATABASE_NAME
