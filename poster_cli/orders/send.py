"""Sending an order exactly once.

``createIncomingOrder`` has no idempotency key. The protocol:

1. the journal records the order (``pending``) before anything is sent;
2. right before each POST the journal commits ``attempted_at``: from then on the order may exist
   in Poster, even if this process is killed the next instant;
3. an answer means ``sent``; a refusal means ``failed`` (Poster did not create it);
4. a lost answer (timeout, dropped connection, HTTP 5xx: ``PosterTransportError`` with
   ``maybe_processed``), or a ``pending`` row found with ``attempted_at`` set (a killed run), is
   looked up: ``getOwnIncomingOrders`` (``getIncomingOrders`` when Poster refuses the own-variant)
   over a time window, matching the site order marker in the comment. Only after several
   successful lookups, spaced with backoff (an order may land after the first lookup), all
   without the order, is it sent again. When the lookups themselves fail the order stays
   ``pending``: a later run finishes the job.

Inferred [time-zone]: Poster reports times in the account's local time zone, which the tool does
not know; the lookup window therefore reaches 14 hours either side of UTC (every time zone there
is). Inferred [own-orders-scope]: a token may be refused ``getOwnIncomingOrders`` (it is meant for
applications); then ``getIncomingOrders`` is used. Inferred [comment-kept]: Poster returns an
order's ``comment`` as it was sent, so the marker in it finds the order again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Sequence

from poster_cli.errors import PosterCliError, UsageError
from poster_cli.orders.build import BuiltOrder
from poster_cli.orders.claims import OrderBusy, OrderClaims
from poster_cli.orders.fingerprint import same_order
from poster_cli.orders.journal import FAILED, JournalEntry, OrderJournal
from poster_cli.orders.marker import comment_matches, marker, same_content
from poster_cli.poster import models
from poster_cli.poster.errors import (
    PosterAuthError,
    PosterError,
    PosterRateLimited,
    PosterTransportError,
)

log = logging.getLogger("poster_cli.orders")

SENT = "sent"  # created now (or found after a lost answer)
SKIPPED = "skipped"  # already in Poster from an earlier run
FAILED_OUTCOME = "failed"  # Poster certainly does not have it
UNCONFIRMED = "unconfirmed"  # may or may not be in Poster; stays pending, a re-run settles it

POSTER_TIME = "%Y-%m-%d %H:%M:%S"
TZ_REACH = timedelta(hours=14, minutes=30)
RECENT = timedelta(days=3)  # how far back the check before sending looks (see check_poster)
PAGE = timedelta(days=1)  # one list call per day of that window


class PosterCheckFailed(PosterCliError):
    """Poster's recent orders could not be listed before sending, so nothing was sent (exit 1)."""


class OrderConflict(UsageError):
    """The journal knows this site order id with a different content (exit 2)."""

    def __init__(self, entries: Sequence[JournalEntry]) -> None:
        self.entries = list(entries)
        shown = ", ".join(
            f"{e.order_id} ({e.state}{f', Poster #{e.incoming_order_id}' if e.incoming_order_id else ''})"
            for e in self.entries[:5]
        )
        more = f" and {len(self.entries) - 5} more" if len(self.entries) > 5 else ""
        super().__init__(
            f"{len(self.entries)} order id(s) were sent before with different content: {shown}{more}",
            hint="a site order id names one order: give a changed order a new id",
        )


@dataclass
class SendResult:
    """What happened to one order."""

    order_id: str
    outcome: str  # sent | skipped | failed | unconfirmed
    state: str
    incoming_order_id: int | None = None
    reason: str | None = None
    found_by_lookup: bool = False
    network: bool = False  # failed because Poster could not be reached (the request never left)
    posts: int = 0
    warnings: list[str] = field(default_factory=list)
    order: models.IncomingOrder | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "outcome": self.outcome,
            "state": self.state,
            "incoming_order_id": self.incoming_order_id,
            "reason": self.reason,
            "found_by_lookup": self.found_by_lookup,
        }


class _Unconfirmed(Exception):
    pass


def conflicts(journal: OrderJournal, orders: Sequence[BuiltOrder]) -> list[JournalEntry]:
    """Journal entries whose id matches an order here but which hold another order (the site's
    content decides, not today's prices; a failed order may be corrected and sent)."""
    found = []
    for order in orders:
        entry = journal.get(order.order_id)
        if entry is not None and entry.state != FAILED and not same_order(entry, order.body, order.request_hash):
            found.append(entry)
    return found


class OrderSender:
    """Sends built orders through one client and journal (share it across a batch's tasks)."""

    def __init__(
        self,
        api: Any,
        journal: OrderJournal,
        *,
        comment_template: str = "Site order #{order_id}",
        lookup_delays: Sequence[float] = (1.0, 2.0, 4.0),
        max_posts: int = 3,
        rate_retries: int = 6,
        rate_backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        claims: OrderClaims | None = None,
    ) -> None:
        self.api = api
        self.journal = journal
        self.claims = claims if claims is not None else OrderClaims(journal.path)
        self.comment_template = comment_template
        self.lookup_delays = tuple(lookup_delays)
        self.max_posts = max_posts
        self.rate_retries = rate_retries
        self.rate_backoff = rate_backoff
        self._sleep = sleep
        self._now = now
        self._own: bool | None = None  # None: not yet known whether getOwnIncomingOrders is allowed
        # check_poster's finds: Poster orders carrying the marker of an order about to be sent
        self._held: dict[str, dict[int, models.IncomingOrder]] = {}
        self.warnings: list[str] = []  # about the whole run (not one order)

    async def send(self, order: BuiltOrder, *, source: str | None = None) -> SendResult:
        """Get ``order`` into Poster exactly once; journal every step. The one commit that
        fsyncs (the attempt mark) runs in a worker thread, so it does not stall other orders.

        The order is claimed (:mod:`poster_cli.orders.claims`) from before the journal is read
        until its outcome is recorded: another process sending the same id waits, then finds it
        sent. When that other process keeps it longer than the claim's wait, the order is left to a
        later run (``unconfirmed``), never posted."""
        try:
            async with self.claims.hold(order.order_id) as waited:
                if waited > 1.0:
                    log.info("order %s: waited %.1f s for another sender", order.order_id, waited)
                return await self._send_claimed(order, source)
        except OrderBusy:
            entry = self.journal.get(order.order_id)
            reason = (
                f"another poster-cli process has been sending it for over {self.claims.wait:.0f} s; "
                "run the same command again later to settle it"
            )
            return SendResult(order.order_id, UNCONFIRMED, entry.state if entry else "pending", reason=reason)

    async def _send_claimed(self, order: BuiltOrder, source: str | None) -> SendResult:
        claim = self.journal.claim(
            order.order_id,
            order.body,
            spot_id=order.spot_id,
            total=order.total,
            currency=order.currency,
            source=source or order.source,
            request_hash=order.request_hash,
        )
        entry = claim.entry
        if claim.outcome == "conflict":
            raise OrderConflict([entry])
        if claim.outcome == "done":
            return SendResult(order.order_id, SKIPPED, entry.state, entry.incoming_order_id)
        result = SendResult(order.order_id, FAILED_OUTCOME, entry.state, warnings=list(order.warnings))
        try:
            held = self._held.get(order.order_id)
            if held:
                return self._already_held(order, list(held.values()), result)
            if entry.maybe_in_poster and await self._settle(entry, result):
                return result
            return await self._post(order, result)
        except _Unconfirmed as exc:
            reason = f"not confirmed whether Poster has it ({exc}); run the same command again to settle it"
            self.journal.note(order.order_id, reason)
            result.outcome, result.state, result.reason = UNCONFIRMED, "pending", reason
            return result

    async def check_poster(self, orders: Sequence[BuiltOrder], *, journal_lost: bool = False) -> int:
        """Before sending: one pass over Poster's own incoming orders of the last :data:`RECENT`
        days (pages of a day, ``getOwnIncomingOrders``, else ``getIncomingOrders``), noting those
        that carry the marker of an order here the journal does not know as sent. Such an order is
        then never created again (:meth:`send` records it, or refuses it when its phone or lines
        differ): this is what keeps a lost or emptied journal from sending a batch twice.

        Returns the number of list calls. Poster unreachable raises :class:`PosterCheckFailed`
        (nothing is sent); Poster refusing the list methods is a warning, unless ``journal_lost``
        (then nothing else can tell which orders it holds, and it raises too)."""
        by_length: dict[int, dict[str, str]] = {}
        for order in orders:
            entry = self.journal.get(order.order_id)
            if entry is None or not entry.in_poster:
                text = marker(self.comment_template, order.order_id)
                by_length.setdefault(len(text), {})[text] = order.order_id
        if not by_length:
            return 0
        end = self._now() + TZ_REACH
        start = end - TZ_REACH - RECENT - TZ_REACH
        calls = 0
        while start < end:
            page_end = min(start + PAGE, end)
            window = {
                "date_from": start.strftime(POSTER_TIME),
                "date_to": (page_end - timedelta(seconds=1)).strftime(POSTER_TIME),
            }
            calls += 1
            try:
                listed = await self._list(window)
            except PosterAuthError:
                raise
            except PosterTransportError as err:
                raise PosterCheckFailed(
                    f"cannot list Poster's recent orders to make sure none of these is there already: {err.reason}",
                    hint="nothing was sent; run the same command again",
                ) from None
            except PosterError as err:
                if journal_lost:
                    raise PosterCheckFailed(
                        f"the order journal was lost and Poster's recent orders cannot be listed ({err})",
                        hint="nothing was sent: without either, orders already in Poster would be sent again",
                    ) from None
                self.warnings.append(f"could not list Poster's recent orders ({err}); relying on the journal")
                return calls
            for found in listed:
                text = found.comment.lstrip()
                for length, markers in by_length.items():
                    order_id = markers.get(text[:length])
                    if order_id is not None and (len(text) == length or text[length].isspace()):
                        self._held.setdefault(order_id, {})[found.incoming_order_id] = found
            start = page_end
        return calls

    def _already_held(self, order: BuiltOrder, held: list[models.IncomingOrder], result: SendResult) -> SendResult:
        """Poster holds an order with this order's marker that the journal did not know as sent."""
        ours = sorted((o for o in held if same_content(o, order.body)), key=lambda o: o.incoming_order_id)
        if not ours:
            ids = ", ".join(f"#{o.incoming_order_id}" for o in held)
            return self._fail(
                result,
                f"Poster already holds order {ids} with this order's marker but another phone or other lines;"
                " not sent (a changed order needs a new id)",
            )
        self._record(result, ours[0], found=True)
        result.outcome = SKIPPED
        result.warnings.append(
            f"already in Poster as order #{ours[0].incoming_order_id} (the journal did not know it); not sent again"
        )
        return result

    async def _post(self, order: BuiltOrder, result: SendResult) -> SendResult:
        rate_tries = 0
        while True:
            await asyncio.to_thread(self.journal.mark_attempt, order.order_id)
            result.posts += 1
            try:
                created = await self.api.create_incoming_order(order.body)
            except PosterRateLimited as err:  # refused before acting: safe to send again, slower
                rate_tries += 1
                if rate_tries > self.rate_retries:
                    return self._fail(
                        result,
                        f"{err.poster_message or 'rate limited'} (error 700) after {rate_tries} tries; re-run later",
                    )
                await self._sleep(self._backoff(self.rate_backoff, rate_tries))
                continue
            except PosterTransportError as err:
                if not err.maybe_processed:
                    result.network = True
                    return self._fail(result, err.reason)
                log.debug("order %s: %s; looking it up before any resend", order.order_id, err.reason)
                entry = self.journal.get(order.order_id)
                assert entry is not None
                if await self._settle(entry, result):
                    return result
                if result.posts >= self.max_posts:
                    return self._fail(
                        result, f"no answer from Poster {result.posts} times ({err.reason}); not in Poster"
                    )
                continue
            except PosterAuthError:
                raise
            except PosterError as err:
                return self._fail(result, str(err))
            return self._record(result, created, found=False)

    async def _settle(self, entry: JournalEntry, result: SendResult) -> bool:
        """Look the order up; True (and journaled) when Poster has it, False when it certainly
        does not; :class:`_Unconfirmed` when Poster could not be asked."""
        found = await self.find(entry)
        if found is None:
            return False
        self._record(result, found[0], found=True)
        if len(found) > 1:
            ids = ", ".join(str(o.incoming_order_id) for o in found)
            result.warnings.append(f"Poster holds {len(found)} orders for {entry.order_id}: {ids}")
        return True

    async def find(self, entry: JournalEntry) -> list[models.IncomingOrder] | None:
        """Poster's orders carrying this site order's marker (oldest first), or None when it is
        certainly absent: at least two lookups succeeded without it, the last one after the
        longest wait (an order may land in Poster's lists a little after it was created)."""
        confirmations = 0
        last_error: str | None = None
        for delay in (0.0, *self.lookup_delays):
            if delay:
                await self._sleep(delay)
            try:
                orders = await self.lookup_window(entry)
            except PosterAuthError:
                raise
            except (PosterError, PosterTransportError) as err:
                last_error = str(err)
                continue
            last_error = None
            matches = sorted(
                (o for o in orders if self.is_ours(o, entry)),
                key=lambda o: o.incoming_order_id,
            )
            if matches:
                return matches
            confirmations += 1
        if confirmations >= 2 and last_error is None:
            return None
        raise _Unconfirmed(last_error or "too few successful lookups")

    def is_ours(self, order: models.IncomingOrder, entry: JournalEntry) -> bool:
        """Poster's order is this site order: its comment starts with the marker (under the
        current comment template, or it is exactly the comment that was sent: the template may
        have changed since), and its phone and lines are the ones sent (:mod:`.marker`)."""
        sent = entry.body.get("comment")
        marked = bool(sent and order.comment.strip() == str(sent).strip()) or comment_matches(
            order.comment, self.comment_template, entry.order_id
        )
        return marked and same_content(order, entry.body)

    async def lookup_window(self, entry: JournalEntry) -> list[models.IncomingOrder]:
        """Poster's orders from the journal row's creation until now, widened by 14.5 hours each
        way: Poster's times are in the account's time zone, which may be anywhere."""
        start = datetime.fromisoformat(entry.created_at) - TZ_REACH - timedelta(minutes=5)
        end = self._now() + TZ_REACH + timedelta(minutes=5)
        window = {"date_from": start.strftime(POSTER_TIME), "date_to": end.strftime(POSTER_TIME)}
        return await self._list(window)

    async def _list(self, window: dict[str, str]) -> list[models.IncomingOrder]:
        """Poster's own incoming orders in ``window``; every incoming order when Poster refuses
        the own-variant to this token (remembered for the rest of the run)."""
        if self._own is not False:
            try:
                orders: list[models.IncomingOrder] = await self.api.get_incoming_orders(own=True, **window)
                self._own = True
                return orders
            except (PosterAuthError, PosterRateLimited):
                raise
            except PosterError as err:
                if self._own:  # it worked before: this is not a refusal of the method
                    raise
                log.debug("getOwnIncomingOrders refused (%s); using getIncomingOrders", err.code)
                self._own = False
        fallback: list[models.IncomingOrder] = await self.api.get_incoming_orders(own=False, **window)
        return fallback

    def _record(self, result: SendResult, created: models.IncomingOrder, *, found: bool) -> SendResult:
        entry = self.journal.mark_sent(result.order_id, created)
        result.outcome, result.state = SENT, entry.state
        result.incoming_order_id = created.incoming_order_id
        result.found_by_lookup = found
        result.order = created
        result.reason = None
        return result

    def _fail(self, result: SendResult, reason: str) -> SendResult:
        self.journal.mark_failed(result.order_id, reason)
        result.outcome, result.state, result.reason = FAILED_OUTCOME, FAILED, reason
        return result

    @staticmethod
    def _backoff(base: float, attempt: int) -> float:
        return random.uniform(base / 2, base) * min(2.0 ** (attempt - 1), 16.0)
