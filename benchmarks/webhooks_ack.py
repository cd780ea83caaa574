"""How fast the receiver answers Poster: ack latency of `POST /webhook` on a loopback server, while
a slow Poster (every event takes 50 ms to process) keeps the background worker busy.

Run: /work/venv/bin/python benchmarks/webhooks_ack.py [EVENTS]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from poster_cli.serving import serving_in_thread
from poster_cli.webhooks.app import ReceiverConfig, create_app
from poster_cli.webhooks.processor import Outcome
from poster_cli.webhooks.sender import sample_event
from poster_cli.webhooks.store import EventStore


class SlowPoster:
    async def process(self, event):
        await asyncio.sleep(0.05)
        return Outcome("ok")


def main(count: int) -> None:
    db = Path(tempfile.mkdtemp()) / "webhooks.sqlite"
    app = create_app(ReceiverConfig(secret="bench", store_path=db), SlowPoster(), log=lambda line: None)
    times = []
    with serving_in_thread(app) as url, httpx.Client() as http:
        for i in range(count):
            event = sample_event("bench", object_id=i)
            started = time.perf_counter()
            resp = http.post(f"{url}/webhook", json=event)
            times.append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 200
        with EventStore(db) as store:
            done = sum(1 for e in store.events() if e.state == "done")
    times.sort()
    print(
        f"{count} events acknowledged: median {statistics.median(times):.1f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms; "
        f"processed by then: {done} (processing takes 50 ms each)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
