"""The marker and the content check as plain rules: the marker's one line, how customer text is
neutralised, which Poster order counts as the one sent (phone tail, client, spot, lines), an
older journal body upgraded, and the site order's fingerprint (what the site sent decides)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest

from poster_cli.orders.build import ItemRequest, OrderRequest
from poster_cli.orders.fingerprint import body_fingerprint, request_fingerprint, same_order
from poster_cli.orders.marker import comment_matches, marker, neutralise, render_comment, same_content, upgraded_body
from poster_cli.poster import models

T = "Site order #{order_id}"
BODY = {
    "spot_id": 1,
    "phone": "+380501234567",
    "comment": "Site order #A-1",
    "products": [{"product_id": 138, "count": 2}, {"product_id": 139, "modificator_id": 147, "count": "0.5"}],
}


def held(**kw: Any) -> models.IncomingOrder:
    raw: dict[str, Any] = {
        "incoming_order_id": 5,
        "spot_id": 1,
        "status": 0,
        "phone": "+380501234567",
        "comment": "Site order #A-1",
        "products": [{"product_id": 139, "modificator_id": 147, "count": "0.50000"}, {"product_id": 138, "count": "2"}],
    }
    raw.update(kw)
    return models.parse_incoming_order(raw)


def test_a_template_spread_over_lines_makes_a_one_line_marker() -> None:
    assert marker("Site  order\n#{order_id}", "A-1") == "Site order #A-1"
    assert render_comment("Web\norder {order_id}", "A-1", " call me ") == "Web order A-1\ncall me"


def test_a_template_with_no_fixed_text_leaves_customer_text_alone() -> None:
    assert neutralise("{order_id}", "Site order #B-2") == "Site order #B-2"
    assert render_comment("{order_id}", "A-1", None) == "A-1"


def test_only_the_text_before_the_id_is_bracketed_in_customer_text() -> None:
    template = "Order {order_id} from the site"
    assert neutralise(template, "see ORDER B-2 from the site") == "see [ORDER] B-2 from the site"


@pytest.mark.parametrize(
    ("comment", "ours"),
    [
        (None, False),
        ("", False),
        ("Site order #A-1", True),
        ("  Site order #A-1", True),
        ("Site order #A-1\nno ice", True),
        ("Site order #A-1\tx", True),
        ("Site order #A-12", False),
        ("Site order #A-", False),
        ("x Site order #A-1", False),
    ],
)
def test_which_comments_carry_the_marker(comment: str | None, ours: bool) -> None:
    assert comment_matches(comment, T, "A-1") is ours


def test_the_same_lines_in_poster_s_own_form_are_the_order_sent() -> None:
    assert same_content(held(), BODY)
    assert same_content(held(phone="380501234567"), BODY)  # Poster's form of the phone: last 9 digits
    assert same_content(held(phone="0501234567"), BODY)
    assert same_content(held(products=[]), BODY)  # lines left out of the answer are not held against it
    assert same_content(held(phone=None, spot_id=None), BODY)


@pytest.mark.parametrize(
    "differs",
    [
        {"phone": "+380501234568"},
        {"phone": "+380601234567"},
        {"spot_id": 2},
        {"products": [{"product_id": 138, "count": "2"}]},
        {"products": [{"product_id": 138, "count": "3"}, {"product_id": 139, "modificator_id": 147, "count": "0.5"}]},
        {"products": [{"product_id": 138, "count": "2"}, {"product_id": 139, "modificator_id": 148, "count": "0.5"}]},
        {"products": [{"product_id": 138, "count": "2"}, {"product_id": 139, "count": "0.5"}]},
        {"products": [{"product_id": 137, "count": "2"}, {"product_id": 139, "modificator_id": 147, "count": "0.5"}]},
    ],
)
def test_another_phone_spot_or_line_is_another_order(differs: dict[str, Any]) -> None:
    assert not same_content(held(**differs), BODY)


def test_a_client_is_compared_when_both_name_one() -> None:
    body = {**BODY, "client_id": 77}
    assert same_content(held(client_id=77), body)
    assert not same_content(held(client_id=78), body)
    assert same_content(held(client_id=0), body)


def test_an_older_body_is_upgraded_once_and_others_are_left_alone() -> None:
    old = {**BODY, "comment": "Site order #A-1 — no ice — thanks"}
    assert upgraded_body(old) == {**BODY, "comment": "Site order #A-1\nno ice — thanks"}
    assert upgraded_body({**BODY, "comment": "Site order #A-1\nno ice — thanks"})["comment"] == (
        "Site order #A-1\nno ice — thanks"
    )
    assert upgraded_body({**BODY, "comment": None}) == {**BODY, "comment": None}
    assert upgraded_body(BODY) == BODY


def req(*items: tuple[str, str], **kw: Any) -> OrderRequest:
    kw.setdefault("phone", "+380 50 123-45-67")
    return OrderRequest(order_id="A-1", items=[ItemRequest(i, Decimal(c)) for i, c in items], **kw)


def test_the_fingerprint_is_sha256_of_what_the_site_sent() -> None:
    text = (
        '{"address":"","client_id":null,"comment":"no ice","email":"","first_name":"Olena","items":[["EV","3"]],'
        '"last_name":"","paid":true,"phone":"+380501234567","spot_id":null}'
    )
    fp = request_fingerprint(req(("EV", "1"), (" EV ", "2.0"), paid=True, first_name=" Olena ", comment="no ice "))
    assert fp == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_lines_in_another_order_or_split_are_the_same_site_order() -> None:
    a = request_fingerprint(req(("EV", "2"), ("BJ-APPLE", "1")))
    assert a == request_fingerprint(req(("BJ-APPLE", "1"), ("EV", "1"), ("EV", "1")))
    assert a == request_fingerprint(req(("EV", "2"), ("BJ-APPLE", "1"), phone="+380501234567"))


@pytest.mark.parametrize(
    "change",
    [
        {"phone": "+380501234568"},
        {"client_id": 5},
        {"spot_id": 2},
        {"paid": True},
        {"first_name": "Olena"},
        {"last_name": "K"},
        {"email": "a@b.c"},
        {"address": "Main st 1"},
        {"comment": "no ice"},
    ],
)
def test_any_field_the_site_sent_changes_the_fingerprint(change: dict[str, Any]) -> None:
    assert request_fingerprint(req(("EV", "2"), **change)) != request_fingerprint(req(("EV", "2")))


def test_a_phone_that_does_not_parse_still_counts_as_written() -> None:
    assert request_fingerprint(req(("EV", "1"), phone=" 12 ")) != request_fingerprint(req(("EV", "1"), phone="13"))
    assert request_fingerprint(req(("EV", "1"), phone=" 12 ")) == request_fingerprint(req(("EV", "1"), phone="12"))


def test_the_body_fingerprint_leaves_out_only_the_price() -> None:
    paid = {**BODY, "payment": {"type": 1, "sum": 38000, "currency": "UAH"}}
    repriced = {**BODY, "payment": {"type": 1, "sum": 40000, "currency": "UAH"}}
    assert body_fingerprint(paid) == body_fingerprint(repriced)
    assert body_fingerprint(paid) != body_fingerprint({**paid, "payment": {"type": 1, "sum": 38000, "currency": "USD"}})
    text = '{"payment":{"currency":"UAH","type":1},"spot_id":1}'
    assert body_fingerprint({"spot_id": 1, "payment": {"sum": 1, "type": 1, "currency": "UAH"}}) == (
        hashlib.sha256(text.encode("utf-8")).hexdigest()
    )


class Entry:
    def __init__(self, body: dict[str, Any], request_hash: str | None) -> None:
        self.body, self.request_hash = body, request_hash


def test_same_order_by_the_site_s_content_when_both_sides_have_it_else_by_the_body() -> None:
    assert same_order(Entry(BODY, "r1"), {**BODY, "phone": "+380671112233"}, "r1")
    assert not same_order(Entry(BODY, "r1"), BODY, "r2")
    assert same_order(Entry(BODY, None), BODY, "r2")
    assert not same_order(Entry(BODY, None), {**BODY, "phone": "+380671112233"}, "r2")
    assert same_order(Entry(BODY, "r1"), BODY, None)
    legacy = {**BODY, "comment": "Site order #A-1 — no ice"}
    assert same_order(Entry(legacy, None), {**BODY, "comment": "Site order #A-1\nno ice"}, None)


def test_a_template_naming_the_id_twice_brackets_the_text_before_the_first() -> None:
    assert neutralise("#{order_id} ({order_id})", "see #B-2 (B-2)") == "see [#]B-2 (B-2)"


def test_the_fingerprint_keeps_letters_as_written_and_a_missing_phone_as_null() -> None:
    text = (
        '{"address":"","client_id":7,"comment":"","email":"","first_name":"Олена","items":[["EV","1"]],'
        '"last_name":"","paid":false,"phone":null,"spot_id":null}'
    )
    fp = request_fingerprint(req(("EV", "1"), phone=None, client_id=7, first_name="Олена"))
    assert fp == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_count_of_ten_is_written_out_in_the_fingerprint() -> None:
    text = (
        '{"address":"","client_id":null,"comment":"","email":"","first_name":"","items":[["EV","10"]],'
        '"last_name":"","paid":false,"phone":"+380501234567","spot_id":null}'
    )
    assert request_fingerprint(req(("EV", "10"))) == hashlib.sha256(text.encode("utf-8")).hexdigest()
