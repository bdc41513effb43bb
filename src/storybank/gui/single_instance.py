"""One running Storybank per data folder.

A lock file in the data folder says a window owns the bank; a second launch
on the same folder cannot take it, so instead of writing in parallel it asks
the running window (over a local socket) to come forward, and exits.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

LOCK_NAME = "storybank.lock"
_MESSAGE = b"raise"


def server_name(data_dir: Path) -> str:
    """A local-socket name unique to the data folder (and short enough for every OS)."""
    import hashlib  # only once the window is up: start-up does not need it

    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"storybank-{digest}"


class SingleInstance(QObject):
    """Holds the data folder's lock and listens for later launches."""

    #: Another launch asked this window to come forward.
    activation_requested = Signal()

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.lock = QLockFile(str(data_dir / LOCK_NAME))
        self.lock.setStaleLockTime(0)  # a lock is stale only if its process is gone
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the lock; False if another window holds it."""
        return self.lock.tryLock(100)

    def listen(self) -> None:
        """Answer later launches (called once the window is up: QtNetwork loads here)."""
        from PySide6.QtNetwork import QLocalServer

        name = server_name(self.data_dir)
        QLocalServer.removeServer(name)  # a leftover from a crash
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._on_connection)
        self.server.listen(name)

    def _on_connection(self) -> None:
        assert self.server is not None
        socket = self.server.nextPendingConnection()
        if socket is None:
            return
        socket.waitForReadyRead(500)
        if socket.readAll().data() == _MESSAGE:
            self.activation_requested.emit()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()


def ask_running_instance(data_dir: Path) -> bool:
    """Ask the window that owns ``data_dir`` to come forward; True if it answered."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(1000):
        return False
    socket.write(_MESSAGE)
    socket.flush()
    socket.waitForBytesWritten(1000)
    socket.disconnectFromServer()
    return True
