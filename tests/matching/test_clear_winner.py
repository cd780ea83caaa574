"""A target far ahead of every other one is linked even a little under the accept score."""

from __future__ import annotations

from typing import Any

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items
from poster_cli.menu import MenuSnapshot


def product(pid: int, name: str, price: int, category: str) -> dict[str, Any]:
    return {
        "product_id": str(pid),
        "product_name": name,
        "category_name": category,
        "hidden": "0",
        "type": "3",
        "spots": [{"spot_id": "1", "price": str(price * 100), "visible": "1"}],
    }


def results(menu: list[dict[str, Any]], *names: str, **options: Any) -> dict[str, Any]:
    index = MenuIndex.from_products(MenuSnapshot(raw={"products": menu}).products.values(), 1)
    items = [CatalogueItem(str(n), name, 12000) for n, name in enumerate(names)]  # the price of Лобіані
    return {r.item.name: r for r in match_items(items, index, MatchOptions(**options))}


BAKERY = [product(1, "Лобіані", 120, "Випічка"), product(2, "Хліб шоті", 40, "Випічка")]


def test_a_name_with_an_explanation_is_linked_when_nothing_else_comes_close() -> None:
    found = results(BAKERY, "Lobiani – bean-stuffed bread")
    r = found["Lobiani – bean-stuffed bread"]
    assert r.best is not None and r.best.score < 80  # the explanation cost it the accept score
    assert r.accepted is not None and r.accepted.name == "Лобіані"


def test_a_lone_candidate_under_the_accept_score_is_left_to_a_person() -> None:
    found = results([product(1, "Лобіані", 120, "Випічка")], "Lobiani – bean-stuffed bread")
    r = found["Lobiani – bean-stuffed bread"]
    assert r.best is not None and r.best.name == "Лобіані" and r.accepted is None


def test_a_stricter_accept_score_moves_the_clear_winner_rule_with_it() -> None:
    found = results(BAKERY, "Lobiani – bean-stuffed bread", accept=95)
    assert found["Lobiani – bean-stuffed bread"].accepted is None
