"""Every problem the order builder reports, as the one line the user reads (written out in full),
with the file line it points at; the boundaries of client ids, spots and dish modifier groups;
the lines and fields of a built order. Menu: tests/support/orders.py (Set menu 300.00 with the
groups Drinks (1..3: Cola 142, Fanta 143, Sprite 147) and Eats (1..999: French fries 144, Snacks
145), each modifier 99.99; Evian 190.00; Borjomi apple 681.00)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from poster_cli.mapping import parse_mapping
from poster_cli.menu import MenuSnapshot
from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderInvalid, OrderLine, OrderRequest
from tests.support.orders import MAPPING_TOML, snapshot_raw

PHONE = "+380501234567"


def builder(
    raw: dict[str, Any] | None = None, *, spot: int | None = 1, extra: list[dict[str, Any]] = ()
) -> OrderBuilder:
    items = MAPPING_TOML["items"] + list(extra)
    mapping = parse_mapping({"version": 1, "items": items}, Path("mapping.toml"))
    return OrderBuilder(MenuSnapshot(raw=raw or snapshot_raw()), mapping, default_spot=spot)


def order(*items: str | ItemRequest, **kw: Any) -> OrderRequest:
    lines = [i if isinstance(i, ItemRequest) else ItemRequest(i) for i in items]
    kw.setdefault("phone", PHONE)
    return OrderRequest(order_id=kw.pop("order_id", "A-1"), items=lines, **kw)


def refused(b: OrderBuilder, req: OrderRequest) -> list[tuple[int | None, str]]:
    with pytest.raises(OrderInvalid) as info:
        b.build(req)
    return [(p.line, p.message) for p in info.value.problems]


def set_menu_groups(raw: dict[str, Any], **changes: dict[str, str]) -> dict[str, Any]:
    """Change the Set menu's groups by name, e.g. ``Drinks={"num_min": "2"}``."""
    dish = next(p for p in raw["products"] if p["product_id"] == "30")
    for group in dish["group_modifications"]:
        group.update(changes.get(group["name"], {}))
    return raw


def dish(local_id: str, *choices: int, local_name: str | None = None) -> dict[str, Any]:
    """A mapping entry for the Set menu with these dish modifiers (amount 1 each)."""
    return {
        "local_id": local_id,
        "local_name": local_name or local_id.lower(),
        "status": "manual",
        "product_id": 30,
        "dish_modifications": [{"m": m, "a": 1} for m in choices],
    }


# -- the order as a whole -------------------------------------------------------------------------


def test_every_problem_of_the_order_itself_is_named_in_full_at_the_orders_line() -> None:
    snap = snapshot_raw()
    snap["currency"] = None
    req = order(order_id="has space", client_id=0, phone=None, email="olena.example.com", paid=True, line=7)
    assert refused(builder(snap), req) == [
        (7, "order id 'has space' must be 1-64 letters, digits or . _ : / # - (no spaces)"),
        (7, "client id 0 must be a positive number"),
        (7, "email 'olena.example.com' has no @"),
        (7, "the order has no items"),
        (7, "a paid order needs the account currency, and the menu snapshot has none (run `poster-cli pull`)"),
    ]


def test_the_message_of_the_refusal_joins_every_problem() -> None:
    with pytest.raises(OrderInvalid) as info:
        builder().build(order(order_id="B-2", phone=None, client_id=-3))
    assert str(info.value) == (
        "order B-2 cannot be sent: client id -3 must be a positive number; the order has no items"
    )


def test_an_order_with_neither_phone_nor_client_id_is_refused() -> None:
    assert refused(builder(), order("EV", phone=None)) == [
        (None, "no phone and no client id: Poster needs one of them")
    ]


def test_an_empty_order_id_is_refused() -> None:
    assert refused(builder(), order("EV", order_id="")) == [
        (None, "order id '' must be 1-64 letters, digits or . _ : / # - (no spaces)")
    ]


def test_client_id_one_is_the_smallest_taken() -> None:
    built = builder().build(order("EV", phone=None, client_id=1))
    assert built.body == {
        "spot_id": 1,
        "client_id": 1,
        "comment": "Site order #A-1",
        "products": [{"product_id": 138, "count": 1}],
    }


def test_the_customers_details_are_sent_trimmed() -> None:
    req = order(
        "EV", first_name=" Olena ", last_name="Koval", email="  olena@example.com ", address="Khreshchatyk 1, Kyiv "
    )
    assert builder().build(req).body == {
        "spot_id": 1,
        "phone": PHONE,
        "first_name": "Olena",
        "last_name": "Koval",
        "email": "olena@example.com",
        "address": "Khreshchatyk 1, Kyiv",
        "comment": "Site order #A-1",
        "products": [{"product_id": 138, "count": 1}],
    }


# -- the spot -------------------------------------------------------------------------------------


def test_no_spot_chosen_lists_the_spots_to_choose_from() -> None:
    assert refused(builder(spot=None), order("EV", line=2)) == [
        (2, "which spot? pass --spot or set POSTER_SPOT_ID (spots: 1 (Spot in Madrid), 2 (Spot in Milan))")
    ]


def test_a_snapshot_without_spots_says_so() -> None:
    raw = snapshot_raw()
    raw["spots"] = []
    assert refused(builder(raw, spot=None), order("EV")) == [
        (None, "which spot? pass --spot or set POSTER_SPOT_ID (spots: none in the snapshot)")
    ]
    assert refused(builder(raw, spot=None), order("EV", spot_id=3)) == [
        (None, "spot 3 does not exist (spots: none in the snapshot; run `poster-cli pull`)")
    ]


# -- naming an item -------------------------------------------------------------------------------


def test_an_empty_item_is_named_at_its_line() -> None:
    assert refused(builder(), order(ItemRequest("  ", line=5), "EV", line=4)) == [(5, "an item is empty")]


@pytest.mark.parametrize("ref", ["poster:abc", "POSTER:12/x", "Poster:", "poster:1/2/3"])
def test_a_malformed_poster_reference_says_how_to_write_one(ref: str) -> None:
    assert refused(builder(), order(ref)) == [
        (None, f"'{ref}': write poster:PRODUCT_ID or poster:PRODUCT_ID/MODIFICATOR_ID")
    ]


def test_a_poster_reference_in_capitals_is_taken() -> None:
    assert builder().build(order("POSTER:139/147")).body["products"] == [
        {"product_id": 139, "modificator_id": 147, "count": 1}
    ]


def test_an_item_named_by_its_local_name_is_labelled_with_its_local_id_too() -> None:
    assert refused(builder(), order("kvass", "Gone", ItemRequest("NOPE", line=9))) == [
        (
            None,
            "kvass (NOPE): not linked to a Poster product (status unmatched); run `poster-cli match` or edit the mapping",
        ),
        (None, "Gone (GONE): mapped to product 999, which is not in the menu (run `poster-cli mapping check`)"),
        (9, "NOPE: not linked to a Poster product (status unmatched); run `poster-cli match` or edit the mapping"),
    ]


def test_a_count_problem_is_labelled_with_the_name_used() -> None:
    assert refused(builder(), order(ItemRequest("evian water", Decimal("1.5")), ItemRequest("EV", Decimal(0)))) == [
        (None, "evian water (EV): count 1.5 must be whole (only weight items take fractions)"),
        (None, "EV: count 0 must be more than 0"),
    ]


# -- dish modifiers -------------------------------------------------------------------------------


def test_a_dish_without_its_required_choices_names_each_group() -> None:
    assert refused(builder(), order("set menu")) == [
        (
            None,
            (
                "set menu (SET-PLAIN): 'Set menu' needs a choice from 'Drinks' (at least 1); set dish_modifications"
                " in the mapping"
            ),
        ),
        (
            None,
            (
                "set menu (SET-PLAIN): 'Set menu' needs a choice from 'Eats' (at least 1); set dish_modifications"
                " in the mapping"
            ),
        ),
    ]


def test_every_unknown_modifier_is_named_and_the_known_ones_still_count() -> None:
    b = builder(extra=[dish("SET-ODD", 999, 998, 142, 144)])
    assert refused(b, order(ItemRequest("SET-ODD", line=3))) == [
        (3, "SET-ODD: 'Set menu' has no modifier 998"),
        (3, "SET-ODD: 'Set menu' has no modifier 999"),
    ]


def test_a_dish_named_by_its_poster_id_takes_no_choices_and_is_refused_for_its_groups() -> None:
    assert refused(builder(), order("poster:30")) == [
        (
            None,
            "poster:30: 'Set menu' needs a choice from 'Drinks' (at least 1); set dish_modifications in the mapping",
        ),
        (None, "poster:30: 'Set menu' needs a choice from 'Eats' (at least 1); set dish_modifications in the mapping"),
    ]


def test_modifiers_on_a_product_that_is_not_a_dish_are_refused() -> None:
    entry = {"local_id": "EV-COLA", "local_name": "Evian cola", "status": "manual", "product_id": 138}
    entry["dish_modifications"] = [{"m": 142, "a": 1}]
    assert refused(builder(extra=[entry]), order("Evian cola")) == [
        (None, "Evian cola (EV-COLA): 'Evian' is not a dish, so it takes no dish modifiers")
    ]


def test_fewer_choices_than_a_groups_minimum_names_how_many() -> None:
    raw = set_menu_groups(snapshot_raw(), Drinks={"num_min": "2"})
    assert refused(builder(raw), order("SET-COLA")) == [(None, "SET-COLA: 'Drinks' needs at least 2 choices, got 1")]


def test_more_choices_than_a_groups_maximum_names_how_many() -> None:
    assert refused(builder(), order("SET-4DRINKS")) == [(None, "SET-4DRINKS: 'Drinks' allows at most 3 choices, got 4")]


def test_a_maximum_of_one_allows_one_choice_and_refuses_two() -> None:
    raw = set_menu_groups(snapshot_raw(), Drinks={"num_max": "1"})
    b = builder(raw, extra=[dish("SET-2", 142, 143, 144)])
    assert b.build(order("SET-COLA")).total == 30000 + 9999 + 2 * 9999
    assert refused(b, order("SET-2")) == [(None, "SET-2: 'Drinks' allows at most 1 choices, got 2")]


def test_a_maximum_of_zero_sets_no_upper_bound() -> None:
    raw = set_menu_groups(snapshot_raw(), Drinks={"num_max": "0"})
    built = builder(raw).build(order("SET-4DRINKS"))
    assert built.body["products"] == [
        {"product_id": 30, "modification": '[{"m":142,"a":2},{"m":143,"a":2},{"m":145,"a":1}]', "count": 1}
    ]
    assert built.total == 30000 + 5 * 9999


def test_a_dish_whose_groups_are_all_optional_costs_its_own_price_without_choices() -> None:
    raw = set_menu_groups(snapshot_raw(), Drinks={"num_min": "0"}, Eats={"num_min": "0"})
    built = builder(raw).build(order("SET-PLAIN", paid=True))
    assert built.body["products"] == [{"product_id": 30, "count": 1}]
    assert (built.total, built.body["payment"]["sum"]) == (30000, 30000)


def test_a_dish_whose_groups_are_all_deleted_costs_its_own_price() -> None:
    raw = set_menu_groups(snapshot_raw(), Drinks={"is_deleted": "1"}, Eats={"is_deleted": "1"})
    built = builder(raw).build(order("SET-PLAIN", paid=True))
    assert built.body["products"] == [{"product_id": 30, "count": 1}]
    assert (built.total, built.body["payment"]["sum"]) == (30000, 30000)


def test_modifiers_the_menu_no_longer_has_are_refused_even_when_all_groups_are_deleted() -> None:
    # the mapping asks for Cola and French fries; the menu's groups are gone: the order must not go out without them
    raw = set_menu_groups(snapshot_raw(), Drinks={"is_deleted": "1"}, Eats={"is_deleted": "1"})
    assert refused(builder(raw), order("SET-COLA")) == [
        (None, "SET-COLA: 'Set menu' has no modifier 142"),
        (None, "SET-COLA: 'Set menu' has no modifier 144"),
    ]


# -- the built order ------------------------------------------------------------------------------


def test_merged_lines_keep_their_name_variant_and_modifier_names() -> None:
    built = builder().build(
        order("BJ-APPLE", "Borjomi apple", "SET-COLA", ItemRequest("set menu with cola", Decimal(2)))
    )
    assert built.lines == [
        OrderLine(139, "Borjomi Сок яблочный для кальяна", Decimal(2), 68100, 136200, 147, None, ()),
        OrderLine(
            30,
            "Set menu",
            Decimal(3),
            59997,
            179991,
            None,
            '[{"m":142,"a":1},{"m":144,"a":2}]',
            ("Cola", "French fries x2"),
        ),
    ]
    assert built.body["products"] == [
        {"product_id": 139, "modificator_id": 147, "count": 2},
        {"product_id": 30, "modification": '[{"m":142,"a":1},{"m":144,"a":2}]', "count": 3},
    ]
    assert built.total == 136200 + 179991


def test_a_built_order_carries_what_the_report_and_journal_show() -> None:
    req = order("EV", paid=True, source="orders.csv", line=4, order_id="C-9")
    built = builder().build(req)
    assert (built.order_id, built.spot_id, built.total, built.currency, built.paid, built.source, built.line) == (
        "C-9",
        1,
        19000,
        "UAH",
        True,
        "orders.csv",
        4,
    )
    unpaid = builder().build(order("EV", source="send"))
    assert (unpaid.paid, unpaid.source, unpaid.line, unpaid.warnings) == (False, "send", None, [])
