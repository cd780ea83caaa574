"""Poster's webhook signature.

``verify`` = md5 hex of ``account;object;object_id;action;[data;]time;application_secret``: the
fields joined with ``;``, each exactly as sent. ``data`` is joined in when the event carries it
and it is not null, as the docs' PHP check ``isset($postData['data'])`` does: an empty string
counts (it gives ``;;``), ``null`` or no key does not.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Mapping


def _field(value: Any) -> str:
    return "" if value is None else str(value)


def webhook_verify(event: Mapping[str, Any], secret: str) -> str:
    """The ``verify`` value Poster sends for ``event`` (``data`` included when present and not null)."""
    parts = [
        _field(event.get("account")),
        _field(event.get("object")),
        _field(event.get("object_id")),
        _field(event.get("action")),
    ]
    if event.get("data") is not None:  # PHP's isset(): "" is set, null is not
        parts.append(_field(event["data"]))
    parts += [_field(event.get("time")), secret]
    return hashlib.md5(";".join(parts).encode("utf-8")).hexdigest()


def verify_matches(event: Mapping[str, Any], secret: str) -> bool:
    """Constant-time check of the event's ``verify`` field."""
    given = event.get("verify")
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.lower(), webhook_verify(event, secret))
