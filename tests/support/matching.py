"""A small café menu for the matching tests, built from Poster's raw product shapes."""

from __future__ import annotations

from typing import Any

from poster_cli.menu import MenuSnapshot


def product(
    pid: int,
    name: str,
    price: int | None = None,
    mods: tuple[tuple[int, str, int], ...] = (),
    *,
    category: str = "Кава",
    hidden: bool = False,
    visible: bool = True,
    barcode: str = "",
    dish: bool = False,
    groups: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "product_id": str(pid),
        "product_name": name,
        "category_name": category,
        "hidden": "1" if hidden else "0",
        "type": "2" if dish else "3",
        "barcode": barcode,
    }
    if mods:
        raw["modifications"] = [
            {
                "modificator_id": str(m),
                "modificator_name": n,
                "spots": [{"spot_id": "1", "price": str(p * 100), "visible": "1"}],
            }
            for m, n, p in mods
        ]
    else:
        raw["spots"] = [{"spot_id": "1", "price": str((price or 0) * 100), "visible": "1" if visible else "0"}]
    if groups:
        raw["group_modifications"] = groups
    return raw


CAFE = MenuSnapshot(
    raw={
        "products": [
            product(1, "Лате", mods=((11, "250 мл", 55), (12, "400 мл", 70))),
            product(2, "Капучино", 50),
            product(3, "Капучино на кокосовому", 70),
            product(4, "Чай чорний", 45, category="Чай"),
            product(
                5,
                "Маргарита",
                189,
                dish=True,
                category="Піца",
                groups=[
                    {
                        "dish_modification_group_id": "9",
                        "name": "Розмір",
                        "num_min": 1,
                        "num_max": 1,
                        "is_deleted": 0,
                        "modifications": [
                            {"dish_modification_id": "51", "name": "30 см", "price": 0},
                            {"dish_modification_id": "52", "name": "40 см", "price": 70.0},
                        ],
                    }
                ],
            ),
            product(6, "Боржомі 0,5 л", 55, barcode="4820098749621"),
            product(7, "Чізкейк", 120, hidden=True, category="Десерти"),
            product(8, "Тірамісу", 130, visible=False, category="Десерти"),
        ]
    }
)
