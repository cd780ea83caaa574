"""The typed models read every example answer in Poster's docs, with the documented traps."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from poster_cli.poster import models
from tests.support.docserver import FIXTURES, fixture


def docs_products(how: str) -> list[models.Product]:
    """The docs' menu.getProducts example, read from decoded JSON one product at a time, or (as
    `pull` does) from the answer's own bytes at once."""
    if how == "decoded":
        return [models.parse_product(p) for p in fixture("getProducts.json")["response"]]
    text = (FIXTURES / "getProducts.json").read_bytes()
    start = text.index(b"[")
    return models.decode_products(text[start : text.rindex(b"]") + 1])


READERS = pytest.mark.parametrize("how", ["decoded", "bytes"])


@READERS
def test_product_priced_only_by_modification(how):
    borjomi = docs_products(how)[0]
    assert borjomi.product_id == 139 and borjomi.spots == {}
    (mod,) = borjomi.modifications
    assert mod.modificator_id == 147
    assert mod.name == "Сок яблочный для кальяна"  # trailing space in the answer is trimmed
    # the answer repeats each spot twice; the first entry wins and nothing is double-counted
    assert sorted(mod.spots) == [1, 2] and mod.price_at(1) == 68100
    assert borjomi.visible_at(1) and borjomi.price_at(1) is None


@READERS
def test_plain_product_prices_are_int_kopecks(how):
    evian = docs_products(how)[1]
    assert evian.price_at(1) == 19000 and isinstance(evian.price_at(1), int)
    assert evian.type == models.PRODUCT_TYPE_PRODUCT and not evian.hidden


@READERS
def test_dish_with_modifier_groups_converts_money_floats_exactly(how):
    dish = docs_products(how)[2]
    assert dish.is_dish and dish.price_at(2) == 30000
    drinks = dish.group_modifications[0]
    assert (drinks.num_min, drinks.num_max) == (1, 3)
    assert [m.price for m in drinks.modifiers] == [9999, 9999, 9999]  # 99.99 money -> kopecks, no float drift
    assert dish.dish_modifier(145)[1].name == "Snacks"


def test_dish_price_object_without_spots():
    raw = dict(fixture("getProducts.json")["response"][2])
    del raw["spots"]
    dish = models.parse_product(raw)
    assert dish.price_at(1) == 30000 and dish.visible_at(2)


@pytest.mark.parametrize("name", ["getProduct_dish.json", "getProduct_product.json"])
def test_single_product_answers(name):
    p = models.parse_product(fixture(name)["response"])
    assert p.product_id in (175, 140) and p.price_at(1) in (60000, 40000)


def test_other_answers():
    (cat,) = [models.parse_category(c) for c in fixture("getCategories.json")["response"]]
    assert (cat.category_id, cat.name, cat.parent_id, cat.hidden) == (2, "Sushi rolls", 0, False)
    spots = [models.parse_spot(s) for s in fixture("getSpots.json")["response"]]
    assert spots and all(isinstance(s.spot_id, int) for s in spots)
    cur = models.parse_currency(fixture("getCurrency.json")["response"])
    assert cur.code_iso == "RUB"
    order = models.parse_incoming_order(fixture("createIncomingOrder.json")["response"])
    assert order.incoming_order_id == 2 and order.products[0].count == Decimal(1)


def test_missing_optional_keys_and_int_string_drift():
    p = models.parse_product(
        {"product_id": 7, "product_name": "X", "type": 3, "spots": [{"spot_id": 1, "price": 500, "visible": 1}]}
    )
    assert p.price_at(1) == 500 and p.modifications == () and p.category_id == 0


def test_counts_are_decimal_and_reject_garbage():
    assert models.as_decimal("1.50000") == Decimal("1.5")
    with pytest.raises(models.ParseError):
        models.as_int("12abc")
    with pytest.raises(models.ParseError):
        models.parse_product({"product_name": "no id"})


@given(st.integers(min_value=0, max_value=10**9))
def test_int_strings_round_trip(n):
    assert models.as_int(str(n)) == n == models.as_int(f"{n}.00000")


@given(st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False))
def test_money_to_kopecks_is_exact(d):
    assert models.money_to_kopecks(float(d)) == int(d * 100)
    assert models.money_to_kopecks(str(d)) == int(d * 100)
