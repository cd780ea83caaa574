"""What the sandbox's own signed webhooks change here: the order journal and the menu snapshot.

Each test does what a cashier or manager would do in the (in-process) sandbox, takes the signed
event the sandbox emitted, checks it as the receiver does, and processes it.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from poster_cli.mapping import Mapping, MappingEntry, save_mapping
from poster_cli.menu import fetch_snapshot, load_snapshot, save_snapshot
from poster_cli.orders.journal import OrderJournal
from poster_cli.webhooks.events import check_delivery
from poster_cli.webhooks.processor import EventProcessor, site_order_id_from_comment

FLAT_WHITE = 106


@pytest.fixture
def files(tmp_path):
    return {
        "menu_path": tmp_path / "menu.json",
        "mapping_path": tmp_path / "mapping.toml",
        "journal_path": tmp_path / "orders.sqlite",
    }


def process(sandbox, files, event_body):
    """Check the sandbox's signed event as the receiver does, then process it."""
    event = check_delivery(event_body, sandbox.app_secret)

    async def go():
        async with sandbox.client() as api:
            return await EventProcessor(api, spot_id=1, **files).process(event)

    return asyncio.run(go())


def last_event(sandbox, obj: str) -> dict:
    return [e for e in sandbox.webhooks.sent if e["object"] == obj][-1]


def send_order(sandbox, files, site_id: str, *, answer_lost: bool = False) -> int:
    """An order sent the way `order send` does: journaled, then created with the marker comment."""
    body = {
        "spot_id": 1,
        "phone": "+380501234567",
        "first_name": "Olena",
        "comment": f"Site order #{site_id}",
        "products": [{"product_id": FLAT_WHITE, "count": 1}],
    }

    async def go():
        async with sandbox.client() as api:
            return await api.create_incoming_order(body)

    with OrderJournal(files["journal_path"]) as journal:
        journal.claim(site_id, body, spot_id=1)
        journal.mark_attempt(site_id)
        order = asyncio.run(go())
        if not answer_lost:
            journal.mark_sent(site_id, order)
    return order.incoming_order_id


def journal_entry(files, site_id):
    with OrderJournal(files["journal_path"]) as journal:
        return journal.get(site_id)


@pytest.mark.parametrize(
    "action, state", [("order.accepted", "accepted"), ("order.declined", "declined"), ("order.closed", "closed")]
)
def test_an_incoming_order_event_moves_the_journal(sandbox, files, action, state):
    order_id = send_order(sandbox, files, "A-17")
    sandbox.trigger(action, order_id)
    outcome = process(sandbox, files, last_event(sandbox, "incoming_order"))
    assert journal_entry(files, "A-17").state == state
    assert outcome.summary == f"{state} (site order A-17)"
    assert outcome.details["site_order_id"] == "A-17"
    assert outcome.details["order_status"] == state
    assert outcome.details["first_name"] == "Olena"


def test_a_closed_receipt_event_closes_the_journaled_order(sandbox, files):
    order_id = send_order(sandbox, files, "A-18")
    sandbox.trigger("order.accepted", order_id)
    process(sandbox, files, last_event(sandbox, "incoming_order"))
    sandbox.trigger("order.closed", order_id)
    outcome = process(sandbox, files, last_event(sandbox, "transaction"))
    assert journal_entry(files, "A-18").state == "closed"
    assert outcome.details["order_status"] == "closed"


def test_a_receipt_of_a_walk_in_guest_is_only_stored(sandbox, files):
    send_order(sandbox, files, "A-19")
    event = {
        "account": sandbox.state.account,
        "object": "transaction",
        "object_id": 999,
        "action": "changed",
        "time": "1",
    }
    from poster_cli.poster.signature import webhook_verify

    event["verify"] = webhook_verify(event, sandbox.app_secret)
    event = check_delivery(event, sandbox.app_secret, max_age=0)

    async def go():
        async with sandbox.client() as api:
            return await EventProcessor(api, spot_id=1, **files).process(event)

    assert asyncio.run(go()).summary.startswith("stored")
    assert journal_entry(files, "A-19").state == "sent"


def test_an_accepted_event_resolves_an_order_whose_answer_was_lost(sandbox, files):
    order_id = send_order(sandbox, files, "A-20", answer_lost=True)
    assert journal_entry(files, "A-20").state == "pending"
    sandbox.trigger("order.accepted", order_id)
    process(sandbox, files, last_event(sandbox, "incoming_order"))
    entry = journal_entry(files, "A-20")
    assert (entry.state, entry.incoming_order_id) == ("accepted", order_id)


def test_an_order_not_sent_by_this_tool_is_reported_not_journaled(sandbox, files):
    order_id = send_order(sandbox, files, "A-21")
    files["journal_path"].unlink()
    sandbox.trigger("order.accepted", order_id)
    outcome = process(sandbox, files, last_event(sandbox, "incoming_order"))
    assert outcome.details["order_status"] == "accepted"
    assert outcome.details["journal"] is None
    assert not files["journal_path"].exists()


def pull(sandbox, files):
    async def go():
        async with sandbox.client() as api:
            return await fetch_snapshot(api, sandbox.api_url)

    save_snapshot(asyncio.run(go()), files["menu_path"])


def test_a_price_change_updates_the_snapshot(sandbox, files):
    pull(sandbox, files)
    assert load_snapshot(files["menu_path"]).product(FLAT_WHITE).price_at(1) != 9900
    sandbox.trigger("product.price", FLAT_WHITE, "99")
    outcome = process(sandbox, files, last_event(sandbox, "product"))
    snap = load_snapshot(files["menu_path"])
    assert snap.product(FLAT_WHITE).price_at(1) == 9900
    assert len(snap.products) == len(sandbox.state.doc["products"])
    assert outcome.details["product_name"] == "Флет вайт"
    assert outcome.details["menu_change"] == "updated"
    assert not outcome.attention


def test_a_removed_product_leaves_the_snapshot_and_its_mapping_link_is_reported_broken(sandbox, files):
    pull(sandbox, files)
    save_mapping(
        Mapping(
            {
                e.local_id: e
                for e in [
                    MappingEntry("L-7", "Latte", "confirmed", product_id=FLAT_WHITE, poster_name="Флет вайт"),
                    MappingEntry("L-1", "Espresso", "auto", product_id=101),
                ]
            }
        ),
        files["mapping_path"],
    )
    sandbox.trigger("product.removed", FLAT_WHITE)
    outcome = process(sandbox, files, last_event(sandbox, "product"))
    assert load_snapshot(files["menu_path"]).product(FLAT_WHITE) is None
    assert outcome.attention
    assert [b["local_id"] for b in outcome.details["broken_links"]] == ["L-7"]
    assert outcome.details["broken_links"][0]["reason"] == "removed"
    assert "1 broken mapping link(s): L-7" in outcome.summary
    assert outcome.details["product_name"] == "Флет вайт"


def test_an_added_product_joins_the_snapshot(sandbox, files):
    pull(sandbox, files)
    result = sandbox.trigger("product.added", "Матча лате", "120")
    outcome = process(sandbox, files, last_event(sandbox, "product"))
    new_id = result.result["product_id"]
    assert load_snapshot(files["menu_path"]).product(new_id).name == "Матча лате"
    assert outcome.details["menu_change"] == "added"


def test_a_menu_event_before_any_pull_asks_for_a_pull(sandbox, files):
    sandbox.trigger("product.price", FLAT_WHITE, "99")
    outcome = process(sandbox, files, last_event(sandbox, "product"))
    assert "poster-cli pull" in outcome.summary
    assert not files["menu_path"].exists()


def test_the_site_order_id_is_read_back_from_the_comment_marker():
    assert site_order_id_from_comment("Site order #A-17 — ring twice", "Site order #{order_id}") == "A-17"
    assert site_order_id_from_comment("Site order #A-17", "Site order #{order_id}") == "A-17"
    assert site_order_id_from_comment("[web:88] call me", "[web:{order_id}]") == "88"
    assert site_order_id_from_comment("no marker", "Site order #{order_id}") is None


def test_a_category_event_refreshes_the_snapshot_categories(sandbox, files):
    from poster_cli.poster.signature import webhook_verify

    pull(sandbox, files)
    sandbox.state.doc["categories"][0]["name"] = "Кава та какао"  # a manager renames it in Poster
    event = {
        "account": sandbox.state.account,
        "object": "category",
        "object_id": 1,
        "action": "changed",
        "time": str(int(time.time())),
    }
    event["verify"] = webhook_verify(event, sandbox.app_secret)
    outcome = process(sandbox, files, event)
    assert load_snapshot(files["menu_path"]).categories[1].name == "Кава та какао"
    assert outcome.summary.startswith("menu categories refreshed")
