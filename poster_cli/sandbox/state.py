"""The sandbox's account: menu, stock, online orders, receipts, issued tokens — one JSON document.

The state is kept in the sandbox's own compact form (ints, kopecks, booleans) and turned into
Poster's answer shapes by :mod:`poster_cli.sandbox.shapes`. With a ``path`` every change is
written atomically (temp file + rename) so a restarted sandbox continues where it stopped.

The demo account comes from ``data/cafe.json``: spots and categories as Poster lists them, products
in a short authoring form (per-spot prices in kopecks ``[spot 1, spot 2]``, dish modifier prices in
money as Poster sends them, ``visible`` per spot, ``hidden``), and stock leftovers per ingredient.

Inferred notes (each id is listed in ``docs/poster-assumptions.md``):

* Inferred [time-zone]: Poster's ``Y-m-d H:i:s`` times are in the account's time zone
  (``settings.getAllSettings`` ``timezones``); the sandbox stands the machine's local zone in for it.
* Inferred [unique-ids]: a modification id, a dish modifier id and a product id are unique across
  the account (they are database keys in Poster), so a modification is found by its id alone.
"""

from __future__ import annotations

import copy
import json
import os
import time
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from poster_cli.config import write_atomic  # a generic file helper, not the API client

DEMO_ACCOUNT_NUMBER = "424242"
# A fixed demo token in Poster's ACCOUNT:32hex format; it opens only the sandbox.
DEMO_TOKEN = DEMO_ACCOUNT_NUMBER + ":de7ac0ffee5a1eb0a7d1e9f8c6b4a201"
DEMO_APP_SECRET = "sandbox-app-secret"
STATE_FORMAT = 1

FIRST_ORDER_ID = 1001
FIRST_IO_PRODUCT_ID = 1
FIRST_TRANSACTION_ID = 50001
FIRST_PRODUCT_ID = 1001  # for products added through the cashier actions


def money_to_kopecks(value: Any) -> int:
    """Money (``"85.50"``, ``85``) to kopecks, exactly, half up."""
    amount = Decimal(str(value).strip().replace(",", "."))
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _spot_prices(prices: list[int], visible: list[int] | None) -> dict[str, dict[str, Any]]:
    shown = visible or [1] * len(prices)
    return {str(i + 1): {"price": int(p), "visible": bool(shown[i])} for i, p in enumerate(prices)}


def local_zone_name() -> str:
    """The machine's time zone as an IANA name (``TZ``, else ``/etc/localtime``), else a fixed
    ``Etc/GMT±N`` zone of the current offset."""
    from poster_cli.config import tz_variable

    tz = tz_variable()
    if tz and "/" in tz and not tz.startswith("/"):
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        return target.split("zoneinfo/", 1)[1]
    offset = -time.altzone if time.daylight and time.localtime().tm_isdst else -time.timezone
    hours = offset // 3600
    return "UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def _product_from_demo(raw: dict[str, Any], netto: dict[str, int]) -> dict[str, Any]:
    visible = raw.get("visible")
    product: dict[str, Any] = {
        "id": raw["id"],
        "cat": raw["cat"],
        "name": raw["name"],
        "type": raw.get("type", 3),
        "hidden": bool(raw.get("hidden", False)),
        "barcode": raw.get("barcode", ""),
        "code": raw.get("code", ""),
        "unit": raw.get("unit", ""),
        "weight": bool(raw.get("weight", False)),
        "ingredient": raw.get("ingredient", 0),
        "spots": _spot_prices(raw["price"], visible) if "price" in raw else {},
        "mods": [
            {"id": m[0], "name": m[1], "barcode": "", "spots": _spot_prices(m[2:], visible)}
            for m in raw.get("mods", [])
        ],
        "groups": [
            {
                "id": g["id"],
                "name": g["name"],
                "min": g["min"],
                "max": g["max"],
                "deleted": False,
                "mods": [{"id": m[0], "name": m[1], "price": money_to_kopecks(m[2])} for m in g["mods"]],
            }
            for g in raw.get("groups", [])
        ],
        "extras": {},
    }
    if product["type"] == 2:
        product["out"] = int(raw.get("out", netto.get(str(raw["cat"]), 0)))
    return product


def demo_document() -> dict[str, Any]:
    """A fresh copy of the demo account, in the state's own form."""
    raw = json.loads(resources.files("poster_cli.sandbox").joinpath("data/cafe.json").read_text("utf-8"))
    stock = raw["leftovers"]
    products = [_product_from_demo(p, raw.get("dish_netto_by_category") or {}) for p in raw["products"]]
    leftovers: dict[str, str] = {}
    for p in products:
        for ingredient in [p["ingredient"]]:
            if ingredient:
                leftovers[str(ingredient)] = stock["by_ingredient"].get(str(ingredient), stock["default"])
    return {
        "format": STATE_FORMAT,
        "account": raw["account"],
        "account_number": raw["account_number"],
        "owner": raw["owner"],
        "currency": raw["currency"],
        "timezone": raw.get("timezone"),
        "sources": raw.get("sources") or [],
        "spots": raw["spots"],
        "categories": raw["categories"],
        "products": products,
        "leftovers": leftovers,
        "orders": [],
        "transactions": [],
        "issued_tokens": [],
        "auth_codes": {},
        "next": {
            "order": FIRST_ORDER_ID,
            "io_product": FIRST_IO_PRODUCT_ID,
            "transaction": FIRST_TRANSACTION_ID,
            "product": FIRST_PRODUCT_ID,
        },
    }


class SandboxState:
    """The account the sandbox serves. ``doc`` is the whole persisted document."""

    def __init__(
        self,
        doc: dict[str, Any] | None = None,
        *,
        path: Path | None = None,
        token: str = DEMO_TOKEN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.doc = doc if doc is not None else demo_document()
        self.path = path
        self.token = token
        self.clock = clock

    @classmethod
    def open(cls, path: str | Path | None, **kwargs: Any) -> "SandboxState":
        """Load the state saved at ``path`` (or the demo account when there is none yet)."""
        if path is None:
            return cls(**kwargs)
        p = Path(path)
        if p.exists():
            doc = json.loads(p.read_text("utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != STATE_FORMAT:
                raise ValueError(f"{p}: not a sandbox state file")
            return cls(doc, path=p, **kwargs)
        state = cls(path=p, **kwargs)
        state.save()
        return state

    def save(self) -> None:
        if self.path is not None:
            write_atomic(self.path, json.dumps(self.doc, ensure_ascii=False, indent=1).encode("utf-8"))

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.doc)

    # -- identity and time --------------------------------------------------------------------

    @property
    def account(self) -> str:
        return str(self.doc["account"])

    @property
    def account_number(self) -> str:
        return str(self.doc["account_number"])

    @property
    def timezone(self) -> str:
        """The account's time zone name (``settings.getAllSettings`` ``timezones``)."""
        return str(self.doc.get("timezone") or local_zone_name())

    @property
    def currency_iso(self) -> str:
        return str(self.doc["currency"]["currency_code_iso"])

    def accepts(self, token: str) -> bool:
        return token == self.token or token in self.doc["issued_tokens"]

    def now(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.clock()))

    def next_id(self, kind: str) -> int:
        value = int(self.doc["next"][kind])
        self.doc["next"][kind] = value + 1
        return value

    # -- lookups ------------------------------------------------------------------------------

    def spot(self, spot_id: int) -> dict[str, Any] | None:
        return next((s for s in self.doc["spots"] if s["id"] == spot_id), None)

    def category(self, category_id: int) -> dict[str, Any] | None:
        return next((c for c in self.doc["categories"] if c["id"] == category_id), None)

    def product(self, product_id: int) -> dict[str, Any] | None:
        return next((p for p in self.doc["products"] if p["id"] == product_id), None)

    def order(self, incoming_order_id: int) -> dict[str, Any] | None:
        return next((o for o in self.doc["orders"] if o["incoming_order_id"] == incoming_order_id), None)

    def transaction(self, transaction_id: int) -> dict[str, Any] | None:
        return next((t for t in self.doc["transactions"] if t["transaction_id"] == transaction_id), None)

    def find_order(self, **fields: Any) -> list[dict[str, Any]]:
        """Orders whose fields equal ``fields`` (a test helper: ``find_order(comment=...)``)."""
        return [o for o in self.doc["orders"] if all(o.get(k) == v for k, v in fields.items())]
