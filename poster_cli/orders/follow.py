"""Following orders after they are sent: refresh the journal from Poster, and watch until done.

For users without a developer application (no webhooks), polling is the way to learn that the
cashier accepted, declined or closed an order.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Sequence

from poster_cli.errors import UsageError
from poster_cli.orders.journal import ACCEPTED, CLOSED, DECLINED, FAILED, JournalEntry, OrderJournal
from poster_cli.poster import models
from poster_cli.poster.errors import PosterAuthError, PosterError, PosterTransportError

# ``watch`` stops following an order in one of these.
SETTLED = frozenset({ACCEPTED, DECLINED, CLOSED, FAILED})


@dataclass
class Refreshed:
    entry: JournalEntry
    poster: models.IncomingOrder | None = None
    error: str | None = None  # why Poster could not be asked (the journal's view is shown instead)


async def refresh(api: Any, journal: OrderJournal, entry: JournalEntry, *, comment_template: str) -> Refreshed:
    """Ask Poster about one journaled order and store what it says."""
    try:
        if entry.incoming_order_id is None:
            if not entry.maybe_in_poster:
                return Refreshed(entry)
            return await _find_pending(api, journal, entry, comment_template)
        order = await api.get_incoming_order(entry.incoming_order_id)
        transaction = None
        if order.transaction_id and order.status == models.ORDER_STATUS_ACCEPTED:
            transaction = await api.get_transaction(order.transaction_id)
        return Refreshed(journal.update_from_poster(entry.order_id, order, transaction), order)
    except PosterAuthError:
        raise
    except (PosterError, PosterTransportError) as err:
        return Refreshed(entry, error=str(err))


async def _find_pending(api: Any, journal: OrderJournal, entry: JournalEntry, template: str) -> Refreshed:
    """A pending order that may be in Poster: one lookup (no resend; sending is ``batch``'s job)."""
    from poster_cli.orders.send import OrderSender

    finder = OrderSender(api, journal, comment_template=template)  # lookup_window: one lookup, no waits
    orders = await finder.lookup_window(entry)
    for order in sorted(orders, key=lambda o: o.incoming_order_id):
        if finder.is_ours(order, entry):
            return Refreshed(journal.mark_sent(entry.order_id, order), order)
    return Refreshed(entry)


async def refresh_many(
    api: Any, journal: OrderJournal, entries: Sequence[JournalEntry], *, comment_template: str, concurrency: int = 4
) -> list[Refreshed]:
    """Refresh orders Poster may still change (not declined/closed), a few at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(e: JournalEntry) -> Refreshed:
        if e.state in (DECLINED, CLOSED, FAILED) or (e.incoming_order_id is None and not e.maybe_in_poster):
            return Refreshed(e)
        async with gate:
            return await refresh(api, journal, e, comment_template=comment_template)

    return list(await asyncio.gather(*(one(e) for e in entries)))


async def watch(
    api: Any,
    journal: OrderJournal,
    order_ids: Sequence[str],
    *,
    comment_template: str,
    on_change: Callable[[Refreshed, str | None], None],
    first_delay: float = 2.0,
    max_delay: float = 30.0,
    timeout: float | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    clock: Callable[[], float] | None = None,
) -> list[JournalEntry]:
    """Poll until every order is accepted, declined or closed (or failed); the delay grows by half
    each round while nothing changes, and drops back after a change. Returns the final entries."""
    import time

    clock = clock or time.monotonic
    deadline = None if not timeout else clock() + timeout
    known: dict[str, str | None] = dict.fromkeys(order_ids)
    entries: dict[str, JournalEntry] = {}
    delay = first_delay
    while True:
        current = [journal.get(oid) for oid in known]
        todo = [e for e in current if e is not None and e.state not in SETTLED]
        results = await refresh_many(api, journal, todo, comment_template=comment_template)
        results += [Refreshed(e) for e in current if e is not None and e.state in SETTLED]
        changed = False
        for r in results:
            entries[r.entry.order_id] = r.entry
            if known[r.entry.order_id] != r.entry.state:
                on_change(r, known[r.entry.order_id])
                known[r.entry.order_id] = r.entry.state
                changed = True
        if all(e.state in SETTLED for e in entries.values()):
            return list(entries.values())
        if deadline is not None and clock() >= deadline:
            return list(entries.values())
        delay = first_delay if changed else min(max_delay, delay * 1.5)
        await (sleep or asyncio.sleep)(delay)


def parse_since(text: str | None, now: datetime | None = None) -> str | None:
    """``--since``: ``30m``, ``12h``, ``7d`` ago, or a date/time (``2026-01-31``, ISO); UTC ISO out."""
    if not text:
        return None
    now = now or datetime.now(timezone.utc)
    m = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", text)
    if m:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
        return (now - timedelta(**{unit: int(m.group(1))})).isoformat(timespec="milliseconds")
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since {text!r}: use 30m, 12h, 7d or a date like 2026-01-31") from None
    # a time without an offset is the user's local time: astimezone takes a naive time as local
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds")
