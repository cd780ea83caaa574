"""What a cashier or a manager does in Poster's back office, and the webhooks each action causes.

Webhooks per action (objects and actions from ``en/web/webhooks.md``; Inferred [hook-events]:
which events an action fires, where the docs are silent, is listed here):

* ``order.accepted ID`` — ``incoming_order`` ``changed`` (documented), and ``transaction``
  ``added`` for the receipt opened for it;
* ``order.declined ID`` — ``incoming_order`` ``changed`` (documented);
* ``order.closed ID`` — ``transaction`` ``changed`` (the receipt is paid and closed, ``dash.getTransaction``
  then shows status 2) and ``incoming_order`` ``changed`` ("closing the receipt also notifies");
  a new order is accepted first, with its own events;
* ``product.price ID PRICE`` / ``product.renamed ID NAME`` — ``product`` (or ``dish``) ``changed``;
* ``product.removed ID`` — ``product``/``dish`` ``removed``;
* ``product.added NAME PRICE [CATEGORY_ID]`` — ``product`` ``added``.

Transaction webhooks carry ``data``: a JSON string with the ``transactions_history`` step that
caused them (``open`` when the receipt is opened, ``close`` when it is paid), as real deliveries
do (Inferred [transaction-hook-data], see :func:`poster_cli.sandbox.shapes.transaction_hook_data`).

``ID`` of ``product.price`` may be ``PRODUCT_ID/MODIFICATOR_ID`` to reprice one size of a product
with modifications; a product id alone reprices the product, or every modification of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from poster_cli.sandbox import orders
from poster_cli.sandbox.events import EVENTS
from poster_cli.sandbox.shapes import transaction_hook_data
from poster_cli.sandbox.state import SandboxState, money_to_kopecks


class ActionError(ValueError):
    """The action cannot be done (bad arguments, unknown id, wrong order status)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


@dataclass
class Outcome:
    """What an action changed, and the webhooks to send: (object, object_id, action)."""

    result: dict[str, Any]
    webhooks: list[tuple[str, int, str]] = field(default_factory=list)
    data: dict[tuple[str, int, str], str] = field(default_factory=dict)  # a webhook's ``data``, if any


def _id(text: str, what: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise ActionError(f"{what} must be a whole number, got {text!r}") from None


def _price(text: str) -> int:
    try:
        d = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise ActionError(f"PRICE must be money like 85 or 85.50, got {text!r}") from None
    if not d.is_finite() or d < 0 or d != d.quantize(Decimal("0.01")):
        raise ActionError(f"PRICE must be money like 85 or 85.50, got {text!r}")
    return money_to_kopecks(d)


def _args(args: list[str], n: int, usage: str) -> None:
    if len(args) < n:
        raise ActionError(f"expected {usage}")


def _product(state: SandboxState, product_id: int) -> dict[str, Any]:
    p = state.product(product_id)
    if p is None:
        raise ActionError(f"no product {product_id}", not_found=True)
    return p


def _menu_object(p: dict[str, Any]) -> str:
    return "dish" if p["type"] == 2 else "product"


def _order_action(fn: Callable[[SandboxState, int], Any]) -> Callable[[SandboxState, list[str]], Outcome]:
    def run(state: SandboxState, args: list[str]) -> Outcome:
        _args(args, 1, "ID")
        order_id = _id(args[0], "ID")
        try:
            outcome: Outcome = fn(state, order_id)
            return outcome
        except LookupError as exc:
            raise ActionError(str(exc), not_found=True) from None
        except ValueError as exc:
            raise ActionError(str(exc)) from None

    return run


def _receipt_data(state: SandboxState, transaction_id: int, action: str, kind: str) -> dict[Any, str]:
    t = state.transaction(transaction_id)
    return {} if t is None else {("transaction", transaction_id, action): transaction_hook_data(t, kind)}


def _accepted(state: SandboxState, order_id: int) -> Outcome:
    o = orders.accept(state, order_id)
    return Outcome(
        {"incoming_order_id": order_id, "status": o["status"], "transaction_id": o["transaction_id"]},
        [("incoming_order", order_id, "changed"), ("transaction", o["transaction_id"], "added")],
        _receipt_data(state, o["transaction_id"], "added", "open"),
    )


def _declined(state: SandboxState, order_id: int) -> Outcome:
    o = orders.decline(state, order_id)
    return Outcome({"incoming_order_id": order_id, "status": o["status"]}, [("incoming_order", order_id, "changed")])


def _closed(state: SandboxState, order_id: int) -> Outcome:
    before = state.order(order_id)
    was_new = before is not None and before["status"] == orders.STATUS_NEW
    o, t = orders.close(state, order_id)
    hooks: list[tuple[str, int, str]] = []
    if was_new:
        hooks += [("incoming_order", order_id, "changed"), ("transaction", t["transaction_id"], "added")]
    hooks += [("transaction", t["transaction_id"], "changed"), ("incoming_order", order_id, "changed")]
    data = _receipt_data(state, t["transaction_id"], "changed", "close")
    if was_new:
        data.update(_receipt_data(state, t["transaction_id"], "added", "open"))
    return Outcome(
        {
            "incoming_order_id": order_id,
            "status": o["status"],
            "transaction_id": t["transaction_id"],
            "transaction_status": t["status"],
        },
        hooks,
        data,
    )


def _set_price(state: SandboxState, args: list[str]) -> Outcome:
    _args(args, 2, "ID[/MODIFICATOR_ID] PRICE")
    ident, _, mod_text = args[0].partition("/")
    p = _product(state, _id(ident, "ID"))
    kopecks = _price(args[1])
    if mod_text:
        mod_id = _id(mod_text, "MODIFICATOR_ID")
        targets = [m["spots"] for m in p["mods"] if m["id"] == mod_id]
        if not targets:
            raise ActionError(f"product {p['id']} has no modification {mod_id}", not_found=True)
    else:
        targets = [m["spots"] for m in p["mods"]] or [p["spots"]]
    for spots in targets:
        for entry in spots.values():
            entry["price"] = kopecks
        if not spots:
            for s in state.doc["spots"]:
                spots[str(s["id"])] = {"price": kopecks, "visible": True}
    state.save()
    return Outcome({"product_id": p["id"], "price": kopecks}, [(_menu_object(p), p["id"], "changed")])


def _removed(state: SandboxState, args: list[str]) -> Outcome:
    _args(args, 1, "ID")
    p = _product(state, _id(args[0], "ID"))
    state.doc["products"].remove(p)
    state.save()
    return Outcome({"product_id": p["id"], "removed": True}, [(_menu_object(p), p["id"], "removed")])


def _added(state: SandboxState, args: list[str]) -> Outcome:
    _args(args, 2, "NAME PRICE [CATEGORY_ID]")
    name = args[0].strip()
    if not name:
        raise ActionError("NAME must not be empty")
    kopecks = _price(args[1])
    category_id = _id(args[2], "CATEGORY_ID") if len(args) > 2 else state.doc["categories"][0]["id"]
    if state.category(category_id) is None:
        raise ActionError(f"no category {category_id}", not_found=True)
    product_id = state.next_id("product")
    state.doc["products"].append(
        {
            "id": product_id,
            "cat": category_id,
            "name": name,
            "type": 3,
            "hidden": False,
            "barcode": "",
            "code": "",
            "unit": "",
            "weight": False,
            "ingredient": 0,
            "spots": {str(s["id"]): {"price": kopecks, "visible": True} for s in state.doc["spots"]},
            "mods": [],
            "groups": [],
            "extras": {},
        }
    )
    state.save()
    return Outcome({"product_id": product_id, "name": name, "price": kopecks}, [("product", product_id, "added")])


def _renamed(state: SandboxState, args: list[str]) -> Outcome:
    _args(args, 2, "ID NAME")
    p = _product(state, _id(args[0], "ID"))
    name = " ".join(args[1:]).strip()
    if not name:
        raise ActionError("NAME must not be empty")
    p["name"] = name
    state.save()
    return Outcome({"product_id": p["id"], "name": name}, [(_menu_object(p), p["id"], "changed")])


_HANDLERS: dict[str, Callable[[SandboxState, list[str]], Outcome]] = {
    "order.accepted": _order_action(_accepted),
    "order.declined": _order_action(_declined),
    "order.closed": _order_action(_closed),
    "product.price": _set_price,
    "product.removed": _removed,
    "product.added": _added,
    "product.renamed": _renamed,
}


def apply(state: SandboxState, event: str, args: list[str]) -> Outcome:
    """Do ``event`` with ``args`` on the state; raises :class:`ActionError` when it cannot."""
    handler = _HANDLERS.get(event)
    if handler is None:
        raise ActionError(f"unknown event {event!r}; one of: {', '.join(EVENTS)}")
    return handler(state, [str(a) for a in args])
