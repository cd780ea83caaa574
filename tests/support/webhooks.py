"""A recording stand-in for the webhook processor, a bounded wait, and the receiver's stored events."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from poster_cli.webhooks.processor import Outcome
from poster_cli.webhooks.store import EventStore


class RecordingProcessor:
    """Stands in for Poster + files: records events; can be held back with ``gate``."""

    def __init__(self, *, fail_times: int = 0) -> None:
        self.seen: list[tuple] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail_times = fail_times

    async def process(self, event):
        while not self.gate.is_set():
            await asyncio.sleep(0.01)
        self.seen.append(event.key)
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("Poster unreachable")
        return Outcome(f"seen {event.object_id}", {"order_status": "accepted", "site_order_id": "A-17"})


def wait_for(predicate, what: str, limit: float = 10.0) -> None:
    """Poll until ``predicate()`` holds (bounded, so a broken receiver fails instead of hanging)."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def stored(path: Path) -> list:
    with EventStore(path) as store:
        return list(store.events())
