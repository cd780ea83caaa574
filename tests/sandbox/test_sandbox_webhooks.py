"""Webhooks the sandbox sends: the documented body, an md5 signature a receiver can check, retries."""

from __future__ import annotations

import asyncio
import hashlib
import json

import httpx

from poster_cli.sandbox.webhooks import POSTER_RETRY_DELAYS

HOOK_URL = "http://hooks.test/webhook"


class Receiver:
    """A webhook endpoint that answers with the given statuses in turn (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.bodies: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status, json={"status": "accept"})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def documented_verify(body: dict, secret: str) -> str:
    """md5 of account;object;object_id;action;[data;]time;secret — computed here from the docs."""
    parts = [body["account"], body["object"], str(body["object_id"]), body["action"]]
    if "data" in body:
        parts.append(body["data"] if isinstance(body["data"], str) else json.dumps(body["data"]))
    parts += [body["time"], secret]
    return hashlib.md5(";".join(parts).encode()).hexdigest()


def new_order(sandbox) -> int:
    resp = sandbox.request(
        "incomingOrders.createIncomingOrder",
        json={"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}]},
    )
    return resp.json()["response"]["incoming_order_id"]


def run(sandbox, *actions) -> None:
    async def go():
        for event, *args in actions:
            sandbox.trigger(event, *args)
        await sandbox.drain()

    asyncio.run(go())


def test_accepting_an_order_sends_a_signed_incoming_order_changed(sandbox_factory):
    receiver = Receiver()
    sb = sandbox_factory(
        webhook_url=HOOK_URL, webhook_transport=receiver.transport, app_secret="fe2bc8e865d8fc2236968ee53c3b2bd5"
    )
    oid = new_order(sb)
    run(sb, ("order.accepted", oid))
    first = receiver.bodies[0]
    assert set(first) == {"account", "account_number", "object", "object_id", "action", "time", "verify"}
    assert (first["account"], first["account_number"], first["object"], first["object_id"], first["action"]) == (
        "zerno-demo",
        "424242",
        "incoming_order",
        oid,
        "changed",
    )
    assert isinstance(first["time"], str) and first["time"].isdigit()
    for body in receiver.bodies:
        assert body["verify"] == documented_verify(body, "fe2bc8e865d8fc2236968ee53c3b2bd5")
        assert body["verify"] != documented_verify(body, "another-secret")
    transaction_id = sb.state.order(oid)["transaction_id"]
    assert [(b["object"], b["object_id"], b["action"]) for b in receiver.bodies] == [
        ("incoming_order", oid, "changed"),
        ("transaction", transaction_id, "added"),
    ]


def test_each_cashier_and_menu_action_has_its_webhook(sandbox_factory):
    receiver = Receiver()
    sb = sandbox_factory(webhook_url=HOOK_URL, webhook_transport=receiver.transport)
    declined, closed = new_order(sb), new_order(sb)
    run(
        sb,
        ("order.declined", declined),
        ("order.closed", closed),
        ("product.price", 141, "150"),
        ("product.renamed", 101, "Еспресо Бразилія"),
        ("product.removed", 102),
        ("product.added", "Флет вайт на вівсяному", "95"),
    )
    seen = [(b["object"], b["action"]) for b in receiver.bodies]
    assert seen == [
        ("incoming_order", "changed"),  # declined
        ("incoming_order", "changed"),
        ("transaction", "added"),  # closing a new order accepts it first
        ("transaction", "changed"),
        ("incoming_order", "changed"),  # then closes the receipt
        ("dish", "changed"),  # 141 is a dish
        ("product", "changed"),
        ("product", "removed"),
        ("product", "added"),
    ]
    assert (
        receiver.bodies[0]["object_id"] == declined
        and receiver.bodies[3]["object_id"] == sb.state.order(closed)["transaction_id"]
    )


def test_non_200_is_retried_in_order_and_logged(sandbox_factory):
    receiver = Receiver(statuses=[500, 404])
    sb = sandbox_factory(webhook_url=HOOK_URL, webhook_transport=receiver.transport, retry_delays=(0.001, 0.002, 0.003))
    first, second = new_order(sb), new_order(sb)
    run(sb, ("order.declined", first), ("order.declined", second))
    attempts = [(d["event"]["object_id"], d["attempt"], d["status"], d["delivered"]) for d in sb.webhooks.deliveries]
    assert attempts == [(first, 1, 500, False), (first, 2, 404, False), (first, 3, 200, True), (second, 1, 200, True)]
    assert [e["object_id"] for e in sb.webhooks.delivered()] == [first, second]


def test_gives_up_after_the_last_retry(sandbox_factory):
    receiver = Receiver(statuses=[503] * 10)
    sb = sandbox_factory(webhook_url=HOOK_URL, webhook_transport=receiver.transport, retry_delays=(0.001, 0.001))
    run(sb, ("order.declined", new_order(sb)))
    assert len(receiver.bodies) == 3 and sb.webhooks.deliveries[-1]["gave_up"] is True
    assert sb.webhooks.delivered() == [] and sb.webhooks.pending == 0


def test_default_schedule_is_posters_fifteen_retries_over_about_two_days():
    assert len(POSTER_RETRY_DELAYS) == 15
    assert 36 * 3600 <= sum(POSTER_RETRY_DELAYS) <= 48 * 3600


def test_unreachable_receiver_is_logged_not_raised(sandbox_factory):
    def refuse(request):
        raise httpx.ConnectError("connection refused")

    sb = sandbox_factory(webhook_url=HOOK_URL, webhook_transport=httpx.MockTransport(refuse), retry_delays=(0.001,))
    run(sb, ("order.declined", new_order(sb)))
    assert [d.get("error") for d in sb.webhooks.deliveries[:2]] == ["ConnectError", "ConnectError"]


def test_without_a_url_events_are_recorded_but_not_sent(sandbox):
    sandbox.trigger("product.price", 101, "50")
    assert [e["object"] for e in sandbox.webhooks.sent] == ["product"] and sandbox.webhooks.deliveries == []


def test_loopback_server_delivers_to_a_real_receiver(sandbox_factory):
    """Sandbox and receiver both on 127.0.0.1 ports: the trigger admin endpoint, then delivery."""
    from tests.support.sandbox import asgi_server, serve_sandbox

    received: list[dict] = []

    async def receiver_app(scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        received.append(json.loads(body))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"status":"accept"}'})

    with asgi_server(receiver_app) as (receiver_url, _):
        handle = sandbox_factory(webhook_url=receiver_url + "/webhook")
        with serve_sandbox(handle) as live:
            oid = new_order(handle)
            resp = httpx.post(
                f"{live.base_url}/_sandbox/trigger",
                json={"event": "order.accepted", "args": [oid]},
                headers={"Authorization": f"Bearer {live.token}"},
            )
            assert resp.status_code == 200 and resp.json()["result"]["status"] == 1
            delivered = live.wait_deliveries(2)
            assert [b["object"] for b in received] == ["incoming_order", "transaction"] and received == delivered
            log = httpx.get(f"{live.base_url}/_sandbox/deliveries", params={"token": live.token}).json()
            assert [d["delivered"] for d in log["deliveries"]] == [True, True]
            denied = httpx.post(f"{live.base_url}/_sandbox/trigger", json={"event": "order.accepted", "args": [oid]})
            assert denied.status_code == 401
