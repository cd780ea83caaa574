"""One sender per site order id at a time, across processes: the claim that spans claim → POST → record.

The journal alone cannot stop two processes (two ``order send --order-id X`` at once, or two ``order
batch`` on one file) from both finding an order ``pending`` and both posting it. So each order is
claimed, for as long as it is in flight (journal claim, lookups, POST, recording the answer), with a
one-byte ``fcntl`` record lock in ``<journal>.claims`` at an offset derived from the order id. The
second process waits (bounded) for the lock, then reads the journal again: the order is ``sent``
by then (it skips it), or it settles what the first left behind with the usual lookup.

Stale owners need no rule of their own: the kernel drops a process's record locks when it exits,
``kill -9`` included, so a killed sender never blocks the next run.

POSIX record locks belong to a process, not to a file handle, and closing *any* handle on the file
drops all of them. So each process opens each claims file once and keeps it open while it holds a
claim in it, and orders claimed inside one process (a batch's tasks, two senders on one journal)
are kept apart by a set of the ids it holds.

The file holds no data; its presence also says that orders were sent from this data folder before
(:attr:`~poster_cli.orders.journal.OrderJournal.lost` uses that to notice a deleted journal).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from poster_cli.errors import PosterCliError
from poster_cli.private import private_dir

_OFFSET_BYTES = 6  # offsets below 2**48: a collision of two ids only makes one wait for the other


class OrderBusy(Exception):
    """Another process (or task) is sending this order and did not finish within the wait."""


class _ClaimFile:
    """One open claims file and the ids this process holds in it (used under ``_GUARD``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise PosterCliError(
                f"cannot open the order claims file {path}: {exc.strerror}", hint="check the data folder"
            ) from None
        self.held: set[str] = set()


# Open claims files by real path. A file is closed when this process holds nothing in it any more
# (closing it then drops no lock of ours), so a long test run does not pile up descriptors.
_FILES: dict[str, _ClaimFile] = {}
_GUARD = threading.Lock()


def _offset(order_id: str) -> int:
    return int.from_bytes(hashlib.sha256(order_id.encode("utf-8")).digest()[:_OFFSET_BYTES], "big")


def claims_path(journal_path: Path | str) -> Path:
    """The claims file next to a journal: ``orders.sqlite`` → ``orders.sqlite.claims``."""
    p = Path(journal_path)
    return p.with_name(p.name + ".claims")


def _try_claim(path: Path, order_id: str) -> bool:
    key = os.path.realpath(path)
    with _GUARD:
        file = _FILES.get(key)
        if file is None:
            private_dir(path.parent)
            file = _FILES[key] = _ClaimFile(path)
        if order_id in file.held:
            return False
        try:
            fcntl.lockf(file.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _offset(order_id), os.SEEK_SET)
        except (BlockingIOError, PermissionError):
            if not file.held:
                os.close(file.fd)
                del _FILES[key]
            return False
        file.held.add(order_id)
        return True


def _release(path: Path, order_id: str) -> None:
    key = os.path.realpath(path)
    with _GUARD:
        file = _FILES.get(key)
        if file is None or order_id not in file.held:
            return
        file.held.discard(order_id)
        fcntl.lockf(file.fd, fcntl.LOCK_UN, 1, _offset(order_id), os.SEEK_SET)
        if not file.held:
            os.close(file.fd)
            del _FILES[key]


class OrderClaims:
    """Claims on the orders of one journal; ``async with claims.hold(order_id): ...``."""

    def __init__(self, journal_path: Path | str, *, wait: float = 120.0) -> None:
        self.path = claims_path(journal_path)
        self.wait = wait

    def try_claim(self, order_id: str) -> bool:
        """Claim ``order_id`` now if nobody holds it."""
        return _try_claim(self.path, order_id)

    def release(self, order_id: str) -> None:
        _release(self.path, order_id)

    @asynccontextmanager
    async def hold(self, order_id: str) -> AsyncIterator[float]:
        """Hold the claim on ``order_id`` for the block; yields the seconds spent waiting for it.
        Raises :class:`OrderBusy` when another sender keeps it longer than ``wait`` seconds."""
        started = time.monotonic()
        pause = 0.02
        while not self.try_claim(order_id):
            if time.monotonic() - started >= self.wait:
                raise OrderBusy(order_id)
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, 0.5)
        try:
            yield time.monotonic() - started
        finally:
            self.release(order_id)


__all__ = ["OrderBusy", "OrderClaims", "claims_path"]
