"""The journal's rows as a user meets them (``order list``, ``order status``, a re-run): what a claim
records and replaces, the states Poster's answers give, errors that name the file, and a journal
written by an older version. Hashes are checked against hashlib over hand-written JSON."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from poster_cli.orders.claims import claims_path
from poster_cli.orders.journal import (
    ACCEPTED,
    CLOSED,
    DECLINED,
    FAILED,
    PENDING,
    SENT,
    JournalError,
    OrderJournal,
    body_hash,
    state_from_poster,
    transaction_closed,
)
from poster_cli.poster import models
from tests.support.orders import ORDER_BODY as BODY, journal_from_before_the_fingerprint


def poster_order(incoming_id: int = 2, status: int = 0, transaction_id: int | None = None) -> models.IncomingOrder:
    return models.parse_incoming_order(
        {
            "incoming_order_id": incoming_id,
            "spot_id": 1,
            "status": status,
            "phone": "+380501234567",
            "comment": "Site order #A-1",
            "created_at": "2026-03-01 13:00:00",
            "updated_at": "2026-03-01 13:00:00",
            "transaction_id": transaction_id,
            "products": [{"product_id": 138, "count": 1}],
        }
    )


def test_the_body_fingerprint_is_sha256_of_sorted_compact_json() -> None:
    text = '{"a":1,"b":"Олена","c":[1,2]}'  # keys sorted, no spaces, letters kept as they are
    assert body_hash({"c": [1, 2], "b": "Олена", "a": 1}) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_claim_records_what_order_list_shows(tmp_path: Path) -> None:
    before = datetime.now(timezone.utc)
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY, spot_id=1, total=19000, currency="UAH", source="orders.csv", request_hash="r1")
        entry = j.get("A-1")
    assert entry is not None
    created = datetime.fromisoformat(entry.created_at)
    assert created.utcoffset() == timedelta(0) and before - timedelta(seconds=1) <= created <= datetime.now(
        timezone.utc
    )
    assert entry.created_at.endswith("+00:00") and len(entry.created_at.split(".")[1]) == len("123+00:00")
    assert entry.to_dict() == {
        "order_id": "A-1",
        "state": PENDING,
        "body_hash": body_hash(BODY),
        "spot_id": 1,
        "total": 19000,
        "currency": "UAH",
        "incoming_order_id": None,
        "poster_status": None,
        "transaction_id": None,
        "reason": None,
        "attempts": 0,
        "source": "orders.csv",
        "created_at": entry.created_at,
        "updated_at": entry.created_at,
        "attempted_at": None,
    }


def test_each_attempt_is_counted_and_stamped(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        j.mark_attempt("A-1")
        j.mark_attempt("A-1")
        entry = j.get("A-1")
    assert entry is not None and entry.attempts == 2 and entry.attempted_at is not None
    assert entry.maybe_in_poster and entry.updated_at == entry.attempted_at


def test_a_failed_order_corrected_replaces_the_row_and_forgets_the_old_reason(tmp_path: Path) -> None:
    corrected = dict(BODY, products=[{"product_id": 138, "count": 2}])
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY, total=19000, request_hash="r1")
        j.mark_attempt("A-1")
        j.mark_failed("A-1", "Poster refused: error 34")
        assert (j.get("A-1").state, j.get("A-1").reason) == (FAILED, "Poster refused: error 34")  # type: ignore[union-attr]
        claim = j.claim("A-1", corrected, spot_id=2, total=38000, currency="UAH", request_hash="r2")
    e = claim.entry
    assert claim.outcome == "resume"
    assert (e.state, e.reason, e.body, e.body_hash, e.spot_id, e.total, e.currency, e.request_hash) == (
        PENDING,
        None,
        corrected,
        body_hash(corrected),
        2,
        38000,
        "UAH",
        "r2",
    )
    assert e.attempted_at is not None  # the retry looks the old attempt up first


def test_the_same_order_priced_anew_is_resumed_with_the_new_body(tmp_path: Path) -> None:
    repriced = dict(BODY, payment={"type": 1, "sum": 20000, "currency": "UAH"})
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", dict(BODY, payment={"type": 1, "sum": 19000, "currency": "UAH"}), total=19000, request_hash="r1")
        j.note("A-1", "not confirmed")
        claim = j.claim("A-1", repriced, total=20000, request_hash="r1")
        assert claim.outcome == "resume"
        assert (claim.entry.body, claim.entry.total, claim.entry.reason) == (repriced, 20000, "not confirmed")
        assert j.claim("A-1", repriced, total=20000, request_hash="r1").outcome == "resume"


def test_a_row_without_a_request_fingerprint_keeps_the_one_it_gets(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        assert j.claim("A-1", BODY, request_hash="r1").entry.request_hash == "r1"
        assert j.claim("A-1", BODY).entry.request_hash == "r1"  # a caller without one does not erase it


def test_an_order_in_poster_is_done_for_the_same_order_and_a_conflict_for_another(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY, request_hash="r1")
        j.mark_sent("A-1", poster_order(42))
        assert j.claim("A-1", BODY, request_hash="r1").outcome == "done"
        assert j.claim("A-1", BODY, request_hash="r2").outcome == "conflict"
        assert j.get("A-1").state == SENT  # type: ignore[union-attr]


def test_a_note_keeps_the_state(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        j.note("A-1", "not confirmed whether Poster has it")
        entry = j.get("A-1")
    assert entry is not None and (entry.state, entry.reason) == (PENDING, "not confirmed whether Poster has it")


def test_poster_s_answer_is_stored_with_its_receipt(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        j.note("A-1", "not confirmed")
        entry = j.mark_sent("A-1", poster_order(42, status=1, transaction_id=9))
    assert (entry.state, entry.incoming_order_id, entry.poster_status, entry.transaction_id, entry.reason) == (
        ACCEPTED,
        42,
        1,
        9,
        None,
    )


def test_a_declined_order_can_still_close_but_never_reopens(tmp_path: Path) -> None:
    closed = [{"status": "2", "date_close": "1700000000000"}]
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY)
        j.mark_sent("A-1", poster_order(7, status=1, transaction_id=9), closed)
        assert j.get("A-1").state == CLOSED  # type: ignore[union-attr]
        assert j.update_from_poster("A-1", poster_order(7, status=1)).state == CLOSED
        j.claim("B-1", dict(BODY, comment="Site order #B-1"))
        j.mark_sent("B-1", poster_order(8, status=1))
        assert j.update_from_poster("B-1", poster_order(8, status=0)).state == SENT  # not final: follows Poster


@pytest.mark.parametrize(
    ("status", "transaction", "state"),
    [
        (7, [{"status": "2", "date_close": "1700000000000"}], DECLINED),
        (0, [{"status": "2"}], CLOSED),
        (1, {"status": "1", "date_close": "1700000000000"}, CLOSED),
        (1, [], ACCEPTED),
        (1, [{"status": "1", "date_close": ""}], ACCEPTED),
        (1, [{"status": "1", "date_close": None}], ACCEPTED),
        (1, [{"status": "1", "date_close": 0}], ACCEPTED),
        (1, [{"status": "1", "date_close": "0"}], ACCEPTED),
        (1, "closed", ACCEPTED),
        (0, None, SENT),
    ],
)
def test_states_from_poster_and_its_receipt(status: int, transaction: object, state: str) -> None:
    assert state_from_poster(poster_order(status=status), transaction) == state


def test_a_receipt_list_reads_its_first_entry() -> None:
    assert transaction_closed([{"status": "2"}, {"status": "1"}]) is True
    assert transaction_closed([{"status": "1"}, {"status": "2"}]) is False


def test_list_is_oldest_first_then_by_id_and_counts_every_state(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        for oid in ("B-2", "A-9", "C-1"):
            j.claim(oid, dict(BODY, comment=f"Site order #{oid}"))
        with sqlite3.connect(tmp_path / "j.sqlite") as db:
            db.execute("UPDATE orders SET created_at = '2026-01-01T00:00:00.000+00:00'")
            db.execute("UPDATE orders SET created_at = '2025-12-31T00:00:00.000+00:00' WHERE order_id = 'C-1'")
        assert [e.order_id for e in j.list()] == ["C-1", "A-9", "B-2"]
        assert [e.order_id for e in j] == ["C-1", "A-9", "B-2"]
        assert [e.order_id for e in j.list(since="2026-01-01T00:00:00.000+00:00")] == ["A-9", "B-2"]
        j.set_state("A-9", DECLINED, "refused by the cashier")
        assert j.get("A-9").reason == "refused by the cashier"  # type: ignore[union-attr]
        assert j.counts() == {PENDING: 2, SENT: 0, ACCEPTED: 0, DECLINED: 1, CLOSED: 0, FAILED: 0}


def test_lookup_takes_an_order_id_before_a_poster_number(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("42", BODY)  # a site whose order ids are digits
        j.claim("A-1", dict(BODY, comment="Site order #A-1 "))
        j.mark_sent("A-1", poster_order(42))
        assert j.lookup("42").order_id == "42"  # type: ignore[union-attr]
        assert j.lookup(42).order_id == "42"  # type: ignore[union-attr]
        assert j.lookup("43") is None and j.lookup("x") is None


def test_an_unknown_state_is_refused_by_name(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        with pytest.raises(ValueError, match="^unknown order state 'lost'$"):
            j.set_state("A-1", "lost")


def test_a_journal_that_cannot_be_opened_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    path.mkdir()
    with pytest.raises(JournalError) as info:
        OrderJournal(path)
    assert info.value.message.startswith(f"cannot open the order journal {path}: ")
    assert info.value.hint == "check the data folder"


def test_a_journal_locked_by_another_writer_is_an_error_naming_it_and_then_recovers(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with OrderJournal(path, timeout=0.05) as j:
        j.claim("A-1", BODY)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(JournalError) as info:
                j.set_state("A-1", SENT)
            assert info.value.message.startswith(f"cannot write the order journal {path}: ")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert j.set_state("A-1", SENT) and j.get("A-1").state == SENT  # type: ignore[union-attr]


def test_a_journal_from_before_the_request_fingerprint_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal_from_before_the_fingerprint(path, BODY)
    with OrderJournal(path) as j:
        old = j.get("OLD-1")
        assert old is not None and (old.state, old.incoming_order_id, old.request_hash) == (SENT, 5, None)
        assert j.claim("OLD-1", BODY, request_hash="r1").outcome == "done"
        assert j.claim("NEW-1", BODY, request_hash="r2").entry.request_hash == "r2"
    with OrderJournal(path) as j:  # opened again: the column is there, nothing to add
        assert j.get("NEW-1").request_hash == "r2"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("claims", "journal", "lost"),
    [
        (False, None, False),  # a first run
        (True, None, True),  # orders were sent from here, and the journal is gone
        (True, b"", True),  # ... or truncated
        (True, "empty", True),  # ... or emptied
        (True, "rows", False),  # all is well
        (False, "empty", False),  # a journal opened before any order was claimed
    ],
)
def test_a_lost_journal_is_noticed(tmp_path: Path, claims: bool, journal: object, lost: bool) -> None:
    path = tmp_path / "j.sqlite"
    if journal in ("empty", "rows"):
        with OrderJournal(path) as j:
            if journal == "rows":
                j.claim("A-1", BODY)
    elif journal == b"":
        path.write_bytes(b"")
    if claims:
        claims_path(path).write_bytes(b"")
    with OrderJournal(path) as j:
        assert j.lost is lost


def test_the_journal_file_holds_the_body_as_compact_readable_json(tmp_path: Path) -> None:
    # what `sqlite3 orders.sqlite "SELECT body FROM orders"` shows a person looking into the file
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", {"spot_id": 1, "first_name": "Олена", "products": [{"product_id": 138, "count": "0.5"}]})
    with sqlite3.connect(tmp_path / "j.sqlite") as db:
        (text,) = db.execute("SELECT body FROM orders").fetchone()
    assert text == '{"spot_id":1,"first_name":"Олена","products":[{"product_id":138,"count":"0.5"}]}'


def test_a_journal_another_writer_keeps_locked_cannot_be_opened_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("CREATE TABLE t (x)")
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(JournalError) as info:
            OrderJournal(path, timeout=0.1)
        assert info.value.message == f"cannot open the order journal {path}: database is locked"
        assert info.value.hint == "check the data folder"
    finally:
        other.execute("ROLLBACK")
        other.close()
    with OrderJournal(path) as j:  # free again: it opens
        assert j.list() == []


def test_a_journal_whose_table_is_gone_is_a_read_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with OrderJournal(path) as j:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE orders")
        with pytest.raises(JournalError) as info:
            j.get("A-1")
    assert info.value.message == f"cannot read the order journal {path}: no such table: orders"


def test_a_writer_holding_the_journal_briefly_is_waited_for(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "j.sqlite"
    with OrderJournal(path) as j:
        j.claim("A-1", BODY)
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
        timer.start()
        try:
            assert j.set_state("A-1", SENT)  # waits for the other writer instead of failing
        finally:
            timer.join(5)
            other.close()
        assert j.get("A-1").state == SENT  # type: ignore[union-attr]


def test_a_pending_order_rebuilt_under_another_template_is_resumed_not_a_conflict(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "j.sqlite") as j:
        j.claim("A-1", BODY, request_hash="r1")
        claim = j.claim("A-1", dict(BODY, comment="Web #A-1"), request_hash="r1")
        assert claim.outcome == "resume" and claim.entry.body["comment"] == "Web #A-1"
        conflict = j.claim("A-1", BODY, request_hash="r2")
        assert conflict.outcome == "conflict"
        assert conflict.entry is not None and (conflict.entry.order_id, conflict.entry.state) == ("A-1", PENDING)


def test_claiming_the_same_pending_order_again_leaves_its_row_alone(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with OrderJournal(path) as j:
        j.claim("A-1", BODY, request_hash="r1")
        with sqlite3.connect(path) as db:
            db.execute("UPDATE orders SET updated_at = '2026-01-01T00:00:00.000+00:00'")
        claim = j.claim("A-1", BODY, request_hash="r1")
        assert claim.outcome == "resume"
        assert j.get("A-1").updated_at == "2026-01-01T00:00:00.000+00:00"  # type: ignore[union-attr]


def test_a_file_that_is_not_a_journal_is_named(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"these are not the orders you are looking for" * 20)
    with pytest.raises(JournalError) as info:
        OrderJournal(path)
    assert info.value.message == f"cannot open the order journal {path}: file is not a database"
    assert info.value.hint == "check the data folder"
