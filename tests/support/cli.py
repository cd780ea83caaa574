"""The demo café's shared CLI contract data (mapping, site and order files) and one-line-failure asserts,
used by the exit-code, bad-input, golden JSON, terminal and redaction tests."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import tomli_w

from poster_cli.cli import common
from tests.support.orders import marked

PHONE = "+380501234567"
REJECTED_TOKEN = "424242:00000000000000000000000000000000"
# No rate pacing, no waits between order lookups: every command here runs in milliseconds.
FAST = {"POSTER_RATE_LIMIT": "0", "POSTER_CLI_LOOKUP_DELAYS": "0,0"}
# The demo café's two plainest links, in the shape of a mapping file's entries.
ESPRESSO_LINK = {"local_id": "ESP", "local_name": "Espresso", "status": "confirmed", "product_id": 101}
AMERICANO_S_LINK = {
    "local_id": "AMER-S",
    "local_name": "Americano small",
    "status": "confirmed",
    "product_id": 103,
    "modificator_id": 1001,
}
MAPPING = {
    "version": 1,
    "items": [
        ESPRESSO_LINK,
        AMERICANO_S_LINK,
        {
            "local_id": "LAT-L",
            "local_name": "Latte L",
            "status": "auto",
            "product_id": 105,
            "modificator_id": 1006,
            "score": 91.0,
        },
        {
            "local_id": "SYR",
            "local_name": "Syrnyky with condensed milk",
            "status": "manual",
            "product_id": 141,
            "dish_modifications": [{"m": 2002, "a": 1}],
        },
        {"local_id": "GIFT", "local_name": "Gift card", "status": "unmatched"},
    ],
}
SITE_MATCHED = "id,name,price\nESP,Espresso,45\nLAT-L,Latte L,85\n"
SITE_UNMATCHED = "id,name,price\nESP,Espresso,45\nGIFT,Gift card,500\n"
ORDERS_OK = f"order_id,phone,item,count\nB-1,{PHONE},ESP,2\nB-1,,AMER-S,1\nB-2,{PHONE},LAT-L,1\n"
ORDERS_ONE_BAD = ORDERS_OK + f"B-3,{PHONE},Expresso,1\n"


def pulled_with_mapping(cli_env: Any, items: list[dict[str, Any]]) -> Any:
    """The demo café's menu pulled, and a mapping file of these entries in its data folder."""
    assert cli_env.run("pull").exit_code == 0
    mapping = {"version": 1, "items": items}
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(mapping), encoding="utf-8")
    return cli_env


def sandbox_orders(env: Any, order_id: str) -> list[dict[str, Any]]:
    """The sandbox's own orders (read from its state) whose comment marks this site order."""
    return [o for o in env.sandbox.state.doc["orders"] if marked(o["comment"], order_id)]


def closed_url() -> str:
    """An API URL on a loopback port nobody listens on (connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


def offline(env: Any, *args: str, **kwargs: Any) -> Any:
    """Run a command with Poster unreachable: a closed loopback port, no in-process transport."""
    extra = {"POSTER_API_URL": closed_url(), **kwargs.pop("env", {})}
    saved = env.sandbox.transport
    env.sandbox.transport = None
    try:
        return env.run(*args, env=extra, **kwargs)
    finally:
        env.sandbox.transport = saved


def assert_one_line(result: Any, code: int, *words: str) -> str:
    """Exit ``code``, exactly one line on stderr, no traceback; the line holds every word."""
    assert result.exit_code == code, f"exit {result.exit_code}, stderr: {result.stderr!r}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {result.stderr!r}"
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    return lines[0]


def assert_attention(result: Any) -> None:
    """Exit 3: a report, ending with what needs a person; never a traceback."""
    assert result.exit_code == 3, f"exit {result.exit_code}, stderr: {result.stderr!r}"
    assert "Traceback" not in result.stderr


_COMMANDS: dict[int, Any] = {}


def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries stay, their back-off waits go (a network-down case fails in milliseconds); the click
    command tree is built from the Typer app once per worker, not at every run (~65 ms each)."""
    import typer.testing

    original = common.client
    build = typer.main.get_command

    async def no_wait(_seconds: float) -> None:
        return None

    monkeypatch.setattr(common, "client", lambda s, **kw: original(s, **{"sleep": no_wait, **kw}))

    def built_once(app: Any) -> Any:
        if id(app) not in _COMMANDS:
            _COMMANDS[id(app)] = build(app)
        return _COMMANDS[id(app)]

    monkeypatch.setattr(typer.testing, "_get_command", built_once)


_PULLED: dict[str, bytes] = {}  # one real `pull` per worker; later tests start from its snapshot
