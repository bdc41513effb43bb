"""Storage faults: a damaged bank with a -wal, odd backup folders, killed backups.

A damaged bank is made the way a crash leaves one: a connection that never
checkpoints writes frames into the -wal, the three files are kept as they
were while it was open, and then a page of the main file that the -wal does
not hold is overwritten with garbage. Every command and the window must leave
the main file and the -wal byte for byte as they were (sha256 before and
after), and recovery must move them, unchanged, into ``damaged/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox

from storybank.core.backup import (
    BackupPolicy,
    backup_dir,
    list_backups,
    make_backup,
    rotate,
)
from storybank.core.bank import open_bank
from storybank.core.database import Database, DatabaseDamaged
from storybank.gui.main_window import MainWindow
from storybank.paths import database_path

RunChild = Callable[..., subprocess.CompletedProcess[str]]
FilledBank = Callable[[int], Path]
SUFFIXES = ("", "-wal")

# --- making damaged banks --------------------------------------------------------


def no_backup_expected(path: Path, reason: str) -> None:
    raise AssertionError(f"no migration was expected: {reason}")


def digests(bank: Path) -> dict[str, str | None]:
    """sha256 of the main file and of its -wal (None where missing)."""
    result: dict[str, str | None] = {}
    for suffix in SUFFIXES:
        path = Path(f"{bank}{suffix}")
        result[suffix] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    return result


def wal_pages(wal: Path) -> set[int]:
    """The page numbers that frames of a -wal hold."""
    data = wal.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    pages, offset = set(), 32
    while offset + 24 + page_size <= len(data):
        pages.add(struct.unpack(">I", data[offset : offset + 4])[0])
        offset += 24 + page_size
    return pages


def leaf_pages(data: bytes, page_size: int, root: int) -> list[int]:
    """The leaf pages of the table b-tree rooted at ``root``, read from the file's bytes."""
    start = (root - 1) * page_size
    header = start + (100 if root == 1 else 0)
    kind = data[header]
    if kind == 0x0D:
        return [root]
    assert kind == 0x05, f"page {root} is not a table b-tree page"
    cells = struct.unpack(">H", data[header + 3 : header + 5])[0]
    children = []
    for number in range(cells):
        pointer = struct.unpack(">H", data[header + 12 + 2 * number : header + 14 + 2 * number])[0]
        children.append(struct.unpack(">I", data[start + pointer : start + pointer + 4])[0])
    children.append(struct.unpack(">I", data[header + 8 : header + 12])[0])
    return [leaf for child in children for leaf in leaf_pages(data, page_size, child)]


def damage_with_wal(folder: Path, table: str = "story") -> Path:
    """Give the bank in ``folder`` a -wal with frames, then wreck a page of ``table``.

    A good backup is made first. The wrecked page is a leaf of ``table``
    that the -wal does not hold, in the middle of the table. Returns the bank.
    """
    bank = database_path(folder)
    make_backup(bank, backup_dir(folder), "manual")
    kept = folder.parent / f"{folder.name}-kept"
    kept.mkdir()
    writer = sqlite3.connect(bank, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("UPDATE story SET title = title || ' (in the wal)' WHERE id <= 2")
        root = writer.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        (root_page,) = root.fetchone()
        page_size = writer.execute("PRAGMA page_size").fetchone()[0]
        for suffix in ("", "-wal", "-shm"):
            shutil.copy(f"{bank}{suffix}", kept / f"{bank.name}{suffix}")
    finally:
        writer.close()  # checkpoints the -wal away: the copies are what a crash leaves
    for suffix in ("", "-wal", "-shm"):
        shutil.copy(kept / f"{bank.name}{suffix}", f"{bank}{suffix}")
    shutil.rmtree(kept)
    data = bytearray(bank.read_bytes())
    in_wal = wal_pages(Path(f"{bank}-wal"))
    assert in_wal, "the -wal holds frames"
    leaves = [page for page in leaf_pages(bytes(data), page_size, root_page) if page not in in_wal]
    page = leaves[len(leaves) // 2]
    data[(page - 1) * page_size : page * page_size] = b"\xaa" * page_size
    bank.write_bytes(bytes(data))
    with closing(sqlite3.connect(f"{bank.as_uri()}?mode=ro", uri=True)) as probe, probe:
        try:
            verdict = probe.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            verdict = str(exc)
    probe.close()
    assert verdict != "ok", "the wrecked page is found by quick_check"
    return bank


@pytest.fixture
def damaged(filled_bank: FilledBank) -> Callable[..., Path]:
    """A bank of 60 stories with a good backup, a -wal, and a wrecked page; its folder."""

    def make(table: str = "story") -> Path:
        folder = filled_bank(60)
        damage_with_wal(folder, table)
        return folder

    return make


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The failure's single stderr line (asserting there is exactly one, no traceback)."""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


# --- commands on a damaged bank with a -wal --------------------------------------

COMMANDS = {
    "check": lambda tmp: ["check"],
    "export-json": lambda tmp: ["export", "--format", "json", "-o", str(tmp / "out.json")],
    "export-md": lambda tmp: ["export", "--format", "md", "-o", str(tmp / "out-md")],
    "import": lambda tmp: ["import", str(tmp / "story.md")],
    "backup": lambda tmp: ["backup"],
    "sheet": lambda tmp: ["sheet", "-o", str(tmp / "sheet.pdf")],
}


@pytest.mark.parametrize("table", ["story", "framework"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_leaves_a_damaged_bank_and_its_wal_untouched(
    damaged: Callable[..., Path], run_child: RunChild, tmp_path: Path, command: str, table: str
) -> None:
    folder = damaged(table)
    bank = database_path(folder)
    (tmp_path / "story.md").write_text("# Imported\n\n## Action\n\nI did it.\n", encoding="utf-8")
    before = digests(bank)
    backups_before = sorted(p.name for p in backup_dir(folder).iterdir())
    args = COMMANDS[command](tmp_path)
    done = run_child("-m", "storybank", *args, "--data-dir", str(folder))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "damaged" in one_line(done)
    assert digests(bank) == before
    assert before["-wal"] is not None
    assert sorted(p.name for p in backup_dir(folder).iterdir()) == backups_before
    assert not (tmp_path / "out.json").exists()


def test_reading_a_damaged_bank_opens_no_connection_that_writes(
    damaged: Callable[..., Path],
) -> None:
    folder = damaged()
    bank = database_path(folder)
    before = digests(bank)
    repo = open_bank(folder)  # the damage is not on the start-up path
    try:
        with pytest.raises(DatabaseDamaged):
            repo.create_story(title="Never written")
        assert repo.db._engine is None  # no SQLAlchemy engine for a damaged file
    finally:
        repo.db.close()
    assert digests(bank) == before


# --- the integrity check's thread ------------------------------------------------


def quick_check_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "quick_check" and t.is_alive()]


@pytest.fixture
def slow_check(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make the background check slow (a real SQLite progress handler that sleeps).

    Only connections opened on the check's own thread are slowed; the
    returned function makes it quick again.
    """
    real_connect = sqlite3.connect
    slow = [True]

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(*args, **kwargs)
        if slow[0] and threading.current_thread().name == "quick_check":
            conn.set_progress_handler(lambda: time.sleep(0.002) or 0, 5)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return lambda: slow.__setitem__(0, False)


def test_close_ends_the_background_check(
    filled_bank: FilledBank, slow_check: Callable[[], None]
) -> None:
    folder = filled_bank(200)
    for _ in range(5):
        db = Database.open(database_path(folder), backup=no_backup_expected)
        assert db.integrity is not None and not quick_check_threads()  # the window starts it
        db.integrity.start()
        time.sleep(0.05)  # the check is under way
        assert quick_check_threads()
        started = time.monotonic()
        db.close()
        assert quick_check_threads() == []
        assert time.monotonic() - started < 5  # interrupted, not waited out
    # A check stopped early has no verdict; a write afterwards checks again, in full.
    slow_check()
    db = Database.open(database_path(folder), backup=no_backup_expected)
    db.close()
    with db.write() as session:
        session.connection().exec_driver_sql("SELECT 1")
    db.close()
    assert db.integrity is not None and db.integrity.passed()


def test_a_folder_can_be_removed_right_after_close(
    filled_bank: FilledBank, slow_check: Callable[[], None]
) -> None:
    source = filled_bank(200)
    for number in range(5):
        copy = source.parent / f"copy-{number}"
        shutil.copytree(source, copy)
        open_bank(copy).db.close()
        assert quick_check_threads() == []
        shutil.rmtree(copy)  # "Directory not empty" while the check made its -wal/-shm


def test_restore_waits_for_the_background_check(
    filled_bank: FilledBank, slow_check: Callable[[], None]
) -> None:
    from storybank.services.stories import StoryService

    folder = filled_bank(200)
    backup = make_backup(database_path(folder), backup_dir(folder), "manual")
    service = StoryService(open_bank(folder), folder)
    try:
        service.start_integrity_check()  # as the window does once it is up
        assert quick_check_threads()  # still reading the file that restore replaces
        service.restore(backup)
        assert quick_check_threads() == []
        assert service.count_stories() == 200
    finally:
        service.close()


# --- odd contents of backups/ ----------------------------------------------------


def test_a_dangling_link_and_month_13_are_not_backups(
    filled_bank: FilledBank, run_child: RunChild
) -> None:
    folder = filled_bank(3)
    backups = backup_dir(folder)
    backups.mkdir()
    link = backups / "storybank-20260101-000000-000000-manual.sqlite3"
    link.symlink_to(backups / "gone.sqlite3")
    month_13 = backups / "storybank-20261301-000000-000000-manual.sqlite3"
    month_13.write_bytes(b"not ours to delete")
    for _ in range(7):  # more than the policy keeps: rotation runs over the odd names
        done = run_child("-m", "storybank", "backup", "--data-dir", str(folder))
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
    rotate(backups, BackupPolicy(recent=1, daily=0, weekly=0))
    assert link.is_symlink() and month_13.read_bytes() == b"not ours to delete"
    assert [info.path for info in list_backups(backups)] != []
    assert link not in [info.path for info in list_backups(backups)]
    done = run_child("-m", "storybank", "check", "--data-dir", str(folder))
    assert done.returncode == 0, done.stderr
    assert "backups: 1 ·" in done.stdout


def test_backups_as_a_plain_file_is_one_line(filled_bank: FilledBank, run_child: RunChild) -> None:
    folder = filled_bank(3)
    backup_dir(folder).write_text("my notes")
    done = run_child("-m", "storybank", "backup", "--data-dir", str(folder))
    assert done.returncode == 1
    assert "backups" in one_line(done)
    assert backup_dir(folder).read_text() == "my notes"
    done = run_child("-m", "storybank", "check", "--data-dir", str(folder))
    assert done.returncode == 0, done.stderr


def test_no_free_inodes_for_the_backups_folder_is_one_line(
    run_child: RunChild, small_disk: Callable[[str, int], Path]
) -> None:
    mount = small_disk("8m", 8)
    holder = None
    try:
        folder = mount / "data"
        repo = open_bank(folder)
        repo.db.close()
        # Another process with the bank open keeps its -wal and -shm, so the bank can
        # be read (in this process, reading the file for its digest would drop the
        # connection's POSIX locks).
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(database_path(folder))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        for number in range(20):  # use up the inodes left
            try:
                (mount / f"filler-{number}").touch()
            except OSError:
                break
        before = digests(database_path(folder))
        done = run_child("-m", "storybank", "backup", "--data-dir", str(folder))
        assert done.returncode == 1
        assert "back up" in one_line(done)
        assert digests(database_path(folder)) == before
        # Without the -wal and -shm the bank cannot be read: one line, and not "damaged".
        holder.communicate("", timeout=30)
        holder = None
        for number in range(20):
            try:
                (mount / f"filler-more-{number}").touch()
            except OSError:
                break
        done = run_child("-m", "storybank", "check", "--data-dir", str(folder))
        assert done.returncode == 1
        line = one_line(done)
        assert "damaged" not in line and "cannot read" in line
    finally:
        if holder is not None:
            holder.kill()
            holder.communicate()


HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM story").fetchone()
print("holding", flush=True)
sys.stdin.read()
conn.close()
"""


# --- smaller ones ------------------------------------------------------------------


def test_an_empty_alembic_version_is_refused_untouched(
    filled_bank: FilledBank, run_child: RunChild
) -> None:
    folder = filled_bank(3)
    bank = database_path(folder)
    with closing(sqlite3.connect(bank)) as conn, conn:
        conn.execute("DELETE FROM alembic_version")
    conn.close()
    before = digests(bank)
    header = bank.read_bytes()[:100]
    done = run_child("-m", "storybank", "check", "--data-dir", str(folder))
    assert done.returncode == 1
    assert "schema revision" in one_line(done)
    assert digests(bank)[""] == before[""]
    # A read-only connection to a WAL bank makes an empty -wal; nothing was written to it.
    assert not Path(f"{bank}-wal").exists() or Path(f"{bank}-wal").stat().st_size == 0
    assert bank.read_bytes()[:100] == header
    assert not backup_dir(folder).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_narrowed_data_folder_is_not_widened(
    filled_bank: FilledBank, run_child: RunChild
) -> None:
    folder = filled_bank(3)
    folder.chmod(0o500)
    try:
        done = run_child("-m", "storybank", "check", "--data-dir", str(folder))
        assert stat.S_IMODE(folder.stat().st_mode) == 0o500
        assert "Traceback" not in done.stderr
        if done.returncode:  # not root: refused, in one line
            assert "permissions" in one_line(done)
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_new_banks_wal_and_shm_are_private_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    folder = tmp_path / "new"
    bank = database_path(folder)
    seen: list[dict[str, int]] = []
    real_upgrade = command.upgrade

    def upgrade(*args, **kwargs):  # type: ignore[no-untyped-def]
        real_upgrade(*args, **kwargs)  # the tables are made: -wal and -shm are open
        seen.append(
            {
                suffix: stat.S_IMODE(Path(f"{bank}{suffix}").stat().st_mode)
                for suffix in ("", "-wal", "-shm")
            }
        )

    monkeypatch.setattr(command, "upgrade", upgrade)
    old = os.umask(0o022)
    try:
        repo = open_bank(folder)
        try:  # and again once the packs were written
            seen.append(
                {
                    suffix: stat.S_IMODE(Path(f"{bank}{suffix}").stat().st_mode)
                    for suffix in ("", "-wal", "-shm")
                }
            )
        finally:
            repo.db.close()
    finally:
        os.umask(old)
    assert seen == [{"": 0o600, "-wal": 0o600, "-shm": 0o600}] * 2


KILLED_BACKUP = """
import os, sys
from pathlib import Path
from storybank.core import backup
def killed(path, *, quick=False):
    os._exit(9)  # killed after the copy, before the check: like SIGKILL, no clean-up
backup.check_file = killed
folder = Path(sys.argv[1])
backup.make_backup(folder / "storybank.sqlite3", folder / "backups", "manual")
"""


def test_a_killed_backups_temporary_files_go_with_the_next_backup(
    filled_bank: FilledBank, run_child: RunChild
) -> None:
    folder = filled_bank(20)
    backups = backup_dir(folder)
    done = run_child("-c", KILLED_BACKUP, str(folder))
    assert done.returncode == 9, done.stderr
    (left,) = [p for p in backups.iterdir() if p.name.startswith(".backup-")]
    Path(f"{left}-journal").write_bytes(b"")  # as if killed in the middle of the copy
    # Left by an older Storybank (no process id in the name): an hour old, and fresh.
    old = backups / ".backup-k3j_9x2a.tmp"
    fresh = backups / ".backup-q8w2mm0z.tmp"
    for path in (old, fresh):
        path.write_bytes(b"x" * 1000)
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    ours_not = [backups / ".backup-notes.txt", backups / ".backup-1-abcdefgh.tmp.bak"]
    for path in ours_not:
        path.write_text("keep")
    # A link named like a temporary file is not ours either.
    link = backups / ".backup-99999999-abcdefgh.tmp"
    link.symlink_to(folder / "storybank.sqlite3")
    done = run_child("-m", "storybank", "backup", "--data-dir", str(folder))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in backups.iterdir() if p.name.startswith(".")) == sorted(
        [fresh.name, link.name, *(p.name for p in ours_not)]
    )


def test_a_backup_killed_by_a_signal_is_cleaned_up_too(filled_bank: FilledBank) -> None:
    folder = filled_bank(300)
    code = (
        "import sys\nfrom pathlib import Path\nfrom storybank.core import backup\n"
        "def slow(path, *, quick=False):\n"
        "    print('copied', flush=True)\n"
        "    import time; time.sleep(60)\n"
        "backup.check_file = slow\n"
        "f = Path(sys.argv[1])\n"
        "backup.make_backup(f / 'storybank.sqlite3', f / 'backups', 'manual')\n"
    )
    temporaries = lambda: [p for p in backup_dir(folder).iterdir() if p.name.startswith(".backup-")]  # noqa: E731
    with subprocess.Popen(
        [sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "copied"
            # While it runs, another backup leaves its temporary file alone.
            make_backup(database_path(folder), backup_dir(folder), "manual")
            assert temporaries()
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
    assert temporaries()
    make_backup(database_path(folder), backup_dir(folder), "manual")
    assert temporaries() == []


# --- the window on a damaged bank with a -wal ------------------------------------


class Boxes:
    """Every message box the app shows; a box with one of ``answers`` gets it clicked."""

    def __init__(self, answers: tuple[str, ...]) -> None:
        self.answers = answers
        self.shown: list[str] = []
        self.code: int | None = None

    def exec(self, box: QMessageBox) -> int:
        self.shown.append(f"{box.windowTitle()}: {box.text()}")
        for button in box.buttons():
            if button.text() in self.answers:
                button.click()
                break
        return 0

    def static(self, *args: object, **kwargs: object) -> QMessageBox.StandardButton:
        _parent, title, text = args[:3]
        self.shown.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Discard  # "quit anyway" when asked

    def went_wrong(self) -> list[str]:
        return [text for text in self.shown if "Something went wrong" in text]


Drive = Callable[[list[int]], None]


@pytest.fixture
def gui(qapp, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Boxes]:  # type: ignore[no-untyped-def]
    """Run the real start-up (run_gui) with message boxes answered; return a runner.

    ``drive(steps)`` is called every 50 ms while the event loop runs; after
    40 s every window is closed, so a failing probe ends instead of hanging.
    """
    from PySide6.QtCore import QTimer

    from storybank.app import run_gui

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own

    def run(folder: Path, answers: tuple[str, ...], drive: Drive) -> Boxes:
        boxes = Boxes(answers)
        monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.exec(box))
        for kind in ("warning", "critical", "question", "information"):
            monkeypatch.setattr(QMessageBox, kind, boxes.static)
        steps: list[int] = []
        deadline = time.monotonic() + 40

        def tick() -> None:
            if time.monotonic() < deadline:
                drive(steps)
                return
            boxes.shown.append("timed out")
            for window in main_windows():
                window.recovery = None
                window.close()

        timer = QTimer(interval=50)
        timer.timeout.connect(tick)
        timer.start()
        try:
            boxes.code = run_gui(str(folder), demo=False)
        finally:
            timer.stop()
        return boxes

    return run


def main_windows() -> list[MainWindow]:
    from PySide6.QtWidgets import QApplication

    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def checked(window: MainWindow) -> bool:
    """The background check's verdict is in and the window has acted on it."""
    return window.service.integrity_checked() and not window.file_ops._integrity_timer.isActive()


def test_later_keeps_the_window_read_only_and_the_files_untouched(
    damaged: Callable[..., Path], gui: Callable[..., Boxes]
) -> None:
    from PySide6.QtTest import QTest

    folder = damaged()
    bank = database_path(folder)
    before = digests(bank)
    backups_before = sorted(p.name for p in backup_dir(folder).iterdir())
    seen: dict[str, object] = {}

    def drive(steps: list[int]) -> None:
        windows = main_windows()
        if not windows or not checked(windows[0]):
            return
        window = windows[0]
        steps.append(1)
        model = window.list_panel.model
        if len(steps) < 30 and model.rowCount():  # walk the list, copying text out
            window.list_panel.view.setCurrentIndex(model.index(len(steps) % model.rowCount(), 0))
            return
        if len(steps) == 30:
            seen["rows"] = model.rowCount()
            QTest.keyClicks(window.editor.inputs["action"], " typed after Later")
            window.search.setText("the")  # a search, and then the whole list again
            return
        if len(steps) == 38:
            window.search.setText("")
            return
        if len(steps) < 45:
            return
        banner = window.findChild(QLabel, "damageBanner")
        seen["banner"] = banner is not None and banner.isVisible()
        seen["rows after"] = model.rowCount()
        seen["text"] = window.editor.field_text("action")
        window.close()

    boxes = gui(folder, ("Later",), drive)
    assert "timed out" not in boxes.shown
    assert boxes.code == 0
    assert boxes.went_wrong() == []
    assert len([text for text in boxes.shown if text.startswith("The story bank is damaged")]) == 1
    assert seen["banner"] is True
    assert seen["rows"] == seen["rows after"] == 60  # the list stays, readable rows and all
    assert "typed after Later" in str(seen["text"])
    assert digests(bank) == before
    assert sorted(p.name for p in backup_dir(folder).iterdir()) == backups_before  # no exit backup
    assert not (folder / "damaged").exists()


def moved_aside(folder: Path) -> Path:
    (moved,) = (folder / "damaged").glob("*.sqlite3")
    return moved


@pytest.mark.parametrize("where", ["Recover Now", "banner"])
def test_recover_now_moves_the_bank_and_its_wal_unchanged(
    damaged: Callable[..., Path],
    gui: Callable[..., Boxes],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    from PySide6.QtWidgets import QPushButton

    from storybank.gui.dialogs import backups as backups_module

    folder = damaged()
    bank = database_path(folder)
    before = digests(bank)
    offered: list[object] = []

    def ask(message: str, newest: object) -> str:
        offered.append(newest)
        return "restore"

    monkeypatch.setattr(backups_module, "ask_recovery", ask)
    rows: list[int] = []

    def drive(_steps: list[int]) -> None:
        for window in main_windows():
            if not checked(window):
                continue
            if window.service.damage() is None:  # the window on the restored backup
                rows.append(window.list_panel.model.rowCount())
                window.close()
            elif where == "banner":  # "Later" first, then the banner's button
                button = window.findChild(QPushButton, "damageRecover")
                if button is not None:
                    button.click()

    boxes = gui(folder, ("Recover Now",) if where == "Recover Now" else ("Later",), drive)
    assert "timed out" not in boxes.shown
    assert boxes.code == 0, boxes.shown
    assert boxes.went_wrong() == []
    assert offered and offered[0] is not None  # the good backup was offered
    assert rows == [60]
    moved = moved_aside(folder)
    assert digests(moved) == before
    assert Path(f"{moved}-shm").exists()
    assert any("moved, unchanged" in text for text in boxes.shown)


def test_damage_in_the_packs_table_offers_the_newest_good_backup(
    damaged: Callable[..., Path],
    gui: Callable[..., Boxes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storybank.gui.dialogs import backups as backups_module

    folder = damaged("framework")  # read at start-up, before the window opens
    bank = database_path(folder)
    before = digests(bank)
    offered: list[tuple[str, object]] = []

    def ask(message: str, newest: object) -> str:
        offered.append((message, newest))
        return "restore"

    monkeypatch.setattr(backups_module, "ask_recovery", ask)
    rows: list[int] = []

    def drive(_steps: list[int]) -> None:
        for window in main_windows():
            if checked(window) and window.service.damage() is None:
                rows.append(window.list_panel.model.rowCount())
                window.close()

    boxes = gui(folder, (), drive)
    assert "timed out" not in boxes.shown
    assert boxes.code == 0, boxes.shown
    ((message, newest),) = offered
    assert "damaged" in message and newest is not None
    assert rows == [60]
    assert digests(moved_aside(folder)) == before


def test_quit_at_the_start_up_choice_leaves_the_bank_and_its_wal(
    damaged: Callable[..., Path],
    gui: Callable[..., Boxes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storybank.gui.dialogs import backups as backups_module

    folder = damaged("framework")
    bank = database_path(folder)
    before = digests(bank)
    monkeypatch.setattr(backups_module, "ask_recovery", lambda message, newest: "quit")
    boxes = gui(folder, (), lambda _steps: None)
    assert boxes.code == 1
    assert digests(bank) == before
    assert not (folder / "damaged").exists()
