"""A grill menu where a site's English names share only a phrase with Poster's Ukrainian ones:
one dish with three modifications (pork, veal, chicken) and three look-alike dishes. What one
person's link teaches ("vine twigs" = "виноградній лозі") decides the rest."""

from __future__ import annotations

from typing import Any

MODS = (("Свинина", 31), ("Телятина", 32), ("Курка", 33))


def grill() -> dict[str, Any]:
    """One dish with three modifications and three look-alike dishes, in Poster's string-typed shape."""
    return {
        "products": [
            {
                "product_id": "3",
                "product_name": "Мцваді на виноградній лозі",
                "category_name": "Мангал",
                "type": "3",
                "hidden": "0",
                "modifications": [
                    {
                        "modificator_id": str(mid),
                        "modificator_name": name,
                        "spots": [{"spot_id": "1", "price": "32000", "visible": "1"}],
                    }
                    for name, mid in MODS
                ],
            },
            *(
                {
                    "product_id": str(pid),
                    "product_name": name,
                    "category_name": "Гаряче",
                    "type": "3",
                    "hidden": "0",
                    "spots": [{"spot_id": "1", "price": "29000", "visible": "1"}],
                }
                for pid, name in ((4, "Оджахурі зі свининою"), (5, "Оджахурі з телятиною"), (6, "Шашлик з курки"))
            ),
        ]
    }


PAIR_LINE = '"vine twigs" = "виноградній лозі"'  # the pair as the aliases file keeps it
