"""Poster's menu as a site shows it: products with their variants, before any platform's format.

A product is one offer; each way to order it is a variant: the product itself, each of its
modifications (a size option), or, for a dish whose groups require one choice each, each
combination of those choices. A variant carries what an order needs: Poster's product id,
modification id and dish modification ids (its ``poster_code``, "P103-M1001"), and the site's
id for it from the mapping where there is one (its ``sku``, else the Poster code).

Prices are the spot's, in kopecks. Hidden products, products not visible at the spot and
modifications not sold there are left out unless ``include_hidden``; what was left out is
counted by reason.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from poster_cli.menu import MenuSnapshot
from poster_cli.poster import models

SIZE_OPTION = "Size"
MAX_CHOICE_GROUPS = 3  # Shopify's limit of options per product, and a sane one everywhere
MAX_COMBINATIONS = 100


@dataclass(frozen=True)
class Variant:
    sku: str
    poster_code: str
    product_id: int
    modificator_id: int | None
    dish_modifications: tuple[int, ...]
    options: tuple[str, ...]
    price: int
    visible: bool
    in_stock: bool
    barcode: str = ""


@dataclass(frozen=True)
class Offer:
    product_id: int
    title: str
    category: str
    category_path: tuple[str, ...]
    option_names: tuple[str, ...]
    variants: tuple[Variant, ...]
    photo: str
    visible: bool


@dataclass
class SiteMenu:
    offers: list[Offer]
    currency: str
    spot_id: int
    spot_name: str
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def variants(self) -> int:
        return sum(len(o.variants) for o in self.offers)


def money(kopecks: int) -> str:
    """``8550`` -> ``"85.50"``: a decimal string, never a float."""
    sign = "-" if kopecks < 0 else ""
    whole, cents = divmod(abs(kopecks), 100)
    return f"{sign}{whole}.{cents:02d}"


def poster_code(product_id: int, modificator_id: int | None = None, dish: tuple[int, ...] = ()) -> str:
    return f"P{product_id}" + (f"-M{modificator_id}" if modificator_id else "") + "".join(f"-D{d}" for d in dish)


def site_ids(mapping: Any) -> dict[tuple[int, int | None, tuple[int, ...]], str]:
    """(product, modification, dish choices) -> the site's id, from the mapping's links."""
    ids: dict[tuple[int, int | None, tuple[int, ...]], str] = {}
    if mapping is None:
        return ids
    for entry in mapping.linked():
        key = (entry.product_id, entry.modificator_id, tuple(sorted(c.m for c in entry.dish_modifications)))
        ids.setdefault(key, entry.local_id)
    return ids


def build(
    snapshot: MenuSnapshot,
    spot_id: int,
    *,
    include_hidden: bool = False,
    mapping: Any = None,
    photo_base: str | None = None,
) -> SiteMenu:
    ids = site_ids(mapping)
    raw_by_id = {
        models.as_int(p.get("product_id")): p for p in snapshot.raw.get("products") or [] if isinstance(p, dict)
    }
    spot = snapshot.spots.get(spot_id)
    menu = SiteMenu(
        offers=[],
        currency=snapshot.currency.code_iso if snapshot.currency else "",
        spot_id=spot_id,
        spot_name=spot.name if spot else "",
    )
    for product in snapshot.products.values():
        if product.type == models.PRODUCT_TYPE_SEMI_FINISHED:
            menu.skipped["semi-finished items"] += 1
            continue
        visible = not product.hidden and product.visible_at(spot_id)
        if not visible and not include_hidden:
            menu.skipped["hidden or not sold at the spot"] += 1
            continue
        variants, option_names = _variants(product, snapshot, spot_id, ids, include_hidden, menu.skipped)
        if not variants:
            continue
        path = _category_path(snapshot, product)
        menu.offers.append(
            Offer(
                product_id=product.product_id,
                title=product.name,
                category=path[-1] if path else "",
                category_path=path,
                option_names=option_names,
                variants=tuple(variants),
                photo=_photo(raw_by_id.get(product.product_id) or {}, photo_base),
                visible=visible,
            )
        )
    return menu


def _variants(
    product: models.Product,
    snapshot: MenuSnapshot,
    spot: int,
    ids: dict[tuple[int, int | None, tuple[int, ...]], str],
    include_hidden: bool,
    skipped: Counter[str],
) -> tuple[list[Variant], tuple[str, ...]]:
    in_stock = not snapshot.out_of_stock(product)
    pid = product.product_id

    def variant(
        mod: int | None, dish: tuple[int, ...], options: tuple[str, ...], price: int, visible: bool, barcode: str
    ) -> Variant:
        code = poster_code(pid, mod, dish)
        return Variant(
            sku=ids.get((pid, mod, tuple(sorted(dish))), code),
            poster_code=code,
            product_id=pid,
            modificator_id=mod,
            dish_modifications=dish,
            options=options,
            price=price,
            visible=visible,
            in_stock=in_stock,
            barcode=barcode,
        )

    if product.modifications:
        result = []
        for m in product.modifications:
            price = m.price_at(spot)
            if price is None or (not m.visible_at(spot) and not include_hidden):
                skipped["modifications not sold at the spot"] += 1
                continue
            result.append(variant(m.modificator_id, (), (m.name,), price, m.visible_at(spot), m.barcode))
        return result, (SIZE_OPTION,)
    base = product.price_at(spot)
    if base is None:
        skipped["no price at the spot"] += 1
        return [], ()
    required = [g for g in product.active_groups() if g.num_min >= 1 and g.modifiers]
    if not required:
        return [variant(None, (), (), base, product.visible_at(spot), product.barcode)], ()
    if any(g.num_max != 1 or g.num_min != 1 for g in required):
        skipped["dishes whose required choice takes several options"] += 1
        return [], ()
    combos = 1
    for g in required:
        combos *= len(g.modifiers)
    if len(required) > MAX_CHOICE_GROUPS or combos > MAX_COMBINATIONS:
        skipped[f"dishes with more than {MAX_CHOICE_GROUPS} required choices or {MAX_COMBINATIONS} combinations"] += 1
        return [], ()
    result = []
    for choice in itertools.product(*(g.modifiers for g in required)):
        result.append(
            variant(
                None,
                tuple(c.dish_modification_id for c in choice),
                tuple(c.name for c in choice),
                base + sum(c.price for c in choice),
                product.visible_at(spot),
                product.barcode,
            )
        )
    return result, tuple(g.name for g in required)


def _category_path(snapshot: MenuSnapshot, product: models.Product) -> tuple[str, ...]:
    path: list[str] = []
    category = snapshot.categories.get(product.category_id)
    seen: set[int] = set()
    while category is not None and category.category_id not in seen:
        seen.add(category.category_id)
        path.append(category.name)
        category = snapshot.categories.get(category.parent_id) if category.parent_id else None
    if not path and product.category_name:
        path.append(product.category_name)
    return tuple(reversed(path))


def _photo(raw: dict[str, Any], base: str | None) -> str:
    photo = str(raw.get("photo_origin") or raw.get("photo") or "")
    if not photo or photo.startswith(("http://", "https://")):
        return photo
    return base.rstrip("/") + "/" + photo.lstrip("/") if base else ""
