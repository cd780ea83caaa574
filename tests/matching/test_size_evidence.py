"""Size as evidence, case by case, as a person sees it at review: the score of a candidate and its
reason. The names agree fully (90 of 100), so what the size adds or takes is the score minus 90:
the same size +5, another size -35 (a letter: -30), no size against a family of sizes -3, a larger
letter than a one-size item has -12, nothing to compare 0."""

from __future__ import annotations

import pytest

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MenuIndex, match_items
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

MENU = MenuSnapshot(
    raw={
        "products": [
            product(1, "Лате", mods=((11, "250 мл", 55), (12, "400 мл", 70))),  # a family: S and L by rank
            product(2, "Кола 0,33 л", 40),  # one size, written in the name
            product(3, "Морс", 50),  # one size, none written
            product(4, "Какао L", 60),  # a letter of its own
            product(5, "Сік", mods=((51, "200 мл", 30), (52, "300 мл", 40), (53, "500 мл", 50))),  # S, M, L
        ]
    }
)


@pytest.mark.parametrize(
    "site,target,score,reason",
    [
        ("Latte 400 ml", "Лате / 400 мл", 95.0, "name 100, size 400 ml"),
        ("Latte 0.25 l", "Лате / 250 мл", 95.0, "name 100, size 250 ml"),
        ("Latte 500 ml", "Лате / 400 мл", 55.0, "name 100, size 500 ml vs 400 ml"),
        ("Cola 0.5 l", "Кола 0,33 л", 55.0, "name 100, size 500 ml vs 330 ml"),
        ("Latte L", "Лате / 400 мл", 95.0, "name 100, size L"),
        ("Latte L", "Лате / 250 мл", 60.0, "name 100, size L vs S"),
        ("Latte XL", "Лате / 250 мл", 60.0, "name 100, size XL vs S"),
        ("Cocoa L", "Какао L", 95.0, "name 100, size L"),
        ("Cocoa S", "Какао L", 60.0, "name 100, size S vs L"),
        ("Cocoa M", "Какао L", 60.0, "name 100, size M vs L"),  # M against a letter the menu wrote
        ("Latte M", "Лате / 250 мл", 90.0, "name 100"),  # M against sizes by rank says nothing
        ("Latte M", "Лате / 400 мл", 90.0, "name 100"),
        ("Juice M", "Сік / 300 мл", 95.0, "name 100, size M"),
        ("Latte 250", "Лате / 250 мл", 95.0, "name 100, size 250"),  # a bare number that is a size
        ("Latte", "Лате / 250 мл", 87.0, "name 100, which size?"),
        ("Latte 30 cm", "Лате / 400 мл", 87.0, "name 100, size unclear"),  # a size of another kind
        ("Mors L", "Морс", 78.0, "name 100, size L not on the menu"),
        ("Mors XL", "Морс", 78.0, "name 100, size XL not on the menu"),
        ("Mors XXL", "Морс", 78.0, "name 100, size XXL not on the menu"),
        ("Mors S", "Морс", 90.0, "name 100"),  # a smaller size than one may be: nothing said
        ("Mors 300 ml", "Морс", 90.0, "name 100"),
        ("Cola L", "Кола 0,33 л", 90.0, "name 100"),  # the menu names its one size: no penalty
    ],
)
def test_what_a_size_adds_or_takes(site: str, target: str, score: float, reason: str) -> None:
    index = MenuIndex.from_products(MENU.products.values(), 1)
    [result] = match_items([CatalogueItem("x", site)], index)
    shown = {c.name: (c.score, c.reason) for c in result.candidates}
    assert shown[target] == (score, reason)


def test_a_bare_number_that_is_no_size_on_the_menu_says_nothing_about_size() -> None:
    index = MenuIndex.from_products(MENU.products.values(), 1)
    [result] = match_items([CatalogueItem("x", "Mors 250")], index)
    assert "size" not in result.candidates[0].reason and "which" not in result.candidates[0].reason
