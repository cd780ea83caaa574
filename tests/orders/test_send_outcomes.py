"""What one send ends in, against a scripted Poster: the reason a user reads for each failure, the
waits between tries and lookups, the check before a batch, and which of Poster's lists is asked.

The scripted Poster keeps the orders it created as raw dicts; counts are read from that list (the
oracle), never through poster-cli's own matcher."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.claims import OrderClaims
from poster_cli.orders.journal import FAILED, PENDING, SENT, OrderJournal
from poster_cli.orders.send import (
    FAILED_OUTCOME,
    SENT as OUT_SENT,
    SKIPPED,
    UNCONFIRMED,
    OrderConflict,
    OrderSender,
    PosterCheckFailed,
    conflicts,
)
from poster_cli.poster import models
from poster_cli.poster.errors import (
    PosterAuthError,
    PosterError,
    PosterPermissionError,
    PosterRateLimited,
    PosterTransportError,
)
from tests.support.orders import mapping, poster_incoming_order, snapshot

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
CREATE = "incomingOrders.createIncomingOrder"
LIST = "incomingOrders.getOwnIncomingOrders"


def order(order_id: str = "A-1", count: int = 1) -> Any:
    builder = OrderBuilder(snapshot(), mapping(), default_spot=1)
    return builder.build(
        OrderRequest(order_id=order_id, items=[ItemRequest("EV", Decimal(count))], phone="+380501234567")
    )


raw = poster_incoming_order


class ScriptedPoster:
    """``creates``: what each create call does, in turn (an exception to raise, ``"lost"`` to store
    the order and raise a lost answer, or ``"ok"``; ``"ok"`` once the script is used up).
    ``lists``: what each list call does (an exception, or ``"ok"`` to answer with the stored orders)."""

    def __init__(self, creates: list[Any] | None = None, lists: list[Any] | None = None) -> None:
        self.creates = list(creates or [])
        self.lists = list(lists or [])
        self.held: list[dict[str, Any]] = []
        self.posts = 0
        self.next_id = 99  # the first order created is #100
        self.list_calls: list[bool] = []  # own?
        self.windows: list[dict[str, str]] = []

    async def create_incoming_order(self, body: dict[str, Any]) -> models.IncomingOrder:
        self.posts += 1
        step = self.creates.pop(0) if self.creates else "ok"
        if isinstance(step, Exception):
            raise step
        self.next_id += 1
        stored = raw(self.next_id, body["comment"], body.get("phone", ""), body["products"][0]["count"])
        self.held.append(stored)
        if step == "lost":
            raise PosterTransportError(CREATE, "read timed out", maybe_processed=True)
        return models.parse_incoming_order(stored)

    async def get_incoming_orders(self, *, own: bool = False, **window: str) -> list[models.IncomingOrder]:
        self.list_calls.append(own)
        self.windows.append(window)
        step = self.lists.pop(0) if self.lists else "ok"
        if isinstance(step, Exception):
            raise step
        return [models.parse_incoming_order(o) for o in self.held]

    def count(self, order_id: str) -> int:
        return sum(1 for o in self.held if o["comment"].split("\n")[0] == f"Site order #{order_id}")


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def sender(api: Any, tmp_path: Path, **kw: Any) -> OrderSender:
    kw.setdefault("sleep", Sleeps())
    return OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), now=lambda: NOW, **kw)


def send(s: OrderSender, *orders: Any) -> list[Any]:
    async def go() -> list[Any]:
        return [await s.send(o) for o in orders]

    return asyncio.run(go())


def journal_state(tmp_path: Path, order_id: str) -> tuple[str, str | None]:
    entry = OrderJournal(tmp_path / "j.sqlite").get(order_id)
    assert entry is not None
    return entry.state, entry.reason


def test_rate_limited_every_time_fails_after_the_retries_with_growing_waits(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterRateLimited(700, "", CREATE)] * 3)
    sleeps = Sleeps()
    [r] = send(sender(api, tmp_path, rate_retries=2, rate_backoff=1.0, sleep=sleeps), order())
    assert (r.outcome, r.state, r.posts, api.posts, api.count("A-1")) == (FAILED_OUTCOME, FAILED, 3, 3, 0)
    assert r.reason == "rate limited (error 700) after 3 tries; re-run later"
    assert journal_state(tmp_path, "A-1") == (FAILED, r.reason)
    first, second = sleeps.waits
    assert 0.5 <= first <= 1.0 and 1.0 <= second <= 2.0  # half to all of the base, doubled each time


def test_rate_limited_reason_quotes_poster(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterRateLimited(700, "Too many requests", CREATE)])
    [r] = send(sender(api, tmp_path, rate_retries=0), order())
    assert (r.outcome, r.reason, api.posts) == (
        FAILED_OUTCOME,
        "Too many requests (error 700) after 1 tries; re-run later",
        1,
    )


def test_a_rate_limited_try_is_sent_again_and_lands_once(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterRateLimited(700, "", CREATE)] * 2)
    [r] = send(sender(api, tmp_path, rate_retries=2), order())
    assert (r.outcome, r.posts, api.count("A-1")) == (OUT_SENT, 3, 1)
    assert r.to_dict() == {
        "order_id": "A-1",
        "outcome": "sent",
        "state": "sent",
        "incoming_order_id": 100,
        "reason": None,
        "found_by_lookup": False,
    }


def test_a_request_that_never_left_fails_as_a_network_failure(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterTransportError(CREATE, "connection refused", maybe_processed=False)])
    [r] = send(sender(api, tmp_path), order())
    assert (r.outcome, r.network, r.reason, api.posts, api.list_calls) == (
        FAILED_OUTCOME,
        True,
        "connection refused",
        1,
        [],
    )
    assert journal_state(tmp_path, "A-1") == (FAILED, "connection refused")


def test_a_refusal_fails_with_poster_s_words_and_is_not_a_network_failure(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterError(34, "phone is invalid", CREATE)])
    [r] = send(sender(api, tmp_path), order())
    assert (r.outcome, r.network, api.posts) == (FAILED_OUTCOME, False, 1)
    assert r.reason == f"Poster refused {CREATE}: error 34: phone is invalid"


def test_a_refused_token_stops_the_send(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterAuthError(11, "token invalid", CREATE)])
    with pytest.raises(PosterAuthError):
        send(sender(api, tmp_path), order())
    assert journal_state(tmp_path, "A-1")[0] == PENDING  # attempted: a re-run looks it up first


def test_a_lost_answer_waits_as_configured_between_lookups_then_finds_it(tmp_path: Path) -> None:
    sleeps = Sleeps()
    api = ScriptedPoster(creates=["lost"])
    [r] = send(sender(api, tmp_path, lookup_delays=(3.0, 5.0), sleep=sleeps), order())
    assert (r.outcome, r.found_by_lookup, r.incoming_order_id, api.posts, api.count("A-1")) == (
        OUT_SENT,
        True,
        100,
        1,
        1,
    )
    assert sleeps.waits == []  # found by the first lookup, at once
    assert r.warnings == []  # one copy: nothing to warn about


def test_absent_is_decided_after_every_lookup_and_its_wait(tmp_path: Path) -> None:
    sleeps = Sleeps()
    api = ScriptedPoster(creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)])
    [r] = send(sender(api, tmp_path, lookup_delays=(3.0, 5.0), sleep=sleeps), order())
    assert (r.outcome, r.found_by_lookup, r.posts, api.count("A-1")) == (OUT_SENT, False, 2, 1)
    assert sleeps.waits == [3.0, 5.0] and len(api.list_calls) == 3


@pytest.mark.parametrize(
    ("lists", "outcome"),
    [
        # two lookups failed, the last two found nothing: certainly absent, sent again
        ([PosterTransportError(LIST, "x", maybe_processed=False)] * 2 + ["ok", "ok"], OUT_SENT),
        # only one lookup answered: not enough to resend
        ([PosterTransportError(LIST, "x", maybe_processed=False)] * 3 + ["ok"], UNCONFIRMED),
        # the last lookup failed: what it would have said is unknown
        (["ok", "ok", "ok", PosterTransportError(LIST, "busy", maybe_processed=False)], UNCONFIRMED),
    ],
)
def test_a_resend_needs_two_clean_lookups_the_last_one_included(tmp_path: Path, lists: list[Any], outcome: str) -> None:
    api = ScriptedPoster(creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)], lists=lists)
    [r] = send(sender(api, tmp_path, lookup_delays=(1.0, 2.0, 4.0)), order())
    assert r.outcome == outcome
    assert api.count("A-1") == (1 if outcome == OUT_SENT else 0)
    assert api.posts == (2 if outcome == OUT_SENT else 1)
    if outcome == UNCONFIRMED:
        assert r.state == PENDING and journal_state(tmp_path, "A-1") == (PENDING, r.reason)
        assert r.reason is not None and r.reason.endswith("; run the same command again to settle it")


def test_too_few_answers_say_so(tmp_path: Path) -> None:
    lists = [PosterTransportError(LIST, "x", maybe_processed=False)] * 3 + ["ok"]
    api = ScriptedPoster(creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)], lists=lists)
    [r] = send(sender(api, tmp_path, lookup_delays=(1.0, 2.0, 4.0)), order())
    assert r.reason == (
        "not confirmed whether Poster has it (too few successful lookups); run the same command again to settle it"
    )


def test_two_copies_found_after_a_lost_answer_keeps_the_oldest_and_says_so(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=["lost"])
    first = order()
    api.held.append(raw(42, first.body["comment"]))  # an earlier copy Poster already holds
    [r] = send(sender(api, tmp_path), first)
    assert (r.outcome, r.incoming_order_id, api.posts) == (OUT_SENT, 42, 1)
    assert r.warnings == ["Poster holds 2 orders for A-1: 42, 100"]
    entry = OrderJournal(tmp_path / "j.sqlite").get("A-1")
    assert entry is not None and (entry.state, entry.incoming_order_id) == (SENT, 42)


def test_getownincomingorders_refused_falls_back_once_for_the_whole_run(tmp_path: Path) -> None:
    api = ScriptedPoster(
        creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)] * 2,
        lists=[PosterPermissionError(20, "not allowed", LIST)],
    )
    [r] = send(sender(api, tmp_path, lookup_delays=(1.0,), max_posts=3), order())
    assert (r.outcome, api.posts, api.count("A-1")) == (OUT_SENT, 3, 1)
    assert api.list_calls == [True, False, False, False, False]


def test_getownincomingorders_failing_after_it_worked_is_a_failed_lookup_not_a_refusal(tmp_path: Path) -> None:
    api = ScriptedPoster(
        creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)],
        lists=["ok", PosterError(500, "internal", LIST), "ok"],
    )
    [r] = send(sender(api, tmp_path, lookup_delays=(1.0, 2.0)), order())
    assert r.outcome == OUT_SENT and api.list_calls == [True, True, True]


def test_a_refused_token_during_a_lookup_stops_the_send(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=["lost"], lists=[PosterAuthError(11, "token invalid", LIST)])
    with pytest.raises(PosterAuthError):
        send(sender(api, tmp_path), order())
    assert journal_state(tmp_path, "A-1")[0] == PENDING


def test_an_order_another_process_keeps_is_left_to_a_later_run(tmp_path: Path) -> None:
    other = OrderClaims(tmp_path / "j.sqlite")
    assert other.try_claim("A-1")
    try:
        api = ScriptedPoster()
        [r] = send(sender(api, tmp_path, claims=OrderClaims(tmp_path / "j.sqlite", wait=0.05)), order())
    finally:
        other.release("A-1")
    assert (r.order_id, r.outcome, r.state, api.posts) == ("A-1", UNCONFIRMED, "pending", 0)
    assert r.reason == (
        "another poster-cli process has been sending it for over 0 s; run the same command again later to settle it"
    )
    assert OrderJournal(tmp_path / "j.sqlite").get("A-1") is None


def test_conflicts_name_at_most_five_orders(tmp_path: Path) -> None:
    api = ScriptedPoster()
    s = sender(api, tmp_path)
    send(s, *(order(f"C-{i}") for i in range(7)))
    changed = [order(f"C-{i}", count=2) for i in range(7)]
    found = conflicts(s.journal, changed)
    assert [e.order_id for e in found] == [f"C-{i}" for i in range(7)]
    err = OrderConflict(found)
    assert err.message == (
        "7 order id(s) were sent before with different content: C-0 (sent, Poster #100), C-1 (sent, Poster #101),"
        " C-2 (sent, Poster #102), C-3 (sent, Poster #103), C-4 (sent, Poster #104) and 2 more"
    )
    assert err.hint == "a site order id names one order: give a changed order a new id"
    assert conflicts(s.journal, [order(f"C-{i}") for i in range(7)]) == []


def test_a_failed_order_is_no_conflict_and_a_pending_one_names_no_poster_number(tmp_path: Path) -> None:
    s = sender(ScriptedPoster(creates=[PosterError(34, "bad", CREATE)]), tmp_path)
    send(s, order("F-1"))
    s.journal.claim("P-1", order("P-1").body, request_hash=order("P-1").request_hash)
    found = conflicts(s.journal, [order("F-1", count=2), order("P-1", count=2)])
    assert [e.order_id for e in found] == ["P-1"]
    assert OrderConflict(found).message == "1 order id(s) were sent before with different content: P-1 (pending)"


# -- the check before a batch ------------------------------------------------------------------


def test_the_check_finds_our_markers_only_at_the_start_of_the_comment(tmp_path: Path) -> None:
    api = ScriptedPoster()
    api.held += [
        raw(1, "Site order #W-12"),  # another order
        raw(2, "please, like Site order #W-1"),  # customer text
        raw(3, "  Site order #W-1\nring twice"),  # ours, after blanks
        raw(4, "Site order #W-2 extra"),  # ours, followed by a space
    ]
    s = sender(api, tmp_path)
    assert asyncio.run(s.check_poster([order("W-1"), order("W-2"), order("W-3")])) == 5
    results = send(s, order("W-1"), order("W-2"), order("W-3"))
    assert [(r.order_id, r.outcome, r.incoming_order_id) for r in results] == [
        ("W-1", SKIPPED, 3),
        ("W-2", SKIPPED, 4),
        ("W-3", OUT_SENT, 100),
    ]
    assert api.posts == 1
    assert [r.found_by_lookup for r in results] == [True, True, False]


def test_the_check_skips_orders_the_journal_knows_as_sent(tmp_path: Path) -> None:
    api = ScriptedPoster()
    s = sender(api, tmp_path)
    send(s, order("W-1"))
    assert asyncio.run(s.check_poster([order("W-1")])) == 0
    assert api.list_calls == []


def test_the_check_refused_is_a_warning_and_the_journal_decides(tmp_path: Path) -> None:
    api = ScriptedPoster(lists=[PosterPermissionError(20, "no", LIST), PosterPermissionError(20, "no", LIST)])
    s = sender(api, tmp_path)
    assert asyncio.run(s.check_poster([order("W-1")])) == 1
    expected = (
        f"could not list Poster's recent orders (Poster refused {LIST}: error 20: no (the token's application lacks"
        " the permission for this method)); relying on the journal"
    )
    assert s.warnings == [expected]


def test_the_check_refused_after_the_journal_was_lost_sends_nothing(tmp_path: Path) -> None:
    api = ScriptedPoster(lists=[PosterPermissionError(20, "no", LIST), PosterPermissionError(20, "no", LIST)])
    with pytest.raises(PosterCheckFailed) as info:
        asyncio.run(sender(api, tmp_path).check_poster([order("W-1")], journal_lost=True))
    assert info.value.message == (
        f"the order journal was lost and Poster's recent orders cannot be listed (Poster refused {LIST}: error 20: no"
        " (the token's application lacks the permission for this method))"
    )
    assert info.value.hint == "nothing was sent: without either, orders already in Poster would be sent again"


def test_the_check_unreachable_sends_nothing(tmp_path: Path) -> None:
    api = ScriptedPoster(lists=[PosterTransportError(LIST, "connection refused", maybe_processed=False)])
    with pytest.raises(PosterCheckFailed) as info:
        asyncio.run(sender(api, tmp_path).check_poster([order("W-1")]))
    assert info.value.message == (
        "cannot list Poster's recent orders to make sure none of these is there already: connection refused"
    )
    assert info.value.hint == "nothing was sent; run the same command again"


def test_the_check_with_a_refused_token_stops(tmp_path: Path) -> None:
    api = ScriptedPoster(lists=[PosterAuthError(11, "token invalid", LIST)])
    with pytest.raises(PosterAuthError):
        asyncio.run(sender(api, tmp_path).check_poster([order("W-1")]))


def test_an_order_poster_holds_with_other_lines_is_failed_not_sent(tmp_path: Path) -> None:
    api = ScriptedPoster()
    api.held += [raw(7, "Site order #W-1", count=5), raw(8, "Site order #W-1", phone="+380671112233")]
    s = sender(api, tmp_path)
    asyncio.run(s.check_poster([order("W-1")]))
    [r] = send(s, order("W-1"))
    assert (r.outcome, api.posts) == (FAILED_OUTCOME, 0)
    assert r.reason == (
        "Poster already holds order #7, #8 with this order's marker but another phone or other lines;"
        " not sent (a changed order needs a new id)"
    )


# -- what a user gets without options (the CLI passes only the lookup waits) ----------------------


def test_by_default_a_rate_limited_order_is_tried_seven_times_with_waits_doubling_to_sixteen_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    monkeypatch.setattr(random, "uniform", lambda low, high: high)  # the longest wait each time
    api = ScriptedPoster(creates=[PosterRateLimited(700, "", CREATE)] * 7)
    sleeps = Sleeps()
    [r] = send(OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), sleep=sleeps), order())
    assert (r.outcome, r.posts, r.reason) == (FAILED_OUTCOME, 7, "rate limited (error 700) after 7 tries; re-run later")
    assert sleeps.waits == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0]


def test_the_shortest_rate_limit_wait_is_half_the_longest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    monkeypatch.setattr(random, "uniform", lambda low, high: low)
    api = ScriptedPoster(creates=[PosterRateLimited(700, "", CREATE)] * 2)
    sleeps = Sleeps()
    [r] = send(OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), sleep=sleeps), order())
    assert r.outcome == OUT_SENT and sleeps.waits == [0.5, 1.0]


def test_by_default_an_order_is_posted_at_most_three_times(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)] * 5)
    [r] = send(OrderSender(api, OrderJournal(tmp_path / "j.sqlite"), sleep=Sleeps(), lookup_delays=(1.0,)), order())
    assert (r.outcome, r.posts, api.posts, api.count("A-1")) == (FAILED_OUTCOME, 3, 3, 0)
    assert r.reason == "no answer from Poster 3 times (HTTP 502); not in Poster"


def test_the_fallback_to_getincomingorders_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    api = ScriptedPoster(creates=["lost"], lists=[PosterPermissionError(20, "not allowed", LIST)])
    with caplog.at_level("DEBUG", logger="poster_cli.orders"):
        [r] = send(sender(api, tmp_path), order())
    assert r.found_by_lookup
    assert "getOwnIncomingOrders refused (20); using getIncomingOrders" in caplog.messages


@pytest.mark.parametrize(("n", "more"), [(5, ""), (6, " and 1 more")])
def test_five_conflicts_are_named_in_full(tmp_path: Path, n: int, more: str) -> None:
    s = sender(ScriptedPoster(), tmp_path)
    send(s, *(order(f"C-{i}") for i in range(n)))
    err = OrderConflict(conflicts(s.journal, [order(f"C-{i}", count=2) for i in range(n)]))
    assert err.message.endswith(f"C-4 (sent, Poster #104){more}")


def test_a_changed_comment_template_is_no_conflict_for_the_same_site_order(tmp_path: Path) -> None:
    s = sender(ScriptedPoster(), tmp_path)
    send(s, order("W-1"))
    rebuilt = OrderBuilder(snapshot(), mapping(), default_spot=1, comment_template="Web #{order_id}").build(
        OrderRequest(order_id="W-1", items=[ItemRequest("EV", Decimal(1))], phone="+380501234567")
    )
    assert conflicts(s.journal, [rebuilt]) == []


def test_a_row_journaled_without_a_site_fingerprint_is_compared_by_its_body(tmp_path: Path) -> None:
    s = sender(ScriptedPoster(), tmp_path)
    o = order("W-1")
    s.journal.claim("W-1", o.body)  # an older journal: no request fingerprint
    assert conflicts(s.journal, [o]) == []
    assert [e.order_id for e in conflicts(s.journal, [order("W-1", count=2)])] == ["W-1"]


def test_the_fallback_list_asks_for_the_same_window(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=["lost"], lists=[PosterPermissionError(20, "not allowed", LIST)])
    [r] = send(sender(api, tmp_path), order())
    assert r.found_by_lookup and api.list_calls == [True, False]
    own, fallback = api.windows
    assert fallback == own and set(own) == {"date_from", "date_to"}


def test_a_lost_answer_is_logged_before_the_lookup(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    api = ScriptedPoster(creates=["lost"])
    with caplog.at_level("DEBUG", logger="poster_cli.orders"):
        send(sender(api, tmp_path), order())
    assert "order A-1: read timed out; looking it up before any resend" in caplog.messages


def test_the_journal_row_holds_what_order_list_shows_and_a_rerun_names_the_order(tmp_path: Path) -> None:
    api = ScriptedPoster()
    s = sender(api, tmp_path)
    o = order("W-1", count=2)
    [r] = asyncio.run(_send_from(s, o, "orders.csv"))
    assert r.order is not None and r.order.incoming_order_id == r.incoming_order_id == 100
    entry = s.journal.get("W-1")
    assert entry is not None
    assert (entry.spot_id, entry.total, entry.currency, entry.source, entry.request_hash) == (
        1,
        38000,
        "UAH",
        "orders.csv",
        o.request_hash,
    )
    [again] = send(s, o)
    assert (again.order_id, again.outcome, again.state, again.incoming_order_id) == ("W-1", SKIPPED, SENT, 100)


def test_the_order_s_own_source_is_kept_when_the_send_names_none(tmp_path: Path) -> None:
    s = sender(ScriptedPoster(), tmp_path)
    o = order("W-1")
    o.source = "site.json"
    send(s, o)
    assert s.journal.get("W-1").source == "site.json"  # type: ignore[union-attr]


async def _send_from(s: OrderSender, o: Any, source: str) -> list[Any]:
    return [await s.send(o, source=source)]


def test_an_order_of_the_same_content_under_another_marker_is_not_taken_for_it(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=[PosterTransportError(CREATE, "HTTP 502", maybe_processed=True)])
    api.held.append(raw(42, "Site order #A-2"))  # same phone and lines, another site order
    [r] = send(sender(api, tmp_path, lookup_delays=(1.0, 2.0)), order("A-1"))
    assert (r.outcome, r.found_by_lookup, r.incoming_order_id, api.count("A-1")) == (OUT_SENT, False, 100, 1)


def test_an_order_whose_comment_poster_changed_after_the_marker_is_still_found(tmp_path: Path) -> None:
    api = ScriptedPoster(creates=["lost"])
    o = order("A-1")
    [r] = asyncio.run(_send_edited(api, sender(api, tmp_path), o))
    assert (r.outcome, r.found_by_lookup, r.incoming_order_id, api.posts) == (OUT_SENT, True, 100, 1)


async def _send_edited(api: ScriptedPoster, s: OrderSender, o: Any) -> list[Any]:
    real = api.create_incoming_order

    async def create(body: dict[str, Any]) -> models.IncomingOrder:
        try:
            return await real(body)
        finally:
            api.held[-1]["comment"] += "\ncall before delivery"  # the cashier added a line

    api.create_incoming_order = create  # type: ignore[method-assign]
    return [await s.send(o)]


def test_lookups_that_all_fail_say_why(tmp_path: Path) -> None:
    busy = PosterTransportError(LIST, "HTTP 503", maybe_processed=False)
    api = ScriptedPoster(creates=["lost"], lists=[busy] * 3)
    [r] = send(sender(api, tmp_path, lookup_delays=(1.0, 2.0)), order())
    assert r.outcome == UNCONFIRMED
    assert r.reason == f"not confirmed whether Poster has it ({busy}); run the same command again to settle it"


def test_a_busy_order_the_journal_knows_shows_its_journal_state(tmp_path: Path) -> None:
    s = sender(ScriptedPoster(creates=[PosterError(34, "bad", CREATE)]), tmp_path)
    send(s, order("A-1"))  # failed: Poster refused it
    other = OrderClaims(tmp_path / "j.sqlite")
    assert other.try_claim("A-1")
    try:
        busy = sender(ScriptedPoster(), tmp_path, claims=OrderClaims(tmp_path / "j.sqlite", wait=0.05))
        [r] = send(busy, order("A-1"))
    finally:
        other.release("A-1")
    assert (r.order_id, r.outcome, r.state) == ("A-1", UNCONFIRMED, FAILED)


def test_the_built_order_s_warnings_reach_the_send_result(tmp_path: Path) -> None:
    builder = OrderBuilder(snapshot(), mapping(), default_spot=1)
    o = builder.build(OrderRequest(order_id="A-1", items=[ItemRequest("CROISSANT")], phone="+380501234567"))
    [r] = send(sender(ScriptedPoster(), tmp_path), o)
    assert (r.outcome, r.warnings) == (OUT_SENT, ["CROISSANT: 'Last croissant' is out of stock at the moment"])


class WaitedClaims:
    """Claims that report having waited ``waited`` seconds for another sender."""

    def __init__(self, waited: float) -> None:
        self.waited = waited
        self.wait = 120.0

    def hold(self, order_id: str) -> Any:
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def held() -> Any:
            yield self.waited

        return held()


@pytest.mark.parametrize(("waited", "logged"), [(1.0, []), (2.0, ["order A-1: waited 2.0 s for another sender"])])
def test_a_wait_of_over_a_second_for_another_sender_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, waited: float, logged: list[str]
) -> None:
    with caplog.at_level("INFO", logger="poster_cli.orders"):
        [r] = send(sender(ScriptedPoster(), tmp_path, claims=WaitedClaims(waited)), order())  # type: ignore[arg-type]
    assert r.outcome == OUT_SENT
    assert [m for m in caplog.messages if "waited" in m] == logged
