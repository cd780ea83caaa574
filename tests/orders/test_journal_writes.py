"""How the journal writes: a write sqlite refuses (the disk is full) is one error naming the journal
and leaves it usable, and the "may now be in Poster" mark is committed with a full fsync."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from poster_cli.orders.journal import PENDING, JournalError, OrderJournal
from tests.support.orders import ORDER_BODY as BODY

# sqlite's PRAGMA synchronous levels (https://sqlite.org/pragma.html#pragma_synchronous)
NORMAL, FULL = 1, 2


def test_a_full_disk_is_one_error_naming_the_journal_and_the_next_order_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite"
    with OrderJournal(path) as j:
        j.claim("A-1", BODY)
        pages = j._db.execute("PRAGMA page_count").fetchone()[0]
        j._db.execute(f"PRAGMA max_page_count = {pages}")  # sqlite's own "disk full" once the file must grow
        big = {**BODY, "comment": "x" * 50_000}
        with pytest.raises(JournalError) as caught:
            j.claim("A-2", big)
        assert caught.value.message == f"cannot write the order journal {path}: database or disk is full"
        assert j.claim("A-3", BODY).outcome == "new"
    with OrderJournal(path) as j:
        assert [(e.order_id, e.state) for e in j.list()] == [("A-1", PENDING), ("A-3", PENDING)]


def test_the_attempt_mark_is_committed_with_a_full_fsync_and_other_writes_with_normal(tmp_path: Path) -> None:
    with OrderJournal(tmp_path / "orders.sqlite") as j:
        assert j._db.execute("PRAGMA synchronous").fetchone()[0] == NORMAL
        j.claim("A-1", BODY)
        statements: list[str] = []
        j._db.set_trace_callback(statements.append)
        j.mark_attempt("A-1")
        j._db.set_trace_callback(None)
        assert j._db.execute("PRAGMA synchronous").fetchone()[0] == NORMAL
    level = None
    for sql in statements:
        pragma = re.fullmatch(r"(?i)PRAGMA synchronous\s*=\s*(\w+)", sql.strip())
        if pragma:
            level = pragma.group(1).upper()
        elif sql.strip().upper() == "COMMIT":
            assert level == "FULL"
            break
    else:
        pytest.fail(f"no commit among {statements}")


def test_a_write_cut_short_by_an_error_leaves_the_journal_to_the_other_senders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `webhooks serve` lives for days: a write it did not finish must not keep every batch out.
    path = tmp_path / "orders.sqlite"
    with OrderJournal(path) as serve, OrderJournal(path, timeout=0.2) as batch:
        serve.claim("A-1", BODY)

        def broken(*args: object) -> bool:
            raise RuntimeError("cut short")

        monkeypatch.setattr("poster_cli.orders.fingerprint.same_order", broken)
        with pytest.raises(RuntimeError):
            serve.claim("A-1", BODY)  # the row was read inside the write transaction, then this
        monkeypatch.undo()
        assert batch.claim("A-2", BODY).outcome == "new"
        assert serve.claim("A-3", BODY).outcome == "new"
    with OrderJournal(path) as j:
        assert [e.order_id for e in j.list()] == ["A-1", "A-2", "A-3"]
