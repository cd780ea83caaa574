"""A brand written as its initials on the site is read as the brand words of the menu."""

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
    items = [CatalogueItem(str(n), name, 12000) for n, name in enumerate(names)]
    return {r.item.name: r for r in match_items(items, index, MatchOptions(**options))}


BAR = [
    product(1, "Johnnie Walker Black Label", 150, "Віскі"),
    product(2, "Johnnie Walker Red Label", 160, "Віскі"),
    product(3, "Jameson", 130, "Віскі"),
]


def test_a_brand_written_as_its_initials_is_read_as_the_menus_brand() -> None:
    found = results(BAR, "JW Black Label", "JW Label")
    r = found["JW Black Label"]
    assert r.accepted is not None and r.accepted.name == "Johnnie Walker Black Label"
    assert found["JW Label"].accepted is None  # black or red: a person says
