"""The one lock of a data folder: whoever writes the mapping or the menu snapshot holds it.

``match`` (per saved decision), ``sync`` (the whole run), ``pull``, ``mapping pull`` / ``push``,
the webhook receiver's snapshot updates and the web review all take :func:`data_lock` (or
:func:`data_lock_async`) on ``<data>/.sync.lock``. It is an exclusive ``fcntl.flock``: the kernel
drops it when the holder dies, so a killed run never leaves it stuck. The wait is bounded: after
``timeout`` seconds :class:`DataLocked` is raised (exit 1). ``on_wait(message)`` is called once
when the lock is busy, so a command can say why it is not moving.

The lock is not re-entrant: ``flock`` locks belong to an open file, so a second
``data_lock`` on the same folder inside the first would wait for itself. Take it once, around the
read-modify-write, and never while waiting for a person.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import sys
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

from poster_cli.errors import PosterCliError
from poster_cli.private import tighten_data_dir

LOCK_NAME = ".sync.lock"  # the name `sync` has always used, so an older cron run still shares it
DEFAULT_TIMEOUT = 60.0
POLL = 0.05

OnWait = Callable[[str], None]


class DataLocked(PosterCliError):
    """Another command held the data folder's lock for longer than we were willing to wait (exit 1)."""


def lock_path(data_dir: Path) -> Path:
    """The lock file of a data folder."""
    return Path(data_dir) / LOCK_NAME


def _holder(fd: int) -> str:
    """Who holds the lock, from what the holder wrote in the file: "`poster-cli sync` (pid 123)"."""
    try:
        words = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
    except OSError:
        return "another poster-cli command"
    if not words or not words[0].isdigit():
        return "another poster-cli command"
    what = " ".join(words[1:])
    return f"`poster-cli {what}` (pid {words[0]})" if what else f"another poster-cli command (pid {words[0]})"


def _open(path: Path) -> int:
    tighten_data_dir(path.parent)  # every writer passes here: the folder and its files made private
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        return False


def _claim(fd: int, purpose: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {purpose}\n".encode(), 0)


def _busy(path: Path, fd: int, timeout: float) -> str:
    return f"waiting for {_holder(fd)} to finish writing in {path.parent} (up to {timeout:g}s)"


def _gave_up(path: Path, fd: int, timeout: float) -> DataLocked:
    return DataLocked(
        f"{_holder(fd)} still holds the lock {path}; gave up after {timeout:g}s",
        hint="run again when it has finished",
    )


def _purpose(purpose: str | None) -> str:
    if purpose:
        return purpose
    args = [a for a in sys.argv[1:3] if a.isidentifier()]
    return " ".join(args)


def _until_locked(path: Path, fd: int, timeout: float, on_wait: OnWait | None) -> Iterator[None]:
    """Yield once for each pause the caller sleeps (blocking or on the event loop) until ``fd``
    holds the lock; say so once through ``on_wait`` and raise :class:`DataLocked` at the deadline."""
    if _try_lock(fd):
        return
    if on_wait is not None:
        on_wait(_busy(path, fd, timeout))
    deadline = time.monotonic() + max(timeout, 0.0)
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            raise _gave_up(path, fd, timeout)
        yield


@contextmanager
def data_lock(
    data_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: OnWait | None = None,
    purpose: str | None = None,
    poll: float = POLL,
) -> Iterator[None]:
    """Hold the data folder's lock for the ``with`` block; wait at most ``timeout`` seconds."""
    path = lock_path(data_dir)
    fd = _open(path)
    try:
        for _pause in _until_locked(path, fd, timeout, on_wait):
            time.sleep(poll)
        _claim(fd, _purpose(purpose))
        yield
    finally:
        os.close(fd)  # closing releases the flock


@asynccontextmanager
async def data_lock_async(
    data_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: OnWait | None = None,
    purpose: str | None = None,
    poll: float = POLL,
) -> AsyncIterator[None]:
    """:func:`data_lock` for async code: the wait sleeps on the event loop instead of blocking it."""
    path = lock_path(data_dir)
    fd = _open(path)
    try:
        for _pause in _until_locked(path, fd, timeout, on_wait):
            await asyncio.sleep(poll)
        _claim(fd, _purpose(purpose))
        yield
    finally:
        os.close(fd)


__all__ = ["DataLocked", "DEFAULT_TIMEOUT", "data_lock", "data_lock_async", "lock_path"]
