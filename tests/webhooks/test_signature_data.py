"""``data`` in the webhook signature follows the docs' PHP check, ``isset($postData['data'])``:
a key that is present and not null is signed, the empty string included; ``null`` or no key is not.

Every expected ``verify`` here is md5 computed with hashlib from the documented formula, never
with the code under test. The bodies are written as Poster documents them (``en/web/webhooks.md``).
"""

from __future__ import annotations

import hashlib
import json
import warnings

import pytest

from poster_cli.poster.signature import verify_matches, webhook_verify
from poster_cli.sandbox.webhooks import WebhookEmitter
from poster_cli.webhooks.events import DeliveryRejected, check_delivery

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = "fe2bc8e865d8fc2236968ee53c3b2bd5"
NOW = 1518794257


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def event_with_empty_data() -> dict:
    body = {
        "account": "api-demo",
        "account_number": "203941",
        "object": "transaction",
        "object_id": 1,
        "action": "changed",
        "time": str(NOW),
        "data": "",
    }
    # isset("") is true in PHP: the empty string is joined in, giving ";;" before the time
    body["verify"] = md5(f"api-demo;transaction;1;changed;;{NOW};{SECRET}")
    return body


def test_empty_data_is_part_of_the_signature():
    body = event_with_empty_data()
    assert webhook_verify(body, SECRET) == body["verify"]
    assert verify_matches(body, SECRET)


def test_null_data_is_left_out_like_an_absent_key():
    body = {"account": "api-demo", "object": "product", "object_id": 5, "action": "added", "time": str(NOW)}
    expected = md5(f"api-demo;product;5;added;{NOW};{SECRET}")
    assert webhook_verify(body, SECRET) == expected
    assert webhook_verify({**body, "data": None}, SECRET) == expected


def test_the_receiver_accepts_a_real_event_with_empty_data():
    checked = check_delivery(event_with_empty_data(), SECRET, now=NOW)
    assert checked.data == ""


def test_the_receiver_still_refuses_empty_data_signed_without_it():
    body = event_with_empty_data()
    body["verify"] = md5(f"api-demo;transaction;1;changed;{NOW};{SECRET}")  # what we used to expect
    with pytest.raises(DeliveryRejected) as err:
        check_delivery(body, SECRET, now=NOW)
    assert err.value.status == 401


def test_the_receiver_app_answers_200_to_empty_data_over_http(tmp_path):
    from poster_cli.webhooks.app import ReceiverConfig, create_app
    from poster_cli.webhooks.processor import Outcome

    class Nothing:
        async def process(self, event):
            return Outcome(summary="seen")

    app = create_app(
        ReceiverConfig(secret=SECRET, store_path=tmp_path / "w.sqlite", max_age=0), Nothing(), log=lambda _: None
    )
    with TestClient(app) as client:
        resp = client.post(
            "/webhook", content=json.dumps(event_with_empty_data()), headers={"content-type": "application/json"}
        )
    assert resp.status_code == 200, resp.text


def test_the_sandbox_signs_empty_data_the_way_poster_does():
    emitter = WebhookEmitter(None, SECRET, account="api-demo", account_number="203941", clock=lambda: NOW)
    body = emitter.event("transaction", 1, "changed", "")
    assert body["data"] == ""
    assert body["verify"] == md5(f"api-demo;transaction;1;changed;;{NOW};{SECRET}")
