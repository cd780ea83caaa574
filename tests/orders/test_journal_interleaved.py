"""Two writers on one journal file, their steps interleaved deterministically inside one test: a
sender opening the journal while another is creating it, a journal from an older version upgraded
by two senders at once, and what one sender's steps leave for the other to read. (The same races
between real processes are in test_journal_open_race.py and test_orders_concurrent.py.)"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from poster_cli.orders.journal import DECLINED, PENDING, SENT, JournalError, OrderJournal
from poster_cli.poster import models
from tests.support.orders import ORDER_BODY as BODY, journal_from_before_the_fingerprint


def poster_order(incoming_id: int, status: int = 0) -> models.IncomingOrder:
    return models.parse_incoming_order({"incoming_order_id": incoming_id, "spot_id": 1, "status": status})


def test_a_journal_another_sender_is_creating_is_opened_once_it_is_done(tmp_path: Path) -> None:
    # The other sender has created the file and holds its write lock (not yet in WAL mode): switching
    # to WAL is refused at once ("database is locked"), sqlite's busy handler does not wait for it.
    path = tmp_path / "orders.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE early (x)")
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        with OrderJournal(path, timeout=10) as j:
            assert j.claim("A-1", BODY).outcome == "new"
    finally:
        timer.join(5)
        other.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT order_id, state FROM orders").fetchall() == [("A-1", PENDING)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_journal_another_sender_keeps_locked_past_the_timeout_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE early (x)")
    other.execute("BEGIN IMMEDIATE")
    outcome: list[Any] = []

    def open_it() -> None:
        try:
            OrderJournal(path, timeout=0.3).close()
            outcome.append("opened")
        except JournalError as exc:
            outcome.append(exc)

    opener = threading.Thread(target=open_it, daemon=True)  # a retry that never ends must not hang the suite
    try:
        opener.start()
        opener.join(10)
        assert not opener.is_alive(), "the journal kept retrying past its timeout"
    finally:
        other.execute("ROLLBACK")
        other.close()
    [err] = outcome
    assert isinstance(err, JournalError)
    assert (err.message, err.hint) == (
        f"cannot open the order journal {path}: database is locked",
        "check the data folder",
    )


def test_an_old_journal_another_sender_upgrades_first_is_opened_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two senders open a journal from before the request fingerprint: both see the column missing,
    # the other one adds it first, and this one's own ALTER TABLE finds it there ("duplicate column").
    path = tmp_path / "orders.sqlite"
    journal_from_before_the_fingerprint(path, BODY)
    real_connect = sqlite3.connect
    raced: list[str] = []

    class OvertakenConnection(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.upper().startswith("ALTER TABLE") and not raced:
                with real_connect(path) as first:  # the other sender, one step ahead
                    first.execute("ALTER TABLE orders ADD COLUMN request_hash TEXT")
                first.close()
                raced.append(sql)
            return super().execute(sql, *args)

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real_connect(database, *args, factory=OvertakenConnection, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    with OrderJournal(path) as j:
        assert raced  # the interleaving happened
        assert j.claim("OLD-1", BODY, request_hash="r1").outcome == "done"
        assert j.claim("NEW-1", dict(BODY, comment="Site order #NEW-1"), request_hash="r2").outcome == "new"
    monkeypatch.undo()
    with real_connect(path) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(orders)")]
        rows = db.execute("SELECT order_id, state, request_hash FROM orders ORDER BY order_id").fetchall()
    assert columns.count("request_hash") == 1
    assert rows == [("NEW-1", PENDING, "r2"), ("OLD-1", SENT, None)]


def test_what_one_sender_writes_the_other_reads_at_its_next_step(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite"
    with OrderJournal(path) as first, OrderJournal(path) as second:
        assert first.claim("A-1", BODY, request_hash="r1").outcome == "new"
        resumed = second.claim("A-1", BODY, request_hash="r1")
        assert (resumed.outcome, resumed.entry.maybe_in_poster) == ("resume", False)  # never sent: send it
        first.mark_attempt("A-1")
        resumed = second.claim("A-1", BODY, request_hash="r1")
        assert (resumed.outcome, resumed.entry.maybe_in_poster, resumed.entry.attempts) == ("resume", True, 1)
        first.mark_sent("A-1", poster_order(42))
        done = second.claim("A-1", BODY, request_hash="r1")
        assert (done.outcome, done.entry.state, done.entry.incoming_order_id) == ("done", SENT, 42)
        assert second.claim("A-1", BODY, request_hash="r2").outcome == "conflict"
        first.update_from_poster("A-1", poster_order(42, status=7))
        # the second sender's older answer (status new) does not reopen what the first saw declined
        assert second.update_from_poster("A-1", poster_order(42, status=0)).state == DECLINED
        assert second.counts()[DECLINED] == 1 and second.find_by_incoming_id(42).order_id == "A-1"  # type: ignore[union-attr]


def test_a_journal_another_sender_is_writing_to_is_opened_and_read_at_once(tmp_path: Path) -> None:
    # `order list` or `order status` while a batch holds the journal's write lock: opening an
    # up-to-date journal writes nothing, so it neither waits for the lock nor fails on it.
    path = tmp_path / "orders.sqlite"
    with OrderJournal(path) as j:
        j.claim("A-1", BODY)
    batch = sqlite3.connect(path, isolation_level=None)
    batch.execute("BEGIN IMMEDIATE")
    batch.execute("UPDATE orders SET reason = 'writing' WHERE order_id = 'A-1'")
    try:
        with OrderJournal(path, timeout=0.2) as j:
            assert [(e.order_id, e.state, e.reason) for e in j.list()] == [("A-1", PENDING, None)]
    finally:
        batch.execute("ROLLBACK")
        batch.close()


@pytest.mark.parametrize(("timeout", "waits_ms"), [(None, 10_000), (0.25, 250)])
def test_a_sender_waits_ten_seconds_by_default_for_another_writer(
    tmp_path: Path, timeout: float | None, waits_ms: int
) -> None:
    # What sqlite itself reports as the connection's busy timeout: how long a write waits for a
    # lock another sender holds before the one-line "database is locked" error.
    path = tmp_path / "orders.sqlite"
    with OrderJournal(path) if timeout is None else OrderJournal(path, timeout=timeout) as j:
        assert j._db.execute("PRAGMA busy_timeout").fetchone()[0] == waits_ms
