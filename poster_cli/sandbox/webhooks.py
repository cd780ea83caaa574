"""Webhooks the sandbox sends, signed and retried the way Poster does.

Body (``en/web/webhooks.md``): ``account`` (the account login), ``account_number``, ``object``,
``object_id`` (int, as in the docs' example), ``action``, ``time`` (unix seconds, a string),
``verify`` = md5 of ``account;object;object_id;action;[data;]time;application_secret``, and
``data`` only for objects that carry it. Sent as a JSON POST.

Delivery: only HTTP 200 counts as delivered; anything else, or no answer, is retried after each
delay of ``retry_delays`` (Poster: "15 more times within two days" — ``POSTER_RETRY_DELAYS``;
Inferred [retry-schedule]: the docs give the count and the span, not the delays).
Events go out one at a time in order, so an undelivered hook holds back the newer ones, as the
docs warn. Each attempt is logged in :attr:`WebhookEmitter.deliveries`.

The worker is an asyncio task on whichever loop emits (uvicorn's, or a test's); a loop that ends
with events still queued leaves them for the next emit to pick up.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from typing import Any, Awaitable, Callable

import httpx

from poster_cli.poster.signature import webhook_verify

# 15 retries over about two days.
POSTER_RETRY_DELAYS: tuple[float, ...] = (
    60,
    120,
    300,
    600,
    1200,
    1800,
    3600,
    7200,
    10800,
    14400,
    21600,
    21600,
    21600,
    21600,
    21600,
)


class WebhookEmitter:
    """Queues events and delivers them to ``url`` in the background."""

    def __init__(
        self,
        url: str | None,
        secret: str,
        *,
        account: str,
        account_number: str,
        retry_delays: tuple[float, ...] = POSTER_RETRY_DELAYS,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.url = url
        self.secret = secret
        self.account = account
        self.account_number = account_number
        self.retry_delays = tuple(retry_delays)
        self.transport = transport
        self.timeout = timeout
        self.clock = clock
        self._sleep = sleep
        self.deliveries: list[dict[str, Any]] = []  # one entry per attempt
        self.sent: list[dict[str, Any]] = []  # every event emitted, in order
        self._queue: deque[dict[str, Any]] = deque()
        self._task: asyncio.Task[None] | None = None
        self._lock = threading.Lock()

    def event(self, obj: str, object_id: int, action: str, data: Any = None) -> dict[str, Any]:
        """Build a signed event body."""
        body: dict[str, Any] = {
            "account": self.account,
            "account_number": self.account_number,
            "object": obj,
            "object_id": object_id,
            "action": action,
            "time": str(int(self.clock())),
        }
        if data is not None:
            body["data"] = data
        body["verify"] = webhook_verify(body, self.secret)
        return body

    def emit(self, obj: str, object_id: int, action: str, data: Any = None) -> dict[str, Any]:
        """Queue an event for delivery (nothing is sent without a URL, but it is still recorded)."""
        body = self.event(obj, object_id, action, data)
        with self._lock:
            self.sent.append(body)
            if self.url:
                self._queue.append(body)
        if self.url:
            self._ensure_worker()
        return body

    @property
    def pending(self) -> int:
        return len(self._queue) + (1 if self._task is not None and not self._task.done() else 0)

    def _ensure_worker(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: a later emit (or drain) starts the worker
        task = self._task
        if task is not None and not task.done() and task.get_loop() is loop and not loop.is_closed():
            return
        self._task = loop.create_task(self._work())

    async def drain(self) -> None:
        """Wait until every queued event is delivered or given up (for tests and shutdown)."""
        while self._queue:
            self._ensure_worker()
            if self._task is None:
                return
            await asyncio.shield(self._task)  # a failing worker raises here rather than spin

    async def _work(self) -> None:
        async with httpx.AsyncClient(transport=self.transport, timeout=self.timeout) as http:
            while True:
                with self._lock:
                    if not self._queue:
                        return
                    body = self._queue[0]
                await self._deliver(http, body)
                with self._lock:
                    if self._queue and self._queue[0] is body:
                        self._queue.popleft()

    async def _deliver(self, http: httpx.AsyncClient, body: dict[str, Any]) -> None:
        delays = (0.0,) + self.retry_delays
        for attempt, delay in enumerate(delays, start=1):
            if delay:
                await self._sleep(delay)
            record: dict[str, Any] = {"attempt": attempt, "event": body, "url": self.url, "at": time.time()}
            try:
                resp = await http.post(str(self.url), json=body)
                record["status"] = resp.status_code
                record["delivered"] = resp.status_code == 200
            except httpx.HTTPError as exc:
                record["status"] = None
                record["error"] = type(exc).__name__
                record["delivered"] = False
            self.deliveries.append(record)
            if record["delivered"]:
                return
        self.deliveries.append(
            {
                "attempt": len(delays),
                "event": body,
                "url": self.url,
                "gave_up": True,
                "delivered": False,
                "at": time.time(),
            }
        )

    def delivered(self) -> list[dict[str, Any]]:
        """Events that reached the receiver (one per event), in order."""
        return [d["event"] for d in self.deliveries if d.get("delivered")]
