"""Every received event, kept in ``<data>/webhooks.sqlite`` (sqlite, WAL, synchronous commits).

An event is written before Poster gets its 200, so an acknowledged event is never lost. The
unique key ``(account, object, object_id, action, time)`` makes a redelivery a no-op (its
``deliveries`` count goes up). Each event then moves through:

* ``state``: ``pending`` → ``done`` | ``error`` (processing: journal, snapshot);
* ``hook_state``: null (no ``--on-event`` when it came) | ``pending`` → ``done`` | ``failed``.

Whatever is still ``pending`` when the receiver stops is picked up at its next start.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from poster_cli.poster.redact import redact
from poster_cli.private import private_sqlite, tighten_data_dir
from poster_cli.webhooks.events import WebhookEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    object TEXT NOT NULL,
    object_id TEXT NOT NULL,
    action TEXT NOT NULL,
    time TEXT NOT NULL,
    account_number TEXT,
    data TEXT,
    received_at TEXT NOT NULL,
    deliveries INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    details TEXT,
    processed_at TEXT,
    hook_state TEXT,
    hook_attempts INTEGER NOT NULL DEFAULT 0,
    hook_error TEXT,
    UNIQUE (account, object, object_id, action, time)
);
CREATE INDEX IF NOT EXISTS events_state ON events (state);
"""

# Processing that failed (Poster unreachable) is tried again at start-up this many times in all.
MAX_ATTEMPTS = 5


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoredEvent:
    """One row: the event, what processing made of it, and its hook's fate."""

    id: int
    event: WebhookEvent
    received_at: str
    deliveries: int
    state: str
    attempts: int
    outcome: str | None
    details: dict[str, Any] | None
    processed_at: str | None
    hook_state: str | None
    hook_attempts: int
    hook_error: str | None

    def to_dict(self) -> dict[str, Any]:
        d = {"id": self.id, **self.event.to_dict()}
        d.update(
            received_at=self.received_at,
            deliveries=self.deliveries,
            state=self.state,
            outcome=self.outcome,
            details=self.details,
            processed_at=self.processed_at,
            hook_state=self.hook_state,
            hook_attempts=self.hook_attempts,
            hook_error=self.hook_error,
        )
        return d


def _row(r: sqlite3.Row) -> StoredEvent:
    return StoredEvent(
        id=r["id"],
        event=WebhookEvent(
            account=r["account"],
            object=r["object"],
            object_id=r["object_id"],
            action=r["action"],
            time=r["time"],
            data=r["data"],
            account_number=r["account_number"],
        ),
        received_at=r["received_at"],
        deliveries=r["deliveries"],
        state=r["state"],
        attempts=r["attempts"],
        outcome=r["outcome"],
        details=json.loads(r["details"]) if r["details"] else None,
        processed_at=r["processed_at"],
        hook_state=r["hook_state"],
        hook_attempts=r["hook_attempts"],
        hook_error=r["hook_error"],
    )


class EventStore:
    """The event table. Thread-safe: the receiver writes from a worker thread."""

    def __init__(self, path: Path) -> None:
        tighten_data_dir(path.parent)  # customers' phones and names: 0700 folder, 0600 files
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an acknowledged event survives a power cut
        self._db.executescript(SCHEMA)
        private_sqlite(path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _exec(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    def add(self, event: WebhookEvent, *, with_hook: bool) -> tuple[int, bool]:
        """Store a delivery; returns ``(id, is_new)``. A redelivery only counts up ``deliveries``."""
        # ``data`` of an `application` event may carry an access token: never keep it on disk.
        data = redact(event.data) if event.data is not None else None
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO events (account, object, object_id, action, time, account_number, data,"
                " received_at, hook_state) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (account, object, object_id, action, time)"
                " DO UPDATE SET deliveries = deliveries + 1 RETURNING id, deliveries",
                (*event.key, event.account_number, data, _now(), "pending" if with_hook else None),
            )
            event_id, deliveries = cur.fetchone()
        return event_id, deliveries == 1

    def get(self, event_id: int) -> StoredEvent | None:
        row = self._exec("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return _row(row) if row else None

    def finish(self, event_id: int, *, state: str, outcome: str, details: dict[str, Any] | None) -> None:
        """Record what processing did (``done``) or why it failed (``error``)."""
        self._exec(
            "UPDATE events SET state = ?, outcome = ?, details = ?, processed_at = ?, attempts = attempts + 1"
            " WHERE id = ?",
            (
                state,
                outcome,
                json.dumps(details, ensure_ascii=False) if details is not None else None,
                _now(),
                event_id,
            ),
        )

    def finish_hook(self, event_id: int, *, ok: bool, attempts: int, error: str | None) -> None:
        self._exec(
            "UPDATE events SET hook_state = ?, hook_attempts = hook_attempts + ?, hook_error = ? WHERE id = ?",
            ("done" if ok else "failed", attempts, error, event_id),
        )

    def rearm_hook(self, event_id: int) -> None:
        """Run the command again for this event (processing it again found something new)."""
        self._exec("UPDATE events SET hook_state = 'pending', hook_error = NULL WHERE id = ?", (event_id,))

    def unprocessed(self) -> list[int]:
        """Events to process at start-up: never processed, or failed fewer than MAX_ATTEMPTS times."""
        rows = self._exec(
            "SELECT id FROM events WHERE state = 'pending' OR (state = 'error' AND attempts < ?) ORDER BY id",
            (MAX_ATTEMPTS,),
        ).fetchall()
        return [r[0] for r in rows]

    def hooks_due(self) -> list[int]:
        """Processed events whose hook has not run yet."""
        rows = self._exec(
            "SELECT id FROM events WHERE hook_state = 'pending' AND state != 'pending' ORDER BY id"
        ).fetchall()
        return [r[0] for r in rows]

    def events(self, *, since: str | None = None, limit: int | None = None) -> Iterator[StoredEvent]:
        """Events in arrival order; ``since`` compares with ``received_at`` (ISO, UTC)."""
        sql, args = "SELECT * FROM events", list[Any]()
        if since:
            sql += " WHERE received_at >= ?"
            args.append(since)
        sql += " ORDER BY id"
        if limit:
            sql = f"SELECT * FROM ({sql.replace(' ORDER BY id', ' ORDER BY id DESC')} LIMIT ?) ORDER BY id"
            args.append(limit)
        rows = self._exec(sql, tuple(args)).fetchall()
        return (_row(r) for r in rows)
