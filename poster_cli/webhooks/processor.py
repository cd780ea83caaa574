"""What an event changes here: the order journal, the menu snapshot.

* ``incoming_order`` → ``incomingOrders.getIncomingOrder`` (and ``dash.getTransaction`` when the
  order has a receipt, to see whether it is closed) → the journal row becomes ``accepted``,
  ``declined`` or ``closed``.
* ``product`` / ``dish`` → ``menu.getProduct`` (``removed``, or a product Poster no longer has,
  drops it) → the snapshot is rewritten atomically, and the mapping links to that product are
  checked with the same core as ``sync`` (:func:`poster_cli.mapping_sync.check_mapping`).
* ``category`` → ``menu.getCategories`` replaces the snapshot's categories.
* anything else is stored and handed to the ``--on-event`` command unchanged.

The result's ``details`` enrich the JSON given to ``--on-event`` (``order_status``,
``site_order_id``, ``product_name``, ``broken_links``…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poster_cli.poster import models
from poster_cli.poster.errors import PosterError, PosterNotFound, PosterPermissionError
from poster_cli.webhooks.events import WebhookEvent

MENU_OBJECTS = frozenset({"product", "dish"})
MENU_LOCK_TIMEOUT = 120.0  # seconds to wait for a running `sync` to finish with the snapshot


@dataclass
class Outcome:
    """What processing one event did: a short ``summary`` for the log line, ``details`` for the
    hook, and whether a person should look (``attention``: broken mapping links)."""

    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    attention: bool = False


def site_order_id_from_comment(comment: str, template: str) -> str | None:
    """The site order id the marker (``comment_template``) put into an order's comment."""
    head, _, tail = template.partition("{order_id}")
    pattern = re.escape(head) + r"(\S+?)" + (re.escape(tail) if tail else r"(?=\s|$|[,;.)])")
    found = re.search(pattern, comment or "")
    return found.group(1) if found else None


class EventProcessor:
    """Applies events to the files under the data folder, asking Poster through ``api``."""

    def __init__(
        self,
        api: Any,
        *,
        menu_path: Path,
        mapping_path: Path,
        journal_path: Path,
        spot_id: int | None = None,
        comment_template: str = "Site order #{order_id}",
    ) -> None:
        self.api = api
        self.menu_path = menu_path
        self.mapping_path = mapping_path
        self.journal_path = journal_path
        self.spot_id = spot_id
        self.comment_template = comment_template

    @classmethod
    def from_settings(cls, api: Any, settings: Any) -> "EventProcessor":
        return cls(
            api,
            menu_path=settings.menu_path,
            mapping_path=settings.mapping_path,
            journal_path=settings.journal_path,
            spot_id=settings.spot_id,
            comment_template=settings.comment_template,
        )

    async def aclose(self) -> None:
        close = getattr(self.api, "aclose", None)
        if close is not None:
            await close()

    async def process(self, event: WebhookEvent) -> Outcome:
        """Apply one event; Poster errors other than "not found" propagate (the event is retried)."""
        if event.object == "incoming_order":
            return await self._incoming_order(event)
        if event.object in MENU_OBJECTS:
            return await self._menu_item(event)
        if event.object == "category":
            return await self._categories()
        if event.object == "transaction":
            return await self._transaction(event)
        return Outcome("stored (nothing to update for this object)")

    # -- orders -------------------------------------------------------------------------------

    async def _transaction(self, event: WebhookEvent) -> Outcome:
        """A receipt changed: when it belongs to an accepted order of ours, follow that order
        (its receipt may just have closed). Other receipts (walk-in guests) are only stored."""
        from poster_cli.orders.journal import ACCEPTED, OrderJournal

        transaction_id = event.object_int
        if transaction_id is None or not self.journal_path.exists():
            return Outcome("stored (not a receipt of a journaled order)")
        with OrderJournal(self.journal_path) as journal:
            ours = [
                e for e in journal.list(status=ACCEPTED) if e.transaction_id == transaction_id and e.incoming_order_id
            ]
        if not ours:
            return Outcome("stored (not a receipt of a journaled order)")
        outcome = await self._follow_order(ours[0].incoming_order_id)  # type: ignore[arg-type]
        outcome.details["transaction_id"] = transaction_id
        return outcome

    async def _incoming_order(self, event: WebhookEvent) -> Outcome:
        order_id = event.object_int
        if order_id is None:
            return Outcome("ignored: object_id is not an order number")
        return await self._follow_order(order_id)

    async def _follow_order(self, order_id: int) -> Outcome:
        from poster_cli.orders.journal import OrderJournal, state_from_poster

        try:
            order = await self.api.get_incoming_order(order_id)
        except PosterNotFound:
            return Outcome("order not found in Poster", {"incoming_order_id": order_id})
        transaction = None
        if order.transaction_id and order.status == models.ORDER_STATUS_ACCEPTED:
            try:
                transaction = await self.api.get_transaction(order.transaction_id)
            except (PosterNotFound, PosterPermissionError):
                transaction = None  # cannot see the receipt: the order stays "accepted"
        status = state_from_poster(order, transaction)
        site_id = site_order_id_from_comment(order.comment, self.comment_template)
        details: dict[str, Any] = {
            "incoming_order_id": order.incoming_order_id,
            "order_status": status,
            "site_order_id": site_id,
            "spot_id": order.spot_id,
            "transaction_id": order.transaction_id,
            "phone": order.phone,
            "first_name": order.first_name,
        }
        if not self.journal_path.exists():
            details["journal"] = None
            return Outcome(f"{status} (no order journal)", details)
        with OrderJournal(self.journal_path) as journal:
            entry = journal.find_by_incoming_id(order_id) or (journal.get(site_id) if site_id else None)
            if entry is None:
                details["journal"] = None
                return Outcome(f"{status} (not in the order journal)", details)
            updated = journal.update_from_poster(entry.order_id, order, transaction)
        details.update(site_order_id=updated.order_id, order_status=updated.state, journal=updated.state)
        return Outcome(f"{updated.state} (site order {updated.order_id})", details)

    # -- menu ---------------------------------------------------------------------------------

    def _menu_lock(self) -> Any:
        """The data folder's lock (`sync`, `pull`, `match` hold it while they write), so none interleave."""
        from poster_cli.locks import data_lock_async

        return data_lock_async(self.menu_path.parent, timeout=MENU_LOCK_TIMEOUT, purpose="webhooks serve")

    def _snapshot(self) -> Any:
        from poster_cli.menu import load_snapshot

        if not self.menu_path.exists():
            return None
        return load_snapshot(self.menu_path)

    async def _menu_item(self, event: WebhookEvent) -> Outcome:
        product_id = event.object_int
        if product_id is None:
            return Outcome("ignored: object_id is not a product number")
        async with self._menu_lock():
            return await self._update_product(event, product_id)

    async def _update_product(self, event: WebhookEvent, product_id: int) -> Outcome:
        from poster_cli.menu import save_snapshot

        snapshot = self._snapshot()
        if snapshot is None:
            return Outcome("no menu snapshot yet (run `poster-cli pull`)", {"product_id": product_id})
        raw: Any = None
        if event.action != "removed":
            try:
                raw = await self.api.call("menu.getProduct", {"product_id": product_id})
            except PosterNotFound:
                raw = None
        if not isinstance(raw, dict) or not raw:
            raw = None  # Poster no longer has it
        before = snapshot.product(product_id)
        updated = snapshot.with_product(raw, product_id)
        save_snapshot(updated, self.menu_path)
        after = updated.product(product_id)
        name = (after or before).name if (after or before) else None
        change = "removed" if after is None else ("added" if before is None else "updated")
        details: dict[str, Any] = {"product_id": product_id, "product_name": name, "menu_change": change}
        spot = updated.default_spot(self.spot_id)
        if after is not None and spot is not None:
            details["price"] = after.price_at(spot)  # kopecks at the spot (None: priced per modification)
            details["visible"] = after.visible_at(spot) and not after.hidden
        broken = self._broken_links(updated, product_id)
        details["broken_links"] = [b.to_dict() for b in broken]
        summary = f"menu {change}: {name or product_id}"
        if broken:
            summary += f"; {len(broken)} broken mapping link(s): " + ", ".join(
                f"{b.local_id} ({b.message})" for b in broken
            )
        return Outcome(summary, details, attention=bool(broken))

    def _broken_links(self, snapshot: Any, product_id: int) -> list[Any]:
        from poster_cli.mapping import load_mapping
        from poster_cli.mapping_sync import check_mapping

        mapping = load_mapping(self.mapping_path)
        spot = snapshot.default_spot(self.spot_id)
        return [b for b in check_mapping(mapping, snapshot, spot) if b.product_id == product_id]

    async def _categories(self) -> Outcome:
        from poster_cli.menu import MenuSnapshot, save_snapshot

        if not self.menu_path.exists():
            return Outcome("no menu snapshot yet (run `poster-cli pull`)")
        categories = await self.api.call("menu.getCategories")
        models.parse_list(categories, models.parse_category, "categories")  # refuse a shape we cannot read
        async with self._menu_lock():
            raw = dict(self._snapshot().raw)
            raw["categories"] = categories or []
            save_snapshot(MenuSnapshot(raw=raw), self.menu_path)
        return Outcome(f"menu categories refreshed ({len(raw['categories'])})", {"categories": len(raw["categories"])})


__all__ = ["EventProcessor", "Outcome", "site_order_id_from_comment", "PosterError"]
