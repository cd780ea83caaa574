"""Issue 13 item 11: a live API URL is never taken for the local sandbox; one confirmation for
`order send`, `order batch` and `mapping push` (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w

from poster_cli.errors import UsageError
from poster_cli.live import NotConfirmed, confirm_live_write, is_local_url

PHONE = "+380501234567"
MAPPING = {
    "version": 1,
    "items": [{"local_id": "ESP", "local_name": "Espresso", "status": "confirmed", "product_id": 101}],
}
# Names that only look like this machine: each is a host on the internet.
LOOKALIKES = [
    "http://127.evil.example/api",
    "http://127.0.0.1.nip.io/api",
    "http://localhost.evil.example/api",
    "https://127-0-0-1.example.com/api",
    "http://evil.example/api?127.0.0.1",
]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765/api", "http://127.3.2.1/api", "http://[::1]:8765/api", "http://localhost:1/api"]
)
def test_loopback_addresses_and_localhost_are_local(url: str) -> None:
    assert is_local_url(url) is True


@pytest.mark.parametrize("url", LOOKALIKES + ["https://joinposter.com/api", "http://0.0.0.0/api", "not a url"])
def test_names_that_start_like_loopback_are_live(url: str) -> None:
    assert is_local_url(url) is False


def test_the_one_confirmation_asks_for_a_live_url_and_never_for_the_sandbox() -> None:
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    confirm_live_write("http://127.0.0.1:8765/api", "Q?", "R", yes=False, ask=no)
    assert asked == []
    with pytest.raises(NotConfirmed):
        confirm_live_write("http://127.evil.example/api", "Write?", "R", yes=False, ask=no)
    assert asked == ["Write?"]
    with pytest.raises(UsageError, match="--yes"):
        confirm_live_write("http://127.evil.example/api", "Q?", "orders would go", yes=False, ask=None)
    confirm_live_write("http://127.evil.example/api", "Q?", "R", yes=False, ask=None, required_without_tty=False)
    confirm_live_write("http://127.evil.example/api", "Q?", "R", yes=True, ask=no)
    assert asked == ["Write?"]


@pytest.fixture
def env(cli_env: Any) -> Any:
    assert cli_env.run("pull").exit_code == 0
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    return cli_env


def orders_in_sandbox(env: Any) -> int:
    return len(env.sandbox.state.doc["orders"])


@pytest.mark.parametrize("url", LOOKALIKES[:3])
def test_order_send_to_a_lookalike_host_needs_yes(env: Any, url: str) -> None:
    r = env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "L-1", env={"POSTER_API_URL": url})
    assert r.exit_code == 2
    assert "--yes" in r.stderr and "live Poster account" in r.stderr
    assert orders_in_sandbox(env) == 0


def test_order_batch_at_a_terminal_asks_before_sending_to_a_lookalike_host(env: Any, tmp_path: Path) -> None:
    f = tmp_path / "orders.csv"
    f.write_text(f"order_id,phone,item,count\nL-2,{PHONE},ESP,1\n", encoding="utf-8")
    live = {"POSTER_API_URL": LOOKALIKES[0], "POSTER_CLI_TTY": "1"}
    r = env.run("order", "batch", str(f), input="n\n", env=live)
    assert r.exit_code == 1 and "Nothing sent" in r.stderr
    assert "live Poster account at http://127.evil.example/api" in r.stderr
    assert orders_in_sandbox(env) == 0


def test_mapping_push_to_a_lookalike_host_needs_yes(env: Any) -> None:
    r = env.run("mapping", "push", env={"POSTER_API_URL": LOOKALIKES[0]})
    assert r.exit_code == 2 and "--yes" in r.stderr
    assert not env.sandbox.state.product(101).get("extras")
    at_tty = env.run("mapping", "push", input="n\n", env={"POSTER_API_URL": LOOKALIKES[0], "POSTER_CLI_TTY": "1"})
    assert at_tty.exit_code == 1 and "Nothing written" in at_tty.stderr
    assert not env.sandbox.state.product(101).get("extras")
