"""One webhook delivery: read the body, check the signature and the age.

Poster posts JSON (``account, account_number, object, object_id, action, time, verify, data?``).
Form-encoded bodies are read too. ``verify`` is checked by
:func:`poster_cli.poster.signature.verify_matches`; fields keep the exact text Poster sent,
because the signature is computed over that text.
"""

from __future__ import annotations

import json
import time as _time
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qsl

from poster_cli import safe_json
from poster_cli.poster.signature import verify_matches

MAX_BODY = 64 * 1024
DEFAULT_MAX_AGE = 24 * 3600  # seconds between Poster's `time` and our clock, either way
REQUIRED = ("account", "object", "object_id", "action", "time")


class DeliveryRejected(Exception):
    """The delivery is refused; ``status`` is the HTTP answer (400, 401, 413)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class WebhookEvent:
    """A verified event, fields as Poster sent them (as text)."""

    account: str
    object: str
    object_id: str
    action: str
    time: str
    data: str | None = None
    account_number: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What identifies a delivery: a redelivery repeats all of it."""
        return (self.account, self.object, self.object_id, self.action, self.time)

    @property
    def object_int(self) -> int | None:
        try:
            return int(self.object_id)
        except ValueError:
            return None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "account": self.account,
            "account_number": self.account_number,
            "object": self.object,
            "object_id": self.object_id,
            "action": self.action,
            "time": self.time,
        }
        if self.data is not None:
            d["data"] = self.data
        return d


def _text(value: Any) -> str:
    """A field as text, the way PHP's implode would see a scalar."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, (dict, list)):
        # Poster sends ``data`` as a JSON string; an object here is re-serialised compactly.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else str(value)


MAX_DEPTH = 8  # a delivery is a flat object (``data`` is a JSON string): anything deep is an attack


def parse_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """The delivery's fields from a JSON or form-encoded body (400 when neither)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise DeliveryRejected(400, "body is not UTF-8") from None
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    if kind not in ("application/json", "", "text/json") and not kind.endswith("+json"):
        raise DeliveryRejected(400, f"unsupported content type {kind!r}")
    try:
        payload = safe_json.loads(text, max_depth=MAX_DEPTH)
    except safe_json.JsonTooDeep:
        raise DeliveryRejected(400, f"body nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError:
        raise DeliveryRejected(400, "body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise DeliveryRejected(400, "body is not a JSON object")
    return payload


def check_delivery(
    fields: Mapping[str, Any], secret: str, *, max_age: float = DEFAULT_MAX_AGE, now: float | None = None
) -> WebhookEvent:
    """Verify the fields and return the event; raise :class:`DeliveryRejected` otherwise.

    400 for missing fields or a non-numeric ``time``; 401 for an absent or wrong signature, or a
    ``time`` further than ``max_age`` seconds from now (0 turns the age check off).
    """
    missing = [k for k in REQUIRED if _text(fields.get(k)) == ""]
    if missing:
        raise DeliveryRejected(400, f"missing {', '.join(missing)}")
    as_text = {k: _text(v) for k, v in fields.items() if v is not None}
    try:
        sent_at = int(as_text["time"])
    except ValueError:
        raise DeliveryRejected(400, "time is not a unix timestamp") from None
    if not as_text.get("verify"):
        raise DeliveryRejected(401, "unsigned (no verify field)")
    if not verify_matches(as_text, secret):
        raise DeliveryRejected(401, "bad signature")
    if max_age and abs((now if now is not None else _time.time()) - sent_at) > max_age:
        raise DeliveryRejected(401, f"stale: time {sent_at} is more than {int(max_age)}s from now")
    return WebhookEvent(
        account=as_text["account"],
        object=as_text["object"],
        object_id=as_text["object_id"],
        action=as_text["action"],
        time=as_text["time"],
        data=as_text.get("data") if "data" in fields else None,
        account_number=as_text.get("account_number"),
    )
