"""Following orders: --since parsing, refreshing a half-sent order, watch backing off."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from poster_cli.errors import UsageError
from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.follow import parse_since, refresh, watch
from poster_cli.orders.journal import SENT, OrderJournal
from poster_cli.poster.client import PosterClient
from tests.support.orders import FakePoster, _post_request, mapping, no_sleep, snapshot

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", "2026-03-01T11:30:00.000+00:00"),
        ("12h", "2026-03-01T00:00:00.000+00:00"),
        ("7d", "2026-02-22T12:00:00.000+00:00"),
        ("2026-02-01T10:00:00+02:00", "2026-02-01T08:00:00.000+00:00"),
    ],
)
def test_since(text: str, expected: str) -> None:
    assert parse_since(text, NOW) == expected


def test_since_nonsense_names_the_forms() -> None:
    with pytest.raises(UsageError, match="30m, 12h, 7d"):
        parse_since("last tuesday", NOW)


def _built(order_id: str = "F-1"):
    b = OrderBuilder(snapshot(), mapping(), default_spot=1)
    return b.build(OrderRequest(order_id=order_id, items=[ItemRequest("EV", Decimal(1))], phone="+380501234567"))


def test_status_of_a_half_sent_order_finds_it_without_resending(tmp_path: Path) -> None:
    fake = FakePoster()
    journal = OrderJournal(tmp_path / "j.sqlite")
    order = _built()
    journal.claim(order.order_id, order.body)
    journal.mark_attempt(order.order_id)
    fake.handle(_post_request(order.body))  # Poster got it; the sender was killed

    async def go():
        async with PosterClient("http://127.0.0.1/api", "1:abc", transport=fake.transport()) as api:
            return await refresh(api, journal, journal.get("F-1"), comment_template="Site order #{order_id}")

    r = asyncio.run(go())
    assert r.entry.state == SENT and r.entry.incoming_order_id == 1 and fake.posts == 1


def test_watch_backs_off_and_stops_at_a_final_state(tmp_path: Path) -> None:
    fake = FakePoster()
    journal = OrderJournal(tmp_path / "j.sqlite")
    order = _built()
    journal.claim(order.order_id, order.body)
    fake.handle(_post_request(order.body))
    from poster_cli.poster import models

    journal.mark_sent("F-1", models.parse_incoming_order(fake._public(fake.orders[0])))
    waits: list[float] = []

    async def sleep(d: float) -> None:
        waits.append(d)
        if len(waits) == 3:
            fake.orders[0]["status"] = 7  # the cashier declines

    changes: list[tuple[str, str | None]] = []

    async def go():
        async with PosterClient("http://127.0.0.1/api", "1:abc", transport=fake.transport(), sleep=no_sleep) as api:
            return await watch(
                api,
                journal,
                ["F-1"],
                comment_template="Site order #{order_id}",
                on_change=lambda r, before: changes.append((r.entry.state, before)),
                sleep=sleep,
            )

    [final] = asyncio.run(go())
    assert final.state == "declined"
    assert changes == [("sent", None), ("declined", "sent")]
    assert waits == [2.0, 3.0, 4.5]  # grows by half while nothing changes
