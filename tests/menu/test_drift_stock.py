"""Stock in the menu diff: compared only when both snapshots carry leftovers, whichever side lacks
them; a leftover at or below zero is out of stock. Snapshots are hand-made raw Poster answers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from poster_cli.drift import diff_snapshots
from poster_cli.menu import MenuSnapshot
from tests.support.menus import base_menu


def with_left(left: str | None) -> dict[str, Any]:
    """The base menu with Espresso's ingredient (501) at ``left``; None: no stock information."""
    raw = base_menu()
    raw["leftovers"] = None if left is None else [{"ingredient_id": "501", "ingredient_left": left}]
    return raw


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[Any, ...]]:
    diff = diff_snapshots(MenuSnapshot(raw=copy.deepcopy(old)), MenuSnapshot(raw=copy.deepcopy(new)))
    return [(c.product_id, c.field, c.old, c.new) for c in diff.changed]


@pytest.mark.parametrize("old,new", [(None, "0"), ("0", None), (None, "-3"), ("-3", None)])
def test_one_side_without_stock_information_reports_no_stock_change(old: str | None, new: str | None) -> None:
    assert changes(with_left(old), with_left(new)) == []


@pytest.mark.parametrize("left", ["0", "-1", "-0.5", "0.000"])
def test_at_or_below_zero_is_out_of_stock(left: str) -> None:
    assert changes(with_left("5"), with_left(left)) == [(10, "out_of_stock", False, True)]
    assert changes(with_left(left), with_left("5")) == [(10, "out_of_stock", True, False)]


@pytest.mark.parametrize("left", ["0.001", "1", "12.5"])
def test_anything_left_is_in_stock(left: str) -> None:
    assert changes(with_left("5"), with_left(left)) == []


def test_a_product_without_an_ingredient_has_no_stock_to_change() -> None:
    old, new = with_left("5"), with_left("0")
    for raw in (old, new):
        raw["leftovers"].append({"ingredient_id": "777", "ingredient_left": "0"})
    new["leftovers"][1]["ingredient_left"] = "9"  # an ingredient no product uses
    assert changes(old, new) == [(10, "out_of_stock", False, True)]
