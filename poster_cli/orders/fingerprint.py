"""Whether a site order is the same order it was: what the site sent decides, never today's prices.

A re-run of a batch after a price change must skip the orders already sent and send the new ones.
The fingerprint of a site order is therefore taken from the site's request (items with their
options and counts, phone, client, paid, names, address, comment, spot), not from the request
body, whose ``payment.sum`` is computed from the menu at the time. Lines naming the same item are
added up and their order does not matter (the builder merges them the same way).

Journal rows written before the fingerprint existed have only the body; for them the body is
compared without its price-derived parts (:func:`body_fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any, Mapping

from poster_cli.orders.build import OrderRequest, normalize_phone


def _digest(doc: Any) -> str:
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: str | None) -> str:
    return (value or "").strip()


def request_fingerprint(req: OrderRequest) -> str:
    """The site order's content: equal for the same order whatever the menu says now."""
    counts: dict[str, Decimal] = {}
    for item in req.items:
        ref = item.item.strip()
        counts[ref] = counts.get(ref, Decimal(0)) + item.count
    phone = None
    if req.phone:
        phone = normalize_phone(req.phone)[0] or req.phone.strip()
    return _digest(
        {
            "items": sorted([ref, format(count.normalize(), "f")] for ref, count in counts.items()),
            "phone": phone,
            "client_id": req.client_id,
            "spot_id": req.spot_id,
            "paid": bool(req.paid),
            "first_name": _text(req.first_name),
            "last_name": _text(req.last_name),
            "email": _text(req.email),
            "address": _text(req.address),
            "comment": _text(req.comment),
        }
    )


def body_fingerprint(body: Mapping[str, Any]) -> str:
    """A request body without what today's prices decide (``payment.sum``): for journal rows that
    carry no request fingerprint."""
    doc = dict(body)
    payment = doc.get("payment")
    if isinstance(payment, Mapping):
        doc["payment"] = {k: v for k, v in payment.items() if k != "sum"}
    return _digest(doc)


def same_order(entry: Any, body: Mapping[str, Any], request_hash: str | None) -> bool:
    """Whether a journal entry (``request_hash``, ``body``) holds the order described by ``body``
    and ``request_hash``: by the site's content when both sides have it, else by the body without
    its prices."""
    if entry.request_hash is not None and request_hash is not None:
        return bool(entry.request_hash == request_hash)
    from poster_cli.orders.marker import upgraded_body

    mine = body_fingerprint(body)
    return body_fingerprint(entry.body) == mine or body_fingerprint(upgraded_body(entry.body)) == mine
