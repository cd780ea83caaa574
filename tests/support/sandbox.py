"""The Poster sandbox for tests: in-process (:class:`SandboxHandle`), served by uvicorn on loopback
(:class:`SandboxServer`), and a CLI runner wired to it (:class:`CliEnv`). The fixtures in
``tests/conftest.py`` hand these out; the offline guard's message and host check live here too."""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlencode

import httpx

from poster_cli.sandbox import DEMO_APP_SECRET, DEMO_TOKEN, FaultConfig, Sandbox, SandboxState

OFFLINE_MESSAGE = "tests stay on this machine"


def _is_local(host: object) -> bool:
    if host is None or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


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
    mode: str = "full",
) -> SandboxHandle:
    """A fresh in-process sandbox (the ``sandbox`` fixture is ``make_sandbox()``); ``mode`` may be
    ``"docs-minimal"`` (documented fields only, lenient checks, no extras echo)."""
    state = SandboxState.open(state_path, token=token, clock=clock)
    sb = Sandbox(
        state,
        faults=faults,
        webhook_url=webhook_url,
        webhook_transport=webhook_transport,
        app_secret=app_secret,
        retry_delays=retry_delays,
        mode=mode,
    )
    return SandboxHandle(sb)


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
