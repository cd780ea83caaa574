"""The menu snapshot: Poster's answers as received, plus typed views over them.

``<data>/menu.json`` holds ``spots``, ``categories``, ``products``, ``currency`` and, when the token
may read stock, ``leftovers`` (``storage.getStorageLeftovers``), each exactly as Poster sent it,
plus ``pulled_at`` and ``api_url``. Never the token.

Out of stock (Inferred [out-of-stock]: the docs have no flag for it on products): a product is out of stock when
its ``ingredient_id`` appears in the leftovers with ``ingredient_left <= 0``. A token without
access to storage simply has no stock information (``leftovers`` is null).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from poster_cli.config import write_atomic
from poster_cli.errors import InputFileError, UsageError
from poster_cli.gcpause import gc_paused
from poster_cli.poster import models
from poster_cli.poster.errors import PosterAuthError, PosterError

SNAPSHOT_FORMAT = 1
SNAPSHOT_KEYS = ("format", "pulled_at", "api_url", "spots", "categories", "products", "currency", "leftovers")


@dataclass(repr=False)
class MenuSnapshot:
    """One pull of the menu. ``raw`` is what goes to disk; the rest is parsed from it lazily."""

    raw: dict[str, Any]
    path: Path | None = None
    # top-level keys whose value is kept as the JSON bytes Poster sent (the same value as in ``raw``):
    # written to disk as they came, not encoded again
    sent: dict[str, bytes] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        # short: asyncio writes the repr of a finished task's result (this, with its thousands of
        # products) when a command's event loop closes, and a whole menu took a quarter second
        products = self.raw.get("products")
        count = len(products) if isinstance(products, list) else 0
        return f"MenuSnapshot(path={self.path!r}, products={count}, pulled_at={self.raw.get('pulled_at')!r})"

    @cached_property
    def products(self) -> dict[int, models.Product]:
        items = models.parse_list(self.raw.get("products"), models.parse_product, "products")
        return {p.product_id: p for p in items}

    @cached_property
    def categories(self) -> dict[int, models.Category]:
        items = models.parse_list(self.raw.get("categories"), models.parse_category, "categories")
        return {c.category_id: c for c in items}

    @cached_property
    def spots(self) -> dict[int, models.Spot]:
        items = models.parse_list(self.raw.get("spots"), models.parse_spot, "spots")
        return {s.spot_id: s for s in items}

    @cached_property
    def currency(self) -> models.Currency | None:
        raw = self.raw.get("currency")
        return models.parse_currency(raw) if raw else None

    @cached_property
    def stock(self) -> dict[int, Any] | None:
        """ingredient_id -> what is left, or None when the snapshot has no stock information."""
        raw = self.raw.get("leftovers")
        if raw is None:
            return None
        return {lo.ingredient_id: lo.left for lo in models.parse_list(raw, models.parse_leftover, "leftovers")}

    @property
    def pulled_at(self) -> str | None:
        return self.raw.get("pulled_at")

    def out_of_stock(self, product: models.Product) -> bool:
        stock = self.stock
        if not stock or product.ingredient_id is None:
            return False
        left = stock.get(product.ingredient_id)
        return left is not None and left <= 0

    def product(self, product_id: int) -> models.Product | None:
        return self.products.get(product_id)

    def default_spot(self, wanted: int | None) -> int | None:
        """The configured spot, or the only spot there is; None when ambiguous."""
        if wanted is not None:
            return wanted
        if len(self.spots) == 1:
            return next(iter(self.spots))
        return None

    def with_product(self, raw_product: dict[str, Any] | None, product_id: int) -> "MenuSnapshot":
        """A new snapshot with one product replaced, added (``raw_product``) or removed (None),
        as after a ``product``/``dish`` webhook and ``menu.getProduct``."""
        products = [p for p in self.raw.get("products") or [] if models.as_int(p.get("product_id")) != product_id]
        if raw_product is not None:
            models.parse_product(raw_product)  # refuse a shape we cannot read before it lands on disk
            products.append(raw_product)
        raw = dict(self.raw)
        raw["products"] = products
        return MenuSnapshot(raw=raw, path=self.path)

    def to_json(self) -> bytes:
        if not self.sent:
            return json.dumps(self.raw, ensure_ascii=False, indent=1).encode("utf-8")
        parts = [
            json.dumps(key, ensure_ascii=False).encode("utf-8")
            + b": "
            + (self.sent.get(key) or json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))
            for key, value in self.raw.items()
        ]
        return b"{\n" + b",\n".join(parts) + b"\n}\n"


def save_snapshot(snapshot: MenuSnapshot, path: Path) -> None:
    """Write the snapshot atomically."""
    write_atomic(path, snapshot.to_json())
    snapshot.path = path


def load_snapshot(path: Path) -> MenuSnapshot:
    """Read a snapshot, or a raw ``menu.getProducts`` answer (``{"response": [...]}``) as one."""
    try:
        with open(path, "rb") as fh, gc_paused():
            data = json.load(fh)
    except FileNotFoundError:
        raise UsageError(
            f"no menu snapshot at {path}", hint="run `poster-cli pull` first, or pass --menu FILE"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputFileError(path, f"not valid JSON ({exc.__class__.__name__})", line=line) from None
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from None
    if isinstance(data, dict) and isinstance(data.get("response"), list):
        data = {
            "format": SNAPSHOT_FORMAT,
            "products": data["response"],
            "spots": [],
            "categories": [],
            "currency": None,
        }
    elif isinstance(data, list):
        data = {"format": SNAPSHOT_FORMAT, "products": data, "spots": [], "categories": [], "currency": None}
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise InputFileError(path, "neither a menu snapshot nor a menu.getProducts answer")
    snap = MenuSnapshot(raw=data, path=path)
    try:
        with gc_paused():
            _ = snap.products, snap.categories, snap.spots  # parse now, so a bad file fails here
    except models.ParseError as exc:
        raise InputFileError(path, f"unexpected menu shape: {exc}") from None
    return snap


async def fetch_snapshot(api: Any, api_url: str) -> MenuSnapshot:
    """Pull the menu: one call each to getSpots, getCategories, getProducts, getCurrency (and stock
    leftovers when the token may read them). Never calls ``menu.getProduct``."""

    async def get(method: str) -> tuple[Any, bytes | None]:
        keeping = getattr(api, "call_keeping_bytes", None)
        if keeping is None:  # a client that cannot give the bytes: they are encoded again when written
            return await api.call(method), None
        answer: tuple[Any, bytes | None] = await keeping(method)
        return answer

    async def leftovers() -> tuple[Any, bytes | None]:
        try:
            return await get("storage.getStorageLeftovers")
        except PosterAuthError:
            raise
        except PosterError:
            return None, None  # no storage access: the snapshot simply has no stock information

    # The menu goes first: it is by far the biggest answer, and the rate pacer spaces request starts.
    import asyncio  # here, not at the top: reading a snapshot (match, show) needs no event loop

    answers = await asyncio.gather(
        get("menu.getProducts"),
        get("access.getSpots"),
        get("menu.getCategories"),
        get("settings.getCurrency"),
        leftovers(),
    )
    raw: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "pulled_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "api_url": api_url,
    }
    sent: dict[str, bytes] = {}
    for key, (value, text) in zip(("products", "spots", "categories", "currency", "leftovers"), answers):
        if key in ("products", "spots", "categories") and not value:
            value, text = [], None  # an empty or missing list is kept as []
        raw[key] = value
        if text is not None:
            sent[key] = text
    raw = {key: raw[key] for key in SNAPSHOT_KEYS}
    snap = MenuSnapshot(raw=raw, sent=sent)
    try:
        with gc_paused():
            _ = snap.products, snap.categories, snap.spots, snap.currency
    except models.ParseError as exc:
        raise PosterError(0, f"unexpected answer shape: {exc}", "menu.getProducts") from None
    return snap


@dataclass
class MenuSummary:
    """What ``pull`` reports."""

    products: int
    dishes: int
    categories: int
    spots: int
    hidden: int
    invisible_at_spot: int | None
    modifications: int
    dishes_with_groups: int
    out_of_stock: int
    per_category: dict[str, int] = field(default_factory=dict)
    currency: str | None = None
    spot_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def summarize(snap: MenuSnapshot, spot_id: int | None = None) -> MenuSummary:
    products = list(snap.products.values())
    per_cat: Counter[str] = Counter()
    for p in products:
        cat = snap.categories.get(p.category_id)
        per_cat[cat.name if cat else (p.category_name or "(no category)")] += 1
    spot = snap.default_spot(spot_id)
    return MenuSummary(
        products=sum(1 for p in products if not p.is_dish),
        dishes=sum(1 for p in products if p.is_dish),
        categories=len(snap.categories),
        spots=len(snap.spots),
        hidden=sum(1 for p in products if p.hidden),
        invisible_at_spot=None if spot is None else sum(1 for p in products if not p.visible_at(spot)),
        modifications=sum(len(p.modifications) for p in products),
        dishes_with_groups=sum(1 for p in products if p.active_groups()),
        out_of_stock=sum(1 for p in products if snap.out_of_stock(p)),
        per_category=dict(sorted(per_cat.items(), key=lambda kv: (-kv[1], kv[0]))),
        currency=snap.currency.code_iso if snap.currency else None,
        spot_id=spot,
    )
