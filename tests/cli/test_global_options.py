"""Issue 13 item 2: the global options work before or after the sub-command, as people type them."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from poster_cli.cli.main import app


def doctor(env: Any, before: list[str], after: list[str], **extra: str | None) -> Any:
    return env.run(*before, "doctor", "--json", *after, env=extra)


def details(result: Any) -> dict[str, str]:
    return {c["name"]: c["detail"] for c in json.loads(result.stdout)["checks"]}


@pytest.mark.parametrize("where", ["before", "after"])
def test_spot_data_dir_and_api_url_on_either_side(cli_env: Any, tmp_path: Path, where: str) -> None:
    other = tmp_path / "elsewhere"
    opts = ["--spot", "2", "--data-dir", str(other), "--api-url", "http://127.0.0.1:9/api"]
    r = doctor(cli_env, opts if where == "before" else [], opts if where == "after" else [])
    assert r.exit_code == 0, r.stderr
    found = details(r)
    assert found["spots"].startswith("spot 2 found")
    assert str(other) in found["data dir"]
    assert found["api"].startswith("http://127.0.0.1:9/api answered")


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_and_profile_on_either_side(cli_env: Any, tmp_path: Path, where: str) -> None:
    cfg = tmp_path / "other.toml"
    cfg.write_text("spot_id = 1\n[profiles.second]\nspot_id = 2\n", encoding="utf-8")
    opts = ["--config", str(cfg), "--profile", "second"]
    r = doctor(cli_env, opts if where == "before" else [], opts if where == "after" else [], POSTER_SPOT_ID=None)
    assert r.exit_code == 0, r.stderr
    assert details(r)["spots"].startswith("spot 2 found")


def test_option_value_forms_and_a_mix_of_sides(cli_env: Any, tmp_path: Path) -> None:
    other = tmp_path / "d2"
    r = cli_env.run("--spot=2", "doctor", f"--data-dir={other}", "--json")
    assert r.exit_code == 0, r.stderr
    assert details(r)["spots"].startswith("spot 2 found") and str(other) in details(r)["data dir"]


def test_debug_after_the_sub_command_logs_the_api_calls(cli_env: Any) -> None:
    r = cli_env.run("pull", "--debug")
    assert r.exit_code == 0, r.stderr
    assert "poster-cli: " in r.stderr and "access.getSpots" in r.stderr
    assert cli_env.sandbox.token not in r.stderr


def test_no_input_after_the_sub_command_never_prompts(cli_env: Any) -> None:
    assert cli_env.run("pull").exit_code == 0
    (cli_env.data_dir / "mapping.toml").write_text(
        'version = 1\n[[items]]\nlocal_id = "ESP"\nlocal_name = "Espresso"\nstatus = "confirmed"\nproduct_id = 101\n',
        encoding="utf-8",
    )
    tty = {"POSTER_CLI_TTY": "1"}
    r = cli_env.run("order", "send", "-i", "ESP", "--phone", "+380501234567", "--no-input", input="y\n", env=tty)
    assert r.exit_code == 2 and "--yes" in r.stderr  # nobody asked: the flag is named instead
    assert cli_env.sandbox.state.doc["orders"] == []


def test_a_sub_commands_own_option_of_the_same_name_wins(cli_env: Any) -> None:
    """`order watch --timeout` is how long to watch; `order send --spot` is the order's spot."""
    start = time.monotonic()
    r = cli_env.run("order", "watch", "--timeout", "1")
    assert r.exit_code == 0, r.stderr
    assert "No orders are waiting" in r.stderr and time.monotonic() - start < 30


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.getsockname()[1]}/api"
    finally:
        stop.set()
        t.join(5)
        for c in held:
            c.close()
        srv.close()


@pytest.mark.parametrize("where", ["before", "after"])
def test_timeout_on_either_side_bounds_the_wait(
    silent_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"POSTER_TOKEN": "1:" + "a" * 32, "POSTER_CLI_DATA_DIR": str(tmp_path / "d"), "POSTER_TIMEOUT": "60"}
    opts = ["--timeout", "0.3", "--api-url", silent_server]
    args = [*opts, "pull"] if where == "before" else ["pull", *opts]
    start = time.monotonic()
    r = CliRunner().invoke(app, args, env=env)
    elapsed = time.monotonic() - start
    assert r.exit_code == 1, r.output
    assert elapsed < 20  # the 60 s of POSTER_TIMEOUT was overridden by the flag


def test_help_of_the_root_lists_timeout_and_says_options_may_follow() -> None:
    r = CliRunner().invoke(app, ["--help"])
    assert r.exit_code == 0
    text = " ".join(r.output.split())
    assert "--timeout" in text and "may also be given after the command" in text
