"""Following sent orders against a scripted Poster: what a refresh stores (the receipt closing an
accepted order), what it leaves alone, errors shown instead of Poster's view, and watch's rounds
(waits grow by half up to a cap, drop back after a change, stop at a deadline)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from poster_cli.orders.follow import parse_since, refresh, refresh_many, watch
from poster_cli.orders.journal import ACCEPTED, CLOSED, DECLINED, FAILED, PENDING, SENT, OrderJournal
from poster_cli.poster import models
from poster_cli.poster.errors import PosterAuthError, PosterError, PosterTransportError
from tests.support.orders import ORDER_BODY as BODY

T = "Site order #{order_id}"


class Cashier:
    """Poster as the cashier leaves it: ``status`` per incoming order id, receipts by transaction id."""

    def __init__(self) -> None:
        self.status: dict[int, int] = {}
        self.transaction: dict[int, int] = {}
        self.receipts: dict[int, Any] = {}
        self.fail: Exception | None = None
        self.asked: list[str] = []

    async def get_incoming_order(self, incoming_order_id: int) -> models.IncomingOrder:
        self.asked.append(f"order {incoming_order_id}")
        if self.fail is not None:
            raise self.fail
        return models.parse_incoming_order(
            {
                "incoming_order_id": incoming_order_id,
                "spot_id": 1,
                "status": self.status.get(incoming_order_id, 0),
                "transaction_id": self.transaction.get(incoming_order_id),
            }
        )

    async def get_transaction(self, transaction_id: int) -> Any:
        self.asked.append(f"receipt {transaction_id}")
        return self.receipts.get(transaction_id, [])

    async def get_incoming_orders(self, **_: Any) -> list[models.IncomingOrder]:
        self.asked.append("list")
        return []


def sent(journal: OrderJournal, order_id: str, incoming_id: int) -> None:
    journal.claim(order_id, dict(BODY, comment=f"Site order #{order_id}"))
    journal.mark_sent(
        order_id, models.parse_incoming_order({"incoming_order_id": incoming_id, "spot_id": 1, "status": 0})
    )


def test_an_accepted_order_whose_receipt_closed_is_closed(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 7)
    api.status[7], api.transaction[7], api.receipts[9] = 1, 9, [{"status": "2"}]
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]
    assert (r.entry.state, r.entry.transaction_id, r.error) == (CLOSED, 9, None)
    assert r.poster is not None and r.poster.status == 1 and api.asked == ["order 7", "receipt 9"]


def test_a_new_order_is_not_asked_for_a_receipt(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 7)
    api.transaction[7] = 9  # status 0: no receipt to ask about yet
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]
    assert r.entry.state == SENT and api.asked == ["order 7"]


def test_poster_unreachable_shows_the_journal_s_view_with_the_reason(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 7)
    api.fail = PosterTransportError("incomingOrders.getIncomingOrder", "timed out", maybe_processed=False)
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]
    assert (r.entry.state, r.poster, r.error) == (
        SENT,
        None,
        (
            "no answer from Poster for incomingOrders.getIncomingOrder: timed out"
            " (check the network and POSTER_API_URL, then retry)"
        ),
    )
    api.fail = PosterError(42, "order not found", "incomingOrders.getIncomingOrder")
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]
    assert r.error == "Poster refused incomingOrders.getIncomingOrder: error 42: order not found"
    api.fail = PosterAuthError(11, "bad token", "incomingOrders.getIncomingOrder")
    with pytest.raises(PosterAuthError):
        asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]


def test_an_order_never_sent_is_not_looked_up(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    j.claim("A-1", BODY)
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]
    assert (r.entry.state, r.poster, r.error, api.asked) == (PENDING, None, None, [])
    j.mark_attempt("A-1")
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template=T))  # type: ignore[arg-type]
    assert r.entry.state == PENDING and api.asked == ["list"]  # half sent: one lookup, never a resend


def test_refresh_many_leaves_settled_and_unsent_orders_alone(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    for oid, incoming in (("A-1", 1), ("A-2", 2), ("A-3", 3), ("A-4", 4)):
        sent(j, oid, incoming)
    j.set_state("A-2", DECLINED)
    j.set_state("A-3", CLOSED)
    j.set_state("A-4", FAILED)
    j.claim("A-5", dict(BODY, comment="Site order #A-5"))
    api.status[1] = 1
    out = asyncio.run(refresh_many(api, j, j.list(), comment_template=T, concurrency=1))
    assert [(r.entry.order_id, r.entry.state) for r in out] == [
        ("A-1", ACCEPTED),
        ("A-2", DECLINED),
        ("A-3", CLOSED),
        ("A-4", FAILED),
        ("A-5", PENDING),
    ]
    assert api.asked == ["order 1"]


def watch_run(
    j: OrderJournal, api: Cashier, ids: list[str], on_sleep: Any, **kw: Any
) -> tuple[list[Any], list[float], list[Any]]:
    waits: list[float] = []
    changes: list[Any] = []

    async def sleep(d: float) -> None:
        waits.append(d)
        assert len(waits) <= 50, "watch did not stop"  # bounded: a watch that never ends fails, not hangs
        on_sleep(len(waits))

    kw.setdefault("comment_template", T)
    final = asyncio.run(
        watch(
            api,
            j,
            ids,
            on_change=lambda r, before: changes.append((r.entry.order_id, before, r.entry.state)),
            sleep=sleep,
            **kw,
        )
    )
    return final, waits, changes


def test_watch_waits_grow_to_the_cap_and_drop_back_after_a_change(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 1)
    sent(j, "A-2", 2)

    def cashier(n: int) -> None:
        if n == 5:
            api.status[1] = 1
        if n == 7:
            api.status[2] = 7

    final, waits, changes = watch_run(j, api, ["A-1", "A-2"], cashier, first_delay=2.0, max_delay=5.0)
    assert waits == [2.0, 3.0, 4.5, 5.0, 5.0, 2.0, 3.0]
    assert changes == [("A-1", None, SENT), ("A-2", None, SENT), ("A-1", SENT, ACCEPTED), ("A-2", SENT, DECLINED)]
    assert sorted((e.order_id, e.state) for e in final) == [("A-1", ACCEPTED), ("A-2", DECLINED)]


def test_watch_stops_at_its_deadline(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 1)
    now = [100.0]

    def tick(n: int) -> None:
        now[0] += 10

    final, waits, _ = watch_run(j, api, ["A-1"], tick, timeout=25, clock=lambda: now[0])
    assert len(waits) == 3 and [e.state for e in final] == [SENT]


def test_watch_of_settled_orders_returns_at_once(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 1)
    j.set_state("A-1", FAILED, "refused")
    final, waits, changes = watch_run(j, api, ["A-1"], lambda n: None)
    assert waits == [] and api.asked == [] and changes == [("A-1", None, FAILED)] and final[0].state == FAILED


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, None), ("", None), (" 30 m ", "2026-03-01T11:30:00.000+00:00"), ("2026-02-01", None)],
)
def test_since_forms(text: str | None, expected: str | None) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    got = parse_since(text, now)
    if text == "2026-02-01":  # a date the user typed is their local midnight
        local = datetime(2026, 2, 1).astimezone()
        assert got == local.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    else:
        assert got == expected


class Lister(Cashier):
    """Also lists one order: ours under the default template, its comment extended by the cashier."""

    async def get_incoming_orders(self, **_: Any) -> list[models.IncomingOrder]:
        self.asked.append("list")
        return [
            models.parse_incoming_order(
                {
                    "incoming_order_id": 31,
                    "spot_id": 1,
                    "status": 0,
                    "phone": "+380501234567",
                    "comment": "Site order #A-1\ncall before delivery",
                    "products": [{"product_id": 138, "count": 1}],
                }
            )
        ]


def test_a_half_sent_order_is_found_by_its_marker_when_poster_changed_its_comment(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Lister()
    j.claim("A-1", BODY)
    j.mark_attempt("A-1")
    [r] = asyncio.run(refresh_many(api, j, j.list(), comment_template=T))
    assert (r.entry.state, r.entry.incoming_order_id, api.asked) == (SENT, 31, ["list"])


def test_since_without_a_clock_is_utc_now() -> None:
    before = datetime.now(timezone.utc)
    got = datetime.fromisoformat(parse_since("30m"))  # type: ignore[arg-type]
    assert got.utcoffset() is not None and got.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert before.timestamp() - 1800 - 5 <= got.timestamp() <= datetime.now(timezone.utc).timestamp() - 1800 + 5


class TwoCopies(Cashier):
    """Lists two copies of A-1 under the "Web #" template, the newer first, comments extended."""

    async def get_incoming_orders(self, **_: Any) -> list[models.IncomingOrder]:
        self.asked.append("list")
        return [
            models.parse_incoming_order(
                {
                    "incoming_order_id": n,
                    "spot_id": 1,
                    "status": 0,
                    "phone": "+380501234567",
                    "comment": "Web #A-1\nring twice",
                    "products": [{"product_id": 138, "count": 1}],
                }
            )
            for n in (40, 31)
        ]


def test_a_half_sent_order_takes_the_oldest_copy_under_the_configured_template(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), TwoCopies()
    j.claim("A-1", dict(BODY, comment="Web #A-1"))
    j.mark_attempt("A-1")
    r = asyncio.run(refresh(api, j, j.get("A-1"), comment_template="Web #{order_id}"))  # type: ignore[arg-type]
    assert (r.entry.state, r.entry.incoming_order_id) == (SENT, 31)
    assert r.poster is not None and r.poster.incoming_order_id == 31


def test_watch_skips_an_unknown_id(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 1)
    j.set_state("A-1", FAILED, "refused")
    final, waits, _ = watch_run(j, api, ["A-1", "NOPE"], lambda n: None)
    assert [e.order_id for e in final] == ["A-1"] and waits == []


def test_watch_by_default_waits_at_most_thirty_seconds(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 1)

    def cashier(n: int) -> None:
        if n == 9:
            api.status[1] = 7

    _, waits, _ = watch_run(j, api, ["A-1"], cashier)
    assert waits == [2.0, 3.0, 4.5, 6.75, 10.125, 15.1875, 22.78125, 30.0, 30.0]


def test_watch_stops_when_the_deadline_is_reached_exactly(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Cashier()
    sent(j, "A-1", 1)
    now = [100.0]

    def tick(n: int) -> None:
        now[0] += 10

    _, waits, _ = watch_run(j, api, ["A-1"], tick, timeout=30, clock=lambda: now[0])
    assert len(waits) == 3  # at 130, the deadline itself, it stops


def test_watch_finds_a_half_sent_order_under_the_configured_template(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), TwoCopies()
    j.claim("A-1", dict(BODY, comment="Web #A-1"))
    j.mark_attempt("A-1")

    def cashier(n: int) -> None:
        api.status[31] = 1  # the cashier accepts the oldest copy

    final, waits, changes = watch_run(j, api, ["A-1"], cashier, comment_template="Web #{order_id}")
    assert changes == [("A-1", None, SENT), ("A-1", SENT, ACCEPTED)]
    assert [(e.order_id, e.state, e.incoming_order_id) for e in final] == [("A-1", ACCEPTED, 31)]
    assert waits == [2.0]


def test_since_a_time_the_user_typed_is_read_in_their_zone_and_given_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    # `order list --since` compares it with the journal's UTC times: an offset left in would shift the cut
    monkeypatch.setenv("TZ", "XYZ-2")  # two hours east of UTC, no daylight saving
    time.tzset()
    try:
        assert parse_since("2026-02-01T10:00:00+02:00") == "2026-02-01T08:00:00.000+00:00"
        assert parse_since("2026-02-01T10:00:00-05:00") == "2026-02-01T15:00:00.000+00:00"
        assert parse_since("2026-02-01 10:00") == "2026-02-01T08:00:00.000+00:00"
        assert parse_since("2026-02-01") == "2026-01-31T22:00:00.000+00:00"
    finally:
        monkeypatch.undo()
        time.tzset()


class Counting(Cashier):
    """Counts how many order questions are in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = self.most = 0

    async def get_incoming_order(self, incoming_order_id: int) -> models.IncomingOrder:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            for _ in range(3):  # let the other questions start too
                await asyncio.sleep(0)
            return await super().get_incoming_order(incoming_order_id)
        finally:
            self.in_flight -= 1


def test_refresh_asks_poster_about_four_orders_at_a_time(tmp_path: Path) -> None:
    j, api = OrderJournal(tmp_path / "j.sqlite"), Counting()
    for n in range(1, 8):
        sent(j, f"A-{n}", n)
    out = asyncio.run(refresh_many(api, j, j.list(), comment_template=T))
    assert api.most == 4 and len(out) == 7 and sorted(api.asked) == sorted(f"order {n}" for n in range(1, 8))
