"""The order journal: states, restarts, conflicts, concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from poster_cli.orders.journal import (
    ACCEPTED,
    CLOSED,
    DECLINED,
    FAILED,
    PENDING,
    SENT,
    OrderJournal,
    body_hash,
    state_from_poster,
    transaction_closed,
)
from poster_cli.poster import models
from tests.support.paths import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "poster"
BODY = {
    "spot_id": 1,
    "phone": "+380501234567",
    "comment": "Site order #A-1",
    "products": [{"product_id": 139, "count": 1}],
}


def poster_order(incoming_id: int = 2, status: int = 0, transaction_id: int | None = None) -> models.IncomingOrder:
    raw = json.loads((FIXTURES / "createIncomingOrder.json").read_text())["response"]
    raw.update(incoming_order_id=incoming_id, status=status, transaction_id=transaction_id)
    return models.parse_incoming_order(raw)


def test_new_order_is_pending_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite"
    with OrderJournal(path) as j:
        claim = j.claim("A-1", BODY, spot_id=1, total=6000, currency="UAH", source="test")
        assert claim.outcome == "new" and claim.entry.state == PENDING
        assert not claim.entry.maybe_in_poster
        j.mark_attempt("A-1")
    with OrderJournal(path) as j:  # a new process after a kill
        entry = j.get("A-1")
        assert entry is not None and entry.maybe_in_poster and entry.attempts == 1
        assert entry.body == BODY and entry.total == 6000
        assert j.claim("A-1", BODY).outcome == "resume"
        j.mark_sent("A-1", poster_order(42))
    with OrderJournal(path) as j:
        assert j.claim("A-1", BODY).outcome == "done"
        found = j.find_by_incoming_id(42)
        assert found is not None and found.order_id == "A-1" and found.state == SENT
        assert j.lookup("42") == found and j.lookup("A-1") == found


def test_same_id_with_another_body_is_a_conflict_unless_it_failed(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        other = dict(BODY, phone="+380500000000")
        assert j.claim("A-1", other).outcome == "conflict"
        j.mark_failed("A-1", "Poster refused: product not found")
        assert j.get("A-1").state == FAILED  # type: ignore[union-attr]
        claim = j.claim("A-1", other)  # never reached Poster: the corrected order replaces it
        assert claim.outcome == "resume" and claim.entry.body == other and claim.entry.state == PENDING


def test_key_order_does_not_change_the_hash() -> None:
    assert body_hash({"a": 1, "b": [1, 2]}) == body_hash({"b": [1, 2], "a": 1})
    assert body_hash({"a": 1}) != body_hash({"a": 2})


def test_states_from_poster() -> None:
    assert state_from_poster(poster_order(status=0)) == SENT
    assert state_from_poster(poster_order(status=1)) == ACCEPTED
    assert state_from_poster(poster_order(status=7)) == DECLINED
    closed = [{"transaction_id": "5", "status": "2", "date_close": "1518873046314"}]
    assert state_from_poster(poster_order(status=1, transaction_id=5), closed) == CLOSED
    assert transaction_closed({"status": "1", "date_close": "0"}) is False
    assert transaction_closed({"status": "1", "date_close": "1518873046314"}) is True


def test_final_state_is_not_moved_back_by_an_older_answer(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        j.mark_sent("A-1", poster_order(7, status=7))
        j.update_from_poster("A-1", poster_order(7, status=0))
        assert j.get("A-1").state == DECLINED  # type: ignore[union-attr]


def test_list_filters_and_set_state(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        for i in range(3):
            j.claim(f"A-{i}", dict(BODY, comment=f"Site order #A-{i}"))
        assert j.set_state("A-1", ACCEPTED)
        assert not j.set_state("nope", ACCEPTED)
        assert [e.order_id for e in j.list(status=ACCEPTED)] == ["A-1"]
        assert len(j.list(since="2000-01-01")) == 3 and j.list(since="2999-01-01") == []
        assert j.counts()[PENDING] == 2
        with pytest.raises(ValueError):
            j.set_state("A-1", "lost")


def _writer(path: str, prefix: str, n: int) -> None:
    j = OrderJournal(path)
    for i in range(n):
        oid = f"{prefix}-{i}"
        j.claim(oid, dict(BODY, comment=oid))
        j.mark_attempt(oid)
        j.set_state(oid, SENT)
    j.close()


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "j.sqlite")
    OrderJournal(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, p, 40)) for p in ("cli", "hook")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with OrderJournal(path) as j:
        assert j.counts()[SENT] == 80
