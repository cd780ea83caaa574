"""Shared test data for the order tests: a small menu snapshot and mapping (no tests here)."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

from poster_cli.mapping import parse_mapping
from poster_cli.menu import MenuSnapshot
from poster_cli.orders.journal import body_hash
from tests.support.paths import FIXTURES as ALL_FIXTURES

FIXTURES = ALL_FIXTURES / "poster"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["response"]


# Site order A-1 as the builder writes its body: one Evian water (138) at spot 1.
ORDER_BODY = {
    "spot_id": 1,
    "phone": "+380501234567",
    "comment": "Site order #A-1",
    "products": [{"product_id": 138, "count": 1}],
}


def marked(comment: str | None, order_id: str, template: str = "Site order #{order_id}") -> bool:
    """Oracle (not poster-cli's matcher): the comment's first line is exactly this order's marker."""
    return (comment or "").split("\n", 1)[0].strip() == template.replace("{order_id}", order_id)


def spot(spot_id: int, price: int, visible: bool = True) -> dict[str, str]:
    return {
        "spot_id": str(spot_id),
        "price": str(price),
        "profit": "0",
        "profit_netto": "0",
        "visible": "1" if visible else "0",
    }


def extra_products() -> list[dict[str, Any]]:
    """Products the doc examples lack: hidden, not sold at spot 2, a weight item, out of stock."""
    return [
        {"product_id": "200", "product_name": "Old pie", "type": "3", "hidden": "1", "spots": [spot(1, 5000)]},
        {"product_id": "201", "product_name": "Bar only", "type": "3", "spots": [spot(1, 7000), spot(2, 7000, False)]},
        {
            "product_id": "202",
            "product_name": "Cheese by weight",
            "type": "3",
            "weight_flag": "1",
            "unit": "kg",
            "spots": [spot(1, 33333), spot(2, 33333)],
        },
        {
            "product_id": "203",
            "product_name": "Last croissant",
            "type": "3",
            "ingredient_id": "77",
            "spots": [spot(1, 4500), spot(2, 4500)],
        },
    ]


def snapshot_raw() -> dict[str, Any]:
    return {
        "format": 1,
        "pulled_at": "2026-01-01T00:00:00+00:00",
        "api_url": "http://127.0.0.1/api",
        "spots": _fixture("getSpots.json"),
        "categories": _fixture("getCategories.json"),
        "products": _fixture("getProducts.json") + extra_products(),
        "currency": {**_fixture("getCurrency.json"), "currency_code_iso": "UAH"},
        "leftovers": [{"ingredient_id": "77", "ingredient_left": "0"}, {"ingredient_id": "8", "ingredient_left": "12"}],
    }


def snapshot() -> MenuSnapshot:
    return MenuSnapshot(raw=copy.deepcopy(snapshot_raw()))


MAPPING_TOML = {
    "version": 1,
    "items": [
        {"local_id": "EV", "local_name": "Evian water", "status": "confirmed", "product_id": 138},
        {
            "local_id": "BJ-APPLE",
            "local_name": "Borjomi apple",
            "status": "auto",
            "product_id": 139,
            "modificator_id": 147,
        },
        {
            "local_id": "SET-COLA",
            "local_name": "Set menu with cola",
            "status": "manual",
            "product_id": 30,
            "dish_modifications": [{"m": 142, "a": 1}, {"m": 144, "a": 2}],
        },
        {"local_id": "SET-PLAIN", "local_name": "Set menu", "status": "manual", "product_id": 30},
        {
            "local_id": "SET-4DRINKS",
            "local_name": "Set menu thirsty",
            "status": "manual",
            "product_id": 30,
            "dish_modifications": [{"m": 142, "a": 2}, {"m": 143, "a": 2}, {"m": 145, "a": 1}],
        },
        {"local_id": "PIE", "local_name": "Pie", "status": "confirmed", "product_id": 200},
        {"local_id": "BAR", "local_name": "Bar snack", "status": "confirmed", "product_id": 201},
        {"local_id": "CHEESE", "local_name": "Cheese", "status": "confirmed", "product_id": 202},
        {"local_id": "CROISSANT", "local_name": "Croissant", "status": "confirmed", "product_id": 203},
        {"local_id": "GONE", "local_name": "Gone", "status": "confirmed", "product_id": 999},
        {"local_id": "NOPE", "local_name": "Kvass", "status": "unmatched"},
    ],
}


def mapping():
    return parse_mapping(copy.deepcopy(MAPPING_TOML), Path("mapping.toml"))


def write_mapping(path: Path) -> Path:
    import tomli_w

    path.write_text(tomli_w.dumps(MAPPING_TOML), encoding="utf-8")
    return path


def write_snapshot(path: Path, api_url: str | None = None) -> Path:
    raw = snapshot_raw()
    if api_url:
        raw["api_url"] = api_url
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


class FakePoster:
    """A minimal in-memory Poster for ``httpx.MockTransport``: creates and lists incoming orders,
    with scripted faults for createIncomingOrder (one per call, then normal):

    ``drop`` stores the order then loses the answer (ReadTimeout); ``500`` stores it then answers
    HTTP 500; ``502-before`` answers 502 without storing; ``700`` refuses with error 700;
    ``41`` refuses with error 41. ``hide_for`` lookups don't see a new order yet (late landing);
    ``own_refused`` makes getOwnIncomingOrders answer error 20; ``lookup_fail`` lookups fail (HTTP 503).
    """

    def __init__(self, faults: list[str] | None = None, hide_for: int = 0, own_refused: bool = False) -> None:
        self.faults = list(faults or [])
        self.orders: list[dict[str, Any]] = []
        self.hide_for = hide_for
        self.own_refused = own_refused
        self.lookup_fail = 0
        self.calls: list[str] = []
        self.posts = 0

    def transport(self):
        import httpx

        return httpx.MockTransport(self.handle)

    def handle(self, request):
        import httpx

        method = request.url.path.rsplit("/", 1)[-1]
        self.calls.append(method)
        if method == "incomingOrders.createIncomingOrder":
            self.posts += 1
            fault = self.faults.pop(0) if self.faults else None
            if fault == "502-before":
                return httpx.Response(502, text="bad gateway")
            if fault in ("700", "41"):
                return httpx.Response(200, json={"error": {"code": int(fault), "message": "refused"}})
            body = json.loads(request.content)
            order = {
                "incoming_order_id": len(self.orders) + 1,
                "spot_id": body["spot_id"],
                "status": 0,
                "client_id": body.get("client_id", 0),
                "phone": body.get("phone"),
                "comment": body.get("comment"),
                "created_at": "2026-01-01 10:00:00",
                "updated_at": "2026-01-01 10:00:00",
                "transaction_id": None,
                "products": [{"product_id": p["product_id"], "count": p["count"]} for p in body["products"]],
                "_hidden": self.hide_for,
            }
            self.orders.append(order)
            if fault == "drop":
                raise httpx.ReadTimeout("read timed out", request=request)
            if fault == "500":
                return httpx.Response(500, text="oops")
            return httpx.Response(200, json={"response": self._public(order)})
        if method in ("incomingOrders.getOwnIncomingOrders", "incomingOrders.getIncomingOrders"):
            if self.lookup_fail:
                self.lookup_fail -= 1
                return httpx.Response(503, text="busy")
            if method.endswith("getOwnIncomingOrders") and self.own_refused:
                return httpx.Response(200, json={"error": {"code": 20, "message": "not allowed"}})
            visible = []
            for o in self.orders:
                if o["_hidden"] > 0:
                    o["_hidden"] -= 1
                else:
                    visible.append(self._public(o))
            return httpx.Response(200, json={"response": visible})
        if method == "incomingOrders.getIncomingOrder":
            oid = int(request.url.params["incoming_order_id"])
            for o in self.orders:
                if o["incoming_order_id"] == oid:
                    return httpx.Response(200, json={"response": self._public(o)})
            return httpx.Response(200, json={"error": {"code": 42, "message": "order not found"}})
        if method == "dash.getTransaction":
            return httpx.Response(
                200,
                json={
                    "response": [
                        {
                            "transaction_id": request.url.params["transaction_id"],
                            "status": "2",
                            "date_close": "1700000000000",
                        }
                    ]
                },
            )
        return httpx.Response(404, json={"error": {"code": 404, "message": "no such method"}})

    @staticmethod
    def _public(order: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in order.items() if not k.startswith("_")}

    def count_for(self, order_id: str, template: str = "Site order #{order_id}") -> int:
        return sum(1 for o in self.orders if marked(o["comment"], order_id, template))


async def no_sleep(_: float) -> None:
    return None


def _post_request(body):
    import json

    import httpx

    return httpx.Request("POST", "http://127.0.0.1/api/incomingOrders.createIncomingOrder", content=json.dumps(body))


def journal_from_before_the_fingerprint(path: Path, body: dict[str, Any]) -> None:
    """A journal as versions before the request fingerprint wrote it, with one sent order OLD-1."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE orders (order_id TEXT PRIMARY KEY, state TEXT NOT NULL, body TEXT NOT NULL,"
            " body_hash TEXT NOT NULL, spot_id INTEGER, total INTEGER, currency TEXT, incoming_order_id INTEGER,"
            " poster_status INTEGER, transaction_id INTEGER, reason TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
            " source TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, attempted_at TEXT)"
        )
        db.execute(
            "INSERT INTO orders (order_id, state, body, body_hash, incoming_order_id, created_at, updated_at)"
            " VALUES ('OLD-1', 'sent', ?, ?, 5, '2026-01-01T00:00:00.000+00:00', '2026-01-01T00:00:00.000+00:00')",
            (json.dumps(body), body_hash(body)),
        )


def poster_incoming_order(
    incoming_order_id: int, comment: str, phone: str = "+380501234567", count: int = 1
) -> dict[str, Any]:
    """An incoming order as ``incomingOrders.getIncomingOrders`` lists it: new, of product 138."""
    return {
        "incoming_order_id": incoming_order_id,
        "spot_id": 1,
        "status": 0,
        "client_id": 0,
        "phone": phone,
        "comment": comment,
        "created_at": "2026-03-01 13:00:00",
        "updated_at": "2026-03-01 13:00:00",
        "transaction_id": None,
        "products": [{"product_id": 138, "count": count}],
    }
