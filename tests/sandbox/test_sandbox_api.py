"""The sandbox answers like Poster: shapes and string types from the docs, the demo café, errors."""

from __future__ import annotations

import pytest

from tests.support.sandbox_api import assert_same_types, doc_example, error_code, ok


def products(sandbox, **params) -> list[dict]:
    return ok(sandbox.request("menu.getProducts", params))  # type: ignore[return-value]


def by_name(items: list[dict], name: str) -> dict:
    return next(p for p in items if p["product_name"] == name)


# -- auth and unknown methods -------------------------------------------------------------------


def test_missing_token_is_error_10(sandbox):
    assert error_code(sandbox.request("menu.getProducts", token=None)) == 10


def test_wrong_token_is_error_11(sandbox):
    assert error_code(sandbox.request("menu.getProducts", token="424242:" + "0" * 32)) == 11


def test_unknown_method_is_an_error_not_a_crash(sandbox):
    assert error_code(sandbox.request("menu.getEverything")) == 404


# -- menu shapes --------------------------------------------------------------------------------


def test_demo_cafe_is_a_real_menu(sandbox):
    items = products(sandbox)
    categories = ok(sandbox.request("menu.getCategories"))
    assert len(items) >= 60
    assert len(categories) >= 8
    assert {"Лате", "Капучино", "Капучино на кокосовому", "Піца Маргарита 30 см", "Піца Маргарита 40 см"} <= {
        p["product_name"] for p in items
    }
    assert any(p["type"] == "2" and p.get("group_modifications") for p in items)
    assert any(p["barcode"] for p in items if p["category_name"] == "Вода та соки")


def test_products_carry_numbers_as_strings_like_poster(sandbox):
    evian_like = doc_example("getProducts")[1]  # a product with spots[] in the docs
    espresso = by_name(products(sandbox), "Еспресо")
    assert_same_types(espresso, evian_like, "product")
    assert espresso["product_id"] == "101" and espresso["spots"][0]["price"] == "4500"
    assert {s["visible"] for s in espresso["spots"]} == {"1"}


def test_sizes_are_modifications_with_per_spot_prices(sandbox):
    latte = by_name(products(sandbox), "Лате")
    sizes = {m["modificator_name"]: {s["spot_id"]: s["price"] for s in m["spots"]} for m in latte["modifications"]}
    assert sizes == {"250 мл": {"1": "7000", "2": "7500"}, "400 мл": {"1": "8500", "2": "9000"}}
    assert isinstance(latte["modifications"][0]["modificator_id"], str)
    assert "spots" not in latte  # priced by its modifications only, like Borjomi in the docs


def test_dish_modifier_groups_are_ints_and_money_floats(sandbox):
    docs_group = doc_example("getProducts")[2]["group_modifications"][0]
    breakfast = by_name(products(sandbox), "Англійський сніданок")
    group = next(g for g in breakfast["group_modifications"] if g["name"] == "Додатково")
    assert_same_types(group, {k: v for k, v in docs_group.items() if k != "modifications"}, "group")
    assert_same_types(group["modifications"][2], docs_group["modifications"][0], "modifier")
    assert (group["num_min"], group["num_max"]) == (0, 3)
    salmon = next(m for m in group["modifications"] if m["name"] == "Лосось")
    assert salmon["price"] == 85.5


def test_hidden_invisible_and_out_of_stock_products(sandbox):
    items = products(sandbox)
    assert by_name(items, "Гарбузовий лате (сезонний)")["hidden"] == "1"
    quiche = by_name(items, "Кіш з лососем і шпинатом")
    assert {s["spot_id"]: s["visible"] for s in quiche["spots"]} == {"1": "1", "2": "0"}
    leftovers = {
        row["ingredient_id"]: row["ingredient_left"] for row in ok(sandbox.request("storage.getStorageLeftovers"))
    }
    empty = [p["product_name"] for p in items if float(leftovers.get(p["ingredient_id"], "1")) <= 0]
    assert empty == ["Fentimans Curiosity Cola 0,275 л"]


def test_the_core_reads_the_demo_menu(sandbox):
    """Our own snapshot code sees the demo café as a user would (hidden, invisible, out of stock)."""
    import asyncio

    from poster_cli.menu import fetch_snapshot, summarize

    async def pull():
        async with sandbox.client() as api:
            return await fetch_snapshot(api, sandbox.api_url)

    summary = summarize(asyncio.run(pull()), 2)
    assert (summary.hidden, summary.invisible_at_spot, summary.out_of_stock, summary.currency) == (1, 1, 1, "UAH")
    assert summary.products + summary.dishes >= 60 and summary.dishes_with_groups >= 5


def test_products_filter_by_type_and_category(sandbox):
    dishes = products(sandbox, type="batchtickets")
    goods = products(sandbox, type="products")
    assert dishes and {p["type"] for p in dishes} == {"2"}
    assert goods and "2" not in {p["type"] for p in goods}
    pizza = products(sandbox, category_id=6)
    assert {p["category_name"] for p in pizza} == {"Піца"} and len(pizza) == 6


def test_get_product_is_the_same_entry_and_checks_its_id(sandbox):
    latte = by_name(products(sandbox), "Лате")
    assert ok(sandbox.request("menu.getProduct", {"product_id": 105})) == latte
    assert error_code(sandbox.request("menu.getProduct", {"product_id": 99999})) == 32
    assert error_code(sandbox.request("menu.getProduct")) == 34


def test_spots_categories_currency_shapes(sandbox):
    spots = ok(sandbox.request("access.getSpots"))
    assert_same_types(spots[0], doc_example("getSpots")[0], "spot")
    assert_same_types(spots[0]["storages"][0], doc_example("getSpots")[0]["storages"][0], "storage")
    assert [s["spot_id"] for s in spots] == ["1", "2"]
    categories = ok(sandbox.request("menu.getCategories"))
    assert_same_types(categories[0], doc_example("getCategories")[0], "category")
    plant = next(c for c in categories if c["category_name"] == "Кава на рослинному молоці")
    coffee = next(c for c in categories if c["category_name"] == "Кава")
    assert plant["parent_category"] == coffee["category_id"]
    assert int(coffee["left"]) < int(plant["left"]) < int(plant["right"]) < int(coffee["right"])
    currency = ok(sandbox.request("settings.getCurrency"))
    assert_same_types(currency, doc_example("getCurrency"), "currency")
    assert currency["currency_code_iso"] == "UAH"


# -- extras -------------------------------------------------------------------------------------


def test_entity_extras_show_up_on_the_product(sandbox):
    body = {"entity_type": "product", "entity_id": 105, "extras": {"site_id": "LAT-L"}}
    assert ok(sandbox.request("application.setEntityExtras", json=body)) is True
    form = {"entity_type": "product", "entity_id": "105", "extras[site_name]": "Latte L"}
    assert ok(sandbox.request("application.setEntityExtras", form=form)) is True
    assert by_name(products(sandbox), "Лате")["extras"] == {"site_id": "LAT-L", "site_name": "Latte L"}
    assert ok(sandbox.request("menu.getProduct", {"product_id": 105}))["extras"]["site_id"] == "LAT-L"


def test_entity_extras_errors(sandbox):
    assert (
        error_code(
            sandbox.request(
                "application.setEntityExtras", json={"entity_type": "product", "entity_id": 1, "extras": {"a": 1}}
            )
        )
        == 32
    )
    assert (
        error_code(sandbox.request("application.setEntityExtras", json={"entity_type": "product", "entity_id": 105}))
        == 34
    )
    assert (
        error_code(
            sandbox.request(
                "application.setEntityExtras", json={"entity_type": "product", "entity_id": 105, "extras": "x"}
            )
        )
        == 36
    )


# -- OAuth --------------------------------------------------------------------------------------


def _authorize(sandbox, redirect="http://127.0.0.1:9999/callback"):
    import asyncio

    import httpx

    async def go():
        async with httpx.AsyncClient(transport=sandbox.transport, base_url="http://sandbox.test") as http:
            return await http.get(
                "/api/auth", params={"application_id": "76", "redirect_uri": redirect, "response_type": "code"}
            )

    return asyncio.run(go())


def _exchange(sandbox, fields):
    import asyncio

    import httpx

    async def go():
        async with httpx.AsyncClient(transport=sandbox.transport, base_url="http://sandbox.test") as http:
            # form-data, as the docs ask
            return await http.post("/api/v2/auth/access_token", files=[(k, (None, v)) for k, v in fields.items()])

    return asyncio.run(go())


def test_oauth_code_flow_gives_a_working_token(sandbox):
    from urllib.parse import parse_qs, urlsplit

    resp = _authorize(sandbox)
    assert resp.status_code == 302
    target = urlsplit(resp.headers["location"])
    query = parse_qs(target.query)
    assert target.path == "/callback" and query["account"] == ["zerno-demo"] and len(query["code"][0]) == 32
    fields = {
        "application_id": "76",
        "application_secret": sandbox.app_secret,
        "grant_type": "authorization_code",
        "redirect_uri": "http://127.0.0.1:9999/callback",
        "code": query["code"][0],
    }
    answer = _exchange(sandbox, fields).json()
    assert answer["account_number"] == "424242" and answer["access_token"].startswith("424242:")
    assert {"id", "name", "email", "role_id"} <= set(answer["user"]) and answer["ownerInfo"]["company_name"]
    assert ok(sandbox.request("settings.getCurrency", token=answer["access_token"]))["currency_code_iso"] == "UAH"
    again = _exchange(sandbox, fields)  # a code works once
    assert again.status_code == 400 and again.json()["error_type"] == "invalid_grant"


def test_oauth_refuses_a_wrong_secret(sandbox):
    from urllib.parse import parse_qs, urlsplit

    code = parse_qs(urlsplit(_authorize(sandbox).headers["location"]).query)["code"][0]
    fields = {
        "application_id": "76",
        "application_secret": "nope",
        "grant_type": "authorization_code",
        "redirect_uri": "http://127.0.0.1:9999/callback",
        "code": code,
    }
    resp = _exchange(sandbox, fields)
    assert resp.status_code == 400 and resp.json()["code"] == 142


# -- persistence --------------------------------------------------------------------------------


def test_state_survives_a_restart(sandbox_factory, tmp_path):
    path = tmp_path / "sandbox.json"
    first = sandbox_factory(state_path=path)
    order = ok(
        first.request(
            "incomingOrders.createIncomingOrder",
            json={"spot_id": 1, "phone": "+380501112233", "products": [{"product_id": 101, "count": 1}]},
        )
    )
    ok(
        first.request(
            "application.setEntityExtras",
            json={"entity_type": "product", "entity_id": 101, "extras": {"site_id": "ESP-01"}},
        )
    )
    first.trigger("product.price", 101, "47.50")
    first.trigger("order.accepted", order["incoming_order_id"])

    second = sandbox_factory(state_path=path)
    again = ok(second.request("incomingOrders.getIncomingOrder", {"incoming_order_id": order["incoming_order_id"]}))
    assert again["status"] == 1 and again["transaction_id"]
    espresso = ok(second.request("menu.getProduct", {"product_id": 101}))
    assert espresso["spots"][0]["price"] == "4750" and espresso["extras"] == {"site_id": "ESP-01"}
    newer = ok(
        second.request(
            "incomingOrders.createIncomingOrder",
            json={"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}]},
        )
    )
    assert newer["incoming_order_id"] == order["incoming_order_id"] + 1
    assert [p.name for p in tmp_path.iterdir()] == ["sandbox.json"]  # written atomically, no leftovers


def test_a_file_that_is_not_a_state_is_refused(sandbox_factory, tmp_path):
    path = tmp_path / "menu.json"
    path.write_text('{"products": []}', "utf-8")
    with pytest.raises(ValueError, match="not a sandbox state"):
        sandbox_factory(state_path=path)
