"""``incomingOrders.createIncomingOrder`` as Poster checks it, and what cashiers then do to orders.

Checks, in this order (codes from ``en/web/errors.md``, order section):

* 34 — no ``spot_id``, neither ``phone`` nor ``client_id``, or no ``products`` (or a line without
  ``product_id``/``count``);
* 60 — the spot does not exist;
* 41 — a product does not exist (removed products included);
* 42 — ``modificator_id`` is not one of the product's modifications, a product that has
  modifications is ordered without one, or a dish modifier (``modification``) is not the dish's;
* 46 — ``count`` <= 0;
* 99 — the same line twice (same product, modification and dish modifiers, whatever the count);
* 4001 — ``payment.currency`` is not the account's currency;
* 88 — prepaid (``payment.type`` 1) and ``payment.sum`` differs from the total of the lines.

Totals (see [order-line-total] below): a line's unit price is
its ``price`` when sent, else the spot price of the product or of its modification, plus for a dish
the chosen modifiers' prices times their amounts; the line is that unit price times ``count``, in
kopecks rounded half up.

Not checked (see [order-register-sorts-out] below): hidden products, products
invisible at the spot, items out of stock, dish modifier ``num_min``/``num_max``, unknown
``client_id`` (the register binds or creates the guest).

Inferred notes (each id is listed in ``docs/poster-assumptions.md``):

* Inferred [order-line-total]: the totals rule above (the docs only say ``price`` defaults to the
  spot price).
* Inferred [order-no-contact-34]: neither ``phone`` nor ``client_id`` answers 34 (the docs make
  ``phone`` required without ``client_id`` but name no code).
* Inferred [order-size-needed-42]: a product with modifications ordered without
  ``modificator_id`` answers 42 (the docs are silent; docs-minimal mode accepts it at the
  product's own price, 0 unless ``price`` is sent).
* Inferred [order-repeat-99]: the same line twice answers 99 (docs-minimal mode accepts it).
* Inferred [order-register-sorts-out]: the "not checked" list above is accepted.
* Inferred [modification-400]: ``modification`` that is not a JSON list of ``{"m", "a"}`` is a bad
  request (400).

``lenient=True`` (docs-minimal mode) keeps only the checks the docs make: required fields, known
spot, product, modification ids, count, currency and the prepaid sum.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping

from poster_cli.sandbox.state import SandboxState

STATUS_NEW = 0
STATUS_ACCEPTED = 1
STATUS_CANCELED = 7
TRANSACTION_OPEN = 1
TRANSACTION_CLOSED = 2

CUSTOMER_FIELDS = ("first_name", "last_name", "phone", "email", "birthday", "address", "comment")


class ApiError(Exception):
    """An answer ``{"error": {"code", "message"}}``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _int(value: Any, code: int, message: str) -> int:
    try:
        d = Decimal(str(value).strip())
        if d != d.to_integral_value():
            raise InvalidOperation
        return int(d)
    except (InvalidOperation, ValueError):
        raise ApiError(code, message) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def _modifiers(raw: Any) -> list[tuple[int, int]]:
    """``modification``: a JSON string ``[{"m": id, "a": n}]`` (a list is accepted too)."""
    if _blank(raw):
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
        result = [(int(item["m"]), int(item.get("a", 1))) for item in items]
    except (ValueError, TypeError, KeyError):
        raise ApiError(400, "Invalid request format: modification must be a JSON list of {m, a}") from None
    return sorted(result)


def _lines(raw: Any) -> list[Mapping[str, Any]]:
    if isinstance(raw, Mapping):  # PHP-style form keys give {"0": {...}, "1": {...}}
        raw = [raw[k] for k in sorted(raw, key=lambda k: int(k) if str(k).isdigit() else 0)]
    if not isinstance(raw, list) or not raw:
        raise ApiError(34, "Absence of required properties: products")
    if not all(isinstance(line, Mapping) for line in raw):
        raise ApiError(36, "The variable must be an array: products")
    return raw


def _priced_line(state: SandboxState, spot_id: int, raw: Mapping[str, Any], *, lenient: bool = False) -> dict[str, Any]:
    if _blank(raw.get("product_id")) or _blank(raw.get("count")):
        raise ApiError(34, "Absence of required properties: product_id, count")
    product_id = _int(raw["product_id"], 41, "Product not found")
    product = state.product(product_id)
    if product is None:
        raise ApiError(41, "Product not found")
    try:
        count = Decimal(str(raw["count"]).strip())
    except InvalidOperation:
        raise ApiError(46, "Product count have to equal or greater then 0") from None
    if not count.is_finite() or count <= 0:
        raise ApiError(46, "Product count have to equal or greater then 0")

    modificator_id = (
        None
        if _blank(raw.get("modificator_id")) or str(raw.get("modificator_id")) == "0"
        else (_int(raw["modificator_id"], 42, "Product modification not found"))
    )
    spot_key = str(spot_id)
    if product["mods"] and modificator_id is None and lenient:
        unit = int(product["spots"].get(spot_key, {}).get("price", 0))
    elif product["mods"]:
        mod = next((m for m in product["mods"] if m["id"] == modificator_id), None)
        if mod is None:
            raise ApiError(42, "Product modification not found")
        unit = int(mod["spots"].get(spot_key, {}).get("price", 0))
    else:
        if modificator_id is not None:
            raise ApiError(42, "Product modification not found")
        unit = int(product["spots"].get(spot_key, {}).get("price", 0))

    chosen = _modifiers(raw.get("modification"))
    by_id = {m["id"]: m for g in product["groups"] if not g.get("deleted") for m in g["mods"]}
    for mod_id, amount in chosen:
        if mod_id not in by_id:
            raise ApiError(42, "Product modification not found")
        unit += int(by_id[mod_id]["price"]) * amount

    if not _blank(raw.get("price")):
        unit = _int(raw["price"], 400, "Invalid request format: price")
    total = int((count * unit).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return {
        "product_id": product_id,
        "modificator_id": modificator_id,
        "modification": [{"m": m, "a": a} for m, a in chosen],
        "count": str(count),
        "price": unit,
        "total": total,
    }


def create_order(
    state: SandboxState, body: Mapping[str, Any], *, own: bool = True, lenient: bool = False
) -> dict[str, Any]:
    """Validate and store an online order; returns the stored record (``lenient``: see the module doc)."""
    if _blank(body.get("spot_id")):
        raise ApiError(34, "Absence of required properties: spot_id")
    if _blank(body.get("phone")) and _blank(body.get("client_id")):
        raise ApiError(34, "Absence of required properties: phone or client_id")
    raw_lines = _lines(body.get("products"))
    spot_id = _int(body["spot_id"], 60, "Location not found")
    if state.spot(spot_id) is None:
        raise ApiError(60, "Location not found")

    lines = [_priced_line(state, spot_id, raw, lenient=lenient) for raw in raw_lines]
    seen: set[str] = set()
    for line in lines:
        key = json.dumps([line["product_id"], line["modificator_id"], line["modification"]])
        if key in seen and not lenient:
            raise ApiError(99, "Entity repetition: the same product line is sent twice")
        seen.add(key)
    total = sum(line["total"] for line in lines)

    payment = body.get("payment")
    if not _blank(payment):
        if not isinstance(payment, Mapping):
            raise ApiError(400, "Invalid request format: payment")
        if str(payment.get("currency") or "").strip().upper() != state.currency_iso:
            raise ApiError(4001, "Invalid currency")
        if str(payment.get("type", "0")).strip() == "1":
            paid = _int(
                payment.get("sum", 0) if not _blank(payment.get("sum")) else 0,
                88,
                "Total products sum not equal to payment sum",
            )
            if paid != total:
                raise ApiError(88, "Total products sum not equal to payment sum")

    now = state.now()
    order_id = state.next_id("order")
    record: dict[str, Any] = {
        "incoming_order_id": order_id,
        "spot_id": spot_id,
        "status": STATUS_NEW,
        "client_id": _int(body.get("client_id") or 0, 49, "Guest not found"),
        **{k: (None if _blank(body.get(k)) else str(body[k])) for k in CUSTOMER_FIELDS},
        "sex": None if _blank(body.get("sex")) else _int(body["sex"], 400, "Invalid request format: sex"),
        "created_at": now,
        "updated_at": now,
        "transaction_id": None,
        "fiscal_spreading": 0,
        "fiscal_method": "",
        "products": [{**line, "io_product_id": state.next_id("io_product"), "created_at": now} for line in lines],
        "total": total,
        "payment": dict(payment) if isinstance(payment, Mapping) else None,
        "own": own,
    }
    state.doc["orders"].append(record)
    state.save()
    return record


def list_orders(state: SandboxState, params: Mapping[str, Any], *, own_only: bool) -> list[dict[str, Any]]:
    """Orders filtered by ``status``, ``date_from``, ``date_to`` (inclusive, on ``created_at``)."""
    status = None if _blank(params.get("status")) else _int(params["status"], 400, "Invalid request format: status")
    bounds: list[str | None] = []
    for key in ("date_from", "date_to"):
        value = params.get(key)
        if _blank(value):
            bounds.append(None)
            continue
        text = str(value).strip().replace("T", " ")
        if len(text) == 10:
            text += " 00:00:00" if key == "date_from" else " 23:59:59"
        if len(text) != 19:
            raise ApiError(400, f"Invalid request format: {key} must be Y-m-d H:i:s")
        bounds.append(text)
    date_from, date_to = bounds
    result = []
    for o in state.doc["orders"]:
        if own_only and not o.get("own"):
            continue
        if status is not None and o["status"] != status:
            continue
        if date_from and o["created_at"] < date_from:
            continue
        if date_to and o["created_at"] > date_to:
            continue
        result.append(o)
    return result


def _stamp(state: SandboxState, o: dict[str, Any]) -> None:
    o["updated_at"] = state.now()


def accept(state: SandboxState, order_id: int) -> dict[str, Any]:
    """A cashier accepts a new order: status 1, and a receipt (transaction) is opened for it."""
    o = _order_in(state, order_id, STATUS_NEW, "accepted")
    transaction_id = state.next_id("transaction")
    state.doc["transactions"].append(
        {
            "transaction_id": transaction_id,
            "incoming_order_id": order_id,
            "spot_id": o["spot_id"],
            "status": TRANSACTION_OPEN,
            "date_start": int(state.clock() * 1000),
            "date_close": 0,
            "date_close_date": None,
            "sum": o["total"],
            "pay_type": "2" if o.get("payment") and str(o["payment"].get("type")) == "1" else "1",
            "client_id": o["client_id"],
            "first_name": o["first_name"],
            "last_name": o["last_name"],
            "comment": o["comment"],
            "products": [
                {
                    "product_id": line["product_id"],
                    "modificator_id": line["modificator_id"],
                    "count": line["count"],
                    "price": line["price"],
                    "total": line["total"],
                }
                for line in o["products"]
            ],
        }
    )
    o["status"] = STATUS_ACCEPTED
    o["transaction_id"] = transaction_id
    _stamp(state, o)
    state.save()
    return o


def decline(state: SandboxState, order_id: int) -> dict[str, Any]:
    """A cashier declines a new order: status 7."""
    o = _order_in(state, order_id, STATUS_NEW, "declined")
    o["status"] = STATUS_CANCELED
    _stamp(state, o)
    state.save()
    return o


def close(state: SandboxState, order_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The guest pays and the cashier closes the order's receipt (accepting it first if new)."""
    o = state.order(order_id)
    if o is None:
        raise LookupError(f"no online order {order_id}")
    if o["status"] == STATUS_NEW:
        accept(state, order_id)
    if o["status"] != STATUS_ACCEPTED or o["transaction_id"] is None:
        raise ValueError(f"order {order_id} is declined; only an accepted order has a receipt to close")
    t = state.transaction(o["transaction_id"])
    assert t is not None
    if t["status"] == TRANSACTION_CLOSED:
        raise ValueError(f"the receipt of order {order_id} is already closed")
    now_ms = int(state.clock() * 1000)
    t["status"] = TRANSACTION_CLOSED
    t["date_close"] = now_ms
    t["date_close_date"] = state.now()
    _stamp(state, o)
    state.save()
    return o, t


def _order_in(state: SandboxState, order_id: int, status: int, what: str) -> dict[str, Any]:
    o = state.order(order_id)
    if o is None:
        raise LookupError(f"no online order {order_id}")
    if o["status"] != status:
        names = {STATUS_NEW: "new", STATUS_ACCEPTED: "accepted", STATUS_CANCELED: "declined"}
        raise ValueError(f"order {order_id} is {names.get(o['status'], o['status'])}; only a new order can be {what}")
    return o
