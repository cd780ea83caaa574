"""The site order marker in a Poster order's comment, and how an order Poster lists is known as ours.

``createIncomingOrder`` has no idempotency key, so after a lost answer the order is found again by
the marker (``Site order #WEB-1001``, the ``comment_template`` setting) that was put in its comment.
The customer's own comment shares that field, so customer text must never be able to pose as a
marker (a comment quoting "Site order #WEB-D" would otherwise make a lookup for WEB-D take this
order for it, and WEB-D would never be created):

* the marker is the comment's first line, alone: ``Site order #WEB-1001\\n<customer's comment>``;
  a comment carries a marker only when it *starts* with it, so customer text, always after the
  first line break, cannot reach that place;
* marker-like text inside the customer's comment is neutralised: the template's fixed text is
  bracketed (``Site order #WEB-D`` → ``[Site order #]WEB-D``), so a person reading the comment at
  the register still sees what the customer wrote and no reader takes it for a marker;
* a Poster order carrying the marker is ours only when its phone (or client) and its lines
  (product, modification, count) are the ones that were sent (:func:`same_content`).
  Inferred [order-phone-form]: Poster may give the phone back in its own form, so only its last 9
  digits are compared.

Comments written before the marker had a line of its own (``Site order #7 — call me``) still match:
they start with the marker too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from poster_cli.poster import models

DEFAULT_TEMPLATE = "Site order #{order_id}"
LEGACY_SEPARATOR = " — "  # between the marker and the customer's comment, before the marker had its line
PHONE_TAIL = 9  # digits compared: Poster may store a phone without + or country code (inferred)


def marker(template: str, order_id: str) -> str:
    """The marker of ``order_id``: one line (line breaks in the template become spaces)."""
    return " ".join(template.format(order_id=order_id).split())


def _fixed_text(template: str) -> str:
    """The template's text before ``{order_id}`` (``Site order #``), whitespace-trimmed."""
    return " ".join(template.split("{order_id}", 1)[0].split())


def neutralise(template: str, text: str) -> str:
    """``text`` with every copy of the template's fixed text bracketed, whatever its case or
    spacing: ``please pack like Site order #WEB-D`` → ``please pack like [Site order #]WEB-D``."""
    fixed = _fixed_text(template)
    if not fixed:
        return text
    pattern = r"\s+".join(re.escape(word) for word in fixed.split())
    return re.sub(pattern, lambda m: f"[{m.group(0)}]", text, flags=re.IGNORECASE)


def render_comment(template: str, order_id: str, customer_comment: str | None) -> str:
    """The marker alone on the first line, then the customer's comment, neutralised."""
    line = marker(template, order_id)
    customer = neutralise(template, (customer_comment or "").strip())
    return f"{line}\n{customer}" if customer else line


def comment_matches(comment: str | None, template: str, order_id: str) -> bool:
    """Whether a Poster order's comment starts with this site order's marker, followed by a line
    break, whitespace or nothing (``#12`` is not ``#123``; a marker further in is customer text)."""
    if not comment:
        return False
    text = comment.lstrip()
    line = marker(template, order_id)
    return text.startswith(line) and (len(text) == len(line) or text[len(line)].isspace())


def upgraded_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """A body journaled before the marker had its own line (``Site order #7 — call me``), with
    its comment as it is written now (``Site order #7\ncall me``): the same order, so a re-run
    does not take it for a changed one."""
    comment = body.get("comment")
    if not isinstance(comment, str) or "\n" in comment or LEGACY_SEPARATOR not in comment:
        return dict(body)
    return {**body, "comment": comment.replace(LEGACY_SEPARATOR, "\n", 1)}


def _digits(phone: Any) -> str:
    return "".join(c for c in str(phone or "") if c.isdigit())


def _count(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


def same_content(order: models.IncomingOrder, body: Mapping[str, Any]) -> bool:
    """Whether Poster's ``order`` is the one ``body`` asked for: the same phone (its last digits)
    or client, the same spot, and the same lines (product, modification, count). A field Poster
    left out of its answer is not held against it; one it gives differently is."""
    phone = _digits(body.get("phone"))
    theirs = _digits(order.phone)
    if phone and theirs and phone[-PHONE_TAIL:] != theirs[-PHONE_TAIL:]:
        return False
    client = body.get("client_id")
    if client and order.client_id and int(client) != order.client_id:
        return False
    if order.spot_id and body.get("spot_id") and int(body["spot_id"]) != order.spot_id:
        return False
    if not order.products:
        return True
    sent = Counter(
        (int(line["product_id"]), int(line.get("modificator_id") or 0), _count(line.get("count")))
        for line in body.get("products") or []
    )
    held = Counter((line.product_id, line.modificator_id or 0, _count(line.count)) for line in order.products)
    return sent == held


__all__ = [
    "DEFAULT_TEMPLATE",
    "comment_matches",
    "marker",
    "neutralise",
    "render_comment",
    "same_content",
    "upgraded_body",
]
