"""A shared pacer for requests to Poster.

Poster answers error 700 when an account calls too fast; it does not publish the limit
(Inferred [rate-limit]: a few requests a second are fine; ``doctor --probe`` measures). The pacer
spaces request starts at least ``1/rate`` seconds apart across every task that shares it, and
halves the rate on each 700 (or HTTP 429), then creeps back up after calm: additive increase,
multiplicative decrease, so a whole batch slows down together instead of each task hammering.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable


class RatePacer:
    """Spaces request starts; ``rate`` is requests per second (None or 0: no pacing until a 700)."""

    def __init__(
        self, rate: float | None = None, *, floor: float = 0.5, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_rate = rate if rate and rate > 0 else None
        self.rate = self.max_rate
        self.floor = floor
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()
        self.slowdowns = 0

    async def wait(self) -> None:
        """Wait for this request's turn."""
        if self.rate is None:
            return
        async with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + 1.0 / self.rate
        delay = start - now
        if delay > 0:
            await asyncio.sleep(delay)

    def slow_down(self) -> None:
        """Poster said 700 (or 429): halve the rate for everyone sharing this pacer."""
        self.slowdowns += 1
        current = self.rate if self.rate is not None else 8.0
        self.rate = max(self.floor, current / 2)

    def calm(self) -> None:
        """A request went through: recover a little of the rate lost to slowdowns."""
        if self.rate is None or self.slowdowns == 0:
            return
        target = self.max_rate if self.max_rate is not None else 50.0
        self.rate = min(target, self.rate + 0.25)
        if self.max_rate is None and self.rate >= target:
            self.rate = None
            self.slowdowns = 0
