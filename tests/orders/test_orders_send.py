"""Exactly once against a scripted Poster (httpx.MockTransport): lost answers, refusals, restarts."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.journal import FAILED, PENDING, SENT, OrderJournal
from poster_cli.orders.send import FAILED_OUTCOME, SENT as OUT_SENT, SKIPPED, UNCONFIRMED, OrderConflict, OrderSender
from poster_cli.poster.client import PosterClient
from poster_cli.poster.ratelimit import RatePacer
from tests.support.orders import FakePoster, _post_request, mapping, no_sleep, snapshot


def order(order_id: str = "A-1", item: str = "EV", **kw):
    b = OrderBuilder(snapshot(), mapping(), default_spot=1)
    return b.build(
        OrderRequest(
            order_id=order_id, items=[ItemRequest(item, Decimal(kw.pop("count", 1)))], phone="+380501234567", **kw
        )
    )


def run(fake: FakePoster, journal_path: Path, *orders, **kw):
    async def go():
        async with PosterClient(
            "http://127.0.0.1/api",
            "1:abc",
            transport=fake.transport(),
            sleep=no_sleep,
            retries=2,
            pacer=RatePacer(None, floor=200),
        ) as api:
            sender = OrderSender(api, OrderJournal(journal_path), sleep=no_sleep, **kw)
            return [await sender.send(o) for o in orders]

    return asyncio.run(go())


def test_plain_send_then_rerun_skips(tmp_path: Path) -> None:
    fake = FakePoster()
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert (r.outcome, r.state, r.incoming_order_id) == (OUT_SENT, SENT, 1)
    [again] = run(fake, tmp_path / "j.sqlite", order())
    assert again.outcome == SKIPPED and again.incoming_order_id == 1
    assert fake.posts == 1 and fake.count_for("A-1") == 1


@pytest.mark.parametrize("fault", ["drop", "500"])
def test_lost_answer_is_found_not_resent(tmp_path: Path, fault: str) -> None:
    fake = FakePoster(faults=[fault])
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.outcome == OUT_SENT and r.found_by_lookup and r.incoming_order_id == 1
    assert fake.posts == 1 and fake.count_for("A-1") == 1


def test_order_landing_late_is_still_found(tmp_path: Path) -> None:
    fake = FakePoster(faults=["drop"], hide_for=2)  # invisible to the first two lookups
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.outcome == OUT_SENT and r.found_by_lookup
    assert fake.posts == 1 and fake.count_for("A-1") == 1


def test_absent_after_lookups_is_sent_again_once(tmp_path: Path) -> None:
    fake = FakePoster(faults=["502-before"])  # the 502 came from a proxy: nothing was created
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.outcome == OUT_SENT and not r.found_by_lookup and r.posts == 2
    assert fake.count_for("A-1") == 1
    lookups = [c for c in fake.calls if "IncomingOrders" in c]
    assert len(lookups) == 4  # three confirmations spread over time before the resend


def test_falls_back_to_get_incoming_orders(tmp_path: Path) -> None:
    fake = FakePoster(faults=["drop"], own_refused=True)
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.found_by_lookup and "incomingOrders.getIncomingOrders" in fake.calls


def test_lookups_failing_leaves_it_pending_and_a_rerun_settles_it(tmp_path: Path) -> None:
    fake = FakePoster(faults=["drop"])
    fake.lookup_fail = 100
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.outcome == UNCONFIRMED and "run the same command again" in (r.reason or "")
    assert OrderJournal(tmp_path / "j.sqlite").get("A-1").state == PENDING  # type: ignore[union-attr]
    fake.lookup_fail = 0
    [again] = run(fake, tmp_path / "j.sqlite", order())
    assert again.outcome == OUT_SENT and again.found_by_lookup
    assert fake.posts == 1 and fake.count_for("A-1") == 1


def test_killed_after_post_is_reconciled_on_rerun(tmp_path: Path) -> None:
    """A row left pending with attempted_at (kill -9 between POST and journal update)."""
    fake = FakePoster()
    j = OrderJournal(tmp_path / "j.sqlite")
    o = order()
    j.claim(o.order_id, o.body)
    j.mark_attempt(o.order_id)
    fake.handle(_post_request(o.body))  # Poster got it; the process died before hearing back
    [r] = run(fake, tmp_path / "j.sqlite", o)
    assert r.found_by_lookup and r.outcome == OUT_SENT and fake.count_for("A-1") == 1


def test_killed_before_post_is_simply_sent(tmp_path: Path) -> None:
    fake = FakePoster()
    o = order()
    OrderJournal(tmp_path / "j.sqlite").claim(o.order_id, o.body)  # pending, never attempted
    [r] = run(fake, tmp_path / "j.sqlite", o)
    assert r.outcome == OUT_SENT and not r.found_by_lookup
    assert not [c for c in fake.calls if "IncomingOrders" in c]


def test_refusal_fails_and_a_corrected_rerun_sends(tmp_path: Path) -> None:
    fake = FakePoster(faults=["41"])
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.outcome == FAILED_OUTCOME and "error 41" in (r.reason or "")
    assert OrderJournal(tmp_path / "j.sqlite").get("A-1").state == FAILED  # type: ignore[union-attr]
    [again] = run(fake, tmp_path / "j.sqlite", order(count=2))  # changed content is fine after a failure
    assert again.outcome == OUT_SENT and fake.count_for("A-1") == 1


def test_rate_limited_create_is_retried_slower(tmp_path: Path) -> None:
    fake = FakePoster(faults=["700"] * 5)
    [r] = run(fake, tmp_path / "j.sqlite", order())
    assert r.outcome == OUT_SENT and fake.count_for("A-1") == 1 and fake.posts == 6


def test_same_id_other_content_is_refused(tmp_path: Path) -> None:
    fake = FakePoster()
    run(fake, tmp_path / "j.sqlite", order())
    with pytest.raises(OrderConflict, match="A-1 \\(sent, Poster #1\\)") as exc:
        run(fake, tmp_path / "j.sqlite", order(count=3))
    assert exc.value.exit_code == 2 and fake.posts == 1


def test_a_changed_comment_template_still_finds_the_half_sent_order(tmp_path: Path) -> None:
    fake = FakePoster()
    j = OrderJournal(tmp_path / "j.sqlite")
    o = order()  # built with the default template: "Site order #A-1"
    j.claim(o.order_id, o.body)
    j.mark_attempt(o.order_id)
    fake.handle(_post_request(o.body))
    [r] = run(fake, tmp_path / "j.sqlite", o, comment_template="Web #{order_id}")
    assert r.found_by_lookup and fake.posts == 1
