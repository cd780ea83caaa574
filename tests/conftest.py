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

import os
import socket
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import tomli_w

from tests.support.cli import (
    _PULLED,
    FAST,
    MAPPING,
    ORDERS_OK,
    ORDERS_ONE_BAD,
    SITE_MATCHED,
    SITE_UNMATCHED,
    fast_cli,
)
from tests.support.sandbox import (
    OFFLINE_MESSAGE,
    CliEnv,
    SandboxHandle,
    SandboxServer,
    _is_local,
    make_sandbox,
    serve_sandbox,
)


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


@pytest.fixture
def sandbox_server() -> Iterator[SandboxServer]:
    """A real uvicorn sandbox on ``127.0.0.1:<free port>`` (see :class:`SandboxServer`)."""
    with serve_sandbox(make_sandbox()) as server:
        yield server


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


@pytest.fixture
def cafe(cli_env: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo café pulled, a mapping written, a site catalogue and order files in the work dir."""
    fast_cli(monkeypatch)
    cli_env.env.update(FAST)
    if "menu" not in _PULLED:
        pulled = cli_env.run("pull")
        assert pulled.exit_code == 0, pulled.stderr
        _PULLED["menu"] = (cli_env.data_dir / "menu.json").read_bytes()
    cli_env.data_dir.mkdir(exist_ok=True)
    (cli_env.data_dir / "menu.json").write_bytes(_PULLED["menu"])
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    for name, text in {
        "site.csv": SITE_MATCHED,
        "unmatched.csv": SITE_UNMATCHED,
        "orders.csv": ORDERS_OK,
        "one-bad.csv": ORDERS_ONE_BAD,
    }.items():
        Path(name).write_text(text, encoding="utf-8")
    return cli_env


@pytest.fixture(autouse=True)
def _no_child_processes_under_mutmut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under mutmut (``MUTANT_UNDER_TEST`` set) a test that starts a child process is skipped: the child
    would import the installed package, not the mutant, and mutmut cannot trace it. See README,
    Development."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    import subprocess

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        pytest.skip("starts a child process, which mutmut does not trace")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under mutmut, the receiver tests are skipped: its ``--on-event`` hooks run as child processes
    started from the event loop, where the skip above cannot reach (the signature has its own tests)."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    skip = pytest.mark.skip(reason="the receiver starts child processes, which mutmut does not trace")
    for item in items:
        if "tests/webhooks/" in item.nodeid and "test_signature" not in item.nodeid:
            item.add_marker(skip)
