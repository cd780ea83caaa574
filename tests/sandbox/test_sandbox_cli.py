"""`poster-cli sandbox serve / trigger / faults` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poster_cli.sandbox.events import EVENTS
from poster_cli.sandbox.state import DEMO_TOKEN


def test_trigger_help_lists_every_event():
    from poster_cli.cli.main import app

    result = CliRunner().invoke(app, ["sandbox", "trigger", "--help"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0
    for event in EVENTS:
        assert event in result.stdout
    assert "Example: poster-cli sandbox trigger" in result.stdout


def _new_order(sandbox) -> int:
    resp = sandbox.request(
        "incomingOrders.createIncomingOrder",
        json={"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}]},
    )
    return resp.json()["response"]["incoming_order_id"]


def test_trigger_accepts_an_order(cli_env):
    oid = _new_order(cli_env.sandbox)
    result = cli_env.run("sandbox", "trigger", "order.accepted", str(oid), "--url", cli_env.sandbox.api_url, "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["result"]["status"] == 1
    assert [h["object"] for h in answer["webhooks"]] == ["incoming_order", "transaction"]
    assert cli_env.sandbox.state.order(oid)["status"] == 1


def test_trigger_price_in_money_becomes_kopecks(cli_env):
    result = cli_env.run("sandbox", "trigger", "product.price", "101", "85.50", "--url", cli_env.sandbox.api_url)
    assert result.exit_code == 0, result.stderr
    assert "price=85.50" in result.stderr and result.stdout == ""  # echoed as typed
    assert cli_env.sandbox.state.product(101)["spots"]["1"]["price"] == 8550


@pytest.mark.parametrize(
    "args, message",
    [
        (["order.acepted", "1"], "did you mean order.accepted"),
        (["order.accepted", "777"], "no online order 777"),
        (["product.price", "101", "cheap"], "PRICE must be money"),
    ],
)
def test_trigger_mistakes_are_one_line_and_exit_2(cli_env, args, message):
    result = cli_env.run("sandbox", "trigger", *args, "--url", cli_env.sandbox.api_url)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_trigger_with_a_wrong_token_is_an_auth_error(cli_env):
    result = cli_env.run(
        "sandbox", "trigger", "product.removed", "101", "--url", cli_env.sandbox.api_url, "--token", "1:" + "0" * 32
    )
    assert result.exit_code == 4
    assert cli_env.sandbox.state.product(101) is not None


def test_faults_command_turns_a_storm_on_and_off(cli_env):
    result = cli_env.run(
        "sandbox", "faults", "--error-rate", "0.5", "--seed", "3", "--url", cli_env.sandbox.api_url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["error_rate"] == 0.5
    assert cli_env.sandbox.sandbox.faults.config.seed == 3
    result = cli_env.run("sandbox", "faults", "--off", "--url", cli_env.sandbox.api_url, "--json")
    assert json.loads(result.stdout)["error_rate"] == 0.0


def test_trigger_without_a_sandbox_says_how_to_start_one():
    from poster_cli.cli.main import app

    result = CliRunner().invoke(
        app, ["sandbox", "trigger", "order.accepted", "1", "--url", "http://127.0.0.1:9/api"], env={"NO_COLOR": "1"}
    )
    assert result.exit_code == 1 and "poster-cli sandbox serve" in result.stderr


# -- end to end: real processes ------------------------------------------------------------------


def _cli() -> list[str]:
    return [sys.executable, "-m", "poster_cli"]


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update({"NO_COLOR": "1", "XDG_CONFIG_HOME": str(tmp_path / "config"), **extra})
    return env


class Served:
    """``poster-cli sandbox serve --port 0`` in a child process; ``api_url`` read from its banner."""

    def __init__(self, tmp_path: Path, *args: str, launcher: tuple[str, ...] = ()) -> None:
        self.proc = subprocess.Popen(
            [*launcher, *_cli(), "sandbox", "serve", "--port", "0", *args],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=_clean_env(tmp_path),
            cwd=tmp_path,
        )
        self.banner: list[str] = []
        self.rest = ""
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.banner.append(line)
            found = re.search(r"at (http://127\.0\.0\.1:\d+/api)", line)
            if found:
                self.api_url = found.group(1)
                break
        else:
            raise AssertionError("".join(self.banner))
        for line in self.proc.stderr:  # the rest of the banner, up to the last line before serving
            self.banner.append(line)
            if line.startswith("serving;"):
                break

    def stop(self) -> int:
        """Ctrl-C; the rest of stderr goes to ``self.rest`` and the pipe is closed."""
        self.proc.send_signal(signal.SIGINT)
        _, self.rest = self.proc.communicate(timeout=15)
        return self.proc.returncode


@pytest.mark.e2e
def test_serve_then_pull_then_restart_keeps_orders(tmp_path):
    state = tmp_path / "sandbox.json"
    served = Served(tmp_path, "--state", str(state))
    try:
        assert any(DEMO_TOKEN in line for line in served.banner)  # the demo token is shown to use
        env = _clean_env(
            tmp_path,
            POSTER_API_URL=served.api_url,
            POSTER_TOKEN=DEMO_TOKEN,
            POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
            POSTER_SPOT_ID="1",
        )
        pull = subprocess.run(
            _cli() + ["pull", "--json"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert pull.returncode == 0, pull.stderr
        summary = json.loads(pull.stdout)
        assert summary["products"] + summary["dishes"] >= 60 and summary["currency"] == "UAH"
        import httpx

        created = httpx.post(
            f"{served.api_url}/incomingOrders.createIncomingOrder",
            params={"token": DEMO_TOKEN},
            json={"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}]},
        ).json()["response"]
        trigger = subprocess.run(
            _cli() + ["sandbox", "trigger", "order.accepted", str(created["incoming_order_id"])],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert trigger.returncode == 0, trigger.stderr
    finally:
        code = served.stop()
        assert code == 130, served.rest  # Ctrl-C: stopped cleanly, state saved (design: exit 130)
    again = Served(tmp_path, "--state", str(state))
    try:
        import httpx

        order = httpx.get(
            f"{again.api_url}/incomingOrders.getIncomingOrder",
            params={"token": DEMO_TOKEN, "incoming_order_id": created["incoming_order_id"]},
        ).json()
        assert order["response"]["status"] == 1
    finally:
        again.stop()


# How a shell starts a background job (`poster-cli sandbox serve &` in a script): SIGINT ignored.
BACKGROUND_JOB = ("bash", "-c", 'trap "" INT; exec "$@"', "bash")


@pytest.mark.e2e
def test_ctrl_c_ends_serve_with_130_and_keeps_the_state_also_in_a_background_job(tmp_path):
    """uvicorn stops on SIGINT even when it was ignored at start, then raises it again to end the
    process, which an ignored SIGINT does not: the command ended with 0 (seen when the test suite
    itself was started in the background)."""
    state = tmp_path / "sandbox.json"
    served = Served(tmp_path, "--state", str(state), launcher=BACKGROUND_JOB)
    try:
        import httpx

        created = httpx.post(
            f"{served.api_url}/incomingOrders.createIncomingOrder",
            params={"token": DEMO_TOKEN},
            json={"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}]},
        ).json()["response"]
    finally:
        code = served.stop()
    assert code == 130, served.rest
    assert "interrupted" in served.rest
    ids = [o["incoming_order_id"] for o in json.loads(state.read_text())["orders"]]
    assert created["incoming_order_id"] in ids


@pytest.mark.e2e
def test_serve_never_prints_a_token_it_was_given(tmp_path):
    mine = "777:" + "ab" * 16
    served = Served(tmp_path, "--token", mine, "--app-secret", "s3cret-value")
    try:
        import httpx

        assert httpx.get(f"{served.api_url}/settings.getCurrency", params={"token": mine}).json()["response"]
        assert (
            httpx.get(f"{served.api_url}/settings.getCurrency", params={"token": DEMO_TOKEN}).json()["error"]["code"]
            == 11
        )
    finally:
        served.stop()
    output = "".join(served.banner) + served.rest
    assert mine not in output and "s3cret-value" not in output and DEMO_TOKEN not in output
