"""The sandbox state rendered in the shapes Poster answers with.

Followed from the docs' example answers (``en/web/menu/getProducts.md``, ``access/getSpots.md``,
``incomingOrders/*.md``, ``dash/getTransaction.md``, ``storage/getStorageLeftovers.md``):

* menu, spots, categories, currency, leftovers, receipts: every number is a string
  (``"product_id": "139"``, ``"price": "19000"``), except ``storages[].storage_id`` and the whole of
  ``group_modifications`` (ints, and modifier ``price`` as a float in money units);
* online orders: ints (``"incoming_order_id": 2``), ``null`` for fields never set.

Documented since: ``fiscal_code`` and ``sources`` (the order sources' prices, in the current
site's ``menu.getProducts``), ``out`` (a dish's netto; 0 for a product), a category's ``visible[]``
and ``category_photo_origin`` (``menu.getCategory``).

In "docs-minimal" mode (``minimal=True``) an answer keeps only the fields the docs' parameter
tables list (plus ``modifications``, which only the docs' examples show): no ``extras``, no
``price``/``profit`` objects, no group ``type``, no ``master_id``.

Inferred notes (each id is listed in ``docs/poster-assumptions.md``):

* Inferred [mods-no-spots]: a product priced by modifications has no ``spots`` of its own (as
  Borjomi in the docs).
* Inferred [fractional-count]: a fractional order count is sent as ``"0.50000"`` (the docs show
  ``"1.00000"`` in one answer and ``1`` in another).
* Inferred [group-type]: a dish modifier group carries ``type`` (typed clients require it; the
  docs' table omits it, the site's example shows ``"2"`` for a many-of group): 1 when at most one
  modifier may be chosen, 2 otherwise.
* Inferred [master-id]: a product carries ``master_id`` ``"0"`` (a franchise's master product;
  seen in real answers, not in the docs).
* Inferred [extras-echo]: ``menu.getProducts`` shows a product's ``extras`` once an application
  set some (no doc shows it; ``mapping pull`` checks before relying on it).
* Inferred [category-visible]: ``menu.getCategories`` carries the same ``visible[]`` and
  ``category_photo_origin`` as ``menu.getCategory`` documents.
* Inferred [line-payed-sum]: in ``dash.getTransaction`` a line's ``product_price`` is its unit
  price and ``payed_sum`` the line's total (count times price), so the lines add up to the receipt.
* Inferred [prepaid-card]: a prepaid online order's receipt is closed as paid by card
  (``pay_type`` 2, ``payed_card`` = the sum); an unpaid one as cash.
* Inferred [history-shape]: ``include_history`` gives ``open``, one ``additem`` per line and, once
  closed, ``close``, shaped as the docs' example.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
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


def _group(group: dict[str, Any], stamp: str, *, minimal: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "dish_modification_group_id": group["id"],
        "name": group["name"],
        "num_min": group["min"],
        "num_max": group["max"],
    }
    if not minimal:
        answer["type"] = 1 if int(group["max"]) == 1 else 2
    answer["is_deleted"] = 1 if group.get("deleted") else 0
    answer["modifications"] = _group_mods(group, stamp)
    return answer


def _group_mods(group: dict[str, Any], stamp: str) -> list[dict[str, Any]]:
    return [
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
    ]


# The fields the docs' menu.getProducts table lists, and ``modifications`` (in its examples).
DOCUMENTED_PRODUCT_FIELDS = frozenset(
    "barcode category_name hidden unit cost cost_netto fiscal menu_category_id workshop nodiscount photo "
    "photo_origin product_code product_id product_name sort_order tax_id product_tax_id type weight_flag color "
    "spots sources ingredient_id cooking_time product_production_description fiscal_code group_modifications "
    "out ingredients modifications".split()
)
DOCUMENTED_CATEGORY_FIELDS = frozenset(
    "category_id category_name category_photo parent_category category_color category_hidden sort_order "
    "fiscal nodiscount tax_id left right level category_tag".split()
)


def _sources(state: SandboxState, prices: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    if not prices:
        return []
    first = prices[min(prices, key=int)]
    return [
        {"id": str(src["id"]), "name": src["name"], "price": str(first["price"]), "visible": "1"}
        for src in state.doc.get("sources") or []
    ]


def _ingredients(p: dict[str, Any]) -> list[dict[str, Any]]:
    netto = int(p.get("out") or 0)
    if not netto:
        return []
    return [
        {
            "structure_id": str(p["id"]),
            "ingredient_id": str(p.get("ingredient") or 0),
            "structure_unit": "g",
            "structure_type": "1",
            "structure_brutto": netto,
            "structure_netto": netto,
            "structure_lock": "1",
            "structure_selfprice": "0",
            "ingredient_name": p["name"],
            "ingredient_unit": "kg",
        }
    ]


def product(state: SandboxState, p: dict[str, Any], *, minimal: bool = False) -> dict[str, Any]:
    """One ``menu.getProducts`` entry (``minimal``: only documented fields, no extras)."""
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
        "fiscal_code": p.get("fiscal_code", ""),
        "master_id": "0",
        "sources": _sources(state, p["spots"]),
        "out": int(p.get("out") or 0) if p["type"] == 2 else 0,
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
        answer["group_modifications"] = [_group(g, stamp, minimal=minimal) for g in p["groups"]]
    if p["type"] == 2:
        answer["different_spots_prices"] = "1"
        answer["product_production_description"] = ""
        answer["ingredients"] = _ingredients(p)
    if p.get("extras"):
        answer["extras"] = dict(p["extras"])
    if minimal:
        answer = {k: v for k, v in answer.items() if k in DOCUMENTED_PRODUCT_FIELDS}
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


def categories(state: SandboxState, *, fiscal: str = "", minimal: bool = False) -> list[dict[str, Any]]:
    """``menu.getCategories``; ``fiscal`` "0"/"1" keeps only non-fiscal / fiscal ones."""
    tree = _nested_set(state.doc["categories"])
    hidden_at = {c["id"]: set(c.get("hidden_at") or []) for c in state.doc["categories"]}
    answer = []
    for c in state.doc["categories"]:
        if fiscal in ("0", "1") and _flag(c.get("fiscal")) != fiscal:
            continue
        left, right, level = tree.get(c["id"], (0, 0, 0))
        photo = c.get("photo") or None
        entry: dict[str, Any] = {
            "category_id": str(c["id"]),
            "category_name": c["name"],
            "category_photo": photo,
            "category_photo_origin": photo.replace(".jpg", "_original.jpg") if photo else None,
            "parent_category": str(c["parent"]),
            "category_color": c.get("color", "white"),
            "category_hidden": _flag(c.get("hidden")),
            "sort_order": "999",
            "fiscal": _flag(c.get("fiscal")),
            "nodiscount": "0",
            "tax_id": "0",
            "left": str(left),
            "right": str(right),
            "level": str(level),
            "category_tag": None,
            "visible": [
                {"spot_id": s["id"], "visible": 0 if s["id"] in hidden_at[c["id"]] else 1} for s in state.doc["spots"]
            ],
        }
        if minimal:
            entry = {k: v for k, v in entry.items() if k in DOCUMENTED_CATEGORY_FIELDS}
        answer.append(entry)
    return answer


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


def _line_total(line: dict[str, Any]) -> int:
    if "total" in line:
        return int(line["total"])
    return int((Decimal(line["count"]) * int(line["price"])).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _history(t: dict[str, Any]) -> list[dict[str, Any]]:
    """``include_history``: the receipt's steps, shaped as the docs' example."""
    start = int(t["date_start"])

    def step(n: int, kind: str, at: int, value: Any, value2: Any, text: Any) -> dict[str, Any]:
        return {
            "history_id": str(t["transaction_id"] * 100 + n),
            "type_history": kind,
            "spot_tablet_id": "1",
            "time": str(at),
            "user_id": "1",
            "value": str(value),
            "value2": str(value2),
            "value3": "0",
            "value4": "0",
            "value5": "0",
            "value_text": text,
        }

    steps = [step(0, "open", start, 1, 0, None)]
    for i, line in enumerate(t["products"], start=1):
        price = {"price": _money(int(line["price"]))}
        steps.append(step(i, "additem", start + i, line["product_id"], line["modificator_id"] or 0, price))
    if t["status"] == 2:
        how = "card" if str(t.get("pay_type")) == "2" else "cash"
        paid = {"payments": {how: _money(int(t["sum"]))}}
        steps.append(step(len(steps), "close", int(t["date_close"]), t.get("pay_type", "1"), t["sum"], paid))
    return steps


DOCUMENTED_TRANSACTION_FIELDS = frozenset(
    "transaction_id date_start date_start_new date_close status guests_count name discount bonus pay_type "
    "payed_bonus payed_card payed_cash payed_third_party payed_sum payed_cert round_sum tip_sum tips_card "
    "tips_cash sum spot_id table_id user_id client_id card_number transaction_comment reason print_fiscal "
    "total_profit table_name client_firstname client_lastname date_close_date products history".split()
)


def transaction(
    state: SandboxState,
    t: dict[str, Any],
    *,
    with_products: bool,
    with_history: bool = False,
    minimal: bool = False,
) -> dict[str, Any]:
    """A receipt as ``dash.getTransaction`` answers it (times in unix milliseconds, as strings)."""
    closed = t["status"] == 2
    pay_type = str(t.get("pay_type", "1")) if closed else "0"
    total = str(t["sum"]) if closed else "0"
    answer: dict[str, Any] = {
        "transaction_id": str(t["transaction_id"]),
        "date_start": str(t["date_start"]),
        "date_start_new": str(t["date_start"]),
        "date_close": str(t["date_close"]),
        "status": str(t["status"]),
        "guests_count": "1",
        "discount": "0",
        "bonus": "0",
        "pay_type": pay_type,
        "payed_bonus": "0",
        "payed_card": total if pay_type == "2" else "0",
        "payed_cash": total if pay_type == "1" else "0",
        "payed_sum": total,
        "payed_cert": "0",
        "payed_third_party": "0",
        "round_sum": "0",
        "tip_sum": "0",
        "tips_card": "0",
        "tips_cash": "0",
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
                "payed_sum": str(_line_total(line)) if closed else "0",
            }
            for line in t["products"]
        ]
    if with_history:
        answer["history"] = _history(t)
    if minimal:
        answer = {k: v for k, v in answer.items() if k in DOCUMENTED_TRANSACTION_FIELDS}
    return answer


def transaction_hook_data(t: dict[str, Any], kind: str) -> str:
    """The ``data`` a transaction webhook carries: a JSON string holding ``transactions_history``,
    the step that caused it (its ``value_text`` is itself a JSON string, as in real deliveries).

    Inferred [transaction-hook-data]: the docs list ``data`` only for a few objects; deliveries
    seen from real accounts carry this for ``transaction``.
    """
    step = next(h for h in reversed(_history(t)) if h["type_history"] == kind)
    entry = {
        "type_history": kind,
        "time": int(step["time"]),
        "value": int(step["value"]),
        "value2": int(step["value2"]),
        "value3": 0,
        "value4": 0,
        "value5": None,
        "value_text": json.dumps(step["value_text"], separators=(",", ":")) if step["value_text"] else "",
        "user_id": 1,
        "spot_tablet_id": 1,
    }
    return json.dumps({"transactions_history": entry}, separators=(",", ":"))
