"""Building orders: item resolution, validation, merging, totals, the exact request body."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from poster_cli.menu import MenuSnapshot
from poster_cli.orders.build import (
    ItemRequest,
    OrderBuilder,
    OrderInvalid,
    OrderRequest,
    normalize_phone,
)
from poster_cli.orders.marker import comment_matches, render_comment
from tests.support.orders import mapping, snapshot, snapshot_raw


def builder(**kw) -> OrderBuilder:
    return OrderBuilder(snapshot(), mapping(), default_spot=kw.pop("spot", 1), **kw)


def req(*items: tuple[str, str] | str, **kw) -> OrderRequest:
    lines = [ItemRequest(i, Decimal(1)) if isinstance(i, str) else ItemRequest(i[0], Decimal(i[1])) for i in items]
    kw.setdefault("phone", "+380 50 123-45-67")
    return OrderRequest(order_id=kw.pop("order_id", "A-1"), items=lines, **kw)


def problems(order: OrderRequest, **kw) -> list[str]:
    with pytest.raises(OrderInvalid) as exc:
        builder(**kw).build(order)
    return [p.message for p in exc.value.problems]


def test_paid_order_body_is_exactly_what_poster_wants() -> None:
    built = builder().build(req(("EV", "2"), "BJ-APPLE", paid=True, first_name="Olena", comment="no ice"))
    assert built.body == {
        "spot_id": 1,
        "phone": "+380501234567",
        "first_name": "Olena",
        "comment": "Site order #A-1\nno ice",
        "products": [
            {"product_id": 138, "count": 2},
            {"product_id": 139, "modificator_id": 147, "count": 1},
        ],
        "payment": {"type": 1, "sum": 2 * 19000 + 68100, "currency": "UAH"},
    }
    assert built.total == 106100


def test_unpaid_order_has_no_payment_key_at_all() -> None:
    built = builder().build(req("EV", client_id=77, phone=None))
    assert "payment" not in built.body and built.body["client_id"] == 77 and "phone" not in built.body


def test_dish_total_adds_modifier_prices_per_unit() -> None:
    # Set menu 300.00 + Cola 99.99 + 2 x French fries 99.99 = 599.97 per set; 3 sets
    built = builder().build(req(("SET-COLA", "3"), paid=True))
    line = built.body["products"][0]
    assert line == {"product_id": 30, "modification": '[{"m":142,"a":1},{"m":144,"a":2}]', "count": 3}
    assert isinstance(line["modification"], str) and json.loads(line["modification"])[1] == {"m": 144, "a": 2}
    assert built.total == 3 * (30000 + 9999 + 2 * 9999) == built.body["payment"]["sum"]


def test_dish_without_a_required_group_names_the_group() -> None:
    msgs = problems(req("SET-PLAIN"))
    assert any("'Drinks'" in m and "at least 1" in m for m in msgs)
    assert any("'Eats'" in m for m in msgs)


def test_too_many_from_a_group_is_refused() -> None:
    msgs = problems(req("SET-4DRINKS"))
    assert any("'Drinks' allows at most 3 choices, got 4" in m for m in msgs)


def test_identical_lines_are_merged_counts_added() -> None:
    built = builder().build(req(("EV", "1"), "Evian water", ("poster:138", "2"), "SET-COLA", "SET-COLA"))
    assert built.body["products"] == [
        {"product_id": 138, "count": 4},
        {"product_id": 30, "modification": '[{"m":142,"a":1},{"m":144,"a":2}]', "count": 2},
    ]
    assert built.total == 4 * 19000 + 2 * 59997


def test_fractional_weight_count_rounds_half_up_per_line() -> None:
    built = builder().build(req(("CHEESE", "0.35"), paid=True))
    assert built.body["products"] == [{"product_id": 202, "count": "0.35"}]
    assert built.total == 11667  # 333.33 x 0.35 = 116.6655 -> 116.67


def test_fractional_count_of_a_piece_item_is_refused() -> None:
    assert any("must be whole" in m for m in problems(req(("EV", "1.5"))))


@pytest.mark.parametrize("count", ["0", "-1"])
def test_count_must_be_positive(count: str) -> None:
    assert any("must be more than 0" in m for m in problems(req(("EV", count))))


def test_unknown_item_suggests_the_nearest() -> None:
    expected = (
        "unknown item 'Set menu thirst'; did you mean 'Set menu thirsty' (SET-4DRINKS), 'Set menu' (SET-PLAIN),"
        " 'Set menu with cola' (SET-COLA)?"
    )
    assert problems(req("Set menu thirst")) == [expected]


def test_at_most_three_suggestions_and_a_local_id_is_shown_once() -> None:
    # four entries come close to "SET" (SET-COLA, SET-PLAIN, SET-4DRINKS at 90, CHEESE at 72): three are shown
    assert problems(req("SET")) == ["unknown item 'SET'; did you mean 'SET-COLA', 'SET-PLAIN', 'SET-4DRINKS'?"]


def test_nothing_close_says_what_an_item_may_be() -> None:
    err = pytest.raises(OrderInvalid, builder().build, req("zzzq", "Set menu thirst", order_id="W-9")).value
    assert err.order_id == "W-9"
    assert str(err) == (
        "order W-9 cannot be sent: unknown item 'zzzq' (not in the mapping; use a local id, a local name or"
        " poster:PRODUCT_ID); unknown item 'Set menu thirst'; did you mean 'Set menu thirsty' (SET-4DRINKS),"
        " 'Set menu' (SET-PLAIN), 'Set menu with cola' (SET-COLA)?"
    )


def test_hidden_invisible_unlinked_and_missing_items_are_refused_all_at_once() -> None:
    msgs = problems(req("PIE", "NOPE", "GONE", "poster:555", "poster:139"), spot=1)
    assert any("'Old pie' is hidden" in m for m in msgs)
    assert any("not linked" in m and "unmatched" in m for m in msgs)
    assert any("product 999" in m for m in msgs)
    assert any("no product 555" in m for m in msgs)
    assert any("has variants; choose one: poster:139/147" in m for m in msgs)
    assert len(msgs) == 5


def test_item_not_sold_at_the_spot() -> None:
    assert builder(spot=1).build(req("BAR")).total == 7000
    assert any("not sold at spot 2" in m for m in problems(req("BAR"), spot=2))


def test_out_of_stock_is_a_warning_not_a_refusal() -> None:
    built = builder().build(req("CROISSANT"))
    assert built.warnings and "out of stock" in built.warnings[0]


def test_unknown_spot_lists_the_real_ones() -> None:
    msgs = problems(req("EV", spot_id=9))
    assert msgs == ["spot 9 does not exist (spots: 1 (Spot in Madrid), 2 (Spot in Milan))"]


def test_no_spot_when_the_account_has_several() -> None:
    b = OrderBuilder(snapshot(), mapping(), default_spot=None)
    with pytest.raises(OrderInvalid, match="which spot"):
        b.build(req("EV"))


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("+380 (50) 123-45-67", ("+380501234567", None)),
        ("0501234567", ("0501234567", None)),
        ("12345", (None, "phone '12345' has 5 digits; a phone number has 10 to 15")),
        ("+38050abc4567", (None, "phone '+38050abc4567' contains 'a' 'b' 'c': use digits with an optional leading +")),
        ("1234567890123456", (None, "phone '1234567890123456' has 16 digits; a phone number has 10 to 15")),
    ],
)
def test_phone_rules(phone: str, expected: tuple) -> None:
    assert normalize_phone(phone) == expected


def test_needs_phone_or_client_and_a_sane_order_id() -> None:
    msgs = problems(req("EV", phone=None, order_id="has space"))
    assert any("no phone and no client id" in m for m in msgs)
    assert any("order id 'has space'" in m for m in msgs)


def test_paid_without_currency_in_snapshot() -> None:
    snap = snapshot()
    snap.raw["currency"] = None
    with pytest.raises(OrderInvalid, match="currency"):
        OrderBuilder(snap, mapping(), default_spot=1).build(req("EV", paid=True))


def test_comment_template_is_configurable_and_matching_is_exact() -> None:
    built = builder(comment_template="Order {order_id} from the site").build(req("EV", order_id="12"))
    assert built.body["comment"] == "Order 12 from the site"
    assert comment_matches("Site order #12 — call me", "Site order #{order_id}", "12")
    assert not comment_matches("Site order #123", "Site order #{order_id}", "12")
    assert not comment_matches("Site order #12", "Site order #{order_id}", "1")
    assert render_comment("Site order #{order_id}", "7", "  ") == "Site order #7"


def test_a_blank_phone_is_named_empty() -> None:
    assert problems(req("EV", phone="   ")) == ["phone is empty"]


def test_a_phone_names_at_most_three_wrong_characters() -> None:
    assert problems(req("EV", phone="+380abcd4567")) == [
        "phone '+380abcd4567' contains 'a' 'b' 'c': use digits with an optional leading +"
    ]


@pytest.mark.parametrize("digits", ["1234567890", "123456789012345"])
def test_ten_and_fifteen_digit_phones_are_taken(digits: str) -> None:
    assert builder().build(req("EV", phone=digits)).body["phone"] == digits


def test_each_problem_points_at_the_line_of_its_item() -> None:
    order = OrderRequest(
        order_id="A-1",
        phone="+380501234567",
        line=3,
        items=[ItemRequest("EV", Decimal(1), line=3), ItemRequest("NOPE", Decimal(1), line=4), ItemRequest("zzzq")],
    )
    with pytest.raises(OrderInvalid) as info:
        builder().build(order)
    assert [(p.line, p.message.split(":")[0]) for p in info.value.problems] == [
        (4, "NOPE"),
        (3, "unknown item 'zzzq' (not in the mapping; use a local id, a local name or poster"),
    ]


def test_a_variant_the_product_lacks_is_named() -> None:
    assert problems(req("poster:139/999")) == ["poster:139/999: 'Borjomi' has no variant 999"]


def test_a_product_with_variants_lists_the_first_four_to_choose_from() -> None:
    raw = snapshot_raw()
    borjomi = next(p for p in raw["products"] if p["product_id"] == "139")
    first = borjomi["modifications"][0]
    borjomi["modifications"] = [
        {**first, "modificator_id": str(150 + i), "modificator_name": name}
        for i, name in enumerate(["Apple", "Pear", "Cherry", "Lemon", "Lime"])
    ]
    b = OrderBuilder(MenuSnapshot(raw=raw), mapping(), default_spot=1)
    with pytest.raises(OrderInvalid) as info:
        b.build(req("poster:139"))
    expected = (
        "poster:139: 'Borjomi' has variants; choose one: poster:139/150 (Apple), poster:139/151 (Pear),"
        " poster:139/152 (Cherry), poster:139/153 (Lemon)"
    )
    assert [p.message for p in info.value.problems] == [expected]


def test_line_names_are_the_products_and_their_variants() -> None:
    built = builder().build(req("EV", "BJ-APPLE", "SET-COLA"))
    assert [(line.name, line.modifier_names) for line in built.lines] == [
        ("Evian", ()),
        ("Borjomi Сок яблочный для кальяна", ()),
        ("Set menu", ("Cola", "French fries x2")),
    ]


def test_half_a_kopeck_rounds_up_not_to_even() -> None:
    # 333.33 x 0.5 = 166.665 -> 166.67 (banker's rounding would give 166.66)
    built = builder().build(req(("CHEESE", "0.5"), paid=True))
    assert (built.lines[0].total, built.total, built.body["payment"]["sum"]) == (16667, 16667, 16667)
