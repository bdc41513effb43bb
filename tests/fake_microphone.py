"""A microphone that says exactly what a test gives it, with no sound card.

A PulseAudio daemon of the test run's own (no system or user daemon is
touched) with a null sink as the speakers and ``module-pipe-source`` as the
default microphone: every 16-bit sample written into its FIFO comes out of the
microphone, and nothing comes out while nothing is written. Sound is written
in 10 ms chunks paced at up to four times real time (all at once overflows the
pipe's buffer and loses sound).

The daemon must be running before QtMultimedia first talks to a sound server
in the test process, so ``tests/conftest.py`` starts it when the run begins
and points ``PULSE_SERVER`` at it; where pulseaudio is not installed it points
``PULSE_SERVER`` at nothing instead, so no test ever reaches a real device.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

RATE = 16_000
CHUNK_BYTES = RATE * 2 // 100  # 10 ms of 16-bit mono
SPEED = 2.0  # at most this many times real time (4 is the most that loses nothing)


class FakeMicrophone:
    """The test run's own PulseAudio daemon, its FIFO microphone and null speakers."""

    def __init__(self) -> None:
        # A short path: a unix socket's path is limited to about 100 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="sb-pulse-"))
        self.folder.chmod(0o700)
        self.socket = self.folder / "native"
        self.fifo = self.folder / "mic.fifo"
        self.client_conf = self.folder / "client.conf"
        self.client_conf.write_text("autospawn = no\n")
        self.process: subprocess.Popen[bytes] | None = None
        self._feeder: threading.Thread | None = None
        self.fed = 0

    @property
    def server(self) -> str:
        return f"unix:{self.socket}"

    def start(self, timeout: float = 10.0) -> bool:
        """Start the daemon; False (and nothing left running) if it does not come up."""
        binary = shutil.which("pulseaudio")
        if binary is None:
            return False
        env = dict(os.environ, HOME=str(self.folder), XDG_RUNTIME_DIR=str(self.folder),
                   XDG_CONFIG_HOME=str(self.folder))  # fmt: skip
        self.process = subprocess.Popen(
            [
                binary,
                "--daemonize=no",
                "--system=false",
                "-n",
                "--exit-idle-time=-1",
                "--disable-shm=yes",
                "--use-pid-file=no",
                "--log-target=stderr",
                "-L",
                f"module-native-protocol-unix socket={self.socket} auth-anonymous=1",
                "-L",
                "module-null-sink sink_name=speakers",
                "-L",
                f"module-pipe-source source_name=mic file={self.fifo} format=s16le "
                f"rate={RATE} channels=1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.socket.exists() and self.fifo.exists() and self._pactl("set-default-source",
                                                                           "mic"):  # fmt: skip
                return True
            time.sleep(0.05)
        self.stop()
        return False

    def _pactl(self, *args: str) -> bool:
        pactl = shutil.which("pactl")
        if pactl is None:
            return False
        done = subprocess.run(
            [pactl, *args],
            env=dict(
                os.environ, PULSE_SERVER=self.server, PULSE_CLIENTCONFIG=str(self.client_conf)
            ),
            capture_output=True,
            timeout=5,
            check=False,
        )
        return done.returncode == 0

    def listening(self) -> bool:
        """Whether a program is recording from the microphone now (a stream is there
        and not corked: a paused recording hears nothing, and sound fed then is lost)."""
        pactl = shutil.which("pactl")
        if pactl is None:
            return False
        done = subprocess.run(
            [pactl, "list", "source-outputs"],
            env=dict(
                os.environ, PULSE_SERVER=self.server, PULSE_CLIENTCONFIG=str(self.client_conf)
            ),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return done.returncode == 0 and "Corked: no" in done.stdout

    def say(self, sound: bytes) -> threading.Thread:
        """Speak ``sound`` (16 kHz mono 16-bit PCM) into the microphone, paced, on a thread."""
        self.fed = 0

        def feed() -> None:
            started = time.monotonic()
            with open(self.fifo, "wb", buffering=0) as pipe:
                for start in range(0, len(sound), CHUNK_BYTES):
                    chunk = sound[start : start + CHUNK_BYTES]
                    # Never ahead of SPEED times real time.
                    due = started + (start / (RATE * 2)) / SPEED
                    if (wait := due - time.monotonic()) > 0:
                        time.sleep(wait)
                    pipe.write(chunk)
                    self.fed += len(chunk)

        self._feeder = threading.Thread(target=feed, daemon=True)
        self._feeder.start()
        return self._feeder

    def stop(self) -> None:
        """End the daemon by its process id and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
