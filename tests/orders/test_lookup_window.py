"""The lookups before a send or a resend: the time-zone reach of their windows (Poster writes times
in the account's zone, which may be anywhere from UTC-12 to UTC+14), and which of two copies of
an order Poster holds is taken. Windows are written out as literals from a fixed clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from poster_cli.orders.journal import OrderJournal
from poster_cli.orders.send import SKIPPED, OrderSender
from poster_cli.poster import models
from tests.support.orders import mapping, poster_incoming_order, snapshot

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


class ListingPoster:
    """Records each list call's window; answers with ``held`` (raw incoming orders)."""

    def __init__(self, held: list[dict[str, Any]] | None = None) -> None:
        self.windows: list[tuple[bool, dict[str, str]]] = []
        self.held = held or []
        self.posts = 0

    async def get_incoming_orders(self, *, own: bool = False, **window: str) -> list[models.IncomingOrder]:
        self.windows.append((own, window))
        return [models.parse_incoming_order(o) for o in self.held]

    async def create_incoming_order(self, body: dict[str, Any]) -> models.IncomingOrder:
        self.posts += 1
        raise AssertionError("nothing may be posted here")


def sender(api: Any, tmp_path: Path) -> OrderSender:
    return OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), now=lambda: NOW)


def built(order_id: str = "W-1") -> Any:
    from decimal import Decimal

    from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest

    builder = OrderBuilder(snapshot(), mapping(), default_spot=1)
    return builder.build(OrderRequest(order_id=order_id, items=[ItemRequest("EV", Decimal(2))], phone="+380501234567"))


def test_the_resend_lookup_reaches_14_5_hours_and_5_minutes_each_way(tmp_path: Path) -> None:
    api = ListingPoster()
    entry = SimpleNamespace(created_at="2026-03-01T11:00:00+00:00")
    assert asyncio.run(sender(api, tmp_path).lookup_window(entry)) == []  # type: ignore[arg-type]
    assert api.windows == [(True, {"date_from": "2026-02-28 20:25:00", "date_to": "2026-03-02 02:35:00"})]


def test_the_check_before_sending_pages_three_days_plus_the_zones_by_day(tmp_path: Path) -> None:
    api = ListingPoster()
    assert asyncio.run(sender(api, tmp_path).check_poster([built()])) == 5
    assert [w for _, w in api.windows] == [
        {"date_from": "2026-02-25 21:30:00", "date_to": "2026-02-26 21:29:59"},
        {"date_from": "2026-02-26 21:30:00", "date_to": "2026-02-27 21:29:59"},
        {"date_from": "2026-02-27 21:30:00", "date_to": "2026-02-28 21:29:59"},
        {"date_from": "2026-02-28 21:30:00", "date_to": "2026-03-01 21:29:59"},
        {"date_from": "2026-03-01 21:30:00", "date_to": "2026-03-02 02:29:59"},
    ]


def held(incoming_order_id: int, comment: str = "Site order #W-1", phone: str = "+380501234567") -> dict[str, Any]:
    return poster_incoming_order(incoming_order_id, comment, phone, count=2)


def test_of_two_copies_poster_holds_the_first_one_is_taken_and_nothing_is_posted(tmp_path: Path) -> None:
    api = ListingPoster([held(9), held(4), held(6, phone="+380671112233")])

    async def go() -> Any:
        s = sender(api, tmp_path)
        await s.check_poster([built()])
        return await s.send(built())

    result = asyncio.run(go())
    assert (result.outcome, result.incoming_order_id, api.posts) == (SKIPPED, 4, 0)
    assert result.warnings == ["already in Poster as order #4 (the journal did not know it); not sent again"]
    assert OrderJournal(tmp_path / "j.sqlite").get("W-1").incoming_order_id == 4  # type: ignore[union-attr]


def test_resends_stop_at_the_post_cap_and_the_order_is_failed_not_in_poster(tmp_path: Path) -> None:
    from poster_cli.orders.send import FAILED_OUTCOME
    from poster_cli.poster.client import PosterClient
    from poster_cli.poster.ratelimit import RatePacer
    from tests.support.orders import FakePoster, no_sleep

    fake = FakePoster(faults=["502-before"] * 5)  # a proxy's 502 each time: nothing was created

    async def go() -> Any:
        async with PosterClient(
            "http://127.0.0.1/api",
            "1:abc",
            transport=fake.transport(),
            sleep=no_sleep,
            retries=0,
            pacer=RatePacer(None),
        ) as api:
            s = OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), sleep=no_sleep, lookup_delays=(0, 0), max_posts=2)
            return await s.send(built())

    result = asyncio.run(go())
    assert (result.outcome, result.posts, fake.posts, len(fake.orders)) == (FAILED_OUTCOME, 2, 2, 0)
    assert (result.reason or "").startswith("no answer from Poster 2 times")
