"""Opening the story bank: checks, migrations, connection pragmas, transactions.

A file is inspected read-only before anything else touches it: a file that is
not SQLite, not Storybank's, unreadable or from a newer schema is refused
untouched. A database already at the head revision opens without importing
Alembic or SQLAlchemy (the start-up fast path): reads use one plain sqlite3
connection, and the SQLAlchemy engine for writes is made on first use. An
older database is backed up, then migrated.

The structural check (``PRAGMA quick_check``) reads the whole file, so on the
fast path it runs on a thread of its own while the window opens; every write
waits for its verdict, so a damaged file is still caught before anything is
written into it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storybank.paths import make_private

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

#: Every schema revision ever released, oldest first. A test checks that this
#: matches the Alembic scripts, so the fast path never needs to import them.
SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005")
HEAD_REVISION = SCHEMA_REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=FULL",
    "foreign_keys=ON",
    "busy_timeout=5000",
    # Deleted text is overwritten, not left in free pages of the file.
    "secure_delete=ON",
)


class StorageError(Exception):
    """A storage problem the user must be told about in plain words."""


class NotFound(StorageError):
    """The story or value no longer exists."""


class ChangedElsewhere(StorageError):
    """The story was changed by another program since it was read; nothing was written."""


class DatabaseRefused(StorageError):
    """The file cannot be used as a story bank; it was left untouched."""


class NotABank(DatabaseRefused):
    """The file is not a Storybank database (not SQLite, or another app's)."""


class DatabaseDamaged(DatabaseRefused):
    """The file is a Storybank database that fails SQLite's checks."""


class NewerSchema(DatabaseRefused):
    """The file was written by a newer Storybank; this version must not touch it."""


def inspect_file(path: Path, *, quick_check: bool = True) -> str | None:
    """Return the schema revision of ``path``, or None for a new or empty bank.

    Raises :class:`DatabaseRefused` for anything Storybank must not write to.
    Nothing is written to the file. ``quick_check=False`` leaves out the
    structural check of every page (see :class:`IntegrityCheck`).
    """
    if not path.exists():
        return None
    if not path.is_file():
        raise DatabaseRefused(f"{path} is not a file.")
    if not os.access(path, os.R_OK) or not os.access(path, os.W_OK):
        raise DatabaseRefused(
            f"Storybank cannot read and write {path}. Check the file's permissions."
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseRefused(f"Storybank cannot read {path}: {exc.strerror}.") from exc
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise NotABank(
            f"{path} is not a Storybank database (it is not an SQLite file). "
            "It was left untouched; move it away or choose another data folder."
        )
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise NotABank(
                    f"{path} is an SQLite file, but not a Storybank database. "
                    "It was left untouched."
                )
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from exc
    revision = row[0] if row else None
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise NewerSchema(
            f"{path} was written by a newer version of Storybank (schema {revision}). "
            "Update Storybank to open it; this version left it untouched."
        )
    if quick_check:
        IntegrityCheck(path, wait=True).verdict()
    return revision


def _damaged(path: Path, detail: str) -> DatabaseDamaged:
    return DatabaseDamaged(f"{path} is damaged ({detail}). It was left untouched.")


class IntegrityCheck:
    """``PRAGMA quick_check`` of a bank, read-only, on a thread of its own.

    Start-up does not wait for it; :meth:`Database.write` does, so nothing is
    written into a damaged file. The window asks :meth:`done` and shows the
    verdict.
    """

    def __init__(self, path: Path, *, wait: bool = False) -> None:
        self.path = path
        self.problem: str | None = None
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        if wait:
            self._run()
        else:
            self._thread.start()

    def _run(self) -> None:
        try:
            with closing(sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)) as conn:
                rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:  # sqlite3 lets go of the GIL while it reads
            self.problem = str(exc)
            return
        verdict = "; ".join(str(row[0]) for row in rows[:3])
        self.problem = None if verdict == "ok" else verdict

    def done(self) -> bool:
        """Whether the verdict is in (never blocks)."""
        return not self._thread.is_alive()

    def verdict(self) -> None:
        """Wait for the check; raise :class:`DatabaseDamaged` if it found damage."""
        if self._thread.is_alive():
            self._thread.join()
        if self.problem is not None:
            raise _damaged(self.path, self.problem)


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")


def _make_engine(path: Path) -> Engine:
    """An SQLAlchemy engine with our pragmas; BEGIN is issued by us, per transaction."""
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # the driver must not BEGIN on its own
        _apply_pragmas(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _migrate(path: Path, revision: str | None, backup_dir: Path) -> None:
    """Bring the file to the head revision (Alembic is imported only here)."""
    if revision is not None:
        from storybank.core.backup import make_backup

        make_backup(path, backup_dir, f"before-migration-{revision}")
    from alembic import command
    from alembic.config import Config

    engine = _make_engine(path)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


class Database:
    """An open story bank: a plain read connection, and a lazily made write engine."""

    def __init__(self, path: Path, integrity: IntegrityCheck | None = None) -> None:
        self.path = path
        #: The structural check still running (or done) since the bank was opened.
        self.integrity = integrity
        self._reader: sqlite3.Connection | None = None
        self._engine: Engine | None = None

    @classmethod
    def open(cls, path: Path, *, backup_dir: Path | None = None) -> Database:
        """Check, migrate if needed, and open ``path``; raise StorageError if refused.

        At the head revision the structural check goes on in the background
        (:attr:`integrity`); an older file is checked in full before migrating.
        """
        revision = inspect_file(path, quick_check=False)
        if revision == HEAD_REVISION:
            make_private(path)
            return cls(path, IntegrityCheck(path))
        if revision is not None:
            IntegrityCheck(path, wait=True).verdict()
        from sqlalchemy.exc import SQLAlchemyError

        try:
            _migrate(path, revision, backup_dir or path.parent / "backups")
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise StorageError(f"Storybank could not prepare {path}: {exc}") from exc
        make_private(path)
        return cls(path)

    def reader(self) -> sqlite3.Connection:
        """The connection for reads (autocommit: every query sees the latest commit)."""
        if self._reader is None:
            conn = sqlite3.connect(self.path, isolation_level=None)
            _apply_pragmas(conn)
            self._reader = conn
        return self._reader

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (and SQLAlchemy imported) on first use."""
        if self._engine is None:
            self._engine = _make_engine(self.path)
        return self._engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction (BEGIN IMMEDIATE), committed on success.

        Waits for the integrity check first: a damaged file is never written.
        """
        from sqlmodel import Session

        if self.integrity is not None:
            self.integrity.verdict()

        engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Release every connection."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
