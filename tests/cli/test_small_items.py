"""Issue 13 item 10: the small things a new user tripped on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from poster_cli.cli.main import app

PHONE = "+380501234567"
MAPPING = {
    "version": 1,
    "items": [
        {"local_id": "ESP", "local_name": "Espresso", "status": "confirmed", "product_id": 101},
        {"local_id": "GONE", "local_name": "Gone", "status": "confirmed", "product_id": 999999},
    ],
}


@pytest.fixture
def env(cli_env: Any) -> Any:
    assert cli_env.run("pull").exit_code == 0
    (cli_env.data_dir / "mapping.toml").write_text(tomli_w.dumps(MAPPING), encoding="utf-8")
    return cli_env


def test_debug_prints_no_traceback_for_a_normal_exit_3(env: Any) -> None:
    r = env.run("--debug", "mapping", "check")
    assert r.exit_code == 3
    assert "Traceback" not in r.stderr and "attention:" in r.stderr


def test_sync_json_quiet_prints_one_document_even_when_nothing_changed(env: Any) -> None:
    assert env.run("sync", "--json").exit_code == 3
    r = env.run("sync", "--json", "--quiet")
    assert r.exit_code == 3, r.stderr
    doc = json.loads(r.stdout)
    assert isinstance(doc, dict) and doc


@pytest.mark.parametrize(
    "args,code",
    [
        (["-i", "Expresso", "--phone", PHONE, "--order-id", "J-1", "--yes"], 2),  # invalid: refused before sending
        (["-i", "ESP", "--phone", PHONE, "--order-id", "J-2"], 2),  # a live account and nobody to confirm
    ],
)
def test_a_refused_order_send_json_still_prints_one_document(env: Any, args: list[str], code: int) -> None:
    r = env.run("order", "send", *args, "--json")
    assert r.exit_code == code
    doc = json.loads(r.stdout)
    assert doc["order_id"] == args[args.index("--order-id") + 1] and doc["outcome"] == "refused"
    assert doc["error"] and doc["exit_code"] == code


def test_sent_says_sent_once(env: Any) -> None:
    r = env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "S-1", "--yes")
    assert r.exit_code == 0, r.stderr
    line = next(x for x in r.stderr.splitlines() if x.startswith("Sent: "))
    assert line.count("sent") + line.count("Sent") == 1, line


def test_order_status_names_posters_status(env: Any) -> None:
    assert env.run("order", "send", "-i", "ESP", "--phone", PHONE, "--order-id", "S-2", "--yes").exit_code == 0
    r = env.run("order", "status", "S-2")
    assert r.exit_code == 0, r.stderr
    poster_line = next(x for x in r.stdout.splitlines() if x.startswith("poster:"))
    assert "status 0" not in poster_line and "new (waiting for the cashier)" in poster_line


def test_trigger_price_echoes_money_as_typed(env: Any) -> None:
    r = env.run("sandbox", "trigger", "product.price", "101", "62.50")
    assert r.exit_code == 0, r.stderr
    assert "price=62.50" in r.stderr and "6250" not in r.stderr
    assert env.sandbox.state.product(101)["spots"]["1"]["price"] == 6250


@pytest.mark.parametrize("shell,path", [("zsh", ".zfunc/_poster-cli"), ("bash", ".bash_completions/poster-cli.sh")])
def test_install_completion_installs_the_named_shells(tmp_path: Path, shell: str, path: str) -> None:
    env = {"HOME": str(tmp_path), "SHELL": "/bin/bash" if shell == "zsh" else "/bin/zsh"}
    r = CliRunner().invoke(app, ["--install-completion", shell], env=env, prog_name="poster-cli")
    assert r.exit_code == 0, r.output
    assert (tmp_path / path).is_file()
    other = {"zsh": ".bash_completions", "bash": ".zfunc"}[shell]
    assert not (tmp_path / other).exists()
