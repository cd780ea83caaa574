"""Turning a site order into the exact ``incomingOrders.createIncomingOrder`` body, with its total.

Nothing here talks to Poster: it reads the menu snapshot and the mapping. Every problem in an
order is collected (not just the first), so a batch file reports all its bad rows at once.

Totals (kopecks, ``int``): a product's or modification's spot price; a dish's spot price plus, per
unit, each chosen modifier's price times its amount. A line's total is that unit price times the
count, rounded half up to whole kopecks per line (counts are whole except for weight items; Poster
does not document its rounding for fractional weights: Inferred [order-line-total]), and the order's
total is the sum of the lines. That is the ``payment.sum`` of a prepaid order (Poster error 88 when
they differ).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from poster_cli.errors import UsageError
from poster_cli.mapping import Mapping, MappingEntry
from poster_cli.menu import MenuSnapshot
from poster_cli.orders.marker import render_comment
from poster_cli.poster import models

PHONE_SEPARATORS = re.compile(r"[\s\-().]")
ORDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$")
POSTER_REF = re.compile(r"^poster:(\d+)(?:/(\d+))?$", re.IGNORECASE)
DID_YOU_MEAN_CUTOFF = 60


@dataclass(frozen=True)
class ItemRequest:
    """One line as the user wrote it: an item reference and a count (``line`` in the file)."""

    item: str
    count: Decimal = Decimal(1)
    line: int | None = None


@dataclass
class OrderRequest:
    """A site order before validation (from flags or a batch file)."""

    order_id: str
    items: list[ItemRequest]
    phone: str | None = None
    client_id: int | None = None
    spot_id: int | None = None
    paid: bool = False
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    address: str | None = None
    comment: str | None = None
    line: int | None = None  # where the order starts in its file (CSV)
    source: str | None = None  # the file, or "send"
    where: str | None = None  # its place in a JSON file, e.g. "orders[3]"


@dataclass(frozen=True)
class Problem:
    """Why an order cannot be sent; ``line`` points into the batch file when known."""

    message: str
    line: int | None = None


class OrderInvalid(UsageError):
    """An order that cannot be sent; carries every problem found."""

    def __init__(self, order_id: str, problems: list[Problem]) -> None:
        self.order_id = order_id
        self.problems = problems
        text = "; ".join(p.message for p in problems)
        super().__init__(f"order {order_id} cannot be sent: {text}")


@dataclass(frozen=True)
class OrderLine:
    """A merged, priced line of a built order."""

    product_id: int
    name: str
    count: Decimal
    unit_price: int
    total: int
    modificator_id: int | None = None
    modification: str | None = None  # the JSON string Poster wants, e.g. '[{"m":142,"a":1}]'
    modifier_names: tuple[str, ...] = ()

    def to_body(self) -> dict[str, Any]:
        line: dict[str, Any] = {"product_id": self.product_id}
        if self.modificator_id is not None:
            line["modificator_id"] = self.modificator_id
        if self.modification is not None:
            line["modification"] = self.modification
        line["count"] = count_for_json(self.count)
        return line


@dataclass
class BuiltOrder:
    """A valid order: what will be sent, what it costs, and what to tell the user."""

    order_id: str
    spot_id: int
    lines: list[OrderLine]
    total: int
    currency: str | None
    paid: bool
    body: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    source: str | None = None
    line: int | None = None
    request_hash: str | None = None  # what the site sent (orders/fingerprint.py), not the prices


@dataclass(frozen=True)
class _Resolved:
    product: models.Product
    modificator_id: int | None
    choices: tuple[tuple[int, int], ...]  # (dish_modification_id, amount)
    label: str


MAX_COUNT = Decimal(10_000)  # of one line: more is a typo, or a file built to break the totals
COUNT_PLACES = 3  # grams of a kilogram


def count_problem(count: Decimal) -> str | None:
    """Why ``count`` cannot be a line's count (None when it can): a number, more than 0, at most
    10,000, at most 3 decimal places. ``1e999999`` would otherwise overflow the totals."""
    if not count.is_finite():
        return "is not a number"
    if count <= 0:
        return "must be more than 0"
    if count > MAX_COUNT:
        return f"is more than {MAX_COUNT}"
    exponent = count.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -COUNT_PLACES:
        return f"has more than {COUNT_PLACES} decimal places"
    return None


def count_for_json(count: Decimal) -> int | str:
    """Whole counts as JSON numbers; fractional (weight) counts as decimal strings, never floats
    (Poster itself sends counts as strings, ``"1.00000"``)."""
    if count == count.to_integral_value():
        return int(count)
    return format(count.normalize(), "f")


def normalize_phone(phone: str) -> tuple[str | None, str | None]:
    """``(normalized, None)`` or ``(None, what is wrong)``. Spaces, dashes, dots and brackets are
    dropped; then an optional ``+`` and 10-15 digits."""
    raw = phone.strip()
    text = PHONE_SEPARATORS.sub("", raw)
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    bad = sorted({c for c in digits if not c.isdigit() or not c.isascii()})
    if not raw:
        return None, "phone is empty"
    if bad:
        shown = " ".join(repr(c) for c in bad[:3])
        return None, f"phone {raw!r} contains {shown}: use digits with an optional leading +"
    if not 10 <= len(digits) <= 15:
        return None, f"phone {raw!r} has {len(digits)} digits; a phone number has 10 to 15"
    return ("+" if plus else "") + digits, None


class OrderBuilder:
    """Builds orders against one snapshot and mapping (reuse it for a whole batch)."""

    def __init__(
        self,
        snapshot: MenuSnapshot,
        mapping: Mapping,
        *,
        default_spot: int | None = None,
        comment_template: str = "Site order #{order_id}",
    ) -> None:
        self.snapshot = snapshot
        self.mapping = mapping
        self.default_spot = default_spot
        self.comment_template = comment_template
        self._by_name: dict[str, MappingEntry] = {}
        for entry in mapping:
            self._by_name.setdefault(_fold(entry.local_name), entry)

    # -- the whole order ------------------------------------------------------------------------

    def build(self, req: OrderRequest) -> BuiltOrder:
        """Validate and price ``req``; raise :class:`OrderInvalid` listing every problem."""
        problems: list[Problem] = []
        warnings: list[str] = []

        def bad(message: str, line: int | None = None) -> None:
            problems.append(Problem(message, line if line is not None else req.line))

        if not ORDER_ID.match(req.order_id or ""):
            bad(f"order id {req.order_id!r} must be 1-64 letters, digits or . _ : / # - (no spaces)")
        spot_id = self._spot(req, bad)
        phone = None
        if req.phone:
            phone, why = normalize_phone(req.phone)
            if why:
                bad(why)
        if req.client_id is not None and req.client_id <= 0:
            bad(f"client id {req.client_id} must be a positive number")
        if not req.phone and req.client_id is None:
            bad("no phone and no client id: Poster needs one of them")
        if req.email and "@" not in req.email:
            bad(f"email {req.email!r} has no @")
        if not req.items:
            bad("the order has no items")

        merged: dict[tuple[int, int | None, str | None], OrderLine] = {}
        for item in req.items:
            line = self._line(item, spot_id, bad, warnings) if spot_id is not None else None
            if line is None:
                continue
            key = (line.product_id, line.modificator_id, line.modification)
            if key in merged:  # Poster refuses a repeated line (error 99): add the counts up
                prev = merged[key]
                count = prev.count + line.count
                merged[key] = OrderLine(
                    prev.product_id,
                    prev.name,
                    count,
                    prev.unit_price,
                    _line_total(prev.unit_price, count),
                    prev.modificator_id,
                    prev.modification,
                    prev.modifier_names,
                )
            else:
                merged[key] = line

        currency = self.snapshot.currency.code_iso if self.snapshot.currency else None
        if req.paid and not currency:
            bad("a paid order needs the account currency, and the menu snapshot has none (run `poster-cli pull`)")
        if problems:
            raise OrderInvalid(req.order_id, problems)
        assert spot_id is not None

        from poster_cli.orders.fingerprint import request_fingerprint

        lines = list(merged.values())
        total = sum(line.total for line in lines)
        body: dict[str, Any] = {"spot_id": spot_id}
        if phone:
            body["phone"] = phone
        if req.client_id is not None:
            body["client_id"] = req.client_id
        for name in ("first_name", "last_name", "email", "address"):
            value = (getattr(req, name) or "").strip()
            if value:
                body[name] = value
        body["comment"] = render_comment(self.comment_template, req.order_id, req.comment)
        body["products"] = [line.to_body() for line in lines]
        if req.paid:
            body["payment"] = {"type": 1, "sum": total, "currency": currency}
        return BuiltOrder(
            order_id=req.order_id,
            spot_id=spot_id,
            lines=lines,
            total=total,
            currency=currency,
            paid=req.paid,
            body=body,
            warnings=warnings,
            source=req.source,
            line=req.line,
            request_hash=request_fingerprint(req),
        )

    def _spot(self, req: OrderRequest, bad: Any) -> int | None:
        spots = self.snapshot.spots
        spot_id = req.spot_id if req.spot_id is not None else self.snapshot.default_spot(self.default_spot)
        known = ", ".join(f"{s.spot_id} ({s.name})" for s in spots.values())
        if spot_id is None:
            bad(f"which spot? pass --spot or set POSTER_SPOT_ID (spots: {known or 'none in the snapshot'})")
            return None
        if spot_id not in spots:
            bad(f"spot {spot_id} does not exist (spots: {known or 'none in the snapshot; run `poster-cli pull`'})")
            return None
        return spot_id

    # -- one line -------------------------------------------------------------------------------

    def _line(self, item: ItemRequest, spot_id: int, bad: Any, warnings: list[str]) -> OrderLine | None:
        def fail(message: str) -> None:
            bad(message, item.line)

        resolved = self.resolve(item.item, fail)
        if resolved is None:
            return None
        product, label = resolved.product, resolved.label
        ok = True
        if item.count <= 0:
            fail(f"{label}: count {item.count} must be more than 0")
            ok = False
        elif item.count != item.count.to_integral_value() and not product.weight_flag:
            fail(f"{label}: count {item.count} must be whole (only weight items take fractions)")
            ok = False
        if product.hidden:
            fail(f"{label}: {product.name!r} is hidden in Poster")
            return None

        name = product.name
        if resolved.modificator_id is not None:
            mod = product.modification(resolved.modificator_id)
            if mod is None:
                fail(f"{label}: {product.name!r} has no variant {resolved.modificator_id}")
                return None
            name = f"{product.name} {mod.name}".strip()
            if not mod.visible_at(spot_id):
                fail(f"{label}: {name!r} is not sold at spot {spot_id}")
                return None
            base = mod.price_at(spot_id)
        else:
            if product.modifications:
                choices = ", ".join(
                    f"poster:{product.product_id}/{m.modificator_id} ({m.name})" for m in product.modifications[:4]
                )
                fail(f"{label}: {product.name!r} has variants; choose one: {choices}")
                return None
            if not product.visible_at(spot_id):
                fail(f"{label}: {product.name!r} is not sold at spot {spot_id}")
                return None
            base = product.price_at(spot_id)
        if base is None:
            fail(f"{label}: {name!r} has no price at spot {spot_id}")
            return None
        if self.snapshot.out_of_stock(product):
            warnings.append(f"{label}: {product.name!r} is out of stock at the moment")

        unit, modification, names = self._modifiers(product, resolved, label, fail)
        if unit is None or not ok:
            return None
        unit += base
        return OrderLine(
            product_id=product.product_id,
            name=name,
            count=item.count,
            unit_price=unit,
            total=_line_total(unit, item.count),
            modificator_id=resolved.modificator_id,
            modification=modification,
            modifier_names=names,
        )

    def _modifiers(
        self, product: models.Product, resolved: _Resolved, label: str, fail: Any
    ) -> tuple[int | None, str | None, tuple[str, ...]]:
        """Check the dish's modifier groups; return (modifiers' price per unit, JSON string, names)."""
        groups = product.active_groups()
        if resolved.choices and not product.is_dish:
            fail(f"{label}: {product.name!r} is not a dish, so it takes no dish modifiers")
            return None, None, ()
        if not groups and not resolved.choices:
            return 0, None, ()
        chosen: dict[int, int] = {}
        price = 0
        names: list[str] = []
        ok = True
        for m, amount in resolved.choices:
            found = product.dish_modifier(m)
            if found is None:
                fail(f"{label}: {product.name!r} has no modifier {m}")
                ok = False
                continue
            group, modifier = found
            chosen[group.group_id] = chosen.get(group.group_id, 0) + amount
            price += modifier.price * amount
            names.append(modifier.name if amount == 1 else f"{modifier.name} x{amount}")
        for group in groups:
            n = chosen.get(group.group_id, 0)
            if n < group.num_min:
                if n == 0:
                    fail(
                        f"{label}: {product.name!r} needs a choice from {group.name!r} (at least {group.num_min}); "
                        "set dish_modifications in the mapping"
                    )
                else:
                    fail(f"{label}: {group.name!r} needs at least {group.num_min} choices, got {n}")
                ok = False
            # num_max 0: no upper bound (Inferred [num-max-zero]; the docs show only positive maxima)
            if group.num_max > 0 and n > group.num_max:
                fail(f"{label}: {group.name!r} allows at most {group.num_max} choices, got {n}")
                ok = False
        if not ok:
            return None, None, ()
        if not resolved.choices:
            return 0, None, ()
        text = json.dumps([{"m": m, "a": a} for m, a in resolved.choices], separators=(",", ":"))
        return price, text, tuple(names)

    # -- resolving ------------------------------------------------------------------------------

    def resolve(self, text: str, fail: Any) -> _Resolved | None:
        """A local id, a local name, or ``poster:PRODUCT_ID[/MODIFICATOR_ID]``."""
        ref = (text or "").strip()
        if not ref:
            fail("an item is empty")
            return None
        poster = POSTER_REF.match(ref)
        if poster:
            product = self.snapshot.product(int(poster.group(1)))
            if product is None:
                fail(f"{ref}: no product {poster.group(1)} in the menu snapshot (run `poster-cli pull`?)")
                return None
            mod = int(poster.group(2)) if poster.group(2) else None
            return _Resolved(product, mod, (), ref)
        if ref.lower().startswith("poster:"):
            fail(f"{ref!r}: write poster:PRODUCT_ID or poster:PRODUCT_ID/MODIFICATOR_ID")
            return None
        entry = self.mapping.get(ref) or self._by_name.get(_fold(ref))
        if entry is None:
            fail(f"unknown item {ref!r}{self._suggest(ref)}")
            return None
        label = entry.local_id if entry.local_id == ref else f"{ref} ({entry.local_id})"
        if not entry.is_linked or entry.product_id is None:
            fail(
                f"{label}: not linked to a Poster product (status {entry.status}); run `poster-cli match` or edit the mapping"
            )
            return None
        product = self.snapshot.product(entry.product_id)
        if product is None:
            fail(
                f"{label}: mapped to product {entry.product_id}, which is not in the menu (run `poster-cli mapping check`)"
            )
            return None
        amounts: dict[int, int] = {}
        for c in entry.dish_modifications:  # one canonical form, so identical lines merge
            amounts[c.m] = amounts.get(c.m, 0) + c.a
        return _Resolved(product, entry.modificator_id, tuple(sorted(amounts.items())), label)

    def _suggest(self, ref: str) -> str:
        from rapidfuzz import fuzz, process

        names = {e.local_id: e.local_id for e in self.mapping}
        names.update({e.local_name: e.local_id for e in self.mapping if e.local_name})
        best = process.extract(ref, list(names), scorer=fuzz.WRatio, limit=3, score_cutoff=DID_YOU_MEAN_CUTOFF)
        if not best:
            return " (not in the mapping; use a local id, a local name or poster:PRODUCT_ID)"
        shown = ", ".join(repr(name) if names[name] == name else f"{name!r} ({names[name]})" for name, _, _ in best)
        return f"; did you mean {shown}?"


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _line_total(unit_price: int, count: Decimal) -> int:
    return int((Decimal(unit_price) * count).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_item_arg(text: str) -> ItemRequest:
    """``--item ITEM[:COUNT]``: ``L-001``, ``L-001:2``, ``poster:138``, ``poster:138/147:0.5``."""
    from decimal import InvalidOperation

    head, sep, tail = text.rpartition(":")
    if not sep or head.strip().lower() in ("", "poster"):
        return ItemRequest(text.strip())
    try:
        count = Decimal(tail.strip().replace(",", "."))
    except InvalidOperation:
        raise UsageError(f"--item {text!r}: the count after ':' must be a number, e.g. L-001:2") from None
    problem = count_problem(count)
    if problem is not None:
        raise UsageError(f"--item {text!r}: the count after ':' {problem}, e.g. L-001:2")
    return ItemRequest(head.strip(), count)
