"""The receiver as a Starlette app: ``POST /webhook`` and ``GET /healthz``.

A delivery is verified, written to the event store and answered ``200 {"status": "accept"}``
straight away (a redelivery with the same key is not stored twice); nothing Poster-facing waits for processing. Two background workers started in the
app's lifespan then take the stored events in arrival order: one applies them
(:class:`~poster_cli.webhooks.processor.EventProcessor`), the other runs the ``--on-event``
command, so a slow command never delays journal or menu updates. At start-up both pick up what
the previous run left unfinished.

Answers: 400 malformed body (or JSON nested deeper than a delivery ever is, refused before it is
parsed), 401 unsigned / bad signature / stale ``time``, 408 a body that does not arrive within
``body_timeout``, 413 body over 64 KB, 503 when the event cannot be stored (Poster delivers again).
An ``--on-event`` run that cannot even start (no file descriptors left) is postponed, not dropped.
Connection-level limits (a deadline for each request's head, a cap on connections) are the
server's: :func:`poster_cli.serving.make_server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from poster_cli.poster.redact import redact
from poster_cli.webhooks.events import DEFAULT_MAX_AGE, MAX_BODY, DeliveryRejected, check_delivery, parse_body
from poster_cli.webhooks.hook import HookPolicy, run_hook
from poster_cli.webhooks.processor import Outcome
from poster_cli.webhooks.store import EventStore, StoredEvent


class Processor(Protocol):
    async def process(self, event: Any) -> Outcome: ...


def stderr_log(line: str) -> None:
    """One line on stderr, secrets removed."""
    sys.stderr.write(redact(line).rstrip("\n") + "\n")
    sys.stderr.flush()


@dataclass
class ReceiverConfig:
    secret: str
    store_path: Path
    max_age: float = DEFAULT_MAX_AGE
    hook: HookPolicy | None = None
    body_timeout: float = 10.0  # seconds for the whole body once the head arrived


def hook_payload(stored: StoredEvent) -> dict[str, Any]:
    """The JSON an ``--on-event`` command reads: the event, what processing found, the outcome."""
    payload = {"event_id": stored.id, **stored.event.to_dict()}
    payload.update(stored.details or {})
    payload["outcome"] = stored.outcome
    return payload


def _label(stored: StoredEvent) -> str:
    ev = stored.event
    return f"webhook #{stored.id} {ev.object} {ev.object_id} {ev.action}"


async def apply_event(
    store: EventStore, processor: Processor, event_id: int, log: Callable[[str], None]
) -> StoredEvent | None:
    """Process one stored event and record the outcome; never raises for a failed event."""
    stored = await asyncio.to_thread(store.get, event_id)
    if stored is None:
        return None
    try:
        outcome = await processor.process(stored.event)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # Poster unreachable, a bug: keep the event, say why, go on
        reason = redact(str(exc) or type(exc).__name__)
        log(f"{_label(stored)}: failed: {reason}")  # logged first: a recorded outcome is always in the log
        await asyncio.to_thread(store.finish, event_id, state="error", outcome=f"error: {reason}", details=None)
        return await asyncio.to_thread(store.get, event_id)
    log(f"{_label(stored)}: {'NEEDS ATTENTION: ' if outcome.attention else ''}{outcome.summary}")
    await asyncio.to_thread(store.finish, event_id, state="done", outcome=outcome.summary, details=outcome.details)
    return await asyncio.to_thread(store.get, event_id)


class Receiver:
    """State shared by the routes and the workers of one running app."""

    def __init__(self, config: ReceiverConfig, processor: Processor, log: Callable[[str], None]) -> None:
        self.config = config
        self.processor = processor
        self.log = log
        self.store: EventStore | None = None
        self.to_process: asyncio.Queue[int] = asyncio.Queue()
        self.to_hook: asyncio.Queue[int] = asyncio.Queue()
        self.processed = 0
        self.postponed: dict[int, int] = {}  # event id -> times its on-event run could not start

    async def start(self) -> list[asyncio.Task[None]]:
        self.store = await asyncio.to_thread(EventStore, self.config.store_path)
        backlog = await asyncio.to_thread(self.store.unprocessed)
        hooks = await asyncio.to_thread(self.store.hooks_due)
        if backlog or hooks:
            self.log(
                f"resuming: {len(backlog)} event(s) to process, {len(hooks)} on-event run(s) left from the last run"
            )
        for event_id in backlog:
            self.to_process.put_nowait(event_id)
        for event_id in hooks:
            self.to_hook.put_nowait(event_id)
        return [asyncio.create_task(self._process_loop()), asyncio.create_task(self._hook_loop())]

    async def _process_loop(self) -> None:
        assert self.store is not None
        while True:
            event_id = await self.to_process.get()
            try:
                before = await asyncio.to_thread(self.store.get, event_id)
                stored = await apply_event(self.store, self.processor, event_id, self.log)
                if stored is not None and stored.state == "done" and self.config.hook is not None:
                    if before is not None and before.state == "done" and before.details != stored.details:
                        # Same key, new facts (two changes within one second): tell the command.
                        await asyncio.to_thread(self.store.rearm_hook, event_id)
                        self.to_hook.put_nowait(event_id)
                    elif stored.hook_state == "pending":
                        self.to_hook.put_nowait(event_id)
            except Exception as exc:  # the store failed: the event stays pending for the next start
                self.log(f"webhook #{event_id}: not processed: {type(exc).__name__}: {exc}")
            finally:
                self.processed += 1
                self.to_process.task_done()

    async def _hook_loop(self) -> None:
        assert self.store is not None
        while True:
            event_id = await self.to_hook.get()
            try:
                await self._run_hook(event_id)
            except Exception as exc:  # the store failed: the run stays pending for the next start
                self.log(f"webhook #{event_id}: on-event not recorded: {type(exc).__name__}: {exc}")
            finally:
                self.to_hook.task_done()

    async def _run_hook(self, event_id: int) -> None:
        assert self.store is not None
        stored = await asyncio.to_thread(self.store.get, event_id)
        if stored is None or self.config.hook is None or stored.hook_state != "pending":
            return  # queued twice (a redelivery) and already run
        result = await run_hook(self.config.hook, hook_payload(stored), log=self.log)
        if result.later:
            tries = self.postponed[event_id] = self.postponed.get(event_id, 0) + 1
            delay = min(60.0, 0.5 * 2 ** min(tries, 7))
            self.log(f"{_label(stored)}: on-event run postponed ({result.error}); trying again in {delay:g}s")
            asyncio.get_running_loop().call_later(delay, self.to_hook.put_nowait, event_id)
            return  # still pending in the store: a restart picks it up too
        self.postponed.pop(event_id, None)
        if not result.ok:
            self.log(f"{_label(stored)}: on-event command gave up after {result.attempts} run(s)")
        await asyncio.to_thread(
            self.store.finish_hook, event_id, ok=result.ok, attempts=result.attempts, error=result.error
        )

    async def idle(self) -> None:
        """Wait until every queued event is processed and its command has run (for tests, shutdown)."""
        await self.to_process.join()
        await self.to_hook.join()

    async def receive(self, request: Request) -> JSONResponse:
        try:
            try:
                async with asyncio.timeout(self.config.body_timeout):
                    body = await _read_capped(request)
            except TimeoutError:
                raise DeliveryRejected(408, f"body not received within {self.config.body_timeout:g}s") from None
            fields = parse_body(body, request.headers.get("content-type"))
            event = check_delivery(fields, self.config.secret, max_age=self.config.max_age)
        except DeliveryRejected as rej:
            self.log(f"webhook rejected ({rej.status}): {rej.reason}")
            return JSONResponse({"status": "rejected", "error": rej.reason}, status_code=rej.status)
        assert self.store is not None
        try:
            event_id, is_new = await asyncio.to_thread(self.store.add, event, with_hook=self.config.hook is not None)
        except Exception as exc:  # disk full, no file descriptors: Poster delivers again later
            self.log(f"webhook not stored ({type(exc).__name__}: {redact(str(exc))}); answered 503")
            return JSONResponse({"status": "retry", "error": "cannot store the event now"}, status_code=503)
        if not is_new:
            self.log(f"webhook #{event_id} {event.object} {event.object_id} {event.action}: redelivery, already stored")
        # A redelivery is looked at again, which is harmless (processing reads Poster's current
        # state), and catches two changes in one second that share a key; the command only runs
        # again if that brought something new.
        self.to_process.put_nowait(event_id)
        return JSONResponse({"status": "accept"})

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "status": "ok",
                "queued": self.to_process.qsize(),
                "hooks_queued": self.to_hook.qsize(),
                "processed": self.processed,
            }
        )


async def _read_capped(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > MAX_BODY:
                raise DeliveryRejected(413, f"body over {MAX_BODY // 1024} KB")
        except ValueError:
            raise DeliveryRejected(400, "bad Content-Length") from None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise DeliveryRejected(413, f"body over {MAX_BODY // 1024} KB")
    return bytes(body)


def create_app(config: ReceiverConfig, processor: Processor, *, log: Callable[[str], None] = stderr_log) -> Starlette:
    """The receiver app. ``app.state.receiver`` gives tests the queues and the store."""
    receiver_box: dict[str, Receiver] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        receiver = Receiver(config, processor, log)
        tasks = await receiver.start()
        app.state.receiver = receiver_box["r"] = receiver
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            close = getattr(processor, "aclose", None)
            if close is not None:
                await close()
            if receiver.store is not None:
                await asyncio.to_thread(receiver.store.close)

    async def webhook(request: Request) -> JSONResponse:
        return await receiver_box["r"].receive(request)

    async def healthz(request: Request) -> JSONResponse:
        return await receiver_box["r"].health(request)

    return Starlette(
        routes=[Route("/webhook", webhook, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
        lifespan=lifespan,
    )


async def replay_events(
    store: EventStore,
    processor: Processor,
    event_ids: list[int],
    *,
    hook: HookPolicy | None = None,
    log: Callable[[str], None] = stderr_log,
) -> list[StoredEvent]:
    """Process stored events again, in the order given (``webhooks replay``); with ``hook``, run
    the command again for each event that processed cleanly."""
    results: list[StoredEvent] = []
    for event_id in event_ids:
        stored = await apply_event(store, processor, event_id, log)
        if stored is None:
            continue
        if hook is not None and stored.state == "done":
            result = await run_hook(hook, hook_payload(stored), log=log)
            await asyncio.to_thread(
                store.finish_hook, event_id, ok=result.ok, attempts=result.attempts, error=result.error
            )
            stored = await asyncio.to_thread(store.get, event_id) or stored
        results.append(stored)
    return results
