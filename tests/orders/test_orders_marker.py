"""A customer's comment cannot forge another order's marker: after a lost answer, the lookup only
takes a Poster order whose comment *starts* with the marker and whose phone and lines are the
ones sent. The oracle counts the sandbox's orders by phone (each order here has its own)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import httpx

from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.journal import OrderJournal
from poster_cli.orders.send import OrderSender
from poster_cli.poster.client import PosterClient
from tests.support.orders import FakePoster, mapping, no_sleep, snapshot

PHONE_C = "+380671110001"
PHONE_D = "+380671110002"
PHONE_E = "+380671110003"


class FirstPostOf503(httpx.AsyncBaseTransport):
    """In front of the sandbox: the first createIncomingOrder naming ``order_id`` in its body gets
    an HTTP 503 from a proxy before it reaches Poster (nothing is created)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, order_id: str) -> None:
        self.inner = inner
        self.needle = order_id.encode()
        self.failed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/incomingOrders.createIncomingOrder") and not self.failed:
            body = await request.aread()
            if self.needle in body:
                self.failed += 1
                return httpx.Response(503, text="<html>Service Temporarily Unavailable</html>")
        return await self.inner.handle_async_request(request)


def by_phone(env: Any) -> Counter[str]:
    return Counter(str(o["phone"]) for o in env.sandbox.state.doc["orders"])


def send_with_503(env: Any, order_id: str, *args: str) -> Any:
    inner = env.sandbox.transport
    env.sandbox.transport = proxy = FirstPostOf503(inner, order_id)
    try:
        result = env.run("order", "send", "--yes", "--order-id", order_id, *args, "--json")
    finally:
        env.sandbox.transport = inner
    assert proxy.failed == 1  # the 503 really happened
    return result


def test_a_comment_quoting_another_orders_marker_does_not_stand_in_for_it(cafe: Any) -> None:
    c = cafe.run(
        "order",
        "send",
        "--yes",
        "--order-id",
        "WEB-C",
        "--phone",
        PHONE_C,
        "-i",
        "poster:101",
        "--comment",
        "same as Site order #WEB-D please",
        "--json",
    )
    assert c.exit_code == 0, c.stderr
    d = send_with_503(cafe, "WEB-D", "--phone", PHONE_D, "-i", "poster:102:2")
    assert d.exit_code == 0, d.stderr
    doc = json.loads(d.stdout)
    assert doc["outcome"] == "sent"
    held = by_phone(cafe)
    assert held[PHONE_D] == 1 and held[PHONE_C] == 1  # WEB-D really exists, once
    [record_d] = [o for o in cafe.sandbox.state.doc["orders"] if o["phone"] == PHONE_D]
    assert doc["incoming_order_id"] == record_d["incoming_order_id"]
    [record_c] = [o for o in cafe.sandbox.state.doc["orders"] if o["phone"] == PHONE_C]
    # what the cashier reads: the marker first, alone; the customer's quote no longer a marker
    assert record_c["comment"].splitlines()[0] == "Site order #WEB-C"
    assert "Site order #WEB-D" not in record_c["comment"] and "WEB-D" in record_c["comment"]


def test_an_order_with_our_marker_but_another_phone_is_not_taken_for_ours(tmp_path: Any) -> None:
    """The lookup after a lost answer: a Poster order whose comment is exactly WEB-E's marker (made by
    another tool, or a cashier) but with another phone is not WEB-E; WEB-E is created."""
    fake = FakePoster(faults=["502-before"])
    fake.orders.append(
        {
            "incoming_order_id": 900,
            "spot_id": 1,
            "status": 0,
            "client_id": 0,
            "phone": "+380679999999",
            "comment": "Site order #WEB-E",
            "created_at": "2026-01-01 10:00:00",
            "updated_at": "2026-01-01 10:00:00",
            "transaction_id": None,
            "products": [{"product_id": 138, "count": 1}],
            "_hidden": 0,
        }
    )
    built = OrderBuilder(snapshot(), mapping(), default_spot=1).build(
        OrderRequest(order_id="WEB-E", items=[ItemRequest("EV")], phone=PHONE_E)
    )

    async def go() -> Any:
        async with PosterClient(
            "http://127.0.0.1/api", "1:abc", transport=fake.transport(), sleep=no_sleep, retries=0
        ) as api:
            return await OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), sleep=no_sleep).send(built)

    result = asyncio.run(go())
    assert result.outcome == "sent" and result.incoming_order_id != 900
    assert [o["phone"] for o in fake.orders] == ["+380679999999", PHONE_E]  # WEB-E really created, once


def test_a_batch_will_not_create_an_order_whose_marker_poster_holds_with_other_content(cafe: Any) -> None:
    forged = cafe.sandbox.request(
        "incomingOrders.createIncomingOrder",
        json={
            "spot_id": 1,
            "phone": "+380679999999",
            "comment": "Site order #WEB-E",
            "products": [{"product_id": 101, "count": 1}],
        },
    )
    held = forged.json()["response"]["incoming_order_id"]
    e = cafe.run("order", "send", "--yes", "--order-id", "WEB-E", "--phone", PHONE_E, "-i", "poster:101", "--json")
    assert e.exit_code == 3, e.stderr
    doc = json.loads(e.stdout)
    assert doc["outcome"] == "failed" and f"#{held}" in doc["reason"] and "another phone" in doc["reason"]
    assert by_phone(cafe)[PHONE_E] == 0


def test_the_marker_is_the_first_line_and_customer_text_cannot_pose_as_one() -> None:
    from poster_cli.orders.marker import comment_matches, render_comment

    template = "Site order #{order_id}"
    comment = render_comment(template, "WEB-C", "Re: site ORDER   #WEB-D\nSite order #WEB-D")
    assert comment == "Site order #WEB-C\nRe: [site ORDER   #]WEB-D\n[Site order #]WEB-D"
    assert comment_matches(comment, template, "WEB-C")
    assert not comment_matches(comment, template, "WEB-D")
    assert not comment_matches("please: Site order #WEB-D", template, "WEB-D")  # not at the start
    assert comment_matches("Site order #WEB-D — call me", template, "WEB-D")  # the older layout


def test_an_order_journaled_with_the_older_comment_layout_is_not_a_changed_order(tmp_path: Any) -> None:
    from poster_cli.orders.journal import OrderJournal
    from poster_cli.poster import models

    old = {
        "spot_id": 1,
        "phone": PHONE_C,
        "comment": "Site order #A-1 — no ice",
        "products": [{"product_id": 101, "count": 1}],
    }
    new = {**old, "comment": "Site order #A-1\nno ice"}
    with OrderJournal(tmp_path / "orders.sqlite") as journal:
        assert journal.claim("A-1", old).outcome == "new"
        journal.mark_sent("A-1", models.parse_incoming_order({"incoming_order_id": 7, "spot_id": 1, "status": 0}))
        assert journal.claim("A-1", new).outcome == "done"
        assert journal.claim("A-1", {**new, "phone": PHONE_D}).outcome == "conflict"
