"""A batch without the CLI: which orders of a file are sent, skipped or refused and in what order the
report lists them, what a re-run skips, and how many are in flight. Orders are built from the test
menu; the journal is a real file; Poster is scripted and its list of created orders is the oracle."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from poster_cli.orders.batch import BatchReport, resume_first, run_batch, validate
from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderRequest
from poster_cli.orders.files import FileProblem, parse_batch
from poster_cli.orders.journal import OrderJournal
from poster_cli.orders.send import FAILED_OUTCOME, SENT, SKIPPED, UNCONFIRMED, OrderConflict, OrderSender, SendResult
from poster_cli.poster import models
from poster_cli.poster.errors import PosterAuthError
from tests.support.orders import mapping, snapshot

HEAD = "order_id,phone,item,count\n"


class Poster:
    """Creates orders (numbered from 100); ``fail_on``: order ids whose create raises ``error``."""

    def __init__(self, fail_on: tuple[str, ...] = (), error: Exception | None = None) -> None:
        self.created: list[dict[str, Any]] = []
        self.fail_on, self.error = fail_on, error
        self.in_flight = self.most_in_flight = 0
        self.hold = 0  # a create waits (bounded) until more than this many are in flight

    async def create_incoming_order(self, body: dict[str, Any]) -> models.IncomingOrder:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            for _ in range(30):  # bounded: let the other workers' orders arrive too
                if self.in_flight > self.hold:
                    break
                await asyncio.sleep(0.001)
            if any(body["comment"] == f"Site order #{oid}" for oid in self.fail_on):
                assert self.error is not None
                raise self.error
            raw = {"incoming_order_id": 100 + len(self.created), "spot_id": 1, "status": 0, "comment": body["comment"]}
            self.created.append(raw)
            return models.parse_incoming_order(raw)
        finally:
            self.in_flight -= 1

    async def get_incoming_orders(self, **_: Any) -> list[models.IncomingOrder]:
        return []


def builder() -> OrderBuilder:
    return OrderBuilder(snapshot(), mapping(), default_spot=1)


def rows(*lines: str) -> Any:
    return parse_batch((HEAD + "".join(line + "\n" for line in lines)).encode(), "o.csv", kind="csv")


def test_problems_are_listed_in_file_order_with_their_lines_and_ids() -> None:
    parsed = rows("A-1,+380501234567,EV,1", "A-2,+380501234567,NOPE,1", "A-3,+380501234567,zzzq,1", "A-1x,1,EV,1")
    v = validate(parsed, builder(), "o.csv")
    assert [o.order_id for o in v.orders] == ["A-1"]
    assert [(p.where, p.order_id) for p in v.problems] == [("o.csv:3", "A-2"), ("o.csv:4", "A-3"), ("o.csv:5", "A-1x")]
    assert v.invalid_ids == ["A-2", "A-3", "A-1x"]


def test_json_orders_are_placed_by_their_index() -> None:
    data = (
        b'[{"order_id": "J-1", "phone": "+380501234567", "items": [{"item": "EV"}]},'
        b' {"order_id": "J-2", "phone": "+380501234567", "items": [{"item": "NOPE"}]}]'
    )
    v = validate(parse_batch(data, "o.json", kind="json"), builder(), "o.json")
    expected = (
        "o.json orders[1]: NOPE: not linked to a Poster product (status unmatched);"
        " run `poster-cli match` or edit the mapping"
    )
    assert [str(p) for p in v.problems] == [expected]


def test_warnings_name_the_line() -> None:
    v = validate(rows("A-1,+380501234567,CROISSANT,1"), builder(), "o.csv")
    assert v.warnings == ["o.csv:2: CROISSANT: 'Last croissant' is out of stock at the moment"]


def test_a_rerun_skips_what_poster_has_and_refuses_a_changed_order_before_sending(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    poster = Poster()
    first = validate(rows("A-1,+380501234567,EV,1", "A-2,+380501234567,EV,2"), builder(), "o.csv", journal)
    asyncio.run(run_batch(first.orders, OrderSender(poster, journal), concurrency=2))
    again = validate(
        rows("A-1,+380501234567,EV,1", "A-2,+380501234567,EV,2", "A-3,+380501234567,EV,1"), builder(), "o.csv", journal
    )
    assert [e.order_id for e in again.done] == ["A-1", "A-2"] and [o.order_id for o in again.orders] == ["A-3"]
    with pytest.raises(OrderConflict) as info:
        validate(rows("A-1,+380501234567,EV,5", "A-2,+380501234567,EV,2"), builder(), "o.csv", journal)
    assert [e.order_id for e in info.value.entries] == ["A-1"]
    assert len(poster.created) == 2


def test_an_old_row_in_poster_whose_item_left_the_menu_is_skipped_with_a_warning(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    journal.claim("A-1", {"spot_id": 1, "comment": "Site order #A-1", "products": [{"product_id": 999, "count": 1}]})
    journal.mark_sent("A-1", models.parse_incoming_order({"incoming_order_id": 7, "spot_id": 1, "status": 0}))
    v = validate(rows("A-1,+380501234567,GONE,1"), builder(), "o.csv", journal)
    assert [e.order_id for e in v.done] == ["A-1"] and v.problems == [] and v.orders == []
    assert v.warnings == ["o.csv:2: A-1 is already in Poster; not sent again"]


def test_an_old_row_in_poster_with_the_same_body_is_skipped_and_another_body_refused(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    same = builder().build(OrderRequest("A-1", [ItemRequest("EV")], phone="+380501234567"))
    journal.claim("A-1", same.body)  # journaled before fingerprints: compared by body
    journal.mark_sent("A-1", models.parse_incoming_order({"incoming_order_id": 7, "spot_id": 1, "status": 0}))
    v = validate(rows("A-1,+380501234567,EV,1"), builder(), "o.csv", journal)
    assert [e.order_id for e in v.done] == ["A-1"] and v.orders == [] and v.warnings == []
    with pytest.raises(OrderConflict):
        validate(rows("A-1,+380501234567,EV,2"), builder(), "o.csv", journal)


def test_a_failed_order_may_come_back_changed(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    journal.claim("A-1", {"spot_id": 1, "comment": "Site order #A-1", "products": []})
    journal.mark_failed("A-1", "refused")
    v = validate(rows("A-1,+380501234567,EV,3"), builder(), "o.csv", journal)
    assert [o.order_id for o in v.orders] == ["A-1"] and v.done == []


def result(order_id: str, outcome: str, **kw: Any) -> SendResult:
    return SendResult(order_id, outcome, "x", **kw)


def test_the_report_sorts_each_list_into_file_order_and_says_when_to_look() -> None:
    report = BatchReport()
    report.add(result("A-3", SENT, incoming_order_id=12, warnings=["slow"]))
    report.add(result("A-1", SENT, incoming_order_id=11))
    report.add(result("A-2", FAILED_OUTCOME, reason="refused"))
    report.add(result("A-5", UNCONFIRMED))
    report.add(result("A-4", SKIPPED, incoming_order_id=9))
    report.add_invalid(
        [
            FileProblem("o.csv:9", "bad phone", "A-6"),
            FileProblem("o.csv:9", "bad item", "A-6"),
            FileProblem("o.csv:7", "no id"),
        ]
    )
    report.sort(["A-1", "A-2", "A-3", "A-4", "A-5", "A-6", "A-1"])
    assert report.to_json() == {
        "sent": [{"order_id": "A-1", "incoming_order_id": 11}, {"order_id": "A-3", "incoming_order_id": 12}],
        "skipped": [{"order_id": "A-4", "incoming_order_id": 9}],
        "failed": [
            {"order_id": "A-2", "reason": "refused"},
            {"order_id": "A-5", "reason": "unconfirmed"},
            {"order_id": "A-6", "reason": "o.csv:9: bad phone; o.csv:9: bad item"},
            {"order_id": None, "reason": "o.csv:7: no id"},
        ],
    }
    assert report.warnings == ["A-3: slow"] and report.exit_code == 3
    assert BatchReport(sent=[{"order_id": "A-1"}]).exit_code == 0


def test_pending_orders_a_killed_run_left_go_first(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    orders = [builder().build(OrderRequest(f"A-{i}", [ItemRequest("EV")], phone="+380501234567")) for i in range(4)]
    for o in orders[2:]:
        journal.claim(o.order_id, o.body)
    journal.mark_attempt("A-3")
    assert [o.order_id for o in resume_first(orders, journal)] == ["A-3", "A-0", "A-1", "A-2"]


@pytest.mark.parametrize(("concurrency", "most"), [(0, 1), (1, 1), (3, 3), (50, 5)])
def test_at_most_the_concurrency_is_in_flight_and_each_result_is_reported_once(
    tmp_path: Path, concurrency: int, most: int
) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    orders = [
        builder().build(OrderRequest(f"A-{i}", [ItemRequest("EV", Decimal(1))], phone="+380501234567"))
        for i in range(5)
    ]
    poster, seen = Poster(), []
    poster.hold = most
    results = asyncio.run(
        run_batch(orders, OrderSender(poster, journal), concurrency=concurrency, on_result=seen.append)
    )
    assert poster.most_in_flight == most
    assert sorted(r.order_id for r in results) == sorted(r.order_id for r in seen) == [f"A-{i}" for i in range(5)]
    assert len(poster.created) == 5


def test_a_refused_token_stops_the_whole_batch(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    orders = [builder().build(OrderRequest(f"A-{i}", [ItemRequest("EV")], phone="+380501234567")) for i in range(6)]
    poster = Poster(fail_on=("A-0",), error=PosterAuthError(11, "token invalid", "incomingOrders.createIncomingOrder"))
    with pytest.raises(PosterAuthError):
        asyncio.run(run_batch(orders, OrderSender(poster, journal), concurrency=2))
    assert len(poster.created) < 5


def test_json_problems_are_sorted_by_their_index_not_as_text() -> None:
    items = ['{"order_id": "J-%d", "phone": "+380501234567", "items": [{"item": "EV"}]}' % i for i in range(11)]
    items[10] = '{"order_id": "J-10", "phone": "+380501234567", "items": [{"item": "EV", "count": "lots"}]}'
    items[2] = '{"order_id": "J-2", "phone": "+380501234567", "items": [{"item": "NOPE"}]}'
    v = validate(parse_batch(("[" + ",".join(items) + "]").encode(), "o.json", kind="json"), builder(), "o.json")
    assert [p.where for p in v.problems] == ["o.json orders[2]", "o.json orders[10].items[0]"]


def test_a_lost_journal_and_a_refused_list_send_nothing(tmp_path: Path) -> None:
    from poster_cli.orders.claims import claims_path
    from poster_cli.orders.send import PosterCheckFailed
    from poster_cli.poster.errors import PosterPermissionError

    class Refusing(Poster):
        async def get_incoming_orders(self, **_: Any) -> list[models.IncomingOrder]:
            raise PosterPermissionError(20, "not allowed", "incomingOrders.getOwnIncomingOrders")

    path = tmp_path / "j.sqlite"
    claims_path(path).write_bytes(b"")  # orders were sent from here before; the journal is gone
    journal = OrderJournal(path)
    assert journal.lost
    poster = Refusing()
    orders = [builder().build(OrderRequest("A-1", [ItemRequest("EV")], phone="+380501234567"))]
    with pytest.raises(PosterCheckFailed):
        asyncio.run(run_batch(orders, OrderSender(poster, journal)))
    assert poster.created == []


def test_an_old_row_skipped_does_not_stop_the_orders_after_it(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    journal.claim("A-1", {"spot_id": 1, "comment": "Site order #A-1", "products": [{"product_id": 999, "count": 1}]})
    journal.mark_sent("A-1", models.parse_incoming_order({"incoming_order_id": 7, "spot_id": 1, "status": 0}))
    data = (
        b'[{"order_id": "A-1", "phone": "+380501234567", "items": [{"item": "GONE"}]},'
        b' {"order_id": "A-2", "phone": "+380501234567", "items": [{"item": "EV"}]}]'
    )
    v = validate(parse_batch(data, "o.json", kind="json"), builder(), "o.json", journal)
    assert [e.order_id for e in v.done] == ["A-1"] and [o.order_id for o in v.orders] == ["A-2"]
    assert v.warnings == ["o.json orders[0]: A-1 is already in Poster; not sent again"]


def test_a_pending_order_rebuilt_under_another_template_is_sent_not_refused(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    web = OrderBuilder(snapshot(), mapping(), default_spot=1, comment_template="Web #{order_id}")
    first = web.build(OrderRequest("A-1", [ItemRequest("EV")], phone="+380501234567"))
    journal.claim("A-1", first.body, request_hash=first.request_hash)  # pending: a killed run
    v = validate(rows("A-1,+380501234567,EV,1"), builder(), "o.csv", journal)
    assert [o.order_id for o in v.orders] == ["A-1"] and v.done == []


def test_every_changed_pending_order_is_named_in_the_conflict(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    for oid in ("A-1", "A-2"):
        first = builder().build(OrderRequest(oid, [ItemRequest("EV")], phone="+380501234567"))
        journal.claim(oid, first.body, request_hash=first.request_hash)  # pending: a killed run
    with pytest.raises(OrderConflict) as info:
        validate(rows("A-1,+380501234567,EV,2", "A-2,+380501234567,EV,3"), builder(), "o.csv", journal)
    assert [e.order_id for e in info.value.entries] == ["A-1", "A-2"]


def test_an_old_row_with_the_same_body_does_not_stop_the_orders_after_it(tmp_path: Path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite")
    same = builder().build(OrderRequest("A-1", [ItemRequest("EV")], phone="+380501234567"))
    journal.claim("A-1", same.body)  # journaled before fingerprints
    journal.mark_sent("A-1", models.parse_incoming_order({"incoming_order_id": 7, "spot_id": 1, "status": 0}))
    v = validate(rows("A-1,+380501234567,EV,1", "A-2,+380501234567,EV,1"), builder(), "o.csv", journal)
    assert [e.order_id for e in v.done] == ["A-1"] and [o.order_id for o in v.orders] == ["A-2"]


def test_a_json_order_s_warning_names_its_place() -> None:
    data = b'[{"order_id": "J-1", "phone": "+380501234567", "items": [{"item": "CROISSANT"}]}]'
    v = validate(parse_batch(data, "o.json", kind="json"), builder(), "o.json")
    assert v.warnings == ["o.json orders[0]: CROISSANT: 'Last croissant' is out of stock at the moment"]
