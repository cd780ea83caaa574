"""Families: site items naming variants of one dish, linked together to the menu's variants."""

from __future__ import annotations

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MenuIndex, match_items
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

BOWLS = MenuSnapshot(
    raw={
        "products": [
            product(1, "Поке з креветками", 285, category="Боули"),
            product(2, "Поке з тофу", 245, category="Боули"),
            product(3, "Поке з вугрем", 325, category="Боули"),
            product(4, "Цезар з креветками", 265, category="Салати"),
            product(5, "Салат з тофу та вакаме", 215, category="Салати"),
        ]
    }
)
SHRIMP = CatalogueItem("S", "Shrimp poke — rice, mango, avocado")
TOFU = CatalogueItem("T", "Tofu poke (vegan) — brown rice, edamame")
EEL = CatalogueItem("E", "Eel poke — unagi, rice, avocado")


def bowls(items: list[CatalogueItem]) -> dict[str, int | None]:
    index = MenuIndex.from_products(BOWLS.products.values(), 1)
    return {r.item.local_id: r.accepted.product_id if r.accepted else None for r in match_items(items, index)}


def test_a_family_whose_pattern_is_consistent_is_linked_together() -> None:
    assert bowls([SHRIMP]) == {"S": None}  # alone: 69, a person decides
    assert bowls([SHRIMP, TOFU, EEL]) == {"S": 1, "T": 2, "E": 3}  # "poke" / "Поке" on every name


def test_two_of_a_family_picking_one_target_are_left_to_a_person() -> None:
    again = CatalogueItem("S2", "Shrimp poke — rice, mango, avocado")
    assert bowls([SHRIMP, again, TOFU]) == {"S": None, "S2": None, "T": 2}


def test_a_target_two_items_claim_alike_is_not_given_to_one_of_a_family() -> None:
    twice = [CatalogueItem(f"P{n}", "Поке з креветками") for n in (1, 2)]  # the site lists it twice
    assert bowls([*twice, SHRIMP, TOFU, EEL]) == {"P1": None, "P2": None, "S": None, "T": 2, "E": 3}


def test_a_word_the_menu_uses_elsewhere_but_the_target_lacks_is_another_dish() -> None:
    # "вакаме" is on the menu, but not on "Поке з вугрем": an eel poke with wakame is another bowl
    assert bowls([CatalogueItem("W", "Eel poke wakame"), SHRIMP, TOFU]) == {"W": None, "S": 1, "T": 2}
    assert bowls([CatalogueItem("W", "Eel poke (wakame)"), SHRIMP, TOFU]) == {"W": 3, "S": 1, "T": 2}  # explained
