"""The token and the application secret never show: every command that talks to Poster, on its
success and failure paths, plain, with ``--debug`` and with ``POSTER_DEBUG=1``, is run with a
known token and secret; neither (nor the token's 32-hex key alone) may appear in stdout, stderr,
or any file the tool writes (sqlite files read as bytes). Only the config file they were put in
may hold them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import tomli_w

from poster_cli.cli import common
from poster_cli.poster import redact as redact_module
from tests.support.cli import FAST, MAPPING, PHONE, closed_url, fast_cli
from tests.support.sandbox import make_sandbox

KEY = "5ec2e75ec2e7a11ce5ec2e75ec2e7b0b"
TOKEN = f"777001:{KEY}"
OTHER_KEY = "0badc0de0badc0de0badc0de0badc0de"
REFUSED = f"777001:{OTHER_KEY}"  # a token Poster refuses must not leak either
SECRET = "app-secret-not-for-your-eyes-93f1"
SECRETS = (TOKEN, KEY, REFUSED, OTHER_KEY, SECRET)
CONFIG_FILES = {"poster-cli.toml"}  # where the user asked the token to be kept

BATCH = f"order_id,phone,item,count\nR-1,{PHONE},ESP,1\nR-2,{PHONE},AMER-S,2\nR-3,{PHONE},Expresso,1\n"
# Commands that talk to Poster (or the sandbox's admin API), in an order that gives each one
# something to do; each is also run where it fails.
SESSION = [
    ("doctor",),
    ("pull", "--json"),
    ("sync",),
    ("mapping", "push", "--yes"),
    ("order", "send", "-i", "ESP:2", "--phone", PHONE, "--order-id", "R-0", "--yes", "--json"),
    ("order", "batch", "orders.csv", "--json"),
    ("order", "status", "R-0", "--json"),
    ("order", "status", "1001"),
    ("order", "list"),
    ("sandbox", "trigger", "order.accepted", "1001", "--json"),
    ("order", "watch", "R-0", "--timeout", "0.3"),
    ("webhooks", "test", "--object-id", "1001", "--json"),
    ("webhooks", "replay", "--json"),
    ("sandbox", "faults"),
    ("init", "--local", "--force"),
]


@pytest.fixture
def secret_env(cli_env: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``cli_env`` on a sandbox that accepts TOKEN and signs with SECRET; each run starts with
    the redactor knowing nothing, as a fresh process would."""
    fast_cli(monkeypatch)
    cli_env.sandbox = make_sandbox(token=TOKEN, app_secret=SECRET)
    cli_env.env.update(FAST, POSTER_TOKEN=TOKEN, POSTER_APP_SECRET=SECRET)
    cli_env.data_dir.mkdir()
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    Path("orders.csv").write_text(BATCH, encoding="utf-8")
    receiver = httpx.MockTransport(lambda request: httpx.Response(200, json={"status": "accept"}))
    monkeypatch.setitem(common.TRANSPORT, "sync_transport", receiver)
    original_run = cli_env.run

    def fresh_run(*args: str, **kwargs: Any) -> Any:
        monkeypatch.setattr(redact_module, "_known", set())
        return original_run(*args, **kwargs)

    monkeypatch.setattr(cli_env, "run", fresh_run)
    return cli_env


def sweep(cli: Any, commands: list[tuple[str, ...]], *, prefix: tuple[str, ...] = (), **kwargs: Any) -> list[Any]:
    """Run the commands; fail on any secret in what they printed. Returns the results."""
    results = []
    for args in commands:
        result = cli.run(*prefix, *args, **kwargs)
        if "--debug" not in prefix:
            assert "Traceback" not in result.stderr, result.stderr
        for secret in SECRETS:
            assert secret not in result.stdout, f"`{' '.join(args)}` printed a secret on stdout"
            assert secret not in result.stderr, f"`{' '.join(args)}` printed a secret on stderr"
        results.append(result)
    return results


def assert_no_secret_in_files(root: Path) -> int:
    """Every file under root (config files aside) read as bytes; returns how many were read."""
    files = [p for p in root.rglob("*") if p.is_file() and p.name not in CONFIG_FILES]
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{path.relative_to(root)} holds a secret"
    return len(files)


@pytest.mark.parametrize("mode", ["plain", "--debug", "POSTER_DEBUG=1"])
def test_a_whole_session_never_shows_the_token_or_the_secret(secret_env: Any, tmp_path: Path, mode: str) -> None:
    prefix = ("--debug",) if mode == "--debug" else ()
    env = {"POSTER_DEBUG": "1"} if mode == "POSTER_DEBUG=1" else {}
    results = sweep(secret_env, SESSION, prefix=prefix, env=env)
    login = sweep(secret_env, [("login", "--local")], prefix=prefix, env=env, input=TOKEN + "\n")
    assert login[0].exit_code == 0, login[0].stderr
    codes = {" ".join(args): r.exit_code for args, r in zip(SESSION, results)}
    assert codes["pull --json"] == 0 and codes["order batch orders.csv --json"] == 3, codes
    assert codes["webhooks test --object-id 1001 --json"] == 0, codes
    if mode != "plain":
        assert "incomingOrders.createIncomingOrder" in "".join(r.stderr for r in results)  # the API log ran
    assert TOKEN in Path("poster-cli.toml").read_text(encoding="utf-8")  # where it belongs
    assert assert_no_secret_in_files(tmp_path) >= 5  # snapshot, mapping, journal, webhook store, ...


FAILING = [
    ("refused token", {"POSTER_TOKEN": REFUSED}),
    ("no token", {"POSTER_TOKEN": None}),
]


@pytest.mark.parametrize("mode", ["plain", "--debug"])
@pytest.mark.parametrize("case,env", FAILING, ids=[c for c, _ in FAILING])
def test_failures_never_show_the_token(
    secret_env: Any, tmp_path: Path, case: str, env: dict[str, Any], mode: str
) -> None:
    assert secret_env.run("pull").exit_code == 0
    prefix = ("--debug",) if mode == "--debug" else ()
    results = sweep(secret_env, SESSION, prefix=prefix, env={**env, "POSTER_DEBUG": "1"})
    results += sweep(secret_env, [("login", "--local")], prefix=prefix, env={"POSTER_DEBUG": "1"}, input=REFUSED + "\n")
    assert any(r.exit_code == 4 for r in results) and results[-1].exit_code == 4
    assert_no_secret_in_files(tmp_path)


@pytest.mark.parametrize("mode", ["plain", "--debug"])
def test_network_failures_never_show_the_token(secret_env: Any, tmp_path: Path, mode: str) -> None:
    assert secret_env.run("pull").exit_code == 0
    prefix = ("--debug",) if mode == "--debug" else ()
    saved = secret_env.sandbox.transport
    secret_env.sandbox.transport = None  # a closed loopback port: connection refused, URL in the error
    try:
        results = sweep(secret_env, SESSION, prefix=prefix, env={"POSTER_API_URL": closed_url(), "POSTER_DEBUG": "1"})
    finally:
        secret_env.sandbox.transport = saved
    assert sum(r.exit_code == 1 for r in results) >= 3
    assert_no_secret_in_files(tmp_path)


def test_poster_errors_and_dropped_answers_never_show_the_token(secret_env: Any, tmp_path: Path) -> None:
    assert secret_env.run("pull").exit_code == 0
    secret_env.sandbox.faults(error_rate=0.5, drop_after_commit_rate=0.5, seed=3)
    results = sweep(secret_env, SESSION, prefix=("--debug",), env={"POSTER_DEBUG": "1"})
    assert any(r.exit_code != 0 for r in results)
    assert_no_secret_in_files(tmp_path)
