"""A lost journal (orders.sqlite deleted, truncated or emptied) does not make a batch re-run send
everything again: before sending, Poster's own recent orders are listed once and no order whose
marker Poster holds is created. Counted by phone in the sandbox's state (one phone per order)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from poster_cli.orders.batch import run_batch
from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.journal import OrderJournal
from poster_cli.orders.send import OrderSender
from poster_cli.poster.client import PosterClient
from poster_cli.poster.ratelimit import RatePacer
from tests.support.orders import FakePoster, mapping, no_sleep, snapshot

PHONES = ["+380671230001", "+380671230002", "+380671230003"]
BATCH = "order_id,phone,item,count\n" + "".join(f"L-{i},{p},ESP,{i + 1}\n" for i, p in enumerate(PHONES))


def lose_by_deleting(journal: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        journal.with_name(journal.name + suffix).unlink(missing_ok=True)


def lose_by_truncating(journal: Path) -> None:
    lose_by_deleting(journal)
    journal.write_bytes(b"")


def lose_by_emptying(journal: Path) -> None:
    with sqlite3.connect(journal) as db:
        db.execute("DELETE FROM orders")


@pytest.mark.parametrize("lose", [lose_by_deleting, lose_by_truncating, lose_by_emptying])
def test_a_batch_rerun_after_the_journal_is_lost_sends_nothing_twice(cafe: Any, lose: Any) -> None:
    Path("orders.csv").write_text(BATCH, encoding="utf-8")
    first = cafe.run("order", "batch", "orders.csv", "--json")
    assert first.exit_code == 0, first.stderr
    assert len(json.loads(first.stdout)["sent"]) == 3
    lose(cafe.data_dir / "orders.sqlite")

    again = cafe.run("order", "batch", "orders.csv", "--json")
    assert again.exit_code == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["sent"] == [] and sorted(r["order_id"] for r in report["skipped"]) == ["L-0", "L-1", "L-2"]
    assert "order journal" in again.stderr and "missing or empty" in again.stderr
    held = Counter(o["phone"] for o in cafe.sandbox.state.doc["orders"])
    assert [held[p] for p in PHONES] == [1, 1, 1]
    # the new journal knows them now: a third run skips them without any warning
    third = cafe.run("order", "batch", "orders.csv", "--json")
    assert third.exit_code == 0 and "missing or empty" not in third.stderr
    assert len(json.loads(third.stdout)["skipped"]) == 3
    assert len(cafe.sandbox.state.doc["orders"]) == 3


def test_order_send_after_the_journal_is_lost_does_not_send_again(cafe: Any) -> None:
    send = ("order", "send", "--yes", "--order-id", "L-9", "--phone", PHONES[0], "-i", "ESP", "--json")
    assert cafe.run(*send).exit_code == 0
    lose_by_deleting(cafe.data_dir / "orders.sqlite")
    again = cafe.run(*send)
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["outcome"] == "skipped"
    assert len(cafe.sandbox.state.doc["orders"]) == 1


@pytest.mark.parametrize("n", [5, 40])
def test_poster_is_listed_once_per_batch_whatever_its_size(tmp_path: Path, n: int) -> None:
    """One pass (a few day-pages) per batch, not a lookup per order; the orders Poster already
    holds (their marker, phone and lines) are skipped and the rest are created."""
    builder = OrderBuilder(snapshot(), mapping(), default_spot=1)
    orders = [
        builder.build(
            OrderRequest(order_id=f"P-{i}", items=[ItemRequest("EV", Decimal(1 + i % 2))], phone=f"+38067000{i:04d}")
        )
        for i in range(n)
    ]
    fake = FakePoster()
    for o in orders[:2]:  # sent by an earlier run whose journal is gone
        fake.orders.append(
            {
                "incoming_order_id": 500 + len(fake.orders),
                "spot_id": 1,
                "status": 0,
                "client_id": 0,
                "phone": o.body["phone"],
                "comment": o.body["comment"],
                "created_at": "2026-01-01 10:00:00",
                "updated_at": "2026-01-01 10:00:00",
                "transaction_id": None,
                "products": o.body["products"],
                "_hidden": 0,
            }
        )

    async def go() -> Any:
        async with PosterClient(
            "http://127.0.0.1/api",
            "1:abc",
            transport=fake.transport(),
            sleep=no_sleep,
            pacer=RatePacer(None, floor=200),
        ) as api:
            sender = OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), sleep=no_sleep)
            return await run_batch(orders, sender, concurrency=4)

    results = asyncio.run(go())
    lists = [c for c in fake.calls if c.endswith("IncomingOrders")]
    assert 1 <= len(lists) <= 6  # the pages of the window, the same for 5 orders or 40
    assert sorted(r.order_id for r in results if r.outcome == "skipped") == ["P-0", "P-1"]
    assert fake.posts == n - 2
    assert Counter(o["phone"] for o in fake.orders) == Counter(o.body["phone"] for o in orders)
