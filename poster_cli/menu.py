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
from typing import TYPE_CHECKING, Any

import msgspec

from poster_cli.config import write_atomic
from poster_cli.errors import InputFileError, UsageError
from poster_cli.gcpause import gc_paused
from poster_cli.poster import models
from poster_cli.poster.errors import PosterAuthError, PosterError

if TYPE_CHECKING:
    from poster_cli.poster.client import PosterClient

SNAPSHOT_FORMAT = 1
_UNREAD: Any = object()  # in ``MenuSnapshot._raw``: this part is only in ``sent`` for now
SNAPSHOT_KEYS = ("format", "pulled_at", "api_url", "spots", "categories", "products", "currency", "leftovers")


class MenuSnapshot:
    """One pull of the menu. ``raw`` is what goes to disk; the rest is parsed from it lazily.

    ``sent`` holds top-level parts as the JSON bytes Poster sent: they are written to disk as they
    came, not encoded again. A pull's products are parsed straight from those bytes (no dict for a
    product); ``raw["products"]``, their decoded JSON, is only built when something reads it.
    """

    def __init__(self, raw: dict[str, Any], path: Path | None = None, sent: dict[str, bytes] | None = None) -> None:
        self._raw = raw
        self.path = path
        self.sent: dict[str, bytes] = sent or {}
        # parts held only as bytes until ``raw`` is read (their place in ``_raw`` keeps the key order)
        self._unread = [key for key, value in raw.items() if value is _UNREAD]

    @property
    def raw(self) -> dict[str, Any]:
        for key in list(self._unread):
            self._part(key)
        return self._raw

    def _part(self, key: str) -> Any:
        """One top-level part of ``raw``, decoded from ``sent`` if it has not been yet."""
        if key in self._unread:
            with gc_paused():
                self._raw[key] = msgspec.json.decode(self.sent[key])
            self._unread.remove(key)
        return self._raw.get(key)

    def __repr__(self) -> str:
        # short: asyncio writes the repr of a finished task's result (this, with its thousands of
        # products) when a command's event loop closes, and a whole menu took a quarter second
        products = self.__dict__.get("products")
        if products is None and "products" not in self._unread:
            products = self._raw.get("products")
        count = len(products) if isinstance(products, (list, dict)) else "?"
        return f"MenuSnapshot(path={self.path!r}, products={count}, pulled_at={self._raw.get('pulled_at')!r})"

    @cached_property
    def products(self) -> dict[int, models.Product]:
        if "products" in self._unread:
            items = models.decode_products(self.sent["products"])
        else:
            items = models.parse_list(self._raw.get("products"), models.parse_product, "products")
        return {p.product_id: p for p in items}

    @cached_property
    def categories(self) -> dict[int, models.Category]:
        items = models.parse_list(self._part("categories"), models.parse_category, "categories")
        return {c.category_id: c for c in items}

    @cached_property
    def spots(self) -> dict[int, models.Spot]:
        items = models.parse_list(self._part("spots"), models.parse_spot, "spots")
        return {s.spot_id: s for s in items}

    @cached_property
    def currency(self) -> models.Currency | None:
        raw = self._part("currency")
        return models.parse_currency(raw) if raw else None

    @cached_property
    def stock(self) -> dict[int, Any] | None:
        """ingredient_id -> what is left, or None when the snapshot has no stock information."""
        raw = self._part("leftovers")
        if raw is None:
            return None
        return {lo.ingredient_id: lo.left for lo in models.parse_list(raw, models.parse_leftover, "leftovers")}

    @property
    def pulled_at(self) -> str | None:
        return self._raw.get("pulled_at")

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
            return json.dumps(self._raw, ensure_ascii=False, indent=1).encode("utf-8")
        parts = [
            json.dumps(key, ensure_ascii=False).encode("utf-8")
            + b": "
            + (self.sent.get(key) or json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))
            for key, value in self._raw.items()
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


async def fetch_snapshot(api: PosterClient, api_url: str) -> MenuSnapshot:
    """Pull the menu: one call each to getSpots, getCategories, getProducts, getCurrency (and stock
    leftovers when the token may read them). Never calls ``menu.getProduct``."""

    async def leftovers() -> bytes | None:
        try:
            sent: bytes = await api.call_bytes("storage.getStorageLeftovers")
        except PosterAuthError:
            raise
        except PosterError:
            return None  # no storage access: the snapshot simply has no stock information
        return sent

    # The menu goes first: it is by far the biggest answer, and the rate pacer spaces request starts.
    import asyncio  # here, not at the top: reading a snapshot (match, show) needs no event loop

    answers = await asyncio.gather(
        api.call_bytes("menu.getProducts"),
        api.call_bytes("access.getSpots"),
        api.call_bytes("menu.getCategories"),
        api.call_bytes("settings.getCurrency"),
        leftovers(),
    )
    raw: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "pulled_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "api_url": api_url,
    }
    sent: dict[str, bytes] = {}
    products_sent, *others = answers
    try:
        with gc_paused():
            products = models.decode_products(products_sent)  # the shape is checked here, from the bytes
            raw["products"] = _UNREAD if products else []  # an empty or missing list is kept as []
            if products:
                sent["products"] = products_sent
            for key, text in zip(("spots", "categories", "currency", "leftovers"), others):
                value = None if text is None else json.loads(text)
                if key in ("spots", "categories") and not value:
                    value = []
                raw[key] = value
                if text is not None and value != []:
                    sent[key] = text
            raw = {key: raw[key] for key in SNAPSHOT_KEYS}
            snap = MenuSnapshot(raw=raw, sent=sent)
            snap.__dict__["products"] = {p.product_id: p for p in products}  # parsed above: not again
            _ = snap.categories, snap.spots, snap.currency
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
    per_cat: Counter[str] = Counter()
    dishes = hidden = invisible = modifications = with_groups = out_of_stock = 0
    spot = snap.default_spot(spot_id)
    categories = snap.categories
    for p in snap.products.values():  # one pass: a menu has 10,000+ products
        cat = categories.get(p.category_id)
        per_cat[cat.name if cat else (p.category_name or "(no category)")] += 1
        dishes += p.is_dish
        hidden += p.hidden
        invisible += spot is not None and not p.visible_at(spot)
        modifications += len(p.modifications)
        with_groups += bool(p.active_groups())
        out_of_stock += snap.out_of_stock(p)
    return MenuSummary(
        products=len(snap.products) - dishes,
        dishes=dishes,
        categories=len(snap.categories),
        spots=len(snap.spots),
        hidden=hidden,
        invisible_at_spot=None if spot is None else invisible,
        modifications=modifications,
        dishes_with_groups=with_groups,
        out_of_stock=out_of_stock,
        per_category=dict(sorted(per_cat.items(), key=lambda kv: (-kv[1], kv[0]))),
        currency=snap.currency.code_iso if snap.currency else None,
        spot_id=spot,
    )
