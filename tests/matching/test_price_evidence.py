"""Price, category and orderability as evidence, as review shows them (score and reason). The names
agree fully (90 of 100); the same price adds 6, a price within 10% of the dearer one 3, one at
least half off takes 8; the same category adds 3; a hidden target takes 8, one not sold at the spot 5."""

from __future__ import annotations

import pytest

from poster_cli.catalogue import CatalogueItem
from poster_cli.matching import MenuIndex, match_items
from poster_cli.menu import MenuSnapshot
from tests.support.matching import product

MENU = MenuSnapshot(
    raw={
        "products": [
            product(4, "Чай чорний", 45, category="Чай"),
            product(3, "Морс", 50, hidden=True),
            product(2, "Узвар", 50, visible=False),
            product(1, "Компот", 50, hidden=True, visible=False),
            product(5, "Вода", None),  # no price at the spot
        ]
    }
)


@pytest.mark.parametrize(
    "item,score,reason",
    [
        (CatalogueItem("x", "Black tea", 4500), 96.0, "name 100, same price"),
        (CatalogueItem("x", "Black tea", 4950), 93.0, "name 100, price close"),
        (CatalogueItem("x", "Black tea", 5000), 93.0, "name 100, price close"),  # 10% of the dearer: close
        (CatalogueItem("x", "Black tea", 8900), 90.0, "name 100"),  # just under half off: nothing said
        (CatalogueItem("x", "Black tea", 9000), 82.0, "name 100, price far off"),  # half off
        (CatalogueItem("x", "Black tea", 2250), 82.0, "name 100, price far off"),  # cheaper by half
        (CatalogueItem("x", "Black tea"), 90.0, "name 100"),  # no price on the site
        (CatalogueItem("x", "Black tea", category="Tea"), 93.0, "name 100, same category"),
        (CatalogueItem("x", "Black tea", category="Напої"), 90.0, "name 100"),
        (CatalogueItem("x", "Black tea", 4500, category="Чай"), 99.0, "name 100, same price, same category"),
        (CatalogueItem("x", "Mors"), 82.0, "name 100, hidden"),
        (CatalogueItem("x", "Uzvar"), 85.0, "name 100, not at spot"),
        (CatalogueItem("x", "Kompot"), 77.0, "name 100, hidden, not at spot"),
        (CatalogueItem("x", "Voda", 3000), 90.0, "name 100"),  # the menu has no price to compare
    ],
)
def test_what_price_category_and_orderability_add_or_take(item: CatalogueItem, score: float, reason: str) -> None:
    [result] = match_items([item], MenuIndex.from_products(MENU.products.values(), 1))
    assert result.best is not None and (result.best.score, result.best.reason) == (score, reason)
