"""The sandbox state rendered in the shapes Poster answers with.

Followed from the docs' example answers (``en/web/menu/getProducts.md``, ``access/getSpots.md``,
``incomingOrders/*.md``, ``dash/getTransaction.md``, ``storage/getStorageLeftovers.md``):

* menu, spots, categories, currency, leftovers, receipts: every number is a string
  (``"product_id": "139"``, ``"price": "19000"``), except ``storages[].storage_id`` and the whole of
  ``group_modifications`` (ints, and modifier ``price`` as a float in money units);
* online orders: ints (``"incoming_order_id": 2``), ``null`` for fields never set.

Inferences: a product priced by modifications has no ``spots`` of its own (as Borjomi in the docs);
``out`` is 0; a fractional order count is sent as ``"0.50000"`` (the docs show ``"1.00000"`` in one
answer and ``1`` in another).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from poster_cli.sandbox.state import SandboxState


def _flag(value: Any) -> str:
    return "1" if value else "0"


def _spots(prices: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "spot_id": spot_id,
            "price": str(entry["price"]),
            "profit": str(entry["price"]),
            "profit_netto": str(int(entry["price"]) * 5 // 6),
            "visible": _flag(entry["visible"]),
        }
        for spot_id, entry in sorted(prices.items(), key=lambda kv: int(kv[0]))
    ]


def _money(kopecks: int) -> float | int:
    amount = Decimal(kopecks) / 100
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _group(group: dict[str, Any], stamp: str) -> dict[str, Any]:
    return {
        "dish_modification_group_id": group["id"],
        "name": group["name"],
        "num_min": group["min"],
        "num_max": group["max"],
        "is_deleted": 1 if group.get("deleted") else 0,
        "modifications": [
            {
                "dish_modification_id": m["id"],
                "name": m["name"],
                "ingredient_id": 0,
                "type": 10,
                "brutto": 1,
                "price": _money(m["price"]),
                "photo_orig": "",
                "photo_large": "",
                "photo_small": "",
                "last_modified_time": stamp,
            }
            for m in group["mods"]
        ],
    }


def product(state: SandboxState, p: dict[str, Any]) -> dict[str, Any]:
    """One ``menu.getProducts`` entry."""
    category = state.category(p["cat"])
    answer: dict[str, Any] = {
        "barcode": p.get("barcode", ""),
        "category_name": category["name"] if category else "",
        "unit": p.get("unit", ""),
        "cost": "0",
        "cost_netto": "0",
        "fiscal": "0",
        "hidden": _flag(p.get("hidden")),
        "menu_category_id": str(p["cat"]),
        "workshop": "1",
        "nodiscount": "0",
        "photo": "",
        "photo_origin": None,
        "product_code": p.get("code", ""),
        "product_id": str(p["id"]),
        "product_name": p["name"],
        "sort_order": "999",
        "tax_id": "0",
        "product_tax_id": "0",
        "type": str(p["type"]),
        "weight_flag": _flag(p.get("weight")),
        "color": "white",
        "ingredient_id": str(p.get("ingredient") or 0),
        "cooking_time": "0",
        "out": 0,
    }
    if p["spots"]:
        answer["spots"] = _spots(p["spots"])
        answer["price"] = {k: str(v["price"]) for k, v in sorted(p["spots"].items())}
        answer["profit"] = dict(answer["price"])
    if p["mods"]:
        answer["modifications"] = [
            {
                "modificator_id": str(m["id"]),
                "modificator_name": m["name"],
                "modificator_selfprice": "0",
                "modificator_selfprice_netto": "0",
                "order": str(i),
                "modificator_barcode": m.get("barcode", ""),
                "modificator_product_code": "",
                "spots": _spots(m["spots"]),
                "ingredient_id": "0",
            }
            for i, m in enumerate(p["mods"])
        ]
    if p["groups"]:
        stamp = "2024-01-15 09:00:00"
        answer["group_modifications"] = [_group(g, stamp) for g in p["groups"]]
    if p["type"] == 2:
        answer["different_spots_prices"] = "1"
        answer["product_production_description"] = ""
        answer["ingredients"] = []
    if p.get("extras"):
        answer["extras"] = dict(p["extras"])
    return answer


def _nested_set(categories: list[dict[str, Any]]) -> dict[int, tuple[int, int, int]]:
    """left, right, level of each category (Poster keeps the tree as a nested set)."""
    children: dict[int, list[int]] = {}
    for c in categories:
        children.setdefault(c["parent"], []).append(c["id"])
    result: dict[int, tuple[int, int, int]] = {}
    counter = [1]

    def walk(cid: int, level: int) -> None:
        left = counter[0]
        counter[0] += 1
        for child in children.get(cid, []):
            walk(child, level + 1)
        result[cid] = (left, counter[0], level)
        counter[0] += 1

    for root in children.get(0, []):
        walk(root, 1)
    return result


def categories(state: SandboxState) -> list[dict[str, Any]]:
    tree = _nested_set(state.doc["categories"])
    return [
        {
            "category_id": str(c["id"]),
            "category_name": c["name"],
            "category_photo": "",
            "parent_category": str(c["parent"]),
            "category_color": c.get("color", "white"),
            "category_hidden": _flag(c.get("hidden")),
            "sort_order": "999",
            "fiscal": "0",
            "nodiscount": "0",
            "tax_id": "0",
            "left": str(tree.get(c["id"], (0, 0, 0))[0]),
            "right": str(tree.get(c["id"], (0, 0, 0))[1]),
            "level": str(tree.get(c["id"], (0, 0, 0))[2]),
            "category_tag": None,
        }
        for c in state.doc["categories"]
    ]


def spots(state: SandboxState) -> list[dict[str, Any]]:
    return [
        {
            "spot_id": str(s["id"]),
            "spot_name": s["name"],
            "spot_adress": s["address"],
            "storages": [
                {"storage_id": s["storage"]["id"], "storage_name": s["storage"]["name"], "storage_adress": s["address"]}
            ],
        }
        for s in state.doc["spots"]
    ]


def leftovers(state: SandboxState) -> list[dict[str, Any]]:
    names = {p["ingredient"]: p["name"] for p in state.doc["products"] if p.get("ingredient")}
    units = {p["ingredient"]: ("kg" if p.get("weight") else "p") for p in state.doc["products"] if p.get("ingredient")}
    return [
        {
            "ingredient_id": ingredient_id,
            "ingredient_name": names.get(int(ingredient_id), ""),
            "ingredient_left": f"{Decimal(left):.5f}",
            "limit_value": "0",
            "ingredient_unit": units.get(int(ingredient_id), "p"),
            "ingredients_type": "2",
            "storage_ingredient_sum": "0",
            "storage_ingredient_sum_netto": "0",
            "prime_cost": 0,
            "prime_cost_netto": 0,
            "hidden": "0",
        }
        for ingredient_id, left in state.doc["leftovers"].items()
    ]


def _count(value: str) -> int | str:
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else f"{d:.5f}"


ORDER_FIELDS = (
    "incoming_order_id spot_id status client_id first_name last_name phone email sex birthday "
    "address comment created_at updated_at transaction_id fiscal_spreading fiscal_method"
).split()


def order(o: dict[str, Any]) -> dict[str, Any]:
    """An online order as ``incomingOrders.*`` answer it."""
    answer = {k: o.get(k) for k in ORDER_FIELDS}
    answer["products"] = [
        {
            "io_product_id": line["io_product_id"],
            "product_id": line["product_id"],
            "modificator_id": line["modificator_id"],
            "incoming_order_id": o["incoming_order_id"],
            "count": _count(line["count"]),
            "created_at": line["created_at"],
        }
        for line in o["products"]
    ]
    return answer


def transaction(state: SandboxState, t: dict[str, Any], *, with_products: bool) -> dict[str, Any]:
    """A receipt as ``dash.getTransaction`` answers it (times in unix milliseconds, as strings)."""
    closed = t["status"] == 2
    answer: dict[str, Any] = {
        "transaction_id": str(t["transaction_id"]),
        "date_start": str(t["date_start"]),
        "date_start_new": str(t["date_start"]),
        "date_close": str(t["date_close"]),
        "status": str(t["status"]),
        "guests_count": "1",
        "discount": "0",
        "bonus": "0",
        "pay_type": t.get("pay_type", "0") if closed else "0",
        "payed_bonus": "0",
        "payed_card": "0",
        "payed_cash": str(t["sum"]) if closed else "0",
        "payed_sum": str(t["sum"]) if closed else "0",
        "payed_cert": "0",
        "payed_third_party": "0",
        "round_sum": "0",
        "tip_sum": "0",
        "sum": str(t["sum"]),
        "spot_id": str(t["spot_id"]),
        "table_id": "0",
        "name": "Касир",
        "user_id": "1",
        "client_id": str(t.get("client_id") or 0),
        "card_number": "0",
        "transaction_comment": t.get("comment"),
        "reason": "",
        "print_fiscal": "0",
        "total_profit": "0",
        "table_name": "",
        "client_firstname": t.get("first_name"),
        "client_lastname": t.get("last_name"),
        "date_close_date": t.get("date_close_date") or "0000-00-00 00:00:00",
    }
    if with_products:
        answer["products"] = [
            {
                "product_id": str(line["product_id"]),
                "modification_id": str(line["modificator_id"] or 0),
                "num": f"{Decimal(line['count']):.0f}" if Decimal(line["count"]) % 1 == 0 else line["count"],
                "product_price": str(line["price"]),
                "payed_sum": str(line["price"]) if closed else "0",
            }
            for line in t["products"]
        ]
    return answer
