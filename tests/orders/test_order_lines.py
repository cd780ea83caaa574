"""Order lines: lines that differ only in their dish modifiers stay apart, the same choices in
another order merge, the modifiers' JSON is in one canonical order, and a variant not sold at the
spot is refused. Prices are written out as literals (Set menu 300.00, each modifier 99.99)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from poster_cli.mapping import parse_mapping
from poster_cli.menu import MenuSnapshot
from poster_cli.orders.build import ItemRequest, OrderBuilder, OrderInvalid, OrderRequest
from tests.support.orders import snapshot, snapshot_raw


def dish(local_id: str, *choices: tuple[int, int]) -> dict[str, Any]:
    return {
        "local_id": local_id,
        "local_name": local_id,
        "status": "manual",
        "product_id": 30,
        "dish_modifications": [{"m": m, "a": a} for m, a in choices],
    }


MAPPING = parse_mapping(
    {
        "version": 1,
        "items": [
            dish("COLA-FRIES", (142, 1), (144, 1)),
            dish("FRIES-COLA", (144, 1), (142, 1)),  # the same choices, listed the other way round
            dish("FANTA-FRIES", (143, 1), (144, 1)),
            dish("COLA-COLA-FRIES", (142, 1), (142, 1), (144, 1)),  # one modifier named twice
            {
                "local_id": "BJ-APPLE",
                "local_name": "Borjomi apple",
                "status": "auto",
                "product_id": 139,
                "modificator_id": 147,
            },
        ],
    },
    Path("mapping.toml"),
)


def order(*local_ids: str, spot: int = 1, snap: MenuSnapshot | None = None) -> Any:
    builder = OrderBuilder(snap or snapshot(), MAPPING, default_spot=spot)
    return builder.build(
        OrderRequest(order_id="L-1", items=[ItemRequest(i, Decimal(1)) for i in local_ids], phone="+380501234567")
    )


def test_lines_differing_only_in_dish_modifiers_are_not_merged() -> None:
    built = order("COLA-FRIES", "FANTA-FRIES")
    assert built.body["products"] == [
        {"product_id": 30, "modification": '[{"m":142,"a":1},{"m":144,"a":1}]', "count": 1},
        {"product_id": 30, "modification": '[{"m":143,"a":1},{"m":144,"a":1}]', "count": 1},
    ]
    assert [line.total for line in built.lines] == [49998, 49998] and built.total == 99996


def test_the_same_choices_in_another_order_merge_into_one_line() -> None:
    built = order("COLA-FRIES", "FRIES-COLA", "FANTA-FRIES", "COLA-FRIES")
    assert built.body["products"] == [
        {"product_id": 30, "modification": '[{"m":142,"a":1},{"m":144,"a":1}]', "count": 3},
        {"product_id": 30, "modification": '[{"m":143,"a":1},{"m":144,"a":1}]', "count": 1},
    ]
    assert [(line.count, line.unit_price, line.total) for line in built.lines] == [
        (Decimal(3), 49998, 149994),
        (Decimal(1), 49998, 49998),
    ]
    assert built.total == 199992


def test_a_modifier_named_twice_is_one_choice_with_amount_two() -> None:
    built = order("COLA-COLA-FRIES")
    assert built.body["products"] == [
        {"product_id": 30, "modification": '[{"m":142,"a":2},{"m":144,"a":1}]', "count": 1}
    ]
    assert built.total == 30000 + 2 * 9999 + 9999
    assert json.loads(built.body["products"][0]["modification"]) == [{"m": 142, "a": 2}, {"m": 144, "a": 1}]


def test_a_variant_not_sold_at_the_spot_is_refused_there_only() -> None:
    raw = snapshot_raw()
    borjomi = next(p for p in raw["products"] if p["product_id"] == "139")
    for entry in borjomi["modifications"][0]["spots"]:
        if entry["spot_id"] == "2":
            entry["visible"] = "0"
    snap = MenuSnapshot(raw=raw)
    assert order("BJ-APPLE", spot=1, snap=snap).body["products"] == [
        {"product_id": 139, "modificator_id": 147, "count": 1}
    ]
    with pytest.raises(OrderInvalid) as info:
        order("BJ-APPLE", spot=2, snap=snap)
    assert [p.message for p in info.value.problems] == [
        "BJ-APPLE: 'Borjomi Сок яблочный для кальяна' is not sold at spot 2"
    ]
