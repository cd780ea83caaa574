"""Siblings: items of one family that compete for each other's targets are resolved together."""

from __future__ import annotations

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MatchOptions, MenuIndex, match_items
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

WATER = MenuSnapshot(
    raw={
        "products": [
            product(43, "Вода Моршинська негазована 0,5 л", 30, category="Напої"),
            product(44, "Вода Моршинська газована 0,5 л", 30, category="Напої"),
            product(45, "Сік апельсиновий 0,25 л", 45, category="Напої"),
        ]
    }
)


def links(items: list[CatalogueItem], taken: dict | None = None) -> dict[str, int | None]:
    index = MenuIndex.from_products(WATER.products.values(), 1)
    results = match_items(items, index, MatchOptions(), taken=taken)
    return {r.item.local_id: r.accepted.product_id if r.accepted else None for r in results}


def test_a_sibling_that_took_the_close_target_leaves_the_other_one_clearly_ahead() -> None:
    still = CatalogueItem("S", "Моршинська негаз. 0.5", 3000)
    sparkling = CatalogueItem("G", "Моршинська газована 500 мл", 3000)
    assert links([sparkling]) == {"G": None}  # alone, "негазована" is too close to tell
    assert links([still, sparkling]) == {"S": 43, "G": 44}
    assert links([sparkling, still]) == {"G": 44, "S": 43}  # whatever the order


def test_a_target_a_person_linked_is_no_competitor_either() -> None:
    sparkling = CatalogueItem("G", "Моршинська газована 500 мл", 3000)
    assert links([sparkling], taken={(43, None, ()): "S"}) == {"G": 44}


def test_a_target_two_items_claim_alike_is_not_given_to_a_third_later() -> None:
    items = [
        CatalogueItem("E1", "Вода Моршинська газована 0,5 л", 3000),
        CatalogueItem("E2", "Вода Моршинська газована 0,5 л", 3000),  # the site lists it twice
        CatalogueItem("S", "Моршинська негаз. 0.5", 3000),
        CatalogueItem("G", "Моршинська газована 500 мл", 3000),
    ]
    assert links(items) == {"E1": None, "E2": None, "S": 43, "G": None}
