"""A correctly signed sample event, posted to a receiver (``webhooks test``), the way Poster would."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from poster_cli.poster.signature import webhook_verify


def sample_event(
    secret: str,
    *,
    account: str = "sandbox",
    account_number: str = "1",
    object: str = "incoming_order",
    object_id: int | str = 1,
    action: str = "changed",
    data: str | None = None,
    sent_at: int | None = None,
) -> dict[str, Any]:
    """An event body with its ``verify`` computed from ``secret``."""
    event: dict[str, Any] = {
        "account": account,
        "account_number": account_number,
        "object": object,
        "object_id": str(object_id),
        "action": action,
        "time": str(int(time.time()) if sent_at is None else sent_at),
    }
    if data is not None:
        event["data"] = data
    event["verify"] = webhook_verify(event, secret)
    return event


@dataclass(frozen=True)
class ReceiverAnswer:
    url: str
    status: int
    body: str
    event: dict[str, Any]

    @property
    def accepted(self) -> bool:
        return self.status == 200

    def to_dict(self) -> dict[str, Any]:
        event = dict(self.event)
        return {"url": self.url, "status": self.status, "accepted": self.accepted, "answer": self.body, "event": event}


def send_event(
    url: str, event: dict[str, Any], *, timeout: float = 10.0, transport: httpx.BaseTransport | None = None
) -> ReceiverAnswer:
    """POST the event as JSON; a receiver that cannot be reached raises ``httpx.TransportError``."""
    with httpx.Client(timeout=timeout, transport=transport) as http:
        resp = http.post(url, json=event)
    return ReceiverAnswer(url=url, status=resp.status_code, body=resp.text[:2000], event=event)
