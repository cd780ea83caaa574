"""The menu diff: each kind of drift a cron user is told about, on small hand-made snapshots."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest

from poster_cli.drift import diff_snapshots, report_from_diff
from poster_cli.menu import MenuSnapshot
from tests.support.menus import base_menu, spots


def product(raw: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in raw["products"] if p["product_id"] == pid)


def changed_after(mutate: Callable[[dict[str, Any]], None], **kwargs: Any) -> list[dict[str, Any]]:
    old = base_menu()
    new = copy.deepcopy(old)
    mutate(new)
    diff = diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new), **kwargs)
    return [c.to_dict() for c in diff.changed]


def set_(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation: follow ``path`` from a product (first element: product id) and set the value."""

    def mutate(raw: dict[str, Any]) -> None:
        node: Any = product(raw, path[0])
        for key in path[1:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


CASES = [
    # (mutation, expected single change)
    (
        set_(["10", "product_name"], "Еспресо подвійний"),
        {"product_id": 10, "field": "name", "old": "Еспресо", "new": "Еспресо подвійний"},
    ),
    (set_(["10", "menu_category_id"], "2"), {"product_id": 10, "field": "category", "old": "Кава", "new": "Десерти"}),
    (set_(["10", "hidden"], "1"), {"product_id": 10, "field": "hidden", "old": False, "new": True}),
    (
        set_(["10", "spots", 1, "price"], "5000"),
        {"product_id": 10, "field": "price", "spot_id": 2, "old": 4500, "new": 5000},
    ),
    (
        set_(["10", "spots", 0, "visible"], "0"),
        {"product_id": 10, "field": "visible", "spot_id": 1, "old": True, "new": False},
    ),
    (
        lambda raw: raw["leftovers"][0].update(ingredient_left="0"),
        {"product_id": 10, "field": "out_of_stock", "old": False, "new": True},
    ),
    (
        lambda raw: product(raw, "11")["modifications"].append(
            {"modificator_id": "113", "modificator_name": "500 мл", "spots": spots(8000)}
        ),
        {"product_id": 11, "field": "modification_added", "modificator_id": 113, "old": None, "new": "500 мл"},
    ),
    (
        lambda raw: product(raw, "11")["modifications"].pop(0),
        {"product_id": 11, "field": "modification_removed", "modificator_id": 111, "old": "300 мл", "new": None},
    ),
    (
        set_(["11", "modifications", 1, "modificator_name"], "450 мл"),
        {"product_id": 11, "field": "modification_name", "modificator_id": 112, "old": "400 мл", "new": "450 мл"},
    ),
    (
        set_(["11", "modifications", 1, "spots", 0, "price"], "7500"),
        {
            "product_id": 11,
            "field": "modification_price",
            "spot_id": 1,
            "modificator_id": 112,
            "old": 7000,
            "new": 7500,
        },
    ),
    (
        set_(["11", "modifications", 0, "spots", 1, "visible"], "0"),
        {
            "product_id": 11,
            "field": "modification_visible",
            "spot_id": 2,
            "modificator_id": 111,
            "old": True,
            "new": False,
        },
    ),
    (
        lambda raw: product(raw, "20")["group_modifications"].append(
            {"dish_modification_group_id": "8", "name": "Топінг", "num_min": "0", "num_max": "2", "modifications": []}
        ),
        {"product_id": 20, "field": "group_added", "group_id": 8, "old": None, "new": "Топінг"},
    ),
    (
        set_(["20", "group_modifications", 0, "is_deleted"], "1"),
        {"product_id": 20, "field": "group_removed", "group_id": 7, "old": "Соус", "new": None},
    ),
    (
        set_(["20", "group_modifications", 0, "num_min"], "1"),
        {"product_id": 20, "field": "group_num_min", "group_id": 7, "old": 0, "new": 1},
    ),
    (
        set_(["20", "group_modifications", 0, "num_max"], "2"),
        {"product_id": 20, "field": "group_num_max", "group_id": 7, "old": 1, "new": 2},
    ),
    (
        set_(["20", "group_modifications", 0, "modifications", 1, "price"], 22.75),
        {
            "product_id": 20,
            "field": "modifier_price",
            "group_id": 7,
            "dish_modification_id": 72,
            "old": 2050,
            "new": 2275,
        },
    ),
    (
        set_(["20", "group_modifications", 0, "name"], "Соуси"),
        {"product_id": 20, "field": "group_name", "group_id": 7, "old": "Соус", "new": "Соуси"},
    ),
    (
        lambda raw: product(raw, "20")["group_modifications"][0]["modifications"].append(
            {"dish_modification_id": "73", "name": "Мед", "price": 10}
        ),
        {
            "product_id": 20,
            "field": "modifier_added",
            "group_id": 7,
            "dish_modification_id": 73,
            "old": None,
            "new": "Мед",
        },
    ),
    (
        set_(["20", "group_modifications", 0, "modifications", 0, "name"], "Сметанка"),
        {
            "product_id": 20,
            "field": "modifier_name",
            "group_id": 7,
            "dish_modification_id": 71,
            "old": "Сметана",
            "new": "Сметанка",
        },
    ),
    (
        lambda raw: product(raw, "20")["group_modifications"][0]["modifications"].pop(),
        {
            "product_id": 20,
            "field": "modifier_removed",
            "group_id": 7,
            "dish_modification_id": 72,
            "old": "Варення",
            "new": None,
        },
    ),
]


@pytest.mark.parametrize("mutate,expected", CASES, ids=[c[1]["field"] for c in CASES])
def test_each_kind_of_drift_is_one_precise_change(mutate, expected):
    changes = changed_after(mutate)
    assert len(changes) == 1, changes
    got = {k: v for k, v in changes[0].items() if k != "name"}
    assert got == expected


def test_identical_menus_have_no_drift():
    snap = MenuSnapshot(raw=base_menu())
    assert not diff_snapshots(snap, MenuSnapshot(raw=base_menu()))


def test_added_and_removed_products_carry_id_and_name():
    old = MenuSnapshot(raw=base_menu())
    raw = base_menu()
    raw["products"] = [p for p in raw["products"] if p["product_id"] != "10"]
    raw["products"].append({"product_id": "30", "product_name": "Чай", "menu_category_id": "1", "spots": spots(3000)})
    diff = diff_snapshots(old, MenuSnapshot(raw=raw))
    assert diff.added == [{"product_id": 30, "name": "Чай"}]
    assert diff.removed == [{"product_id": 10, "name": "Еспресо"}]
    assert diff.changed == []


def test_a_spot_filter_hides_prices_at_other_spots():
    mutate = set_(["10", "spots", 1, "price"], "5000")  # spot 2 only
    assert changed_after(mutate, spot_id=1) == []
    assert len(changed_after(mutate, spot_id=2)) == 1


def test_stock_is_compared_only_when_both_snapshots_know_it():
    assert changed_after(lambda raw: raw.update(leftovers=None)) == []


def test_price_moved_between_spots_array_and_price_object_is_no_change():
    def as_object(raw):
        p = product(raw, "20")
        p["price"] = {"1": "12000", "2": "12000"}
        del p["spots"]

    assert changed_after(as_object) == []


def test_same_named_categories_are_told_apart_by_id():
    def rename(raw):
        raw["categories"][1]["category_name"] = "Кава"
        product(raw, "10")["menu_category_id"] = "2"

    [change] = changed_after(rename)
    assert (change["old"], change["new"]) == ("Кава (#1)", "Кава (#2)")


def test_report_counts_and_needs_attention():
    old, new = MenuSnapshot(raw=base_menu()), base_menu()
    set_(["10", "spots", 0, "price"], "4700")(new)
    report = report_from_diff(diff_snapshots(old, MenuSnapshot(raw=new)), old, MenuSnapshot(raw=new), None)
    assert report.counts()["changed"] == 1 and report.currency == "UAH"
    assert report.needs_attention("any") is True  # a price change is news for a cron user
    assert report.needs_attention("mapping") is False
    assert list(report.to_dict()) == ["added", "removed", "changed", "broken", "unmatched", "meta"]
