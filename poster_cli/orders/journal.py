"""The order journal: one row per site order, so each order reaches Poster exactly once.

``<data>/orders.sqlite`` (stdlib sqlite3, WAL). States::

    pending --> sent --> accepted | declined | closed
        \\-> failed (Poster certainly did not create it; a re-run tries again)

A ``pending`` row with ``attempted_at`` set may or may not exist in Poster (the process died or the
answer was lost after the request left): it must be looked up before any resend. A ``pending`` row
without ``attempted_at`` was never sent.

Several writers share the file (a batch run, ``webhooks serve``, ``order watch``): WAL, a busy
timeout, and short transactions; read-modify-write steps take the write lock up front
(``BEGIN IMMEDIATE``). Timestamps are UTC ISO-8601 strings.

The API for other parts of the tool (the webhook receiver)::

    journal = OrderJournal(path)
    entry = journal.get("A-17") or journal.find_by_incoming_id(42)
    journal.set_state("A-17", "accepted")
    journal.update_from_poster(entry.order_id, poster_order, transaction)   # or:
    state = state_from_poster(poster_order, transaction)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, List, Mapping

from poster_cli.errors import PosterCliError
from poster_cli.orders.claims import claims_path
from poster_cli.poster import models
from poster_cli.private import private_sqlite, tighten_data_dir

PENDING = "pending"
SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
CLOSED = "closed"
FAILED = "failed"
STATES = (PENDING, SENT, ACCEPTED, DECLINED, CLOSED, FAILED)
# Orders Poster holds: never send these again.
IN_POSTER = frozenset({SENT, ACCEPTED, DECLINED, CLOSED})
# Nothing more will happen to these.
FINAL = frozenset({DECLINED, CLOSED})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id          TEXT PRIMARY KEY,
    state             TEXT NOT NULL,
    body              TEXT NOT NULL,
    body_hash         TEXT NOT NULL,
    spot_id           INTEGER,
    total             INTEGER,
    currency          TEXT,
    incoming_order_id INTEGER,
    poster_status     INTEGER,
    transaction_id    INTEGER,
    reason            TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    source            TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    attempted_at      TEXT,
    request_hash      TEXT
);
CREATE INDEX IF NOT EXISTS orders_incoming ON orders (incoming_order_id);
CREATE INDEX IF NOT EXISTS orders_state ON orders (state, updated_at);
"""
# The statements, kept apart from the code that runs them. (SQLite reads keywords and names in any
# letter case; written here, mutation testing leaves them alone: a typo in any of them fails the
# journal's tests.)
_ADD_FINGERPRINT = "ALTER TABLE orders ADD COLUMN request_hash TEXT"
_ANY_ROW = "SELECT 1 FROM orders LIMIT 1"
_GET = "SELECT * FROM orders WHERE order_id = ?"
_GET_BY_INCOMING = "SELECT * FROM orders WHERE incoming_order_id = ?"
_GET_STATE = "SELECT state FROM orders WHERE order_id = ?"
_LIST = (
    "SELECT * FROM orders WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR created_at >= ?2)"
    " ORDER BY created_at, order_id"
)
_COUNTS = "SELECT state, COUNT(*) FROM orders GROUP BY state"
_INSERT = (
    "INSERT INTO orders (order_id, state, body, body_hash, spot_id, total, currency, source,"
    " created_at, updated_at, request_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_REPLACE_BODY = (
    "UPDATE orders SET state = ?, body = ?, body_hash = ?, spot_id = ?, total = ?, currency = ?,"
    " request_hash = COALESCE(?, request_hash),"
    " reason = CASE WHEN state = ? THEN NULL ELSE reason END, updated_at = ? WHERE order_id = ?"
)
_MARK_ATTEMPT = "UPDATE orders SET attempted_at = ?, attempts = attempts + 1, updated_at = ? WHERE order_id = ?"
_NOTE = "UPDATE orders SET reason = ?, updated_at = ? WHERE order_id = ?"
_SET_STATE = "UPDATE orders SET state = ?, reason = ?, updated_at = ? WHERE order_id = ?"
_FROM_POSTER = (
    "UPDATE orders SET state = ?, incoming_order_id = ?, poster_status = ?, transaction_id = ?,"
    " reason = NULL, updated_at = ? WHERE order_id = ?"
)
_WAL = "PRAGMA journal_mode = WAL"
_SYNC_NORMAL = "PRAGMA synchronous = NORMAL"
_SYNC_FULL = "PRAGMA synchronous = FULL"
_BEGIN = "BEGIN IMMEDIATE"
_COMMIT = "COMMIT"
_ROLLBACK = "ROLLBACK"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def body_hash(body: Mapping[str, Any]) -> str:
    """A stable fingerprint of a request body (key order and whitespace do not matter)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class JournalError(PosterCliError):
    """The journal file cannot be opened or written."""


@dataclass(frozen=True)
class JournalEntry:
    """One site order as the journal knows it."""

    order_id: str
    state: str
    body: dict[str, Any]
    body_hash: str
    spot_id: int | None
    total: int | None
    currency: str | None
    incoming_order_id: int | None
    poster_status: int | None
    transaction_id: int | None
    reason: str | None
    attempts: int
    source: str | None
    created_at: str
    updated_at: str
    attempted_at: str | None
    request_hash: str | None = None  # the site order's fingerprint (orders/fingerprint.py)

    @property
    def in_poster(self) -> bool:
        return self.state in IN_POSTER

    @property
    def maybe_in_poster(self) -> bool:
        """Pending after a send attempt: look it up before sending again."""
        return self.state == PENDING and self.attempted_at is not None

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d.pop("body")
        d.pop("request_hash")  # internal: how a re-run recognises the same site order
        return d


def _entry(row: sqlite3.Row) -> JournalEntry:
    d = dict(row)
    d["body"] = json.loads(d["body"])
    return JournalEntry(**d)


@dataclass(frozen=True)
class Claim:
    """What :meth:`OrderJournal.claim` found: ``new`` (send it), ``resume`` (pending: send, after a
    lookup when ``entry.maybe_in_poster``), ``done`` (already in Poster: skip) or ``conflict``."""

    outcome: str
    entry: JournalEntry


def state_from_poster(order: models.IncomingOrder, transaction: Any = None) -> str:
    """Our state for Poster's view of an order: status 7 declined; status 1 accepted, or closed
    once its receipt is closed (``dash.getTransaction`` ``status`` 2 or ``date_close`` set);
    status 0 (new) is ``sent``."""
    if order.status == models.ORDER_STATUS_CANCELED:
        return DECLINED
    if transaction_closed(transaction):
        return CLOSED
    if order.status == models.ORDER_STATUS_ACCEPTED:
        return ACCEPTED
    return SENT


def transaction_closed(raw: Any) -> bool:
    """Whether a ``dash.getTransaction`` answer (a list of one, or the object) is a closed receipt."""
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if not isinstance(raw, Mapping):
        return False
    if models.as_int(raw.get("status")) == 2:
        return True
    closed = raw.get("date_close")
    return closed not in (None, "", "0", 0)


class OrderJournal:
    """The journal file. Safe to share between threads of one process and between processes.

    ``lost`` is true when orders were sent from this data folder before but the journal was found
    missing or empty (and has just been recreated): the caller warns, and the sender's check of
    Poster's own list is then all that stands between a re-run and sending everything again."""

    def __init__(self, path: Path | str, *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        # Orders were claimed from this data folder before (the claims file exists: see
        # poster_cli.orders.claims), yet the journal holds none: it was deleted or truncated (opening
        # creates it again, empty) or emptied.
        had_claims = claims_path(self.path).exists()
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._db = self._open(timeout)
                self.lost = had_claims and self._db.execute(_ANY_ROW).fetchone() is None
                private_sqlite(self.path)
                break
            except sqlite3.OperationalError as exc:
                # Two processes creating the journal at once: switching a new file to WAL takes an
                # exclusive lock that sqlite's busy handler does not wait for. Try again, bounded.
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise JournalError(
                        f"cannot open the order journal {self.path}: {exc}", hint="check the data folder"
                    ) from None
                time.sleep(0.02)
            except sqlite3.Error as exc:
                raise JournalError(
                    f"cannot open the order journal {self.path}: {exc}", hint="check the data folder"
                ) from None
        self._lock = threading.RLock()

    def _open(self, timeout: float) -> sqlite3.Connection:
        tighten_data_dir(self.path.parent)  # customers' phones and names: 0700 folder, 0600 files
        # timeout: how long a statement waits for another writer's lock (sqlite's busy timeout)
        db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        try:
            db.row_factory = sqlite3.Row
            db.execute(_WAL)
            # NORMAL in WAL mode: every commit survives the process being killed; only an OS
            # crash or power cut can lose the latest ones. The one commit that must survive even
            # that, "this order may now be in Poster", is written with FULL (see mark_attempt).
            db.execute(_SYNC_NORMAL)
            db.executescript(_SCHEMA)
            # A journal written before the fingerprint existed gets its column. On any other (it was
            # just created with it, or another process added it just now) sqlite refuses at once,
            # "duplicate column", without waiting for another writer's lock.
            try:
                db.execute(_ADD_FINGERPRINT)
            except sqlite3.OperationalError as exc:
                if "duplicate column" not in str(exc):
                    raise
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "OrderJournal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def get(self, order_id: str) -> JournalEntry | None:
        row = self._query(_GET, (order_id,))
        return _entry(row[0]) if row else None

    def find_by_incoming_id(self, incoming_order_id: int) -> JournalEntry | None:
        row = self._query(_GET_BY_INCOMING, (int(incoming_order_id),))
        return _entry(row[0]) if row else None

    def lookup(self, ident: str | int) -> JournalEntry | None:
        """A site order id, or else a Poster ``incoming_order_id`` (digits)."""
        found = self.get(str(ident))
        if found is None and str(ident).isdigit():
            found = self.find_by_incoming_id(int(ident))
        return found

    def list(self, status: str | None = None, since: str | None = None) -> List[JournalEntry]:
        """Orders, oldest first; ``status`` one of :data:`STATES`; ``since`` an ISO time (UTC)."""
        return [_entry(r) for r in self._query(_LIST, (status or None, since or None))]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(STATES, 0)
        result.update((state, n) for state, n in self._query(_COUNTS, ()))
        return result

    # -- writing ------------------------------------------------------------------------------

    def claim(
        self,
        order_id: str,
        body: Mapping[str, Any],
        *,
        spot_id: int | None = None,
        total: int | None = None,
        currency: str | None = None,
        source: str | None = None,
        request_hash: str | None = None,
    ) -> Claim:
        """Record the order as ``pending`` before it is sent, or report what the journal holds.

        A known id holding another order (:func:`~poster_cli.orders.fingerprint.same_order`: the
        site's content decides, not today's prices) is a ``conflict``, unless the order ``failed``
        before (Poster never created it, so the corrected order replaces it). A failed order keeps
        its ``attempted_at``: the retry looks it up first, in case a lost attempt landed late.
        """
        from poster_cli.orders.fingerprint import same_order

        digest = body_hash(body)
        now = utc_now()
        with self._write() as db:
            row = db.execute(_GET, (order_id,)).fetchone()
            if row is None:
                db.execute(
                    _INSERT,
                    (order_id, PENDING, _dump(body), digest, spot_id, total, currency, source, now, now, request_hash),
                )
                return Claim("new", self._get(db, order_id))
            entry = _entry(row)
            if entry.in_poster:
                return Claim("done" if same_order(entry, body, request_hash) else "conflict", entry)
            if entry.state != FAILED and not same_order(entry, body, request_hash):
                return Claim("conflict", entry)
            if entry.state == FAILED or entry.body_hash != digest or entry.request_hash != request_hash:
                # a failed order retried (perhaps corrected), or the same order priced anew
                db.execute(
                    _REPLACE_BODY,
                    (PENDING, _dump(body), digest, spot_id, total, currency, request_hash, FAILED, now, order_id),
                )
                return Claim("resume", self._get(db, order_id))
            return Claim("resume", entry)

    def mark_attempt(self, order_id: str) -> None:
        """Committed right before the request leaves: from now on the order may exist in Poster."""
        now = utc_now()
        with self._lock:
            self._db.execute(_SYNC_FULL)  # fsync: survives a power cut too
            try:
                with self._write() as db:
                    db.execute(_MARK_ATTEMPT, (now, now, order_id))
            finally:
                self._db.execute(_SYNC_NORMAL)

    def mark_sent(self, order_id: str, order: models.IncomingOrder, transaction: Any = None) -> JournalEntry:
        """Poster holds the order: store its id and state."""
        return self.update_from_poster(order_id, order, transaction)

    def mark_failed(self, order_id: str, reason: str) -> None:
        """Poster certainly did not create the order (it refused, or the request never left)."""
        self.set_state(order_id, FAILED, reason)

    def note(self, order_id: str, reason: str | None) -> None:
        """Keep a reason on a row without changing its state (e.g. an unconfirmed pending order)."""
        with self._write() as db:
            db.execute(_NOTE, (reason, utc_now(), order_id))

    def set_state(self, order_id: str, state: str, reason: str | None = None) -> bool:
        """Set an order's state (and reason); False when the id is unknown."""
        if state not in STATES:
            raise ValueError(f"unknown order state {state!r}")
        with self._write() as db:
            cur = db.execute(_SET_STATE, (state, reason, utc_now(), order_id))
            return cur.rowcount > 0

    def update_from_poster(self, order_id: str, order: models.IncomingOrder, transaction: Any = None) -> JournalEntry:
        """Store Poster's view of the order (id, status, receipt) and the state it implies.

        A final state (declined, closed) is never moved back by an older answer."""
        state = state_from_poster(order, transaction)
        with self._write() as db:
            current = db.execute(_GET_STATE, (order_id,)).fetchone()
            if current is not None and current[0] in FINAL and state not in FINAL:
                state = current[0]
            db.execute(
                _FROM_POSTER,
                (state, order.incoming_order_id, order.status, order.transaction_id, utc_now(), order_id),
            )
            return self._get(db, order_id)

    # -- plumbing -----------------------------------------------------------------------------

    def _get(self, db: sqlite3.Connection, order_id: str) -> JournalEntry:
        return _entry(db.execute(_GET, (order_id,)).fetchone())

    def _query(self, sql: str, args: tuple[Any, ...]) -> List[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise JournalError(f"cannot read the order journal {self.path}: {exc}") from None

    class _Txn:
        def __init__(self, journal: "OrderJournal") -> None:
            self.journal = journal

        def __enter__(self) -> sqlite3.Connection:
            self.journal._lock.acquire()
            try:
                self.journal._db.execute(_BEGIN)
            except sqlite3.Error as exc:
                self.journal._lock.release()
                raise self._cannot_write(exc) from None
            return self.journal._db

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            try:
                self.journal._db.execute(_ROLLBACK if exc_type else _COMMIT)
            except sqlite3.Error as err:
                if exc_type is None:
                    raise self._cannot_write(err) from None
            finally:
                self.journal._lock.release()
            if isinstance(exc, sqlite3.Error):  # a write refused (the disk is full, the file is read-only)
                raise self._cannot_write(exc) from None

        def _cannot_write(self, exc: sqlite3.Error) -> JournalError:
            return JournalError(f"cannot write the order journal {self.journal.path}: {exc}")

    def _write(self) -> "OrderJournal._Txn":
        return OrderJournal._Txn(self)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.list())


def _dump(body: Mapping[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "OrderJournal",
    "JournalEntry",
    "Claim",
    "JournalError",
    "state_from_poster",
    "transaction_closed",
    "body_hash",
    "STATES",
    "PENDING",
    "SENT",
    "ACCEPTED",
    "DECLINED",
    "CLOSED",
    "FAILED",
]
