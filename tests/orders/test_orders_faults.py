"""The sandbox's faults against the real sender: every order lands exactly once.

Each test builds orders from the sandbox's own menu, runs a batch through faults (dropped
connections after commit, 503s, error-700 storms, latency, timeouts), then counts the orders the
sandbox holds per site order id: none missing, none twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from poster_cli.mapping import Mapping
from poster_cli.menu import MenuSnapshot, fetch_snapshot
from poster_cli.orders.batch import run_batch
from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.journal import OrderJournal
from poster_cli.orders.send import OrderSender
from poster_cli.poster.client import PosterClient
from poster_cli.poster.ratelimit import RatePacer
from tests.support.orders import marked

TEMPLATE = "Site order #{order_id}"
ITEMS = ["poster:101", "poster:103/1001", "poster:176", "poster:193", "poster:121"]


async def no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def make_orders(snapshot: MenuSnapshot, n: int, prefix: str = "F") -> list[Any]:
    builder = OrderBuilder(snapshot, Mapping(), default_spot=1, comment_template=TEMPLATE)
    return [
        builder.build(
            OrderRequest(
                order_id=f"{prefix}-{i}",
                phone="+380501234567",
                paid=i % 2 == 0,
                items=[
                    ItemRequest(ITEMS[i % len(ITEMS)], Decimal(1 + i % 3)),
                    ItemRequest(ITEMS[(i + 2) % len(ITEMS)]),
                ],
            )
        )
        for i in range(n)
    ]


def held(state: Any, orders: list[Any]) -> Counter[str]:
    """How many orders the sandbox holds for each site order id."""
    counts: Counter[str] = Counter()
    for o in orders:
        counts[o.order_id] = sum(1 for rec in state.doc["orders"] if marked(rec["comment"], o.order_id, TEMPLATE))
    return counts


async def snapshot_of(sandbox: Any) -> MenuSnapshot:
    async with sandbox.client() as api:
        return await fetch_snapshot(api, sandbox.api_url)


async def send_all(
    client: PosterClient, journal_path: Path, orders: list[Any], concurrency: int = 4, **kw: Any
) -> list[Any]:
    async with client as api:
        sender = OrderSender(api, OrderJournal(journal_path), comment_template=TEMPLATE, sleep=no_sleep, **kw)
        return await run_batch(orders, sender, concurrency=concurrency)


def assert_exactly_once(sandbox: Any, orders: list[Any], results: list[Any]) -> dict[str, int]:
    counts = held(sandbox.state, orders)
    lost = [k for k, v in counts.items() if v == 0]
    dup = [k for k, v in counts.items() if v > 1]
    assert not lost and not dup, f"lost {lost}, duplicated {dup}"
    by_id = {r.order_id: r for r in results}
    for o in orders:  # the journal agrees with the sandbox
        [rec] = [r for r in sandbox.state.doc["orders"] if marked(r["comment"], o.order_id, TEMPLATE)]
        assert by_id[o.order_id].incoming_order_id == rec["incoming_order_id"]
    return {"orders": len(orders), "held": sum(counts.values()), "lost": len(lost), "duplicates": len(dup)}


@pytest.mark.parametrize(
    "faults",
    [
        {"drop_after_commit_rate": 0.4, "seed": 1},
        {"error_rate": 0.3, "seed": 2},
        {"drop_after_commit_rate": 0.25, "error_rate": 0.2, "latency_ms": 5, "seed": 3},
    ],
    ids=["drop-after-commit", "503s", "mixed-with-latency"],
)
def test_faults_leave_each_order_exactly_once(sandbox: Any, tmp_path: Path, faults: dict[str, Any]) -> None:
    async def go() -> None:
        orders = make_orders(await snapshot_of(sandbox), 40)
        sandbox.faults(**faults)
        results = await send_all(
            sandbox.client(retries=8, backoff=0, sleep=no_sleep),
            tmp_path / "j.sqlite",
            orders,
            lookup_delays=(0.0, 0.0),
            max_posts=10,
        )
        assert all(r.outcome == "sent" for r in results), [r.reason for r in results if r.outcome != "sent"]
        assert_exactly_once(sandbox, orders, results)
        assert any(r.found_by_lookup or r.posts > 1 for r in results)  # the faults did bite

    asyncio.run(go())


def test_a_700_storm_slows_the_whole_batch_and_loses_nothing(sandbox: Any, tmp_path: Path) -> None:
    async def go() -> None:
        orders = make_orders(await snapshot_of(sandbox), 8)
        sandbox.faults(rate_limit=10)  # calls per second, refused ones included
        pacer = RatePacer(None)
        client = sandbox.client(retries=3, backoff=0, sleep=no_sleep, pacer=pacer)
        results = await send_all(
            client, tmp_path / "j.sqlite", orders, concurrency=8, rate_backoff=0.01, rate_retries=50
        )
        assert all(r.outcome == "sent" for r in results)
        assert pacer.slowdowns > 0  # the shared pacer took the hits for every task
        assert_exactly_once(sandbox, orders, results)

    asyncio.run(go())


def test_rerun_after_faults_sends_nothing_new(sandbox: Any, tmp_path: Path) -> None:
    async def go() -> None:
        orders = make_orders(await snapshot_of(sandbox), 20)
        sandbox.faults(drop_after_commit_rate=0.5, seed=7)
        first = await send_all(
            sandbox.client(backoff=0, sleep=no_sleep), tmp_path / "j.sqlite", orders, lookup_delays=(0.0, 0.0)
        )
        before = len(sandbox.state.doc["orders"])
        again = await send_all(
            sandbox.client(backoff=0, sleep=no_sleep), tmp_path / "j.sqlite", orders, lookup_delays=(0.0, 0.0)
        )
        assert {r.outcome for r in again} == {"skipped"}
        assert len(sandbox.state.doc["orders"]) == before
        assert_exactly_once(sandbox, orders, first)

    asyncio.run(go())


def test_timeouts_on_a_real_server_are_looked_up_then_resent_once(sandbox_server: Any, tmp_path: Path) -> None:
    """Each order's first POST is slower than the client's timeout. The sandbox reads the body
    after its latency, so a timed-out request creates nothing (Poster may differ: the late-landing
    case is in test_orders_send); the sender must look it up, find nothing, and send it once more."""
    handle = sandbox_server.handle

    async def go() -> None:
        orders = make_orders(await snapshot_of(handle), 4)
        client = PosterClient(
            sandbox_server.api_url, sandbox_server.token, timeout=0.1, retries=2, backoff=0, sleep=no_sleep
        )
        async with client as api:
            sender = OrderSender(
                _SlowFirstCreate(api, handle),
                OrderJournal(tmp_path / "j.sqlite"),
                comment_template=TEMPLATE,
                lookup_delays=(0.05, 0.1),
            )
            results = await run_batch(orders, sender, concurrency=1)
        assert all(r.outcome == "sent" and r.posts == 2 for r in results), [(r.outcome, r.reason) for r in results]
        assert_exactly_once(handle, orders, results)

    asyncio.run(go())


class _SlowFirstCreate:
    """The first POST of each order takes 300 ms (beyond the 100 ms timeout); the rest is quick."""

    def __init__(self, api: PosterClient, handle: Any) -> None:
        self.api = api
        self.handle = handle
        self.seen: set[str] = set()

    async def create_incoming_order(self, body: Any) -> Any:
        first = body["comment"] not in self.seen
        self.seen.add(body["comment"])
        self.handle.faults(latency_ms=300 if first else 0)
        return await self.api.create_incoming_order(body)

    async def get_incoming_orders(self, **kw: Any) -> Any:
        self.handle.faults(latency_ms=0)
        return await self.api.get_incoming_orders(**kw)
