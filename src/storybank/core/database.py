"""Opening the story bank: checks, migrations, connection pragmas, transactions.

A file is inspected read-only before anything else touches it: a file that is
not SQLite, not Storybank's, unreadable or from a newer schema is refused
untouched. A database already at the head revision opens without importing
Alembic or SQLAlchemy (the start-up fast path): reads use one plain sqlite3
connection, and the SQLAlchemy engine for writes is made on first use. An
older database is backed up, then migrated.

The structural check (``PRAGMA quick_check``) reads the whole file, so on the
fast path it runs on a thread of its own, started once the window is up; every
write waits for its verdict, so a damaged file is still caught before anything
is written into it.

Until that verdict is in, the file is only ever opened read-only (a ``mode=ro``
URI): SQLite's last connection to close checkpoints the ``-wal`` into the main
file and deletes it, and a read-only connection cannot, so a damaged file and
its ``-wal`` stay exactly as they were. The SQLAlchemy engine, the only
connection that writes, is made once the check has passed.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storybank.paths import make_private

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

#: Every schema revision ever released, oldest first. A test checks that this
#: matches the Alembic scripts, so the fast path never needs to import them.
SCHEMA_REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008",
    "0009",
)  # fmt: skip
HEAD_REVISION = SCHEMA_REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
#: Pragmas of the read-only read connection (it cannot change the file).
READ_PRAGMAS = ("busy_timeout=5000",)
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


class NoBank(StorageError):
    """The data folder holds no story bank, and the command was not one that makes one."""


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
    if not _is_sqlite(path):
        return None
    with closing(_connect_for_reads(path)) as conn:
        revision = _revision(path, conn)
    if quick_check:
        IntegrityCheck(path, wait=True).verdict()
    return revision


def _revision(path: Path, conn: sqlite3.Connection) -> str | None:
    """The schema revision read on ``conn`` (None: an empty bank); refuse any other file."""
    tables, row = _schema_of(path, conn)
    if not tables:
        return None
    revision = row[0] if row else None
    if revision is None and {t for t in tables if not t.startswith("sqlite_")} - {
        "alembic_version"
    }:
        # Tables, but no revision: not a bank Storybank could have left, and
        # migrating it "from nothing" would run into the tables it has.
        raise _damaged(path, "it holds tables but no schema revision")
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise NewerSchema(
            f"{path} was written by a newer version of Storybank (schema {revision}). "
            "Update Storybank to open it; this version left it untouched."
        )
    return revision


def _is_sqlite(path: Path) -> bool:
    """Whether ``path`` holds an SQLite file (False: missing or empty); refuse anything else."""
    if not path.exists():
        return False
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
        return False
    if header != SQLITE_HEADER:
        raise NotABank(
            f"{path} is not a Storybank database (it is not an SQLite file). "
            "It was left untouched; move it away or choose another data folder."
        )
    return True


def _connect_for_reads(path: Path) -> sqlite3.Connection:
    """A read-only connection in autocommit, as :meth:`Database.reader` keeps it."""
    try:
        conn = connect_read_only(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from exc
    try:
        for pragma in READ_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
    except sqlite3.Error as exc:
        conn.close()
        raise _unreadable(path, exc) from exc
    return conn


def _schema_of(path: Path, conn: sqlite3.Connection) -> tuple[set[str], tuple[str] | None]:
    """The file's tables and its ``alembic_version`` row, read on ``conn``."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not tables:
            return tables, None
        if "alembic_version" not in tables:
            raise NotABank(
                f"{path} is an SQLite file, but not a Storybank database. It was left untouched."
            )
        return tables, conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from exc


def _damaged(path: Path, detail: str) -> DatabaseDamaged:
    return DatabaseDamaged(f"{path} is damaged ({detail}). It was left untouched.")


def _unreadable(path: Path, exc: sqlite3.Error) -> DatabaseRefused:
    """Damage, or a failure to read a file that may well be sound (no room, no access)."""
    if is_damage(exc):
        return _damaged(path, str(exc))
    return DatabaseRefused(f"Storybank cannot read {path}: {exc}. It was left untouched.")


def connect_read_only(path: Path, **kwargs: Any) -> sqlite3.Connection:
    """A connection that cannot write to ``path``, nor checkpoint its -wal on close."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, **kwargs)


def is_damage(exc: BaseException) -> bool:
    """Whether a driver error (or what caused it) says the file is corrupt.

    SQLite reports a corrupt file or one that is not a database as a plain
    ``DatabaseError``; busy, locked, I/O and permission errors are subclasses.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen) is sqlite3.DatabaseError:
            return True
        seen = seen.__cause__
    return False


class IntegrityCheck:
    """``PRAGMA quick_check`` of a bank, read-only, on a thread of its own.

    Start-up does not wait for it; :meth:`Database.write` does, so nothing is
    written into a damaged file. Made with ``start=False`` it waits for
    :meth:`start` (the window starts it once it is up, so that its thread does
    not take turns with the first paint); a write before then runs it in full
    first. The window asks :meth:`done` and shows the verdict. :meth:`stop`
    ends it early (closing the bank does), and waits until its connection is
    closed; a stopped check has no verdict, so :meth:`verdict` then runs it
    again, to the end.
    """

    def __init__(self, path: Path, *, wait: bool = False, start: bool = True) -> None:
        self.path = path
        #: The damage found, once the check is done (None: none found).
        self.problem: str | None = None
        #: Why the check could not run (no room for the -shm, I/O error): not damage.
        self.failure: sqlite3.Error | None = None
        self._finished = False
        self._stopping = False
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        if wait:
            self._run()
        elif start:
            self.start()

    def start(self) -> None:
        """Run the check on its thread, unless it has run or runs already."""
        with self._lock:
            if not self._finished and self._thread.ident is None:
                self._thread.start()

    def _run(self) -> None:
        problem: str | None
        try:
            with closing(connect_read_only(self.path, check_same_thread=False)) as conn:
                with self._lock:
                    if self._stopping:
                        return
                    self._conn = conn
                try:
                    # sqlite3 lets go of the GIL while it reads
                    rows = conn.execute("PRAGMA quick_check").fetchall()
                finally:
                    with self._lock:
                        self._conn = None
        except sqlite3.Error as exc:
            if self._stopping:
                return  # interrupted by stop(): no verdict
            if not is_damage(exc):
                self.failure = exc
                self._finished = True
                return
            problem = str(exc)
        else:
            verdict = "; ".join(str(row[0]) for row in rows[:3])
            problem = None if verdict == "ok" else verdict
        self.failure = None
        self.problem = problem
        self._finished = True

    def passed(self) -> bool:
        """Whether the check ran to the end and found nothing wrong (never blocks)."""
        return self.done() and self._finished and self.problem is None and self.failure is None

    def done(self) -> bool:
        """Whether the check is over (never blocks); False until it started."""
        return self._finished or (self._thread.ident is not None and not self._thread.is_alive())

    def stop(self) -> None:
        """Interrupt the check if it still runs, and wait for its thread to end."""
        with self._lock:
            if self._thread.is_alive():
                self._stopping = True
                if self._conn is not None:
                    self._conn.interrupt()
        if self._thread.is_alive():
            self._thread.join()

    def verdict(self) -> None:
        """Wait for the check; raise :class:`DatabaseDamaged` if it found damage."""
        if self._thread.is_alive():
            self._thread.join()
        if not self._finished or self.failure is not None:
            # Stopped before the end, or could not run: check again, in full.
            self._stopping = False
            self._run()
        if self.failure is not None:
            raise _unreadable(self.path, self.failure)
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


def _migrate(path: Path, revision: str | None, backup: Callable[[Path, str], object]) -> None:
    """Bring the file to the head revision (Alembic is imported only here)."""
    if revision is not None:
        backup(path, f"before-migration-{revision}")
    upgrade(path, "head")


def upgrade(path: Path, target: str) -> None:
    """Run the migrations on the file up to ``target`` ("head", or a revision)."""
    from alembic import command
    from alembic.config import Config

    engine = _make_engine(path)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    finally:
        engine.dispose()


def _create_private(path: Path) -> None:
    """Create an empty bank file readable by its owner only.

    SQLite gives the -wal and -shm it makes the main file's permissions, so
    they are private from the start too.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        make_private(path)
    except OSError as exc:
        raise StorageError(f"Storybank cannot create {path}: {exc.strerror}.") from exc


class Database:
    """An open story bank: a plain read connection, and a lazily made write engine."""

    def __init__(self, path: Path, integrity: IntegrityCheck | None = None) -> None:
        self.path = path
        #: The structural check still running (or done) since the bank was opened.
        self.integrity = integrity
        self._reader: sqlite3.Connection | None = None
        self._engine: Engine | None = None

    @classmethod
    def open(cls, path: Path, *, backup: Callable[[Path, str], object]) -> Database:
        """Check, migrate if needed, and open ``path``; raise StorageError if refused.

        ``backup(path, reason)`` makes a verified copy before a migration
        (:func:`storybank.core.backup.make_backup`, which builds on this module).

        At the head revision the structural check goes on in the background
        (:attr:`integrity`); an older file is checked in full before migrating.
        """
        revision = None
        if _is_sqlite(path):
            # The connection that reads the revision stays on as the reader.
            conn = _connect_for_reads(path)
            try:
                revision = _revision(path, conn)
            except BaseException:
                conn.close()
                raise
            if revision != HEAD_REVISION:
                conn.close()
            else:
                for suffix in ("", "-wal", "-shm"):  # narrowed only: the bytes stay as they are
                    make_private(Path(f"{path}{suffix}"))
                opened = cls(path, IntegrityCheck(path, start=False))
                opened._reader = conn
                return opened
        if path.exists() and path.stat().st_size:
            IntegrityCheck(path, wait=True).verdict()
        _create_private(path)
        from sqlalchemy.exc import SQLAlchemyError

        try:
            _migrate(path, revision, backup)
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise StorageError(f"Storybank could not prepare {path}: {exc}") from exc
        make_private(path)
        return cls(path)

    def reader(self) -> sqlite3.Connection:
        """The connection for reads (autocommit: every query sees the latest commit).

        It is read-only, so that closing it never writes to the file (see the
        module's notes).
        """
        if self._reader is None:
            self._reader = _connect_for_reads(self.path)
        return self._reader

    def verify(self) -> None:
        """Wait for the structural check; raise :class:`DatabaseDamaged` if it failed."""
        if self.integrity is not None:
            self.integrity.verdict()

    def damage_behind(self, error: BaseException) -> DatabaseDamaged | None:
        """The damage that explains ``error``, if the file is damaged (waits for the check)."""
        try:
            self.verify()
        except DatabaseDamaged as damaged:
            return damaged
        except StorageError:
            pass  # the check could not run either: no verdict
        if is_damage(error):
            return _damaged(self.path, str(error.__cause__ or error))
        return None

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (and SQLAlchemy imported) on first use.

        Made only once the structural check has passed: its connections write
        (pragmas, checkpoints), so a damaged file never gets one.
        """
        if self._engine is None:
            self.verify()
            self._engine = _make_engine(self.path)
        return self._engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short write transaction (BEGIN IMMEDIATE), committed on success.

        Waits for the integrity check first: a damaged file is never written.
        """
        from sqlmodel import Session

        self.verify()

        engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Release every connection, and stop the structural check if it still runs.

        The read-only reader closes first, so the last connection to close,
        which checkpoints the -wal, is the engine's: made only for a file that
        passed the check. A file that passed but was only read gets one
        writable connection, opened and closed, which tidies away the -wal and
        -shm the read-only ones leave (if no other program has the bank open).
        """
        sound = self.integrity is None or self.integrity.passed()
        if self.integrity is not None:
            self.integrity.stop()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        elif sound and Path(f"{self.path}-wal").exists():
            try:
                uri = f"{self.path.absolute().as_uri()}?mode=rw"  # never creates the file
                with closing(sqlite3.connect(uri, uri=True)) as conn:
                    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                pass  # tidying only: the bank is as sound as it was
