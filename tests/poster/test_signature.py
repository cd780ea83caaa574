"""The webhook signature's edges: a null field, hex case, a missing or non-text ``verify``.

Every expected value is md5 computed here with hashlib from the documented formula
(``account;object;object_id;action;[data;]time;secret``), never with the code under test.
"""

from __future__ import annotations

import hashlib
from typing import Any

from poster_cli.poster.signature import verify_matches, webhook_verify

SECRET = "fe2bc8e865d8fc2236968ee53c3b2bd5"


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "account": "api-demo",
        "object": "incoming_order",
        "object_id": 42,
        "action": "changed",
        "time": "1518794257",
    }
    base.update(fields)
    return base


def test_a_null_field_is_signed_as_an_empty_string_as_phps_concatenation_does() -> None:
    # PHP's "$a . ';'" turns null into "", so Poster's verify has nothing between the semicolons
    assert webhook_verify(event(account=None), SECRET) == md5(f";incoming_order;42;changed;1518794257;{SECRET}")


def test_upper_case_hex_is_the_same_signature() -> None:
    good = md5(f"api-demo;incoming_order;42;changed;1518794257;{SECRET}")
    assert verify_matches(event(verify=good.upper()), SECRET)
    assert verify_matches(event(verify=good), SECRET)


def test_no_verify_an_empty_one_or_one_that_is_not_text_is_refused() -> None:
    assert not verify_matches(event(), SECRET)
    assert not verify_matches(event(verify=""), SECRET)
    assert not verify_matches(event(verify=None), SECRET)
    assert not verify_matches(event(verify=12345), SECRET)  # a number: refused, never a crash
    assert not verify_matches(event(verify=["x"]), SECRET)


def test_data_is_signed_between_the_action_and_the_time_and_null_data_is_not() -> None:
    data = '{"value_relative":"2","type":"1"}'
    assert webhook_verify(event(data=data), SECRET) == md5(
        f"api-demo;incoming_order;42;changed;{data};1518794257;{SECRET}"
    )
    assert webhook_verify(event(data=None), SECRET) == md5(f"api-demo;incoming_order;42;changed;1518794257;{SECRET}")
