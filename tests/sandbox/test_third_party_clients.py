"""Requests that Poster clients we did not write send, replayed against the sandbox.

Each request is written from the client's documented usage and Poster's docs, not from their code:

* the official PHP SDK (joinposter/api-php, README "Example of OAuth using"): the authorisation
  URL names the application ``client_id``; ``get_oauth_token($account, $code)`` posts the code to
  ``https://{account}.joinposter.com/api/auth/access_token`` (no ``v2``) as a multipart form with
  ``client_id``, ``client_secret``, ``grant_type``, ``redirect_uri``, ``code``; method calls are
  ``GET {api}/{method}?format=json&token=...`` (``PosterAPI::dash_getAnalytics($params)``);
* a Telegram bot in PHP: the same older path, with ``application_id``/``application_secret``
  form fields;
* typed clients that require every field real answers carry (``group_modifications[].type``,
  ``fiscal_code``, ``master_id``, ``sources``, a category's ``visible[]``).

Totals are literals from the demo café's price list (``data/cafe.json``): Еспресо 45.00 at spot 1,
Капучино 400 мл 80.00 at spot 1. Signatures are md5 computed here with hashlib.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.sandbox import make_sandbox
from tests.support.sandbox_api import error_code, ok

PHP_SDK_SECRET = "1362900b6c441dd0f219bd0974c7e2b8"  # the README's example application_secret
REDIRECT = "http://my_domain.com/test_api.php"


def raw(sandbox, method: str, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=sandbox.transport, base_url="http://sandbox.test") as http:
            return await http.request(method, path, **kwargs)

    return asyncio.run(go())


def authorisation_code(sandbox, app_field: str) -> str:
    resp = raw(
        sandbox,
        "GET",
        "/api/auth",
        params={"response_type": "code", app_field: "1", "redirect_uri": REDIRECT},
    )
    assert resp.status_code == 302, resp.text
    query = parse_qs(urlsplit(resp.headers["location"]).query)
    assert query["account"] == [sandbox.state.account]
    return query["code"][0]


# -- 1. the older access_token path ---------------------------------------------------------------


def test_php_sdk_gets_a_token_from_the_path_without_v2_and_then_reads_the_menu():
    sandbox = make_sandbox(app_secret=PHP_SDK_SECRET)
    code = authorisation_code(sandbox, "client_id")
    fields = {
        "client_id": "1",
        "client_secret": PHP_SDK_SECRET,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
    }
    # curl with an array of POST fields sends multipart/form-data
    resp = raw(sandbox, "POST", "/api/auth/access_token", files={k: (None, v) for k, v in fields.items()})
    assert resp.status_code == 200, resp.text
    token = resp.json()["access_token"]
    assert token.startswith(sandbox.state.account_number + ":")
    menu = raw(sandbox, "GET", "/api/menu.getProducts", params={"format": "json", "token": token})
    assert len(ok(menu)) >= 60  # type: ignore[arg-type]


def test_php_bot_gets_a_token_with_application_fields_on_the_older_path():
    sandbox = make_sandbox(app_secret=PHP_SDK_SECRET)
    code = authorisation_code(sandbox, "application_id")
    resp = raw(
        sandbox,
        "POST",
        "/api/auth/access_token",
        data={
            "application_id": "1",
            "application_secret": PHP_SDK_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": code,
        },
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["access_token"] in sandbox.state.doc["issued_tokens"]


def test_the_older_path_still_refuses_a_wrong_secret():
    sandbox = make_sandbox(app_secret=PHP_SDK_SECRET)
    code = authorisation_code(sandbox, "client_id")
    resp = raw(
        sandbox,
        "POST",
        "/api/auth/access_token",
        data={
            "client_id": "1",
            "client_secret": "0" * 32,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": code,
        },
    )
    assert resp.status_code == 400
    assert "access_token" not in resp.json()


# -- 2. and 6. fields typed clients require ------------------------------------------------------


def php_get(sandbox, method: str, **params) -> object:
    return ok(raw(sandbox, "GET", f"/api/{method}", params={"format": "json", "token": sandbox.token, **params}))


def test_every_dish_modifier_group_has_a_type():
    products = php_get(make_sandbox(), "menu.getProducts")
    groups = [g for p in products for g in p.get("group_modifications", [])]  # type: ignore[union-attr]
    assert groups
    for g in groups:
        assert isinstance(g["type"], int), g
        assert g["type"] == (1 if g["num_max"] == 1 else 2)


def test_products_carry_fiscal_code_master_id_and_sources():
    products = php_get(make_sandbox(), "menu.getProducts")
    for p in products:  # type: ignore[union-attr]
        assert "fiscal_code" in p and isinstance(p["master_id"], str) and isinstance(p["sources"], list), p
    espresso = next(p for p in products if p["product_id"] == "101")  # type: ignore[union-attr]
    assert espresso["sources"], espresso
    for source in espresso["sources"]:
        assert set(source) == {"id", "name", "price", "visible"}
        assert all(isinstance(v, str) for v in source.values())


def test_a_dish_out_is_its_ingredients_netto_and_a_product_out_is_zero():
    products = php_get(make_sandbox(), "menu.getProducts")
    dishes = [p for p in products if p["type"] == "2"]  # type: ignore[union-attr]
    assert any(d["out"] for d in dishes), "every dish has out 0"
    for d in dishes:
        assert d["out"] == sum(int(i["structure_netto"]) for i in d["ingredients"]), d["product_name"]
    assert all(p["out"] == 0 for p in products if p["type"] == "3")  # type: ignore[union-attr]


def test_categories_carry_visibility_per_spot_and_photos():
    sandbox = make_sandbox()
    cats = php_get(sandbox, "menu.getCategories")
    spot_ids = sorted(s["id"] for s in sandbox.state.doc["spots"])
    for c in cats:  # type: ignore[union-attr]
        assert "category_photo" in c and "category_photo_origin" in c
        assert sorted(v["spot_id"] for v in c["visible"]) == spot_ids
        assert all(v["visible"] in (0, 1) for v in c["visible"])
    coffee = next(c for c in cats if c["category_id"] == "1")  # type: ignore[union-attr]
    assert coffee["category_photo"] and coffee["category_photo_origin"]


def test_get_categories_with_fiscal_filters_them():
    sandbox = make_sandbox()
    every = php_get(sandbox, "menu.getCategories")
    fiscal = php_get(sandbox, "menu.getCategories", fiscal="1")
    other = php_get(sandbox, "menu.getCategories", fiscal="0")
    assert fiscal and other
    assert {c["fiscal"] for c in fiscal} == {"1"}  # type: ignore[union-attr]
    assert {c["fiscal"] for c in other} == {"0"}  # type: ignore[union-attr]
    assert len(fiscal) + len(other) == len(every)  # type: ignore[arg-type]


# -- 3. methods that were missing ----------------------------------------------------------------


ORDER = {
    "spot_id": 1,
    "phone": "+380501234567",
    "products": [{"product_id": 101, "count": 3}, {"product_id": 104, "modificator_id": 1004, "count": 2}],
}
ORDER_TOTAL = 3 * 4500 + 2 * 8000  # 29,500 kopecks


def create(sandbox, body: dict) -> dict:
    return ok(sandbox.request("incomingOrders.createIncomingOrder", json=body))  # type: ignore[return-value]


def test_get_own_incoming_order_returns_this_applications_order():
    sandbox = make_sandbox()
    order = create(sandbox, ORDER)
    answer = php_get(sandbox, "incomingOrders.getOwnIncomingOrder", incoming_order_id=order["incoming_order_id"])
    assert answer["incoming_order_id"] == order["incoming_order_id"]  # type: ignore[index]
    assert [p["product_id"] for p in answer["products"]] == [101, 104]  # type: ignore[index]
    missing = raw(
        sandbox,
        "GET",
        "/api/incomingOrders.getOwnIncomingOrder",
        params={"token": sandbox.token, "incoming_order_id": 9},
    )
    assert error_code(missing) == 42


def test_application_get_info_names_the_user_and_the_owner():
    sandbox = make_sandbox()
    info = php_get(sandbox, "application.getInfo")
    assert set(info["user"]) >= {"id", "name", "access_mask", "email"}  # type: ignore[index]
    assert info["ownerInfo"]["company_name"] == sandbox.state.doc["owner"]["company_name"]  # type: ignore[index]


def test_settings_get_all_settings_has_the_documented_fields():
    sandbox = make_sandbox()
    sandbox.state.doc["timezone"] = "Europe/Kyiv"  # the account's zone, as Poster names it
    settings = php_get(sandbox, "settings.getAllSettings")
    documented = (
        "COMPANY_ID FIZ_ADRESS_CITY FIZ_ADRESS_PHONE uses_tables uses_cash_shifts uses_taxes uses_multiprice "
        "tip_amount uses_bookkeeping uses_ipay uses_manufacturing uses_quick_waiter company_name company_type "
        "timezones logo lang pos_phone analytics_plus_time uses_fiscality print_fiscal_by_default currency email name"
    ).split()
    assert [k for k in documented if k not in settings] == []  # type: ignore[operator]
    assert settings["currency"]["currency_code_iso"] == "UAH"  # type: ignore[index]
    assert settings["timezones"] == "Europe/Kyiv"  # type: ignore[index]


# -- 4. dash.getTransaction ----------------------------------------------------------------------


def receipt(sandbox, transaction_id: int) -> dict:
    answer = php_get(
        sandbox, "dash.getTransaction", transaction_id=transaction_id, include_history="true", include_products="true"
    )
    assert isinstance(answer, list) and len(answer) == 1
    return answer[0]


def test_a_closed_receipts_lines_add_up_to_what_was_paid():
    sandbox = make_sandbox()
    order = create(sandbox, ORDER)
    closed = sandbox.trigger("order.closed", order["incoming_order_id"]).result
    t = receipt(sandbox, closed["transaction_id"])
    assert int(t["sum"]) == int(t["payed_sum"]) == ORDER_TOTAL
    assert sum(int(line["payed_sum"]) for line in t["products"]) == ORDER_TOTAL
    assert [(line["product_price"], line["num"], line["payed_sum"]) for line in t["products"]] == [
        ("4500", "3", "13500"),
        ("8000", "2", "16000"),
    ]
    assert (t["pay_type"], t["payed_cash"], t["payed_card"]) == ("1", str(ORDER_TOTAL), "0")


def test_a_prepaid_orders_receipt_is_paid_by_card_in_full():
    sandbox = make_sandbox()
    order = create(sandbox, {**ORDER, "payment": {"type": 1, "sum": ORDER_TOTAL, "currency": "UAH"}})
    closed = sandbox.trigger("order.closed", order["incoming_order_id"]).result
    t = receipt(sandbox, closed["transaction_id"])
    assert (t["pay_type"], t["payed_card"], t["payed_cash"]) == ("2", str(ORDER_TOTAL), "0")
    assert int(t["payed_card"]) + int(t["payed_cash"]) == int(t["payed_sum"])


def test_include_history_gives_the_receipts_steps():
    sandbox = make_sandbox()
    order = create(sandbox, ORDER)
    accepted = sandbox.trigger("order.accepted", order["incoming_order_id"]).result
    open_steps = [h["type_history"] for h in receipt(sandbox, accepted["transaction_id"])["history"]]
    assert open_steps == ["open", "additem", "additem"]
    sandbox.trigger("order.closed", order["incoming_order_id"])
    history = receipt(sandbox, accepted["transaction_id"])["history"]
    assert [h["type_history"] for h in history] == ["open", "additem", "additem", "close"]
    assert [h["value"] for h in history if h["type_history"] == "additem"] == ["101", "104"]
    assert history[-1]["value2"] == str(ORDER_TOTAL)
    no_history = php_get(sandbox, "dash.getTransaction", transaction_id=accepted["transaction_id"])
    assert "history" not in no_history[0]  # type: ignore[index]


# -- 5. transaction webhooks carry data ------------------------------------------------------------


def signed_with_data(body: dict, secret: str) -> str:
    parts = [body["account"], body["object"], str(body["object_id"]), body["action"], body["data"], body["time"]]
    return hashlib.md5(";".join(parts + [secret]).encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "event, action, step", [("order.accepted", "added", "open"), ("order.closed", "changed", "close")]
)
def test_transaction_webhooks_carry_the_history_step_as_a_json_string(event, action, step):
    from poster_cli.webhooks.events import check_delivery

    sandbox = make_sandbox()
    order = create(sandbox, ORDER)
    if event == "order.closed":
        sandbox.trigger("order.accepted", order["incoming_order_id"])
    sandbox.trigger(event, order["incoming_order_id"])
    hook = [b for b in sandbox.webhooks.sent if b["object"] == "transaction" and b["action"] == action][-1]
    assert isinstance(hook["data"], str)
    history = json.loads(hook["data"])["transactions_history"]
    assert history["type_history"] == step
    assert isinstance(history["time"], int)
    assert hook["verify"] == signed_with_data(hook, sandbox.app_secret)
    assert check_delivery(hook, sandbox.app_secret).data == hook["data"]


def test_order_webhooks_still_carry_no_data():
    sandbox = make_sandbox()
    order = create(sandbox, ORDER)
    sandbox.trigger("order.accepted", order["incoming_order_id"])
    hook = next(b for b in sandbox.webhooks.sent if b["object"] == "incoming_order")
    assert "data" not in hook


# -- 8. a string holding a JSON object is taken as the extras object -----------------------------


def test_extras_sent_as_a_json_string_are_stored_as_an_object():
    sandbox = make_sandbox()
    resp = sandbox.request(
        "application.setEntityExtras",
        form={"entity_type": "product", "entity_id": "101", "extras": json.dumps({"sideId": "1"})},
    )
    assert ok(resp) is True
    assert sandbox.state.product(101)["extras"] == {"sideId": "1"}
    refused = sandbox.request(
        "application.setEntityExtras", form={"entity_type": "product", "entity_id": "101", "extras": "sideId=1"}
    )
    assert error_code(refused) == 36


def test_get_transactions_lists_receipts_by_day_and_status():
    import time

    sandbox = make_sandbox()
    order = create(sandbox, ORDER)
    closed = sandbox.trigger("order.closed", order["incoming_order_id"]).result
    opened = int(receipt(sandbox, closed["transaction_id"])["date_start"]) / 1000
    today = time.strftime("%Y%m%d", time.localtime(opened))  # the receipt's own day, whatever the clock says now
    yesterday = time.strftime("%Y%m%d", time.localtime(opened - 86400))
    listed = php_get(sandbox, "dash.getTransactions", dateFrom=today, dateTo=today, status=2)
    assert [t["transaction_id"] for t in listed] == [str(closed["transaction_id"])]  # type: ignore[union-attr]
    assert php_get(sandbox, "dash.getTransactions", dateFrom=yesterday, dateTo=yesterday) == []
    assert php_get(sandbox, "dash.getTransactions", dateFrom=today, status=1) == []
    t = listed[0]  # type: ignore[index]
    # date_close_date is date_close written in the account's (here: this machine's) time
    assert t["date_close_date"] == time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(t["date_close"]) / 1000))
