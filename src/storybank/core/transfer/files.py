"""Files for export and import: capped reads, atomic private writes, safe names."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from storybank.core.interchange import TransferError
from storybank.paths import make_private

__all__ = [
    "MAX_NAME_BYTES",
    "MIB",
    "file_names",
    "file_stem",
    "open_regular",
    "read_capped",
    "write_atomic",
]

MIB = 1024 * 1024
#: Longest file name stem an export makes, in bytes (ASCII: one byte a character).
MAX_NAME_BYTES = 80

# Names Windows refuses for a file, whatever the extension.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{digit}" for digit in range(10)]
    + [f"lpt{digit}" for digit in range(10)]
)


def file_stem(title: str) -> str:
    """A safe file name stem for a title: an ASCII slug, never empty or reserved."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    slug = slug[:MAX_NAME_BYTES].rstrip("-") or "story"
    return f"{slug}-story" if slug in _RESERVED else slug


def file_names(titles: Iterable[str]) -> list[str]:
    """One unique ``.md`` name per title, in order (a repeat gets -2, -3 ...)."""
    taken: set[str] = set()
    names = []
    for title in titles:
        stem = name = file_stem(title)
        number = 2
        while name in taken:
            name, number = f"{stem}-{number}", number + 1
        taken.add(name)
        names.append(f"{name}.md")
    return names


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _place_new(temp: str, target: Path) -> None:
    """Give the finished ``temp`` the name ``target``; FileExistsError if it is taken.

    A hard link refuses an existing name atomically, so a file that appears
    meanwhile is never replaced; where links are not supported (some network
    and FAT file systems) the name is checked just before the rename.
    """
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(target):
            raise FileExistsError(f"{target} exists") from None
        os.replace(temp, target)
    else:
        os.unlink(temp)


def write_atomic(target: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``target`` whole or not at all: temp file beside it, fsync, rename; 0600.

    With ``overwrite=False`` an existing ``target`` is left alone and
    FileExistsError raised.
    """
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".storybank-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if overwrite:
            os.replace(temp, target)
        else:
            _place_new(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    make_private(target)
    _sync_folder(target.parent)


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit:,} bytes"


# Opening never waits: a FIFO would block open() until a writer came along.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


@contextlib.contextmanager
def open_regular(path: Path, *, follow_links: bool = True) -> Iterator[BinaryIO]:
    """A regular file opened for reading; else :class:`TransferError` naming it.

    Pipes, devices and folders are refused before a byte is read (``/dev/zero``
    never ends, a FIFO may never answer; opening never waits for a writer).
    With ``follow_links=False`` a symbolic link is refused too.
    """
    flags = _OPEN_FLAGS | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    try:
        if not follow_links and path.is_symlink():
            raise TransferError("a link, not read", path=str(path))
        handle = os.open(path, flags)
        try:
            # Asked of the open file, not the name, so that it cannot change in between.
            mode = os.fstat(handle).st_mode
        except OSError:
            os.close(handle)
            raise
    except OSError as exc:
        raise TransferError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    try:
        if stat.S_ISDIR(mode):
            raise TransferError("a folder, not a file", path=str(path))
        if not stat.S_ISREG(mode):
            raise TransferError("not a regular file (a pipe or a device)", path=str(path))
        with os.fdopen(handle, "rb", closefd=False) as stream:
            yield stream
    finally:
        os.close(handle)


def read_capped(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; else :class:`TransferError`.

    The file is opened by :func:`open_regular`, and no more than ``limit + 1``
    bytes are read to find out that a file is too large.
    """
    with open_regular(path, follow_links=follow_links) as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise TransferError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    if len(data) > limit:
        raise TransferError(f"larger than {_size(limit)}, the most read", path=str(path))
    return data
