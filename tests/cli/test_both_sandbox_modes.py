"""The whole flow a user runs, against the sandbox in its two modes: ``full`` (every field real
accounts send) and ``docs-minimal`` (only what Poster's docs document, lenient checks, no extras
echo). What passes against both depends on nothing the docs do not promise.

pull → match → order send (prepaid) → the cashier accepts and closes → signed webhooks reach the
receiver → the journal follows. The sandbox runs on a loopback port, the receiver too. Totals are
literals from the demo café's price list: Americano 400 мл 65.00, Espresso 45.00 at spot 1.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from poster_cli.orders.journal import OrderJournal
from poster_cli.poster.client import PosterClient
from poster_cli.sandbox.state import DEMO_APP_SECRET
from poster_cli.serving import serving_in_thread
from poster_cli.webhooks.app import ReceiverConfig, create_app
from poster_cli.webhooks.processor import EventProcessor
from tests.support.sandbox import make_sandbox, serve_sandbox

pytestmark = pytest.mark.e2e

CATALOGUE = Path(__file__).resolve().parents[2] / "examples" / "site-catalogue.csv"
TOTAL = 2 * 6500 + 4500


def run(env: dict[str, str | None], *args: str):
    from typer.testing import CliRunner

    from poster_cli.cli.main import app

    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def wait_for(predicate, what: str, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def journal_state(path: Path, order_id: str) -> str | None:
    if not path.exists():
        return None
    with OrderJournal(path) as journal:
        entry = journal.get(order_id)
        return entry.state if entry else None


@pytest.mark.parametrize("mode", ["full", "docs-minimal"])
def test_pull_match_order_and_webhooks_work_against_both_modes(mode, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    handle = make_sandbox(mode=mode)
    with serve_sandbox(handle) as server:
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("POSTER_")}
        env.update(
            POSTER_TOKEN=server.token,
            POSTER_API_URL=server.api_url,
            POSTER_CLI_DATA_DIR=str(data),
            POSTER_SPOT_ID="1",
            POSTER_APP_SECRET=DEMO_APP_SECRET,
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            NO_COLOR="1",
        )
        assert run(env, "pull").exit_code == 0
        matched = run(env, "--no-input", "match", str(CATALOGUE))
        assert matched.exit_code == 3, matched.stderr  # 3: six site items are left for a person
        sent = run(
            env,
            "order",
            "send",
            "--item",
            "AME-L:2",
            "--item",
            "ESP-01",
            "--phone",
            "+380501234567",
            "--paid",
            "--order-id",
            "WEB-7",
            "--yes",
        )
        assert sent.exit_code == 0, sent.stderr
        orders = handle.state.doc["orders"]
        assert len(orders) == 1 and orders[0]["total"] == TOTAL
        assert [(p["product_id"], p["modificator_id"], p["count"]) for p in orders[0]["products"]] == [
            (103, 1002, "2"),
            (101, None, "1"),
        ]

        journal = data / "orders.sqlite"
        processor = EventProcessor(
            PosterClient(server.api_url, server.token),
            menu_path=data / "menu.json",
            mapping_path=data / "mapping.toml",
            journal_path=journal,
            spot_id=1,
        )
        config = ReceiverConfig(secret=DEMO_APP_SECRET, store_path=tmp_path / "webhooks.sqlite")
        with serving_in_thread(create_app(config, processor, log=lambda line: None)) as url:
            handle.webhooks.url = f"{url}/webhook"
            incoming = orders[0]["incoming_order_id"]
            server.trigger("order.accepted", incoming)
            wait_for(lambda: journal_state(journal, "WEB-7") == "accepted", "the accepted webhook")
            server.trigger("order.closed", incoming)
            wait_for(lambda: journal_state(journal, "WEB-7") == "closed", "the closing webhook")
            # the last hook (incoming_order changed) may still be on its way once the journal says closed
            wait_for(lambda: len(handle.webhooks.delivered()) == len(handle.webhooks.sent), "every delivery")
        assert all(d["status"] == 200 for d in handle.webhooks.deliveries)
        transaction_hooks = [b for b in handle.webhooks.sent if b["object"] == "transaction"]
        assert transaction_hooks
        assert all(("data" in b) == (mode == "full") for b in transaction_hooks)
