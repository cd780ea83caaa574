"""Shared pytest fixtures: the Poster sandbox in-process, as a real loopback server, and a CLI
runner wired to it.

Quick reference::

    async def test_x(sandbox):
        async with sandbox.client() as api:               # a PosterClient on the sandbox
            order = await api.create_incoming_order({...})
        sandbox.trigger("order.accepted", order.incoming_order_id)
        assert sandbox.state.order(order.incoming_order_id)["status"] == 1

    def test_y(cli_env):
        result = cli_env.run("pull", "--json")           # poster-cli pull against the sandbox
        assert result.exit_code == 0, result.stderr

    def test_z(sandbox_server):
        httpx.get(f"{sandbox_server.api_url}/access.getSpots", params={"token": sandbox_server.token})

Everything runs offline, on 127.0.0.1 or in memory; each test gets a fresh demo café. A test that
tried to reach anything but this machine (joinposter.com, say) fails at once: see ``_offline``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlencode

import httpx
import pytest

from poster_cli.sandbox import DEMO_APP_SECRET, DEMO_TOKEN, FaultConfig, Sandbox, SandboxState

OFFLINE_MESSAGE = "tests stay on this machine"


def _is_local(host: object) -> bool:
    if host is None or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def _offline() -> Iterator[None]:
    """Refuse, in this process, every name lookup and connection that would leave the machine:
    the sandbox serves everything, so nothing a test runs may reach joinposter.com."""
    real_getaddrinfo, real_connect, real_connect_ex = (
        socket.getaddrinfo,
        socket.socket.connect,
        socket.socket.connect_ex,
    )

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host.decode() if isinstance(host, bytes) else host):
            raise socket.gaierror(f"{OFFLINE_MESSAGE}: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise OSError(f"{OFFLINE_MESSAGE}: {address[0]}")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo  # type: ignore[assignment]
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]


SANDBOX_API_URL = "http://sandbox.test/api"
# Fast retries so webhook tests take milliseconds, not Poster's two days.
FAST_RETRY_DELAYS = (0.01, 0.02, 0.04)


@dataclass
class SandboxHandle:
    """The sandbox running in this process.

    * ``sandbox`` — the :class:`~poster_cli.sandbox.Sandbox` (an ASGI app);
    * ``state`` — its :class:`~poster_cli.sandbox.SandboxState`: ``state.doc`` is the whole account
      (``products``, ``orders``, ``transactions`` ...), ``state.order(id)``, ``state.product(id)``;
    * ``token`` — a token it accepts; ``api_url`` — ``http://sandbox.test/api``;
    * ``transport`` — an ``httpx.ASGITransport`` for ``PosterClient(api_url, token, transport=...)``;
    * ``client(**kw)`` — such a ``PosterClient`` (use ``async with``); ``retries``/``backoff`` may be
      overridden, e.g. ``client(backoff=0)`` for fast fault tests;
    * ``trigger(event, *args)`` — a cashier/menu action (``order.accepted``, ``product.price`` ...),
      see ``poster-cli sandbox trigger --help``; returns what changed;
    * ``request(method, params, json=..., form=..., token=...)`` — one raw call (sync), an httpx
      ``Response``, to check Poster's exact answer shapes and error codes;
    * ``faults(**settings)`` — ``latency_ms``, ``error_rate``, ``rate_limit``,
      ``drop_after_commit_rate``, ``seed``; ``faults_off()`` turns them all off;
    * ``drain()`` — await until queued webhooks are delivered (or given up);
    * ``webhooks`` — the emitter: ``webhooks.sent`` (every event body), ``webhooks.deliveries``
      (every attempt: ``attempt``, ``status``, ``delivered``, ``event``), ``webhooks.delivered()``.
    """

    sandbox: Sandbox
    api_url: str = SANDBOX_API_URL
    transport: httpx.ASGITransport = field(init=False)

    def __post_init__(self) -> None:
        self.transport = httpx.ASGITransport(app=self.sandbox)

    @property
    def state(self) -> SandboxState:
        return self.sandbox.state

    @property
    def token(self) -> str:
        return self.sandbox.state.token

    @property
    def webhooks(self) -> Any:
        return self.sandbox.emitter

    @property
    def app_secret(self) -> str:
        return self.sandbox.app_secret

    def client(self, **kwargs: Any) -> Any:
        from poster_cli.poster.client import PosterClient

        kwargs.setdefault("transport", self.transport)
        return PosterClient(self.api_url, kwargs.pop("token", self.token), **kwargs)

    def request(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        json: Any = None,
        form: Any = None,
        token: str | None | bool = True,
    ) -> httpx.Response:
        """One raw HTTP call to ``/api/{method}`` (sync), for asserting Poster's exact answers:
        GET with ``params``; POST with a ``json`` body or a ``form`` (urlencoded dict or list of
        pairs). ``token=True`` sends the sandbox's token, ``None``/``False`` sends none."""
        query = dict(params or {})
        if token is True:
            query["token"] = self.token
        elif token:
            query["token"] = token

        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://sandbox.test") as http:
                if json is not None:
                    return await http.post(f"/api/{method}", params=query, json=json)
                if form is not None:
                    body = urlencode(list(form.items()) if isinstance(form, dict) else list(form))
                    headers = {"Content-Type": "application/x-www-form-urlencoded"}
                    return await http.post(f"/api/{method}", params=query, content=body, headers=headers)
                return await http.get(f"/api/{method}", params=query)

        return asyncio.run(go())

    def trigger(self, event: str, *args: Any) -> Any:
        return self.sandbox.trigger(event, *args)

    def faults(self, **settings: Any) -> FaultConfig:
        return self.sandbox.faults.update(settings)

    def faults_off(self) -> None:
        self.sandbox.faults.off()

    async def drain(self) -> None:
        await self.sandbox.emitter.drain()


def make_sandbox(
    *,
    state_path: Path | None = None,
    token: str = DEMO_TOKEN,
    webhook_url: str | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    app_secret: str = DEMO_APP_SECRET,
    retry_delays: tuple[float, ...] = FAST_RETRY_DELAYS,
    faults: FaultConfig | None = None,
    clock: Callable[[], float] = time.time,
) -> SandboxHandle:
    """A fresh in-process sandbox (the ``sandbox`` fixture is ``make_sandbox()``)."""
    state = SandboxState.open(state_path, token=token, clock=clock)
    sb = Sandbox(
        state,
        faults=faults,
        webhook_url=webhook_url,
        webhook_transport=webhook_transport,
        app_secret=app_secret,
        retry_delays=retry_delays,
    )
    return SandboxHandle(sb)


@pytest.fixture
def sandbox() -> SandboxHandle:
    """A fresh demo café sandbox in this process (see :class:`SandboxHandle`). Webhooks go nowhere
    until ``sandbox.webhooks.url`` is set (``sandbox.webhooks.transport`` may be an ASGI transport
    of a receiver app); retries are fast (:data:`FAST_RETRY_DELAYS`)."""
    return make_sandbox()


@pytest.fixture
def sandbox_factory() -> Callable[..., SandboxHandle]:
    """``make_sandbox`` itself, for sandboxes with a state file, webhook URL, faults or a clock."""
    return make_sandbox


@dataclass
class SandboxServer:
    """A sandbox served by uvicorn on 127.0.0.1 (port 0) in a background thread.

    ``base_url`` is ``http://127.0.0.1:PORT``; ``api_url`` is that plus ``/api`` (for
    ``POSTER_API_URL``); ``token``; ``handle`` is the :class:`SandboxHandle` of the same sandbox
    (its state, trigger, faults). ``trigger`` here runs the action on the server's own loop, so its
    webhooks are sent by the server. ``wait_deliveries(n)`` waits for n delivered webhooks.
    """

    handle: SandboxHandle
    base_url: str
    loop: asyncio.AbstractEventLoop

    @property
    def api_url(self) -> str:
        return self.base_url + "/api"

    @property
    def token(self) -> str:
        return self.handle.token

    @property
    def state(self) -> SandboxState:
        return self.handle.state

    def trigger(self, event: str, *args: Any) -> Any:
        async def run() -> Any:
            return self.handle.trigger(event, *args)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=10)

    def wait_deliveries(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.handle.webhooks.delivered()
            if len(done) >= count:
                return done
            time.sleep(0.01)
        raise AssertionError(f"expected {count} delivered webhooks, got {self.handle.webhooks.deliveries}")


@contextmanager
def asgi_server(app: Any) -> Iterator[tuple[str, asyncio.AbstractEventLoop]]:
    """Serve any ASGI ``app`` with uvicorn on ``127.0.0.1:<free port>`` in a background thread;
    yields ``(base_url, loop)`` and stops the server on exit. Useful for a webhook receiver too."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    loops: list[asyncio.AbstractEventLoop] = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        loops.append(loop)
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve())
        loop.close()

    thread = threading.Thread(target=run, name="asgi-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the loopback server did not start")
        time.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", loops[0]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve_sandbox(handle: SandboxHandle) -> Iterator[SandboxServer]:
    """Run ``handle``'s sandbox under uvicorn on a free loopback port (a :class:`SandboxServer`)."""
    with asgi_server(handle.sandbox) as (base_url, loop):
        yield SandboxServer(handle=handle, base_url=base_url, loop=loop)


@pytest.fixture
def sandbox_server() -> Iterator[SandboxServer]:
    """A real uvicorn sandbox on ``127.0.0.1:<free port>`` (see :class:`SandboxServer`)."""
    with serve_sandbox(make_sandbox()) as server:
        yield server


@dataclass
class CliEnv:
    """Runs ``poster-cli`` commands in-process (``typer.testing.CliRunner``) against the in-process
    sandbox, with a clean environment: ``POSTER_TOKEN``, ``POSTER_API_URL`` (the sandbox),
    ``POSTER_CLI_DATA_DIR`` = ``data_dir`` (a tmp folder), ``POSTER_SPOT_ID=1``, no user config,
    ``NO_COLOR``; the current directory is a tmp folder.

    ``run(*args, input=None, env={...})`` returns click's ``Result`` (``exit_code``, ``stdout``,
    ``stderr``); ``env`` adds or (with ``None``) removes variables for that run. ``sandbox`` is the
    :class:`SandboxHandle` the commands talk to.
    """

    sandbox: SandboxHandle
    data_dir: Path
    env: dict[str, str | None]

    def run(self, *args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> Any:
        from typer.testing import CliRunner

        from poster_cli.cli import common
        from poster_cli.cli.main import app

        merged = dict(self.env)
        merged.update(env or {})
        previous = common.TRANSPORT.get("transport")
        common.TRANSPORT["transport"] = self.sandbox.transport
        try:
            return CliRunner().invoke(app, list(args), input=input, env=merged, catch_exceptions=False)
        finally:
            if previous is None:
                common.TRANSPORT.pop("transport", None)
            else:
                common.TRANSPORT["transport"] = previous


@pytest.fixture
def cli_env(sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliEnv:
    """A :class:`CliEnv` on the ``sandbox`` fixture's sandbox (the same one a test can trigger)."""
    work = tmp_path / "work"
    data = tmp_path / "data"
    work.mkdir()
    monkeypatch.chdir(work)
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("POSTER_")}
    env.update(
        {
            "POSTER_TOKEN": sandbox.token,
            "POSTER_API_URL": sandbox.api_url,
            "POSTER_CLI_DATA_DIR": str(data),
            "POSTER_SPOT_ID": "1",
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "NO_COLOR": "1",
            "TERM": "dumb",
        }
    )
    return CliEnv(sandbox=sandbox, data_dir=data, env=env)


@pytest.fixture(autouse=True)
def _isolated_api_log() -> Iterator[None]:
    """``--debug`` attaches a stderr handler to the ``poster_cli`` logger; under CliRunner that
    stream is closed after the run, so each test gets the logger back as it found it."""
    import logging

    logger = logging.getLogger("poster_cli")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)
