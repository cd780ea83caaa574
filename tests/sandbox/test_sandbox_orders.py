"""Online orders in the sandbox: Poster's validation codes, totals, answers, cashier actions."""

from __future__ import annotations

import json

import pytest

from tests.support.sandbox_api import assert_same_types, doc_example, error_code, ok

CREATE = "incomingOrders.createIncomingOrder"


def order(**overrides):
    body = {"spot_id": 1, "phone": "+380501112233", "products": [{"product_id": 101, "count": 1}]}
    body.update(overrides)
    return body


def paid(total: int, currency: str = "UAH") -> dict:
    return {"type": 1, "sum": total, "currency": currency}


def create(sandbox, **overrides) -> dict:
    return ok(sandbox.request(CREATE, json=order(**overrides)))  # type: ignore[return-value]


# -- validation, one rule per case --------------------------------------------------------------

LATTE, LATTE_250, LATTE_400, BREAKFAST, EGGS_POACHED, SALMON = 105, 1005, 1006, 142, 2006, 2011


@pytest.mark.parametrize(
    "body, code",
    [
        ({"phone": "1", "products": [{"product_id": 101, "count": 1}]}, 34),  # no spot
        ({"spot_id": 1, "products": [{"product_id": 101, "count": 1}]}, 34),  # no phone, no client
        ({"spot_id": 1, "phone": "1"}, 34),  # no products
        ({"spot_id": 1, "phone": "1", "products": []}, 34),
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": 101}]}, 34),  # no count
        ({"spot_id": 3, "phone": "1", "products": [{"product_id": 101, "count": 1}]}, 60),
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": 999, "count": 1}]}, 41),
        (
            {"spot_id": 1, "phone": "1", "products": [{"product_id": LATTE, "modificator_id": 1003, "count": 1}]},
            42,
        ),  # Капучино's size
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": LATTE, "count": 1}]}, 42),  # a size is needed
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "modificator_id": 1005, "count": 1}]}, 42),
        (
            {
                "spot_id": 1,
                "phone": "1",
                "products": [{"product_id": BREAKFAST, "count": 1, "modification": '[{"m": 2019, "a": 1}]'}],
            },
            42,
        ),
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 0}]}, 46),
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": -2}]}, 46),
        (
            {
                "spot_id": 1,
                "phone": "1",
                "products": [{"product_id": 101, "count": 1}, {"product_id": 101, "count": 2}],
            },
            99,
        ),
        ({"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}], "payment": paid(4400)}, 88),
        (
            {"spot_id": 1, "phone": "1", "products": [{"product_id": 101, "count": 1}], "payment": paid(4500, "USD")},
            4001,
        ),
    ],
    ids=[
        "no-spot",
        "no-phone-or-client",
        "no-products",
        "empty-products",
        "no-count",
        "unknown-spot",
        "unknown-product",
        "foreign-modification",
        "missing-modification",
        "modification-on-plain-product",
        "foreign-dish-modifier",
        "zero-count",
        "negative-count",
        "repeated-line",
        "sum-mismatch",
        "wrong-currency",
    ],
)
def test_refused_orders_get_poster_codes_and_are_not_stored(sandbox, body, code):
    assert error_code(sandbox.request(CREATE, json=body)) == code
    assert sandbox.state.doc["orders"] == []


def test_same_product_in_two_sizes_is_not_a_repetition(sandbox):
    lines = [
        {"product_id": LATTE, "modificator_id": LATTE_250, "count": 1},
        {"product_id": LATTE, "modificator_id": LATTE_400, "count": 1},
    ]
    assert len(create(sandbox, products=lines)["products"]) == 2


def test_client_id_instead_of_phone(sandbox):
    answer = create(sandbox, phone=None, client_id=7)
    assert answer["client_id"] == 7 and answer["phone"] is None


# -- totals -------------------------------------------------------------------------------------


def test_prepaid_sum_uses_the_spots_prices(sandbox):
    lines = [{"product_id": LATTE, "modificator_id": LATTE_400, "count": 2}, {"product_id": 181, "count": 1}]
    assert (
        error_code(sandbox.request(CREATE, json=order(products=lines, payment=paid(2 * 8500 + 5500, "UAH"), spot_id=2)))
        == 88
    )
    assert create(sandbox, spot_id=2, products=lines, payment=paid(2 * 9000 + 6000))["spot_id"] == 2


def test_dish_total_adds_chosen_modifiers_per_unit(sandbox):
    # 215.00 + salmon 85.50 + poached egg 0, twice
    mods = json.dumps([{"m": EGGS_POACHED, "a": 1}, {"m": SALMON, "a": 1}])
    lines = [{"product_id": BREAKFAST, "count": 2, "modification": mods}]
    assert error_code(sandbox.request(CREATE, json=order(products=lines, payment=paid(2 * 21500)))) == 88
    answer = create(sandbox, products=lines, payment=paid(2 * (21500 + 8550)))
    assert sandbox.state.order(answer["incoming_order_id"])["total"] == 60100


def test_price_per_line_overrides_the_spot_price(sandbox):
    lines = [{"product_id": 101, "count": 3, "price": 4000}]
    assert error_code(sandbox.request(CREATE, json=order(products=lines, payment=paid(3 * 4500)))) == 88
    create(sandbox, products=lines, payment=paid(12000))


def test_weight_item_with_a_fractional_count(sandbox):
    answer = create(sandbox, products=[{"product_id": 109, "count": "0.5"}], payment=paid(60000))
    assert answer["products"][0]["count"] == "0.50000"


def test_unpaid_order_has_no_sum_check(sandbox):
    create(sandbox, payment={"type": 0, "sum": 1, "currency": "UAH"})


def test_form_encoded_order_with_php_nested_keys(sandbox):
    form = [
        ("spot_id", "1"),
        ("phone", "+380501112233"),
        ("comment", "Site order #A-7"),
        ("products[0][product_id]", str(LATTE)),
        ("products[0][modificator_id]", str(LATTE_250)),
        ("products[0][count]", "2"),
        ("products[1][product_id]", str(BREAKFAST)),
        ("products[1][count]", "1"),
        ("products[1][modification]", json.dumps([{"m": EGGS_POACHED, "a": 1}])),
        ("payment[type]", "1"),
        ("payment[sum]", str(2 * 7000 + 21500)),
        ("payment[currency]", "UAH"),
    ]
    answer = ok(sandbox.request(CREATE, form=form))
    assert [p["product_id"] for p in answer["products"]] == [LATTE, BREAKFAST]
    assert answer["comment"] == "Site order #A-7"


# -- answers and lookups ------------------------------------------------------------------------


def test_order_answer_has_the_documented_int_shape(sandbox):
    answer = create(sandbox, comment="Site order #S-1", first_name="Олена")
    assert_same_types(answer, doc_example("createIncomingOrder"), "order")
    assert_same_types(answer["products"][0], doc_example("createIncomingOrder")["products"][0], "order line")
    assert (answer["status"], answer["transaction_id"], answer["products"][0]["modificator_id"]) == (0, None, None)
    assert answer["products"][0]["count"] == 1 and answer["first_name"] == "Олена"
    assert (
        ok(sandbox.request("incomingOrders.getIncomingOrder", {"incoming_order_id": answer["incoming_order_id"]}))
        == answer
    )


def test_unknown_order_is_42(sandbox):
    assert error_code(sandbox.request("incomingOrders.getIncomingOrder", {"incoming_order_id": 5})) == 42


def test_order_lists_filter_by_status_and_time(sandbox):
    clock = [1_700_000_000.0]
    sandbox.state.clock = lambda: clock[0]
    first = create(sandbox)
    clock[0] += 3600
    second = create(sandbox)
    sandbox.trigger("order.declined", second["incoming_order_id"])

    def ids(method="incomingOrders.getIncomingOrders", **params):
        return [o["incoming_order_id"] for o in ok(sandbox.request(method, params))]

    assert ids() == [first["incoming_order_id"], second["incoming_order_id"]]
    assert ids(status=7) == [second["incoming_order_id"]]
    assert ids(status=0) == [first["incoming_order_id"]]
    assert ids(date_from=second["created_at"]) == [second["incoming_order_id"]]
    assert ids(date_to=first["created_at"]) == [first["incoming_order_id"]]
    assert (
        ids("incomingOrders.getOwnIncomingOrders", date_from=first["created_at"], date_to=second["created_at"]) == ids()
    )
    assert error_code(sandbox.request("incomingOrders.getIncomingOrders", {"date_from": "yesterday"})) == 400


# -- cashier actions ----------------------------------------------------------------------------


def test_accept_then_close_shows_in_orders_and_receipts(sandbox):
    oid = create(sandbox)["incoming_order_id"]
    result = sandbox.trigger("order.accepted", oid).result
    accepted = ok(sandbox.request("incomingOrders.getIncomingOrder", {"incoming_order_id": oid}))
    assert accepted["status"] == 1 and accepted["transaction_id"] == result["transaction_id"]
    receipt = ok(sandbox.request("dash.getTransaction", {"transaction_id": accepted["transaction_id"]}))[0]
    assert (receipt["status"], receipt["date_close"], receipt["sum"]) == ("1", "0", "4500")
    sandbox.trigger("order.closed", oid)
    receipt = ok(
        sandbox.request(
            "dash.getTransaction", {"transaction_id": accepted["transaction_id"], "include_products": "true"}
        )
    )[0]
    assert receipt["status"] == "2" and int(receipt["date_close"]) > 0 and receipt["payed_sum"] == "4500"
    assert receipt["products"][0]["product_id"] == "101"
    assert ok(sandbox.request("dash.getTransaction", {"transaction_id": 1})) == []


def test_decline_and_wrong_transitions(sandbox):
    from poster_cli.sandbox.actions import ActionError

    oid = create(sandbox)["incoming_order_id"]
    sandbox.trigger("order.declined", oid)
    assert ok(sandbox.request("incomingOrders.getIncomingOrder", {"incoming_order_id": oid}))["status"] == 7
    with pytest.raises(ActionError, match="declined"):
        sandbox.trigger("order.accepted", oid)
    with pytest.raises(ActionError, match="no online order"):
        sandbox.trigger("order.closed", 4242)


def test_menu_actions_change_what_the_api_answers(sandbox):
    sandbox.trigger("product.price", f"{LATTE}/{LATTE_400}", "92.50")
    latte = ok(sandbox.request("menu.getProduct", {"product_id": LATTE}))
    big = next(m for m in latte["modifications"] if m["modificator_id"] == str(LATTE_400))
    assert {s["price"] for s in big["spots"]} == {"9250"}
    sandbox.trigger("product.price", 101, "85")
    assert {s["price"] for s in ok(sandbox.request("menu.getProduct", {"product_id": 101}))["spots"]} == {"8500"}

    sandbox.trigger("product.renamed", 101, "Еспресо Ефіопія")
    assert ok(sandbox.request("menu.getProduct", {"product_id": 101}))["product_name"] == "Еспресо Ефіопія"

    added = sandbox.trigger("product.added", "Лате лавандовий", "95", "1").result
    new = ok(sandbox.request("menu.getProduct", {"product_id": added["product_id"]}))
    assert new["product_name"] == "Лате лавандовий" and new["category_name"] == "Кава"
    assert [s["price"] for s in new["spots"]] == ["9500", "9500"]

    sandbox.trigger("product.removed", 101)
    assert error_code(sandbox.request("menu.getProduct", {"product_id": 101})) == 32
    assert error_code(sandbox.request(CREATE, json=order())) == 41


def test_bad_action_arguments_are_refused(sandbox):
    from poster_cli.sandbox.actions import ActionError

    for event, args in [
        ("product.price", (101, "8.505")),
        ("product.price", (101, "abc")),
        ("product.price", (101,)),
        ("product.removed", (1,)),
        ("product.added", ("", "10")),
        ("no.such", ()),
    ]:
        with pytest.raises(ActionError):
            sandbox.trigger(event, *args)
