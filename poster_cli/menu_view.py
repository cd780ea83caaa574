"""Rows for ``menu show``: the snapshot's products filtered by category, spot, hidden and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from poster_cli.errors import UsageError
from poster_cli.menu import MenuSnapshot
from poster_cli.poster import models


@dataclass
class ProductRow:
    product_id: int
    name: str
    category_id: int
    category: str
    type: int
    hidden: bool
    out_of_stock: bool
    prices: dict[int, int]  # spot -> kopecks
    visible: dict[int, bool]
    modifications: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)

    def flags(self) -> list[str]:
        result = ["hidden"] if self.hidden else []
        result += [f"invisible at {sid}" for sid, seen in sorted(self.visible.items()) if not seen]
        if self.out_of_stock:
            result.append("out of stock")
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "name": self.name,
            "category_id": self.category_id,
            "category": self.category,
            "type": self.type,
            "hidden": self.hidden,
            "out_of_stock": self.out_of_stock,
            "prices": self.prices,
            "visible": self.visible,
            "modifications": self.modifications,
            "groups": self.groups,
        }


def _category_ids(snap: MenuSnapshot, wanted: str) -> set[int]:
    """The category named or numbered ``wanted`` and every category below it."""
    cats = snap.categories
    text = wanted.strip()
    roots: set[int] = set()
    if text.isdigit():
        roots = {int(text)}
    else:
        folded = text.casefold()
        roots = {c.category_id for c in cats.values() if c.name.casefold() == folded}
        # snapshots built from a bare getProducts answer have no categories: use product fields
        roots |= {p.category_id for p in snap.products.values() if p.category_name.casefold() == folded}
    if not roots:
        from rapidfuzz import process

        names = sorted(
            {c.name for c in cats.values()} | {p.category_name for p in snap.products.values() if p.category_name}
        )
        best = process.extractOne(text, names) if names else None
        hint = (
            f"did you mean {best[0]!r}?" if best and best[1] >= 60 else "see `poster-cli menu show` for the categories"
        )
        raise UsageError(f"no category {wanted!r} in the snapshot", hint=hint)
    result, frontier = set(roots), set(roots)
    while frontier:
        frontier = {c.category_id for c in cats.values() if c.parent_id in frontier} - result
        result |= frontier
    return result


def _matches(p: models.Product, needle: str, wanted: Any = None) -> bool:
    """The text is in the name, a modification, the id, barcode or code; or, read the way `match`
    reads names (its normaliser: ``latte`` and ``латте`` are ``Лате``), each word of it starts a
    word of the name (with a modification) and each size in it is the item's."""
    hay = [p.name, str(p.product_id), p.barcode, p.product_code, *(m.name for m in p.modifications)]
    if any(needle in h.casefold() for h in hay if h):
        return True
    if wanted is None or not wanted.tokens:
        return False
    from poster_cli.matching.normalize import normalise

    for text in [p.name, *(f"{p.name} {m.name}" for m in p.modifications)]:
        have = normalise(text)
        if all(any(t.startswith(w) for t in have.tokens) for w in wanted.tokens) and all(
            have.sizes.get(d) == v for d, v in wanted.sizes.items()
        ):
            return True
    return False


def _spot_view(spots: Any, spot_id: int | None) -> tuple[dict[int, int], dict[int, bool]]:
    chosen = [sp for sid, sp in sorted(spots.items()) if spot_id is None or sid == spot_id]
    return {sp.spot_id: sp.price for sp in chosen}, {sp.spot_id: sp.visible for sp in chosen}


def product_row(snap: MenuSnapshot, p: models.Product, spot_id: int | None) -> ProductRow:
    cat = snap.categories.get(p.category_id)
    prices, visible = _spot_view(p.spots, spot_id)
    mods: list[dict[str, Any]] = []
    for m in p.modifications:
        mp, mv = _spot_view(m.spots, spot_id)
        mods.append({"modificator_id": m.modificator_id, "name": m.name, "prices": mp, "visible": mv})
    if not p.spots and mods:
        # priced only by modification: the product is visible wherever one modification is
        for sid in sorted({sid for m in mods for sid in m["visible"]}):
            visible[sid] = p.visible_at(sid)
    groups = [
        {
            "group_id": g.group_id,
            "name": g.name,
            "num_min": g.num_min,
            "num_max": g.num_max,
            "modifiers": [
                {"dish_modification_id": d.dish_modification_id, "name": d.name, "price": d.price} for d in g.modifiers
            ],
        }
        for g in p.active_groups()
    ]
    return ProductRow(
        product_id=p.product_id,
        name=p.name,
        category_id=p.category_id,
        category=cat.name if cat else p.category_name,
        type=p.type,
        hidden=p.hidden,
        out_of_stock=snap.out_of_stock(p),
        prices=prices,
        visible=visible,
        modifications=mods,
        groups=groups,
    )


def select_products(
    snap: MenuSnapshot,
    *,
    category: str | None = None,
    spot_id: int | None = None,
    hidden: bool | None = None,
    search: str | None = None,
) -> list[ProductRow]:
    """Products that pass every filter, by category, then name. With ``spot_id``, only products
    sold there (a price entry of their own or of a modification)."""
    cats = _category_ids(snap, category) if category else None
    needle = search.casefold().strip() if search else None
    wanted = None
    if needle:
        from poster_cli.matching.normalize import normalise

        wanted = normalise(needle)
    rows = []
    for p in snap.products.values():
        if cats is not None and p.category_id not in cats:
            continue
        if hidden is not None and p.hidden != hidden:
            continue
        if spot_id is not None and spot_id not in p.spots and not any(spot_id in m.spots for m in p.modifications):
            continue
        if needle and not _matches(p, needle, wanted):
            continue
        rows.append(product_row(snap, p, spot_id))
    rows.sort(key=lambda r: (r.category.casefold(), r.name.casefold(), r.product_id))
    return rows
