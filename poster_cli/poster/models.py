"""Typed views of Poster's answers.

Poster sends numbers as strings almost everywhere (``"product_id": "139"``), as ints in other
answers of the same family, and sometimes as ``null``. Every parser here accepts all of these.
Money is ``int`` kopecks; counts are :class:`~decimal.Decimal`. The one exception Poster makes,
``group_modifications[].modifications[].price`` in money units as a float, is converted in
:func:`money_to_kopecks`, the only place that reads it.

The parsers keep nothing of the raw answer beyond what they model: the snapshot keeps the raw
answers themselves (see :mod:`poster_cli.menu`). A product is read through ``_WireProduct`` (the
fields modelled, each value as sent), from decoded JSON or, for a whole menu, straight from the
answer's bytes (:func:`decode_products`): one reading of the values for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping

import msgspec

PRODUCT_TYPE_SEMI_FINISHED = 1
PRODUCT_TYPE_DISH = 2
PRODUCT_TYPE_PRODUCT = 3

ORDER_STATUS_NEW = 0
ORDER_STATUS_ACCEPTED = 1
ORDER_STATUS_CANCELED = 7
ORDER_STATUS_NAMES = {
    ORDER_STATUS_NEW: "new (waiting for the cashier)",
    ORDER_STATUS_ACCEPTED: "accepted",
    ORDER_STATUS_CANCELED: "declined",
}


def poster_status_name(status: int | None) -> str:
    """An incoming order's ``status`` as words: 0 new, 1 accepted, 7 declined (Poster's codes)."""
    if status in ORDER_STATUS_NAMES:
        return ORDER_STATUS_NAMES[status]
    return f"status {status}"


class ParseError(ValueError):
    """A Poster answer that does not have the documented shape."""


def as_int(value: Any, default: int | None = None) -> int | None:
    """Read an int sent as int, string (``"139"``, ``"1.00000"``) or null."""
    if type(value) is str and value.isdigit() and value.isascii():
        return int(value)  # the common case ("139"), first and without Decimal: menus have 10,000+ products
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ParseError(f"not a number: {value!r}") from None
    if d != d.to_integral_value():
        raise ParseError(f"not a whole number: {value!r}")
    return int(d)


def req_int(value: Any, what: str) -> int:
    """Like :func:`as_int`, but the value must be there."""
    result = as_int(value)
    if result is None:
        raise ParseError(f"missing {what}")
    return result


def as_decimal(value: Any, default: Decimal | None = None) -> Decimal | None:
    """Read a count or weight (``"1.00000"``, ``2``, ``0.5``) as Decimal, never via float math."""
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ParseError(f"not a number: {value!r}") from None


def as_bool(value: Any) -> bool:
    """Poster flags come as ``"1"``/``"0"``, ``1``/``0``, ``true``/``false`` or null."""
    if value == "1":  # the common cases first: menus have 10,000+ products, each with several flags
        return True
    if value == "0":
        return False
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "null")
    return bool(value)


def as_str(value: Any) -> str:
    return "" if value is None else str(value)


def money_to_kopecks(value: Any) -> int:
    """Convert money units (``99.99``, ``"99.99"``) to kopecks exactly, rounding half up.

    Used only for ``group_modifications`` prices, which Poster sends in money units as floats.
    ``str(float)`` gives the shortest repr (``99.99``), so Decimal sees what Poster wrote.
    """
    if value is None or value == "":
        return 0
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ParseError(f"not a money amount: {value!r}") from None
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class SpotPrice:
    """A price and visibility of a product (or modification) at one spot."""

    spot_id: int
    price: int  # kopecks
    visible: bool
    profit: int | None = None


def _is_mapping(value: Any) -> bool:
    """``isinstance(value, Mapping)``, quick for the dicts JSON gives (the ABC check is slow)."""
    return type(value) is dict or isinstance(value, Mapping)


class _WireSpot(msgspec.Struct):
    """One ``spots[]`` entry as Poster sends it: each value as it came (string, number or null)."""

    spot_id: Any = None
    price: Any = None
    visible: Any = "1"
    profit: Any = None


# A list Poster may also send empty as ``{}``, ``""``, ``0`` or null (no entries); anything else that
# is not a list of objects is refused. ``spots`` also comes as an object keyed by spot id.
_Spots = list[_WireSpot] | dict[str, _WireSpot] | str | int | float | bool | None


def _spot_prices(raw: Any) -> dict[int, SpotPrice]:
    """Read ``spots[]``; repeated entries for one spot (seen in real answers) keep the first."""
    result: dict[int, SpotPrice] = {}
    if not raw:
        return result
    if type(raw) is dict:
        raw = list(raw.values())
    elif type(raw) is not list:
        raise ParseError("spots: expected a list")
    for entry in raw:
        spot_id = req_int(entry.spot_id, "spots[].spot_id")
        if spot_id in result:
            continue
        # positional (spot_id, price, visible, profit): a menu has tens of thousands of these
        result[spot_id] = SpotPrice(spot_id, as_int(entry.price, 0) or 0, as_bool(entry.visible), as_int(entry.profit))
    return result


@dataclass(frozen=True)
class Modification:
    """A product variant (``modifications[]``), chosen in an order with ``modificator_id``."""

    modificator_id: int
    name: str
    barcode: str = ""
    product_code: str = ""
    spots: Mapping[int, SpotPrice] = field(default_factory=dict)

    def price_at(self, spot_id: int) -> int | None:
        sp = self.spots.get(spot_id)
        return sp.price if sp else None

    def visible_at(self, spot_id: int) -> bool:
        sp = self.spots.get(spot_id)
        return bool(sp and sp.visible)


@dataclass(frozen=True)
class DishModifier:
    """One choice inside a dish's modifier group (``dish_modification_id``)."""

    dish_modification_id: int
    name: str
    price: int  # kopecks (converted from Poster's money float)
    type: int | None = None
    brutto: Decimal | None = None


@dataclass(frozen=True)
class ModifierGroup:
    """A dish's ``group_modifications[]`` entry; a line may carry num_min..num_max of its modifiers."""

    group_id: int
    name: str
    num_min: int
    num_max: int
    is_deleted: bool
    modifiers: tuple[DishModifier, ...]


@dataclass(frozen=True)
class Product:
    """A product (type 3), dish (type 2) or semi-finished item (type 1) from ``menu.getProducts``."""

    product_id: int
    name: str
    category_id: int
    category_name: str
    type: int
    hidden: bool
    barcode: str = ""
    product_code: str = ""
    unit: str = ""
    weight_flag: bool = False
    ingredient_id: int | None = None
    spots: Mapping[int, SpotPrice] = field(default_factory=dict)
    modifications: tuple[Modification, ...] = ()
    group_modifications: tuple[ModifierGroup, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_dish(self) -> bool:
        return self.type == PRODUCT_TYPE_DISH

    def modification(self, modificator_id: int) -> Modification | None:
        for m in self.modifications:
            if m.modificator_id == modificator_id:
                return m
        return None

    def active_groups(self) -> tuple[ModifierGroup, ...]:
        return tuple(g for g in self.group_modifications if not g.is_deleted)

    def dish_modifier(self, dish_modification_id: int) -> tuple[ModifierGroup, DishModifier] | None:
        for g in self.active_groups():
            for m in g.modifiers:
                if m.dish_modification_id == dish_modification_id:
                    return g, m
        return None

    def price_at(self, spot_id: int) -> int | None:
        """Spot price in kopecks, or None when the product has no price there."""
        sp = self.spots.get(spot_id)
        return sp.price if sp else None

    def visible_at(self, spot_id: int) -> bool:
        """Visible at the spot: its own spot entry, or (products priced only by modification) any
        modification visible there."""
        sp = self.spots.get(spot_id)
        if sp is not None:
            return sp.visible
        return any(m.visible_at(spot_id) for m in self.modifications)


def _parse_modifier_group(raw: Mapping[str, Any]) -> ModifierGroup:
    modifiers = tuple(
        DishModifier(
            dish_modification_id=req_int(m.get("dish_modification_id"), "dish_modification_id"),
            name=as_str(m.get("name")),
            price=money_to_kopecks(m.get("price")),
            type=as_int(m.get("type")),
            brutto=as_decimal(m.get("brutto")),
        )
        for m in raw.get("modifications") or []
    )
    return ModifierGroup(
        group_id=req_int(raw.get("dish_modification_group_id"), "dish_modification_group_id"),
        name=as_str(raw.get("name")),
        num_min=as_int(raw.get("num_min"), 0) or 0,
        num_max=as_int(raw.get("num_max"), 0) or 0,
        is_deleted=as_bool(raw.get("is_deleted")),
        modifiers=modifiers,
    )


class _WireModification(msgspec.Struct):
    """One ``modifications[]`` entry as sent."""

    modificator_id: Any = None
    modificator_name: Any = None
    modificator_barcode: Any = None
    modificator_product_code: Any = None
    spots: _Spots = None


class _WireProduct(msgspec.Struct):
    """One ``menu.getProducts`` entry as sent: the fields :class:`Product` models, each value as it
    came; the others are skipped while decoding (the snapshot keeps the answer's bytes)."""

    product_id: Any = None
    product_name: Any = None
    menu_category_id: Any = None
    category_name: Any = None
    type: Any = None
    hidden: Any = None
    barcode: Any = None
    product_code: Any = None
    unit: Any = None
    weight_flag: Any = None
    ingredient_id: Any = None
    spots: _Spots = None
    price: Any = None
    modifications: list[_WireModification] | dict[str, Any] | str | int | float | bool | None = None
    group_modifications: Any = None
    extras: Any = None


_PRODUCTS = msgspec.json.Decoder(list[_WireProduct] | dict[str, Any] | str | int | float | bool | None)


def _product(raw: _WireProduct) -> Product:
    spots = _spot_prices(raw.spots)
    # Some answers carry ``price`` as an object keyed by spot id, with no ``spots``.
    price_obj = raw.price
    if not spots and price_obj is not None and _is_mapping(price_obj):
        spots = {int(k): SpotPrice(spot_id=int(k), price=as_int(v, 0) or 0, visible=True) for k, v in price_obj.items()}
    wire_mods: list[_WireModification] = []
    if isinstance(raw.modifications, list):
        wire_mods = raw.modifications
    elif raw.modifications:
        raise ParseError("modifications: expected a list")
    mods = tuple(
        Modification(
            modificator_id=req_int(m.modificator_id, "modificator_id"),
            name=as_str(m.modificator_name).strip(),
            barcode=as_str(m.modificator_barcode),
            product_code=as_str(m.modificator_product_code),
            spots=_spot_prices(m.spots),
        )
        for m in wire_mods
    )
    groups = tuple(_parse_modifier_group(g) for g in raw.group_modifications or [])
    extras = raw.extras
    return Product(
        product_id=req_int(raw.product_id, "product_id"),
        name=as_str(raw.product_name).strip(),
        category_id=as_int(raw.menu_category_id, 0) or 0,
        category_name=as_str(raw.category_name),
        type=as_int(raw.type, PRODUCT_TYPE_PRODUCT) or PRODUCT_TYPE_PRODUCT,
        hidden=as_bool(raw.hidden),
        barcode=as_str(raw.barcode),
        product_code=as_str(raw.product_code),
        unit=as_str(raw.unit),
        weight_flag=as_bool(raw.weight_flag),
        ingredient_id=as_int(raw.ingredient_id) or None,
        spots=spots,
        modifications=mods,
        group_modifications=groups,
        extras=extras if extras is not None and _is_mapping(extras) else {},
    )


def parse_product(raw: Any) -> Product:
    """Parse one ``menu.getProducts`` / ``menu.getProduct`` entry (decoded JSON)."""
    if not _is_mapping(raw):
        raise ParseError("product is not an object")
    try:
        wire = msgspec.convert(raw if type(raw) is dict else dict(raw), _WireProduct)
    except msgspec.ValidationError as exc:
        raise ParseError(f"product: {exc}") from None
    return _product(wire)


def decode_products(data: bytes) -> list[Product]:
    """Parse a ``menu.getProducts`` answer's ``response`` straight from its JSON bytes: no dict is
    built for a product, and the fields no model holds are skipped. An empty answer (``[]``, ``{}``,
    null) is no products."""
    try:
        wire = _PRODUCTS.decode(data)
    except msgspec.ValidationError as exc:
        raise ParseError(f"products: {exc}") from None
    except msgspec.DecodeError:
        raise ParseError("products: not JSON") from None
    if not wire:
        return []
    if type(wire) is not list:
        raise ParseError("products: expected a list")
    return [_product(p) for p in wire]


@dataclass(frozen=True)
class Category:
    category_id: int
    name: str
    parent_id: int
    hidden: bool
    sort_order: int = 0


def parse_category(raw: Any) -> Category:
    if not isinstance(raw, Mapping):
        raise ParseError("category is not an object")
    return Category(
        category_id=req_int(raw.get("category_id"), "category_id"),
        name=as_str(raw.get("category_name")),
        parent_id=as_int(raw.get("parent_category"), 0) or 0,
        hidden=as_bool(raw.get("category_hidden")),
        sort_order=as_int(raw.get("sort_order"), 0) or 0,
    )


@dataclass(frozen=True)
class Spot:
    spot_id: int
    name: str
    address: str = ""
    storage_ids: tuple[int, ...] = ()


def parse_spot(raw: Any) -> Spot:
    if not isinstance(raw, Mapping):
        raise ParseError("spot is not an object")
    storages = raw.get("storages") or []
    return Spot(
        spot_id=req_int(raw.get("spot_id"), "spot_id"),
        name=as_str(raw.get("spot_name") or raw.get("name")),
        address=as_str(raw.get("spot_adress") or raw.get("address")),
        storage_ids=tuple(req_int(s.get("storage_id"), "storage_id") for s in storages if isinstance(s, Mapping)),
    )


@dataclass(frozen=True)
class Currency:
    currency_id: int
    name: str
    code_iso: str
    symbol: str = ""


def parse_currency(raw: Any) -> Currency:
    if not isinstance(raw, Mapping):
        raise ParseError("currency is not an object")
    return Currency(
        currency_id=as_int(raw.get("currency_id"), 0) or 0,
        name=as_str(raw.get("currency_name")),
        code_iso=as_str(raw.get("currency_code_iso")),
        symbol=as_str(raw.get("currency_code") or raw.get("currency_symbol")),
    )


@dataclass(frozen=True)
class IncomingOrderLine:
    product_id: int
    modificator_id: int | None
    count: Decimal
    io_product_id: int | None = None


@dataclass(frozen=True)
class IncomingOrder:
    """An online order as Poster returns it (status 0 new, 1 accepted, 7 canceled)."""

    incoming_order_id: int
    spot_id: int
    status: int
    client_id: int | None
    phone: str
    comment: str
    created_at: str
    updated_at: str
    transaction_id: int | None
    products: tuple[IncomingOrderLine, ...]
    first_name: str = ""
    last_name: str = ""


def parse_incoming_order(raw: Any) -> IncomingOrder:
    if not isinstance(raw, Mapping):
        raise ParseError("incoming order is not an object")
    return IncomingOrder(
        incoming_order_id=req_int(raw.get("incoming_order_id"), "incoming_order_id"),
        spot_id=as_int(raw.get("spot_id"), 0) or 0,
        status=as_int(raw.get("status"), 0) or 0,
        client_id=as_int(raw.get("client_id")) or None,
        phone=as_str(raw.get("phone")),
        comment=as_str(raw.get("comment")),
        created_at=as_str(raw.get("created_at")),
        updated_at=as_str(raw.get("updated_at")),
        transaction_id=as_int(raw.get("transaction_id")) or None,
        products=tuple(
            IncomingOrderLine(
                product_id=req_int(p.get("product_id"), "products[].product_id"),
                modificator_id=as_int(p.get("modificator_id")) or None,
                count=as_decimal(p.get("count"), Decimal(0)) or Decimal(0),
                io_product_id=as_int(p.get("io_product_id")),
            )
            for p in raw.get("products") or []
        ),
        first_name=as_str(raw.get("first_name")),
        last_name=as_str(raw.get("last_name")),
    )


@dataclass(frozen=True)
class Leftover:
    """``storage.getStorageLeftovers`` entry: what is left of an ingredient/product in stock."""

    ingredient_id: int
    left: Decimal


def parse_leftover(raw: Any) -> Leftover:
    if not isinstance(raw, Mapping):
        raise ParseError("leftover is not an object")
    return Leftover(
        ingredient_id=req_int(raw.get("ingredient_id"), "ingredient_id"),
        left=as_decimal(raw.get("ingredient_left"), Decimal(0)) or Decimal(0),
    )


def parse_list(raw: Any, parse: Any, what: str) -> list[Any]:
    """Parse a list answer; Poster answers an empty list as ``[]`` (sometimes ``{}``)."""
    if raw is None or raw == {}:
        return []
    if not isinstance(raw, list):
        raise ParseError(f"{what}: expected a list")
    return [parse(item) for item in raw]
