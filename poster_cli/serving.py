"""Serving an ASGI app (sandbox, webhook receiver, OAuth callback) under uvicorn on a socket bound
beforehand (so port 0 works: the port is known before the server starts), in the foreground, as a
task, or in a thread (tests, the demo)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from typing import Any, Iterator

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0  # seconds a client may take to send a request's head (slowloris)
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is kept
MAX_CONNECTIONS = 200  # open connections at once; above it new requests get 503 (uvicorn)
MAX_HEAD = 16 * 1024  # bytes of request line + headers (h11's limit)


class HeadDeadlineH11(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for each request's head: a connection that has not
    sent a complete request line and headers within ``header_timeout`` seconds of opening (or of
    its previous answer) is closed. uvicorn alone would hold it for ever, one file descriptor each."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self._head_for = self.cycle  # a new request replaces self.cycle
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_deadline)

    def _head_deadline(self) -> None:
        if self.cycle is self._head_for and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        self._head_timer.cancel()
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_timer.cancel()
        super().connection_lost(exc)


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket; port 0 picks a free one (read it with ``sock.getsockname()[1]``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says TCP, and without it every keep-alive answer waits ~40 ms (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


def make_server(
    app: Any,
    *,
    log_level: str = "warning",
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> uvicorn.Server:
    """A uvicorn server for ``app``: lifespan on, no access log (the app logs one line per event),
    a deadline for each request's head, a cap on open connections, short keep-alive."""
    protocol = type("HeadDeadline", (HeadDeadlineH11,), {"header_timeout": header_timeout})
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        http=protocol,
        limit_concurrency=max_connections,
        timeout_keep_alive=KEEP_ALIVE,
        h11_max_incomplete_event_size=MAX_HEAD,
    )
    return uvicorn.Server(config)


def serve_forever(app: Any, sock: socket.socket, **limits: Any) -> None:
    """Serve until Ctrl-C / SIGTERM (uvicorn handles both and runs the lifespan shutdown).
    ``limits``: ``header_timeout``, ``max_connections`` (see :func:`make_server`)."""
    run_until_stopped(make_server(app, **limits), sock)


def run_until_stopped(server: uvicorn.Server, sock: socket.socket) -> None:
    """Run ``server`` until a signal stops it, then raise :class:`KeyboardInterrupt` (exit 130).

    uvicorn catches SIGINT and SIGTERM, shuts down, and raises the signal again to end the process
    as the signal would have. A job a shell starts in the background has SIGINT ignored, so that
    second SIGINT did nothing and Ctrl-C (``kill -INT``) ended the command with 0."""
    asyncio.run(server.serve(sockets=[sock]))
    if server.should_exit:
        raise KeyboardInterrupt


@contextlib.contextmanager
def serving_in_thread(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    startup_timeout: float = 10.0,
    sock: socket.socket | None = None,
) -> Iterator[str]:
    """Run ``app`` in a background thread; yields its base URL (``http://127.0.0.1:PORT``).

    Pass ``sock`` (from :func:`bind`) when the port must be known before the app is made."""
    sock = sock or bind(host, port)
    server = make_server(app)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
