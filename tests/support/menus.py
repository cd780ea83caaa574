"""A small hand-made two-spot menu snapshot (raw Poster shapes) for the drift and sync tests."""

from __future__ import annotations

from typing import Any


def spots(price: int | str = "10000", visible: str = "1", ids: tuple[int, ...] = (1, 2)) -> list[dict[str, Any]]:
    return [{"spot_id": str(s), "price": str(price), "profit": "0", "visible": visible} for s in ids]


def base_menu() -> dict[str, Any]:
    return {
        "format": 1,
        "pulled_at": "2025-03-01T06:00:00+00:00",
        "spots": [{"spot_id": "1", "spot_name": "Центр"}, {"spot_id": "2", "spot_name": "Поділ"}],
        "categories": [
            {"category_id": "1", "category_name": "Кава", "parent_category": "0"},
            {"category_id": "2", "category_name": "Десерти", "parent_category": "0"},
        ],
        "currency": {"currency_id": 1, "currency_name": "Гривня", "currency_code_iso": "UAH"},
        "leftovers": [{"ingredient_id": "501", "ingredient_left": "5"}],
        "products": [
            {
                "product_id": "10",
                "product_name": "Еспресо",
                "menu_category_id": "1",
                "type": "3",
                "hidden": "0",
                "ingredient_id": "501",
                "spots": spots(4500),
            },
            {
                "product_id": "11",
                "product_name": "Лате",
                "menu_category_id": "1",
                "type": "3",
                "hidden": "0",
                "modifications": [
                    {"modificator_id": "111", "modificator_name": "300 мл", "spots": spots(6000)},
                    {"modificator_id": "112", "modificator_name": "400 мл", "spots": spots(7000)},
                ],
            },
            {
                "product_id": "20",
                "product_name": "Сирники",
                "menu_category_id": "2",
                "type": "2",
                "hidden": "0",
                "spots": spots(12000),
                "group_modifications": [
                    {
                        "dish_modification_group_id": "7",
                        "name": "Соус",
                        "num_min": "0",
                        "num_max": "1",
                        "is_deleted": "0",
                        "modifications": [
                            {"dish_modification_id": "71", "name": "Сметана", "price": 15},
                            {"dish_modification_id": "72", "name": "Варення", "price": 20.5},
                        ],
                    },
                ],
            },
        ],
    }
