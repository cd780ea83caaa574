"""End to end: a real sandbox server sends signed webhooks to a real receiver on loopback; and the
`webhooks` commands as a user runs them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys

import httpx
import pytest

from poster_cli.orders.journal import OrderJournal
from poster_cli.poster.client import PosterClient
from poster_cli.serving import serving_in_thread
from poster_cli.webhooks.app import ReceiverConfig, create_app
from poster_cli.webhooks.hook import HookPolicy
from poster_cli.webhooks.processor import EventProcessor
from poster_cli.webhooks.sender import sample_event
from poster_cli.webhooks.store import EventStore
from tests.support.webhooks import RecordingProcessor, stored, wait_for

pytestmark = pytest.mark.e2e


def create_order(api_url: str, token: str, journal_path, site_id: str) -> int:
    body = {
        "spot_id": 1,
        "phone": "+380501234567",
        "comment": f"Site order #{site_id}",
        "products": [{"product_id": 106, "count": 2}],
    }

    async def go():
        async with PosterClient(api_url, token) as api:
            return await api.create_incoming_order(body)

    with OrderJournal(journal_path) as journal:
        journal.claim(site_id, body, spot_id=1)
        order = asyncio.run(go())
        journal.mark_sent(site_id, order)
    return order.incoming_order_id


def test_sandbox_cashier_accepts_and_the_receiver_updates_the_journal_and_tells_the_site(sandbox_server, tmp_path):
    journal_path = tmp_path / "orders.sqlite"
    hook_out = tmp_path / "notified.jsonl"
    order_id = create_order(sandbox_server.api_url, sandbox_server.token, journal_path, "WEB-1001")
    processor = EventProcessor(
        PosterClient(sandbox_server.api_url, sandbox_server.token),
        menu_path=tmp_path / "menu.json",
        mapping_path=tmp_path / "mapping.toml",
        journal_path=journal_path,
        spot_id=1,
    )
    config = ReceiverConfig(
        secret=sandbox_server.handle.app_secret,
        store_path=tmp_path / "webhooks.sqlite",
        hook=HookPolicy(f"cat >> {hook_out}; echo >> {hook_out}", attempts=1),
    )
    with serving_in_thread(create_app(config, processor, log=lambda line: None)) as url:
        sandbox_server.handle.webhooks.url = f"{url}/webhook"
        sandbox_server.trigger("order.accepted", order_id)
        delivered = sandbox_server.wait_deliveries(2)  # incoming_order changed, transaction added
        assert [d["object"] for d in delivered] == ["incoming_order", "transaction"]
        wait_for(
            lambda: (
                all(r.hook_state == "done" for r in stored(config.store_path)) and len(stored(config.store_path)) == 2
            ),
            "processing",
        )
        sandbox_server.trigger("order.closed", order_id)
        sandbox_server.wait_deliveries(4)

        def closed_and_told() -> bool:
            text = hook_out.read_text()
            return '"order_status": "closed"' in text and all(r.hook_state == "done" for r in stored(config.store_path))

        wait_for(closed_and_told, "closing")
    assert all(d["status"] == 200 for d in sandbox_server.handle.webhooks.deliveries)
    with OrderJournal(journal_path) as journal:
        assert journal.get("WEB-1001").state == "closed"
    notices = [json.loads(line) for line in hook_out.read_text().splitlines() if line.strip()]
    statuses = [(n["object"], n.get("order_status")) for n in notices]
    assert statuses[0] == ("incoming_order", "accepted")
    # the cashier accepted, then closed the receipt: each step told once, for the order and its receipt
    assert sorted(statuses) == [
        ("incoming_order", "accepted"),
        ("incoming_order", "closed"),
        ("transaction", "accepted"),
        ("transaction", "closed"),
    ]
    accepted = next(n for n in notices if n.get("order_status") == "accepted")
    assert accepted["site_order_id"] == "WEB-1001" and accepted["phone"] == "+380501234567"


def test_webhooks_serve_refuses_to_start_without_the_secret(cli_env):
    result = cli_env.run("webhooks", "serve", env={"POSTER_APP_SECRET": None})
    assert result.exit_code == 2
    assert "POSTER_APP_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_webhooks_test_sends_a_signed_event_and_prints_the_answer(cli_env, tmp_path):
    processor = RecordingProcessor()
    config = ReceiverConfig(secret="app-secret-1", store_path=tmp_path / "w.sqlite")
    with serving_in_thread(create_app(config, processor, log=lambda line: None)) as url:
        ok = cli_env.run(
            "webhooks",
            "test",
            "--url",
            f"{url}/webhook",
            "--object",
            "product",
            "--object-id",
            "106",
            "--action",
            "changed",
            env={"POSTER_APP_SECRET": "app-secret-1"},
        )
        wrong = cli_env.run(
            "webhooks", "test", "--url", f"{url}/webhook", "--json", env={"POSTER_APP_SECRET": "not-it"}
        )
        wait_for(lambda: len(processor.seen) == 1, "processing")
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.strip() == 'HTTP 200 {"status":"accept"}'
    assert processor.seen[0][1:4] == ("product", "106", "changed")
    assert wrong.exit_code == 1
    answer = json.loads(wrong.stdout)
    assert answer["status"] == 401 and answer["accepted"] is False
    assert "app-secret-1" not in ok.stdout + ok.stderr + wrong.stdout + wrong.stderr


def test_webhooks_test_names_an_unreachable_receiver(cli_env):
    result = cli_env.run("webhooks", "test", "--url", "http://127.0.0.1:9/webhook", env={"POSTER_APP_SECRET": "s"})
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1:9/webhook" in result.stderr


def test_webhooks_list_and_replay(cli_env):
    sandbox = cli_env.sandbox
    journal_path = cli_env.data_dir / "orders.sqlite"
    body = {
        "spot_id": 1,
        "phone": "+380501234567",
        "comment": "Site order #S-5",
        "products": [{"product_id": 106, "count": 1}],
    }

    async def send():
        async with sandbox.client() as api:
            return await api.create_incoming_order(body)

    order = asyncio.run(send())
    with OrderJournal(journal_path) as journal:
        journal.claim("S-5", body, spot_id=1)
        journal.mark_sent("S-5", order)
    sandbox.trigger("order.declined", order.incoming_order_id)
    # The receiver stored the event while the token was broken, say; now replay it.
    from poster_cli.webhooks.events import check_delivery

    with EventStore(cli_env.data_dir / "webhooks.sqlite") as store:
        for body_sent in sandbox.webhooks.sent:
            event_id, _ = store.add(check_delivery(body_sent, sandbox.app_secret), with_hook=False)
            store.finish(event_id, state="error", outcome="error: Poster refused: error 11", details=None)

    listed = cli_env.run("webhooks", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    events = json.loads(listed.stdout)["events"]
    assert [(e["object"], e["state"]) for e in events] == [("incoming_order", "error")]

    replayed = cli_env.run("webhooks", "replay", "--since", "1h", "--json")
    assert replayed.exit_code == 0, replayed.stderr
    result = json.loads(replayed.stdout)["events"]
    assert result[0]["state"] == "done" and result[0]["details"]["order_status"] == "declined"
    with OrderJournal(journal_path) as journal:
        assert journal.get("S-5").state == "declined"
    table = cli_env.run("webhooks", "list")
    assert "incoming_order" in table.stdout and "declined (site order S-5)" in table.stdout


def test_webhooks_list_without_events_says_so(cli_env):
    result = cli_env.run("webhooks", "list")
    assert result.exit_code == 0
    assert "No webhook events" in result.stderr


def test_replay_rejects_a_bad_since(cli_env):
    (cli_env.data_dir).mkdir(parents=True, exist_ok=True)
    EventStore(cli_env.data_dir / "webhooks.sqlite").close()
    result = cli_env.run("webhooks", "replay", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "--since" in result.stderr


def test_the_serve_command_runs_acknowledges_and_stops_on_ctrl_c(sandbox_server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTER_")}
    env.update(
        POSTER_TOKEN=sandbox_server.token,
        POSTER_API_URL=sandbox_server.api_url,
        POSTER_APP_SECRET="serve-secret",
        POSTER_CLI_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        NO_COLOR="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "poster_cli", "webhooks", "serve", "--port", "0"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stderr.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)/webhook", first)
        assert port, first
        url = f"http://127.0.0.1:{port.group(1)}"
        assert httpx.get(f"{url}/healthz").json()["status"] == "ok"
        resp = httpx.post(f"{url}/webhook", json=sample_event("serve-secret", object="product", object_id=106))
        assert resp.json() == {"status": "accept"}
        line = proc.stderr.readline()
        assert "product 106 changed" in line and "poster-cli pull" in line
    finally:
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert sandbox_server.token not in first + line + rest and "serve-secret" not in first + line + rest
    assert len(stored(tmp_path / "data" / "webhooks.sqlite")) == 1
