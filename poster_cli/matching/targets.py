"""What a site item can be mapped to: every product, every product modification (product +
modification), every dish, and every choice of a dish's required one-of modifier group (pizza
sizes are often kept that way). Hidden targets and those invisible at the spot stay in, marked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from poster_cli.matching.normalize import NormalName, normalise, normalise_all, normalise_pair
from poster_cli.matching.parallel import workers_for
from poster_cli.poster.models import Product

KIND_PRODUCT = "product"
KIND_MODIFICATION = "modification"
KIND_DISH = "dish"
KIND_DISH_CHOICE = "dish+modifier"

PARALLEL_MIN_PRODUCTS = 2000  # products per worker process below which one more costs more than it saves

# Size letters by rank when a family has this many sizes (smallest first).
_RANK_LETTERS = {2: ("S", "L"), 3: ("S", "M", "L"), 4: ("S", "M", "L", "XL")}


@dataclass
class MatchTarget:
    """One thing an order line can name: ``product_id`` plus optional modification / modifier."""

    product_id: int
    modificator_id: int | None
    dish_modifications: tuple[tuple[int, int], ...]  # (dish_modification_id, amount)
    name: str  # as shown: "Лате / 400 мл"
    category: str
    price: int | None  # kopecks at the spot
    hidden: bool
    visible: bool  # at the spot (True when no spot is known)
    kind: str
    codes: tuple[str, ...]  # barcode, product code: exact-match keys
    norm: NormalName
    category_norm: NormalName
    family: str = ""
    rank_letter: str | None = None  # size letter by rank among its family's sizes
    index: int = -1  # position in its MenuIndex

    @property
    def key(self) -> tuple[int, int | None, tuple[tuple[int, int], ...]]:
        return (self.product_id, self.modificator_id, self.dish_modifications)

    @property
    def letter(self) -> str | None:
        return self.norm.letter or self.rank_letter

    @property
    def size_label(self) -> str:
        label = self.norm.size_label()
        if self.rank_letter and not self.norm.letter:
            label = f"{label} ({self.rank_letter})" if label else self.rank_letter
        return label

    @property
    def marks(self) -> list[str]:
        return (["hidden"] if self.hidden else []) + ([] if self.visible else ["not at spot"])


def _codes(*values: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in values if v and v.strip() and v.strip() != "0")


def targets_for(product: Product, spot_id: int | None) -> list[MatchTarget]:
    """The targets one product or dish offers."""
    base_visible = True if spot_id is None else product.visible_at(spot_id)
    base_price = product.price_at(spot_id) if spot_id is not None else _any_price(product.spots)
    category_norm = normalise(product.category_name or "")

    def target(**kw: Any) -> MatchTarget:
        return MatchTarget(
            product_id=product.product_id,
            category=product.category_name,
            hidden=product.hidden,
            category_norm=category_norm,
            **kw,
        )

    result: list[MatchTarget] = []
    for mod in product.modifications:
        name = f"{product.name} / {mod.name}" if mod.name else product.name
        visible = base_visible if spot_id is None or not mod.spots else mod.visible_at(spot_id)
        price = (mod.price_at(spot_id) if spot_id is not None else _any_price(mod.spots)) or base_price
        result.append(
            target(
                modificator_id=mod.modificator_id,
                dish_modifications=(),
                name=name,
                price=price,
                visible=visible,
                kind=KIND_MODIFICATION,
                codes=_codes(mod.barcode, mod.product_code),
                norm=normalise_pair(product.name, mod.name),
            )
        )
    if result:  # a product with modifications is ordered by modification only
        return result
    required = next((g for g in product.active_groups() if g.num_min >= 1 and g.num_max == 1 and g.modifiers), None)
    if product.is_dish and required is not None:
        for m in required.modifiers:
            result.append(
                target(
                    modificator_id=None,
                    dish_modifications=((m.dish_modification_id, 1),),
                    name=f"{product.name} / {m.name}",
                    price=(base_price or 0) + m.price if base_price is not None else None,
                    visible=base_visible,
                    kind=KIND_DISH_CHOICE,
                    codes=(),
                    norm=normalise_pair(product.name, m.name),
                )
            )
        return result
    result.append(
        target(
            modificator_id=None,
            dish_modifications=(),
            name=product.name,
            price=base_price,
            visible=base_visible,
            kind=KIND_DISH if product.is_dish else KIND_PRODUCT,
            codes=_codes(product.barcode, product.product_code),
            norm=normalise(product.name),
        )
    )
    return result


def _any_price(spots: object) -> int | None:
    values = getattr(spots, "values", None)
    prices = [sp.price for sp in values()] if values else []
    return prices[0] if prices else None


def build_targets(products: Iterable[Product], spot_id: int | None, *, share: bool = True) -> list[MatchTarget]:
    """Every target of the menu, with size letters by rank inside each family of sizes. A big menu
    is shared between worker processes (normalising thousands of names is most of the work)
    unless ``share`` is false."""
    products = list(products)
    workers = workers_for(len(products), PARALLEL_MIN_PRODUCTS) if share else 1
    normalise_all((name for p in products for name in _likely_names(p)), workers)
    targets = [t for p in products for t in targets_for(p, spot_id)]
    assign_rank_letters(targets)
    return targets


def _likely_names(product: Product) -> Iterable[str]:
    """The names :func:`targets_for` will normalise for ``product``, or a few more: normalised
    ahead in worker processes; a name missed here is simply normalised when it is needed."""
    yield product.category_name or ""
    yield product.name
    for mod in product.modifications:
        yield mod.name
    for group in product.group_modifications:
        for m in group.modifiers:
            yield m.name


def assign_rank_letters(targets: list[MatchTarget]) -> None:
    """Within a family (same product, or same name apart from the size), the smallest size is S and
    the largest L, so a site's "Latte L" can meet "Лате / 400 мл". Uses the menu's own sizes only."""
    families: dict[tuple[str, str], list[MatchTarget]] = defaultdict(list)
    for t in targets:
        if not t.norm.sizes:
            continue
        dim = next(iter(t.norm.sizes))
        t.family = f"{t.product_id}" if t.modificator_id or t.dish_modifications else t.norm.key
        families[(t.family, dim)].append(t)
    for (_, dim), members in families.items():
        values = sorted({t.norm.sizes[dim] for t in members})
        letters = _RANK_LETTERS.get(len(values))
        if letters is None:
            continue
        for t in members:
            t.rank_letter = letters[values.index(t.norm.sizes[dim])]
