"""Logs that cannot flood the disk: at most ``burst`` lines per ``window`` seconds pass; the rest are
counted, and the count is said once the window is over. A receiver under attack, or out of file
descriptors, would otherwise write the same error thousands of times a second."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable


class LineBudget:
    """Decides which lines pass: ``take()`` is True for at most ``burst`` calls per ``window``."""

    def __init__(self, *, burst: int = 30, window: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.window = window
        self._clock = clock
        self._start = clock()
        self._used = 0
        self.dropped = 0
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int]:
        """(may this line pass, how many lines were dropped in the window that just ended)."""
        with self._lock:
            now = self._clock()
            ended = 0
            if now - self._start >= self.window:
                ended, self.dropped, self._used, self._start = self.dropped, 0, 0, now
            if self._used < self.burst:
                self._used += 1
                return True, ended
            self.dropped += 1
            return False, ended


class RateLimitedLog:
    """A ``log(line)`` callable that passes lines to ``write`` within a :class:`LineBudget`."""

    def __init__(self, write: Callable[[str], None], *, burst: int = 30, window: float = 10.0) -> None:
        self.write = write
        self.budget = LineBudget(burst=burst, window=window)

    def __call__(self, line: str) -> None:
        ok, dropped = self.budget.take()
        if dropped:
            self.write(f"({dropped} more log lines dropped in {self.budget.window:g}s: too many to write)")
        if ok:
            self.write(line)


class RateLimitFilter(logging.Filter):
    """The same budget for a ``logging`` logger (uvicorn's and asyncio's errors)."""

    def __init__(self, *, burst: int = 30, window: float = 10.0) -> None:
        super().__init__()
        self.budget = LineBudget(burst=burst, window=window)

    def filter(self, record: logging.LogRecord) -> bool:
        ok, dropped = self.budget.take()
        if dropped and ok:
            record.msg = f"({dropped} more log lines dropped in {self.budget.window:g}s) {record.msg}"
        return ok


def quiet_server_logs(*, burst: int = 30, window: float = 10.0) -> None:
    """Put a budget on the loggers a server's errors go to (uvicorn's, asyncio's accept errors)."""
    for name in ("uvicorn.error", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RateLimitFilter) for f in logger.filters):
            logger.addFilter(RateLimitFilter(burst=burst, window=window))


__all__ = ["LineBudget", "RateLimitFilter", "RateLimitedLog", "quiet_server_logs"]
