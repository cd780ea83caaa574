"""The menu diff's finer points: spot entries that appear or vanish, the spot filter on
modifications, groups beside each other, product ids written as numbers, names on every change,
and the report built from a diff (``menu diff``). Snapshots are hand-made raw Poster answers."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from poster_cli.drift import DriftReport, MenuDiff, compare_files, diff_snapshots, report_from_diff
from poster_cli.mapping import Mapping, MappingEntry
from poster_cli.menu import MenuSnapshot
from poster_cli.poster.models import ParseError
from tests.support.menus import base_menu, spots


def product(raw: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in raw["products"] if p["product_id"] == pid)


def diff_after(mutate: Callable[[dict[str, Any]], None], **kwargs: Any) -> list[dict[str, Any]]:
    old = base_menu()
    new = copy.deepcopy(old)
    mutate(new)
    return [c.to_dict() for c in diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new), **kwargs).changed]


def test_a_spot_that_stops_selling_a_product_is_its_price_and_visibility_gone() -> None:
    def drop_spot_2(raw: dict[str, Any]) -> None:
        product(raw, "10")["spots"] = spots(4500, ids=(1,))

    assert diff_after(drop_spot_2) == [
        {"product_id": 10, "name": "Еспресо", "field": "price", "spot_id": 2, "old": 4500, "new": None},
        {"product_id": 10, "name": "Еспресо", "field": "visible", "spot_id": 2, "old": True, "new": False},
    ]


def test_a_spot_that_starts_selling_a_product_is_a_new_price_and_visibility() -> None:
    old = base_menu()
    product(old, "10")["spots"] = spots(4500, ids=(1,))
    new = base_menu()
    changes = [c.to_dict() for c in diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new)).changed]
    assert [(c["field"], c["spot_id"], c["old"], c["new"]) for c in changes] == [
        ("price", 2, None, 4500),
        ("visible", 2, False, True),
    ]


def test_a_hidden_spot_entry_that_goes_away_changes_the_price_only() -> None:
    old = base_menu()
    product(old, "10")["spots"] = [*spots(4500, ids=(1,)), *spots(4500, visible="0", ids=(2,))]
    new = base_menu()
    product(new, "10")["spots"] = spots(4500, ids=(1,))
    changes = [c.to_dict() for c in diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new)).changed]
    assert [(c["field"], c["spot_id"], c["old"], c["new"]) for c in changes] == [("price", 2, 4500, None)]


def test_the_spot_filter_applies_to_modification_prices_too() -> None:
    def latte_dearer_at_spot_2(raw: dict[str, Any]) -> None:
        product(raw, "11")["modifications"][1]["spots"][1]["price"] = "7500"

    assert diff_after(latte_dearer_at_spot_2, spot_id=1) == []
    assert diff_after(latte_dearer_at_spot_2, spot_id=2) == [
        {
            "product_id": 11,
            "name": "Лате",
            "field": "modification_price",
            "spot_id": 2,
            "modificator_id": 112,
            "old": 7000,
            "new": 7500,
        }
    ]


def test_each_change_of_a_modification_group_or_modifier_names_its_product() -> None:
    def many(raw: dict[str, Any]) -> None:
        latte = product(raw, "11")
        latte["modifications"].append({"modificator_id": "113", "modificator_name": "500 мл", "spots": spots(8000)})
        latte["modifications"][1]["spots"][0]["price"] = "7100"
        syrnyky = product(raw, "20")
        group = syrnyky["group_modifications"][0]
        group["modifications"][0]["name"] = "Сметанка"
        group["modifications"].pop(1)
        group["modifications"].append({"dish_modification_id": "73", "name": "Мед", "price": 10})
        syrnyky["group_modifications"].append(
            {"dish_modification_group_id": "8", "name": "Топінг", "num_min": "0", "num_max": "2", "modifications": []}
        )

    changes = diff_after(many)
    assert [(c["product_id"], c["name"], c["field"]) for c in changes] == [
        (11, "Лате", "modification_price"),
        (11, "Лате", "modification_added"),
        (20, "Сирники", "modifier_name"),
        (20, "Сирники", "modifier_removed"),
        (20, "Сирники", "modifier_added"),
        (20, "Сирники", "group_added"),
    ]


def test_a_removed_group_and_a_moved_category_name_their_product() -> None:
    def moved(raw: dict[str, Any]) -> None:
        product(raw, "20")["group_modifications"][0]["is_deleted"] = "1"
        product(raw, "10")["menu_category_id"] = "2"

    assert [(c["product_id"], c["name"], c["field"]) for c in diff_after(moved)] == [
        (10, "Еспресо", "category"),
        (20, "Сирники", "group_removed"),
    ]


def group(gid: str, name: str, *modifiers: tuple[str, str, int]) -> dict[str, Any]:
    return {
        "dish_modification_group_id": gid,
        "name": name,
        "num_min": "0",
        "num_max": "1",
        "is_deleted": "0",
        "modifications": [{"dish_modification_id": d, "name": n, "price": p} for d, n, p in modifiers],
    }


def test_a_group_added_before_another_that_changed_hides_neither() -> None:
    def add_and_rename(raw: dict[str, Any]) -> None:
        groups = product(raw, "20")["group_modifications"]
        groups.insert(0, group("5", "Посипка", ("51", "Цукор", 0)))
        groups[1]["name"] = "Соуси"

    assert [(c["field"], c["group_id"], c["new"]) for c in diff_after(add_and_rename)] == [
        ("group_added", 5, "Посипка"),
        ("group_name", 7, "Соуси"),
    ]


def test_a_group_removed_before_another_that_changed_hides_neither() -> None:
    old = base_menu()
    product(old, "20")["group_modifications"].append(group("9", "Хліб", ("91", "Житній", 5)))
    new = copy.deepcopy(old)
    groups = product(new, "20")["group_modifications"]
    groups.pop(0)
    groups[0]["num_max"] = "2"
    changes = [c.to_dict() for c in diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new)).changed]
    assert [(c["field"], c["group_id"], c["old"], c["new"]) for c in changes] == [
        ("group_removed", 7, "Соус", None),
        ("group_num_max", 9, 1, 2),
    ]


def test_a_category_the_snapshot_does_not_list_is_named_as_the_product_says() -> None:
    old, new = base_menu(), base_menu()
    product(new, "10").update(menu_category_id="9", category_name="Сезонне")
    changes = [c.to_dict() for c in diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new)).changed]
    assert [(c["field"], c["old"], c["new"]) for c in changes] == [("category", "Кава", "Сезонне")]


def test_product_ids_written_as_numbers_are_the_same_products() -> None:
    old, new = base_menu(), base_menu()
    for p in new["products"]:
        p["product_id"] = int(p["product_id"])
    product_10 = next(p for p in new["products"] if p["product_id"] == 10)
    product_10["product_name"] = "Ристрето"
    diff = diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new))
    assert (diff.added, diff.removed) == ([], [])
    assert [(c.product_id, c.field, c.old, c.new) for c in diff.changed] == [(10, "name", "Еспресо", "Ристрето")]


@pytest.mark.parametrize(
    "pid,message", [("abc", "not a number: 'abc'"), (None, "missing product_id"), ("1.5", "not a whole number")]
)
def test_a_product_id_that_is_not_a_whole_number_is_a_parse_error(pid: Any, message: str) -> None:
    new = base_menu()
    new["products"][0]["product_id"] = pid
    with pytest.raises(ParseError, match=message):
        diff_snapshots(MenuSnapshot(raw=base_menu()), MenuSnapshot(raw=new))


def test_stock_recorded_for_the_first_time_reports_what_is_out() -> None:
    """An empty leftovers list is stock information (nothing recorded), unlike a missing one."""
    old, new = base_menu(), base_menu()
    old["leftovers"] = []
    new["leftovers"] = [{"ingredient_id": "501", "ingredient_left": "0"}]
    diff = diff_snapshots(MenuSnapshot(raw=old), MenuSnapshot(raw=new))
    assert [(c.product_id, c.field, c.old, c.new) for c in diff.changed] == [(10, "out_of_stock", False, True)]


@pytest.mark.parametrize("kind", ["added", "removed", "changed"])
def test_a_diff_with_any_one_kind_of_drift_is_drift(kind: str) -> None:
    assert not MenuDiff()
    assert MenuDiff(**{kind: [{"product_id": 1}]})
    assert DriftReport(**{kind: [{"product_id": 1}]}).drift


@pytest.mark.parametrize("kind", ["broken", "unmatched"])
def test_a_broken_or_unmatched_item_alone_needs_attention_either_way(kind: str) -> None:
    report = DriftReport(**{kind: [{"local_id": "L-1"}]})
    assert report.needs_attention("any") and report.needs_attention("mapping")
    assert not DriftReport().needs_attention("any")


def test_meta_lists_exports_only_when_there_are_some() -> None:
    assert "exports" not in DriftReport().meta()
    written = [{"format": "csv", "file": "/srv/menu.csv", "items": 4, "products": 3}]
    assert DriftReport(exports=written).meta()["exports"] == written


def test_a_first_report_has_no_previous_snapshot_and_no_currency_without_one() -> None:
    raw = base_menu()
    raw["currency"] = None
    new = MenuSnapshot(raw=raw)
    report = report_from_diff(MenuDiff(), None, new, 2)
    meta = report.to_dict()["meta"]
    assert (meta["previous"], meta["previous_pulled_at"], meta["snapshot"], meta["currency"]) == (None,) * 4
    assert meta["spot_id"] == 2 and meta["counts"]["products"] == 3


def test_a_report_names_both_files_and_carries_the_removed_products(tmp_path: Path) -> None:
    old_raw, new_raw = base_menu(), base_menu()
    new_raw["pulled_at"] = "2025-03-02T06:00:00+00:00"
    new_raw["products"] = [p for p in new_raw["products"] if p["product_id"] != "11"]
    product(new_raw, "10")["spots"][1]["price"] = "4700"  # at spot 2 only
    old_path, new_path = tmp_path / "old.json", tmp_path / "new.json"
    old_path.write_text(json.dumps(old_raw), encoding="utf-8")
    new_path.write_text(json.dumps(new_raw), encoding="utf-8")
    report = compare_files(old_path, new_path, spot_id=1)
    assert report.removed == [{"product_id": 11, "name": "Лате"}]
    assert report.changed == []  # spot 2's price is not spot 1's business
    meta = report.meta()
    assert (meta["previous"], meta["snapshot"], meta["spot_id"]) == (str(old_path), str(new_path), 1)
    assert (meta["pulled_at"], meta["previous_pulled_at"]) == ("2025-03-02T06:00:00+00:00", "2025-03-01T06:00:00+00:00")
    assert [c["spot_id"] for c in compare_files(old_path, new_path, spot_id=2).changed] == [2]


def test_a_link_invisible_at_the_chosen_spot_only_is_broken_there_only(tmp_path: Path) -> None:
    raw = base_menu()
    product(raw, "10")["spots"][1]["visible"] = "0"  # Espresso is not sold at spot 2
    path = tmp_path / "menu.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    mapping = Mapping()
    mapping.set(MappingEntry(local_id="L-1", local_name="Espresso", status="confirmed", product_id=10))
    assert compare_files(path, path, spot_id=1, mapping=mapping).broken == []
    [broken] = compare_files(path, path, spot_id=2, mapping=mapping).broken
    assert (broken["local_id"], broken["reason"], broken["message"]) == (
        "L-1",
        "invisible_at_spot",
        "product is not visible at spot 2",
    )
